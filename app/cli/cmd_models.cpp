// models: Hugging Face Hub models in the Hugging Face cache (core/hub).

#include "command.h"
#include "json_out.h"
#include "progress_bar.h"

#include "core/hub/hub.h"

#include <iostream>

namespace synthembed::cli {
namespace {

struct PullArgs {
    std::string reference;
    bool all = false;
};

void runPull(const PullArgs& a) {
    auto ref = hub::parseRepoRef(a.reference);
    if (!ref) throw CliError{a.reference + ": not a Hugging Face repo id (ORG/NAME[@revision])", 2};
    hub::PullParams params;
    params.allFiles = a.all;
    ProgressBar bar("pull");
    params.hooks = bar.hooks();
    auto snap = hub::pull(*ref, params);
    bar.finish();
    if (!snap) throw CliError{snap.error().message, 0, snap.error().code};
    if (globals().json) {
        printJson({{"repo", ref->repo},
                   {"revision", ref->revision},
                   {"commit", snap->commit},
                   {"path", snap->path.string()},
                   {"files", snap->files},
                   {"bytes_downloaded", snap->bytesDownloaded}});
        return;
    }
    if (!globals().quiet)
        std::cerr << ref->text() << " @ " << snap->commit << ": " << snap->files.size() << " files, "
                  << snap->bytesDownloaded << " bytes downloaded\n";
    std::cout << snap->path.string() << "\n";
}

void registerModels(CLI::App& root) {
    auto* models = root.add_subcommand("models", "Models from the Hugging Face Hub (kept in the Hugging Face cache)");
    models->require_subcommand(1);
    auto args = std::make_shared<PullArgs>();
    auto* pull = models->add_subcommand("pull", "Download a model into the Hugging Face cache; prints its snapshot folder");
    pull->add_option("repo", args->reference, "ORG/NAME or ORG/NAME@REVISION (branch, tag or commit)")->required();
    pull->add_flag("--all", args->all, "Every file of the repo (default: config, tokenizer, safetensors weights, "
                                       "sentence-transformers modules)");
    pull->footer(
        "The cache is the one transformers and sentence-transformers use: $HF_HUB_CACHE, else $HF_HOME/hub,\n"
        "else ~/.cache/huggingface/hub. HF_TOKEN (or the token file of `huggingface-cli login`) opens gated\n"
        "and private repos; HF_ENDPOINT names a mirror; HF_HUB_OFFLINE=1 uses the cache only.\n"
        "Any --model option takes ORG/NAME[@REVISION] as well: the cache first, a download otherwise.\n"
        "Example: synthembed-cli models pull intfloat/e5-mistral-7b-instruct");
    pull->callback([args] { runPull(*args); });
}

const Registrar reg(45, registerModels);

} // namespace
} // namespace synthembed::cli
