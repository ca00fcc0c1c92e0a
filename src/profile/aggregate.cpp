// Additive profile aggregates and their compact binary encoding (the RocksDB merge operands of
// the profiles family).
#include <cmath>
#include <cstring>
#include <ctime>

#include "lrsd/profile.h"

namespace lrsd::profile {
namespace {

// Format 1: before costs, competency time and monthly statement counts (still read).
constexpr std::uint8_t kFormatV1 = 1;
constexpr std::uint8_t kFormat = 2;
// Counter records (activity tallies, competency days): int64 values summed element-wise.
constexpr std::uint8_t kCounters = 0x10;

class Writer {
 public:
  void U8(std::uint8_t v) { out_ += static_cast<char>(v); }
  void I64(std::int64_t v) {
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>((u >> (8 * i)) & 0xFF);
  }
  void U32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void Str(std::string_view s) {
    U32(static_cast<std::uint32_t>(s.size()));
    out_ += s;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(std::uint8_t& v) {
    if (pos_ + 1 > in_.size()) return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool I64(std::int64_t& v) {
    if (pos_ + 8 > in_.size()) return false;
    std::uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    v = static_cast<std::int64_t>(u);
    return true;
  }
  bool U32(std::uint32_t& v) {
    if (pos_ + 4 > in_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool Str(std::string& s) {
    std::uint32_t n = 0;
    if (!U32(n) || pos_ + n > in_.size()) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  // A count of items each at least `min_item` bytes long must fit in what is left.
  bool Count(std::uint32_t& n, std::size_t min_item) { return U32(n) && n <= (in_.size() - pos_) / min_item; }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

bool AllZero(const std::array<std::int64_t, kModalities>& a) {
  for (auto v : a) {
    if (v != 0) return false;
  }
  return true;
}
bool Zero(const MonthTally& m) { return AllZero(m.millis) && m.statements == 0; }

// Drops entries that additions and subtractions left at zero, so equal totals encode equally.
void Prune(Aggregate& a) {
  for (auto it = a.competencies.begin(); it != a.competencies.end();) {
    auto& q = it->second.qualifying;
    std::erase_if(q, [](const auto& kv) { return kv.second == 0; });
    if (it->second.evidence == 0 && q.empty() && it->second.millis == 0) {
      it = a.competencies.erase(it);
    } else {
      ++it;
    }
  }
  std::erase_if(a.months, [](const auto& kv) { return Zero(kv.second); });
}

}  // namespace

std::int64_t ToMillis(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0) return 0;
  return std::llround(std::min(seconds, 1e12) * 1000.0);
}

std::int32_t MonthOf(std::int64_t timestamp_micros) {
  std::time_t secs = static_cast<std::time_t>(timestamp_micros >= 0 ? timestamp_micros / 1000000
                                                                    : (timestamp_micros - 999999) / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return (tm.tm_year + 1900) * 100 + (tm.tm_mon + 1);
}

int CompetencyTally::Level() const {
  for (auto it = qualifying.rbegin(); it != qualifying.rend(); ++it) {
    if (it->second > 0) return it->first;
  }
  return 0;
}

void Aggregate::Add(const Contribution& c, int sign) {
  const auto m = static_cast<std::size_t>(c.modality);
  const std::int64_t millis_delta = sign * ToMillis(c.seconds);
  statements[m] += sign;
  millis[m] += millis_delta;
  completed += sign * (c.completed ? 1 : 0);
  passed += sign * (c.passed ? 1 : 0);
  failed += sign * (c.failed ? 1 : 0);
  if (c.scaled) {
    scaled_nanos += sign * std::llround(std::clamp(*c.scaled, -1.0, 1.0) * 1e9);
    scaled_count += sign;
  }
  cost_cents[m] += sign * c.cost_cents;
  const bool qualifies = c.completed || c.passed;
  for (const auto& [id, level] : c.competencies) {
    CompetencyTally& t = competencies[id];
    t.evidence += sign;
    t.millis += millis_delta;
    if (qualifies) t.qualifying[level] += sign;
  }
  MonthTally& month = months[MonthOf(c.timestamp)];
  month.statements += sign;
  month.millis[m] += millis_delta;
  if (sign < 0) Prune(*this);
}

void Aggregate::Add(const Aggregate& o) {
  for (std::size_t i = 0; i < kModalities; ++i) {
    statements[i] += o.statements[i];
    millis[i] += o.millis[i];
    cost_cents[i] += o.cost_cents[i];
  }
  completed += o.completed;
  passed += o.passed;
  failed += o.failed;
  scaled_nanos += o.scaled_nanos;
  scaled_count += o.scaled_count;
  for (const auto& [id, t] : o.competencies) {
    CompetencyTally& mine = competencies[id];
    mine.evidence += t.evidence;
    mine.millis += t.millis;
    for (const auto& [level, n] : t.qualifying) mine.qualifying[level] += n;
  }
  for (const auto& [month, tally] : o.months) {
    MonthTally& mine = months[month];
    mine.statements += tally.statements;
    for (std::size_t i = 0; i < kModalities; ++i) mine.millis[i] += tally.millis[i];
  }
  Prune(*this);
}

bool Aggregate::Empty() const {
  return AllZero(statements) && AllZero(millis) && completed == 0 && passed == 0 && failed == 0 &&
         scaled_nanos == 0 && scaled_count == 0 && AllZero(cost_cents) && competencies.empty() && months.empty();
}

std::int64_t Aggregate::TotalCostCents() const {
  std::int64_t total = 0;
  for (auto c : cost_cents) total += c;
  return total;
}

std::string EncodeAggregate(const Aggregate& a) {
  Writer w;
  w.U8(kFormat);
  for (auto v : a.statements) w.I64(v);
  for (auto v : a.millis) w.I64(v);
  w.I64(a.completed);
  w.I64(a.passed);
  w.I64(a.failed);
  w.I64(a.scaled_nanos);
  w.I64(a.scaled_count);
  for (auto v : a.cost_cents) w.I64(v);
  w.U32(static_cast<std::uint32_t>(a.competencies.size()));
  for (const auto& [id, t] : a.competencies) {
    w.Str(id);
    w.I64(t.evidence);
    w.I64(t.millis);
    w.U32(static_cast<std::uint32_t>(t.qualifying.size()));
    for (const auto& [level, n] : t.qualifying) {
      w.U32(static_cast<std::uint32_t>(level));
      w.I64(n);
    }
  }
  w.U32(static_cast<std::uint32_t>(a.months.size()));
  for (const auto& [month, tally] : a.months) {
    w.U32(static_cast<std::uint32_t>(month));
    for (auto v : tally.millis) w.I64(v);
    w.I64(tally.statements);
  }
  return w.Take();
}

Aggregate DecodeAggregate(std::string_view bytes) {
  Aggregate a;
  Reader r(bytes);
  std::uint8_t format = 0;
  if (!r.U8(format) || (format != kFormat && format != kFormatV1)) return Aggregate{};
  const bool v2 = format == kFormat;
  bool ok = true;
  for (auto& v : a.statements) ok = ok && r.I64(v);
  for (auto& v : a.millis) ok = ok && r.I64(v);
  ok = ok && r.I64(a.completed) && r.I64(a.passed) && r.I64(a.failed) && r.I64(a.scaled_nanos) &&
       r.I64(a.scaled_count);
  if (v2) {
    for (auto& v : a.cost_cents) ok = ok && r.I64(v);
  }
  std::uint32_t n = 0;
  ok = ok && r.Count(n, 4 + 8 + 4);
  for (std::uint32_t i = 0; ok && i < n; ++i) {
    std::string id;
    CompetencyTally t;
    std::uint32_t levels = 0;
    ok = r.Str(id) && r.I64(t.evidence) && (!v2 || r.I64(t.millis)) && r.Count(levels, 12);
    for (std::uint32_t l = 0; ok && l < levels; ++l) {
      std::uint32_t level = 0;
      std::int64_t count = 0;
      ok = r.U32(level) && r.I64(count);
      t.qualifying[static_cast<int>(level)] = count;
    }
    a.competencies.emplace(std::move(id), std::move(t));
  }
  ok = ok && r.Count(n, 4 + 8 * kModalities);
  for (std::uint32_t i = 0; ok && i < n; ++i) {
    std::uint32_t month = 0;
    MonthTally tally;
    ok = r.U32(month);
    for (auto& v : tally.millis) ok = ok && r.I64(v);
    if (v2) ok = ok && r.I64(tally.statements);
    a.months[static_cast<std::int32_t>(month)] = tally;
  }
  if (!ok || !r.AtEnd()) return Aggregate{};
  return a;
}

std::string EncodeCounters(const std::vector<std::int64_t>& values) {
  Writer w;
  w.U8(kCounters);
  w.U32(static_cast<std::uint32_t>(values.size()));
  for (auto v : values) w.I64(v);
  return w.Take();
}

std::vector<std::int64_t> DecodeCounters(std::string_view bytes) {
  Reader r(bytes);
  std::uint8_t format = 0;
  std::uint32_t n = 0;
  if (!r.U8(format) || format != kCounters || !r.Count(n, 8)) return {};
  std::vector<std::int64_t> values(n);
  for (auto& v : values) {
    if (!r.I64(v)) return {};
  }
  return r.AtEnd() ? values : std::vector<std::int64_t>{};
}

std::string MergeAggregates(std::string_view existing, std::string_view operand) {
  if (!operand.empty() && static_cast<std::uint8_t>(operand[0]) == kCounters) {
    std::vector<std::int64_t> sum = DecodeCounters(existing);
    std::vector<std::int64_t> add = DecodeCounters(operand);
    if (sum.size() < add.size()) sum.resize(add.size());
    for (std::size_t i = 0; i < add.size(); ++i) sum[i] += add[i];
    return EncodeCounters(sum);
  }
  Aggregate a = DecodeAggregate(existing);
  a.Add(DecodeAggregate(operand));
  return EncodeAggregate(a);
}

}  // namespace lrsd::profile
