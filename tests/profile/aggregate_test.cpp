// Aggregates: exact additive arithmetic, encoding, RocksDB merges; records: expansion of a
// contribution and reading an IFI's aggregate over a time range from a real store.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <random>

#include "lrsd/profile.h"
#include "lrsd/store.h"

namespace lrsd::profile {
namespace {

constexpr std::int64_t kDay = 86400LL * 1000000;
// 2026-10-15T00:00:00Z
constexpr std::int64_t kOct15 = 1792022400LL * 1000000;

Contribution Make(std::string ifi, std::int64_t ts, Modality m, double seconds, std::string id = "") {
  Contribution c;
  c.ifi = std::move(ifi);
  c.timestamp = ts;
  c.modality = m;
  c.seconds = seconds;
  c.statement_id = id.empty() ? FormatUuid(NewUuid()) : id;
  c.verb = "http://adlnet.gov/expapi/verbs/completed";
  c.activity = "http://example.com/a";
  return c;
}

TEST(Aggregate, AddingThenSubtractingIsExact) {
  Aggregate a;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> seconds(0, 5000);
  std::vector<Contribution> cs;
  for (int i = 0; i < 500; ++i) {
    Contribution c = Make("mbox:mailto:a@example.com", kOct15 + i * 3600000000LL, static_cast<Modality>(i % 4),
                          seconds(rng));
    c.completed = i % 2 == 0;
    c.passed = i % 3 == 0;
    c.failed = i % 5 == 0;
    if (i % 7 == 0) c.scaled = (i % 100) / 100.0;
    c.competencies = {{"negotiation", 1 + i % 4}};
    cs.push_back(c);
    a.Add(c, +1);
  }
  // Subtract in another order: integer arithmetic makes the result independent of order.
  std::shuffle(cs.begin(), cs.end(), rng);
  for (const auto& c : cs) a.Add(c, -1);
  EXPECT_TRUE(a.Empty());
  EXPECT_EQ(EncodeAggregate(a), EncodeAggregate(Aggregate{}));
}

TEST(Aggregate, CountsTimeOutcomesAndMonths) {
  Aggregate a;
  Contribution formal = Make("x", kOct15, Modality::kFormal, 3600);
  formal.completed = true;
  formal.passed = true;
  formal.scaled = 0.9;
  Contribution field = Make("x", kOct15 + 20 * kDay, Modality::kExperiential, 1.5);  // 2026-11-04
  field.failed = true;
  field.scaled = 0.7;
  Contribution odd = Make("x", kOct15, Modality::kUnclassified, 60);
  a.Add(formal, +1);
  a.Add(field, +1);
  a.Add(odd, +1);
  EXPECT_EQ(a.statements[0], 1);
  EXPECT_EQ(a.statements[1], 1);
  EXPECT_EQ(a.statements[3], 1);
  EXPECT_EQ(a.millis[0], 3600000);
  EXPECT_EQ(a.millis[1], 1500);  // fractions of seconds count
  EXPECT_EQ(a.completed, 1);
  EXPECT_EQ(a.passed, 1);
  EXPECT_EQ(a.failed, 1);
  EXPECT_EQ(a.scaled_count, 2);
  EXPECT_EQ(a.scaled_nanos, 1600000000);
  ASSERT_EQ(a.months.size(), 2u);
  EXPECT_EQ(a.months.at(202610).millis[0], 3600000);
  EXPECT_EQ(a.months.at(202610).statements, 2);  // the unclassified one counts as activity
  EXPECT_EQ(a.months.at(202611).millis[1], 1500);
}

TEST(Aggregate, LevelIsTheHighestQualifyingLevelAndSurvivesVoiding) {
  Aggregate a;
  Contribution basics = Make("x", kOct15, Modality::kFormal, 0);
  basics.competencies = {{"negotiation", 1}};
  basics.completed = true;
  Contribution advanced = Make("x", kOct15, Modality::kFormal, 0);
  advanced.competencies = {{"negotiation", 3}};
  advanced.passed = true;
  Contribution attempt = Make("x", kOct15, Modality::kFormal, 0);  // neither completed nor passed
  attempt.competencies = {{"negotiation", 5}};
  a.Add(basics, +1);
  a.Add(advanced, +1);
  a.Add(attempt, +1);
  EXPECT_EQ(a.competencies.at("negotiation").evidence, 3);
  EXPECT_EQ(a.competencies.at("negotiation").Level(), 3);
  a.Add(advanced, -1);  // voided: the level falls back
  EXPECT_EQ(a.competencies.at("negotiation").Level(), 1);
  EXPECT_EQ(a.competencies.at("negotiation").evidence, 2);
}

TEST(Aggregate, EncodingRoundTripsAndRejectsGarbage) {
  Aggregate a;
  Contribution c = Make("x", kOct15, Modality::kInformal, 42.25);
  c.competencies = {{"coaching", 2}, {"listening", 1}};
  c.completed = true;
  c.scaled = -0.5;
  a.Add(c, +1);
  Aggregate back = DecodeAggregate(EncodeAggregate(a));
  EXPECT_EQ(back, a);
  EXPECT_TRUE(DecodeAggregate("").Empty());
  EXPECT_TRUE(DecodeAggregate("\x07garbage").Empty());
  std::string truncated = EncodeAggregate(a);
  truncated.pop_back();
  EXPECT_TRUE(DecodeAggregate(truncated).Empty());
  // A huge claimed count cannot allocate beyond the input.
  std::string lying = EncodeAggregate(Aggregate{});
  lying.resize(lying.size() - 8);
  lying += std::string("\xff\xff\xff\x7f\x00\x00\x00\x00", 8);
  EXPECT_TRUE(DecodeAggregate(lying).Empty());
}

TEST(Aggregate, MergeIsAssociative) {
  Aggregate x, y, z;
  x.Add(Make("i", kOct15, Modality::kFormal, 10), +1);
  y.Add(Make("i", kOct15, Modality::kExperiential, 20), +1);
  z.Add(Make("i", kOct15 + kDay * 40, Modality::kInformal, 30), -1);
  std::string left = MergeAggregates(MergeAggregates(EncodeAggregate(x), EncodeAggregate(y)), EncodeAggregate(z));
  std::string right = MergeAggregates(EncodeAggregate(x), MergeAggregates(EncodeAggregate(y), EncodeAggregate(z)));
  EXPECT_EQ(left, right);
  EXPECT_EQ(MergeAggregates("", EncodeAggregate(x)), EncodeAggregate(x));
}

TEST(Aggregate, ToMillisAndMonths) {
  EXPECT_EQ(ToMillis(1.0005), 1001);  // rounded to the nearest millisecond
  EXPECT_EQ(ToMillis(-3), 0);
  EXPECT_EQ(ToMillis(std::numeric_limits<double>::infinity()), 0);
  EXPECT_EQ(MonthOf(kOct15), 202610);
  EXPECT_EQ(MonthOf(kOct15 + 17 * kDay), 202611);
  EXPECT_EQ(MonthOf(0), 197001);
}

// ---- Records on a real store -------------------------------------------------------------------
class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-records-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store::Options options;
    options.path = dir_;
    options.sync = false;
    options.expand_contribution = ExpandContribution;
    options.merge_profile = MergeAggregates;
    auto s = store::Store::Open(options);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Stores a statement carrying contribution `c` (the store only needs ids and the bytes).
  Uuid Store(Contribution c, std::optional<Uuid> voids = std::nullopt) {
    auto reservation = store_->ReserveSequence(1);
    store::StatementWrite w;
    w.id = voids ? NewUuid() : *ParseUuid(c.statement_id);
    w.seq = reservation.first();
    w.json = "{}";
    w.comparison = FormatUuid(w.id);
    w.voids = voids;
    if (!voids) w.contribution = EncodeContribution(c);
    std::vector<store::StatementWrite> ws;
    ws.push_back(std::move(w));
    auto r = store_->AppendStatements(std::move(ws), {});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return *ParseUuid(c.statement_id);
  }

  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(RecordsTest, RangesSumDayBucketsAndEdgeDaysExactly) {
  const std::string ifi = "mbox:mailto:r@example.com";
  std::vector<Contribution> all;
  // Ten days, three statements a day at 06:00, 12:00 and 18:00.
  for (int d = 0; d < 10; ++d) {
    for (int h : {6, 12, 18}) {
      Contribution c = Make(ifi, kOct15 + d * kDay + h * 3600000000LL, Modality::kFormal, 100 + d * 10 + h);
      all.push_back(c);
      Store(c);
    }
  }
  auto expect_range = [&](std::optional<std::int64_t> since, std::optional<std::int64_t> until) {
    Aggregate expected;
    for (const auto& c : all) {
      if (since && c.timestamp <= *since) continue;
      if (until && c.timestamp > *until) continue;
      expected.Add(c, +1);
    }
    auto view = store_->Read();
    auto got = ReadAggregate(view, ifi, Range{since, until});
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, expected) << "since " << (since ? *since : -1) << " until " << (until ? *until : -1);
  };
  expect_range(std::nullopt, std::nullopt);
  expect_range(kOct15 + 12 * 3600000000LL, std::nullopt);                // since is exclusive
  expect_range(std::nullopt, kOct15 + 4 * kDay + 12 * 3600000000LL);     // until is inclusive
  expect_range(kOct15 + kDay + 7 * 3600000000LL, kOct15 + 8 * kDay + 13 * 3600000000LL);
  expect_range(kOct15 - 1, kOct15 + 3 * kDay - 1);                       // whole days only
  expect_range(kOct15 + 2 * kDay + 1, kOct15 + 2 * kDay + 15 * 3600000000LL);  // inside one day
  expect_range(kOct15 + 20 * kDay, std::nullopt);                        // nothing
}

TEST_F(RecordsTest, VoidingSubtractsAndRecentSkipsVoided) {
  const std::string ifi = "account:https://field.example.com|v";
  Contribution a = Make(ifi, kOct15, Modality::kExperiential, 600);
  Contribution b = Make(ifi, kOct15 + kDay, Modality::kExperiential, 900);
  Store(a);
  Uuid b_id = Store(b);
  Contribution voider = Make(ifi, kOct15 + 2 * kDay, Modality::kUnclassified, 0);
  Store(voider, b_id);
  auto view = store_->Read();
  auto agg = ReadAggregate(view, ifi, Range{});
  ASSERT_TRUE(agg.ok());
  Aggregate expected;
  expected.Add(a, +1);
  EXPECT_EQ(*agg, expected);
  auto ranged = ReadAggregate(view, ifi, Range{kOct15 + 1, std::nullopt});
  ASSERT_TRUE(ranged.ok());
  EXPECT_TRUE(ranged->Empty());
  auto recent = ReadRecent(view, {ifi}, Range{}, 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].id, a.statement_id);
}

TEST_F(RecordsTest, RecentIsNewestFirstAcrossIfis) {
  std::vector<std::string> ids;
  for (int i = 0; i < 15; ++i) {
    Contribution c = Make(i % 2 ? "mbox:mailto:one@example.com" : "mbox:mailto:two@example.com",
                          kOct15 + i * 60000000LL, Modality::kInformal, 1);
    Store(c);
    ids.push_back(c.statement_id);
  }
  auto view = store_->Read();
  auto recent = ReadRecent(view, {"mbox:mailto:one@example.com", "mbox:mailto:two@example.com"}, Range{}, 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ((*recent)[i].id, ids[14 - i]);
}

}  // namespace
}  // namespace lrsd::profile
