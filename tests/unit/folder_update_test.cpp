// durable::FolderUpdate and settleFolder on real files: a set of files replaces another as one unit
// beside files that are not part of it; a committed update that was interrupted is finished by the
// next reader, an uncommitted one leaves the old set; the manifest is checked against the folder.
// (The kill -9 version, through the real `train`, is tests/model/cli_train_crash_test.cpp.)

#include "core/util/durable.h"
#include "core/util/result.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> filesOf(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        const auto rel = fs::relative(it->path(), dir).generic_string();
        if (rel == durable::kUpdateStageName) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) out[rel] = test::readFile(it->path());
    }
    return out;
}

void writeSet(durable::FolderUpdate& u, const std::map<std::string, std::string>& files) {
    for (const auto& [rel, content] : files) durable::writeFile(u.stagePath(rel), content);
}

} // namespace

TEST(FolderUpdate, ReplacesTheSetAndKeepsOtherFiles) {
    test::TempDir tmp;
    const auto dir = tmp / "model";
    fs::create_directories(dir / "checkpoints");
    test::writeFile(dir / "checkpoints" / "keep.bin", "not part of the set");
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "old weights"}, {"adapter.bin", "old adapter"}, {"sub/config.json", "{}"}});
        u.commit(R"({"version": 1})");
    }
    auto m = nlohmann::json::parse(test::readFile(dir / "manifest.json"));
    EXPECT_EQ(m["version"], 1);
    ASSERT_EQ(m["files"].size(), 3u);
    EXPECT_EQ(m["files"][0]["path"], "adapter.bin");
    EXPECT_EQ(m["files"][0]["size"], 11);
    EXPECT_FALSE(fs::exists(dir / durable::kUpdateStageName));
    EXPECT_NO_THROW(durable::settleFolder(dir, "manifest.json"));

    // The next set has no adapter: it goes, the checkpoint stays.
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "new weights!"}, {"sub/config.json", "{\"v\": 2}"}});
        u.commit(R"({"version": 2})");
    }
    EXPECT_EQ(filesOf(dir), (std::map<std::string, std::string>{
                                {"checkpoints/keep.bin", "not part of the set"},
                                {"manifest.json", test::readFile(dir / "manifest.json")},
                                {"sub/config.json", "{\"v\": 2}"},
                                {"weights.bin", "new weights!"}}));
    EXPECT_EQ(nlohmann::json::parse(test::readFile(dir / "manifest.json"))["version"], 2);
}

TEST(FolderUpdate, AnUncommittedUpdateLeavesTheOldSet) {
    test::TempDir tmp;
    const auto dir = tmp / "model";
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "old"}});
        u.commit("{}");
    }
    const auto old = filesOf(dir);
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "half-written new"}});
        // no commit: an exception, or the process killed here
        durable::settleFolder(dir, "manifest.json"); // a reader meanwhile
        EXPECT_EQ(filesOf(dir), old);
    }
    EXPECT_FALSE(fs::exists(dir / durable::kUpdateStageName)); // removed by its owner
    // A stage left by a killed process: readers ignore it, the next update removes it.
    fs::create_directories(dir / durable::kUpdateStageName);
    test::writeFile(dir / durable::kUpdateStageName / "weights.bin", "orphan");
    durable::settleFolder(dir, "manifest.json");
    EXPECT_EQ(filesOf(dir), old);
    {
        durable::FolderUpdate u(dir, "manifest.json");
        EXPECT_FALSE(fs::exists(u.stagePath("weights.bin")));
    }
}

TEST(FolderUpdate, ACommittedUpdateIsFinishedByTheNextReader) {
    test::TempDir tmp;
    const auto dir = tmp / "model";
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "old"}, {"adapter.bin", "old adapter"}});
        u.commit("{}");
    }
    // As a crash after the commit point and one move leaves it: manifest in the stage, one file
    // already in place, the rest still staged.
    const auto stage = dir / durable::kUpdateStageName;
    fs::create_directories(stage / "sub");
    test::writeFile(stage / "sub" / "config.json", "{\"v\": 2}");
    test::writeFile(dir / "weights.bin", "new");
    test::writeFile(stage / "manifest.json", nlohmann::json{{"version", 2},
                                                            {"folders", {"sub"}},
                                                            {"files",
                                                             {{{"path", "sub/config.json"}, {"size", 8}},
                                                              {{"path", "weights.bin"}, {"size", 3}}}}}
                                                 .dump());
    durable::settleFolder(dir, "manifest.json");
    EXPECT_FALSE(fs::exists(stage));
    EXPECT_FALSE(fs::exists(dir / "adapter.bin")); // the old set's file the new one lacks
    EXPECT_EQ(test::readFile(dir / "sub" / "config.json"), "{\"v\": 2}");
    EXPECT_EQ(test::readFile(dir / "weights.bin"), "new");
    EXPECT_EQ(nlohmann::json::parse(test::readFile(dir / "manifest.json"))["version"], 2);
}

TEST(FolderUpdate, SettleChecksTheFilesAgainstTheManifest) {
    test::TempDir tmp;
    const auto dir = tmp / "model";
    {
        durable::FolderUpdate u(dir, "manifest.json");
        writeSet(u, {{"weights.bin", "12345"}, {"config.json", "{}"}});
        u.commit("{}");
    }
    test::writeFile(dir / "weights.bin", "123");
    try {
        durable::settleFolder(dir, "manifest.json");
        FAIL() << "a file of another size must be refused";
    } catch (const Failure& f) {
        EXPECT_EQ(f.code(), "invalid");
        EXPECT_NE(std::string(f.what()).find("weights.bin"), std::string::npos) << f.what();
        EXPECT_NE(std::string(f.what()).find("3 bytes"), std::string::npos) << f.what();
    }
    test::writeFile(dir / "weights.bin", "12345");
    fs::remove(dir / "config.json");
    try {
        durable::settleFolder(dir, "manifest.json");
        FAIL() << "a missing file must be refused";
    } catch (const Failure& f) {
        EXPECT_NE(std::string(f.what()).find("config.json"), std::string::npos) << f.what();
    }
    // A manifest may not point outside its folder.
    test::writeFile(dir / "manifest.json", R"({"files": [{"path": "../outside", "size": 1}]})");
    EXPECT_THROW(durable::settleFolder(dir, "manifest.json"), Failure);
    // Folders without a manifest (any Hugging Face model) or with one that lists no files pass.
    test::writeFile(dir / "manifest.json", R"({"pooling": "last"})");
    EXPECT_NO_THROW(durable::settleFolder(dir, "manifest.json"));
    EXPECT_NO_THROW(durable::settleFolder(tmp / "nowhere", "manifest.json"));
}
