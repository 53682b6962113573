#include "core/train/run_store.h"

#include "core/store/project.h"

namespace synthembed::train {

struct RunRecorder::Impl {
    store::Project project;
    std::vector<StepMetrics> pending;
    std::chrono::steady_clock::time_point lastFlush = std::chrono::steady_clock::now();
};

Result<std::unique_ptr<RunRecorder>> RunRecorder::open(const std::filesystem::path& projectPath, const TrainConfig& config,
                                                       const std::string& configJson, std::int64_t fromStep) {
    return guarded([&]() -> std::unique_ptr<RunRecorder> {
        std::unique_ptr<RunRecorder> r(new RunRecorder);
        r->m = std::make_unique<Impl>(Impl{store::Project::openOrCreate(projectPath).take(), {}, {}});
        const auto& db = r->m->project.db();
        db.setBusyTimeout(5000);
        db::inTransaction(db, [&] {
            if (config.resume) {
                auto st = db.prepare("SELECT id FROM training_runs WHERE output_dir = ? ORDER BY id DESC LIMIT 1");
                st.bind(1, config.outputDir);
                if (st.step()) r->m_runId = st.getInt(0);
            }
            if (r->m_runId) {
                db.prepare("UPDATE training_runs SET state='running', error=NULL, finished_at=NULL, config=? WHERE id=?")
                    .bindAll(configJson, r->m_runId)
                    .run();
                db.prepare("DELETE FROM train_metrics WHERE run_id=? AND step>?").bindAll(r->m_runId, fromStep).run();
            } else {
                db.prepare("INSERT INTO training_runs(name, state, base_model, output_dir, config, started_at) "
                           "VALUES (?, 'running', ?, ?, ?, " SYNTHEMBED_SQL_NOW ")")
                    .bindAll(config.name, config.modelDir, config.outputDir, configJson)
                    .run();
                r->m_runId = db.lastInsertId();
            }
        });
        return r;
    }, "train_db");
}

RunRecorder::~RunRecorder() {
    try {
        flush();
    } catch (...) {
    }
}

void RunRecorder::record(const StepMetrics& metrics) {
    m->pending.push_back(metrics);
    if (std::chrono::steady_clock::now() - m->lastFlush > std::chrono::seconds(1)) flush();
}

void RunRecorder::flush() {
    if (!m || m->pending.empty()) return;
    const auto& db = m->project.db();
    db::inTransaction(db, [&] {
        auto st = db.prepare("INSERT OR REPLACE INTO train_metrics(run_id, step, name, value, wall_time) VALUES (?,?,?,?,?)");
        for (const auto& s : m->pending)
            for (const auto& [name, value] : s.asMap()) {
                st.bindAll(m_runId, s.step, name, value, s.wallTime);
                st.run();
            }
    });
    m->pending.clear();
    m->lastFlush = std::chrono::steady_clock::now();
}

void RunRecorder::finish(const std::string& state, const std::string& error) {
    flush();
    auto st = m->project.db().prepare(
        "UPDATE training_runs SET state=?, error=?, finished_at=" SYNTHEMBED_SQL_NOW " WHERE id=?");
    st.bind(1, state);
    if (error.empty()) st.bindNull(2);
    else st.bind(2, error);
    st.bind(3, m_runId);
    st.run();
}

Result<std::vector<MetricSeries>> loadRunMetrics(const std::filesystem::path& projectPath, std::int64_t runId) {
    return guarded([&] {
        auto project = store::Project::open(projectPath).take();
        auto st = project.db().prepare("SELECT name, step, value FROM train_metrics WHERE run_id=? ORDER BY name, step");
        st.bind(1, runId);
        std::vector<MetricSeries> out;
        while (st.step()) {
            auto name = st.getText(0);
            if (out.empty() || out.back().name != name) out.push_back({name, {}});
            out.back().points.emplace_back(st.getInt(1), st.getDouble(2));
        }
        return out;
    }, "train_db");
}

Result<std::vector<RunSummary>> listRuns(const db::Database& db) {
    return guarded([&] {
        auto st = db.prepare(
            "SELECT r.id, r.name, r.state, r.base_model, r.output_dir, r.created_at, r.finished_at, r.error, r.config, "
            "  (SELECT MAX(step) FROM train_metrics m WHERE m.run_id = r.id), "
            "  (SELECT value FROM train_metrics m WHERE m.run_id = r.id AND m.name = 'loss' ORDER BY step DESC LIMIT 1) "
            "FROM training_runs r ORDER BY r.id DESC");
        std::vector<RunSummary> rows;
        const auto optInt = [&](int col) { return st.isNull(col) ? std::nullopt : std::optional(st.getInt(col)); };
        const auto optReal = [&](int col) { return st.isNull(col) ? std::nullopt : std::optional(st.getDouble(col)); };
        while (st.step())
            rows.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4), st.getText(5),
                            st.getOptText(6).value_or(""), st.getOptText(7).value_or(""), st.getText(8), optInt(9),
                            optReal(10)});
        return rows;
    }, "db");
}

} // namespace synthembed::train
