// Tokenizer throughput on a JSONL corpus (title + " " + text per line, as anchors/tok_bench.js):
// one thread, warm-up pass first (fills the BPE word cache as HF's first pass does), then the
// median of RUNS passes. Prints one JSON line: wall and CPU tokens/s for full encodings (ids,
// tokens, offsets: what HF's Encoding holds) and for ids only.
//
// usage: tok_bench TOKENIZER(.json|dir) CORPUS.jsonl [RUNS=3]

#include "core/tok/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

using namespace synthembed;

namespace {
double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
struct Pass {
    double wall, cpu;
    size_t tokens;
};
} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: tok_bench TOKENIZER CORPUS.jsonl [RUNS]\n";
        return 2;
    }
    int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    std::vector<std::string> texts;
    size_t bytes = 0;
    {
        std::ifstream in(argv[2]);
        if (!in) {
            std::cerr << "error: cannot open " << argv[2] << "\n";
            return 1;
        }
        for (std::string line; std::getline(in, line);) {
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            auto j = nlohmann::json::parse(line);
            texts.push_back(j.value("title", "") + " " + j.value("text", ""));
            bytes += texts.back().size();
        }
    }
    auto t0 = std::chrono::steady_clock::now();
    auto tok = tok::Tokenizer::load(argv[1]);
    if (!tok) {
        std::cerr << "error: " << tok.error().message << "\n";
        return 1;
    }
    double loadS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    auto pass = [&](bool full) {
        tok::EncodeOptions o;
        o.withTokens = full;
        o.withOffsets = full;
        auto w0 = std::chrono::steady_clock::now();
        double c0 = cpuSeconds();
        size_t n = 0;
        for (const auto& t : texts)
            n += (*tok)->encode(t, o).ids.size();
        return Pass{std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count(),
                    cpuSeconds() - c0, n};
    };
    auto median = [&](bool full) {
        std::vector<Pass> ps;
        for (int i = 0; i < runs; ++i)
            ps.push_back(pass(full));
        std::sort(ps.begin(), ps.end(), [](const Pass& a, const Pass& b) { return a.wall < b.wall; });
        return ps[ps.size() / 2];
    };
    Pass first = pass(true);
    Pass full = median(true);
    Pass ids = median(false);
    nlohmann::json out = {
        {"tokenizer", argv[1]},
        {"docs", texts.size()},
        {"MB", bytes / 1e6},
        {"tokens", full.tokens},
        {"load_s", loadS},
        {"first_pass_tok_per_s", std::llround(first.tokens / first.wall)},
        {"full_median_s", full.wall},
        {"full_tok_per_s", std::llround(full.tokens / full.wall)},
        {"full_tok_per_cpu_s", std::llround(full.tokens / full.cpu)},
        {"ids_tok_per_s", std::llround(ids.tokens / ids.wall)},
        {"ids_tok_per_cpu_s", std::llround(ids.tokens / ids.cpu)},
        {"cpu_over_wall", full.cpu / full.wall},
    };
    std::cout << out.dump() << std::endl;
    return 0;
}
