#include "core/train/loss.h"

#include <stdexcept>

namespace synthembed::train {

const char* poolingName(Pooling pooling) {
    switch (pooling) {
    case Pooling::LastToken: return "last";
    case Pooling::Mean: return "mean";
    case Pooling::Cls: return "cls";
    }
    return "last";
}

bool parsePooling(const std::string& name, Pooling& out) {
    if (name == "last" || name == "lasttoken" || name == "last_token" || name == "eos") out = Pooling::LastToken;
    else if (name == "mean") out = Pooling::Mean;
    else if (name == "cls" || name == "first") out = Pooling::Cls;
    else return false;
    return true;
}

torch::Tensor poolHidden(const torch::Tensor& hidden, const torch::Tensor& mask, Pooling pooling) {
    TORCH_CHECK(hidden.dim() == 3 && mask.dim() == 2, "poolHidden: expected hidden [B,S,H] and mask [B,S]");
    switch (pooling) {
    case Pooling::Cls: return hidden.select(1, 0);
    case Pooling::Mean: {
        auto m = mask.to(hidden.dtype()).unsqueeze(-1);
        return (hidden * m).sum(1) / m.sum(1).clamp_min(1.0);
    }
    case Pooling::LastToken: {
        // Index of the last attended position per row: max over (position * mask).
        const auto seq = hidden.size(1);
        auto pos = torch::arange(seq, mask.options().dtype(torch::kLong)).unsqueeze(0);
        auto last = (pos * mask.to(torch::kLong)).amax(1); // [B]
        auto idx = last.view({-1, 1, 1}).expand({hidden.size(0), 1, hidden.size(2)});
        return hidden.gather(1, idx).squeeze(1);
    }
    }
    throw std::logic_error("poolHidden: unknown pooling");
}

InfoNceResult infoNce(const torch::Tensor& queries, const torch::Tensor& documents,
                      const torch::Tensor& positiveIndex, double temperature, bool symmetric) {
    TORCH_CHECK(queries.dim() == 2 && documents.dim() == 2 && queries.size(1) == documents.size(1),
                "infoNce: queries [B,H] and documents [D,H] must share H");
    TORCH_CHECK(positiveIndex.numel() == queries.size(0), "infoNce: one positive index per query");
    TORCH_CHECK(temperature > 0, "infoNce: temperature must be > 0");
    // Scores in float32 even under autocast: a 0.02 temperature magnifies bf16 rounding 50x.
    auto q = torch::nn::functional::normalize(queries.to(torch::kFloat),
                                              torch::nn::functional::NormalizeFuncOptions().dim(1));
    auto d = torch::nn::functional::normalize(documents.to(torch::kFloat),
                                              torch::nn::functional::NormalizeFuncOptions().dim(1));
    auto cos = q.matmul(d.t()); // [B, D]
    auto labels = positiveIndex.to(torch::kLong).to(cos.device());
    auto logits = cos / temperature;
    auto loss = torch::nn::functional::cross_entropy(logits, labels);
    if (symmetric) {
        // Document-to-query: each query's positive against all queries.
        auto dpos = d.index_select(0, labels);            // [B, H]
        auto logitsT = dpos.matmul(q.t()) / temperature;  // [B, B]
        auto target = torch::arange(q.size(0), labels.options());
        loss = 0.5 * (loss + torch::nn::functional::cross_entropy(logitsT, target));
    }
    InfoNceResult r;
    r.loss = loss;
    {
        torch::NoGradGuard ng;
        auto c = cos.detach();
        r.accuracy = c.argmax(1).eq(labels).to(torch::kDouble).mean().item<double>();
        auto pos = c.gather(1, labels.unsqueeze(1)).squeeze(1);
        r.posCos = pos.mean().item<double>();
        const auto n = c.numel() - c.size(0);
        r.negCos = n > 0 ? (c.sum() - pos.sum()).item<double>() / static_cast<double>(n) : 0.0;
    }
    return r;
}

} // namespace synthembed::train
