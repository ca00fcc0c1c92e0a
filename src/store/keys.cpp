#include "store/keys.h"

#include <cstring>

namespace lrsd::store::keys {
namespace {
constexpr std::uint8_t kRecordFormat = 1;

void AppendU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(std::uint8_t& v) {
    if (pos_ + 1 > in_.size()) return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool U32(std::uint32_t& v) {
    if (pos_ + 4 > in_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in_[pos_++]);
    return true;
  }
  bool U64(std::uint64_t& v) {
    if (pos_ + 8 > in_.size()) return false;
    v = ReadBigEndian64(in_.substr(pos_, 8));
    pos_ += 8;
    return true;
  }
  bool Bytes(std::size_t n, std::string_view& v) {
    if (pos_ + n > in_.size()) return false;
    v = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};
}  // namespace

std::string SeqKey(std::uint64_t seq) {
  std::string k;
  AppendBigEndian64(k, seq);
  return k;
}

std::string IndexKey(std::uint8_t kind, std::string_view key, std::uint64_t seq) {
  std::string k;
  k.reserve(17);
  k += static_cast<char>(kind);
  AppendBigEndian64(k, Hash64(key));
  AppendBigEndian64(k, seq);
  return k;
}

std::string IndexValue(const Uuid& id, std::string_view key) {
  std::string v(UuidBytes(id));
  v += key;
  return v;
}

std::string RefKey(const Uuid& target, std::uint64_t referrer_seq) {
  std::string k(UuidBytes(target));
  AppendBigEndian64(k, referrer_seq);
  return k;
}

std::uint64_t ComparisonHash(std::string_view comparison) {
  // A cryptographic digest, truncated: equal statements must never be told apart, and
  // different ones must not collide by construction.
  auto digest = Sha256(comparison);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  return h;
}

std::string EncodeRecord(const StatementWrite& s) {
  std::string out;
  out.reserve(s.json.size() + 64 + s.keys.size() * 48);
  out += static_cast<char>(kRecordFormat);
  AppendBigEndian64(out, s.seq);
  AppendBigEndian64(out, ComparisonHash(s.comparison));
  std::uint8_t flags = (s.ref_target ? 1 : 0) | (s.voids ? 2 : 0);
  out += static_cast<char>(flags);
  if (s.ref_target) out += UuidBytes(*s.ref_target);
  AppendU32(out, static_cast<std::uint32_t>(s.keys.size()));
  for (const auto& e : s.keys) {
    out += static_cast<char>(e.kind);
    AppendU32(out, static_cast<std::uint32_t>(e.key.size()));
    out += e.key;
  }
  out += s.json;
  return out;
}

std::optional<RecordHeader> DecodeRecordHeader(std::string_view record) {
  Reader r(record);
  RecordHeader h;
  std::uint8_t format = 0, flags = 0;
  std::uint32_t count = 0;
  if (!r.U8(format) || format != kRecordFormat) return std::nullopt;
  if (!r.U64(h.seq) || !r.U64(h.comparison_hash) || !r.U8(flags)) return std::nullopt;
  if (flags & 1) {
    std::string_view bytes;
    if (!r.Bytes(16, bytes)) return std::nullopt;
    Uuid id;
    std::memcpy(id.data(), bytes.data(), 16);
    h.ref_target = id;
  }
  h.voids = (flags & 2) != 0;
  // Each key takes at least 5 bytes (kind, length): a count beyond that is corruption, and
  // must not turn into a huge allocation.
  if (!r.U32(count) || count > (record.size() - r.pos()) / 5) return std::nullopt;
  h.keys.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint8_t kind = 0;
    std::uint32_t len = 0;
    std::string_view key;
    if (!r.U8(kind) || !r.U32(len) || !r.Bytes(len, key)) return std::nullopt;
    h.keys.push_back({kind, std::string(key)});
  }
  h.json_offset = r.pos();
  return h;
}

std::optional<RecordPosition> DecodeRecordPosition(std::string_view record) {
  Reader r(record);
  RecordPosition p;
  std::uint8_t format = 0, flags = 0;
  std::uint64_t comparison_hash = 0;
  std::uint32_t count = 0;
  if (!r.U8(format) || format != kRecordFormat) return std::nullopt;
  if (!r.U64(p.seq) || !r.U64(comparison_hash) || !r.U8(flags)) return std::nullopt;
  std::string_view skipped;
  if ((flags & 1) && !r.Bytes(16, skipped)) return std::nullopt;
  if (!r.U32(count) || count > (record.size() - r.pos()) / 5) return std::nullopt;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint8_t kind = 0;
    std::uint32_t len = 0;
    if (!r.U8(kind) || !r.U32(len) || !r.Bytes(len, skipped)) return std::nullopt;
  }
  p.json_offset = r.pos();
  return p;
}

}  // namespace lrsd::store::keys
