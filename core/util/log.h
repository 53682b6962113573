#pragma once
/// Core's logger: plain C++, any number of sinks (CLI stderr, GUI log dock, files).

#include <functional>
#include <sstream>
#include <string>

namespace synthembed::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3 };

const char* levelName(Level level);

using Sink = std::function<void(Level, const std::string&)>;

/// Registers a sink; returns an id for removeSink. Sinks may be called from any thread.
int addSink(Sink sink);
void removeSink(int id);
/// Messages below this level are dropped before reaching sinks (default Info).
void setMinLevel(Level level);
Level minLevel();

void write(Level level, const std::string& message);

template <class... Args>
void emit(Level level, Args&&... args) {
    if (level < minLevel()) return;
    std::ostringstream os;
    (os << ... << std::forward<Args>(args));
    write(level, os.str());
}
template <class... Args> void debug(Args&&... a) { emit(Level::Debug, std::forward<Args>(a)...); }
template <class... Args> void info(Args&&... a) { emit(Level::Info, std::forward<Args>(a)...); }
template <class... Args> void warn(Args&&... a) { emit(Level::Warning, std::forward<Args>(a)...); }
template <class... Args> void error(Args&&... a) { emit(Level::Error, std::forward<Args>(a)...); }

} // namespace synthembed::log
