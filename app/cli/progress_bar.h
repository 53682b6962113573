#pragma once
// A terminal progress bar drawn from core's progress callback; silent when stdout is not a tty.

#include "core/util/progress.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace synthembed::cli {

class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    void update(std::int64_t done, std::int64_t total, const std::string& stage = {});
    void finish();
    /// Hooks to hand to a core job; shouldStop follows Ctrl-C.
    ProgressHooks hooks();

private:
    std::string m_label;
    bool m_enabled;
    bool m_finished = false;
    std::chrono::steady_clock::time_point m_start, m_lastDraw;
};

/// True once SIGINT was received (installed by main).
bool interrupted();

} // namespace synthembed::cli
