#pragma once
// Subcommand registry: each cmd_*.cpp registers its subcommands with a static Registrar, so
// adding a command never touches main.cpp.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>

namespace synthembed::cli {

/// Options shared by every subcommand.
struct GlobalOptions {
    std::string db;       ///< --db PATH; empty = default project
    bool json = false;    ///< --json machine output
    bool verbose = false; ///< --verbose: debug log on stderr
    bool quiet = false;   ///< --quiet: errors only
};

/// Thrown by commands for a one-line `error: ... [code]` and a non-zero exit code: exitCode when set,
/// else the code's exit status in core/util/error_codes (1 without a code).
struct CliError {
    std::string message;
    int exitCode = 0;
    std::string code = {}; ///< from the error vocabulary (core/util/error_codes.h); empty = none
};

GlobalOptions& globals();
/// The project path chosen by --db or the default project.
std::filesystem::path projectPath();

using RegisterFn = std::function<void(CLI::App& root)>;

struct Registrar {
    Registrar(int order, RegisterFn fn);
};


} // namespace synthembed::cli
