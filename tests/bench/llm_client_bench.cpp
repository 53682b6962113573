// Throughput of the LLM client and of a whole generation job against the loopback test server with
// a fixed 200 ms latency at concurrency 64. The baseline is the ideal rate concurrency / latency
// (what a client with zero overhead would reach); the goal is a ratio of at least 0.9. Also prints
// the client's own CPU time per request (the server runs in another process).
//
// Run: cmake --build build/h --target run-llm_client_bench
//  (or build/h/tests/bench/llm_client_bench [requests_per_slot] [concurrency] [latency_ms])

#include "support/fake_llm_server.h"
#include "support/test_support.h"

#include "core/gen/job.h"
#include "core/gen/runner.h"
#include "core/llm/client.h"
#include "core/store/project.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>
#include <unistd.h>

using namespace synthembed;

namespace {

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct CountingSource : llm::RequestSource {
    int total = 0, given = 0, ok = 0, failed = 0;
    Next next(llm::ChatRequest& out) override {
        if (given >= total) return Next::Finished;
        out.id = given;
        out.prompt = "Write \"S1\", \"S2\", \"S3\" for benchmark item " + std::to_string(given);
        ++given;
        return Next::Request;
    }
    void onResult(llm::ChatResult r) override { (r.ok() ? ok : failed)++; }
};

struct Measure {
    double wall = 0, cpu = 0;
    int requests = 0;
};

void report(const char* what, const Measure& m, int concurrency, double latencyMs) {
    double ideal = concurrency / (latencyMs / 1000.0);
    double rate = m.requests / m.wall;
    std::printf("%-34s %6d requests in %6.2f s: %7.1f req/s; ideal %6.1f req/s; ratio %.3f (goal >= 0.9); "
                "client CPU %.3f ms/request\n",
                what, m.requests, m.wall, rate, ideal, rate / ideal, 1000.0 * m.cpu / m.requests);
}

} // namespace

int main(int argc, char** argv) {
    int perSlot = argc > 1 ? std::atoi(argv[1]) : 20;
    int concurrency = argc > 2 ? std::atoi(argv[2]) : 64;
    double latencyMs = argc > 3 ? std::atof(argv[3]) : 200.0;
    test::FakeLlmServer server(nlohmann::json::array(), latencyMs);
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    std::printf("loopback test server: %s, fixed latency %.0f ms, concurrency %d; machine load average %.1f on %ld "
                "cores\n",
                server.baseUrl().c_str(), latencyMs, concurrency, load[0], sysconf(_SC_NPROCESSORS_ONLN));

    llm::ClientOptions o;
    o.endpoints = {{server.baseUrl(), "", 0}};
    o.model = "fake-model";
    o.concurrency = concurrency;

    // Warm-up: open the connections (as a long job would have them open).
    {
        CountingSource warm;
        warm.total = concurrency;
        llm::ChatClient c(o);
        (void)c.run(warm);
    }

    // 1. The client alone.
    Measure raw;
    {
        CountingSource src;
        src.total = perSlot * concurrency;
        llm::ChatClient c(o);
        double cpu0 = cpuSeconds();
        auto t0 = std::chrono::steady_clock::now();
        auto st = c.run(src);
        raw.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        raw.cpu = cpuSeconds() - cpu0;
        raw.requests = src.ok;
        if (!st.ok() || src.failed) {
            std::fprintf(stderr, "client run failed: %s (%d failed)\n", st.ok() ? "" : st.error().message.c_str(),
                         src.failed);
            return 1;
        }
    }
    report("client (curl multi, no storage)", raw, concurrency, latencyMs);

    // 2. A whole generation job: rendering, the request rows, parsing, samples in SQLite.
    Measure job;
    {
        test::TempDir dir;
        auto project = store::Project::create(dir / "bench.synthembed");
        if (!project) {
            std::fprintf(stderr, "%s\n", project.error().message.c_str());
            return 1;
        }
        gen::JobSpec spec;
        spec.families = {{"sts", 1.0}};
        spec.target = perSlot * concurrency;
        spec.client = o;
        auto id = gen::createJob(*project, spec);
        gen::GenerationRunner runner(*project, *id);
        double cpu0 = cpuSeconds();
        auto t0 = std::chrono::steady_clock::now();
        auto out = runner.run();
        job.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        job.cpu = cpuSeconds() - cpu0;
        auto stats = gen::jobStats(*project, *id);
        if (!out || out->state != gen::JobState::Done || !stats) {
            std::fprintf(stderr, "job did not finish: %s\n", out ? out->message.c_str() : out.error().message.c_str());
            return 1;
        }
        job.requests = static_cast<int>(stats->requests);
    }
    report("generation job (sts, SQLite)", job, concurrency, latencyMs);
    return 0;
}
