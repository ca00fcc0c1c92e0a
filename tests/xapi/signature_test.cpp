// Signed statements (src/xapi/signature.cpp): JWS parsing, RS256/384/512 verification against an
// x5c certificate, and the "same statement" comparison, with keys and certificates made here.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <rapidjson/document.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "lrsd/xapi.h"

namespace lrsd::xapi {
namespace {

constexpr std::string_view kSignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

// ---- Keys, certificates and signing --------------------------------------------------------------
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct X509Free { void operator()(X509* x) const { X509_free(x); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct Signer {
  Pkey key;
  std::string cert_b64;  // base64 DER, as x5c carries it
  std::string cert_pem;
};

Signer MakeSigner(const char* common_name) {
  Signer s;
  s.key.reset(EVP_RSA_gen(2048));
  EXPECT_TRUE(s.key);
  std::unique_ptr<X509, X509Free> x(X509_new());
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), s.key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  EXPECT_GT(X509_sign(x.get(), s.key.get(), EVP_sha256()), 0);
  int len = i2d_X509(x.get(), nullptr);
  std::string der(static_cast<std::size_t>(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(x.get(), &p);
  s.cert_b64 = Base64Encode(der);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  s.cert_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return s;
}

// RSA keys take a while to generate (more so under ASan): two, made once.
const Signer& Alice() {
  static const Signer s = MakeSigner("alice");
  return s;
}
const Signer& Mallory() {
  static const Signer s = MakeSigner("mallory");
  return s;
}

const EVP_MD* DigestFor(std::string_view alg) {
  if (alg == "RS384" || alg == "HS384") return EVP_sha384();
  if (alg == "RS512" || alg == "HS512") return EVP_sha512();
  return EVP_sha256();
}

std::string RsaSign(std::string_view input, std::string_view alg, EVP_PKEY* key) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, DigestFor(alg), nullptr, key), 1);
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

// A JWS compact serialization of `payload` with `header`, RSA-signed with `key`.
std::string Jws(std::string_view header, std::string_view payload, std::string_view alg, EVP_PKEY* key) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(RsaSign(input, alg, key));
}

std::string Header(std::string_view alg, const Signer* with_x5c = nullptr) {
  std::string h = R"({"alg":")" + std::string(alg) + "\"";
  if (with_x5c) h += R"(,"x5c":[")" + with_x5c->cert_b64 + "\"]";
  return h + "}";
}

// ---- Statements ----------------------------------------------------------------------------------
constexpr std::string_view kStatement = R"({
  "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
  "actor": {"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
  "object": {"objectType": "Activity", "id": "http://example.com/activities/1",
             "definition": {"name": {"en-US": "One"}}},
  "result": {"score": {"scaled": 0.5}, "duration": "PT1H0.5S", "success": true},
  "context": {"team": {"objectType": "Group", "member": [
      {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]},
    "extensions": {"http://example.com/ext": {"n": [1, 2.5, {"deep": null}]}}},
  "timestamp": "2024-05-04T17:00:00.000Z"
})";

JsonDocument Parse(std::string_view json) {
  JsonDocument d;
  d.Parse(json.data(), json.size());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

std::string Compact(const JsonValue& v) { return ToJson(v); }

JsonValue SignatureAttachment(std::string_view jws, JsonAllocator& alloc,
                              std::string_view content_type = "application/octet-stream") {
  JsonValue a(rapidjson::kObjectType);
  a.AddMember("usageType", JsonValue(kSignatureUsage.data(), static_cast<rapidjson::SizeType>(kSignatureUsage.size()), alloc), alloc);
  JsonValue display(rapidjson::kObjectType);
  display.AddMember("en-US", "Signature", alloc);
  a.AddMember("display", display, alloc);
  a.AddMember("contentType", JsonValue(content_type.data(), static_cast<rapidjson::SizeType>(content_type.size()), alloc), alloc);
  a.AddMember("length", static_cast<int>(jws.size()), alloc);
  std::string sha = Sha256Hex(jws);
  a.AddMember("sha2", JsonValue(sha.c_str(), alloc), alloc);
  return a;
}

// The statement as an LRS receives it: `json` plus a signature attachment for `jws`.
JsonDocument Received(std::string_view json, std::string_view jws,
                      std::string_view content_type = "application/octet-stream") {
  JsonDocument d = Parse(json);
  auto& alloc = d.GetAllocator();
  if (!d.HasMember("attachments")) d.AddMember("attachments", JsonValue(rapidjson::kArrayType), alloc);
  d["attachments"].PushBack(SignatureAttachment(jws, alloc, content_type), alloc);
  return d;
}

// Signs `payload`, then verifies it against `received` (defaults to the payload plus signature).
Status SignAndVerify(std::string_view payload, std::string_view alg = "RS256", bool x5c = true,
                     Version v = Version::k1_0, std::string_view received = {}) {
  std::string jws = Jws(Header(alg, x5c ? &Alice() : nullptr), payload, alg, Alice().key.get());
  JsonDocument statement = Received(received.empty() ? payload : received, jws);
  return VerifySignature(statement, jws, v, "statement");
}

void ExpectRejected(const Status& s, std::string_view rule, std::string_view message_part) {
  ASSERT_FALSE(s.ok()) << "accepted";
  EXPECT_EQ(s.error().status, 400);
  EXPECT_EQ(s.error().rule, rule) << s.error().ToString();
  EXPECT_NE(s.error().message.find(message_part), std::string::npos) << s.error().ToString();
}

// With `property` of kStatement replaced by `value` (a JSON text).
std::string With(std::string_view property, std::string_view value) {
  JsonDocument d = Parse(kStatement);
  JsonDocument v = Parse(value);
  auto& alloc = d.GetAllocator();
  d.RemoveMember(JsonValue(property.data(), static_cast<rapidjson::SizeType>(property.size()), alloc));
  d.AddMember(JsonValue(property.data(), static_cast<rapidjson::SizeType>(property.size()), alloc),
              JsonValue(v, alloc), alloc);
  return Compact(d);
}

std::string Without(std::string_view property) {
  JsonDocument d = Parse(kStatement);
  d.RemoveMember(JsonValue(rapidjson::StringRef(property.data(), property.size())));
  return Compact(d);
}

// ---- Accepted ------------------------------------------------------------------------------------

TEST(Signature, AcceptsRs256Rs384Rs512WithCertificate) {
  for (std::string_view alg : {"RS256", "RS384", "RS512"}) {
    Status s = SignAndVerify(kStatement, alg);
    EXPECT_TRUE(s.ok()) << alg << ": " << s.error().ToString();
  }
}

// What the conformance suite sends: a header with only "alg", no certificate to verify with.
TEST(Signature, AcceptsWithoutCertificate) {
  for (std::string_view alg : {"RS256", "RS384", "RS512"}) {
    Status s = SignAndVerify(kStatement, alg, /*x5c=*/false);
    EXPECT_TRUE(s.ok()) << alg << ": " << s.error().ToString();
  }
}

TEST(Signature, AcceptsPemCertificateAndSurroundingWhitespace) {
  // Build the x5c entry with rapidjson so the PEM's line breaks are escaped.
  JsonDocument h = Parse(R"({"alg":"RS256","typ":"JWT","x5c":[]})");
  h["x5c"].PushBack(JsonValue(Alice().cert_pem.c_str(), h.GetAllocator()), h.GetAllocator());
  std::string jws = Jws(Compact(h), kStatement, "RS256", Alice().key.get());
  JsonDocument statement = Received(kStatement, jws);
  Status s = VerifySignature(statement, "\r\n " + jws + "\r\n", Version::k1_0, "statement");
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

// Key order, whitespace and number spelling are serialization, not content.
TEST(Signature, AcceptsDifferentSerialization) {
  std::string payload = R"({"timestamp":"2024-05-04T17:00:00.000Z",
    "context":{"extensions":{"http://example.com/ext":{"n":[1.0,2.50,{"deep":null}]}},
               "team":{"member":[{"mbox":"mailto:b@example.com"},{"mbox":"mailto:c@example.com"}],"objectType":"Group"}},
    "result":{"success":true,"duration":"PT1H0.5S","score":{"scaled":5e-1}},
    "object":{"definition":{"name":{"en-US":"One"}},"id":"http://example.com/activities/1","objectType":"Activity"},
    "verb":{"display":{"en-US":"experienced"},"id":"http://adlnet.gov/expapi/verbs/experienced"},
    "actor":{"mbox":"mailto:a@example.com","name":"A","objectType":"Agent"},
    "id":"9E13CEFD-53D3-4EAC-B5ED-2CF6693903BB"})";
  Status s = SignAndVerify(payload, "RS256", true, Version::k1_0, kStatement);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

// Group members are an unordered list (Data 2.3.1).
TEST(Signature, AcceptsReorderedGroupMembers) {
  std::string payload = With("context", R"({"team": {"objectType": "Group", "member": [
      {"mbox": "mailto:c@example.com"}, {"mbox": "mailto:b@example.com"}]},
    "extensions": {"http://example.com/ext": {"n": [1, 2.5, {"deep": null}]}}})");
  Status s = SignAndVerify(payload, "RS256", true, Version::k1_0, kStatement);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

// Properties the LRS assigns (Data 2.3.1): id, timestamp, stored, authority, version.
TEST(Signature, IgnoresPropertiesTheLrsAssigns) {
  // Signed without an id or timestamp; received with them.
  std::string payload = Without("id");
  {
    JsonDocument d = Parse(payload);
    d.RemoveMember("timestamp");
    payload = Compact(d);
  }
  Status s = SignAndVerify(payload, "RS256", true, Version::k1_0, kStatement);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  // Signed with version 1.0.0 and an authority; received with LRS-set stored/authority/version.
  std::string signed_with = With("version", R"("1.0.0")");
  std::string received = With("stored", R"("2024-05-05T00:00:00.000Z")");
  {
    JsonDocument d = Parse(received);
    auto& alloc = d.GetAllocator();
    d.AddMember("version", "1.0.3", alloc);
    JsonDocument authority = Parse(R"({"mbox":"mailto:lrs@example.com"})");
    d.AddMember("authority", JsonValue(authority, alloc), alloc);
    received = Compact(d);
  }
  s = SignAndVerify(signed_with, "RS256", true, Version::k1_0, received);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

TEST(Signature, ComparesTimestampsAsInstants) {
  std::string payload = With("timestamp", R"("2024-05-04T12:00:00-05:00")");
  Status s = SignAndVerify(payload, "RS256", true, Version::k1_0, kStatement);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  payload = With("timestamp", R"("2024-05-04T12:00:00Z")");
  ExpectRejected(SignAndVerify(payload, "RS256", true, Version::k1_0, kStatement), "XAPI-00116",
                 "\"timestamp\" differs");
}

// 2.0 (suite 4.2.7): durations compare to 0.01 s; 1.0.3 (Data 2.3.1): durations are strings.
// Durations compare to 0.01 s (2.0 MUST, 1.0.3 SHOULD: the same comparison serves both).
TEST(Signature, DurationPrecisionToHundredths) {
  std::string signed_with = With("result", R"({"duration": "P1DT12H36M0.12S"})");
  std::string received = With("result", R"({"duration": "P1DT12H36M0.1237S"})");
  for (Version v : {Version::k1_0, Version::k2_0}) {
    Status s = SignAndVerify(signed_with, "RS256", false, v, received);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
  // Truncation, not rounding: 0.13 is not 0.1237.
  std::string rounded = With("result", R"({"duration": "P1DT12H36M0.13S"})");
  ExpectRejected(SignAndVerify(rounded, "RS256", false, Version::k2_0, received), "XAPI-00116",
                 "\"result\" differs");
  // Also inside a SubStatement.
  std::string sub_signed = With("object", R"({"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.com"},
      "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},"result":{"duration":"PT0.5S"}})");
  std::string sub_received = With("object", R"({"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.com"},
      "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"},"result":{"duration":"PT0.509S"}})");
  Status sub = SignAndVerify(sub_signed, "RS256", false, Version::k2_0, sub_received);
  EXPECT_TRUE(sub.ok()) << sub.error().ToString();
}

// Attachments: the suite signs the statement without any; a signer may also sign the statement
// with its (non-signature) attachments, which must then be the ones received.
TEST(Signature, AttachmentsBesideTheSignature) {
  const std::string other = R"([{"usageType":"http://example.com/usage","display":{"en-US":"pic"},
      "contentType":"image/png","length":3,"sha2":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}])";
  std::string with_other = With("attachments", other);
  // Signed without attachments, received with another attachment plus the signature.
  Status s = SignAndVerify(kStatement, "RS256", true, Version::k1_0, with_other);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  // Signed with the other attachment, received with it plus the signature.
  s = SignAndVerify(with_other, "RS256", true, Version::k1_0, with_other);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  // Signed with an attachment the received statement does not have.
  ExpectRejected(SignAndVerify(with_other, "RS256", true, Version::k1_0, kStatement), "XAPI-00116",
                 "\"attachments\"");
}

// The example of xAPI Data Appendix D (the 1.0.3 specification, Apache-2.0): a JWS made by
// another implementation, with CRLF line breaks in its JSON and a two-certificate x5c chain
// whose leaf is a 2013 1024-bit certificate (no expiry or chain checks: Data 2.6 note).
constexpr std::string_view kSpecJws =
    "ew0KICAgICJhbGciOiAiUlMyNTYiLA0KICAgICJ4NWMiOiBbDQogICAgICAgICJNSUlEQVRDQ0FtcWdBd0lCQWdJSkFNQjFj"
    "c051QTYra01BMEdDU3FHU0liM0RRRUJCUVVBTUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpa"
    "V1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdT"
    "SWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiVEFlRncweE16QTBNRFF4TlRJNE16QmFGdzB4TkRBME1EUXhO"
    "VEk0TXpCYU1JR1dNUXN3Q1FZRFZRUUdFd0pWVXpFU01CQUdBMVVFQ0JNSlZHVnVibVZ6YzJWbE1SRXdEd1lEVlFRSEV3aEdj"
    "bUZ1YTJ4cGJqRVlNQllHQTFVRUNoTVBSWGhoYlhCc1pTQkRiMjF3WVc1NU1SQXdEZ1lEVlFRTEV3ZEZlR0Z0Y0d4bE1SQXdE"
    "Z1lEVlFRREV3ZEZlR0Z0Y0d4bE1TSXdJQVlKS29aSWh2Y05BUWtCRmhObGVHRnRjR3hsUUdWNFlXMXdiR1V1WTI5dE1JR2ZN"
    "QTBHQ1NxR1NJYjNEUUVCQVFVQUE0R05BRENCaVFLQmdRRGp4dlpYRjMwV0w0b0tqWllYZ1IwWnlhWCt1M3k2K0pxVHFpTmtG"
    "YS9WVG5ldDZMeTJPVDZabW1jSkVQbnEzVW5ld3BIb09RK0dmaGhUa1cxM2owNmo1aU5uNG9iY0NWV1RMOXlYTnZKSCtLbyt4"
    "dTRZbC95U1BScklQeVRqdEhkRzBNMlh6SWxtbUxxbStDQVMrS0NiSmVINHRmNTQza0lXQzVwQzVwM2NWUUlEQVFBQm8zc3dl"
    "VEFKQmdOVkhSTUVBakFBTUN3R0NXQ0dTQUdHK0VJQkRRUWZGaDFQY0dWdVUxTk1JRWRsYm1WeVlYUmxaQ0JEWlhKMGFXWnBZ"
    "MkYwWlRBZEJnTlZIUTRFRmdRVVZzM3Y1YWZFZE9lb1llVmFqQVFFNHYwV1MxUXdId1lEVlIwakJCZ3dGb0FVeVZJYzN5dnJh"
    "NEVCejIwSTRCRjM5SUFpeEJrd0RRWUpLb1pJaHZjTkFRRUZCUUFEZ1lFQWdTL0ZGNUQwSG5qNDRydlQ2a2duM2tKQXZ2Mmxq"
    "L2Z5anp0S0lyWVMzM2xqWEduNmdHeUE0cXRiWEEyM1ByTzR1Yy93WUNTRElDRHBQb2JoNjJ4VENkOXFPYktoZ3dXT2kwNVBT"
    "QkxxVXUzbXdmQWUxNUxKQkpCcVBWWjRLMGtwcGVQQlU4bTZhSVpvSDU3TC85dDRPb2FMOHlLcy9xaktGZUkxT0ZXWnh2QT0i"
    "LA0KICAgICAgICAiTUlJRE56Q0NBcUNnQXdJQkFnSUpBTUIxY3NOdUE2K2pNQTBHQ1NxR1NJYjNEUUVCQlFVQU1IRXhDekFK"
    "QmdOVkJBWVRBbFZUTVJJd0VBWURWUVFJRXdsVVpXNXVaWE56WldVeEdEQVdCZ05WQkFvVEQwVjRZVzF3YkdVZ1EyOXRjR0Z1"
    "ZVRFUU1BNEdBMVVFQXhNSFJYaGhiWEJzWlRFaU1DQUdDU3FHU0liM0RRRUpBUllUWlhoaGJYQnNaVUJsZUdGdGNHeGxMbU52"
    "YlRBZUZ3MHhNekEwTURReE5USTFOVE5hRncweU16QTBNREl4TlRJMU5UTmFNSEV4Q3pBSkJnTlZCQVlUQWxWVE1SSXdFQVlE"
    "VlFRSUV3bFVaVzV1WlhOelpXVXhHREFXQmdOVkJBb1REMFY0WVcxd2JHVWdRMjl0Y0dGdWVURVFNQTRHQTFVRUF4TUhSWGho"
    "YlhCc1pURWlNQ0FHQ1NxR1NJYjNEUUVKQVJZVFpYaGhiWEJzWlVCbGVHRnRjR3hsTG1OdmJUQ0JuekFOQmdrcWhraUc5dzBC"
    "QVFFRkFBT0JqUUF3Z1lrQ2dZRUExc0JuQldQWjBmN1dKVUZUSnk1KzAxU2xTNVo2RERENlV5ZTl2SzlBeWNnVjVCMytXQzhI"
    "QzV1NWg5MU11akFDMUFSUFZVT3RzdlBSczQ1cUtORklnSUdSWEtQQXdaamF3RUkyc0NKUlNLVjQ3aTZCOGJEdjRXa3VHdlFh"
    "dmVaR0kwcWxtTjVSMUVpbTJnVUl0UmoxaGdjQzlyUWF2amxuRktEWTJybFhHdWtDQXdFQUFhT0IxakNCMHpBZEJnTlZIUTRF"
    "RmdRVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlBaXhCa3dnYU1HQTFVZEl3U0JtekNCbUlBVXlWSWMzeXZyYTRFQnoyMEk0QkYz"
    "OUlBaXhCbWhkYVJ6TUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpaV1V4R0RBV0JnTlZCQW9U"
    "RDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdTSWIzRFFFSkFSWVRaWGho"
    "YlhCc1pVQmxlR0Z0Y0d4bExtTnZiWUlKQU1CMWNzTnVBNitqTUF3R0ExVWRFd1FGTUFNQkFmOHdEUVlKS29aSWh2Y05BUUVG"
    "QlFBRGdZRUFEaHdUZWJHazczNXlLaG04RHFDeHZObkVaME54c1lFWU9qZ1JHMXlYVGxXNXBFNjkxZlNINUFaK1Q2ZnB3cFpj"
    "V1k1UVlrb042RG53ak94R2tTZlFDMy95R21jVURLQlB3aVo1TzJzOUMrZkUxa1VFbnJYMlhlYTRhZ1ZuZ016UjhEUTZvT2F1"
    "TFdxZWhEQitnMkVOV1JMb1ZnUyttYTUvWWNzMEdUeXJFQ1k9Ig0KICAgIF0NCn0.ew0KICAgICJ2ZXJzaW9uIjogIjEuMC4w"
    "IiwNCiAgICAiaWQiOiAiMzNjZmY0MTYtZTMzMS00YzlkLTk2OWUtNTM3M2ExNzU2MTIwIiwNCiAgICAiYWN0b3IiOiB7DQog"
    "ICAgICAgICJtYm94IjogIm1haWx0bzpleGFtcGxlQGV4YW1wbGUuY29tIiwNCiAgICAgICAgIm5hbWUiOiAiRXhhbXBsZSBM"
    "ZWFybmVyIiwNCiAgICAgICAgIm9iamVjdFR5cGUiOiAiQWdlbnQiDQogICAgfSwNCiAgICAidmVyYiI6IHsNCiAgICAgICAg"
    "ImlkIjogImh0dHA6Ly9hZGxuZXQuZ292L2V4cGFwaS92ZXJicy9leHBlcmllbmNlZCIsDQogICAgICAgICJkaXNwbGF5Ijog"
    "ew0KICAgICAgICAgICAgImVuLVVTIjogImV4cGVyaWVuY2VkIg0KICAgICAgICB9DQogICAgfSwNCiAgICAib2JqZWN0Ijog"
    "ew0KICAgICAgICAiaWQiOiAiaHR0cHM6Ly93d3cueW91dHViZS5jb20vd2F0Y2g_dj14aDRrSWlIM1NtOCIsDQogICAgICAg"
    "ICJvYmplY3RUeXBlIjogIkFjdGl2aXR5IiwNCiAgICAgICAgImRlZmluaXRpb24iOiB7DQogICAgICAgICAgICAibmFtZSI6"
    "IHsNCiAgICAgICAgICAgICAgICAiZW4tVVMiOiAiVGF4IFRpcHMgJiBJbmZvcm1hdGlvbiA6IEhvdyB0byBGaWxlIGEgVGF4"
    "IFJldHVybiAiDQogICAgICAgICAgICB9LA0KICAgICAgICAgICAgImRlc2NyaXB0aW9uIjogew0KICAgICAgICAgICAgICAg"
    "ICJlbi1VUyI6ICJGaWxpbmcgYSB0YXggcmV0dXJuIHdpbGwgcmVxdWlyZSBmaWxsaW5nIG91dCBlaXRoZXIgYSAxMDQwLCAx"
    "MDQwQSBvciAxMDQwRVogZm9ybSINCiAgICAgICAgICAgIH0NCiAgICAgICAgfQ0KICAgIH0sDQogICAgInRpbWVzdGFtcCI6"
    "ICIyMDEzLTA0LTAxVDEyOjAwOjAwWiINCn0.FWuwaPhwUbkk7h9sKW5zSvjsYNugvxJ-TrVaEgt_DCUT0bmKhQScRrjMB6P9"
    "O50uznPwT66oF1NnU_G0HVhRzS5voiXE-y7tT3z0M3-8A6YK009Bk_digVUul-HA4Fpd5IjoBBGe3yzaQ2ZvzarvRuipvNEQ"
    "CI0onpfuZZJQ0d8";

constexpr std::string_view kSpecSignedStatement = R"({
    "version": "1.0.0",
    "id": "33cff416-e331-4c9d-969e-5373a1756120",
    "actor": {"mbox": "mailto:example@example.com", "name": "Example Learner", "objectType": "Agent"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
    "object": {
        "id": "https://www.youtube.com/watch?v=xh4kIiH3Sm8",
        "objectType": "Activity",
        "definition": {
            "name": {"en-US": "Tax Tips & Information : How to File a Tax Return "},
            "description": {"en-US": "Filing a tax return will require filling out either a 1040, 1040A or 1040EZ form"}
        }
    },
    "timestamp": "2013-04-01T12:00:00Z",
    "attachments": [{
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "Signature"},
        "description": {"en-US": "A test signature"},
        "contentType": "application/octet-stream",
        "length": 4235,
        "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"
    }]
})";

TEST(Signature, AcceptsSpecificationExample) {
  JsonDocument statement = Parse(kSpecSignedStatement);
  EXPECT_EQ(Sha256Hex(kSpecJws), "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634");
  for (Version v : {Version::k1_0, Version::k2_0}) {
    Status s = VerifySignature(statement, kSpecJws, v, "statement");
    EXPECT_TRUE(s.ok()) << s.error().ToString();
  }
  // One flipped signature bit: the certificate catches it.
  std::string broken(kSpecJws);
  char& c = broken[broken.size() - 5];
  c = c == 'A' ? 'B' : 'A';
  ExpectRejected(VerifySignature(statement, broken, Version::k1_0, "statement"), "XAPI-00117",
                 "does not verify");
  // The same signed statement, received with another verb.
  statement["verb"]["id"].SetString("http://adlnet.gov/expapi/verbs/failed");
  ExpectRejected(VerifySignature(statement, kSpecJws, Version::k1_0, "statement"), "XAPI-00116",
                 "\"verb\" differs");
}

// ---- Rejected: the payload is not the received statement (XAPI-00116) -----------------------------

TEST(Signature, RejectsPayloadWithAnotherVerb) {
  std::string payload = With("verb", R"({"id": "http://adlnet.gov/expapi/verbs/failed"})");
  for (bool x5c : {true, false}) {
    ExpectRejected(SignAndVerify(payload, "RS256", x5c, Version::k1_0, kStatement), "XAPI-00116",
                   "\"verb\" differs");
  }
}

TEST(Signature, RejectsOtherDifferences) {
  // Another actor, a missing property, an extra property, an extension value, another id.
  ExpectRejected(SignAndVerify(With("actor", R"({"mbox":"mailto:z@example.com"})"), "RS256", true,
                               Version::k1_0, kStatement),
                 "XAPI-00116", "\"actor\" differs");
  ExpectRejected(SignAndVerify(Without("result"), "RS256", true, Version::k1_0, kStatement),
                 "XAPI-00116", "the received statement has \"result\"");
  ExpectRejected(SignAndVerify(kStatement, "RS256", true, Version::k1_0, Without("context")),
                 "XAPI-00116", "the signed statement has \"context\"");
  ExpectRejected(SignAndVerify(With("context", R"({"extensions":{"http://example.com/ext":{"n":[1,2.5,{"deep":0}]}}})"),
                               "RS256", true, Version::k1_0, kStatement),
                 "XAPI-00116", "\"context\" differs");
  ExpectRejected(SignAndVerify(With("id", R"("0f0e7d54-6a7e-4b8e-9c3c-0a4a4c1b7f00")"), "RS256", true,
                               Version::k1_0, kStatement),
                 "XAPI-00116", "id");
  // Another verb id.
  ExpectRejected(SignAndVerify(With("verb", R"({"id":"http://adlnet.gov/expapi/verbs/attempted"})"),
                               "RS256", true, Version::k1_0, kStatement),
                 "XAPI-00116", "\"verb\" differs");
}

// A verb's display is not part of the statement (Data 2.3.1), so it may differ.
TEST(Signature, IgnoresVerbDisplay) {
  Status s = SignAndVerify(With("verb", R"({"id":"http://adlnet.gov/expapi/verbs/experienced"})"), "RS256", true,
                           Version::k1_0, kStatement);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
}

// A valid signature over a statement, sent in front of a different statement.
TEST(Signature, RejectsSignatureOfAnotherStatementEvenWhenTheSignatureVerifies) {
  std::string jws = Jws(Header("RS256", &Alice()), With("verb", R"({"id":"http://example.com/v"})"),
                        "RS256", Alice().key.get());
  JsonDocument statement = Received(kStatement, jws);
  ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00116", "verb");
}

// The suite's "bad JWS" / "invalid JSON serialization": the first '"' of the payload made '\''.
TEST(Signature, RejectsPayloadThatIsNotJson) {
  std::string broken(Compact(Parse(kStatement)));
  broken[broken.find('"')] = '\'';
  for (std::string_view payload : {std::string_view(broken), std::string_view("not json"),
                                   std::string_view(""), std::string_view("{} {}"),
                                   std::string_view("{\"a\":\xff}")}) {
    std::string jws = Jws(Header("RS256"), payload, "RS256", Alice().key.get());
    JsonDocument statement = Received(kStatement, jws);
    ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00116",
                   "not a valid JSON serialization");
  }
  std::string jws = Jws(Header("RS256"), "[1,2]", "RS256", Alice().key.get());
  JsonDocument statement = Received(kStatement, jws);
  ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00116",
                 "not a JSON object");
}

// ---- Rejected: algorithm (XAPI-00117) -------------------------------------------------------------

TEST(Signature, RejectsOtherAlgorithms) {
  // HS256 as the suite makes it: an HMAC keyed with the PEM text.
  std::string input = Base64UrlEncode(R"({"alg":"HS256"})") + "." + Base64UrlEncode(kStatement);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const std::string secret = Alice().cert_pem;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  std::string hs256 = input + "." + Base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), mac_len));
  JsonDocument statement = Received(kStatement, hs256);
  ExpectRejected(VerifySignature(statement, hs256, Version::k1_0, "statement"), "XAPI-00117",
                 "not \"HS256\"");

  // Unsecured JWS: "none" with an empty signature.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(kStatement) + ".";
  statement = Received(kStatement, none);
  ExpectRejected(VerifySignature(statement, none, Version::k1_0, "statement"), "XAPI-00117",
                 "not \"none\"");

  // RSA-PSS and ECDSA names, lower case, missing or non-string alg.
  for (std::string_view header : {R"({"alg":"PS256"})", R"({"alg":"ES256"})", R"({"alg":"rs256"})",
                                  R"({"typ":"JWT"})", R"({"alg":256})"}) {
    std::string jws = Base64UrlEncode(header) + "." + Base64UrlEncode(kStatement) + ".c2ln";
    statement = Received(kStatement, jws);
    ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00117", "RS256");
  }
}

TEST(Signature, RejectsSignatureThatDoesNotVerify) {
  // Signed by Mallory, certificate of Alice.
  std::string jws = Jws(Header("RS256", &Alice()), kStatement, "RS256", Mallory().key.get());
  JsonDocument statement = Received(kStatement, jws);
  ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00117",
                 "does not verify");
  // Signed with SHA-256, header says RS512.
  std::string input = Base64UrlEncode(Header("RS512", &Alice())) + "." + Base64UrlEncode(kStatement);
  jws = input + "." + Base64UrlEncode(RsaSign(input, "RS256", Alice().key.get()));
  statement = Received(kStatement, jws);
  ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00117",
                 "does not verify");
  // Payload changed after signing (the signature is kept).
  std::string good = Jws(Header("RS256", &Alice()), kStatement, "RS256", Alice().key.get());
  std::string other = With("verb", R"({"id":"http://example.com/v"})");
  std::size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  std::string tampered = good.substr(0, dot1 + 1) + Base64UrlEncode(other) + good.substr(dot2);
  statement = Received(other, tampered);
  ExpectRejected(VerifySignature(statement, tampered, Version::k1_0, "statement"), "XAPI-00117",
                 "does not verify");
  // Empty signature with an RS algorithm.
  std::string unsigned_jws = Base64UrlEncode(Header("RS256")) + "." + Base64UrlEncode(kStatement) + ".";
  statement = Received(kStatement, unsigned_jws);
  ExpectRejected(VerifySignature(statement, unsigned_jws, Version::k1_0, "statement"), "XAPI-00117",
                 "empty");
}

// ---- Rejected: not a well-formed JWS (XAPI-00115) --------------------------------------------------

TEST(Signature, RejectsMalformedJws) {
  std::string good = Jws(Header("RS256"), kStatement, "RS256", Alice().key.get());
  std::size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  struct Case { std::string jws; std::string_view message; };
  const Case cases[] = {
      {"", "empty"},
      {"   \r\n", "empty"},
      {"abc", "found 1"},
      {good.substr(0, dot2), "found 2"},
      {good + ".x", "found 4"},
      {"{\"payload\":\"x\",\"signatures\":[]}", "JSON serialization"},
      {"!!!" + good.substr(dot1), "header is not valid base64url"},
      {good.substr(0, dot1) + ".pay load" + good.substr(dot2), "payload is not valid base64url"},
      {good.substr(0, dot1) + ".a+b/" + good.substr(dot2), "payload is not valid base64url"},
      {good.substr(0, dot2) + ".%%%", "signature is not valid base64url"},
      {good.substr(0, dot2) + ".A", "signature is not valid base64url"},  // 6 bits: no byte
      {"." + good.substr(dot1 + 1), "header is not valid base64url"},
      {Base64UrlEncode("{\"alg\":") + good.substr(dot1), "header is not valid JSON"},
      {Base64UrlEncode("[\"RS256\"]") + good.substr(dot1), "header is not a JSON object"},
      {Base64UrlEncode(R"({"alg":"RS256","crit":["exp"],"exp":1})") + good.substr(dot1), "crit"},
      {Base64UrlEncode(R"({"alg":"RS256","x5c":"MIIB"})") + good.substr(dot1), "x5c"},
      {Base64UrlEncode(R"({"alg":"RS256","x5c":[]})") + good.substr(dot1), "x5c"},
      {Base64UrlEncode(R"({"alg":"RS256","x5c":["bm90IGEgY2VydA=="]})") + good.substr(dot1), "x5c[0]"},
      {Base64UrlEncode(R"({"alg":"RS256","x5c":["%%%"]})") + good.substr(dot1), "x5c[0]"},
  };
  for (const Case& c : cases) {
    JsonDocument statement = Received(kStatement, c.jws);
    Status s = VerifySignature(statement, c.jws, Version::k1_0, "statement");
    ASSERT_FALSE(s.ok()) << "accepted: " << c.jws;
    EXPECT_EQ(s.error().status, 400);
    EXPECT_EQ(s.error().rule, "XAPI-00115") << s.error().ToString();
    EXPECT_NE(s.error().message.find(c.message), std::string::npos) << s.error().ToString();
  }
}

// The suite's "bad content type": the signature attachment is declared text/plain.
TEST(Signature, RejectsSignatureAttachmentWithOtherContentType) {
  std::string jws = Jws(Header("RS256"), kStatement, "RS256", Alice().key.get());
  JsonDocument statement = Received(kStatement, jws, "text/plain; charset=ascii");
  ExpectRejected(VerifySignature(statement, jws, Version::k1_0, "statement"), "XAPI-00115",
                 "application/octet-stream");
  statement = Received(kStatement, jws, "Application/Octet-Stream");
  EXPECT_TRUE(VerifySignature(statement, jws, Version::k1_0, "statement").ok());
}

// ---- Error paths ---------------------------------------------------------------------------------

TEST(Signature, ErrorPathNamesTheSignatureAttachment) {
  std::string bad = Jws(Header("RS256"), With("verb", R"({"id":"http://example.com/v"})"), "RS256",
                        Alice().key.get());
  std::string good = Jws(Header("RS256"), kStatement, "RS256", Alice().key.get());
  // attachments: [other, signature(good), signature(bad)]: the error names the one whose sha2 is
  // the digest of the JWS being verified.
  JsonDocument statement = Parse(With("attachments", R"([{"usageType":"http://example.com/u",
      "display":{"en-US":"x"},"contentType":"text/plain","length":1,"sha2":"00"}])"));
  auto& alloc = statement.GetAllocator();
  statement["attachments"].PushBack(SignatureAttachment(good, alloc), alloc);
  statement["attachments"].PushBack(SignatureAttachment(bad, alloc), alloc);
  Status s = VerifySignature(statement, bad, Version::k1_0, "statement[3]");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "statement[3].attachments[2]");
  EXPECT_TRUE(VerifySignature(statement, good, Version::k1_0, "statement[3]").ok());
  // No signature attachment with that digest: the first signature attachment is named.
  s = VerifySignature(statement, "x.y", Version::k1_0, "statement");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().path, "statement.attachments[1]");
}

// ---- Robustness ----------------------------------------------------------------------------------

TEST(Signature, DeeplyNestedInputIsRejectedWithoutRecursion) {
  const int depth = 200000;
  std::string nested = std::string(depth, '[') + std::string(depth, ']');
  std::string deep_object;
  for (int i = 0; i < depth; ++i) deep_object += "{\"a\":";
  deep_object += "1" + std::string(depth, '}');
  for (const std::string& payload : {nested, deep_object}) {
    std::string jws = Jws(Header("RS256"), payload, "RS256", Alice().key.get());
    JsonDocument statement = Received(kStatement, jws);
    Status s = VerifySignature(statement, jws, Version::k1_0, "statement");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().rule, "XAPI-00116");
  }
  std::string jws = Base64UrlEncode(nested) + "." + Base64UrlEncode(kStatement) + ".c2ln";
  JsonDocument statement = Received(kStatement, jws);
  EXPECT_FALSE(VerifySignature(statement, jws, Version::k1_0, "statement").ok());
}

TEST(Signature, FuzzMutatedJws) {
  std::string good = Jws(Header("RS256", &Alice()), kStatement, "RS256", Alice().key.get());
  JsonDocument statement = Received(kStatement, good);
  ASSERT_TRUE(VerifySignature(statement, good, Version::k2_0, "statement").ok());
  std::mt19937 rng(99);
  const std::string alphabet = "AZaz09-_.=+/ {}\"\r\n\x80";
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string s = good;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng() % s.size();
      switch (rng() % 4) {
        case 0: s.erase(pos, 1 + rng() % 8); break;
        case 1: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: s[pos] = alphabet[rng() % alphabet.size()]; break;
        default: s.resize(pos); break;
      }
      if (s.empty()) s.assign(1, '.');
    }
    std::vector<char> exact(s.begin(), s.end());
    Status r = VerifySignature(statement, std::string_view(exact.data(), exact.size()), Version::k2_0,
                               "statement");
    if (r.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(r.error().status, 400) << r.error().ToString();
    }
  }
  // Base64url tolerates little: only mutations that keep the decoded bytes (e.g. trailing
  // whitespace or padding) can be accepted.
  EXPECT_LT(accepted, 300);
}

}  // namespace
}  // namespace lrsd::xapi
