#include "core/gen/request_queue.h"

#include "core/platform/platform.h"

#include <nlohmann/json.hpp>

namespace synthembed::gen {

using nlohmann::ordered_json;

namespace {

constexpr const char* kNow = SYNTHEMBED_SQL_NOW;

// Sampled placeholder values are stored as a JSON object in their order of appearance.
std::string valuesJson(const std::vector<std::pair<std::string, std::string>>& values) {
    ordered_json j = ordered_json::object();
    for (auto& [k, v] : values)
        j[k] = v;
    return j.dump();
}

std::vector<std::pair<std::string, std::string>> valuesFromJson(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    auto j = ordered_json::parse(text, nullptr, false);
    if (!j.is_object()) return out;
    for (auto& [k, v] : j.items())
        out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    return out;
}

void bindOptionalId(db::Statement& st, int index, std::int64_t id) {
    if (id > 0)
        st.bind(index, id);
    else
        st.bindNull(index);
}

void bindOptionalText(db::Statement& st, int index, const std::string& text) {
    if (text.empty())
        st.bindNull(index);
    else
        st.bind(index, text);
}

} // namespace

RequestQueue::RequestQueue(const db::Database& db, std::int64_t jobId) : m_db(db), m_jobId(jobId) {}

// ---- the job row ----

std::optional<std::string> RequestQueue::jobState() const {
    auto q = m_db.prepare("SELECT state FROM jobs WHERE id = ?");
    q.bind(1, m_jobId);
    if (!q.step()) return std::nullopt;
    return q.getText(0);
}

void RequestQueue::checkNotRunElsewhere() const {
    auto q = m_db.prepare(
        "SELECT state, COALESCE(runner_pid, 0), COALESCE(runner_host,'') FROM jobs WHERE id = ?");
    q.bind(1, m_jobId);
    if (!q.step()) throw Failure("not_found", "no job " + std::to_string(m_jobId));
    auto pid = q.getInt(1);
    // A row left `running` by a process that died (or runs on another machine) does not block.
    if (q.getText(0) == "running" && pid != platform::processId() && q.getText(2) == platform::hostName() &&
        platform::processAlive(pid))
        throw Failure("busy",
                      "job " + std::to_string(m_jobId) + " is being run by process " + std::to_string(pid));
}

void RequestQueue::claim() {
    db::Transaction tx(m_db);
    auto state = jobState();
    if (!state) throw Failure("not_found", "no job " + std::to_string(m_jobId));
    if (*state == "cancelled")
        throw Failure("state", "job " + std::to_string(m_jobId) +
                                   " is cancelled (resume it with `jobs resume " + std::to_string(m_jobId) +
                                   "`)");
    checkNotRunElsewhere();
    auto u = m_db.prepare(std::string("UPDATE jobs SET state = 'running', runner_pid = ?, runner_host = ?, "
                                      "error = NULL, last_error = NULL, updated_at = ") +
                          kNow + " WHERE id = ?");
    u.bindAll(platform::processId(), platform::hostName(), m_jobId);
    u.run();
    tx.commit();
}

void RequestQueue::finish(JobState state, const std::string& message) {
    auto st =
        m_db.prepare(std::string("UPDATE jobs SET state = CASE WHEN state = 'cancelled' THEN 'cancelled' "
                                 "ELSE ? END, error = ?, runner_pid = NULL, runner_host = NULL, "
                                 "updated_at = ") +
                     kNow + " WHERE id = ?");
    st.bind(1, jobStateName(state));
    bindOptionalText(st, 2, message);
    st.bind(3, m_jobId);
    st.run();
}

void RequestQueue::recordLastError(const std::string& text) {
    auto st = m_db.prepare("UPDATE jobs SET last_error = ? WHERE id = ?");
    bindOptionalText(st, 1, text);
    st.bind(2, m_jobId);
    st.run();
}

// ---- loading ----

int RequestQueue::requeueInFlight() {
    auto r = m_db.prepare("UPDATE requests SET state = 'pending' WHERE job_id = ? AND state = 'in_flight'");
    r.bind(1, m_jobId);
    r.run();
    return m_db.changes();
}

QueueTotals RequestQueue::totals() const {
    QueueTotals t;
    auto acc = m_db.prepare(
        "SELECT family, count(*) FROM samples WHERE job_id = ? AND status <> 'rejected' GROUP BY family");
    acc.bind(1, m_jobId);
    while (acc.step())
        t.acceptedByFamily[acc.getText(0)] = acc.getInt(1);
    auto pend =
        m_db.prepare("SELECT family, kind, count(*) FROM requests WHERE job_id = ? AND state = 'pending' "
                     "GROUP BY family, kind");
    pend.bind(1, m_jobId);
    while (pend.step())
        t.pending[{pend.getText(0), pend.getText(1)}] = pend.getInt(2);
    auto seq = m_db.prepare(
        "SELECT family, kind, max(seq) + 1 FROM requests WHERE job_id = ? GROUP BY family, kind");
    seq.bind(1, m_jobId);
    while (seq.step())
        t.nextSeq[{seq.getText(0), seq.getText(1)}] = seq.getInt(2);
    auto exp = m_db.prepare("SELECT family, kind, count(*) FROM requests WHERE job_id = ? AND "
                            "state = 'exported' GROUP BY family, kind");
    exp.bind(1, m_jobId);
    while (exp.step()) {
        t.exported[{exp.getText(0), exp.getText(1)}] = exp.getInt(2);
        t.exportedCount += exp.getInt(2);
    }
    auto files = m_db.prepare("SELECT DISTINCT COALESCE(batch_file,'') FROM requests WHERE job_id = ? AND "
                              "state = 'exported' ORDER BY 1");
    files.bind(1, m_jobId);
    while (files.step())
        t.batchFiles.push_back(files.getText(0));
    auto ids = m_db.prepare("SELECT id FROM requests WHERE job_id = ? AND state = 'pending' ORDER BY id");
    ids.bind(1, m_jobId);
    while (ids.step())
        t.pendingIds.push_back(ids.getInt(0));
    auto rej = m_db.prepare("SELECT count(*) FROM samples WHERE job_id = ? AND status = 'rejected'");
    rej.bind(1, m_jobId);
    rej.step();
    t.rejected = rej.getInt(0);
    auto nt = m_db.prepare("SELECT count(*) FROM gen_tasks WHERE job_id = ?");
    nt.bind(1, m_jobId);
    nt.step();
    t.tasks = nt.getInt(0);
    auto r =
        m_db.prepare("SELECT COALESCE(sum(state IN ('done','failed')),0), COALESCE(sum(state = 'done'),0), "
                     "COALESCE(sum(prompt_tokens),0), COALESCE(sum(completion_tokens),0), "
                     "COALESCE(sum(kind = 'generate' AND state = 'failed' AND error LIKE 'refused:%'),0), "
                     "COALESCE(max(CASE WHEN state = 'done' THEN prompt_tokens END),0), "
                     "COALESCE(max(CASE WHEN state = 'done' THEN completion_tokens END),0) "
                     "FROM requests WHERE job_id = ?");
    r.bind(1, m_jobId);
    r.step();
    t.sent = r.getInt(0);
    t.answered = r.getInt(1);
    t.usage = {r.getInt(2), r.getInt(3)};
    t.refused = r.getInt(4);
    t.largest = {r.getInt(5), r.getInt(6)};
    auto trailing = m_db.prepare(
        "SELECT count(*) FROM requests WHERE job_id = ?1 AND kind = 'generate' AND "
        "(state = 'done' OR (state = 'failed' AND error LIKE 'refused:%')) AND updated_at > "
        "COALESCE((SELECT max(r.updated_at) FROM requests r JOIN samples s ON s.request_id = r.id "
        "WHERE r.job_id = ?1 AND s.status <> 'rejected'), '')");
    trailing.bind(1, m_jobId);
    trailing.step();
    t.trailingRejects = trailing.getInt(0);
    return t;
}

std::vector<StoredTask> RequestQueue::tasks() const {
    // Generate rows carry their task's text, so uses are counted from them (no extra column).
    std::map<std::pair<std::string, std::string>, std::int64_t> uses;
    auto u =
        m_db.prepare("SELECT family, task, count(*) FROM requests WHERE job_id = ? AND kind = 'generate' AND "
                     "task IS NOT NULL GROUP BY family, task");
    u.bind(1, m_jobId);
    while (u.step())
        uses[{u.getText(0), u.getText(1)}] = u.getInt(2);
    std::vector<StoredTask> out;
    auto t = m_db.prepare("SELECT id, request_id, family, task FROM gen_tasks WHERE job_id = ? ORDER BY id");
    t.bind(1, m_jobId);
    while (t.step()) {
        StoredTask task{t.getInt(0), t.getInt(1), t.getText(2), 0};
        if (auto it = uses.find({task.family, t.getText(3)}); it != uses.end()) task.uses = it->second;
        out.push_back(std::move(task));
    }
    return out;
}

std::optional<QueuedRequest> RequestQueue::request(std::int64_t id) const {
    auto q = m_db.prepare("SELECT kind, family, prompt, template_name, sampled_values, state, "
                          "COALESCE(template_id, 0), COALESCE(batch_file, '') FROM requests "
                          "WHERE id = ? AND job_id = ?");
    q.bindAll(id, m_jobId);
    if (!q.step()) return std::nullopt;
    QueuedRequest r;
    r.id = id;
    r.kind = q.getText(0);
    r.family = q.getText(1);
    r.prompt.text = q.getText(2);
    r.prompt.templateName = q.getText(3);
    r.prompt.values = valuesFromJson(q.getText(4));
    r.state = q.getText(5);
    r.prompt.templateId = q.getInt(6);
    r.batchFile = q.getText(7);
    r.prompt.family = r.family;
    r.prompt.step = r.kind == "brainstorm" ? prompts::Step::Brainstorm : prompts::Step::Generate;
    return r;
}

std::int64_t RequestQueue::pendingCount() const {
    auto q = m_db.prepare("SELECT count(*) FROM requests WHERE job_id = ? AND state = 'pending'");
    q.bind(1, m_jobId);
    q.step();
    return q.getInt(0);
}

// ---- planning ----

std::int64_t RequestQueue::add(const std::string& family, const char* kind, const prompts::RenderedPrompt& p,
                               std::optional<std::int64_t> parent, const std::string& task,
                               std::int64_t seq) {
    auto st =
        m_db.prepare("INSERT INTO requests(job_id, parent_id, kind, template_id, family, task, prompt, "
                     "sampled_values, state, template_name, seq) VALUES (?,?,?,?,?,?,?,?, 'pending', ?, ?)");
    st.bind(1, m_jobId);
    st.bind(2, parent);
    st.bind(3, kind);
    bindOptionalId(st, 4, p.templateId);
    st.bind(5, family);
    bindOptionalText(st, 6, task);
    st.bind(7, p.text);
    st.bind(8, valuesJson(p.values));
    st.bind(9, p.templateName);
    st.bind(10, seq);
    st.run();
    return m_db.lastInsertId();
}

std::optional<std::string> RequestQueue::taskText(std::int64_t taskId) const {
    auto q = m_db.prepare("SELECT task FROM gen_tasks WHERE id = ? AND job_id = ?");
    q.bindAll(taskId, m_jobId);
    if (!q.step()) return std::nullopt;
    return q.getText(0);
}

void RequestQueue::markTaskUsed(std::int64_t taskId, std::int64_t requestId) {
    auto st = m_db.prepare("UPDATE gen_tasks SET used_by = ? WHERE id = ?");
    st.bindAll(requestId, taskId);
    st.run();
}

void RequestQueue::dropPending(std::int64_t id) {
    auto del = m_db.prepare("DELETE FROM requests WHERE id = ? AND job_id = ? AND state = 'pending'");
    del.bindAll(id, m_jobId);
    del.run();
}

// ---- OpenAI Batch route ----

std::vector<std::pair<std::int64_t, std::string>> RequestQueue::pendingPrompts() const {
    std::vector<std::pair<std::int64_t, std::string>> out;
    auto st =
        m_db.prepare("SELECT id, prompt FROM requests WHERE job_id = ? AND state = 'pending' ORDER BY id");
    st.bind(1, m_jobId);
    while (st.step())
        out.emplace_back(st.getInt(0), st.getText(1));
    return out;
}

std::int64_t RequestQueue::markExported(const std::vector<std::int64_t>& ids, const std::string& batchFile) {
    auto u =
        m_db.prepare(std::string("UPDATE requests SET state = 'exported', batch_file = ?, updated_at = ") +
                     kNow + " WHERE id = ? AND job_id = ? AND state = 'pending'");
    std::int64_t n = 0;
    for (auto id : ids) {
        u.bindAll(batchFile, id, m_jobId);
        u.run();
        n += m_db.changes();
    }
    return n;
}

std::int64_t RequestQueue::releaseExported(const std::string& batchFile) {
    auto u =
        m_db.prepare(std::string("UPDATE requests SET state = 'pending', batch_file = NULL, updated_at = ") +
                     kNow + " WHERE job_id = ?1 AND state = 'exported' AND (?2 = '' OR batch_file = ?2)");
    u.bindAll(m_jobId, batchFile);
    u.run();
    return m_db.changes();
}

// ---- results ----

void RequestQueue::markInFlight(const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return;
    auto u = m_db.prepare(std::string("UPDATE requests SET state = 'in_flight', updated_at = ") + kNow +
                          " WHERE id = ? AND state = 'pending'");
    for (auto id : ids) {
        u.bind(1, id);
        u.run();
    }
}

void RequestQueue::markAnswered(std::int64_t id, const char* state, const llm::ChatResult& r,
                                const std::string& error) {
    auto st = m_db.prepare(
        std::string("UPDATE requests SET state = ?, attempts = attempts + ?, raw_answer = ?, "
                    "error = ?, prompt_tokens = prompt_tokens + ?, "
                    "completion_tokens = completion_tokens + ?, http_status = ?, updated_at = ") +
        kNow + " WHERE id = ?");
    st.bind(1, state);
    st.bind(2, static_cast<std::int64_t>(r.attempts));
    if (r.ok())
        st.bind(3, r.content);
    else
        st.bindNull(3);
    bindOptionalText(st, 4, error);
    st.bind(5, r.usage.promptTokens);
    st.bind(6, r.usage.completionTokens);
    bindOptionalId(st, 7, r.httpStatus);
    st.bind(8, id);
    st.run();
}

std::optional<std::int64_t> RequestQueue::addTask(const std::string& family, std::int64_t requestId,
                                                  const std::string& task) {
    auto ins =
        m_db.prepare("INSERT OR IGNORE INTO gen_tasks(job_id, request_id, family, task) VALUES (?,?,?,?)");
    ins.bindAll(m_jobId, requestId, family, task);
    ins.run();
    if (m_db.changes() == 0) return std::nullopt;
    return m_db.lastInsertId();
}

std::optional<std::int64_t> RequestQueue::acceptedSampleWithHash(const std::string& hash) const {
    auto dup = m_db.prepare("SELECT id FROM samples WHERE text_hash = ? AND status <> 'rejected' LIMIT 1");
    dup.bind(1, hash);
    if (!dup.step()) return std::nullopt;
    return dup.getInt(0);
}

void RequestQueue::addSample(const SampleRow& s) {
    auto st =
        m_db.prepare("INSERT INTO samples(job_id, request_id, template_id, family, instruction, language, "
                     "query, positive, negative, sampled_values, status, reject_reason, raw_output, "
                     "text_hash, prompt_tokens, completion_tokens, source) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, 'generated')");
    st.bind(1, m_jobId);
    st.bind(2, s.requestId);
    bindOptionalId(st, 3, s.templateId);
    st.bind(4, s.family);
    st.bind(5, s.instruction);
    st.bind(6, s.language);
    st.bind(7, s.query);
    st.bind(8, s.positive);
    st.bind(9, s.negative);
    st.bind(10, valuesJson(s.values));
    st.bind(11, s.accepted ? "accepted" : "rejected");
    bindOptionalText(st, 12, s.accepted ? std::string() : s.rejectReason);
    st.bind(13, s.rawOutput);
    bindOptionalText(st, 14, s.accepted ? s.textHash : std::string());
    st.bind(15, s.usage.promptTokens);
    st.bind(16, s.usage.completionTokens);
    st.run();
}

} // namespace synthembed::gen
