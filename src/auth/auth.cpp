#include "lrsd/auth.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
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

// ---- Throttle ---------------------------------------------------------------------------------
Throttle::Throttle(ThrottleOptions options) : options_(options) {}

std::string Throttle::AddressKey(std::string_view address) {
  std::string text(address);
  unsigned char v6[16];
  if (inet_pton(AF_INET6, text.c_str(), v6) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[INET6_ADDRSTRLEN] = {};
    if (std::memcmp(v6, kMapped, sizeof kMapped) == 0) {
      inet_ntop(AF_INET, v6 + 12, out, sizeof out);
      return out;
    }
    std::fill(v6 + 8, v6 + 16, 0);
    inet_ntop(AF_INET6, v6, out, sizeof out);
    return std::string(out) + "/64";
  }
  return text;
}

bool Throttle::Stale(const Entry& e, Clock::time_point now) const {
  // Quiet, after its last failure and its last lockout, for longer than any window or lockout:
  // nothing about it matters any more (forgetting it also ends the escalation of its lockouts).
  return e.pending == 0 && now - std::max(e.last_failure, e.locked_until) >= std::max(options_.window, options_.max_lockout);
}

void Throttle::Forget(const std::string& key) {
  auto it = table_.find(key);
  if (it == table_.end()) return;
  lru_.erase(it->second.lru);
  table_.erase(it);
  size_.store(table_.size(), std::memory_order_relaxed);
}

Throttle::Entry* Throttle::Find(const std::string& key, Clock::time_point now) {
  // Amortised clean-up: the least recently touched entry goes once it is stale.
  if (!lru_.empty() && lru_.back() != key) {
    if (auto oldest = table_.find(lru_.back()); oldest != table_.end() && Stale(oldest->second, now)) {
      Forget(oldest->first);
    }
  }
  auto it = table_.find(key);
  if (it == table_.end()) return nullptr;
  if (Stale(it->second, now)) {
    Forget(key);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second;
}

Throttle::Entry& Throttle::FindOrAdd(const std::string& key, Clock::time_point now) {
  if (Entry* e = Find(key, now)) return *e;
  while (!lru_.empty() && table_.size() >= std::max<std::size_t>(options_.capacity, 1)) Forget(lru_.back());
  lru_.push_front(key);
  Entry& e = table_[key];
  e.lru = lru_.begin();
  e.window_start = now;
  e.last_failure = now;
  size_.store(table_.size(), std::memory_order_relaxed);
  return e;
}

std::chrono::seconds Throttle::LockedFor(const Entry& e, Clock::time_point now) const {
  if (e.locked_until <= now) return std::chrono::seconds(0);
  auto left = std::chrono::ceil<std::chrono::seconds>(e.locked_until - now);
  return std::max(left, std::chrono::seconds(1));
}

void Throttle::RecordFailure(Entry& e, Clock::time_point now) {
  if (e.failures == 0 || now - e.window_start > options_.window) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
  e.last_failure = now;
  if (e.failures < options_.max_failures) return;
  // Locked out: first `lockout`, doubling each time after, at most `max_lockout`.
  ++e.lockouts;
  auto duration = options_.lockout;
  for (unsigned i = 1; i < e.lockouts && duration < options_.max_lockout; ++i) duration *= 2;
  duration = std::min(duration, std::max(options_.max_lockout, options_.lockout));
  e.locked_until = now + duration;
  e.failures = 0;
}

std::chrono::seconds Throttle::Check(std::string_view address, Clock::time_point now) {
  if (options_.max_failures == 0 || address.empty() || size_.load(std::memory_order_relaxed) == 0) {
    return std::chrono::seconds(0);
  }
  std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  Entry* e = Find(key, now);
  return e ? LockedFor(*e, now) : std::chrono::seconds(0);
}

std::chrono::seconds Throttle::Begin(std::string_view address, Clock::time_point now) {
  if (options_.max_failures == 0 || address.empty()) return std::chrono::seconds(0);
  std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(key, now);
  if (auto wait = LockedFor(e, now); wait.count() > 0) return wait;
  if (e.failures > 0 && now - e.window_start > options_.window) e.failures = 0;
  if (e.failures + e.pending >= options_.max_failures) return std::chrono::seconds(1);
  ++e.pending;
  return std::chrono::seconds(0);
}

void Throttle::End(std::string_view address, Outcome outcome, Clock::time_point now) {
  if (options_.max_failures == 0 || address.empty()) return;
  std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  auto it = table_.find(key);
  if (it == table_.end()) return;  // evicted, or forgotten by a success meanwhile
  Entry& e = it->second;
  if (e.pending > 0) --e.pending;
  switch (outcome) {
    case Outcome::kSuccess:
      Forget(key);
      return;
    case Outcome::kFailure:
      lru_.splice(lru_.begin(), lru_, e.lru);
      RecordFailure(e, now);
      return;
    case Outcome::kNeither:
      if (e.pending == 0 && e.failures == 0 && e.lockouts == 0) Forget(key);
      return;
  }
}

void Throttle::Failed(std::string_view address, Clock::time_point now) {
  if (options_.max_failures == 0 || address.empty()) return;
  std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  RecordFailure(FindOrAdd(key, now), now);
}

void Throttle::Succeeded(std::string_view address) {
  if (options_.max_failures == 0 || address.empty() || size_.load(std::memory_order_relaxed) == 0) return;
  std::string key = AddressKey(address);
  std::lock_guard lock(mu_);
  auto it = table_.find(key);
  if (it == table_.end()) return;
  if (it->second.pending == 0) {
    Forget(key);
    return;
  }
  Entry& e = it->second;
  e.failures = 0;
  e.lockouts = 0;
  e.locked_until = {};
}

std::size_t Throttle::size() const {
  std::lock_guard lock(mu_);
  return table_.size();
}

// ---- Authenticator ------------------------------------------------------------------------------
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

  Throttle throttle;
  // Verifies wrong keys as long as wrong secrets (timing must not tell which keys exist).
  std::string dummy_salt = RandomBytes(16);

  // Verifications under way, by cache key: concurrent requests with the same header wait for
  // the one running instead of hashing again.
  struct Flight {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Result<std::shared_ptr<const Principal>> result = Error::Internal("verification did not finish");
  };
  std::mutex flights_mu;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights;

  Impl(store::Store& s, Options o) : store(s), options(o), throttle(o.throttle) {}

  Result<std::shared_ptr<const Principal>> Verify(std::string_view key, std::string_view secret, std::string cache_key,
                                                  std::uint64_t revocations_seen, Throttle::Outcome& outcome);

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

bool Authenticator::IsCached(std::optional<std::string_view> authorization) const {
  if (!authorization) return false;
  std::string cache_key = impl_->CacheKey(*authorization);
  std::shared_lock lock(impl_->mu);
  return impl_->verified.count(cache_key) > 0;
}

Result<std::shared_ptr<const Principal>> Authenticator::Authenticate(std::optional<std::string_view> authorization,
                                                                    std::string_view client_address,
                                                                    std::chrono::seconds* retry_after) {
  if (!authorization) return Error::Unauthorized("authentication required (HTTP Basic)");
  Throttle& throttle = impl_->throttle;
  auto refuse = [&](std::chrono::seconds wait) -> Error {
    if (retry_after) *retry_after = wait;
    return Error{429, {}, "auth-throttle",
                 "too many failed authentications from this address; retry after " + std::to_string(wait.count()) +
                     " s"};
  };
  // A locked-out address is refused whatever it sends, cached credentials included: answering
  // those would tell a guesser which guess is right.
  if (auto wait = throttle.Check(client_address); wait.count() > 0) return refuse(wait);
  std::string_view value = *authorization;
  std::string cache_key = impl_->CacheKey(value);
  std::uint64_t revocations = 0;
  {
    std::shared_lock lock(impl_->mu);
    if (auto it = impl_->verified.find(cache_key); it != impl_->verified.end()) {
      auto principal = it->second;
      lock.unlock();
      throttle.Succeeded(client_address);
      return principal;
    }
    revocations = impl_->revocations;
  }
  auto malformed = [&](std::string message) -> Error {
    throttle.Failed(client_address);
    return Error::Unauthorized(std::move(message));
  };
  constexpr std::string_view kBasic = "basic ";
  if (value.size() <= kBasic.size() || !EqualsIgnoreCase(value.substr(0, kBasic.size()), kBasic)) {
    return malformed("only HTTP Basic authentication is supported");
  }
  std::string_view encoded = value.substr(kBasic.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  auto decoded = Base64Decode(encoded);
  if (!decoded) return malformed("malformed Basic credentials");
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return malformed("malformed Basic credentials");
  std::string_view key = std::string_view(*decoded).substr(0, colon);
  std::string_view secret = std::string_view(*decoded).substr(colon + 1);

  // The slow part. Concurrent requests with the same header (a client opening many connections
  // at once) share one verification; distinct ones from one address run at most as many at once
  // as the address has failures left.
  std::shared_ptr<Impl::Flight> flight;
  auto await = [&](Impl::Flight& f) -> Result<std::shared_ptr<const Principal>> {
    std::unique_lock lock(f.mu);
    f.cv.wait(lock, [&] { return f.done; });
    if (f.result.ok()) {
      throttle.Succeeded(client_address);
    } else if (f.result.error().status == 401) {
      throttle.Failed(client_address);
    }
    return f.result;
  };
  {
    std::lock_guard lock(impl_->flights_mu);
    if (auto it = impl_->flights.find(cache_key); it != impl_->flights.end()) flight = it->second;
  }
  if (flight) return await(*flight);
  if (auto wait = throttle.Begin(client_address); wait.count() > 0) return refuse(wait);
  {
    std::lock_guard lock(impl_->flights_mu);
    auto [it, inserted] = impl_->flights.try_emplace(cache_key, nullptr);
    if (!inserted) {
      flight = it->second;
    } else {
      it->second = std::make_shared<Impl::Flight>();
    }
  }
  if (flight) {
    throttle.End(client_address, Throttle::Outcome::kNeither);
    return await(*flight);
  }
  auto outcome = Throttle::Outcome::kNeither;
  Result<std::shared_ptr<const Principal>> result = Error::Internal("credential verification failed");
  try {
    result = impl_->Verify(key, secret, cache_key, revocations, outcome);
  } catch (const std::exception& e) {  // never leave the waiters waiting
    result = Error::Internal(std::string("credential verification failed: ") + e.what());
  }
  throttle.End(client_address, outcome);
  {
    std::lock_guard lock(impl_->flights_mu);
    auto it = impl_->flights.find(cache_key);
    flight = it->second;
    impl_->flights.erase(it);
  }
  {
    std::lock_guard lock(flight->mu);
    flight->result = result;
    flight->done = true;
  }
  flight->cv.notify_all();
  return result;
}

Result<std::shared_ptr<const Principal>> Authenticator::Impl::Verify(std::string_view key, std::string_view secret,
                                                                     std::string cache_key, std::uint64_t revocations_seen,
                                                                     Throttle::Outcome& outcome) {
  auto raw = store.Get(store::Family::kCredentials, key);
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) {
    // As slow as a wrong secret for a known key.
    (void)Pbkdf2(secret, dummy_salt, options.pbkdf2_iterations);
    outcome = Throttle::Outcome::kFailure;
    return Error::Unauthorized("unknown key or wrong secret");
  }
  auto stored = Decode(key, **raw);
  if (!stored) return Error::Internal("corrupt credential record");
  std::string hash = Pbkdf2(secret, stored->salt, stored->iterations);
  if (hash.empty() || !ConstantTimeEquals(hash, stored->hash)) {
    outcome = Throttle::Outcome::kFailure;
    return Error::Unauthorized("unknown key or wrong secret");
  }
  outcome = Throttle::Outcome::kSuccess;
  auto principal = MakePrincipal(stored->credential);
  std::unique_lock lock(mu);
  if (revocations != revocations_seen) return principal;  // verified, but not cached
  if (verified.size() >= options.cache_capacity) verified.clear();
  verified.emplace(std::move(cache_key), principal);
  return principal;
}

}  // namespace lrsd::auth
