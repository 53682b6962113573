#pragma once
/// Evaluation suites over dataset folders a user registers, and text corpora to explore, in
/// plain types for front ends (the GUI's Evaluation and Explorer areas, scripts).
///
///   auto d = eval::detectDataset("../shared/data/stsbenchmark"); // Sts, data = the folder, split test
///   auto o = eval::suiteOptions(*d, eval::SuiteMode::Quick);     // quick = kQuickItems, seed 42
///   auto r = eval::runEval(encoder, cache, o);

#include "core/eval/tasks.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::eval {

/// A registered dataset: what runEval needs besides the encoder and the suite's sampling.
struct DatasetEntry {
    std::string name;              ///< shown and stored in results ("stsbenchmark")
    TaskType type = TaskType::Sts;
    std::filesystem::path folder;  ///< what the user added (folder or file)
    std::filesystem::path data;    ///< file or folder handed to runEval
    std::filesystem::path trainData; ///< classification: the train file (empty otherwise)
    std::string split = "test";
    std::size_t items = 0;         ///< test items found when detected (pairs, queries, texts)
    std::string mtebTask;          ///< the MTEB task name when it came from the catalogue (mteb_tasks.h)
    std::string mainMetric;        ///< the main metric as MTEB names it (empty: the task type's own)
};

/// Recognises a dataset folder or file from its layout and columns:
/// - a BEIR folder (corpus.jsonl, queries*.jsonl, qrels/<split>.tsv): retrieval, split "test"
///   when qrels/test.tsv exists, else the first qrels file;
/// - a table (CSV/TSV/TXT/JSONL) with two sentences and a numeric score (header names
///   sentence1/sentence_A..., or three columns without header, third numeric): STS;
/// - a table with text and label/category columns: classification, with the folder's train file;
/// A folder is searched for the split's file ("test"), else for the table file with most rows.
/// Errors name the path and what was missing.
Result<DatasetEntry> detectDataset(const std::filesystem::path& path);

enum class SuiteMode { Quick, Full };
/// Items per dataset in the quick suite (queries, pairs or test texts; seeded subsample).
inline constexpr std::size_t kQuickItems = 200;

/// Options for one dataset of a suite: quick = `quickItems` in Quick mode, 0 in Full.
EvalOptions suiteOptions(const DatasetEntry& d, SuiteMode mode, std::size_t quickItems = kQuickItems,
                         std::uint64_t seed = 42);

/// Registered datasets as JSON text (kept in project settings) and back.
std::string datasetsToJson(const std::vector<DatasetEntry>& entries);
Result<std::vector<DatasetEntry>> datasetsFromJson(const std::string& json);

/// One text of an embedding set, with what a map colours by.
struct CorpusItem {
    std::string key;   ///< source id (sample id, BEIR _id, line number)
    std::string text;
    std::string family, language, label;
};

/// The texts of a dataset: BEIR documents ((title + " " + text).strip()), the distinct
/// sentences of an STS set, or the labelled texts of a classification set (train + test).
/// limit > 0 keeps the first `limit` items.
Result<std::vector<CorpusItem>> datasetCorpus(const DatasetEntry& d, std::size_t limit = 0);

/// A JSONL corpus: one object per line with "text" (and optional "title", prepended like
/// BEIR), optional "_id"/"id", "family", "language", "label" (or "category"). Lines without
/// text are an error naming the line.
Result<std::vector<CorpusItem>> readJsonlCorpus(const std::filesystem::path& path, std::size_t limit = 0);

/// Which texts of a sample become corpus items.
struct SampleRoles {
    bool query = true, positive = true, negative = false;
};

/// The project's accepted (or edited) samples: one item per non-empty text of the chosen roles,
/// label "query", "positive" or "negative", with the sample's family and language; key "<id>:q",
/// "<id>:p" or "<id>:n".
Result<std::vector<CorpusItem>> projectSamplesCorpus(const store::Project& project, std::size_t limit = 0,
                                                     const SampleRoles& roles = {});

} // namespace synthembed::eval
