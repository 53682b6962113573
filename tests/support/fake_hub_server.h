#pragma once
// Starts tests/support/fake_hub_server.py (a loopback server speaking the Hugging Face Hub's download
// API: file lists, resolve with CDN redirects, ETags, ranges, gated repos, injected faults) for the
// lifetime of the object.

#include "core/hub/hub.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace synthembed::test {

class FakeHubServer {
  public:
    /// root: ROOT/ORG/NAME/<files> are the repos; config as documented in fake_hub_server.py.
    explicit FakeHubServer(const std::filesystem::path& root, const nlohmann::json& config = nlohmann::json::object());
    ~FakeHubServer();
    FakeHubServer(const FakeHubServer&) = delete;
    FakeHubServer& operator=(const FakeHubServer&) = delete;

    /// http://127.0.0.1:PORT (the value for HF_ENDPOINT)
    std::string endpoint() const;
    /// Download parameters that reach this server only: cache in cacheDir, no token, online.
    hub::PullParams pullParams(const std::filesystem::path& cacheDir) const;
    void setConfig(const nlohmann::json& config) const;
    /// The requests received: [{"method", "path", "range", "auth"}].
    nlohmann::json requests() const;
    void reset() const;

  private:
    pid_t m_pid = -1;
    int m_port = 0;
};

} // namespace synthembed::test
