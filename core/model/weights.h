#pragma once
/// Core-internal: loading a module's parameters from a checkpoint by name.

#include "core/model/safetensors.h"
#include "core/util/progress.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace synthembed::model {

/// Checkpoint names to try, in order, for one module parameter name (prefix variants such as
/// "bert." or "model.", legacy "gamma"/"beta").
using NameCandidates = std::function<std::vector<std::string>(const std::string& moduleName)>;

/// A non-owning CPU tensor over the mapped bytes (valid while the checkpoint lives).
torch::Tensor viewOf(const TensorView& t);

/// Loads every parameter and buffer of `module` from `ckpt`. Where the checkpoint's dtype is the
/// module's and the module is on the CPU, the parameter uses the file's (copy-on-write) mapping as its
/// storage, without a copy; otherwise the bytes are converted and copied (other dtype, other device).
/// A missing tensor or a shape that disagrees with the module (i.e. with config.json) is a
/// Failure naming the tensor, the file and both shapes. Returns the number of tensors loaded.
/// `hooks.progress(bytes loaded, bytes in all, tensor name)` after each tensor (a 7B model's load
/// takes a minute when its bytes are converted); `hooks.shouldStop` ends the load with Failure
/// "cancelled".
std::size_t loadWeights(torch::nn::Module& module, const Checkpoint& ckpt, const NameCandidates& candidates,
                        const ProgressHooks& hooks = {});

/// The usual candidates: the name itself, then each prefix + name, then each name with a
/// prefix stripped.
NameCandidates prefixCandidates(std::vector<std::string> prefixes);

} // namespace synthembed::model
