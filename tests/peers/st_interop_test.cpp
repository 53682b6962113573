// Interop with sentence-transformers and PEFT, both ways (issue 17), on the real stories260K and
// real texts (its reference_embeddings.json):
//  - sentence-transformers loads the folder `synthembed-cli train --full` writes and the LoRA run's
//    adapter folder (adapter + sentence-transformers files, the base named by adapter_config.json)
//    and encodes like `synthembed-cli embed` (cosine >= 0.9999);
//  - PEFT applies the exported adapter to the base model and matches the exported merged weights
//    (hidden states max abs diff <= 1e-4; merge_and_unload() equals the file);
//  - synthembed loads a folder that sentence-transformers' model.save() wrote (Transformer + mean
//    Pooling + Normalize, query/document prompts) and embeds documents and prompted queries like it.
// The Python side: tests/peers/st_interop.py in the peers' venv (tests/peers/setup.sh).

#include "peers/peers_python.h"
#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace synthembed;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string script() { return (fs::path(SYNTHEMBED_TEST_SOURCE_DIR) / "peers" / "st_interop.py").string(); }

void writePairs(const fs::path& p, int n) {
    std::string s;
    const char* a[] = {"The cat sat on the mat.", "A dog runs in the park.", "Lily likes to play.", "The sun is hot.",
                       "Tom ate a big cake.", "The bird can fly.", "She saw a red ball.", "It was a rainy day."};
    for (int i = 0; i < n; ++i) {
        json j = {{"query", std::string(a[i % 8]) + " " + std::to_string(i)},
                  {"positive", std::string("Once, ") + a[i % 8]},
                  {"instruction", "Retrieve semantically similar text."}};
        if (i % 2) j["negative"] = a[(i + 3) % 8];
        s += j.dump() + "\n";
    }
    test::writeFile(p, s);
}

std::vector<std::vector<double>> readCliEmbeddings(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::vector<double>> rows;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) rows.push_back(json::parse(line)["embedding"].get<std::vector<double>>());
    return rows;
}

double minCosine(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    EXPECT_EQ(a.size(), b.size());
    double worst = 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        EXPECT_EQ(a[i].size(), b[i].size());
        double d = 0, na = 0, nb = 0;
        for (std::size_t k = 0; k < a[i].size() && k < b[i].size(); ++k) {
            d += a[i][k] * b[i][k];
            na += a[i][k] * a[i][k];
            nb += b[i][k] * b[i][k];
        }
        worst = std::min(worst, d / std::sqrt(na * nb));
    }
    return worst;
}

class StInterop : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto model = test::sharedDir() / "oracles/models/stories260K";
        if (test::sharedDir().empty() || !fs::exists(model)) {
            s_why = "shared test material not found: oracles/models/stories260K (set SYNTHEMBED_SHARED)";
            return;
        }
        bool broken = false;
        s_py = test::peersPython(s_why, broken);
        s_broken = broken;
        if (s_py.empty()) return;
        s_model = model;
        s_dir = std::make_unique<test::TempDir>();
        const auto& d = s_dir->path();
        writePairs(d / "pairs.jsonl", 40);
        auto ref = json::parse(test::readFile(model / "reference_embeddings.json"));
        json texts = json::array();
        std::string input;
        for (int i = 0; i < 12; ++i) {
            texts.push_back(ref["items"][i]["text"]);
            input += json{{"text", ref["items"][i]["text"]}}.dump() + "\n";
        }
        test::writeFile(d / "texts.json", texts.dump());
        test::writeFile(d / "in.jsonl", input);
        // A LoRA run and a full fine-tuning run, a few steps each, large enough steps to move the weights.
        for (const char* kind : {"lora", "full"}) {
            std::vector<std::string> args{"train", "--model", model.string(), "--data", (d / "pairs.jsonl").string(),
                                          "--output", (d / kind).string(), "--batch-size", "8", "--steps", "4",
                                          "--max-length", "32", "--warmup", "1", "--checkpoint-every", "0", "-q"};
            if (std::string(kind) == "lora") args.insert(args.end(), {"--lora-rank", "4", "--lr", "1e-2"});
            else args.insert(args.end(), {"--full", "--lr", "1e-3"});
            auto r = test::runCli(args);
            if (r.exitCode != 0) {
                s_why = std::string("synthembed-cli train (") + kind + ") failed: " + r.err;
                s_broken = true;
                s_py.clear();
                return;
            }
        }
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    void SetUp() override {
        if (s_py.empty()) {
            if (s_broken) FAIL() << s_why;
            GTEST_SKIP() << s_why;
        }
    }
    static fs::path dir() { return s_dir->path(); }

    /// synthembed-cli embed of texts.json's texts with `model` (extra flags appended).
    static std::vector<std::vector<double>> cliEmbed(const fs::path& model, const std::string& name,
                                                     std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"embed", "--model", model.string(), "--input", (dir() / "in.jsonl").string(),
                                      "--output", (dir() / (name + ".jsonl")).string(), "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        return readCliEmbeddings(dir() / (name + ".jsonl"));
    }
    /// sentence-transformers' encode of the same texts.
    static std::vector<std::vector<double>> stEncode(const fs::path& model, const std::string& name,
                                                     const std::string& promptName = "") {
        std::vector<std::string> args{s_py, script(), "encode", model.string(), (dir() / "texts.json").string(),
                                      (dir() / (name + ".json")).string()};
        if (!promptName.empty()) args.push_back(promptName);
        auto r = test::runCommand(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        if (r.exitCode != 0) return {};
        auto j = json::parse(test::readFile(dir() / (name + ".json")));
        EXPECT_EQ(j["modules"], json({"Transformer", "Pooling", "Normalize"}));
        return j["embeddings"].get<std::vector<std::vector<double>>>();
    }

    static inline std::string s_py, s_why;
    static inline bool s_broken = false;
    static inline fs::path s_model;
    static inline std::unique_ptr<test::TempDir> s_dir;
};

TEST_F(StInterop, SentenceTransformersEncodesTheFullFolderLikeTheCli) {
    auto ours = cliEmbed(dir() / "full", "full_cli");
    auto theirs = stEncode(dir() / "full", "full_st");
    ASSERT_EQ(ours.size(), 12u);
    const double c = minCosine(ours, theirs);
    std::printf("full folder: min cosine sentence-transformers vs synthembed-cli embed %.9f\n", c);
    EXPECT_GE(c, 0.9999);
    // and the trained model is not the base (the comparison can fail)
    EXPECT_LT(minCosine(ours, cliEmbed(s_model, "base_cli")), 0.9999);
}

TEST_F(StInterop, SentenceTransformersAppliesTheLoraAdapterLikeTheCli) {
    // The adapter folder: the exported adapter and sentence-transformers files, no merged weights;
    // sentence-transformers loads the base named in adapter_config.json and applies the adapter.
    auto r = test::runCommand({s_py, script(), "lora-only", (dir() / "lora").string(), (dir() / "adapter").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_FALSE(fs::exists(dir() / "adapter" / "model.safetensors"));
    auto ours = cliEmbed(dir() / "lora", "lora_cli"); // the merged model
    auto theirs = stEncode(dir() / "adapter", "lora_st");
    ASSERT_EQ(ours.size(), 12u);
    const double c = minCosine(ours, theirs);
    std::printf("LoRA adapter folder: min cosine sentence-transformers vs synthembed-cli embed %.9f\n", c);
    EXPECT_GE(c, 0.9999);
    EXPECT_LT(minCosine(ours, cliEmbed(s_model, "base_cli2")), 0.9999);
    // The run's folder as it is (merged weights, the adapter in adapter/): sentence-transformers must
    // not apply the adapter a second time (with the adapter beside the weights it did: cosine 0.82).
    const double asIs = minCosine(ours, stEncode(dir() / "lora", "lora_as_is"));
    std::printf("LoRA run folder as is: min cosine sentence-transformers vs synthembed-cli embed %.9f\n", asIs);
    EXPECT_GE(asIs, 0.9999);
}

TEST_F(StInterop, PeftAdapterOnTheBaseMatchesTheMergedModel) {
    json ids = {{1, 45, 200, 300, 17, 2}, {1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 2}, {1, 400, 2}};
    test::writeFile(dir() / "ids.json", ids.dump());
    auto r = test::runCommand({s_py, script(), "peft", s_model.string(), (dir() / "lora").string(),
                               (dir() / "ids.json").string(), (dir() / "peft.json").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(test::readFile(dir() / "peft.json"));
    std::printf("PEFT: %s\n", j.dump().c_str());
    EXPECT_EQ(j["lora_tensors"], 2 * 7 * 5); // A and B for q k v o gate up down in 5 layers
    EXPECT_LE(j["hidden_max_abs_diff"].get<double>(), 1e-4);
    EXPECT_EQ(j["weights_compared"], j["weights_total"]);
    EXPECT_LE(j["weights_max_abs_diff"].get<double>(), 1e-6);
    EXPECT_GT(j["base_vs_merged"].get<double>(), 1e-3); // the adapter changes the model
}

TEST_F(StInterop, SynthembedLoadsASentenceTransformersFolder) {
    const auto saved = dir() / "st_saved";
    auto r = test::runCommand({s_py, script(), "save-st", s_model.string(), saved.string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto pooling = json::parse(test::readFile(saved / "1_Pooling" / "config.json"));
    std::printf("sentence-transformers' 1_Pooling/config.json: %s\n", pooling.dump().c_str());
    // Documents: mean pooling and normalisation from the folder's modules (no flags).
    {
        std::vector<std::string> args{"embed", "--model", saved.string(), "--input", (dir() / "in.jsonl").string(),
                                      "--output", (dir() / "st_docs_cli.jsonl").string(), "--json"};
        auto e = test::runCli(args);
        ASSERT_EQ(e.exitCode, 0) << e.err;
        EXPECT_EQ(json::parse(e.out)["pooling"], "mean") << e.out;
    }
    auto docs = readCliEmbeddings(dir() / "st_docs_cli.jsonl");
    double c = minCosine(docs, stEncode(saved, "st_docs"));
    std::printf("sentence-transformers folder, documents: min cosine %.9f\n", c);
    EXPECT_GE(c, 0.9999);
    // Queries: synthembed reads the folder's prompts itself (config_sentence_transformers.json);
    // --prompt-name query is sentence-transformers' prompt_name="query".
    auto queries = cliEmbed(saved, "st_queries_cli", {"--prompt-name", "query"});
    c = minCosine(queries, stEncode(saved, "st_queries", "query"));
    std::printf("sentence-transformers folder, prompted queries: min cosine %.9f\n", c);
    EXPECT_GE(c, 0.9999);
    // The folder's "document" prompt (empty) gives the documents' vectors.
    EXPECT_GE(minCosine(cliEmbed(saved, "st_docs_prompt_cli", {"--prompt-name", "document"}), docs), 0.999999);
    EXPECT_LT(minCosine(queries, docs), 0.9999); // the prompt matters
}

} // namespace
