// lrsd query: plans and runs statement queries over the store's indexes, and encodes the
// cursors behind `more` links so that paging is stable while new statements arrive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/http.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace lrsd::query {

struct StatementQuery {
  // Filters (all optional). Matching statements own the index entry or inherit it through a
  // StatementRef chain (Communication 2.1.3, "Filter Conditions for StatementRefs").
  std::optional<std::string> agent_ifi;     // xapi::IfiKey of the `agent` parameter
  bool related_agents = false;
  std::optional<std::string> verb;
  std::optional<std::string> activity;
  bool related_activities = false;
  std::optional<std::string> registration;  // canonical lower-case UUID
  std::optional<std::string> authority_ifi; // statements/read/mine
  // Stored-sequence bounds, inclusive. `since` is exclusive and `until` inclusive on the
  // millisecond `stored` value; ToSeqBounds converts.
  std::uint64_t lo = 0;
  std::uint64_t hi = UINT64_MAX;
  std::uint32_t limit = 0;                  // 0: the server maximum
  bool ascending = false;
  // Carried through `more` so the next page is formatted like the first.
  xapi::Format format = xapi::Format::kExact;
  bool attachments = false;
};

// Sequence bounds for `since` (exclusive) and `until` (inclusive), given as microseconds; the
// LRS shows `stored` with millisecond precision, so comparisons happen on that.
std::uint64_t SinceToLo(MicrosSinceEpoch since);
std::uint64_t UntilToHi(MicrosSinceEpoch until);

struct Limits {
  std::uint32_t max_page = 100;        // statements per page (limit=0 or larger limits)
  std::uint64_t max_scanned = 200000;  // candidates examined per page before returning early
};

struct Page {
  std::vector<store::StoredStatement> statements;
  // Set when more results may follow: the cursor for the next page.
  std::optional<std::string> more;
};

// Runs one page. Voided statements are excluded (they are only fetched by voidedStatementId).
Result<Page> Run(store::ReadView& view, const StatementQuery& query, const Limits& limits);

// Cursors: an opaque URL-safe token holding the query and its position.
std::string EncodeCursor(const StatementQuery& query);
Result<StatementQuery> DecodeCursor(std::string_view token);

}  // namespace lrsd::query
