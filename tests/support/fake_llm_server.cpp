#include "fake_llm_server.h"

#include "test_support.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <tuple>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace synthembed::test {

namespace {
size_t collect(char* p, size_t s, size_t n, void* ud) {
    static_cast<std::string*>(ud)->append(p, s * n);
    return s * n;
}
std::string request(const std::string& url, const std::string* body) {
    CURL* e = curl_easy_init();
    std::string out;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->c_str());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    CURLcode rc = curl_easy_perform(e);
    curl_easy_cleanup(e);
    if (rc != CURLE_OK) throw std::runtime_error(url + ": " + curl_easy_strerror(rc));
    return out;
}
} // namespace

std::string httpGet(const std::string& url) {
    return request(url, nullptr);
}
std::string httpPost(const std::string& url, const std::string& body) {
    return request(url, &body);
}

std::pair<pid_t, int> startScriptServer(const std::string& scriptName, const std::vector<std::string>& args,
                                        const std::string& what) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const std::string script = std::string(testsSourceDir()) + "/support/" + scriptName;
    std::vector<std::string> argv{"python3", script};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execvp("python3", cargv.data());
        _exit(127);
    }
    close(fds[1]);
    FILE* f = fdopen(fds[0], "r");
    char line[128] = {0};
    int port = 0;
    if (!f || !fgets(line, sizeof line, f) || std::sscanf(line, "PORT %d", &port) != 1) {
        if (f) fclose(f);
        stopScriptServer(pid);
        throw std::runtime_error(what + " did not start (python3 " + script + ")");
    }
    fclose(f);
    return {pid, port};
}

void stopScriptServer(pid_t pid) {
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
}

FakeLlmServer::FakeLlmServer(const nlohmann::json& rules, double latencyMs) {
    std::tie(m_pid, m_port) = startScriptServer(
        "fake_llm_server.py",
        {"--rules", rules.is_null() ? std::string("[]") : rules.dump(), "--latency-ms", std::to_string(latencyMs)},
        "fake LLM server");
}

FakeLlmServer::~FakeLlmServer() { stopScriptServer(m_pid); }

std::string FakeLlmServer::baseUrl() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/v1";
}

nlohmann::json FakeLlmServer::stats(bool perPrompt) const {
    return nlohmann::json::parse(
        httpGet("http://127.0.0.1:" + std::to_string(m_port) + "/stats" + (perPrompt ? "?prompts=1" : "")));
}

void FakeLlmServer::setRules(const nlohmann::json& rules, double latencyMs) const {
    nlohmann::json cfg = {{"rules", rules}};
    if (latencyMs >= 0) cfg["latency_ms"] = latencyMs;
    httpPost("http://127.0.0.1:" + std::to_string(m_port) + "/config", cfg.dump());
}

void FakeLlmServer::reset() const {
    httpPost("http://127.0.0.1:" + std::to_string(m_port) + "/reset", "{}");
}

} // namespace synthembed::test
