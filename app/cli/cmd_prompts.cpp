// prompts list|show|validate|render|coverage|import|export: the prompt templates and value pools.

#include "command.h"
#include "json_out.h"

#include "core/prompts/coverage.h"
#include "core/prompts/diff.h"
#include "core/prompts/library.h"
#include "core/prompts/prompt_store.h"
#include "core/prompts/render.h"
#include "core/util/log.h"
#include "core/util/paths.h"

#include <fstream>
#include <iomanip>

namespace synthembed::cli {
namespace {

using namespace synthembed::prompts;
using nlohmann::json;

Library shippedLibrary() {
    auto dir = paths::shippedPromptsDir();
    auto r = loadLibrary(dir);
    if (!r) throw CliError{r.error().message + " (set SYNTHEMBED_PROMPTS_DIR)"};
    return std::move(r).take();
}

/// The project's latest templates, or the shipped files with --shipped. A project without any
/// template (created before templates were seeded) falls back to the shipped files.
Library loadSource(bool shipped) {
    if (shipped) return shippedLibrary();
    auto project = openProject();
    auto r = PromptStore(project).loadLatest();
    if (!r) throw CliError{r.error().message, 0, r.error().code};
    if (r->templates.empty()) {
        log::warn("project ", project.path().string(), " holds no templates; using the shipped ones (",
                  paths::shippedPromptsDir().string(), "); `prompts import` stores them");
        return shippedLibrary();
    }
    return std::move(r).take();
}

void checkFamily(const std::string& family) {
    if (isFamily(family)) return;
    throw CliError{"unknown family '" + family + "' (short-long, long-short, short-short, long-long, sts, bitext)"};
}

const Template& findTemplate(const Library& lib, const std::string& nameOrFamily, const std::string& step) {
    if (const Template* t = lib.byName(nameOrFamily)) return *t;
    if (isFamily(nameOrFamily)) {
        auto s = parseStep(step.empty() ? "generate" : step);
        if (!s) throw CliError{"--step must be brainstorm or generate"};
        if (const Template* t = lib.find(nameOrFamily, *s)) return *t;
        throw CliError{"no " + std::string(stepName(*s)) + " template for family '" + nameOrFamily + "'" +
                       (*s == Step::Brainstorm ? " (sts and bitext are one-step families)" : "")};
    }
    throw CliError{"no template named '" + nameOrFamily + "' (see `prompts list`)"};
}

json valuesJson(const std::vector<std::pair<std::string, std::string>>& values) {
    json j = json::object();
    for (const auto& [k, v] : values) j[k] = v;
    return j;
}

json poolJson(const Pool& p) {
    json values = json::array();
    for (std::size_t i = 0; i < p.values.size(); ++i)
        values.push_back({{"value", p.values[i].value}, {"weight", p.values[i].weight}, {"share", p.share(i)}});
    return {{"name", p.name}, {"version", p.version}, {"description", p.description}, {"values", values}};
}

json templateJson(const Template& t, const PoolSet& pools, bool withBody) {
    json keys = json::array(), placeholders = json::array();
    for (const auto& k : t.meta.keys) keys.push_back({{"name", k.name}, {"role", roleName(k.role)}});
    for (const auto& p : t.meta.placeholders) {
        const Pool* pool = pools.find(p.pool);
        placeholders.push_back({{"placeholder", p.placeholder},
                                {"pool", p.pool},
                                {"values", pool ? static_cast<int>(pool->values.size()) : 0}});
    }
    json j = {{"name", t.meta.name},
              {"version", t.version},
              {"family", t.meta.family},
              {"step", stepName(t.meta.step)},
              {"description", t.meta.description},
              {"keys", keys},
              {"placeholders", placeholders},
              {"inputs", t.meta.inputs},
              {"distinct", t.meta.distinct},
              {"instruction", t.meta.instruction},
              {"example_task", t.meta.exampleTask}};
    if (withBody) {
        j["body"] = t.body;
        j["text"] = formatTemplateFile(t.meta, t.body);
    }
    return j;
}

std::string versionLabel(int version) { return version > 0 ? "v" + std::to_string(version) : "file"; }

void registerPromptsCommands(CLI::App& root) {
    auto* prompts = root.add_subcommand("prompts", "Prompt templates and placeholder value pools");
    prompts->require_subcommand(1);

    // list ----------------------------------------------------------------------------------
    auto* list = prompts->add_subcommand("list", "List templates and pools (the project's latest versions)");
    static bool listShipped = false, listVersions = false;
    list->add_flag("--shipped", listShipped, "List the shipped files instead of the project");
    list->add_flag("--versions", listVersions, "List every stored version of every template and pool");
    list->callback([] {
        if (listVersions) {
            auto project = openProject();
            PromptStore store(project);
            auto tv = store.templateVersions();
            auto pv = store.poolVersions();
            if (!tv) throw CliError{tv.error().message, 0, tv.error().code};
            if (!pv) throw CliError{pv.error().message, 0, pv.error().code};
            if (globals().json) {
                json t = json::array(), p = json::array();
                for (auto& v : *tv)
                    t.push_back({{"id", v.id}, {"name", v.name}, {"version", v.version}, {"family", v.family},
                                 {"step", stepName(v.step)}, {"created_at", v.createdAt}});
                for (auto& v : *pv)
                    p.push_back({{"id", v.id}, {"name", v.name}, {"version", v.version}, {"values", v.valueCount},
                                 {"created_at", v.createdAt}});
                printJson({{"templates", t}, {"pools", p}});
                return;
            }
            for (auto& v : *tv)
                std::cout << std::left << std::setw(24) << v.name << " v" << std::setw(4) << v.version << v.createdAt
                          << "\n";
            for (auto& v : *pv)
                std::cout << std::left << std::setw(24) << ("pool " + v.name) << " v" << std::setw(4) << v.version
                          << v.createdAt << "\n";
            return;
        }
        Library lib = loadSource(listShipped);
        if (globals().json) {
            json t = json::array(), p = json::array();
            for (const auto& tpl : lib.templates) t.push_back(templateJson(tpl, lib.pools, false));
            for (const auto& pool : lib.pools.pools()) p.push_back(poolJson(pool));
            printJson({{"templates", t}, {"pools", p}});
            return;
        }
        std::cout << "templates:\n";
        for (const auto& t : lib.templates)
            std::cout << "  " << std::left << std::setw(24) << t.meta.name << std::setw(6) << versionLabel(t.version)
                      << std::setw(12) << t.meta.family << std::setw(11) << stepName(t.meta.step)
                      << t.meta.description << "\n";
        std::cout << "pools:\n";
        for (const auto& p : lib.pools.pools())
            std::cout << "  " << std::left << std::setw(26) << p.name << std::setw(6) << versionLabel(p.version)
                      << p.values.size() << " values\n";
    });

    // show ----------------------------------------------------------------------------------
    auto* show = prompts->add_subcommand("show", "Print a template (file form) with its metadata and pools");
    static std::string showName, showStep;
    static int showVersion = 0;
    static bool showShipped = false;
    show->add_option("name", showName, "Template name (e.g. short-long.generate) or family")->required();
    show->add_option("--step", showStep, "With a family: brainstorm or generate (default generate)");
    show->add_option("--version", showVersion, "Stored version (default: latest)");
    show->add_flag("--shipped", showShipped, "Show the shipped file instead of the project's version");
    show->footer("Example: synthembed-cli prompts show short-long --step brainstorm");
    show->callback([] {
        Library lib = loadSource(showShipped);
        Template t = findTemplate(lib, showName, showStep);
        if (showVersion > 0) {
            if (showShipped) throw CliError{"--version applies to stored templates, not --shipped"};
            auto project = openProject();
            auto r = PromptStore(project).templateAt(t.meta.name, showVersion);
            if (!r) throw CliError{r.error().message, 0, r.error().code};
            t = std::move(r).take();
        }
        auto diags = validateTemplate(t, lib.pools);
        if (globals().json) {
            json j = templateJson(t, lib.pools, true);
            json d = json::array();
            for (auto& x : diags)
                d.push_back({{"severity", x.isError() ? "error" : "warning"}, {"code", x.code}, {"message", x.message},
                             {"line", x.pos.line}, {"column", x.pos.column}});
            j["diagnostics"] = d;
            printJson(j);
            return;
        }
        std::cout << "# " << t.meta.name << " (" << versionLabel(t.version) << "): " << t.meta.family << ", "
                  << stepName(t.meta.step) << "\n";
        for (const auto& k : t.meta.keys) std::cout << "#   answer key \"" << k.name << "\" -> " << roleName(k.role) << "\n";
        for (const auto& p : t.meta.placeholders) {
            const Pool* pool = lib.pools.find(p.pool);
            std::cout << "#   {" << p.placeholder << "} <- pool " << p.pool;
            if (pool) {
                std::cout << ":";
                for (std::size_t i = 0; i < pool->values.size() && i < 8; ++i)
                    std::cout << (i ? ", " : " ") << pool->values[i].value;
                if (pool->values.size() > 8) std::cout << ", ... (" << pool->values.size() << " values)";
            } else {
                std::cout << " (missing)";
            }
            std::cout << "\n";
        }
        for (const auto& in : t.meta.inputs) std::cout << "#   {" << in << "} <- input\n";
        for (const auto& d : diags) std::cout << "# " << formatDiagnostic(d) << "\n";
        std::cout << formatTemplateFile(t.meta, t.body);
    });

    // validate ------------------------------------------------------------------------------
    auto* validate = prompts->add_subcommand(
        "validate", "Check the shipped and the stored templates and pools; exits non-zero on any error");
    static std::vector<std::string> validateFiles;
    static std::string validateDir;
    validate->add_option("files", validateFiles, "Template files to check instead (against the shipped pools)");
    validate->add_option("--dir", validateDir, "Check this prompts directory instead of the shipped one");
    validate->callback([] {
        std::vector<SourceDiagnostic> diags;
        int checked = 0;
        if (!validateFiles.empty()) {
            Library pools = validateDir.empty() ? shippedLibrary() : loadLibrary(validateDir).take();
            for (const auto& f : validateFiles) {
                std::ifstream in(f, std::ios::binary);
                if (!in) throw CliError{f + ": cannot read file"};
                std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                for (auto& d : validateTemplateText(text, pools.pools)) diags.push_back({f, d});
                ++checked;
            }
        } else {
            auto dir = validateDir.empty() ? paths::shippedPromptsDir() : std::filesystem::path(validateDir);
            auto lib = loadLibrary(dir);
            if (!lib) throw CliError{lib.error().message, 0, lib.error().code};
            diags = lib->diagnostics;
            checked += static_cast<int>(lib->templates.size());
            std::error_code ec;
            // The stored templates: of --db, or of the default project when it exists (not created here).
            if (!globals().db.empty() || std::filesystem::exists(projectPath(), ec)) {
                auto project = openProject();
                auto stored = PromptStore(project).loadLatest();
                if (!stored) throw CliError{stored.error().message, 0, stored.error().code};
                if (!stored->templates.empty()) {
                    diags.insert(diags.end(), stored->diagnostics.begin(), stored->diagnostics.end());
                    checked += static_cast<int>(stored->templates.size());
                }
            }
        }
        int errors = 0, warnings = 0;
        for (auto& d : diags) (d.diagnostic.isError() ? errors : warnings)++;
        if (globals().json) {
            json arr = json::array();
            for (auto& d : diags)
                arr.push_back({{"source", d.source},
                               {"severity", d.diagnostic.isError() ? "error" : "warning"},
                               {"code", d.diagnostic.code},
                               {"message", d.diagnostic.message},
                               {"line", d.diagnostic.pos.line},
                               {"column", d.diagnostic.pos.column}});
            printJson({{"templates_checked", checked}, {"errors", errors}, {"warnings", warnings}, {"diagnostics", arr}});
        } else {
            for (auto& d : diags) std::cout << d.toString() << "\n";
            std::cout << checked << " templates checked: " << errors << " errors, " << warnings << " warnings\n";
        }
        if (errors > 0) throw CliError{std::to_string(errors) + " template errors", 1};
    });

    // render --------------------------------------------------------------------------------
    auto* render = prompts->add_subcommand("render", "Render prompts with sampled placeholder values (no LLM call)");
    static std::string family, step = "generate", task;
    static std::uint64_t seed = 0;
    static std::size_t count = 1;
    static bool renderShipped = false;
    render->add_option("--family", family, "short-long, long-short, short-short, long-long, sts or bitext")->required();
    render->add_option("--step", step, "brainstorm or generate")->check(CLI::IsMember({"brainstorm", "generate"}));
    render->add_option("--task", task, "Task for generate prompts of asymmetric families (default: the template's "
                                       "example task)");
    render->add_option("--seed", seed, "Seed: the same seed gives the same prompts on every platform")->required();
    render->add_option("--count", count, "Number of prompts")->required()->check(CLI::Range(1, 1000000));
    render->add_flag("--shipped", renderShipped, "Use the shipped files instead of the project's templates");
    render->footer("Example: synthembed-cli prompts render --family bitext --seed 7 --count 3 --json");
    render->callback([] {
        checkFamily(family);
        Library lib = loadSource(renderShipped);
        const Template& t = findTemplate(lib, family, step);
        Inputs inputs = exampleInputs(t);
        if (!task.empty()) {
            if (!t.meta.isInput("task"))
                throw CliError{"--task applies to generate prompts of short-long, long-short, short-short and "
                               "long-long"};
            inputs = {{"task", task}};
        }
        auto r = renderMany(t, lib.pools, seed, count, inputs);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json) {
            json arr = json::array();
            for (const auto& p : *r)
                arr.push_back({{"family", p.family},
                               {"step", stepName(p.step)},
                               {"prompt", p.text},
                               {"values", valuesJson(p.values)}});
            printJson(arr);
            return;
        }
        for (std::size_t i = 0; i < r->size(); ++i) {
            const auto& p = (*r)[i];
            std::cout << "### " << (i + 1) << "/" << r->size() << "  " << p.family << " " << stepName(p.step) << " ("
                      << t.meta.name << " " << versionLabel(t.version) << ")\n";
            for (const auto& [k, v] : p.values)
                if (k != "task") std::cout << "# " << k << " = " << v << "\n";
            std::cout << p.text << "\n\n";
        }
    });

    // coverage ------------------------------------------------------------------------------
    auto* cov = prompts->add_subcommand("coverage", "Coverage of a planned job: combinations, language mix, tokens");
    static std::vector<std::string> covFamilies;
    static std::uint64_t covCount = 1000, covSeed = 0;
    static bool covShipped = false;
    cov->add_option("--family", covFamilies, "Families to plan (repeatable; default all six)");
    cov->add_option("--count", covCount, "Generate prompts per family")->check(CLI::Range(1, 10000000));
    cov->add_option("--seed", covSeed, "Seed of the job");
    cov->add_flag("--shipped", covShipped, "Use the shipped files instead of the project's templates");
    cov->callback([] {
        Library lib = loadSource(covShipped);
        std::vector<JobPart> parts;
        auto fams = covFamilies;
        if (fams.empty()) fams.assign(std::begin(kFamilies), std::end(kFamilies));
        for (const auto& f : fams) {
            checkFamily(f);
            parts.push_back({f, covCount, {}});
        }
        auto r = planCoverage(lib, parts, covSeed);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json) {
            json mix = json::object(), expected = json::object();
            for (auto& [k, v] : r->languageMix) mix[k] = v;
            for (auto& [k, v] : r->expectedLanguageMix) expected[k] = v;
            printJson({{"prompts", r->prompts},
                       {"possible_combinations", r->possibleCombinations},
                       {"distinct_combinations", r->distinctCombinations},
                       {"prompt_bytes", r->promptBytes},
                       {"estimated_prompt_tokens", r->estimatedPromptTokens},
                       {"language_mix", mix},
                       {"expected_language_mix", expected}});
            return;
        }
        std::cout << "prompts:                 " << r->prompts << "\n"
                  << "possible combinations:   " << std::setprecision(6) << r->possibleCombinations << "\n"
                  << "distinct combinations:   " << r->distinctCombinations << "\n"
                  << "estimated prompt tokens: " << r->estimatedPromptTokens << " (bytes/4)\n"
                  << "language mix (planned vs expected), top 15:\n";
        for (std::size_t i = 0; i < r->languageMix.size() && i < 15; ++i) {
            double exp = 0;
            for (auto& [k, v] : r->expectedLanguageMix)
                if (k == r->languageMix[i].first) exp = v;
            std::cout << "  " << std::left << std::setw(18) << r->languageMix[i].first << std::fixed
                      << std::setprecision(2) << std::setw(8) << r->languageMix[i].second * 100 << exp * 100 << "\n";
        }
    });

    // diff ----------------------------------------------------------------------------------
    auto* diff = prompts->add_subcommand("diff", "Line diff of two stored versions of a template");
    static std::string diffName;
    static int diffFrom = 0, diffTo = 0;
    diff->add_option("name", diffName, "Template name")->required();
    diff->add_option("from", diffFrom, "Older version")->required();
    diff->add_option("to", diffTo, "Newer version (default: latest)");
    diff->callback([] {
        auto project = openProject();
        PromptStore store(project);
        auto a = store.templateText(diffName, diffFrom);
        auto b = store.templateText(diffName, diffTo);
        if (!a) throw CliError{a.error().message, 0, a.error().code};
        if (!b) throw CliError{b.error().message, 0, b.error().code};
        auto d = diffLines(*a, *b);
        if (globals().json) {
            json arr = json::array();
            for (auto& l : d)
                arr.push_back({{"op", l.op == DiffLine::Op::Same ? "same" : l.op == DiffLine::Op::Removed ? "removed" : "added"},
                               {"text", l.text},
                               {"old_line", l.oldLine},
                               {"new_line", l.newLine}});
            printJson(arr);
            return;
        }
        std::cout << formatDiff(d);
    });

    // import / export -----------------------------------------------------------------------
    auto* imp = prompts->add_subcommand("import", "Store a prompts directory in the project (changed files become "
                                                  "new versions)");
    static std::string importDir;
    imp->add_option("--input", importDir, "Directory with templates/ and pools/ (default: the shipped prompts)");
    imp->callback([] {
        auto project = openProject();
        auto dir = importDir.empty() ? paths::shippedPromptsDir() : std::filesystem::path(importDir);
        auto r = PromptStore(project).importDirectory(dir);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        for (auto& d : r->diagnostics) log::warn(d.toString());
        if (globals().json) {
            printJson({{"templates_added", r->templatesAdded}, {"templates_unchanged", r->templatesUnchanged},
                       {"pools_added", r->poolsAdded}, {"pools_unchanged", r->poolsUnchanged}});
            return;
        }
        std::cout << "templates: " << r->templatesAdded << " new versions, " << r->templatesUnchanged
                  << " unchanged; pools: " << r->poolsAdded << " new versions, " << r->poolsUnchanged << " unchanged\n";
    });

    auto* exp = prompts->add_subcommand("export", "Write the project's latest templates and pools as files");
    static std::string exportDir;
    static bool exportForce = false;
    exp->add_option("--output", exportDir, "Directory to write templates/ and pools/ into")->required();
    exp->add_flag("--force", exportForce, "Replace template and pool files that exist in the directory");
    exp->callback([] {
        auto project = openProject();
        auto r = PromptStore(project).exportDirectory(exportDir, exportForce);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        if (globals().json)
            printJson({{"files", *r}, {"output", exportDir}});
        else
            std::cout << "wrote " << *r << " files to " << exportDir << "\n";
    });
}

const Registrar reg(20, registerPromptsCommands);

} // namespace
} // namespace synthembed::cli
