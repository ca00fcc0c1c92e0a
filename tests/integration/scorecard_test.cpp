// Goals, development plans, costs, KPIs and balanced scorecards on the real binary, every
// figure checked against numbers worked out by hand for a small organisation.
#include <gtest/gtest.h>

#include <cmath>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

constexpr const char* kFramework = R"({
  "competencies":[{"id":"negotiation","name":"Negotiation"},{"id":"safety","name":"Safety"}],
  "roles":[{"id":"sales-engineer","name":"Sales engineer","requires":[{"competency":"negotiation","level":3}]},
           {"id":"technician","name":"Technician","requires":[{"competency":"safety","level":2}]}]})";

constexpr const char* kRules = R"({
  "modality":[
    {"when":{"activityType":"http://adlnet.gov/expapi/activities/course"},"modality":"formal"},
    {"when":{"platform":"FieldApp"},"modality":"experiential"},
    {"when":{"platform":"CoachingApp"},"modality":"informal"}],
  "competency":[
    {"when":{"activityIdPrefix":"https://lms.example.com/negotiation-basics"},"competency":"negotiation","level":1},
    {"when":{"activityIdPrefix":"https://lms.example.com/negotiation-advanced"},"competency":"negotiation","level":3},
    {"when":{"platform":"FieldApp"},"competency":"safety","level":1}]})";

constexpr const char* kCosts = R"({"currency":"EUR","rules":[
    {"when":{"activityIdPrefix":"https://lms.example.com/negotiation-advanced"},"perCompletion":400},
    {"when":{"platform":"CoachingApp"},"perHour":90}]})";

constexpr const char* kGoals = R"([
  {"id":"g-growth","title":"Grow revenue 10%","kpis":["revenue"]},
  {"id":"g-emea","title":"Win enterprise deals in EMEA","parent":"g-growth","unit":"emea-sales","competencies":["negotiation"],"kpis":["revenue","win-rate"]},
  {"id":"g-service","title":"Zero safety incidents","parent":"g-growth","unit":"field-service","competencies":["safety"]}])";

constexpr const char* kPeople = R"([
  {"id":"ana","name":"Ana Silva","ifis":[{"mbox":"mailto:ana@example.com"}],"role":"sales-engineer","unit":"emea-sales"},
  {"id":"chloe","name":"Chloe Martin","ifis":[{"mbox":"mailto:chloe@example.com"}],"role":"sales-engineer","unit":"emea-sales"},
  {"id":"ben","name":"Ben Okafor","ifis":[{"mbox":"mailto:ben@example.com"}],"role":"technician","unit":"field-service"}])";

// Revenue of emea-sales, March to October 2026; win-rate for three months only.
constexpr double kRevenue[8] = {900000, 950000, 1000000, 980000, 1010000, 1050000, 1120000, 1200000};
constexpr const char* kKpis = R"({"kpis":[{"kpi":"revenue","direction":"higher"},{"kpi":"win-rate","direction":"higher"}],
  "values":[{"kpi":"revenue","month":"2026-03","value":900000},{"kpi":"revenue","month":"2026-04","value":950000},
            {"kpi":"revenue","month":"2026-05","value":1000000},{"kpi":"revenue","month":"2026-06","value":980000},
            {"kpi":"revenue","month":"2026-07","value":1010000},{"kpi":"revenue","month":"2026-08","value":1050000},
            {"kpi":"revenue","month":"2026-09","value":1120000},{"kpi":"revenue","month":"2026-10","value":1200000},
            {"kpi":"win-rate","month":"2026-08","value":0.2},{"kpi":"win-rate","month":"2026-09","value":0.25},
            {"kpi":"win-rate","month":"2026-10","value":0.3}]})";

const std::string kUntil = "until=2026-10-31T23:59:59Z";

std::string Statement(const std::string& who, const std::string& verb, const std::string& activity,
                      const std::string& type, const std::string& platform, const std::string& duration,
                      const std::string& timestamp, const std::string& result) {
  std::string s = R"({"actor":{"mbox":"mailto:)" + who + R"(@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/)" +
                  verb + R"("},"object":{"id":")" + activity + R"(","definition":{"type":")" + type +
                  R"("}},"result":{"duration":")" + duration + "\"" + result + R"(},"timestamp":")" + timestamp + "\"";
  if (!platform.empty()) s += R"(,"context":{"platform":")" + platform + R"("})";
  return s + "}";
}

const std::string kCourse = "http://adlnet.gov/expapi/activities/course";
const std::string kTask = "http://activitystrea.ms/schema/1.0/task";
const std::string kMeeting = "http://id.tincanapi.com/activitytype/tutor-session";

// Pearson's r, written out independently of lrsd's.
double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  double n = static_cast<double>(x.size()), sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
  }
  double mx = sx / n, my = sy / n, num = 0, dx = 0, dy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    num += (x[i] - mx) * (y[i] - my);
    dx += (x[i] - mx) * (x[i] - mx);
    dy += (y[i] - my) * (y[i] - my);
  }
  return num / std::sqrt(dx * dy);
}

class ScorecardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = Server::Start().release();
    Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    auto put = [&](const std::string& path, const std::string& body, const char* type = "application/json") {
      auto r = c.Request("PUT", path, body, {{"Content-Type", type}});
      ASSERT_EQ(r.status, 200) << path << " " << r.body;
    };
    put("/admin/framework", kFramework);
    put("/admin/rules", kRules);
    put("/admin/costs", kCosts);
    put("/admin/goals", kGoals);
    put("/admin/people", kPeople);
    put("/admin/kpis/emea-sales", kKpis);
    put("/admin/plans/ana", R"({"from":"2026-01-01","to":"2026-12-31","items":[{"goal":"g-emea","competency":"negotiation","targetLevel":3,"due":"2026-11-30","activities":["https://lms.example.com/negotiation-advanced/1"],"hours":10}]})");
    put("/admin/plans/chloe", R"({"from":"2026-01-01","to":"2026-12-31","items":[{"goal":"g-emea","competency":"negotiation","targetLevel":3,"due":"2026-06-30","activities":["https://lms.example.com/negotiation-basics/1"],"hours":5}]})");
    put("/admin/plans/ben", R"({"from":"2026-01-01","to":"2027-12-31","items":[
      {"goal":"g-service","competency":"safety","targetLevel":2,"due":"2026-11-30","hours":10},
      {"goal":"g-service","competency":"safety","targetLevel":2,"due":"2027-12-31","hours":2}]})");
    const std::string body = "[" +
        Statement("ana", "completed", "https://lms.example.com/negotiation-basics/1", kCourse, "LMS", "PT1H",
                  "2026-09-01T10:00:00Z", R"(,"completion":true)") + "," +
        Statement("ana", "passed", "https://lms.example.com/negotiation-advanced/1", kCourse, "LMS", "PT2H",
                  "2026-10-11T10:00:00Z", R"(,"completion":true,"success":true)") + "," +
        Statement("ana", "attended", "https://coach.example.com/s/1", kMeeting, "CoachingApp", "PT1H30M",
                  "2026-10-20T10:00:00Z", "") + "," +
        Statement("chloe", "completed", "https://lms.example.com/negotiation-basics/1", kCourse, "LMS", "PT30M",
                  "2026-10-05T10:00:00Z", R"(,"completion":true)") + "," +
        Statement("chloe", "completed", "https://field.example.com/tasks/1", kTask, "FieldApp", "PT3H",
                  "2026-10-06T10:00:00Z", R"(,"completion":true)") + "," +
        Statement("ben", "completed", "https://field.example.com/tasks/2", kTask, "FieldApp", "PT1H",
                  "2026-10-15T10:00:00Z", R"(,"completion":true)") + "]";
    auto r = c.PostJson("/xapi/statements", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto ids = r.Json();
    coaching_id_ = ids[2].GetString();
  }
  static void TearDownTestSuite() { delete server_; }
  rapidjson::Document Get(const std::string& path) {
    Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return r.Json();
  }
  static Server* server_;
  static std::string coaching_id_;
};
Server* ScorecardTest::server_ = nullptr;
std::string ScorecardTest::coaching_id_;

TEST_F(ScorecardTest, UnitScorecardFiguresMatchTheHandCalculation) {
  auto s = Get("/learning/scorecard?unit=emea-sales&" + kUntil);
  ASSERT_TRUE(s.IsObject());
  EXPECT_EQ(s["people"].GetInt(), 2);
  // Learning: formal 1h + 2h + 0.5h, experiential 3h, informal 1.5h = 8h for 2 people.
  const auto& l = s["learning"];
  EXPECT_DOUBLE_EQ(l["hours"].GetDouble(), 8.0);
  EXPECT_DOUBLE_EQ(l["hoursPerPerson"].GetDouble(), 4.0);
  EXPECT_DOUBLE_EQ(l["modalities"]["formal"]["seconds"].GetDouble(), 3.5 * 3600);
  EXPECT_DOUBLE_EQ(l["modalities"]["formal"]["share"].GetDouble(), 0.4375);
  EXPECT_DOUBLE_EQ(l["modalities"]["experiential"]["share"].GetDouble(), 0.375);
  EXPECT_DOUBLE_EQ(l["modalities"]["informal"]["share"].GetDouble(), 0.1875);
  // Negotiation 3 required of both: Ana reached it, Chloe is at 1.
  EXPECT_DOUBLE_EQ(l["competencyCoverage"].GetDouble(), 0.5);
  EXPECT_EQ(l["plans"]["done"].GetInt(), 1);     // Ana: level 3 reached
  EXPECT_EQ(l["plans"]["overdue"].GetInt(), 1);  // Chloe: due in June, level 1
  EXPECT_EQ(l["plans"]["onTrack"].GetInt(), 0);
  EXPECT_EQ(l["plans"]["atRisk"].GetInt(), 0);
  // Efficiency: 400 for the advanced course + 1.5h coaching at 90/h.
  const auto& e = s["efficiency"];
  EXPECT_DOUBLE_EQ(e["cost"].GetDouble(), 535.0);
  EXPECT_STREQ(e["currency"].GetString(), "EUR");
  EXPECT_DOUBLE_EQ(e["costPerHour"].GetDouble(), 66.88);         // 535 / 8, to the cent
  EXPECT_DOUBLE_EQ(e["costPerCompletion"].GetDouble(), 133.75);  // 535 / 4 completions
  ASSERT_EQ(e["usage"].Size(), 2u);
  EXPECT_STREQ(e["usage"][0]["month"].GetString(), "2026-09");
  EXPECT_DOUBLE_EQ(e["usage"][0]["activeShare"].GetDouble(), 0.5);  // only Ana in September
  EXPECT_DOUBLE_EQ(e["usage"][1]["activeShare"].GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(e["daysToCompetency"].GetDouble(), 40.0);  // Ana: 1 Sep to 11 Oct
  // Alignment: 3.5h of 8h evidence negotiation, which g-emea needs (and g-growth above it).
  const auto& a = s["alignment"];
  EXPECT_DOUBLE_EQ(a["share"].GetDouble(), 0.4375);
  ASSERT_EQ(a["goals"].Size(), 2u);
  EXPECT_STREQ(a["goals"][0]["id"].GetString(), "g-emea");
  EXPECT_DOUBLE_EQ(a["goals"][0]["hours"].GetDouble(), 3.5);
  // Up the cascade, g-growth relies on negotiation (g-emea) and safety (g-service): Chloe's 3h
  // of field work evidence safety, so 6.5h of 8h serve it.
  EXPECT_STREQ(a["goals"][1]["id"].GetString(), "g-growth");
  EXPECT_DOUBLE_EQ(a["goals"][1]["hours"].GetDouble(), 6.5);
  EXPECT_DOUBLE_EQ(a["goals"][1]["share"].GetDouble(), 0.8125);
}

TEST_F(ScorecardTest, KpisBesideLearningWithLaggedCorrelationWithheldWhenTooShort) {
  auto s = Get("/learning/scorecard?unit=emea-sales&" + kUntil);
  const auto& business = s["business"];
  ASSERT_EQ(business.Size(), 2u);
  const auto& revenue = business[0];
  EXPECT_STREQ(revenue["kpi"].GetString(), "revenue");
  ASSERT_EQ(revenue["months"].Size(), 8u);
  EXPECT_DOUBLE_EQ(revenue["months"][6]["learningHours"].GetDouble(), 1.0);  // September
  EXPECT_DOUBLE_EQ(revenue["months"][7]["learningHours"].GetDouble(), 7.0);  // October
  // Learning hours per month from March: 0,0,0,0,0,0,1,7.
  const std::vector<double> hours = {0, 0, 0, 0, 0, 0, 1, 7};
  std::vector<double> revenue_values(kRevenue, kRevenue + 8);
  auto lagged = [&](int lag) {
    std::vector<double> x, y;
    for (int m = lag; m < 8; ++m) {
      x.push_back(revenue_values[static_cast<std::size_t>(m)]);
      y.push_back(hours[static_cast<std::size_t>(m - lag)]);
    }
    return Pearson(x, y);
  };
  const auto& r = revenue["correlation"];
  EXPECT_NEAR(r["lag0"].GetDouble(), lagged(0), 1e-4);  // 8 pairs
  EXPECT_NEAR(r["lag1"].GetDouble(), lagged(1), 1e-4);  // 7 pairs
  // 6 pairs, but no learning at all from March to August: a constant series correlates with
  // nothing, so none is reported.
  EXPECT_TRUE(r["lag2"].IsNull());
  EXPECT_TRUE(r["lag3"].IsNull());  // 5 pairs: too few months
  const auto& win_rate = business[1];
  EXPECT_STREQ(win_rate["kpi"].GetString(), "win-rate");
  for (const char* lag : {"lag0", "lag1", "lag2", "lag3"}) EXPECT_TRUE(win_rate["correlation"][lag].IsNull()) << lag;
}

TEST_F(ScorecardTest, PersonProfileShowsPlanProgressAndCost) {
  auto ana = Get("/learning/people/ana?" + kUntil);
  ASSERT_EQ(ana["plan"].Size(), 1u);
  const auto& item = ana["plan"][0];
  EXPECT_EQ(item["level"].GetInt(), 3);
  EXPECT_EQ(item["activitiesDone"].GetInt(), 1);
  EXPECT_EQ(item["activitiesPlanned"].GetInt(), 1);
  EXPECT_DOUBLE_EQ(item["hours"].GetDouble(), 2.0);  // on the planned activity
  EXPECT_DOUBLE_EQ(item["plannedHours"].GetDouble(), 10.0);
  EXPECT_STREQ(item["status"].GetString(), "done");
  EXPECT_DOUBLE_EQ(ana["cost"]["total"].GetDouble(), 535.0);
  EXPECT_DOUBLE_EQ(ana["cost"]["byModality"]["formal"].GetDouble(), 400.0);
  EXPECT_DOUBLE_EQ(ana["cost"]["byModality"]["informal"].GetDouble(), 135.0);
  auto chloe = Get("/learning/people/chloe?" + kUntil);
  EXPECT_STREQ(chloe["plan"][0]["status"].GetString(), "overdue");
  EXPECT_DOUBLE_EQ(chloe["plan"][0]["hours"].GetDouble(), 0.5);
  // Ben: safety level 1 from field work. Due next month with 1 of 10 hours: at risk. Due at
  // the end of 2027 with half of 2 hours: on track.
  auto ben = Get("/learning/people/ben?" + kUntil);
  ASSERT_EQ(ben["plan"].Size(), 2u);
  EXPECT_STREQ(ben["plan"][0]["status"].GetString(), "at-risk");
  EXPECT_STREQ(ben["plan"][1]["status"].GetString(), "on-track");
  EXPECT_DOUBLE_EQ(ben["plan"][0]["hours"].GetDouble(), 1.0);  // no activities: competency time
}

TEST_F(ScorecardTest, OrganisationScorecardAndGoalsTree) {
  auto org = Get("/learning/scorecard?" + kUntil);
  EXPECT_TRUE(org["unit"].IsNull());
  EXPECT_EQ(org["people"].GetInt(), 3);
  EXPECT_DOUBLE_EQ(org["learning"]["hours"].GetDouble(), 9.0);
  const auto& plans = org["learning"]["plans"];
  EXPECT_EQ(plans["done"].GetInt(), 1);
  EXPECT_EQ(plans["onTrack"].GetInt(), 1);
  EXPECT_EQ(plans["atRisk"].GetInt(), 1);
  EXPECT_EQ(plans["overdue"].GetInt(), 1);
  EXPECT_EQ(org["alignment"]["goals"].Size(), 3u);
  auto tree = Get("/learning/goals?" + kUntil);
  ASSERT_TRUE(tree.IsArray());
  ASSERT_EQ(tree.Size(), 1u);
  EXPECT_STREQ(tree[0]["id"].GetString(), "g-growth");
  ASSERT_EQ(tree[0]["children"].Size(), 2u);
  const auto& emea = tree[0]["children"][0];
  EXPECT_STREQ(emea["id"].GetString(), "g-emea");
  ASSERT_EQ(emea["people"].Size(), 2u);
  EXPECT_STREQ(emea["people"][0]["id"].GetString(), "ana");
  EXPECT_STREQ(emea["people"][0]["items"][0]["status"].GetString(), "done");
}

TEST_F(ScorecardTest, VoidingTakesTheCostAndTimeAway) {
  Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  ASSERT_EQ(c.PostJson("/xapi/statements",
                       R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
                           coaching_id_ + R"("}})")
                .status,
            200);
  auto s = Get("/learning/scorecard?unit=emea-sales&" + kUntil);
  EXPECT_DOUBLE_EQ(s["efficiency"]["cost"].GetDouble(), 400.0);
  EXPECT_DOUBLE_EQ(s["learning"]["hours"].GetDouble(), 6.5);
  auto ana = Get("/learning/people/ana?" + kUntil);
  EXPECT_FALSE(ana["cost"]["byModality"].HasMember("informal"));
}

TEST_F(ScorecardTest, BadDocumentsAndScopes) {
  Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  auto put = [&](const std::string& path, const std::string& body, const char* type = "application/json") {
    return c.Request("PUT", path, body, {{"Content-Type", type}});
  };
  auto cycle = put("/admin/goals", R"([{"id":"a","title":"A","parent":"b"},{"id":"b","title":"B","parent":"a"}])");
  EXPECT_EQ(cycle.status, 400);
  auto orphan = put("/admin/goals", R"([{"id":"a","title":"A","parent":"nowhere"}])");
  EXPECT_EQ(orphan.status, 400);
  EXPECT_NE(orphan.body.find("goals[0].parent"), std::string::npos) << orphan.body;
  EXPECT_EQ(put("/admin/plans/nobody", R"({"from":"2026-01-01","to":"2026-12-31","items":[]})").status, 404);
  auto bad_goal = put("/admin/plans/ana", R"({"from":"2026-01-01","to":"2026-12-31","items":[{"goal":"g-nope","competency":"negotiation","targetLevel":3,"due":"2026-11-30"}]})");
  EXPECT_EQ(bad_goal.status, 400);
  auto bad_date = put("/admin/plans/ana", R"({"from":"2026-01-01","to":"2026-12-31","items":[{"goal":"g-emea","competency":"negotiation","targetLevel":3,"due":"2026-02-30"}]})");
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(put("/admin/costs", R"({"currency":"EUR","rules":[{"when":{}}]})").status, 400);
  auto csv = put("/admin/kpis/emea-sales", "kpi,month,value\nrevenue,2026-13,5\n", "text/csv");
  EXPECT_EQ(csv.status, 400);
  EXPECT_NE(csv.body.find("line 2"), std::string::npos) << csv.body;
  // Nothing of that changed the configuration.
  EXPECT_EQ(Get("/admin/goals").Size(), 3u);
  EXPECT_EQ(Get("/admin/plans/ana")["items"].Size(), 1u);

  server_->Stop();
  ASSERT_EQ(server_->RunCli({"credentials", "create", "--key", "hr2", "--secret", "hr-secret-2", "--scope", "profiles/read"}).first, 0);
  ASSERT_EQ(server_->RunCli({"credentials", "create", "--key", "lms2", "--secret", "lms-secret-2", "--scope", "statements/write"}).first, 0);
  server_->StartAgain();
  Client hr(server_->http_url(), "hr2", "hr-secret-2");
  Client lms(server_->http_url(), "lms2", "lms-secret-2");
  EXPECT_EQ(hr.Get("/learning/scorecard?unit=emea-sales").status, 200);
  EXPECT_EQ(hr.Get("/learning/goals").status, 200);
  EXPECT_EQ(hr.Request("PUT", "/admin/goals", kGoals, {{"Content-Type", "application/json"}}).status, 403);
  EXPECT_EQ(lms.Get("/learning/scorecard").status, 403);
  EXPECT_EQ(lms.Get("/admin/plans/ana").status, 403);
}

}  // namespace
}  // namespace lrsd::testkit
