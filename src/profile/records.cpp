// Profile records in the store's profiles family, and reading them back over a time range.
//   'A' | ifi                      -> Aggregate   all-time, merged
//   'D' | ifi | day                -> Aggregate   one UTC day, merged
//   'L' | ifi | timestamp | uuid   -> Contribution  the actor's time-ordered log
//   'C' | ifi | activity           -> counters {statements, completions, millis}
//   'Q' | ifi | competency | level | day -> counter {statements}: level 0 = evidence, L > 0 =
//                                     qualifying statements at level L or above (so "first day
//                                     reaching L" is one seek; time to competency)
// `ifi` and `competency` are length-prefixed (u16) so that their keys are contiguous prefixes.
#include "profile/records.h"

#include <algorithm>
#include <cstring>

namespace lrsd::profile {
namespace {

constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr int kMaxLevel = 10;  // competency levels are 1..10

std::int64_t DayOf(std::int64_t micros) {
  return micros >= 0 ? micros / kMicrosPerDay : (micros - kMicrosPerDay + 1) / kMicrosPerDay;
}

void AppendU16(std::string& out, std::size_t n) {
  out += static_cast<char>((n >> 8) & 0xFF);
  out += static_cast<char>(n & 0xFF);
}

// Signed values sort in numeric order as big-endian unsigned after flipping the sign bit.
void AppendOrdered64(std::string& out, std::int64_t v) {
  AppendBigEndian64(out, static_cast<std::uint64_t>(v) ^ (1ULL << 63));
}

}  // namespace

std::string IfiPrefix(char kind, std::string_view ifi) {
  std::string k(1, kind);
  const std::size_t n = std::min<std::size_t>(ifi.size(), 0xFFFF);
  AppendU16(k, n);
  k.append(ifi.substr(0, n));
  return k;
}

std::string AggregateKey(std::string_view ifi) { return IfiPrefix('A', ifi); }

std::string DayKey(std::string_view ifi, std::int64_t day) {
  std::string k = IfiPrefix('D', ifi);
  AppendOrdered64(k, day);
  return k;
}

std::string LogKey(std::string_view ifi, std::int64_t timestamp, std::string_view statement_uuid_bytes) {
  std::string k = IfiPrefix('L', ifi);
  AppendOrdered64(k, timestamp);
  k.append(statement_uuid_bytes);
  return k;
}

std::string ActivityKey(std::string_view ifi, std::string_view activity) {
  std::string k = IfiPrefix('C', ifi);
  k.append(activity);
  return k;
}

std::string CompetencyPrefix(std::string_view ifi, std::string_view competency) {
  std::string k = IfiPrefix('Q', ifi);
  const std::size_t n = std::min<std::size_t>(competency.size(), 0xFFFF);
  AppendU16(k, n);
  k.append(competency.substr(0, n));
  return k;
}

std::string CompetencyDayKey(std::string_view ifi, std::string_view competency, int level, std::int64_t day) {
  std::string k = CompetencyPrefix(ifi, competency);
  k += static_cast<char>(std::clamp(level, 0, 255));
  AppendOrdered64(k, day);
  return k;
}

std::vector<store::ProfileOp> ExpandContribution(std::string_view bytes, int sign) {
  std::vector<store::ProfileOp> ops;
  auto c = DecodeContribution(bytes);
  if (!c || c->ifi.empty()) return ops;
  Aggregate delta;
  delta.Add(*c, sign);
  std::string encoded = EncodeAggregate(delta);
  ops.push_back({store::ProfileOp::Kind::kMerge, AggregateKey(c->ifi), encoded});
  ops.push_back({store::ProfileOp::Kind::kMerge, DayKey(c->ifi, DayOf(c->timestamp)), std::move(encoded)});
  const std::int64_t day = DayOf(c->timestamp);
  const bool qualifies = c->completed || c->passed;
  if (!c->activity.empty()) {
    ops.push_back({store::ProfileOp::Kind::kMerge, ActivityKey(c->ifi, c->activity),
                   EncodeCounters({sign, qualifies ? sign : 0, sign * ToMillis(c->seconds)})});
  }
  for (const auto& [competency, level] : c->competencies) {
    ops.push_back({store::ProfileOp::Kind::kMerge, CompetencyDayKey(c->ifi, competency, 0, day), EncodeCounters({sign})});
    if (!qualifies) continue;
    for (int l = 1; l <= std::min(level, kMaxLevel); ++l) {
      ops.push_back({store::ProfileOp::Kind::kMerge, CompetencyDayKey(c->ifi, competency, l, day), EncodeCounters({sign})});
    }
  }
  auto id = ParseUuid(c->statement_id);
  std::string uuid = id ? std::string(UuidBytes(*id)) : c->statement_id;
  if (sign > 0) {
    ops.push_back({store::ProfileOp::Kind::kPut, LogKey(c->ifi, c->timestamp, uuid), std::string(bytes)});
  } else {
    ops.push_back({store::ProfileOp::Kind::kDelete, LogKey(c->ifi, c->timestamp, uuid), {}});
  }
  return ops;
}

Result<Aggregate> ReadAggregate(store::ReadView& view, std::string_view ifi, const Range& range) {
  Aggregate total;
  if (range.Unbounded()) {
    auto raw = view.Get(store::Family::kProfiles, AggregateKey(ifi));
    if (!raw.ok()) return std::move(raw).error();
    if (raw->has_value()) total = DecodeAggregate(**raw);
    return total;
  }
  // Statement timestamps t with lo <= t <= hi.
  const std::int64_t lo = range.since ? *range.since + 1 : INT64_MIN / 2;
  const std::int64_t hi = range.until ? *range.until : INT64_MAX / 2;
  if (lo > hi) return total;
  // Whole days inside [lo, hi] come from day buckets; the rest from the log.
  const std::int64_t first_full = lo % kMicrosPerDay == 0 ? DayOf(lo) : DayOf(lo) + 1;
  const std::int64_t last_full = (hi + 1) % kMicrosPerDay == 0 ? DayOf(hi) : DayOf(hi) - 1;
  auto add_log = [&](std::int64_t from, std::int64_t to) -> Status {  // [from, to] from the log
    if (from > to) return OkStatus();
    std::string lower = IfiPrefix('L', ifi), upper = IfiPrefix('L', ifi);
    AppendOrdered64(lower, from);
    AppendOrdered64(upper, to + 1);
    return view.ScanRange(store::Family::kProfiles, lower, upper, true, [&](std::string_view, std::string_view v) {
      if (auto c = DecodeContribution(v)) total.Add(*c, +1);
      return true;
    });
  };
  if (first_full > last_full) {
    if (auto st = add_log(lo, hi); !st.ok()) return st.error();
    return total;
  }
  if (auto st = add_log(lo, first_full * kMicrosPerDay - 1); !st.ok()) return st.error();
  if (auto st = add_log((last_full + 1) * kMicrosPerDay, hi); !st.ok()) return st.error();
  std::string lower = DayKey(ifi, first_full), upper = DayKey(ifi, last_full + 1);
  Status st = view.ScanRange(store::Family::kProfiles, lower, upper, true, [&](std::string_view, std::string_view v) {
    total.Add(DecodeAggregate(v));
    return true;
  });
  if (!st.ok()) return st.error();
  return total;
}

Result<ActivityTally> ReadActivity(store::ReadView& view, std::string_view ifi, std::string_view activity) {
  ActivityTally t;
  auto raw = view.Get(store::Family::kProfiles, ActivityKey(ifi, activity));
  if (!raw.ok()) return std::move(raw).error();
  if (!raw->has_value()) return t;
  auto v = DecodeCounters(**raw);
  if (v.size() >= 3) {
    t.statements = v[0];
    t.completions = v[1];
    t.millis = v[2];
  }
  return t;
}

Result<CompetencyDays> ReadCompetencyDays(store::ReadView& view, std::string_view ifi, std::string_view competency,
                                          int level, std::optional<std::int64_t> until) {
  CompetencyDays days;
  const std::optional<std::int64_t> last_day = until ? std::optional<std::int64_t>(DayOf(*until)) : std::nullopt;
  // The first day with a positive count at one level (days voided away to zero are skipped).
  auto first_day = [&](int l, std::optional<std::int64_t>& out) -> Status {
    const std::string lower = CompetencyDayKey(ifi, competency, l, INT64_MIN / 2);
    const std::string upper = last_day ? CompetencyDayKey(ifi, competency, l, *last_day + 1)
                                       : CompetencyDayKey(ifi, competency, l + 1, INT64_MIN / 2);
    return view.ScanRange(store::Family::kProfiles, lower, upper, true, [&](std::string_view key, std::string_view v) {
      auto counts = DecodeCounters(v);
      if (counts.empty() || counts[0] <= 0) return true;
      out = static_cast<std::int64_t>(ReadBigEndian64(key.substr(key.size() - 8)) ^ (1ULL << 63));
      return false;
    });
  };
  if (auto st = first_day(0, days.first_evidence); !st.ok()) return st.error();
  if (level > 0) {
    if (auto st = first_day(std::min(level, kMaxLevel), days.first_reaching); !st.ok()) return st.error();
  }
  return days;
}

Result<std::vector<RecentEntry>> ReadRecent(store::ReadView& view, const std::vector<std::string>& ifis,
                                            const Range& range, std::size_t limit) {
  std::vector<RecentEntry> all;
  const std::int64_t lo = range.since ? *range.since + 1 : INT64_MIN / 2;
  const std::int64_t hi = range.until ? *range.until : INT64_MAX / 2;
  for (const auto& ifi : ifis) {
    std::string lower = IfiPrefix('L', ifi), upper = IfiPrefix('L', ifi);
    AppendOrdered64(lower, lo);
    AppendOrdered64(upper, hi + 1);
    std::size_t taken = 0;
    Status st = view.ScanRange(store::Family::kProfiles, lower, upper, false, [&](std::string_view, std::string_view v) {
      if (auto c = DecodeContribution(v)) {
        all.push_back({c->statement_id, c->verb, c->activity, c->timestamp, c->modality});
        ++taken;
      }
      return taken < limit;
    });
    if (!st.ok()) return st.error();
  }
  std::sort(all.begin(), all.end(), [](const RecentEntry& a, const RecentEntry& b) {
    return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.id > b.id;
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

}  // namespace lrsd::profile
