#include "core/util/log.h"

#include <atomic>
#include <map>
#include <mutex>

namespace synthembed::log {
namespace {
std::mutex g_mutex;
std::map<int, Sink> g_sinks;
int g_nextId = 1;
std::atomic<int> g_minLevel{static_cast<int>(Level::Info)};
} // namespace

const char* levelName(Level level) {
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    }
    return "?";
}

int addSink(Sink sink) {
    std::lock_guard lock(g_mutex);
    g_sinks.emplace(g_nextId, std::move(sink));
    return g_nextId++;
}

void removeSink(int id) {
    std::lock_guard lock(g_mutex);
    g_sinks.erase(id);
}

void setMinLevel(Level level) { g_minLevel = static_cast<int>(level); }
Level minLevel() { return static_cast<Level>(g_minLevel.load()); }

void write(Level level, const std::string& message) {
    if (level < minLevel()) return;
    std::lock_guard lock(g_mutex);
    for (auto& [id, sink] : g_sinks) sink(level, message);
}

} // namespace synthembed::log
