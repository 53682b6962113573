#pragma once
/// Thin RAII wrapper over the SQLite C API: prepared statements only, transactions as scopes.
/// Errors throw Failure (code "db") carrying SQLite's message and the statement; the project
/// API converts them into Result values at its edge.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

/// The current UTC time as the project stores it (ISO-8601 with milliseconds, e.g.
/// 2026-01-31T12:00:00.123Z), as an SQL expression; a string literal, so it joins other literals:
/// "UPDATE jobs SET updated_at = " SYNTHEMBED_SQL_NOW " WHERE id = ?".
#define SYNTHEMBED_SQL_NOW "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

namespace synthembed::db {

class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based like SQLite's.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindBlob(int index, const void* data, std::size_t size);
    Statement& bindNull(int index);
    template <class T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }
    /// Binds all arguments in order starting at 1.
    template <class... Args>
    Statement& bindAll(const Args&... args) {
        int i = 1;
        (bind(i++, args), ...);
        return *this;
    }

    /// Advances; true while a row is available.
    bool step();
    /// Runs a statement that returns no rows (or ignores them) and resets it.
    void run();
    void reset();

    int columnCount() const;
    bool isNull(int col) const;
    std::int64_t getInt(int col) const;
    double getDouble(int col) const;
    std::string getText(int col) const;
    std::optional<std::string> getOptText(int col) const;
    std::vector<unsigned char> getBlob(int col) const;
    std::string columnName(int col) const;

private:
    void check(int rc, const char* what) const;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

enum class OpenMode { ReadOnly, ReadWrite, ReadWriteCreate };

class Database {
public:
    Database() = default;
    /// Opens (or creates) a database file; throws Failure{"db"} naming the path on failure.
    Database(const std::filesystem::path& path, OpenMode mode);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool isOpen() const { return m_db != nullptr; }
    const std::filesystem::path& path() const { return m_path; }
    sqlite3* handle() const { return m_db; }

    Statement prepare(std::string_view sql) const { return Statement(m_db, sql); }
    /// Runs one parameterless statement (a PRAGMA or DDL). Not for user data.
    void execute(std::string_view sql) const;
    /// Runs a script of several DDL statements (migrations).
    void executeScript(const std::string& sql) const;
    /// First column of the first row as integer (or fallback when no row).
    std::int64_t queryInt(std::string_view sql, std::int64_t fallback = 0) const;
    std::int64_t lastInsertId() const;
    int changes() const;
    void setBusyTimeout(int milliseconds) const;
    void close();

private:
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

/// BEGIN IMMEDIATE on construction; rolls back in the destructor unless commit() was called.
class Transaction {
public:
    explicit Transaction(const Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    const Database& m_db;
    bool m_done = false;
};

/// Runs fn inside a transaction; commits if it returns, rolls back if it throws.
template <class F>
auto inTransaction(const Database& db, F&& fn) {
    Transaction tx(db);
    if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        tx.commit();
    } else {
        auto r = fn();
        tx.commit();
        return r;
    }
}

std::string sqliteVersion();

} // namespace synthembed::db
