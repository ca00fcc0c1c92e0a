// lrsd auth: credentials (key + salted slow hash of the secret), scopes, the authority agent of
// each credential, and HTTP Basic authentication with a verified-credential cache so the hot
// path does not re-run the slow hash on every request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

struct Options {
  // PBKDF2-HMAC-SHA256 iterations for new credentials (existing ones keep theirs).
  int pbkdf2_iterations = 100000;
  // Verified credentials remembered (by a keyed hash of the Authorization header).
  std::size_t cache_capacity = 10000;
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

  // Verifies an "Authorization: Basic …" value; 401 when missing, malformed or wrong.
  Result<std::shared_ptr<const Principal>> Authenticate(std::optional<std::string_view> authorization);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrsd::auth
