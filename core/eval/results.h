#pragma once
/// Evaluation results as JSON files and project-database rows, and the comparison of two runs
/// (per-task deltas, paired bootstrap confidence interval on the items both runs scored).

#include "core/eval/metrics.h"
#include "core/eval/tasks.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::eval {

/// One result as a JSON object text (keys: task, dataset, split, model_fingerprint, pooling,
/// instruction, main_metric, main_score, metrics, timings, counts, quick, seed, per_item).
std::string resultToJson(const EvalResult& r, bool withPerItem = true, int indent = 2);
Result<EvalResult> resultFromJson(const std::string& json);

/// Writes one result as an object, several as {"results": [...]} (temp file + rename).
Status writeResultsFile(const std::filesystem::path& path, const std::vector<EvalResult>& results);
/// Reads a file written by writeResultsFile (object, array, or {"results": [...]}).
Result<std::vector<EvalResult>> readResultsFile(const std::filesystem::path& path);

/// Stores a result row in eval_results (timings and details included); returns its id.
Result<std::int64_t> storeResult(const store::Project& project, const EvalResult& r,
                                 std::optional<std::int64_t> trainingRunId = std::nullopt);

struct StoredResult {
    std::int64_t id = 0;
    std::optional<std::int64_t> runId;
    std::string createdAt;
    EvalResult result;
};
/// Stored results, newest first; modelFingerprint empty = all models.
Result<std::vector<StoredResult>> listResults(const store::Project& project, const std::string& modelFingerprint = {},
                                              std::size_t limit = 1000);
Result<StoredResult> loadResult(const store::Project& project, std::int64_t id);

/// Paired bootstrap of statistic(a) - statistic(b) over the items both results scored (matched
/// by id): resamples items with replacement and recomputes the task's statistic on each side.
Result<BootstrapCi> compareBootstrap(const EvalResult& a, const EvalResult& b, int resamples = 1000,
                                     double alpha = 0.05, std::uint64_t seed = 0);

struct ComparisonRow {
    std::string taskType, dataset, split, mainMetric;
    std::optional<double> a, b;     ///< main scores (missing when one side lacks the task)
    std::optional<double> delta;    ///< b - a
    std::optional<BootstrapCi> ci;  ///< of b - a, when both kept per-item data on common items
};
/// Rows matched by (task, dataset, split), in a's order then b's extras. delta = b - a.
std::vector<ComparisonRow> compareRuns(const std::vector<EvalResult>& a, const std::vector<EvalResult>& b,
                                       int resamples = 1000, std::uint64_t seed = 0);

} // namespace synthembed::eval
