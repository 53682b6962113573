// An evaluation result keeps the model folder's run id, step and file digest, and tells later
// whether those files changed: rewritten weights, another run exported into the folder, files
// added or removed, the folder gone. Real files on disk, a real project database.

#include "core/eval/encoder_factory.h"
#include "core/eval/results.h"
#include "core/eval/tasks.h"
#include "core/store/project.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

using namespace synthembed;
using namespace synthembed::eval;
namespace fs = std::filesystem;
using State = ModelFilesCheck::State;

namespace {

void writeTrainJson(const fs::path& dir, const std::string& runId, std::int64_t step) {
    test::writeFile(dir / "synthembed_train.json",
                    nlohmann::json{{"pooling", "last"}, {"run_id", runId}, {"step", step}}.dump());
}

// A folder that looks like a trained export to the stamp (it reads bytes, not tensors).
fs::path makeFolder(const test::TempDir& tmp) {
    const fs::path dir = tmp / "model";
    fs::create_directories(dir / "checkpoints");
    test::writeFile(dir / "config.json", R"({"model_type": "llama"})");
    test::writeFile(dir / "tokenizer.json", R"({"model": {}})");
    test::writeFile(dir / "model.safetensors", std::string(4096, 'a'));
    test::writeFile(dir / "adapter_model.safetensors", std::string(512, 'b'));
    test::writeFile(dir / "notes.txt", "not a model file");
    writeTrainJson(dir, "20261205T010203-aaaaaaaa", 100);
    return dir;
}

void bumpMtime(const fs::path& p) {
    fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(5));
}

} // namespace

TEST(EvalModelFiles, StampHoldsRunStepAndFiles) {
    test::TempDir tmp;
    const auto dir = makeFolder(tmp);
    auto s = stampModelFiles(dir);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->runId, "20261205T010203-aaaaaaaa");
    EXPECT_EQ(s->step, 100);
    EXPECT_TRUE(fs::path(s->folder).is_absolute());
    std::vector<std::string> names;
    for (auto& f : s->files) names.push_back(f.name);
    EXPECT_EQ(names, (std::vector<std::string>{"adapter_model.safetensors", "config.json", "model.safetensors",
                                               "tokenizer.json"}));
    EXPECT_EQ(s->files[2].size, 4096);
    EXPECT_EQ(s->digest.size(), 32u);
    EXPECT_EQ(checkModelFiles(*s).state, State::Unchanged);
    // Files that do not decide the vectors may change freely.
    test::writeFile(dir / "notes.txt", "edited");
    test::writeFile(dir / "checkpoints" / "x", "y");
    EXPECT_EQ(checkModelFiles(*s).state, State::Unchanged);
    // A base model (no synthembed_train.json) has no run.
    fs::remove(dir / "synthembed_train.json");
    auto base = stampModelFiles(dir);
    ASSERT_TRUE(base);
    EXPECT_EQ(base->runId, "");
    EXPECT_EQ(base->step, -1);
    EXPECT_NE(checkModelFiles(*s).state, State::Unchanged); // the run's marker went away
    EXPECT_FALSE(stampModelFiles(tmp / "nowhere"));
}

TEST(EvalModelFiles, ChangesAreFlagged) {
    test::TempDir tmp;
    const auto dir = makeFolder(tmp);
    const auto s = *stampModelFiles(dir);

    // Touched but identical: unchanged (the digest decides once an mtime moved).
    bumpMtime(dir / "model.safetensors");
    EXPECT_EQ(checkModelFiles(s).state, State::Unchanged);

    // Same size, other bytes, new mtime: changed.
    test::writeFile(dir / "model.safetensors", std::string(4095, 'a') + "z");
    bumpMtime(dir / "model.safetensors");
    auto c = checkModelFiles(s);
    EXPECT_EQ(c.state, State::Changed);
    EXPECT_NE(c.reason.find("rewritten"), std::string::npos) << c.reason;
    test::writeFile(dir / "model.safetensors", std::string(4096, 'a'));
    EXPECT_EQ(checkModelFiles(s).state, State::Unchanged);

    // Another size.
    test::writeFile(dir / "adapter_model.safetensors", std::string(600, 'b'));
    c = checkModelFiles(s);
    EXPECT_EQ(c.state, State::Changed);
    EXPECT_NE(c.reason.find("adapter_model.safetensors"), std::string::npos) << c.reason;
    test::writeFile(dir / "adapter_model.safetensors", std::string(512, 'b'));

    // Another run (or a later step of the same run) exported into the folder.
    writeTrainJson(dir, "20261206T000000-bbbbbbbb", 100);
    c = checkModelFiles(s);
    EXPECT_EQ(c.state, State::Changed);
    EXPECT_NE(c.reason.find("20261206T000000-bbbbbbbb"), std::string::npos) << c.reason;
    writeTrainJson(dir, "20261205T010203-aaaaaaaa", 200);
    EXPECT_EQ(checkModelFiles(s).state, State::Changed);
    writeTrainJson(dir, "20261205T010203-aaaaaaaa", 100);
    EXPECT_EQ(checkModelFiles(s).state, State::Unchanged);

    // Files added or removed.
    test::writeFile(dir / "model-00002-of-00002.safetensors", "x");
    EXPECT_EQ(checkModelFiles(s).state, State::Changed);
    fs::remove(dir / "model-00002-of-00002.safetensors");
    fs::remove(dir / "tokenizer.json");
    c = checkModelFiles(s);
    EXPECT_EQ(c.state, State::Changed);
    EXPECT_NE(c.reason.find("tokenizer.json"), std::string::npos) << c.reason;

    // Weights gone, folder gone.
    fs::remove(dir / "model.safetensors");
    fs::remove(dir / "adapter_model.safetensors");
    EXPECT_EQ(checkModelFiles(s).state, State::Missing);
    fs::remove_all(dir);
    c = checkModelFiles(s);
    EXPECT_EQ(c.state, State::Missing);
    EXPECT_NE(c.reason.find(s.folder), std::string::npos) << c.reason;
}

TEST(EvalModelFiles, BigWeightsAreSampled) {
    test::TempDir tmp;
    const auto dir = tmp / "big";
    fs::create_directories(dir);
    const auto w = dir / "model.safetensors";
    { std::ofstream(w, std::ios::binary) << "header"; }
    fs::resize_file(w, 200ull << 20); // sparse: 200 MiB of zeros after the header
    auto s = stampModelFiles(dir);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->files.at(0).size, std::int64_t(200) << 20);
    // A byte in the head (the safetensors header) and one in the last block are seen.
    for (std::uint64_t at : std::vector<std::uint64_t>{3, (200ull << 20) - 10}) {
        {
            std::fstream f(w, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(std::streamoff(at));
            f.put('#');
        }
        bumpMtime(w);
        EXPECT_EQ(checkModelFiles(*s).state, State::Changed) << at;
        auto again = stampModelFiles(dir);
        ASSERT_TRUE(again);
        EXPECT_NE(again->digest, s->digest) << at;
        s = again;
    }
}

TEST(EvalModelFiles, ResultsKeepTheStampInFilesAndTheProject) {
    test::TempDir tmp;
    const auto dir = makeFolder(tmp);
    EvalResult r;
    r.taskType = "sts";
    r.dataset = "d";
    r.split = "test";
    r.modelFingerprint = "fp";
    r.mainMetric = "cosine_spearman";
    r.mainScore = 0.5;
    r.metrics = {{"cosine_spearman", 0.5}};
    r.modelFiles = *stampModelFiles(dir);
    ASSERT_TRUE(writeResultsFile(tmp / "r.json", {r}));
    auto j = nlohmann::json::parse(test::readFile(tmp / "r.json"));
    EXPECT_EQ(j["model_files"]["run_id"], "20261205T010203-aaaaaaaa");
    EXPECT_EQ(j["model_files"]["step"], 100);
    auto back = readResultsFile(tmp / "r.json");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE((*back)[0].modelFiles);
    EXPECT_EQ((*back)[0].modelFiles->digest, r.modelFiles->digest);
    EXPECT_EQ((*back)[0].modelFiles->files.size(), 4u);

    auto project = store::Project::create(tmp / "p.db");
    ASSERT_TRUE(project);
    auto id = storeResult(*project, r);
    ASSERT_TRUE(id) << id.error().message;
    EvalResult noStamp = r;
    noStamp.modelFiles.reset();
    auto id2 = storeResult(*project, noStamp);
    ASSERT_TRUE(id2);
    auto loaded = loadResult(*project, *id);
    ASSERT_TRUE(loaded);
    ASSERT_TRUE(loaded->result.modelFiles);
    EXPECT_EQ(loaded->result.modelFiles->folder, r.modelFiles->folder);
    EXPECT_EQ(loaded->result.modelFiles->runId, r.modelFiles->runId);
    EXPECT_EQ(checkModelFiles(loaded->result).state, State::Unchanged);
    EXPECT_EQ(checkModelFiles(loadResult(*project, *id2)->result).state, State::Unknown);
    // The stored result notices a new run written into its folder.
    writeTrainJson(dir, "20261206T000000-bbbbbbbb", 5);
    test::writeFile(dir / "model.safetensors", std::string(4096, 'c'));
    EXPECT_EQ(checkModelFiles(loadResult(*project, *id)->result).state, State::Changed);
}

// runEval stamps what openEncoder loaded: a real model folder (stories260K) carries its stamp into
// the result; the hashing encoder carries none.
TEST(EvalModelFiles, RunEvalStampsModelFolders) {
    SYNTHEMBED_REQUIRE_SHARED(model, "oracles/models/stories260K");
    test::TempDir tmp;
    test::writeFile(tmp / "sts.jsonl", R"({"sentence1": "a cat sits", "sentence2": "a cat is sitting", "score": 4.8}
{"sentence1": "a man plays", "sentence2": "rain tomorrow", "score": 0.2}
{"sentence1": "kids play football", "sentence2": "children play soccer", "score": 3.9}
)");
    EvalOptions o;
    o.type = TaskType::Sts;
    o.data = tmp / "sts.jsonl";
    auto enc = openEncoder({model.string()});
    ASSERT_TRUE(enc) << enc.error().message;
    auto r = runEval(**enc, nullptr, o);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->modelFiles);
    EXPECT_EQ(fs::path(r->modelFiles->folder), fs::absolute(model).lexically_normal());
    EXPECT_EQ(r->modelFiles->runId, ""); // a base model
    EXPECT_EQ(checkModelFiles(*r).state, State::Unchanged);

    auto hash = openEncoder({"hash:32"});
    ASSERT_TRUE(hash);
    auto h = runEval(**hash, nullptr, o);
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_FALSE(h->modelFiles);
    EXPECT_EQ(checkModelFiles(*h).state, State::Unknown);
}
