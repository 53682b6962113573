// The training loop on a tiny model: exact resume after a stop and after a crash, the NaN stop,
// and 2-process data parallel (Gloo on loopback) against one process with the doubled batch.

#include "core/cuda/cuda.h"
#include "core/train/distributed.h"
#include "core/train/engine.h"
#include "support/test_support.h"
#include "tiny_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <future>
#include <fstream>

using namespace synthembed;
using namespace synthembed::train;
namespace fs = std::filesystem;

namespace {

TrainConfig tinyConfig(const fs::path& out) {
    TrainConfig c;
    c.outputDir = out.string();
    c.batchSize = 4;
    c.steps = 8;
    c.warmupSteps = 2;
    c.lr = 5e-2;
    c.temperature = 0.1;
    c.maxLength = 24;
    c.lora.rank = 4;
    c.lora.dropout = 0.1; // exercises RNG restore on resume
    c.checkpointEvery = 3;
    c.seed = 3;
    return c;
}

struct Run {
    std::unique_ptr<Trainer> trainer;
    TrainOutcome outcome;
    std::vector<float> losses;
};

Run trainRun(const TrainConfig& c, double modelDropout, std::function<bool(std::int64_t)> stopAt = {},
          std::int64_t crashAt = 0, Distributed* dist = nullptr, std::vector<TrainExample> data = test::toyExamples(24)) {
    torch::manual_seed(99); // same base weights in every run
    auto m = test::tinyModel(64, 16, modelDropout);
    Run r;
    r.trainer = std::make_unique<Trainer>(m, test::byteTokenizer(), c, std::move(data),
                                          std::vector<TrainExample>{}, dist);
    TrainCallbacks cb;
    std::int64_t last = 0;
    cb.onStep = [&](const StepMetrics& s) {
        r.losses.push_back(static_cast<float>(s.loss));
        last = s.step;
        if (crashAt && s.step == crashAt) throw std::runtime_error("simulated crash");
    };
    cb.hooks.shouldStop = [&] { return stopAt && stopAt(last); };
    r.outcome = r.trainer->run(cb);
    return r;
}

torch::Tensor flat(const Trainer& t) {
    std::vector<torch::Tensor> v;
    for (auto& [n, p] : t.engine().trainable()) v.push_back(p.detach().reshape(-1));
    return torch::cat(v);
}

} // namespace

TEST(TrainLoop, LearnsTheToyTask) {
    test::TempDir dir;
    auto c = tinyConfig(dir / "out");
    c.steps = 30;
    c.lora.dropout = 0;
    c.checkpointEvery = 0;
    auto r = trainRun(c, 0.0);
    ASSERT_EQ(r.losses.size(), 30u);
    EXPECT_LT(r.losses.back(), 0.5f * r.losses.front()) << "first " << r.losses.front() << " last " << r.losses.back();
    EXPECT_EQ(r.outcome.steps, 30);
    EXPECT_FALSE(r.outcome.stopped);
}

TEST(TrainLoop, StopAndResumeReachTheUninterruptedWeights) {
    test::TempDir dir;
    auto whole = trainRun(tinyConfig(dir / "a"), 0.1);
    auto c = tinyConfig(dir / "b");
    auto first = trainRun(c, 0.1, [](std::int64_t s) { return s == 5; });
    ASSERT_TRUE(first.outcome.stopped);
    EXPECT_EQ(first.outcome.steps, 5);
    EXPECT_TRUE(fs::exists(dir / "b" / "checkpoints" / "step-00000005" / "state.pt"));
    c.resume = true;
    auto second = trainRun(c, 0.1);
    EXPECT_EQ(second.outcome.steps, 8);
    EXPECT_EQ(second.losses.size(), 3u);
    EXPECT_TRUE(torch::equal(flat(*second.trainer), flat(*whole.trainer)))
        << "max diff " << (flat(*second.trainer) - flat(*whole.trainer)).abs().max().item<double>();
    // Stopped/resumed losses are the uninterrupted ones.
    for (std::size_t i = 0; i < 3; ++i) EXPECT_FLOAT_EQ(second.losses[i], whole.losses[5 + i]);
}

TEST(TrainLoop, CrashThenResumeFromThePeriodicCheckpoint) {
    test::TempDir dir;
    auto c = tinyConfig(dir / "out");
    c.miniBatch = 3; // GradCache on, dropout on: the replayed RNG must survive the checkpoint
    auto whole = trainRun(c, 0.1);
    auto c2 = tinyConfig(dir / "crashed");
    c2.miniBatch = 3;
    EXPECT_THROW(trainRun(c2, 0.1, {}, /*crashAt=*/7), std::runtime_error);
    // Periodic checkpoints at 3 and 6; the crash at 7 wrote nothing and left no partial folder.
    EXPECT_TRUE(fs::exists(dir / "crashed" / "checkpoints" / "step-00000006" / "state.json"));
    for (auto& e : fs::directory_iterator(dir / "crashed" / "checkpoints"))
        EXPECT_EQ(e.path().extension(), "") << e.path();
    c2.resume = true;
    auto resumed = trainRun(c2, 0.1);
    EXPECT_EQ(resumed.losses.size(), 2u);
    EXPECT_TRUE(torch::equal(flat(*resumed.trainer), flat(*whole.trainer)));
}

TEST(TrainLoop, ResumeWithoutCheckpointOrWithOtherSettingsFails) {
    test::TempDir dir;
    auto c = tinyConfig(dir / "none");
    c.resume = true;
    try {
        trainRun(c, 0.0);
        FAIL() << "resume without a checkpoint must fail";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_resume");
        EXPECT_NE(std::string(f.what()).find("no complete checkpoint"), std::string::npos) << f.what();
    }
    auto c2 = tinyConfig(dir / "x");
    trainRun(c2, 0.0, [](std::int64_t s) { return s == 2; });
    c2.resume = true;
    c2.batchSize = 8;
    EXPECT_THROW(trainRun(c2, 0.0), Failure);
    // Every stored setting counts, not only batch, accumulation and seed...
    auto c3 = tinyConfig(dir / "x");
    c3.resume = true;
    c3.temperature = 0.5;
    c3.devFraction = 0.3;
    try {
        trainRun(c3, 0.0);
        FAIL() << "resume with another temperature must fail";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_resume");
        EXPECT_NE(std::string(f.what()).find("temperature"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("dev_fraction"), std::string::npos) << f.what();
    }
    // ... except the operational ones, which do not change what the run computes.
    auto c4 = tinyConfig(dir / "x");
    c4.resume = true;
    c4.checkpointEvery = 1;
    c4.keepCheckpoints = 5;
    c4.gradientCheckpointing = true;
    auto resumed = trainRun(c4, 0.0);
    EXPECT_EQ(resumed.outcome.steps, 8);
    EXPECT_TRUE(fs::exists(dir / "x" / "checkpoints" / "step-00000007"));
}

TEST(TrainLoop, NonFiniteLossStopsAndKeepsTheLastGoodCheckpoint) {
    test::TempDir dir;
    auto c = tinyConfig(dir / "out");
    torch::manual_seed(99);
    auto m = test::tinyModel(64, 16, 0.0);
    Trainer t(m, test::byteTokenizer(), c, test::toyExamples(24));
    TrainCallbacks cb;
    cb.onStep = [&](const StepMetrics& s) {
        if (s.step == 4) m->poison = true; // step 5 produces NaN
    };
    try {
        t.run(cb);
        FAIL() << "a NaN loss must stop the run";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_nonfinite");
        const std::string msg = f.what();
        EXPECT_NE(msg.find("step 5"), std::string::npos) << msg;
        EXPECT_NE(msg.find("nan"), std::string::npos) << msg;
        EXPECT_NE(msg.find("step-00000003"), std::string::npos) << msg;
    }
    // The adapters were not updated with NaN, and the checkpoint resumes.
    EXPECT_TRUE(torch::isfinite(flat(t)).all().item<bool>());
    m->poison = false;
    c.resume = true;
    auto r = trainRun(c, 0.0);
    EXPECT_EQ(r.outcome.steps, 8);
}

TEST(TrainLoop, FullFineTuneTrainsEveryWeightAndAccumulates) {
    test::TempDir dir;
    auto c = tinyConfig(dir / "out");
    c.fullFineTune = true;
    c.accumulation = 2;
    c.steps = 3;
    auto r = trainRun(c, 0.0);
    EXPECT_EQ(r.trainer->engine().trainable().size(), 6u);
    EXPECT_FALSE(r.trainer->engine().lora());
    EXPECT_EQ(r.outcome.steps, 3);
}

// ---- data parallel: this test binary re-runs itself as the two ranks.
namespace {
int freePort() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    int port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

TrainConfig distConfig(const fs::path& out, int batch) {
    auto c = tinyConfig(out);
    c.batchSize = batch;
    c.steps = 4;
    c.lora.dropout = 0; // dropout streams differ per rank by design
    c.checkpointEvery = 2;
    c.symmetric = true;
    return c;
}

void writeTensor(const fs::path& p, const torch::Tensor& t) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(t.data_ptr<float>()), static_cast<std::streamsize>(t.numel() * sizeof(float)));
}
torch::Tensor readTensor(const fs::path& p) {
    std::string bytes = test::readFile(p);
    auto t = torch::empty({static_cast<std::int64_t>(bytes.size() / sizeof(float))});
    std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
    return t;
}
} // namespace

// Runs only as a child (SYNTHEMBED_DIST_OUT set): one rank of the 2-process run.
TEST(TrainDist, Worker) {
    const char* out = std::getenv("SYNTHEMBED_DIST_OUT");
    if (!out) GTEST_SKIP() << "runs as a child of TrainDist.TwoProcessesEqualOneWithTheDoubledBatch";
    auto opts = distributedFromEnvironment();
    ASSERT_TRUE(opts.has_value());
    auto dist = Distributed::connect(*opts);
    auto c = distConfig(fs::path(out) / "run", 8); // global batch 8 = 4 per rank
    c.miniBatch = std::getenv("SYNTHEMBED_DIST_MINIBATCH") ? std::atoi(std::getenv("SYNTHEMBED_DIST_MINIBATCH")) : 0;
    auto r = trainRun(c, 0.0, {}, 0, dist.get());
    writeTensor(fs::path(out) / ("rank" + std::to_string(dist->rank()) + ".bin"), flat(*r.trainer).contiguous());
}

TEST(TrainDist, TwoProcessesEqualOneWithTheDoubledBatch) {
    if (!distributedAvailable()) GTEST_SKIP() << "built without c10d Gloo (install libgloo-dev)";
    test::TempDir dir;
    auto single = trainRun(distConfig(dir / "single", 8), 0.0);
    const auto expected = flat(*single.trainer);
    char exe[4096];
    auto n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    ASSERT_GT(n, 0);
    exe[n] = 0;
    for (const char* mini : {"0", "3"}) {
        SCOPED_TRACE(std::string("mini-batch ") + mini);
        const auto port = std::to_string(freePort());
        const auto out = dir / (std::string("dist") + mini);
        fs::create_directories(out);
        auto launch = [&](int rank) {
            return std::async(std::launch::async, [=] {
                return test::runCommand({exe, "--gtest_filter=TrainDist.Worker"},
                                        {"SYNTHEMBED_DIST_OUT=" + out.string(), std::string("SYNTHEMBED_DIST_MINIBATCH=") + mini,
                                         "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port, "WORLD_SIZE=2",
                                         "RANK=" + std::to_string(rank), "LOCAL_RANK=" + std::to_string(rank)});
            });
        };
        auto r0 = launch(0), r1 = launch(1);
        auto a = r0.get(), b = r1.get();
        ASSERT_EQ(a.exitCode, 0) << a.out << a.err;
        ASSERT_EQ(b.exitCode, 0) << b.out << b.err;
        auto w0 = readTensor(out / "rank0.bin"), w1 = readTensor(out / "rank1.bin");
        EXPECT_TRUE(torch::equal(w0, w1)) << "ranks diverged";
        EXPECT_TRUE(torch::allclose(w0, expected, 1e-4, 1e-5))
            << "max diff to single process " << (w0 - expected).abs().max().item<double>();
        EXPECT_TRUE(fs::exists(out / "run" / "checkpoints" / "step-00000002" / "rng-rank1.pt"));
    }
}

// NCCL is chosen for a CUDA device; without a CUDA libtorch, or without the GPU that LOCAL_RANK
// names, joining fails at once with a reason (never a hang waiting for other ranks).
TEST(TrainDist, NcclNeedsACudaBuildAndTheRanksGpu) {
    DistributedOptions o;
    o.worldSize = 2;
    o.rank = 1;
    o.localRank = 7;
    o.cuda = true;
    o.timeoutSeconds = 5;
    EXPECT_EQ(cuda::compiledIn(), SYNTHEMBED_EXPECT_CUDA != 0);
    try {
        auto d = Distributed::connect(o);
        FAIL() << "joined an NCCL group without GPU 7";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "train_dist");
        const std::string why = f.what();
        if (cuda::compiledIn())
            EXPECT_NE(why.find("LOCAL_RANK 7 needs GPU 7"), std::string::npos) << why;
        else
            EXPECT_NE(why.find("CUDA libtorch"), std::string::npos) << why;
    }
}
