#include "core/train/engine.h"

#include "core/cuda/cuda.h"
#include "core/model/autocast_compat.h"
#include "core/platform/platform.h"
#include "core/train/distributed.h"
#include "core/train/optim.h"
#include "core/train/settings.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <chrono>
#include <cmath>
#include <fstream>

namespace synthembed::train {
namespace fs = std::filesystem;

namespace {
std::string fmt(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

// bf16 autocast for the CUDA forward; a no-op on CPU.
struct AutocastScope {
    bool on;
    AutocastScope(const torch::Device& d, bool bf16) : on(d.is_cuda() && bf16) {
        if (!on) return;
        model::autocast::setEnabled(at::kCUDA, true);
        model::autocast::setDtype(at::kCUDA, at::kBFloat16);
    }
    ~AutocastScope() {
        if (!on) return;
        at::autocast::clear_cache();
        model::autocast::setEnabled(at::kCUDA, false);
    }
};
} // namespace

std::map<std::string, double> StepMetrics::asMap() const {
    std::map<std::string, double> m = {{"loss", loss},
                                       {"lr", lr},
                                       {"grad_norm", gradNorm},
                                       {"accuracy", accuracy},
                                       {"pos_cos", posCos},
                                       {"neg_cos", negCos},
                                       {"tokens_per_s", tokensPerSec},
                                       {"samples_per_s", samplesPerSec},
                                       {"memory_mb", memoryMb}};
    if (devAccuracy) m["dev_accuracy"] = *devAccuracy;
    return m;
}

Trainer::Trainer(std::shared_ptr<model::Backbone> backbone, TokenizerFns tokenizer, TrainConfig config,
                 std::vector<TrainExample> train, std::vector<TrainExample> dev, Distributed* dist)
    : m_engine(std::make_unique<TrainerEngine>(std::move(backbone), std::move(tokenizer), std::move(config),
                                               std::move(train), std::move(dev), dist)) {}

Trainer::~Trainer() = default;

TrainOutcome Trainer::run(const TrainCallbacks& callbacks) { return m_engine->run(callbacks); }
std::int64_t Trainer::totalSteps() const { return m_engine->totalSteps(); }
const TrainConfig& Trainer::config() const { return m_engine->config(); }
void Trainer::setRunSettings(const std::string& settingsJson) { m_engine->setRunSettings(settingsJson); }
fs::path Trainer::checkpointRoot() const { return m_engine->checkpointRoot(); }
double Trainer::devAccuracy() { return m_engine->devAccuracy(); }

TrainerEngine::TrainerEngine(std::shared_ptr<model::Backbone> backbone, TokenizerFns tokenizer, TrainConfig config,
                             std::vector<TrainExample> train, std::vector<TrainExample> dev, Distributed* dist)
    : m_backbone(std::move(backbone)), m_tok(std::move(tokenizer)), m_config(std::move(config)), m_train(std::move(train)),
      m_dev(std::move(dev)), m_dist(dist), m_device(m_config.device) {
    const auto& c = m_config;
    if (!m_backbone) throw Failure("train_config", "no model to train");
    m_settingsJson = runSettingsJson(c);
    const int world = m_dist ? m_dist->worldSize() : 1;
    if (c.batchSize % world != 0)
        throw Failure("train_config", "batch size " + std::to_string(c.batchSize) + " is not divisible by the " +
                                          std::to_string(world) + " processes");
    if (c.accumulation < 1) throw Failure("train_config", "gradient accumulation must be >= 1");
    if (c.temperature <= 0) throw Failure("train_config", "temperature must be > 0");
    if (c.maxLength < 2) throw Failure("train_config", "max length must be >= 2");
    if (m_device.is_cuda() && !torch::cuda::is_available())
        throw Failure("train_config", "device " + c.device + " requested but this libtorch sees no CUDA device");

    // Same initial adapters on every rank; dropout streams differ per rank.
    torch::manual_seed(c.seed);
    auto& module = m_backbone->module();
    module.to(m_device);
    if (c.fullFineTune) {
        for (auto& p : module.named_parameters()) {
            p.value().set_requires_grad(true);
            m_trainable.emplace_back(p.key(), p.value());
        }
    } else {
        for (auto& p : module.parameters()) p.set_requires_grad(false);
        m_lora = LoraSet(module, c.lora);
        m_lora->to(m_device);
        for (auto& p : m_lora->named_parameters()) m_trainable.emplace_back(p.key(), p.value());
    }
    if (m_dist) {
        std::vector<torch::Tensor> ts;
        for (auto& [n, t] : m_trainable) ts.push_back(t);
        m_dist->broadcast(ts);
    }
    torch::manual_seed(c.seed + 1000003ull * static_cast<std::uint64_t>(m_dist ? m_dist->rank() : 0));
    if (c.gradientCheckpointing) m_backbone->setGradientCheckpointing(true);
    m_optimizer = makeAdamW(m_trainable, c);

    std::vector<std::string> families;
    families.reserve(m_train.size());
    for (const auto& e : m_train) families.push_back(e.family);
    m_plan = std::make_unique<BatchPlan>(std::move(families), c.batchSize, c.seed, c.mix);
    if (m_plan->batchesPerEpoch() == 0)
        throw Failure("train_data", "only " + std::to_string(m_train.size()) + " training examples: fewer than one batch of " +
                                        std::to_string(c.batchSize));
    m_totalSteps = c.steps > 0 ? c.steps
                               : std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(
                                                              c.epochs * static_cast<double>(m_plan->batchesPerEpoch()) /
                                                              static_cast<double>(c.accumulation))));
    m_trainTokens.resize(m_train.size());
    m_devTokens.resize(m_dev.size());
}

TrainerEngine::~TrainerEngine() = default;

fs::path TrainerEngine::checkpointRoot() const { return fs::path(m_config.outputDir) / "checkpoints"; }

std::vector<std::int32_t> TrainerEngine::tokenize(const std::string& text) const {
    auto ids = m_tok.encode(text);
    const auto maxLen = static_cast<std::size_t>(m_config.maxLength);
    if (m_tok.appendEos) {
        // EOS explicitly (tokenizers may silently not add it), after truncation to max length.
        if (!ids.empty() && ids.back() == m_tok.eosId) ids.pop_back();
        if (ids.size() > maxLen - 1) ids.resize(maxLen - 1);
        ids.push_back(m_tok.eosId);
    } else if (ids.size() > maxLen) {
        ids.resize(maxLen);
    }
    return ids;
}

const TrainerEngine::Tokens& TrainerEngine::tokens(std::size_t example, bool dev) const {
    auto& t = (dev ? m_devTokens : m_trainTokens)[example];
    if (!t.done) {
        const auto& e = (dev ? m_dev : m_train)[example];
        t.query = tokenize(formatQuery(e.instruction, e.query));
        t.docs.push_back(tokenize(e.positive));
        for (const auto& n : e.negatives) t.docs.push_back(tokenize(n));
        t.done = true;
    }
    return t;
}

TokenBatch TrainerEngine::pad(const std::vector<const std::vector<std::int32_t>*>& seqs) const {
    std::size_t len = 1;
    for (auto* s : seqs) len = std::max(len, s->size());
    const auto n = static_cast<std::int64_t>(seqs.size());
    auto ids = torch::full({n, static_cast<std::int64_t>(len)}, static_cast<std::int64_t>(m_tok.padId), torch::kLong);
    auto mask = torch::zeros({n, static_cast<std::int64_t>(len)}, torch::kLong);
    auto ia = ids.accessor<std::int64_t, 2>();
    auto ma = mask.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < seqs[i]->size(); ++j) {
            ia[i][j] = (*seqs[i])[j];
            ma[i][j] = 1;
        }
    return {ids.to(m_device), mask.to(m_device)};
}

ContrastiveBatch TrainerEngine::makeBatch(const std::vector<std::size_t>& examples, bool dev) const {
    std::vector<const std::vector<std::int32_t>*> q, d;
    std::vector<std::int64_t> pos;
    for (auto i : examples) q.push_back(&tokens(i, dev).query);
    // Positives first (their index = the query's), then every hard negative.
    for (auto i : examples) d.push_back(&tokens(i, dev).docs[0]);
    for (auto i : examples) {
        const auto& t = tokens(i, dev);
        for (std::size_t k = 1; k < t.docs.size(); ++k) d.push_back(&t.docs[k]);
    }
    for (std::size_t i = 0; i < examples.size(); ++i) pos.push_back(static_cast<std::int64_t>(i));
    return {pad(q), pad(d), torch::tensor(pos, torch::kLong).to(m_device)};
}

torch::Tensor TrainerEngine::encode(const TokenBatch& batch) {
    AutocastScope ac(m_device, m_config.bf16);
    auto h = m_backbone->forward(batch.ids, batch.mask);
    return poolHidden(h, batch.mask, m_config.pooling).to(torch::kFloat);
}

torch::Tensor TrainerEngine::embedTexts(const std::vector<std::string>& texts, int batchSize) {
    torch::NoGradGuard ng;
    m_backbone->module().eval();
    if (m_lora) m_lora->eval();
    std::vector<torch::Tensor> out;
    for (std::size_t b = 0; b < texts.size(); b += static_cast<std::size_t>(batchSize)) {
        std::vector<std::vector<std::int32_t>> ids;
        for (std::size_t i = b; i < std::min(texts.size(), b + batchSize); ++i) ids.push_back(tokenize(texts[i]));
        std::vector<const std::vector<std::int32_t>*> ptrs;
        for (auto& v : ids) ptrs.push_back(&v);
        out.push_back(encode(pad(ptrs)).cpu());
    }
    m_backbone->module().train();
    if (m_lora) m_lora->train();
    return torch::cat(out);
}

double TrainerEngine::devAccuracy() {
    if (m_dev.size() < 2) return 0;
    torch::NoGradGuard ng;
    m_backbone->module().eval();
    if (m_lora) m_lora->eval();
    const auto bs = static_cast<std::size_t>(std::max(2, m_config.batchSize));
    double correct = 0, total = 0;
    for (std::size_t b = 0; b + 1 < m_dev.size(); b += bs) {
        std::vector<std::size_t> idx;
        for (std::size_t i = b; i < std::min(m_dev.size(), b + bs); ++i) idx.push_back(i);
        if (idx.size() < 2) break;
        auto batch = makeBatch(idx, true);
        const auto mb = m_config.miniBatch > 0 ? m_config.miniBatch : batch.queries.rows();
        std::vector<torch::Tensor> qs, ds;
        for (std::int64_t i = 0; i < batch.queries.rows(); i += mb)
            qs.push_back(encode(batch.queries.slice(i, std::min(i + mb, batch.queries.rows()))));
        for (std::int64_t i = 0; i < batch.documents.rows(); i += mb)
            ds.push_back(encode(batch.documents.slice(i, std::min(i + mb, batch.documents.rows()))));
        auto r = infoNce(torch::cat(qs), torch::cat(ds), batch.positiveIndex, m_config.temperature);
        correct += r.accuracy * static_cast<double>(idx.size());
        total += static_cast<double>(idx.size());
    }
    m_backbone->module().train();
    if (m_lora) m_lora->train();
    return total > 0 ? correct / total : 0;
}

TrainOutcome TrainerEngine::run(const TrainCallbacks& cb) {
    const auto& c = m_config;
    const int rank = m_dist ? m_dist->rank() : 0;
    const int world = m_dist ? m_dist->worldSize() : 1;
    const auto root = checkpointRoot();
    nlohmann::json summary = {{"batch_size", c.batchSize}, {"accumulation", c.accumulation}, {"seed", c.seed},
                              {"full", c.fullFineTune},    {"lora_rank", c.lora.rank},        {"lr", c.lr},
                              {"total_steps", m_totalSteps},
                              {"settings", nlohmann::json::parse(m_settingsJson)}};

    std::int64_t step = 0, cursor = 0;
    double wallBase = 0;
    TrainOutcome out;
    out.totalSteps = m_totalSteps;
    // Rank 0 owns the output folder: a new run never writes next to another run's checkpoints.
    RunFolder folder;
    if (rank == 0) folder = prepareRunFolder(c.outputDir, c.resume, c.overwrite);
    const std::string runId = folder.runId;
    out.checkpointRunId = runId;
    out.previousMovedTo = folder.previousMovedTo.string();
    if (c.resume) {
        auto last = latestCheckpoint(root);
        if (!last) throw Failure("train_resume", "nothing to resume: no complete checkpoint under " + root.string());
        RngState rng;
        auto meta = loadCheckpoint(*last, m_trainable, *m_optimizer, rng, rank);
        if (meta.extra.value("batch_size", c.batchSize) != c.batchSize ||
            meta.extra.value("accumulation", c.accumulation) != c.accumulation ||
            meta.extra.value("seed", c.seed) != c.seed)
            throw Failure("train_resume", last->string() + ": written with another batch size, accumulation or seed "
                                                           "than this run's; resume with the same settings");
        if (meta.extra.contains("settings")) {
            // Every setting that shapes the run must be the one the checkpoint was written with.
            auto stored = runSettingsFromJson(meta.extra["settings"].dump());
            if (!stored) throw Failure("train_resume", last->string() + ": " + stored.error().message);
            auto mine = runSettingsFromJson(m_settingsJson);
            std::string differ;
            for (const auto& k : differingSettings(*stored, *mine))
                if (!resumeMayChange(k)) differ += (differ.empty() ? "" : ", ") + k;
            if (!differ.empty())
                throw Failure("train_resume", last->string() + ": written with other settings than this run's (" + differ +
                                                  "); resume with the run's settings");
        }
        restoreRng(rng, m_device);
        step = meta.step;
        cursor = meta.batchCursor;
        wallBase = meta.wallTime;
        out.lastCheckpoint = last->string();
        log::info("resuming from ", last->string(), " at step ", step, "/", m_totalSteps);
    }

    std::vector<torch::Tensor> params;
    for (auto& [n, t] : m_trainable) params.push_back(t);
    m_backbone->module().train();
    if (m_lora) m_lora->train();
    const LossOptions lossOpt{c.temperature, c.symmetric};
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return wallBase + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    auto checkpoint = [&](std::int64_t atStep) {
        CheckpointMeta meta{atStep, cursor, elapsed(), summary, runId};
        auto path = saveCheckpoint(root, meta, m_trainable, *m_optimizer, captureRng(m_device), m_dist, c.keepCheckpoints);
        out.lastCheckpoint = path.string();
    };

    cb.hooks.report(step, m_totalSteps, "training");
    while (step < m_totalSteps) {
        const auto ts = std::chrono::steady_clock::now();
        m_optimizer->zero_grad();
        StepStats agg;
        double tokensSeen = 0;
        for (int a = 0; a < c.accumulation; ++a) {
            auto global = m_plan->batch(cursor++);
            const auto per = global.size() / static_cast<std::size_t>(world);
            std::vector<std::size_t> local(global.begin() + rank * per, global.begin() + (rank + 1) * per);
            auto batch = makeBatch(local);
            tokensSeen += static_cast<double>(batch.queries.mask.sum().item<std::int64_t>() +
                                              batch.documents.mask.sum().item<std::int64_t>());
            auto s = contrastiveBackward([this](const TokenBatch& b) { return encode(b); }, batch, lossOpt, c.miniBatch,
                                         m_dist, 1.0 / c.accumulation);
            agg.loss += s.loss / c.accumulation;
            agg.accuracy += s.accuracy / c.accumulation;
            agg.posCos += s.posCos / c.accumulation;
            agg.negCos += s.negCos / c.accumulation;
        }
        if (m_dist) {
            std::vector<torch::Tensor> grads;
            for (auto& p : params)
                if (p.grad().defined()) grads.push_back(p.grad());
            m_dist->allReduceSum(grads);
            tokensSeen = static_cast<double>(m_dist->sumInt(static_cast<std::int64_t>(tokensSeen)));
        }
        const double gradNorm = clipGradNorm(params, c.clipNorm);
        if (!std::isfinite(agg.loss) || !std::isfinite(gradNorm)) {
            m_optimizer->zero_grad();
            std::string what = !std::isfinite(agg.loss) ? "loss is " + fmt(agg.loss) : "gradient norm is " + fmt(gradNorm);
            throw Failure("train_nonfinite",
                          "step " + std::to_string(step + 1) + ": " + what + "; training stopped before the update. " +
                              (out.lastCheckpoint.empty() ? std::string("No checkpoint was written yet.")
                                                          : "The last good checkpoint is " + out.lastCheckpoint +
                                                                " (resume from it, e.g. with a lower learning rate).") );
        }
        const double lr = learningRate(c, step, m_totalSteps);
        setLearningRate(*m_optimizer, lr);
        m_optimizer->step();
        ++step;

        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
        StepMetrics m;
        m.step = step;
        m.totalSteps = m_totalSteps;
        m.loss = agg.loss;
        m.lr = lr;
        m.gradNorm = gradNorm;
        m.accuracy = agg.accuracy;
        m.posCos = agg.posCos;
        m.negCos = agg.negCos;
        m.tokensPerSec = dt > 0 ? tokensSeen / dt : 0;
        m.samplesPerSec = dt > 0 ? static_cast<double>(c.batchSize) * c.accumulation / dt : 0;
        if (m_device.is_cuda()) {
            // Peak of the step on the GPU, then a new peak window for the next step.
            int gpu = m_device.has_index() ? m_device.index() : 0;
            m.memoryMb = cuda::memory(gpu).peakAllocatedMb;
            cuda::resetPeak(gpu);
        } else {
            m.memoryMb = platform::residentMemoryMb();
        }
        m.wallTime = elapsed();
        if (c.devEvery > 0 && !m_dev.empty() && (step % c.devEvery == 0 || step == m_totalSteps)) m.devAccuracy = devAccuracy();
        out.finalLoss = m.loss;
        out.steps = step;
        if (cb.onStep && rank == 0) cb.onStep(m);
        cb.hooks.report(step, m_totalSteps, "training");

        bool stop = cb.hooks.stopRequested();
        if (m_dist) stop = m_dist->sumInt(stop ? 1 : 0) > 0;
        if (step < m_totalSteps && (stop || (c.checkpointEvery > 0 && step % c.checkpointEvery == 0))) checkpoint(step);
        if (stop && step < m_totalSteps) {
            out.stopped = true;
            log::info("training stopped at step ", step, "/", m_totalSteps, "; resume continues from ", out.lastCheckpoint);
            return out;
        }
    }
    out.steps = step;
    return out;
}

} // namespace synthembed::train
