#pragma once
/// Curation of stored samples: exact and near-duplicate removal, filters, a contamination check
/// against an evaluation set, and hand edits that keep the original.
///
/// Nothing is deleted: a removed sample becomes status "rejected" with a reason naming what it
/// duplicates or which filter dropped it, so the sample browser can show and undo it.

#include "core/store/project.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace synthembed::gen {

/// MinHash signatures over word shingles, with LSH banding to find candidate pairs; candidates are
/// confirmed with the exact Jaccard similarity of their shingle sets.
class NearDuplicateIndex {
public:
    /// threshold: Jaccard similarity at or above which two texts are near-duplicates.
    /// shingleWords: words per shingle (texts shorter than that use one shingle of all words).
    explicit NearDuplicateIndex(double threshold = 0.8, int shingleWords = 3, int numHashes = 128);

    struct Match {
        std::int64_t id = 0;
        double similarity = 0;
    };
    /// The most similar indexed text at or above the threshold, if any.
    std::optional<Match> findSimilar(std::string_view text) const;
    void add(std::int64_t id, std::string_view text);
    std::size_t size() const { return m_sets.size(); }

    /// Shingle hashes of the normalised text (exposed for tests).
    std::vector<std::uint64_t> shingles(std::string_view text) const;
    std::vector<std::uint64_t> signature(const std::vector<std::uint64_t>& shingles) const;
    static double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

private:
    std::vector<std::uint64_t> bandKeys(const std::vector<std::uint64_t>& sig) const;
    double m_threshold;
    int m_shingleWords;
    int m_numHashes;
    int m_bands, m_rows;
    std::vector<std::uint64_t> m_seeds;
    std::unordered_map<std::int64_t, std::vector<std::uint64_t>> m_sets; // id -> sorted shingles
    std::vector<std::unordered_map<std::uint64_t, std::vector<std::int64_t>>> m_buckets; // per band
};

/// Which samples an operation looks at.
struct SampleScope {
    std::optional<std::int64_t> jobId;
    std::optional<std::string> family;
};

struct DedupOptions {
    SampleScope scope;
    bool exact = true;
    bool near = true;
    double threshold = 0.8; ///< Jaccard of word shingles of query + positive
    int shingleWords = 3;
    bool dryRun = false;
};

struct DedupReport {
    std::int64_t scanned = 0;
    std::int64_t exactDuplicates = 0;
    std::int64_t nearDuplicates = 0;
    /// (removed sample, the kept sample it duplicates, similarity)
    struct Pair {
        std::int64_t removed = 0, kept = 0;
        double similarity = 1.0;
        std::string reason; ///< the reject reason it gets (or got)
    };
    std::vector<Pair> pairs;
};

/// Marks later duplicates of earlier samples (accepted or edited; lowest id is kept) as rejected
/// with the reason "duplicate of sample N" / "near-duplicate of sample N (similarity S)". Also
/// fills a missing text_hash. hooks.shouldStop cancels it (Error "cancelled", nothing written).
Result<DedupReport> deduplicate(const store::Project& project, const DedupOptions& options,
                                const ProgressHooks& hooks = {});

struct FilterOptions {
    SampleScope scope;
    std::size_t minQueryChars = 0, maxQueryChars = 0;       ///< 0 = no bound
    std::size_t minPositiveChars = 0, maxPositiveChars = 0; ///< 0 = no bound
    std::set<std::string> languages; ///< keep only these (empty = any)
    std::set<std::string> families;  ///< keep only these (empty = any)
    bool dryRun = false;
};

struct FilterReport {
    std::int64_t scanned = 0;
    std::int64_t removed = 0;
    std::unordered_map<std::string, std::int64_t> byReason;
};

/// Rejects accepted samples that fail a filter, with the reason "filter: ...".
Result<FilterReport> applyFilters(const store::Project& project, const FilterOptions& options);

/// Texts of an evaluation set: a BEIR folder (corpus.jsonl + queries*.jsonl), a .jsonl file (the
/// string fields text/title/query/sentence*/positive...), a .csv/.tsv (every text cell) or a text
/// file (one per line).
Result<std::vector<std::string>> loadEvalTexts(const std::filesystem::path& path);

struct ContaminationOptions {
    SampleScope scope;
    double threshold = 0.8;
    int shingleWords = 3;
    bool reject = false; ///< also reject flagged samples (otherwise only flag them)
    std::string evalName; ///< recorded in the flag
};

struct ContaminationReport {
    std::int64_t scanned = 0;
    std::int64_t flagged = 0;
    struct Hit {
        std::int64_t sampleId = 0;
        std::string field; ///< query or positive
        std::string evalText;
        double similarity = 0;
        std::string reason; ///< the reject reason it gets with `reject` (or from a later reject)
    };
    std::vector<Hit> hits;
};

/// Flags samples whose query or positive nearly duplicates (>= threshold) an evaluation text:
/// samples.flags gets {"contamination": {"eval", "field", "similarity", "text"}}.
/// hooks.shouldStop cancels it (Error "cancelled", nothing written).
Result<ContaminationReport> checkContamination(const store::Project& project, const std::vector<std::string>& evalTexts,
                                               const ContaminationOptions& options, const ProgressHooks& hooks = {});

struct SampleEdit {
    std::optional<std::string> query, positive, negative, instruction, language;
};

/// Edits a sample by hand: status becomes "edited", the fields before the first edit are kept in
/// `original` (JSON), the text hash is recomputed.
Status editSample(const store::Project& project, std::int64_t sampleId, const SampleEdit& edit);
/// Accept or reject by hand (reject needs a reason; accept clears it).
Status setSampleStatus(const store::Project& project, std::int64_t sampleId, bool accept, const std::string& reason = {});

/// What hand curation changes on a sample, to put it back (undo/redo in the Samples area).
struct SampleState {
    std::int64_t id = 0;
    std::string status, rejectReason; ///< "" = no reason
    std::string instruction, language;
    std::optional<std::string> query, positive, negative, original, textHash; ///< nullopt = NULL
    bool operator==(const SampleState&) const = default;
};
/// The states of these samples, in the given order; fails naming the first missing id.
Result<std::vector<SampleState>> sampleStates(const store::Project& project, const std::vector<std::int64_t>& ids);
/// Writes the states back in one transaction. With `expected` (same length and order), every
/// sample must still be in its expected state, or nothing is written and the Error (code
/// "conflict") names the sample that changed meanwhile (e.g. in another window or process).
Status restoreSampleStates(const store::Project& project, const std::vector<SampleState>& states,
                           const std::vector<SampleState>* expected = nullptr);

} // namespace synthembed::gen
