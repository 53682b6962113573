#include "core/store/change_probe.h"

#include "core/store/schema.h"
#include "core/store/sqlite.h"
#include "core/util/log.h"

#include <algorithm>
#include <optional>
#include <set>

namespace synthembed::store {

namespace {

// Each statement reads one table: rows, largest rowid, and text that in-place updates change
// (NULL where rows are only ever added or removed). Small tables list their states (settings their
// whole content); samples give their status counts (from the samples_status index) and newest
// update time.
// The slow statement (a full scan on a large table) is skipped when stamp() is given slowFrom.
struct TableProbe {
    const char* table;
    const char* sql;
    const char* slowSql = nullptr;
};
const TableProbe kProbes[] = {
    {"settings", "SELECT count(*), 0, group_concat(key || char(31) || value, char(30)) FROM settings"},
    {"jobs", "SELECT count(*), coalesce(max(id), 0), group_concat(id || ':' || state || ':' || updated_at) FROM jobs"},
    {"samples",
     "SELECT count(*), coalesce(max(id), 0), (SELECT coalesce(group_concat(status || ':' || n), '') FROM "
     "(SELECT status, count(*) AS n FROM samples GROUP BY status)) FROM samples",
     "SELECT coalesce(max(updated_at), '') FROM samples"},
    {"training_runs",
     "SELECT count(*), coalesce(max(id), 0), group_concat(id || ':' || state || ':' || coalesce(started_at, '') || "
     "':' || coalesce(finished_at, '') || ':' || length(config)) FROM training_runs"},
    {"search_indexes",
     "SELECT count(*), coalesce(max(id), 0), group_concat(id || ':' || count || ':' || created_at) FROM search_indexes"},
};

std::uint64_t fnv1a(const std::string& s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace

std::int64_t ProjectStamp::rows(const std::string& table) const {
    auto it = tables.find(table);
    return it == tables.end() ? 0 : it->second.rows;
}

std::vector<std::string> changedTables(const ProjectStamp& before, const ProjectStamp& after) {
    std::set<std::string> out;
    for (const auto& [name, s] : after.tables) {
        auto it = before.tables.find(name);
        if (it == before.tables.end() || !(it->second == s)) out.insert(name);
    }
    for (const auto& [name, s] : before.tables)
        if (!after.tables.count(name)) out.insert(name);
    return {out.begin(), out.end()};
}

Result<ChangeProbe> ChangeProbe::open(const std::filesystem::path& projectFile) {
    auto reader = Project::openReader(projectFile);
    if (!reader) return reader.error();
    return ChangeProbe(std::move(reader).take());
}

std::int64_t ChangeProbe::dataVersion() const { return m_project.db().queryInt("PRAGMA data_version"); }

Result<ProjectStamp> ChangeProbe::stamp(const ProjectStamp* slowFrom) const {
    return guarded([&]() -> Result<ProjectStamp> {
        const auto& db = m_project.db();
        ProjectStamp out;
        // One read transaction: every table from the same snapshot.
        db.execute("BEGIN");
        try {
            for (const auto& table : projectTables()) {
                const auto* probe = std::find_if(std::begin(kProbes), std::end(kProbes),
                                                 [&](const TableProbe& p) { return table == p.table; });
                // Table names come from the schema's fixed list, never from input.
                const std::string sql = probe != std::end(kProbes)
                                            ? std::string(probe->sql)
                                            : "SELECT count(*), coalesce(max(rowid), 0), NULL FROM " + table;
                std::optional<db::Statement> st;
                try {
                    st.emplace(db.prepare(sql));
                } catch (const Failure& f) {
                    log::debug("change probe: ", table, " left out: ", f.what());
                    continue;
                }
                if (!st->step()) continue;
                TableStamp s;
                s.rows = st->getInt(0);
                s.maxRowid = st->getInt(1);
                if (!st->isNull(2)) s.marker = fnv1a(st->getText(2));
                if (probe != std::end(kProbes) && probe->slowSql) {
                    if (slowFrom) {
                        auto prev = slowFrom->tables.find(table);
                        if (prev != slowFrom->tables.end()) s.slowMarker = prev->second.slowMarker;
                    } else {
                        auto slow = db.prepare(probe->slowSql);
                        if (slow.step() && !slow.isNull(0)) s.slowMarker = fnv1a(slow.getText(0));
                    }
                }
                out.tables.emplace(table, s);
            }
        } catch (...) {
            db.execute("ROLLBACK");
            throw;
        }
        db.execute("COMMIT");
        return out;
    }, "db");
}

} // namespace synthembed::store
