#pragma once
/// Training data: triples from a project or a JSONL file, and a deterministic batch order.
/// Plain C++ (no torch).

#include "core/train/config.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::store {
class Project;
}

namespace synthembed::train {

/// One training example: the query (with its task instruction), its positive, and any number
/// of hard negatives (none for families without one).
struct TrainExample {
    std::string family;      ///< "" when unknown (JSONL without a family field)
    std::string instruction; ///< task definition; "" = the query is used as is
    std::string query;
    std::string positive;
    std::vector<std::string> negatives;
};

/// The query side as the model sees it: "Instruct: {task}\nQuery: {query}" (e5-mistral), or
/// the bare query when there is no instruction. Documents get no prefix.
std::string formatQuery(const std::string& instruction, const std::string& query);

/// Reads JSONL lines {"query", "positive"[, "negative": string|[strings]][, "instruction"|"task"]
/// [, "family"]} (the generation export format); blank lines are skipped. Errors name the line.
Result<std::vector<TrainExample>> loadJsonl(const std::filesystem::path& path);

/// Accepted (by default) samples of a project that have a query and a positive, filtered by
/// family/language/status. A `negative` holding a JSON array of strings gives several negatives.
Result<std::vector<TrainExample>> loadProjectSamples(const std::filesystem::path& projectPath, const SampleFilter& filter);

/// How many of a project's samples have a query and a positive, per family, language and status
/// (what loadProjectSamples can draw on; the GUI's run builder shows it before a run).
struct SampleCount {
    std::string family, language, status;
    std::int64_t count = 0;
};
Result<std::vector<SampleCount>> countProjectSamples(const store::Project& project);

/// Which examples make up each batch: a fresh seeded permutation per epoch (the last partial
/// batch of an epoch is dropped), so batch k is a pure function of (seed, k) and a resumed run
/// sees exactly the batches the uninterrupted run would have.
class BatchPlan {
public:
    BatchPlan(std::vector<std::string> families, int batchSize, std::uint64_t seed, BatchMix mix);
    /// Batches in one epoch (0 when there are fewer examples than one batch).
    std::int64_t batchesPerEpoch() const { return m_perEpoch; }
    /// Example indices of global batch k (k counts across epochs).
    std::vector<std::size_t> batch(std::int64_t k) const;

private:
    std::vector<std::vector<std::size_t>> epochBatches(std::int64_t epoch) const;
    std::vector<std::string> m_families;
    int m_batchSize;
    std::uint64_t m_seed;
    BatchMix m_mix;
    std::int64_t m_perEpoch = 0;
    mutable std::int64_t m_cachedEpoch = -1;
    mutable std::vector<std::vector<std::size_t>> m_cache;
};

/// How many of `total` examples splitDev holds out for the dev set (the trainer trains on the rest).
std::size_t devExampleCount(std::size_t total, double devFraction);
/// Splits off a held-out dev slice (deterministic from the seed): returns {train, dev}.
std::pair<std::vector<TrainExample>, std::vector<TrainExample>> splitDev(std::vector<TrainExample> all, double devFraction,
                                                                         std::uint64_t seed);

} // namespace synthembed::train
