#pragma once
/// Hard-negative mining for training data: for each (query, positive), retrieve the top
/// candidates with a model, sample negatives from a rank range (e.g. ranks 10-100), and drop
/// candidates scoring within a margin of the positive (likely unlabelled positives).

#include "core/eval/embedding_cache.h"
#include "core/eval/encoder.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::search {

/// One line of the training export: {"query","positive","negative","instruction","family","language"}.
struct TrainingExample {
    std::string query, positive, negative, instruction, family, language;
};

struct MiningOptions {
    std::size_t rankFrom = 10;     ///< first rank (0-based) negatives may come from
    std::size_t rankTo = 100;      ///< one past the last rank
    std::size_t perQuery = 1;      ///< negatives per (query, positive); one output line each
    double margin = 0.05;          ///< drop candidates with score > positive's score - margin
    bool keepExisting = false;     ///< keep examples' existing negatives as extra lines
    std::uint64_t seed = 42;
};

struct MiningReport {
    std::vector<TrainingExample> examples; ///< one per mined negative
    std::size_t queries = 0;
    std::size_t withoutNegative = 0;       ///< queries where every candidate was filtered out
    std::size_t droppedByMargin = 0;       ///< candidates dropped by the false-negative guard
    double seconds = 0;
};

/// corpus: candidate documents; empty = the set of all positives (and existing negatives).
/// Queries are embedded with their own instruction, documents without.
Result<MiningReport> mineHardNegatives(eval::TextEncoder& encoder, eval::EmbeddingCache* cache,
                                       const std::vector<TrainingExample>& pairs, const std::vector<std::string>& corpus,
                                       const MiningOptions& options, const ProgressHooks& hooks = {});

/// Reads / writes the training export JSONL (write: temp file + rename).
Result<std::vector<TrainingExample>> readTrainingJsonl(const std::filesystem::path& path);
Status writeTrainingJsonl(const std::filesystem::path& path, const std::vector<TrainingExample>& examples);

} // namespace synthembed::search
