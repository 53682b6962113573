// The CLI shell run as a user would: init, info --json, version, errors on stderr.

#include "support/test_support.h"

#include <nlohmann/json.hpp>

using namespace synthembed::test;

TEST(CliProject, InitThenInfoJson) {
    TempDir dir;
    auto db = (dir / "x.db").string();
    auto init = runCli({"init", "--db", db});
    ASSERT_EQ(init.exitCode, 0) << init.err;
    auto info = runCli({"info", "--db", db, "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    auto j = nlohmann::json::parse(info.out);
    EXPECT_GE(j["schema_version"].get<int>(), 1);
    EXPECT_TRUE(j["counts"].contains("samples"));
    EXPECT_TRUE(j["counts"].contains("templates"));
}

TEST(CliProject, ErrorsAreOneLineOnStderr) {
    TempDir dir;
    writeFile(dir / "junk.db", std::string(4096, 'x'));
    auto r = runCli({"info", "--db", (dir / "junk.db").string()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(r.out.empty());
    ASSERT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

    auto missing = runCli({"info", "--db", (dir / "nope.db").string()});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("no such project file"), std::string::npos) << missing.err;

    auto bad = runCli({"no-such-command"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_EQ(bad.err.rfind("error: ", 0), 0u) << bad.err;
}

TEST(CliProject, VersionAndHelp) {
    auto v = runCli({"--version"});
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_NE(v.out.find("synthembed-cli"), std::string::npos);
    auto j = runCli({"version", "--json"}, {"SYNTHEMBED_DATA_DIR=/tmp/synthembed-test-data"});
    ASSERT_EQ(j.exitCode, 0) << j.err;
    auto parsed = nlohmann::json::parse(j.out);
    EXPECT_TRUE(parsed.contains("libtorch"));
    EXPECT_GE(parsed["compute_threads"].get<int>(), 1);
    // Whether CUDA is compiled in (a CUDA libtorch build) and the GPUs it sees.
    ASSERT_TRUE(parsed.contains("cuda")) << j.out;
    EXPECT_EQ(parsed["cuda"]["compiled"].get<bool>(), SYNTHEMBED_EXPECT_CUDA != 0) << j.out;
    EXPECT_TRUE(parsed["cuda"]["devices"].is_array());
    EXPECT_EQ(parsed["cuda"]["devices"].size(), std::stoul(parsed["CUDA devices"].get<std::string>()));
    if (SYNTHEMBED_EXPECT_CUDA) EXPECT_FALSE(parsed["cuda"]["runtime"].get<std::string>().empty());
    auto h = runCli({"info", "--help"});
    EXPECT_EQ(h.exitCode, 0);
    EXPECT_NE(h.out.find("--db"), std::string::npos) << h.out;
}
