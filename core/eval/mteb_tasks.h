#pragma once
/// The MTEB tasks synthembed evaluates by name: each one's `mteb/...` dataset repo on the Hugging
/// Face Hub at the revision the mteb package pins, the files of it our readers take (datasets.h),
/// its evaluation split and the main metric as MTEB reports it. A task is downloaded through
/// core/hub (resumable, cached in datasets--mteb--NAME beside the models, checked) and then
/// evaluates like a dataset folder: its snapshot folder is the folder.
///
///     auto* t = eval::findMtebTask("STSBenchmark");
///     auto entry = eval::fetchMtebTask(*t, params);     // the cache, else a download
///     auto r = eval::runEval(encoder, cache, eval::suiteOptions(*entry, eval::SuiteMode::Full));

#include "core/eval/suite.h"
#include "core/eval/tasks.h"
#include "core/hub/hub.h"
#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::eval {

struct MtebTask {
    std::string name;       ///< the MTEB name ("STSBenchmark", "SICK-R", "Banking77Classification")
    TaskType type = TaskType::Sts;
    std::string repo;       ///< the dataset repo ("mteb/stsbenchmark-sts")
    std::string revision;   ///< the commit mteb pins
    std::string split;      ///< mteb's evaluation split
    std::string mainMetric; ///< mteb's main score ("cosine_spearman", "ndcg_at_10", "accuracy")
    std::vector<std::string> files; ///< repo files to fetch (paths in the repo)
    std::string layoutSource;       ///< where the file layout was taken from
};

/// The catalogue, in display order.
const std::vector<MtebTask>& mtebTasks();

/// A task by its MTEB name (case-insensitive), else a unique name starting with `name`
/// ("banking77" -> Banking77Classification); nullptr when none or several.
const MtebTask* findMtebTask(const std::string& name);

/// The catalogue's names, comma-separated (for messages).
std::string mtebTaskNames();

hub::RepoRef mtebRepoRef(const MtebTask& task);

/// Where a task stands on this disk (no network: cheap enough for a GUI thread).
struct MtebTaskState {
    bool cached = false;          ///< every file of the task is in the snapshot
    std::filesystem::path folder; ///< the snapshot folder when cached
    std::string message;          ///< when not cached: why (not in the cache, a file missing)
};
MtebTaskState locateMtebTask(const MtebTask& task, const hub::HubSettings& settings);

/// The dataset entry of a task whose files are in `folder` (its snapshot folder).
DatasetEntry mtebDatasetEntry(const MtebTask& task, const std::filesystem::path& folder);

/// The task from the cache without any request when all its files are there, else downloaded
/// (params.files is set to the task's files; progress and cancel through params.hooks). With
/// params.settings.offline a task not cached is an error ("offline") saying how to get it. The
/// files are read once (entry.items counts the test items), so a file our readers cannot read is an
/// error naming it here. Errors as hub::pull's, and "dataset"/"parse" naming the file.
Result<DatasetEntry> fetchMtebTask(const MtebTask& task, const hub::PullParams& params);

} // namespace synthembed::eval
