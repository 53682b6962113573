#pragma once
// Starts tests/support/fake_llm_server.py (a real OpenAI-compatible HTTP server on loopback) for the
// lifetime of the object, and talks to its control endpoints (/config, /stats, /reset).

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>
#include <sys/types.h>

namespace synthembed::test {

class FakeLlmServer {
  public:
    /// rules: JSON list as documented in fake_llm_server.py; latencyMs: fixed latency per answer.
    explicit FakeLlmServer(const nlohmann::json& rules = nlohmann::json::array(), double latencyMs = 0);
    ~FakeLlmServer();
    FakeLlmServer(const FakeLlmServer&) = delete;
    FakeLlmServer& operator=(const FakeLlmServer&) = delete;

    int port() const { return m_port; }
    /// Base URL for clients: http://127.0.0.1:PORT/v1
    std::string baseUrl() const;
    /// GET /stats (with per-prompt records when perPrompt).
    nlohmann::json stats(bool perPrompt = false) const;
    void setRules(const nlohmann::json& rules, double latencyMs = -1) const;
    void reset() const;

  private:
    pid_t m_pid = -1;
    int m_port = 0;
};

/// Starts `python3 tests/support/<script> ARGS...`, a loopback server that prints "PORT <n>" on its
/// first line; returns its pid and port (throws naming `what` when it does not start). Stop it with
/// stopScriptServer.
std::pair<pid_t, int> startScriptServer(const std::string& script, const std::vector<std::string>& args,
                                        const std::string& what);
void stopScriptServer(pid_t pid);

/// Minimal HTTP helpers for tests (libcurl): returns the body; throws on transport errors.
std::string httpGet(const std::string& url);
std::string httpPost(const std::string& url, const std::string& body);

} // namespace synthembed::test
