#pragma once
// Core-internal (torch): the training loop over any model::Backbone, behind train::Trainer
// (trainer.h, plain types). Core code and tests reach it through Trainer::engine() for what
// needs tensors: batches, encodings, the trainable tensors and the LoRA adapters.

#include "core/model/backbone.h"
#include "core/train/checkpoint.h"
#include "core/train/config.h"
#include "core/train/data.h"
#include "core/train/gradcache.h"
#include "core/train/lora.h"
#include "core/train/trainer.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace synthembed::train {

class Distributed;

/// What Trainer holds and does; see Trainer for the constructor's arguments and run().
class TrainerEngine {
public:
    TrainerEngine(std::shared_ptr<model::Backbone> backbone, TokenizerFns tokenizer, TrainConfig config,
                  std::vector<TrainExample> train, std::vector<TrainExample> dev, Distributed* dist);
    ~TrainerEngine();

    TrainOutcome run(const TrainCallbacks& callbacks);

    std::int64_t totalSteps() const { return m_totalSteps; }
    /// (name, tensor) of what is trained: LoRA adapter weights, or every backbone weight.
    const NamedTensors& trainable() const { return m_trainable; }
    /// Adapters (null holder for full fine-tunes).
    LoraSet lora() const { return m_lora; }
    model::Backbone& backbone() const { return *m_backbone; }
    const TrainConfig& config() const { return m_config; }
    /// See Trainer::setRunSettings.
    void setRunSettings(const std::string& settingsJson) { m_settingsJson = settingsJson; }
    std::filesystem::path checkpointRoot() const;

    /// Tokenised, padded batch of one step for this rank (exposed for tests).
    ContrastiveBatch makeBatch(const std::vector<std::size_t>& examples, bool dev = false) const;
    /// Pooled embeddings of sequences (grad mode decides whether a graph is kept).
    torch::Tensor encode(const TokenBatch& batch);
    /// Embeddings [N, H] of texts as training sees documents (specials, EOS, max length), in eval
    /// mode without a graph; the model returns to train mode after.
    torch::Tensor embedTexts(const std::vector<std::string>& texts, int batchSize = 64);
    double devAccuracy();

private:
    std::vector<std::int32_t> tokenize(const std::string& text) const;
    TokenBatch pad(const std::vector<const std::vector<std::int32_t>*>& seqs) const;

    std::shared_ptr<model::Backbone> m_backbone;
    TokenizerFns m_tok;
    TrainConfig m_config;
    std::string m_settingsJson;
    std::vector<TrainExample> m_train, m_dev;
    Distributed* m_dist;
    torch::Device m_device;
    LoraSet m_lora{nullptr};
    NamedTensors m_trainable;
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::unique_ptr<BatchPlan> m_plan;
    std::int64_t m_totalSteps = 0;
    // Token cache: per example, query ids and document ids (positive first, then negatives).
    struct Tokens {
        bool done = false;
        std::vector<std::int32_t> query;
        std::vector<std::vector<std::int32_t>> docs;
    };
    const Tokens& tokens(std::size_t example, bool dev) const;
    mutable std::vector<Tokens> m_trainTokens, m_devTokens;
};

} // namespace synthembed::train
