// lrsd base (src/base/base.cpp): Result/Error, UUIDs, timestamps, digests and encodings,
// comparisons, big-endian helpers and logging.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lrsd/base.h"

namespace lrsd {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

// ---- Error / Result ---------------------------------------------------------------------------
TEST(Error, FactoriesCarryTheirStatus) {
  EXPECT_EQ(Error::BadRequest("p", "r", "m").status, 400);
  EXPECT_EQ(Error::Unauthorized("m").status, 401);
  EXPECT_EQ(Error::Forbidden("m").status, 403);
  EXPECT_EQ(Error::NotFound("m").status, 404);
  EXPECT_EQ(Error::Conflict("m").status, 409);
  EXPECT_EQ(Error::PreconditionFailed("m").status, 412);
  EXPECT_EQ(Error::TooLarge("m").status, 413);
  EXPECT_EQ(Error::Internal("m").status, 500);
  EXPECT_EQ(Error::Unavailable("m").status, 503);
  Error e = Error::BadRequest("statement[3].actor.mbox", "XAPI-00038", "must be a mailto IRI");
  EXPECT_EQ(e.path, "statement[3].actor.mbox");
  EXPECT_EQ(e.rule, "XAPI-00038");
  EXPECT_EQ(e.message, "must be a mailto IRI");
  EXPECT_TRUE(Error::Unauthorized("m").path.empty());
  EXPECT_TRUE(Error::Unauthorized("m").rule.empty());
}

TEST(Error, ToStringShapes) {
  EXPECT_EQ(Error::BadRequest("statement[3].actor.mbox", "XAPI-00038", "must be a mailto IRI").ToString(),
            "statement[3].actor.mbox: must be a mailto IRI (XAPI-00038)");
  EXPECT_EQ(Error::BadRequest("", "", "plain").ToString(), "plain");
  EXPECT_EQ(Error::BadRequest("p", "", "m").ToString(), "p: m");
  EXPECT_EQ(Error::BadRequest("", "r", "m").ToString(), "m (r)");
  EXPECT_EQ(Error::NotFound("gone").ToString(), "gone");
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(static_cast<bool>(good));
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.value(), 42);

  Result<int> bad = Error::Conflict("taken");
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.error().status, 409);
  EXPECT_EQ(bad.error().message, "taken");

  Result<std::string> s = std::string("abc");
  EXPECT_EQ(s->size(), 3u);
  std::string moved = std::move(s).value();
  EXPECT_EQ(moved, "abc");

  Result<std::string> e = Error::NotFound("x");
  Error taken = std::move(e).error();
  EXPECT_EQ(taken.status, 404);
}

TEST(Result, VoidStatus) {
  Status ok = OkStatus();
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  Status bad = Error::Forbidden("no");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status, 403);
  bad.IgnoreError();
}

// ---- UUIDs ------------------------------------------------------------------------------------
TEST(Uuid, ParseAndFormatRoundTrip) {
  auto id = ParseUuid("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  ASSERT_TRUE(id);
  EXPECT_EQ((*id)[0], 0xf8);
  EXPECT_EQ((*id)[3], 0xae);
  EXPECT_EQ((*id)[4], 0x7d);
  EXPECT_EQ((*id)[15], 0xf6);
  EXPECT_EQ(FormatUuid(*id), "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  EXPECT_EQ(UuidBytes(*id).size(), 16u);
  EXPECT_EQ(UuidBytes(*id)[0], '\xf8');
  EXPECT_EQ(FormatUuid(Uuid{}), "00000000-0000-0000-0000-000000000000");
  Uuid ff;
  ff.fill(0xff);
  EXPECT_EQ(FormatUuid(ff), "ffffffff-ffff-ffff-ffff-ffffffffffff");
  EXPECT_EQ(ParseUuid("ffffffff-ffff-ffff-ffff-ffffffffffff"), ff);
}

TEST(Uuid, ParseAcceptsUpperCaseAndFormatsLower) {
  auto id = ParseUuid("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6");
  ASSERT_TRUE(id);
  EXPECT_EQ(FormatUuid(*id), "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  auto mixed = ParseUuid("f81D4fae-7dEc-11d0-A765-00a0c91e6bF6");
  ASSERT_TRUE(mixed);
  EXPECT_EQ(*mixed, *id);
}

TEST(Uuid, ParseRejectsMalformed) {
  for (std::string_view bad : {
           ""sv,
           "f81d4fae7dec11d0a76500a0c91e6bf6"sv,               // no hyphens
           "{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}"sv,         // braces
           "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"sv,  // urn prefix
           "f81d4fae-7dec-11d0-a765-00a0c91e6bf"sv,            // short
           "f81d4fae-7dec-11d0-a765-00a0c91e6bf66"sv,          // long
           "f81d4fae-7dec-11d0-a765_00a0c91e6bf6"sv,           // wrong separator
           "f81d4fae7-dec-11d0-a765-00a0c91e6bf6"sv,           // hyphen misplaced
           "g81d4fae-7dec-11d0-a765-00a0c91e6bf6"sv,           // not hex
           "f81d4fae-7dec-11d0-a765-00a0c91e6bf "sv,           // trailing space
           " f81d4fae-7dec-11d0-a765-00a0c91e6bf"sv,           // leading space
           "f81d4fae-7dec-11d0-a765-00a0c91e6b-6"sv,           // hyphen in hex
           "f81d4fae-+dec-11d0-a765-00a0c91e6bf6"sv,
       }) {
    EXPECT_FALSE(ParseUuid(bad)) << bad;
  }
  // Embedded NUL inside an otherwise well-sized string.
  std::string nul = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
  nul[20] = '\0';
  EXPECT_FALSE(ParseUuid(nul));
}

TEST(Uuid, NewUuidIsVersion4AndUnique) {
  std::set<Uuid> seen;
  for (int i = 0; i < 2000; ++i) {
    Uuid id = NewUuid();
    EXPECT_EQ(id[6] >> 4, 4) << FormatUuid(id);
    EXPECT_EQ(id[8] & 0xC0, 0x80) << FormatUuid(id);
    std::string text = FormatUuid(id);
    EXPECT_EQ(text[14], '4');
    EXPECT_NE(std::string_view("89ab").find(text[19]), std::string_view::npos);
    EXPECT_EQ(ParseUuid(text), id);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate " << text;
  }
}

TEST(Uuid, NewUuidDiffersAcrossThreads) {
  std::vector<Uuid> ids(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i) threads.emplace_back([&ids, i] { ids[i] = NewUuid(); });
  for (auto& t : threads) t.join();
  std::set<Uuid> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
}

// ---- Time -------------------------------------------------------------------------------------
TEST(Time, FormatTimestampMillis) {
  EXPECT_EQ(FormatTimestampMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampMillis(1700000000123456), "2023-11-14T22:13:20.123Z");
  // Microseconds are truncated, never rounded up.
  EXPECT_EQ(FormatTimestampMillis(1700000000999999), "2023-11-14T22:13:20.999Z");
  EXPECT_EQ(FormatTimestampMillis(1700000000000999), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(FormatTimestampMillis(951782400000000), "2000-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(FormatTimestampMillis(253402300799999000), "9999-12-31T23:59:59.999Z");
  // Before the epoch: floors toward the past.
  EXPECT_EQ(FormatTimestampMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestampMillis(-1000), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestampMillis(-1000000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatTimestampMillis(-1000001), "1969-12-31T23:59:58.999Z");
}

TEST(Time, FormatHttpDate) {
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(1700000000123456), "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(FormatHttpDate(784111777000000), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 7231's example
}

TEST(Time, NowAndHttpDateNow) {
  MicrosSinceEpoch a = NowMicros();
  MicrosSinceEpoch b = NowMicros();
  EXPECT_GE(b, a);
  EXPECT_GT(a, 1600000000000000);  // after 2020
  std::string now(HttpDateNow());
  EXPECT_EQ(now.size(), 29u);
  EXPECT_EQ(now.substr(now.size() - 4), " GMT");
  // Always the current second, even though it is cached (a second boundary may fall between
  // the calls: then it equals one of its neighbours).
  for (int i = 0; i < 3; ++i) {
    std::string before = FormatHttpDate(NowMicros());
    std::string cached(HttpDateNow());
    std::string after = FormatHttpDate(NowMicros());
    EXPECT_TRUE(cached == before || cached == after) << cached << " vs " << before << " / " << after;
    if (i < 2) std::this_thread::sleep_for(std::chrono::milliseconds(600));
  }
}

// ---- Digests and encodings --------------------------------------------------------------------
TEST(Hash, KnownDigests) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha384Hex("abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(Sha512Hex("abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  auto raw = Sha256("abc");
  EXPECT_EQ(HexEncode({reinterpret_cast<const char*>(raw.data()), raw.size()}), Sha256Hex("abc"));
  // Binary input with NULs is hashed entirely.
  EXPECT_NE(Sha256Hex("a\0b"s), Sha256Hex("a"));
}

TEST(Hash, HexEncode) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode("\x00\x01\x7f\x80\xff"s), "00017f80ff");
  EXPECT_EQ(HexEncode("AZ"), "415a");
}

TEST(Hash, Hash64IsStableXxh3) {
  // Index keys persist Hash64 values: it must stay xxh3-64 with seed 0 (the reference value for
  // the empty input), and deterministic.
  EXPECT_EQ(Hash64(""), 0x2D06800538D394C2ull);
  EXPECT_EQ(Hash64("mbox:mailto:a@example.com"), Hash64("mbox:mailto:a@example.com"));
  EXPECT_NE(Hash64("a"), Hash64("b"));
  EXPECT_NE(Hash64("a"), Hash64("a\0"s));
  std::set<std::uint64_t> hashes;
  for (int i = 0; i < 10000; ++i) hashes.insert(Hash64("key-" + std::to_string(i)));
  EXPECT_EQ(hashes.size(), 10000u);
}

TEST(Base64, RfcVectors) {
  // RFC 4648 section 10.
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
    // Padding is optional.
    std::string unpadded(encoded);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    auto decoded2 = Base64Decode(unpadded);
    ASSERT_TRUE(decoded2) << unpadded;
    EXPECT_EQ(*decoded2, plain);
    EXPECT_EQ(Base64UrlEncode(plain), unpadded);
  }
}

TEST(Base64, UrlSafeAlphabet) {
  const std::string bytes = "\xfb\xff\xbf\xff\xfe"s;  // encodes to characters 62 and 63
  EXPECT_EQ(Base64Encode(bytes), "+/+///4=");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-___4");
  EXPECT_EQ(Base64Decode("+/+///4=").value_or("?"), bytes);
  EXPECT_EQ(Base64Decode("-_-___4").value_or("?"), bytes);
  EXPECT_EQ(Base64Decode("-_-___4=").value_or("?"), bytes);
}

TEST(Base64, RejectsInvalid) {
  for (std::string_view bad : {"Zm9v!"sv, "Zm 9v"sv, "Zm9v\n"sv, "Z"sv, "Zm9vY"sv, "Zg==Zg=="sv, "=Zg"sv,
                               "Zm9\x80"sv}) {
    EXPECT_FALSE(Base64Decode(bad)) << bad;
  }
  EXPECT_FALSE(Base64Decode("Zm9v\0"sv));
}

TEST(Base64, RandomRoundTrip) {
  std::mt19937 rng(7);
  for (int len = 0; len < 200; ++len) {
    std::string bytes(static_cast<std::size_t>(len), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)).value_or("?"), bytes) << len;
    EXPECT_EQ(Base64Decode(Base64UrlEncode(bytes)).value_or("?"), bytes) << len;
    EXPECT_EQ(Base64Encode(bytes).size(), (bytes.size() + 2) / 3 * 4);
    EXPECT_EQ(Base64UrlEncode(bytes).find_first_of("+/="), std::string::npos);
  }
}

TEST(Random, RandomBytes) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  std::string a = RandomBytes(32), b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Compare, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret1"));
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
  EXPECT_TRUE(ConstantTimeEquals("a\0b"s, "a\0b"s));
  EXPECT_FALSE(ConstantTimeEquals("a\0b"s, "a\0c"s));
}

TEST(Compare, IgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
  EXPECT_TRUE(EqualsIgnoreCase("X-EXPERIENCE-API-VERSION", "x-experience-api-version"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abd"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "ab"));
  // ASCII only: '[' (0x5B) is not the upper case of '{' (0x7B), nor '@' of '`'.
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_FALSE(EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));  // É vs é: bytes differ, no Unicode folding
  EXPECT_EQ(ToLowerAscii("Multipart/MIXED; Boundary=AbC"), "multipart/mixed; boundary=abc");
  EXPECT_EQ(ToLowerAscii("\xc3\x89Z@["), "\xc3\x89z@[");
  EXPECT_EQ(ToLowerAscii(""), "");
}

// ---- Big-endian -------------------------------------------------------------------------------
TEST(BigEndian, RoundTripAndOrder) {
  std::string s;
  AppendBigEndian64(s, 0x0102030405060708ull);
  EXPECT_EQ(s, "\x01\x02\x03\x04\x05\x06\x07\x08"s);
  EXPECT_EQ(ReadBigEndian64(s), 0x0102030405060708ull);
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{256}, std::uint64_t{0x8000000000000000ull}, std::uint64_t{UINT64_MAX}}) {
    std::string e;
    AppendBigEndian64(e, v);
    EXPECT_EQ(e.size(), 8u);
    EXPECT_EQ(ReadBigEndian64(e), v);
  }
  // Byte order equals numeric order (what store keys rely on).
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t a = rng(), b = rng() >> (rng() % 64);
    std::string ea, eb;
    AppendBigEndian64(ea, a);
    AppendBigEndian64(eb, b);
    EXPECT_EQ(a < b, ea < eb) << a << " " << b;
  }
  // Appends, does not overwrite.
  std::string prefix = "k";
  AppendBigEndian64(prefix, 1);
  EXPECT_EQ(prefix.size(), 9u);
  EXPECT_EQ(prefix[0], 'k');
  // Short input reads what is there without overrunning.
  EXPECT_EQ(ReadBigEndian64("\x01\x02"s), 0x0102u);
  EXPECT_EQ(ReadBigEndian64(""), 0u);
}

// ---- Logging ----------------------------------------------------------------------------------
TEST(Log, ParseLogLevel) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("off"), LogLevel::kOff);
  EXPECT_FALSE(ParseLogLevel("verbose"));
  EXPECT_FALSE(ParseLogLevel(""));
}

TEST(Log, LevelsFilter) {
  SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  SetLogLevel(LogLevel::kOff);
  EXPECT_FALSE(LogEnabled(LogLevel::kError));
  SetLogLevel(LogLevel::kDebug);
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
  SetLogLevel(LogLevel::kInfo);
}

// Captures what Log writes on fd 2.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    char name[] = "/tmp/lrsd_log_XXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
    saved_ = dup(2);
    dup2(fd_, 2);
  }
  std::string Finish() {
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    std::string out;
    lseek(fd_, 0, SEEK_SET);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    close(fd_);
    unlink(path_.c_str());
    return out;
  }

 private:
  int fd_ = -1, saved_ = -1;
  std::string path_;
};

TEST(Log, WritesOneLinePerCallWithLevel) {
  SetLogLevel(LogLevel::kInfo);
  StderrCapture capture;
  Log(LogLevel::kInfo, "hello world");
  Log(LogLevel::kDebug, "hidden");
  Log(LogLevel::kError, "bad thing");
  Log(LogLevel::kOff, "never");
  std::string out = capture.Finish();
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_EQ(out.find("never"), std::string::npos);
  auto first = out.find(" INFO hello world\n");
  auto second = out.find(" ERROR bad thing\n");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, second);
  // Each line starts with a millisecond UTC timestamp.
  EXPECT_EQ(out.size() > 24 ? out[23] : '?', 'Z') << out;
  EXPECT_EQ(out[4], '-');
  EXPECT_EQ(out[10], 'T');
}

TEST(Log, ConcurrentLinesDoNotInterleave) {
  SetLogLevel(LogLevel::kInfo);
  StderrCapture capture;
  const std::string payload(200, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) Log(LogLevel::kWarn, "t" + std::to_string(t) + " " + payload);
    });
  }
  for (auto& t : threads) t.join();
  std::string out = capture.Finish();
  std::size_t lines = 0, pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    std::string_view line(out.data() + pos, nl - pos);
    EXPECT_EQ(line.substr(23, 7), "Z WARN ") << line;
    EXPECT_TRUE(line.ends_with(payload)) << line;
    ++lines;
    pos = nl + 1;
  }
  EXPECT_EQ(lines, 200u);
}

}  // namespace
}  // namespace lrsd

TEST(Utf8, WellFormedSequencesOnly) {
  EXPECT_TRUE(lrsd::IsValidUtf8(""));
  EXPECT_TRUE(lrsd::IsValidUtf8("plain ascii"));
  EXPECT_TRUE(lrsd::IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(lrsd::IsValidUtf8("\xF4\x8F\xBF\xBF"));                            // U+10FFFF
  EXPECT_FALSE(lrsd::IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(lrsd::IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(lrsd::IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(lrsd::IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(lrsd::IsValidUtf8("\x80"));              // stray continuation byte
  EXPECT_FALSE(lrsd::IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_EQ(lrsd::Utf8SequenceLength("\xE2\x82\xAC", 0), 3u);
  EXPECT_EQ(lrsd::Utf8SequenceLength("\xE2\x82", 0), 0u);
}

TEST(Utf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(lrsd::ToValidUtf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(lrsd::ToValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  // A truncated sequence: each byte of it is replaced, and the next character survives.
  EXPECT_EQ(lrsd::ToValidUtf8("\xE2\x82" "z"), "\xEF\xBF\xBD\xEF\xBF\xBD" "z");
  EXPECT_TRUE(lrsd::IsValidUtf8(lrsd::ToValidUtf8("\xED\xA0\x80\xC0\xAF")));
}
