#pragma once
/// A synthembed project: one SQLite file holding templates, jobs, samples, runs and results.

#include "core/store/sqlite.h"
#include "core/util/result.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace synthembed::store {

struct ProjectInfo {
    std::string path;
    int schemaVersion = 0;
    int latestSchemaVersion = 0;
    std::vector<std::pair<std::string, std::int64_t>> tableCounts;
};

class Project {
public:
    /// Opens an existing project, migrating it to the latest schema. Fails without touching the
    /// file when it is not a synthembed project, is corrupt, or has a newer schema version.
    static Result<Project> open(const std::filesystem::path& path);
    /// Creates a new project (parent directories too); fails if the file already exists.
    static Result<Project> create(const std::filesystem::path& path);
    /// Opens the project, creating it if the file does not exist.
    static Result<Project> openOrCreate(const std::filesystem::path& path);
    /// A second, read-only connection to a project that is open elsewhere, for a reader on another
    /// thread (counts, change probes): no migration and no integrity check, so it opens in well
    /// under a millisecond. Fails, naming the file, when it is not a synthembed project of this
    /// build's latest schema.
    static Result<Project> openReader(const std::filesystem::path& path);

    Project(Project&&) noexcept = default;
    Project& operator=(Project&&) noexcept = default;

    const std::filesystem::path& path() const { return m_db.path(); }
    const db::Database& db() const { return m_db; }

    ProjectInfo info() const;
    int schemaVersion() const;

    std::optional<std::string> setting(const std::string& key) const;
    void setSetting(const std::string& key, const std::string& value) const;

    /// Called after the schema exists on a brand-new project (e.g. to import shipped templates).
    /// Registered once by modules that seed projects; runs inside the creating process only.
    using Seeder = void (*)(const Project&);
    static void addSeeder(Seeder seeder);

private:
    explicit Project(db::Database db) : m_db(std::move(db)) {}
    static void configure(const db::Database& db);
    db::Database m_db;
};

/// Checks a file without modifying it: ok for a synthembed project of a schema this build can
/// open (or an empty file), an Error naming the problem otherwise.
Status checkProjectFile(const std::filesystem::path& path);

} // namespace synthembed::store
