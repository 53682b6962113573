#pragma once
/// Coverage statistics of a planned generation job: how many distinct placeholder combinations
/// exist and are hit, the expected and planned language mix, and a prompt-token estimate.

#include "core/prompts/library.h"
#include "core/prompts/render.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace synthembed::prompts {

/// Part of a job: `count` generate prompts of one family. Asymmetric families take their tasks
/// from `tasks` round-robin (empty = the template's example task, as in a preview).
struct JobPart {
    std::string family;
    std::uint64_t count = 0;
    std::vector<std::string> tasks;
};

struct CoverageStats {
    std::uint64_t prompts = 0;
    /// Distinct combinations of pool placeholder values the templates can produce (sum over parts;
    /// a double because products of pool sizes grow fast). Tasks are not included.
    double possibleCombinations = 0;
    /// Distinct combinations (placeholder values, tasks included) among the planned prompts.
    std::uint64_t distinctCombinations = 0;
    /// Share of each language among the planned prompts' language placeholders (language,
    /// src_lang, tgt_lang), most frequent first.
    std::vector<std::pair<std::string, double>> languageMix;
    /// The same shares as the pool weights predict (weighted by each part's prompt count).
    std::vector<std::pair<std::string, double>> expectedLanguageMix;
    std::uint64_t promptBytes = 0;
    /// promptBytes / 4, a stand-in until a tokenizer is chosen.
    std::uint64_t estimatedPromptTokens = 0;
};

/// Number of value combinations the template's pool placeholders allow (distinct placeholders
/// drawing from one pool count as ordered draws without repetition).
double possibleCombinations(const Template& tpl, const PoolSet& pools);

/// Statistics of already-rendered prompts (no expectation fields).
CoverageStats coverageOf(const std::vector<RenderedPrompt>& prompts);

/// Renders the whole plan (item i of part k at index i with `seed`, like a job would) and
/// reports its coverage. Fails when a family has no generate template or rendering fails.
Result<CoverageStats> planCoverage(const Library& library, const std::vector<JobPart>& parts, std::uint64_t seed);

} // namespace synthembed::prompts
