// Failed-authentication throttling (auth::Throttle, and Authenticator::Authenticate with a client
// address): lockouts after N failures in a window, exponential lockouts with a cap, success
// resets, per-address isolation (IPv6 per /64), bounded memory, no slow hash while locked out,
// and stored credential records that hold no usable form of the secret.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "lrsd/auth.h"

namespace lrsd::auth {
namespace {

using namespace std::chrono_literals;
using Clock = Throttle::Clock;

ThrottleOptions Opts(unsigned failures = 3, std::chrono::seconds window = 60s, std::chrono::seconds lockout = 10s,
                     std::chrono::seconds max_lockout = 100s, std::size_t capacity = 1000) {
  ThrottleOptions o;
  o.max_failures = failures;
  o.window = window;
  o.lockout = lockout;
  o.max_lockout = max_lockout;
  o.capacity = capacity;
  return o;
}

// One failed verification, as Authenticate records it.
void Fail(Throttle& t, std::string_view address, Clock::time_point now) {
  ASSERT_EQ(t.Begin(address, now), 0s) << address;
  t.End(address, Throttle::Outcome::kFailure, now);
}

TEST(Throttle, LocksOutAfterMaxFailuresWithinTheWindow) {
  Throttle t(Opts(3));
  const auto t0 = Clock::now();
  Fail(t, "10.0.0.1", t0);
  Fail(t, "10.0.0.1", t0 + 1s);
  EXPECT_EQ(t.Check("10.0.0.1", t0 + 2s), 0s);
  Fail(t, "10.0.0.1", t0 + 2s);  // the third: locked for 10 s
  EXPECT_EQ(t.Check("10.0.0.1", t0 + 2s), 10s);
  EXPECT_EQ(t.Check("10.0.0.1", t0 + 5s), 7s);
  EXPECT_EQ(t.Begin("10.0.0.1", t0 + 5s), 7s);
  EXPECT_EQ(t.Check("10.0.0.1", t0 + 11500ms), 1s);  // rounded up, never 0 while locked
  EXPECT_EQ(t.Check("10.0.0.1", t0 + 12s), 0s);
  // Other addresses were never affected.
  EXPECT_EQ(t.Check("10.0.0.2", t0 + 5s), 0s);
  EXPECT_EQ(t.Begin("10.0.0.2", t0 + 5s), 0s);
  t.End("10.0.0.2", Throttle::Outcome::kSuccess, t0 + 5s);
}

TEST(Throttle, FailuresOutsideTheWindowDoNotAddUp) {
  Throttle t(Opts(3, 60s));
  const auto t0 = Clock::now();
  for (int i = 0; i < 10; ++i) {
    // Two failures per 61 s: never three within one window.
    Fail(t, "10.0.0.1", t0 + i * 61s);
    Fail(t, "10.0.0.1", t0 + i * 61s + 1s);
    EXPECT_EQ(t.Check("10.0.0.1", t0 + i * 61s + 1s), 0s) << i;
  }
}

TEST(Throttle, LockoutsDoubleUpToTheCap) {
  Throttle t(Opts(2, 60s, 10s, 100s));
  auto now = Clock::now();
  std::vector<long> lockouts;
  for (int round = 0; round < 6; ++round) {
    Fail(t, "192.0.2.7", now);
    Fail(t, "192.0.2.7", now);
    auto wait = t.Check("192.0.2.7", now);
    lockouts.push_back(static_cast<long>(wait.count()));
    now += wait;  // just expired
    ASSERT_EQ(t.Check("192.0.2.7", now), 0s);
  }
  EXPECT_EQ(lockouts, (std::vector<long>{10, 20, 40, 80, 100, 100}));
}

TEST(Throttle, SuccessForgetsFailuresAndEscalation) {
  Throttle t(Opts(2, 60s, 10s, 100s));
  auto now = Clock::now();
  Fail(t, "10.1.1.1", now);
  Fail(t, "10.1.1.1", now);
  ASSERT_EQ(t.Check("10.1.1.1", now), 10s);
  now += 10s;
  // A success (verified, or from the cache) resets everything.
  ASSERT_EQ(t.Begin("10.1.1.1", now), 0s);
  t.End("10.1.1.1", Throttle::Outcome::kSuccess, now);
  EXPECT_EQ(t.size(), 0u);
  Fail(t, "10.1.1.1", now);
  t.Succeeded("10.1.1.1");  // a cache hit
  Fail(t, "10.1.1.1", now);
  EXPECT_EQ(t.Check("10.1.1.1", now), 0s) << "the failure before the success no longer counts";
  Fail(t, "10.1.1.1", now);
  EXPECT_EQ(t.Check("10.1.1.1", now), 10s) << "escalation starts over after a success";
}

TEST(Throttle, QuietAddressesAreForgotten) {
  Throttle t(Opts(2, 60s, 10s, 100s));
  auto now = Clock::now();
  Fail(t, "10.2.2.2", now);
  Fail(t, "10.2.2.2", now);  // locked 10 s, lockout level 1
  Fail(t, "10.3.3.3", now);
  EXPECT_EQ(t.size(), 2u);
  now += 111s;  // after the lockout, quiet for longer than any window or lockout
  EXPECT_EQ(t.Check("10.2.2.2", now), 0s);
  Fail(t, "10.2.2.2", now);
  Fail(t, "10.2.2.2", now);
  EXPECT_EQ(t.Check("10.2.2.2", now), 10s) << "escalation decays after a quiet period";
  EXPECT_EQ(t.size(), 1u) << "the stale 10.3.3.3 was cleaned up on the way";
}

TEST(Throttle, ParallelVerificationsCannotOutrunTheCount) {
  Throttle t(Opts(3));
  auto now = Clock::now();
  EXPECT_EQ(t.Begin("10.9.9.9", now), 0s);
  EXPECT_EQ(t.Begin("10.9.9.9", now), 0s);
  EXPECT_EQ(t.Begin("10.9.9.9", now), 0s);
  EXPECT_EQ(t.Begin("10.9.9.9", now), 1s) << "a fourth slow verification while three run";
  t.End("10.9.9.9", Throttle::Outcome::kNeither, now);
  EXPECT_EQ(t.Begin("10.9.9.9", now), 0s);
  for (int i = 0; i < 3; ++i) t.End("10.9.9.9", Throttle::Outcome::kFailure, now);
  EXPECT_EQ(t.Check("10.9.9.9", now), 10s);
}

TEST(Throttle, MemoryIsBoundedByCapacity) {
  Throttle t(Opts(3, 60s, 10s, 100s, 500));
  auto now = Clock::now();
  for (int i = 0; i < 5000; ++i) {
    Fail(t, "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), now);
    ASSERT_LE(t.size(), 500u);
  }
  EXPECT_EQ(t.size(), 500u);
  // The least recently seen went first: the newest are still remembered.
  Fail(t, "10.0.19.135", now);  // i = 4999
  Fail(t, "10.0.19.135", now);
  EXPECT_EQ(t.Check("10.0.19.135", now), 10s);
}

TEST(Throttle, DisabledOrAddresslessDoesNothing) {
  Throttle off(Opts(0));
  auto now = Clock::now();
  for (int i = 0; i < 100; ++i) Fail(off, "10.0.0.1", now);
  EXPECT_EQ(off.Check("10.0.0.1", now), 0s);
  EXPECT_EQ(off.size(), 0u);
  Throttle on(Opts(2));
  for (int i = 0; i < 100; ++i) Fail(on, "", now);
  EXPECT_EQ(on.Check("", now), 0s);
  EXPECT_EQ(on.size(), 0u);
}

TEST(Throttle, AddressKeys) {
  EXPECT_EQ(Throttle::AddressKey("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(Throttle::AddressKey("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(Throttle::AddressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(Throttle::AddressKey("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(Throttle::AddressKey("::1"), "::/64");
  EXPECT_EQ(Throttle::AddressKey("?"), "?");
  // One IPv6 host rotating through its /64 is one address.
  Throttle t(Opts(3));
  auto now = Clock::now();
  Fail(t, "2001:db8:0:1::a", now);
  Fail(t, "2001:db8:0:1::b", now);
  Fail(t, "2001:db8:0:1:1234:5678:9abc:def0", now);
  EXPECT_EQ(t.Check("2001:db8:0:1::ffff", now), 10s);
  EXPECT_EQ(t.Check("2001:db8:0:2::a", now), 0s);
}

// ---- Through Authenticate ------------------------------------------------------------------------
class ThrottledAuthTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / "lrsd_throttle_test_XXXXXX").string();
    ASSERT_TRUE(mkdtemp(dir_.data()));
    store::Options so;
    so.path = dir_;
    so.sync = false;
    so.memory_bytes = 16u << 20;
    auto opened = store::Store::Open(so);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
    Options o;
    o.pbkdf2_iterations = 100000;  // production strength: a verification costs milliseconds
    o.throttle = Opts(5, 60s, 60s, 900s);
    auth_ = std::make_unique<Authenticator>(*store_, o);
    ASSERT_TRUE(auth_->Create("key", "right-secret", kAll).ok());
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static std::string Basic(std::string_view key, std::string_view secret) {
    return "Basic " + Base64Encode(std::string(key) + ":" + std::string(secret));
  }
  Result<std::shared_ptr<const Principal>> Auth(const std::string& header, std::string_view address,
                                                std::chrono::seconds* retry = nullptr) {
    return auth_->Authenticate(std::optional<std::string_view>(header), address, retry);
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(ThrottledAuthTest, LockedOutAddressGets429WithoutTheSlowHash) {
  const std::string wrong = Basic("key", "wrong-secret");
  auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto r = Auth(wrong, "203.0.113.5");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 401) << i;
  }
  auto verify_time = (Clock::now() - t0) / 5;
  std::chrono::seconds retry{0};
  t0 = Clock::now();
  for (int i = 0; i < 200; ++i) {
    auto r = Auth(Basic("key", "guess-" + std::to_string(i)), "203.0.113.5", &retry);
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.error().status, 429);
  }
  auto refused_time = (Clock::now() - t0) / 200;
  EXPECT_EQ(retry, 60s);
  EXPECT_LT(refused_time * 20, verify_time) << "refusals must not run PBKDF2";
  // Even the right secret (and a cached one) is refused while locked out: otherwise the answer
  // would tell a guesser which guess is right.
  EXPECT_EQ(Auth(Basic("key", "right-secret"), "203.0.113.5").error().status, 429);
  ASSERT_TRUE(Auth(Basic("key", "right-secret"), "203.0.113.6").ok());  // now cached
  EXPECT_EQ(Auth(Basic("key", "right-secret"), "203.0.113.5").error().status, 429);
  // Malformed headers count as failures too, and are refused alike.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Auth("Bearer x", "203.0.113.7").error().status, 401);
  EXPECT_EQ(Auth("Bearer x", "203.0.113.7").error().status, 429);
  // Without an address (tools, tests) there is no throttling.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Auth(wrong, "").error().status, 401);
}

TEST_F(ThrottledAuthTest, SuccessResetsAndOtherAddressesAreUnaffected) {
  const std::string wrong = Basic("key", "wrong-secret");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(Auth(wrong, "198.51.100.1").error().status, 401);
    ASSERT_TRUE(Auth(Basic("key", "right-secret"), "198.51.100.1").ok());
  }
  EXPECT_EQ(Auth(wrong, "198.51.100.1").error().status, 401);
  for (int i = 0; i < 5; ++i) (void)Auth(wrong, "198.51.100.2");
  EXPECT_EQ(Auth(wrong, "198.51.100.2").error().status, 429);
  EXPECT_TRUE(Auth(Basic("key", "right-secret"), "198.51.100.3").ok());
  EXPECT_EQ(Auth(wrong, "198.51.100.3").error().status, 401);
}

TEST_F(ThrottledAuthTest, ParallelGuessesRunAtMostMaxFailuresSlowHashes) {
  std::atomic<int> unauthorized{0}, throttled{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto r = Auth(Basic("key", "parallel-" + std::to_string(t)), "203.0.113.50");
      (r.error().status == 401 ? unauthorized : throttled)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(unauthorized.load(), 5);
  EXPECT_EQ(unauthorized + throttled, 16);
}

TEST_F(ThrottledAuthTest, AClientOpeningManyConnectionsAtOnceIsNotThrottled) {
  // 32 connections of one client, all sending the not yet verified header at once: they share
  // one verification, so none is refused and the slow hash runs about once.
  const std::string right = Basic("key", "right-secret");
  auto t0 = Clock::now();
  ASSERT_TRUE(Auth("basic " + Base64Encode("key:right-secret"), "192.0.2.99").ok());  // one verification's time
  auto verify_time = Clock::now() - t0;
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  t0 = Clock::now();
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&] { (Auth(right, "192.0.2.100").ok() ? ok : refused)++; });
  }
  for (auto& t : threads) t.join();
  auto burst_time = Clock::now() - t0;
  EXPECT_EQ(ok.load(), 32);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_LT(burst_time, verify_time * 8) << "the burst hashed far more than once";
  // The same for a wrong header: one verification, and each request counts as a failure.
  const std::string wrong = Basic("key", "wrong-secret");
  threads.clear();
  std::atomic<int> unauthorized{0}, throttled{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto r = Auth(wrong, "192.0.2.101");
      (r.error().status == 401 ? unauthorized : throttled)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unauthorized + throttled, 4);
  (void)Auth(wrong, "192.0.2.101");
  EXPECT_EQ(Auth(wrong, "192.0.2.101").error().status, 429) << "4 shared + 1 failures reach the limit of 5";
}

TEST_F(ThrottledAuthTest, UnknownKeysTakeAsLongAsWrongSecrets) {
  // No timing oracle for which keys exist: an unknown key runs the slow hash as well.
  auto time = [&](const std::string& header) {
    auto t0 = Clock::now();
    for (int i = 0; i < 4; ++i) (void)auth_->Authenticate(std::optional<std::string_view>(header));
    return Clock::now() - t0;
  };
  auto known = time(Basic("key", "wrong-secret"));
  auto unknown = time(Basic("no-such-key", "wrong-secret"));
  EXPECT_GT(unknown * 3, known) << "unknown keys answer much faster than wrong secrets";
}

TEST_F(ThrottledAuthTest, StoredRecordHoldsNeitherTheSecretNorAnUnsaltedHash) {
  const std::string secret = "right-secret";
  auto raw = store_->Get(store::Family::kCredentials, "key");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  const std::string& record = **raw;
  rapidjson::Document d;
  d.Parse(record.c_str());
  ASSERT_FALSE(d.HasParseError());
  auto salt = Base64Decode(d["salt"].GetString());
  auto hash = Base64Decode(d["hash"].GetString());
  ASSERT_TRUE(salt && hash);
  const int iterations = d["iterations"].GetInt();
  EXPECT_GE(iterations, 100000);
  auto pbkdf2 = [&](std::string_view s, std::string_view salt_bytes) {
    std::string out(32, '\0');
    PKCS5_PBKDF2_HMAC(s.data(), static_cast<int>(s.size()), reinterpret_cast<const unsigned char*>(salt_bytes.data()),
                      static_cast<int>(salt_bytes.size()), iterations, EVP_sha256(), 32,
                      reinterpret_cast<unsigned char*>(out.data()));
    return out;
  };
  // It is the salted slow hash...
  EXPECT_EQ(*hash, pbkdf2(secret, *salt));
  // ...and no other form of the secret appears anywhere in the record.
  auto digest = Sha256(secret);
  const std::string sha256(reinterpret_cast<const char*>(digest.data()), digest.size());
  unsigned char sha1[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), sha1);
  const std::string sha1_raw(reinterpret_cast<const char*>(sha1), sizeof sha1);
  for (const std::string& form :
       {secret, Base64Encode(secret), Base64Encode("key:" + secret), HexEncode(secret), Sha256Hex(secret),
        Base64Encode(sha256), HexEncode(sha1_raw), Base64Encode(sha1_raw), Base64Encode(pbkdf2(secret, "")),
        Base64Encode(pbkdf2(secret, "key"))}) {
    EXPECT_EQ(record.find(form), std::string::npos) << form;
  }
  EXPECT_NE(*hash, sha256);
  EXPECT_NE(*hash, pbkdf2(secret, ""));
}

}  // namespace
}  // namespace lrsd::auth
