// Exports never lose data: an existing file is replaced only with --force, the open project file
// never, and names from the database (pools, templates) never lead outside the chosen folder.

#include "support/test_support.h"

#include "core/gen/exchange.h"
#include "core/gen/text_hash.h"
#include "core/prompts/prompt_store.h"
#include "core/store/project.h"
#include "core/util/durable.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

using namespace synthembed;
using namespace synthembed::test;
namespace fs = std::filesystem;

namespace {

store::Project newProject(const TempDir& dir, const std::string& name = "p.synthembed") {
    prompts::registerProjectSeeder();
    auto p = store::Project::create(dir / name);
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(p).take();
}

void addSample(const store::Project& p, const std::string& q, const std::string& pos) {
    auto st = p.db().prepare(
        "INSERT INTO samples(family, instruction, language, query, positive, status, text_hash) "
        "VALUES ('short-long', 'find docs', 'English', ?, ?, 'accepted', ?)");
    st.bindAll(q, pos, gen::sampleTextHash(q, pos, ""));
    st.run();
}

} // namespace

TEST(Exports, SamplesExportRefusesAnExistingFileUnlessOverwrite) {
    TempDir dir;
    auto p = newProject(dir);
    addSample(p, "q1", "p1");
    writeFile(dir / "out.jsonl", "precious\n");
    gen::ExportOptions o;
    auto r = gen::exportSamples(p, dir / "out.jsonl", o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "exists");
    EXPECT_NE(r.error().message.find("--force"), std::string::npos) << r.error().message;
    EXPECT_EQ(readFile(dir / "out.jsonl"), "precious\n");
    o.overwrite = true;
    auto forced = gen::exportSamples(p, dir / "out.jsonl", o);
    ASSERT_TRUE(forced.ok()) << forced.error().message;
    EXPECT_EQ(*forced, 1);
    EXPECT_NE(readFile(dir / "out.jsonl").find("\"q1\""), std::string::npos);
}

TEST(Exports, SamplesExportNeverWritesTheProjectFile) {
    TempDir dir;
    auto p = newProject(dir);
    addSample(p, "q1", "p1");
    const auto before = fs::file_size(dir / "p.synthembed");
    gen::ExportOptions o;
    o.overwrite = true; // even with --force
    for (auto target : {dir / "p.synthembed", dir / "." / "p.synthembed", dir / "p.synthembed-wal"}) {
        auto r = gen::exportSamples(p, target, o);
        ASSERT_FALSE(r.ok()) << target;
        EXPECT_NE(r.error().message.find("project file"), std::string::npos) << r.error().message;
    }
    EXPECT_EQ(fs::file_size(dir / "p.synthembed"), before);
    EXPECT_EQ(p.db().queryInt("SELECT count(*) FROM samples"), 1); // the project still opens and reads
}

TEST(Exports, CliExportNeedsForceAndRefusesTheProject) {
    TempDir dir;
    {
        auto p = newProject(dir);
        addSample(p, "q1", "p1");
    }
    const std::string db = (dir / "p.synthembed").string(), out = (dir / "s.jsonl").string();
    auto self = runCli({"export", "--db", db, "-o", db, "--force"});
    EXPECT_NE(self.exitCode, 0);
    EXPECT_NE(self.err.find("project file"), std::string::npos) << self.err;
    auto info = runCli({"info", "--db", db, "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err; // the project survived
    EXPECT_EQ(nlohmann::json::parse(info.out)["counts"]["samples"], 1);

    writeFile(out, "keep me\n");
    auto refused = runCli({"export", "--db", db, "-o", out});
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(readFile(out), "keep me\n");
    auto forced = runCli({"export", "--db", db, "-o", out, "--force"});
    EXPECT_EQ(forced.exitCode, 0) << forced.err;
    EXPECT_NE(readFile(out).find("\"q1\""), std::string::npos);
}

TEST(Exports, PromptsExportKeepsCraftedPoolNamesInsideTheFolder) {
    TempDir dir;
    auto p = newProject(dir);
    // A pool name that insertPool would refuse, written straight into the database (a crafted or
    // foreign project file).
    p.db().prepare("INSERT INTO pools(name, version, description) VALUES ('../../escaped', 1, '')").run();
    p.db()
        .prepare("INSERT INTO pool_values(pool_id, position, value, weight) VALUES (?, 0, 'x', 1.0)")
        .bindAll(p.db().lastInsertId())
        .run();
    fs::create_directories(dir / "a" / "b");
    auto r = prompts::PromptStore(p).exportDirectory(dir / "a" / "b" / "out");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid");
    EXPECT_NE(r.error().message.find("../../escaped"), std::string::npos) << r.error().message;
    // Nothing escaped, and nothing was half-written either.
    EXPECT_FALSE(fs::exists(dir / "a" / "escaped.pool"));
    EXPECT_FALSE(fs::exists(dir / "a" / "b" / "escaped.pool"));
    EXPECT_FALSE(fs::exists(dir / "a" / "b" / "out" / "pools"));
}

TEST(Exports, PromptsExportRefusesExistingFilesUnlessForced) {
    TempDir dir;
    auto p = newProject(dir);
    prompts::PromptStore store(p);
    ASSERT_TRUE(store.exportDirectory(dir / "out").ok());
    auto file = dir / "out" / "templates" / "short-long.generate.prompt";
    writeFile(file, "my edits\n");
    auto again = store.exportDirectory(dir / "out");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "exists");
    EXPECT_EQ(readFile(file), "my edits\n");
    auto forced = store.exportDirectory(dir / "out", true);
    ASSERT_TRUE(forced.ok()) << forced.error().message;
    EXPECT_NE(readFile(file), "my edits\n");

    const std::string db = (dir / "p.synthembed").string();
    writeFile(file, "my edits\n");
    auto cli = runCli({"prompts", "export", "--db", db, "--output", (dir / "out").string()});
    EXPECT_NE(cli.exitCode, 0);
    EXPECT_EQ(readFile(file), "my edits\n");
    EXPECT_EQ(
        runCli({"prompts", "export", "--db", db, "--output", (dir / "out").string(), "--force"}).exitCode, 0);
}

TEST(Durable, ChildPathRejectsEverythingButPlainNames) {
    for (std::string bad : {"../x", "..", ".", "", "a/b", "a\\b", "/abs", ".hidden", "x\n", "C:evil"})
        EXPECT_THROW(durable::childPath("out", bad, ".pool"), Failure) << bad;
    EXPECT_EQ(durable::childPath("out", "lang_v2.x-y", ".pool"), fs::path("out") / "lang_v2.x-y.pool");
}

TEST(Durable, AtomicFileAppearsOnlyOnCommit) {
    TempDir dir;
    writeFile(dir / "f.txt", "old");
    {
        durable::AtomicFile f(dir / "f.txt");
        f.out() << "new";
        // not committed: destroyed as an exception would leave it
    }
    EXPECT_EQ(readFile(dir / "f.txt"), "old");
    durable::writeFile(dir / "f.txt", "new");
    EXPECT_EQ(readFile(dir / "f.txt"), "new");
    int files = 0;
    for (auto& e : fs::directory_iterator(dir.path())) {
        ++files;
        EXPECT_EQ(e.path().filename(), "f.txt"); // no temporary left behind
    }
    EXPECT_EQ(files, 1);
}
