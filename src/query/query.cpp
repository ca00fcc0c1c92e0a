#include "lrsd/query.h"

#include <algorithm>

namespace lrsd::query {
namespace {

store::IndexEntry Entry(xapi::IndexKind kind, const std::string& key) {
  return {static_cast<std::uint8_t>(kind), key};
}

// Filters as index entries, most selective kind first: the first one drives the scan, the
// rest are point checks on the candidate's sequence.
std::vector<store::IndexEntry> FilterEntries(const StatementQuery& q) {
  std::vector<store::IndexEntry> entries;
  if (q.registration) entries.push_back(Entry(xapi::IndexKind::kRegistration, *q.registration));
  if (q.activity) {
    entries.push_back(Entry(q.related_activities ? xapi::IndexKind::kRelatedActivity : xapi::IndexKind::kActivity,
                            *q.activity));
  }
  if (q.agent_ifi) {
    entries.push_back(Entry(q.related_agents ? xapi::IndexKind::kRelatedAgent : xapi::IndexKind::kAgent, *q.agent_ifi));
  }
  if (q.verb) entries.push_back(Entry(xapi::IndexKind::kVerb, *q.verb));
  if (q.authority_ifi) entries.push_back(Entry(xapi::IndexKind::kAuthority, *q.authority_ifi));
  return entries;
}

constexpr std::uint8_t kCursorVersion = 1;

void PutString(std::string& out, const std::optional<std::string>& s) {
  if (!s) {
    out += '\0';
    return;
  }
  out += '\1';
  AppendBigEndian64(out, s->size());
  out += *s;
}

class CursorReader {
 public:
  explicit CursorReader(std::string_view in) : in_(in) {}
  bool U8(std::uint8_t& v) {
    if (pos_ >= in_.size()) return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool U64(std::uint64_t& v) {
    if (pos_ + 8 > in_.size()) return false;
    v = ReadBigEndian64(in_.substr(pos_, 8));
    pos_ += 8;
    return true;
  }
  bool String(std::optional<std::string>& s) {
    std::uint8_t present = 0;
    if (!U8(present)) return false;
    if (!present) {
      s.reset();
      return true;
    }
    std::uint64_t len = 0;
    if (!U64(len) || len > in_.size() - pos_) return false;
    s = std::string(in_.substr(pos_, len));
    pos_ += len;
    return true;
  }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace

std::uint64_t SinceToLo(MicrosSinceEpoch since) {
  // stored_ms > since  <=>  stored_ms >= floor(since_ms) + 1  <=>  seq >= (floor(since/1000)+1)*1000
  if (since < 0) return 0;
  return (static_cast<std::uint64_t>(since) / 1000 + 1) * 1000;
}

std::uint64_t UntilToHi(MicrosSinceEpoch until) {
  // stored_ms <= until  <=>  seq < (floor(until/1000)+1)*1000
  if (until < 0) return 0;
  std::uint64_t bound = (static_cast<std::uint64_t>(until) / 1000 + 1) * 1000;
  return bound == 0 ? 0 : bound - 1;
}

Result<Page> Run(store::ReadView& view, const StatementQuery& query, const Limits& limits) {
  Page page;
  const std::uint32_t limit = query.limit == 0 ? limits.max_page : std::min(query.limit, limits.max_page);
  const std::uint64_t hi = std::min(query.hi, view.watermark());
  if (query.lo > hi) return page;

  std::vector<store::IndexEntry> filters = FilterEntries(query);
  std::uint64_t scanned = 0;
  std::optional<std::uint64_t> last_seq;  // last sequence examined
  bool more = false;
  Status inner = OkStatus();

  // Candidates are gathered and their statements read together (ReadView::GetStatements, one
  // MultiGet), never more than the page still has room for, so nothing is examined that the
  // `more` cursor would skip.
  std::vector<Uuid> pending;
  std::vector<std::optional<store::StoredStatement>> fetched;
  auto resolve = [&]() -> bool {
    if (pending.empty()) return true;
    Status read = view.GetStatements(pending, fetched);
    pending.clear();
    if (!read.ok()) {
      inner = read;
      return false;
    }
    for (auto& statement : fetched) {
      if (statement && !statement->voided) page.statements.push_back(std::move(*statement));
    }
    return true;
  };

  auto visit = [&](std::uint64_t seq, const Uuid& id) -> bool {
    if (page.statements.size() + pending.size() == limit) {
      if (!resolve()) return false;
      if (page.statements.size() == limit) {
        more = true;
        return false;
      }
    }
    if (++scanned > limits.max_scanned) {
      // Bounded work per request: hand back what we have and a cursor to continue.
      more = true;
      return false;
    }
    last_seq = seq;
    for (std::size_t i = 1; i < filters.size(); ++i) {
      auto has = view.HasIndexEntry(filters[i], seq);
      if (!has.ok()) {
        inner = has.error();
        return false;
      }
      if (!*has) return true;
    }
    pending.push_back(id);
    return true;
  };
  Status st = filters.empty() ? view.ScanAll(query.lo, hi, query.ascending, visit)
                              : view.ScanIndex(filters[0], query.lo, hi, query.ascending, visit);
  if (!st.ok()) return st.error();
  if (inner.ok()) resolve();
  if (!inner.ok()) return inner.error();

  if (more && last_seq) {
    StatementQuery next = query;
    if (query.ascending) {
      next.lo = *last_seq + 1;
      next.hi = hi;
    } else {
      next.lo = query.lo;
      next.hi = *last_seq - 1;
    }
    if (next.lo <= next.hi) page.more = EncodeCursor(next);
  }
  return page;
}

std::string EncodeCursor(const StatementQuery& q) {
  std::string out;
  out += static_cast<char>(kCursorVersion);
  std::uint8_t flags = (q.related_agents ? 1 : 0) | (q.related_activities ? 2 : 0) | (q.ascending ? 4 : 0) |
                       (q.attachments ? 8 : 0);
  out += static_cast<char>(flags);
  out += static_cast<char>(q.format);
  AppendBigEndian64(out, q.lo);
  AppendBigEndian64(out, q.hi);
  AppendBigEndian64(out, q.limit);
  PutString(out, q.agent_ifi);
  PutString(out, q.verb);
  PutString(out, q.activity);
  PutString(out, q.registration);
  PutString(out, q.authority_ifi);
  return Base64UrlEncode(out);
}

Result<StatementQuery> DecodeCursor(std::string_view token) {
  auto bad = [] { return Error::BadRequest("parameter more", "XAPI-00108", "not a more link this LRS issued"); };
  auto raw = Base64Decode(token);
  if (!raw) return bad();
  CursorReader r(*raw);
  StatementQuery q;
  std::uint8_t version = 0, flags = 0, format = 0;
  std::uint64_t limit = 0;
  if (!r.U8(version) || version != kCursorVersion || !r.U8(flags) || !r.U8(format) || format > 2) return bad();
  if (!r.U64(q.lo) || !r.U64(q.hi) || !r.U64(limit) || limit > UINT32_MAX) return bad();
  if (!r.String(q.agent_ifi) || !r.String(q.verb) || !r.String(q.activity) || !r.String(q.registration) ||
      !r.String(q.authority_ifi) || !r.AtEnd()) {
    return bad();
  }
  q.related_agents = flags & 1;
  q.related_activities = flags & 2;
  q.ascending = flags & 4;
  q.attachments = flags & 8;
  q.format = static_cast<xapi::Format>(format);
  q.limit = static_cast<std::uint32_t>(limit);
  return q;
}

}  // namespace lrsd::query
