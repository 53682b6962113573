#include "core/util/durable.h"

#include "core/platform/platform.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <vector>

namespace fs = std::filesystem;

namespace synthembed::durable {

namespace {

void ensureParent(const fs::path& target) {
    if (!target.has_parent_path()) return;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw Failure("io", target.parent_path().string() + ": cannot create folder: " + ec.message());
}

fs::path parentOf(const fs::path& p) {
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

} // namespace

AtomicFile::AtomicFile(fs::path target) : m_target(std::move(target)) {
    ensureParent(m_target);
    m_tmp = platform::temporarySibling(m_target);
    m_out.open(m_tmp, std::ios::binary | std::ios::trunc);
    if (!m_out) throw Failure("io", m_target.string() + ": cannot write (" + m_tmp.string() + ")");
}

AtomicFile::~AtomicFile() {
    if (m_done) return;
    m_out.close();
    std::error_code ec;
    fs::remove(m_tmp, ec);
}

void AtomicFile::commit() {
    m_out.flush();
    if (!m_out) throw Failure("io", m_target.string() + ": write failed (disk full?)");
    m_out.close();
    if (!m_out) throw Failure("io", m_target.string() + ": write failed (disk full?)");
    crashPoint("written");
    platform::syncFile(m_tmp);
    crashPoint("synced");
    renameDurably(m_tmp, m_target);
    m_done = true;
}

void writeFile(const fs::path& target, std::string_view content) {
    AtomicFile f(target);
    f.out().write(content.data(), static_cast<std::streamsize>(content.size()));
    f.commit();
}

void writeFileWith(const fs::path& target, const std::function<void(const fs::path&)>& writer) {
    ensureParent(target);
    const fs::path tmp = platform::temporarySibling(target);
    try {
        writer(tmp);
        crashPoint("written");
        platform::syncFile(tmp);
        crashPoint("synced");
        renameDurably(tmp, target);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
}

void renameDurably(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec)
        throw Failure("io", to.string() + ": cannot replace with " + from.filename().string() + ": " +
                                ec.message());
    crashPoint("renamed");
    platform::syncDirectory(parentOf(to));
}

namespace {

using nlohmann::json;

json readManifest(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return json();
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw Failure("invalid", file.string() + ": not a JSON object: the folder's manifest is damaged");
    return j;
}

std::vector<std::string> manifestFiles(const json& j) {
    std::vector<std::string> out;
    if (!j.is_object() || !j.contains("files") || !j["files"].is_array()) return out;
    for (const auto& f : j["files"])
        if (f.is_object() && f.contains("path") && f["path"].is_string()) out.push_back(f["path"].get<std::string>());
    return out;
}

// A manifest path that stays inside the folder (no absolute paths, no "..").
fs::path insidePath(const fs::path& folder, const std::string& rel, const fs::path& manifest) {
    const fs::path p = fs::path(rel).lexically_normal();
    if (rel.empty() || p.is_absolute() || p.empty() || *p.begin() == "..")
        throw Failure("invalid", manifest.string() + ": file '" + rel + "' is not inside the folder");
    return folder / p;
}

// Moves a committed stage into the folder. Idempotent: a crash (or a reader settling the same
// folder) at any point leaves a state from which running it again completes the update.
void applyStage(const fs::path& folder, const fs::path& stage, const std::string& manifestName) {
    const fs::path staged = stage / manifestName;
    const json next = readManifest(staged);
    if (next.is_null()) return; // moved into place meanwhile
    std::error_code ec;
    if (next.contains("folders") && next["folders"].is_array())
        for (const auto& d : next["folders"])
            if (d.is_string()) fs::create_directories(insidePath(folder, d.get<std::string>(), staged), ec);
    const auto files = manifestFiles(next);
    for (const auto& rel : files) {
        const fs::path from = insidePath(stage, rel, staged), to = insidePath(folder, rel, staged);
        if (!fs::exists(from, ec)) continue; // moved before the crash
        fs::create_directories(to.parent_path(), ec);
        fs::rename(from, to, ec);
        if (ec && !(fs::exists(to) && !fs::exists(from)))
            throw Failure("io", to.string() + ": cannot move the new file into place: " + ec.message());
        crashPoint("update: file moved");
    }
    platform::syncDirectory(folder);
    // Files of the previous set that the new one does not have.
    const fs::path current = folder / manifestName;
    json previous;
    try {
        previous = readManifest(current);
    } catch (const Failure&) {
        previous = json(); // a damaged old manifest lists nothing
    }
    const std::set<std::string> keep(files.begin(), files.end());
    bool removed = false;
    for (const auto& rel : manifestFiles(previous))
        if (!keep.count(rel) && rel != manifestName) {
            fs::path old;
            try {
                old = insidePath(folder, rel, current);
            } catch (const Failure&) {
                continue;
            }
            if (fs::remove(old, ec)) {
                removed = true;
                crashPoint("update: old file removed");
            }
        }
    // Folders of the previous set that the new one does not have, once empty (deepest first; a folder
    // that still holds something, e.g. the user's own files, stays).
    std::set<std::string> keepFolders;
    if (next.contains("folders") && next["folders"].is_array())
        for (const auto& d : next["folders"])
            if (d.is_string()) keepFolders.insert(d.get<std::string>());
    if (previous.is_object() && previous.contains("folders") && previous["folders"].is_array()) {
        std::vector<std::string> gone;
        for (const auto& d : previous["folders"])
            if (d.is_string() && !keepFolders.count(d.get<std::string>())) gone.push_back(d.get<std::string>());
        std::sort(gone.rbegin(), gone.rend()); // "a/b" before "a"
        for (const auto& rel : gone) {
            try {
                const fs::path old = insidePath(folder, rel, current);
                if (fs::is_directory(old, ec) && fs::is_empty(old, ec) && fs::remove(old, ec)) removed = true;
            } catch (const Failure&) {
            }
        }
    }
    if (removed) platform::syncDirectory(folder);
    fs::rename(staged, current, ec);
    if (ec && fs::exists(staged))
        throw Failure("io", current.string() + ": cannot move the new manifest into place: " + ec.message());
    crashPoint("update: manifest moved");
    platform::syncDirectory(folder);
    fs::remove_all(stage, ec);
}

void finishInterrupted(const fs::path& folder, const std::string& manifestName) {
    std::error_code ec;
    const fs::path stage = folder / kUpdateStageName;
    if (fs::exists(stage / manifestName, ec)) {
        log::warn(folder.string(), ": finishing an update that was interrupted (", manifestName, " committed)");
        applyStage(folder, stage, manifestName);
    }
}

} // namespace

FolderUpdate::FolderUpdate(fs::path folder, std::string manifestName)
    : m_folder(std::move(folder)), m_manifest(std::move(manifestName)) {
    std::error_code ec;
    fs::create_directories(m_folder, ec);
    if (ec) throw Failure("io", m_folder.string() + ": cannot create folder: " + ec.message());
    finishInterrupted(m_folder, m_manifest); // the previous set complete before this one replaces it
    m_stage = m_folder / kUpdateStageName;
    fs::remove_all(m_stage, ec); // an uncommitted stage of an update that never finished
    if (ec) throw Failure("io", m_stage.string() + ": cannot remove: " + ec.message());
    fs::create_directories(m_stage, ec);
    if (ec) throw Failure("io", m_stage.string() + ": cannot create folder: " + ec.message());
}

FolderUpdate::~FolderUpdate() {
    if (m_done) return;
    std::error_code ec;
    // Only an uncommitted stage: a committed one is finished by the next settleFolder.
    if (!fs::exists(m_stage / m_manifest, ec)) fs::remove_all(m_stage, ec);
}

fs::path FolderUpdate::stagePath(const fs::path& relative) const {
    const fs::path p = insidePath(m_stage, relative.generic_string(), m_stage);
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw Failure("io", p.parent_path().string() + ": cannot create folder: " + ec.message());
    return p;
}

void FolderUpdate::commit(const std::string& manifestJson) {
    json manifest = json::parse(manifestJson, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) throw Failure("invalid", "FolderUpdate: the manifest must be a JSON object");
    json files = json::array(), folders = json::array();
    std::vector<fs::path> dirs{m_stage};
    std::vector<std::pair<std::string, std::uintmax_t>> listed;
    for (auto it = fs::recursive_directory_iterator(m_stage); it != fs::recursive_directory_iterator(); ++it) {
        const std::string rel = fs::relative(it->path(), m_stage).generic_string();
        if (it->is_directory()) {
            folders.push_back(rel);
            dirs.push_back(it->path());
        } else if (it->is_regular_file() && rel != m_manifest) {
            platform::syncFile(it->path()); // written durably already; cheap when so
            listed.emplace_back(rel, it->file_size());
        }
    }
    std::sort(listed.begin(), listed.end());
    for (const auto& [rel, size] : listed) files.push_back({{"path", rel}, {"size", size}});
    for (const auto& d : dirs) platform::syncDirectory(d);
    manifest["files"] = files;
    manifest["folders"] = folders;
    writeFile(m_stage / m_manifest, manifest.dump(2) + "\n"); // the commit point
    m_done = true;
    applyStage(m_folder, m_stage, m_manifest);
}

void settleFolder(const fs::path& folder, const std::string& manifestName) {
    std::error_code ec;
    finishInterrupted(folder, manifestName);
    const fs::path current = folder / manifestName;
    const json m = readManifest(current);
    if (!m.is_object() || !m.contains("files") || !m["files"].is_array()) return; // no manifest, or one without a file list
    for (const auto& f : m["files"]) {
        const std::string rel = f.is_object() ? f.value("path", "") : std::string();
        const fs::path p = insidePath(folder, rel, current);
        const auto size = fs::file_size(p, ec);
        if (ec)
            throw Failure("invalid", current.string() + " lists " + rel +
                                         ", which is missing: the folder was changed after it was written");
        if (f.contains("size") && f["size"].is_number_unsigned() && f["size"].get<std::uintmax_t>() != size)
            throw Failure("invalid", p.string() + " has " + std::to_string(size) + " bytes, " + current.string() +
                                         " says " + std::to_string(f["size"].get<std::uintmax_t>()) +
                                         ": the folder was changed after it was written");
    }
}

void crashPoint(std::string_view name) {
    static const long target = [] {
        const char* v = std::getenv("SYNTHEMBED_CRASH_AT");
        return v && *v ? std::strtol(v, nullptr, 10) : 0L;
    }();
    if (target <= 0) return;
    static std::atomic<long> reached{0};
    if (++reached == target) {
        std::fprintf(stderr, "crash injection: stopping at point %ld (%.*s)\n", target,
                     static_cast<int>(name.size()), name.data());
        std::fflush(stderr);
        std::_Exit(kCrashExitCode);
    }
}

fs::path childPath(const fs::path& dir, std::string_view name, std::string_view extension,
                   std::string_view what) {
    bool ok = !name.empty() && name.front() != '.';
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_'))
            ok = false;
    if (!ok)
        throw Failure("invalid",
                      std::string(what) + " name '" + std::string(name) +
                          "' is not a plain file name (letters, digits, '.', '-', '_'): not written under " +
                          dir.string());
    return dir / (std::string(name) + std::string(extension));
}

bool sameFileOrCompanion(const fs::path& a, const fs::path& b) {
    if (a.empty() || b.empty()) return false;
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec)) return true;
    // Compare the absolute, normalised names too: the companions need not exist yet.
    const fs::path aa = fs::absolute(a, ec).lexically_normal();
    const fs::path bb = fs::absolute(b, ec).lexically_normal();
    if (aa == bb) return true;
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        fs::path c = bb;
        c += suffix;
        if (aa == c) return true;
    }
    return false;
}

void checkOutput(const fs::path& output, bool overwrite, const fs::path& projectFile) {
    if (sameFileOrCompanion(output, projectFile))
        throw Failure("invalid", output.string() + " is the open project file: choose another output");
    std::error_code ec;
    if (fs::is_directory(output, ec)) throw Failure("exists", output.string() + " is a folder: name a file");
    if (!overwrite && fs::exists(output, ec))
        throw Failure("exists", output.string() + " already exists: pass --force to replace it");
}

} // namespace synthembed::durable
