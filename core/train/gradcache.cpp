#include "core/train/gradcache.h"

#include "core/train/distributed.h"

#include <ATen/Context.h>

namespace synthembed::train {

TokenBatch TokenBatch::slice(std::int64_t begin, std::int64_t end) const {
    auto m = mask.slice(0, begin, end);
    auto len = m.sum(1).max().item<std::int64_t>();
    len = std::max<std::int64_t>(len, 1);
    return {ids.slice(0, begin, end).slice(1, 0, len), m.slice(1, 0, len)};
}

RngState captureRng(const torch::Device& device) {
    RngState s;
    {
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        s.cpu = gen.get_state();
    }
    if (device.is_cuda()) {
        auto gen = at::globalContext().defaultGenerator(device);
        std::lock_guard<std::mutex> lock(gen.mutex());
        s.cuda = gen.get_state();
    }
    return s;
}

void restoreRng(const RngState& state, const torch::Device& device) {
    if (state.cpu.defined()) {
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(state.cpu);
    }
    if (device.is_cuda() && state.cuda.defined()) {
        auto gen = at::globalContext().defaultGenerator(device);
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(state.cuda);
    }
}

namespace {

StepStats lossAndBackward(const torch::Tensor& q, const torch::Tensor& d, const ContrastiveBatch& batch,
                          const LossOptions& opt, Distributed* dist, double lossScale) {
    torch::Tensor gq = q, gd = d, pos = batch.positiveIndex.to(torch::kLong).to(q.device());
    if (dist) {
        auto [qAll, qOff] = dist->gatherKeepLocalGrad(q);
        auto [dAll, dOff] = dist->gatherKeepLocalGrad(d);
        gq = qAll;
        gd = dAll;
        // Every rank's positive indices, shifted by where that rank's documents start.
        auto shifted = (pos + dOff).view({-1, 1});
        pos = dist->allGatherRows(shifted).view(-1).to(q.device());
        (void)qOff;
    }
    auto r = infoNce(gq, gd, pos, opt.temperature, opt.symmetric);
    (r.loss * lossScale).backward();
    return {r.loss.item<double>(), r.accuracy, r.posCos, r.negCos};
}

} // namespace

StepStats contrastiveBackward(const EncodeFn& encode, const ContrastiveBatch& batch, const LossOptions& opt,
                              int miniBatch, Distributed* dist, double lossScale) {
    const auto nq = batch.queries.rows(), nd = batch.documents.rows();
    const bool cached = miniBatch > 0 && (nq > miniBatch || nd > miniBatch);
    if (!cached) {
        auto q = encode(batch.queries);
        auto d = encode(batch.documents);
        return lossAndBackward(q, d, batch, opt, dist, lossScale);
    }
    const auto device = batch.queries.ids.device();
    struct Chunk {
        const TokenBatch* src;
        std::int64_t begin, end;
        RngState rng;
    };
    std::vector<Chunk> chunks;
    for (const TokenBatch* src : {&batch.queries, &batch.documents})
        for (std::int64_t b = 0; b < src->rows(); b += miniBatch)
            chunks.push_back({src, b, std::min<std::int64_t>(b + miniBatch, src->rows()), {}});

    // Pass 1: embeddings without a graph.
    std::vector<torch::Tensor> reps;
    {
        torch::NoGradGuard ng;
        for (auto& c : chunks) {
            c.rng = captureRng(device);
            reps.push_back(encode(c.src->slice(c.begin, c.end)).detach());
        }
    }
    const auto afterRng = captureRng(device);
    std::vector<torch::Tensor> qParts, dParts;
    for (std::size_t i = 0; i < chunks.size(); ++i)
        (chunks[i].src == &batch.queries ? qParts : dParts).push_back(reps[i]);
    auto q = torch::cat(qParts, 0).requires_grad_(true);
    auto d = torch::cat(dParts, 0).requires_grad_(true);
    // Loss and its gradient w.r.t. the (local) embeddings.
    auto stats = lossAndBackward(q, d, batch, opt, dist, lossScale);
    auto qGrad = q.grad(), dGrad = d.grad();

    // Pass 2: each chunk again with a graph and the same dropout masks; push the cached gradient.
    for (auto& c : chunks) {
        restoreRng(c.rng, device);
        auto e = encode(c.src->slice(c.begin, c.end));
        auto g = (c.src == &batch.queries ? qGrad : dGrad).slice(0, c.begin, c.end);
        torch::autograd::backward({e}, {g.to(e.dtype())});
    }
    restoreRng(afterRng, device);
    return stats;
}

} // namespace synthembed::train
