// init, info, version: the project file and the program itself.

#include "command.h"
#include "json_out.h"

#include "core/cuda/cuda.h"
#include "core/runtime/runtime.h"
#include "core/store/schema.h"
#include "core/util/paths.h"

#include <iomanip>

namespace synthembed::cli {
namespace {

void registerProjectCommands(CLI::App& root) {
    auto* init = root.add_subcommand("init", "Create a new project file (default: the user's default project)");
    init->footer("Example: synthembed-cli init --db myproject.synthembed");
    init->callback([] {
        auto path = projectPath();
        auto r = store::Project::create(path);
        if (!r) throw CliError{r.error().message, 0, r.error().code};
        auto info = r->info();
        if (globals().json)
            printJson({{"path", info.path}, {"schema_version", info.schemaVersion}, {"created", true}});
        else
            std::cout << "created project " << info.path << " (schema version " << info.schemaVersion << ")\n";
    });

    auto* info = root.add_subcommand("info", "Show a project's schema version and row counts per table");
    info->callback([] {
        std::error_code ec;
        if (!globals().db.empty() && !std::filesystem::exists(projectPath(), ec))
            throw CliError{projectPath().string() + ": no such project file (create it with `init`)", 0, "not_found"};
        auto project = openProject();
        auto i = project.info();
        if (globals().json) {
            nlohmann::json counts = nlohmann::json::object();
            for (auto& [t, n] : i.tableCounts) counts[t] = n;
            printJson({{"path", i.path},
                       {"schema_version", i.schemaVersion},
                       {"latest_schema_version", i.latestSchemaVersion},
                       {"counts", counts}});
            return;
        }
        std::cout << "project:        " << i.path << "\n"
                  << "schema version: " << i.schemaVersion << " (this build: " << i.latestSchemaVersion << ")\n";
        for (auto& [t, n] : i.tableCounts) std::cout << "  " << std::left << std::setw(16) << t << n << "\n";
    });

    auto* version = root.add_subcommand("version", "Show versions of synthembed and its libraries");
    version->callback([] {
        auto v = versionInfo();
        if (globals().json) {
            nlohmann::json j = nlohmann::json::object();
            for (auto& [k, val] : v) j[k] = val;
            j["compute_threads"] = computeThreads();
            nlohmann::json gpus = nlohmann::json::array();
            for (const auto& d : cuda::devices())
                gpus.push_back({{"index", d.index},
                                {"name", d.name},
                                {"memory_bytes", d.totalMemory},
                                {"compute_capability", std::to_string(d.major) + "." + std::to_string(d.minor)}});
            j["cuda"] = {{"compiled", cuda::compiledIn()}, {"runtime", cuda::runtimeVersion()}, {"devices", gpus}};
            j["data_dir"] = paths::dataDir().string();
            printJson(j);
            return;
        }
        for (auto& [k, val] : v) std::cout << std::left << std::setw(14) << k << val << "\n";
        std::cout << std::left << std::setw(14) << "threads" << computeThreads() << "\n"
                  << std::left << std::setw(14) << "data dir" << paths::dataDir().string() << "\n";
    });
}

const Registrar reg(0, registerProjectCommands);

} // namespace
} // namespace synthembed::cli
