// Fuzz target: `more` cursors. The input is the value of the `more` parameter (a client may
// send anything there). Whatever decodes must encode to a cursor that decodes to the same query.
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "lrsd/query.h"

namespace lrsd::fuzz {
namespace cursor_fuzz {

void Run(std::string_view input) {
  auto q = query::DecodeCursor(input);
  if (!q.ok()) {
    CheckClientError(q.error());
    return;
  }
  LRSD_FUZZ_CHECK(static_cast<int>(q->format) >= 0 && static_cast<int>(q->format) <= 2);
  const std::string token = query::EncodeCursor(*q);
  LRSD_FUZZ_CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                  std::string::npos);
  auto back = query::DecodeCursor(token);
  LRSD_FUZZ_CHECK(back.ok());
  LRSD_FUZZ_CHECK(back->agent_ifi == q->agent_ifi && back->related_agents == q->related_agents &&
                  back->verb == q->verb && back->activity == q->activity &&
                  back->related_activities == q->related_activities && back->registration == q->registration &&
                  back->authority_ifi == q->authority_ifi && back->lo == q->lo && back->hi == q->hi &&
                  back->limit == q->limit && back->ascending == q->ascending && back->format == q->format &&
                  back->attachments == q->attachments);
  LRSD_FUZZ_CHECK(query::EncodeCursor(*back) == token);
}

}  // namespace cursor_fuzz

inline void FuzzCursor(std::string_view input) { cursor_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzCursor)
