// The trainer's AdamW (train::FusedAdamW: one pass per float32 parameter) against libtorch's own
// torch::optim::AdamW on the same parameters and gradients: the same values after several steps
// (both weight-decay groups, a non-contiguous parameter that takes the tensor-op path, a parameter
// without a gradient), and the same checkpoint format (its saved state continues in a plain AdamW).

#include "core/train/optim.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

using namespace synthembed;

namespace {

struct Params {
    std::vector<std::pair<std::string, torch::Tensor>> named;
};

Params makeParams() {
    torch::manual_seed(11);
    Params p;
    p.named.emplace_back("embed.weight", torch::randn({300, 24}).requires_grad_(true));
    p.named.emplace_back("dense.bias", torch::randn({24}).requires_grad_(true));
    p.named.emplace_back("LayerNorm.weight", torch::randn({24}).requires_grad_(true));
    // A transposed view: not contiguous, so the fused pass does not take it.
    p.named.emplace_back("up.weight", torch::randn({40, 24}).t().requires_grad_(true));
    p.named.emplace_back("unused.weight", torch::randn({4, 4}).requires_grad_(true));
    return p;
}

void setGrads(Params& p, int step) {
    torch::manual_seed(100 + step);
    for (auto& [name, t] : p.named)
        if (name != "unused.weight") t.mutable_grad() = torch::randn(t.sizes()) * (step + 1);
}

} // namespace

TEST(FusedAdamW, EqualsTorchAdamWAndSharesItsCheckpointFormat) {
    train::TrainConfig c;
    c.lr = 3e-3;
    c.weightDecay = 0.05;
    auto mine = makeParams(), ref = makeParams();
    auto fused = train::makeAdamW(mine.named, c);
    ASSERT_NE(dynamic_cast<train::FusedAdamW*>(fused.get()), nullptr);
    // The reference: libtorch's AdamW with the same two groups.
    std::vector<torch::Tensor> decay, exempt;
    for (const auto& [name, t] : ref.named) (train::exemptFromWeightDecay(name, t) ? exempt : decay).push_back(t);
    auto base = torch::optim::AdamWOptions(c.lr).betas({c.beta1, c.beta2}).eps(c.eps).weight_decay(c.weightDecay);
    auto noDecay = base;
    noDecay.weight_decay(0.0);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(base));
    groups.emplace_back(exempt, std::make_unique<torch::optim::AdamWOptions>(noDecay));
    torch::optim::AdamW plain(std::move(groups), base);

    auto compare = [&](const char* when) {
        for (std::size_t i = 0; i < mine.named.size(); ++i) {
            const auto& a = mine.named[i].second;
            const auto& b = ref.named[i].second;
            const double d = (a - b).abs().max().item<double>();
            EXPECT_LT(d, 1e-6) << when << ": " << mine.named[i].first;
        }
    };
    const auto start = mine.named[0].second.detach().clone();
    for (int s = 0; s < 5; ++s) {
        setGrads(mine, s);
        setGrads(ref, s);
        fused->step();
        plain.step();
    }
    compare("after 5 steps");
    EXPECT_GT((mine.named[0].second - start).abs().max().item<double>(), 1e-3) << "the parameters moved";
    EXPECT_TRUE(torch::equal(mine.named[4].second, ref.named[4].second)) << "no gradient: untouched";

    // Its state saved as a checkpoint does it, loaded into a plain AdamW over the same tensors,
    // continues exactly as the reference that never stopped.
    std::stringstream buf;
    {
        torch::serialize::OutputArchive o;
        fused->save(o);
        o.save_to(buf);
    }
    std::vector<torch::Tensor> d2, e2;
    for (const auto& [name, t] : mine.named) (train::exemptFromWeightDecay(name, t) ? e2 : d2).push_back(t);
    std::vector<torch::optim::OptimizerParamGroup> g2;
    g2.emplace_back(d2, std::make_unique<torch::optim::AdamWOptions>(base));
    g2.emplace_back(e2, std::make_unique<torch::optim::AdamWOptions>(noDecay));
    torch::optim::AdamW reloaded(std::move(g2), base);
    {
        torch::serialize::InputArchive in;
        in.load_from(buf);
        reloaded.load(in);
    }
    for (int s = 5; s < 8; ++s) {
        setGrads(mine, s);
        setGrads(ref, s);
        reloaded.step();
        plain.step();
    }
    compare("after 3 more steps of a plain AdamW loaded from the fused one's state");
}
