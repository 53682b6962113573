#include "fake_hub_server.h"

#include "fake_llm_server.h" // httpGet, httpPost
#include "test_support.h"

#include <cstdio>
#include <stdexcept>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace synthembed::test {

FakeHubServer::FakeHubServer(const std::filesystem::path& root, const nlohmann::json& config) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::string script = std::string(testsSourceDir()) + "/support/fake_hub_server.py";
    std::string cfg = config.dump();
    std::string rootArg = root.string();
    m_pid = fork();
    if (m_pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execlp("python3", "python3", script.c_str(), "--root", rootArg.c_str(), "--config", cfg.c_str(),
               static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    char line[128] = {0};
    if (!f || !fgets(line, sizeof line, f) || std::sscanf(line, "PORT %d", &m_port) != 1) {
        if (f) fclose(f);
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
        throw std::runtime_error("fake hub server did not start (python3 " + script + ")");
    }
    fclose(f);
}

FakeHubServer::~FakeHubServer() {
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
}

std::string FakeHubServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(m_port); }

void FakeHubServer::setConfig(const nlohmann::json& config) const { httpPost(endpoint() + "/_config", config.dump()); }

nlohmann::json FakeHubServer::requests() const {
    return nlohmann::json::parse(httpGet(endpoint() + "/_stats"))["requests"];
}

void FakeHubServer::reset() const { httpPost(endpoint() + "/_reset", "{}"); }

} // namespace synthembed::test
