#include "core/prompts/prompt_store.h"

#include "core/prompts/text_util.h"
#include "core/util/durable.h"
#include "core/util/log.h"
#include "core/util/paths.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>

namespace fs = std::filesystem;
using nlohmann::json;

namespace synthembed::prompts {

namespace {

std::string metadataJson(const TemplateMeta& m) {
    json keys = json::array(), placeholders = json::array();
    for (const auto& k : m.keys) keys.push_back({{"name", k.name}, {"role", roleName(k.role)}});
    for (const auto& p : m.placeholders) placeholders.push_back({{"placeholder", p.placeholder}, {"pool", p.pool}});
    json j = {{"name", m.name},
              {"description", m.description},
              {"keys", keys},
              {"placeholders", placeholders},
              {"inputs", m.inputs},
              {"distinct", m.distinct},
              {"instruction", m.instruction},
              {"example_task", m.exampleTask}};
    return j.dump();
}

TemplateMeta metaFromRow(const std::string& name, const std::string& family, const std::string& step,
                         const std::string& metadata) {
    TemplateMeta m;
    m.name = name;
    m.family = family;
    m.step = parseStep(step).value_or(Step::Generate);
    json j = json::parse(metadata, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw Failure("corrupt", "template " + name + ": metadata column is not a JSON object");
    m.description = j.value("description", "");
    m.instruction = j.value("instruction", "");
    m.exampleTask = j.value("example_task", "");
    for (const auto& k : j.value("keys", json::array()))
        if (auto r = parseRole(k.value("role", ""))) m.keys.push_back({k.value("name", ""), *r});
    for (const auto& p : j.value("placeholders", json::array()))
        m.placeholders.push_back({p.value("placeholder", ""), p.value("pool", "")});
    for (const auto& s : j.value("inputs", json::array())) m.inputs.push_back(s.get<std::string>());
    for (const auto& s : j.value("distinct", json::array())) m.distinct.push_back(s.get<std::string>());
    return m;
}

bool safeFileName(std::string_view name) {
    if (name.empty() || name[0] == '.') return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            return false;
    return true;
}

const char* kTemplateColumns = "id, name, version, family, step, body, metadata, created_at";

struct TemplateRow {
    std::int64_t id = 0;
    std::string name;
    int version = 0;
    std::string family, step, body, metadata, createdAt;
};

TemplateRow readTemplateRow(const db::Statement& st) {
    return {st.getInt(0),  st.getText(1), static_cast<int>(st.getInt(2)), st.getText(3),
            st.getText(4), st.getText(5), st.getText(6),                  st.getText(7)};
}

std::string rowText(const TemplateRow& r) {
    return formatTemplateFile(metaFromRow(r.name, r.family, r.step, r.metadata), r.body);
}

Template rowTemplate(const TemplateRow& r) {
    auto parsed = parseTemplateFile(rowText(r));
    parsed.tpl.id = r.id;
    parsed.tpl.version = r.version;
    return std::move(parsed.tpl);
}

TemplateVersion rowVersion(const TemplateRow& r) {
    TemplateVersion v;
    v.id = r.id;
    v.name = r.name;
    v.version = r.version;
    v.family = r.family;
    v.step = parseStep(r.step).value_or(Step::Generate);
    v.description = metaFromRow(r.name, r.family, r.step, r.metadata).description;
    v.createdAt = r.createdAt;
    return v;
}

std::optional<TemplateRow> latestTemplateRow(const db::Database& db, std::string_view name, int version) {
    auto st = db.prepare(std::string("SELECT ") + kTemplateColumns +
                         " FROM templates WHERE name = ? AND (? = 0 OR version = ?) ORDER BY version DESC LIMIT 1");
    st.bindAll(std::string(name), version, version);
    if (!st.step()) return std::nullopt;
    return readTemplateRow(st);
}

Pool readPool(const db::Database& db, std::int64_t id, const std::string& name, int version,
              const std::string& description) {
    Pool p;
    p.id = id;
    p.name = name;
    p.version = version;
    p.description = description;
    auto st = db.prepare("SELECT value, weight FROM pool_values WHERE pool_id = ? ORDER BY position");
    st.bind(1, id);
    while (st.step()) p.values.push_back({st.getText(0), st.getDouble(1)});
    return p;
}

std::optional<Pool> latestPool(const db::Database& db, std::string_view name, int version) {
    auto st = db.prepare("SELECT id, name, version, description FROM pools WHERE name = ? AND (? = 0 OR version = ?) "
                         "ORDER BY version DESC LIMIT 1");
    st.bindAll(std::string(name), version, version);
    if (!st.step()) return std::nullopt;
    return readPool(db, st.getInt(0), st.getText(1), static_cast<int>(st.getInt(2)), st.getText(3));
}

// Inserts when different from the latest version; returns {row id, version, added}.
struct Saved {
    std::int64_t id;
    int version;
    bool added;
};

Saved insertTemplate(const db::Database& db, const TemplateMeta& meta, std::string_view body) {
    if (meta.name.empty() || !safeFileName(meta.name))
        throw Failure("invalid", "template name '" + meta.name + "' must be letters, digits, '.', '-' or '_'");
    if (!isFamily(meta.family)) throw Failure("invalid", "template " + meta.name + ": unknown family '" + meta.family + "'");
    // Store the body exactly as the file form would hold it, so re-imports compare equal.
    auto parsed = parseTemplateFile(formatTemplateFile(meta, body));
    const TemplateMeta& m = parsed.tpl.meta;
    const std::string text = formatTemplateFile(m, parsed.tpl.body); // normalised (trailing blanks)
    auto latest = latestTemplateRow(db, m.name, 0);
    if (latest && rowText(*latest) == text) return {latest->id, latest->version, false};
    const int version = latest ? latest->version + 1 : 1;
    db.prepare("INSERT INTO templates(name, version, family, step, body, metadata) VALUES (?, ?, ?, ?, ?, ?)")
        .bindAll(m.name, version, m.family, std::string(stepName(m.step)), parsed.tpl.body, metadataJson(m))
        .run();
    return {db.lastInsertId(), version, true};
}

Saved insertPool(const db::Database& db, const Pool& pool) {
    if (!detail::isIdentifier(pool.name))
        throw Failure("invalid", "pool name '" + pool.name + "' must be letters, digits and '_'");
    auto latest = latestPool(db, pool.name, 0);
    if (latest && formatPoolFile(*latest) == formatPoolFile(pool)) return {latest->id, latest->version, false};
    const int version = latest ? latest->version + 1 : 1;
    db.prepare("INSERT INTO pools(name, version, description) VALUES (?, ?, ?)")
        .bindAll(pool.name, version, detail::oneLine(pool.description))
        .run();
    const std::int64_t id = db.lastInsertId();
    auto ins = db.prepare("INSERT INTO pool_values(pool_id, position, value, weight) VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < pool.values.size(); ++i) {
        if (!(pool.values[i].weight >= 0))
            throw Failure("invalid", "pool " + pool.name + ": value '" + pool.values[i].value + "' has a negative weight");
        ins.bindAll(id, static_cast<std::int64_t>(i), detail::oneLine(pool.values[i].value), pool.values[i].weight);
        ins.run();
    }
    return {id, version, true};
}

} // namespace

Result<ImportReport> PromptStore::importDirectory(const fs::path& dir) const {
    return guarded([&]() -> ImportReport {
        auto lib = loadLibrary(dir);
        if (!lib) throw Failure(lib.error().code, lib.error().message);
        ImportReport report;
        report.diagnostics = lib->diagnostics;
        db::inTransaction(m_db, [&] {
            for (const auto& p : lib->pools.pools()) {
                if (p.name.empty() || !detail::isIdentifier(p.name)) continue; // reported as a diagnostic
                (insertPool(m_db, p).added ? report.poolsAdded : report.poolsUnchanged)++;
            }
            for (const auto& t : lib->templates) {
                if (!isFamily(t.meta.family) || t.meta.name.empty()) continue; // reported as a diagnostic
                (insertTemplate(m_db, t.meta, t.body).added ? report.templatesAdded : report.templatesUnchanged)++;
            }
        });
        return report;
    }, "db");
}

Result<TemplateVersion> PromptStore::saveTemplate(std::string_view fileText) const {
    auto parsed = parseTemplateFile(fileText);
    for (const auto& d : parsed.diagnostics)
        if (d.code == "bad_family" || d.code == "bad_step" || (d.code == "bad_header" && d.pos.offset == 0))
            return Error{"invalid", formatDiagnostic(d)};
    return saveTemplate(parsed.tpl.meta, parsed.tpl.body);
}

Result<TemplateVersion> PromptStore::saveTemplate(const TemplateMeta& meta, std::string_view body) const {
    return guarded([&]() -> TemplateVersion {
        auto saved = db::inTransaction(m_db, [&] { return insertTemplate(m_db, meta, body); });
        auto st = m_db.prepare(std::string("SELECT ") + kTemplateColumns + " FROM templates WHERE id = ?");
        st.bind(1, saved.id);
        if (!st.step()) throw Failure("db", "template row vanished");
        return rowVersion(readTemplateRow(st));
    }, "db");
}

Result<PoolVersion> PromptStore::savePool(const Pool& pool) const {
    return guarded([&]() -> PoolVersion {
        auto saved = db::inTransaction(m_db, [&] { return insertPool(m_db, pool); });
        auto versions = poolVersions(pool.name);
        if (!versions) throw Failure(versions.error().code, versions.error().message);
        for (auto& v : *versions)
            if (v.id == saved.id) return v;
        throw Failure("db", "pool row vanished");
    }, "db");
}

Result<std::vector<TemplateVersion>> PromptStore::templateVersions(std::string_view name) const {
    return guarded([&] {
        auto st = m_db.prepare(std::string("SELECT ") + kTemplateColumns +
                               " FROM templates WHERE ? = '' OR name = ? ORDER BY name, version");
        st.bindAll(std::string(name), std::string(name));
        std::vector<TemplateVersion> out;
        while (st.step()) out.push_back(rowVersion(readTemplateRow(st)));
        return out;
    }, "db");
}

Result<Template> PromptStore::templateAt(std::string_view name, int version) const {
    return guarded([&]() -> Template {
        auto row = latestTemplateRow(m_db, name, version);
        if (!row)
            throw Failure("not_found", "no template '" + std::string(name) + "'" +
                                           (version ? " version " + std::to_string(version) : std::string()));
        return rowTemplate(*row);
    }, "db");
}

Result<Template> PromptStore::templateById(std::int64_t id) const {
    return guarded([&]() -> Template {
        auto st = m_db.prepare(std::string("SELECT ") + kTemplateColumns + " FROM templates WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) throw Failure("not_found", "no template with id " + std::to_string(id));
        return rowTemplate(readTemplateRow(st));
    }, "db");
}

Result<std::string> PromptStore::templateText(std::string_view name, int version) const {
    return guarded([&]() -> std::string {
        auto row = latestTemplateRow(m_db, name, version);
        if (!row) throw Failure("not_found", "no template '" + std::string(name) + "'");
        return rowText(*row);
    }, "db");
}

Result<std::vector<PoolVersion>> PromptStore::poolVersions(std::string_view name) const {
    return guarded([&] {
        auto st = m_db.prepare("SELECT p.id, p.name, p.version, p.description, p.created_at, "
                               "(SELECT count(*) FROM pool_values v WHERE v.pool_id = p.id) "
                               "FROM pools p WHERE ? = '' OR p.name = ? ORDER BY p.name, p.version");
        st.bindAll(std::string(name), std::string(name));
        std::vector<PoolVersion> out;
        while (st.step())
            out.push_back({st.getInt(0), st.getText(1), static_cast<int>(st.getInt(2)), st.getText(3),
                           static_cast<std::size_t>(st.getInt(5)), st.getText(4)});
        return out;
    }, "db");
}

Result<Pool> PromptStore::poolAt(std::string_view name, int version) const {
    return guarded([&]() -> Pool {
        auto p = latestPool(m_db, name, version);
        if (!p) throw Failure("not_found", "no pool '" + std::string(name) + "'");
        return std::move(*p);
    }, "db");
}

Result<Library> PromptStore::loadLatest() const {
    return guarded([&]() -> Library {
        Library lib;
        auto pools = m_db.prepare("SELECT id, name, version, description FROM pools p WHERE version = "
                                  "(SELECT max(version) FROM pools q WHERE q.name = p.name) ORDER BY name");
        while (pools.step())
            lib.pools.add(readPool(m_db, pools.getInt(0), pools.getText(1), static_cast<int>(pools.getInt(2)),
                                   pools.getText(3)));
        auto st = m_db.prepare(std::string("SELECT ") + kTemplateColumns +
                               " FROM templates t WHERE version = (SELECT max(version) FROM templates u WHERE "
                               "u.name = t.name) ORDER BY name");
        while (st.step()) {
            auto row = readTemplateRow(st);
            auto parsed = parseTemplateFile(rowText(row));
            parsed.tpl.id = row.id;
            parsed.tpl.version = row.version;
            const std::string src = "db:" + row.name + "@v" + std::to_string(row.version);
            for (auto& d : parsed.diagnostics) lib.diagnostics.push_back({src, d});
            for (auto& d : validateTemplate(parsed.tpl, lib.pools)) lib.diagnostics.push_back({src, d});
            lib.templates.push_back(std::move(parsed.tpl));
        }
        for (const auto& p : lib.pools.pools())
            if (p.values.empty() || p.totalWeight() == 0) {
                Diagnostic d;
                d.code = "empty_pool";
                d.message = "pool has no values with a weight above 0";
                lib.diagnostics.push_back({"db:pool:" + p.name + "@v" + std::to_string(p.version), d});
            }
        auto more = checkCompleteness(lib);
        lib.diagnostics.insert(lib.diagnostics.end(), more.begin(), more.end());
        return lib;
    }, "db");
}

Result<int> PromptStore::exportDirectory(const fs::path& dir, bool overwrite) const {
    return guarded([&]() -> int {
        auto lib = loadLatest();
        if (!lib) throw Failure(lib.error().code, lib.error().message);
        // Every target is decided (and checked) before the first write: a crafted name in the
        // database (`../../x`) must not leave DIR, and a refusal must not leave half an export.
        std::vector<std::pair<fs::path, std::string>> files;
        for (const auto& p : lib->pools.pools())
            files.emplace_back(durable::childPath(dir / "pools", p.name, ".pool", "pool"), formatPoolFile(p));
        for (const auto& t : lib->templates)
            files.emplace_back(durable::childPath(dir / "templates", t.meta.name, ".prompt", "template"),
                               formatTemplateFile(t.meta, t.body));
        std::error_code ec;
        if (!overwrite)
            for (const auto& [path, text] : files)
                if (fs::exists(path, ec))
                    throw Failure("exists", path.string() +
                                                " already exists: pass --force to replace the files in " +
                                                dir.string());
        fs::create_directories(dir / "templates", ec);
        if (!ec) fs::create_directories(dir / "pools", ec);
        if (ec) throw Failure("io", dir.string() + ": cannot create directory: " + ec.message());
        for (const auto& [path, text] : files)
            durable::writeFile(path, text);
        return static_cast<int>(files.size());
    }, "io");
}

void seedProject(const store::Project& project) {
    const fs::path dir = paths::shippedPromptsDir();
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) {
        log::warn("no shipped prompts directory found (set SYNTHEMBED_PROMPTS_DIR); the project starts without "
                  "templates");
        return;
    }
    auto r = PromptStore(project).importDirectory(dir);
    if (!r) {
        log::warn("importing prompts from ", dir.string(), " failed: ", r.error().message);
        return;
    }
    log::info("imported ", r->templatesAdded, " templates and ", r->poolsAdded, " pools from ", dir.string());
    for (const auto& d : r->diagnostics)
        if (d.diagnostic.isError()) log::warn("shipped prompt problem: ", d.toString());
}

void registerProjectSeeder() {
    static std::once_flag once;
    std::call_once(once, [] { store::Project::addSeeder(&seedProject); });
}

} // namespace synthembed::prompts
