#pragma once
// Core-internal (torch): one contrastive forward/backward over a batch, whole or with GradCache
// (Gao et al. 2021), optionally against the global batch of every process.

#include "core/train/loss.h"

#include <torch/torch.h>

#include <functional>

namespace synthembed::train {

class Distributed;

/// Token ids and attention mask, [N, S] int64, right-padded.
struct TokenBatch {
    torch::Tensor ids;
    torch::Tensor mask;
    std::int64_t rows() const { return ids.size(0); }
    /// Rows [begin, end) with the padding columns they do not need trimmed away.
    TokenBatch slice(std::int64_t begin, std::int64_t end) const;
};

/// This process's share of a batch: its queries, its documents (positives and hard negatives),
/// and for each query the index of its positive among its documents.
struct ContrastiveBatch {
    TokenBatch queries;
    TokenBatch documents;
    torch::Tensor positiveIndex; ///< [B] int64 into documents
};

/// Sequences -> pooled embeddings [N, H] (with a graph when grad mode is on).
using EncodeFn = std::function<torch::Tensor(const TokenBatch&)>;

struct LossOptions {
    double temperature = 0.02;
    bool symmetric = false;
};

struct StepStats {
    double loss = 0;
    double accuracy = 0, posCos = 0, negCos = 0;
};

/// Computes the InfoNCE loss of the (global) batch and accumulates d(loss * lossScale)/d(params)
/// into the parameters' .grad. miniBatch <= 0 or >= the number of sequences: one pass with a
/// graph. Otherwise GradCache: embed every sub-batch of miniBatch sequences without a graph
/// (saving the RNG state before each), take the loss gradient w.r.t. the embeddings, then
/// re-run each sub-batch with a graph from its saved RNG state (the same dropout masks) and
/// back-propagate the cached gradient. With `dist`, embeddings are all-gathered so every rank
/// scores the global batch; each rank back-propagates only through its own rows (parameter
/// gradients must then be summed over ranks).
StepStats contrastiveBackward(const EncodeFn& encode, const ContrastiveBatch& batch, const LossOptions& loss,
                              int miniBatch, Distributed* dist, double lossScale = 1.0);

/// RNG state of the generators dropout uses (CPU, and the CUDA device's when `device` is CUDA).
struct RngState {
    torch::Tensor cpu;
    torch::Tensor cuda;
};
RngState captureRng(const torch::Device& device);
void restoreRng(const RngState& state, const torch::Device& device);

} // namespace synthembed::train
