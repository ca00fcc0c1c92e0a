// The rules of the document resources that do not need a server: storage encoding of a
// document, ETag preconditions (RFC 7232 as xAPI uses it) and the JSON merge of POST.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lrsd/base.h"
#include "lrsd/xapi.h"

namespace lrsd::resources::docs {

// Appends a length-prefixed key component (prefix scans stay exact whatever bytes ids hold).
void AppendComponent(std::string& key, std::string_view part);

struct Document {
  std::string content_type;
  std::string etag;           // unquoted SHA-1 hex of body
  std::uint64_t updated = 0;  // microseconds since the epoch
  std::string body;           // byte-exact as received (or merged)
};
std::string Encode(const Document& d);
std::optional<Document> Decode(std::string_view raw);

enum class EtagComparison {
  kStrong,  // If-Match (RFC 7232 3.1): a weak tag (W/"…") never matches
  kWeak,    // If-None-Match (RFC 7232 3.2): W/"x" matches "x"
};
// True when an If-Match / If-None-Match value lists `etag` (quoted or bare), or is "*".
bool ListsEtag(std::string_view header, std::string_view etag, EtagComparison comparison);

struct Preconditions {
  std::optional<std::string_view> if_match;
  std::optional<std::string_view> if_none_match;
};
enum class PutRule {
  kNone,              // POST and DELETE: only the headers given are checked
  kConflictIfExists,  // PUT without either header onto an existing document: 409
  kRequireHeader,     // and also 400 when it would create one (1.0.x profile resources)
};
// 412 when If-Match does not match (or nothing exists) or If-None-Match matches; then `rule`.
Status CheckPreconditions(const Preconditions& headers, const std::optional<Document>& current, PutRule rule,
                          std::string_view what);

// Top-level properties of `incoming` replace those of the stored JSON object (one level
// deep, Communication 2.2). 400 when the stored body is not a JSON object.
Result<std::string> MergeJsonObjects(std::string_view stored, const xapi::JsonValue& incoming);

}  // namespace lrsd::resources::docs
