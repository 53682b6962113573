// The platform module: the only place that calls the operating system directly. These run on every
// system the tests run on (Linux here, macOS in the release workflow).

#include "core/platform/platform.h"
#include "core/util/result.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

using namespace synthembed;
namespace fs = std::filesystem;

TEST(Platform, ProcessIdentity) {
    EXPECT_GT(platform::processId(), 0);
    EXPECT_TRUE(platform::processAlive(platform::processId()));
    EXPECT_FALSE(platform::processAlive(0));
    EXPECT_FALSE(platform::processAlive(-5));
    // A child that has exited and been reaped no longer exists.
    auto r = test::runCommand({"/bin/sh", "-c", "echo $$"});
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_FALSE(platform::processAlive(std::stoll(r.out)));
    EXPECT_FALSE(platform::hostName().empty());
}

TEST(Platform, MemoryFigures) {
    // Touch 64 MiB so the resident set is certainly above it.
    std::vector<char> block(64u << 20, 1);
    double mb = platform::residentMemoryMb();
    EXPECT_GT(mb, 64.0);
    EXPECT_LT(mb, 1e6);
    EXPECT_GT(platform::physicalMemoryBytes(), std::uint64_t(64) << 20);
    EXPECT_EQ(block[12345], 1);
}

TEST(Platform, ExecutablePathIsThisTest) {
    auto exe = platform::executablePath();
    ASSERT_FALSE(exe.empty());
    EXPECT_TRUE(fs::exists(exe));
    EXPECT_NE(exe.filename().string().find("platform_test"), std::string::npos) << exe;
}

TEST(Platform, MappedFileReadsTheBytes) {
    test::TempDir dir;
    std::string content(100000, '\0');
    for (std::size_t i = 0; i < content.size(); ++i)
        content[i] = static_cast<char>(i * 31 % 251);
    test::writeFile(dir / "blob.bin", content);
    platform::MappedFile map(dir / "blob.bin");
    ASSERT_EQ(map.size(), content.size());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(map.data()), map.size()), content);

    test::writeFile(dir / "empty.bin", "");
    platform::MappedFile empty(dir / "empty.bin");
    EXPECT_EQ(empty.size(), 0u);
}

TEST(Platform, MappedFileErrorNamesTheFileAndCode) {
    test::TempDir dir;
    try {
        platform::MappedFile map(dir / "missing.safetensors", "checkpoint");
        FAIL() << "opened a missing file";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "checkpoint");
        EXPECT_NE(std::string(f.what()).find("missing.safetensors"), std::string::npos) << f.what();
    }
}

TEST(Platform, SharedLibrarySymbols) {
#if defined(__linux__)
    void* libc = platform::openLibrary("libc.so.6");
    ASSERT_NE(libc, nullptr);
    EXPECT_NE(platform::librarySymbol(libc, "strlen"), nullptr);
    EXPECT_EQ(platform::librarySymbol(libc, "no_such_symbol_synthembed"), nullptr);
#endif
    EXPECT_EQ(platform::openLibrary("libno-such-library-synthembed.so"), nullptr);
    EXPECT_EQ(platform::librarySymbol(nullptr, "strlen"), nullptr);
}

TEST(Platform, DurableWritesAndTemporaryNames) {
    test::TempDir dir;
    auto target = dir / "out.json";
    std::set<fs::path> names;
    for (int i = 0; i < 100; ++i)
        names.insert(platform::temporarySibling(target));
    EXPECT_EQ(names.size(), 100u);
    for (auto& n : names)
        EXPECT_EQ(n.parent_path(), dir.path());

    auto tmp = platform::temporarySibling(target);
    test::writeFile(tmp, "{}");
    EXPECT_NO_THROW(platform::syncFile(tmp));
    fs::rename(tmp, target);
    EXPECT_NO_THROW(platform::syncDirectory(dir.path()));
    EXPECT_EQ(test::readFile(target), "{}");
    EXPECT_THROW(platform::syncFile(dir / "not-there"), Failure);
    EXPECT_THROW(platform::syncDirectory(dir / "no-folder"), Failure);
}
