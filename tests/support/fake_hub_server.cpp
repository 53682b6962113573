#include "fake_hub_server.h"

#include "fake_llm_server.h" // httpGet, httpPost
#include "test_support.h"

#include <cstdio>
#include <stdexcept>
#include <tuple>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace synthembed::test {

FakeHubServer::FakeHubServer(const std::filesystem::path& root, const nlohmann::json& config) {
    std::tie(m_pid, m_port) =
        startScriptServer("fake_hub_server.py", {"--root", root.string(), "--config", config.dump()}, "fake hub server");
}

FakeHubServer::~FakeHubServer() { stopScriptServer(m_pid); }

std::string FakeHubServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(m_port); }

void FakeHubServer::setConfig(const nlohmann::json& config) const { httpPost(endpoint() + "/_config", config.dump()); }

nlohmann::json FakeHubServer::requests() const {
    return nlohmann::json::parse(httpGet(endpoint() + "/_stats"))["requests"];
}

hub::PullParams FakeHubServer::pullParams(const std::filesystem::path& cacheDir) const {
    hub::PullParams p;
    p.settings.cacheDir = cacheDir;
    p.settings.endpoint = endpoint();
    p.settings.token.clear();
    p.settings.offline = false;
    return p;
}

void FakeHubServer::reset() const { httpPost(endpoint() + "/_reset", "{}"); }

} // namespace synthembed::test
