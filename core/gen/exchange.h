#pragma once
/// Import and export of samples in the formats other tools read, and the OpenAI Batch API route.
///
/// Export formats (one JSON object per line, accepted and edited samples only):
///   jsonl                  {"query", "positive", "negative"?, "instruction", "family", "language"}
///   sentence-transformers  {"anchor", "positive", "negative"?}
///   flagembedding          {"query", "pos": [..], "neg": [..], "prompt"}
///   openai-batch           {"custom_id": "request-N", "method": "POST", "url": "/v1/chat/completions",
///   "body"}
/// Import reads the first three (detected per line) and CSV/TSV (query, positive[, negative]; a
/// header row naming those columns is recognised), and Batch API result files.

#include "core/gen/curation.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::gen {

enum class ExportFormat { Jsonl, SentenceTransformers, FlagEmbedding, OpenAiBatch };
std::optional<ExportFormat> parseExportFormat(const std::string& name);

struct ExportOptions {
    ExportFormat format = ExportFormat::Jsonl;
    SampleScope scope;
    /// sentence-transformers / flagembedding: put "Instruct: {instruction}\nQuery: " before the
    /// query (the e5-mistral query format) instead of leaving the instruction out / in "prompt".
    bool instructionInQuery = false;
    /// Replace an existing output file (the CLI's --force). The project file itself is always refused.
    bool overwrite = false;
};

/// Writes accepted/edited samples (durably: temp file, fsync, rename); returns the number written.
/// Refuses an existing output unless options.overwrite, and always the project's own file.
Result<std::int64_t> exportSamples(const store::Project& project, const std::filesystem::path& output,
                                   const ExportOptions& options);

/// Plans the job's missing requests and writes every pending one as an OpenAI Batch request line
/// (custom_id "request-<id>"); returns the number written. Output rules as exportSamples.
/// The rows written are marked `exported` (with the file's path) in the same step: `generate` does
/// not send them again, a second export does not write them again, and importBatchResults
/// completes them.
Result<std::int64_t> exportBatchRequests(const store::Project& project, std::int64_t jobId,
                                         const std::filesystem::path& output, bool overwrite = false);

/// Gives back the requests exported to a Batch file that will never be run (or is lost): they
/// become pending, and the next `generate` buys them. `batchFile` empty = every file of the job.
/// Returns how many; Error "not_found" when the job has none exported (to that file).
Result<std::int64_t> releaseBatchRequests(const store::Project& project, std::int64_t jobId,
                                          const std::filesystem::path& batchFile = {});

struct BatchImportReport {
    std::int64_t lines = 0;
    std::int64_t stored = 0;
    std::int64_t failed = 0;
    std::int64_t skipped = 0;     ///< results of requests already done or failed (a second import)
    std::int64_t notExported = 0; ///< stored results of rows that were not marked exported
};

/// Reads a Batch API result file and stores its answers in the job like live ones. A result for
/// a request the job does not have fails the import before anything is stored.
Result<BatchImportReport> importBatchResults(const store::Project& project, std::int64_t jobId,
                                             const std::filesystem::path& input);

enum class ImportFormat { Auto, Jsonl, SentenceTransformers, FlagEmbedding, Csv, Tsv };
std::optional<ImportFormat> parseImportFormat(const std::string& name);

struct ImportOptions {
    ImportFormat format = ImportFormat::Auto;
    std::string family = "short-long"; ///< for rows that do not name one
    std::string instruction;           ///< for rows that do not carry one
    std::string language;
    bool skipDuplicates = true; ///< skip rows whose normalised text equals a stored sample
};

struct ImportReport {
    std::int64_t rows = 0;
    std::int64_t imported = 0;
    std::int64_t duplicates = 0;
    std::vector<std::string> errors; ///< "FILE:LINE: problem" for rows that were skipped
};

/// Imports human-labelled or external pairs/triples as accepted samples with source
/// "import:<file name>", in one transaction.
Result<ImportReport> importSamples(const store::Project& project, const std::filesystem::path& input,
                                   const ImportOptions& options);

} // namespace synthembed::gen
