#pragma once
// Shared helpers for core tests: temp dirs, ../shared lookup with a clear skip, running the CLI.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::test {

/// A fresh directory removed at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

/// ../shared (or $SYNTHEMBED_SHARED); empty path when absent.
std::filesystem::path sharedDir();

/// The source tree's tests/ folder and the built synthembed-cli (absolute paths, defined only in
/// test_support.cpp so that no other compile line carries a path of this clone). SYNTHEMBED_TEST_CLI
/// replaces the CLI (to show that a test fails on an older build).
const char* testsSourceDir();
const char* cliExecutable();
#define SYNTHEMBED_TEST_SOURCE_DIR (::synthembed::test::testsSourceDir())
#define SYNTHEMBED_CLI_PATH (::synthembed::test::cliExecutable())

/// Path of a file under ../shared, or GTEST_SKIP with a message naming it when absent.
#define SYNTHEMBED_REQUIRE_SHARED(var, rel)                                                            \
    const std::filesystem::path var = ::synthembed::test::sharedDir() / (rel);                          \
    if (::synthembed::test::sharedDir().empty() || !std::filesystem::exists(var))                       \
    GTEST_SKIP() << "shared test material not found: " << (rel)                                          \
                 << " (set SYNTHEMBED_SHARED to the shared/ folder)"

struct CommandResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs a program with arguments (no shell), capturing stdout and stderr.
CommandResult runCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
/// Runs synthembed-cli with arguments.
CommandResult runCli(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

/// Starts synthembed-cli in the background with stdout/stderr sent to files; returns its pid
/// (reap it with waitForProcess).
int spawnCli(const std::vector<std::string>& args, const std::filesystem::path& outFile,
             const std::filesystem::path& errFile, const std::vector<std::string>& env = {});
/// Waits for a process started by spawnCli; returns its exit code (128 + signal when killed).
int waitForProcess(int pid);

std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, const std::string& content);

} // namespace synthembed::test
