#include "core/eval/mteb_tasks.h"

#include "core/eval/datasets.h"
#include "core/util/log.h"

#include <algorithm>
#include <cctype>

namespace synthembed::eval {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Repo ids, revisions, splits and main scores: the task metadata of mteb 2.26.24 (the peers' venv,
// mteb/tasks/<type>/eng/*.py). File layouts: the files of these repos as public download scripts fetch
// them from the hub (its resolve URLs); the pinned revision's file list is checked before any download,
// and a file it lacks is an error naming it (a revision re-uploaded as parquet only cannot be read).
// Tasks of the other types (clustering, pair classification, reranking, summarization, BIOSSES,
// STS12-16) are left out: their repos' file layouts could not be confirmed.
const char* kLayoutScripts = "files as fetched from the hub's resolve URLs by public download scripts";

std::vector<MtebTask> makeCatalogue() {
    auto task = [](std::string name, TaskType type, std::string repo, std::string revision, std::string mainMetric,
                   std::vector<std::string> files, std::string source) {
        MtebTask t;
        t.name = std::move(name);
        t.type = type;
        t.repo = std::move(repo);
        t.revision = std::move(revision);
        t.split = "test";
        t.mainMetric = std::move(mainMetric);
        t.files = std::move(files);
        t.layoutSource = std::move(source);
        return t;
    };
    return {
        task("STSBenchmark", TaskType::Sts, "mteb/stsbenchmark-sts", "b0fddb56ed78048fa8b90373c8a3cfc37b684831",
             "cosine_spearman", {"test.jsonl.gz"}, kLayoutScripts),
        task("SICK-R", TaskType::Sts, "mteb/sickr-sts", "20a6d6f312dd54037fe07a32d58e5e168867909d", "cosine_spearman",
             {"test.jsonl.gz"}, "the layout of the mteb/*-sts repos (test.jsonl.gz: sentence1, sentence2, score)"),
        task("SciFact", TaskType::Retrieval, "mteb/scifact", "d56462d0e63a25450459c4f213e49ffdb866f7f9", "ndcg_at_10",
             {"corpus.jsonl", "queries.jsonl", "qrels/test.tsv"}, kLayoutScripts),
        task("NFCorpus", TaskType::Retrieval, "mteb/nfcorpus", "ec0fa4fe99da2ff19ca1214b7966684033a58814", "ndcg_at_10",
             {"corpus.jsonl", "queries.jsonl", "qrels/test.tsv"}, kLayoutScripts),
        task("ArguAna", TaskType::Retrieval, "mteb/arguana", "c22ab2a51041ffd869aaddef7af8d8215647e41a", "ndcg_at_10",
             {"corpus.jsonl", "queries.jsonl", "qrels/test.jsonl"}, kLayoutScripts),
        task("Banking77Classification", TaskType::Classification, "mteb/banking77",
             "0fd18e25b25c072e09e0d92ab615fda904d66300", "accuracy", {"train.jsonl", "test.jsonl"}, kLayoutScripts),
    };
}

std::size_t countItems(const DatasetEntry& d) {
    switch (d.type) {
    case TaskType::Retrieval: return readBeir(d.data, d.split).queryIds.size();
    case TaskType::Classification: {
        readTable(splitFile(d.data, "train"), {}, -1); // the train file must be readable too
        return readTable(splitFile(d.data, d.split), {}, -1).rows.size();
    }
    default: return readTable(splitFile(d.data, d.split), {}, -1).rows.size();
    }
}

} // namespace

const std::vector<MtebTask>& mtebTasks() {
    static const std::vector<MtebTask> tasks = makeCatalogue();
    return tasks;
}

const MtebTask* findMtebTask(const std::string& name) {
    const std::string n = lower(name);
    if (n.empty()) return nullptr;
    const MtebTask* prefix = nullptr;
    int prefixes = 0;
    for (const auto& t : mtebTasks()) {
        const std::string tn = lower(t.name);
        if (tn == n) return &t;
        if (tn.rfind(n, 0) == 0) {
            prefix = &t;
            ++prefixes;
        }
    }
    return prefixes == 1 ? prefix : nullptr;
}

std::string mtebTaskNames() {
    std::string out;
    for (const auto& t : mtebTasks()) out += (out.empty() ? "" : ", ") + t.name;
    return out;
}

hub::RepoRef mtebRepoRef(const MtebTask& task) {
    hub::RepoRef r;
    r.repo = task.repo;
    r.revision = task.revision;
    r.type = hub::RepoType::Dataset;
    return r;
}

MtebTaskState locateMtebTask(const MtebTask& task, const hub::HubSettings& settings) {
    MtebTaskState s;
    auto cached = hub::findCached(mtebRepoRef(task), settings, task.files);
    if (cached) {
        s.cached = true;
        s.folder = cached->path;
    } else {
        s.message = cached.error().message;
    }
    return s;
}

DatasetEntry mtebDatasetEntry(const MtebTask& task, const std::filesystem::path& folder) {
    DatasetEntry d;
    d.name = task.name;
    d.type = task.type;
    d.folder = folder;
    d.data = folder;
    d.split = task.split;
    d.mtebTask = task.name;
    d.mainMetric = task.mainMetric;
    return d;
}

Result<DatasetEntry> fetchMtebTask(const MtebTask& task, const hub::PullParams& params) {
    return guarded([&]() -> DatasetEntry {
        const auto ref = mtebRepoRef(task);
        auto cached = hub::findCached(ref, params.settings, task.files);
        std::filesystem::path folder;
        if (cached) {
            folder = cached->path;
            log::info(task.name, ": using the Hugging Face cache ", folder.string());
        } else if (params.settings.offline) {
            throw Failure("offline", task.name + ": " + cached.error().message +
                                         "; offline (--offline or HF_HUB_OFFLINE=1), so it is not downloaded: run "
                                         "`synthembed-cli eval --task " + task.name + "` where " + params.settings.endpoint +
                                         " can be reached");
        } else {
            hub::PullParams p = params;
            p.files = task.files;
            auto pulled = hub::pull(ref, p);
            if (!pulled) throw Failure(pulled.error().code, task.name + ": " + pulled.error().message);
            folder = pulled->path;
        }
        DatasetEntry d = mtebDatasetEntry(task, folder);
        d.items = countItems(d);
        if (d.items == 0) throw Failure("dataset", task.name + ": " + folder.string() + " holds no " + task.split + " items");
        return d;
    }, "io");
}

} // namespace synthembed::eval
