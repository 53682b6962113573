#include "core/train/optim.h"

#include <algorithm>
#include <cmath>

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
    return std::make_unique<torch::optim::AdamW>(std::move(groups), base);
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
