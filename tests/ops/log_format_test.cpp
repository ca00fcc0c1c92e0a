// The log line formats (src/base/base.cpp): text as before, and one JSON object per line.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <limits>
#include <string>

#include "lrsd/base.h"

namespace lrsd {
namespace {

constexpr MicrosSinceEpoch kTime = 1795450667123000;  // 2026-11-23T…

rapidjson::Document ParseLine(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size() - 1);
  EXPECT_FALSE(d.HasParseError()) << line;
  EXPECT_TRUE(d.IsObject()) << line;
  return d;
}

TEST(LogFormat, Parses) {
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("JSON").has_value());
  EXPECT_FALSE(ParseLogFormat("").has_value());
}

TEST(LogFormat, TextIsTheClassicLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kInfo, "serving data in /tmp/x"),
            FormatTimestampMillis(kTime) + " INFO serving data in /tmp/x\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, kTime, LogLevel::kWarn, "m", {{"status", std::int64_t{200}}, {"who", "a b"}}),
            FormatTimestampMillis(kTime) + " WARN m status=200 who=a b\n");
}

TEST(LogFormat, JsonHasTimeLevelMessageAndFields) {
  auto d = ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, "request",
                                   {{"remote", "127.0.0.1"},
                                    {"method", "GET"},
                                    {"target", "/xapi/statements?limit=1"},
                                    {"status", std::int64_t{200}},
                                    {"bytes", std::int64_t{1234}},
                                    {"ms", 1.2345}}));
  EXPECT_EQ(std::string(d["time"].GetString()), FormatTimestampMillis(kTime));
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["msg"].GetString(), "request");
  EXPECT_STREQ(d["remote"].GetString(), "127.0.0.1");
  EXPECT_STREQ(d["method"].GetString(), "GET");
  EXPECT_STREQ(d["target"].GetString(), "/xapi/statements?limit=1");
  EXPECT_EQ(d["status"].GetInt(), 200);
  EXPECT_EQ(d["bytes"].GetInt(), 1234);
  EXPECT_NEAR(d["ms"].GetDouble(), 1.2345, 0.001);
  EXPECT_STREQ(ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kError, "x"))["level"].GetString(), "error");
  EXPECT_STREQ(ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kDebug, "x"))["level"].GetString(), "debug");
  EXPECT_STREQ(ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kWarn, "x"))["level"].GetString(), "warn");
}

TEST(LogFormat, JsonEscapesAnythingAClientSends) {
  const std::string nasty = std::string("quote\" backslash\\ newline\n tab\t nul") + '\0' + "\x01 del\x7f é 😀";
  auto d = ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, nasty, {{"target", nasty}}));
  EXPECT_EQ(std::string(d["msg"].GetString(), d["msg"].GetStringLength()), nasty);
  EXPECT_EQ(std::string(d["target"].GetString(), d["target"].GetStringLength()), nasty);
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an overlong, a surrogate)
  // becomes U+FFFD so the line stays valid JSON.
  auto bad = ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, "a\x80 b\xE2\x82 c\xC0\xAF d\xED\xA0\x80"));
  const std::string msg = bad["msg"].GetString();
  EXPECT_EQ(msg.find('\x80'), std::string::npos);
  EXPECT_EQ(msg.substr(0, 4), "a\xEF\xBF\xBD");
  EXPECT_NE(msg.find("c\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos);  // overlong: both bytes replaced
  // Non-finite numbers are null.
  auto inf = ParseLine(FormatLogLine(LogFormat::kJson, kTime, LogLevel::kInfo, "x",
                                     {{"ms", std::numeric_limits<double>::infinity()}}));
  EXPECT_TRUE(inf["ms"].IsNull());
}

}  // namespace
}  // namespace lrsd
