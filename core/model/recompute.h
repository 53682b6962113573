#pragma once
/// Core-internal (torch types): gradient checkpointing of one block (activation recomputation,
/// Chen et al. 2016; PyTorch's torch.utils.checkpoint with preserve_rng_state, which libtorch's
/// C++ API lacks). The block's graph is dropped right after its forward, keeping only its inputs
/// and the RNG and autocast state; backward re-runs it with a graph from that state (the same
/// dropout masks) and back-propagates the incoming gradient to the inputs and to the block's
/// trainable parameters (adapters included). The parameters are inputs of the autograd node, so
/// their .grad accumulates as without checkpointing, even when no input of the block requires
/// grad (frozen embeddings under LoRA).

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace synthembed::model {

/// The block's forward over its inputs (in the order given to recomputed()).
using BlockForward = std::function<torch::Tensor(const std::vector<torch::Tensor>& inputs)>;

/// fn(inputs) with activations recomputed in backward. `block` owns the parameters fn uses
/// (those with requires_grad are differentiated). Inputs may be undefined tensors. fn must not
/// modify its inputs in place and must be deterministic apart from the default generators.
torch::Tensor recomputed(torch::nn::Module& block, const BlockForward& fn,
                         const std::vector<torch::Tensor>& inputs);

/// Whether a model with checkpointing switched on should recompute now: grad mode on and the
/// module in training mode (inference and evaluation keep the plain path).
inline bool shouldRecompute(bool enabled, const torch::nn::Module& m) {
    return enabled && torch::GradMode::is_enabled() && m.is_training();
}

} // namespace synthembed::model
