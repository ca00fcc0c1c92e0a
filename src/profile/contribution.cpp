// What one statement contributes to its actor's learning profile, and the compact encoding it is
// kept in next to the statement (include/lrsd/profile.h, "Contributions").
//
// Encoding, format 2 (every multi-byte integer a LEB128 varint, signed ones zigzag-mapped):
//   u8 format (2) | u8 flags | u8 modality | timestamp (zigzag) |
//   [f64 seconds, little-endian, if flags & kHasSeconds] | [f64 scaled, if flags & kHasScaled] |
//   [cost in cents (zigzag), if flags & kHasCost] |
//   ifi | statement id (16 bytes if flags & kUuidId, else a string) | verb | activity |
//   count | count x (competency, level (zigzag))
// Strings are a varint length and the bytes. Decoding checks every length against the bytes
// left (so garbage cannot make it allocate more than the input's size), rejects unknown flags,
// modalities, non-finite numbers, a zero cost, non-shortest varints and trailing bytes:
// whatever decodes re-encodes to the same bytes (format 2).
//
// Format 1 (stored before costs existed) is format 2 without the kHasCost flag: it still
// decodes, with cost 0, and re-encodes as format 2 (the same bytes but the first).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "lrsd/profile.h"
#include "profile/config_json.h"
#include "profile/rules_eval.h"

namespace lrsd::profile {
namespace {

using config_json::Member;
using config_json::Sv;
using xapi::JsonValue;

constexpr std::uint8_t kFormat = 2;
constexpr std::uint8_t kFormatWithoutCost = 1;

enum : std::uint8_t {
  kCompleted = 1 << 0,
  kPassed = 1 << 1,
  kFailed = 1 << 2,
  kHasScaled = 1 << 3,
  kHasSeconds = 1 << 4,
  kUuidId = 1 << 5,
  kHasCost = 1 << 6,
  kKnownFlagsWithoutCost = (1 << 6) - 1,  // format 1
  kKnownFlags = (1 << 7) - 1,
};

std::string_view StringAt(const JsonValue* obj, std::string_view key) {
  if (obj == nullptr) return {};
  const JsonValue* v = Member(*obj, key);
  return v != nullptr && v->IsString() ? Sv(*v) : std::string_view{};
}

const JsonValue* ObjectAt(const JsonValue* obj, std::string_view key) {
  if (obj == nullptr) return nullptr;
  const JsonValue* v = Member(*obj, key);
  return v != nullptr && v->IsObject() ? v : nullptr;
}

// ---- Encoding primitives ----

std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t UnZigZag(std::uint64_t u) { return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1); }

void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

void PutDouble(std::string& out, double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xFF);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Done() const { return pos_ == in_.size(); }
  std::size_t Left() const { return in_.size() - pos_; }

  bool Byte(std::uint8_t& v) {
    if (pos_ >= in_.size()) return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool Varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b;
      if (!Byte(b)) return false;
      if (shift == 63 && b > 1) return false;  // overflows 64 bits
      if (shift > 0 && b == 0) return false;    // not the shortest form: one value, one encoding
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Double(double& d) {
    if (Left() < 8) return false;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
      bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    std::memcpy(&d, &bits, sizeof d);
    return std::isfinite(d);
  }
  bool Bytes(std::size_t n, std::string& out) {
    if (n > Left()) return false;
    out.assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool String(std::string& out) {
    std::uint64_t n;
    return Varint(n) && n <= Left() && Bytes(static_cast<std::size_t>(n), out);
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Contribution> Contribute(const JsonValue& statement, const Rules& rules, const CostRules* costs) {
  if (!statement.IsObject()) return std::nullopt;
  const JsonValue* actor = Member(statement, "actor");
  if (actor == nullptr) return std::nullopt;
  auto ifi = xapi::IfiKey(*actor);
  if (!ifi) return std::nullopt;  // anonymous group: nobody's profile

  Contribution c;
  c.ifi = std::move(*ifi);
  c.statement_id = std::string(StringAt(&statement, "id"));
  std::optional<MicrosSinceEpoch> when;
  if (std::string_view ts = StringAt(&statement, "timestamp"); !ts.empty())
    when = xapi::ParseTimestamp(ts, xapi::Version::k1_0);
  if (!when) {
    if (std::string_view stored = StringAt(&statement, "stored"); !stored.empty())
      when = xapi::ParseTimestamp(stored, xapi::Version::k1_0);
  }
  c.timestamp = when.value_or(0);

  rules_eval::Evaluate(rules, statement, c.modality, c.competencies);

  if (const JsonValue* result = ObjectAt(&statement, "result")) {
    if (std::string_view d = StringAt(result, "duration"); !d.empty()) {
      auto seconds = xapi::DurationSeconds(d);
      if (seconds && std::isfinite(*seconds) && *seconds > 0) c.seconds = *seconds;
    }
    if (const JsonValue* completion = Member(*result, "completion"); completion != nullptr && completion->IsBool())
      c.completed = completion->GetBool();
    if (const JsonValue* success = Member(*result, "success"); success != nullptr && success->IsBool()) {
      c.passed = success->GetBool();
      c.failed = !success->GetBool();
    }
    if (const JsonValue* score = ObjectAt(result, "score")) {
      if (const JsonValue* scaled = Member(*score, "scaled"); scaled != nullptr && scaled->IsNumber()) {
        const double v = scaled->GetDouble();
        if (std::isfinite(v)) c.scaled = v;
      }
    }
  }

  c.verb = std::string(StringAt(ObjectAt(&statement, "verb"), "id"));
  if (const JsonValue* object = ObjectAt(&statement, "object")) {
    const JsonValue* ot = Member(*object, "objectType");
    if (ot == nullptr || (ot->IsString() && Sv(*ot) == "Activity")) c.activity = std::string(StringAt(object, "id"));
  }
  c.cost_cents = costs != nullptr ? costs->CostOf(statement, c.seconds, c.completed || c.passed) : 0;
  return c;
}

std::string EncodeContribution(const Contribution& c) {
  const bool has_seconds = std::isfinite(c.seconds) && c.seconds != 0;
  const bool has_scaled = c.scaled.has_value() && std::isfinite(*c.scaled);
  std::optional<Uuid> uuid = ParseUuid(c.statement_id);
  if (uuid && FormatUuid(*uuid) != c.statement_id) uuid.reset();  // keep non-canonical text as written

  std::uint8_t flags = 0;
  if (c.completed) flags |= kCompleted;
  if (c.passed) flags |= kPassed;
  if (c.failed) flags |= kFailed;
  if (has_scaled) flags |= kHasScaled;
  if (has_seconds) flags |= kHasSeconds;
  if (uuid) flags |= kUuidId;
  if (c.cost_cents != 0) flags |= kHasCost;

  std::string out;
  out.reserve(32 + c.ifi.size() + c.statement_id.size() + c.verb.size() + c.activity.size());
  out += static_cast<char>(kFormat);
  out += static_cast<char>(flags);
  out += static_cast<char>(static_cast<std::uint8_t>(c.modality));
  PutVarint(out, ZigZag(c.timestamp));
  if (has_seconds) PutDouble(out, c.seconds);
  if (has_scaled) PutDouble(out, *c.scaled);
  if (c.cost_cents != 0) PutVarint(out, ZigZag(c.cost_cents));
  PutString(out, c.ifi);
  if (uuid)
    out.append(UuidBytes(*uuid));
  else
    PutString(out, c.statement_id);
  PutString(out, c.verb);
  PutString(out, c.activity);
  PutVarint(out, c.competencies.size());
  for (const auto& [id, level] : c.competencies) {
    PutString(out, id);
    PutVarint(out, ZigZag(level));
  }
  return out;
}

std::optional<Contribution> DecodeContribution(std::string_view bytes) {
  Reader r(bytes);
  std::uint8_t format, flags, modality;
  if (!r.Byte(format) || (format != kFormat && format != kFormatWithoutCost)) return std::nullopt;
  const std::uint8_t known = format == kFormat ? kKnownFlags : kKnownFlagsWithoutCost;
  if (!r.Byte(flags) || (flags & ~known) != 0) return std::nullopt;
  if (!r.Byte(modality) || modality >= kModalities) return std::nullopt;
  Contribution c;
  c.modality = static_cast<Modality>(modality);
  c.completed = (flags & kCompleted) != 0;
  c.passed = (flags & kPassed) != 0;
  c.failed = (flags & kFailed) != 0;
  std::uint64_t u;
  if (!r.Varint(u)) return std::nullopt;
  c.timestamp = UnZigZag(u);
  if (flags & kHasSeconds) {
    if (!r.Double(c.seconds) || c.seconds == 0) return std::nullopt;  // zero is never written
  }
  if (flags & kHasScaled) {
    double scaled;
    if (!r.Double(scaled)) return std::nullopt;
    c.scaled = scaled;
  }
  if (flags & kHasCost) {
    if (!r.Varint(u) || u == 0) return std::nullopt;  // zero is never written
    c.cost_cents = UnZigZag(u);
  }
  if (!r.String(c.ifi)) return std::nullopt;
  if (flags & kUuidId) {
    std::string raw;
    if (!r.Bytes(16, raw)) return std::nullopt;
    Uuid id;
    std::memcpy(id.data(), raw.data(), id.size());
    c.statement_id = FormatUuid(id);
  } else if (!r.String(c.statement_id)) {
    return std::nullopt;
  }
  if (!r.String(c.verb) || !r.String(c.activity)) return std::nullopt;
  std::uint64_t count;
  // Each entry takes at least two bytes (an empty string's length and a level).
  if (!r.Varint(count) || count > r.Left() / 2) return std::nullopt;
  c.competencies.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string id;
    if (!r.String(id) || !r.Varint(u)) return std::nullopt;
    const std::int64_t level = UnZigZag(u);
    if (level < std::numeric_limits<int>::min() || level > std::numeric_limits<int>::max()) return std::nullopt;
    c.competencies.emplace_back(std::move(id), static_cast<int>(level));
  }
  if (!r.Done()) return std::nullopt;
  return c;
}

}  // namespace lrsd::profile
