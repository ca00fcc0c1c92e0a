// Fuzz target: query strings and header parameters. The input is a query string (or an
// alternate-syntax form body): it is parsed as a form, and the parameters as GET statements
// reads them in both versions (what parses must survive the `more` cursor round trip). The same
// bytes also go through PercentDecode, the Content-Type parameter reader and the
// Accept-Language and X-Experience-API-Version parsers. An `agent` parameter also goes through
// the document resources' reader.
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "lrsd/http.h"
#include "lrsd/query.h"
#include "lrsd/xapi.h"
#include "resources/documents.h"
#include "resources/statements.h"

namespace lrsd::fuzz {
namespace query_fuzz {

bool SameQuery(const query::StatementQuery& a, const query::StatementQuery& b) {
  return a.agent_ifi == b.agent_ifi && a.related_agents == b.related_agents && a.verb == b.verb &&
         a.activity == b.activity && a.related_activities == b.related_activities &&
         a.registration == b.registration && a.authority_ifi == b.authority_ifi && a.lo == b.lo && a.hi == b.hi &&
         a.limit == b.limit && a.ascending == b.ascending && a.format == b.format && a.attachments == b.attachments;
}

void Run(std::string_view input) {
  for (bool plus : {true, false}) {
    auto decoded = http::PercentDecode(input, plus);
    if (decoded) LRSD_FUZZ_CHECK(decoded->size() <= input.size());
  }
  // Encoding then decoding gives the bytes back.
  auto round = http::PercentDecode(http::PercentEncode(input), true);
  LRSD_FUZZ_CHECK(round && *round == input);

  for (std::string_view name : {"boundary", "charset", ""}) {
    if (auto value = http::MediaTypeParam(input, name)) LRSD_FUZZ_CHECK(value->size() <= input.size());
  }
  (void)http::MediaTypeOf(input);
  for (const auto& tag : xapi::ParseAcceptLanguage(input)) LRSD_FUZZ_CHECK(!tag.empty());
  (void)xapi::ParseVersionHeader(input);
  (void)xapi::ParseFormat(input);

  auto params = http::ParseForm(input);
  if (!params) return;
  for (xapi::Version v : {xapi::Version::k1_0, xapi::Version::k2_0}) {
    if (auto agent = http::FindParam(*params, "agent")) {
      http::Request request;
      resources::Context ctx{request, *params, v, nullptr, false};
      for (bool allow_group : {false, true}) {
        xapi::JsonDocument doc;
        Status st = resources::ParseAgentParameter(ctx, *agent, "XAPI-00012", allow_group, doc);
        if (!st.ok()) CheckClientError(st.error());
        else LRSD_FUZZ_CHECK(xapi::IfiKey(doc).has_value());
      }
    }
    auto q = resources::ParseStatementQuery(*params, v);
    if (!q.ok()) {
      CheckClientError(q.error());
      continue;
    }
    auto back = query::DecodeCursor(query::EncodeCursor(*q));
    LRSD_FUZZ_CHECK(back.ok() && SameQuery(*back, *q));
  }
}

}  // namespace query_fuzz

inline void FuzzQuery(std::string_view input) { query_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzQuery)
