// A protobuf-free reader for SentencePiece's tokenizer.model (ModelProto): the pieces with scores
// and types, the trainer's model type and byte fallback flag, and the normalizer flags.

#include "core/tok/components.h"
#include "core/util/result.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace synthembed::tok::detail {
namespace {

class Reader {
  public:
    Reader(const char* p, size_t n, const std::string& file) : m_p(p), m_end(p + n), m_file(file) {}
    bool done() const { return m_p >= m_end; }
    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p >= m_end) fail("truncated varint");
            auto b = static_cast<unsigned char>(*m_p++);
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("varint too long");
        return 0;
    }
    std::string_view bytes() {
        uint64_t n = varint();
        if (n > static_cast<uint64_t>(m_end - m_p)) fail("field runs past the end of the file");
        std::string_view s(m_p, n);
        m_p += n;
        return s;
    }
    float fixed32f() {
        if (m_end - m_p < 4) fail("truncated fixed32");
        float f;
        std::memcpy(&f, m_p, 4);
        m_p += 4;
        return f;
    }
    void skip(int wireType) {
        switch (wireType) {
        case 0:
            varint();
            break;
        case 1:
            if (m_end - m_p < 8) fail("truncated fixed64");
            m_p += 8;
            break;
        case 2:
            bytes();
            break;
        case 5:
            if (m_end - m_p < 4) fail("truncated fixed32");
            m_p += 4;
            break;
        default:
            fail("unsupported wire type " + std::to_string(wireType));
        }
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw Failure("tokenizer", m_file + ": not a valid SentencePiece model (" + why + ")");
    }
    const std::string& file() const { return m_file; }

  private:
    const char* m_p;
    const char* m_end;
    const std::string& m_file;
};

} // namespace

SentencePieceModel readSentencePieceModel(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure("not_found", path + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    SentencePieceModel m;
    Reader r(data.data(), data.size(), path);
    while (!r.done()) {
        uint64_t tag = r.varint();
        int field = static_cast<int>(tag >> 3), wt = static_cast<int>(tag & 7);
        if (field == 1 && wt == 2) {
            std::string_view sub = r.bytes();
            Reader pr(sub.data(), sub.size(), path);
            SentencePieceModel::Piece piece;
            while (!pr.done()) {
                uint64_t t = pr.varint();
                int f = static_cast<int>(t >> 3), w = static_cast<int>(t & 7);
                if (f == 1 && w == 2)
                    piece.piece = std::string(pr.bytes());
                else if (f == 2 && w == 5)
                    piece.score = pr.fixed32f();
                else if (f == 3 && w == 0)
                    piece.type = static_cast<int>(pr.varint());
                else
                    pr.skip(w);
            }
            m.pieces.push_back(std::move(piece));
        } else if (field == 2 && wt == 2) {
            std::string_view sub = r.bytes();
            Reader tr(sub.data(), sub.size(), path);
            while (!tr.done()) {
                uint64_t t = tr.varint();
                int f = static_cast<int>(t >> 3), w = static_cast<int>(t & 7);
                if (w != 0) {
                    tr.skip(w);
                    continue;
                }
                auto v = static_cast<int64_t>(tr.varint());
                if (f == 3)
                    m.modelType = static_cast<int>(v);
                else if (f == 35)
                    m.byteFallback = v != 0;
                else if (f == 40)
                    m.unkId = static_cast<int>(v);
                else if (f == 41)
                    m.bosId = static_cast<int>(v);
                else if (f == 42)
                    m.eosId = static_cast<int>(v);
                else if (f == 43)
                    m.padId = static_cast<int>(v);
            }
        } else if (field == 3 && wt == 2) {
            std::string_view sub = r.bytes();
            Reader nr(sub.data(), sub.size(), path);
            while (!nr.done()) {
                uint64_t t = nr.varint();
                int f = static_cast<int>(t >> 3), w = static_cast<int>(t & 7);
                if (f == 1 && w == 2)
                    m.normalizerName = std::string(nr.bytes());
                else if (f == 3 && w == 0)
                    m.addDummyPrefix = nr.varint() != 0;
                else if (f == 4 && w == 0)
                    m.removeExtraWhitespaces = nr.varint() != 0;
                else
                    nr.skip(w);
            }
        } else {
            r.skip(wt);
        }
    }
    if (m.pieces.empty()) r.fail("no pieces");
    return m;
}

} // namespace synthembed::tok::detail
