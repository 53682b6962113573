// export, import, dedup, samples filter|contamination|edit|accept|reject: curation and exchange.

#include "command.h"
#include "json_out.h"
#include "progress_bar.h"

#include "core/gen/curation.h"
#include "core/gen/exchange.h"

#include <sstream>

namespace synthembed::cli {
namespace {

struct ScopeArgs {
    std::int64_t job = 0;
    std::string family;
    gen::SampleScope scope() const {
        gen::SampleScope s;
        if (job > 0) s.jobId = job;
        if (!family.empty()) s.family = family;
        return s;
    }
};

void addScope(CLI::App* cmd, ScopeArgs& a) {
    cmd->add_option("--job", a.job, "Only samples of this job");
    cmd->add_option("--family", a.family, "Only samples of this family");
}

std::set<std::string> splitSet(const std::string& s) {
    std::set<std::string> out;
    std::stringstream ss(s);
    std::string part;
    while (std::getline(ss, part, ','))
        if (!part.empty()) out.insert(part);
    return out;
}

void registerSampleCommands(CLI::App& root) {
    // ---- export ----
    static std::string exFormat = "jsonl", exOutput;
    static ScopeArgs exScope;
    static bool exInstruction = false, exForce = false;
    auto* ex = root.add_subcommand("export", "Write samples (or a job's requests for the OpenAI Batch API) to a file");
    ex->add_option("--format", exFormat, "jsonl | sentence-transformers | flagembedding | openai-batch")
        ->check(CLI::IsMember({"jsonl", "sentence-transformers", "flagembedding", "openai-batch"}));
    ex->add_option("--output,-o", exOutput, "Output file (never the project file)")->required();
    ex->add_flag("--force", exForce, "Replace the output file when it exists");
    addScope(ex, exScope);
    ex->add_flag("--instruction-in-query", exInstruction,
                 "Prefix queries with \"Instruct: ...\\nQuery: \" (e5-mistral format)");
    ex->footer("openai-batch plans the job's missing requests and writes every pending one (custom_id "
               "request-N), marking them exported so `generate` does not buy them again; upload it, then "
               "`import --batch-results FILE --job N`.");
    ex->callback([] {
        auto project = openProject();
        auto fmt = *gen::parseExportFormat(exFormat);
        Result<std::int64_t> n = std::int64_t{0};
        if (fmt == gen::ExportFormat::OpenAiBatch) {
            if (exScope.job <= 0) throw CliError{"--format openai-batch needs --job ID"};
            n = gen::exportBatchRequests(project, exScope.job, exOutput, exForce);
        } else {
            gen::ExportOptions o;
            o.format = fmt;
            o.scope = exScope.scope();
            o.instructionInQuery = exInstruction;
            o.overwrite = exForce;
            n = gen::exportSamples(project, exOutput, o);
        }
        if (!n) throw CliError{n.error().message, 0, n.error().code};
        if (globals().json)
            printJson({{"output", exOutput}, {"format", exFormat}, {"written", *n}});
        else
            std::cout << "wrote " << *n << (fmt == gen::ExportFormat::OpenAiBatch ? " requests" : " samples") << " to "
                      << exOutput << "\n";
    });

    // ---- import ----
    static std::string imInput, imFormat = "auto", imFamily = "short-long", imInstruction, imLanguage, imBatch;
    static std::int64_t imJob = 0;
    static bool imKeepDup = false;
    auto* im = root.add_subcommand("import", "Import samples (JSONL, sentence-transformers, FlagEmbedding, CSV/TSV) "
                                             "or OpenAI Batch results");
    auto* inOpt = im->add_option("--input,-i", imInput, "File of samples");
    im->add_option("--format", imFormat, "auto | jsonl | sentence-transformers | flagembedding | csv | tsv")
        ->check(CLI::IsMember({"auto", "jsonl", "sentence-transformers", "flagembedding", "csv", "tsv"}));
    im->add_option("--family", imFamily, "Family of rows that do not name one");
    im->add_option("--instruction", imInstruction, "Instruction of rows that do not carry one");
    im->add_option("--language", imLanguage, "Language of rows that do not name one");
    im->add_flag("--keep-duplicates", imKeepDup, "Import rows whose text equals a stored sample too");
    auto* bOpt = im->add_option("--batch-results", imBatch, "OpenAI Batch API result file (with --job)");
    im->add_option("--job", imJob, "Job the Batch results belong to");
    inOpt->excludes(bOpt);
    im->callback([] {
        auto project = openProject();
        if (!imBatch.empty()) {
            if (imJob <= 0) throw CliError{"--batch-results needs --job ID"};
            auto r = gen::importBatchResults(project, imJob, imBatch);
            if (!r) throw CliError{r.error().message, 0, r.error().code};
            if (globals().json)
                printJson({{"lines", r->lines},
                           {"stored", r->stored},
                           {"failed", r->failed},
                           {"skipped", r->skipped},
                           {"not_exported", r->notExported}});
            else
                std::cout << "stored " << r->stored << " answers (" << r->failed << " failed, " << r->skipped
                          << " skipped) from " << imBatch << "\n";
            return;
        }
        if (imInput.empty()) throw CliError{"give --input FILE (or --batch-results FILE --job ID)"};
        gen::ImportOptions o;
        o.format = *gen::parseImportFormat(imFormat);
        o.family = imFamily;
        o.instruction = imInstruction;
        o.language = imLanguage;
        o.skipDuplicates = !imKeepDup;
        auto r = gen::importSamples(project, imInput, o);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        for (auto& e : r->errors) std::cerr << "warning: " << e << "\n";
        if (globals().json)
            printJson({{"rows", r->rows}, {"imported", r->imported}, {"duplicates", r->duplicates}, {"errors", r->errors}});
        else
            std::cout << "imported " << r->imported << " of " << r->rows << " rows (" << r->duplicates
                      << " duplicates skipped, " << r->errors.size() << " bad rows)\n";
    });

    // ---- dedup ----
    static gen::DedupOptions dd;
    static ScopeArgs ddScope;
    static bool ddExactOnly = false;
    auto* dedup = root.add_subcommand("dedup", "Reject exact and near-duplicate samples (the earliest is kept)");
    dedup->add_option("--threshold", dd.threshold, "Near-duplicate Jaccard threshold over word shingles")
        ->check(CLI::Range(0.0, 1.0));
    dedup->add_option("--shingle", dd.shingleWords, "Words per shingle")->check(CLI::Range(1, 16));
    dedup->add_flag("--exact-only", ddExactOnly, "Only exact duplicates (normalised text)");
    dedup->add_flag("--dry-run", dd.dryRun, "Report without changing anything");
    addScope(dedup, ddScope);
    dedup->callback([] {
        auto project = openProject();
        dd.scope = ddScope.scope();
        dd.near = !ddExactOnly;
        ProgressBar bar("dedup");
        auto r = gen::deduplicate(project, dd, bar.hooks());
        bar.finish();
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json) {
            nlohmann::json pairs = nlohmann::json::array();
            for (auto& p : r->pairs) pairs.push_back({{"removed", p.removed}, {"kept", p.kept}, {"similarity", p.similarity}});
            printJson({{"scanned", r->scanned},
                       {"exact_duplicates", r->exactDuplicates},
                       {"near_duplicates", r->nearDuplicates},
                       {"dry_run", dd.dryRun},
                       {"pairs", pairs}});
        } else {
            std::cout << (dd.dryRun ? "would reject " : "rejected ") << r->exactDuplicates << " exact and "
                      << r->nearDuplicates << " near duplicates among " << r->scanned << " samples\n";
        }
    });

    // ---- samples ... ----
    auto* samples = root.add_subcommand("samples", "Curate samples: filters, contamination check, hand edits");
    samples->require_subcommand(1);

    static gen::FilterOptions fo;
    static ScopeArgs foScope;
    static std::string foLanguages, foFamilies;
    auto* filter = samples->add_subcommand("filter", "Reject samples outside length/language/family bounds");
    filter->add_option("--min-query-chars", fo.minQueryChars);
    filter->add_option("--max-query-chars", fo.maxQueryChars);
    filter->add_option("--min-positive-chars", fo.minPositiveChars);
    filter->add_option("--max-positive-chars", fo.maxPositiveChars);
    filter->add_option("--languages", foLanguages, "Keep only these languages (comma-separated)");
    filter->add_option("--families", foFamilies, "Keep only these families (comma-separated)");
    filter->add_flag("--dry-run", fo.dryRun);
    addScope(filter, foScope);
    filter->callback([] {
        auto project = openProject();
        fo.scope = foScope.scope();
        fo.languages = splitSet(foLanguages);
        fo.families = splitSet(foFamilies);
        auto r = gen::applyFilters(project, fo);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json)
            printJson({{"scanned", r->scanned}, {"removed", r->removed}, {"by_reason", r->byReason}, {"dry_run", fo.dryRun}});
        else
            std::cout << (fo.dryRun ? "would reject " : "rejected ") << r->removed << " of " << r->scanned << " samples\n";
    });

    static gen::ContaminationOptions co;
    static ScopeArgs coScope;
    static std::string coEval;
    auto* cont = samples->add_subcommand("contamination",
                                         "Flag samples whose query or positive nearly duplicates an evaluation text");
    cont->add_option("--eval", coEval, "Evaluation set: BEIR folder, .jsonl, .csv/.tsv or text file")->required();
    cont->add_option("--threshold", co.threshold, "Jaccard threshold over word shingles")->check(CLI::Range(0.0, 1.0));
    cont->add_option("--shingle", co.shingleWords, "Words per shingle")->check(CLI::Range(1, 16));
    cont->add_flag("--reject", co.reject, "Also reject flagged samples");
    addScope(cont, coScope);
    cont->callback([] {
        auto project = openProject();
        auto texts = gen::loadEvalTexts(coEval);
        if (!texts) throw CliError{texts.error().message, 0, texts.error().code};
        co.scope = coScope.scope();
        co.evalName = std::filesystem::path(coEval).filename().string();
        ProgressBar bar("contamination");
        auto r = gen::checkContamination(project, *texts, co, bar.hooks());
        bar.finish();
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json) {
            nlohmann::json hits = nlohmann::json::array();
            for (auto& h : r->hits)
                hits.push_back({{"sample", h.sampleId}, {"field", h.field}, {"similarity", h.similarity}, {"eval_text", h.evalText}});
            printJson({{"eval_texts", texts->size()}, {"scanned", r->scanned}, {"flagged", r->flagged}, {"hits", hits}});
        } else {
            std::cout << "flagged " << r->flagged << " of " << r->scanned << " samples against " << texts->size()
                      << " evaluation texts" << (co.reject ? " (rejected)" : "") << "\n";
        }
    });

    static std::int64_t sampleId = 0;
    static std::string edQuery, edPositive, edNegative, edInstruction;
    auto* edit = samples->add_subcommand("edit", "Edit a sample by hand (the original is kept)");
    edit->add_option("id", sampleId)->required();
    auto* q = edit->add_option("--query", edQuery);
    auto* p = edit->add_option("--positive", edPositive);
    auto* n = edit->add_option("--negative", edNegative, "Empty string removes the negative");
    auto* i = edit->add_option("--instruction", edInstruction);
    edit->callback([q, p, n, i] {
        auto project = openProject();
        gen::SampleEdit e;
        if (q->count()) e.query = edQuery;
        if (p->count()) e.positive = edPositive;
        if (n->count()) e.negative = edNegative;
        if (i->count()) e.instruction = edInstruction;
        if (auto st = gen::editSample(project, sampleId, e); !st) throw CliError{st.error().message, 0, st.error().code};
        if (!globals().json) std::cout << "sample " << sampleId << " edited\n";
        else printJson({{"id", sampleId}, {"status", "edited"}});
    });

    auto* accept = samples->add_subcommand("accept", "Accept a sample by hand");
    accept->add_option("id", sampleId)->required();
    accept->callback([] {
        auto project = openProject();
        if (auto st = gen::setSampleStatus(project, sampleId, true); !st) throw CliError{st.error().message, 0, st.error().code};
        if (!globals().json) std::cout << "sample " << sampleId << " accepted\n";
        else printJson({{"id", sampleId}, {"status", "accepted"}});
    });
    static std::string reason = "rejected by hand";
    auto* reject = samples->add_subcommand("reject", "Reject a sample by hand");
    reject->add_option("id", sampleId)->required();
    reject->add_option("--reason", reason);
    reject->callback([] {
        auto project = openProject();
        if (auto st = gen::setSampleStatus(project, sampleId, false, reason); !st) throw CliError{st.error().message, 0, st.error().code};
        if (!globals().json) std::cout << "sample " << sampleId << " rejected\n";
        else printJson({{"id", sampleId}, {"status", "rejected"}});
    });
}

const Registrar reg(21, registerSampleCommands);

} // namespace
} // namespace synthembed::cli
