#include "test_support.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace synthembed::test {

TempDir::TempDir() {
    std::random_device rd;
    auto base = fs::temp_directory_path();
    for (int i = 0; i < 100; ++i) {
        auto p = base / ("synthembed-test-" + std::to_string(rd()));
        if (fs::create_directory(p)) {
            m_path = p;
            return;
        }
    }
    throw std::runtime_error("cannot create temp dir");
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

const char* testsSourceDir() { return SYNTHEMBED_TESTS_DIR_PATH; }
// SYNTHEMBED_TEST_CLI runs the CLI tests against another build (e.g. the binary before a change).
const char* cliExecutable() {
    const char* other = std::getenv("SYNTHEMBED_TEST_CLI");
    return other && *other ? other : SYNTHEMBED_CLI_EXE_PATH;
}

fs::path sharedDir() {
    const char* env = std::getenv("SYNTHEMBED_SHARED");
    fs::path p = env && *env ? fs::path(env) : fs::path(SYNTHEMBED_TEST_SOURCE_DIR) / ".." / ".." / "shared";
    std::error_code ec;
    return fs::is_directory(p, ec) ? fs::weakly_canonical(p) : fs::path();
}

static std::string drain(int fd) {
    std::string s;
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
}

CommandResult runCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    TempDir tmp;
    auto outPath = tmp / "out", errPath = tmp / "err";
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        for (auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int o = open(outPath.c_str(), O_RDONLY), e = open(errPath.c_str(), O_RDONLY);
    r.out = drain(o);
    r.err = drain(e);
    close(o);
    close(e);
    return r;
}

CommandResult runCli(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> argv{SYNTHEMBED_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, env);
}

int spawnCli(const std::vector<std::string>& args, const fs::path& outFile, const fs::path& errFile,
             const std::vector<std::string>& env) {
    std::vector<std::string> argv{SYNTHEMBED_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        for (auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
        std::vector<char*> cargs;
        for (auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
        cargs.push_back(nullptr);
        execv(cargs[0], cargs.data());
        _exit(127);
    }
    return pid;
}

int waitForProcess(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

} // namespace synthembed::test
