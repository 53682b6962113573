#include "progress_bar.h"

#include "core/platform/platform.h"

#include <csignal>
#include <cstdio>


namespace synthembed::cli {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void onSigint(int) { g_interrupted = 1; }
struct InstallHandler {
    InstallHandler() { std::signal(SIGINT, onSigint); }
} g_install;
} // namespace

bool interrupted() { return g_interrupted != 0; }

ProgressBar::ProgressBar(std::string label)
    : m_label(std::move(label)), m_enabled(platform::isTerminal(stdout)), m_start(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::int64_t done, std::int64_t total, const std::string& stage) {
    if (!m_enabled) return;
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - m_lastDraw < std::chrono::milliseconds(100)) return;
    m_lastDraw = now;
    double secs = std::chrono::duration<double>(now - m_start).count();
    constexpr int width = 30;
    std::string bar;
    if (total > 0) {
        int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
        bar = std::string(filled, '#') + std::string(width - filled, '-');
        std::fprintf(stdout, "\r%s [%s] %lld/%lld %5.1f%% %.0fs %s\x1b[K", m_label.c_str(), bar.c_str(),
                     static_cast<long long>(done), static_cast<long long>(total), 100.0 * done / total, secs,
                     stage.c_str());
    } else {
        std::fprintf(stdout, "\r%s %lld %.0fs %s\x1b[K", m_label.c_str(), static_cast<long long>(done), secs,
                     stage.c_str());
    }
    std::fflush(stdout);
}

void ProgressBar::finish() {
    if (m_enabled && !m_finished) {
        std::fputs("\n", stdout);
        std::fflush(stdout);
    }
    m_finished = true;
}

ProgressHooks ProgressBar::hooks() {
    ProgressHooks h;
    h.progress = [this](std::int64_t d, std::int64_t t, const std::string& s) { update(d, t, s); };
    h.shouldStop = [] { return interrupted(); };
    return h;
}

} // namespace synthembed::cli
