// Forward throughput of synthembed's backbones with random weights, CPU fp32, same shapes and
// FLOP count as shared/anchors/bench_fwd.py: BERT-base 32 x 128 and Qwen2-0.5B (no LM head)
// 8 x 128. Prints one JSON line: tokens/s, GFLOP/s, and the fraction of a 2048^2 matmul's rate
// measured in the same process. Usage: bench_fwd bert|qwen2 [reps] [--model DIR]
// --model loads that Hugging Face folder (config.json + safetensors, e.g. the random weights that
// transformers' save_pretrained wrote for tests/bench/run_fwd_bench.sh) instead of building the
// shape with random weights; the batch shape and FLOP count stay those of the named shape.

#include "core/model/backbone.h"
#include "core/model/gemm.h"
#include "core/runtime/runtime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

using namespace synthembed;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// torch::mm 2048^2 GFLOP/s (what bench_fwd.py calls the GEMM rate), and the same through the
/// GEMM path the models use.
std::pair<double, double> mmRates(int n = 2048, int reps = 10) {
    auto a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
    std::vector<double> ts, ts2;
    for (int i = 0; i < reps + 2; ++i) {
        auto t0 = Clock::now();
        torch::mm_out(c, a, b);
        if (i >= 2) ts.push_back(seconds(t0, Clock::now()));
    }
    c10::InferenceMode guard;
    for (int i = 0; i < reps + 2; ++i) {
        auto t0 = Clock::now();
        auto y = model::gemmLinear(a, b, {});
        if (i >= 2) ts2.push_back(seconds(t0, Clock::now()));
    }
    double fl = 2.0 * n * n * n;
    return {fl / median(ts) / 1e9, fl / median(ts2) / 1e9};
}

} // namespace

int main(int argc, char** argv) {
    std::string which = "bert";
    int reps = 5;
    std::filesystem::path modelDir;
    for (int i = 1, pos = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--model" && i + 1 < argc) modelDir = argv[++i];
        else if (pos++ == 0) which = a;
        else reps = std::atoi(a.c_str());
    }
    initialize();
    nlohmann::json cfg;
    std::int64_t B, S, L, Hq, vocab;
    if (which == "bert") {
        cfg = {{"model_type", "bert"},
               {"vocab_size", 30522},
               {"hidden_size", 768},
               {"num_hidden_layers", 12},
               {"num_attention_heads", 12},
               {"intermediate_size", 3072},
               {"max_position_embeddings", 512},
               {"type_vocab_size", 2},
               {"layer_norm_eps", 1e-12},
               {"hidden_act", "gelu"}};
        B = 32, S = 128, L = 12, Hq = 768, vocab = 30522;
    } else if (which == "qwen2") {
        cfg = {{"model_type", "qwen2"},       {"vocab_size", 151936},
               {"hidden_size", 896},          {"num_hidden_layers", 24},
               {"num_attention_heads", 14},   {"num_key_value_heads", 2},
               {"intermediate_size", 4864},   {"max_position_embeddings", 32768},
               {"rms_norm_eps", 1e-6},        {"rope_theta", 1000000.0},
               {"tie_word_embeddings", true}, {"hidden_act", "silu"}};
        B = 8, S = 128, L = 24, Hq = 896, vocab = 151936;
    } else {
        std::cerr << "usage: bench_fwd bert|qwen2 [reps] [--model DIR]\n";
        return 2;
    }
    auto dir = std::filesystem::temp_directory_path() / ("synthembed-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json") << cfg.dump();
    auto [mm, mmFast] = mmRates();
    auto backbone = modelDir.empty() ? model::randomBackbone(dir / "config.json") : model::loadBackbone(modelDir);
    std::filesystem::remove_all(dir);

    std::int64_t P = 0, total = 0;
    model::forEachLinear(backbone->module(),
                         [&](const std::string&, model::LinearImpl& l) { P += l.weight.numel(); });
    for (auto& p : backbone->module().parameters())
        total += p.numel();
    auto ids = torch::randint(0, vocab, {B, S}, torch::kInt64);
    auto mask = torch::ones({B, S}, torch::kInt64);
    const double T = static_cast<double>(B * S);
    const double flops = 2.0 * P * T + static_cast<double>(L * B * 4 * S * S * Hq);
    std::vector<double> ts;
    {
        c10::InferenceMode guard;
        backbone->forward(ids, mask); // warm-up
        for (int i = 0; i < reps; ++i) {
            auto t0 = Clock::now();
            auto h = backbone->forward(ids, mask);
            ts.push_back(seconds(t0, Clock::now()));
        }
    }
    double med = median(ts);
    double load[1] = {0};
    getloadavg(load, 1);
    auto env = [](const char* n) {
        const char* v = std::getenv(n);
        return v ? nlohmann::json(v) : nlohmann::json(nullptr);
    };
    nlohmann::json out = {{"impl", "synthembed"},
                          {"model", which},
                          {"weights", modelDir.empty() ? std::string("random") : modelDir.string()},
                          {"B", B},
                          {"S", S},
                          {"threads", computeThreads()},
                          {"gemm", model::fastGemmAvailable() ? "onednn" : "torch"},
                          {"matmul_params", P},
                          {"total_params", total},
                          {"gflop_per_fwd", flops / 1e9},
                          {"times_s", ts},
                          {"median_s", med},
                          {"tok_per_s", T / med},
                          {"gflops", flops / med / 1e9},
                          {"mm2048_gflops", mm},
                          {"mm2048_gflops_model_gemm", mmFast},
                          {"frac_of_mm2048", flops / med / 1e9 / mm},
                          {"OPENBLAS_CORETYPE", env("OPENBLAS_CORETYPE")},
                          {"OMP_WAIT_POLICY", env("OMP_WAIT_POLICY")},
                          {"loadavg_end", load[0]}};
    std::cout << out.dump() << std::endl;
    return 0;
}
