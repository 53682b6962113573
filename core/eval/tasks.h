#pragma once
/// MTEB-style evaluation tasks over local files, with the field's metrics and protocols
/// (see ../shared/METHOD.md section 4). One call evaluates one dataset split with one encoder.
///
///   eval::EvalOptions o;
///   o.type = eval::TaskType::Sts; o.data = "stsb-en-test.csv";
///   eval::HashEncoder enc(256);
///   auto r = eval::runEval(enc, nullptr, o);   // r->mainScore = Spearman of cosine

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::eval {

enum class TaskType { Retrieval, Sts, Classification, Clustering, Pair, Rerank, Summarization, Bitext };

/// "retrieval", "sts", "classification", "clustering", "pair", "rerank", "summarization", "bitext".
std::string toString(TaskType t);
std::optional<TaskType> parseTaskType(const std::string& s);
std::vector<std::string> taskTypeNames();

/// The query-side instruction e5-mistral used for a dataset (by name, case-insensitive, e.g.
/// "scifact", "banking77", "stsbenchmark"), else the default of the task type.
std::string defaultInstruction(TaskType type, const std::string& dataset);

struct EvalOptions {
    TaskType type = TaskType::Sts;
    std::filesystem::path data;  ///< file or folder (BEIR folder for retrieval)
    std::string split = "test";
    std::string dataset;         ///< name in results; default: derived from the path
    /// Query-side instruction: nullopt = the dataset's default; "" = none.
    std::optional<std::string> instruction;
    std::size_t quick = 0;       ///< > 0: seeded subsample of this many queries / pairs / test items
    std::uint64_t seed = 42;
    /// Column names (or 0-based indexes) of CSV/TSV/JSONL fields; empty = the usual names.
    std::string text1Column, text2Column, scoreColumn, textColumn, labelColumn;
    std::optional<std::pair<double, double>> scoreRange; ///< STS gold range; default: min/max of data
    std::filesystem::path trainData; ///< classification: train file when data is the test file
    int nExperiments = 10;       ///< classification (MTEB default)
    int samplesPerLabel = 8;     ///< classification (MTEB default)
    int maxIterations = 100;     ///< classification logistic regression
    std::vector<int> ks = {1, 3, 5, 10, 100}; ///< retrieval cut-offs
    /// Retrieval: drop a hit whose document id equals the query id (mteb's ignore_identical_ids).
    /// nullopt = mteb's setting for the dataset: on for ArguAna and Quora, off otherwise.
    std::optional<bool> ignoreIdenticalIds;
    /// The result's main metric (one the task computes, e.g. mteb's "max_ap" for pair
    /// classification); empty = the task type's own.
    std::string mainMetric;
};

/// Per-item data kept so two runs on the same items can be compared with a paired bootstrap.
/// statistic "mean": values are per-item scores; "spearman"/"pearson": values = predicted
/// similarity, gold = reference; "ap": values = scores, gold = 0/1; "vmeasure"/"f1macro"/
/// "accuracy": values = predicted labels, gold = true labels.
struct PerItem {
    std::string statistic;
    std::vector<std::string> ids;
    std::vector<double> values;
    std::vector<double> gold;
};

struct EvalResult {
    std::string taskType, dataset, split;
    std::string modelFingerprint, pooling, instruction;
    /// Set when no instruction was given and the model folder has sentence-transformers prompts:
    /// its "query" prompt went before queries (instruction is then ""), its "document" prompt, if
    /// it has one, before documents.
    std::optional<std::string> queryPrompt, documentPrompt;
    std::string mainMetric;
    double mainScore = 0;
    std::map<std::string, double> metrics;
    std::map<std::string, double> timings; ///< seconds: load, embed, score, total
    std::map<std::string, double> counts;  ///< queries, documents, pairs, ... and cache hits/misses
    PerItem perItem;
    std::size_t quick = 0;
    std::uint64_t seed = 0;
    /// The evaluated model folder's run id, step and file digest (absent for the hashing encoder).
    std::optional<ModelFiles> modelFiles;
};

/// Runs one evaluation. cache may be null. Errors name the file and line.
Result<EvalResult> runEval(TextEncoder& encoder, EmbeddingCache* cache, const EvalOptions& options,
                           const ProgressHooks& hooks = {});

/// Recomputes a PerItem statistic on a subset of items (indexes into ids).
double perItemStatistic(const PerItem& p, const std::vector<std::size_t>& idx);

} // namespace synthembed::eval
