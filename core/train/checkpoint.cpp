#include "core/train/checkpoint.h"

#include "core/platform/platform.h"
#include "core/train/distributed.h"
#include "core/train/trainer.h"
#include "core/util/durable.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>

namespace synthembed::train {
namespace fs = std::filesystem;

namespace {
std::string stepName(std::int64_t step) {
    std::ostringstream os;
    os << "step-" << std::setw(8) << std::setfill('0') << step;
    return os.str();
}

std::string readRunId(const fs::path& dir) {
    std::ifstream in(dir / "state.json");
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return {};
    auto it = j.find("run_id");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Complete checkpoints by step; with `runId` only that run's.
std::vector<std::pair<std::int64_t, fs::path>>
completeCheckpoints(const fs::path& root, const std::optional<std::string>& runId = {}) {
    std::vector<std::pair<std::int64_t, fs::path>> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return out;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const auto name = e.path().filename().string();
        if (!e.is_directory() || name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos) continue;
        if (!fs::exists(e.path() / "state.json") || !fs::exists(e.path() / "state.pt")) continue;
        if (runId && readRunId(e.path()) != *runId) continue;
        try {
            out.emplace_back(std::stoll(name.substr(5)), e.path());
        } catch (...) {
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// fsync every file of a finished checkpoint folder, then the folder.
void syncTree(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) platform::syncFile(e.path());
    platform::syncDirectory(dir);
}
} // namespace

fs::path saveCheckpoint(const fs::path& root, const CheckpointMeta& meta, const NamedTensors& params,
                        torch::optim::Optimizer& optimizer, const RngState& rng, Distributed* dist,
                        int keep) {
    const int rank = dist ? dist->rank() : 0;
    const auto finalDir = root / stepName(meta.step);
    auto tmpDir = finalDir;
    tmpDir += ".tmp";
    if (rank == 0) {
        fs::create_directories(root);
        fs::remove_all(tmpDir);
        fs::create_directories(tmpDir);
    }
    if (dist) dist->barrier();
    {
        torch::serialize::OutputArchive a;
        if (rng.cpu.defined()) a.write("cpu", rng.cpu);
        if (rng.cuda.defined()) a.write("cuda", rng.cuda);
        a.save_to((tmpDir / ("rng-rank" + std::to_string(rank) + ".pt")).string());
    }
    if (rank == 0) {
        torch::serialize::OutputArchive a;
        torch::serialize::OutputArchive p;
        for (const auto& [name, t] : params)
            p.write(name, t.detach().cpu());
        a.write("params", p);
        torch::serialize::OutputArchive o;
        optimizer.save(o);
        a.write("optimizer", o);
        a.save_to((tmpDir / "state.pt").string());
    }
    if (dist) dist->barrier();
    if (rank == 0) {
        nlohmann::json j = {{"step", meta.step},
                            {"batch_cursor", meta.batchCursor},
                            {"wall_time", meta.wallTime},
                            {"world_size", dist ? dist->worldSize() : 1},
                            {"extra", meta.extra}};
        if (!meta.runId.empty()) j["run_id"] = meta.runId;
        durable::writeFile(tmpDir / "state.json", j.dump(2));
        syncTree(tmpDir);
        durable::crashPoint("checkpoint: folder complete");
        // Never a moment without this step's checkpoint: an older folder of the same step (a run
        // resumed from an earlier checkpoint) is renamed aside first and removed last.
        std::error_code ec;
        fs::path aside;
        if (fs::exists(finalDir, ec)) {
            aside = platform::temporarySibling(finalDir);
            fs::rename(finalDir, aside);
        }
        durable::renameDurably(tmpDir, finalDir);
        if (!aside.empty()) fs::remove_all(aside, ec);
        if (keep > 0) {
            // Only this run's checkpoints: another run's (or an older one's) are not ours to delete.
            auto mine = completeCheckpoints(root, meta.runId);
            for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < mine.size(); ++i)
                fs::remove_all(mine[i].second, ec);
        }
        log::debug("checkpoint written: ", finalDir.string());
    }
    if (dist) dist->barrier();
    return finalDir;
}

std::optional<fs::path> latestCheckpoint(const fs::path& root, const std::string& runId) {
    auto all = runId.empty() ? completeCheckpoints(root) : completeCheckpoints(root, runId);
    if (all.empty()) return std::nullopt;
    return all.back().second;
}

std::string checkpointRunId(const fs::path& dir) {
    return readRunId(dir);
}

std::string newRunId() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
#if defined(_WIN32)
    gmtime_s(&utc, &now);
#else
    gmtime_r(&now, &utc);
#endif
    std::ostringstream os;
    os << std::put_time(&utc, "%Y%m%dT%H%M%S") << "-" << std::hex << std::setw(8) << std::setfill('0')
       << (std::random_device{}() & 0xffffffffu);
    return os.str();
}

namespace {
fs::path asideName(const fs::path& outputDir) {
    std::error_code ec;
    for (int n = 1;; ++n) {
        fs::path aside = outputDir;
        aside += ".previous-" + std::to_string(n);
        if (!fs::exists(aside, ec) && !fs::is_symlink(aside, ec)) return aside;
    }
}

std::optional<OutputFolderRun> findRun(const fs::path& outputDir) {
    OutputFolderRun r;
    std::error_code ec;
    if (auto last = latestCheckpoint(outputDir / "checkpoints")) {
        r.lastCheckpoint = last->string();
        r.runId = checkpointRunId(*last);
        std::ifstream in(*last / "state.json");
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_object() && j.contains("step") && j["step"].is_number_integer()) r.step = j["step"].get<std::int64_t>();
    }
    if (fs::exists(outputDir / "synthembed_train.json", ec)) {
        r.exportedModel = true;
        std::ifstream in(outputDir / "synthembed_train.json");
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (r.lastCheckpoint.empty() && j.is_object()) {
            if (j.contains("run_id") && j["run_id"].is_string()) r.runId = j["run_id"].get<std::string>();
            if (j.contains("step") && j["step"].is_number_integer()) r.step = j["step"].get<std::int64_t>();
        }
    }
    if (r.lastCheckpoint.empty() && !r.exportedModel) return std::nullopt;
    r.asideTo = asideName(outputDir).string();
    return r;
}
} // namespace

std::string OutputFolderRun::describe() const {
    std::string s = "run " + (runId.empty() ? std::string("(without id: written before run ids)") : runId);
    if (!lastCheckpoint.empty()) s += ", last checkpoint " + fs::path(lastCheckpoint).filename().string();
    else if (step >= 0) s += ", exported model at step " + std::to_string(step);
    else s += ", exported model";
    return s;
}

Result<std::optional<OutputFolderRun>> inspectOutputFolder(const std::string& outputDir) {
    return guarded([&] { return findRun(outputDir); }, "train_output");
}

RunFolder prepareRunFolder(const fs::path& outputDir, bool resume, bool overwrite) {
    const fs::path root = outputDir / "checkpoints";
    RunFolder f;
    if (resume) {
        // The run being continued keeps its id ("" for checkpoints written before run ids, whose
        // pruning then stays as it was).
        const auto last = latestCheckpoint(root);
        f.runId = last ? checkpointRunId(*last) : newRunId();
        return f;
    }
    f.runId = newRunId();
    // Checkpoints or an exported model of another run (with or without a run id) are never
    // written over: the user continues that run or has it moved aside.
    const auto other = findRun(outputDir);
    if (!other) return f;
    const std::string who = other->describe();
    if (!overwrite)
        throw Failure("train_output",
                      outputDir.string() + " holds another training run (" + who + "): " +
                          (other->lastCheckpoint.empty() ? std::string() : "continue it with --resume, or ") +
                          "pass --overwrite to move it aside (to " + other->asideTo +
                          ") and start a new run there");
    std::error_code ec;
    const fs::path abs = fs::weakly_canonical(fs::absolute(outputDir), ec);
    const fs::path cwd = fs::current_path(ec);
    if (!abs.empty() && !cwd.empty()) {
        auto rel = cwd.lexically_relative(abs);
        if (!rel.empty() && *rel.begin() != "..")
            throw Failure("train_output",
                          outputDir.string() +
                              " contains the working folder: it cannot be moved aside; choose another "
                              "--output");
    }
    const fs::path aside = asideName(outputDir);
    fs::rename(outputDir, aside, ec);
    if (ec)
        throw Failure("train_output", outputDir.string() + ": cannot move the previous run to " +
                                          aside.string() + ": " + ec.message());
    platform::syncDirectory(aside.has_parent_path() ? aside.parent_path() : fs::path("."));
    fs::create_directories(outputDir);
    f.previousMovedTo = aside;
    log::warn("--overwrite: moved the previous run (", who, ") from ", outputDir.string(), " to ",
              aside.string());
    return f;
}

CheckpointMeta loadCheckpoint(const fs::path& dir, const NamedTensors& params,
                              torch::optim::Optimizer& optimizer, RngState& rng, int rank) {
    CheckpointMeta meta;
    {
        std::ifstream in(dir / "state.json");
        if (!in) throw Failure("train_checkpoint", (dir / "state.json").string() + ": cannot read");
        auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded())
            throw Failure("train_checkpoint", (dir / "state.json").string() + ": not valid JSON");
        meta.step = j.value("step", std::int64_t{0});
        meta.batchCursor = j.value("batch_cursor", std::int64_t{0});
        meta.wallTime = j.value("wall_time", 0.0);
        meta.extra = j.value("extra", nlohmann::json::object());
        meta.runId = j.value("run_id", std::string());
    }
    try {
        torch::serialize::InputArchive a;
        a.load_from((dir / "state.pt").string());
        torch::serialize::InputArchive p;
        a.read("params", p);
        torch::NoGradGuard ng;
        for (const auto& [name, t] : params) {
            torch::Tensor v;
            if (!p.try_read(name, v))
                throw Failure("train_checkpoint",
                              (dir / "state.pt").string() + ": tensor " + name + " is missing");
            if (v.sizes() != t.sizes()) {
                std::ostringstream os;
                os << (dir / "state.pt").string() << ": tensor " << name << " has shape " << v.sizes()
                   << ", the model has " << t.sizes();
                throw Failure("train_checkpoint", os.str());
            }
            t.copy_(v);
        }
        torch::serialize::InputArchive o;
        a.read("optimizer", o);
        optimizer.load(o);
    } catch (const Failure&) {
        throw;
    } catch (const std::exception& e) {
        throw Failure("train_checkpoint", (dir / "state.pt").string() + ": " + e.what());
    }
    auto rngFile = dir / ("rng-rank" + std::to_string(rank) + ".pt");
    if (!fs::exists(rngFile))
        throw Failure("train_checkpoint",
                      rngFile.string() +
                          ": missing (was the checkpoint written with another number of processes?)");
    torch::serialize::InputArchive r;
    r.load_from(rngFile.string());
    torch::Tensor t;
    if (r.try_read("cpu", t)) rng.cpu = t;
    if (r.try_read("cuda", t)) rng.cuda = t;
    return meta;
}

} // namespace synthembed::train
