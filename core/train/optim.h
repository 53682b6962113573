#pragma once
// Core-internal (torch): AdamW with decay/no-decay groups, warmup + linear decay, clipping.

#include "core/train/config.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace synthembed::train {

/// Norm weights and biases get no weight decay (the usual transformers recipe): a parameter is
/// exempt when it is 1-D or its name contains "norm" or ends in "bias".
bool exemptFromWeightDecay(const std::string& name, const torch::Tensor& parameter);

/// torch::optim::AdamW (same options, state, checkpoint format and arithmetic) whose step updates
/// each contiguous float32 CPU parameter in one parallel pass (decay, both moments, denominator
/// and step per element) instead of about eight tensor passes and a fresh denominator tensor per
/// parameter; anything else takes AdamW's own tensor operations.
class FusedAdamW : public torch::optim::AdamW {
  public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;
};

/// AdamW over `params` (name, tensor) with two groups: decayed, and exempt (weight decay 0).
std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& params,
                                               const TrainConfig& config);

/// Learning rate at optimiser step `step` (0-based): linear warmup from lr/warmup to lr over
/// `warmupSteps`, then linear decay to 0 at `totalSteps` (or constant when !linearDecay).
double learningRate(const TrainConfig& config, std::int64_t step, std::int64_t totalSteps);
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

/// Global L2 norm of the gradients; scales them to maxNorm when above (maxNorm <= 0: no clip).
/// Returns the norm before clipping (NaN/Inf when a gradient is not finite).
double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);

} // namespace synthembed::train
