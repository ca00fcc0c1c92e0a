// Signed statements (xAPI Data 2.6): verification of the JWS a statement carries as its
// "http://adlnet.gov/expapi/attachments/signature" attachment.
//
// The LRS must (Data 2.6, LRS Requirements):
//  * decode the JWS and load the signed serialization of the statement from its payload;
//  * check that the original statement is logically equivalent to the received one (Statement
//    comparison requirements, Data 2.3.1);
//  * if the JWS header carries an X.509 certificate (x5c), verify the signature with it;
//  * check the signature requirements: RS256, RS384 or RS512, JWS compact serialization,
//    contentType application/octet-stream.
// The certificate is used "to catch mistakes in the signature, not as a security measure": no
// chain, expiry or trust checks are made.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/xapi.h"

namespace lrsd::xapi {
namespace {

constexpr std::string_view kSignatureUsageType = "http://adlnet.gov/expapi/attachments/signature";
constexpr std::string_view kRuleJws = "XAPI-00115";       // a JWS, as a signature attachment
constexpr std::string_view kRulePayload = "XAPI-00116";   // payload: the same statement
constexpr std::string_view kRuleAlgorithm = "XAPI-00117"; // RS256/384/512, used correctly

std::string_view View(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

const JsonValue* Member(const JsonValue& obj, std::string_view name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(JsonValue(rapidjson::StringRef(name.data(), name.size())));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringMember(const JsonValue& obj, std::string_view name) {
  const JsonValue* v = Member(obj, name);
  return v && v->IsString() ? View(*v) : std::string_view{};
}

bool IsSignatureAttachment(const JsonValue& attachment) {
  return StringMember(attachment, "usageType") == kSignatureUsageType;
}

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Whether `sha2` (hex, SHA-256/384/512 by its length) is the digest of `data`.
bool Sha2Matches(std::string_view sha2, std::string_view data) {
  const EVP_MD* md = nullptr;
  if (sha2.size() == 64) md = EVP_sha256();
  else if (sha2.size() == 96) md = EVP_sha384();
  else if (sha2.size() == 128) md = EVP_sha512();
  else return false;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr) != 1) return false;
  std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
  return EqualsIgnoreCase(hex, sha2);
}

// The index of the signature attachment this JWS is the content of: the one whose sha2 is the
// JWS's digest, else the first signature attachment.
std::optional<rapidjson::SizeType> FindSignatureAttachment(const JsonValue& statement,
                                                           std::string_view jws) {
  const JsonValue* attachments = Member(statement, "attachments");
  if (!attachments || !attachments->IsArray()) return std::nullopt;
  std::optional<rapidjson::SizeType> first;
  for (rapidjson::SizeType i = 0; i < attachments->Size(); ++i) {
    const JsonValue& a = (*attachments)[i];
    if (!IsSignatureAttachment(a)) continue;
    if (!first) first = i;
    if (Sha2Matches(StringMember(a, "sha2"), jws)) return i;
  }
  return first;
}

// Base64url (RFC 7515 section 2; padding tolerated) of one JWS segment.
std::optional<std::string> DecodeSegment(std::string_view segment) {
  for (char c : segment) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '=';
    if (!ok) return std::nullopt;
  }
  return Base64Decode(segment);
}

std::string ParseErrorText(const JsonDocument& doc) {
  return std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " (at byte " +
         std::to_string(doc.GetErrorOffset()) + ")";
}

std::string Quoted(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c >= 32 && c < 127) ? static_cast<char>(c) : '?';
  }
  if (s.size() > kMax) out += "...";
  out += '"';
  return out;
}

// ---- Signature verification with the x5c certificate -------------------------------------------
struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };

// Clears OpenSSL's (thread-local) error queue on every exit, so no failure leaks into later calls.
struct ErrGuard { ~ErrGuard() { ERR_clear_error(); } };

std::unique_ptr<X509, X509Free> LoadCertificate(std::string_view text) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    // Not what RFC 7515 says (base64 DER), but unambiguous: accept a PEM certificate too.
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) return nullptr;
    return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  }
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
  }
  auto der = Base64Decode(compact);
  if (!der || der->empty()) return nullptr;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  return std::unique_ptr<X509, X509Free>(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
}

Status VerifyWithCertificate(const JsonValue& x5c, std::string_view alg, std::string_view signing_input,
                             std::string_view signature, const std::string& path) {
  ErrGuard guard;
  if (!x5c.IsArray() || x5c.Empty() || !x5c[0].IsString()) {
    return Error::BadRequest(path, std::string(kRuleJws),
                             "JWS header x5c must be a non-empty array of base64 DER certificates");
  }
  auto cert = LoadCertificate(View(x5c[0]));
  if (!cert) {
    return Error::BadRequest(path, std::string(kRuleJws),
                             "JWS header x5c[0] is not a base64-encoded DER X.509 certificate");
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());  // owned by the certificate
  if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    return Error::BadRequest(path, std::string(kRuleAlgorithm),
                             "the x5c certificate's public key is not an RSA key, as " +
                                 std::string(alg) + " requires");
  }
  const EVP_MD* md = alg == "RS256" ? EVP_sha256() : alg == "RS384" ? EVP_sha384() : EVP_sha512();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    return Error::Internal("cannot initialise RSA signature verification");
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size());
  if (ok != 1) {
    return Error::BadRequest(path, std::string(kRuleAlgorithm),
                             "the JWS signature does not verify with the public key of the x5c "
                             "certificate (" + std::string(alg) + ")");
  }
  return OkStatus();
}

// ---- Statement comparison ------------------------------------------------------------------------
// Removes the signature entries from `attachments`; drops the property when nothing is left.
void RemoveSignatureAttachments(JsonValue& statement) {
  auto it = statement.FindMember("attachments");
  if (it == statement.MemberEnd()) return;
  if (it->value.IsArray()) {
    JsonValue& list = it->value;
    for (auto e = list.Begin(); e != list.End();) {
      e = IsSignatureAttachment(*e) ? list.Erase(e) : e + 1;
    }
    if (!list.Empty()) return;
  }
  statement.RemoveMember("attachments");
}

constexpr int kDepthHeadroom = 100;

bool DepthExceeds(const JsonValue& v, int limit) {
  if (limit < 0) return true;
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (DepthExceeds(m.value, limit - 1)) return true;
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (DepthExceeds(e, limit - 1)) return true;
    }
  }
  return false;
}

int Depth(const JsonValue& v) {
  int d = 0;
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) d = std::max(d, 1 + Depth(m.value));
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) d = std::max(d, 1 + Depth(e));
  }
  return d;
}

bool IgnoredTopLevel(std::string_view name) {
  return name == "id" || name == "stored" || name == "authority" || name == "version";
}

// The comparison form of one top-level property, to name what differs.
std::string PropertyForm(const JsonValue* value, std::string_view name) {
  if (!value) return {};
  JsonDocument wrapper(rapidjson::kObjectType);
  auto& alloc = wrapper.GetAllocator();
  wrapper.AddMember(JsonValue(name.data(), static_cast<rapidjson::SizeType>(name.size()), alloc),
                    JsonValue(*value, alloc), alloc);
  return ComparisonForm(wrapper);
}

std::string FirstDifference(const JsonValue& received, const JsonValue& signed_statement) {
  std::vector<std::string_view> names;
  for (const auto* s : {&received, &signed_statement}) {
    for (const auto& m : s->GetObject()) {
      std::string_view n = View(m.name);
      if (!IgnoredTopLevel(n) && std::find(names.begin(), names.end(), n) == names.end()) {
        names.push_back(n);
      }
    }
  }
  std::sort(names.begin(), names.end());
  for (std::string_view n : names) {
    const JsonValue* a = Member(received, n);
    const JsonValue* b = Member(signed_statement, n);
    if (!a) return "the signed statement has \"" + std::string(n) + "\", the received one has not";
    if (!b) return "the received statement has \"" + std::string(n) + "\", the signed one has not";
    if (PropertyForm(a, n) != PropertyForm(b, n)) {
      return "\"" + std::string(n) + "\" differs";
    }
  }
  return "they differ";
}

// Whether the JWS payload is "logically equivalent" to the received statement (Data 2.3.1 and
// 2.6): properties the LRS assigns are ignored, as are serialization differences.
Status CompareStatements(const JsonValue& received, JsonDocument& payload, const std::string& path) {
  auto mismatch = [&](const std::string& what) {
    return Error::BadRequest(path, std::string(kRulePayload),
                             "the JWS payload is not the statement that was received: " + what);
  };
  // id: both may lack it (the LRS assigns one); when both have one, it must be the same.
  std::string_view rid = StringMember(received, "id");
  std::string_view pid = StringMember(payload, "id");
  if (!rid.empty() && !pid.empty()) {
    auto r = ParseUuid(rid);
    auto p = ParseUuid(pid);
    if (!r || !p || *r != *p) {
      return mismatch("its id " + Quoted(pid) + " is not the statement's id " + Quoted(rid));
    }
  }
  // Comparison recurses: bound the payload's depth by what the received statement already has
  // (deeper cannot be equal), with headroom so that such differences get a precise message.
  if (DepthExceeds(payload, std::max(Depth(received), kDepthHeadroom))) {
    return mismatch("it is nested more deeply than the statement");
  }

  JsonDocument copy;
  copy.CopyFrom(received, copy.GetAllocator());
  // Attachments are not part of the statement the signer signed when it signed before adding
  // them (the suite deletes them before signing); when the signer did include attachments,
  // they must match, less the signature itself.
  RemoveSignatureAttachments(copy);
  RemoveSignatureAttachments(payload);
  if (!payload.HasMember("attachments")) copy.RemoveMember("attachments");
  // timestamp: the LRS sets it when absent, so only a present pair is compared (as instants).
  if (!copy.HasMember("timestamp") || !payload.HasMember("timestamp")) {
    copy.RemoveMember("timestamp");
    payload.RemoveMember("timestamp");
  }
  if (ComparisonForm(copy) != ComparisonForm(payload)) return mismatch(FirstDifference(copy, payload));
  return OkStatus();
}

}  // namespace

// Both versions verify alike: statement comparison (durations to 0.01 s included) is the
// same for 1.0.3, where it is a SHOULD, and 2.0, where it is a MUST.
Status VerifySignature(const JsonValue& statement, std::string_view jws, Version /*version*/,
                       std::string_view path) {
  std::string apath(path);
  auto index = FindSignatureAttachment(statement, jws);
  apath += index ? ".attachments[" + std::to_string(*index) + "]" : std::string(".attachments");
  auto fail = [&](std::string_view rule, std::string message) {
    return Error::BadRequest(apath, std::string(rule), std::move(message));
  };
  if (!statement.IsObject()) return fail(kRulePayload, "the signed statement is not an object");
  if (index) {
    const JsonValue& attachment = statement["attachments"][*index];
    std::string_view type = StringMember(attachment, "contentType");
    type = TrimSpace(type.substr(0, type.find(';')));
    if (!EqualsIgnoreCase(type, "application/octet-stream")) {
      return fail(kRuleJws, "a signature attachment must have contentType "
                            "\"application/octet-stream\", not " +
                                Quoted(StringMember(attachment, "contentType")));
    }
  }

  // ---- JWS compact serialization: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(sig)
  std::string_view text = TrimSpace(jws);
  if (text.empty()) return fail(kRuleJws, "the signature attachment is empty: expected a JWS");
  if (text.front() == '{') {
    return fail(kRuleJws, "the signature is a JWS JSON serialization; lrsd accepts the compact "
                          "serialization (header.payload.signature) only");
  }
  std::size_t dot1 = text.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : text.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || text.find('.', dot2 + 1) != std::string_view::npos) {
    std::size_t segments = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '.'));
    return fail(kRuleJws, "the signature is not a JWS compact serialization: expected 3 "
                          "dot-separated segments (header.payload.signature), found " +
                              std::to_string(segments));
  }
  std::string_view header_b64 = text.substr(0, dot1);
  std::string_view payload_b64 = text.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = text.substr(dot2 + 1);

  auto header_json = DecodeSegment(header_b64);
  if (!header_json || header_json->empty()) {
    return fail(kRuleJws, "the JWS header is not valid base64url");
  }
  JsonDocument header;
  header.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      header_json->data(), header_json->size());
  if (header.HasParseError()) {
    return fail(kRuleJws, "the JWS header is not valid JSON: " + ParseErrorText(header));
  }
  if (!header.IsObject()) return fail(kRuleJws, "the JWS header is not a JSON object");
  const JsonValue* alg_value = Member(header, "alg");
  if (!alg_value || !alg_value->IsString()) {
    return fail(kRuleAlgorithm, "the JWS header has no \"alg\"; it must be RS256, RS384 or RS512");
  }
  std::string_view alg = View(*alg_value);
  if (alg != "RS256" && alg != "RS384" && alg != "RS512") {
    return fail(kRuleAlgorithm,
                "the JWS algorithm must be RS256, RS384 or RS512, not " + Quoted(alg));
  }
  if (header.HasMember("crit")) {
    return fail(kRuleJws, "the JWS header lists critical extensions (\"crit\") lrsd does not "
                          "understand");
  }

  auto payload_json = DecodeSegment(payload_b64);
  if (!payload_json) return fail(kRuleJws, "the JWS payload is not valid base64url");
  auto signature = DecodeSegment(signature_b64);
  if (!signature) return fail(kRuleJws, "the JWS signature is not valid base64url");
  if (signature->empty()) {
    return fail(kRuleAlgorithm, "the JWS signature is empty; " + std::string(alg) +
                                    " requires an RSA signature");
  }

  JsonDocument payload;
  payload.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      payload_json->data(), payload_json->size());
  if (payload.HasParseError()) {
    return fail(kRulePayload, "the JWS payload is not a valid JSON serialization of a statement: " +
                                  ParseErrorText(payload));
  }
  if (!payload.IsObject()) return fail(kRulePayload, "the JWS payload is not a JSON object");

  if (const JsonValue* x5c = Member(header, "x5c")) {
    std::string_view signing_input = text.substr(0, dot2);
    if (Status s = VerifyWithCertificate(*x5c, alg, signing_input, *signature, apath); !s) return s;
  }
  return CompareStatements(statement, payload, apath);
}

}  // namespace lrsd::xapi
