#include "core/embed/embedder.h"

#include "core/runtime/runtime.h"
#include "core/runtime/torch_runtime.h"

#include "core/model/architectures.h"
#include "core/model/backbone.h"
#include "core/model/safetensors.h"
#include "core/tok/tokenizer.h"
#include "core/util/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numeric>
#include <mutex>
#include <sstream>
#include <thread>

namespace synthembed::embed {

namespace fs = std::filesystem;

bool parsePooling(const std::string& name, Pooling& out) {
    if (name == "auto")
        out = Pooling::Auto;
    else if (name == "last")
        out = Pooling::Last;
    else if (name == "mean")
        out = Pooling::Mean;
    else if (name == "cls")
        out = Pooling::Cls;
    else
        return false;
    return true;
}

const char* poolingName(Pooling p) {
    switch (p) {
    case Pooling::Auto:
        return "auto";
    case Pooling::Last:
        return "last";
    case Pooling::Mean:
        return "mean";
    case Pooling::Cls:
        return "cls";
    }
    return "?";
}

std::string instructionPrefix(const std::string& task) {
    return "Instruct: " + task + "\nQuery: ";
}

Result<std::string> selectPrompt(const ModelInfo& info, const std::string& name) {
    const std::string& wanted = name.empty() ? info.defaultPromptName : name;
    if (wanted.empty()) return std::string();
    auto it = info.prompts.find(wanted);
    if (it != info.prompts.end()) return it->second;
    std::string names;
    for (const auto& [n, text] : info.prompts) names += (names.empty() ? "" : ", ") + n;
    return Error{"usage", "prompt '" + wanted + "' is not in " +
                              (info.path / "config_sentence_transformers.json").string() +
                              (names.empty() ? std::string(" (the folder has no prompts)")
                                             : " (its prompts: " + names + ")")};
}

namespace {

/// FNV-1a, 64 bit: a stable, dependency-free hash for cache keys (not for security).
struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    void add(const void* data, std::size_t n) {
        auto p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ p[i]) * 1099511628211ull;
    }
    void add(const std::string& s) {
        add(s.data(), s.size());
        add("\0", 1);
    }
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string fingerprintOf(const fs::path& dir, const model::Checkpoint& ckpt) {
    Fnv f;
    f.add("synthembed-model-v1");
    for (const char* name : {"config.json", "tokenizer.json", "tokenizer.model", "vocab.txt",
                             "tokenizer_config.json", "special_tokens_map.json", "1_Pooling/config.json"}) {
        f.add(name);
        if (fs::exists(dir / name)) f.add(slurp(dir / name));
    }
    // Hashing every weight byte of a 7B model would take seconds; names, dtypes, shapes and
    // 3 x 4 KiB samples per tensor change whenever training touches the weights.
    std::vector<const model::TensorView*> ts;
    for (const auto& t : ckpt.tensors())
        ts.push_back(&t);
    std::sort(ts.begin(), ts.end(), [](auto* a, auto* b) { return a->name < b->name; });
    constexpr std::size_t kSample = 4096;
    for (const auto* t : ts) {
        f.add(t->name);
        f.add(model::dtypeName(t->dtype));
        f.add(t->shapeString());
        if (t->nbytes <= 3 * kSample) {
            f.add(t->data, t->nbytes);
        } else {
            f.add(t->data, kSample);
            f.add(t->data + t->nbytes / 2, kSample);
            f.add(t->data + t->nbytes - kSample, kSample);
        }
    }
    return f.hex();
}

bool hasTokenizerFiles(const fs::path& dir) {
    return fs::exists(dir / "tokenizer.json") || fs::exists(dir / "tokenizer.model") ||
           fs::exists(dir / "vocab.txt");
}

/// sentence-transformers' pooling choice, if the folder has one.
std::optional<Pooling> sentenceTransformersPooling(const fs::path& dir) {
    fs::path p = dir / "1_Pooling" / "config.json";
    if (!fs::exists(p)) return std::nullopt;
    try {
        auto j = nlohmann::json::parse(slurp(p));
        if (j.value("pooling_mode_lasttoken", false)) return Pooling::Last;
        if (j.value("pooling_mode_cls_token", false)) return Pooling::Cls;
        if (j.value("pooling_mode_mean_tokens", false)) return Pooling::Mean;
        // sentence-transformers >= 5 writes one string instead of the flags.
        if (j.contains("pooling_mode") && j["pooling_mode"].is_string()) {
            const auto mode = j["pooling_mode"].get<std::string>();
            if (mode == "lasttoken") return Pooling::Last;
            if (mode == "cls") return Pooling::Cls;
            if (mode == "mean") return Pooling::Mean;
            log::warn(p.string(), ": pooling_mode '", mode, "' is not supported (mean, cls, lasttoken); using the default");
        }
    } catch (const std::exception& e) {
        log::warn(p.string(), ": ignored (", e.what(), ")");
    }
    return std::nullopt;
}

/// sentence-transformers' prompts (config_sentence_transformers.json), if the folder has them.
void readSentenceTransformersPrompts(const fs::path& dir, ModelInfo& info) {
    const fs::path p = dir / "config_sentence_transformers.json";
    if (!fs::exists(p)) return;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(slurp(p));
    } catch (const std::exception& e) {
        throw Failure("model", p.string() + ": invalid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw Failure("model", p.string() + ": expected a JSON object");
    if (j.contains("prompts") && !j["prompts"].is_null()) {
        if (!j["prompts"].is_object()) throw Failure("model", p.string() + ": \"prompts\" must be an object of strings");
        for (const auto& [name, text] : j["prompts"].items()) {
            if (!text.is_string())
                throw Failure("model", p.string() + ": prompts." + name + " must be a string");
            info.prompts[name] = text.get<std::string>();
        }
    }
    if (j.contains("default_prompt_name") && !j["default_prompt_name"].is_null()) {
        if (!j["default_prompt_name"].is_string())
            throw Failure("model", p.string() + ": \"default_prompt_name\" must be a string or null");
        info.defaultPromptName = j["default_prompt_name"].get<std::string>();
        if (!info.defaultPromptName.empty() && !info.prompts.count(info.defaultPromptName))
            throw Failure("model", p.string() + ": default_prompt_name '" + info.defaultPromptName +
                                       "' is not one of its prompts");
    }
}

} // namespace

/// Worker threads that live as long as the embedder, each computing with one thread of its own.
/// Threads are kept, not started per call: libtorch re-initialises a new thread's thread counts
/// on its first parallel call (and rebuilds a thread pool that then spins), which per call costs
/// more than a small model's whole batch.
class BatchWorkers {
  public:
    explicit BatchWorkers(int n) {
        for (int i = 0; i < n; ++i)
            m_threads.emplace_back([this] { loop(); });
    }
    ~BatchWorkers() {
        {
            std::lock_guard lock(m_mu);
            m_quit = true;
        }
        m_wake.notify_all();
        for (auto& t : m_threads)
            t.join();
    }
    int size() const { return static_cast<int>(m_threads.size()); }
    std::mutex& busy() { return m_busy; }

    /// Runs task on every worker; returns at once. `finished` counts the workers done.
    void start(std::function<void()> task) {
        {
            std::lock_guard lock(m_mu);
            m_task = std::move(task);
            m_finished = 0;
            ++m_generation;
        }
        m_wake.notify_all();
    }
    /// Waits up to `timeout` for all workers to finish the current task; true when they have.
    bool waitFor(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mu);
        if (m_finished == size()) return true;
        m_done.wait_for(lock, timeout); // also woken by poke()
        return m_finished == size();
    }
    /// Wakes waitFor early (progress to report).
    void poke() { m_done.notify_all(); }

  private:
    void loop() {
        detail::setThisThreadOnly(1);
        std::uint64_t seen = 0;
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(m_mu);
                m_wake.wait(lock, [&] { return m_quit || m_generation != seen; });
                if (m_quit) return;
                seen = m_generation;
                task = m_task;
            }
            task(); // never throws: the task keeps its own errors
            {
                std::lock_guard lock(m_mu);
                ++m_finished;
            }
            m_done.notify_all();
        }
    }

    std::vector<std::thread> m_threads;
    std::mutex m_mu, m_busy;
    std::condition_variable m_wake, m_done;
    std::function<void()> m_task;
    std::uint64_t m_generation = 0;
    int m_finished = 0;
    bool m_quit = false;
};

struct Embedder::Impl {
    ModelInfo info;
    std::shared_ptr<model::Backbone> backbone;
    std::unique_ptr<tok::Tokenizer> tokenizer;
    std::optional<std::int32_t> eos, pad;
    mutable std::mutex workersMutex;
    mutable std::unique_ptr<BatchWorkers> workers; ///< created on first use (small CPU models)

    Pooling resolve(Pooling p) const { return p == Pooling::Auto ? info.defaultPooling : p; }

    std::size_t maxTokens(const EmbedOptions& o) const {
        std::size_t limit = info.maxPositions > 0 ? static_cast<std::size_t>(info.maxPositions) : SIZE_MAX;
        if (o.maxLength > 0) limit = std::min(limit, static_cast<std::size_t>(o.maxLength));
        return limit;
    }

    /// Truncation and explicit EOS for last-token pooling.
    void finish(std::vector<std::int32_t>& ids, const EmbedOptions& o) const {
        std::size_t limit = maxTokens(o);
        if (ids.size() > limit) ids.resize(limit);
        if (resolve(o.pooling) == Pooling::Last && info.decoder) {
            if (!eos)
                throw Failure("model",
                              info.path.string() +
                                  ": last-token pooling needs an EOS token id (tokenizer or config.json)");
            if (ids.empty() || ids.back() != *eos) {
                if (ids.size() >= limit && !ids.empty()) ids.resize(limit - 1);
                ids.push_back(*eos);
            }
        }
    }

    std::vector<std::vector<float>> run(std::vector<std::vector<std::int32_t>> seqs, const EmbedOptions& o,
                                        const ProgressHooks& hooks) const {
        if (o.batchSize <= 0) throw Failure("usage", "batch size must be positive");
        for (auto& s : seqs)
            finish(s, o);
        for (std::size_t i = 0; i < seqs.size(); ++i)
            if (seqs[i].empty()) throw Failure("invalid", "text " + std::to_string(i + 1) + " has no tokens");
        const Pooling pooling = resolve(o.pooling);
        const bool left = o.padding == Padding::Left || (o.padding == Padding::Auto && info.decoder);

        // Longest first, so each batch pads as little as possible (and the first batch shows
        // at once whether memory suffices). Results go back to input order through `order`.
        std::vector<std::size_t> order(seqs.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return seqs[a].size() > seqs[b].size(); });

        std::vector<std::vector<float>> out(seqs.size());
        const std::int64_t padId = pad.value_or(0);
        // One batch: padded to its own longest text only; decoders on CPU float32 compute the
        // real tokens only (LlamaModel::forwardPacked), so padding costs no work there.
        auto embedBatch = [&](std::size_t start, std::size_t end) {
            const auto B = static_cast<std::int64_t>(end - start);
            const auto S = static_cast<std::int64_t>(seqs[order[start]].size());
            auto ids = torch::full({B, S}, padId, torch::kInt64);
            auto mask = torch::zeros({B, S}, torch::kInt64);
            auto idsA = ids.accessor<std::int64_t, 2>();
            auto maskA = mask.accessor<std::int64_t, 2>();
            std::vector<std::int64_t> lens(B);
            for (std::int64_t b = 0; b < B; ++b) {
                const auto& s = seqs[order[start + b]];
                const auto n = static_cast<std::int64_t>(s.size());
                lens[b] = n;
                const std::int64_t off = left ? S - n : 0;
                for (std::int64_t t = 0; t < n; ++t) {
                    idsA[b][off + t] = s[t];
                    maskA[b][off + t] = 1;
                }
            }
            auto h = backbone->forward(ids, mask).to(torch::kFloat32).cpu(); // [B, S, H]
            torch::Tensor pooled;
            auto lensT = torch::tensor(lens, torch::kInt64);
            switch (pooling) {
            case Pooling::Last:
            case Pooling::Cls: {
                // Index of the last / first real token in each row.
                torch::Tensor pos = pooling == Pooling::Last
                                        ? (left ? torch::full({B}, S - 1, torch::kInt64) : lensT - 1)
                                        : (left ? S - lensT : torch::zeros({B}, torch::kInt64));
                pooled = h.index({torch::arange(B), pos});
                break;
            }
            case Pooling::Mean:
            default: {
                auto m = mask.to(torch::kFloat32).unsqueeze(-1);
                pooled = (h * m).sum(1) / lensT.to(torch::kFloat32).unsqueeze(-1);
                break;
            }
            }
            if (o.normalize) pooled = pooled / pooled.norm(2, -1, true).clamp_min(1e-12);
            pooled = pooled.contiguous();
            const float* p = pooled.data_ptr<float>();
            const auto H = pooled.size(1);
            for (std::int64_t b = 0; b < B; ++b)
                out[order[start + b]].assign(p + b * H, p + (b + 1) * H);
        };

        const int workers = batchWorkers(seqs.size(), o.batchSize);
        // Several workers: enough batches that they finish together (smaller batches cost no
        // more per token here: no padding is computed).
        std::size_t batch = static_cast<std::size_t>(o.batchSize);
        if (workers > 1)
            batch = std::min(batch, std::max<std::size_t>(8, (seqs.size() + 4 * workers - 1) / (4 * workers)));
        std::vector<std::pair<std::size_t, std::size_t>> batches;
        for (std::size_t start = 0; start < order.size(); start += batch)
            batches.emplace_back(start, std::min(order.size(), start + batch));

        if (workers <= 1) {
            c10::InferenceMode inference;
            for (auto [start, end] : batches) {
                if (hooks.stopRequested()) throw Failure("cancelled", "embedding cancelled");
                embedBatch(start, end);
                hooks.report(static_cast<std::int64_t>(end), static_cast<std::int64_t>(order.size()), "embedding");
            }
            return out;
        }

        // Tiny models on CPU: each worker runs whole batches with one compute thread. Their
        // products are too small to split across cores; an OpenMP team per operation spends most
        // of its time waiting at barriers (10x slower on a loaded 2-core machine), and workers
        // never wait on one another. Progress and cancellation stay on the calling thread.
        BatchWorkers* pool = nullptr;
        {
            std::lock_guard lock(workersMutex);
            if (!this->workers) this->workers = std::make_unique<BatchWorkers>(workers);
            // (a later change of the compute threads keeps the first pool's size)
            pool = this->workers.get();
        }
        std::unique_lock busy(pool->busy(), std::try_to_lock);
        if (!busy.owns_lock()) { // another call is using the workers: run on this thread
            c10::InferenceMode inference;
            for (auto [start, end] : batches) {
                if (hooks.stopRequested()) throw Failure("cancelled", "embedding cancelled");
                embedBatch(start, end);
                hooks.report(static_cast<std::int64_t>(end), static_cast<std::int64_t>(order.size()), "embedding");
            }
            return out;
        }
        if (hooks.stopRequested()) throw Failure("cancelled", "embedding cancelled");
        std::atomic<std::size_t> next{0}, doneTexts{0};
        std::atomic<bool> stop{false};
        std::exception_ptr error;
        std::mutex errorMutex;
        pool->start([&] {
            c10::InferenceMode inference;
            try {
                for (std::size_t i; !stop && (i = next++) < batches.size();) {
                    embedBatch(batches[i].first, batches[i].second);
                    doneTexts += batches[i].second - batches[i].first;
                    pool->poke();
                }
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error) error = std::current_exception();
                stop = true;
            }
        });
        std::size_t reported = 0;
        bool cancelled = false;
        for (bool finished = false; !finished;) {
            finished = pool->waitFor(std::chrono::milliseconds(100));
            if (!finished && !cancelled && hooks.stopRequested()) cancelled = stop = true;
            if (const std::size_t done = doneTexts; done != reported && !stop) {
                reported = done;
                hooks.report(static_cast<std::int64_t>(done), static_cast<std::int64_t>(order.size()), "embedding");
            }
        }
        if (error) std::rethrow_exception(error);
        if (cancelled) throw Failure("cancelled", "embedding cancelled");
        return out;
    }

    /// Worker threads for one embed call: one per compute thread for small models on CPU (hidden
    /// size up to kSmallHidden), else 1 (the calling thread, every compute thread per product).
    int batchWorkers(std::size_t texts, int batchSize) const {
        constexpr int kSmallHidden = 512;
        const int threads = computeThreads();
        if (threads <= 1 || info.dimension > kSmallHidden || !backbone->device().is_cpu()) return 1;
        if (texts <= static_cast<std::size_t>(std::min(batchSize, 8))) return 1;
        return threads;
    }

    std::vector<std::vector<std::int32_t>> tokenize(const std::vector<std::string>& texts,
                                                    const EmbedOptions& o) const {
        if (!tokenizer)
            throw Failure("tokenizer", info.path.string() +
                                           ": no tokenizer (tokenizer.json, tokenizer.model or vocab.txt)");
        std::vector<std::vector<std::int32_t>> seqs;
        seqs.reserve(texts.size());
        std::size_t limit = maxTokens(o);
        std::string prefix = o.prompt + (o.instruction.empty() ? std::string() : instructionPrefix(o.instruction));
        for (const auto& t : texts) {
            auto ids = tokenizer->encodeIds(prefix.empty() ? t : prefix + t, /*addSpecialTokens=*/true,
                                            limit == SIZE_MAX ? 0 : limit);
            finish(ids, o);
            seqs.push_back(std::move(ids));
        }
        return seqs;
    }
};

Embedder::Embedder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Embedder::~Embedder() = default;

Result<std::unique_ptr<Embedder>> Embedder::load(const fs::path& dir, const LoadOptions& options) {
    return guarded(
        [&]() -> std::unique_ptr<Embedder> {
            auto impl = std::make_unique<Impl>();
            impl->backbone =
                model::loadBackbone(dir, {.device = options.device,
                                          .dtype = options.dtype,
                                          .lmHead = false,
                                          .loadHooks = options.hooks});
            const auto& spec = impl->backbone->spec();
            if (hasTokenizerFiles(dir)) {
                auto t = tok::Tokenizer::load(dir);
                if (!t) throw Failure(t.error().code, t.error().message);
                impl->tokenizer = std::move(t).take();
            }
            const tok::SpecialTokenIds* sp = impl->tokenizer ? &impl->tokenizer->specialTokenIds() : nullptr;
            impl->eos = sp && sp->eos
                            ? sp->eos
                            : (spec.eosTokenId
                                   ? std::optional<std::int32_t>(static_cast<std::int32_t>(*spec.eosTokenId))
                                   : std::nullopt);
            impl->pad = sp && sp->pad
                            ? sp->pad
                            : (spec.padTokenId
                                   ? std::optional<std::int32_t>(static_cast<std::int32_t>(*spec.padTokenId))
                                   : std::nullopt);

            auto& info = impl->info;
            info.path = dir;
            info.modelType = spec.modelType;
            info.decoder = spec.decoder;
            info.dimension = static_cast<int>(spec.hiddenSize);
            info.maxPositions = static_cast<int>(spec.maxPositions);
            if (impl->tokenizer && impl->tokenizer->modelMaxLength())
                info.maxPositions = static_cast<int>(
                    std::min<std::size_t>(info.maxPositions, *impl->tokenizer->modelMaxLength()));
            Pooling archPooling = Pooling::Cls; // a loaded model's type is in the architecture table
            (void)parsePooling(model::architectureFor(spec.modelType)->defaultPooling, archPooling);
            info.defaultPooling = sentenceTransformersPooling(dir).value_or(archPooling);
            readSentenceTransformersPrompts(dir, info);
            info.device = impl->backbone->device().str();
            info.dtype = c10::toString(impl->backbone->dtype());
            auto ckpt = model::Checkpoint::open(dir);
            if (!ckpt) throw Failure(ckpt.error().code, ckpt.error().message);
            info.fingerprint = fingerprintOf(dir, *ckpt);
            return std::unique_ptr<Embedder>(new Embedder(std::move(impl)));
        },
        "model");
}

Result<std::vector<std::vector<float>>> Embedder::embed(const std::vector<std::string>& texts,
                                                        const EmbedOptions& options,
                                                        const ProgressHooks& hooks) const {
    useComputeThreads(); // may run on a worker thread
    return guarded([&] { return m_impl->run(m_impl->tokenize(texts, options), options, hooks); }, "model");
}

Result<std::vector<std::vector<float>>> Embedder::embedIds(const std::vector<std::vector<std::int32_t>>& ids,
                                                           const EmbedOptions& options,
                                                           const ProgressHooks& hooks) const {
    useComputeThreads();
    return guarded([&] { return m_impl->run(ids, options, hooks); }, "model");
}

Result<std::vector<std::vector<std::int32_t>>> Embedder::tokenize(const std::vector<std::string>& texts,
                                                                  const EmbedOptions& options) const {
    return guarded([&] { return m_impl->tokenize(texts, options); }, "model");
}

const ModelInfo& Embedder::info() const {
    return m_impl->info;
}

Result<std::string> modelFingerprint(const fs::path& dir) {
    return guarded(
        [&]() -> std::string {
            auto ckpt = model::Checkpoint::open(dir);
            if (!ckpt) throw Failure(ckpt.error().code, ckpt.error().message);
            return fingerprintOf(dir, *ckpt);
        },
        "checkpoint");
}

} // namespace synthembed::embed
