// Generation against a real LLM server (issue 13): llama-cpp-python's OpenAI-compatible server
// (llama.cpp compiled from source by tests/peers/llama_server_setup.sh, in a venv outside the
// repository) serving ../shared's stories260K.gguf, a real model whose answers are story text and
// never the JSON the templates ask for. The real CLI must stop the job with the spend guard's reason
// quoting the last answer, having bought no more than its budget, with the usage the server reported
// stored. The server's own access log counts what was bought.
//
// The venv's python: $SYNTHEMBED_LLAMA_PY, else the one the setup script installed (its stamp file);
// SYNTHEMBED_LLAMA_INSTALL=1 lets the test run the setup script (compiles llama.cpp: ~10 minutes on 2
// cores). Otherwise the test skips, saying how to install it.

#include "support/fake_llm_server.h" // httpGet
#include "support/test_support.h"

#include "core/store/sqlite.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace synthembed;
using namespace synthembed::test;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxTokens = 48;

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// The venv's python, or "" with the reason in `why`; `broken` when a setting asked for it and it
// cannot be had (a failure, not a skip): a bad SYNTHEMBED_LLAMA_PY, or an install that failed with
// PyPI reachable.
std::string llamaPython(std::string& why, bool& broken) {
    broken = false;
    if (const char* env = std::getenv("SYNTHEMBED_LLAMA_PY"); env && *env) {
        if (access(env, X_OK) == 0) return env;
        why = std::string("SYNTHEMBED_LLAMA_PY=") + env + " is not an executable file";
        broken = true;
        return {};
    }
    auto script = (fs::path(SYNTHEMBED_TEST_SOURCE_DIR) / "peers" / "llama_server_setup.sh").string();
    auto check = runCommand({"/bin/bash", script, "--check"});
    if (check.exitCode == 0) return trimmed(check.out);
    const char* install = std::getenv("SYNTHEMBED_LLAMA_INSTALL");
    if (install && std::string(install) == "1") {
        std::fprintf(stderr, "installing llama-cpp-python[server] (%s): compiles llama.cpp, several minutes\n",
                     script.c_str());
        auto setup = runCommand({"/bin/bash", script});
        if (setup.exitCode == 0) return trimmed(setup.out);
        why = script + " failed (exit " + std::to_string(setup.exitCode) + "): " + setup.err;
        broken = setup.exitCode != 3; // 3: PyPI cannot be reached
        return {};
    }
    why = "llama-cpp-python[server] is not installed: run " + script +
          " (or set SYNTHEMBED_LLAMA_INSTALL=1 to let this test install it, or SYNTHEMBED_LLAMA_PY to a python "
          "that has it)";
    return {};
}

int freePort() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(s);
    return port;
}

// `python -m llama_cpp.server` as a child process for the lifetime of the object (killed with its
// process group in every path; PR_SET_PDEATHSIG also ends it if the test itself dies).
class LlamaServer {
public:
    LlamaServer(const std::string& python, const fs::path& model, const fs::path& log) : m_log(log) {
        for (int attempt = 0; attempt < 3 && !m_ready; ++attempt) {
            m_port = freePort();
            start(python, model);
            m_ready = waitReady(90.0);
            if (!m_ready) stop();
        }
    }
    ~LlamaServer() { stop(); }
    LlamaServer(const LlamaServer&) = delete;
    LlamaServer& operator=(const LlamaServer&) = delete;

    bool ready() const { return m_ready; }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/v1"; }
    std::string log() const { return readFile(m_log); }

    // Completed chat requests, from the server's access log (uvicorn: one line per response).
    int answered(int status = 200) const {
        auto text = log();
        std::string needle = "\"POST /v1/chat/completions HTTP/1.1\" " + std::to_string(status);
        int n = 0;
        for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
        return n;
    }
    int chatRequests() const {
        auto text = log();
        std::string needle = "\"POST /v1/chat/completions HTTP/1.1\"";
        int n = 0;
        for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
        return n;
    }

private:
    void start(const std::string& python, const fs::path& model) {
        std::vector<std::string> argv{python,      "-m",       "llama_cpp.server", "--model", model.string(),
                                      "--model_alias", "stories", "--host", "127.0.0.1", "--port",
                                      std::to_string(m_port), "--n_ctx", "2048", "--n_threads", "1",
                                      "--seed", "1234", "--verbose", "False"};
        pid_t parent = getpid();
        m_pid = fork();
        if (m_pid == 0) {
            setpgid(0, 0);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(1);
            int fd = open(m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            dup2(fd, 1);
            dup2(fd, 2);
            int nul = open("/dev/null", O_RDONLY);
            dup2(nul, 0);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
        setpgid(m_pid, m_pid);
    }

    bool waitReady(double seconds) {
        auto t0 = Clock::now();
        while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1; // exited (e.g. the port was taken meanwhile)
                return false;
            }
            try {
                auto body = json::parse(httpGet("http://127.0.0.1:" + std::to_string(m_port) + "/v1/models"),
                                        nullptr, false);
                if (!body.is_discarded() && body.contains("data")) return true;
            } catch (const std::exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    void stop() {
        if (m_pid <= 0) return;
        kill(-m_pid, SIGTERM);
        kill(m_pid, SIGTERM);
        for (int i = 0; i < 50; ++i) {
            if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
                kill(-m_pid, SIGKILL);
                m_pid = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        kill(-m_pid, SIGKILL);
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }

    fs::path m_log;
    pid_t m_pid = -1;
    int m_port = 0;
    bool m_ready = false;
};

std::vector<std::string> generateArgs(const std::string& db, const LlamaServer& server,
                                      std::initializer_list<std::string> more) {
    std::vector<std::string> a{"generate", "--db", db, "--endpoint", server.baseUrl(), "--llm-model", "stories",
                               "--family", "sts", "--count", "5", "--concurrency", "2", "--max-tokens",
                               std::to_string(kMaxTokens), "--timeout", "60", "--seed", "3"};
    a.insert(a.end(), more);
    return a;
}

json onlyJob(const std::string& db) {
    auto r = runCli({"jobs", "list", "--db", db, "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.is_array() || j.size() != 1) {
        ADD_FAILURE() << "expected one job: " << r.out;
        return json::object();
    }
    return j[0];
}

std::int64_t queryInt(const std::string& db, const std::string& sql) {
    db::Database d(db, db::OpenMode::ReadOnly);
    return d.queryInt(sql);
}

// Usage as stored: per request (what the server reported for each answer) and summed for the job.
void expectUsageRecorded(const std::string& db, const json& job, int answered) {
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE state = 'done'"), answered);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE state = 'done' AND (prompt_tokens <= 0 OR "
                           "completion_tokens <= 0 OR completion_tokens > " +
                               std::to_string(kMaxTokens) + " OR raw_answer IS NULL OR http_status != 200)"),
              0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM requests WHERE state != 'done' AND "
                           "(prompt_tokens != 0 OR completion_tokens != 0)"),
              0)
        << "no usage for unanswered requests";
    ASSERT_TRUE(job["prompt_tokens"].is_number()) << job;
    EXPECT_GT(job["prompt_tokens"].get<std::int64_t>(), 0);
    EXPECT_GT(job["completion_tokens"].get<std::int64_t>(), 0);
    EXPECT_EQ(job["prompt_tokens"].get<std::int64_t>(), queryInt(db, "SELECT sum(prompt_tokens) FROM requests"));
    EXPECT_EQ(job["completion_tokens"].get<std::int64_t>(),
              queryInt(db, "SELECT sum(completion_tokens) FROM requests"));
    EXPECT_LE(job["completion_tokens"].get<std::int64_t>(), static_cast<std::int64_t>(answered) * kMaxTokens);
}

class LlamaServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        const fs::path rel = "oracles/models/stories260K/stories260K.gguf";
        m_model = sharedDir() / rel;
        if (sharedDir().empty() || !fs::exists(m_model))
            GTEST_SKIP() << "shared test material not found: " << rel.string()
                         << " (set SYNTHEMBED_SHARED to the shared/ folder)";
        std::string why;
        bool broken = false;
        m_python = llamaPython(why, broken);
        if (m_python.empty() && broken) FAIL() << why;
        if (m_python.empty()) GTEST_SKIP() << why;
    }
    fs::path m_model;
    std::string m_python;
};

} // namespace

// The case: answers are never valid JSON. The reject budget (10 in a row) stops the job;
// the server answered no more than the budget plus what was in flight; every answer it gave is
// stored with its usage; a rerun buys nothing.
TEST_F(LlamaServerTest, SpendGuardStopsRealServerJobWithinBudget) {
    TempDir dir;
    LlamaServer server(m_python, m_model, dir / "server.log");
    ASSERT_TRUE(server.ready()) << "llama_cpp.server did not answer /v1/models:\n" << server.log();
    auto db = (dir / "p.synthembed").string();
    const int budget = 10, concurrency = 2;

    auto t0 = Clock::now();
    auto r = runCli(generateArgs(db, server, {"--max-rejects-in-row", std::to_string(budget)}));
    double took = std::chrono::duration<double>(Clock::now() - t0).count();
    EXPECT_NE(r.exitCode, 0) << r.out;
    EXPECT_NE(r.err.find("spend guard"), std::string::npos) << r.err;
    EXPECT_LT(took, 100.0);

    auto job = onlyJob(db);
    EXPECT_EQ(job["state"], "failed") << job;
    auto error = job["error"].is_string() ? job["error"].get<std::string>() : std::string();
    EXPECT_NE(error.find("spend guard"), std::string::npos) << error;
    EXPECT_NE(error.find(std::to_string(budget) + " answers in a row"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << "one line: " << error;
    // The reason quotes the last answer the model gave, as stored (one line, cut at 160 bytes).
    auto open = error.find("answer \"");
    auto close = error.rfind("\"); raise");
    ASSERT_TRUE(open != std::string::npos && close != std::string::npos && close > open) << error;
    std::string quoted = error.substr(open + 8, close - open - 8);
    if (quoted.size() >= 3 && quoted.compare(quoted.size() - 3, 3, "...") == 0) quoted.resize(quoted.size() - 3);
    EXPECT_FALSE(quoted.empty());
    bool found = false;
    {
        db::Database d(db, db::OpenMode::ReadOnly);
        auto q = d.prepare("SELECT raw_answer FROM requests WHERE state = 'done' AND raw_answer IS NOT NULL");
        while (q.step()) {
            std::string a = q.getText(0);
            for (char& c : a)
                if (c == '\n' || c == '\r' || c == '\t') c = ' ';
            found = found || a.compare(0, quoted.size(), quoted) == 0;
        }
    }
    EXPECT_TRUE(found) << "the quoted answer is one the server gave: " << quoted;

    // What was bought: the server's own count of answers, against the budget and the project.
    int answered = server.answered();
    EXPECT_EQ(server.chatRequests(), answered) << "every request the server finished was a 200:\n" << server.log();
    EXPECT_GE(answered, budget);
    EXPECT_LE(answered, budget + concurrency);
    EXPECT_EQ(job["requests_done"].get<int>(), answered) << "every paid answer is stored";
    EXPECT_EQ(job["rejected"].get<int>(), answered);
    EXPECT_EQ(job["accepted"].get<int>(), 0);
    EXPECT_EQ(job["requests_in_flight"].get<int>(), 0);
    EXPECT_EQ(queryInt(db, "SELECT count(*) FROM samples WHERE status = 'rejected'"), answered);
    expectUsageRecorded(db, job, answered);

    // Rerunning the same command resumes the failed job and buys nothing.
    auto again = runCli(generateArgs(db, server, {"--max-rejects-in-row", std::to_string(budget)}));
    EXPECT_NE(again.exitCode, 0);
    EXPECT_NE(again.err.find("spend guard"), std::string::npos) << again.err;
    EXPECT_EQ(server.chatRequests(), answered);
}

// --max-requests counts every request the job sends, over all its runs: exactly that many are
// answered by the server, then the job fails with the request budget's reason.
TEST_F(LlamaServerTest, RequestBudgetBuysExactlyTheBudget) {
    TempDir dir;
    LlamaServer server(m_python, m_model, dir / "server.log");
    ASSERT_TRUE(server.ready()) << "llama_cpp.server did not answer /v1/models:\n" << server.log();
    auto db = (dir / "p.synthembed").string();
    const int budget = 6;
    auto r = runCli(generateArgs(db, server, {"--max-requests", std::to_string(budget), "--max-rejects-in-row", "0",
                                              "--max-reject-ratio", "0"}));
    EXPECT_NE(r.exitCode, 0) << r.out;
    EXPECT_NE(r.err.find("request budget"), std::string::npos) << r.err;
    auto job = onlyJob(db);
    EXPECT_EQ(job["state"], "failed") << job;
    EXPECT_EQ(server.chatRequests(), budget) << server.log();
    EXPECT_EQ(server.answered(), budget);
    EXPECT_EQ(job["requests_done"].get<int>(), budget);
    expectUsageRecorded(db, job, budget);
    auto again = runCli(generateArgs(db, server, {"--max-requests", std::to_string(budget)}));
    EXPECT_NE(again.exitCode, 0);
    EXPECT_EQ(server.chatRequests(), budget);
}
