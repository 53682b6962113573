#include "core/hub/digest.h"

#include "core/util/result.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace synthembed::hub {

struct Sha256::Ctx {
    EVP_MD_CTX* md = nullptr;
    ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : m_ctx(std::make_unique<Ctx>()) {
    m_ctx->md = EVP_MD_CTX_new();
    if (!m_ctx->md || EVP_DigestInit_ex(m_ctx->md, EVP_sha256(), nullptr) != 1)
        throw Failure("internal", "OpenSSL could not start a SHA-256 digest");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
    if (size && EVP_DigestUpdate(m_ctx->md, data, size) != 1) throw Failure("internal", "SHA-256 update failed");
}

std::string Sha256::hexDigest() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(m_ctx->md, out, &n) != 1) throw Failure("internal", "SHA-256 final failed");
    static const char* hex = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (unsigned int i = 0; i < n; ++i) {
        s += hex[out[i] >> 4];
        s += hex[out[i] & 15];
    }
    return s;
}

void hashFile(const std::filesystem::path& file, Sha256& hash, std::int64_t bytes) {
    std::FILE* f = std::fopen(file.string().c_str(), "rb");
    if (!f) throw Failure("io", file.string() + ": cannot read");
    std::vector<char> buf(1 << 20);
    std::int64_t left = bytes;
    while (bytes < 0 || left > 0) {
        std::size_t want = bytes < 0 ? buf.size() : static_cast<std::size_t>(std::min<std::int64_t>(left, std::int64_t(buf.size())));
        std::size_t n = std::fread(buf.data(), 1, want, f);
        if (n == 0) break;
        hash.update(buf.data(), n);
        left -= std::int64_t(n);
    }
    bool err = std::ferror(f) != 0;
    std::fclose(f);
    if (err) throw Failure("io", file.string() + ": read error");
    if (bytes >= 0 && left > 0) throw Failure("io", file.string() + ": shorter than expected");
}

} // namespace synthembed::hub
