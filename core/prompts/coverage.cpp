#include "core/prompts/coverage.h"

#include <algorithm>
#include <map>
#include <set>

namespace synthembed::prompts {

namespace {
bool isLanguagePlaceholder(const std::string& name) {
    return name == "language" || name == "src_lang" || name == "tgt_lang";
}

std::vector<std::pair<std::string, double>> sortedShares(const std::map<std::string, double>& weights) {
    double total = 0;
    for (auto& [_, w] : weights) total += w;
    std::vector<std::pair<std::string, double>> out;
    for (auto& [k, w] : weights) out.emplace_back(k, total > 0 ? w / total : 0.0);
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second > b.second; });
    return out;
}
} // namespace

double possibleCombinations(const Template& tpl, const PoolSet& pools) {
    const auto used = tpl.placeholdersUsed();
    std::map<std::string, int> distinctDrawsPerPool;
    double combos = 1;
    for (const auto& src : tpl.meta.placeholders) {
        if (std::find(used.begin(), used.end(), src.placeholder) == used.end()) continue;
        const Pool* pool = pools.find(src.pool);
        if (!pool) return 0;
        double n = 0;
        for (std::size_t i = 0; i < pool->values.size(); ++i) n += pool->share(i) > 0 ? 1 : 0;
        const bool distinct =
            std::find(tpl.meta.distinct.begin(), tpl.meta.distinct.end(), src.placeholder) != tpl.meta.distinct.end();
        if (distinct) n -= distinctDrawsPerPool[src.pool]++;
        combos *= std::max(n, 0.0);
    }
    return combos;
}

CoverageStats coverageOf(const std::vector<RenderedPrompt>& prompts) {
    CoverageStats s;
    s.prompts = prompts.size();
    std::set<std::string> combos;
    std::map<std::string, double> langs;
    for (const auto& p : prompts) {
        std::string key = p.templateName;
        for (const auto& [k, v] : p.values) {
            key += '\x1f' + k + '\x1e' + v;
            if (isLanguagePlaceholder(k)) langs[v] += 1;
        }
        combos.insert(std::move(key));
        s.promptBytes += p.text.size();
    }
    s.distinctCombinations = combos.size();
    s.languageMix = sortedShares(langs);
    s.estimatedPromptTokens = s.promptBytes / 4;
    return s;
}

Result<CoverageStats> planCoverage(const Library& library, const std::vector<JobPart>& parts, std::uint64_t seed) {
    std::vector<RenderedPrompt> all;
    std::map<std::string, double> expected;
    double possible = 0;
    for (const auto& part : parts) {
        const Template* t = library.find(part.family, Step::Generate);
        if (!t) return Error{"not_found", "no generate template for family '" + part.family + "'"};
        possible += possibleCombinations(*t, library.pools);
        std::map<std::string, int> distinctDraws; // per pool, for `distinct` placeholders
        const auto used = t->placeholdersUsed();
        for (const auto& src : t->meta.placeholders) {
            if (std::find(used.begin(), used.end(), src.placeholder) == used.end()) continue;
            const Pool* pool = library.pools.find(src.pool);
            if (!pool) continue;
            const bool distinct = std::find(t->meta.distinct.begin(), t->meta.distinct.end(), src.placeholder) !=
                                  t->meta.distinct.end();
            const int draw = distinct ? distinctDraws[src.pool]++ : 0;
            if (!isLanguagePlaceholder(src.placeholder)) continue;
            const double n = static_cast<double>(part.count);
            for (std::size_t i = 0; i < pool->values.size(); ++i) {
                const double p = pool->share(i);
                if (draw != 1) {
                    expected[pool->values[i].value] += p * n; // first (or unconstrained) draw
                    continue;
                }
                // Second of a distinct pair: redrawn until it differs from the first, so
                // P(second = i) = p_i * sum_{j != i} p_j / (1 - p_j).
                double sum = 0;
                for (std::size_t j = 0; j < pool->values.size(); ++j)
                    if (j != i && pool->share(j) < 1) sum += pool->share(j) / (1 - pool->share(j));
                expected[pool->values[i].value] += p * sum * n;
            }
        }
        const Inputs example = exampleInputs(*t);
        for (std::uint64_t i = 0; i < part.count; ++i) {
            Inputs in = example;
            if (!part.tasks.empty() && t->meta.isInput("task"))
                in = {{"task", part.tasks[static_cast<std::size_t>(i % part.tasks.size())]}};
            auto r = renderAt(*t, library.pools, seed, i, in);
            if (!r) return r.error();
            all.push_back(std::move(r).value());
        }
    }
    CoverageStats s = coverageOf(all);
    s.possibleCombinations = possible;
    s.expectedLanguageMix = sortedShares(expected);
    return s;
}

} // namespace synthembed::prompts
