// Reports assembled from the maintained aggregates (private to src/profile/): person, unit and
// organisation profiles, balanced scorecards, the goals tree; and the pure calculations they
// use (plan status, correlation), exposed for unit tests.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrsd/profile.h"
#include "profile/config_snapshot.h"

namespace lrsd::profile::scorecard {

// ---- Pure calculations --------------------------------------------------------------------------
// Correlations need at least this many paired months; fewer, and none is reported.
constexpr std::size_t kMinCorrelationMonths = 6;
// Pearson's r over (x, y) pairs; nullopt with too few pairs or when either side is constant.
std::optional<double> Correlation(const std::vector<std::pair<double, double>>& pairs);

enum class PlanStatus { kDone, kOnTrack, kAtRisk, kOverdue };
std::string_view PlanStatusName(PlanStatus s);

struct ItemProgress {
  const PlanItem* item = nullptr;
  int level = 0;
  int activities_done = 0;
  double hours = 0;
  PlanStatus status = PlanStatus::kOnTrack;
};
// done: the target level is reached. overdue: not done and `at` is past the due date.
// Otherwise on-track when progress (the mean of level/target, activities done/planned and
// hours/planned hours, each capped at 1, over the parts the item plans) is at least the share
// of the time from the plan's start to the due date that has passed; else at-risk.
PlanStatus EvaluateStatus(const Plan& plan, const PlanItem& item, int level, int activities_done, double hours,
                          std::int64_t at);

// A person's competency against their role: level reached, target (0: not required),
// evidence, learning time on it.
struct CompetencyLine {
  std::string id;
  int level = 0;
  int target = 0;
  std::int64_t evidence = 0;
  std::int64_t millis = 0;
  int Gap() const { return std::max(0, target - level); }
};
std::vector<CompetencyLine> CompetencyLines(const Aggregate& a, const Role* role);

// ---- People -------------------------------------------------------------------------------------
// Everything a report needs about one person (or one unmapped IFI).
struct PersonState {
  const Person* person = nullptr;
  std::vector<std::string> ifis;
  Aggregate in_range;  // statements within the range
  Aggregate to_date;   // statements up to the range's end: levels, plans
  std::vector<CompetencyLine> lines;
  std::vector<ItemProgress> plan;
  // Days from first evidence to reaching the target, per required competency reached.
  std::vector<double> days_to_target;
};
enum class Detail {
  kProfile,    // aggregates and competency lines
  kPlan,       // plus development-plan progress
  kScorecard,  // plus days to competency
};
// `at` is the moment plan statuses are judged at.
Result<PersonState> LoadPerson(store::ReadView& view, const Config& config, const Person* person,
                               std::vector<std::string> ifis, const Range& range, std::int64_t at, Detail detail);

// ---- Reports ------------------------------------------------------------------------------------
Result<std::string> PersonProfileJson(store::ReadView& view, const Config& config, const PersonState& state,
                                      const std::string& agent_json, const Range& range, std::size_t recent);
std::string UnitProfileJson(const Config& config, std::string_view unit, const std::vector<const PersonState*>& people);
std::string OrganizationProfileJson(const Config& config, const std::vector<const PersonState*>& people);
std::string ScorecardJson(const Config& config, std::string_view unit, const std::vector<const PersonState*>& people,
                          const Range& range);
std::string GoalsTreeJson(const Config& config, const std::vector<const PersonState*>& people);

}  // namespace lrsd::profile::scorecard
