#include "core/store/sqlite.h"

#include "core/util/result.h"

#include <sqlite3.h>

namespace synthembed::db {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, const std::string& context) {
    std::string msg = context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    throw Failure(rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? "db_busy" : "db", msg);
}
} // namespace

// ---- Statement ----

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &m_stmt, &tail);
    if (rc != SQLITE_OK) fail(db, rc, "preparing \"" + std::string(sql.substr(0, 120)) + "\"");
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement::Statement(Statement&& o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt) { o.m_stmt = nullptr; }

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        sqlite3_finalize(m_stmt);
        m_db = o.m_db;
        m_stmt = o.m_stmt;
        o.m_stmt = nullptr;
    }
    return *this;
}

void Statement::check(int rc, const char* what) const {
    if (rc != SQLITE_OK) fail(m_db, rc, std::string(what) + " in \"" + (m_stmt ? sqlite3_sql(m_stmt) : "") + "\"");
}

Statement& Statement::bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(m_stmt, i, v), "binding");
    return *this;
}
Statement& Statement::bind(int i, double v) {
    check(sqlite3_bind_double(m_stmt, i, v), "binding");
    return *this;
}
Statement& Statement::bind(int i, std::string_view t) {
    check(sqlite3_bind_text64(m_stmt, i, t.data(), t.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "binding");
    return *this;
}
Statement& Statement::bindBlob(int i, const void* data, std::size_t size) {
    check(sqlite3_bind_blob64(m_stmt, i, data, size, SQLITE_TRANSIENT), "binding");
    return *this;
}
Statement& Statement::bindNull(int i) {
    check(sqlite3_bind_null(m_stmt, i), "binding");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string sql = sqlite3_sql(m_stmt);
    sqlite3_reset(m_stmt);
    fail(m_db, rc, "executing \"" + sql.substr(0, 120) + "\"");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }
bool Statement::isNull(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
std::int64_t Statement::getInt(int c) const { return sqlite3_column_int64(m_stmt, c); }
double Statement::getDouble(int c) const { return sqlite3_column_double(m_stmt, c); }
std::string Statement::getText(int c) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c))) : std::string();
}
std::optional<std::string> Statement::getOptText(int c) const {
    if (isNull(c)) return std::nullopt;
    return getText(c);
}
std::vector<unsigned char> Statement::getBlob(int c) const {
    auto p = static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, c));
    return p ? std::vector<unsigned char>(p, p + sqlite3_column_bytes(m_stmt, c)) : std::vector<unsigned char>();
}
std::string Statement::columnName(int c) const { return sqlite3_column_name(m_stmt, c); }

// ---- Database ----

Database::Database(const std::filesystem::path& path, OpenMode mode) : m_path(path) {
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case OpenMode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case OpenMode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    int rc = sqlite3_open_v2(path.string().c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Failure("db", path.string() + ": cannot open: " + msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
}

Database::~Database() { close(); }

Database::Database(Database&& o) noexcept : m_db(o.m_db), m_path(std::move(o.m_path)) { o.m_db = nullptr; }

Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        close();
        m_db = o.m_db;
        m_path = std::move(o.m_path);
        o.m_db = nullptr;
    }
    return *this;
}

void Database::close() {
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

void Database::execute(std::string_view sql) const { prepare(sql).run(); }

void Database::executeScript(const std::string& sql) const {
    char* err = nullptr;
    int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw Failure("db", m_path.string() + ": " + msg);
    }
}

std::int64_t Database::queryInt(std::string_view sql, std::int64_t fallback) const {
    auto st = prepare(sql);
    return st.step() ? st.getInt(0) : fallback;
}

std::int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }
void Database::setBusyTimeout(int ms) const { sqlite3_busy_timeout(m_db, ms); }

// ---- Transaction ----

Transaction::Transaction(const Database& db) : m_db(db) { m_db.execute("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_db.execute("ROLLBACK");
        } catch (...) {
            // Rollback fails only when SQLite already rolled back (e.g. on SQLITE_FULL).
        }
    }
}

void Transaction::commit() {
    m_db.execute("COMMIT");
    m_done = true;
}

std::string sqliteVersion() { return sqlite3_libversion(); }

} // namespace synthembed::db
