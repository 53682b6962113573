#include "core/model/recompute.h"

#include "core/model/autocast_compat.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <c10/util/irange.h>

#include <algorithm>
#include <mutex>

namespace synthembed::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Generator states of the CPU and of every CUDA device the inputs live on.
struct RngSnapshot {
    torch::Tensor cpu;
    std::vector<std::pair<torch::Device, torch::Tensor>> cuda;

    static RngSnapshot take(const std::vector<torch::Device>& cudaDevices) {
        RngSnapshot s;
        {
            auto gen = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(gen.mutex());
            s.cpu = gen.get_state();
        }
        for (const auto& d : cudaDevices) {
            auto gen = at::globalContext().defaultGenerator(d);
            std::lock_guard<std::mutex> lock(gen.mutex());
            s.cuda.emplace_back(d, gen.get_state());
        }
        return s;
    }
    void restore() const {
        {
            auto gen = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(gen.mutex());
            gen.set_state(cpu);
        }
        for (const auto& [d, state] : cuda) {
            auto gen = at::globalContext().defaultGenerator(d);
            std::lock_guard<std::mutex> lock(gen.mutex());
            gen.set_state(state);
        }
    }
};

struct AutocastSnapshot {
    bool gpu = false, cpu = false;
    at::ScalarType gpuDtype = at::kHalf, cpuDtype = at::kBFloat16;

    static AutocastSnapshot take() {
        return {autocast::enabled(at::kCUDA), autocast::enabled(at::kCPU), autocast::dtype(at::kCUDA),
                autocast::dtype(at::kCPU)};
    }
    void apply() const {
        autocast::setEnabled(at::kCUDA, gpu);
        autocast::setEnabled(at::kCPU, cpu);
        autocast::setDtype(at::kCUDA, gpuDtype);
        autocast::setDtype(at::kCPU, cpuDtype);
    }
};

// What backward needs besides the saved inputs: held by the autograd node through a capsule.
struct BlockState : torch::CustomClassHolder {
    BlockForward fn;
    std::vector<bool> defined;         ///< per original input: defined (and passed to the node)
    std::vector<bool> inputNeedsGrad;  ///< per defined input
    std::vector<torch::Tensor> params; ///< the block's trainable parameters at forward time
    std::size_t nParams = 0;
    std::vector<torch::Device> cudaDevices;
    RngSnapshot rng;
    AutocastSnapshot autocast;
};

// Restores the ambient RNG and autocast state on every exit path of the recomputation.
struct AmbientGuard {
    RngSnapshot rng;
    AutocastSnapshot autocast;
    bool clearCache;
    AmbientGuard(const BlockState& s)
        : rng(RngSnapshot::take(s.cudaDevices)), autocast(AutocastSnapshot::take()),
          clearCache((s.autocast.gpu && !autocast.gpu) || (s.autocast.cpu && !autocast.cpu)) {
        s.rng.restore();
        s.autocast.apply();
    }
    ~AmbientGuard() {
        if (clearCache) at::autocast::clear_cache(); // weight casts cached during the recomputation
        autocast.apply();
        rng.restore();
    }
};

variable_list detachedLike(const variable_list& inputs) {
    variable_list out;
    out.reserve(inputs.size());
    for (const auto& t : inputs)
        out.push_back(t.requires_grad() ? t.detach().requires_grad_(true) : t.detach());
    return out;
}

std::vector<torch::Tensor> expand(const BlockState& s, const variable_list& definedInputs) {
    std::vector<torch::Tensor> all;
    all.reserve(s.defined.size());
    std::size_t k = 0;
    for (bool d : s.defined)
        all.push_back(d ? definedInputs[k++] : torch::Tensor());
    return all;
}

struct RecomputeFunction : torch::autograd::Function<RecomputeFunction> {
    // tensors = defined inputs, then the trainable parameters.
    static torch::Tensor forward(AutogradContext* ctx, c10::intrusive_ptr<BlockState> state,
                                 torch::TensorList tensors) {
        const auto nInputs = tensors.size() - state->nParams;
        variable_list inputs(tensors.begin(), tensors.begin() + static_cast<std::ptrdiff_t>(nInputs));
        state->rng = RngSnapshot::take(state->cudaDevices);
        state->autocast = AutocastSnapshot::take();
        ctx->save_for_backward(inputs);
        // Run with grad mode on, over detached inputs that require grad as the originals do, and
        // drop the graph at once: the kernels chosen (core/model/gemm.cpp takes a faster path
        // without autograd) and so the numbers are exactly those of the recomputation and of a
        // run without checkpointing. The graph of one layer lives only inside this call.
        torch::Tensor out;
        {
            torch::AutoGradMode grad(true);
            out = state->fn(expand(*state, detachedLike(inputs))).detach();
        }
        ctx->saved_data["state"] = c10::IValue::make_capsule(state);
        return out;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
        auto state = c10::static_intrusive_pointer_cast<BlockState>(ctx->saved_data["state"].toCapsule());
        auto saved = ctx->get_saved_variables();
        variable_list inputs, targets;
        inputs.reserve(saved.size());
        for (const auto i : c10::irange(saved.size())) {
            auto t = saved[i].detach();
            if (state->inputNeedsGrad[i]) {
                t.requires_grad_(true);
                targets.push_back(t);
            }
            inputs.push_back(t);
        }
        // The parameters are the node's trailing inputs; their current tensors are the module's.
        variable_list result(1 + saved.size() + state->nParams); // [0]: the state (no gradient)
        torch::Tensor out;
        {
            AmbientGuard ambient(*state);
            torch::AutoGradMode grad(true);
            out = state->fn(expand(*state, inputs));
        }
        if (!out.requires_grad()) return result;
        const auto nInputTargets = targets.size();
        for (auto& p : state->params)
            targets.push_back(p);
        auto grads = torch::autograd::grad({out}, targets, {gradOutputs[0]}, /*retain_graph=*/false,
                                           /*create_graph=*/false, /*allow_unused=*/true);
        std::size_t g = 0;
        for (const auto i : c10::irange(saved.size()))
            if (state->inputNeedsGrad[i]) result[1 + i] = grads[g++];
        for (std::size_t p = 0; p < state->nParams; ++p)
            result[1 + saved.size() + p] = grads[nInputTargets + p];
        return result;
    }
};

} // namespace

torch::Tensor recomputed(torch::nn::Module& block, const BlockForward& fn,
                         const std::vector<torch::Tensor>& inputs) {
    auto state = c10::make_intrusive<BlockState>();
    state->fn = fn;
    std::vector<torch::Tensor> tensors;
    for (const auto& t : inputs) {
        state->defined.push_back(t.defined());
        if (!t.defined()) continue;
        tensors.push_back(t);
        state->inputNeedsGrad.push_back(t.requires_grad());
        if (t.is_cuda() && std::find(state->cudaDevices.begin(), state->cudaDevices.end(), t.device()) ==
                               state->cudaDevices.end())
            state->cudaDevices.push_back(t.device());
    }
    for (auto& p : block.parameters())
        if (p.requires_grad()) {
            tensors.push_back(p);
            state->params.push_back(p);
        }
    state->nParams = state->params.size();
    for (const auto& p : state->params)
        if (p.is_cuda() && std::find(state->cudaDevices.begin(), state->cudaDevices.end(), p.device()) ==
                               state->cudaDevices.end())
            state->cudaDevices.push_back(p.device());
    return RecomputeFunction::apply(state, torch::TensorList(tensors));
}

} // namespace synthembed::model
