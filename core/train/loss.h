#pragma once
// Core-internal (torch): stateless contrastive losses and pooling.

#include "core/train/config.h"

#include <torch/torch.h>

namespace synthembed::train {

/// Pools hidden states [B, S, H] with the attention mask [B, S] (1 = token). Last-token pooling
/// takes each row's last attended position, so it is right for left and right padding alike.
torch::Tensor poolHidden(const torch::Tensor& hidden, const torch::Tensor& mask, Pooling pooling);

struct InfoNceResult {
    torch::Tensor loss;   ///< scalar, differentiable
    double accuracy = 0;  ///< share of queries whose positive scores highest
    double posCos = 0;    ///< mean cosine query/own positive
    double negCos = 0;    ///< mean cosine query/every other candidate
};

/// InfoNCE with cosine similarity: query i is scored against every document of the batch (all
/// positives and all hard negatives, any number per query, none for some) and its positive is
/// documents[positiveIndex[i]]. loss = mean_i CE(cos(q_i, d_*) / temperature, positiveIndex[i]).
/// symmetric adds, for each positive, CE over the queries (document-to-query) and averages both.
/// queries [B, H], documents [D, H], positiveIndex [B] int64 (indices into documents).
InfoNceResult infoNce(const torch::Tensor& queries, const torch::Tensor& documents,
                      const torch::Tensor& positiveIndex, double temperature, bool symmetric = false);

} // namespace synthembed::train
