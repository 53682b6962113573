#include "core/train/optim.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <type_traits>

namespace synthembed::train {

bool exemptFromWeightDecay(const std::string& name, const torch::Tensor& parameter) {
    if (parameter.dim() <= 1) return true;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("norm") != std::string::npos) return true;
    return lower.size() >= 4 && lower.compare(lower.size() - 4, 4, "bias") == 0;
}

std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& params,
                                               const TrainConfig& config) {
    std::vector<torch::Tensor> decay, exempt;
    for (const auto& [name, p] : params) (exemptFromWeightDecay(name, p) ? exempt : decay).push_back(p);
    auto base = torch::optim::AdamWOptions(config.lr)
                    .betas({config.beta1, config.beta2})
                    .eps(config.eps)
                    .weight_decay(config.weightDecay);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    // Both groups always exist (possibly empty) so checkpoints have a fixed layout.
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(base));
    auto noDecay = base;
    noDecay.weight_decay(0.0);
    groups.emplace_back(exempt, std::make_unique<torch::optim::AdamWOptions>(noDecay));
    return std::make_unique<FusedAdamW>(std::move(groups), base);
}

namespace {

/// The key libtorch's own optimizers file a parameter's state under: 1.13 uses the TensorImpl's
/// address printed as a string (c10::guts::to_string, an ostream of the pointer), 2.x the address
/// itself. The same key keeps checkpoints interchangeable with torch::optim::AdamW.
template <class Key>
Key stateKey(const torch::Tensor& p) {
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream s;
        s << static_cast<const void*>(p.unsafeGetTensorImpl());
        return s.str();
    } else {
        return static_cast<Key>(p.unsafeGetTensorImpl());
    }
}

/// One AdamW update of n float32 elements, in one pass: torch::optim::AdamW's sequence of
/// operations (decay, moments, bias-corrected denominator, step) element by element.
void adamwPass(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
               std::int64_t n, float decay, float b1, float c1, float b2, float c2, float invSqrtBc2, float eps,
               float negStep) {
    at::parallel_for(0, n, 1 << 15, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const float gi = g[i];
            const float mi = m[i] * b1 + c1 * gi;
            const float vi = v[i] * b2 + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            const float denom = std::sqrt(vi) * invSqrtBc2 + eps;
            p[i] = p[i] * decay + negStep * (mi / denom);
        }
    });
}

} // namespace

torch::Tensor FusedAdamW::step(LossClosure closure) {
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    for (auto& group : param_groups()) {
        auto& o = static_cast<torch::optim::AdamWOptions&>(group.options());
        for (auto& p : group.params()) {
            if (!p.grad().defined()) continue;
            const auto& grad = p.grad();
            TORCH_CHECK(!grad.is_sparse(), "AdamW does not support sparse gradients");
            const auto key = stateKey<typename decltype(state_)::key_type>(p);
            auto it = state_.find(key);
            if (it == state_.end()) {
                auto st = std::make_unique<torch::optim::AdamWParamState>();
                st->step(0);
                st->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                st->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                if (o.amsgrad()) st->max_exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                it = state_.emplace(key, std::move(st)).first;
            }
            auto& st = static_cast<torch::optim::AdamWParamState&>(*it->second);
            st.step(st.step() + 1);
            const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
            const double bc1 = 1 - std::pow(beta1, static_cast<double>(st.step()));
            const double bc2 = 1 - std::pow(beta2, static_cast<double>(st.step()));
            const double stepSize = o.lr() / bc1;
            auto& m = st.exp_avg();
            auto& v = st.exp_avg_sq();
            const bool fused = !o.amsgrad() && p.device().is_cpu() && p.scalar_type() == torch::kFloat32 &&
                               grad.scalar_type() == torch::kFloat32 && m.scalar_type() == torch::kFloat32 &&
                               v.scalar_type() == torch::kFloat32 && p.is_contiguous() && grad.is_contiguous() &&
                               m.is_contiguous() && v.is_contiguous() && grad.numel() == p.numel() &&
                               m.numel() == p.numel() && v.numel() == p.numel();
            if (fused) {
                adamwPass(p.data_ptr<float>(), grad.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(),
                          p.numel(), static_cast<float>(1 - o.lr() * o.weight_decay()), static_cast<float>(beta1),
                          static_cast<float>(1 - beta1), static_cast<float>(beta2), static_cast<float>(1 - beta2),
                          static_cast<float>(1 / std::sqrt(bc2)), static_cast<float>(o.eps()),
                          static_cast<float>(-stepSize));
                continue;
            }
            // Anything else: the same operations as torch::optim::AdamW, tensor by tensor.
            if (o.weight_decay() != 0) p.mul_(1 - o.lr() * o.weight_decay());
            m.mul_(beta1).add_(grad, 1 - beta1);
            v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            torch::Tensor denom;
            if (o.amsgrad()) {
                auto& mx = st.max_exp_avg_sq();
                torch::max_out(mx, v, mx);
                denom = (mx.sqrt() / std::sqrt(bc2)).add_(o.eps());
            } else {
                denom = (v.sqrt() / std::sqrt(bc2)).add_(o.eps());
            }
            p.addcdiv_(m, denom, -stepSize);
        }
    }
    return loss;
}

double learningRate(const TrainConfig& c, std::int64_t step, std::int64_t totalSteps) {
    const double s = static_cast<double>(step);
    if (c.warmupSteps > 0 && step < c.warmupSteps) return c.lr * (s + 1.0) / static_cast<double>(c.warmupSteps);
    if (!c.linearDecay) return c.lr;
    const double rest = static_cast<double>(std::max<std::int64_t>(1, totalSteps - c.warmupSteps));
    const double done = s - static_cast<double>(std::max(0, c.warmupSteps));
    return c.lr * std::max(0.0, 1.0 - done / rest);
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& g : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
}

double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm) {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> sq;
    for (const auto& p : params)
        if (p.grad().defined()) sq.push_back(p.grad().to(torch::kFloat).pow(2).sum());
    if (sq.empty()) return 0.0;
    const double norm = std::sqrt(torch::stack(sq).sum().item<double>());
    if (maxNorm > 0 && std::isfinite(norm) && norm > maxNorm) {
        const double f = maxNorm / (norm + 1e-6);
        for (const auto& p : params)
            if (p.grad().defined()) p.grad().mul_(f);
    }
    return norm;
}

} // namespace synthembed::train
