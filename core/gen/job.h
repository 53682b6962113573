#pragma once
/// Generation jobs as rows of the project database: what to generate (families and their mix,
/// exact target count, seed), where (endpoints, model, limits), and their state and counts.
/// Everything here is a short query on the project's connection; the runner (runner.h) does the work.

#include "core/llm/client.h"
#include "core/prompts/library.h"
#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace synthembed::gen {

/// What a job is asked to do. Saved as the job's `config` JSON (API keys are never saved: only the
/// names of the environment variables that hold them).
struct JobSpec {
    std::string name;
    /// Family -> weight of the mix (families of prompts::kFamilies); the target is split by weight.
    std::vector<std::pair<std::string, double>> families;
    std::int64_t target = 0; ///< exact number of accepted samples the job ends with
    std::uint64_t seed = 0;
    llm::ClientOptions client; ///< endpoints, model, sampling, limits, retries
    /// Prompts folder (templates + pools); empty = the project's stored templates and pools (the
    /// shipped prompts when the project has none).
    std::string promptsDir;
    /// Stored template and pool versions the job uses (name -> version), pinned by createJob when
    /// the job uses the project's templates: a template edited later does not change a running job.
    std::vector<std::pair<std::string, int>> templatePins, poolPins;
    /// Stop the job after this many requests in a row that fail after all retries.
    int maxConsecutiveFailures = 20;
    /// Stop after this many brainstorm answers in a row that yield no task.
    int maxEmptyBrainstorms = 10;
    /// Two-step families: each brainstormed task serves up to this many generate requests (the
    /// paper's ratio is ~3 examples per task), so identical brainstorm answers (a temperature-0
    /// server) still finish the job.
    int examplesPerTask = 3;

    /// Spend guard. Every answer is paid for, rejected or not: the job fails with the reason and
    /// the last answer instead of buying without end from a model that cannot follow the template.
    /// Stop after this many generate answers in a row that were rejected or refused (0 = off).
    /// While answers are being rejected, no more requests are in flight than this budget has left.
    int maxConsecutiveRejects = 30;
    /// ... or once rejectWarmup generate answers came back and rejected ones exceed
    /// maxRejectRatio x accepted ones (over the job's life; 0 = off).
    double maxRejectRatio = 4.0;
    int rejectWarmup = 100;
    /// Most requests the job sends over all its runs, brainstorms included (a retry of the same
    /// request is not counted); 0 = no limit.
    std::int64_t maxRequests = 0;
    /// Most US dollars the job spends over all its runs, at the model's price in the project
    /// setting "llm.prices" (required when set); 0 = no limit.
    double maxCostUsd = 0;
};

enum class JobState { Pending, Running, Paused, Cancelled, Done, Failed };
const char* jobStateName(JobState state);
std::optional<JobState> parseJobState(const std::string& name);

/// A job's counts, computed from its rows (so they are right after a crash too).
struct JobStats {
    std::int64_t id = 0;
    std::string name;
    JobState state = JobState::Pending;
    std::string error;
    /// The latest retry or failure of a run, in the server's (or curl's) words; stays after the run.
    std::string lastError;
    std::int64_t target = 0;
    std::int64_t accepted = 0; ///< accepted or hand-edited samples of this job
    std::int64_t rejected = 0;
    std::int64_t requests = 0; ///< request rows (brainstorm + generate)
    std::int64_t requestsDone = 0;
    std::int64_t requestsPending = 0;
    std::int64_t requestsInFlight = 0;
    std::int64_t requestsExported = 0; ///< written to an OpenAI Batch file, results not imported yet
    std::int64_t requestsFailed = 0;
    std::int64_t requestsRefused = 0; ///< of requestsFailed: prompts the server refused (400, content filter)
    std::int64_t brainstormRequests = 0;
    std::int64_t tasks = 0;
    std::int64_t attempts = 0; ///< HTTP attempts over all requests
    llm::Usage usage;
    std::optional<double> costUsd; ///< when the model has a price in settings "llm.prices"
    std::string model;
    std::string endpoint;
    std::string createdAt, updatedAt;
    std::map<std::string, std::int64_t> acceptedByFamily;
    std::map<std::string, std::int64_t> targetByFamily;
};

/// Splits `target` over the weighted families (largest remainder; ties by order). Families with
/// weight 0 get 0.
std::map<std::string, std::int64_t> splitTarget(const std::vector<std::pair<std::string, double>>& families,
                                                std::int64_t target);

/// Checks a spec (known families, positive weights, endpoints, model) without touching the DB.
Status validateSpec(const JobSpec& spec);

/// The job's identity for "rerun the same command": families and mix, target, seed, model and
/// prompts folder (not the endpoints or limits, which may change between runs).
std::string specSignature(const JobSpec& spec);

/// Inserts a new pending job.
Result<std::int64_t> createJob(const store::Project& project, const JobSpec& spec);

/// The most recent job with the same signature that is not cancelled, if any.
std::optional<std::int64_t> findResumableJob(const store::Project& project, const JobSpec& spec);

/// An earlier job whose prompts a new job would draw again.
struct SeedReuse {
    std::int64_t jobId = 0;
    std::string name;
    JobState state = JobState::Pending;
    std::int64_t accepted = 0;
    std::vector<std::string> families; ///< the families whose prompts would repeat
};

/// Earlier jobs (any state) that drew the prompts `spec` would draw: the same seed and, for a family
/// both use, the same template versions (the project's latest, which createJob pins, when `spec`
/// has no pins of its own) or the same prompts folder. Prompts are drawn per (seed, family, step),
/// so such a job repeats their prompts and its answers come back as duplicates.
Result<std::vector<SeedReuse>> findSeedReuse(const store::Project& project, const JobSpec& spec);

/// A seed no job of the project has used: one above the largest used (1 when there is no job).
Result<std::uint64_t> unusedSeed(const store::Project& project);

/// The problems (errors and warnings) of the templates a job of these families would use from
/// `library` (each family's generate template, and its brainstorm template when it has that step),
/// of the pools those templates draw from, and the library's own problems about these families
/// (a missing template). Empty = nothing stands in the way.
std::vector<prompts::SourceDiagnostic> templateProblems(const prompts::Library& library,
                                                        const std::vector<std::pair<std::string, double>>& families);

/// Reads a job's spec back from its config (the endpoints/limits stored at creation or last run).
Result<JobSpec> loadJobSpec(const store::Project& project, std::int64_t jobId);
/// Replaces the job's client settings (endpoints, limits) before a resumed run.
Status updateJobClient(const store::Project& project, std::int64_t jobId, const llm::ClientOptions& client);
/// Replaces everything a resumed run may change: the client settings, the spend guard and budgets,
/// examples per task (not the families, target, seed or model: those are the job's identity).
Status updateJobSettings(const store::Project& project, std::int64_t jobId, const JobSpec& from);

Result<JobStats> jobStats(const store::Project& project, std::int64_t jobId);
Result<std::vector<JobStats>> listJobs(const store::Project& project);

/// Pause: a running job stops taking new requests and lets in-flight ones finish; resume: a paused,
/// failed or cancelled job becomes pending again (run it with the runner); cancel: stops at once.
/// The runner polls the job's state, so these work from another process too.
Status pauseJob(const store::Project& project, std::int64_t jobId);
Status resumeJob(const store::Project& project, std::int64_t jobId);
Status cancelJob(const store::Project& project, std::int64_t jobId);

} // namespace synthembed::gen
