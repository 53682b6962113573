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
/// instruction, main_metric, main_score, metrics, timings, counts, quick, seed, per_item, and
/// model_files {folder, run_id, step, digest, files: [{name, size, mtime_ns}]} when stamped).
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

/// Stamps a model folder for a result (EvalResult::modelFiles): the training run id and step from
/// synthembed_train.json (written by `train`'s export), and the files that decide the vectors
/// (*.safetensors, *.bin, config.json, tokenizer files) with size, mtime and one content digest.
///
/// The digest is a 128-bit hash (eval::contentHash) of each file's name, size and bytes: all of a
/// file up to 64 MiB; for a bigger one its first 1 MiB (the safetensors header and first tensors),
/// 64 blocks of 64 KiB spread evenly, and its last 64 KiB. That keeps the stamp of a 14 GB
/// checkpoint under ~10 ms of reading while catching a retrain (which rewrites every block); a
/// full hash of such a file would take tens of seconds on every evaluation. A folder that cannot
/// be read gives an "io" error naming it.
Result<ModelFiles> stampModelFiles(const std::filesystem::path& folder);

/// Whether the files a stored result describes are still the ones it evaluated.
struct ModelFilesCheck {
    enum class State {
        Unknown,   ///< the result has no stamp (hashing encoder, or stored before stamps existed)
        Unchanged, ///< same run, step and files (a file whose mtime moved but whose digest matches counts as unchanged)
        Changed,   ///< another run or step, or files added, removed or rewritten
        Missing,   ///< the folder (or its weights) is gone
    };
    State state = State::Unknown;
    std::string reason; ///< one line for a tooltip or log, naming what changed
};
/// Compares a stamp with the folder now: size and mtime first, the digest only when an mtime or
/// size moved, so checking a result is cheap.
ModelFilesCheck checkModelFiles(const ModelFiles& stamp);
/// For a result: Unknown when it carries no stamp.
ModelFilesCheck checkModelFiles(const EvalResult& result);

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
