// Per-statement contributions (src/profile/contribution.cpp): what a stored statement adds to its
// actor's profile, and the compact versioned encoding, including garbage input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "lrsd/profile.h"

namespace lrsd::profile {
namespace {

xapi::JsonDocument Json(std::string_view text) {
  xapi::JsonDocument d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

const Rules& TestRules() {
  static const std::shared_ptr<const Rules> rules = [] {
    auto r = ParseRules(R"({
      "modality": [{"when": {"category": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}, "modality": "formal"},
                   {"when": {"activityType": "http://activitystrea.ms/schema/1.0/task"}, "modality": "experiential"}],
      "competency": [{"when": {"activityIdPrefix": "https://lms.example.com/au/negotiation"}, "competency": "negotiation", "level": 3},
                     {"when": {"verb": "http://adlnet.gov/expapi/verbs/passed"}, "competency": "assessments", "level": 1}]})");
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return *r;
  }();
  return *rules;
}

std::optional<Contribution> Of(std::string_view statement, const Rules& rules = TestRules(),
                               const CostRules* costs = nullptr) {
  return Contribute(Json(statement), rules, costs);
}

std::shared_ptr<const CostRules> Costs(std::string_view json) {
  auto c = ParseCosts(json);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().ToString());
  return c.ok() ? *c : std::make_shared<const CostRules>();
}

// A stored cmi5 "passed" (the LRS has set id, timestamp and stored).
constexpr std::string_view kPassed = R"({
  "id": "0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f",
  "timestamp": "2026-10-15T09:12:44.120Z",
  "stored": "2026-10-15T09:12:45.001Z",
  "actor": {"objectType": "Agent", "name": "Ana", "account": {"homePage": "https://lms.example.com", "name": "ana"}},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
  "object": {"objectType": "Activity", "id": "https://lms.example.com/au/negotiation-1",
             "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"}},
  "result": {"score": {"scaled": 0.86, "raw": 86, "min": 0, "max": 100}, "success": true, "completion": true,
             "duration": "PT23M12.5S"},
  "context": {"contextActivities": {"category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]}}
})";

// 2026-10-15T09:12:44.120Z
constexpr std::int64_t kPassedMicros = 1792055564120000LL;

TEST(Contribute, StoredCmi5Statement) {
  auto c = Of(kPassed);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->ifi, "account:https://lms.example.com|ana");
  EXPECT_EQ(c->statement_id, "0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f");
  EXPECT_EQ(c->timestamp, kPassedMicros);
  EXPECT_EQ(c->modality, Modality::kFormal);
  EXPECT_DOUBLE_EQ(c->seconds, 23 * 60 + 12.5);
  EXPECT_TRUE(c->completed);
  EXPECT_TRUE(c->passed);
  EXPECT_FALSE(c->failed);
  ASSERT_TRUE(c->scaled.has_value());
  EXPECT_DOUBLE_EQ(*c->scaled, 0.86);
  EXPECT_EQ(c->competencies, (std::vector<std::pair<std::string, int>>{{"negotiation", 3}, {"assessments", 1}}));
  EXPECT_EQ(c->verb, "http://adlnet.gov/expapi/verbs/passed");
  EXPECT_EQ(c->activity, "https://lms.example.com/au/negotiation-1");
}

TEST(Contribute, MinimalStatement) {
  auto c = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                  "actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
                  "object":{"id":"https://x.example.com/a"}})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->ifi, "mbox:mailto:ana@example.com");
  EXPECT_EQ(c->modality, Modality::kUnclassified);
  EXPECT_EQ(c->seconds, 0);
  EXPECT_FALSE(c->completed || c->passed || c->failed);
  EXPECT_FALSE(c->scaled.has_value());
  EXPECT_TRUE(c->competencies.empty());
  EXPECT_EQ(c->activity, "https://x.example.com/a");  // objectType defaults to Activity
}

TEST(Contribute, Outcomes) {
  auto with_result = [](std::string_view result) {
    return Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                  "actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/failed"},
                  "object":{"id":"https://x.example.com/a"},"result":)" +
              std::string(result) + "}");
  };
  auto failed = with_result(R"({"success":false,"completion":false,"score":{"scaled":-0.25}})");
  ASSERT_TRUE(failed.has_value());
  EXPECT_FALSE(failed->passed);
  EXPECT_TRUE(failed->failed);
  EXPECT_FALSE(failed->completed);
  EXPECT_DOUBLE_EQ(failed->scaled.value_or(9), -0.25);
  auto completed = with_result(R"({"completion":true,"score":{"raw":5}})");
  EXPECT_TRUE(completed->completed);
  EXPECT_FALSE(completed->passed || completed->failed);  // no success: neither
  EXPECT_FALSE(completed->scaled.has_value());           // only scaled counts
  auto scaled_one = with_result(R"({"score":{"scaled":1}})");
  EXPECT_DOUBLE_EQ(scaled_one->scaled.value_or(9), 1.0);
}

TEST(Contribute, DurationsCountFractions) {
  auto seconds = [](std::string_view duration) {
    auto c = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                    "actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
                    "object":{"id":"https://x.example.com/a"},"result":{"duration":")" +
                std::string(duration) + "\"}}");
    EXPECT_TRUE(c.has_value());
    return c ? c->seconds : -1;
  };
  EXPECT_DOUBLE_EQ(seconds("PT1.5S"), 1.5);
  EXPECT_DOUBLE_EQ(seconds("PT0.01S"), 0.01);
  EXPECT_DOUBLE_EQ(seconds("PT1H30M"), 5400);
  EXPECT_DOUBLE_EQ(seconds("PT1M30.25S"), 90.25);
  EXPECT_DOUBLE_EQ(seconds("P1DT2H"), 86400 + 7200);
  EXPECT_DOUBLE_EQ(seconds("PT0.5H"), 1800);
  EXPECT_DOUBLE_EQ(seconds("PT2,5S"), 2.5);  // ISO 8601 allows a decimal comma
  EXPECT_DOUBLE_EQ(seconds("P1W"), 7 * 86400);
  EXPECT_DOUBLE_EQ(seconds("PT0S"), 0);
  EXPECT_DOUBLE_EQ(seconds("90 minutes"), 0);  // invalid: no time rather than a failure
  EXPECT_DOUBLE_EQ(seconds("PT"), 0);
  EXPECT_DOUBLE_EQ(seconds(""), 0);
}

TEST(Contribute, TimestampIsLenientIso8601WithStoredAsFallback) {
  auto at = [](std::string_view fields) {
    auto c = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71",)" + std::string(fields) +
                R"(,"actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
                    "object":{"id":"https://x.example.com/a"}})");
    EXPECT_TRUE(c.has_value());
    return c ? c->timestamp : -1;
  };
  EXPECT_EQ(at(R"("timestamp":"2026-10-15T09:12:44.120Z","stored":"2026-10-16T00:00:00Z")"), kPassedMicros);
  EXPECT_EQ(at(R"("timestamp":"2026-10-15T11:12:44.12+02:00")"), kPassedMicros);
  EXPECT_EQ(at(R"("timestamp":"2026-10-15T09:12:44.120000Z")"), kPassedMicros);
  // 1.0.x forms RFC 3339 refuses: no seconds.
  EXPECT_EQ(at(R"("timestamp":"2026-10-15T09:12Z")"), kPassedMicros - 44120000);
  EXPECT_EQ(at(R"("stored":"2026-10-15T09:12:44.120Z")"), kPassedMicros);
  EXPECT_EQ(at(R"("timestamp":"yesterday","stored":"2026-10-15T09:12:44.120Z")"), kPassedMicros);
  EXPECT_EQ(at(R"("timestamp":"yesterday")"), 0);
}

TEST(Contribute, OnlyActivityObjectsNameAnActivity) {
  auto object = [](std::string_view obj) {
    auto c = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                    "actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
                    "object":)" +
                std::string(obj) + "}");
    EXPECT_TRUE(c.has_value());
    return c ? c->activity : "?";
  };
  EXPECT_EQ(object(R"({"objectType":"Activity","id":"https://x.example.com/a"})"), "https://x.example.com/a");
  EXPECT_EQ(object(R"({"objectType":"Agent","mbox":"mailto:bo@example.com"})"), "");
  EXPECT_EQ(object(R"({"objectType":"StatementRef","id":"0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f"})"), "");
  EXPECT_EQ(object(R"({"objectType":"SubStatement","actor":{"mbox":"mailto:bo@example.com"},
                       "verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":"https://x.example.com/b"}})"),
            "");
}

TEST(Contribute, VoidingStatement) {
  // A voiding statement is the admin's own statement: it contributes to the admin's profile as
  // an unclassified statement about no activity (undoing the voided statement's contribution is
  // the caller's business).
  auto c = Of(R"({"id":"5d1b1a3e-6a8d-4f0a-b4a7-1b2c3d4e5f60","timestamp":"2026-10-20T08:00:00Z",
                  "stored":"2026-10-20T08:00:00.500Z",
                  "actor":{"objectType":"Agent","mbox":"mailto:admin@example.com"},
                  "verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}},
                  "object":{"objectType":"StatementRef","id":"0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f"}})");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->ifi, "mbox:mailto:admin@example.com");
  EXPECT_EQ(c->verb, "http://adlnet.gov/expapi/verbs/voided");
  EXPECT_EQ(c->activity, "");
  EXPECT_EQ(c->modality, Modality::kUnclassified);
  EXPECT_TRUE(c->competencies.empty());
  EXPECT_EQ(c->seconds, 0);
  // Even with the default rules.
  auto defaults = ParseRules(DefaultRulesJson());
  ASSERT_TRUE(defaults.ok());
  auto d = Of(R"({"id":"5d1b1a3e-6a8d-4f0a-b4a7-1b2c3d4e5f60","timestamp":"2026-10-20T08:00:00Z",
                  "actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
                  "object":{"objectType":"StatementRef","id":"0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f"}})",
              **defaults);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->modality, Modality::kUnclassified);
}

TEST(Contribute, GroupsAndMissingActors) {
  // An anonymous group is nobody's profile.
  EXPECT_FALSE(Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                      "actor":{"objectType":"Group","name":"Team A","member":[{"mbox":"mailto:a@example.com"},
                                                                              {"mbox":"mailto:b@example.com"}]},
                      "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://x.example.com/a"}})")
                   .has_value());
  // An identified group is, under its own IFI.
  auto team = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                     "actor":{"objectType":"Group","account":{"homePage":"https://teams.example.com","name":"team-a"},
                              "member":[{"mbox":"mailto:a@example.com"}]},
                     "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://x.example.com/a"}})");
  ASSERT_TRUE(team.has_value());
  EXPECT_EQ(team->ifi, "account:https://teams.example.com|team-a");
  // SHA-1 IFIs as xapi::IfiKey spells them (lower case), matching the people directory.
  auto hashed = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                       "actor":{"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"},
                       "verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://x.example.com/a"}})");
  ASSERT_TRUE(hashed.has_value());
  EXPECT_EQ(hashed->ifi, "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
  EXPECT_FALSE(Of(R"({"id":"x","verb":{"id":"http://a.example.com/v"}})").has_value());
  EXPECT_FALSE(Of("[]").has_value());
  EXPECT_FALSE(Of(R"({"actor":"mailto:a@example.com"})").has_value());
}

TEST(Contribute, CarriesTheStatementsCost) {
  const auto costs = Costs(R"({"currency":"EUR","rules":[
      {"when":{"activityIdPrefix":"https://lms.example.com/au/"},"perCompletion":400,"perHour":90}]})");
  // Completed and passed: 400.00 + 90.00/h x 1392.5 s (34.8125 -> 34.81).
  auto c = Of(kPassed, TestRules(), costs.get());
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->cost_cents, 40000 + 3481);
  // Without cost rules: no cost; the rest is unchanged.
  auto none = Of(kPassed);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->cost_cents, 0);
  EXPECT_EQ(none->competencies, c->competencies);
  CostRules empty;
  EXPECT_EQ(Of(kPassed, TestRules(), &empty)->cost_cents, 0);

  auto with_result = [&](std::string_view result, std::string_view activity = "https://lms.example.com/au/x") {
    auto r = Of(R"({"id":"9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71","timestamp":"2026-10-15T09:12:44Z",
                    "actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
                    "object":{"id":")" +
                    std::string(activity) + R"("},"result":)" + std::string(result) + "}",
                TestRules(), costs.get());
    EXPECT_TRUE(r.has_value());
    return r ? r->cost_cents : -1;
  };
  // perCompletion when completed or passed (Contribute passes completed || passed).
  EXPECT_EQ(with_result(R"({"completion":true})"), 40000);
  EXPECT_EQ(with_result(R"({"success":true})"), 40000);
  EXPECT_EQ(with_result(R"({"success":false,"completion":false})"), 0);
  EXPECT_EQ(with_result(R"({})"), 0);
  // perHour on result.duration.
  EXPECT_EQ(with_result(R"({"duration":"PT30M"})"), 4500);
  EXPECT_EQ(with_result(R"({"duration":"PT1H","completion":true})"), 40000 + 9000);
  EXPECT_EQ(with_result(R"({"duration":"not a duration","completion":true})"), 40000);
  // No rule matches.
  EXPECT_EQ(with_result(R"({"duration":"PT1H","completion":true})", "https://elsewhere.example.com/x"), 0);
}

TEST(Contribute, WithoutRules) {
  Rules none;
  auto c = Of(kPassed, none);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->modality, Modality::kUnclassified);
  EXPECT_TRUE(c->competencies.empty());
  EXPECT_TRUE(c->passed);
}

// ---- Encoding ----------------------------------------------------------------------------------------

void ExpectSame(const Contribution& a, const Contribution& b) {
  EXPECT_EQ(a.ifi, b.ifi);
  EXPECT_EQ(a.statement_id, b.statement_id);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.modality, b.modality);
  EXPECT_EQ(a.seconds, b.seconds);  // bit-exact
  EXPECT_EQ(a.completed, b.completed);
  EXPECT_EQ(a.passed, b.passed);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_EQ(a.scaled, b.scaled);
  EXPECT_EQ(a.competencies, b.competencies);
  EXPECT_EQ(a.verb, b.verb);
  EXPECT_EQ(a.activity, b.activity);
  EXPECT_EQ(a.cost_cents, b.cost_cents);
}

TEST(ContributionEncoding, RoundTripsAStatementsContribution) {
  auto c = Of(kPassed);
  ASSERT_TRUE(c.has_value());
  const std::string bytes = EncodeContribution(*c);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes[0], '\x02');  // format version
  auto back = DecodeContribution(bytes);
  ASSERT_TRUE(back.has_value());
  ExpectSame(*back, *c);
  // Compact: the strings, a 16-byte id and a few bytes of framing.
  const std::size_t strings = c->ifi.size() + c->verb.size() + c->activity.size() + 16 + 11 + 11;
  EXPECT_LE(bytes.size(), strings + 40) << bytes.size();
}

TEST(ContributionEncoding, RoundTripsEdgeValues) {
  Contribution c;
  ExpectSame(*DecodeContribution(EncodeContribution(c)), c);  // all defaults

  c.ifi = std::string(300, 'x');
  c.statement_id = "not-a-uuid";
  c.timestamp = std::numeric_limits<std::int64_t>::min();
  c.modality = Modality::kInformal;
  c.seconds = 1e-9;
  c.scaled = -1.0;
  c.failed = true;
  c.competencies = {{"", 1}, {"a", 10}, {std::string(200, 'c'), -7}, {"z", std::numeric_limits<int>::max()}};
  c.verb = std::string("\0\xff", 2);
  ExpectSame(*DecodeContribution(EncodeContribution(c)), c);

  c.timestamp = std::numeric_limits<std::int64_t>::max();
  c.seconds = 1e300;
  c.scaled = 0.0;
  ExpectSame(*DecodeContribution(EncodeContribution(c)), c);

  // Upper-case UUID text is kept as written (not canonicalised by the 16-byte form).
  c.statement_id = "0A7C3E2E-5B3D-4C1E-9F1C-3C8C7A1D2E4F";
  EXPECT_EQ(DecodeContribution(EncodeContribution(c))->statement_id, c.statement_id);
  c.statement_id = "0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f";
  EXPECT_EQ(DecodeContribution(EncodeContribution(c))->statement_id, c.statement_id);

  // Non-finite numbers are not stored: they would poison the sums.
  c.seconds = std::numeric_limits<double>::infinity();
  c.scaled = std::nan("");
  auto sanitized = DecodeContribution(EncodeContribution(c));
  ASSERT_TRUE(sanitized.has_value());
  EXPECT_EQ(sanitized->seconds, 0);
  EXPECT_FALSE(sanitized->scaled.has_value());
}

TEST(ContributionEncoding, RejectsGarbage) {
  auto c = Of(kPassed);
  ASSERT_TRUE(c.has_value());
  const std::string good = EncodeContribution(*c);

  EXPECT_FALSE(DecodeContribution("").has_value());
  EXPECT_FALSE(DecodeContribution(std::string_view("\0", 1)).has_value());
  EXPECT_FALSE(DecodeContribution("\x03" + good.substr(1)).has_value());  // unknown format
  EXPECT_FALSE(DecodeContribution("\x00" + good.substr(1)).has_value());
  // Every truncation, and trailing bytes.
  for (std::size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(DecodeContribution(good.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(DecodeContribution(good + '\0').has_value());
  // Unknown flag bits; out-of-range modality.
  std::string bad = good;
  bad[1] = static_cast<char>(bad[1] | 0x80);
  EXPECT_FALSE(DecodeContribution(bad).has_value());
  bad = good;
  bad[2] = 4;
  EXPECT_FALSE(DecodeContribution(bad).has_value());
  // A string length far beyond the input must not allocate it: format, flags (no doubles, no
  // uuid), modality, timestamp 0, then an ifi length of 2^62.
  const std::string huge_length = std::string("\x01\x00\x00\x00", 4) + "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
  EXPECT_FALSE(DecodeContribution(huge_length).has_value());
  // An over-long varint.
  EXPECT_FALSE(DecodeContribution(std::string("\x01\x00\x00", 3) + std::string(11, '\xff') + '\x01').has_value());
  // A huge competency count.
  Contribution empty;
  std::string count = EncodeContribution(empty);
  count.back() = '\xff';
  count += "\xff\xff\xff\x0f";
  EXPECT_FALSE(DecodeContribution(count).has_value());
  // A NaN where seconds are.
  Contribution timed;
  timed.seconds = 2;
  std::string nan = EncodeContribution(timed);
  const double q = std::nan("");
  std::memcpy(&nan[4], &q, 8);  // format, flags, modality, timestamp (1 byte), then the double
  EXPECT_FALSE(DecodeContribution(nan).has_value());
}

TEST(ContributionEncoding, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  auto c = Of(kPassed);
  ASSERT_TRUE(c.has_value());
  const std::string good = EncodeContribution(*c);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      bytes.resize(static_cast<std::size_t>(length(rng)));
      for (char& ch : bytes) ch = static_cast<char>(byte(rng));
      if (!bytes.empty() && i % 4 == 0) bytes[0] = (i % 8 == 0) ? '\x01' : '\x02';
    } else {
      // Flip a byte of a valid encoding.
      bytes = good;
      bytes[static_cast<std::size_t>(rng() % bytes.size())] = static_cast<char>(byte(rng));
    }
    auto d = DecodeContribution(bytes);
    if (d) {
      ++decoded;
      // Whatever decodes re-encodes to the same bytes (format 1 as format 2: the first byte).
      if (bytes[0] == '\x01') {
        EXPECT_EQ(d->cost_cents, 0);
        EXPECT_EQ(EncodeContribution(*d), "\x02" + bytes.substr(1));
      } else {
        EXPECT_EQ(EncodeContribution(*d), bytes);
      }
    }
  }
  EXPECT_GT(decoded, 0);
}

// ---- Costs in the encoding, and the format before costs -----------------------------------------

TEST(ContributionEncoding, RoundTripsCosts) {
  auto c = Of(kPassed);
  ASSERT_TRUE(c.has_value());
  const std::string without = EncodeContribution(*c);
  for (std::int64_t cost : {std::int64_t{1}, std::int64_t{43481}, std::int64_t{-5}, kMaxCostCents,
                            std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    c->cost_cents = cost;
    const std::string bytes = EncodeContribution(*c);
    EXPECT_EQ(bytes[0], '\x02');
    EXPECT_GT(bytes.size(), without.size());
    auto back = DecodeContribution(bytes);
    ASSERT_TRUE(back.has_value()) << cost;
    ExpectSame(*back, *c);
  }
  // A zero cost takes no bytes, and is never written: a cost flag with a zero amount is garbage.
  c->cost_cents = 0;
  EXPECT_EQ(EncodeContribution(*c), without);
  c->cost_cents = 1;
  std::string zero = EncodeContribution(*c);
  // format, flags, modality, timestamp (8 bytes), seconds, scaled, then the cost varint.
  const std::size_t cost_at = 3 + 8 + 8 + 8;
  ASSERT_EQ(zero[cost_at], '\x02');  // zigzag(1)
  zero[cost_at] = '\x00';
  EXPECT_FALSE(DecodeContribution(zero).has_value());
}

// kPassed under TestRules() as encoded by format 1 (before costs), byte for byte.
constexpr std::string_view kFormat1Hex =
    "013b0080bf89b5aef7ae060000000000c2954085eb51b81e85eb3f236163636f756e743a68747470733a2f2f6c6d732e6578"
    "616d706c652e636f6d7c616e610a7c3e2e5b3d4c1e9f1c3c8c7a1d2e4f25687474703a2f2f61646c6e65742e676f762f6578"
    "706170692f76657262732f7061737365642868747470733a2f2f6c6d732e6578616d706c652e636f6d2f61752f6e65676f74"
    "696174696f6e2d31020b6e65676f74696174696f6e060b6173736573736d656e747302";

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(ContributionEncoding, DecodesTheFormatBeforeCosts) {
  const std::string old = FromHex(kFormat1Hex);
  ASSERT_EQ(old[0], '\x01');
  auto d = DecodeContribution(old);
  ASSERT_TRUE(d.has_value());
  auto expected = Of(kPassed);
  ASSERT_TRUE(expected.has_value());
  ExpectSame(*d, *expected);
  EXPECT_EQ(d->cost_cents, 0);
  // Re-encoded in the current format: format 2 without a cost is format 1 but for the version.
  EXPECT_EQ(EncodeContribution(*d), "\x02" + old.substr(1));
  // Format 1 knows no cost flag.
  std::string flagged = old;
  flagged[1] = static_cast<char>(flagged[1] | 0x40);
  EXPECT_FALSE(DecodeContribution(flagged).has_value());
  // Its truncations stay garbage.
  for (std::size_t n = 0; n < old.size(); ++n) EXPECT_FALSE(DecodeContribution(old.substr(0, n)).has_value()) << n;
}

}  // namespace
}  // namespace lrsd::profile
