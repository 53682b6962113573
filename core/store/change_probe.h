#pragma once
/// Noticing that a project changed, whoever changed it: this process (any connection), another
/// window or another process (the CLI). A probe owns its own read-only connection, so SQLite's
/// PRAGMA data_version moves for every commit of every other connection, the caller's included.
/// dataVersion() is the cheap check (microseconds); stamp() says which tables changed (row count,
/// largest rowid and markers of in-place updates per table; milliseconds on large projects).
/// A probe is used by one thread at a time.

#include "core/store/project.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace synthembed::store {

struct TableStamp {
    std::int64_t rows = 0;
    std::int64_t maxRowid = 0;
    /// Hash of what in-place updates change (status counts, states); 0 when not tracked.
    std::uint64_t marker = 0;
    /// The same for what only a full scan sees (the samples' newest updated_at); 0 when not tracked.
    std::uint64_t slowMarker = 0;
    bool operator==(const TableStamp&) const = default;
};

/// Stamps of the project's tables at one moment, by table name.
struct ProjectStamp {
    std::map<std::string, TableStamp> tables;
    std::int64_t rows(const std::string& table) const;
};

/// Tables whose stamps differ between two moments (present in only one counts as changed), sorted.
std::vector<std::string> changedTables(const ProjectStamp& before, const ProjectStamp& after);

class ChangeProbe {
public:
    /// Opens a read-only connection to a project (Project::openReader).
    static Result<ChangeProbe> open(const std::filesystem::path& projectFile);

    ChangeProbe(ChangeProbe&&) noexcept = default;
    ChangeProbe& operator=(ChangeProbe&&) noexcept = default;

    const std::filesystem::path& path() const { return m_project.path(); }

    /// PRAGMA data_version of the probe's connection: changes after any commit by another
    /// connection to the file (in this process or another). Microseconds.
    std::int64_t dataVersion() const;
    /// Stamps of every project table (projectTables()); a table this schema lacks is left out.
    /// Milliseconds even on a large project, except the slow markers (a full scan of the samples,
    /// ~0.1 s per 100k): with slowFrom given they are copied from it instead of read, so a caller
    /// can read them less often than the rest.
    Result<ProjectStamp> stamp(const ProjectStamp* slowFrom = nullptr) const;

private:
    explicit ChangeProbe(Project project) : m_project(std::move(project)) {}
    Project m_project;
};

} // namespace synthembed::store
