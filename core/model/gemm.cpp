#include "core/model/gemm.h"

#include "core/util/log.h"

#include <cstdlib>
#include <cstring>

#if defined(__unix__)
#include <dlfcn.h>
#endif

namespace synthembed::model {

namespace {

// oneDNN's C API (dnnl.h): row-major sgemm, C = alpha * op(A) op(B) + beta * C.
using SgemmFn = int (*)(char transa, char transb, std::int64_t M, std::int64_t N, std::int64_t K, float alpha,
                        const float* A, std::int64_t lda, const float* B, std::int64_t ldb, float beta,
                        float* C, std::int64_t ldc);

SgemmFn resolveSgemm() {
    const char* env = std::getenv("SYNTHEMBED_GEMM");
    if (env && std::strcmp(env, "torch") == 0) return nullptr;
#if defined(__unix__)
    for (const char* lib : {"libdnnl.so.2", "libdnnl.so.3", "libdnnl.so"}) {
        void* h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
        if (!h) h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (h)
            if (auto f = reinterpret_cast<SgemmFn>(dlsym(h, "dnnl_sgemm"))) {
                log::debug("matrix products: oneDNN sgemm from ", lib);
                return f;
            }
    }
#endif
    return nullptr;
}

SgemmFn sgemm() {
    static SgemmFn f = resolveSgemm();
    return f;
}

bool eligible(const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 &&
           !(torch::GradMode::is_enabled() && t.requires_grad());
}

} // namespace

bool fastGemmAvailable() {
    return sgemm() != nullptr;
}

torch::Tensor gemmLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
    auto f = sgemm();
    if (!f || !eligible(x) || !eligible(weight) || (bias.defined() && !eligible(bias)) ||
        !weight.is_contiguous())
        return bias.defined() ? torch::linear(x, weight, bias) : torch::linear(x, weight);
    auto x2 = x.reshape({-1, x.size(-1)}).contiguous();
    const auto M = x2.size(0), K = x2.size(1), N = weight.size(0);
    auto out_sizes = x.sizes().vec();
    out_sizes.back() = N;
    torch::Tensor y;
    float beta = 0.0f;
    if (bias.defined()) {
        y = bias.unsqueeze(0).expand({M, N}).contiguous();
        beta = 1.0f;
    } else {
        y = torch::empty({M, N}, x.options());
    }
    if (M > 0 && N > 0)
        f('N', 'T', M, N, K, 1.0f, x2.data_ptr<float>(), K, weight.data_ptr<float>(), K, beta,
          y.data_ptr<float>(), N);
    return y.view(out_sizes);
}

torch::Tensor gemmBatched(const torch::Tensor& a, const torch::Tensor& b) {
    auto f = sgemm();
    if (!f || !eligible(a) || !eligible(b)) return torch::bmm(a, b);
    auto A = a.contiguous();
    const auto B = A.size(0), M = A.size(1), K = A.size(2), N = b.size(2);
    // b is either contiguous [B, K, N] or the transpose of a contiguous [B, N, K].
    char tb = 'N';
    torch::Tensor Bm;
    std::int64_t ldb = N;
    if (b.is_contiguous()) {
        Bm = b;
    } else if (b.transpose(1, 2).is_contiguous()) {
        Bm = b.transpose(1, 2);
        tb = 'T';
        ldb = K;
    } else {
        Bm = b.contiguous();
    }
    auto C = torch::empty({B, M, N}, a.options());
    const float* pa = A.data_ptr<float>();
    const float* pb = Bm.data_ptr<float>();
    float* pc = C.data_ptr<float>();
    // One small product per thread: oneDNN runs sequentially inside a parallel region.
    at::parallel_for(0, B, 1, [&](std::int64_t begin, std::int64_t end) {
        for (auto i = begin; i < end; ++i)
            f('N', tb, M, N, K, 1.0f, pa + i * M * K, K, pb + i * K * N, ldb, 0.0f, pc + i * M * N, N);
    });
    return C;
}

} // namespace synthembed::model
