#pragma once
/// The project schema as an append-only list of migrations, applied at open (PRAGMA user_version).

#include <string>
#include <vector>

namespace synthembed::db {
class Database;
}

namespace synthembed::store {

/// 'SYNE': written to PRAGMA application_id so a synthembed project is recognised as such.
constexpr int kApplicationId = 0x53594E45;

struct Migration {
    int version;          ///< user_version after this migration
    const char* summary;  ///< one line, shown by `info --verbose`
    const char* sql;      ///< DDL script
};

/// All migrations in order; entry i brings the schema to version i+1. Never edit a shipped one:
/// append a new migration instead.
const std::vector<Migration>& migrations();
int latestSchemaVersion();

/// Applies migrations from the file's current version up to `target` (default latest), each in
/// its own transaction together with the user_version bump.
void migrate(const db::Database& db, int target = -1);

/// Tables counted by `info` (every user table of the latest schema).
std::vector<std::string> projectTables();

} // namespace synthembed::store
