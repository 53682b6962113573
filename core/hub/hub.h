#pragma once
/// Models from the Hugging Face Hub, kept in the Hugging Face cache layout.
///
/// A model reference is a folder or a repo id "ORG/NAME" with an optional "@revision" (a branch,
/// tag or commit hash; default "main"). Repo ids resolve through the cache that transformers,
/// sentence-transformers and huggingface_hub share, so a model one of them downloaded is used in
/// place, and what synthembed downloads they find:
///
///     $HF_HUB_CACHE (or $HF_HOME/hub, or ~/.cache/huggingface/hub)/models--ORG--NAME/
///         blobs/<etag>                      file contents (LFS files: named by their sha256)
///         snapshots/<commit>/<file>         symlinks into ../../blobs
///         refs/<revision>                   the commit a branch or tag pointed at when fetched
///
/// Downloads speak the hub's HTTP API ($HF_ENDPOINT, default https://huggingface.co): the file list
/// of a revision (GET /api/models/REPO/revision/REV), then per file GET /REPO/resolve/COMMIT/FILE
/// (redirected to a CDN for LFS files). They resume (HTTP Range on blobs/<etag>.incomplete), and LFS
/// files are checked against their sha256. $HF_TOKEN (or the token file huggingface-cli login
/// writes) is sent as a Bearer token to the endpoint only; it is never logged nor put in a message.
/// $HF_HUB_OFFLINE=1 uses the cache alone.
///
///     hub::PullParams p;                      // settings from the environment
///     p.hooks.progress = ...;                 // bytes done / total, file name
///     auto dir = hub::resolveModel("intfloat/e5-mistral-7b-instruct", p); // snapshot folder
///
/// Dataset repos (RepoType::Dataset, e.g. the mteb/... evaluation sets) go through the same code:
/// the file list from GET /api/datasets/REPO/revision/REV, files from /datasets/REPO/resolve/COMMIT/FILE,
/// cached in datasets--ORG--NAME beside the models. PullParams::files names the files to fetch.

#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace synthembed::hub {

enum class RepoType { Model, Dataset };

struct RepoRef {
    std::string repo;              ///< "ORG/NAME"
    std::string revision = "main"; ///< branch, tag or commit hash
    RepoType type = RepoType::Model;
    std::string text() const;      ///< "ORG/NAME" or "ORG/NAME@rev" ("datasets/ORG/NAME..." for a dataset)
};

/// Parses "ORG/NAME[@revision]"; nullopt when `text` is not a repo id (a path, "hash:64", ...).
/// Names follow the hub's rules: letters, digits, '-', '_', '.'; no "--" or "..".
std::optional<RepoRef> parseRepoRef(std::string_view text);

/// Where and how to reach the hub. fromEnvironment() reads HF_HUB_CACHE / HF_HOME / XDG_CACHE_HOME,
/// HF_ENDPOINT, HF_TOKEN (else HF_TOKEN_PATH or $HF_HOME/token) and HF_HUB_OFFLINE.
struct HubSettings {
    std::filesystem::path cacheDir; ///< the folder holding models--ORG--NAME
    std::string endpoint = "https://huggingface.co";
    std::string token; ///< Bearer token for gated/private repos; never logged
    bool offline = false;
    static HubSettings fromEnvironment();
};

struct PullParams {
    HubSettings settings = HubSettings::fromEnvironment();
    /// progress(bytes done, bytes total, file name); shouldStop cancels (the partial file is kept
    /// for the next run to resume).
    ProgressHooks hooks;
    /// Every file of the repo instead of what synthembed loads (config, tokenizer, safetensors
    /// weights, sentence-transformers modules; no .bin/.h5/ONNX copies of the weights).
    bool allFiles = false;
    /// When not empty: exactly these files of the repo (paths relative to its root). A file the
    /// revision does not list is an error ("not_found") naming it. Dataset repos without `files`
    /// (and without allFiles) fetch every file.
    std::vector<std::string> files;
    /// Attempts after a dropped connection within one pull (each resumes with a Range request).
    int retries = 3;
};

struct Snapshot {
    std::filesystem::path path; ///< snapshots/<commit>
    std::string commit;
    std::vector<std::string> files;   ///< the files pulled (or found), relative to path
    std::int64_t bytesDownloaded = 0; ///< 0 when everything was in the cache
};

/// The cache folder of a repo: cacheDir/models--ORG--NAME (datasets--ORG--NAME for a dataset).
std::filesystem::path repoCacheDir(const HubSettings& settings, const std::string& repo,
                                   RepoType type = RepoType::Model);

/// Why `dir` cannot be loaded as a model folder (no config.json, a safetensors shard missing, a
/// dangling snapshot link), or empty when it can.
std::string modelFolderProblem(const std::filesystem::path& dir);

/// The cached snapshot of `ref` (refs/<revision>, or the commit itself), without any network
/// access. Errors "not_cached" naming the cache folder; "incomplete" when files are missing.
Result<Snapshot> findCached(const RepoRef& ref, const HubSettings& settings);
/// The same for a snapshot that must hold `files` (any repo type; no model-folder check):
/// "incomplete" naming the first file missing.
Result<Snapshot> findCached(const RepoRef& ref, const HubSettings& settings, const std::vector<std::string>& files);

/// Asks the hub which commit `ref` names and downloads the files of it that the cache lacks.
/// Errors: "offline", "auth" (401/403: gated or private), "not_found", "network", "checksum",
/// "cancelled", "io", "hub" (an answer that is not the hub's API).
Result<Snapshot> pull(const RepoRef& ref, const PullParams& params);

/// What a model reference names, found on this disk alone (no network: cheap enough for a GUI
/// thread while the user types). The GUI's model pickers show a cached repo like a folder and offer a
/// download for one that is not there.
struct LocalModel {
    enum class Kind {
        Folder,     ///< an existing path (`path` = it)
        CachedRepo, ///< a repo id whose snapshot in the cache is complete (`path` = snapshots/<commit>)
        NotCached,  ///< a repo id the cache lacks (or lacks that revision of): download it
        Incomplete, ///< a repo id cached with files missing: downloading again completes it
        Invalid,    ///< neither an existing path nor a repo id (or empty)
    };
    Kind kind = Kind::Invalid;
    std::filesystem::path path;
    std::optional<RepoRef> repo; ///< set for the repo kinds
    std::string commit;          ///< CachedRepo: the snapshot's commit
    std::string message;         ///< NotCached / Incomplete / Invalid: one line saying why
    bool loadable() const { return kind == Kind::Folder || kind == Kind::CachedRepo; }
};
LocalModel locateModel(const std::string& reference, const HubSettings& settings);

/// A model reference to a folder: an existing path as it is; a repo id from the cache when its
/// snapshot is complete, else pulled (unless offline). Other text: an error naming both forms.
Result<std::filesystem::path> resolveModel(const std::string& reference, const PullParams& params);

} // namespace synthembed::hub
