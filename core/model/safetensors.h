#pragma once
/// safetensors checkpoints: a memory-mapped, validating reader (single files and sharded folders
/// with model.safetensors.index.json) and an atomic writer. Plain C++: no torch types here.
///
/// Example:
///   auto ckpt = model::Checkpoint::open("models/qwen2-0.5b");   // folder or one .safetensors file
///   if (!ckpt) return ckpt.error();
///   const model::TensorView* w = ckpt->find("model.norm.weight");

#include "core/util/result.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace synthembed::platform {
class MappedFile;
}

namespace synthembed::model {

/// Element types of the safetensors format (names as in the file header).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

const char* dtypeName(DType dtype);
std::size_t dtypeSize(DType dtype);
/// Parses a header dtype string ("F32", "BF16", ...); false when unknown.
bool parseDType(const std::string& name, DType& out);

/// One tensor inside a mapped file. `data` stays valid while the Checkpoint (or a copy of it) lives.
struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    const std::byte* data = nullptr;
    std::size_t nbytes = 0;
    std::filesystem::path file; ///< the file it lives in (for error messages)
    /// The mapping that holds `data` (keeps it alive for tensors that use the bytes in place). The
    /// mapping is copy-on-write: a view written to changes this process's pages, never the file.
    std::shared_ptr<const platform::MappedFile> mapping;

    std::int64_t numel() const;
    /// "[172, 64]"
    std::string shapeString() const;
};

/// "[172, 64]" for any shape.
std::string shapeString(const std::vector<std::int64_t>& shape);

/// All tensors of a checkpoint (one file or a sharded folder), validated on open. Cheap to copy
/// (the mappings are shared).
class Checkpoint {
  public:
    /// Opens `path`: a .safetensors file, or a folder holding model.safetensors.index.json
    /// (sharded), model.safetensors, or other *.safetensors files. Every header is validated:
    /// known dtype, shape consistent with byte size, offsets inside the file, no overlap.
    static Result<Checkpoint> open(const std::filesystem::path& path);

    /// Tensor by exact name, or nullptr.
    const TensorView* find(const std::string& name) const;
    const std::vector<TensorView>& tensors() const { return m_tensors; }
    /// __metadata__ of the first file (free-form strings).
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    const std::vector<std::filesystem::path>& files() const { return m_files; }
    /// Where the checkpoint was opened from (for messages).
    const std::filesystem::path& source() const { return m_source; }

  private:
    std::vector<std::shared_ptr<platform::MappedFile>> m_maps;
    std::vector<TensorView> m_tensors;
    std::map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_metadata;
    std::vector<std::filesystem::path> m_files;
    std::filesystem::path m_source;
};

/// A tensor to write: raw little-endian bytes of `dtype`, row-major.
struct TensorData {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::span<const std::byte> bytes;
};

/// Writes one .safetensors file atomically (temp file + rename): tensors in the given order,
/// header padded to 8 bytes. Fails on duplicate names or a byte size that disagrees with the shape.
Status writeSafetensors(const std::filesystem::path& path, const std::vector<TensorData>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

/// Convenience for fp32 tensors held in vectors.
TensorData f32Tensor(const std::string& name, const std::vector<std::int64_t>& shape,
                     const std::vector<float>& values);

} // namespace synthembed::model
