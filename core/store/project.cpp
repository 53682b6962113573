#include "core/store/project.h"

#include "core/store/schema.h"
#include "core/util/log.h"

#include <system_error>

namespace fs = std::filesystem;

namespace synthembed::store {

namespace {
std::vector<Project::Seeder>& seeders() {
    static std::vector<Project::Seeder> s;
    return s;
}
} // namespace

void Project::addSeeder(Seeder seeder) { seeders().push_back(seeder); }

Status checkProjectFile(const fs::path& path) {
    return guarded([&] {
        std::error_code ec;
        if (!fs::exists(path, ec)) throw Failure("not_found", path.string() + ": no such project file");
        if (fs::file_size(path, ec) == 0) return; // an empty file becomes a project
        db::Database ro(path, db::OpenMode::ReadOnly);
        std::int64_t appId = 0, version = 0, tables = 0;
        try {
            appId = ro.queryInt("PRAGMA application_id");
            version = ro.queryInt("PRAGMA user_version");
            tables = ro.queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
        } catch (const Failure& f) {
            throw Failure("corrupt", path.string() + ": not a readable SQLite database (" + f.what() + ")");
        }
        if (appId != kApplicationId) {
            if (tables == 0 && version == 0 && appId == 0) return; // empty SQLite database
            throw Failure("db", path.string() +
                                             ": not a synthembed project (it is an SQLite database of another "
                                             "application; application_id " + std::to_string(appId) + ")");
        }
        if (version > latestSchemaVersion())
            throw Failure("schema", path.string() + ": project schema version " + std::to_string(version) +
                                              " is newer than this synthembed supports (" +
                                              std::to_string(latestSchemaVersion()) +
                                              "); upgrade synthembed to open it");
        auto st = ro.prepare("PRAGMA quick_check");
        if (st.step() && st.getText(0) != "ok")
            throw Failure("corrupt", path.string() + ": database is damaged: " + st.getText(0));
    }, "corrupt");
}

void Project::configure(const db::Database& db) {
    db.setBusyTimeout(10000);
    db.execute("PRAGMA foreign_keys = ON");
    db.prepare("PRAGMA journal_mode = WAL").run();
    db.execute("PRAGMA synchronous = NORMAL");
}

Result<Project> Project::open(const fs::path& path) {
    if (auto st = checkProjectFile(path); !st) return st.error();
    return guarded([&]() -> Result<Project> {
        db::Database db(path, db::OpenMode::ReadWrite);
        configure(db);
        bool fresh = db.queryInt("PRAGMA user_version") == 0;
        migrate(db);
        Project p(std::move(db));
        if (fresh)
            for (auto s : seeders()) s(p);
        return p;
    }, "db");
}

Result<Project> Project::openReader(const fs::path& path) {
    return guarded([&]() -> Result<Project> {
        std::error_code ec;
        if (!fs::exists(path, ec)) return Error{"not_found", path.string() + ": no such project file"};
        db::Database db(path, db::OpenMode::ReadOnly);
        db.setBusyTimeout(5000);
        const auto appId = db.queryInt("PRAGMA application_id");
        const auto version = db.queryInt("PRAGMA user_version");
        if (appId != kApplicationId)
            return Error{"db", path.string() + ": not a synthembed project (application_id " +
                                            std::to_string(appId) + ")"};
        if (version != latestSchemaVersion())
            return Error{"schema", path.string() + ": project schema version " + std::to_string(version) +
                                       ", expected " + std::to_string(latestSchemaVersion()) +
                                       " (open it read-write once to migrate it)"};
        return Project(std::move(db));
    }, "db");
}

Result<Project> Project::create(const fs::path& path) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) > 0)
        return Error{"exists", path.string() + ": file already exists"};
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) return Error{"io", path.parent_path().string() + ": cannot create directory: " + ec.message()};
    }
    return guarded([&]() -> Result<Project> {
        {
            db::Database db(path, db::OpenMode::ReadWriteCreate);
        }
        auto p = open(path);
        if (!p) fs::remove(path, ec);
        return p;
    }, "db");
}

Result<Project> Project::openOrCreate(const fs::path& path) {
    std::error_code ec;
    return fs::exists(path, ec) ? open(path) : create(path);
}

int Project::schemaVersion() const { return static_cast<int>(m_db.queryInt("PRAGMA user_version")); }

ProjectInfo Project::info() const {
    ProjectInfo info;
    info.path = path().string();
    info.schemaVersion = schemaVersion();
    info.latestSchemaVersion = latestSchemaVersion();
    for (const auto& table : projectTables()) {
        // Table names come from our own fixed list, never from input.
        info.tableCounts.emplace_back(table, m_db.queryInt("SELECT count(*) FROM " + table));
    }
    return info;
}

std::optional<std::string> Project::setting(const std::string& key) const {
    auto st = m_db.prepare("SELECT value FROM settings WHERE key = ?");
    st.bind(1, key);
    if (st.step()) return st.getText(0);
    return std::nullopt;
}

void Project::setSetting(const std::string& key, const std::string& value) const {
    db::inTransaction(m_db, [&] {
        m_db.prepare("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                     "excluded.value, updated_at = " SYNTHEMBED_SQL_NOW)
            .bindAll(key, value)
            .run();
    });
}

} // namespace synthembed::store
