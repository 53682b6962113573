// eval, eval-compare, eval-results: MTEB-style evaluation of a model on local datasets.

#include "command.h"
#include "encoder_options.h"
#include "json_out.h"
#include "progress_bar.h"

#include "core/eval/mteb_tasks.h"
#include "core/eval/results.h"
#include "core/eval/tasks.h"
#include "core/util/durable.h"

#include <cstdio>
#include <iomanip>
#include <set>
#include <sstream>

namespace synthembed::cli {
namespace {

struct EvalArgs {
    EncoderOptions enc;
    std::string taskType, data, split = "test", dataset, instruction, output, columns, train, scoreRange, task;
    bool noInstruction = false, noStore = false, force = false, listTasks = false, offline = false;
    std::size_t quick = 0;
    std::uint64_t seed = 42;
    int experiments = 10, samplesPerLabel = 8;
};

std::vector<std::string> splitList(const std::string& s, char sep = ',') {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep)) out.push_back(item);
    return out;
}

std::string fmt(double v, int prec = 4) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(prec) << v;
    return os.str();
}

/// `eval --list-tasks`: the MTEB tasks by name, their type and whether the cache holds them.
void listMtebTasks() {
    const auto settings = hub::HubSettings::fromEnvironment();
    if (globals().json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : eval::mtebTasks()) {
            auto st = eval::locateMtebTask(t, settings);
            out.push_back({{"name", t.name}, {"type", eval::toString(t.type)}, {"repo", t.repo}, {"revision", t.revision},
                           {"split", t.split}, {"main_metric", t.mainMetric}, {"cached", st.cached},
                           {"path", st.cached ? st.folder.string() : std::string()}});
        }
        printJson(out);
        return;
    }
    std::cout << std::left << std::setw(26) << "task" << std::setw(16) << "type" << std::setw(24) << "repo" << "cached\n";
    for (const auto& t : eval::mtebTasks()) {
        auto st = eval::locateMtebTask(t, settings);
        std::cout << std::setw(26) << t.name << std::setw(16) << eval::toString(t.type) << std::setw(24) << t.repo
                  << (st.cached ? "yes" : "no") << "\n";
    }
    std::cout << std::right;
}

/// `eval --task NAME`: the task from the Hugging Face cache, downloaded when it is not there.
eval::EvalOptions mtebTaskOptions(const EvalArgs& a) {
    if (!a.taskType.empty() || !a.data.empty())
        throw CliError{"--task names the data and its type: leave out --task-type and --data", 2, "usage"};
    const auto* task = eval::findMtebTask(a.task);
    if (!task)
        throw CliError{"unknown MTEB task '" + a.task + "' (synthembed-cli eval --list-tasks: " + eval::mtebTaskNames() + ")",
                       2, "usage"};
    hub::PullParams params;
    if (a.offline) params.settings.offline = true;
    ProgressBar bar("download " + task->name);
    params.hooks = bar.hooks();
    auto entry = eval::fetchMtebTask(*task, params);
    bar.finish();
    if (!entry) throw CliError{entry.error().message, 0, entry.error().code};
    auto o = eval::suiteOptions(*entry, eval::SuiteMode::Full);
    if (!a.dataset.empty()) o.dataset = a.dataset;
    return o;
}

void runEvalCommand(const EvalArgs& a) {
    if (a.listTasks) return listMtebTasks();
    if (a.enc.model.empty()) throw CliError{"--model is required (a model folder, ORG/NAME or hash:DIM)", 2, "usage"};
    eval::EvalOptions o;
    if (!a.task.empty()) {
        o = mtebTaskOptions(a);
    } else {
        if (a.taskType.empty() || a.data.empty())
            throw CliError{"give --task NAME (an MTEB task, see --list-tasks) or --task-type and --data", 2, "usage"};
        auto type = eval::parseTaskType(a.taskType);
        if (!type) throw CliError{"unknown task type '" + a.taskType + "'"};
        o.type = *type;
        o.data = a.data;
        o.split = a.split;
        o.dataset = a.dataset;
    }
    if (a.noInstruction) o.instruction = "";
    else if (!a.instruction.empty()) o.instruction = a.instruction;
    o.quick = a.quick;
    o.seed = a.seed;
    if (!a.train.empty()) o.trainData = a.train;
    o.nExperiments = a.experiments;
    o.samplesPerLabel = a.samplesPerLabel;
    if (!a.columns.empty()) {
        // --columns maps the task's fields in order: sts/pair/bitext: first,second[,score|label];
        // classification/clustering: text,label.
        auto cols = splitList(a.columns);
        if (o.type == eval::TaskType::Classification || o.type == eval::TaskType::Clustering) {
            if (cols.size() > 0) o.textColumn = cols[0];
            if (cols.size() > 1) o.labelColumn = cols[1];
        } else {
            if (cols.size() > 0) o.text1Column = cols[0];
            if (cols.size() > 1) o.text2Column = cols[1];
            if (cols.size() > 2) (o.type == eval::TaskType::Pair ? o.labelColumn : o.scoreColumn) = cols[2];
        }
    }
    if (!a.scoreRange.empty()) {
        auto r = splitList(a.scoreRange, ':');
        try {
            if (r.size() != 2) throw std::invalid_argument("");
            o.scoreRange = std::make_pair(std::stod(r[0]), std::stod(r[1]));
        } catch (const std::exception&) {
            throw CliError{"--score-range expects MIN:MAX, e.g. 0:5"};
        }
    }
    // Refuse the output before any slow work: never the project file, an existing file only with --force.
    if (!a.output.empty()) durable::checkOutput(a.output, a.force, projectPath());
    std::optional<store::Project> project;
    if (!a.noStore) project = openProject();
    auto encoder = a.enc.open();
    auto cache = a.enc.openCache();
    ProgressBar bar("eval " + eval::toString(o.type));
    auto r = eval::runEval(*encoder, cache.get(), o, bar.hooks());
    bar.finish();
    if (!r) throw CliError{r.error().message, 0, r.error().code};
    std::optional<std::int64_t> id;
    if (project) {
        auto s = eval::storeResult(*project, *r);
        if (!s) throw CliError{s.error().message, 0, s.error().code};
        id = *s;
    }
    if (!a.output.empty()) {
        auto w = eval::writeResultsFile(a.output, {*r});
        if (!w) throw CliError{w.error().message, 0, w.error().code};
    }
    if (globals().json) {
        auto j = nlohmann::json::parse(eval::resultToJson(*r, false));
        if (id) j["id"] = *id;
        printJson(j);
        return;
    }
    std::cout << r->taskType << " " << r->dataset << "/" << r->split << "  model " << r->modelFingerprint << "\n"
              << "  " << r->mainMetric << " = " << fmt(r->mainScore) << "  (main)\n";
    if (r->queryPrompt)
        std::cout << "  prompts: the model folder's \"query\" prompt before queries"
                  << (r->documentPrompt ? ", its \"document\" prompt before documents" : "")
                  << " (no --instruction given)\n";
    for (auto& [k, v] : r->metrics)
        if (k != r->mainMetric) std::cout << "  " << k << " = " << fmt(v) << "\n";
    std::cout << "  time: " << fmt(r->timings.at("total"), 2) << " s (embedding " << fmt(r->timings.at("embed"), 2) << " s)";
    if (r->counts.count("cache_hits"))
        std::cout << ", cache " << std::int64_t(r->counts.at("cache_hits")) << " hits / "
                  << std::int64_t(r->counts.at("cache_misses")) << " misses";
    std::cout << "\n";
    if (id) std::cout << "  stored as result " << *id << " in " << project->path().string() << "\n";
}

// A side of a comparison: a results file, db:ID[,ID...], or model:FINGERPRINT (latest per task).
std::vector<eval::EvalResult> loadSide(const std::string& spec) {
    if (spec.rfind("db:", 0) == 0 || spec.rfind("model:", 0) == 0) {
        auto project = openProject();
        std::vector<eval::EvalResult> out;
        if (spec[0] == 'd') {
            for (auto& idText : splitList(spec.substr(3))) {
                std::int64_t id = 0;
                try {
                    id = std::stoll(idText);
                } catch (const std::exception&) {
                    throw CliError{"'" + spec + "': expected db:ID[,ID...]"};
                }
                auto r = eval::loadResult(project, id);
                if (!r) throw CliError{r.error().message, 0, r.error().code};
                out.push_back(r->result);
            }
            return out;
        }
        auto rows = eval::listResults(project, spec.substr(6));
        if (!rows) throw CliError{rows.error().message, 0, rows.error().code};
        std::set<std::string> seen;
        for (auto& s : *rows) // newest first: keep the latest per (task, dataset, split)
            if (seen.insert(s.result.taskType + "/" + s.result.dataset + "/" + s.result.split).second)
                out.push_back(s.result);
        if (out.empty()) throw CliError{"no stored results for model '" + spec.substr(6) + "'"};
        return out;
    }
    auto r = eval::readResultsFile(spec);
    if (!r) throw CliError{r.error().message, 0, r.error().code};
    return *r;
}

void registerEvalCommands(CLI::App& root) {
    auto args = std::make_shared<EvalArgs>();
    auto* ev = root.add_subcommand("eval", "Evaluate a model on an MTEB task or a local dataset with MTEB's metrics");
    args->enc.add(ev, false); // --list-tasks needs none: checked in runEvalCommand
    ev->add_option("--task", args->task,
                   "An MTEB task by name (" + eval::mtebTaskNames() +
                       "): downloaded from the Hugging Face hub into its cache when not there");
    ev->add_flag("--list-tasks", args->listTasks, "List the MTEB tasks --task takes (type, whether cached) and exit");
    ev->add_flag("--offline", args->offline, "With --task: use the Hugging Face cache only (as HF_HUB_OFFLINE=1)");
    ev->add_option("--task-type", args->taskType, "Task type (with --data)")->check(CLI::IsMember(eval::taskTypeNames()));
    ev->add_option("--data", args->data, "Dataset file or folder (BEIR folder for retrieval)");
    ev->add_option("--split", args->split, "Split (file name part or qrels/<split>.tsv)")->capture_default_str();
    ev->add_option("--dataset", args->dataset, "Dataset name in results (default: from the path)");
    auto* instr = ev->add_option("--instruction", args->instruction, "Query-side instruction (default: the dataset's e5 one)");
    ev->add_flag("--no-instruction", args->noInstruction, "Embed queries without instruction")->excludes(instr);
    ev->add_option("--quick", args->quick, "Evaluate a seeded subsample of N queries/pairs/items");
    ev->add_option("--seed", args->seed, "Seed for --quick and the task's own sampling")->capture_default_str();
    ev->add_option("--columns", args->columns,
                   "Column names or 0-based indexes: first,second[,score] (sts/pair/bitext) or text,label");
    ev->add_option("--score-range", args->scoreRange, "STS gold score range MIN:MAX (default: the data's)");
    ev->add_option("--train", args->train, "Classification: train file when --data is the test file");
    ev->add_option("--experiments", args->experiments, "Classification: experiments")->capture_default_str();
    ev->add_option("--samples-per-label", args->samplesPerLabel, "Classification: train samples per label")->capture_default_str();
    ev->add_option("-o,--output", args->output, "Write the result as JSON here (never the project file)");
    ev->add_flag("--force", args->force, "Replace the --output file when it exists");
    ev->add_flag("--no-store", args->noStore, "Do not store the result in the project database");
    ev->footer("Examples: synthembed-cli eval --model hash:256 --task STSBenchmark\n"
               "          synthembed-cli eval --model hash:256 --task-type sts --data ../shared/data/stsbenchmark "
               "--split test --output sts.json\n"
               "MTEB tasks are kept in the Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else\n"
               "~/.cache/huggingface/hub) as datasets--mteb--NAME; HF_ENDPOINT names a mirror.");
    ev->callback([args] { runEvalCommand(*args); });

    auto cmpA = std::make_shared<std::string>(), cmpB = std::make_shared<std::string>();
    auto resamples = std::make_shared<int>(1000);
    auto* cmp = root.add_subcommand("eval-compare", "Compare two evaluation runs: per-task deltas (B - A) with a paired bootstrap CI");
    cmp->add_option("a", *cmpA, "Run A: results.json, db:ID[,ID...] or model:FINGERPRINT")->required();
    cmp->add_option("b", *cmpB, "Run B: same forms")->required();
    cmp->add_option("--resamples", *resamples, "Bootstrap resamples")->capture_default_str();
    cmp->callback([cmpA, cmpB, resamples] {
        auto a = loadSide(*cmpA), b = loadSide(*cmpB);
        auto rows = eval::compareRuns(a, b, *resamples);
        if (globals().json) {
            nlohmann::json out = nlohmann::json::array();
            for (auto& r : rows) {
                nlohmann::json j = {{"task", r.taskType}, {"dataset", r.dataset}, {"split", r.split}, {"main_metric", r.mainMetric}};
                j["a"] = r.a ? nlohmann::json(*r.a) : nlohmann::json();
                j["b"] = r.b ? nlohmann::json(*r.b) : nlohmann::json();
                j["delta"] = r.delta ? nlohmann::json(*r.delta) : nlohmann::json();
                if (r.ci) j["ci95"] = {r.ci->low, r.ci->high}, j["p_value"] = r.ci->pValue;
                out.push_back(j);
            }
            printJson(out);
            return;
        }
        std::cout << std::left << std::setw(16) << "task" << std::setw(18) << "dataset" << std::setw(8) << "split"
                  << std::setw(20) << "metric" << std::right << std::setw(9) << "A" << std::setw(9) << "B"
                  << std::setw(10) << "delta" << "  95% CI (p)\n";
        for (auto& r : rows) {
            std::cout << std::left << std::setw(16) << r.taskType << std::setw(18) << r.dataset << std::setw(8) << r.split
                      << std::setw(20) << r.mainMetric << std::right << std::setw(9) << (r.a ? fmt(*r.a) : "-")
                      << std::setw(9) << (r.b ? fmt(*r.b) : "-") << std::setw(10)
                      << (r.delta ? (*r.delta >= 0 ? "+" : "") + fmt(*r.delta) : "-");
            if (r.ci) std::cout << "  [" << fmt(r.ci->low) << ", " << fmt(r.ci->high) << "] (" << fmt(r.ci->pValue, 3) << ")";
            std::cout << "\n";
        }
    });

    auto model = std::make_shared<std::string>();
    auto* list = root.add_subcommand("eval-results", "List evaluation results stored in the project");
    list->add_option("--model", *model, "Only this model fingerprint");
    list->callback([model] {
        auto project = openProject();
        auto rows = eval::listResults(project, *model);
        if (!rows) throw CliError{rows.error().message, 0, rows.error().code};
        if (globals().json) {
            nlohmann::json out = nlohmann::json::array();
            for (auto& s : *rows) {
                auto j = nlohmann::json::parse(eval::resultToJson(s.result, false));
                j["id"] = s.id;
                j["created_at"] = s.createdAt;
                out.push_back(j);
            }
            printJson(out);
            return;
        }
        for (auto& s : *rows)
            std::cout << std::setw(5) << s.id << "  " << s.createdAt << "  " << std::left << std::setw(15) << s.result.taskType
                      << std::setw(18) << s.result.dataset << std::setw(7) << s.result.split << std::right
                      << fmt(s.result.mainScore) << "  " << s.result.modelFingerprint << "\n";
    });
}

const Registrar reg(40, registerEvalCommands);

} // namespace
} // namespace synthembed::cli
