// lrsd auth: credentials (key + salted slow hash of the secret), scopes, the authority agent of
// each credential, and HTTP Basic authentication with a verified-credential cache so the hot
// path does not re-run the slow hash on every request.
#pragma once

#include <chrono>
#include <cstdint>
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/store.h"

namespace lrsd::auth {

// xAPI scopes (Communication 4.2 / OAuth scope names), as bits.
enum Scope : std::uint32_t {
  kStatementsWrite = 1u << 0,
  kStatementsRead = 1u << 1,
  kStatementsReadMine = 1u << 2,
  kState = 1u << 3,
  kDefine = 1u << 4,
  kProfile = 1u << 5,
  kAllRead = 1u << 6,
  kAll = 1u << 7,
  // lrsd's own (learning profiles and administration).
  kAdmin = 1u << 8,
  kProfilesRead = 1u << 9,
  kProfilesReadMine = 1u << 10,
};
// "statements/write,state" or space separated. nullopt names an unknown scope.
std::optional<std::uint32_t> ParseScopes(std::string_view text);
std::string FormatScopes(std::uint32_t scopes);

// What a request may do, derived from scopes.
enum class Access {
  kStatementsRead,      // any statement
  kStatementsReadMine,  // statements whose authority is this credential
  kStatementsWrite,
  kStateRead, kStateWrite,
  kProfileRead, kProfileWrite,
  kDefine,              // (re)define activities / agents
  kAdmin,               // lrsd administration: /admin/ (scopes "admin", "all")
  kProfilesRead,        // every learning profile (/learning/)
  kProfilesReadMine,    // the profile of the person whose IFI is this credential's authority
};
bool Allows(std::uint32_t scopes, Access access);

struct Credential {
  std::string key;
  std::uint32_t scopes = 0;
  std::string authority_json;  // the Agent set as "authority" on statements it stores
  std::string created;         // timestamp
};

// The authenticated caller of one request. Shared, immutable.
struct Principal {
  std::string key;
  std::uint32_t scopes = 0;
  std::string authority_json;
  std::string authority_ifi;   // xapi::IfiKey of the authority, for statements/read/mine
};

// Failed-authentication throttling per client address. After `max_failures` failed
// authentications from one address within `window`, every request from it that carries
// credentials is refused (429, Retry-After) for `lockout`, doubling with each further lockout up
// to `max_lockout`, without running the slow hash. A success from the address forgets its
// failures. IPv6 clients are counted per /64 (one host usually has the whole prefix).
struct ThrottleOptions {
  unsigned max_failures = 10;                 // 0: no throttling
  std::chrono::seconds window{60};
  std::chrono::seconds lockout{60};           // the first lockout
  std::chrono::seconds max_lockout{15 * 60};
  std::size_t capacity = 100000;              // addresses remembered; the least recently seen go first
};

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Throttle(ThrottleOptions options = {});

  // Whether `address` may present credentials now: zero, or how long it must wait.
  std::chrono::seconds Check(std::string_view address, Clock::time_point now = Clock::now());
  // Before a slow verification: like Check, and also refuses (1 s) when as many verifications
  // are already running for the address as it has failures left, so a burst of parallel
  // guesses cannot outrun the count. When it returns zero, End must follow.
  std::chrono::seconds Begin(std::string_view address, Clock::time_point now = Clock::now());
  enum class Outcome { kSuccess, kFailure, kNeither };
  void End(std::string_view address, Outcome outcome, Clock::time_point now = Clock::now());
  // A failure that needed no verification (a malformed Authorization header).
  void Failed(std::string_view address, Clock::time_point now = Clock::now());
  // A success that needed none (a cached credential): forgets the address's failures.
  void Succeeded(std::string_view address);

  std::size_t size() const;  // addresses remembered
  // The table key of an address: IPv4 as is (also when IPv4-mapped), IPv6 as its /64.
  static std::string AddressKey(std::string_view address);

 private:
  struct Entry {
    unsigned failures = 0;
    unsigned pending = 0;                // verifications running
    unsigned lockouts = 0;               // lockouts so far (the next one lasts longer)
    Clock::time_point window_start;
    Clock::time_point locked_until;
    Clock::time_point last_failure;
    std::list<std::string>::iterator lru;
  };
  Entry* Find(const std::string& key, Clock::time_point now);
  Entry& FindOrAdd(const std::string& key, Clock::time_point now);
  std::chrono::seconds LockedFor(const Entry& e, Clock::time_point now) const;
  void RecordFailure(Entry& e, Clock::time_point now);
  void Forget(const std::string& key);
  bool Stale(const Entry& e, Clock::time_point now) const;

  ThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> table_;
  std::list<std::string> lru_;  // most recently touched first
  std::atomic<std::size_t> size_{0};
};

struct Options {
  // PBKDF2-HMAC-SHA256 iterations for new credentials (existing ones keep theirs).
  int pbkdf2_iterations = 100000;
  // Verified credentials remembered (by a keyed hash of the Authorization header).
  std::size_t cache_capacity = 10000;
  ThrottleOptions throttle;
};

// The default authority for a credential key: an Agent with an account on this LRS.
std::string DefaultAuthority(std::string_view key);

class Authenticator {
 public:
  Authenticator(store::Store& store, Options options = {});
  ~Authenticator();

  // Creates a credential. Fails with 409 if the key exists, 400 on an invalid key/secret or
  // authority. An empty key or secret is generated (printable, 20/40 characters).
  Result<std::pair<Credential, std::string /*secret*/>> Create(std::string key, std::string secret,
                                                               std::uint32_t scopes,
                                                               std::string authority_json = {});
  Result<std::vector<Credential>> List();
  // 404 if no such key. Also drops it from the cache.
  Status Revoke(std::string_view key);

  // Verifies an "Authorization: Basic …" value; 401 when missing, malformed or wrong. With a
  // `client_address`, failures are throttled per address (ThrottleOptions): 429 while it is
  // locked out, and `retry_after` (when given) receives how long.
  Result<std::shared_ptr<const Principal>> Authenticate(std::optional<std::string_view> authorization,
                                                        std::string_view client_address = {},
                                                        std::chrono::seconds* retry_after = nullptr);
  // Whether Authenticate would answer this value from its cache of verified credentials (no
  // key derivation, no store read): what a network thread may afford.
  bool IsCached(std::optional<std::string_view> authorization) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrsd::auth
