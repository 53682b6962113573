// Project store: migrations, refusal of foreign/corrupt/newer files, WAL concurrency, rollback.

#include "support/test_support.h"

#include "core/store/change_probe.h"
#include "core/store/project.h"
#include "core/store/schema.h"
#include "core/store/sqlite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

using namespace synthembed;
using synthembed::test::TempDir;
namespace fs = std::filesystem;

TEST(Store, CreateAppliesLatestSchemaWithWalAndForeignKeys) {
    TempDir dir;
    auto path = dir / "sub" / "p.synthembed";
    auto p = store::Project::create(path);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->schemaVersion(), store::latestSchemaVersion());
    EXPECT_EQ(p->db().queryInt("PRAGMA application_id"), store::kApplicationId);
    EXPECT_EQ(p->db().queryInt("PRAGMA foreign_keys"), 1);
    auto st = p->db().prepare("PRAGMA journal_mode");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.getText(0), "wal");
    auto info = p->info();
    EXPECT_EQ(info.tableCounts.size(), store::projectTables().size());
    // Creating over an existing project is refused.
    auto again = store::Project::create(path);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "exists");
}

TEST(Store, MigratesOlderSchemaKeepingData) {
    TempDir dir;
    auto path = dir / "old.synthembed";
    {
        db::Database db(path, db::OpenMode::ReadWriteCreate);
        store::migrate(db, 1); // what version 1 of synthembed wrote
        db.prepare("INSERT INTO eval_results(model_fingerprint, task_type, dataset, main_score) VALUES (?,?,?,?)")
            .bindAll("fp", "sts", "stsb", 0.5)
            .run();
        ASSERT_EQ(db.queryInt("PRAGMA user_version"), 1);
    }
    auto p = store::Project::open(path);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->schemaVersion(), store::latestSchemaVersion());
    auto st = p->db().prepare("SELECT main_score, timings FROM eval_results");
    ASSERT_TRUE(st.step());
    EXPECT_DOUBLE_EQ(st.getDouble(0), 0.5);
    EXPECT_EQ(st.getText(1), "{}");
    EXPECT_EQ(p->db().queryInt("SELECT count(*) FROM search_indexes"), 0);
}

TEST(Store, RefusesCorruptFileWithoutChangingIt) {
    TempDir dir;
    auto path = dir / "corrupt.synthembed";
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919) % 251);
    test::writeFile(path, garbage);
    auto p = store::Project::open(path);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, "corrupt");
    EXPECT_NE(p.error().message.find(path.string()), std::string::npos) << p.error().message;
    EXPECT_EQ(test::readFile(path), garbage);
    EXPECT_FALSE(fs::exists(path.string() + "-wal"));
}

TEST(Store, RefusesForeignSqliteDatabaseUntouched) {
    TempDir dir;
    auto path = dir / "other.db";
    {
        db::Database db(path, db::OpenMode::ReadWriteCreate);
        db.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
    }
    auto before = test::readFile(path);
    auto p = store::Project::open(path);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, "db");
    EXPECT_NE(p.error().message.find("not a synthembed project"), std::string::npos);
    EXPECT_EQ(test::readFile(path), before);
}

TEST(Store, RefusesNewerSchemaUntouched) {
    TempDir dir;
    auto path = dir / "future.synthembed";
    {
        auto p = store::Project::create(path);
        ASSERT_TRUE(p.ok());
        p->db().execute("PRAGMA wal_checkpoint(TRUNCATE)");
        p->db().execute("PRAGMA journal_mode = DELETE");
        p->db().executeScript("PRAGMA user_version = " + std::to_string(store::latestSchemaVersion() + 5) + ";");
    }
    auto before = test::readFile(path);
    auto p = store::Project::open(path);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, "schema");
    EXPECT_NE(p.error().message.find("upgrade synthembed"), std::string::npos);
    EXPECT_EQ(test::readFile(path), before);
}

TEST(Store, TransactionRolledBackOnError) {
    TempDir dir;
    auto p = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(p.ok());
    const auto& db = p->db();
    EXPECT_THROW(db::inTransaction(db,
                                   [&] {
                                       db.prepare("INSERT INTO jobs(target) VALUES (10)").run();
                                       db.prepare("INSERT INTO jobs(target) VALUES (20)").run();
                                       // violates CHECK (target >= 0): the whole transaction goes
                                       db.prepare("INSERT INTO jobs(target) VALUES (-1)").run();
                                   }),
                 Failure);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM jobs"), 0);
    // Foreign keys are enforced.
    EXPECT_THROW(db.prepare("INSERT INTO requests(job_id, kind, family, prompt) VALUES (999, 'generate', 'sts', 'x')")
                     .run(),
                 Failure);
}

TEST(Store, ConcurrentReaderWhileWriting) {
    TempDir dir;
    auto path = dir / "p.synthembed";
    auto writer = store::Project::create(path);
    ASSERT_TRUE(writer.ok());
    std::atomic<bool> done{false};
    std::atomic<int> reads{0};
    std::atomic<bool> monotonic{true};
    std::atomic<bool> readerReady{false};
    std::thread reader([&] {
        auto r = store::Project::open(path);
        readerReady = true;
        ASSERT_TRUE(r.ok());
        std::int64_t last = 0;
        while (!done || reads < 3) {
            // Every read sees a committed prefix: counts come in whole batches of 10.
            auto n = r->db().queryInt("SELECT count(*) FROM jobs");
            if (n < last || n % 10 != 0) monotonic = false;
            last = n;
            ++reads;
        }
    });
    while (!readerReady) std::this_thread::yield();
    for (int batch = 0; batch < 50; ++batch) {
        db::inTransaction(writer->db(), [&] {
            auto st = writer->db().prepare("INSERT INTO jobs(target, name) VALUES (?, ?)");
            for (int i = 0; i < 10; ++i) {
                st.bindAll(i, "job").run();
            }
        });
    }
    done = true;
    reader.join();
    EXPECT_TRUE(monotonic);
    EXPECT_GT(reads.load(), 0);
    EXPECT_EQ(writer->db().queryInt("SELECT count(*) FROM jobs"), 500);
}

TEST(Store, SettingsRoundTrip) {
    TempDir dir;
    auto p = store::Project::create(dir / "p.synthembed");
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->setting("llm.endpoint").has_value());
    p->setSetting("llm.endpoint", "http://127.0.0.1:8000/v1");
    p->setSetting("llm.endpoint", "http://127.0.0.1:9000/v1");
    EXPECT_EQ(p->setting("llm.endpoint").value(), "http://127.0.0.1:9000/v1");
}

// ---- change probe: what another connection or process committed ----

namespace {
void addSample(const store::Project& p, const std::string& query) {
    p.db().prepare("INSERT INTO samples(family, query, positive) VALUES ('short_long', ?, 'a positive')")
        .bindAll(query)
        .run();
}
} // namespace

TEST(Store, OpenReaderIsReadOnlyAndRefusesOtherFiles) {
    TempDir dir;
    auto path = dir / "p.synthembed";
    auto writer = store::Project::create(path);
    ASSERT_TRUE(writer.ok());
    auto reader = store::Project::openReader(path);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    addSample(*writer, "q1");
    EXPECT_EQ(reader->db().queryInt("SELECT count(*) FROM samples"), 1);
    EXPECT_THROW(addSample(*reader, "q2"), Failure);
    EXPECT_FALSE(store::Project::openReader(dir / "missing.synthembed").ok());
    {
        db::Database other(dir / "other.db", db::OpenMode::ReadWriteCreate);
        other.execute("CREATE TABLE t(x)");
    }
    auto refused = store::Project::openReader(dir / "other.db");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("other.db"), std::string::npos) << refused.error().message;
}

TEST(Store, ChangeProbeSeesCommitsOfOtherConnectionsAndNamesTheTables) {
    TempDir dir;
    auto path = dir / "p.synthembed";
    auto writer = store::Project::create(path);
    ASSERT_TRUE(writer.ok());
    auto probe = store::ChangeProbe::open(path);
    ASSERT_TRUE(probe.ok()) << probe.error().message;
    const auto v0 = probe->dataVersion();
    auto s0 = probe->stamp();
    ASSERT_TRUE(s0.ok()) << s0.error().message;
    EXPECT_EQ(s0->tables.size(), store::projectTables().size());
    // Nothing committed: same version, no table changed.
    EXPECT_EQ(probe->dataVersion(), v0);
    EXPECT_TRUE(store::changedTables(*s0, *probe->stamp()).empty());

    // A new sample (another connection of this process: the GUI's own writes).
    addSample(*writer, "q1");
    const auto v1 = probe->dataVersion();
    EXPECT_NE(v1, v0);
    auto s1 = probe->stamp();
    ASSERT_TRUE(s1.ok());
    EXPECT_EQ(store::changedTables(*s0, *s1), std::vector<std::string>{"samples"});
    EXPECT_EQ(s1->rows("samples"), 1);

    // An in-place update (a rejection) changes neither the count nor the largest id.
    writer->db().execute("UPDATE samples SET status = 'rejected', reject_reason = 'by hand'");
    auto s2 = probe->stamp();
    ASSERT_TRUE(s2.ok());
    EXPECT_EQ(store::changedTables(*s1, *s2), std::vector<std::string>{"samples"});
    EXPECT_EQ(s2->rows("samples"), 1);

    // A setting rewritten with a value of the same length still counts (updated_at moves).
    writer->setSetting("k", "aaaa");
    auto s3 = probe->stamp();
    writer->setSetting("k", "bbbb");
    auto s4 = probe->stamp();
    ASSERT_TRUE(s3.ok() && s4.ok());
    EXPECT_EQ(store::changedTables(*s2, *s3), std::vector<std::string>{"settings"});
    EXPECT_EQ(store::changedTables(*s3, *s4), std::vector<std::string>{"settings"});

    // A rolled-back write changes nothing.
    const auto v4 = probe->dataVersion();
    try {
        db::inTransaction(writer->db(), [&] {
            addSample(*writer, "never");
            throw Failure("test", "roll back");
        });
    } catch (const Failure&) {
    }
    EXPECT_EQ(probe->dataVersion(), v4);
    EXPECT_TRUE(store::changedTables(*s4, *probe->stamp()).empty());
}

TEST(Store, ChangeProbeSeesAnotherProcess) {
    TempDir dir;
    auto path = dir / "p.synthembed";
    auto project = store::Project::create(path);
    ASSERT_TRUE(project.ok());
    auto probe = store::ChangeProbe::open(path);
    ASSERT_TRUE(probe.ok());
    const auto v0 = probe->dataVersion();
    auto s0 = probe->stamp();
    ASSERT_TRUE(s0.ok());
    test::writeFile(dir / "in.jsonl", R"({"query": "how do tides work", "positive": "The moon pulls the sea."}
{"query": "boiling point of water", "positive": "100 degrees Celsius at sea level."}
)");
    auto r = test::runCli({"--db", path.string(), "import", "-i", (dir / "in.jsonl").string(), "--family", "short_long"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(probe->dataVersion(), v0);
    auto s1 = probe->stamp();
    ASSERT_TRUE(s1.ok());
    const auto changed = store::changedTables(*s0, *s1);
    EXPECT_NE(std::find(changed.begin(), changed.end(), "samples"), changed.end());
    EXPECT_EQ(s1->rows("samples"), 2);
}

TEST(Store, ChangeProbeSlowMarkersSeeAReEditOnlyWhenRead) {
    TempDir dir;
    auto path = dir / "p.synthembed";
    auto writer = store::Project::create(path);
    ASSERT_TRUE(writer.ok());
    addSample(*writer, "q1");
    writer->db().execute("UPDATE samples SET status = 'edited', updated_at = '2026-01-01T00:00:00.000Z'");
    auto probe = store::ChangeProbe::open(path);
    ASSERT_TRUE(probe.ok());
    auto s0 = probe->stamp();
    ASSERT_TRUE(s0.ok());
    // A second hand edit: same count, same status counts, only updated_at moves.
    writer->db().execute("UPDATE samples SET query = 'q1 again', updated_at = '2026-01-01T00:00:01.000Z'");
    auto cheap = probe->stamp(&*s0);
    ASSERT_TRUE(cheap.ok());
    EXPECT_TRUE(store::changedTables(*s0, *cheap).empty());
    auto full = probe->stamp();
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(store::changedTables(*s0, *full), std::vector<std::string>{"samples"});
}

TEST(Store, ChangeProbeCostOnALargeProject) {
    // The watcher reads data_version every 400 ms on its own thread, and stamps the tables only
    // after a commit (the full-scan marker at most once a second). Figures for 100k samples.
    TempDir dir;
    auto path = dir / "big.synthembed";
    auto writer = store::Project::create(path);
    ASSERT_TRUE(writer.ok());
    db::inTransaction(writer->db(), [&] {
        auto st = writer->db().prepare(
            "INSERT INTO samples(family, language, query, positive, negative, raw_output) VALUES (?, 'en', ?, ?, ?, ?)");
        const std::string text(300, 'x');
        for (int i = 0; i < 100000; ++i)
            st.bindAll(i % 2 ? "sts" : "short_long", "query " + std::to_string(i), text, text, text).run();
    });
    auto probe = store::ChangeProbe::open(path);
    ASSERT_TRUE(probe.ok());
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    auto t0 = Clock::now();
    constexpr int kReads = 2000;
    std::int64_t v = 0;
    for (int i = 0; i < kReads; ++i) v += probe->dataVersion();
    const double versionMs = ms(Clock::now() - t0) / kReads;
    t0 = Clock::now();
    auto full = probe->stamp();
    const double fullMs = ms(Clock::now() - t0);
    ASSERT_TRUE(full.ok());
    t0 = Clock::now();
    auto cheap = probe->stamp(&*full);
    const double cheapMs = ms(Clock::now() - t0);
    ASSERT_TRUE(cheap.ok());
    EXPECT_EQ(cheap->rows("samples"), 100000);
    EXPECT_TRUE(store::changedTables(*full, *cheap).empty());
    std::printf("100k samples: data_version %.4f ms, stamp %.1f ms, stamp with the full-scan marker %.1f ms\n", versionMs,
                cheapMs, fullMs);
    EXPECT_LT(versionMs, 1.0) << v; // microseconds in practice; generous for a loaded machine
    EXPECT_LT(cheapMs, fullMs);
}
