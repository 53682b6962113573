#pragma once
/// SHA-256, incremental: the hub names an LFS file's blob by the sha256 of its bytes (its ETag), and
/// a download is verified against it while it streams (a resumed download hashes the part on disk first).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace synthembed::hub {

/// OpenSSL's SHA-256 (EVP; uses the processor's SHA extensions where present). Movable, not copyable.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// The digest as 64 lowercase hex digits; the object must not be updated afterwards.
    std::string hexDigest();

  private:
    struct Ctx;
    std::unique_ptr<Ctx> m_ctx;
};

/// Hashes the first `bytes` bytes of a file into `hash` (all of it when bytes < 0). Throws Failure("io").
void hashFile(const std::filesystem::path& file, Sha256& hash, std::int64_t bytes = -1);

} // namespace synthembed::hub
