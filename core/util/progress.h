#pragma once
/// Progress and cancellation for long jobs, framework-free (whisper.cpp style):
/// the CLI draws a progress bar from it, the GUI forwards it as a signal.

#include <cstdint>
#include <functional>
#include <string>

namespace synthembed {

struct ProgressHooks {
    /// done/total units of work (total 0 = unknown), with a short label of the current stage.
    std::function<void(std::int64_t done, std::int64_t total, const std::string& stage)> progress;
    /// Polled between units of work; returning true stops the job cleanly.
    std::function<bool()> shouldStop;

    void report(std::int64_t done, std::int64_t total, const std::string& stage = {}) const {
        if (progress) progress(done, total, stage);
    }
    bool stopRequested() const { return shouldStop && shouldStop(); }
};

} // namespace synthembed
