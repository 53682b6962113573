#include "core/train/checkpoint.h"

#include "core/train/distributed.h"
#include "core/util/log.h"
#include "core/util/result.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace synthembed::train {
namespace fs = std::filesystem;

namespace {
std::string stepName(std::int64_t step) {
    std::ostringstream os;
    os << "step-" << std::setw(8) << std::setfill('0') << step;
    return os.str();
}

void writeTextAtomic(const fs::path& path, const std::string& text) {
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw Failure("train.checkpoint", tmp.string() + ": write failed");
    }
    fs::rename(tmp, path);
}

std::vector<std::pair<std::int64_t, fs::path>> completeCheckpoints(const fs::path& root) {
    std::vector<std::pair<std::int64_t, fs::path>> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return out;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const auto name = e.path().filename().string();
        if (!e.is_directory() || name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos) continue;
        if (!fs::exists(e.path() / "state.json") || !fs::exists(e.path() / "state.pt")) continue;
        try {
            out.emplace_back(std::stoll(name.substr(5)), e.path());
        } catch (...) {
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}
} // namespace

fs::path saveCheckpoint(const fs::path& root, const CheckpointMeta& meta, const NamedTensors& params,
                        torch::optim::Optimizer& optimizer, const RngState& rng, Distributed* dist, int keep) {
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
        for (const auto& [name, t] : params) p.write(name, t.detach().cpu());
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
        writeTextAtomic(tmpDir / "state.json", j.dump(2));
        fs::remove_all(finalDir);
        fs::rename(tmpDir, finalDir);
        if (keep > 0) {
            auto all = completeCheckpoints(root);
            for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) fs::remove_all(all[i].second);
        }
        log::debug("checkpoint written: ", finalDir.string());
    }
    if (dist) dist->barrier();
    return finalDir;
}

std::optional<fs::path> latestCheckpoint(const fs::path& root) {
    auto all = completeCheckpoints(root);
    if (all.empty()) return std::nullopt;
    return all.back().second;
}

CheckpointMeta loadCheckpoint(const fs::path& dir, const NamedTensors& params, torch::optim::Optimizer& optimizer,
                              RngState& rng, int rank) {
    CheckpointMeta meta;
    {
        std::ifstream in(dir / "state.json");
        if (!in) throw Failure("train.checkpoint", (dir / "state.json").string() + ": cannot read");
        auto j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded()) throw Failure("train.checkpoint", (dir / "state.json").string() + ": not valid JSON");
        meta.step = j.value("step", std::int64_t{0});
        meta.batchCursor = j.value("batch_cursor", std::int64_t{0});
        meta.wallTime = j.value("wall_time", 0.0);
        meta.extra = j.value("extra", nlohmann::json::object());
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
                throw Failure("train.checkpoint", (dir / "state.pt").string() + ": tensor " + name + " is missing");
            if (v.sizes() != t.sizes()) {
                std::ostringstream os;
                os << (dir / "state.pt").string() << ": tensor " << name << " has shape " << v.sizes()
                   << ", the model has " << t.sizes();
                throw Failure("train.checkpoint", os.str());
            }
            t.copy_(v);
        }
        torch::serialize::InputArchive o;
        a.read("optimizer", o);
        optimizer.load(o);
    } catch (const Failure&) {
        throw;
    } catch (const std::exception& e) {
        throw Failure("train.checkpoint", (dir / "state.pt").string() + ": " + e.what());
    }
    auto rngFile = dir / ("rng-rank" + std::to_string(rank) + ".pt");
    if (!fs::exists(rngFile))
        throw Failure("train.checkpoint", rngFile.string() + ": missing (was the checkpoint written with another number of processes?)");
    torch::serialize::InputArchive r;
    r.load_from(rngFile.string());
    torch::Tensor t;
    if (r.try_read("cpu", t)) rng.cpu = t;
    if (r.try_read("cuda", t)) rng.cuda = t;
    return meta;
}

} // namespace synthembed::train
