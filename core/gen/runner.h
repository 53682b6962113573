#pragma once
/// Runs one generation job to its exact target of accepted samples, resumably.
///
/// Every request is a row before it is sent (core/gen/request_queue.h holds every read and write of
/// those rows); brainstorm requests run first for two-step families, their tasks are stored, then
/// each task serves up to JobSpec::examplesPerTask generate requests. Answers are parsed as they arrive and
/// the sample (or the reject with its reason) is written in the same transaction that marks the
/// request done, so a kill -9 at any point loses at most the answers in flight: on the next run,
/// in-flight rows are sent again and done rows never are. Only as many generate requests are ever
/// outstanding as accepted samples are still missing, so the job ends with exactly the target.
/// (A row handed to the client is marked in_flight with the next write rather than in a commit of
/// its own; after a crash pending and in_flight rows alike are sent, done rows never.)
///
/// Nothing is bought beyond what the job allows: the spend guard (JobSpec::maxConsecutiveRejects,
/// maxRejectRatio) and the budgets (maxRequests, maxCostUsd) fail the job with a one-line reason
/// quoting the last answer. A prompt the server refuses (400/413/422, content filter) fails alone
/// and is replaced by a new one; only errors that concern every request fail the job. Answers that
/// arrive while the database is locked are kept and stored later, never dropped (and nothing new
/// is bought meanwhile). Pause, cancel and hooks.shouldStop are seen within 0.2 s whatever the
/// server does; in-flight requests get 0.5 s to land, then are aborted (their rows stay pending).
///
/// Off-thread use (GUI): construct and call run() on a worker thread with its own Project
/// connection; call requestPause()/requestCancel()/live() from any thread. pauseJob()/cancelJob()
/// on the job row work too, from any process (the runner polls the row).

#include "core/gen/job.h"
#include "core/llm/client.h"
#include "core/store/project.h"
#include "core/util/progress.h"
#include "core/util/result.h"

#include <atomic>
#include <cstdint>
#include <memory>

namespace synthembed::gen {

/// Counters a UI can poll while the job runs (thread-safe snapshot).
struct LiveStats {
    std::int64_t target = 0;
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
    std::int64_t inFlight = 0;
    std::int64_t requestsDone = 0;
    std::int64_t requestsFailed = 0;
    std::int64_t requestsRefused = 0; ///< of requestsFailed: prompts the server refused
    std::int64_t retries = 0;
    std::int64_t tasks = 0;
    llm::Usage usage;      ///< of the requests answered in this run
    std::string lastError; ///< the latest retry or failure, in the server's words (for a job table)
};

struct RunOutcome {
    JobState state = JobState::Pending; ///< done, paused, cancelled or failed
    std::string message;                ///< why it stopped when not done
};

class GenerationRunner {
  public:
    /// `project` is used only on the thread that calls run().
    GenerationRunner(const store::Project& project, std::int64_t jobId);
    ~GenerationRunner();

    /// Runs until the job is done, paused, cancelled or failed. An Error only for problems
    /// before any work starts (unknown job, job run by another live process, bad templates);
    /// an LLM failure (bad key, endpoint gone) ends as state failed with its message.
    /// hooks.shouldStop pauses the job (in-flight requests get 0.5 s to finish, then are aborted).
    Result<RunOutcome> run(const ProgressHooks& hooks = {});

    /// OpenAI Batch route, step 1: creates every request row still needed (for two-step families
    /// without tasks yet: the brainstorms) without sending anything; returns the job's pending rows.
    /// Rows already exported to a Batch file count as outstanding: they are not planned again, and
    /// run() never sends them (it ends paused, naming the files, when only they are left).
    Result<std::int64_t> planPending();

    struct ImportCounts {
        std::int64_t stored = 0;      ///< answers stored (accepted or rejected samples, brainstorm tasks)
        std::int64_t failed = 0;      ///< error results, marked failed
        std::int64_t skipped = 0;     ///< requests already done or failed (a file imported twice)
        std::int64_t notExported = 0; ///< of stored+failed: rows that were not marked exported
    };
    /// OpenAI Batch route, step 2: stores answers obtained outside the client exactly as live
    /// answers are stored (parsed, validated, same transaction). Result ids are request ids; an id
    /// that is not a request of this job fails the whole import before anything is stored.
    Result<ImportCounts> importAnswers(const std::vector<llm::ChatResult>& results);

    /// Thread-safe. Pause lets in-flight requests finish for up to 0.5 s; cancel aborts them at once.
    void requestPause();
    void requestCancel();
    LiveStats live() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace synthembed::gen
