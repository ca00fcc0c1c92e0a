// lrsd profile: learning profiles. The people directory, the competency framework and the
// classification rules (configuration documents, validated against schemas/admin/); the
// contribution each statement makes to its actor's profile (modality, time, outcomes,
// competency evidence); additive aggregates maintained in the statement's own write batch; and
// the person / unit / organisation profiles assembled from them.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace lrsd::profile {

// ==== Configuration documents (src/profile/config.cpp, src/profile/rules.cpp) ================

enum class Modality : std::uint8_t { kFormal = 0, kExperiential = 1, kInformal = 2, kUnclassified = 3 };
constexpr std::size_t kModalities = 4;
std::string_view ModalityName(Modality m);  // "formal", "experiential", "informal", "unclassified"
std::optional<Modality> ParseModality(std::string_view name);  // the first three only

struct Person {
  std::string id;
  std::string name;
  std::string role;     // a role id of the framework (may be empty)
  std::string unit;     // business unit id (may be empty)
  std::string manager;  // a person id (may be empty)
  // The person's inverse functional identifiers, as xapi::IfiKey strings
  // ("mbox:mailto:ana@example.com", "account:https://field.example.com|ana", "openid:…",
  // "mbox_sha1sum:…"), each with the agent JSON it came from.
  std::vector<std::pair<std::string, std::string>> ifis;
};

// The people directory body of PUT /admin/people: a JSON array of
// {"id","name","ifis":[Agent IFI objects],"role","unit","manager"} (schemas/admin/people.json),
// or text/csv with the header `id,name,role,unit,manager,ifis` where `ifis` lists IFI keys
// separated by ';' ("mbox:mailto:ana@example.com;account:https://field.example.com|ana").
// Errors: 400 naming the path ("people[3].ifis[0].mbox", "line 7 column ifis").
Result<std::vector<Person>> ParsePeopleJson(std::string_view body);
Result<std::vector<Person>> ParsePeopleCsv(std::string_view body);
std::string PersonToJson(const Person& p);
Result<Person> PersonFromJson(std::string_view json);  // as stored (PersonToJson output)

struct RoleRequirement {
  std::string competency;
  int level = 0;
};
struct Role {
  std::string id;
  std::string name;
  std::vector<RoleRequirement> required;  // "requires" in the JSON document
};
struct Competency {
  std::string id;
  std::string name;
};
struct Framework {
  std::vector<Competency> competencies;
  std::vector<Role> roles;
  const Role* FindRole(std::string_view id) const;
  const Competency* FindCompetency(std::string_view id) const;
};
// PUT /admin/framework (schemas/admin/framework.json). Roles may only require competencies the
// framework lists; ids are unique. 400 naming the path otherwise.
Result<Framework> ParseFramework(std::string_view json);
std::string FrameworkToJson(const Framework& f);

// Classification rules (schemas/admin/rules.json). A `when` holds any of: verb (IRI, exact),
// activityType (the object's definition.type, exact), activityIdPrefix (prefix of the object
// id), platform (context.platform, exact), category (the id of any
// context.contextActivities.category activity), extension ({"key": IRI, "value": any JSON}:
// equal value under that key in context.extensions, result.extensions or the object's
// definition.extensions). Every condition given must hold; an empty `when` always holds. Each
// string condition may also be a non-empty array of strings, holding when any of them does
// ({"verb": [".../passed", ".../failed"], "activityType": ".../course"}). Rules may carry a
// "description" string (so may the document).
class Rules {
 public:
  // The first matching modality rule decides; none: kUnclassified.
  Modality ClassifyModality(const xapi::JsonValue& statement) const;
  // Every matching competency rule: (competency id, level), in rule order.
  std::vector<std::pair<std::string, int>> MatchCompetencies(const xapi::JsonValue& statement) const;
  // The document the rules were compiled from (canonical JSON), for GET /admin/rules.
  const std::string& source() const { return source_; }

  struct Impl;  // compiled conditions (src/profile/rules.cpp)
  std::shared_ptr<const Impl> impl_;
  std::string source_;
};
// Compiles and validates a rules document; 400 naming the path ("modality[2].when.verb").
// `framework`, when given, must list every competency a rule names.
Result<std::shared_ptr<const Rules>> ParseRules(std::string_view json, const Framework* framework = nullptr);
// The default rule set shipped in schemas/admin/default-rules.json.
std::string_view DefaultRulesJson();

// ==== Goals, development plans, costs and KPIs (src/profile/business.cpp) ====================
// Configuration documents of the scorecards (schemas/admin/goals.json, plan.json, costs.json,
// kpis.json); each parser is a 400 naming the path on a bad document.

// The goals cascade: organisation goals (no unit, no parent) and unit goals under a parent.
struct Goal {
  std::string id;
  std::string title;
  std::string parent;  // a goal id of the same document (empty: a root)
  std::string unit;    // empty: an organisation goal
  std::vector<std::string> competencies;  // framework competency ids the goal relies on
  std::vector<std::string> kpis;          // KPI names
};
// Unique ids, parents that exist, no cycles; competencies must be in `framework` when given.
Result<std::vector<Goal>> ParseGoals(std::string_view json, const Framework* framework = nullptr);
std::string GoalsToJson(const std::vector<Goal>& goals);

struct PlanItem {
  std::string goal;        // a goal id (checked against `goals` when given)
  std::string competency;  // a framework competency (checked when a framework is given)
  int target_level = 0;    // 1..10
  std::string due;         // "YYYY-MM-DD"
  std::int64_t due_end = 0;  // the end of that UTC day, microseconds (23:59:59.999999)
  std::vector<std::string> activities;  // activity IRIs
  double hours = 0;        // planned learning hours (>= 0)
};
// PUT /admin/plans/{personId}: {"from":"2026-01-01","to":"2026-12-31","items":[…]}.
struct Plan {
  std::string from, to;                 // "YYYY-MM-DD", from <= to
  std::int64_t from_start = 0, to_end = 0;  // microseconds: start of `from`, end of `to`
  std::vector<PlanItem> items;
};
Result<Plan> ParsePlan(std::string_view json, const Framework* framework = nullptr,
                       const std::vector<Goal>* goals = nullptr);
std::string PlanToJson(const Plan& plan);

// Cost rules: {"currency":"EUR","rules":[{"when":{…},"perCompletion":400,"perHour":90}]} with
// `when` exactly as in the classification rules; the first matching rule prices a statement:
// perCompletion when result.completion or result.success is true, plus perHour times its
// result.duration in hours. Amounts are kept in integer cents. (Compiled and evaluated in
// src/profile/rules.cpp, with the classification rules' condition compiler.)
//
// Rounding: a document amount becomes cents from its shortest decimal form, rounded half up at
// the third decimal (12.345 -> 1235, 0.285 -> 29). The hourly part takes the duration in whole
// milliseconds exactly as the aggregates count time (ToMillis) and rounds
// perHour_cents x millis / 3,600,000 to the nearest cent, halves up (90/h for 20 s: 50 cents;
// 0.01/h for 30 min: 1 cent). A statement's cost never exceeds kMaxCostCents.
// A rule that matches prices the statement even if it yields 0 (a rule with only perCompletion
// for an uncompleted statement): later rules are not tried.
constexpr std::int64_t kMaxCostCents = std::int64_t{1} << 53;  // exact as a double
class CostRules {
 public:
  const std::string& currency() const { return currency_; }
  // Cost of one statement in cents (0 when no rule matches).
  std::int64_t CostOf(const xapi::JsonValue& statement, double seconds, bool completed_or_passed) const;
  const std::string& source() const { return source_; }

  struct Impl;
  std::shared_ptr<const Impl> impl_;
  std::string currency_;
  std::string source_;
};
Result<std::shared_ptr<const CostRules>> ParseCosts(std::string_view json);

// KPIs of a unit: monthly values and the direction that counts as better.
struct KpiValue {
  std::string kpi;
  std::int32_t month = 0;  // yyyymm
  double value = 0;
};
struct KpiSet {
  std::map<std::string, bool> higher_is_better;  // kpi -> direction
  std::vector<KpiValue> values;                  // sorted by (kpi, month), one per pair
};
// JSON: {"kpis":[{"kpi":"revenue","direction":"higher"|"lower"}],"values":[{"kpi","month":"2026-10","value"}]}
// or a bare array of values (direction then "higher"). CSV header: kpi,month,value[,direction].
Result<KpiSet> ParseKpisJson(std::string_view json);
Result<KpiSet> ParseKpisCsv(std::string_view csv);
std::string KpisToJson(const KpiSet& kpis);

// ==== Contributions (src/profile/contribution.cpp) ===========================================

// What one statement adds to its actor's profile. Computed when the statement is stored, kept
// with it, and subtracted again if it is voided.
struct Contribution {
  std::string ifi;                  // the actor's IFI key (identified agents and groups only)
  std::string statement_id;
  std::int64_t timestamp = 0;       // statement timestamp, microseconds since the epoch
  Modality modality = Modality::kUnclassified;
  double seconds = 0;               // result.duration
  bool completed = false;           // result.completion == true
  bool passed = false;              // result.success == true
  bool failed = false;              // result.success == false
  std::optional<double> scaled;     // result.score.scaled
  std::vector<std::pair<std::string, int>> competencies;  // matched competency rules
  std::string verb;
  std::string activity;             // object id when the object is an activity
  std::int64_t cost_cents = 0;      // from the cost rules (CostRules::CostOf)
};
// nullopt when the statement has no identified actor (anonymous groups).
std::optional<Contribution> Contribute(const xapi::JsonValue& statement, const Rules& rules,
                                       const CostRules* costs = nullptr);
std::string EncodeContribution(const Contribution& c);
std::optional<Contribution> DecodeContribution(std::string_view bytes);

// ==== Aggregates (src/profile/aggregate.cpp) ==================================================

struct CompetencyTally {
  std::int64_t evidence = 0;                 // matching statements
  std::map<int, std::int64_t> qualifying;    // level -> statements with completion or success
  std::int64_t millis = 0;                   // learning time of the matching statements
  int Level() const;                         // highest level with a positive count, else 0
  bool operator==(const CompetencyTally&) const = default;
};
struct MonthTally {
  std::array<std::int64_t, kModalities> millis{};
  std::int64_t statements = 0;               // every statement of the month (activity, usage)
  bool operator==(const MonthTally&) const = default;
};
// Everything additive about a set of contributions. Subtracting a contribution undoes adding it
// exactly: time is kept in integer milliseconds, scaled scores in integer nano-units and money
// in cents, so sums do not depend on the order of additions (a rebuild reproduces incremental
// maintenance bit for bit).
struct Aggregate {
  std::array<std::int64_t, kModalities> statements{};
  std::array<std::int64_t, kModalities> millis{};
  std::int64_t completed = 0, passed = 0, failed = 0;
  std::int64_t scaled_nanos = 0;  // sum of result.score.scaled, in units of 1e-9
  std::int64_t scaled_count = 0;
  std::array<std::int64_t, kModalities> cost_cents{};  // by modality
  std::map<std::string, CompetencyTally> competencies;
  std::map<std::int32_t, MonthTally> months;  // yyyymm (UTC, statement timestamp)

  void Add(const Contribution& c, int sign);
  void Add(const Aggregate& other);
  bool Empty() const;
  std::int64_t TotalCostCents() const;
  bool operator==(const Aggregate&) const = default;
};
std::int64_t ToMillis(double seconds);
std::int32_t MonthOf(std::int64_t timestamp_micros);  // yyyymm (UTC)

std::string EncodeAggregate(const Aggregate& a);
Aggregate DecodeAggregate(std::string_view bytes);  // empty/garbage -> empty aggregate
// RocksDB merge of every profile record kind (aggregates and counters): existing (may be
// empty) + operand.
std::string MergeAggregates(std::string_view existing, std::string_view operand);
// Counter records: a fixed-length vector of int64 summed element-wise.
std::string EncodeCounters(const std::vector<std::int64_t>& values);
std::vector<std::int64_t> DecodeCounters(std::string_view bytes);

}  // namespace lrsd::profile

// ==== Maintenance and reading (src/profile/records.cpp, src/profile/service.cpp) =============
namespace lrsd::profile {

// The profile records a contribution adds (sign +1) or removes (sign -1): the actor's all-time
// aggregate, its day bucket (for since/until), and its entry in the actor's time-ordered log
// (recent statements, and the partial days at the edges of a since/until range).
std::vector<store::ProfileOp> ExpandContribution(std::string_view contribution, int sign);

struct Range {
  std::optional<std::int64_t> since;  // exclusive, microseconds (statement timestamp)
  std::optional<std::int64_t> until;  // inclusive
  bool Unbounded() const { return !since && !until; }
};

struct RecentEntry {
  std::string id, verb, activity;
  std::int64_t timestamp = 0;
  Modality modality = Modality::kUnclassified;
};

// The aggregate of one IFI over a range: O(1) unbounded; with a range O(days in range +
// statements on its two edge days).
Result<Aggregate> ReadAggregate(store::ReadView& view, std::string_view ifi, const Range& range);
// What one IFI did on one activity: statements, completions (completion or success true), time.
struct ActivityTally {
  std::int64_t statements = 0, completions = 0, millis = 0;
};
Result<ActivityTally> ReadActivity(store::ReadView& view, std::string_view ifi, std::string_view activity);
// When one IFI first evidenced a competency and first reached a level (a qualifying statement
// at that level or above), as days since the epoch (UTC) of statement timestamps up to `until`.
// Two seeks, whatever the history.
struct CompetencyDays {
  std::optional<std::int64_t> first_evidence;
  std::optional<std::int64_t> first_reaching;
};
Result<CompetencyDays> ReadCompetencyDays(store::ReadView& view, std::string_view ifi, std::string_view competency,
                                          int level, std::optional<std::int64_t> until);

// The `limit` most recent contributions of these IFIs within the range, newest first.
Result<std::vector<RecentEntry>> ReadRecent(store::ReadView& view, const std::vector<std::string>& ifis,
                                            const Range& range, std::size_t limit);

// The learning-profile service: the directory, framework and rules (kept in the store, rules
// and framework also in memory for the write path), contributions for new statements, and the
// person / agent / unit / organisation profiles as JSON.
class Service {
 public:
  explicit Service(store::Store& store);
  ~Service();
  // Loads the framework and rules from the store (the default rules when none were set).
  Status Load();

  // The contribution of a statement about to be stored (empty: none, e.g. voiding statements).
  std::string ContributionFor(const xapi::JsonValue& statement) const;
  // For rebuilds: the same from a stored statement's JSON.
  std::string ContributionForJson(std::string_view statement_json) const;

  // ---- Directory (admin) ----
  // Upserts people by id; an IFI owned by another person not in this upload is a 409.
  Status UpsertPeople(const std::vector<Person>& people);
  Result<std::vector<Person>> ListPeople();
  Result<std::optional<Person>> GetPerson(std::string_view id);
  Status DeletePerson(std::string_view id);  // 404 when absent
  Result<std::optional<std::string>> PersonIdForIfi(std::string_view ifi);
  Status SetFramework(std::string_view json);
  std::string FrameworkJson() const;
  // Replaces the rules (validated against the framework). Past statements keep their old
  // classification until a rebuild.
  Status SetRules(std::string_view json);
  std::string RulesJson() const;

  // ---- Goals, plans, costs, KPIs (admin) ----
  Status SetGoals(std::string_view json);
  std::string GoalsJson() const;
  // A person's development plan (404 for an unknown person; validated against the framework
  // and the goals).
  Status SetPlan(std::string_view person_id, std::string_view json);
  Result<std::string> PlanJson(std::string_view person_id) const;  // 404 when none
  Status DeletePlan(std::string_view person_id);
  // Replaces the cost rules; past statements are priced anew by a rebuild.
  Status SetCosts(std::string_view json);
  std::string CostsJson() const;
  // A unit's monthly KPIs (`unit` empty: the organisation's), JSON or CSV.
  Status SetKpis(std::string_view unit, std::string_view body, bool csv);
  Result<std::string> KpisJson(std::string_view unit) const;  // 404 when none

  // ---- Profiles (JSON bodies) ----
  Result<std::string> PersonProfile(std::string_view person_id, const Range& range);  // 404 unknown
  // By IFI: the person's profile when the IFI is in the directory, else the IFI's own.
  Result<std::string> AgentProfile(std::string_view ifi, const std::string& agent_json, const Range& range);
  Result<std::string> UnitProfile(std::string_view unit, const Range& range);  // 404 no such unit
  Result<std::string> OrganizationProfile(const Range& range);
  // The balanced scorecard of a unit (`unit` empty: the organisation).
  Result<std::string> Scorecard(std::string_view unit, const Range& range);
  // The goals cascade as a tree, with the people whose plans serve each goal and their progress.
  Result<std::string> GoalsTree(const Range& range);
  // Called once a batch of statements is durable: profile caches of these IFIs are stale (an
  // empty list: everything may be, e.g. after voiding).
  void Committed(const std::vector<std::string>& ifis);

  // ---- Rebuild ----
  struct RebuildState {
    bool running = false;
    std::uint64_t done = 0, total = 0;
    std::string error;       // last rebuild's error, if any
    std::string finished;    // timestamp of the last completed rebuild
  };
  // Runs a rebuild now, on this thread.
  Status Rebuild(const std::function<void(std::uint64_t, std::uint64_t)>& progress = {});
  // Starts one in the background (409 if one runs); poll with rebuild_state().
  Status StartRebuild();
  RebuildState rebuild_state() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrsd::profile
