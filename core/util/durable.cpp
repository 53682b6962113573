#include "core/util/durable.h"

#include "core/platform/platform.h"
#include "core/util/result.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

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
