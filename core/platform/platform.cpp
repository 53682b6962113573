#include "core/platform/platform.h"

#include "core/util/result.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <fstream>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <io.h>
#include <psapi.h>
#include <windows.h>
#else
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#include <mach/mach.h>
#include <sys/sysctl.h>
#endif
#endif

namespace synthembed::platform {

namespace fs = std::filesystem;

namespace {
[[noreturn]] void fail(const char* code, const fs::path& path, const std::string& what) {
    throw Failure(code, path.string() + ": " + what);
}

#if defined(_WIN32)
std::string lastError() {
    DWORD e = GetLastError();
    char buf[512] = {0};
    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, e, 0, buf,
                   sizeof buf - 1, nullptr);
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s.empty() ? "error " + std::to_string(e) : s;
}
#endif
} // namespace

// ---------------------------------------------------------------------------------------------
// Processes and the machine

std::int64_t processId() {
#if defined(_WIN32)
    return static_cast<std::int64_t>(GetCurrentProcessId());
#else
    return static_cast<std::int64_t>(::getpid());
#endif
}

bool processAlive(std::int64_t pid) {
    if (pid <= 0) return false;
#if defined(_WIN32)
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
    if (!h) return GetLastError() == ERROR_ACCESS_DENIED;
    DWORD code = 0;
    bool alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
#else
    if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
    return errno == EPERM;
#endif
}

std::string hostName() {
#if defined(_WIN32)
    char buf[MAX_COMPUTERNAME_LENGTH + 1] = {0};
    DWORD n = sizeof buf;
    if (!GetComputerNameA(buf, &n)) return "localhost";
    return std::string(buf, n);
#else
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
#endif
}

double residentMemoryMb() {
    constexpr double kMiB = 1024.0 * 1024.0;
#if defined(_WIN32)
    PROCESS_MEMORY_COUNTERS pmc{};
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) return 0;
    return static_cast<double>(pmc.WorkingSetSize) / kMiB;
#elif defined(__APPLE__)
    mach_task_basic_info info{};
    mach_msg_type_number_t count = MACH_TASK_BASIC_INFO_COUNT;
    if (task_info(mach_task_self(), MACH_TASK_BASIC_INFO, reinterpret_cast<task_info_t>(&info), &count) !=
        KERN_SUCCESS)
        return 0;
    return static_cast<double>(info.resident_size) / kMiB;
#else
    std::ifstream in("/proc/self/statm");
    long pages = 0, rss = 0;
    if (!(in >> pages >> rss)) return 0;
    return static_cast<double>(rss) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / kMiB;
#endif
}

double peakResidentMemoryMb() {
    constexpr double kMiB = 1024.0 * 1024.0;
#if defined(_WIN32)
    PROCESS_MEMORY_COUNTERS pmc{};
    if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc)) return 0;
    return static_cast<double>(pmc.PeakWorkingSetSize) / kMiB;
#elif defined(__APPLE__)
    struct rusage ru {};
    if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return static_cast<double>(ru.ru_maxrss) / kMiB; // bytes on macOS
#else
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0; // kB
    return 0;
#endif
}

std::uint64_t physicalMemoryBytes() {
#if defined(_WIN32)
    MEMORYSTATUSEX st{};
    st.dwLength = sizeof st;
    return GlobalMemoryStatusEx(&st) ? static_cast<std::uint64_t>(st.ullTotalPhys) : 0;
#elif defined(__APPLE__)
    std::uint64_t bytes = 0;
    std::size_t len = sizeof bytes;
    return sysctlbyname("hw.memsize", &bytes, &len, nullptr, 0) == 0 ? bytes : 0;
#else
    long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) : 0;
#endif
}

fs::path executablePath() {
#if defined(_WIN32)
    std::wstring buf(MAX_PATH, L'\0');
    for (;;) {
        DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
        if (n == 0) return {};
        if (n < buf.size()) return fs::path(buf.substr(0, n));
        buf.resize(buf.size() * 2);
    }
#elif defined(__APPLE__)
    std::uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string buf(size, '\0');
    if (_NSGetExecutablePath(buf.data(), &size) != 0) return {};
    std::error_code ec;
    auto p = fs::canonical(fs::path(buf.c_str()), ec);
    return ec ? fs::path(buf.c_str()) : p;
#else
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : p;
#endif
}

bool isTerminal(std::FILE* stream) {
#if defined(_WIN32)
    return _isatty(_fileno(stream)) != 0;
#else
    return ::isatty(::fileno(stream)) != 0;
#endif
}

// ---------------------------------------------------------------------------------------------
// Read-only file mapping

MappedFile::MappedFile(const fs::path& path, const char* errorCode, Access access) : m_path(path) {
    const bool cow = access == Access::CopyOnWrite;
#if defined(_WIN32)
    HANDLE file = CreateFileW(path.wstring().c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) fail(errorCode, path, "cannot open: " + lastError());
    LARGE_INTEGER size{};
    if (!GetFileSizeEx(file, &size)) {
        CloseHandle(file);
        fail(errorCode, path, "cannot read its size: " + lastError());
    }
    m_size = static_cast<std::size_t>(size.QuadPart);
    if (m_size > 0) {
        HANDLE mapping = CreateFileMappingW(file, nullptr, cow ? PAGE_WRITECOPY : PAGE_READONLY, 0, 0, nullptr);
        if (!mapping) {
            CloseHandle(file);
            fail(errorCode, path, "cannot map: " + lastError());
        }
        void* p = MapViewOfFile(mapping, cow ? FILE_MAP_COPY : FILE_MAP_READ, 0, 0, 0);
        if (!p) {
            CloseHandle(mapping);
            CloseHandle(file);
            fail(errorCode, path, "cannot map: " + lastError());
        }
        m_handle = mapping;
        m_data = static_cast<const std::byte*>(p);
        m_writable = cow;
    }
    CloseHandle(file);
#else
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(errorCode, path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        fail(errorCode, path, std::string("cannot stat: ") + std::strerror(e));
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, cow ? PROT_READ | PROT_WRITE : PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            // Some file systems cannot map (e.g. some FUSE mounts): read a copy instead.
            m_copy.resize(m_size);
            std::size_t done = 0;
            while (done < m_size) {
                auto n = ::pread(fd, m_copy.data() + done, m_size - done, static_cast<off_t>(done));
                if (n <= 0) {
                    int e = errno;
                    ::close(fd);
                    fail(errorCode, path, std::string("cannot map or read: ") + std::strerror(e));
                }
                done += static_cast<std::size_t>(n);
            }
            m_data = m_copy.data();
            m_writable = cow; // a private heap copy: writes never reach the file either
        } else {
            m_data = static_cast<const std::byte*>(p);
            m_writable = cow;
        }
    }
    ::close(fd);
#endif
}

MappedFile::~MappedFile() {
    if (!m_data || !m_copy.empty()) return;
#if defined(_WIN32)
    UnmapViewOfFile(m_data);
    if (m_handle) CloseHandle(static_cast<HANDLE>(m_handle));
#else
    ::munmap(const_cast<std::byte*>(m_data), m_size);
#endif
}

// ---------------------------------------------------------------------------------------------
// Shared libraries

void* openLibrary(const char* name) {
#if defined(_WIN32)
    HMODULE h = GetModuleHandleA(name);
    if (!h) h = LoadLibraryA(name);
    return reinterpret_cast<void*>(h);
#else
    void* h = ::dlopen(name, RTLD_NOW | RTLD_NOLOAD);
    if (!h) h = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    return h;
#endif
}

void* librarySymbol(void* library, const char* name) {
    if (!library) return nullptr;
#if defined(_WIN32)
    return reinterpret_cast<void*>(GetProcAddress(static_cast<HMODULE>(library), name));
#else
    return ::dlsym(library, name);
#endif
}

void* oneDnnSymbol(const char* name, const char** library) {
    if (const char* env = std::getenv("SYNTHEMBED_GEMM"); env && std::strcmp(env, "torch") == 0) return nullptr;
    // Only a oneDNN that the process already has, i.e. the one libtorch links (Debian's libtorch
    // 1.13 links libdnnl.so.2, 2.6 libdnnl.so.3.6). PyPI's libtorch carries its own oneDNN and MKL
    // inside libtorch_cpu (not exporting oneDNN's C API) and its own libgomp; the system's libdnnl
    // loaded beside them returned wrong products (NaN embeddings in the CUDA build's tests), so
    // there the products stay on libtorch.
#if defined(_WIN32)
    const char* lib = "dnnl.dll";
    void* f = librarySymbol(reinterpret_cast<void*>(GetModuleHandleA(lib)), name);
    if (f && library) *library = lib;
    return f;
#else
    void* f = ::dlsym(RTLD_DEFAULT, name);
    if (f && library) {
        Dl_info info{};
        *library = ::dladdr(f, &info) && info.dli_fname ? info.dli_fname : "the process";
    }
    return f;
#endif
}

// ---------------------------------------------------------------------------------------------
// Durable writes

void syncFile(const fs::path& file) {
#if defined(_WIN32)
    HANDLE h = CreateFileW(file.wstring().c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) fail("io", file, "cannot open to flush: " + lastError());
    bool ok = FlushFileBuffers(h);
    std::string err = ok ? "" : lastError();
    CloseHandle(h);
    if (!ok) fail("io", file, "cannot flush to disk: " + err);
#else
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("io", file, std::string("cannot open to flush: ") + std::strerror(errno));
#if defined(__APPLE__)
    int rc = ::fcntl(fd, F_FULLFSYNC);
    if (rc != 0) rc = ::fsync(fd); // not every file system supports F_FULLFSYNC
#else
    int rc = ::fsync(fd);
#endif
    int e = errno;
    ::close(fd);
    if (rc != 0) fail("io", file, std::string("cannot flush to disk: ") + std::strerror(e));
#endif
}

void syncDirectory(const fs::path& dir) {
#if defined(_WIN32)
    (void)dir;
#else
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("io", dir, std::string("cannot open folder to flush: ") + std::strerror(errno));
    int rc = ::fsync(fd);
    int e = errno;
    ::close(fd);
    // Some file systems refuse fsync on a directory (EINVAL); the rename is then as durable as they allow.
    if (rc != 0 && e != EINVAL)
        fail("io", dir, std::string("cannot flush folder to disk: ") + std::strerror(e));
#endif
}

FileLock::FileLock(const fs::path& lockFile) {
    std::error_code ec;
    if (lockFile.has_parent_path()) fs::create_directories(lockFile.parent_path(), ec);
#if defined(_WIN32)
    HANDLE h = CreateFileW(lockFile.wstring().c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                           nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) fail("io", lockFile, "cannot open lock file");
    OVERLAPPED ov{};
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, MAXDWORD, MAXDWORD, &ov)) {
        CloseHandle(h);
        fail("io", lockFile, "cannot lock");
    }
    m_handle = reinterpret_cast<std::intptr_t>(h);
#else
    int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) fail("io", lockFile, std::string("cannot open lock file: ") + std::strerror(errno));
    int rc;
    do {
        rc = ::flock(fd, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int e = errno;
        ::close(fd);
        fail("io", lockFile, std::string("cannot lock: ") + std::strerror(e));
    }
    m_handle = fd;
#endif
}

FileLock::~FileLock() {
#if defined(_WIN32)
    HANDLE h = reinterpret_cast<HANDLE>(m_handle);
    OVERLAPPED ov{};
    UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov);
    CloseHandle(h);
#else
    if (m_handle >= 0) ::close(static_cast<int>(m_handle)); // closing releases the flock
#endif
}

fs::path temporarySibling(const fs::path& target) {
    static std::atomic<std::uint64_t> counter{0};
    fs::path tmp = target;
    tmp += ".tmp" + std::to_string(processId()) + "-" + std::to_string(counter++);
    return tmp;
}

} // namespace synthembed::platform
