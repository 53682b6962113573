// The architecture table (core/model/architectures.h): every model_type it lists builds a backbone
// of its family, the checkpoint names it gives round-trip through a safetensors file (export writes
// the first name, loading finds it), and train::checkBaseModel answers from the same table.

#include "core/model/architectures.h"
#include "core/model/backbone.h"
#include "core/model/safetensors.h"
#include "core/train/trainer.h"

#include "support/test_support.h"

#include <nlohmann/json.hpp>

#include <set>

using namespace synthembed;
using nlohmann::json;

namespace {

json tinyConfig(const model::Architecture& arch, const std::string& modelType) {
    json c = {{"model_type", modelType},       {"vocab_size", 40},         {"hidden_size", 16},
              {"num_hidden_layers", 2},        {"num_attention_heads", 2}, {"intermediate_size", 24},
              {"max_position_embeddings", 32}};
    if (!arch.decoder) c["type_vocab_size"] = 2;
    return c;
}

} // namespace

TEST(Architectures, TableListsEachModelTypeOnce) {
    std::set<std::string> seen;
    for (const auto& a : model::architectures()) {
        EXPECT_FALSE(a.modelTypes.empty()) << a.name;
        EXPECT_TRUE(a.build && a.checkpointNames) << a.name;
        EXPECT_TRUE(a.defaultPooling == "last" || a.defaultPooling == "cls" || a.defaultPooling == "mean") << a.name;
        for (const auto& t : a.modelTypes) {
            EXPECT_TRUE(seen.insert(t).second) << t << " listed twice";
            EXPECT_EQ(model::architectureFor(t), &a) << t;
            EXPECT_NE(model::supportedModelTypes().find(t), std::string::npos) << t;
        }
    }
    for (const char* t : {"bert", "llama", "mistral", "qwen2"}) EXPECT_NE(model::architectureFor(t), nullptr) << t;
    EXPECT_FALSE(model::architectureFor("llama")->decoder == model::architectureFor("bert")->decoder);
    EXPECT_EQ(model::architectureFor("roberta"), nullptr);
    EXPECT_EQ(model::architectureFor(""), nullptr);
}

// For every model_type: a random backbone written under the first checkpoint name of each
// parameter (what export writes) loads back with the same weights and the same output.
TEST(Architectures, CheckpointNamesRoundTripForEveryModelType) {
    test::TempDir tmp;
    for (const auto& a : model::architectures())
        for (const auto& type : a.modelTypes) {
            SCOPED_TRACE(type);
            auto dir = tmp / type;
            std::filesystem::create_directories(dir);
            test::writeFile(dir / "config.json", tinyConfig(a, type).dump(2));
            auto random = model::randomBackbone(dir / "config.json", {}, 7);
            EXPECT_EQ(random->spec().modelType, type);
            EXPECT_EQ(random->spec().decoder, a.decoder);
            std::vector<torch::Tensor> keep;
            std::vector<model::TensorData> tensors;
            std::vector<std::vector<float>> store;
            auto params = random->module().named_parameters();
            store.reserve(params.size());
            for (const auto& p : params) {
                auto f = p.value().detach().to(torch::kFloat32).contiguous();
                store.emplace_back(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
                tensors.push_back(model::f32Tensor(a.checkpointNames(p.key()).front(), f.sizes().vec(), store.back()));
            }
            auto st = model::writeSafetensors(dir / "model.safetensors", tensors);
            ASSERT_TRUE(st.ok()) << st.error().message;
            auto loaded = model::loadBackbone(dir);
            auto ids = torch::tensor({{1, 5, 7, 3}}, torch::kLong);
            auto mask = torch::ones({1, 4}, torch::kLong);
            torch::NoGradGuard g;
            EXPECT_TRUE(torch::allclose(loaded->forward(ids, mask), random->forward(ids, mask), 1e-5, 1e-6));
        }
}

TEST(Architectures, CheckBaseModelAnswersFromTheTable) {
    test::TempDir tmp;
    const auto& llama = *model::architectureFor("mistral");
    test::writeFile(tmp / "config.json", tinyConfig(llama, "mistral").dump(2));
    auto random = model::randomBackbone(tmp / "config.json", {}, 1);
    std::vector<std::vector<float>> store;
    std::vector<model::TensorData> tensors;
    auto params = random->module().named_parameters();
    store.reserve(params.size());
    std::int64_t count = 0;
    for (const auto& p : params) {
        auto f = p.value().detach().contiguous();
        store.emplace_back(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
        tensors.push_back(model::f32Tensor(llama.checkpointNames(p.key()).front(), f.sizes().vec(), store.back()));
        count += f.numel();
    }
    ASSERT_TRUE(model::writeSafetensors(tmp / "model.safetensors", tensors).ok());
    auto noTok = train::checkBaseModel(tmp.path().string());
    ASSERT_FALSE(noTok.ok());
    EXPECT_NE(noTok.error().message.find("no tokenizer"), std::string::npos) << noTok.error().message;
    test::writeFile(tmp / "tokenizer.json", "{}");
    auto mc = train::checkBaseModel(tmp.path().string());
    ASSERT_TRUE(mc.ok()) << mc.error().message;
    EXPECT_EQ(mc->modelType, "mistral");
    EXPECT_TRUE(mc->decoder);
    EXPECT_EQ(mc->hiddenSize, 16);
    EXPECT_EQ(mc->parameters, count);

    // A model_type outside the table: code train_model, the file, the field and the supported list.
    test::writeFile(tmp / "config.json", json{{"model_type", "roberta"}, {"hidden_size", 16}}.dump());
    auto bad = train::checkBaseModel(tmp.path().string());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "train_model");
    EXPECT_NE(bad.error().message.find("config.json"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("'roberta'"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find(model::supportedModelTypes()), std::string::npos) << bad.error().message;
    auto info = model::readModelConfig(tmp / "config.json");
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.error().code, "model");

    test::writeFile(tmp / "config.json", "{not json");
    auto broken = train::checkBaseModel(tmp.path().string());
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().code, "train_model");
    EXPECT_NE(broken.error().message.find("config.json"), std::string::npos) << broken.error().message;
}
