// generate, jobs list|show|pause|resume|cancel: the generation queue from the command line.

#include "command.h"
#include "json_out.h"
#include "progress_bar.h"

#include "core/gen/exchange.h"
#include "core/gen/job.h"
#include "core/gen/runner.h"

#include <cmath>
#include <csignal>
#include <iomanip>
#include <optional>
#include <sstream>

namespace synthembed::cli {
namespace {

nlohmann::json statsJson(const gen::JobStats& s) {
    nlohmann::json j = {{"id", s.id},
                        {"name", s.name},
                        {"state", gen::jobStateName(s.state)},
                        {"target", s.target},
                        {"accepted", s.accepted},
                        {"rejected", s.rejected},
                        {"requests", s.requests},
                        {"requests_done", s.requestsDone},
                        {"requests_pending", s.requestsPending},
                        {"requests_in_flight", s.requestsInFlight},
                        {"requests_exported", s.requestsExported},
                        {"requests_failed", s.requestsFailed},
                        {"last_error", s.lastError},
                        {"requests_refused", s.requestsRefused},
                        {"brainstorm_requests", s.brainstormRequests},
                        {"tasks", s.tasks},
                        {"attempts", s.attempts},
                        {"prompt_tokens", s.usage.promptTokens},
                        {"completion_tokens", s.usage.completionTokens},
                        {"model", s.model},
                        {"endpoint", s.endpoint},
                        {"created_at", s.createdAt},
                        {"updated_at", s.updatedAt},
                        {"accepted_by_family", s.acceptedByFamily},
                        {"target_by_family", s.targetByFamily}};
    j["error"] = s.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.error);
    j["cost_usd"] = s.costUsd ? nlohmann::json(*s.costUsd) : nlohmann::json(nullptr);
    return j;
}

void printStats(const gen::JobStats& s) {
    std::cout << "job " << s.id << ": " << gen::jobStateName(s.state) << ", " << s.accepted << "/" << s.target
              << " accepted, " << s.rejected << " rejected, " << s.requests << " requests ("
              << s.requestsFailed << " failed"
              << (s.requestsRefused > 0 ? ", " + std::to_string(s.requestsRefused) + " refused by the server"
                                        : "")
              << (s.requestsExported > 0
                      ? ", " + std::to_string(s.requestsExported) + " in OpenAI Batch files awaiting import"
                      : "")
              << "), tokens " << s.usage.promptTokens << " prompt + " << s.usage.completionTokens
              << " completion";
    if (s.costUsd) std::cout << ", about $" << std::fixed << std::setprecision(4) << *s.costUsd;
    std::cout << "\n";
    if (!s.error.empty()) std::cout << "  error: " << s.error << "\n";
}

std::vector<std::pair<std::string, double>> parseFamilies(const std::vector<std::string>& items) {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& item : items) {
        std::stringstream ss(item);
        std::string part;
        while (std::getline(ss, part, ',')) {
            if (part.empty()) continue;
            double w = 1.0;
            if (auto c = part.find(':'); c != std::string::npos) {
                try {
                    w = std::stod(part.substr(c + 1));
                } catch (...) {
                    throw CliError{"--family " + part + ": weight after ':' is not a number"};
                }
                part = part.substr(0, c);
            }
            out.emplace_back(part, w);
        }
    }
    return out;
}

// SIGTERM (a service manager, `kill`) pauses a running job like Ctrl-C: in-flight answers get
// under a second to land, the rest are aborted and the job row is left `paused`.
volatile std::sig_atomic_t g_terminated = 0;
extern "C" void onSigterm(int) {
    g_terminated = 1;
}

/// Runs a job in the foreground; returns the process exit code.
int runJob(const store::Project& project, std::int64_t jobId) {
    gen::GenerationRunner runner(project, jobId);
    ProgressBar bar("job " + std::to_string(jobId));
    auto previous = std::signal(SIGTERM, onSigterm);
    ProgressHooks hooks = bar.hooks();
    hooks.shouldStop = [] { return interrupted() || g_terminated != 0; };
    auto outcome = runner.run(hooks);
    std::signal(SIGTERM, previous == SIG_ERR ? SIG_DFL : previous);
    bar.finish();
    if (!outcome) throw CliError{outcome.error().message, 0, outcome.error().code};
    auto stats = gen::jobStats(project, jobId);
    if (!stats) throw CliError{stats.error().message, 0, stats.error().code};
    if (globals().json)
        printJson(statsJson(*stats));
    else
        printStats(*stats);
    switch (outcome->state) {
    case gen::JobState::Done:
        return 0;
    case gen::JobState::Paused:
        if (globals().json) return 0;
        if (stats->requestsExported > 0 && stats->requestsPending == 0)
            std::cout << "paused: nothing left to send; " << outcome->message << "\n";
        else
            std::cout << "paused; run the same command again (or `jobs resume " << jobId
                      << "`) to continue\n";
        return 0;
    case gen::JobState::Cancelled:
        throw CliError{"job " + std::to_string(jobId) + " was cancelled", 3};
    default:
        throw CliError{"job " + std::to_string(jobId) + " failed: " + outcome->message};
    }
}

double parseLimit(const std::string& text, const std::string& flag, const std::string& item) {
    try {
        std::size_t used = 0;
        double v = std::stod(text, &used);
        if (used == text.size() && v >= 0 && std::isfinite(v)) return v;
    } catch (...) {
    }
    throw CliError{flag + " " + item + ": expected a number >= 0 (or URL=N for one endpoint)"};
}

std::string withoutTrailingSlash(std::string s) {
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

// --rpm/--tpm items: "N" is the default of every endpoint, "URL=N" one endpoint's own limit (the
// URL as given to --endpoint; the last '=' splits, so Azure's ?api-version=... URLs work).
void applyLimits(const std::vector<std::string>& items, const std::string& flag, llm::ClientOptions& c,
                 double llm::ClientOptions::*all, std::optional<double> llm::Endpoint::*own) {
    for (const auto& item : items) {
        auto eq = item.rfind('=');
        if (eq == std::string::npos) {
            c.*all = parseLimit(item, flag, item);
            continue;
        }
        const std::string url = withoutTrailingSlash(item.substr(0, eq));
        double v = parseLimit(item.substr(eq + 1), flag, item);
        bool found = false;
        for (auto& e : c.endpoints)
            if (withoutTrailingSlash(e.baseUrl) == url) {
                e.*own = v;
                found = true;
            }
        if (!found) throw CliError{flag + " " + item + ": " + url + " is not one of the --endpoint URLs"};
    }
}

struct GenerateArgs {
    std::vector<std::string> endpoints;
    int endpointLimit = 0;
    std::string model;
    std::string apiKeyEnv;
    std::vector<std::string> families;
    std::int64_t count = 0;
    int concurrency = 8;
    std::uint64_t seed = 0;
    std::vector<std::string> rpm, tpm; // "N" (every endpoint) or "URL=N" (that endpoint)
    int maxTokens = 0;
    bool jsonMode = false;
    double temperature = 1.0, topP = 1.0;
    double timeoutSec = 300, connectTimeoutSec = 10, stallTimeoutSec = 180;
    double maxResponseMiB = 8;
    int examplesPerTask = 3;
    std::int64_t maxRequests = 0;
    double maxCostUsd = 0;
    int maxRejectsInRow = 30;
    double maxRejectRatio = 4.0;
    int maxAttempts = 6;
    double backoffSec = 0.5;
    std::string promptsDir;
    std::string name;
    bool forceNew = false;
    bool insecure = false;
};

void registerGenerateCommands(CLI::App& root) {
    static GenerateArgs a;
    auto* g = root.add_subcommand("generate", "Generate exactly --count accepted samples with an LLM "
                                              "(rerunning the same command resumes the same job)");
    g->add_option("--endpoint", a.endpoints,
                  "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (repeat or comma-separate for "
                  "several servers; requests go where capacity is free)")
        ->required()
        ->delimiter(',');
    g->add_option("--endpoint-limit", a.endpointLimit,
                  "Most requests in flight per endpoint (0 = no own limit)");
    g->add_option("--llm-model", a.model, "Model name sent to the endpoint")->required();
    g->add_option("--api-key-env", a.apiKeyEnv,
                  "Environment variable holding the API key (the key is never stored)");
    g->add_option("--family", a.families,
                  "Families to generate, with optional weights: short-long,sts:2 (short-long, long-short, "
                  "short-short, long-long, sts, bitext)")
        ->required();
    g->add_option("--count", a.count, "Exact number of accepted samples")
        ->required()
        ->check(CLI::PositiveNumber);
    g->add_option("--concurrency", a.concurrency, "Requests in flight")->check(CLI::Range(1, 4096));
    g->add_option("--seed", a.seed, "Seed of placeholder sampling");
    g->add_option("--rpm", a.rpm,
                  "Requests per minute limit of each endpoint (0 = none); URL=N sets one endpoint's own "
                  "limit (repeat: --rpm 600 --rpm http://b:8001/v1=60)");
    g->add_option("--tpm", a.tpm,
                  "Tokens per minute limit of each endpoint (0 = none); URL=N sets one endpoint's own limit");
    g->add_option("--max-tokens", a.maxTokens, "max_tokens per answer (0 = server default)");
    g->add_flag("--json-mode", a.jsonMode, "Ask for response_format json_object");
    g->add_option("--temperature", a.temperature, "Sampling temperature (the method uses 1.0)");
    g->add_option("--top-p", a.topP, "Nucleus sampling top_p (the method uses 1.0)");
    g->add_option("--timeout", a.timeoutSec, "Seconds per request attempt (> 0)")->check(CLI::PositiveNumber);
    g->add_option("--connect-timeout", a.connectTimeoutSec, "Seconds to connect (> 0)")
        ->check(CLI::PositiveNumber);
    g->add_option(
         "--stall-timeout", a.stallTimeoutSec,
         "Cut an attempt that receives nothing for this many seconds (0 = off; keep it above the slowest "
         "answer's generation time)")
        ->check(CLI::NonNegativeNumber);
    g->add_option("--max-response-mb", a.maxResponseMiB,
                  "Largest answer kept in memory, in MiB (a bigger one fails that request)")
        ->check(CLI::Range(0.001, 1024.0));
    g->add_option("--examples-per-task", a.examplesPerTask,
                  "Two-step families: generate requests per brainstormed task (the paper's ratio is ~3)")
        ->check(CLI::Range(1, 1000));
    g->add_option("--max-requests", a.maxRequests,
                  "Spend budget: most requests the job sends over all its runs (0 = no limit)")
        ->check(CLI::NonNegativeNumber);
    g->add_option(
         "--max-cost-usd", a.maxCostUsd,
         "Spend budget in USD over all the job's runs, priced by the project setting llm.prices (0 = no "
         "limit)")
        ->check(CLI::NonNegativeNumber);
    g->add_option(
         "--max-rejects-in-row", a.maxRejectsInRow,
         "Spend guard: fail the job after this many answers in a row were rejected or refused (0 = off)")
        ->check(CLI::NonNegativeNumber);
    g->add_option("--max-reject-ratio", a.maxRejectRatio,
                  "Spend guard: fail the job once, after 100 answers, rejected ones exceed this many per "
                  "accepted one (0 = off)")
        ->check(CLI::NonNegativeNumber);
    g->add_option("--max-attempts", a.maxAttempts, "Attempts per request (429/5xx/timeouts are retried)");
    g->add_option("--backoff", a.backoffSec,
                  "First retry delay in seconds (doubles per attempt, with jitter)");
    g->add_option("--prompts", a.promptsDir,
                  "Prompts folder (templates/ and pools/); default: the shipped prompts");
    g->add_option("--name", a.name, "Job name");
    g->add_flag("--new", a.forceNew, "Start a new job even if one with the same parameters exists");
    g->add_flag("--insecure", a.insecure, "Do not verify TLS certificates (self-signed test servers only)");
    g->footer("Example: synthembed-cli generate --db p.synthembed --endpoint http://127.0.0.1:8000/v1 "
              "--llm-model mistral --family short-long,sts --count 1000 --concurrency 32");
    g->callback([] {
        gen::JobSpec spec;
        spec.name = a.name;
        spec.families = parseFamilies(a.families);
        spec.target = a.count;
        spec.seed = a.seed;
        spec.promptsDir = a.promptsDir.empty()
                              ? std::string()
                              : std::filesystem::absolute(a.promptsDir).lexically_normal().string();
        auto& c = spec.client;
        for (auto& e : a.endpoints)
            c.endpoints.push_back({e, a.apiKeyEnv, a.endpointLimit});
        c.model = a.model;
        c.concurrency = a.concurrency;
        applyLimits(a.rpm, "--rpm", c, &llm::ClientOptions::requestsPerMinute,
                    &llm::Endpoint::requestsPerMinute);
        applyLimits(a.tpm, "--tpm", c, &llm::ClientOptions::tokensPerMinute, &llm::Endpoint::tokensPerMinute);
        c.maxTokens = a.maxTokens;
        c.jsonMode = a.jsonMode;
        c.temperature = a.temperature;
        c.topP = a.topP;
        c.totalTimeoutMs = static_cast<long>(a.timeoutSec * 1000);
        c.connectTimeoutMs = static_cast<long>(a.connectTimeoutSec * 1000);
        c.stallTimeoutMs = static_cast<long>(a.stallTimeoutSec * 1000);
        c.maxResponseBytes = static_cast<std::size_t>(a.maxResponseMiB * 1024 * 1024);
        spec.examplesPerTask = a.examplesPerTask;
        spec.maxRequests = a.maxRequests;
        spec.maxCostUsd = a.maxCostUsd;
        spec.maxConsecutiveRejects = a.maxRejectsInRow;
        spec.maxRejectRatio = a.maxRejectRatio;
        c.maxAttempts = a.maxAttempts;
        c.backoffBaseMs = static_cast<long>(a.backoffSec * 1000);
        c.verifyTls = !a.insecure;
        if (auto st = gen::validateSpec(spec); !st) throw CliError{st.error().message, 0, st.error().code};

        auto project = openProject(true);
        std::int64_t jobId = 0;
        auto existing = a.forceNew ? std::nullopt : gen::findResumableJob(project, spec);
        if (existing) {
            jobId = *existing;
            auto st = gen::jobStats(project, jobId);
            if (!st) throw CliError{st.error().message, 0, st.error().code};
            if (st->state != gen::JobState::Done) {
                if (auto u = gen::updateJobSettings(project, jobId, spec); !u)
                    throw CliError{u.error().message, 0, u.error().code};
                if (st->state == gen::JobState::Paused || st->state == gen::JobState::Failed)
                    if (auto r = gen::resumeJob(project, jobId); !r) throw CliError{r.error().message, 0, r.error().code};
                if (!globals().json)
                    std::cerr << "resuming job " << jobId << " (" << st->accepted << "/" << st->target
                              << " accepted so far)\n";
            }
        } else {
            auto id = gen::createJob(project, spec);
            if (!id) throw CliError{id.error().message, 0, id.error().code};
            jobId = *id;
        }
        int code = runJob(project, jobId);
        if (code != 0) throw CliError{"job " + std::to_string(jobId) + " did not finish", code};
    });

    auto* jobs = root.add_subcommand("jobs", "List and control generation jobs");
    jobs->require_subcommand(1);
    auto* list = jobs->add_subcommand("list", "List jobs with their counts and token usage");
    list->callback([] {
        auto project = openProject();
        auto all = gen::listJobs(project);
        if (!all) throw CliError{all.error().message, 0, all.error().code};
        if (globals().json) {
            nlohmann::json arr = nlohmann::json::array();
            for (auto& s : *all)
                arr.push_back(statsJson(s));
            printJson(arr);
            return;
        }
        std::cout << std::left << std::setw(5) << "id" << std::setw(10) << "state" << std::setw(9) << "target"
                  << std::setw(9) << "accept" << std::setw(9) << "reject" << std::setw(9) << "requests"
                  << std::setw(12) << "prompt_tok" << std::setw(12) << "compl_tok"
                  << "model\n";
        for (auto& s : *all)
            std::cout << std::left << std::setw(5) << s.id << std::setw(10) << gen::jobStateName(s.state)
                      << std::setw(9) << s.target << std::setw(9) << s.accepted << std::setw(9) << s.rejected
                      << std::setw(9) << s.requests << std::setw(12) << s.usage.promptTokens << std::setw(12)
                      << s.usage.completionTokens << s.model << "\n";
    });

    static std::int64_t jobId = 0;
    auto* show = jobs->add_subcommand("show", "Show one job's counts");
    show->add_option("id", jobId, "Job id")->required();
    show->callback([] {
        auto project = openProject();
        auto s = gen::jobStats(project, jobId);
        if (!s) throw CliError{s.error().message, 0, s.error().code};
        if (globals().json)
            printJson(statsJson(*s));
        else
            printStats(*s);
    });

    auto* pause = jobs->add_subcommand("pause", "Pause a job (a running one lets in-flight requests finish)");
    pause->add_option("id", jobId, "Job id")->required();
    pause->callback([] {
        auto project = openProject();
        if (auto st = gen::pauseJob(project, jobId); !st) throw CliError{st.error().message, 0, st.error().code};
        if (!globals().json)
            std::cout << "job " << jobId << " paused\n";
        else
            printJson({{"id", jobId}, {"state", "paused"}});
    });

    static bool noRun = false;
    auto* resume =
        jobs->add_subcommand("resume", "Resume a paused, failed or cancelled job and run it to the end");
    resume->add_option("id", jobId, "Job id")->required();
    resume->add_flag("--no-run", noRun, "Only mark it pending (run it later with the same generate command)");
    resume->callback([] {
        auto project = openProject();
        auto s = gen::jobStats(project, jobId);
        if (!s) throw CliError{s.error().message, 0, s.error().code};
        if (s->state != gen::JobState::Pending && s->state != gen::JobState::Running)
            if (auto st = gen::resumeJob(project, jobId); !st) throw CliError{st.error().message, 0, st.error().code};
        if (noRun) {
            if (!globals().json)
                std::cout << "job " << jobId << " is pending\n";
            else
                printJson({{"id", jobId}, {"state", "pending"}});
            return;
        }
        int code = runJob(project, jobId);
        if (code != 0) throw CliError{"job " + std::to_string(jobId) + " did not finish", code};
    });

    static std::string batchFile;
    auto* release = jobs->add_subcommand(
        "release-batch",
        "Give back the requests exported to an OpenAI Batch file that will not be run (or is "
        "lost): the next generate buys them");
    release->add_option("id", jobId, "Job id")->required();
    release->add_option("--batch", batchFile, "Only the requests of this Batch file (default: every file)");
    release->callback([] {
        auto project = openProject();
        auto n = gen::releaseBatchRequests(project, jobId, batchFile);
        if (!n) throw CliError{n.error().message, 0, n.error().code};
        if (globals().json)
            printJson({{"id", jobId}, {"released", *n}});
        else
            std::cout << "job " << jobId << ": " << *n << " exported request(s) are pending again\n";
    });

    auto* cancel =
        jobs->add_subcommand("cancel", "Cancel a job (a running one aborts its in-flight requests)");
    cancel->add_option("id", jobId, "Job id")->required();
    cancel->callback([] {
        auto project = openProject();
        if (auto st = gen::cancelJob(project, jobId); !st) throw CliError{st.error().message, 0, st.error().code};
        if (!globals().json)
            std::cout << "job " << jobId << " cancelled\n";
        else
            printJson({{"id", jobId}, {"state", "cancelled"}});
    });
}

const Registrar reg(20, registerGenerateCommands);

} // namespace
} // namespace synthembed::cli
