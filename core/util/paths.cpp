#include "core/util/paths.h"

#include "core/platform/platform.h"

#include <cstdlib>
#include <system_error>

namespace fs = std::filesystem;

namespace synthembed::paths {
namespace {
fs::path envPath(const char* name) {
    const char* v = std::getenv(name);
    return (v && *v) ? fs::path(v) : fs::path();
}
} // namespace

fs::path dataDir() {
    if (auto p = envPath("SYNTHEMBED_DATA_DIR"); !p.empty()) return p;
#if defined(_WIN32)
    if (auto p = envPath("LOCALAPPDATA"); !p.empty()) return p / "synthembed";
    return fs::current_path() / "synthembed";
#elif defined(__APPLE__)
    return envPath("HOME") / "Library" / "Application Support" / "synthembed";
#else
    if (auto p = envPath("XDG_DATA_HOME"); !p.empty()) return p / "synthembed";
    if (auto p = envPath("HOME"); !p.empty()) return p / ".local" / "share" / "synthembed";
    return fs::current_path() / ".synthembed";
#endif
}

fs::path defaultProjectPath() { return dataDir() / "default.synthembed"; }

fs::path executableDir() {
    auto exe = platform::executablePath();
    return exe.empty() ? fs::path() : exe.parent_path();
}

fs::path shippedPromptsDir() {
    if (auto p = envPath("SYNTHEMBED_PROMPTS_DIR"); !p.empty()) return p;
    std::error_code ec;
    if (auto exe = executableDir(); !exe.empty()) {
        for (auto candidate : {exe / ".." / "share" / "synthembed" / "prompts", exe / "prompts",
                               exe / ".." / "Resources" / "prompts"}) {
            if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec);
        }
    }
#ifdef SYNTHEMBED_SOURCE_PROMPTS_DIR
    return fs::path(SYNTHEMBED_SOURCE_PROMPTS_DIR);
#else
    return {};
#endif
}

} // namespace synthembed::paths
