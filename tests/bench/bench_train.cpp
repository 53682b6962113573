// Training benchmarks (run by run_train_bench.sh beside the PyTorch anchors):
//   bench_train step stories260k|bertsmall REPS
//       seconds per InfoNCE training step (in-batch negatives, mean pooling, tau 0.05, AdamW
//       lr 1e-3 wd 0.01, one forward over queries+positives), same shapes as
//       shared/anchors/bench_train.py; random weights.
//   bench_train ckpt stories260k|bertsmall REPS
//       the same step with gradient checkpointing against the same step without (the baseline),
//       interleaved in one run: median seconds of each, the time ratio, and the heap bytes the
//       forward graph holds until backward with and without (glibc mallinfo2).
//   bench_train lora MODEL_DIR STSB_DIR [REPS] [RANK] [DROPOUT] [full|lora|both]
//       full fine-tuning against LoRA (rank 16, alpha 2 x rank, dropout 0.05, every linear layer:
//       the CLI's defaults) of the same model folder through the trainer's own pieces (batch, encode,
//       contrastiveBackward, clipping, AdamW), steps interleaved full/LoRA so that both see the
//       same machine load. Batches: STS-B train pairs with score >= 4 in file order, 64 per step,
//       max length 128, last-token pooling, tau 0.02, lr 1e-4, wd 0.1, clip 1 (as
//       tests/bench/peft_train_step.py). Median s/step and user/system CPU seconds per step.
//       The last argument runs one arm alone (for a profiler); the default is both.
//   bench_train stsb MODEL_DIR STSB_DIR [SECONDS]
//       full fine-tune of stories260K on STS-B train pairs with score >= 4 (tau 0.05, lr 1e-3,
//       batch 64, max length 128, last-token pooling), STS-B test Spearman before, after 150
//       steps and after SECONDS of training (default 600), as baseline_stsb_finetune_python.json.

#include "core/model/backbone.h"
#include "core/runtime/runtime.h"
#include "core/tok/tokenizer.h"
#include "core/train/engine.h"
#include "core/train/gradcache.h"
#include "core/train/optim.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <malloc.h>
#include <sys/resource.h>
#include <numeric>
#include <sstream>
#include <unistd.h>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

int stepBench(const std::string& which, int reps, bool compareCheckpointing = false) {
    auto dir = fs::temp_directory_path() / ("synthembed_bench_train_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    nlohmann::json cfg;
    std::int64_t B, S, vocab;
    if (which == "stories260k") {
        cfg = {{"model_type", "llama"}, {"hidden_size", 64}, {"intermediate_size", 172}, {"num_hidden_layers", 5},
               {"num_attention_heads", 8}, {"num_key_value_heads", 4}, {"vocab_size", 512},
               {"max_position_embeddings", 512}, {"rms_norm_eps", 1e-5}, {"rope_theta", 10000.0},
               {"hidden_act", "silu"}, {"tie_word_embeddings", true}};
        B = 64, S = 128, vocab = 512;
    } else {
        cfg = {{"model_type", "bert"}, {"vocab_size", 30522}, {"hidden_size", 256}, {"num_hidden_layers", 4},
               {"num_attention_heads", 4}, {"intermediate_size", 1024}, {"max_position_embeddings", 512},
               {"type_vocab_size", 2}, {"layer_norm_eps", 1e-12}, {"hidden_act", "gelu"}};
        B = 32, S = 128, vocab = 30522;
    }
    std::ofstream(dir / "config.json") << cfg.dump();
    torch::manual_seed(0);
    auto bb = model::randomBackbone(dir / "config.json", {}, 0);
    fs::remove_all(dir);
    auto& m = bb->module();
    m.train();
    std::vector<std::pair<std::string, torch::Tensor>> named;
    std::int64_t nParams = 0;
    for (auto& p : m.named_parameters()) {
        p.value().set_requires_grad(true);
        named.emplace_back(p.key(), p.value());
        nParams += p.value().numel();
    }
    train::TrainConfig tc;
    tc.lr = 1e-3;
    tc.weightDecay = 0.01;
    auto opt = train::makeAdamW(named, tc);
    auto ids = torch::randint(0, vocab, {2 * B, S}, torch::kLong);
    auto mask = torch::ones({2 * B, S}, torch::kLong);
    auto labels = torch::arange(B, torch::kLong);
    auto step = [&] {
        auto e = train::poolHidden(bb->forward(ids, mask), mask, train::Pooling::Mean);
        auto r = train::infoNce(e.slice(0, 0, B), e.slice(0, B), labels, 0.05);
        opt->zero_grad();
        r.loss.backward();
        opt->step();
    };
    if (compareCheckpointing) {
        auto heap = [] {
            auto mi = mallinfo2();
            return static_cast<double>(mi.uordblks + mi.hblkhd);
        };
        auto timed = [&](bool on, double* graphBytes) {
            bb->setGradientCheckpointing(on);
            double t0 = now();
            const double before = heap();
            auto e = train::poolHidden(bb->forward(ids, mask), mask, train::Pooling::Mean);
            if (graphBytes) *graphBytes = heap() - before;
            auto r = train::infoNce(e.slice(0, 0, B), e.slice(0, B), labels, 0.05);
            opt->zero_grad();
            r.loss.backward();
            opt->step();
            return now() - t0;
        };
        double bytesOff = 0, bytesOn = 0;
        for (int i = 0; i < 2; ++i) timed(false, &bytesOff), timed(true, &bytesOn);
        std::vector<double> off, on;
        for (int i = 0; i < reps; ++i) off.push_back(timed(false, nullptr)), on.push_back(timed(true, nullptr));
        std::sort(off.begin(), off.end());
        std::sort(on.begin(), on.end());
        const double mOff = off[off.size() / 2], mOn = on[on.size() / 2];
        nlohmann::json out = {{"model", which},          {"B", B}, {"S", S}, {"threads", computeThreads()},
                              {"baseline_median_s", mOff}, {"checkpointing_median_s", mOn},
                              {"time_ratio", mOn / mOff},  {"graph_mb_baseline", bytesOff / 1048576.0},
                              {"graph_mb_checkpointing", bytesOn / 1048576.0},
                              {"graph_ratio", bytesOn / std::max(1.0, bytesOff)}};
        std::cout << out.dump() << std::endl;
        return 0;
    }
    for (int i = 0; i < 3; ++i) step();
    std::vector<double> ts;
    for (int i = 0; i < reps; ++i) {
        double t0 = now();
        step();
        ts.push_back(now() - t0);
    }
    auto sorted = ts;
    std::sort(sorted.begin(), sorted.end());
    nlohmann::json out = {{"impl", "synthembed"}, {"model", which}, {"B", B}, {"S", S}, {"params", nParams},
                          {"threads", computeThreads()}, {"times_s", ts}, {"median_s", sorted[sorted.size() / 2]},
                          {"min_s", sorted.front()}, {"max_s", sorted.back()}};
    std::cout << out.dump() << std::endl;
    return 0;
}

std::vector<std::vector<std::string>> readCsv(const fs::path& p) {
    // sentence1,sentence2,score with "..." quoting (RFC 4180).
    std::ifstream in(p);
    if (!in) throw std::runtime_error(p.string() + ": cannot open");
    std::vector<std::vector<std::string>> rows;
    std::string line, field;
    std::vector<std::string> row;
    bool quoted = false;
    std::stringstream all;
    all << in.rdbuf();
    const std::string s = all.str();
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') quoted = true;
        else if (c == ',') row.push_back(field), field.clear();
        else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            row.push_back(field), field.clear();
            if (row.size() >= 3) rows.push_back(row);
            row.clear();
        } else field += c;
    }
    if (!field.empty() || !row.empty()) {
        row.push_back(field);
        if (row.size() >= 3) rows.push_back(row);
    }
    return rows;
}

std::vector<double> ranks(const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
        for (std::size_t k = i; k <= j; ++k) r[idx[k]] = (static_cast<double>(i + j) / 2.0) + 1;
        i = j + 1;
    }
    return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    auto ra = ranks(a), rb = ranks(b);
    const double n = static_cast<double>(a.size());
    double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n, mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

struct CpuTimes {
    double user = 0, sys = 0;
    double minorFaults = 0, voluntarySwitches = 0; ///< where system time goes: page faults, sleeps/wake-ups
    static CpuTimes now() {
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        return {u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6, u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6,
                static_cast<double>(u.ru_minflt), static_cast<double>(u.ru_nvcsw)};
    }
    CpuTimes operator-(const CpuTimes& o) const {
        return {user - o.user, sys - o.sys, minorFaults - o.minorFaults, voluntarySwitches - o.voluntarySwitches};
    }
    CpuTimes& operator+=(const CpuTimes& o) {
        user += o.user, sys += o.sys, minorFaults += o.minorFaults, voluntarySwitches += o.voluntarySwitches;
        return *this;
    }
};

int loraBench(const fs::path& modelDir, const fs::path& stsb, int reps, int rank, double dropout,
              const std::string& only) {
    if (only != "both" && only != "full" && only != "lora")
        throw std::runtime_error("arms: full, lora or both (got '" + only + "')");
    std::vector<train::TrainExample> pairs;
    for (auto& r : readCsv(stsb / "stsb-en-train.csv"))
        if (std::stod(r[2]) >= 4.0) pairs.push_back({"", "", r[0], r[1], {}});
    constexpr std::size_t kBatch = 64;
    const std::size_t nBatches = pairs.size() / kBatch;
    if (nBatches == 0) throw std::runtime_error("fewer than 64 STS-B pairs with score >= 4");
    auto tokenizer = tok::Tokenizer::load(modelDir).take();
    const tok::Tokenizer* tk = tokenizer.get();
    train::TokenizerFns tf;
    tf.encode = [tk](const std::string& s) { return tk->encodeIds(s, true); };
    tf.eosId = 2;
    tf.padId = 0;
    train::TrainConfig c;
    c.modelDir = modelDir.string();
    c.outputDir = (fs::temp_directory_path() / ("synthembed_lora_bench_" + std::to_string(::getpid()))).string();
    c.batchSize = static_cast<int>(kBatch);
    c.maxLength = 128;
    c.pooling = train::Pooling::LastToken;
    c.temperature = 0.02;
    c.lr = 1e-4;
    c.weightDecay = 0.1;
    c.clipNorm = 1.0;
    c.lora.rank = rank;
    c.lora.alpha = 2.0 * rank;
    c.lora.dropout = dropout;
    c.steps = 1000000;
    c.checkpointEvery = 0;
    c.seed = 0;

    struct Arm {
        std::string name;
        std::unique_ptr<train::Trainer> trainer;
        std::unique_ptr<torch::optim::AdamW> opt;
        std::vector<torch::Tensor> params;
        std::vector<double> seconds;
        CpuTimes cpu;
        std::int64_t nTrainable = 0;
    };
    auto makeArm = [&](bool full) {
        auto bb = model::loadBackbone(modelDir, {"cpu", "float32", false, {}});
        auto cc = c;
        cc.fullFineTune = full;
        Arm a;
        a.name = full ? "full" : "lora";
        a.trainer = std::make_unique<train::Trainer>(bb, tf, cc, pairs);
        a.opt = train::makeAdamW(a.trainer->engine().trainable(), cc);
        for (const auto& [n, t] : a.trainer->engine().trainable()) a.params.push_back(t), a.nTrainable += t.numel();
        return a;
    };
    std::vector<Arm> arms;
    if (only != "lora") arms.push_back(makeArm(true));
    if (only != "full") arms.push_back(makeArm(false));
    std::size_t cursor = 0;
    auto step = [&](Arm& a, std::size_t batchIndex) {
        std::vector<std::size_t> idx(kBatch);
        std::iota(idx.begin(), idx.end(), (batchIndex % nBatches) * kBatch);
        (void)a.trainer->engine().makeBatch(idx); // tokenisation outside the timed step (the trainer caches tokens)
        const auto c0 = CpuTimes::now();
        const double t0 = now();
        a.opt->zero_grad();
        auto batch = a.trainer->engine().makeBatch(idx);
        train::contrastiveBackward([&](const train::TokenBatch& tb) { return a.trainer->engine().encode(tb); }, batch,
                                   {c.temperature, c.symmetric}, 0, nullptr);
        train::clipGradNorm(a.params, c.clipNorm);
        a.opt->step();
        const double dt = now() - t0;
        const auto c1 = CpuTimes::now();
        return std::make_pair(dt, c1 - c0);
    };
    for (int i = 0; i < 2; ++i, ++cursor)
        for (auto& a : arms) step(a, cursor);
    for (int i = 0; i < reps; ++i, ++cursor)
        for (auto& a : arms) {
            auto [dt, cpu] = step(a, cursor);
            a.seconds.push_back(dt);
            a.cpu += cpu;
        }
    fs::remove_all(c.outputDir);
    nlohmann::json out = {{"impl", "synthembed"}, {"model", modelDir.filename().string()}, {"B", kBatch},
                          {"max_length", c.maxLength}, {"threads", computeThreads()}, {"lora_rank", rank},
                          {"lora_dropout", dropout}, {"runtime", runtimeTuning()}};
    std::map<std::string, double> med;
    for (auto& a : arms) {
        auto sorted = a.seconds;
        std::sort(sorted.begin(), sorted.end());
        med[a.name] = sorted[sorted.size() / 2];
        out[a.name] = {{"median_s", med[a.name]},
                       {"min_s", sorted.front()},
                       {"user_s_per_step", a.cpu.user / reps},
                       {"sys_s_per_step", a.cpu.sys / reps},
                       {"minor_faults_per_step", a.cpu.minorFaults / reps},
                       {"voluntary_switches_per_step", a.cpu.voluntarySwitches / reps},
                       {"trainable_params", a.nTrainable},
                       {"times_s", a.seconds}};
    }
    if (arms.size() == 2) out["lora_over_full"] = med["lora"] / med["full"];
    std::cout << out.dump() << std::endl;
    return 0;
}

int stsbBench(const fs::path& modelDir, const fs::path& stsb, double budget) {
    std::vector<train::TrainExample> pairs;
    for (auto& r : readCsv(stsb / "stsb-en-train.csv"))
        if (std::stod(r[2]) >= 4.0) pairs.push_back({"", "", r[0], r[1], {}});
    auto test = readCsv(stsb / "stsb-en-test.csv");
    std::vector<std::string> s1, s2;
    std::vector<double> gold;
    for (auto& r : test) s1.push_back(r[0]), s2.push_back(r[1]), gold.push_back(std::stod(r[2]));

    auto tokenizer = tok::Tokenizer::load(modelDir).take();
    train::TokenizerFns tf;
    const tok::Tokenizer* tk = tokenizer.get();
    tf.encode = [tk](const std::string& s) { return tk->encodeIds(s, true); };
    tf.eosId = 2;
    tf.padId = 0;
    train::TrainConfig c;
    c.modelDir = modelDir.string();
    c.outputDir = (fs::temp_directory_path() / ("synthembed_stsb_" + std::to_string(::getpid()))).string();
    c.fullFineTune = true;
    c.temperature = 0.05;
    c.lr = 1e-3;
    c.weightDecay = 0.01; // as the Python baseline (torch default)
    c.batchSize = 64;
    c.maxLength = 128;
    c.pooling = train::Pooling::LastToken;
    c.warmupSteps = 0;
    c.linearDecay = false;
    c.clipNorm = 0;
    c.steps = 1000000;
    c.checkpointEvery = 0;
    c.seed = 0;

    auto makeTrainer = [&](bool resume) {
        auto bb = model::loadBackbone(modelDir, {"cpu", "float32", false, {}});
        auto cc = c;
        cc.resume = resume;
        return std::make_unique<train::Trainer>(bb, tf, cc, pairs);
    };
    auto score = [&](train::Trainer& t) {
        auto a = t.engine().embedTexts(s1, 128), b = t.engine().embedTexts(s2, 128);
        auto cos = torch::cosine_similarity(a, b, 1);
        std::vector<double> pred(cos.data_ptr<float>(), cos.data_ptr<float>() + cos.numel());
        return spearman(pred, gold);
    };

    auto t1 = makeTrainer(false);
    const double base = score(*t1);
    std::fprintf(stderr, "base model: STS-B test Spearman (last token + EOS) %.4f\n", base);
    double trainSeconds = 0;
    std::int64_t steps = 0;
    auto runUntil = [&](train::Trainer& t, std::int64_t maxSteps, double maxSeconds) {
        train::TrainCallbacks cb;
        double t0 = now(), base0 = trainSeconds;
        cb.onStep = [&](const train::StepMetrics& m) {
            steps = m.step;
            trainSeconds = base0 + (now() - t0);
            if (m.step % 21 == 0)
                std::fprintf(stderr, "step %lld loss %.4f acc %.3f %.2f s\n", static_cast<long long>(m.step), m.loss,
                             m.accuracy, trainSeconds);
        };
        cb.hooks.shouldStop = [&] { return steps >= maxSteps || trainSeconds >= maxSeconds; };
        t.run(cb);
    };
    runUntil(*t1, 150, budget);
    const double at150 = score(*t1);
    const double secs150 = trainSeconds;
    std::fprintf(stderr, "after %lld steps (%.1f s): Spearman %.4f\n", static_cast<long long>(steps), trainSeconds, at150);
    double final = at150;
    if (trainSeconds < budget) {
        auto t2 = makeTrainer(true);
        runUntil(*t2, 1000000, budget);
        final = score(*t2);
    }
    fs::remove_all(c.outputDir);
    nlohmann::json out = {{"impl", "synthembed"},
                          {"threads", computeThreads()},
                          {"n_train_pairs", pairs.size()},
                          {"stsb_test_spearman_before", base},
                          {"spearman_after_150_steps", at150},
                          {"seconds_for_150_steps", secs150},
                          {"stsb_test_spearman_after", final},
                          {"steps", steps},
                          {"train_seconds", trainSeconds},
                          {"steps_per_second", steps / trainSeconds},
                          {"samples_per_second", 64.0 * steps / trainSeconds}};
    std::cout << out.dump() << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    initialize();
    try {
        std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "step" && argc >= 3) return stepBench(argv[2], argc > 3 ? std::atoi(argv[3]) : 10);
        if (mode == "ckpt" && argc >= 3) return stepBench(argv[2], argc > 3 ? std::atoi(argv[3]) : 5, true);
        if (mode == "lora" && argc >= 4)
            return loraBench(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 10, argc > 5 ? std::atoi(argv[5]) : 16,
                             argc > 6 ? std::atof(argv[6]) : 0.05, argc > 7 ? argv[7] : "both");
        if (mode == "stsb" && argc >= 4) return stsbBench(argv[2], argv[3], argc > 4 ? std::atof(argv[4]) : 600.0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: bench_train step stories260k|bertsmall [REPS]\n"
                         "       bench_train ckpt stories260k|bertsmall [REPS]\n"
                         "       bench_train lora MODEL_DIR STSB_DIR [REPS] [RANK] [DROPOUT] [full|lora|both]\n"
                         "       bench_train stsb MODEL_DIR STSB_DIR [SECONDS]\n");
    return 2;
}
