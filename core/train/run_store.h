#pragma once
/// Training runs in the project database: one training_runs row per run, metrics as
/// train_metrics rows (run_id, step, name, value, wall_time). Plain C++.

#include "core/train/config.h"
#include "core/util/result.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace synthembed::db {
class Database;
}

namespace synthembed::train {

class RunRecorder {
public:
    /// Inserts a 'running' run (or, for a resume, reopens the newest run with the same output
    /// folder and drops its metrics past the checkpoint step `fromStep`).
    static Result<std::unique_ptr<RunRecorder>> open(const std::filesystem::path& projectPath, const TrainConfig& config,
                                                     const std::string& configJson, std::int64_t fromStep);
    ~RunRecorder();
    std::int64_t runId() const { return m_runId; }
    /// Buffers one step; flushed in one transaction every second and by finish().
    void record(const StepMetrics& metrics);
    void flush();
    /// state: done / stopped / failed (with the error message).
    void finish(const std::string& state, const std::string& error = {});

private:
    RunRecorder() = default;
    struct Impl;
    std::unique_ptr<Impl> m;
    std::int64_t m_runId = 0;
};

/// One run's metric series, for charts: (step, value) per name.
struct MetricSeries {
    std::string name;
    std::vector<std::pair<std::int64_t, double>> points;
};
Result<std::vector<MetricSeries>> loadRunMetrics(const std::filesystem::path& projectPath, std::int64_t runId);

/// One training_runs row with its last recorded step and loss (for the runs table).
struct RunSummary {
    std::int64_t id = 0;
    std::string name, state, baseModel, outputDir, createdAt, finishedAt, error, configJson;
    std::optional<std::int64_t> step; ///< last recorded step (none yet: empty)
    std::optional<double> loss;       ///< loss at the last step that recorded one
};
/// All runs of the project, newest first.
Result<std::vector<RunSummary>> listRuns(const db::Database& db);

} // namespace synthembed::train
