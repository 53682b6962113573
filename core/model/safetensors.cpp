#include "core/model/safetensors.h"

#include "core/platform/platform.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>


namespace synthembed::model {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct DTypeInfo {
    DType dtype;
    const char* name;
    std::size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4},   {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4},   {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::Bool, "BOOL", 1},
};

// A header larger than this is not a safetensors file (the reference implementation uses 100 MB).
constexpr std::uint64_t kMaxHeader = 100u * 1024 * 1024;

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
    throw Failure("model", file.string() + ": " + what);
}

} // namespace

const char* dtypeName(DType dtype) {
    for (auto& d : kDTypes)
        if (d.dtype == dtype) return d.name;
    return "?";
}

std::size_t dtypeSize(DType dtype) {
    for (auto& d : kDTypes)
        if (d.dtype == dtype) return d.size;
    return 0;
}

bool parseDType(const std::string& name, DType& out) {
    for (auto& d : kDTypes)
        if (name == d.name) {
            out = d.dtype;
            return true;
        }
    return false;
}

std::string shapeString(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::int64_t TensorView::numel() const {
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

std::string TensorView::shapeString() const {
    return model::shapeString(shape);
}

using platform::MappedFile;

namespace {

std::uint64_t readLe64(const std::byte* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<std::uint8_t>(p[i]);
    return v;
}

/// Parses and validates one file's header; appends its tensors.
void parseFile(const std::shared_ptr<MappedFile>& map, std::vector<TensorView>& out,
               std::map<std::string, std::string>* metadata) {
    const fs::path& path = map->path();
    if (map->size() < 8)
        fail(path, "truncated: " + std::to_string(map->size()) + " bytes, no safetensors header");
    std::uint64_t headerLen = readLe64(map->data());
    if (headerLen > kMaxHeader)
        fail(path, "header length " + std::to_string(headerLen) + " is not plausible (corrupt file?)");
    if (8 + headerLen > map->size())
        fail(path, "truncated: header needs " + std::to_string(headerLen) + " bytes, file has " +
                       std::to_string(map->size() - 8));
    const char* hp = reinterpret_cast<const char*>(map->data() + 8);
    json header;
    try {
        header = json::parse(hp, hp + headerLen);
    } catch (const std::exception& e) {
        fail(path, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) fail(path, "header is not a JSON object");

    const std::byte* base = map->data() + 8 + headerLen;
    const std::uint64_t dataSize = map->size() - 8 - headerLen;
    struct Span {
        std::uint64_t begin, end;
        std::string name;
    };
    std::vector<Span> spans;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& e = it.value();
        if (name == "__metadata__") {
            if (!e.is_object()) fail(path, "__metadata__ is not an object");
            if (metadata)
                for (auto m = e.begin(); m != e.end(); ++m)
                    (*metadata)[m.key()] =
                        m.value().is_string() ? m.value().get<std::string>() : m.value().dump();
            continue;
        }
        auto bad = [&](const std::string& what) { fail(path, "tensor '" + name + "': " + what); };
        if (!e.is_object()) bad("header entry is not an object");
        if (!e.contains("dtype") || !e["dtype"].is_string()) bad("missing dtype");
        TensorView t;
        t.name = name;
        t.file = path;
        t.mapping = map;
        if (!parseDType(e["dtype"].get<std::string>(), t.dtype))
            bad("unsupported dtype '" + e["dtype"].get<std::string>() + "'");
        if (!e.contains("shape") || !e["shape"].is_array()) bad("missing shape");
        std::uint64_t numel = 1;
        for (const auto& d : e["shape"]) {
            if (!d.is_number_integer() || d.get<std::int64_t>() < 0)
                bad("shape " + e["shape"].dump() + " is not a list of sizes");
            auto v = d.get<std::uint64_t>();
            if (v != 0 && numel > std::numeric_limits<std::uint64_t>::max() / 16 / v)
                bad("shape " + e["shape"].dump() + " overflows");
            numel *= v;
            t.shape.push_back(static_cast<std::int64_t>(v));
        }
        if (!e.contains("data_offsets") || !e["data_offsets"].is_array() || e["data_offsets"].size() != 2 ||
            !e["data_offsets"][0].is_number_unsigned() || !e["data_offsets"][1].is_number_unsigned())
            bad("data_offsets must be two non-negative integers");
        auto begin = e["data_offsets"][0].get<std::uint64_t>();
        auto end = e["data_offsets"][1].get<std::uint64_t>();
        if (begin > end)
            bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] are reversed");
        if (end > dataSize)
            bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                "] exceed the data section (" + std::to_string(dataSize) + " bytes; file truncated?)");
        std::uint64_t expected = numel * dtypeSize(t.dtype);
        if (end - begin != expected)
            bad("shape " + t.shapeString() + " of " + dtypeName(t.dtype) + " needs " +
                std::to_string(expected) + " bytes, data_offsets give " + std::to_string(end - begin));
        t.data = base + begin;
        t.nbytes = static_cast<std::size_t>(end - begin);
        spans.push_back({begin, end, name});
        out.push_back(std::move(t));
    }
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
    std::uint64_t reached = 0;
    std::string last;
    for (const auto& s : spans) {
        if (s.end == s.begin) continue; // empty tensors occupy no bytes
        if (s.begin < reached) fail(path, "tensor '" + s.name + "' overlaps tensor '" + last + "'");
        reached = s.end;
        last = s.name;
    }
}

} // namespace

Result<Checkpoint> Checkpoint::open(const fs::path& path) {
    return guarded(
        [&]() -> Checkpoint {
            Checkpoint c;
            c.m_source = path;
            std::error_code ec;
            if (fs::is_directory(path, ec)) {
                fs::path index = path / "model.safetensors.index.json";
                if (fs::exists(index)) {
                    json j;
                    try {
                        std::ifstream in(index);
                        j = json::parse(in);
                    } catch (const std::exception& e) {
                        fail(index, std::string("not valid JSON: ") + e.what());
                    }
                    if (!j.contains("weight_map") || !j["weight_map"].is_object())
                        fail(index, "no weight_map object");
                    std::set<std::string> shards;
                    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
                        if (!it.value().is_string())
                            fail(index, "weight_map['" + it.key() + "'] is not a file name");
                        shards.insert(it.value().get<std::string>());
                    }
                    for (const auto& s : shards) {
                        if (fs::path(s).has_parent_path())
                            fail(index, "shard '" + s + "' is not a plain file name");
                        c.m_files.push_back(path / s);
                    }
                    // Every tensor the index names must be in the shard it names.
                    for (const auto& f : c.m_files) {
                        if (!fs::exists(f)) fail(index, "shard " + f.filename().string() + " is missing");
                    }
                    for (const auto& f : c.m_files) {
                        auto map = std::make_shared<MappedFile>(f, "model", MappedFile::Access::CopyOnWrite);
                        parseFile(map, c.m_tensors, c.m_maps.empty() ? &c.m_metadata : nullptr);
                        c.m_maps.push_back(map);
                    }
                    for (const auto& t : c.m_tensors)
                        c.m_index[t.name] = 0;
                    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it)
                        if (!c.m_index.count(it.key()))
                            fail(index, "tensor '" + it.key() + "' is listed for " +
                                            it.value().get<std::string>() +
                                            " but that shard does not hold it");
                } else if (fs::exists(path / "model.safetensors")) {
                    c.m_files.push_back(path / "model.safetensors");
                } else {
                    for (const auto& e : fs::directory_iterator(path))
                        if (e.path().extension() == ".safetensors") c.m_files.push_back(e.path());
                    std::sort(c.m_files.begin(), c.m_files.end());
                    if (c.m_files.empty())
                        fail(path,
                             "no model.safetensors, model.safetensors.index.json or *.safetensors file");
                }
            } else if (fs::exists(path, ec)) {
                c.m_files.push_back(path);
            } else {
                fail(path, "no such file or folder");
            }
            if (c.m_maps.empty()) {
                for (const auto& f : c.m_files) {
                    auto map = std::make_shared<MappedFile>(f, "model", MappedFile::Access::CopyOnWrite);
                    parseFile(map, c.m_tensors, c.m_maps.empty() ? &c.m_metadata : nullptr);
                    c.m_maps.push_back(map);
                }
            }
            c.m_index.clear();
            for (std::size_t i = 0; i < c.m_tensors.size(); ++i) {
                const auto& t = c.m_tensors[i];
                auto [it, inserted] = c.m_index.emplace(t.name, i);
                if (!inserted)
                    fail(t.file,
                         "tensor '" + t.name + "' also appears in " + c.m_tensors[it->second].file.string());
            }
            return c;
        },
        "checkpoint");
}

const TensorView* Checkpoint::find(const std::string& name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

// ---------------------------------------------------------------------------------------------

Status writeSafetensors(const fs::path& path, const std::vector<TensorData>& tensors,
                        const std::map<std::string, std::string>& metadata) {
    return guarded(
        [&] {
            json header = json::object();
            if (!metadata.empty()) header["__metadata__"] = metadata;
            std::set<std::string> seen;
            std::uint64_t offset = 0;
            for (const auto& t : tensors) {
                if (t.name.empty() || t.name == "__metadata__")
                    fail(path, "invalid tensor name '" + t.name + "'");
                if (!seen.insert(t.name).second) fail(path, "tensor '" + t.name + "' given twice");
                std::uint64_t numel = 1;
                for (auto d : t.shape) {
                    if (d < 0) fail(path, "tensor '" + t.name + "' has a negative size");
                    numel *= static_cast<std::uint64_t>(d);
                }
                if (numel * dtypeSize(t.dtype) != t.bytes.size())
                    fail(path, "tensor '" + t.name + "': shape " + shapeString(t.shape) + " of " +
                                   dtypeName(t.dtype) + " needs " +
                                   std::to_string(numel * dtypeSize(t.dtype)) + " bytes, got " +
                                   std::to_string(t.bytes.size()));
                header[t.name] = {{"dtype", dtypeName(t.dtype)},
                                  {"shape", t.shape},
                                  {"data_offsets", {offset, offset + t.bytes.size()}}};
                offset += t.bytes.size();
            }
            std::string h = header.dump();
            while (h.size() % 8)
                h.push_back(' ');

            fs::path tmp = platform::temporarySibling(path);
            {
                std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
                if (!out) fail(path, "cannot write " + tmp.string());
                unsigned char len[8];
                std::uint64_t n = h.size();
                for (int i = 0; i < 8; ++i)
                    len[i] = static_cast<unsigned char>((n >> (8 * i)) & 0xff);
                out.write(reinterpret_cast<const char*>(len), 8);
                out.write(h.data(), static_cast<std::streamsize>(h.size()));
                for (const auto& t : tensors)
                    out.write(reinterpret_cast<const char*>(t.bytes.data()),
                              static_cast<std::streamsize>(t.bytes.size()));
                out.flush();
                if (!out) {
                    out.close();
                    std::error_code ec;
                    fs::remove(tmp, ec);
                    fail(path, "write failed (disk full?)");
                }
            }
            std::error_code ec;
            try {
                platform::syncFile(tmp);
            } catch (...) {
                fs::remove(tmp, ec);
                throw;
            }
            fs::rename(tmp, path, ec);
            if (ec) {
                fs::remove(tmp, ec);
                fail(path, "cannot rename temporary file into place: " + ec.message());
            }
            platform::syncDirectory(path.has_parent_path() ? path.parent_path() : fs::path("."));
        },
        "checkpoint");
}

TensorData f32Tensor(const std::string& name, const std::vector<std::int64_t>& shape,
                     const std::vector<float>& values) {
    return {name, DType::F32, shape, std::as_bytes(std::span<const float>(values))};
}

} // namespace synthembed::model
