// Versions and value formats (src/xapi/formats.cpp): version header, timestamps (ISO 8601 for
// 1.0.x, RFC 3339 for 2.0), durations, language tags, IRIs, mailto IRIs, hashes, media types,
// UUIDs. Vectors follow the ADL LRS conformance suite (configs/timestamps.js, durations.js,
// formatting.js, languages.js, uuids.js, ...) plus edge cases of the grammars.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "lrsd/xapi.h"

namespace lrsd::xapi {
namespace {

// ---- Versions -------------------------------------------------------------------------------

TEST(VersionHeaderTest, AcceptsOneZeroFamily) {
  for (std::string_view h : {"1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.9", "1.0.10", " 1.0.3 "}) {
    Result<Version> v = ParseVersionHeader(h);
    ASSERT_TRUE(v.ok()) << h;
    EXPECT_EQ(*v, Version::k1_0) << h;
  }
}

TEST(VersionHeaderTest, AcceptsTwoZeroFamily) {
  for (std::string_view h : {"2.0", "2.0.0", "2.0.1", "2.0.12"}) {
    Result<Version> v = ParseVersionHeader(h);
    ASSERT_TRUE(v.ok()) << h;
    EXPECT_EQ(*v, Version::k2_0) << h;
  }
}

TEST(VersionHeaderTest, RejectsOthers) {
  for (std::string_view h : {"", "1", "2", "1.1", "1.1.0", "0.9", "0.95", "0.9.9", "1.0.", "1.0.x", "1.0.3a",
                             "1.0.3.1", "2.1.0", "3.0.0", "2.0.0-beta", "v1.0.3", "1.00"}) {
    Result<Version> v = ParseVersionHeader(h);
    ASSERT_FALSE(v.ok()) << h;
    EXPECT_EQ(v.error().status, 400);
    EXPECT_EQ(v.error().path, "header X-Experience-API-Version");
    EXPECT_EQ(v.error().rule, "XAPI-00331");
  }
}

TEST(VersionHeaderTest, VersionString) {
  EXPECT_EQ(VersionString(Version::k1_0), "1.0.3");
  EXPECT_EQ(VersionString(Version::k2_0), "2.0.0");
}

// ---- Timestamps -----------------------------------------------------------------------------

constexpr MicrosSinceEpoch kSec = 1000000;

struct TimestampCase {
  std::string_view text;
  bool ok_1_0;
  bool ok_2_0;
};

TEST(TimestampTest, AcceptanceByVersion) {
  const TimestampCase cases[] = {
      // Accepted by both.
      {"2015-11-18T12:17:00Z", true, true},
      {"2015-11-18T12:17:00.123Z", true, true},
      {"2015-11-18T12:17:00.1Z", true, true},
      {"2015-11-18T12:17:00.123456789Z", true, true},  // any number of fraction digits
      {"2008-09-15T15:53:00.601+00:00", true, true},   // 2.0 suite: valid RFC 3339
      {"2023-05-04T12:00:00-05:00", true, true},
      {"2023-05-04T12:00:00+05:30", true, true},
      {"2016-02-29T00:00:00Z", true, true},
      {"2015-11-18t12:17:00z", true, true},  // RFC 3339 allows lower case T and Z
      {"1776-07-04T16:00:45.123Z", true, true},
      {"2015-12-31T23:59:60Z", true, true},  // leap second
      // ISO 8601 forms RFC 3339 does not allow: 1.0 only.
      {"2008-09-15T15:53:00.601+00", true, false},
      {"2008-09-15T15:53:00.601+0000", true, false},
      {"2008-09-15T15:53:00.601-0500", true, false},
      {"2015-11-18T12:17Z", true, false},       // no seconds
      {"2015-11-18T12:17:00", true, false},     // no offset (taken as UTC)
      {"2015-11-18T12:17:00,5Z", true, false},  // comma fraction
      // Rejected by both.
      {"2008-09-15T15:53:00.601-00", false, false},  // negative zero offsets (suite)
      {"2008-09-15T15:53:00.601-0000", false, false},
      {"2008-09-15T15:53:00.601-00:00", false, false},
      {"01/011/2015", false, false},
      {"should fail", false, false},
      {"", false, false},
      {"2015-11-18", false, false},
      {"2015-11-18 12:17:00Z", false, false},
      {"2015-02-29T00:00:00Z", false, false},
      {"2015-13-01T00:00:00Z", false, false},
      {"2015-00-01T00:00:00Z", false, false},
      {"2015-04-31T00:00:00Z", false, false},
      {"2015-11-18T24:00:00Z", false, false},
      {"2015-11-18T12:60:00Z", false, false},
      {"2015-11-18T12:17:61Z", false, false},
      {"2015-11-18T12:17:00.Z", false, false},
      {"2015-11-18T12:17:00+24:00", false, false},
      {"2015-11-18T12:17:00+05:60", false, false},
      {"2015-11-18T12:17:00Zjunk", false, false},
      {"15-11-18T12:17:00Z", false, false},
      {"2015-1-18T12:17:00Z", false, false},
      {"+2015-11-18T12:17:00Z", false, false},
  };
  for (const TimestampCase& c : cases) {
    EXPECT_EQ(ParseTimestamp(c.text, Version::k1_0).has_value(), c.ok_1_0) << "1.0: " << c.text;
    EXPECT_EQ(ParseTimestamp(c.text, Version::k2_0).has_value(), c.ok_2_0) << "2.0: " << c.text;
  }
}

TEST(TimestampTest, ConvertsToUtcMicros) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z", Version::k2_0), 0);
  EXPECT_EQ(ParseTimestamp("2015-11-18T12:17:00Z", Version::k2_0), 1447849020 * kSec);
  EXPECT_EQ(ParseTimestamp("2015-11-18T12:17:00.123Z", Version::k2_0), 1447849020 * kSec + 123000);
  EXPECT_EQ(ParseTimestamp("2015-11-18T12:17:00.1234567Z", Version::k2_0), 1447849020 * kSec + 123456);
  // 4.2.7: the same instant whatever the offset.
  EXPECT_EQ(ParseTimestamp("2023-05-04T12:00:00-05:00", Version::k2_0),
            ParseTimestamp("2023-05-04T17:00:00.000Z", Version::k2_0));
  EXPECT_EQ(ParseTimestamp("2023-05-04T22:30:00+05:30", Version::k2_0),
            ParseTimestamp("2023-05-04T17:00:00Z", Version::k2_0));
  EXPECT_EQ(ParseTimestamp("2023-05-04T12:00:00-0500", Version::k1_0),
            ParseTimestamp("2023-05-04T17:00:00Z", Version::k1_0));
  EXPECT_EQ(ParseTimestamp("2023-05-04T17:00:00", Version::k1_0),
            ParseTimestamp("2023-05-04T17:00:00Z", Version::k1_0));
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.5Z", Version::k2_0), -500000);
  EXPECT_EQ(ParseTimestamp("2000-02-29T00:00:00Z", Version::k2_0), 951782400 * kSec);
  EXPECT_LT(*ParseTimestamp("1776-07-04T16:00:45.123Z", Version::k1_0), 0);
  EXPECT_EQ(ParseTimestamp("2015-12-31T23:59:60Z", Version::k2_0),
            ParseTimestamp("2016-01-01T00:00:00Z", Version::k2_0));
}

// ---- Durations ------------------------------------------------------------------------------

TEST(DurationTest, ValidForms) {
  for (std::string_view d :
       {"PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "P1D", "PT1S",
        "PT0S", "P1DT12H36M0.12567S", "PT1M", "P1Y2M", "P0.5Y", "PT1,5S", "P1DT1H", "P10000D"}) {
    EXPECT_TRUE(IsValidDuration(d)) << d;
  }
}

TEST(DurationTest, InvalidForms) {
  for (std::string_view d : {"",        "P",     "PT",       "should fail", "PA1H0M0S",
                             "P4W1D",   "P1DT",  "1D",       "pT1S",        "PT1s",
                             "P1H",     "PT1D",  "PT1S1M",   "P1M1Y",       "PT1.5H30M",
                             "PT.5S",   "PT1.S", "P-1D",     "P1D2",        "P0003-06-04T12:30:05",
                             "PT1H 0M", "P1W1W", "P1DT1HT1M"}) {
    EXPECT_FALSE(IsValidDuration(d)) << d;
  }
}

TEST(DurationTest, Seconds) {
  EXPECT_DOUBLE_EQ(*DurationSeconds("PT1H30M"), 5400);
  EXPECT_DOUBLE_EQ(*DurationSeconds("PT0.25S"), 0.25);
  EXPECT_DOUBLE_EQ(*DurationSeconds("P1DT2.5S"), 86402.5);
  EXPECT_DOUBLE_EQ(*DurationSeconds("P3W"), 3 * 7 * 86400);
  EXPECT_DOUBLE_EQ(*DurationSeconds("P1Y"), 365.0 * 86400);
  EXPECT_DOUBLE_EQ(*DurationSeconds("P1M"), 30.0 * 86400);
  EXPECT_NEAR(*DurationSeconds("PT4H35M59.14S"), *DurationSeconds("PT16559.14S"), 1e-9);
  EXPECT_FALSE(DurationSeconds("P4W1D").has_value());
}

// ---- Language tags ---------------------------------------------------------------------------

TEST(LanguageTagTest, Valid) {
  for (std::string_view t : {"en",
                             "en-US",
                             "en-GB",
                             "de",
                             "de-DE",
                             "zh-Hant",
                             "sr-Latn-RS",
                             "cmn",
                             "zh-Hans-CN",
                             "ase",
                             "ja",
                             "fr-CA",
                             "es",
                             "es-MX",
                             "es-419",
                             "tlh",
                             "sr-Cyrl",
                             "ja-JP",
                             "ko-KR",
                             "is-IS",
                             "ru-RU",
                             "pa-IN",
                             "sk-SK",
                             "ar-EG",
                             "hy-AM",
                             "kn-IN",
                             "EN-us",
                             "de-CH-1901",
                             "sl-rozaj-biske",
                             "en-a-bbb-x-a-ccc",
                             "zh-min-nan",
                             "zh-yue-HK",
                             "qaa-Qaaa-QM-x-southern",
                             "x-private",
                             "x-a-b",
                             "i-klingon",
                             "en-GB-oed",
                             "i-default",
                             "sgn-BE-FR",
                             "art-lojban",
                             "de-Latn-DE-1996",
                             "hy-Latn-IT-arevela",
                             "en-US-u-islamcal",
                             "abcde",
                             "abcdefgh"}) {
    EXPECT_TRUE(IsLanguageTag(t)) << t;
  }
}

TEST(LanguageTagTest, Invalid) {
  for (std::string_view t : {"",
                             "something",
                             "a12345678",
                             "s-something",
                             "zh-z-aaa-z-bbb-c-ccc",
                             "en-",
                             "-en",
                             "en--US",
                             "e",
                             "en_US",
                             "de-419-DE",
                             "a-DE",
                             "ar-a-aaa-b-bbb-a-ccc",
                             "x",
                             "en-x",
                             "de-DE-1901-1901",
                             "12",
                             "en-US-",
                             "en US",
                             "abcdefghi",
                             "en-a",
                             "en-a-x-b",
                             "de-DE-u",
                             "en-ÄÖ"}) {
    EXPECT_FALSE(IsLanguageTag(t)) << t;
  }
}

// ---- IRIs and friends ------------------------------------------------------------------------

TEST(IriTest, Valid) {
  for (std::string_view iri :
       {"http://example.com", "http://adlnet.gov/expapi/verbs/attended", "https://example.com/path?q=1#frag",
        "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "mailto:a@b.c", "tag:example.com,2024:x",
        "http://example.com/path/../slug", "http://\xe4\xbe\x8b\xe3\x81\x88.jp/\xe3\x83\x91\xe3\x82\xb9",
        "x-custom+scheme.1:thing", "http://openid.example.org/12345"}) {
    EXPECT_TRUE(IsIri(iri)) << iri;
    EXPECT_TRUE(IsIrl(iri)) << iri;
  }
}

TEST(IriTest, Invalid) {
  for (std::string_view iri :
       {"", "example.com", "not.valid.com/extension", "example.com/extension/wrong", "should error",
        "ab=c://should.fail.com", "http:", ":foo", "1http://x", "http://exa mple.com", "http://x\ty",
        "homePage.com/testUser", "open.id.com/testUser", "http://x\x7f", "-a:b"}) {
    EXPECT_FALSE(IsIri(iri)) << iri;
    EXPECT_FALSE(IsIrl(iri)) << iri;
  }
}

TEST(MailtoTest, ValidAndInvalid) {
  for (std::string_view m : {"mailto:xapi@adlnet.gov", "mailto:a@b", "mailto:first.last+tag@example.co.uk"})
    EXPECT_TRUE(IsMailtoIri(m)) << m;
  for (std::string_view m : {"", "mailto:", "xapi@adlnet.gov", "http://xapi@adlnet.gov",
                             "mailto:xapi.adlnet.gov", "mailto:@adlnet.gov", "mailto:xapi@", "mailto:a@b@c",
                             "mailto:a b@c", "MAILTO:a@b", "mailto :a@b", "should fail"})
    EXPECT_FALSE(IsMailtoIri(m)) << m;
}

TEST(HashTest, Sha1AndSha2) {
  EXPECT_TRUE(IsSha1Hex("cd9b00a5611f94eaa7b1661edab976068e364975"));
  EXPECT_TRUE(IsSha1Hex("CD9B00A5611F94EAA7B1661EDAB976068E364975"));
  EXPECT_FALSE(IsSha1Hex("cd9b00a5611f94eaa7b1661edab976068e36497"));
  EXPECT_FALSE(IsSha1Hex("cd9b00a5611f94eaa7b1661edab976068e3649755"));
  EXPECT_FALSE(IsSha1Hex("gd9b00a5611f94eaa7b1661edab976068e364975"));
  EXPECT_FALSE(IsSha1Hex(""));

  const std::string sha256 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";
  EXPECT_TRUE(IsSha2Hex(sha256));
  EXPECT_TRUE(IsSha2Hex(std::string(56, 'a')));
  EXPECT_TRUE(IsSha2Hex(std::string(96, 'B')));
  EXPECT_TRUE(IsSha2Hex(std::string(128, '0')));
  EXPECT_FALSE(IsSha2Hex(""));
  EXPECT_FALSE(IsSha2Hex(sha256.substr(1)));
  EXPECT_FALSE(IsSha2Hex(std::string(40, 'a')));
  EXPECT_FALSE(IsSha2Hex("z" + sha256.substr(1)));
}

TEST(MediaTypeTest, ValidAndInvalid) {
  for (std::string_view t :
       {"text/plain", "text/plain; charset=ascii", "application/json", "application/octet-stream",
        "image/jpeg", "multipart/mixed; boundary=abc", "text/plain;charset=\"utf-8\"",
        "application/vnd.api+json", "text/plain ;a=b ; c=d"})
    EXPECT_TRUE(IsMediaType(t)) << t;
  for (std::string_view t :
       {"", "text", "text/", "/plain", "text/plain;", "text/plain; charset", "text/plain; =x", "text plain",
        "text/pl ain", "text/plain; a=\"unterminated", "should fail", "a/b/c"})
    EXPECT_FALSE(IsMediaType(t)) << t;
}

TEST(UuidTest, ValidAndInvalid) {
  for (std::string_view u : {"fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "AA97B177-9383-4934-8543-0F91A7A02836",
                             "00000000-0000-0000-0000-000000000000"})
    EXPECT_TRUE(IsUuid(u)) << u;
  for (std::string_view u :
       {"", "AA97B177-9383-4934-8543-0F91A7A028368", "MA97B177-9383-4934-8543-0F91A7A02836",
        "fd41c918b88b4b20a0a5a4c32391aaa0", "{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}",
        "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "fd41c918-b88b-4b20-a0a5_a4c32391aaa0",
        "fd41c918-b88b-4b20-a0a5-a4c32391aaa", "wrong"})
    EXPECT_FALSE(IsUuid(u)) << u;
}

}  // namespace
}  // namespace lrsd::xapi
