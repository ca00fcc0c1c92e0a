// lrsd auth (src/auth/auth.cpp): scopes and what they allow, credentials (generated or given
// keys and secrets, validation, conflicts, authorities), listing, revoking, and HTTP Basic
// authentication with its verified-credential cache.
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrsd/auth.h"
#include "lrsd/xapi.h"

namespace lrsd::auth {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = (fs::temp_directory_path() / "lrsd_auth_test_XXXXXX").string();
    if (!mkdtemp(path_.data())) throw std::runtime_error("mkdtemp failed");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Basic(std::string_view key, std::string_view secret) {
  return "Basic " + Base64Encode(std::string(key) + ":" + std::string(secret));
}

// ---- Scopes -----------------------------------------------------------------------------------
TEST(Scopes, Parse) {
  EXPECT_EQ(ParseScopes("statements/write"), kStatementsWrite);
  EXPECT_EQ(ParseScopes("statements/read"), kStatementsRead);
  EXPECT_EQ(ParseScopes("statements/read/mine"), kStatementsReadMine);
  EXPECT_EQ(ParseScopes("state"), kState);
  EXPECT_EQ(ParseScopes("define"), kDefine);
  EXPECT_EQ(ParseScopes("profile"), kProfile);
  EXPECT_EQ(ParseScopes("all/read"), kAllRead);
  EXPECT_EQ(ParseScopes("all"), kAll);
  EXPECT_EQ(ParseScopes("statements/write,state"), kStatementsWrite | kState);
  EXPECT_EQ(ParseScopes("statements/write state"), kStatementsWrite | kState);
  EXPECT_EQ(ParseScopes("statements/write, state  profile,"), kStatementsWrite | kState | kProfile);
  EXPECT_EQ(ParseScopes("state,state"), kState);
  EXPECT_EQ(ParseScopes(""), 0u);
  EXPECT_FALSE(ParseScopes("statements"));
  EXPECT_FALSE(ParseScopes("State"));
  EXPECT_FALSE(ParseScopes("state,bogus"));
  EXPECT_FALSE(ParseScopes("statements/read/"));
  EXPECT_FALSE(ParseScopes("all/write"));
  EXPECT_FALSE(ParseScopes("state;profile"));
}

TEST(Scopes, FormatRoundTrips) {
  EXPECT_EQ(FormatScopes(0), "");
  EXPECT_EQ(FormatScopes(kState), "state");
  EXPECT_EQ(FormatScopes(kAll | kStatementsWrite), "statements/write,all");
  for (std::uint32_t s = 0; s < 256; ++s) {
    auto back = ParseScopes(FormatScopes(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(FormatScopes(1u << 20), "");  // unknown bits are not named
}

TEST(Scopes, AllowsMatrix) {
  using A = Access;
  const std::vector<A> every = {A::kStatementsRead, A::kStatementsReadMine, A::kStatementsWrite, A::kStateRead,
                                A::kStateWrite,     A::kProfileRead,        A::kProfileWrite,    A::kDefine,
                                A::kAdmin,          A::kProfilesRead,       A::kProfilesReadMine};
  const std::map<std::uint32_t, std::set<A>> expected = {
      {0, {}},
      {kStatementsWrite, {A::kStatementsWrite}},
      {kStatementsRead, {A::kStatementsRead, A::kStatementsReadMine}},
      {kStatementsReadMine, {A::kStatementsReadMine}},
      {kState, {A::kStateRead, A::kStateWrite}},
      {kDefine, {A::kDefine}},
      {kProfile, {A::kProfileRead, A::kProfileWrite}},
      {kAllRead,
       {A::kStatementsRead, A::kStatementsReadMine, A::kStateRead, A::kProfileRead, A::kProfilesRead,
        A::kProfilesReadMine}},
      {kAll, {every.begin(), every.end()}},
      {kAdmin, {A::kAdmin}},
      {kProfilesRead, {A::kProfilesRead, A::kProfilesReadMine}},
      {kProfilesReadMine, {A::kProfilesReadMine}},
  };
  for (const auto& [scopes, allowed] : expected) {
    for (A a : every) {
      EXPECT_EQ(Allows(scopes, a), allowed.count(a) == 1)
          << "scopes " << FormatScopes(scopes) << " access " << static_cast<int>(a);
    }
  }
  // Scopes add up.
  EXPECT_TRUE(Allows(kStatementsWrite | kStatementsRead, A::kStatementsWrite));
  EXPECT_TRUE(Allows(kStatementsWrite | kStatementsRead, A::kStatementsRead));
  EXPECT_FALSE(Allows(kStatementsWrite | kStatementsRead | kAllRead | kState | kProfile | kDefine, A::kAdmin));
  EXPECT_FALSE(Allows(kAllRead, A::kStatementsWrite));
  EXPECT_FALSE(Allows(kAllRead, A::kDefine));
}

TEST(Authority, DefaultIsAnAccountAgent) {
  std::string json = DefaultAuthority("my-key_1.x");
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["objectType"].GetString(), "Agent");
  EXPECT_STREQ(d["account"]["name"].GetString(), "my-key_1.x");
  EXPECT_STREQ(d["account"]["homePage"].GetString(), "http://lrsd.local/credentials");
  EXPECT_TRUE(xapi::ValidateAgentParameter(d, xapi::Version::k1_0, "authority").ok());
  EXPECT_TRUE(xapi::ValidateAgentParameter(d, xapi::Version::k2_0, "authority").ok());
  EXPECT_EQ(xapi::IfiKey(d), "account:http://lrsd.local/credentials|my-key_1.x");
}

// ---- Credentials ------------------------------------------------------------------------------
class AuthTest : public testing::Test {
 protected:
  void SetUp() override {
    OpenStore();
    auth_ = std::make_unique<Authenticator>(*store_, FastOptions());
  }
  void OpenStore() {
    store::Options o;
    o.path = dir_.path();
    o.sync = false;
    o.memory_bytes = 16u << 20;
    auto opened = store::Store::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }
  static Options FastOptions() {
    Options o;
    o.pbkdf2_iterations = 1000;  // the format is the same; only slower in production
    return o;
  }
  std::pair<Credential, std::string> MustCreate(std::string key, std::string secret, std::uint32_t scopes,
                                                std::string authority = {}) {
    auto r = auth_->Create(std::move(key), std::move(secret), scopes, std::move(authority));
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : std::pair<Credential, std::string>{};
  }
  Result<std::shared_ptr<const Principal>> Auth(std::string_view header) {
    return auth_->Authenticate(std::optional<std::string_view>(header));
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthTest, CreateWithGivenKeyAndSecret) {
  auto [cred, secret] = MustCreate("lms-1", "s3cret-value", kStatementsWrite | kStatementsRead);
  EXPECT_EQ(cred.key, "lms-1");
  EXPECT_EQ(secret, "s3cret-value");
  EXPECT_EQ(cred.scopes, kStatementsWrite | kStatementsRead);
  EXPECT_EQ(cred.authority_json, DefaultAuthority("lms-1"));
  // created: a millisecond UTC timestamp near now.
  ASSERT_EQ(cred.created.size(), 24u) << cred.created;
  EXPECT_EQ(cred.created.back(), 'Z');
  auto created = xapi::ParseTimestamp(cred.created, xapi::Version::k2_0);
  ASSERT_TRUE(created);
  EXPECT_LE(std::abs(*created - NowMicros()), 60'000'000);
}

TEST_F(AuthTest, CreateGeneratesKeyAndSecret) {
  std::set<std::string> keys, secrets;
  for (int i = 0; i < 5; ++i) {
    auto [cred, secret] = MustCreate("", "", kAll);
    EXPECT_EQ(cred.key.size(), 20u);
    EXPECT_EQ(secret.size(), 40u);
    for (char c : cred.key + secret) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << cred.key << secret;
    // Unambiguous characters only.
    EXPECT_EQ((cred.key + secret).find_first_of("0O1lI"), std::string::npos);
    keys.insert(cred.key);
    secrets.insert(secret);
    EXPECT_TRUE(Auth(Basic(cred.key, secret)).ok());
  }
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(secrets.size(), 5u);
  // A generated secret with a given key, and the other way round.
  auto [c1, s1] = MustCreate("given-key", "", kState);
  EXPECT_EQ(c1.key, "given-key");
  EXPECT_EQ(s1.size(), 40u);
  auto [c2, s2] = MustCreate("", "given-secret", kState);
  EXPECT_EQ(c2.key.size(), 20u);
  EXPECT_EQ(s2, "given-secret");
}

TEST_F(AuthTest, CreateRejectsInvalidInput) {
  auto expect400 = [&](std::string key, std::string secret, std::uint32_t scopes, std::string path,
                       std::string authority = {}) {
    auto r = auth_->Create(key, secret, scopes, authority);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.error().status, 400) << key;
    EXPECT_EQ(r.error().path, path) << key << " " << r.error().ToString();
  };
  expect400("has space", "long-enough", kAll, "key");
  expect400("colon:key", "long-enough", kAll, "key");
  expect400("slash/key", "long-enough", kAll, "key");
  expect400("caf\xc3\xa9", "long-enough", kAll, "key");
  expect400(std::string(129, 'k'), "long-enough", kAll, "key");
  expect400("ok-key", "1234567", kAll, "secret");
  expect400("ok-key", std::string(1025, 's'), kAll, "secret");
  expect400("ok-key", "long-enough", 0, "scope");
  // Boundaries that are fine.
  MustCreate(std::string(128, 'k'), "12345678", kAll);
  MustCreate("A-z_0.9", std::string(1024, 's'), kAll);
  // Nothing was stored for the rejected ones.
  auto list = auth_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
}

TEST_F(AuthTest, CustomAuthorityIsValidated) {
  auto [cred, secret] = MustCreate("k1", "secret-123", kStatementsWrite,
                                   R"({ "mbox" : "mailto:lms@example.com", "name": "LMS" })");
  rapidjson::Document d;
  d.Parse(cred.authority_json.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["mbox"].GetString(), "mailto:lms@example.com");
  EXPECT_EQ(cred.authority_json.find(' '), std::string::npos) << "stored compactly: " << cred.authority_json;
  auto p = Auth(Basic("k1", "secret-123"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->authority_ifi, "mbox:mailto:lms@example.com");
  EXPECT_EQ((*p)->authority_json, cred.authority_json);

  for (std::string bad : {"not json", "[1,2]", "\"agent\"", R"({"name":"no ifi"})", R"({"mbox":"lms@example.com"})",
                          R"({"mbox":"mailto:a@b.c")"}) {
    auto r = auth_->Create("k2", "secret-123", kAll, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400) << bad;
  }
  EXPECT_FALSE(store_->Get(store::Family::kCredentials, "k2")->has_value());
}

TEST_F(AuthTest, DuplicateKeyIsAConflictAndKeepsTheOriginal) {
  MustCreate("dup", "first-secret", kStatementsRead);
  auto r = auth_->Create("dup", "second-secret", kAll);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_TRUE(Auth(Basic("dup", "first-secret")).ok());
  EXPECT_FALSE(Auth(Basic("dup", "second-secret")).ok());
  auto p = Auth(Basic("dup", "first-secret"));
  EXPECT_EQ((*p)->scopes, kStatementsRead);
}

TEST_F(AuthTest, SecretsAreStoredSaltedAndHashed) {
  const std::string secret = "very-secret-value";
  MustCreate("a", secret, kAll);
  MustCreate("b", secret, kAll);
  auto ra = store_->Get(store::Family::kCredentials, "a");
  auto rb = store_->Get(store::Family::kCredentials, "b");
  ASSERT_TRUE(ra.ok() && ra->has_value());
  ASSERT_TRUE(rb.ok() && rb->has_value());
  for (const std::string& record : {**ra, **rb}) {
    EXPECT_EQ(record.find(secret), std::string::npos);
    EXPECT_EQ(record.find(Base64Encode(secret)), std::string::npos);
    EXPECT_EQ(record.find(Base64Encode("a:" + secret)), std::string::npos);
    EXPECT_EQ(record.find(HexEncode(secret)), std::string::npos);
    EXPECT_EQ(record.find(Sha256Hex(secret)), std::string::npos);
    rapidjson::Document d;
    d.Parse(record.c_str());
    ASSERT_FALSE(d.HasParseError()) << record;
    ASSERT_TRUE(d.HasMember("hash") && d["hash"].IsString());
    ASSERT_TRUE(d.HasMember("salt") && d["salt"].IsString());
    EXPECT_EQ(d["iterations"].GetInt(), 1000);
    EXPECT_EQ(Base64Decode(d["hash"].GetString())->size(), 32u);
    EXPECT_GE(Base64Decode(d["salt"].GetString())->size(), 16u);
  }
  // The same secret hashes differently under different salts.
  rapidjson::Document da, db;
  da.Parse(ra->value().c_str());
  db.Parse(rb->value().c_str());
  EXPECT_STRNE(da["hash"].GetString(), db["hash"].GetString());
  EXPECT_STRNE(da["salt"].GetString(), db["salt"].GetString());
}

TEST_F(AuthTest, ExistingCredentialsKeepTheirIterations) {
  MustCreate("old", "old-secret-1", kAll);
  Options slower = FastOptions();
  slower.pbkdf2_iterations = 2000;
  Authenticator other(*store_, slower);
  EXPECT_TRUE(other.Authenticate(std::string_view(Basic("old", "old-secret-1"))).ok());
  ASSERT_TRUE(other.Create("new", "new-secret-1", kAll).ok());
  EXPECT_TRUE(auth_->Authenticate(std::string_view(Basic("new", "new-secret-1"))).ok());
}

TEST_F(AuthTest, ListShowsEveryCredentialWithoutSecrets) {
  auto empty = auth_->List();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  MustCreate("zeta", "secret-zeta", kState);
  MustCreate("alpha", "secret-alpha", kAll);
  MustCreate("mid", "secret-mid", kStatementsReadMine, R"({"openid":"http://openid.example.com/mid"})");
  auto list = auth_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].key, "alpha");
  EXPECT_EQ((*list)[1].key, "mid");
  EXPECT_EQ((*list)[2].key, "zeta");
  EXPECT_EQ((*list)[0].scopes, kAll);
  EXPECT_EQ((*list)[1].scopes, kStatementsReadMine);
  EXPECT_EQ((*list)[2].scopes, kState);
  EXPECT_EQ((*list)[0].authority_json, DefaultAuthority("alpha"));
  EXPECT_EQ((*list)[1].authority_json, R"({"openid":"http://openid.example.com/mid"})");
  for (const auto& c : *list) {
    EXPECT_FALSE(c.created.empty());
    EXPECT_EQ(c.authority_json.find("secret"), std::string::npos);
  }
}

// ---- Authenticate -----------------------------------------------------------------------------
TEST_F(AuthTest, AuthenticateAcceptsOnlyTheRightSecret) {
  MustCreate("lrs-key", "right-secret", kStatementsWrite | kStatementsRead);
  auto p = Auth(Basic("lrs-key", "right-secret"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ((*p)->key, "lrs-key");
  EXPECT_EQ((*p)->scopes, kStatementsWrite | kStatementsRead);
  EXPECT_EQ((*p)->authority_json, DefaultAuthority("lrs-key"));
  EXPECT_EQ((*p)->authority_ifi, "account:http://lrsd.local/credentials|lrs-key");

  auto expect401 = [&](std::optional<std::string_view> header) {
    auto r = auth_->Authenticate(header);
    ASSERT_FALSE(r.ok()) << header.value_or("<none>");
    EXPECT_EQ(r.error().status, 401) << header.value_or("<none>");
  };
  expect401(std::nullopt);
  expect401("");
  expect401("Basic");
  expect401("Basic ");
  expect401("Bearer " + Base64Encode("lrs-key:right-secret"));
  expect401("Digest username=\"lrs-key\"");
  expect401(Base64Encode("lrs-key:right-secret"));  // no scheme
  expect401("Basic !!!not-base64!!!");
  expect401("Basic " + Base64Encode("lrs-key"));              // no colon
  expect401("Basic " + Base64Encode("lrs-key:wrong-secret"));
  expect401("Basic " + Base64Encode("lrs-key:right-secre"));
  expect401("Basic " + Base64Encode("lrs-key:right-secret "));
  expect401("Basic " + Base64Encode("LRS-KEY:right-secret"));  // keys are case-sensitive
  expect401("Basic " + Base64Encode("other:right-secret"));
  expect401("Basic " + Base64Encode(":right-secret"));
  expect401("Basic " + Base64Encode("lrs-key:"));
  // The scheme is case-insensitive and surrounding spaces are tolerated.
  EXPECT_TRUE(Auth("basic " + Base64Encode("lrs-key:right-secret")).ok());
  EXPECT_TRUE(Auth("BASIC  " + Base64Encode("lrs-key:right-secret") + " ").ok());
  // Unpadded base64 is accepted as well.
  std::string unpadded = Base64Encode("lrs-key:right-secret");
  while (unpadded.back() == '=') unpadded.pop_back();
  EXPECT_TRUE(Auth("Basic " + unpadded).ok());
}

TEST_F(AuthTest, SecretsMayContainColons) {
  MustCreate("colon", "a:b:c:d:e", kAll);
  EXPECT_TRUE(Auth(Basic("colon", "a:b:c:d:e")).ok());
  EXPECT_FALSE(Auth(Basic("colon", "a:b:c:d")).ok());
}

TEST_F(AuthTest, CacheHitReturnsTheSamePrincipal) {
  MustCreate("cached", "cached-secret", kAll);
  auto first = Auth(Basic("cached", "cached-secret"));
  auto second = Auth(Basic("cached", "cached-secret"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->get(), second->get());
  // A wrong secret is never served from the cache.
  EXPECT_FALSE(Auth(Basic("cached", "cached-secreT")).ok());
  // Another header spelling is verified on its own and gives an equal principal.
  auto lower = Auth("basic " + Base64Encode("cached:cached-secret"));
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ((*lower)->key, "cached");
}

TEST_F(AuthTest, SmallCacheStillAuthenticatesEveryone) {
  Options o = FastOptions();
  o.cache_capacity = 2;
  Authenticator small(*store_, o);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(small.Create("k" + std::to_string(i), "secret-" + std::to_string(i), kAll).ok());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) {
      auto p = small.Authenticate(std::string_view(Basic("k" + std::to_string(i), "secret-" + std::to_string(i))));
      ASSERT_TRUE(p.ok());
      EXPECT_EQ((*p)->key, "k" + std::to_string(i));
    }
  }
}

TEST_F(AuthTest, RevokedCredentialsStopAuthenticatingEvenWhenCached) {
  MustCreate("gone", "gone-secret", kAll);
  MustCreate("stays", "stays-secret", kAll);
  ASSERT_TRUE(Auth(Basic("gone", "gone-secret")).ok());  // now cached
  ASSERT_TRUE(Auth("basic " + Base64Encode("gone:gone-secret")).ok());  // a second cache entry
  ASSERT_TRUE(Auth(Basic("stays", "stays-secret")).ok());
  ASSERT_TRUE(auth_->Revoke("gone").ok());
  auto r = Auth(Basic("gone", "gone-secret"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 401);
  EXPECT_FALSE(Auth("basic " + Base64Encode("gone:gone-secret")).ok());
  EXPECT_TRUE(Auth(Basic("stays", "stays-secret")).ok());
  auto list = auth_->List();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, "stays");
  EXPECT_FALSE(store_->Get(store::Family::kCredentials, "gone")->has_value());
  // Revoking again, or something that never existed, is a 404.
  Status again = auth_->Revoke("gone");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().status, 404);
  EXPECT_EQ(auth_->Revoke("never").error().status, 404);
  // The key can be created anew, with another secret.
  MustCreate("gone", "new-secret-1", kStatementsRead);
  EXPECT_FALSE(Auth(Basic("gone", "gone-secret")).ok());
  auto p = Auth(Basic("gone", "new-secret-1"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->scopes, kStatementsRead);
}

TEST_F(AuthTest, RevokeDuringVerificationIsNotUndoneByTheCache) {
  // A verification that read the credential just before it was revoked must not put it in the
  // cache afterwards, where it would keep authenticating.
  auth_.reset();
  Options slow = FastOptions();
  slow.pbkdf2_iterations = 200000;
  auth_ = std::make_unique<Authenticator>(*store_, slow);
  MustCreate("racy", "racy-secret", kAll);
  const std::string header = Basic("racy", "racy-secret");
  // How long one verification takes here (it is never cached: another header spelling).
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(Auth("basic " + Base64Encode("racy:racy-secret")).ok());
  auto verify_time = std::chrono::steady_clock::now() - t0;
  std::thread verifier([&] { (void)Auth(header); });
  std::this_thread::sleep_for(verify_time / 3);
  ASSERT_TRUE(auth_->Revoke("racy").ok());
  verifier.join();
  auto r = Auth(header);
  EXPECT_FALSE(r.ok()) << "a revoked credential is still accepted from the cache";
}

TEST_F(AuthTest, CredentialsPersistAcrossRestart) {
  MustCreate("durable", "durable-secret", kStatementsWrite, R"({"mbox":"mailto:d@example.com"})");
  auth_.reset();
  store_.reset();
  OpenStore();
  auth_ = std::make_unique<Authenticator>(*store_, FastOptions());
  auto p = Auth(Basic("durable", "durable-secret"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ((*p)->scopes, kStatementsWrite);
  EXPECT_EQ((*p)->authority_ifi, "mbox:mailto:d@example.com");
  EXPECT_FALSE(Auth(Basic("durable", "wrong-secret")).ok());
}

TEST_F(AuthTest, CorruptRecordIsAnInternalErrorNotASuccess) {
  ASSERT_TRUE(store_->Put(store::Family::kCredentials, "broken", "{not json").ok());
  auto r = Auth(Basic("broken", "whatever-secret"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 500);
  // List skips it rather than failing.
  MustCreate("fine", "fine-secret", kAll);
  auto list = auth_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].key, "fine");
}

TEST_F(AuthTest, ConcurrentAuthentication) {
  MustCreate("k1", "secret-one", kStatementsRead);
  MustCreate("k2", "secret-two", kStatementsWrite);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        bool one = (i + t) % 2 == 0;
        auto p = auth_->Authenticate(std::string_view(one ? Basic("k1", "secret-one") : Basic("k2", "secret-two")));
        if (!p.ok() || (*p)->key != (one ? "k1" : "k2") || (*p)->scopes != (one ? kStatementsRead : kStatementsWrite)) {
          ++wrong;
        }
        if (auth_->Authenticate(std::string_view(Basic("k1", "secret-two"))).ok()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace lrsd::auth
