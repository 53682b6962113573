// eval, eval-compare, eval-results: MTEB-style evaluation of a model on local datasets.

#include "command.h"
#include "encoder_options.h"
#include "json_out.h"
#include "progress_bar.h"

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
    std::string taskType, data, split = "test", dataset, instruction, output, columns, train, scoreRange;
    bool noInstruction = false, noStore = false, force = false;
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

void runEvalCommand(const EvalArgs& a) {
    auto type = eval::parseTaskType(a.taskType);
    if (!type) throw CliError{"unknown task type '" + a.taskType + "'"};
    eval::EvalOptions o;
    o.type = *type;
    o.data = a.data;
    o.split = a.split;
    o.dataset = a.dataset;
    if (a.noInstruction) o.instruction = "";
    else if (!a.instruction.empty()) o.instruction = a.instruction;
    o.quick = a.quick;
    o.seed = a.seed;
    o.trainData = a.train;
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
    ProgressBar bar("eval " + a.taskType);
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
    auto* ev = root.add_subcommand("eval", "Evaluate a model on a local dataset with MTEB's metrics");
    args->enc.add(ev);
    ev->add_option("--task-type", args->taskType, "Task type")
        ->required()
        ->check(CLI::IsMember(eval::taskTypeNames()));
    ev->add_option("--data", args->data, "Dataset file or folder (BEIR folder for retrieval)")->required();
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
    ev->footer("Example: synthembed-cli eval --model hash:256 --task-type sts --data ../shared/data/stsbenchmark "
               "--split test --output sts.json");
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
