// Configuration documents of the scorecards (src/profile/business.cpp, the cost rules in
// src/profile/rules.cpp; schemas/admin/goals.json, plan.json, costs.json, kpis.json): the goals
// cascade, development plans, cost rules and their evaluation, and unit KPIs as JSON and CSV.
// Every rejected document asserts the exact error path and rule.
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/profile.h"
#include "profile/config_json.h"

namespace lrsd::profile {
namespace {

#define EXPECT_ERROR(result, expected_path, expected_rule)                                 \
  do {                                                                                     \
    const auto& r_ = (result);                                                             \
    ASSERT_FALSE(r_.ok()) << "expected " << (expected_path) << " to be rejected";          \
    EXPECT_EQ(r_.error().status, 400);                                                     \
    EXPECT_EQ(r_.error().path, (expected_path)) << r_.error().ToString();                  \
    EXPECT_EQ(r_.error().rule, (expected_rule)) << r_.error().ToString();                  \
  } while (0)

#define ASSERT_OK(result) ASSERT_TRUE((result).ok()) << (result).error().ToString()

xapi::JsonDocument Json(std::string_view text) {
  xapi::JsonDocument d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

const Framework& TestFramework() {
  static const Framework f = [] {
    auto r = ParseFramework(R"({"competencies":[{"id":"negotiation"},{"id":"crm"}],
                                "roles":[{"id":"seller","requires":[{"competency":"negotiation","level":3}]}]})");
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : Framework{};
  }();
  return f;
}

// ==== Goals =======================================================================================

constexpr std::string_view kGoals = R"([
  {"id": "g-growth", "title": "Grow revenue 10%", "kpis": ["revenue"]},
  {"id": "g-emea", "title": "Win enterprise deals in EMEA", "parent": "g-growth", "unit": "emea-sales",
   "competencies": ["negotiation"], "kpis": ["revenue", "win-rate"]},
  {"id": "g-emea-crm", "title": "Clean pipeline", "parent": "g-emea", "unit": "emea-sales-ops", "competencies": ["crm"]},
  {"id": "g-margin", "title": "Protect margin", "parent": "g-growth"}
])";

TEST(Goals, ParsesTheCascade) {
  auto goals = ParseGoals(kGoals, &TestFramework());
  ASSERT_OK(goals);
  ASSERT_EQ(goals->size(), 4u);
  const Goal& org = (*goals)[0];
  EXPECT_EQ(org.id, "g-growth");
  EXPECT_EQ(org.title, "Grow revenue 10%");
  EXPECT_EQ(org.parent, "");
  EXPECT_EQ(org.unit, "");
  EXPECT_TRUE(org.competencies.empty());
  EXPECT_EQ(org.kpis, std::vector<std::string>{"revenue"});
  const Goal& emea = (*goals)[1];
  EXPECT_EQ(emea.parent, "g-growth");
  EXPECT_EQ(emea.unit, "emea-sales");
  EXPECT_EQ(emea.competencies, std::vector<std::string>{"negotiation"});
  EXPECT_EQ(emea.kpis, (std::vector<std::string>{"revenue", "win-rate"}));
  // A unit goal under a unit goal, an organisation goal under an organisation goal.
  EXPECT_EQ((*goals)[2].parent, "g-emea");
  EXPECT_EQ((*goals)[3].unit, "");
  EXPECT_EQ((*goals)[3].parent, "g-growth");
  // Without a framework, competencies are not checked.
  EXPECT_TRUE(ParseGoals(R"([{"id":"a","title":"A","competencies":["anything"]}])").ok());
  EXPECT_TRUE(ParseGoals("[]").ok());
}

TEST(Goals, RoundTrip) {
  auto goals = ParseGoals(kGoals);
  ASSERT_OK(goals);
  const std::string json = GoalsToJson(*goals);
  EXPECT_EQ(json,
            R"([{"id":"g-growth","title":"Grow revenue 10%","kpis":["revenue"]},)"
            R"({"id":"g-emea","title":"Win enterprise deals in EMEA","parent":"g-growth","unit":"emea-sales",)"
            R"("competencies":["negotiation"],"kpis":["revenue","win-rate"]},)"
            R"({"id":"g-emea-crm","title":"Clean pipeline","parent":"g-emea","unit":"emea-sales-ops","competencies":["crm"]},)"
            R"({"id":"g-margin","title":"Protect margin","parent":"g-growth"}])");
  auto again = ParseGoals(json);
  ASSERT_OK(again);
  EXPECT_EQ(GoalsToJson(*again), json);
  EXPECT_EQ(GoalsToJson({}), "[]");
}

TEST(Goals, RejectsBrokenCascades) {
  // Duplicate ids.
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A"},{"id":"b","title":"B"},{"id":"a","title":"A2"}])"),
               "goals[2].id", "unique");
  // A parent not in the document (parents may come later in the document).
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A"},{"id":"b","title":"B","parent":"nope"}])"), "goals[1].parent",
               "parent");
  EXPECT_TRUE(ParseGoals(R"([{"id":"b","title":"B","parent":"a","unit":"u"},{"id":"a","title":"A"}])").ok());
  // Cycles: a goal its own parent, two goals, and a cycle away from the start of the document
  // (reported at its first goal).
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","parent":"a"}])"), "goals[0].parent", "cycle");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","parent":"b"},{"id":"b","title":"B","parent":"a"}])"),
               "goals[0].parent", "cycle");
  auto cycle = ParseGoals(R"([{"id":"root","title":"R"},{"id":"leaf","title":"L","parent":"x","unit":"u"},
                              {"id":"x","title":"X","parent":"y","unit":"u"},{"id":"y","title":"Y","parent":"z","unit":"u"},
                              {"id":"z","title":"Z","parent":"x","unit":"u"}])");
  EXPECT_ERROR(cycle, "goals[2].parent", "cycle");
  EXPECT_NE(cycle.error().message.find(R"("x" -> "y" -> "z" -> "x")"), std::string::npos) << cycle.error().message;
  // A unit goal must have a parent, and the error says so.
  auto orphan = ParseGoals(R"([{"id":"a","title":"A"},{"id":"b","title":"B","unit":"emea-sales"}])");
  EXPECT_ERROR(orphan, "goals[1].parent", "cascade");
  EXPECT_NE(orphan.error().message.find("unit goal"), std::string::npos) << orphan.error().message;
  // An organisation goal does not sit under a unit goal.
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A"},{"id":"b","title":"B","parent":"a","unit":"u"},
                              {"id":"c","title":"C","parent":"b"}])"),
               "goals[2].parent", "cascade");
}

TEST(Goals, RejectsBadLists) {
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","competencies":["negotiation","nope"]}])", &TestFramework()),
               "goals[0].competencies[1]", "competency");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","kpis":["revenue","win-rate","revenue"]}])"), "goals[0].kpis[2]",
               "unique");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","competencies":["crm","crm"]}])"), "goals[0].competencies[1]",
               "unique");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","kpis":[""]}])"), "goals[0].kpis[0]", "minLength");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","kpis":"revenue"}])"), "goals[0].kpis", "type");
}

TEST(Goals, SchemaErrorsNameThePath) {
  EXPECT_ERROR(ParseGoals(R"({"id":"a"})"), "goals", "type");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a"}])"), "goals[0].title", "required");
  EXPECT_ERROR(ParseGoals(R"([{"title":"A"}])"), "goals[0].id", "required");
  EXPECT_ERROR(ParseGoals(R"([{"id":"","title":"A"}])"), "goals[0].id", "minLength");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":""}])"), "goals[0].title", "minLength");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","parent":""}])"), "goals[0].parent", "minLength");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","unit":""}])"), "goals[0].unit", "minLength");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","owner":"x"}])"), "goals[0].owner", "additionalProperties");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a","title":"A","id":"b"}])"), "goals[0].id", "duplicate-key");
  EXPECT_ERROR(ParseGoals(R"([{"id":"a",)"), "goals", "json");
}

TEST(Goals, LongChainsAreCheckedInLinearTime) {
  constexpr int kGoalsInChain = 20000;
  std::string json = R"([{"id":"g0","title":"t"})";
  for (int i = 1; i < kGoalsInChain; ++i)
    json += R"(,{"id":"g)" + std::to_string(i) + R"(","title":"t","parent":"g)" + std::to_string(i - 1) + R"("})";
  json += "]";
  auto goals = ParseGoals(json);
  ASSERT_OK(goals);
  EXPECT_EQ(goals->size(), static_cast<std::size_t>(kGoalsInChain));
  // Close the chain into a cycle: g0 under the last goal.
  const std::string first = R"({"id":"g0","title":"t"})";
  std::string cyclic = json;
  cyclic.replace(cyclic.find(first), first.size(),
                 R"({"id":"g0","title":"t","parent":"g)" + std::to_string(kGoalsInChain - 1) + R"("})");
  EXPECT_ERROR(ParseGoals(cyclic), "goals[0].parent", "cycle");
}

// ==== Development plans =============================================================================

constexpr std::string_view kPlan = R"({"from": "2026-01-01", "to": "2026-12-31", "items": [
  {"goal": "g-emea", "competency": "negotiation", "targetLevel": 3, "due": "2026-11-30",
   "activities": ["https://lms.example.com/courses/negotiation-201"], "hours": 10},
  {"goal": "g-emea-crm", "competency": "crm", "targetLevel": 2, "due": "2026-03-31", "hours": 2.5}
]})";

// 2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z, 2026-12-01T00:00:00Z in microseconds.
constexpr std::int64_t k20260101 = 1767225600LL * 1000000;
constexpr std::int64_t k20270101 = 1798761600LL * 1000000;
constexpr std::int64_t k20261201 = 1796083200LL * 1000000;

TEST(Plans, ParsesAPlan) {
  auto goals = ParseGoals(kGoals);
  ASSERT_OK(goals);
  auto plan = ParsePlan(kPlan, &TestFramework(), &*goals);
  ASSERT_OK(plan);
  EXPECT_EQ(plan->from, "2026-01-01");
  EXPECT_EQ(plan->to, "2026-12-31");
  EXPECT_EQ(plan->from_start, k20260101);
  EXPECT_EQ(plan->to_end, k20270101 - 1);  // 2026-12-31T23:59:59.999999Z
  ASSERT_EQ(plan->items.size(), 2u);
  const PlanItem& item = plan->items[0];
  EXPECT_EQ(item.goal, "g-emea");
  EXPECT_EQ(item.competency, "negotiation");
  EXPECT_EQ(item.target_level, 3);
  EXPECT_EQ(item.due, "2026-11-30");
  EXPECT_EQ(item.due_end, k20261201 - 1);
  EXPECT_EQ(item.activities, std::vector<std::string>{"https://lms.example.com/courses/negotiation-201"});
  EXPECT_EQ(item.hours, 10);
  EXPECT_EQ(plan->items[1].hours, 2.5);
  EXPECT_TRUE(plan->items[1].activities.empty());
  // Without goals and framework, references are not checked; items may be absent.
  EXPECT_TRUE(ParsePlan(R"({"from":"2026-01-01","to":"2026-01-01","items":[
                             {"goal":"x","competency":"y","targetLevel":1,"due":"2026-01-01"}]})")
                  .ok());
  auto empty = ParsePlan(R"({"from":"2026-01-01","to":"2026-01-01"})");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->items.empty());
  EXPECT_EQ(empty->to_end - empty->from_start, 86'400'000'000LL - 1);  // one day
}

TEST(Plans, RoundTrip) {
  auto plan = ParsePlan(kPlan);
  ASSERT_OK(plan);
  const std::string json = PlanToJson(*plan);
  EXPECT_EQ(json,
            R"({"from":"2026-01-01","to":"2026-12-31","items":[)"
            R"({"goal":"g-emea","competency":"negotiation","targetLevel":3,"due":"2026-11-30",)"
            R"("activities":["https://lms.example.com/courses/negotiation-201"],"hours":10},)"
            R"({"goal":"g-emea-crm","competency":"crm","targetLevel":2,"due":"2026-03-31","hours":2.5}]})");
  auto again = ParsePlan(json);
  ASSERT_OK(again);
  EXPECT_EQ(PlanToJson(*again), json);
  EXPECT_EQ(again->from_start, plan->from_start);
  EXPECT_EQ(again->items[0].due_end, plan->items[0].due_end);
}

std::string PlanWithDue(std::string_view due) {
  return R"({"from":"1900-01-01","to":"2400-12-31","items":[{"goal":"g","competency":"c","targetLevel":1,"due":")" +
         std::string(due) + R"("}]})";
}

TEST(Plans, ValidatesCalendarDates) {
  // Leap years: every 4th, not every 100th, every 400th.
  for (std::string_view ok : {"2024-02-29", "2000-02-29", "2400-02-29", "2026-02-28", "2026-12-31", "2026-04-30",
                              "1970-01-01", "1969-12-31"})
    EXPECT_TRUE(ParsePlan(PlanWithDue(ok)).ok()) << ok;
  for (std::string_view bad : {"2026-02-29", "1900-02-29", "2100-02-29", "2026-02-30", "2024-02-30", "2026-04-31",
                               "2026-06-31", "2026-01-32", "2026-01-00", "2026-00-10", "2026-13-01"})
    EXPECT_ERROR(ParsePlan(PlanWithDue(bad)), "items[0].due", "date");
  auto feb30 = ParsePlan(PlanWithDue("2026-02-30"));
  EXPECT_NE(feb30.error().message.find("February 2026 has 28 days"), std::string::npos) << feb30.error().message;
  // Shapes other than YYYY-MM-DD (the schema's pattern).
  for (std::string_view bad : {"2026-2-03", "26-02-03", "2026-02-03T00:00:00Z", "2026/02/03", "", "２０２６-02-03"})
    EXPECT_ERROR(ParsePlan(PlanWithDue(bad)), "items[0].due", "pattern");
  // A NUL hidden after a valid date (the schema's pattern stops at it).
  EXPECT_ERROR(ParsePlan(PlanWithDue("2026-02-03\\u0000x")), "items[0].due", "pattern");
  // Day boundaries are UTC, as microseconds: due_end of 1969-12-31 is one before the epoch.
  auto before_epoch = ParsePlan(PlanWithDue("1969-12-31"));
  ASSERT_OK(before_epoch);
  EXPECT_EQ(before_epoch->items[0].due_end, -1);
}

TEST(Plans, RejectsBadPeriods) {
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-12-31","to":"2026-01-01"})"), "to", "range");
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-01-02","to":"2026-01-01"})"), "to", "range");
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-02-30","to":"2026-12-31"})"), "from", "date");
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-01-01","to":"2026-12-32"})"), "to", "date");
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-01-01"})"), "to", "required");
  EXPECT_ERROR(ParsePlan(R"({"to":"2026-01-01"})"), "from", "required");
  EXPECT_ERROR(ParsePlan(R"({"from":20260101,"to":"2026-01-01"})"), "from", "type");
  EXPECT_ERROR(ParsePlan(R"({"from":"2026-01-01","to":"2026-01-02","person":"e1"})"), "person",
               "additionalProperties");
  EXPECT_ERROR(ParsePlan(R"([])"), "", "type");
}

std::string PlanWithItem(std::string_view item) {
  return R"({"from":"2026-01-01","to":"2026-12-31","items":[{"goal":"g-emea","competency":"negotiation",
            "targetLevel":3,"due":"2026-11-30"},)" +
         std::string(item) + "]}";
}

TEST(Plans, RejectsBadItems) {
  auto goals = ParseGoals(kGoals);
  ASSERT_OK(goals);
  const Framework* f = &TestFramework();
  const std::vector<Goal>* g = &*goals;
  EXPECT_TRUE(ParsePlan(PlanWithItem(R"({"goal":"g-margin","competency":"crm","targetLevel":10,"due":"2026-06-30",
                                          "hours":0})"),
                        f, g)
                  .ok());
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-nope","competency":"crm","targetLevel":1,"due":"2026-06-30"})"), f, g),
               "items[1].goal", "goal");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"nope","targetLevel":1,"due":"2026-06-30"})"), f, g),
               "items[1].competency", "competency");
  // Levels 1..10, integers.
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":0,"due":"2026-06-30"})")),
               "items[1].targetLevel", "minimum");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":11,"due":"2026-06-30"})")),
               "items[1].targetLevel", "maximum");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":2.5,"due":"2026-06-30"})")),
               "items[1].targetLevel", "type");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":"3","due":"2026-06-30"})")),
               "items[1].targetLevel", "type");
  // Activities are IRIs.
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-06-30",
                                          "activities":["https://lms.example.com/a","negotiation 201"]})")),
               "items[1].activities[1]", "iri");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-06-30",
                                          "activities":[""]})")),
               "items[1].activities[0]", "minLength");
  // Hours are a number >= 0.
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-06-30",
                                          "hours":-1})")),
               "items[1].hours", "minimum");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-06-30",
                                          "hours":-0.5})")),
               "items[1].hours", "minimum");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-06-30",
                                          "hours":"10"})")),
               "items[1].hours", "type");
  // Required fields.
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1})")), "items[1].due",
               "required");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"competency":"crm","targetLevel":1,"due":"2026-06-30"})")), "items[1].goal",
               "required");
  EXPECT_ERROR(ParsePlan(PlanWithItem(R"({"goal":"g-emea","competency":"crm","targetLevel":1,"due":"2026-02-29"})")),
               "items[1].due", "date");
}

// ==== Cost rules ==================================================================================

constexpr std::string_view kCosts = R"({"currency": "EUR", "rules": [
  {"when": {"activityIdPrefix": "https://lms.example.com/external/"}, "perCompletion": 400,
   "description": "External courses are invoiced per completion"},
  {"when": {"activityType": "http://id.tincanapi.com/activitytype/tutor-session"}, "perHour": 90},
  {"when": {"verb": ["http://adlnet.gov/expapi/verbs/attended", "https://w3id.org/xapi/adl/verbs/attended"]},
   "perCompletion": 25.5, "perHour": 12.345},
  {"when": {"extension": {"key": "https://example.com/ext/billable", "value": true}}, "perHour": 0.01}
]})";

std::shared_ptr<const CostRules> Costs(std::string_view json) {
  auto c = ParseCosts(json);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().ToString());
  return c.ok() ? *c : std::make_shared<const CostRules>();
}

std::string Statement(std::string_view verb, std::string_view activity, std::string_view type = "",
                      std::string_view more = "") {
  std::string s = R"({"actor":{"mbox":"mailto:ana@example.com"},"verb":{"id":")" + std::string(verb) +
                  R"("},"object":{"id":")" + std::string(activity) + "\"";
  if (!type.empty()) s += R"(,"definition":{"type":")" + std::string(type) + "\"}";
  s += "}";
  s += more;
  s += "}";
  return s;
}

constexpr std::string_view kExperienced = "http://adlnet.gov/expapi/verbs/experienced";
constexpr std::string_view kTutor = "http://id.tincanapi.com/activitytype/tutor-session";

TEST(Costs, ParsesTheRules) {
  auto costs = Costs(kCosts);
  EXPECT_EQ(costs->currency(), "EUR");
  // Canonical: fixed key order, amounts as the cents they are kept in (12.345 -> 12.35).
  EXPECT_EQ(costs->source(),
            R"({"currency":"EUR","rules":[)"
            R"({"description":"External courses are invoiced per completion",)"
            R"("when":{"activityIdPrefix":"https://lms.example.com/external/"},"perCompletion":400},)"
            R"({"when":{"activityType":"http://id.tincanapi.com/activitytype/tutor-session"},"perHour":90},)"
            R"({"when":{"verb":["http://adlnet.gov/expapi/verbs/attended","https://w3id.org/xapi/adl/verbs/attended"]},)"
            R"("perCompletion":25.5,"perHour":12.35},)"
            R"({"when":{"extension":{"key":"https://example.com/ext/billable","value":true}},"perHour":0.01}]})");
  // The source parses to the same rules.
  EXPECT_EQ(Costs(costs->source())->source(), costs->source());
  // An empty rule list prices nothing; a document description is kept.
  auto none = Costs(R"({"description":"Nothing is charged","currency":"USD","rules":[]})");
  EXPECT_EQ(none->source(), R"({"description":"Nothing is charged","currency":"USD","rules":[]})");
  EXPECT_EQ(none->CostOf(Json(Statement(kExperienced, "https://x.example.com/a")), 3600, true), 0);
}

TEST(Costs, FirstMatchingRuleWins) {
  auto costs = Costs(kCosts);
  // Matches rule 0 (perCompletion only) and rule 1 (perHour): rule 0 prices it.
  const auto both = Json(Statement(kExperienced, "https://lms.example.com/external/sales-101", kTutor));
  EXPECT_EQ(costs->CostOf(both, 3600, true), 40000);
  // Not completed: rule 0 still decides, and charges nothing; rule 1 is not tried.
  EXPECT_EQ(costs->CostOf(both, 3600, false), 0);
  // Only rule 1.
  const auto tutor = Json(Statement(kExperienced, "https://tutors.example.com/s/1", kTutor));
  EXPECT_EQ(costs->CostOf(tutor, 3600, false), 9000);
  EXPECT_EQ(costs->CostOf(tutor, 3600, true), 9000);  // no perCompletion
  // Any-of verbs; both prices.
  const auto attended = Json(Statement("https://w3id.org/xapi/adl/verbs/attended", "https://x.example.com/event"));
  EXPECT_EQ(costs->CostOf(attended, 7200, true), 2550 + 2470);  // 25.50 + 2 x 12.35
  EXPECT_EQ(costs->CostOf(attended, 7200, false), 2470);
  // Extension condition (the same compiled conditions as the classification rules).
  const auto billable = Json(Statement(kExperienced, "https://x.example.com/a", "",
                                       R"(,"context":{"extensions":{"https://example.com/ext/billable":true}})"));
  EXPECT_EQ(costs->CostOf(billable, 1800, true), 1);  // 0.5 cent rounds up
  // No rule matches: 0.
  const auto other = Json(Statement(kExperienced, "https://x.example.com/a"));
  EXPECT_EQ(costs->CostOf(other, 3600, true), 0);
  EXPECT_EQ(costs->CostOf(Json("[]"), 3600, true), 0);
  EXPECT_EQ(CostRules().CostOf(tutor, 3600, true), 0);  // no rules at all
}

TEST(Costs, PerHourRoundsToTheNearestCent) {
  auto hourly = [](std::string_view per_hour, double seconds) {
    auto costs = Costs(R"({"currency":"EUR","rules":[{"when":{},"perHour":)" + std::string(per_hour) + "}]}");
    return costs->CostOf(Json(Statement(kExperienced, "https://x.example.com/a")), seconds, false);
  };
  EXPECT_EQ(hourly("90", 3600), 9000);
  EXPECT_EQ(hourly("90", 1800), 4500);
  EXPECT_EQ(hourly("90", 20), 50);          // 9000 x 20/3600 = 50 exactly
  EXPECT_EQ(hourly("90", 1392.5), 3481);    // 3481.25
  EXPECT_EQ(hourly("90", 1393), 3483);      // 3482.5: halves up
  EXPECT_EQ(hourly("90", 0.2), 1);          // 0.5 cent: up
  EXPECT_EQ(hourly("90", 0.199), 0);        // 0.4975 cent: down
  EXPECT_EQ(hourly("90", 0.0004), 0);       // below a millisecond: no time, as in the aggregates
  EXPECT_EQ(hourly("90", 0), 0);
  EXPECT_EQ(hourly("90", -5), 0);
  EXPECT_EQ(hourly("90", std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(hourly("0.01", 1800), 1);       // 0.5 cent: up
  EXPECT_EQ(hourly("0.01", 1799.999), 0);   // 0.49999...: down
  EXPECT_EQ(hourly("1.99", 5400), 299);     // 298.5: up
  EXPECT_EQ(hourly("33.33", 60), 56);       // 55.55
  EXPECT_EQ(hourly("0", 3600), 0);
  // Durations are capped like the aggregates' (1e12 s), costs at kMaxCostCents.
  EXPECT_EQ(hourly("1000000000", 1e300), kMaxCostCents);
  EXPECT_EQ(hourly("1000000000", std::numeric_limits<double>::infinity()), 0);  // not a duration
  EXPECT_EQ(hourly("1", 1e12), 27'777'777'778);  // 100 cents x 1e15 ms / 3.6e6 = 27777777777.78
  EXPECT_EQ(hourly("1", 1e13), 27'777'777'778);  // the same capped duration
}

TEST(Costs, AmountsAreRoundedToCents) {
  auto per_completion = [](std::string_view amount) {
    auto costs = Costs(R"({"currency":"EUR","rules":[{"when":{},"perCompletion":)" + std::string(amount) + "}]}");
    return costs->CostOf(Json(Statement(kExperienced, "https://x.example.com/a")), 0, true);
  };
  EXPECT_EQ(per_completion("400"), 40000);
  EXPECT_EQ(per_completion("400.0"), 40000);
  EXPECT_EQ(per_completion("4e2"), 40000);
  EXPECT_EQ(per_completion("0.29"), 29);      // 0.29 x 100 is 28.999... in binary
  EXPECT_EQ(per_completion("0.285"), 29);     // half up, though the double is just below 0.285
  EXPECT_EQ(per_completion("12.345"), 1235);
  EXPECT_EQ(per_completion("12.3449"), 1234);
  EXPECT_EQ(per_completion("0.005"), 1);
  EXPECT_EQ(per_completion("0.0049"), 0);
  EXPECT_EQ(per_completion("1.999"), 200);
  EXPECT_EQ(per_completion("0"), 0);
  EXPECT_EQ(per_completion("-0"), 0);
  EXPECT_EQ(per_completion("1e-7"), 0);
  EXPECT_EQ(per_completion("1000000000"), 100'000'000'000);
  EXPECT_EQ(per_completion("999999999.995"), 100'000'000'000);
  // The canonical source shows the cents kept.
  EXPECT_EQ(Costs(R"({"currency":"EUR","rules":[{"when":{},"perCompletion":0.285,"perHour":1.10}]})")->source(),
            R"({"currency":"EUR","rules":[{"when":{},"perCompletion":0.29,"perHour":1.1}]})");
}

TEST(Costs, RejectsBadDocuments) {
  // Currency: ISO 4217 shape.
  for (std::string_view bad : {"eur", "EURO", "EU", "E1R", "", "€"})
    EXPECT_ERROR(ParseCosts(R"({"currency":")" + std::string(bad) + R"(","rules":[]})"), "currency", "pattern");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR\u0000","rules":[]})"), "currency", "pattern");
  EXPECT_ERROR(ParseCosts(R"({"currency":978,"rules":[]})"), "currency", "type");
  EXPECT_ERROR(ParseCosts(R"({"rules":[]})"), "currency", "required");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR"})"), "rules", "required");
  // A rule needs a price.
  auto priceless = ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perHour":1},{"when":{},"description":"x"}]})");
  EXPECT_ERROR(priceless, "rules[1]", "anyOf");
  EXPECT_EQ(priceless.error().message, "must set perCompletion or perHour (or both)");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"perHour":1}]})"), "rules[0].when", "required");
  // Prices are numbers from 0 to 1e9.
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perHour":-1}]})"), "rules[0].perHour", "minimum");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perCompletion":-0.01}]})"),
               "rules[0].perCompletion", "minimum");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perCompletion":1e10}]})"),
               "rules[0].perCompletion", "maximum");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perHour":"90"}]})"), "rules[0].perHour", "type");
  // `when` as in the classification rules.
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perHour":1},
                                                         {"when":{"verb":"attended"},"perHour":1}]})"),
               "rules[1].when.verb", "iri");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{"category":["https://x.example.com/c","c"]},"perHour":1}]})"),
               "rules[0].when.category[1]", "iri");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{"activity":"x"},"perHour":1}]})"),
               "rules[0].when.activity", "additionalProperties");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{"verb":[]},"perHour":1}]})"), "rules[0].when.verb",
               "minItems");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{"extension":{"key":"k","value":1}},"perHour":1}]})"),
               "rules[0].when.extension.key", "iri");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[{"when":{},"perHour":1,"perDay":8}]})"), "rules[0].perDay",
               "additionalProperties");
  EXPECT_ERROR(ParseCosts(R"({"currency":"EUR","rules":[],"currency":"USD"})"), "currency", "duplicate-key");
  EXPECT_ERROR(ParseCosts("[]"), "", "type");
}

// costs.json carries its own copy of the classification rules' `when` (a schema document is
// read on its own); the copies must not drift apart.
TEST(Costs, SchemaWhenIsTheRulesWhen) {
  auto definition = [](std::string_view file, const char* name) {
    xapi::JsonDocument doc;
    const std::string_view text = config_json::EmbeddedFile(file);
    doc.Parse(text.data(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << file;
    return xapi::ToJson(doc["definitions"][name]);
  };
  EXPECT_EQ(definition("admin/costs.json", "when"), definition("admin/rules.json", "when"));
  EXPECT_EQ(definition("admin/costs.json", "values"), definition("admin/rules.json", "values"));
}

// ==== KPIs ========================================================================================

TEST(Kpis, BareArrayDefaultsToHigher) {
  auto kpis = ParseKpisJson(R"([{"kpi":"revenue","month":"2026-10","value":1200000},
                                {"kpi":"churn","month":"2026-10","value":0.025},
                                {"kpi":"revenue","month":"2026-09","value":1100000.5}])");
  ASSERT_OK(kpis);
  EXPECT_EQ(kpis->higher_is_better, (std::map<std::string, bool>{{"churn", true}, {"revenue", true}}));
  ASSERT_EQ(kpis->values.size(), 3u);
  // Sorted by (kpi, month).
  EXPECT_EQ(kpis->values[0].kpi, "churn");
  EXPECT_EQ(kpis->values[1].kpi, "revenue");
  EXPECT_EQ(kpis->values[1].month, 202609);
  EXPECT_EQ(kpis->values[1].value, 1100000.5);
  EXPECT_EQ(kpis->values[2].month, 202610);
  EXPECT_EQ(KpisToJson(*kpis),
            R"({"kpis":[{"kpi":"churn","direction":"higher"},{"kpi":"revenue","direction":"higher"}],)"
            R"("values":[{"kpi":"churn","month":"2026-10","value":0.025},)"
            R"({"kpi":"revenue","month":"2026-09","value":1100000.5},)"
            R"({"kpi":"revenue","month":"2026-10","value":1200000}]})");
  auto empty = ParseKpisJson("[]");
  ASSERT_OK(empty);
  EXPECT_EQ(KpisToJson(*empty), R"({"kpis":[],"values":[]})");
}

constexpr std::string_view kKpiSet = R"({"kpis": [{"kpi": "revenue", "direction": "higher"},
                                                  {"kpi": "churn", "direction": "lower"},
                                                  {"kpi": "nps", "direction": "higher"}],
  "values": [{"kpi": "churn", "month": "2026-10", "value": 0.02, "direction": "lower"},
             {"kpi": "revenue", "month": "2026-10", "value": 1200000},
             {"kpi": "churn", "month": "2025-12", "value": -0},
             {"kpi": "win-rate", "month": "2026-10", "value": 0.31}]})";

TEST(Kpis, ObjectFormAndRoundTrip) {
  auto kpis = ParseKpisJson(kKpiSet);
  ASSERT_OK(kpis);
  EXPECT_EQ(kpis->higher_is_better,
            (std::map<std::string, bool>{{"churn", false}, {"nps", true}, {"revenue", true}, {"win-rate", true}}));
  ASSERT_EQ(kpis->values.size(), 4u);
  EXPECT_EQ(kpis->values[0].month, 202512);
  const std::string json = KpisToJson(*kpis);
  EXPECT_EQ(json,
            R"({"kpis":[{"kpi":"churn","direction":"lower"},{"kpi":"nps","direction":"higher"},)"
            R"({"kpi":"revenue","direction":"higher"},{"kpi":"win-rate","direction":"higher"}],)"
            R"("values":[{"kpi":"churn","month":"2025-12","value":0},{"kpi":"churn","month":"2026-10","value":0.02},)"
            R"({"kpi":"revenue","month":"2026-10","value":1200000},{"kpi":"win-rate","month":"2026-10","value":0.31}]})");
  auto again = ParseKpisJson(json);
  ASSERT_OK(again);
  EXPECT_EQ(KpisToJson(*again), json);
  EXPECT_EQ(again->higher_is_better, kpis->higher_is_better);
  // Large and tiny values survive the round trip exactly.
  auto exact = ParseKpisJson(R"([{"kpi":"a","month":"2026-01","value":1e300},{"kpi":"b","month":"2026-01","value":-3.14159e-200},
                                 {"kpi":"c","month":"2026-01","value":9007199254740993}])");
  ASSERT_OK(exact);
  auto exact_again = ParseKpisJson(KpisToJson(*exact));
  ASSERT_OK(exact_again);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(exact_again->values[i].value, exact->values[i].value) << i;
  EXPECT_TRUE(ParseKpisJson("{}").ok());
}

TEST(Kpis, RejectsBadJson) {
  // One value per (kpi, month).
  auto dup = ParseKpisJson(R"([{"kpi":"revenue","month":"2026-10","value":1},{"kpi":"churn","month":"2026-10","value":1},
                               {"kpi":"revenue","month":"2026-10","value":2}])");
  EXPECT_ERROR(dup, "values[2].month", "unique");
  EXPECT_NE(dup.error().message.find("values[0]"), std::string::npos) << dup.error().message;
  EXPECT_ERROR(ParseKpisJson(R"({"values":[{"kpi":"a","month":"2026-10","value":1},{"kpi":"a","month":"2026-10","value":1}]})"),
               "values[1].month", "unique");
  // Months.
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-13","value":1}])"), "values[0].month", "month");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-00","value":1}])"), "values[0].month", "month");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-1","value":1}])"), "values[0].month", "pattern");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10-01","value":1}])"), "values[0].month", "pattern");
  EXPECT_ERROR(ParseKpisJson(R"({"values":[{"kpi":"a","month":"October 2026","value":1}]})"), "values[0].month",
               "pattern");
  // Values are numbers.
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10","value":"1"}])"), "values[0].value", "type");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10","value":null}])"), "values[0].value", "type");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10","value":1e999}])"), "values", "json");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10"}])"), "values[0].value", "required");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"","month":"2026-10","value":1}])"), "values[0].kpi", "minLength");
  // Directions: one per KPI.
  EXPECT_ERROR(ParseKpisJson(R"({"kpis":[{"kpi":"churn","direction":"lower"},{"kpi":"churn","direction":"higher"}]})"),
               "kpis[1].direction", "direction");
  EXPECT_TRUE(ParseKpisJson(R"({"kpis":[{"kpi":"churn","direction":"lower"},{"kpi":"churn","direction":"lower"}]})").ok());
  auto conflict = ParseKpisJson(R"({"kpis":[{"kpi":"churn","direction":"lower"}],
                                    "values":[{"kpi":"churn","month":"2026-10","value":1,"direction":"higher"}]})");
  EXPECT_ERROR(conflict, "values[0].direction", "direction");
  EXPECT_NE(conflict.error().message.find("kpis[0].direction"), std::string::npos) << conflict.error().message;
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10","value":1,"direction":"lower"},
                                 {"kpi":"a","month":"2026-11","value":1,"direction":"higher"}])"),
               "values[1].direction", "direction");
  EXPECT_ERROR(ParseKpisJson(R"({"kpis":[{"kpi":"churn","direction":"down"}]})"), "kpis[0].direction", "enum");
  EXPECT_ERROR(ParseKpisJson(R"({"kpis":[{"kpi":"churn"}]})"), "kpis[0].direction", "required");
  // Shapes.
  EXPECT_ERROR(ParseKpisJson(R"({"kpis":[],"values":[],"unit":"x"})"), "unit", "additionalProperties");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","month":"2026-10","value":1,"unit":"EUR"}])"), "values[0].unit",
               "additionalProperties");
  EXPECT_ERROR(ParseKpisJson(R"([{"kpi":"a","kpi":"b","month":"2026-10","value":1}])"), "values[0].kpi",
               "duplicate-key");
  EXPECT_ERROR(ParseKpisJson("42"), "", "type");
  EXPECT_ERROR(ParseKpisJson(R"("revenue")"), "", "type");
  EXPECT_ERROR(ParseKpisJson("[{"), "values", "json");
}

TEST(Kpis, Csv) {
  auto kpis = ParseKpisCsv("\xEF\xBB\xBFkpi,month,value\r\nrevenue,2026-10,1200000\r\n\"churn, monthly\",2026-10,0.025\r\n"
                           " revenue , 2026-09 , -1.5e3 \r\n");
  ASSERT_OK(kpis);
  EXPECT_EQ(kpis->higher_is_better, (std::map<std::string, bool>{{"churn, monthly", true}, {"revenue", true}}));
  ASSERT_EQ(kpis->values.size(), 3u);
  EXPECT_EQ(kpis->values[1].kpi, "revenue");
  EXPECT_EQ(kpis->values[1].month, 202609);
  EXPECT_EQ(kpis->values[1].value, -1500);
  // Columns in any order; direction optional per row (empty: not said).
  auto directed = ParseKpisCsv("Month,KPI,Direction,Value\n2026-10,churn,lower,0.02\n2026-11,churn,,0.03\n"
                               "2026-10,nps,HIGHER,+41\n2026-10,revenue,,5\n");
  ASSERT_OK(directed);
  EXPECT_EQ(directed->higher_is_better,
            (std::map<std::string, bool>{{"churn", false}, {"nps", true}, {"revenue", true}}));
  EXPECT_EQ(directed->values[2].value, 41);
  // The same set as the JSON form.
  auto json = ParseKpisJson(KpisToJson(*directed));
  ASSERT_OK(json);
  EXPECT_EQ(KpisToJson(*json), KpisToJson(*directed));
  // A header alone.
  auto header_only = ParseKpisCsv("kpi,month,value\n");
  ASSERT_OK(header_only);
  EXPECT_TRUE(header_only->values.empty());
}

TEST(Kpis, CsvErrorsNameLineAndColumn) {
  EXPECT_ERROR(ParseKpisCsv(""), "line 1", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month\nrevenue,2026-10\n"), "line 1", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value,unit\n"), "line 1 column unit", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value,Month\n"), "line 1 column Month", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,2026-10\n"), "line 2", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,2026-10,1,2\n"), "line 2", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,2026-10,1\nrevenue,2026-13,1\n"), "line 3 column month", "month");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,10/2026,1\n"), "line 2 column month", "pattern");
  for (std::string_view bad : {"", "abc", "1,200", "1.2.3", "inf", "nan", "1e999", "0x10", "12 000", "--1"}) {
    EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,2026-10,\"" + std::string(bad) + "\"\n"),
                 "line 2 column value", "number");
  }
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\n,2026-10,1\n"), "line 2 column kpi", "minLength");
  auto dup = ParseKpisCsv("kpi,month,value\nrevenue,2026-10,1\nchurn,2026-10,1\nrevenue,2026-10,2\n");
  EXPECT_ERROR(dup, "line 4 column month", "unique");
  EXPECT_NE(dup.error().message.find("line 2"), std::string::npos) << dup.error().message;
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value,direction\nchurn,2026-10,1,lower\nchurn,2026-11,1,higher\n"),
               "line 3 column direction", "direction");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value,direction\nchurn,2026-10,1,down\n"), "line 2 column direction", "enum");
  // RFC 4180 errors, with the line a multi-line quoted field ends on.
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\n\"revenue,2026-10,1\n"), "line 2 column kpi", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\n\"a\nb\",2026-10,1\nx,2026-1,1\n"), "line 4 column month", "pattern");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nre\"venue,2026-10,1\n"), "line 2 column kpi", "csv");
  EXPECT_ERROR(ParseKpisCsv("kpi,month,value\nrevenue,2026-10,1\n\xff,2026-10,1\n"), "line 3", "csv");
}

}  // namespace
}  // namespace lrsd::profile
