#pragma once
/// Where synthembed keeps its data on each platform.

#include <filesystem>

namespace synthembed::paths {

/// Per-user data directory: $XDG_DATA_HOME/synthembed (~/.local/share/synthembed) on Linux,
/// ~/Library/Application Support/synthembed on macOS, %LOCALAPPDATA%\synthembed on Windows.
/// Overridden by SYNTHEMBED_DATA_DIR.
std::filesystem::path dataDir();

/// The project opened when none is given: <dataDir>/default.synthembed.
std::filesystem::path defaultProjectPath();

/// The template files shipped with the program: SYNTHEMBED_PROMPTS_DIR, else
/// <exe>/../share/synthembed/prompts when installed, else the source tree's prompts/.
std::filesystem::path shippedPromptsDir();

/// Directory of the running executable (empty if unknown).
std::filesystem::path executableDir();

} // namespace synthembed::paths
