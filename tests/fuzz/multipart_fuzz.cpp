// Fuzz target: multipart/mixed request bodies. The input's first line is the Content-Type
// header value (the boundary is taken from it as the statement resource takes it, or, when it
// has no boundary parameter, the whole line is the boundary); the rest is the body.
// Whatever parses must rebuild (BuildMultipart) into a body that parses to the same parts.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "lrsd/http.h"

namespace lrsd::fuzz {
namespace multipart_fuzz {

void Run(std::string_view input) {
  const std::size_t lf = input.find('\n');
  const std::string_view content_type = input.substr(0, lf);
  const std::string_view body = lf == std::string_view::npos ? std::string_view{} : input.substr(lf + 1);
  (void)http::MediaTypeOf(content_type);
  std::string boundary = http::MediaTypeParam(content_type, "boundary").value_or(std::string(content_type));

  auto parts = http::ParseMultipart(body, boundary);
  if (!parts.ok()) {
    CheckClientError(parts.error());
    return;
  }
  LRSD_FUZZ_CHECK(!boundary.empty() && !parts->empty());
  std::vector<std::pair<http::Headers, std::string_view>> again;
  for (const auto& part : *parts) {
    // Part bodies are views into the request body.
    LRSD_FUZZ_CHECK(part.body.empty() ||
                    (part.body.data() >= body.data() && part.body.data() + part.body.size() <= body.data() + body.size()));
    for (const auto& [name, value] : part.headers.fields()) {
      LRSD_FUZZ_CHECK(!name.empty() && name.find_first_of(":\r\n") == std::string::npos);
      LRSD_FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos);
    }
    (void)part.headers.Get("Content-Type");
    again.emplace_back(part.headers, part.body);
  }
  // Round trip.
  const std::string rebuilt = http::BuildMultipart(again, boundary);
  auto reparsed = http::ParseMultipart(rebuilt, boundary);
  LRSD_FUZZ_CHECK(reparsed.ok());
  LRSD_FUZZ_CHECK(reparsed->size() == parts->size());
  for (std::size_t i = 0; i < parts->size(); ++i) {
    LRSD_FUZZ_CHECK((*reparsed)[i].body == (*parts)[i].body);
    LRSD_FUZZ_CHECK((*reparsed)[i].headers.fields() == (*parts)[i].headers.fields());
  }
}

}  // namespace multipart_fuzz

inline void FuzzMultipart(std::string_view input) { multipart_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzMultipart)
