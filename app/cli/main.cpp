// synthembed-cli: the headless front end. Subcommands live in cmd_*.cpp and register themselves.

#include "command.h"

#include "core/runtime/runtime.h"
#include "core/util/error_codes.h"
#include "core/util/log.h"
#include "core/util/paths.h"
#include "core/util/result.h"

#include <algorithm>
#include <functional>
#include <cstdio>
#include <iostream>
#include <vector>

namespace synthembed::cli {

namespace {
std::vector<std::pair<int, RegisterFn>>& registry() {
    static std::vector<std::pair<int, RegisterFn>> r;
    return r;
}
} // namespace

Registrar::Registrar(int order, RegisterFn fn) { registry().emplace_back(order, std::move(fn)); }

GlobalOptions& globals() {
    static GlobalOptions g;
    return g;
}

std::filesystem::path projectPath() {
    return globals().db.empty() ? paths::defaultProjectPath() : std::filesystem::path(globals().db);
}

} // namespace synthembed::cli

int main(int argc, char** argv) {
    using namespace synthembed;
    CLI::App app{"synthembed-cli: build text-embedding models from LLM-generated synthetic data.\n"
                 "Every subcommand accepts --help.",
                 "synthembed-cli"};
    app.set_version_flag("--version", std::string("synthembed-cli ") + SYNTHEMBED_VERSION);
    auto& g = cli::globals();
    // The global options are accepted before or after the subcommand name, at every level.
    auto addGlobals = [&g](CLI::App& a) {
        a.add_option("--db", g.db, "Project file (default: " + paths::defaultProjectPath().string() + ")")
            ->envname("SYNTHEMBED_DB");
        a.add_flag("--json", g.json, "Machine-readable JSON output");
        a.add_flag("-v,--verbose", g.verbose, "Log debug messages to stderr");
        a.add_flag("-q,--quiet", g.quiet, "Only log errors");
    };
    addGlobals(app);
    app.require_subcommand(1);

    auto& reg = cli::registry();
    std::stable_sort(reg.begin(), reg.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [order, fn] : reg) fn(app);
    std::function<void(CLI::App&)> addRecursively = [&](CLI::App& a) {
        for (auto* sub : a.get_subcommands({})) {
            addGlobals(*sub);
            addRecursively(*sub);
        }
    };
    addRecursively(app);

    // Set up logging before any subcommand callback runs.
    app.parse_complete_callback([&] {
        log::setMinLevel(g.verbose ? log::Level::Debug : g.quiet ? log::Level::Error : log::Level::Warning);
        log::addSink([](log::Level level, const std::string& msg) {
            std::fprintf(stderr, "%s: %s\n", log::levelName(level), msg.c_str());
        });
        initialize();
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e); // --help, --version

        std::cerr << "error: " << e.what() << " (see --help)\n";
        return e.get_exit_code() ? e.get_exit_code() : 2;
    } catch (const cli::CliError& e) {
        // The code from the one vocabulary (docs/guide.md, "Error codes") after the message, for
        // scripts; the exit status is the command's own or the code's.
        std::cerr << "error: " << e.message << (e.code.empty() ? "" : " [" + e.code + "]") << "\n";
        return e.exitCode ? e.exitCode : errors::exitStatus(e.code);
    } catch (const Failure& e) {
        std::cerr << "error: " << e.what() << " [" << e.code() << "]\n";
        return errors::exitStatus(e.code());
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
