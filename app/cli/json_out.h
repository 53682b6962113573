#pragma once
// Small helpers shared by commands: open the project or fail with a one-line error, print JSON.

#include "command.h"

#include "core/store/project.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace synthembed::cli {

/// Opens --db (creating the default project on first use); CliError on failure.
inline store::Project openProject(bool createIfMissing = false) {
    auto path = projectPath();
    bool isDefault = globals().db.empty();
    auto r = (createIfMissing || isDefault) ? store::Project::openOrCreate(path) : store::Project::open(path);
    if (!r) throw CliError{r.error().message, 0, r.error().code};
    return std::move(r).take();
}

inline void printJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

} // namespace synthembed::cli
