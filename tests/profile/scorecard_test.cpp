// The pure calculations behind scorecards: correlation (and when it is withheld) and plan status.
#include "profile/scorecard.h"

#include <gtest/gtest.h>

namespace lrsd::profile::scorecard {
namespace {

TEST(Correlation, PearsonOnKnownSeries) {
  // y = 2x + 1 exactly: r = 1; y = -x: r = -1.
  std::vector<std::pair<double, double>> up, down, mixed;
  for (int i = 0; i < 6; ++i) {
    up.emplace_back(i, 2 * i + 1);
    down.emplace_back(i, -i);
  }
  EXPECT_NEAR(*Correlation(up), 1.0, 1e-12);
  EXPECT_NEAR(*Correlation(down), -1.0, 1e-12);
  // Worked by hand: x = 1..6, y = 2,1,4,3,6,5: mean x = mean y = 3.5, sxy = 14.5, sxx = syy = 17.5.
  mixed = {{1, 2}, {2, 1}, {3, 4}, {4, 3}, {5, 6}, {6, 5}};
  EXPECT_NEAR(*Correlation(mixed), 14.5 / 17.5, 1e-12);
}

TEST(Correlation, WithheldWithTooFewMonthsOrNoVariation) {
  std::vector<std::pair<double, double>> five = {{1, 2}, {2, 1}, {3, 4}, {4, 3}, {5, 6}};
  EXPECT_FALSE(Correlation(five).has_value());
  five.emplace_back(6, 5);
  EXPECT_TRUE(Correlation(five).has_value());  // six is enough
  std::vector<std::pair<double, double>> flat = {{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}};
  EXPECT_FALSE(Correlation(flat).has_value());
}

constexpr std::int64_t kDay = 86400LL * 1000000;

Plan PlanFrom(std::int64_t from) {
  Plan p;
  p.from = "2026-01-01";
  p.to = "2026-12-31";
  p.from_start = from;
  p.to_end = from + 365 * kDay - 1;
  return p;
}

TEST(PlanStatus, DoneOverdueOnTrackAtRisk) {
  const std::int64_t jan1 = 1767225600LL * 1000000;  // 2026-01-01T00:00:00Z
  Plan plan = PlanFrom(jan1);
  PlanItem item;
  item.competency = "negotiation";
  item.target_level = 4;
  item.due_end = jan1 + 100 * kDay;  // a span of exactly 100 days
  item.hours = 10;
  item.activities = {"https://lms.example.com/a", "https://lms.example.com/b"};
  // Target reached: done, even after the due date.
  EXPECT_EQ(EvaluateStatus(plan, item, 4, 0, 0, jan1 + 200 * kDay), PlanStatus::kDone);
  // Past due, not reached: overdue.
  EXPECT_EQ(EvaluateStatus(plan, item, 3, 2, 10, jan1 + 100 * kDay + 1), PlanStatus::kOverdue);
  // Halfway through the time (day 50 of 100): progress is the mean of level 2/4, 1/2 activities
  // and 5/10 hours = 0.5, just enough.
  EXPECT_EQ(EvaluateStatus(plan, item, 2, 1, 5, jan1 + 50 * kDay), PlanStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(plan, item, 2, 1, 4.9, jan1 + 50 * kDay), PlanStatus::kAtRisk);
  // Hours beyond the plan count at most as the planned hours.
  EXPECT_EQ(EvaluateStatus(plan, item, 0, 0, 100, jan1 + 40 * kDay), PlanStatus::kAtRisk);  // (0+0+1)/3 < 0.4
  // Without activities or hours, the level alone measures progress.
  PlanItem level_only;
  level_only.target_level = 2;
  level_only.due_end = item.due_end;
  EXPECT_EQ(EvaluateStatus(plan, level_only, 1, 0, 0, jan1 + 50 * kDay), PlanStatus::kOnTrack);  // 0.5 >= 0.5
  EXPECT_EQ(EvaluateStatus(plan, level_only, 0, 0, 0, jan1 + 1 * kDay), PlanStatus::kAtRisk);
  EXPECT_EQ(PlanStatusName(PlanStatus::kAtRisk), "at-risk");
}

TEST(CompetencyLines, RoleTargetsFirstThenOtherEvidence) {
  Aggregate a;
  a.competencies["negotiation"].evidence = 2;
  a.competencies["negotiation"].qualifying[2] = 1;
  a.competencies["coaching"].evidence = 1;
  Role role;
  role.id = "r";
  role.required = {{"negotiation", 3}, {"safety", 1}};
  auto lines = CompetencyLines(a, &role);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].id, "negotiation");
  EXPECT_EQ(lines[0].level, 2);
  EXPECT_EQ(lines[0].Gap(), 1);
  EXPECT_EQ(lines[1].id, "safety");
  EXPECT_EQ(lines[1].Gap(), 1);
  EXPECT_EQ(lines[2].id, "coaching");
  EXPECT_EQ(lines[2].target, 0);
  EXPECT_EQ(lines[2].Gap(), 0);
}

}  // namespace
}  // namespace lrsd::profile::scorecard
