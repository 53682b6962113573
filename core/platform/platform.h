#pragma once
/// Everything that differs between Linux, macOS and Windows, behind one small interface: process
/// identity, memory use, the running executable, terminals, read-only file mappings, dynamic
/// libraries and durable writes. The rest of core (and ui/, app/) calls these and never an OS API.
/// Implemented in platform.cpp with one section per system (POSIX for Linux and macOS, Win32).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace synthembed::platform {

/// This process's id.
std::int64_t processId();

/// Whether a process with this id exists on this machine (a job row's runner may have died).
bool processAlive(std::int64_t pid);

/// This machine's name ("localhost" when it cannot be read).
std::string hostName();

/// Resident memory of this process in MiB (0 when the system does not say).
double residentMemoryMb();

/// Peak resident memory of this process so far in MiB (Linux VmHWM, Windows PeakWorkingSetSize, macOS
/// ru_maxrss; 0 when the system does not say). Unlike a parent's rusage of its child, this is the
/// process's own peak (Linux carries ru_maxrss across exec).
double peakResidentMemoryMb();

/// Physical memory of the machine in bytes (0 when the system does not say).
std::uint64_t physicalMemoryBytes();

/// Full path of the running executable (empty when unknown).
std::filesystem::path executablePath();

/// Whether the stream is an interactive terminal (progress bars draw only there).
bool isTerminal(std::FILE* stream);

/// A whole file mapped into memory (a heap copy where mapping is not possible). Throws
/// synthembed::Failure(errorCode, "<path>: ...") when the file cannot be opened or mapped.
/// ReadOnly: writing through data() faults. CopyOnWrite: the pages may be written through
/// writableData(); a written page becomes private to this process and the file never changes
/// (model weights used in place that training may still update).
class MappedFile {
  public:
    enum class Access { ReadOnly, CopyOnWrite };
    explicit MappedFile(const std::filesystem::path& path, const char* errorCode = "io",
                        Access access = Access::ReadOnly);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::byte* data() const { return m_data; }
    /// The same bytes, writable: only for Access::CopyOnWrite (nullptr otherwise).
    std::byte* writableData() const { return m_writable ? const_cast<std::byte*>(m_data) : nullptr; }
    std::size_t size() const { return m_size; }
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
    const std::byte* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_writable = false;
    void* m_handle = nullptr;      // Windows: the mapping object
    std::vector<std::byte> m_copy; // when the file could not be mapped
};

/// Opens a shared library that is already loaded or on the loader's path; nullptr when absent.
/// Names are tried as given (e.g. "libdnnl.so.3" on Linux, "dnnl.dll" on Windows).
void* openLibrary(const char* name);

/// A symbol of a library from openLibrary (nullptr when absent).
void* librarySymbol(void* library, const char* name);

/// A function of oneDNN's C API (e.g. "dnnl_sgemm") from the oneDNN the process has already
/// loaded (the one libtorch links: libdnnl.so.2 or .so.3.6 on Debian, dnnl.dll); nullptr when there
/// is none or when SYNTHEMBED_GEMM=torch turns oneDNN off. `library` receives the file it came from.
void* oneDnnSymbol(const char* name, const char** library = nullptr);

/// An exclusive lock between processes on a lock file (flock on POSIX, LockFileEx on Windows), held
/// until destruction; blocks until granted. The file (and its folder) is created when missing and
/// left in place. huggingface_hub locks its downloads the same way, on the same files, so the two
/// never write one blob at once. Throws Failure("io").
class FileLock {
  public:
    explicit FileLock(const std::filesystem::path& lockFile);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    std::intptr_t m_handle = -1;
};

/// Flushes a written file's data to the disk (fsync; F_FULLFSYNC on macOS; FlushFileBuffers on
/// Windows). Throws Failure("io") when the system reports an error.
void syncFile(const std::filesystem::path& file);

/// Makes a rename or a new entry in this directory durable (fsync of the directory on POSIX; a no-op
/// on Windows, where NTFS journals the rename itself).
void syncDirectory(const std::filesystem::path& dir);

/// A temporary name next to `target` that no other process or thread uses at the same time:
/// "<target>.tmp<pid>-<n>".
std::filesystem::path temporarySibling(const std::filesystem::path& target);

} // namespace synthembed::platform
