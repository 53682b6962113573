#pragma once
// The Python peers' venv (tests/peers/setup.sh: torch, transformers, sentence-transformers, PEFT)
// for the tests labelled peers. $SYNTHEMBED_PEERS_PY names a python that has them; otherwise the
// setup script creates or completes the venv outside the repository and prints its python.

#include "support/test_support.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace synthembed::test {

/// The venv's python, or "" with the reason in `why`. `broken` (a failure, not a skip) unless the
/// only reason is that PyPI cannot be reached.
inline std::string peersPython(std::string& why, bool& broken) {
    broken = false;
    if (const char* env = std::getenv("SYNTHEMBED_PEERS_PY"); env && *env) {
        if (access(env, X_OK) == 0) return env;
        why = std::string("SYNTHEMBED_PEERS_PY=") + env + " is not an executable file";
        broken = true;
        return {};
    }
    auto script = (std::filesystem::path(SYNTHEMBED_TEST_SOURCE_DIR) / "peers" / "setup.sh").string();
    auto r = runCommand({"/bin/bash", script});
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
    if (auto nl = out.rfind('\n'); nl != std::string::npos) out = out.substr(nl + 1);
    if (r.exitCode == 0 && access(out.c_str(), X_OK) == 0) return out;
    auto probe = runCommand({"python3", "-c",
                             "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/pip/', timeout=15)"});
    why = script + " failed (exit " + std::to_string(r.exitCode) + "): " + r.err;
    if (probe.exitCode != 0) {
        why = "the Python peers' venv cannot be created: PyPI (https://pypi.org) cannot be reached (" + why + ")";
        return {};
    }
    broken = true;
    return {};
}

} // namespace synthembed::test

/// Declares `py` (the peers' python) or skips / fails with the reason.
#define SYNTHEMBED_REQUIRE_PEERS(py)                                                                     \
    std::string py;                                                                                      \
    {                                                                                                    \
        std::string why_;                                                                                \
        bool broken_ = false;                                                                            \
        py = ::synthembed::test::peersPython(why_, broken_);                                             \
        if (py.empty()) {                                                                                \
            if (broken_) FAIL() << why_;                                                                 \
            GTEST_SKIP() << why_;                                                                        \
        }                                                                                                \
    }
