// Embedding throughput against batch size: the banking77 texts (test split, then train) embedded
// with a real model folder (default: stories260K from the shared oracles) at several batch sizes,
// same texts, same process. Prints one JSON line per batch size: texts/s, real tokens/s, the
// fraction of padded positions in the nominal batches (decoders on CPU compute none of it), wall
// and CPU seconds, peak RSS; then whether time per token stays
// flat (the slowest batch size's wall time per token over the fastest's).
//
//   bench_embed [--model DIR] [--data DIR] [--texts N] [--batch 8,32,256] [--max-length L] [--reps R]
//               [--threads T]   (T: compute threads, 0 = all cores)
//
// On a shared 2-core machine wall times are noisy: compare figures from one run only, and look
// at cpu_s beside wall_s.

#include "core/embed/embedder.h"
#include "core/eval/datasets.h"
#include "core/runtime/runtime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

using namespace synthembed;
using Clock = std::chrono::steady_clock;

namespace {

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peakRssKb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

std::vector<int> parseList(const std::string& s) {
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(std::stoi(item));
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const char* sharedEnv = std::getenv("SYNTHEMBED_SHARED");
    std::filesystem::path shared = sharedEnv ? sharedEnv : SYNTHEMBED_SHARED_DIR;
    std::filesystem::path modelDir = shared / "oracles/models/stories260K";
    std::filesystem::path dataDir = shared / "data/banking77";
    std::size_t limit = 3000;
    std::vector<int> batches = {8, 32, 256};
    int maxLength = 512, reps = 1, threads = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--model") modelDir = next();
        else if (a == "--data") dataDir = next();
        else if (a == "--texts") limit = std::stoul(next());
        else if (a == "--batch") batches = parseList(next());
        else if (a == "--max-length") maxLength = std::stoi(next());
        else if (a == "--reps") reps = std::max(1, std::stoi(next()));
        else if (a == "--threads") threads = std::stoi(next());
        else {
            std::cerr << "usage: bench_embed [--model DIR] [--data DIR] [--texts N] [--batch 8,32,256] "
                         "[--max-length L] [--reps R] [--threads T]\n";
            return 2;
        }
    }
    initialize({.threads = threads});
    std::vector<std::string> texts;
    try {
        for (const char* split : {"test", "train"}) {
            auto table = eval::readTable(eval::splitFile(dataDir, split), {"text"});
            auto col = eval::resolveColumn(table, "", {"text", "sentence"}, 0, "text");
            for (const auto& row : table.rows)
                if (texts.size() < limit) texts.push_back(row.at(col));
        }
    } catch (const std::exception& e) {
        std::cerr << dataDir.string() << ": " << e.what() << "\n";
        return 1;
    }
    auto e = embed::Embedder::load(modelDir);
    if (!e) {
        std::cerr << e.error().message << "\n";
        return 1;
    }
    embed::EmbedOptions o;
    o.maxLength = maxLength;
    auto ids = (*e)->tokenize(texts, o);
    if (!ids) {
        std::cerr << ids.error().message << "\n";
        return 1;
    }
    std::size_t tokens = 0, longest = 0;
    for (const auto& s : *ids) {
        tokens += s.size();
        longest = std::max(longest, s.size());
    }
    (void)(*e)->embed({texts.begin(), texts.begin() + std::min<std::size_t>(64, texts.size())}, o); // warm-up

    double best = 1e300, worst = 0;
    for (int b : batches) {
        o.batchSize = b;
        // Padded positions the batches would hold (sorted by length, padded to each batch's longest).
        std::vector<std::size_t> lens;
        for (const auto& s : *ids)
            lens.push_back(s.size());
        std::sort(lens.begin(), lens.end(), std::greater<>());
        std::size_t padded = 0;
        for (std::size_t i = 0; i < lens.size(); i += static_cast<std::size_t>(b))
            padded += lens[i] * std::min<std::size_t>(static_cast<std::size_t>(b), lens.size() - i);
        std::vector<double> walls, cpus;
        for (int r = 0; r < reps; ++r) {
            const double c0 = cpuSeconds();
            const auto t0 = Clock::now();
            auto out = (*e)->embed(texts, o);
            const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
            if (!out) {
                std::cerr << out.error().message << "\n";
                return 1;
            }
            walls.push_back(wall);
            cpus.push_back(cpuSeconds() - c0);
        }
        const double wall = *std::min_element(walls.begin(), walls.end());
        const double cpu = *std::min_element(cpus.begin(), cpus.end());
        best = std::min(best, wall);
        worst = std::max(worst, wall);
        double load[1] = {0};
        getloadavg(load, 1);
        nlohmann::json j = {{"model", modelDir.filename().string()},
                            {"texts", texts.size()},
                            {"tokens", tokens},
                            {"longest_tokens", longest},
                            {"batch", b},
                            {"threads", computeThreads()},
                            {"wall_s", wall},
                            {"cpu_s", cpu},
                            {"texts_per_s", static_cast<double>(texts.size()) / wall},
                            {"tokens_per_s", static_cast<double>(tokens) / wall},
                            {"padding_fraction", 1.0 - static_cast<double>(tokens) / static_cast<double>(padded)},
                            {"peak_rss_mb", peakRssKb() / 1024},
                            {"loadavg", load[0]}};
        std::cout << j.dump() << std::endl;
    }
    std::cout << "slowest/fastest wall time over batch sizes: " << worst / best << std::endl;
    return 0;
}
