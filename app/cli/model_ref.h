#pragma once
// --model accepts a folder or a Hugging Face repo id (ORG/NAME[@revision]): one place where the CLI
// turns it into a folder through core/hub (the Hugging Face cache first, a download otherwise).

#include "command.h"
#include "progress_bar.h"

#include "core/hub/hub.h"

#include <filesystem>
#include <string>

namespace synthembed::cli {

/// The folder for a --model value; existing paths and the hashing encoder ("hash", "hash:DIM") pass
/// through unchanged. Downloads draw a progress bar; failures are a CliError.
inline std::string resolveModelArg(const std::string& model) {
    std::error_code ec;
    if (model.empty() || model == "hash" || model.rfind("hash:", 0) == 0 || std::filesystem::exists(model, ec))
        return model;
    hub::PullParams params;
    if (auto ref = hub::parseRepoRef(model)) { // in the cache: no progress bar to draw
        auto cached = hub::findCached(*ref, params.settings);
        if (cached) return cached->path.string();
    }
    ProgressBar bar("download");
    params.hooks = bar.hooks();
    auto dir = hub::resolveModel(model, params);
    bar.finish();
    if (!dir) throw CliError{dir.error().message, 0, dir.error().code};
    return dir->string();
}

} // namespace synthembed::cli
