#pragma once
/// Paged reads of the samples table for browsers (the GUI's Samples area, `samples` listings):
/// never more than one page in memory, pages by keyset (id after/before a known id) or by offset,
/// plus the detail of one sample with the request that produced it. Hand curation (accept,
/// reject, edit keeping the original) is in curation.h.

#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synthembed::gen {

/// Which samples a browser shows; empty fields do not filter. Rows are ordered by id.
struct SampleFilter {
    std::string family;
    std::string language;
    std::string status;  ///< accepted, rejected or edited
    std::string reason;  ///< exact reject reason
    /// Kind of reject reason (rejectReasonKind): rejected samples whose reason is of this kind.
    std::optional<std::string> reasonKind;
    std::string text;    ///< substring of query, positive, negative or instruction (case-insensitive for ASCII)
    std::optional<std::int64_t> jobId;
    /// Samples listed whatever the fields above say (a browser keeps the ones curated in its view
    /// in place until the filter changes).
    std::vector<std::int64_t> keepIds;
};

/// One table row; the long text columns are cut to `snippetChars` characters.
struct SampleRow {
    std::int64_t id = 0;
    std::int64_t jobId = 0; ///< 0 = none (imported)
    std::string family, language, status;
    std::string query, positive, negative; ///< snippets
    std::string rejectReason;
};

/// Where a page starts: after a known id (next page), before a known id (previous page, rows
/// still returned in ascending order), or at an offset (a jump); with a keyset, `offset` skips
/// that many rows beyond it (a jump near a known page: the scan starts there, not at row 0).
/// limit is the page size.
struct PageRequest {
    std::optional<std::int64_t> afterId;
    std::optional<std::int64_t> beforeId;
    std::int64_t offset = 0;
    std::int64_t limit = 256;
    int snippetChars = 200;
};

Result<std::int64_t> countSamples(const store::Project& project, const SampleFilter& filter);
Result<std::vector<SampleRow>> fetchSamples(const store::Project& project, const SampleFilter& filter,
                                            const PageRequest& page);

/// Distinct values of the filterable columns (for filter pickers).
struct SampleFacets {
    std::vector<std::string> families, languages;
};
Result<SampleFacets> sampleFacets(const store::Project& project);

/// Reject reasons with their counts, most frequent first.
Result<std::vector<std::pair<std::string, std::int64_t>>> rejectReasons(const store::Project& project,
                                                                         std::optional<std::int64_t> jobId = {});

/// The kind of a reject reason, for grouping: "duplicate" (the generator's "duplicate: same
/// normalised text as sample N" and dedup's "duplicate of sample N"), "near-duplicate",
/// "filter: family|language|query length|positive length"; otherwise the text before the first
/// ": " when that is a short label without a colon ("no_json", "truncated", "contamination", a
/// hand-written "off topic: ..."), else the whole reason ("" for none).
std::string rejectReasonKind(std::string_view reason);

/// Reject reasons grouped by kind, most frequent kind first; each kind lists its reasons, most
/// frequent first. The counts add up to the rejected samples (of the job when given).
struct RejectReasonGroup {
    std::string kind;
    std::int64_t count = 0;
    std::vector<std::pair<std::string, std::int64_t>> reasons;
};
Result<std::vector<RejectReasonGroup>> rejectReasonGroups(const store::Project& project,
                                                          std::optional<std::int64_t> jobId = {});

/// Row index (0-based, rows ordered by id) of a sample among the filtered rows; nullopt when
/// the filter leaves it out or there is no such sample.
Result<std::optional<std::int64_t>> rowOfSample(const store::Project& project, const SampleFilter& filter,
                                                std::int64_t id);

/// Everything about one sample: its fields, the values sampled for its prompt, the rendered
/// prompt and the raw answer of its request, and the original fields when it was edited by hand.
struct SampleDetail {
    SampleRow row; ///< full texts (no snippets)
    std::string instruction;
    std::vector<std::pair<std::string, std::string>> sampledValues; ///< placeholder -> value, in order
    std::string rawOutput;                                          ///< raw LLM answer
    std::string prompt;                                             ///< rendered prompt ("" if imported)
    std::string requestKind;                                        ///< brainstorm / generate
    std::string task;                                               ///< task of a two-step request
    std::string templateName;
    std::string source;
    std::string original; ///< JSON of the fields before the first hand edit ("" if never edited)
    std::string flags;    ///< curation flags JSON
    std::int64_t promptTokens = 0, completionTokens = 0;
    std::string createdAt, updatedAt;
};
Result<SampleDetail> loadSample(const store::Project& project, std::int64_t id);

} // namespace synthembed::gen
