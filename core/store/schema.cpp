#include "core/store/schema.h"

#include "core/store/sqlite.h"
#include "core/util/log.h"
#include "core/util/result.h"

namespace synthembed::store {

namespace {
// v1: the whole project model. Times are UTC ISO-8601 text (SYNTHEMBED_SQL_NOW); JSON columns hold objects/arrays.
const char* kV1 = R"SQL(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
-- Templates are versioned: an edit inserts a new row with version+1; samples point at the row.
CREATE TABLE templates (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  family      TEXT NOT NULL,
  step        TEXT NOT NULL CHECK (step IN ('brainstorm','generate')),
  body        TEXT NOT NULL,
  metadata    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  UNIQUE (name, version)
);
-- Placeholder value pools (versioned like templates) and their weighted values.
CREATE TABLE pools (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  UNIQUE (name, version)
);
CREATE TABLE pool_values (
  pool_id   INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  value     TEXT NOT NULL,
  weight    REAL NOT NULL DEFAULT 1.0 CHECK (weight >= 0),
  PRIMARY KEY (pool_id, position)
);
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL DEFAULT '',
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending','running','paused','cancelled','done','failed')),
  target      INTEGER NOT NULL CHECK (target >= 0),
  seed        INTEGER NOT NULL DEFAULT 0,
  endpoint    TEXT NOT NULL DEFAULT '',
  model       TEXT NOT NULL DEFAULT '',
  config      TEXT NOT NULL DEFAULT '{}',
  error       TEXT,
  created_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  updated_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
CREATE TABLE requests (
  id                INTEGER PRIMARY KEY,
  job_id            INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  parent_id         INTEGER REFERENCES requests(id) ON DELETE CASCADE,
  kind              TEXT NOT NULL CHECK (kind IN ('brainstorm','generate')),
  template_id       INTEGER REFERENCES templates(id),
  family            TEXT NOT NULL,
  task              TEXT,
  prompt            TEXT NOT NULL,
  sampled_values    TEXT NOT NULL DEFAULT '{}',
  state             TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending','in_flight','done','failed')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  raw_answer        TEXT,
  error             TEXT,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  updated_at        TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
CREATE INDEX requests_job_state ON requests(job_id, state);
CREATE TABLE samples (
  id                INTEGER PRIMARY KEY,
  job_id            INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  request_id        INTEGER REFERENCES requests(id) ON DELETE SET NULL,
  template_id       INTEGER REFERENCES templates(id),
  family            TEXT NOT NULL,
  instruction       TEXT NOT NULL DEFAULT '',
  language          TEXT NOT NULL DEFAULT '',
  query             TEXT,
  positive          TEXT,
  negative          TEXT,
  sampled_values    TEXT NOT NULL DEFAULT '{}',
  status            TEXT NOT NULL DEFAULT 'accepted'
                    CHECK (status IN ('accepted','rejected','edited')),
  reject_reason     TEXT,
  raw_output        TEXT,
  original          TEXT,          -- JSON of the fields before a hand edit
  text_hash         TEXT,          -- normalised-text hash for exact dedup
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  source            TEXT NOT NULL DEFAULT 'generated',
  created_at        TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  updated_at        TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
CREATE INDEX samples_status ON samples(status, family, language);
CREATE INDEX samples_hash ON samples(text_hash);
CREATE TABLE training_runs (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL DEFAULT '',
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending','running','paused','stopped','done','failed')),
  base_model  TEXT NOT NULL,
  output_dir  TEXT NOT NULL DEFAULT '',
  config      TEXT NOT NULL DEFAULT '{}',
  error       TEXT,
  created_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL(),
  started_at  TEXT,
  finished_at TEXT
);
CREATE TABLE train_metrics (
  run_id    INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  step      INTEGER NOT NULL,
  name      TEXT NOT NULL,
  value     REAL NOT NULL,
  wall_time REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, step, name)
);
CREATE TABLE eval_results (
  id                INTEGER PRIMARY KEY,
  run_id            INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
  model_fingerprint TEXT NOT NULL,
  task_type         TEXT NOT NULL,
  dataset           TEXT NOT NULL,
  split             TEXT NOT NULL DEFAULT 'test',
  main_score        REAL NOT NULL,
  metrics           TEXT NOT NULL DEFAULT '{}',
  created_at        TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
)SQL";

// v2: evaluation timings and search indexes kept with their metadata.
const char* kV2 = R"SQL(
ALTER TABLE eval_results ADD COLUMN timings TEXT NOT NULL DEFAULT '{}';
CREATE TABLE search_indexes (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  backend     TEXT NOT NULL CHECK (backend IN ('exact','hnsw','faiss')),
  path        TEXT NOT NULL,
  model       TEXT NOT NULL,
  pooling     TEXT NOT NULL,
  instruction TEXT NOT NULL DEFAULT '',
  dim         INTEGER NOT NULL,
  count       INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL DEFAULT ()SQL" SYNTHEMBED_SQL_NOW R"SQL()
);
)SQL";

// v3: generation queue bookkeeping: which process runs a job (so two cannot run one job), the
// brainstormed tasks of two-step families, the template and seed index of each request, and
// curation flags (near-duplicate, contamination) on samples.
const char* kV3 = R"SQL(
ALTER TABLE jobs ADD COLUMN runner_pid INTEGER;
ALTER TABLE jobs ADD COLUMN runner_host TEXT;
ALTER TABLE requests ADD COLUMN template_name TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN http_status INTEGER;
CREATE INDEX requests_job_kind ON requests(job_id, family, kind, seq);
CREATE TABLE gen_tasks (
  id         INTEGER PRIMARY KEY,
  job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  family     TEXT NOT NULL,
  task       TEXT NOT NULL,
  used_by    INTEGER REFERENCES requests(id) ON DELETE SET NULL,
  UNIQUE (job_id, family, task)
);
CREATE INDEX gen_tasks_free ON gen_tasks(job_id, family, used_by);
ALTER TABLE samples ADD COLUMN flags TEXT NOT NULL DEFAULT '{}';
CREATE INDEX samples_job ON samples(job_id, status);
)SQL";

// v4: evaluation details (pooling, instruction, counts, per-item scores for paired bootstraps).
const char* kV4 = R"SQL(
ALTER TABLE eval_results ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
CREATE INDEX eval_results_model ON eval_results(model_fingerprint, task_type, dataset);
)SQL";

// v5: OpenAI Batch exports. A request written to a Batch file is `exported` (named by batch_file)
// until its result is imported, so a run never buys it again. The state CHECK is widened in place
// (see migrate(): removing or widening a CHECK does not change the stored rows, SQLite's documented
// writable_schema procedure, so the table and the foreign keys into it stay as they are).
const char* kV5 = R"SQL(
ALTER TABLE requests ADD COLUMN batch_file TEXT;
)SQL";

// v6: the latest retry or failure of a job, in the server's (or curl's) words, written by whichever
// process runs it, so every window shows why a job is retrying, not only the one that runs it.
const char* kV6 = R"SQL(
ALTER TABLE jobs ADD COLUMN last_error TEXT;
)SQL";

const std::vector<Migration> kMigrations = {
    {1, "project model: templates, pools, jobs, requests, samples, training, evaluation, settings", kV1},
    {2, "evaluation timings; search index registry", kV2},
    {3, "generation queue: job runner, request template/seq, brainstormed tasks, sample flags", kV3},
    {4, "evaluation details (per-item scores for paired comparisons)", kV4},
    {5, "generation queue: requests exported to OpenAI Batch files", kV5},
    {6, "generation queue: the latest error of a job's run", kV6},
};
} // namespace

namespace {
// Adds 'exported' to the requests.state CHECK by editing the table's stored definition (inside
// migrate()'s transaction), then bumps schema_version so every connection reloads it.
void widenRequestStates(const db::Database& db) {
    const auto schemaVersion = db.queryInt("PRAGMA schema_version");
    db.executeScript("PRAGMA writable_schema = ON;"
                     "UPDATE sqlite_master SET sql = replace(sql, "
                     "'CHECK (state IN (''pending'',''in_flight'',''done'',''failed''))', "
                     "'CHECK (state IN (''pending'',''in_flight'',''exported'',''done'',''failed''))') "
                     "WHERE type = 'table' AND name = 'requests';"
                     "PRAGMA schema_version = " +
                     std::to_string(schemaVersion + 1) + ";PRAGMA writable_schema = OFF;");
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'requests' AND "
                    "sql LIKE '%''exported''%'") != 1)
        throw Failure("db", "schema v5: the requests table's state constraint has an unexpected form");
}
} // namespace

const std::vector<Migration>& migrations() { return kMigrations; }
int latestSchemaVersion() { return kMigrations.back().version; }

void migrate(const db::Database& db, int target) {
    if (target < 0) target = latestSchemaVersion();
    int current = static_cast<int>(db.queryInt("PRAGMA user_version"));
    for (const auto& m : kMigrations) {
        if (m.version <= current || m.version > target) continue;
        db::Transaction tx(db);
        db.executeScript(m.sql);
        if (m.version == 5) widenRequestStates(db);
        if (m.version == 1) {
            db.executeScript("PRAGMA application_id = " + std::to_string(kApplicationId) + ";");
            db.prepare("INSERT INTO meta(key, value) VALUES ('created_by', 'synthembed')").run();
        }
        db.executeScript("PRAGMA user_version = " + std::to_string(m.version) + ";");
        tx.commit();
        log::info("project ", db.path().string(), ": schema migrated to version ", m.version, " (", m.summary,
                  ")");
    }
}

std::vector<std::string> projectTables() {
    return {"templates",     "pools",         "pool_values",  "jobs",           "requests", "samples",
            "training_runs", "train_metrics", "eval_results", "search_indexes", "settings", "gen_tasks"};
}

} // namespace synthembed::store
