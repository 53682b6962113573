<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Jobs that send rendered prompts to an OpenAI-compatible endpoint.</source>
        <translation>将渲染后的提示词发送到兼容 OpenAI 的端点的任务。</translation>
    </message>
    <message>
        <source>&lt;p&gt;Here you will build generation jobs (families and their mix, count, seed, endpoint, model, concurrency), see coverage and token estimates before launch, and follow running jobs with progress, request rates, tokens and accepted/rejected counts; pause, resume, cancel.&lt;/p&gt;&lt;p&gt;Endpoints are configured in Settings.&lt;/p&gt;</source>
        <translation>&lt;p&gt;在这里可以创建生成任务（类别及其配比、数量、种子、端点、模型、并发数），在启动前查看覆盖情况和 token 估算，并跟踪运行中的任务的进度、请求速率、token 数以及接受/拒绝数量；可暂停、继续、取消。&lt;/p&gt;&lt;p&gt;端点在“设置”中配置。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>The generated training samples: inspect, filter and curate.</source>
        <translation>生成的训练样本：检查、筛选和整理。</translation>
    </message>
    <message>
        <source>&lt;p&gt;Here you will browse every sample with its prompt, sampled values, raw answer and parsed fields; filter by family, language, status and text; accept, reject or edit; remove duplicates.&lt;/p&gt;</source>
        <translation>&lt;p&gt;在这里可以浏览每个样本及其提示词、抽取的值、原始回答和解析出的字段；按类别、语言、状态和文本筛选；接受、拒绝或编辑；去除重复。&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will configure and run fine-tuning (LoRA or full, InfoNCE with hard negatives, GradCache) on CPU or GPU and watch loss and learning-rate curves live.&lt;/p&gt;</source>
        <translation>&lt;p&gt;在这里可以在 CPU 或 GPU 上配置并运行微调（LoRA 或全量微调、带困难负样本的 InfoNCE、GradCache），并实时查看损失曲线和学习率曲线。&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will evaluate models on retrieval, STS, classification, clustering, pair classification, reranking, summarization and bitext tasks, and compare runs with confidence intervals.&lt;/p&gt;</source>
        <translation>&lt;p&gt;在这里可以在检索、STS、分类、聚类、句对分类、重排序、摘要和双语文本挖掘（bitext）任务上评估模型，并借助置信区间比较各次运行。&lt;/p&gt;</translation>
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
        <source>&lt;p&gt;Here you will search an embedding set with a typed query and see neighbours with scores, and explore a 2D map of up to hundreds of thousands of points coloured by family, language or label.&lt;/p&gt;</source>
        <translation>&lt;p&gt;在这里可以用输入的查询搜索一组嵌入，查看近邻及其得分，并浏览多达数十万个点、按类别、语言或标签着色的二维分布图。&lt;/p&gt;</translation>
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
        <source>Preview</source>
        <translation>预览</translation>
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
        <source>Placeholders</source>
        <translation>占位符</translation>
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
        <source>&lt;p&gt;This project has no templates.&lt;/p&gt;&lt;p&gt;Import a prompts folder with &lt;code&gt;synthembed-cli prompts import DIR --db PROJECT&lt;/code&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;此项目没有模板。&lt;/p&gt;&lt;p&gt;请用 &lt;code&gt;synthembed-cli prompts import DIR --db PROJECT&lt;/code&gt; 导入提示词文件夹。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Preview not updated: %1</source>
        <translation>预览未更新：%1</translation>
    </message>
    <message>
        <source>Seed %1 · value combinations: %2 · ~%3 prompt tokens</source>
        <translation>种子 %1 · 值组合数：%2 · 约 %3 个提示词 token</translation>
    </message>
    <message>
        <source>Problems: none</source>
        <translation>问题：无</translation>
    </message>
    <message>
        <source>Problems: %1 error(s), %2 warning(s) — click one to jump to it</source>
        <translation>问题：%1 个错误，%2 个警告 — 点击即可跳转</translation>
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
</context>
</TS>
