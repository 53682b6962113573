#pragma once
/// The rows of one generation job: its requests, the tasks its brainstorms produced, its samples
/// and the runner fields of its job row. GenerationRunner plans and decides; RequestQueue is the
/// only place that reads or writes those rows for it (qBittorrent's DBResumeDataStorage idea:
/// callers see typed methods, never SQL).
///
/// Every method is one statement or one short query on the caller's connection and thread.
/// Transactions are the caller's (db::Transaction around several calls commits them together);
/// errors throw Failure ("db", or "db_busy" when another writer holds the lock).

#include "core/gen/job.h"
#include "core/llm/client.h"
#include "core/prompts/render.h"
#include "core/store/sqlite.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace synthembed::gen {

/// A request row as the runner needs it to send the request and to store its answer.
struct QueuedRequest {
    std::int64_t id = 0;
    std::string kind; ///< "brainstorm" or "generate"
    std::string family;
    std::string state;              ///< pending, in_flight, exported, done or failed
    std::string batchFile;          ///< exported: the OpenAI Batch file it was written to
    prompts::RenderedPrompt prompt; ///< text, template name and id, sampled values, family, step
};

/// A brainstormed task and how many generate requests used it so far.
struct StoredTask {
    std::int64_t id = 0;
    std::int64_t requestId = 0; ///< the brainstorm that produced it
    std::string family;
    std::int64_t uses = 0;
};

/// What a run starts from (read after crash recovery).
struct QueueTotals {
    using FamilyKind = std::pair<std::string, std::string>; ///< (family, "brainstorm"|"generate")
    std::map<std::string, std::int64_t> acceptedByFamily;   ///< accepted or hand-edited samples
    std::map<FamilyKind, std::int64_t> pending;             ///< pending rows
    /// Rows written to an OpenAI Batch file and not imported yet: outstanding, never sent by a run.
    std::map<FamilyKind, std::int64_t> exported;
    std::int64_t exportedCount = 0;
    std::vector<std::string> batchFiles;        ///< the files those rows are in
    std::map<FamilyKind, std::int64_t> nextSeq; ///< max(seq) + 1
    std::vector<std::int64_t> pendingIds;       ///< in id order
    std::int64_t rejected = 0;                  ///< rejected samples
    std::int64_t tasks = 0;
    std::int64_t sent = 0;     ///< rows done or failed (each was sent at least once)
    std::int64_t answered = 0; ///< rows done
    std::int64_t refused = 0;  ///< generate rows failed with a refusal ("refused: ...")
    /// Generate answers rejected or refused since the job's last accepted one (the spend guard's
    /// run of rejects carries over to the next run).
    std::int64_t trailingRejects = 0;
    llm::Usage usage;   ///< over all rows
    llm::Usage largest; ///< the largest prompt and answer of one done row
};

/// One answer to a generate request, as a sample row (accepted, or rejected with its reason).
struct SampleRow {
    std::int64_t requestId = 0;
    std::int64_t templateId = 0; ///< 0 = none
    std::string family;
    std::string instruction;
    std::string language;
    std::optional<std::string> query, positive, negative; ///< accepted samples only
    std::vector<std::pair<std::string, std::string>> values;
    bool accepted = false;
    std::string rejectReason;
    std::string rawOutput;
    std::string textHash; ///< accepted samples only
    llm::Usage usage;
};

class RequestQueue {
  public:
    RequestQueue(const db::Database& db, std::int64_t jobId);

    std::int64_t jobId() const { return m_jobId; }

    // ---- the job row ----

    /// The job's state name; nullopt when the job does not exist.
    std::optional<std::string> jobState() const;
    /// Failure("not_found") for an unknown job, Failure("busy") when another live process on this
    /// machine runs it.
    void checkNotRunElsewhere() const;
    /// Marks the job running by this process (one transaction). Failure("state") for a cancelled
    /// job, and as checkNotRunElsewhere().
    void claim();
    /// The final state of a run (a job cancelled meanwhile stays cancelled); clears the runner fields.
    void finish(JobState state, const std::string& message);
    /// The latest retry or failure of the running job, in the server's words (shown by every window).
    void recordLastError(const std::string& text);

    // ---- loading ----

    /// Crash recovery: rows in flight when the last run stopped become pending; returns how many.
    int requeueInFlight();
    QueueTotals totals() const;
    /// Every task of the job in id order, with its uses counted from the generate rows.
    std::vector<StoredTask> tasks() const;
    /// A request row of this job; nullopt when it is not one.
    std::optional<QueuedRequest> request(std::int64_t id) const;
    std::int64_t pendingCount() const;

    // ---- planning ----

    /// Inserts a pending request row; returns its id.
    std::int64_t add(const std::string& family, const char* kind, const prompts::RenderedPrompt& prompt,
                     std::optional<std::int64_t> parent, const std::string& task, std::int64_t seq);
    std::optional<std::string> taskText(std::int64_t taskId) const;
    /// Records the latest generate request that used a task.
    void markTaskUsed(std::int64_t taskId, std::int64_t requestId);
    /// Deletes a row that was never sent (only while pending).
    void dropPending(std::int64_t id);

    // ---- OpenAI Batch route ----

    /// The pending rows (id, prompt) in id order: what a Batch export writes.
    std::vector<std::pair<std::int64_t, std::string>> pendingPrompts() const;
    /// Marks pending rows as written to `batchFile`: a run no longer sends them; importing their
    /// results completes them. Returns how many were marked.
    std::int64_t markExported(const std::vector<std::int64_t>& ids, const std::string& batchFile);
    /// Exported rows (of `batchFile`, or of every file when empty) become pending again; returns
    /// how many.
    std::int64_t releaseExported(const std::string& batchFile);

    // ---- results ----

    void markInFlight(const std::vector<std::int64_t>& ids);
    /// Stores an attempt's outcome on its row: state, attempts, answer (Ok only), error, usage, status.
    void markAnswered(std::int64_t id, const char* state, const llm::ChatResult& result,
                      const std::string& error);
    /// Stores a brainstormed task; its id, or nullopt when the job already had it.
    std::optional<std::int64_t> addTask(const std::string& family, std::int64_t requestId,
                                        const std::string& task);
    /// An accepted sample (of any job) with this normalised text hash.
    std::optional<std::int64_t> acceptedSampleWithHash(const std::string& hash) const;
    void addSample(const SampleRow& sample);

  private:
    const db::Database& m_db;
    std::int64_t m_jobId;
};

} // namespace synthembed::gen
