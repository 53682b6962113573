#pragma once
/// SHA-256, incremental: the hub names an LFS file's blob by the sha256 of its bytes (its ETag), and
/// a download is verified against it while it streams (a resumed download hashes the part on disk first).

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace synthembed::hub {

class Sha256 {
  public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// The digest as 64 lowercase hex digits; the object must not be updated afterwards.
    std::string hexDigest();

  private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> m_h;
    std::array<std::uint8_t, 64> m_buf{};
    std::size_t m_used = 0;
    std::uint64_t m_bytes = 0;
};

/// Hashes the first `bytes` bytes of a file into `hash` (all of it when bytes < 0). Throws Failure("io").
void hashFile(const std::filesystem::path& file, Sha256& hash, std::int64_t bytes = -1);

} // namespace synthembed::hub
