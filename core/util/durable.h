#pragma once
/// Durable, all-or-nothing file writes and safe output paths, on top of core/platform.
///
/// Every file synthembed writes goes through here: it is written under a temporary sibling name,
/// flushed to the disk, renamed over the target and the folder flushed, so that after a crash (or
/// kill -9, or power loss) the target holds either its old or its new content, never a mix.
/// Multi-file artefacts build on it (a new version folder plus one atomically replaced pointer).
///
/// crashPoint() marks the steps between those operations for crash-injection tests: with
/// SYNTHEMBED_CRASH_AT=N in the environment the process exits at once (std::_Exit, nothing flushed)
/// at the N-th crash point it reaches, as a kill -9 would stop it.
///
///     durable::AtomicFile f(path);
///     f.out() << text;
///     f.commit(); // the file appears complete, or not at all

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

namespace synthembed::durable {

/// A file that appears at `target` only on commit(), complete; removed when never committed.
class AtomicFile {
  public:
    /// Creates the parent folders and opens a temporary sibling. Throws Failure("io").
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& out() { return m_out; }
    const std::filesystem::path& target() const { return m_target; }
    /// Flush, fsync, rename over the target, fsync the folder. Throws Failure("io").
    void commit();

  private:
    std::filesystem::path m_target, m_tmp;
    std::ofstream m_out;
    bool m_done = false;
};

/// Writes `content` to `target` as AtomicFile does.
void writeFile(const std::filesystem::path& target, std::string_view content);

/// For writers that only take a path (hnswlib, FAISS, safetensors): `writer` writes the file it is
/// given, then it is flushed and renamed over `target` as AtomicFile does.
void writeFileWith(const std::filesystem::path& target,
                   const std::function<void(const std::filesystem::path&)>& writer);

/// rename(from, to) followed by an fsync of `to`'s folder. Throws Failure("io").
void renameDurably(const std::filesystem::path& from, const std::filesystem::path& to);

/// Replaces a set of files in a folder as one unit, next to files that are not part of it: a trained
/// model folder (weights, config, tokenizer and sentence-transformers files) beside checkpoints/.
///
/// The new files are written under FOLDER/.synthembed-update/ (with the helpers above). commit()
/// writes the manifest there last, listing every file with its size: that is the commit point.
/// It then moves the files into FOLDER, deletes the files of the previous manifest that the new one
/// lacks, and renames the manifest into FOLDER. settleFolder(), which every loader calls first,
/// finishes a committed update that a crash interrupted (an uncommitted stage is left alone: the
/// old files are untouched, and the next update removes it), so a reader finds the old set of
/// files or the new one, never a mix.
///
///     durable::FolderUpdate u(dir, "synthembed_train.json");
///     durable::writeFile(u.stagePath("config.json"), text);
///     u.commit(R"({"pooling": "last"})"); // "files" and "folders" are added
class FolderUpdate {
  public:
    /// Settles `folder` (see settleFolder) and starts an empty stage in it. Throws Failure("io").
    FolderUpdate(std::filesystem::path folder, std::string manifestName);
    ~FolderUpdate(); ///< an uncommitted stage is removed
    FolderUpdate(const FolderUpdate&) = delete;
    FolderUpdate& operator=(const FolderUpdate&) = delete;

    /// Where to write the file `relative` of the new set (its folders are created).
    std::filesystem::path stagePath(const std::filesystem::path& relative) const;
    /// `manifestJson` (a JSON object) with "files" [{path, size}] and "folders" added is written
    /// into the stage durably (the commit point), then the update is applied. Throws Failure.
    void commit(const std::string& manifestJson);

  private:
    std::filesystem::path m_folder, m_stage;
    std::string m_manifest;
    bool m_done = false;
};

/// The manifest of a model folder written by `train` (its export settings, run id, step and files).
inline constexpr const char* kModelManifestName = "synthembed_train.json";

/// The stage folder FolderUpdate uses inside a folder.
inline constexpr const char* kUpdateStageName = ".synthembed-update";

/// Finishes an interrupted, committed FolderUpdate of `folder` (a no-op when there is none), then
/// checks the folder against its manifest `manifestName` when that lists files: each must exist
/// with its size. Throws Failure("invalid") naming the file that differs, Failure("io").
void settleFolder(const std::filesystem::path& folder, const std::string& manifestName);

/// A crash-injection point named for the log (see above); a no-op unless SYNTHEMBED_CRASH_AT is set.
void crashPoint(std::string_view name);
/// The exit code of a process stopped by crashPoint.
inline constexpr int kCrashExitCode = 86;

/// `dir / (name + extension)` when `name` is a plain file name (letters, digits, '.', '-', '_', not
/// starting with '.'), so that a name from a template, pool or sample can never leave `dir`.
/// Throws Failure("invalid", "<what> name '...' is not a plain file name").
std::filesystem::path childPath(const std::filesystem::path& dir, std::string_view name,
                                std::string_view extension, std::string_view what = "file");

/// Whether `a` and `b` name the same file (both existing), or `a` is one of SQLite's companion files
/// of `b` (-wal, -shm, -journal).
bool sameFileOrCompanion(const std::filesystem::path& a, const std::filesystem::path& b);

/// Refuses an output path: always when it is the open project file (or its companions), and when it
/// exists and `overwrite` is false. Throws Failure("exists"/"invalid") with a message naming the
/// path and the flag that allows it (`--force`).
void checkOutput(const std::filesystem::path& output, bool overwrite,
                 const std::filesystem::path& projectFile = {});

} // namespace synthembed::durable
