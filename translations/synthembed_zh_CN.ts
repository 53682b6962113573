<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EvaluationArea</name>
    <message>
        <source>MTEB task %1 (main score %2)
%3</source>
        <translation>MTEB 任务 %1（主指标 %2）
%3</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>STS</source>
        <translation>STS</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>聚类</translation>
    </message>
    <message>
        <source>Pair classification</source>
        <translation>句对分类</translation>
    </message>
    <message>
        <source>Reranking</source>
        <translation>重排序</translation>
    </message>
    <message>
        <source>Summarization</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Bitext mining</source>
        <translation>双语文本挖掘</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1: cannot write (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ConnectionTester</name>
    <message>
        <source>%1: connected; &quot;%2&quot; answered in %3 s.</source>
        <translation>%1：已连接；“%2”在 %3 秒内作答。</translation>
    </message>
    <message>
        <source>Its answer: &quot;%1&quot;</source>
        <translation>其回答：“%1”</translation>
    </message>
    <message>
        <source>%1: the test request failed: %2</source>
        <translation>%1：测试请求失败：%2</translation>
    </message>
    <message>
        <source>… (%1 in all)</source>
        <translation>…（共 %1 个）</translation>
    </message>
    <message>
        <source>The server lists no models.</source>
        <translation>服务器未列出任何模型。</translation>
    </message>
    <message>
        <source>Models the server lists: %1</source>
        <translation>服务器列出的模型：%1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not among them.</source>
        <translation>“%1”不在其中。</translation>
    </message>
    <message>
        <source>Listing the models failed: %1</source>
        <translation>列出模型失败：%1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::DownloadDialog</name>
    <message>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <source>A model from the Hugging Face Hub: type its repo id, ORG/NAME, optionally followed by @revision (a branch, tag or commit).</source>
        <translation>来自 Hugging Face Hub 的模型：输入其仓库 ID，ORG/NAME，可在后面加上 @修订版本（分支、标签或提交）。</translation>
    </message>
    <message>
        <source>Repo id</source>
        <translation>仓库 ID</translation>
    </message>
    <message>
        <source>Files go to the Hugging Face cache (%1), where transformers and sentence-transformers find them too; what is already there is not downloaded again.</source>
        <translation>文件保存在 Hugging Face 缓存中（%1），transformers 和 sentence-transformers 也能在那里找到它们；已有的文件不会再次下载。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a repo id: type ORG/NAME or ORG/NAME@revision, e.g. intfloat/e5-mistral-7b-instruct.</source>
        <translation>“%1”不是仓库 ID：请输入 ORG/NAME 或 ORG/NAME@修订版本，例如 intfloat/e5-mistral-7b-instruct。</translation>
    </message>
    <message>
        <source>Asking the hub for %1...</source>
        <translation>正在向 Hub 查询 %1...</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 is gated or private: accept its terms on huggingface.co with your account, create an access token there, set HF_TOKEN to it in the environment and start synthembed again.</source>
        <translation>%1 受访问限制或为私有：请用您的账号在 huggingface.co 上接受其条款，在那里创建访问令牌，在环境中将 HF_TOKEN 设为该令牌，然后重新启动 synthembed。</translation>
    </message>
    <message>
        <source>Offline mode is on (HF_HUB_OFFLINE=1) and %1 is not complete in the Hugging Face cache. Unset HF_HUB_OFFLINE to download it.</source>
        <translation>离线模式已开启（HF_HUB_OFFLINE=1），且 Hugging Face 缓存中的 %1 不完整。取消设置 HF_HUB_OFFLINE 即可下载。</translation>
    </message>
    <message>
        <source>%1 is not in the Hugging Face cache and offline mode is on.</source>
        <translation>%1 不在 Hugging Face 缓存中，且离线模式已开启。</translation>
    </message>
    <message>
        <source>The hub could not be reached (check the network connection, or HF_ENDPOINT for a mirror): %1</source>
        <translation>无法连接到 Hub（请检查网络连接，或镜像的 HF_ENDPOINT）：%1</translation>
    </message>
    <message>
        <source>%1 was not found on the hub: check the name and the revision.</source>
        <translation>在 Hub 上找不到 %1：请检查名称和修订版本。</translation>
    </message>
    <message>
        <source>A downloaded file did not match its checksum; it was discarded. Try again: %1</source>
        <translation>下载的文件与其校验和不符，已被丢弃。请重试：%1</translation>
    </message>
    <message>
        <source>Cancelled. What was downloaded so far is kept; downloading %1 again resumes it.</source>
        <translation>已取消。已下载的部分会保留；再次下载 %1 时将从中断处继续。</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <source>Downloaded to %1</source>
        <translation>已下载到 %1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::Errors</name>
    <message>
        <source>%1: %2
What to do: %3
The codes are listed in the error table of docs/guide.md.</source>
        <translation>%1：%2
解决办法：%3
错误代码列在 docs/guide.md 的错误表中。</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::EvalJob</name>
    <message>
        <source>%1: loading model</source>
        <translation>%1：正在加载模型</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 在 %2 上</translation>
    </message>
    <message>
        <source>%1: %2 = %3</source>
        <translation>%1：%2 = %3</translation>
    </message>
    <message>
        <source>embedding texts</source>
        <translation>正在嵌入文本</translation>
    </message>
    <message>
        <source>embedding train texts</source>
        <translation>正在嵌入训练文本</translation>
    </message>
    <message>
        <source>embedding test texts</source>
        <translation>正在嵌入测试文本</translation>
    </message>
    <message>
        <source>embedding queries</source>
        <translation>正在嵌入查询</translation>
    </message>
    <message>
        <source>embedding documents</source>
        <translation>正在嵌入文档</translation>
    </message>
    <message>
        <source>scoring</source>
        <translation>正在评分</translation>
    </message>
    <message>
        <source>searching</source>
        <translation>正在搜索</translation>
    </message>
    <message>
        <source>clustering</source>
        <translation>正在聚类</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::EvaluationArea</name>
    <message>
        <source>Choose a model to evaluate: a model folder, a Hugging Face repo id (Download...), or the hashing baseline; then press Run.</source>
        <translation>选择要评估的模型：模型文件夹、Hugging Face 仓库 ID（下载...）或哈希基线；然后点击“运行”。</translation>
    </message>
    <message>
        <source>No model yet.</source>
        <translation>尚无模型。</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name or add a dataset folder (a BEIR folder, an STS table or a classification folder with train and test files); then press Run.</source>
        <translation>按名称选择 MTEB 任务或添加数据集文件夹（BEIR 文件夹、STS 表格，或含训练和测试文件的分类文件夹）；然后点击“运行”。</translation>
    </message>
    <message>
        <source>No datasets yet.</source>
        <translation>尚无数据集。</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...) or add a dataset folder, then choose a model: a model folder, a Hugging Face repo id, or the hashing baseline to start with. Run then scores every model on every task.</source>
        <translation>按名称选择 MTEB 任务（STSBenchmark、SciFact、Banking77Classification 等）或添加数据集文件夹，然后选择模型：模型文件夹、Hugging Face 仓库 ID，或先用哈希基线。随后“运行”会在每个任务上为每个模型打分。</translation>
    </message>
    <message>
        <source>Nothing to evaluate yet.</source>
        <translation>尚无可评估的内容。</translation>
    </message>
    <message>
        <source>Pick MTEB tasks by name (STSBenchmark, SciFact, Banking77Classification, ...): they are downloaded from the Hugging Face Hub into its cache when not there yet.</source>
        <translation>按名称选择 MTEB 任务（STSBenchmark、SciFact、Banking77Classification 等）：若尚未缓存，会从 Hugging Face Hub 下载到其缓存中。</translation>
    </message>
    <message>
        <source>Add MTEB task...</source>
        <translation>添加 MTEB 任务...</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1, step %2</source>
        <translation>%1，第 %2 步</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Checked models are evaluated. A model is a Hugging Face folder (config.json, safetensors, tokenizer); hash:DIM is the model-free hashing baseline.</source>
        <translation>将评估勾选的模型。模型是一个 Hugging Face 文件夹（config.json、safetensors、分词器）；hash:DIM 是无需模型的哈希基线。</translation>
    </message>
    <message>
        <source>Add model folder...</source>
        <translation>添加模型文件夹...</translation>
    </message>
    <message>
        <source>Add hashing baseline</source>
        <translation>添加哈希基线</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Checked datasets form the suite. Add a BEIR folder (retrieval), an STS table or a classification folder with train and test files.</source>
        <translation>勾选的数据集组成评测套件。可添加 BEIR 文件夹（检索）、STS 表格，或包含训练和测试文件的分类文件夹。</translation>
    </message>
    <message>
        <source>Add dataset folder...</source>
        <translation>添加数据集文件夹...</translation>
    </message>
    <message>
        <source>Add dataset file...</source>
        <translation>添加数据集文件...</translation>
    </message>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Dataset file</source>
        <translation>数据集文件</translation>
    </message>
    <message>
        <source>Tables (*.csv *.tsv *.txt *.jsonl);;All files (*)</source>
        <translation>表格 (*.csv *.tsv *.txt *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Suite:</source>
        <translation>套件：</translation>
    </message>
    <message>
        <source>Quick</source>
        <translation>快速</translation>
    </message>
    <message>
        <source>A seeded subsample of every dataset: fast feedback, e.g. during training.</source>
        <translation>按种子从每个数据集中抽取的子样本：反馈快，例如在训练期间使用。</translation>
    </message>
    <message>
        <source> items per dataset</source>
        <translation> 项/数据集</translation>
    </message>
    <message>
        <source>Full</source>
        <translation>完整</translation>
    </message>
    <message>
        <source>Every query, pair and text: the numbers to report.</source>
        <translation>全部查询、句对和文本：用于正式报告的结果。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Quick suite results</source>
        <translation>快速套件结果</translation>
    </message>
    <message>
        <source>Full suite results</source>
        <translation>完整套件结果</translation>
    </message>
    <message>
        <source>All runs</source>
        <translation>所有运行</translation>
    </message>
    <message>
        <source>Latest per model and dataset</source>
        <translation>每个模型和数据集的最新结果</translation>
    </message>
    <message>
        <source>Export...</source>
        <translation>导出...</translation>
    </message>
    <message>
        <source>Save the results or comparison table as CSV or Markdown</source>
        <translation>将结果表或对比表保存为 CSV 或 Markdown</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务类型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Suite</source>
        <translation>套件</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Baseline (A):</source>
        <translation>基线 (A)：</translation>
    </message>
    <message>
        <source>Comparison</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Task type:</source>
        <translation>任务类型：</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>%1 — %2, %3 items</source>
        <translation>%1 — %2，%3 项</translation>
    </message>
    <message>
        <source>Added %1 (%2)</source>
        <translation>已添加 %1（%2）</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>请先打开一个项目</translation>
    </message>
    <message>
        <source>Check at least one model and one dataset</source>
        <translation>请至少勾选一个模型和一个数据集</translation>
    </message>
    <message>
        <source>Evaluate %1 model(s) on %2 dataset(s)</source>
        <translation>在 %2 个数据集上评估 %1 个模型</translation>
    </message>
    <message>
        <source>Cancelled after %1 result(s)</source>
        <translation>已取消，已得到 %1 个结果</translation>
    </message>
    <message>
        <source>Done: %1 result(s) stored</source>
        <translation>完成：已保存 %1 个结果</translation>
    </message>
    <message>
        <source>, %1 failed (see the log)</source>
        <translation>，%1 个失败（见日志）</translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation>正在启动...</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <source>fingerprint %1, pooling %2</source>
        <translation>指纹 %1，池化 %2</translation>
    </message>
    <message>
        <source>quick (%1)</source>
        <translation>快速（%1）</translation>
    </message>
    <message>
        <source>full</source>
        <translation>完整</translation>
    </message>
    <message>
        <source>Evaluate at least two models on the same datasets to compare them.</source>
        <translation>请在相同的数据集上评估至少两个模型，才能进行比较。</translation>
    </message>
    <message>
        <source>%1 (A)</source>
        <translation>%1 (A)</translation>
    </message>
    <message>
        <source>Δ vs A</source>
        <translation>相对 A 的 Δ</translation>
    </message>
    <message>
        <source>95% CI of Δ</source>
        <translation>Δ 的 95% 置信区间</translation>
    </message>
    <message>
        <source>paired bootstrap, %1 resamples, p = %2</source>
        <translation>配对 bootstrap，%1 次重采样，p = %2</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>no per-item scores on common items (e.g. different quick subsamples)</source>
        <translation>共同项上没有逐项得分（例如快速子样本不同）</translation>
    </message>
    <message>
        <source>Δ = model − A; green better, red worse; bold where the 95% paired bootstrap interval excludes 0.</source>
        <translation>Δ = 模型 − A；绿色表示更好，红色表示更差；95% 配对 bootstrap 区间不含 0 时加粗显示。</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Markdown (*.md)</source>
        <translation>CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>MTEB-style evaluation on your own and public datasets.</source>
        <translation>在自有数据集和公开数据集上进行 MTEB 式评估。</translation>
    </message>
    <message>
        <source>model folder %1</source>
        <translation>模型文件夹 %1</translation>
    </message>
    <message>
        <source>training run %1, step %2</source>
        <translation>训练运行 %1，第 %2 步</translation>
    </message>
    <message>
        <source>Model files gone since this result: %1</source>
        <translation>自此结果以来模型文件已不存在：%1</translation>
    </message>
    <message>
        <source>Model files changed since this result: %1</source>
        <translation>自此结果以来模型文件已更改：%1</translation>
    </message>
    <message>
        <source>%1: %2 / %3 texts</source>
        <translation>%1：%2 / %3 条文本</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation>，约剩 %1</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>下载...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and add it here.</source>
        <translation>按仓库 ID（ORG/NAME）从 Hugging Face Hub 下载模型到 Hugging Face 缓存，并添加到这里。</translation>
    </message>
    <message>
        <source>Folder or repo id ORG/NAME, then Return</source>
        <translation>文件夹或仓库 ID ORG/NAME，按回车</translation>
    </message>
    <message>
        <source>A model folder or a Hugging Face repo id (ORG/NAME[@revision]); Return adds it to the list.</source>
        <translation>模型文件夹或 Hugging Face 仓库 ID（ORG/NAME[@revision]）；按回车将其加入列表。</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ExplorerArea</name>
    <message>
        <source>Embedding set:</source>
        <translation>嵌入集：</translation>
    </message>
    <message>
        <source>corpus.jsonl (one {&quot;text&quot;: ...} per line)</source>
        <translation>corpus.jsonl（每行一个 {&quot;text&quot;: ...}）</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>A model folder, a Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache, or hash:DIM for the model-free hashing baseline</source>
        <translation>模型文件夹、Hugging Face 缓存中的仓库 ID ORG/NAME[@revision]，或用 hash:DIM 表示无需模型的哈希基线</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>all texts</source>
        <translation>全部文本</translation>
    </message>
    <message>
        <source>max </source>
        <translation>最多 </translation>
    </message>
    <message>
        <source>Embed at most this many texts (0 = all)</source>
        <translation>最多嵌入这么多条文本（0 = 全部）</translation>
    </message>
    <message>
        <source>Embed</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Pick a set and a model, then Embed.</source>
        <translation>选择一个数据集和一个模型，然后点击“嵌入”。</translation>
    </message>
    <message>
        <source>JSONL corpus</source>
        <translation>JSONL 语料</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Type a query and press Enter</source>
        <translation>输入查询并按 Enter</translation>
    </message>
    <message>
        <source>Instruction for the query (optional, e5 style)</source>
        <translation>查询的指令（可选，e5 风格）</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Query:</source>
        <translation>查询：</translation>
    </message>
    <message>
        <source>Instruction:</source>
        <translation>指令：</translation>
    </message>
    <message>
        <source>Neighbours:</source>
        <translation>近邻数：</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Click a neighbour to read it; double-click to search its neighbours</source>
        <translation>单击近邻可阅读全文；双击可搜索它的近邻</translation>
    </message>
    <message>
        <source>Neighbours of this text</source>
        <translation>此文本的近邻</translation>
    </message>
    <message>
        <source>Colour by:</source>
        <translation>着色依据：</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Box select</source>
        <translation>框选</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <source>Selected: %1 point(s)</source>
        <translation>已选中：%1 个点</translation>
    </message>
    <message>
        <source>Project samples (accepted)</source>
        <translation>项目样本（已接受）</translation>
    </message>
    <message>
        <source>JSONL corpus...</source>
        <translation>JSONL 语料...</translation>
    </message>
    <message>
        <source>Dataset: %1</source>
        <translation>数据集：%1</translation>
    </message>
    <message>
        <source>Choose a model first</source>
        <translation>请先选择模型</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>请先打开一个项目</translation>
    </message>
    <message>
        <source>Reading texts...</source>
        <translation>正在读取文本...</translation>
    </message>
    <message>
        <source>The set has no texts to embed</source>
        <translation>该数据集没有可嵌入的文本</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>正在加载 %1...</translation>
    </message>
    <message>
        <source>Embedding %1 of %2 texts...</source>
        <translation>正在嵌入 %1 / %2 条文本...</translation>
    </message>
    <message>
        <source>Embedding %1 texts...</source>
        <translation>正在嵌入 %1 条文本...</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Projecting %1 points (PCA)...</source>
        <translation>正在投影 %1 个点（PCA）...</translation>
    </message>
    <message>
        <source>%1 points, %2 dimensions; PCA keeps %3% of the variance</source>
        <translation>%1 个点，%2 维；PCA 保留了 %3% 的方差</translation>
    </message>
    <message>
        <source>Embedded %1 texts of %2 with %3</source>
        <translation>已用 %3 嵌入 %1 / %2 条文本</translation>
    </message>
    <message>
        <source>other (%1 values)</source>
        <translation>其他（%1 个值）</translation>
    </message>
    <message>
        <source>Searching...</source>
        <translation>正在搜索...</translation>
    </message>
    <message>
        <source>Query: “%1”</source>
        <translation>查询：“%1”</translation>
    </message>
    <message>
        <source>Query: “%1” (instruction: %2)</source>
        <translation>查询：“%1”（指令：%2）</translation>
    </message>
    <message>
        <source>Neighbours of “%1”</source>
        <translation>“%1”的近邻</translation>
    </message>
    <message>
        <source>%1 neighbour(s)</source>
        <translation>%1 个近邻</translation>
    </message>
    <message>
        <source>id %1</source>
        <translation>ID %1</translation>
    </message>
    <message>
        <source>family %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>language %1</source>
        <translation>语言 %1</translation>
    </message>
    <message>
        <source>label %1</source>
        <translation>标签 %1</translation>
    </message>
    <message>
        <source>Explorer</source>
        <translation>探索</translation>
    </message>
    <message>
        <source>Nearest-neighbour search and maps of an embedding space.</source>
        <translation>嵌入空间的最近邻搜索与分布图。</translation>
    </message>
    <message>
        <source>Drag to:</source>
        <translation>拖动用于：</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Drag moves the view, the wheel zooms (Shift-drag still draws a box)</source>
        <translation>拖动可移动视图，滚轮可缩放（按住 Shift 拖动仍会画出矩形框）</translation>
    </message>
    <message>
        <source>Drag a box to list its points</source>
        <translation>拖出一个矩形框以列出其中的点</translation>
    </message>
    <message>
        <source>Lasso select</source>
        <translation>套索选择</translation>
    </message>
    <message>
        <source>Draw a freehand outline around points to list them</source>
        <translation>手绘一条轮廓圈住这些点，即可将其列出</translation>
    </message>
    <message>
        <source>Select points on the map (Box select, Lasso select, or Shift-drag) to list them here.</source>
        <translation>在分布图上选择点（框选、套索选择或按住 Shift 拖动），即可在此列出。</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>下载...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and use it here.</source>
        <translation>按仓库 ID（ORG/NAME）从 Hugging Face Hub 下载模型到 Hugging Face 缓存，并在这里使用。</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正例</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>负例</translation>
    </message>
    <message>
        <source>Texts of each sample:</source>
        <translation>每个样本的文本：</translation>
    </message>
    <message>
        <source>Queries</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Positives</source>
        <translation>正例</translation>
    </message>
    <message>
        <source>Negatives</source>
        <translation>负例</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Query, positive or negative text of a sample</source>
        <translation>样本的查询、正例或负例文本</translation>
    </message>
    <message>
        <source>Layout:</source>
        <translation>布局：</translation>
    </message>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>UMAP (neighbour graph)</source>
        <translation>UMAP（近邻图）</translation>
    </message>
    <message>
        <source>The two directions of largest variance: fast, keeps global distances, squashes neighbourhoods together</source>
        <translation>方差最大的两个方向：速度快，保留全局距离，但会把邻域挤在一起</translation>
    </message>
    <message>
        <source>A UMAP-style layout of the 15-nearest-neighbour graph: keeps neighbourhoods; computed in the background and cached for this set</source>
        <translation>基于 15 近邻图的 UMAP 式布局：保留邻域；在后台计算，并为此集合缓存</translation>
    </message>
    <message>
        <source>Open in Samples</source>
        <translation>在样本中打开</translation>
    </message>
    <message>
        <source>Show the sample of the current row in the Samples area (project samples only)</source>
        <translation>在样本区域中显示当前行的样本（仅限项目样本）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the selected rows (or all rows) as tab-separated text</source>
        <translation>将所选行（或全部行）复制为制表符分隔的文本</translation>
    </message>
    <message>
        <source>sample %1</source>
        <translation>样本 %1</translation>
    </message>
    <message>
        <source>UMAP 1</source>
        <translation>UMAP 1</translation>
    </message>
    <message>
        <source>UMAP 2</source>
        <translation>UMAP 2</translation>
    </message>
    <message>
        <source>PC 1</source>
        <translation>主成分 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>主成分 2</translation>
    </message>
    <message>
        <source>A UMAP layout needs at least 3 points</source>
        <translation>UMAP 布局至少需要 3 个点</translation>
    </message>
    <message>
        <source>UMAP layout of %1 points: starting...</source>
        <translation>%1 个点的 UMAP 布局：正在开始...</translation>
    </message>
    <message>
        <source>UMAP layout: nearest neighbours of %1 points...</source>
        <translation>UMAP 布局：正在查找 %1 个点的最近邻...</translation>
    </message>
    <message>
        <source>UMAP layout: building the neighbour graph...</source>
        <translation>UMAP 布局：正在构建近邻图...</translation>
    </message>
    <message>
        <source>UMAP layout: optimising, epoch %1 of %2...</source>
        <translation>UMAP 布局：正在优化，第 %1 / %2 轮...</translation>
    </message>
    <message>
        <source>%1 points; UMAP layout (15 neighbours), from the layout cache</source>
        <translation>%1 个点；UMAP 布局（15 个近邻），来自布局缓存</translation>
    </message>
    <message>
        <source>%1 points; UMAP layout (15 neighbours), computed in %2 s</source>
        <translation>%1 个点；UMAP 布局（15 个近邻），用时 %2 秒</translation>
    </message>
    <message>
        <source>UMAP layout cancelled; the map shows PCA</source>
        <translation>UMAP 布局已取消；地图显示 PCA</translation>
    </message>
    <message>
        <source>Copied %1 row(s)</source>
        <translation>已复制 %1 行</translation>
    </message>
    <message>
        <source>No samples to map yet.</source>
        <translation>还没有可映射的样本。</translation>
    </message>
    <message>
        <source>The map shows the project&apos;s accepted samples. Generate them in Generation or import them in Samples, or choose a JSONL corpus or an evaluation dataset above.</source>
        <translation>地图显示项目中已接受的样本。请在“生成”中生成样本或在“样本”中导入，或在上方选择 JSONL 语料或评估数据集。</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>转到“生成”</translation>
    </message>
    <message>
        <source>Go to Samples</source>
        <translation>转到“样本”</translation>
    </message>
    <message>
        <source>Nothing embedded yet.</source>
        <translation>尚未嵌入任何内容。</translation>
    </message>
    <message>
        <source>Choose the texts to map and a model above, then press Embed.</source>
        <translation>请在上方选择要映射的文本和模型，然后点击“嵌入”。</translation>
    </message>
    <message>
        <source>Choose the texts to map above and press Embed. hash:256 is a model-free baseline; train a model in Training, or add one in Evaluation, to see what it has learned.</source>
        <translation>请在上方选择要映射的文本并点击“嵌入”。hash:256 是不需要模型的基线；在“训练”中训练模型，或在“评估”中添加模型，即可查看它学到了什么。</translation>
    </message>
    <message>
        <source>Go to Training</source>
        <translation>转到“训练”</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::FindBar</name>
    <message>
        <source>Find:</source>
        <translation>查找：</translation>
    </message>
    <message>
        <source>text in the template</source>
        <translation>模板中的文本</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>上一个匹配 (Shift+Enter)</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>下一个匹配 (Enter)</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::GenerationArea</name>
    <message>
        <source>New job</source>
        <translation>新建任务</translation>
    </message>
    <message>
        <source>Families and their mix (weights):</source>
        <translation>类别及其配比（权重）：</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Exact number of accepted samples the job ends with</source>
        <translation>任务结束时恰好得到的已接受样本数</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>An endpoint configured in Settings, or a base URL typed here (no API key)</source>
        <translation>在“设置”中配置的端点，或在此输入的基础 URL（无 API 密钥）</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Concurrency</source>
        <translation>并发数</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Requests/min</source>
        <translation>请求数/分钟</translation>
    </message>
    <message>
        <source>Tokens/min</source>
        <translation>token 数/分钟</translation>
    </message>
    <message>
        <source>server default</source>
        <translation>服务器默认值</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Double-click a job to see its samples</source>
        <translation>双击任务可查看其样本</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>All %1 endpoints</source>
        <translation>全部 %1 个端点</translation>
    </message>
    <message>
        <source>configure endpoints in Settings, or type a base URL</source>
        <translation>在“设置”中配置端点，或输入基础 URL</translation>
    </message>
    <message>
        <source>Pick at least one family.</source>
        <translation>请至少选择一个类别。</translation>
    </message>
    <message>
        <source>%1 families</source>
        <translation>%1 个类别</translation>
    </message>
    <message>
        <source>Pick an endpoint (configure them in Settings).</source>
        <translation>请选择一个端点（在“设置”中配置）。</translation>
    </message>
    <message>
        <source>&lt;p&gt;No prompt templates found; estimates are unavailable.&lt;/p&gt;</source>
        <translation>&lt;p&gt;未找到提示词模板，无法估算。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Estimate before launch</source>
        <translation>启动前估算</translation>
    </message>
    <message>
        <source>%1M</source>
        <translation>%1M</translation>
    </message>
    <message>
        <source>%1k</source>
        <translation>%1k</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Brainstorm</source>
        <translation>头脑风暴</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 个请求</translation>
    </message>
    <message>
        <source>Estimated cost: &lt;b&gt;$%1&lt;/b&gt;</source>
        <translation>预计费用：&lt;b&gt;$%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No price for this model (add one under settings key llm.prices).</source>
        <translation>此模型没有价格信息（可在设置键 llm.prices 下添加）。</translation>
    </message>
    <message>
        <source>Placeholder combinations: &lt;b&gt;%1&lt;/b&gt; distinct in %2 prompts%3, of %4 possible.</source>
        <translation>占位符组合：%2 条提示词%3中有 &lt;b&gt;%1&lt;/b&gt; 种不同组合，共 %4 种可能。</translation>
    </message>
    <message>
        <source> (a sample of the plan)</source>
        <translation>（计划的抽样）</translation>
    </message>
    <message>
        <source>%1 %2% (expected %3%)</source>
        <translation>%1 %2%（预期 %3%）</translation>
    </message>
    <message>
        <source>Language mix:</source>
        <translation>语言配比：</translation>
    </message>
    <message>
        <source>Coverage of the placeholder pools</source>
        <translation>占位符值池的覆盖情况</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>值个数</translation>
    </message>
    <message>
        <source>Expected distinct</source>
        <translation>预期不同值数</translation>
    </message>
    <message>
        <source>Job %1 started</source>
        <translation>任务 %1 已启动</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>任务 %1：%2</translation>
    </message>
    <message>
        <source>Job %1: %2 — %3</source>
        <translation>任务 %1：%2 — %3</translation>
    </message>
    <message>
        <source>Job %1: %2 tasks brainstormed, %3 requests failed, %4 HTTP attempts</source>
        <translation>任务 %1：头脑风暴出 %2 个任务描述，%3 个请求失败，%4 次 HTTP 尝试</translation>
    </message>
    <message>
        <source>, %1 retries in this run</source>
        <translation>，本次运行重试 %1 次</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Jobs that send rendered prompts to an OpenAI-compatible endpoint.</source>
        <translation>将渲染后的提示词发送到兼容 OpenAI 的端点的任务。</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>token 数</translation>
    </message>
    <message>
        <source>in</source>
        <comment>estimate table: prompt tokens sent</comment>
        <translation>输入</translation>
    </message>
    <message>
        <source>out</source>
        <comment>estimate table: completion tokens received</comment>
        <translation>输出</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Connection not tested yet</source>
        <translation>尚未测试连接</translation>
    </message>
    <message>
        <source>Test connection: lists the endpoint&apos;s models and sends it one tiny request (each endpoint when all are chosen)</source>
        <translation>测试连接：列出端点的模型并向其发送一个极小的请求（选择全部端点时逐个测试）</translation>
    </message>
    <message>
        <source>Per endpoint; an endpoint&apos;s own limit in Settings takes precedence</source>
        <translation>按端点计；在“设置”中为端点单独设置的限制优先</translation>
    </message>
    <message>
        <source>Connection test passed</source>
        <translation>连接测试通过</translation>
    </message>
    <message>
        <source>Connection test failed</source>
        <translation>连接测试失败</translation>
    </message>
    <message>
        <source>Launch cancelled</source>
        <translation>已取消启动</translation>
    </message>
    <message>
        <source>%1, line %2: %3 %4</source>
        <translation>%1，第 %2 行：%3 %4</translation>
    </message>
    <message>
        <source>error:</source>
        <translation>错误：</translation>
    </message>
    <message>
        <source>warning:</source>
        <translation>警告：</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>…以及另外 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The templates this job uses have %n problem(s):</source>
        <translation>
            <numerusform>此任务使用的模板有 %n 个问题：</numerusform>
        </translation>
    </message>
    <message>
        <source>Their prompts would be sent to the LLM (and paid for) as they are. Fix them in the Templates area, or launch anyway?</source>
        <translation>其提示将按原样发送给 LLM（并产生费用）。请在“模板”区域中修正，或者仍然启动？</translation>
    </message>
    <message>
        <source>Launch anyway</source>
        <translation>仍然启动</translation>
    </message>
    <message>
        <source>Don&apos;t launch</source>
        <translation>不启动</translation>
    </message>
    <message>
        <source>Job %1 “%2” (%3, %4 accepted): %5</source>
        <translation>任务 %1“%2”（%3，已接受 %4 条）：%5</translation>
    </message>
    <message numerus="yes">
        <source>Seed %1 was already used with the same template versions by %n job(s):</source>
        <translation>
            <numerusform>种子 %1 已被 %n 个使用相同模板版本的任务用过：</numerusform>
        </translation>
    </message>
    <message>
        <source>The new job would draw the same prompts again: most answers would be duplicates, rejected after they are paid for.</source>
        <translation>新任务会再次抽取相同的提示：大多数回答将是重复项，在付费之后才被拒绝。</translation>
    </message>
    <message>
        <source>Use seed %1</source>
        <translation>使用种子 %1</translation>
    </message>
    <message>
        <source>Launch with seed %1</source>
        <translation>仍以种子 %1 启动</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>最近的错误：%1</translation>
    </message>
    <message>
        <source>All %1 endpoints: each request goes to the one with the most free capacity</source>
        <translation>全部 %1 个端点：每个请求发往空闲容量最多的端点</translation>
    </message>
    <message>
        <source>No generation jobs yet.</source>
        <translation>还没有生成任务。</translation>
    </message>
    <message>
        <source>Jobs send prompts to an OpenAI-compatible endpoint (vLLM, llama.cpp&apos;s server, OpenAI, ...). Add one in Settings, or type its base URL in the Endpoint field above, then press Launch.</source>
        <translation>任务将提示发送到兼容 OpenAI 的端点（vLLM、llama.cpp 服务器、OpenAI 等）。请在设置中添加端点，或在上方“端点”字段中输入其基础 URL，然后点击“启动”。</translation>
    </message>
    <message>
        <source>Choose the families, their mix and the number of samples above, then press Launch. The samples appear in Samples as they arrive.</source>
        <translation>请在上方选择类别、配比和样本数量，然后点击“启动”。样本一到达就会显示在“样本”中。</translation>
    </message>
    <message>
        <source>Settings...</source>
        <translation>设置...</translation>
    </message>
    <message>
        <source>Edit templates</source>
        <translation>编辑模板</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::GuidePanel</name>
    <message>
        <source>Guide</source>
        <translation>指南</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Write or adapt the brainstorm and generate prompts. Placeholders such as {language} or {difficulty} are filled from value pools so every prompt differs.</source>
        <translation>编写或修改头脑风暴（brainstorm）和生成（generate）提示词。{language} 或 {difficulty} 等占位符从值池中取值填充，使每条提示词各不相同。</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Send rendered prompts to an OpenAI-compatible endpoint (set it up in Settings). Jobs survive restarts and never pay twice for an answer.</source>
        <translation>将渲染后的提示词发送到兼容 OpenAI 的端点（在“设置”中配置）。任务在重启后可继续运行，同一个回答绝不会重复付费。</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Inspect what came back, remove duplicates and contaminated samples, accept, reject or edit by hand.</source>
        <translation>检查返回的结果，去除重复样本和受污染的样本，手动接受、拒绝或编辑。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Fine-tune a backbone (BERT-style or Llama/Mistral/Qwen2) with a contrastive loss on the accepted samples, on CPU or GPU, and watch the loss.</source>
        <translation>在已接受的样本上用对比损失微调骨干模型（BERT 类或 Llama/Mistral/Qwen2），可在 CPU 或 GPU 上运行，并实时查看损失。</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Score models MTEB-style on your own and public datasets and compare runs.</source>
        <translation>以 MTEB 的方式在自有数据集和公开数据集上为模型打分，并比较各次运行。</translation>
    </message>
    <message>
        <source>Explorer</source>
        <translation>探索</translation>
    </message>
    <message>
        <source>Search the embedding space with a typed query and look at its map.</source>
        <translation>用输入的查询搜索嵌入空间，并查看其分布图。</translation>
    </message>
    <message>
        <source>&lt;p&gt;synthembed turns an LLM into training data, and the data into an embedding model:&lt;/p&gt;</source>
        <translation>&lt;p&gt;synthembed 用 LLM 生成训练数据，再用这些数据训练出嵌入模型：&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Everything is stored in the project file shown in the status bar. The same steps run headless with &lt;code&gt;synthembed-cli&lt;/code&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;所有内容都保存在状态栏所示的项目文件中。同样的步骤也可以用 &lt;code&gt;synthembed-cli&lt;/code&gt; 在无界面模式下运行。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::HistoryPanel</name>
    <message numerus="yes">
        <source>%n unchanged line(s)</source>
        <translation>
            <numerusform>%n 行未更改</numerusform>
        </translation>
    </message>
    <message>
        <source>No differences.</source>
        <translation>没有差异。</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Saved (UTC)</source>
        <translation>保存时间 (UTC)</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>更改</translation>
    </message>
    <message>
        <source>Select one version to see what it changed, or two to compare them</source>
        <translation>选择一个版本查看其更改，或选择两个版本进行比较</translation>
    </message>
    <message>
        <source>Open in editor</source>
        <translation>在编辑器中打开</translation>
    </message>
    <message>
        <source>Put this version&apos;s text into the editor; Save makes it the latest version</source>
        <translation>将此版本的文本载入编辑器；保存后它将成为最新版本</translation>
    </message>
    <message>
        <source>first version</source>
        <translation>首个版本</translation>
    </message>
    <message>
        <source>+%1 −%2 lines</source>
        <translation>+%1 −%2 行</translation>
    </message>
    <message>
        <source>Select one version, or two to compare.</source>
        <translation>选择一个版本，或选择两个进行比较。</translation>
    </message>
    <message>
        <source>v%1 → v%2: +%3 −%4 lines</source>
        <translation>v%1 → v%2：+%3 −%4 行</translation>
    </message>
    <message>
        <source>v%1: first version</source>
        <translation>v%1：首个版本</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::JobTableModel</name>
    <message>
        <source>%1: %2 / %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <source>Requests sent and not answered yet (retries of this run)</source>
        <translation>已发送但尚未得到回答的请求（本次运行的重试次数）</translation>
    </message>
    <message>
        <source>%1 brainstorm, %2 tasks, %3 failed, %4 HTTP attempts</source>
        <translation>%1 个头脑风暴，%2 个任务描述，%3 个失败，%4 次 HTTP 尝试</translation>
    </message>
    <message>
        <source>%1 (other process)</source>
        <translation>%1（其他进程）</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 (%2 retries)</source>
        <translation>%1（重试 %2 次）</translation>
    </message>
    <message>
        <source>%1 req/s · %2 tok/s</source>
        <translation>%1 请求/秒 · %2 token/秒</translation>
    </message>
    <message>
        <source>%1 in / %2 out</source>
        <translation>输入 %1 / 输出 %2</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>token 数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>最近的错误：%1</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::LogDock</name>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Lowest level of messages to show</source>
        <translation>显示消息的最低级别</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MainWindow</name>
    <message>
        <source>synthembed</source>
        <translation>synthembed</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New Project...</source>
        <translation>新建项目(&amp;N)...</translation>
    </message>
    <message>
        <source>&amp;Open Project...</source>
        <translation>打开项目(&amp;O)...</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Settings...</source>
        <translation>设置(&amp;S)...</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About synthembed</source>
        <translation>关于 synthembed(&amp;A)</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>无项目</translation>
    </message>
    <message>
        <source>%1 — %2 templates, %3 samples</source>
        <translation>%1 — %2 个模板，%3 个样本</translation>
    </message>
    <message>
        <source>%1 — synthembed</source>
        <translation>%1 — synthembed</translation>
    </message>
    <message>
        <source>About synthembed</source>
        <translation>关于 synthembed</translation>
    </message>
    <message>
        <source>&lt;h3&gt;synthembed&lt;/h3&gt;&lt;p&gt;Build text-embedding models from LLM-generated synthetic data: templates, generation, curation, contrastive fine-tuning, evaluation and exploration.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;synthembed&lt;/h3&gt;&lt;p&gt;用 LLM 生成的合成数据构建文本嵌入模型：模板、生成、整理、对比微调、评估与探索。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Evaluate %1</source>
        <translation>评估 %1</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Sample %1 is not listed with the Samples area&apos;s filters</source>
        <translation>在样本区域当前的筛选条件下未列出样本 %1</translation>
    </message>
    <message>
        <source>No project is open.</source>
        <translation>没有打开的项目。</translation>
    </message>
    <message>
        <source>A project file holds your templates, samples, training runs and results. Create a new project or open an existing one.</source>
        <translation>项目文件保存模板、样本、训练运行和结果。请新建项目或打开已有项目。</translation>
    </message>
    <message>
        <source>New Project...</source>
        <translation>新建项目...</translation>
    </message>
    <message>
        <source>Open Project...</source>
        <translation>打开项目...</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MapView</name>
    <message>
        <source>PC 1</source>
        <translation>主成分 1</translation>
    </message>
    <message>
        <source>PC 2</source>
        <translation>主成分 2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MetricPlots</name>
    <message>
        <source>Right-click to move or hide the legend.</source>
        <translation>右键单击可移动或隐藏图例。</translation>
    </message>
    <message>
        <source>Legend top right</source>
        <translation>图例置于右上</translation>
    </message>
    <message>
        <source>Legend top left</source>
        <translation>图例置于左上</translation>
    </message>
    <message>
        <source>Legend bottom right</source>
        <translation>图例置于右下</translation>
    </message>
    <message>
        <source>Legend bottom left</source>
        <translation>图例置于左下</translation>
    </message>
    <message>
        <source>Hide legend</source>
        <translation>隐藏图例</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>InfoNCE</source>
        <translation>InfoNCE</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>L2 norm</source>
        <translation>L2 范数</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <source>In-batch accuracy</source>
        <translation>批内准确率</translation>
    </message>
    <message>
        <source>top-1</source>
        <translation>top-1</translation>
    </message>
    <message>
        <source>Cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <source>cos</source>
        <translation>cos</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>smoothed</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>grad norm</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>in-batch</source>
        <translation>批内</translation>
    </message>
    <message>
        <source>dev</source>
        <translation>开发集</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正样本</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>负样本</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ModelMemory</name>
    <message>
        <source>%1 parameters, %2 checkpoint</source>
        <translation>%1 个参数，%2 检查点</translation>
    </message>
    <message>
        <source>%1; needs about %2 as %3 on CPU (this machine: %4)</source>
        <translation>%1；在 CPU 上以 %3 运行约需 %2（本机：%4）</translation>
    </message>
    <message>
        <source>%1; needs about %2 as %3 on CPU</source>
        <translation>%1；在 CPU 上以 %3 运行约需 %2</translation>
    </message>
    <message>
        <source>%1; does not fit this machine&apos;s memory (%2)</source>
        <translation>%1；超出本机内存（%2）</translation>
    </message>
    <message>
        <source>Full fine-tuning on CPU needs about %1 before activations (float32 weights, gradients and optimizer state).</source>
        <translation>在 CPU 上完整微调约需 %1（不含激活值：float32 权重、梯度和优化器状态）。</translation>
    </message>
    <message>
        <source>LoRA training on CPU needs about %1 before activations (float32 base weights).</source>
        <translation>在 CPU 上进行 LoRA 训练约需 %1（不含激活值：float32 基础权重）。</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::PoolEditor</name>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>值池</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>值个数</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a value to the pool</source>
        <translation>向值池添加一个值</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove the selected values</source>
        <translation>删除选中的值</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Discard the pool edits</source>
        <translation>放弃对值池的编辑</translation>
    </message>
    <message>
        <source>Save pool</source>
        <translation>保存值池</translation>
    </message>
    <message>
        <source>Store the pool as a new version (templates and samples keep the versions they used)</source>
        <translation>将值池保存为新版本（模板和样本保留各自使用过的版本）</translation>
    </message>
    <message>
        <source> (edited)</source>
        <translation>（已编辑）</translation>
    </message>
    <message>
        <source>%1 (missing)</source>
        <translation>%1（缺失）</translation>
    </message>
    <message>
        <source>input (from the plan)</source>
        <translation>输入（来自计划）</translation>
    </message>
    <message>
        <source>Select a placeholder to edit its pool.</source>
        <translation>选择一个占位符以编辑其值池。</translation>
    </message>
    <message>
        <source>Pool &lt;b&gt;%1&lt;/b&gt; does not exist.</source>
        <translation>值池 &lt;b&gt;%1&lt;/b&gt; 不存在。</translation>
    </message>
    <message>
        <source>Pool &lt;b&gt;%1&lt;/b&gt; · version %2 · %3 values%4</source>
        <translation>值池 &lt;b&gt;%1&lt;/b&gt; · 版本 %2 · %3 个值%4</translation>
    </message>
    <message>
        <source> · &lt;span style=&quot;color:#b26a00;&quot;&gt;edited, not saved&lt;/span&gt;</source>
        <translation> · &lt;span style=&quot;color:#b26a00;&quot;&gt;已编辑，未保存&lt;/span&gt;</translation>
    </message>
    <message>
        <source>new value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>a value is empty</source>
        <translation>有值为空</translation>
    </message>
    <message>
        <source>Pool %1 was not saved:
%2</source>
        <translation>值池 %1 未保存：
%2</translation>
    </message>
    <message>
        <source>Saved pool %1 as version %2</source>
        <translation>已将值池 %1 保存为版本 %2</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::PreviewPanel</name>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>The same seed always renders the same prompt, on every platform.</source>
        <translation>相同的种子在任何平台上都会渲染出相同的提示词。</translation>
    </message>
    <message>
        <source>Resample</source>
        <translation>重新抽样</translation>
    </message>
    <message>
        <source>Draw new placeholder values (next seed)</source>
        <translation>抽取新的占位符值（下一个种子）</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Sampled value</source>
        <translation>抽取的值</translation>
    </message>
    <message>
        <source>Preview not updated: %1</source>
        <translation>预览未更新：%1</translation>
    </message>
    <message>
        <source>Seed %1 · value combinations: %2 · ~%3 prompt tokens</source>
        <translation>种子 %1 · 值组合数：%2 · 约 %3 个提示词 token</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ProblemsPanel</name>
    <message>
        <source>Line:Col</source>
        <translation>行:列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Problems: none</source>
        <translation>问题：无</translation>
    </message>
    <message>
        <source>Problems: %1 error(s), %2 warning(s) — click one to jump to it</source>
        <translation>问题：%1 个错误，%2 个警告 — 点击即可跳转</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::RunBuilder</name>
    <message numerus="yes">
        <source>%n sample(s) selected: %1 to train on, %2 held out for the dev metric</source>
        <translation>
            <numerusform>已选 %n 个样本：%1 个用于训练，%2 个留作开发集指标</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n example(s): %1 to train on, %2 held out for the dev metric</source>
        <translation>
            <numerusform>%n 个样例：%1 个用于训练，%2 个留作开发集指标</numerusform>
        </translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>A name for the run in the runs table.</source>
        <translation>此次运行在运行列表中的名称。</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>运行名称</translation>
    </message>
    <message>
        <source>A Hugging Face model folder (config.json, safetensors weights and a tokenizer), or a Hugging Face repo id ORG/NAME[@revision] from the Hugging Face cache. Llama, Mistral and Qwen2 decoders and BERT encoders are supported.</source>
        <translation>Hugging Face 模型文件夹（config.json、safetensors 权重和分词器），或 Hugging Face 缓存中的仓库 ID ORG/NAME[@revision]。支持 Llama、Mistral、Qwen2 解码器和 BERT 编码器。</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Project samples</source>
        <translation>项目样本</translation>
    </message>
    <message>
        <source>Train on the open project&apos;s samples that have a query and a positive.</source>
        <translation>使用当前项目中带有查询和正样本的样本进行训练。</translation>
    </message>
    <message>
        <source>JSONL file</source>
        <translation>JSONL 文件</translation>
    </message>
    <message>
        <source>Train on a file of lines {&quot;query&quot;, &quot;positive&quot;[, &quot;negative&quot;][, &quot;instruction&quot;]} (the generation export format).</source>
        <translation>使用每行为 {&quot;query&quot;, &quot;positive&quot;[, &quot;negative&quot;][, &quot;instruction&quot;]} 的文件进行训练（即生成的导出格式）。</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Task families to train on; the number is how many samples each has under the other filters.</source>
        <translation>用于训练的任务类别；数字表示在其他筛选条件下各类别的样本数。</translation>
    </message>
    <message>
        <source>Languages to train on.</source>
        <translation>用于训练的语言。</translation>
    </message>
    <message>
        <source>Which curation states count: accepted and edited samples by default.</source>
        <translation>计入哪些整理状态：默认为已接受和已编辑的样本。</translation>
    </message>
    <message>
        <source>Families</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样例数</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>One family per batch</source>
        <translation>每批一个类别</translation>
    </message>
    <message>
        <source>Random: every batch draws from all data. One family per batch: in-batch negatives are of the same kind (families weighted by their size), as e5 recipes do.</source>
        <translation>随机：每批从全部数据中抽取。每批一个类别：批内负样本属于同一类型（类别按规模加权），与 e5 的做法相同。</translation>
    </message>
    <message>
        <source>Batch mix</source>
        <translation>批次组成</translation>
    </message>
    <message>
        <source>Tokens per sequence (query with its instruction, or document); longer texts are cut. The paper uses 512.</source>
        <translation>每个序列（带指令的查询或文档）的 token 数；更长的文本会被截断。论文中使用 512。</translation>
    </message>
    <message>
        <source>Max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>Train small low-rank adapters on every linear projection; the base weights stay frozen (e5-mistral: rank 16 on all linear layers).</source>
        <translation>在每个线性投影上训练小型低秩适配器；基础权重保持冻结（e5-mistral：所有线性层秩为 16）。</translation>
    </message>
    <message>
        <source>Full fine-tune</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <source>Train every weight: best for small models, needs memory for optimiser state of all weights.</source>
        <translation>训练所有权重：最适合小模型，需要为所有权重的优化器状态预留内存。</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练方式</translation>
    </message>
    <message>
        <source>LoRA rank r: size of the low-rank update (paper: 16).</source>
        <translation>LoRA 秩 r：低秩更新的大小（论文：16）。</translation>
    </message>
    <message>
        <source>LoRA alpha: the update is scaled by alpha / r (paper: 32).</source>
        <translation>LoRA alpha：更新按 alpha / r 缩放（论文：32）。</translation>
    </message>
    <message>
        <source>Dropout on the adapters&apos; input, as PEFT applies it.</source>
        <translation>适配器输入上的 dropout，与 PEFT 的做法一致。</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout</translation>
    </message>
    <message>
        <source>Last token</source>
        <translation>最后一个 token</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>CLS</source>
        <translation>CLS</translation>
    </message>
    <message>
        <source>How a text&apos;s hidden states become one vector: the last token&apos;s (with EOS appended; decoders, as the paper), the mean over tokens, or the first token&apos;s (BERT&apos;s [CLS]).</source>
        <translation>如何将文本的隐藏状态汇聚为一个向量：取最后一个 token（追加 EOS；用于解码器，同论文）、对所有 token 取平均，或取第一个 token（BERT 的 [CLS]）。</translation>
    </message>
    <message>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <source>Loss and optimiser</source>
        <translation>损失与优化器</translation>
    </message>
    <message>
        <source>InfoNCE temperature: cosine similarities are divided by it (paper: 0.02). Lower values sharpen the contrast between positives and negatives.</source>
        <translation>InfoNCE 温度：余弦相似度除以该值（论文：0.02）。值越低，正负样本之间的对比越鲜明。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Also document to query</source>
        <translation>同时计算文档到查询</translation>
    </message>
    <message>
        <source>Adds the symmetric InfoNCE term that scores each positive against all queries.</source>
        <translation>添加对称的 InfoNCE 项，用每个正样本与所有查询计算得分。</translation>
    </message>
    <message>
        <source>Peak learning rate of AdamW (paper: 1e-4 for LoRA). Full fine-tunes of small models often want more, e.g. 1e-3. Arrows double or halve it.</source>
        <translation>AdamW 的峰值学习率（论文：LoRA 使用 1e-4）。小模型全量微调通常需要更大的值，例如 1e-3。箭头按钮可将其加倍或减半。</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Steps of linear warm-up from 0 to the peak rate; it then decays linearly to 0 at the last step (paper: 100).</source>
        <translation>从 0 线性预热到峰值学习率的步数；之后线性衰减，在最后一步降为 0（论文：100）。</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>AdamW weight decay, not applied to norms and biases.</source>
        <translation>AdamW 权重衰减，不作用于归一化层和偏置。</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>Batches and length</source>
        <translation>批次与时长</translation>
    </message>
    <message>
        <source>Queries per optimiser step. Every other positive (and every hard negative) in the batch is a negative for a query, so larger batches train better (paper: 2048).</source>
        <translation>每个优化步的查询数。批内其他所有正样本（以及所有困难负样本）都是某个查询的负样本，因此批次越大训练效果越好（论文：2048）。</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>GradCache sub-batch: sequences per forward pass. A large batch then needs only the memory of a sub-batch, with the same gradients. 0 = the whole batch in one pass.</source>
        <translation>GradCache 子批次：每次前向传播的序列数。这样大批次只需一个子批次的内存，梯度不变。0 = 整个批次一次完成。</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>GradCache sub-batch</source>
        <translation>GradCache 子批次</translation>
    </message>
    <message>
        <source>Recompute activations in backward</source>
        <translation>在反向传播中重新计算激活</translation>
    </message>
    <message>
        <source>Gradient checkpointing: each transformer layer keeps only its input during the forward pass and is run again in the backward pass. Activation memory drops to about one layer&apos;s worth, for roughly 30% more compute per step. Loss and gradients stay the same (dropout is replayed).</source>
        <translation>梯度检查点：每个 Transformer 层在前向传播时只保留其输入，并在反向传播时重新运行。激活内存降至约一层的大小，每步计算量增加约 30%。损失和梯度保持不变（会重放 dropout）。</translation>
    </message>
    <message>
        <source>Gradient checkpointing</source>
        <translation>梯度检查点</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Optimiser steps to train.</source>
        <translation>要训练的优化步数。</translation>
    </message>
    <message>
        <source>Passes over the data (the last partial batch of each epoch is dropped).</source>
        <translation>遍历数据的次数（每轮最后一个不完整的批次会被丢弃）。</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Seeds the data order, dropout and adapter initialisation: the same seed repeats a run.</source>
        <translation>决定数据顺序、dropout 和适配器初始化：相同的种子可复现一次运行。</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>No CUDA device: this build of libtorch or this machine has no usable NVIDIA GPU.</source>
        <translation>没有 CUDA 设备：此 libtorch 构建或本机没有可用的 NVIDIA GPU。</translation>
    </message>
    <message numerus="yes">
        <source>%n CUDA device(s); bf16 autocast is used on the GPU.</source>
        <translation>
            <numerusform>%n 个 CUDA 设备；在 GPU 上使用 bf16 自动混合精度。</numerusform>
        </translation>
    </message>
    <message>
        <source>Where to train.</source>
        <translation>训练所用设备。</translation>
    </message>
    <message>
        <source>Where to train. CUDA is not available here.</source>
        <translation>训练所用设备。此处 CUDA 不可用。</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Steps between checkpoints (a stop also writes one). 0 = only on stop and at the end.</source>
        <translation>两次检查点之间的步数（停止时也会写入一个）。0 = 仅在停止时和结束时写入。</translation>
    </message>
    <message>
        <source>Checkpoint every</source>
        <translation>检查点间隔</translation>
    </message>
    <message>
        <source>Share of the data held out to measure in-batch retrieval accuracy during training.</source>
        <translation>留出的数据比例，用于在训练期间测量批内检索准确率。</translation>
    </message>
    <message>
        <source>Steps between dev evaluations (0 = none).</source>
        <translation>两次开发集评估之间的步数（0 = 不评估）。</translation>
    </message>
    <message>
        <source>every</source>
        <translation>每隔</translation>
    </message>
    <message>
        <source>Dev share</source>
        <translation>开发集比例</translation>
    </message>
    <message>
        <source>Where the trained model goes (merged weights, the LoRA adapter, sentence-transformers files); checkpoints are kept in its checkpoints/ folder.</source>
        <translation>训练好的模型的保存位置（合并后的权重、LoRA 适配器、sentence-transformers 文件）；检查点保存在其 checkpoints/ 文件夹中。</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Base model folder</source>
        <translation>基础模型文件夹</translation>
    </message>
    <message>
        <source>Training data</source>
        <translation>训练数据</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a model folder.&lt;/i&gt;</source>
        <translation>&lt;i&gt;请选择模型文件夹。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>%1 %2, hidden size %3, %4 parameters, tokenizer %5</source>
        <translation>%1 %2，隐藏层大小 %3，%4 个参数，分词器 %5</translation>
    </message>
    <message>
        <source>decoder</source>
        <translation>解码器</translation>
    </message>
    <message>
        <source>encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a JSONL file.&lt;/i&gt;</source>
        <translation>&lt;i&gt;请选择 JSONL 文件。&lt;/i&gt;</translation>
    </message>
    <message numerus="yes">
        <source>%n example(s)</source>
        <translation>
            <numerusform>%n 条样例</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) selected</source>
        <translation>
            <numerusform>已选 %n 个样本</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;i&gt;No project open.&lt;/i&gt;</source>
        <translation>&lt;i&gt;未打开项目。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Choose a base model folder.</source>
        <translation>请选择基础模型文件夹。</translation>
    </message>
    <message>
        <source>The base model folder is not usable: %1</source>
        <translation>基础模型文件夹不可用：%1</translation>
    </message>
    <message>
        <source>Choose a JSONL file.</source>
        <translation>请选择 JSONL 文件。</translation>
    </message>
    <message>
        <source>Open a project or choose a JSONL file.</source>
        <translation>请打开一个项目或选择 JSONL 文件。</translation>
    </message>
    <message>
        <source>No samples match the data filters.</source>
        <translation>没有符合数据筛选条件的样本。</translation>
    </message>
    <message>
        <source>The batch (%1) is larger than the data (%2 examples).</source>
        <translation>批大小（%1）大于数据量（%2 条样例）。</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>请选择输出文件夹。</translation>
    </message>
    <message>
        <source>CUDA is not available on this machine.</source>
        <translation>本机无法使用 CUDA。</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>下载...</translation>
    </message>
    <message>
        <source>Download a model from the Hugging Face Hub by its repo id (ORG/NAME) into the Hugging Face cache, and use it here.</source>
        <translation>按仓库 ID（ORG/NAME）从 Hugging Face Hub 下载模型到 Hugging Face 缓存，并在这里使用。</translation>
    </message>
    <message>
        <source>%1 Use Download... to fetch it.</source>
        <translation>%1 请用“下载...”获取。</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::RunsModel</name>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>The program ended while this run was training; resume continues from its last checkpoint.</source>
        <translation>此运行训练期间程序已退出；继续时将从其最后一个检查点接着训练。</translation>
    </message>
    <message>
        <source>Stopped with a checkpoint; resume continues exactly.</source>
        <translation>已停止并写入检查点；继续时将精确地从停止处接着训练。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SampleTableModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>正样本</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>负样本</translation>
    </message>
    <message>
        <source>Reject reason</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SamplesArea</name>
    <message>
        <source>All statuses</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已编辑</translation>
    </message>
    <message>
        <source>Search query, positive, negative, instruction</source>
        <translation>搜索查询、正样本、负样本、指令</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>筛选：</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Reject reason</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <source>Reject reasons</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>正样本</translation>
    </message>
    <message>
        <source>Negative</source>
        <translation>负样本</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>The fields parsed from the answer; edit them and press Save edit</source>
        <translation>从回答中解析出的字段；编辑后点击“保存编辑”</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>The rendered prompt sent to the LLM</source>
        <translation>发送给 LLM 的渲染后提示词</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Sampled value</source>
        <translation>抽取的值</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Raw answer</source>
        <translation>原始回答</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原始版本</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>reason for rejecting</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Save edit</source>
        <translation>保存编辑</translation>
    </message>
    <message>
        <source>Saves the edited fields; the original is kept</source>
        <translation>保存编辑后的字段；原始版本会被保留</translation>
    </message>
    <message>
        <source>All families</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>All languages</source>
        <translation>所有语言</translation>
    </message>
    <message>
        <source>All jobs</source>
        <translation>所有任务</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>任务 %1</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>任务 %1：%2</translation>
    </message>
    <message>
        <source>(no reason)</source>
        <translation>（无原因）</translation>
    </message>
    <message>
        <source>reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>%1 samples</source>
        <translation>%1 个样本</translation>
    </message>
    <message>
        <source>Select a sample to see its prompt, values and answer.</source>
        <translation>选择一个样本以查看其提示词、取值和回答。</translation>
    </message>
    <message>
        <source>No project open.</source>
        <translation>未打开项目。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sample %1&lt;/b&gt; · %2 · %3 · &lt;b&gt;%4&lt;/b&gt;</source>
        <translation>&lt;b&gt;样本 %1&lt;/b&gt; · %2 · %3 · &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source> · job %1</source>
        <translation> · 任务 %1</translation>
    </message>
    <message>
        <source> · template %1</source>
        <translation> · 模板 %1</translation>
    </message>
    <message>
        <source> · %1 + %2 tokens</source>
        <translation> · %1 + %2 个 token</translation>
    </message>
    <message>
        <source>Task: %1</source>
        <translation>任务描述：%1</translation>
    </message>
    <message>
        <source>Rejected: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>(no prompt: the sample was imported)</source>
        <translation>（无提示词：该样本是导入的）</translation>
    </message>
    <message>
        <source>(not edited)</source>
        <translation>（未编辑）</translation>
    </message>
    <message>
        <source>Sample %1 accepted</source>
        <translation>样本 %1 已接受</translation>
    </message>
    <message>
        <source>rejected by hand</source>
        <translation>手动拒绝</translation>
    </message>
    <message>
        <source>Sample %1 rejected</source>
        <translation>样本 %1 已拒绝</translation>
    </message>
    <message>
        <source>Sample %1 saved (original kept)</source>
        <translation>样本 %1 已保存（保留原始版本）</translation>
    </message>
    <message>
        <source>The generated training samples: inspect, filter and curate.</source>
        <translation>生成的训练样本：检查、筛选和整理。</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>near-duplicate</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>contamination</source>
        <translation>污染</translation>
    </message>
    <message>
        <source>no JSON in the answer</source>
        <translation>回答中没有 JSON</translation>
    </message>
    <message>
        <source>answer cut off</source>
        <translation>回答被截断</translation>
    </message>
    <message>
        <source>answer is not a JSON object</source>
        <translation>回答不是 JSON 对象</translation>
    </message>
    <message>
        <source>missing key</source>
        <translation>缺少键</translation>
    </message>
    <message>
        <source>wrong value type</source>
        <translation>值类型错误</translation>
    </message>
    <message>
        <source>empty value</source>
        <translation>空值</translation>
    </message>
    <message>
        <source>unfilled placeholder</source>
        <translation>未填充的占位符</translation>
    </message>
    <message>
        <source>positive repeats the query</source>
        <translation>正样本重复了查询</translation>
    </message>
    <message>
        <source>negative equals positive</source>
        <translation>负样本与正样本相同</translation>
    </message>
    <message>
        <source>filter: family</source>
        <translation>过滤：类别</translation>
    </message>
    <message>
        <source>filter: language</source>
        <translation>过滤：语言</translation>
    </message>
    <message>
        <source>filter: query length</source>
        <translation>过滤：查询长度</translation>
    </message>
    <message>
        <source>filter: positive length</source>
        <translation>过滤：正样本长度</translation>
    </message>
    <message>
        <source>Show samples of every reject reason</source>
        <translation>显示所有拒绝原因的样本</translation>
    </message>
    <message>
        <source>Click a kind or a reason to list its samples</source>
        <translation>点击某类或某个原因以列出其样本</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Find duplicates and evaluation data among the samples</source>
        <translation>在样本中查找重复和评估数据</translation>
    </message>
    <message>
        <source>Reject &amp;&amp; next</source>
        <translation>拒绝并下一个</translation>
    </message>
    <message>
        <source>Reject and next</source>
        <translation>拒绝并转到下一个</translation>
    </message>
    <message>
        <source>Rejects this sample and stays on it (%1)</source>
        <translation>拒绝此样本并停留在此 (%1)</translation>
    </message>
    <message>
        <source>Rejects this sample and shows the next one (%1)</source>
        <translation>拒绝此样本并显示下一个 (%1)</translation>
    </message>
    <message>
        <source>Find duplicates among the samples, or samples that overlap evaluation data.</source>
        <translation>在样本中查找重复，或与评估数据重叠的样本。</translation>
    </message>
    <message>
        <source>All rejected</source>
        <translation>全部已拒绝</translation>
    </message>
    <message>
        <source>reason kind: %1</source>
        <translation>原因类别：%1</translation>
    </message>
    <message>
        <source>Accept sample %1</source>
        <translation>接受样本 %1</translation>
    </message>
    <message>
        <source>Reject sample %1</source>
        <translation>拒绝样本 %1</translation>
    </message>
    <message>
        <source>Edit sample %1</source>
        <translation>编辑样本 %1</translation>
    </message>
    <message>
        <source>Find duplicates</source>
        <translation>查找重复</translation>
    </message>
    <message>
        <source>Lists exact duplicates (same normalised text) and near duplicates among the accepted and edited samples; the earliest of each is kept. Nothing is rejected until you press Reject listed samples.</source>
        <translation>列出已接受和已编辑样本中的完全重复（规范化后文本相同）和近似重复；每组保留最早的一个。在点击“拒绝列出的样本”之前不会拒绝任何样本。</translation>
    </message>
    <message>
        <source>near duplicates</source>
        <translation>近似重复</translation>
    </message>
    <message>
        <source>Word-shingle similarity (Jaccard) at or above which two texts count as near duplicates</source>
        <translation>两个文本被视为近似重复的词片段相似度（Jaccard）阈值</translation>
    </message>
    <message>
        <source>Check contamination</source>
        <translation>检查污染</translation>
    </message>
    <message>
        <source>Lists samples whose query or positive nearly duplicates a text of an evaluation set, and flags them</source>
        <translation>列出查询或正样本与评估集文本近似重复的样本，并标记它们</translation>
    </message>
    <message>
        <source>Evaluation folder (BEIR)…</source>
        <translation>评估文件夹 (BEIR)…</translation>
    </message>
    <message>
        <source>Evaluation folder</source>
        <translation>评估文件夹</translation>
    </message>
    <message>
        <source>Evaluation file (.jsonl, .csv, .tsv, .txt)…</source>
        <translation>评估文件 (.jsonl, .csv, .tsv, .txt)…</translation>
    </message>
    <message>
        <source>Evaluation file</source>
        <translation>评估文件</translation>
    </message>
    <message>
        <source>Evaluation texts (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)</source>
        <translation>评估文本 (*.jsonl *.json *.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Similarity ≥</source>
        <translation>相似度 ≥</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>匹配</translation>
    </message>
    <message>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <source>Double-click a row to show its sample</source>
        <translation>双击某行以显示其样本</translation>
    </message>
    <message>
        <source>Reject listed samples</source>
        <translation>拒绝列出的样本</translation>
    </message>
    <message>
        <source>Rejects every listed sample with the reason shown (one step to undo)</source>
        <translation>以显示的原因拒绝每个列出的样本（可一步撤销）</translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation>正在查找重复…</translation>
    </message>
    <message>
        <source>Checking against %1…</source>
        <translation>正在与 %1 比对…</translation>
    </message>
    <message>
        <source>%1 of %2 samples</source>
        <translation>%1 / %2 个样本</translation>
    </message>
    <message>
        <source>Check cancelled; nothing was changed.</source>
        <translation>检查已取消；未做任何更改。</translation>
    </message>
    <message>
        <source>sample %1 (kept)</source>
        <translation>样本 %1（保留）</translation>
    </message>
    <message>
        <source>%1 exact and %2 near duplicates among %3 accepted and edited samples. Nothing is rejected yet: Reject listed samples rejects them (the earliest of each stays).</source>
        <translation>在 %3 个已接受和已编辑的样本中有 %1 个完全重复和 %2 个近似重复。尚未拒绝任何样本：“拒绝列出的样本”会拒绝它们（每组保留最早的一个）。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 of %2 accepted and edited samples overlap %3 (%4 evaluation texts); they are flagged, not rejected.</source>
        <translation>%2 个已接受和已编辑的样本中有 %1 个与 %3 重叠（%4 条评估文本）；它们已被标记，未被拒绝。</translation>
    </message>
    <message>
        <source>The listed samples are rejected already.</source>
        <translation>列出的样本已被拒绝。</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n distinct reason(s)</source>
        <translation>
            <numerusform>%1：%n 个不同原因</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… %n more reason(s): click the kind to list all</source>
        <translation>
            <numerusform>… 另外 %n 个原因：点击该类以列出全部</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reject %n listed sample(s)</source>
        <translation>
            <numerusform>拒绝 %n 个列出的样本</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sample(s) rejected</source>
        <translation>
            <numerusform>已拒绝 %n 个样本</numerusform>
        </translation>
    </message>
    <message>
        <source>No datasets registered in Evaluation</source>
        <translation>评估中没有已注册的数据集</translation>
    </message>
    <message>
        <source>No samples yet.</source>
        <translation>还没有样本。</translation>
    </message>
    <message>
        <source>Run a generation job in Generation, or import samples you already have from a JSONL, CSV or TSV file (query, positive and optionally negative).</source>
        <translation>在“生成”中运行生成任务，或从 JSONL、CSV 或 TSV 文件导入已有样本（查询、正例，可选负例）。</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>转到“生成”</translation>
    </message>
    <message>
        <source>Import samples...</source>
        <translation>导入样本...</translation>
    </message>
    <message>
        <source>Import samples</source>
        <translation>导入样本</translation>
    </message>
    <message>
        <source>Samples (*.jsonl *.json *.csv *.tsv);;All files (*)</source>
        <translation>样本 (*.jsonl *.json *.csv *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>No samples match these filters.</source>
        <translation>没有符合这些筛选条件的样本。</translation>
    </message>
    <message>
        <source>Change the family, language, status, job or search text, or clear the filters.</source>
        <translation>请更改类别、语言、状态、任务或搜索文本，或清除筛选条件。</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Imported %1 of %2 rows from %3 (%4 duplicates skipped, %5 rows with errors)</source>
        <translation>已从 %3 导入 %2 行中的 %1 行（跳过 %4 个重复，%5 行有错误）</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>LLM endpoints (OpenAI-compatible: OpenAI, vLLM, llama.cpp server, Ollama, LM Studio)</source>
        <translation>LLM 端点（兼容 OpenAI：OpenAI、vLLM、llama.cpp server、Ollama、LM Studio）</translation>
    </message>
    <message>
        <source>API keys are never written to the project or the log: give the name of an environment variable that holds the key (for example OPENAI_API_KEY). Leave it empty for local servers without a key.</source>
        <translation>API 密钥绝不会写入项目或日志：请填写保存密钥的环境变量名（例如 OPENAI_API_KEY）。无需密钥的本地服务器请留空。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>API 密钥变量</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Add endpoint</source>
        <translation>添加端点</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>all cores (%1)</source>
        <translation>全部核心（%1）</translation>
    </message>
    <message>
        <source>Compute threads:</source>
        <translation>计算线程：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Interface language (after restart):</source>
        <translation>界面语言（重启后生效）：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>set</source>
        <translation>已设置</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>Endpoint &quot;%1&quot;: the base URL must start with http:// or https://</source>
        <translation>端点“%1”：基础 URL 必须以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <source>Could not save the settings: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
    <message>
        <source>Requests/min</source>
        <translation>请求数/分钟</translation>
    </message>
    <message>
        <source>Tokens/min</source>
        <translation>token 数/分钟</translation>
    </message>
    <message>
        <source>This endpoint&apos;s own requests per minute (empty = the job&apos;s limit)</source>
        <translation>此端点自身的每分钟请求数（留空 = 使用任务的限制）</translation>
    </message>
    <message>
        <source>This endpoint&apos;s own tokens per minute (empty = the job&apos;s limit)</source>
        <translation>此端点自身的每分钟 token 数（留空 = 使用任务的限制）</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Lists the selected endpoint&apos;s models and sends it one tiny request</source>
        <translation>列出所选端点的模型并向其发送一个极小的请求</translation>
    </message>
    <message>
        <source>Endpoint &quot;%1&quot;: requests/min and tokens/min must be empty or a number of 0 or more</source>
        <translation>端点“%1”：每分钟请求数和每分钟 token 数必须留空或为不小于 0 的数字</translation>
    </message>
    <message>
        <source>Select the endpoint to test.</source>
        <translation>请选择要测试的端点。</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>正在测试 %1…</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplateEditor</name>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplateLexer</name>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Header key</source>
        <translation>头部键</translation>
    </message>
    <message>
        <source>Header value</source>
        <translation>头部值</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>注释</translation>
    </message>
    <message>
        <source>Header separator</source>
        <translation>头部分隔符</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Unknown placeholder</source>
        <translation>未知占位符</translation>
    </message>
    <message>
        <source>Literal brace</source>
        <translation>字面花括号</translation>
    </message>
    <message>
        <source>Unbalanced brace</source>
        <translation>不配对的花括号</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TemplatesArea</name>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Ver.</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>重做 (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Find in the template (Ctrl+F)</source>
        <translation>在模板中查找 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Discard the edits since the last saved version</source>
        <translation>放弃自上次保存的版本以来的编辑</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save as a new version (Ctrl+S)</source>
        <translation>保存为新版本 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Placeholders</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>&lt;p&gt;Open or create a project (File menu) to edit its prompt templates.&lt;/p&gt;</source>
        <translation>&lt;p&gt;打开或创建一个项目（“文件”菜单）以编辑其提示词模板。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;The project&apos;s templates could not be read:&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;</source>
        <translation>&lt;p&gt;无法读取项目的模板：&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>键</translation>
    </message>
    <message>
        <source>&lt;i&gt;none&lt;/i&gt;</source>
        <translation>&lt;i&gt;无&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>About</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>保存模板</translation>
    </message>
    <message>
        <source>The template was not saved:
%1</source>
        <translation>模板未保存：
%1</translation>
    </message>
    <message>
        <source>Saved %1 as version %2</source>
        <translation>已将 %1 保存为版本 %2</translation>
    </message>
    <message>
        <source>%1 is unchanged (version %2)</source>
        <translation>%1 未更改（版本 %2）</translation>
    </message>
    <message numerus="yes">
        <source> — %n problem(s) left</source>
        <translation>
            <numerusform> — 还剩 %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>Version %1 is in the editor; Save makes it the latest version</source>
        <translation>版本 %1 已载入编辑器；保存后它将成为最新版本</translation>
    </message>
    <message>
        <source>%1 · v%2 · modified</source>
        <translation>%1 · v%2 · 已修改</translation>
    </message>
    <message>
        <source>%1 · v%2</source>
        <translation>%1 · v%2</translation>
    </message>
    <message>
        <source>This template has errors</source>
        <translation>此模板有错误</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Prompt templates with diversity placeholders, and their value pools.</source>
        <translation>带多样性占位符的提示词模板及其值池。</translation>
    </message>
    <message>
        <source>This project has no templates.</source>
        <translation>此项目没有模板。</translation>
    </message>
    <message>
        <source>Templates are the prompts a generation job sends, with placeholders the job fills from value pools. Start from the built-in set (one template per family, editable here), or import a prompts folder of your own.</source>
        <translation>模板是生成任务发送的提示，其中的占位符由任务从取值池中填充。可以从内置模板集开始（每个类别一个模板，可在此编辑），或导入您自己的提示文件夹。</translation>
    </message>
    <message>
        <source>Import the built-in templates</source>
        <translation>导入内置模板</translation>
    </message>
    <message>
        <source>Import a prompts folder...</source>
        <translation>导入提示文件夹...</translation>
    </message>
    <message>
        <source>Prompts folder</source>
        <translation>提示文件夹</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::TrainingArea</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Start a new run with the settings on the left.</source>
        <translation>使用左侧的设置开始新的运行。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Write a checkpoint and stop; Resume continues exactly where it stopped.</source>
        <translation>写入检查点并停止；“继续”会精确地从停止处接着训练。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the selected stopped, failed or interrupted run from its newest checkpoint.</source>
        <translation>从最新的检查点继续所选的已停止、失败或已中断的运行。</translation>
    </message>
    <message>
        <source>step %v / %m</source>
        <translation>第 %v / %m 步</translation>
    </message>
    <message>
        <source>Use settings</source>
        <translation>使用其设置</translation>
    </message>
    <message>
        <source>Copy the selected run&apos;s settings into the form on the left.</source>
        <translation>将所选运行的设置复制到左侧表单中。</translation>
    </message>
    <message>
        <source>Open output folder</source>
        <translation>打开输出文件夹</translation>
    </message>
    <message>
        <source>Evaluate...</source>
        <translation>评估...</translation>
    </message>
    <message>
        <source>Evaluate the selected run&apos;s trained model in the Evaluation area.</source>
        <translation>在“评估”区域中评估所选运行训练出的模型。</translation>
    </message>
    <message>
        <source>Overlay a second run&apos;s curves (dashed) on the selected run&apos;s.</source>
        <translation>在所选运行的曲线上叠加另一运行的曲线（虚线）。</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比对象</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Resuming run %1...</source>
        <translation>正在继续运行 %1...</translation>
    </message>
    <message>
        <source>Loading model and data...</source>
        <translation>正在加载模型和数据...</translation>
    </message>
    <message>
        <source>Stopping: writing a checkpoint...</source>
        <translation>正在停止：写入检查点...</translation>
    </message>
    <message>
        <source>%1 samples/s, ETA %2</source>
        <translation>%1 样本/秒，预计剩余 %2</translation>
    </message>
    <message>
        <source>Stopped at step %1 of %2 with a checkpoint; Resume continues from there.</source>
        <translation>已在第 %1 / %2 步停止并写入检查点；“继续”将从此处接着训练。</translation>
    </message>
    <message>
        <source>Finished %1 steps, final loss %2. Model written to %3.</source>
        <translation>已完成 %1 步，最终损失 %2。模型已写入 %3。</translation>
    </message>
    <message>
        <source>done in %1</source>
        <translation>用时 %1 完成</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Contrastive fine-tuning of a backbone into an embedder.</source>
        <translation>通过对比微调将骨干模型训练成嵌入模型。</translation>
    </message>
    <message>
        <source>a run from before run ids</source>
        <translation>一个早于运行 ID 的运行</translation>
    </message>
    <message>
        <source>its newest checkpoint is %1</source>
        <translation>其最新检查点为 %1</translation>
    </message>
    <message>
        <source>it holds a trained model, without checkpoints</source>
        <translation>其中有已训练的模型，没有检查点</translation>
    </message>
    <message>
        <source>%1 holds another training run (%2; %3).</source>
        <translation>%1 中已有另一个训练运行（%2；%3）。</translation>
    </message>
    <message>
        <source>Resume continues that run from its newest checkpoint with its own settings.</source>
        <translation>“继续”将以该运行自己的设置从其最新检查点接着训练。</translation>
    </message>
    <message>
        <source>Move aside moves the whole folder (checkpoints and model files) to %1 and starts a new run in %2.</source>
        <translation>“移开”会把整个文件夹（检查点和模型文件）移到 %1，并在 %2 中开始新的运行。</translation>
    </message>
    <message>
        <source>Resume it</source>
        <translation>继续该运行</translation>
    </message>
    <message>
        <source>Move aside, start new</source>
        <translation>移开并重新开始</translation>
    </message>
    <message>
        <source>Moving the previous run to %1; loading model and data...</source>
        <translation>正在把之前的运行移到 %1；正在加载模型和数据...</translation>
    </message>
    <message>
        <source>Resuming the run in %1...</source>
        <translation>正在继续 %1 中的运行...</translation>
    </message>
    <message>
        <source>The previous run is in %1.</source>
        <translation>之前的运行位于 %1。</translation>
    </message>
    <message>
        <source>No samples to train on yet.</source>
        <translation>还没有可用于训练的样本。</translation>
    </message>
    <message>
        <source>Training needs accepted samples. Run a generation job in Generation, or import samples you already have in Samples.</source>
        <translation>训练需要已接受的样本。请在“生成”中运行生成任务，或在“样本”中导入已有样本。</translation>
    </message>
    <message>
        <source>Go to Generation</source>
        <translation>转到“生成”</translation>
    </message>
    <message>
        <source>Go to Samples</source>
        <translation>转到“样本”</translation>
    </message>
    <message>
        <source>Train from a JSONL file</source>
        <translation>使用 JSONL 文件训练</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::ModelReference</name>
    <message>
        <source>%1 is not downloaded: it is not in the Hugging Face cache (%2).</source>
        <translation>%1 尚未下载：不在 Hugging Face 缓存中（%2）。</translation>
    </message>
    <message>
        <source>%1 is only partly in the Hugging Face cache: %2</source>
        <translation>%1 只有部分在 Hugging Face 缓存中：%2</translation>
    </message>
    <message>
        <source>%1 is neither a model folder nor a Hugging Face repo id (ORG/NAME[@revision]).</source>
        <translation>%1 既不是模型文件夹，也不是 Hugging Face 仓库 ID（ORG/NAME[@revision]）。</translation>
    </message>
    <message>
        <source>Download...</source>
        <translation>下载...</translation>
    </message>
    <message>
        <source>%1 from the Hugging Face cache (revision %2)</source>
        <translation>%1，来自 Hugging Face 缓存（版本 %2）</translation>
    </message>
    <message>
        <source>Loading model %1...</source>
        <translation>正在加载模型 %1...</translation>
    </message>
    <message>
        <source>Loading model %1 (%2)... %3 (%4%)</source>
        <translation>正在加载模型 %1（%2）... %3（%4%）</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::evalsettings</name>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
</context>
<context>
    <name>synthembed::ui::MtebTaskDialog</name>
    <message>
        <source>Downloading %1: %2 (%3)</source>
        <translation>正在下载 %1：%2（%3）</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message numerus="yes">
        <source>Added %n task(s) to the dataset list.</source>
        <translation>
            <numerusform>已将 %n 个任务添加到数据集列表。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %1 (%n item(s))</source>
        <translation>
            <numerusform>已添加 %1（%n 项）</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled. What was downloaded of %1 is kept; adding it again resumes the download.</source>
        <translation>已取消。%1 已下载的部分会保留；再次添加会继续下载。</translation>
    </message>
    <message>
        <source>Looking for %1...</source>
        <translation>正在查找 %1...</translation>
    </message>
    <message>
        <source>Pick one or more tasks in the list.</source>
        <translation>请在列表中选择一个或多个任务。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an MTEB task synthembed knows.</source>
        <translation>“%1”不是 synthembed 所知的 MTEB 任务。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>In the cache</source>
        <translation>已缓存</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Tasks are kept in the Hugging Face cache (%1) as datasets--mteb--NAME; what is there is not downloaded again.</source>
        <translation>任务以 datasets--mteb--NAME 的形式保存在 Hugging Face 缓存（%1）中；已有的内容不会重复下载。</translation>
    </message>
    <message>
        <source>%1 at revision %2; main score %3 on the %4 split</source>
        <translation>%1，修订版本 %2；在 %4 划分上的主指标为 %3</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Hub repo</source>
        <translation>Hub 仓库</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>The MTEB tasks synthembed evaluates, by name. Pick one or more and press Add: a task in the Hugging Face cache is added at once, another is downloaded from the hub first (its mteb/... dataset repo, at the revision MTEB uses).</source>
        <translation>synthembed 可评估的 MTEB 任务（按名称）。选择一个或多个并点击“添加”：已在 Hugging Face 缓存中的任务会立即添加，其他任务先从 Hub 下载（其 mteb/... 数据集仓库，采用 MTEB 使用的修订版本）。</translation>
    </message>
    <message>
        <source>Add MTEB tasks</source>
        <translation>添加 MTEB 任务</translation>
    </message>
    <message>
        <source>Bitext mining</source>
        <translation>双语文本挖掘</translation>
    </message>
    <message>
        <source>Summarization</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>Reranking</source>
        <translation>重排序</translation>
    </message>
    <message>
        <source>Pair classification</source>
        <translation>句对分类</translation>
    </message>
    <message>
        <source>Clustering</source>
        <translation>聚类</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>STS</source>
        <translation>STS</translation>
    </message>
    <message>
        <source>Retrieval</source>
        <translation>检索</translation>
    </message>
</context>
</TS>
