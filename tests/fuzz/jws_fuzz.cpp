// Fuzz target: signed statements (JWS compact serialization). The input is
//   [statement JSON '\n'] JWS
// The statement (a fixed signed statement when the input has no line break) is validated as
// the statement resource validates it before checking signatures; the JWS is then verified
// against it, in both versions. When the JWS payload is itself a valid statement, it is also
// verified against that statement (plus its signature attachment), which reaches the
// comparison of equal statements and the x5c signature check.
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "lrsd/xapi.h"

namespace lrsd::fuzz {
namespace jws_fuzz {

using xapi::JsonDocument;
using xapi::JsonValue;

constexpr std::string_view kSignedStatement = R"({"id":"9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
"actor":{"objectType":"Agent","name":"A","mbox":"mailto:a@example.com"},
"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"en-US":"experienced"}},
"object":{"objectType":"Activity","id":"http://example.com/activities/1"},
"timestamp":"2024-05-04T17:00:00.000Z",
"attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature","display":{"en-US":"Signature"},
"contentType":"application/octet-stream","length":1,
"sha2":"0000000000000000000000000000000000000000000000000000000000000000"}]})";

void Verify(const JsonValue& statement, std::string_view jws) {
  for (xapi::Version v : {xapi::Version::k1_0, xapi::Version::k2_0}) {
    if (!xapi::ValidateStatement(statement, v, "statement").ok()) continue;
    Status st = xapi::VerifySignature(statement, jws, v, "statement");
    if (!st.ok()) {
      CheckClientError(st.error());
    }
  }
}

// The statement the payload holds, with a signature attachment for this JWS.
void VerifyAgainstPayload(std::string_view jws) {
  const std::size_t dot1 = jws.find('.');
  if (dot1 == std::string_view::npos) return;
  const std::size_t dot2 = jws.find('.', dot1 + 1);
  auto payload = Base64Decode(jws.substr(dot1 + 1, dot2 == std::string_view::npos ? dot2 : dot2 - dot1 - 1));
  if (!payload) return;
  JsonDocument doc;
  if (!ParseLikeServer(*payload, doc) || !doc.IsObject()) return;
  auto& alloc = doc.GetAllocator();
  JsonValue attachment(rapidjson::kObjectType);
  attachment.AddMember("usageType", "http://adlnet.gov/expapi/attachments/signature", alloc);
  JsonValue display(rapidjson::kObjectType);
  display.AddMember("en-US", "Signature", alloc);
  attachment.AddMember("display", display, alloc);
  attachment.AddMember("contentType", "application/octet-stream", alloc);
  attachment.AddMember("length", static_cast<unsigned>(jws.size()), alloc);
  const std::string sha2 = Sha256Hex(jws);
  attachment.AddMember("sha2", JsonValue(sha2.c_str(), static_cast<rapidjson::SizeType>(sha2.size()), alloc), alloc);
  auto it = doc.FindMember("attachments");
  if (it == doc.MemberEnd()) {
    doc.AddMember("attachments", JsonValue(rapidjson::kArrayType), alloc);
    it = doc.FindMember("attachments");
  }
  if (!it->value.IsArray()) return;
  it->value.PushBack(attachment, alloc);
  Verify(doc, jws);
}

void Run(std::string_view input) {
  const std::size_t lf = input.find('\n');
  JsonDocument statement;
  std::string_view jws = input;
  if (lf != std::string_view::npos) {
    if (!ParseLikeServer(input.substr(0, lf), statement)) return;
    jws = input.substr(lf + 1);
  } else {
    static const std::string kFixed = [] {
      std::string s(kSignedStatement);
      std::erase(s, '\n');
      return s;
    }();
    LRSD_FUZZ_CHECK(ParseLikeServer(kFixed, statement));
  }
  Verify(statement, jws);
  VerifyAgainstPayload(jws);
}

}  // namespace jws_fuzz

inline void FuzzJws(std::string_view input) { jws_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzJws)
