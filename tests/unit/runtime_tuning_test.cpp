// The program tunes its threading runtimes itself (issue 17): a process that links initialize()
// starts libgomp with passive waits and OpenBLAS with a short thread timeout although its
// environment sets neither, keeps what the user set, and leaves both alone when
// SYNTHEMBED_NO_SELF_TUNING is set. Checked in child processes of this very executable started
// with chosen environments; each child reads back what libgomp itself took (its spin count).

#include "core/runtime/runtime.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

/// GOMP_SPINCOUNT as libgomp took it at load time (omp_display_env(verbose) prints it to stderr):
/// 0 with OMP_WAIT_POLICY=PASSIVE, 300000 by default. "" when no libgomp is loaded or it has no
/// omp_display_env (the older libgomp inside PyPI's torch wheel, the CUDA build's).
std::string gompSpinCount() {
    using DisplayEnv = void (*)(int);
    auto display = reinterpret_cast<DisplayEnv>(dlsym(RTLD_DEFAULT, "omp_display_env"));
    if (!display) return "";
    auto file = fs::temp_directory_path() / ("synthembed_omp_env_" + std::to_string(::getpid()));
    std::fflush(stderr);
    const int saved = ::dup(2);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    display(1);
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(fd);
    ::close(saved);
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    fs::remove(file);
    std::smatch m;
    const std::string s = text.str();
    return std::regex_search(s, m, std::regex("GOMP_SPINCOUNT = '([0-9]+)'")) ? m[1].str() : "no GOMP_SPINCOUNT in: " + s;
}

/// Whether this process's libgomp reports its spin count (the child runs the same libraries).
bool spinCountReadable() {
    static const bool yes = [] {
        const bool r = !gompSpinCount().empty();
        if (!r) std::cout << "[ INFO ] this libgomp cannot report its spin count (no omp_display_env): only the variables are checked\n";
        return r;
    }();
    return yes;
}

/// Runs this executable's child test with the environment `env` (name -> value; the rest of the
/// parent's environment minus the tuning variables) and returns what it reported.
std::map<std::string, std::string> runChild(const std::map<std::string, std::string>& env) {
    auto report = fs::temp_directory_path() / ("synthembed_tuning_report_" + std::to_string(::getpid()));
    fs::remove(report);
    std::vector<std::string> vars;
    for (char** e = environ; *e; ++e) {
        std::string v = *e;
        const auto name = v.substr(0, v.find('='));
        if (name == "OMP_WAIT_POLICY" || name == "OPENBLAS_THREAD_TIMEOUT" || name == "SYNTHEMBED_SELF_TUNED" ||
            name == "SYNTHEMBED_NO_SELF_TUNING" || name == "GOMP_SPINCOUNT")
            continue;
        vars.push_back(v);
    }
    for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
    vars.push_back("SYNTHEMBED_TUNING_REPORT=" + report.string());
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string self = fs::read_symlink("/proc/self/exe").string();
    std::string filter = "--gtest_filter=RuntimeTuningChild.Report";
    char* argv[] = {self.data(), filter.data(), nullptr};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execve(self.c_str(), argv, envp.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    std::map<std::string, std::string> out;
    std::ifstream in(report);
    std::string line;
    while (std::getline(in, line))
        if (auto eq = line.find('='); eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    fs::remove(report);
    return out;
}

} // namespace

TEST(RuntimeTuningChild, Report) {
    const char* report = std::getenv("SYNTHEMBED_TUNING_REPORT");
    if (!report) GTEST_SKIP() << "runs only as the child of RuntimeTuning.* (SYNTHEMBED_TUNING_REPORT unset)";
    synthembed::initialize();
    std::ofstream out(report);
    auto get = [](const char* n) { const char* v = std::getenv(n); return std::string(v ? v : "(unset)"); };
    out << "OMP_WAIT_POLICY=" << get("OMP_WAIT_POLICY") << "\n"
        << "OPENBLAS_THREAD_TIMEOUT=" << get("OPENBLAS_THREAD_TIMEOUT") << "\n"
        << "spincount=" << gompSpinCount() << "\n"
        << "pid=" << ::getpid() << "\n"
        << "tuning=" << synthembed::runtimeTuning() << "\n";
}

TEST(RuntimeTuning, ThreadingRuntimesStartTunedWithNoEnvironmentSet) {
    auto r = runChild({});
    EXPECT_EQ(r["OMP_WAIT_POLICY"], "PASSIVE");
    EXPECT_EQ(r["OPENBLAS_THREAD_TIMEOUT"], "4");
    if (spinCountReadable())
        EXPECT_EQ(r["spincount"], "0") << "libgomp did not start with passive waits";
    EXPECT_NE(r["tuning"].find("set by synthembed at start-up"), std::string::npos) << r["tuning"];
}

TEST(RuntimeTuning, WhatTheUserSetWins) {
    auto r = runChild({{"OMP_WAIT_POLICY", "ACTIVE"}});
    EXPECT_EQ(r["OMP_WAIT_POLICY"], "ACTIVE");
    EXPECT_EQ(r["OPENBLAS_THREAD_TIMEOUT"], "4"); // the missing one is still added
    if (spinCountReadable()) {
        EXPECT_NE(r["spincount"], "0");
        EXPECT_FALSE(r["spincount"].empty());
    }
}

TEST(RuntimeTuning, OptOutLeavesTheRuntimesAsTheyAre) {
    auto r = runChild({{"SYNTHEMBED_NO_SELF_TUNING", "1"}});
    EXPECT_EQ(r["OMP_WAIT_POLICY"], "(unset)");
    EXPECT_EQ(r["OPENBLAS_THREAD_TIMEOUT"], "(unset)");
    if (spinCountReadable()) EXPECT_EQ(r["spincount"], "300000") << "libgomp's default spin count";
    EXPECT_NE(r["tuning"].find("self-tuning off"), std::string::npos) << r["tuning"];
}
