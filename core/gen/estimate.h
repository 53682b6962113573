#pragma once
/// What a job will cost before it is launched: requests, tokens and dollars per family, and how
/// well the job's draws cover each placeholder pool (the diversity the method relies on).
///
/// Prompt tokens are measured on prompts rendered with the job's seed (bytes / 4); completion
/// tokens and reject rates come from the project's finished requests of the same family when
/// there are some, otherwise from defaults. Everything is an estimate; the job reports the truth.

#include "core/gen/job.h"
#include "core/llm/pricing.h"
#include "core/prompts/library.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::gen {

/// How a job's draws cover one placeholder's pool.
struct PoolCoverage {
    std::string family;
    std::string templateName;
    std::string placeholder;
    std::string pool;
    std::int64_t values = 0;        ///< values with a non-zero weight
    double effectiveValues = 0;     ///< exp(entropy of the weights): values an even pool would need
    std::int64_t draws = 0;         ///< how often the job draws it
    double expectedDistinct = 0;    ///< expected number of different values drawn
};

struct FamilyEstimate {
    std::string family;
    std::int64_t target = 0;
    bool twoStep = false;
    std::int64_t brainstormRequests = 0;
    std::int64_t generateRequests = 0; ///< including the expected rejects
    double rejectRate = 0;             ///< from the project's history of this family, else 0
    double promptTokensPerGenerate = 0;
    double promptTokensPerBrainstorm = 0;
    double completionTokensPerGenerate = 0;
    double completionTokensPerBrainstorm = 0;
    bool fromHistory = false;          ///< completion tokens / reject rate measured on this project
    llm::Usage usage;                  ///< expected totals
};

struct JobEstimate {
    std::vector<FamilyEstimate> families;
    std::vector<PoolCoverage> coverage;
    std::int64_t requests = 0;
    llm::Usage usage;
    std::optional<double> costUsd; ///< when the model has a price
    std::vector<std::string> warnings;
};

/// Defaults used without history (a generate answer is one JSON sample, a brainstorm answer a
/// list of about 20 tasks).
inline constexpr double kDefaultCompletionTokensGenerate = 300;
inline constexpr double kDefaultCompletionTokensBrainstorm = 600;
inline constexpr double kTasksPerBrainstorm = 20;

/// Estimates `spec` against `library`; `project` (optional) supplies history and prices.
Result<JobEstimate> estimateJob(const JobSpec& spec, const prompts::Library& library,
                                const store::Project* project = nullptr);

/// Expected number of distinct values after `draws` weighted draws with replacement.
double expectedDistinct(const std::vector<double>& weights, std::int64_t draws);

} // namespace synthembed::gen
