#include "lrsd/auth.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "lrsd/xapi.h"

namespace lrsd::auth {
namespace {

constexpr std::pair<std::string_view, Scope> kScopeNames[] = {
    {"statements/write", kStatementsWrite}, {"statements/read", kStatementsRead},
    {"statements/read/mine", kStatementsReadMine}, {"state", kState},
    {"define", kDefine}, {"profile", kProfile}, {"all/read", kAllRead}, {"all", kAll},
    {"admin", kAdmin}, {"profiles/read", kProfilesRead}, {"profiles/read/mine", kProfilesReadMine},
};

bool ValidKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Printable random text from an unambiguous alphabet.
std::string RandomToken(std::size_t n) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string bytes = RandomBytes(n * 2);
  std::string out;
  for (unsigned char b : bytes) {
    if (out.size() == n) break;
    if (b < 256 - 256 % kAlphabet.size()) out += kAlphabet[b % kAlphabet.size()];
  }
  while (out.size() < n) out += RandomToken(n - out.size());
  return out;
}

std::string Pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return {};
  }
  return out;
}

struct StoredCredential {
  Credential credential;
  std::string salt;
  std::string hash;
  int iterations = 0;
};

std::string Encode(const StoredCredential& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("scopes");
  w.Uint(c.credential.scopes);
  w.Key("salt");
  w.String(Base64Encode(c.salt));
  w.Key("hash");
  w.String(Base64Encode(c.hash));
  w.Key("iterations");
  w.Int(c.iterations);
  w.Key("authority");
  w.RawValue(c.credential.authority_json.c_str(), c.credential.authority_json.size(), rapidjson::kObjectType);
  w.Key("created");
  w.String(c.credential.created);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<StoredCredential> Decode(std::string_view key, std::string_view value) {
  rapidjson::Document d;
  d.Parse(value.data(), value.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  StoredCredential c;
  c.credential.key = std::string(key);
  auto str = [&](const char* name) -> std::string {
    auto it = d.FindMember(name);
    return it != d.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
  };
  if (!d.HasMember("scopes") || !d["scopes"].IsUint() || !d.HasMember("iterations") || !d["iterations"].IsInt()) {
    return std::nullopt;
  }
  c.credential.scopes = d["scopes"].GetUint();
  c.iterations = d["iterations"].GetInt();
  auto salt = Base64Decode(str("salt"));
  auto hash = Base64Decode(str("hash"));
  if (!salt || !hash) return std::nullopt;
  c.salt = *salt;
  c.hash = *hash;
  c.credential.created = str("created");
  if (auto it = d.FindMember("authority"); it != d.MemberEnd()) c.credential.authority_json = xapi::ToJson(it->value);
  return c;
}

std::shared_ptr<const Principal> MakePrincipal(const Credential& c) {
  auto p = std::make_shared<Principal>();
  p->key = c.key;
  p->scopes = c.scopes;
  p->authority_json = c.authority_json;
  rapidjson::Document d;
  d.Parse(c.authority_json.c_str());
  if (!d.HasParseError()) p->authority_ifi = xapi::IfiKey(d).value_or("");
  return p;
}

}  // namespace

std::optional<std::uint32_t> ParseScopes(std::string_view text) {
  std::uint32_t scopes = 0;
  while (!text.empty()) {
    std::size_t sep = text.find_first_of(", ");
    std::string_view name = text.substr(0, sep);
    text = sep == std::string_view::npos ? std::string_view{} : text.substr(sep + 1);
    if (name.empty()) continue;
    bool found = false;
    for (const auto& [n, s] : kScopeNames) {
      if (n == name) {
        scopes |= s;
        found = true;
      }
    }
    if (!found) return std::nullopt;
  }
  return scopes;
}

std::string FormatScopes(std::uint32_t scopes) {
  std::string out;
  for (const auto& [n, s] : kScopeNames) {
    if (scopes & s) {
      if (!out.empty()) out += ',';
      out += n;
    }
  }
  return out;
}

bool Allows(std::uint32_t scopes, Access access) {
  if (scopes & kAll) return true;
  const bool read_all = scopes & kAllRead;
  switch (access) {
    case Access::kStatementsRead: return read_all || (scopes & kStatementsRead);
    case Access::kStatementsReadMine: return read_all || (scopes & (kStatementsRead | kStatementsReadMine));
    case Access::kStatementsWrite: return scopes & kStatementsWrite;
    case Access::kStateRead: return read_all || (scopes & kState);
    case Access::kStateWrite: return scopes & kState;
    case Access::kProfileRead: return read_all || (scopes & kProfile);
    case Access::kProfileWrite: return scopes & kProfile;
    case Access::kDefine: return scopes & kDefine;
    case Access::kAdmin: return scopes & kAdmin;
    case Access::kProfilesRead: return read_all || (scopes & kProfilesRead);
    case Access::kProfilesReadMine: return read_all || (scopes & (kProfilesRead | kProfilesReadMine));
  }
  return false;
}

std::string DefaultAuthority(std::string_view key) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("objectType");
  w.String("Agent");
  w.Key("name");
  w.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Key("account");
  w.StartObject();
  w.Key("homePage");
  w.String("http://lrsd.local/credentials");
  w.Key("name");
  w.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

struct Authenticator::Impl {
  store::Store& store;
  Options options;
  // Keyed with a per-process pepper so the cache holds no usable secret material.
  std::string pepper = RandomBytes(32);
  std::shared_mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const Principal>> verified;
  // Bumped by every Revoke (under `mu`). A verification that started before a revoke does not
  // cache its result: it may have read the credential just before it was deleted.
  std::uint64_t revocations = 0;

  Impl(store::Store& s, Options o) : store(s), options(o) {}

  std::string CacheKey(std::string_view authorization) const {
    std::string material = pepper;
    material += authorization;
    auto digest = Sha256(material);
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
  }
};

Authenticator::Authenticator(store::Store& store, Options options)
    : impl_(std::make_unique<Impl>(store, options)) {}
Authenticator::~Authenticator() = default;

Result<std::pair<Credential, std::string>> Authenticator::Create(std::string key, std::string secret,
                                                                 std::uint32_t scopes,
                                                                 std::string authority_json) {
  if (key.empty()) key = RandomToken(20);
  if (secret.empty()) secret = RandomToken(40);
  if (!ValidKey(key)) {
    return Error::BadRequest("key", "credential-key", "a key is 1-128 characters of A-Z a-z 0-9 . _ -");
  }
  if (secret.size() < 8 || secret.size() > 1024) {
    return Error::BadRequest("secret", "credential-secret", "a secret is 8-1024 characters");
  }
  if (scopes == 0) return Error::BadRequest("scope", "credential-scope", "at least one scope is required");
  if (authority_json.empty()) authority_json = DefaultAuthority(key);
  {
    rapidjson::Document d;
    d.Parse(authority_json.c_str());
    if (d.HasParseError() || !d.IsObject()) {
      return Error::BadRequest("authority", "XAPI-00024", "the authority must be a JSON Agent object");
    }
    if (auto st = xapi::ValidateAgentParameter(d, xapi::Version::k1_0, "authority"); !st.ok()) return st.error();
    authority_json = xapi::ToJson(d);
  }
  StoredCredential c;
  c.credential.key = key;
  c.credential.scopes = scopes;
  c.credential.authority_json = authority_json;
  c.credential.created = FormatTimestampMillis(NowMicros());
  c.salt = RandomBytes(16);
  c.iterations = impl_->options.pbkdf2_iterations;
  c.hash = Pbkdf2(secret, c.salt, c.iterations);
  if (c.hash.empty()) return Error::Internal("PBKDF2 failed");
  std::string encoded = Encode(c);
  auto st = impl_->store.Update(store::Family::kCredentials, key,
                                [&](const std::optional<std::string>& current) -> Result<std::optional<std::string>> {
                                  if (current) return Error::Conflict("a credential with key '" + key + "' exists");
                                  return std::optional<std::string>(encoded);
                                });
  if (!st.ok()) return st.error();
  return std::make_pair(c.credential, secret);
}

Result<std::vector<Credential>> Authenticator::List() {
  std::vector<Credential> out;
  auto view = impl_->store.Read();
  auto st = view.ScanPrefix(store::Family::kCredentials, "", [&](std::string_view k, std::string_view v) {
    if (auto c = Decode(k, v)) out.push_back(c->credential);
    return true;
  });
  if (!st.ok()) return st.error();
  return out;
}

Status Authenticator::Revoke(std::string_view key) {
  auto existing = impl_->store.Get(store::Family::kCredentials, key);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) return Error::NotFound("no credential with key '" + std::string(key) + "'");
  if (auto st = impl_->store.Delete(store::Family::kCredentials, key); !st.ok()) return st;
  std::unique_lock lock(impl_->mu);
  ++impl_->revocations;
  std::erase_if(impl_->verified, [&](const auto& kv) { return kv.second->key == key; });
  return OkStatus();
}

Result<std::shared_ptr<const Principal>> Authenticator::Authenticate(std::optional<std::string_view> authorization) {
  if (!authorization) return Error::Unauthorized("authentication required (HTTP Basic)");
  std::string_view value = *authorization;
  std::string cache_key = impl_->CacheKey(value);
  std::uint64_t revocations = 0;
  {
    std::shared_lock lock(impl_->mu);
    if (auto it = impl_->verified.find(cache_key); it != impl_->verified.end()) return it->second;
    revocations = impl_->revocations;
  }
  constexpr std::string_view kBasic = "basic ";
  if (value.size() <= kBasic.size() || !EqualsIgnoreCase(value.substr(0, kBasic.size()), kBasic)) {
    return Error::Unauthorized("only HTTP Basic authentication is supported");
  }
  std::string_view encoded = value.substr(kBasic.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  auto decoded = Base64Decode(encoded);
  if (!decoded) return Error::Unauthorized("malformed Basic credentials");
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return Error::Unauthorized("malformed Basic credentials");
  std::string_view key = std::string_view(*decoded).substr(0, colon);
  std::string_view secret = std::string_view(*decoded).substr(colon + 1);
  auto raw = impl_->store.Get(store::Family::kCredentials, key);
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return Error::Unauthorized("unknown key or wrong secret");
  auto stored = Decode(key, **raw);
  if (!stored) return Error::Internal("corrupt credential record");
  std::string hash = Pbkdf2(secret, stored->salt, stored->iterations);
  if (!ConstantTimeEquals(hash, stored->hash)) return Error::Unauthorized("unknown key or wrong secret");
  auto principal = MakePrincipal(stored->credential);
  std::unique_lock lock(impl_->mu);
  if (impl_->revocations != revocations) return principal;  // verified, but not cached
  if (impl_->verified.size() >= impl_->options.cache_capacity) impl_->verified.clear();
  impl_->verified.emplace(std::move(cache_key), principal);
  return principal;
}

}  // namespace lrsd::auth
