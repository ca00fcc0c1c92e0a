// Learning profiles end to end on the real binary: the admin API, classification, identity
// merging, voiding, shares/levels/gaps, unit and organisation roll-ups, scopes, since/until, and
// rebuild equivalence on a generated data set of 100,000 statements.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

constexpr const char* kFramework = R"({
  "competencies":[{"id":"negotiation","name":"Negotiation"},{"id":"safety","name":"Safety"},{"id":"coaching","name":"Coaching"}],
  "roles":[{"id":"sales-engineer","name":"Sales engineer","requires":[{"competency":"negotiation","level":3},{"competency":"safety","level":1}]},
           {"id":"technician","name":"Technician","requires":[{"competency":"safety","level":2}]}]})";

constexpr const char* kRules = R"({
  "modality":[
    {"when":{"activityType":"http://adlnet.gov/expapi/activities/course"},"modality":"formal"},
    {"when":{"platform":"FieldApp"},"modality":"experiential"},
    {"when":{"activityType":"https://w3id.org/xapi/video/activity-type/video"},"modality":"informal"}],
  "competency":[
    {"when":{"activityIdPrefix":"https://lms.example.com/negotiation-basics"},"competency":"negotiation","level":1},
    {"when":{"activityIdPrefix":"https://lms.example.com/negotiation-advanced"},"competency":"negotiation","level":3},
    {"when":{"platform":"FieldApp","verb":"http://adlnet.gov/expapi/verbs/completed"},"competency":"safety","level":2}]})";

constexpr const char* kPeople = R"([
  {"id":"e1001","name":"Ana Silva","ifis":[{"mbox":"mailto:ana@example.com"},{"account":{"homePage":"https://field.example.com","name":"ana"}}],"role":"sales-engineer","unit":"emea-sales","manager":"e1000"},
  {"id":"e1002","name":"Ben Okafor","ifis":[{"mbox":"mailto:ben@example.com"}],"role":"technician","unit":"field-service"},
  {"id":"e1003","name":"Chloe Martin","ifis":[{"mbox":"mailto:chloe@example.com"}],"role":"sales-engineer","unit":"emea-sales"}])";

const std::string kAnaMbox = R"({"mbox":"mailto:ana@example.com"})";
const std::string kAnaField = R"({"objectType":"Agent","account":{"homePage":"https://field.example.com","name":"ana"}})";

std::string Statement(const std::string& actor, const std::string& verb, const std::string& activity,
                      const std::string& type, const std::string& duration, const std::string& platform,
                      const std::string& timestamp, const std::string& result_extra = "") {
  std::string s = R"({"actor":)" + actor + R"(,"verb":{"id":")" + verb + R"("},"object":{"id":")" + activity +
                  R"(","definition":{"type":")" + type + R"("}},"result":{"duration":")" + duration + "\"" +
                  result_extra + R"(},"timestamp":")" + timestamp + "\"";
  if (!platform.empty()) s += R"(,"context":{"platform":")" + platform + R"("})";
  return s + "}";
}

const std::string kCourse = "http://adlnet.gov/expapi/activities/course";
const std::string kTask = "http://id.tincanapi.com/activitytype/task";
const std::string kVideo = "https://w3id.org/xapi/video/activity-type/video";
const std::string kCompleted = "http://adlnet.gov/expapi/verbs/completed";
const std::string kPassed = "http://adlnet.gov/expapi/verbs/passed";
const std::string kWatched = "https://w3id.org/xapi/video/verbs/played";

class ProfilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = Server::Start();
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    ASSERT_EQ(Put("/admin/framework", kFramework).status, 200);
    ASSERT_EQ(Put("/admin/rules", kRules).status, 200);
    auto people = Put("/admin/people", kPeople);
    ASSERT_EQ(people.status, 200) << people.body;
  }
  Response Put(const std::string& path, const std::string& body, const std::string& type = "application/json") {
    return client_->Request("PUT", path, body, {{"Content-Type", type}});
  }
  std::vector<std::string> Post(const std::vector<std::string>& statements) {
    std::string body = "[";
    for (std::size_t i = 0; i < statements.size(); ++i) body += (i ? "," : "") + statements[i];
    body += "]";
    auto r = client_->PostJson("/xapi/statements", body);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 500);
    std::vector<std::string> ids;
    auto json = r.Json();
    if (json.IsArray()) {
      for (const auto& id : json.GetArray()) ids.push_back(id.GetString());
    }
    return ids;
  }
  rapidjson::Document Profile(const std::string& path) {
    auto r = client_->Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return r.Json();
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ProfilesTest, PersonProfileBlendsModalitiesAcrossIfis) {
  Post({
      Statement(kAnaMbox, kPassed, "https://lms.example.com/negotiation-advanced/1", kCourse, "PT1H", "LMS",
                "2026-10-05T09:00:00Z", R"(,"success":true,"completion":true,"score":{"scaled":0.8})"),
      Statement(kAnaField, kCompleted, "https://field.example.com/tasks/42", kTask, "PT2H30M", "FieldApp",
                "2026-10-06T14:00:00Z", R"(,"completion":true)"),
      Statement(kAnaMbox, kWatched, "https://video.example.com/v/7", kVideo, "PT30M", "VideoPortal",
                "2026-10-07T12:00:00Z"),
      Statement(kAnaMbox, "http://adlnet.gov/expapi/verbs/logged-in", "https://portal.example.com", "http://example.com/type/portal",
                "PT0S", "", "2026-10-07T12:30:00Z"),
  });
  auto p = Profile("/learning/people/e1001");
  ASSERT_TRUE(p.IsObject());
  EXPECT_STREQ(p["person"]["id"].GetString(), "e1001");
  EXPECT_STREQ(p["person"]["unit"].GetString(), "emea-sales");
  const auto& m = p["modalities"];
  EXPECT_EQ(m["formal"]["statements"].GetInt(), 1);
  EXPECT_DOUBLE_EQ(m["formal"]["seconds"].GetDouble(), 3600);
  EXPECT_DOUBLE_EQ(m["experiential"]["seconds"].GetDouble(), 9000);
  EXPECT_DOUBLE_EQ(m["informal"]["seconds"].GetDouble(), 1800);
  EXPECT_DOUBLE_EQ(m["formal"]["share"].GetDouble(), 0.25);
  EXPECT_DOUBLE_EQ(m["experiential"]["share"].GetDouble(), 0.625);
  EXPECT_DOUBLE_EQ(m["informal"]["share"].GetDouble(), 0.125);
  EXPECT_EQ(m["unclassified"]["statements"].GetInt(), 1);
  EXPECT_FALSE(m["unclassified"].HasMember("share"));
  EXPECT_DOUBLE_EQ(p["reference"]["experiential"].GetDouble(), 0.7);
  EXPECT_EQ(p["outcomes"]["completed"].GetInt(), 2);
  EXPECT_EQ(p["outcomes"]["passed"].GetInt(), 1);
  EXPECT_EQ(p["outcomes"]["failed"].GetInt(), 0);
  EXPECT_DOUBLE_EQ(p["outcomes"]["averageScaledScore"].GetDouble(), 0.8);
  // negotiation: level 3 (advanced passed), target 3; safety: level 2 from field work, target 1.
  std::map<std::string, const rapidjson::Value*> comps;
  for (const auto& c : p["competencies"].GetArray()) comps[c["id"].GetString()] = &c;
  ASSERT_TRUE(comps.count("negotiation"));
  EXPECT_EQ((*comps["negotiation"])["level"].GetInt(), 3);
  EXPECT_EQ((*comps["negotiation"])["target"].GetInt(), 3);
  EXPECT_EQ((*comps["negotiation"])["gap"].GetInt(), 0);
  EXPECT_EQ((*comps["safety"])["level"].GetInt(), 2);
  EXPECT_EQ((*comps["safety"])["gap"].GetInt(), 0);
  ASSERT_EQ(p["months"].Size(), 1u);
  EXPECT_STREQ(p["months"][0]["month"].GetString(), "2026-10");
  EXPECT_DOUBLE_EQ(p["months"][0]["experiential"].GetDouble(), 9000);
  ASSERT_EQ(p["recent"].Size(), 4u);
  EXPECT_STREQ(p["recent"][0]["verb"].GetString(), "http://adlnet.gov/expapi/verbs/logged-in");
  EXPECT_STREQ(p["recent"][1]["modality"].GetString(), "informal");
  // The same profile by either IFI.
  auto by_field = Profile("/learning/agents?agent=" + UrlEncode(kAnaField));
  EXPECT_EQ(by_field["modalities"]["formal"]["statements"].GetInt(), 1);
  EXPECT_STREQ(by_field["person"]["id"].GetString(), "e1001");
}

TEST_F(ProfilesTest, GapsAndUnmappedActorsJoiningLater) {
  // Chloe only did the basics: level 1 against a target of 3.
  Post({Statement(R"({"mbox":"mailto:chloe@example.com"})", kCompleted, "https://lms.example.com/negotiation-basics/1",
                  kCourse, "PT20M", "LMS", "2026-10-10T10:00:00Z", R"(,"completion":true)")});
  auto c = Profile("/learning/people/e1003");
  for (const auto& comp : c["competencies"].GetArray()) {
    if (std::string(comp["id"].GetString()) == "negotiation") {
      EXPECT_EQ(comp["level"].GetInt(), 1);
      EXPECT_EQ(comp["gap"].GetInt(), 2);
      EXPECT_EQ(comp["evidence"].GetInt(), 1);
    }
    if (std::string(comp["id"].GetString()) == "safety") {
      EXPECT_EQ(comp["level"].GetInt(), 0);
      EXPECT_EQ(comp["gap"].GetInt(), 1);
    }
  }
  // Statements from a phone account nobody has mapped yet.
  const std::string phone = R"({"account":{"homePage":"https://field.example.com","name":"chloe-phone"}})";
  Post({Statement(phone, kCompleted, "https://field.example.com/tasks/9", kTask, "PT1H", "FieldApp",
                  "2026-10-11T10:00:00Z", R"(,"completion":true)")});
  auto unmapped = Profile("/learning/agents?agent=" + UrlEncode(phone));
  EXPECT_TRUE(unmapped["person"].IsNull());
  EXPECT_DOUBLE_EQ(unmapped["modalities"]["experiential"]["seconds"].GetDouble(), 3600);
  EXPECT_DOUBLE_EQ(Profile("/learning/people/e1003")["modalities"]["experiential"]["seconds"].GetDouble(), 0);
  // The directory maps the phone to Chloe: her profile includes it at once, nothing re-posted.
  ASSERT_EQ(Put("/admin/people", R"([{"id":"e1003","name":"Chloe Martin","ifis":[{"mbox":"mailto:chloe@example.com"},)" +
                                      phone + R"(],"role":"sales-engineer","unit":"emea-sales"}])")
                .status,
            200);
  auto joined = Profile("/learning/people/e1003");
  EXPECT_DOUBLE_EQ(joined["modalities"]["experiential"]["seconds"].GetDouble(), 3600);
  EXPECT_DOUBLE_EQ(joined["modalities"]["formal"]["seconds"].GetDouble(), 1200);
}

TEST_F(ProfilesTest, VoidedStatementsCountNowhere) {
  auto ids = Post({Statement(R"({"mbox":"mailto:ben@example.com"})", kCompleted, "https://field.example.com/tasks/1",
                             kTask, "PT45M", "FieldApp", "2026-10-12T08:00:00Z", R"(,"completion":true)"),
                   Statement(R"({"mbox":"mailto:ben@example.com"})", kCompleted, "https://field.example.com/tasks/2",
                             kTask, "PT15M", "FieldApp", "2026-10-13T08:00:00Z", R"(,"completion":true)")});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_DOUBLE_EQ(Profile("/learning/people/e1002")["modalities"]["experiential"]["seconds"].GetDouble(), 3600);
  Post({R"({"actor":{"mbox":"mailto:lms-admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
        ids[1] + R"("}})"});
  auto p = Profile("/learning/people/e1002");
  EXPECT_DOUBLE_EQ(p["modalities"]["experiential"]["seconds"].GetDouble(), 2700);
  EXPECT_EQ(p["modalities"]["experiential"]["statements"].GetInt(), 1);
  EXPECT_EQ(p["outcomes"]["completed"].GetInt(), 1);
  ASSERT_EQ(p["recent"].Size(), 1u);
  EXPECT_STREQ(p["recent"][0]["id"].GetString(), ids[0].c_str());
  // The voiding statement's actor learned nothing from it.
  auto admin = Profile("/learning/agents?agent=" + UrlEncode(R"({"mbox":"mailto:lms-admin@example.com"})"));
  EXPECT_EQ(admin["modalities"]["unclassified"]["statements"].GetInt(), 0);
}

TEST_F(ProfilesTest, SinceAndUntilSelectByStatementTimestamp) {
  Post({Statement(kAnaMbox, kPassed, "https://lms.example.com/c/1", kCourse, "PT1H", "LMS", "2026-09-30T23:00:00Z"),
        Statement(kAnaMbox, kPassed, "https://lms.example.com/c/2", kCourse, "PT2H", "LMS", "2026-10-01T01:00:00Z"),
        Statement(kAnaMbox, kPassed, "https://lms.example.com/c/3", kCourse, "PT4H", "LMS", "2026-10-15T12:00:00Z"),
        Statement(kAnaMbox, kPassed, "https://lms.example.com/c/4", kCourse, "PT8H", "LMS", "2026-11-02T12:00:00Z")});
  auto seconds = [&](const std::string& query) {
    return Profile("/learning/people/e1001" + query)["modalities"]["formal"]["seconds"].GetDouble();
  };
  EXPECT_DOUBLE_EQ(seconds(""), 15 * 3600);
  EXPECT_DOUBLE_EQ(seconds("?since=2026-10-01T00:00:00Z"), 14 * 3600);
  EXPECT_DOUBLE_EQ(seconds("?until=2026-10-15T12:00:00Z"), 7 * 3600);  // inclusive
  EXPECT_DOUBLE_EQ(seconds("?since=2026-10-01T01:00:00Z&until=2026-10-31T23:59:59Z"), 4 * 3600);  // exclusive
  EXPECT_EQ(client_->Get("/learning/people/e1001?since=last-week").status, 400);
}

TEST_F(ProfilesTest, UnitAndOrganisationRollUps) {
  Post({Statement(kAnaMbox, kPassed, "https://lms.example.com/negotiation-advanced/1", kCourse, "PT1H", "LMS",
                  "2026-10-05T09:00:00Z", R"(,"success":true)"),
        Statement(R"({"mbox":"mailto:chloe@example.com"})", kWatched, "https://video.example.com/v/1", kVideo, "PT30M",
                  "VideoPortal", "2026-10-05T10:00:00Z"),
        Statement(R"({"mbox":"mailto:ben@example.com"})", kCompleted, "https://field.example.com/tasks/3", kTask,
                  "PT3H", "FieldApp", "2026-10-05T11:00:00Z", R"(,"completion":true)")});
  auto unit = Profile("/learning/units/emea-sales");
  ASSERT_TRUE(unit.IsObject());
  EXPECT_DOUBLE_EQ(unit["modalities"]["formal"]["seconds"].GetDouble(), 3600);
  EXPECT_DOUBLE_EQ(unit["modalities"]["informal"]["seconds"].GetDouble(), 1800);
  EXPECT_DOUBLE_EQ(unit["modalities"]["experiential"]["seconds"].GetDouble(), 0);
  EXPECT_EQ(unit["people"].Size(), 2u);
  // Negotiation required of both sales engineers; Ana at target, Chloe not.
  bool seen = false;
  for (const auto& c : unit["competencies"].GetArray()) {
    if (std::string(c["id"].GetString()) != "negotiation") continue;
    seen = true;
    EXPECT_EQ(c["required"].GetInt(), 2);
    EXPECT_EQ(c["atTarget"].GetInt(), 1);
    EXPECT_DOUBLE_EQ(c["coverage"].GetDouble(), 0.5);
  }
  EXPECT_TRUE(seen);
  auto org = Profile("/learning/organization");
  EXPECT_EQ(org["people"].GetInt(), 3);
  EXPECT_DOUBLE_EQ(org["modalities"]["experiential"]["seconds"].GetDouble(), 3 * 3600);
  EXPECT_EQ(org["units"].Size(), 2u);
  EXPECT_EQ(client_->Get("/learning/units/nowhere").status, 404);
  EXPECT_EQ(client_->Get("/learning/people/nobody").status, 404);
}

// Profile responses are cached (src/profile/service.cpp) until something they depend on
// changes: each read below follows a change that must show, so a stale cached answer fails.
TEST_F(ProfilesTest, CachedProfilesFollowStatementsVoidingAndDirectoryChanges) {
  auto formal_seconds = [&](const std::string& path) {
    return Profile(path)["modalities"]["formal"]["seconds"].GetDouble();
  };
  const std::string unit = "/learning/units/emea-sales", person = "/learning/people/e1003",
                    org = "/learning/organization";
  Post({Statement(kAnaMbox, kPassed, "https://lms.example.com/c/1", kCourse, "PT1H", "LMS", "2026-10-05T09:00:00Z")});
  for (int i = 0; i < 2; ++i) {  // the second round is answered from the cache
    EXPECT_DOUBLE_EQ(formal_seconds(unit), 3600);
    EXPECT_DOUBLE_EQ(formal_seconds(person), 0);
    EXPECT_DOUBLE_EQ(formal_seconds(org), 3600);
  }
  // A new statement of a member.
  auto ids = Post({Statement(R"({"mbox":"mailto:chloe@example.com"})", kPassed, "https://lms.example.com/c/2",
                             kCourse, "PT2H", "LMS", "2026-10-06T09:00:00Z")});
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_DOUBLE_EQ(formal_seconds(unit), 3 * 3600);
  EXPECT_DOUBLE_EQ(formal_seconds(person), 2 * 3600);
  EXPECT_EQ(Profile(person)["recent"].Size(), 1u);
  EXPECT_DOUBLE_EQ(formal_seconds(org), 3 * 3600);
  // The same person under a range: a separate entry, and the all-time one is still right.
  EXPECT_DOUBLE_EQ(formal_seconds(person + "?since=2026-10-06T10:00:00Z"), 0);
  EXPECT_DOUBLE_EQ(formal_seconds(person), 2 * 3600);
  // Voiding it.
  Post({R"({"actor":{"mbox":"mailto:lms-admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
        ids[0] + R"("}})"});
  EXPECT_DOUBLE_EQ(formal_seconds(unit), 3600);
  EXPECT_DOUBLE_EQ(formal_seconds(person), 0);
  EXPECT_EQ(Profile(person)["recent"].Size(), 0u);
  EXPECT_DOUBLE_EQ(formal_seconds(org), 3600);
  // A directory change: Ana moves to another unit.
  std::string moved = kPeople;
  moved.replace(moved.find("\"unit\":\"emea-sales\""), std::string("\"unit\":\"emea-sales\"").size(),
                "\"unit\":\"field-service\"");
  ASSERT_EQ(Put("/admin/people", moved).status, 200);
  EXPECT_DOUBLE_EQ(formal_seconds(unit), 0);
  EXPECT_EQ(Profile(unit)["people"].Size(), 1u);
  EXPECT_DOUBLE_EQ(formal_seconds("/learning/units/field-service"), 3600);
}

TEST_F(ProfilesTest, AdminDocumentsAreValidatedWithPaths) {
  auto bad_rules = Put("/admin/rules", R"({"modality":[{"when":{"verb":"not an iri"},"modality":"formal"}],"competency":[]})");
  EXPECT_EQ(bad_rules.status, 400);
  EXPECT_NE(bad_rules.body.find("modality[0].when.verb"), std::string::npos) << bad_rules.body;
  auto unknown_competency =
      Put("/admin/rules", R"({"modality":[],"competency":[{"when":{},"competency":"juggling","level":2}]})");
  EXPECT_EQ(unknown_competency.status, 400);
  auto bad_people = Put("/admin/people", R"([{"id":"x","ifis":[{"mbox":"not-mailto"}]}])");
  EXPECT_EQ(bad_people.status, 400);
  EXPECT_NE(bad_people.body.find("people[0].ifis[0].mbox"), std::string::npos) << bad_people.body;
  // Another person's IFI.
  auto taken = Put("/admin/people", R"([{"id":"e9","name":"Imposter","ifis":[{"mbox":"mailto:ana@example.com"}]}])");
  EXPECT_EQ(taken.status, 409);
  auto csv = Put("/admin/people", "id,name,role,unit,manager,ifis\ne2001,Dee,technician,field-service,,mbox:mailto:dee@example.com\n",
                 "text/csv");
  EXPECT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(client_->Get("/admin/people/e2001").status, 200);
  EXPECT_EQ(client_->Request("DELETE", "/admin/people/e2001").status, 204);
  EXPECT_EQ(client_->Get("/admin/people/e2001").status, 404);
  auto rules = client_->Get("/admin/rules").Json();
  EXPECT_EQ(rules["modality"].Size(), 3u);  // the bad documents changed nothing
}

TEST_F(ProfilesTest, Scopes) {
  server_->Stop();
  ASSERT_EQ(server_->RunCli({"credentials", "create", "--key", "writer", "--secret", "writer-secret-1", "--scope",
                             "statements/write"}).first, 0);
  ASSERT_EQ(server_->RunCli({"credentials", "create", "--key", "hr", "--secret", "hr-secret-1", "--scope", "profiles/read"})
                .first,
            0);
  ASSERT_EQ(server_->RunCli({"credentials", "create", "--key", "ana", "--secret", "ana-secret-1", "--scope",
                             "profiles/read/mine", "--authority", kAnaMbox})
                .first,
            0);
  server_->StartAgain();
  Client writer(server_->http_url(), "writer", "writer-secret-1");
  Client hr(server_->http_url(), "hr", "hr-secret-1");
  Client ana(server_->http_url(), "ana", "ana-secret-1");
  EXPECT_EQ(writer.Get("/learning/people/e1001").status, 403);
  EXPECT_EQ(writer.Request("PUT", "/admin/rules", kRules, {{"Content-Type", "application/json"}}).status, 403);
  EXPECT_EQ(hr.Get("/learning/people/e1001").status, 200);
  EXPECT_EQ(hr.Get("/learning/units/emea-sales").status, 200);
  EXPECT_EQ(hr.Get("/admin/people").status, 403);
  EXPECT_EQ(ana.Get("/learning/people/e1001").status, 200);
  EXPECT_EQ(ana.Get("/learning/agents?agent=" + UrlEncode(kAnaField)).status, 200);  // her other IFI
  EXPECT_EQ(ana.Get("/learning/people/e1002").status, 403);
  EXPECT_EQ(ana.Get("/learning/units/emea-sales").status, 403);
}

// A generated organisation: 200 people in 8 units, each with one or two IFIs, 100,000
// statements of every modality, some voided. Profiles maintained incrementally must equal the
// profiles a rebuild computes from the statements.
TEST(ProfilesRebuild, RebuildEqualsIncrementalMaintenanceOn100kStatements) {
  auto server = Server::Start();
  auto client = std::make_unique<Client>(server->http_url(), server->key(), server->secret(), "1.0.3");
  auto put = [&](const std::string& path, const std::string& body) {
    return client->Request("PUT", path, body, {{"Content-Type", "application/json"}});
  };
  ASSERT_EQ(put("/admin/framework", kFramework).status, 200);
  ASSERT_EQ(put("/admin/rules", kRules).status, 200);
  std::mt19937 rng(20261123);
  constexpr int kPeopleCount = 200;
  std::string people = "[";
  std::vector<std::string> actors;
  for (int i = 0; i < kPeopleCount; ++i) {
    const std::string id = "p" + std::to_string(i);
    const std::string mbox = R"({"mbox":"mailto:)" + id + R"(@example.com"})";
    const std::string acct = R"({"account":{"homePage":"https://field.example.com","name":")" + id + R"("}})";
    people += std::string(i ? "," : "") + R"({"id":")" + id + R"(","name":"Person )" + std::to_string(i) +
              R"(","ifis":[)" + mbox + (i % 3 ? "," + acct : "") + R"(],"role":")" +
              (i % 2 ? "technician" : "sales-engineer") + R"(","unit":"unit-)" + std::to_string(i % 8) + R"("})";
    actors.push_back(mbox);
    if (i % 3) actors.push_back(acct);
  }
  people += "]";
  ASSERT_EQ(put("/admin/people", people).status, 200);
  actors.push_back(R"({"mbox":"mailto:contractor@example.com"})");  // not in the directory

  const std::vector<std::pair<std::string, std::string>> kinds = {
      {kCourse, "LMS"}, {kTask, "FieldApp"}, {kVideo, "VideoPortal"}, {"http://example.com/type/other", ""}};
  const std::vector<std::string> prefixes = {"https://lms.example.com/negotiation-basics/",
                                             "https://lms.example.com/negotiation-advanced/",
                                             "https://field.example.com/tasks/", "https://video.example.com/v/"};
  std::vector<std::string> stored;
  constexpr int kTotal = 100000;
  for (int batch = 0; batch < kTotal / 1000; ++batch) {
    std::vector<std::string> statements;
    for (int i = 0; i < 1000; ++i) {
      const auto& [type, platform] = kinds[rng() % kinds.size()];
      const std::string& actor = actors[rng() % actors.size()];
      const std::string activity = prefixes[rng() % prefixes.size()] + std::to_string(rng() % 50);
      char duration[32], timestamp[40];
      std::snprintf(duration, sizeof duration, "PT%uM%u.%02uS", static_cast<unsigned>(rng() % 120),
                    static_cast<unsigned>(rng() % 60), static_cast<unsigned>(rng() % 100));
      std::snprintf(timestamp, sizeof timestamp, "2026-%02u-%02uT%02u:%02u:00Z", 5 + static_cast<unsigned>(rng() % 6),
                    1 + static_cast<unsigned>(rng() % 28), static_cast<unsigned>(rng() % 24),
                    static_cast<unsigned>(rng() % 60));
      std::string extra = rng() % 2 ? R"(,"completion":true)" : R"(,"success":false)";
      if (rng() % 4 == 0) extra += R"(,"score":{"scaled":0.)" + std::to_string(rng() % 100) + "}";
      statements.push_back(Statement(actor, rng() % 3 ? kCompleted : kPassed, activity, type, duration, platform,
                                     timestamp, extra));
    }
    std::string body = "[";
    for (std::size_t i = 0; i < statements.size(); ++i) body += (i ? "," : "") + statements[i];
    body += "]";
    auto r = client->PostJson("/xapi/statements", body);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    auto ids = r.Json();
    for (const auto& id : ids.GetArray()) stored.emplace_back(id.GetString());
  }
  // Void 500 of them.
  std::string voiding = "[";
  for (int i = 0; i < 500; ++i) {
    voiding += std::string(i ? "," : "") +
               R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
               stored[static_cast<std::size_t>(i) * 199] + R"("}})";
  }
  ASSERT_EQ(client->PostJson("/xapi/statements", voiding + "]").status, 200);

  auto snapshot = [&] {
    std::vector<std::string> bodies;
    for (int i = 0; i < kPeopleCount; i += 7) bodies.push_back(client->Get("/learning/people/p" + std::to_string(i)).body);
    bodies.push_back(client->Get("/learning/people/p5?since=2026-07-01T00:00:00Z&until=2026-08-15T12:30:00Z").body);
    for (int u = 0; u < 8; ++u) bodies.push_back(client->Get("/learning/units/unit-" + std::to_string(u)).body);
    bodies.push_back(client->Get("/learning/organization").body);
    bodies.push_back(client->Get("/learning/agents?agent=" + UrlEncode(R"({"mbox":"mailto:contractor@example.com"})")).body);
    return bodies;
  };
  const auto incremental = snapshot();
  ASSERT_NE(incremental.back().find("\"statements\""), std::string::npos);

  // Rebuild while serving: 202, then poll until it finishes.
  auto started = client->Request("POST", "/admin/rebuild");
  ASSERT_EQ(started.status, 202) << started.body;
  for (int i = 0; i < 1200; ++i) {
    auto state = client->Get("/admin/rebuild").Json();
    if (std::string(state["state"].GetString()) != "running") {
      EXPECT_STREQ(state["state"].GetString(), "idle") << (state.HasMember("error") ? state["error"].GetString() : "");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto rebuilt = snapshot();
  ASSERT_EQ(rebuilt.size(), incremental.size());
  for (std::size_t i = 0; i < rebuilt.size(); ++i) EXPECT_EQ(rebuilt[i], incremental[i]) << "snapshot " << i;

  // And the offline command gives the same again.
  server->Stop();
  auto offline = server->RunCli({"rebuild"});
  ASSERT_EQ(offline.first, 0) << offline.second;
  server->StartAgain();
  client = std::make_unique<Client>(server->http_url(), server->key(), server->secret(), "1.0.3");
  const auto after_cli = snapshot();
  for (std::size_t i = 0; i < after_cli.size(); ++i) EXPECT_EQ(after_cli[i], incremental[i]) << "snapshot " << i;

  // New rules change past contributions only through a rebuild: courses become informal.
  auto before = client->Get("/learning/organization").Json();
  const double formal = before["modalities"]["formal"]["seconds"].GetDouble();
  const double informal = before["modalities"]["informal"]["seconds"].GetDouble();
  ASSERT_GT(formal, 0);
  std::string swapped = kRules;
  swapped.replace(swapped.find(R"("modality":"formal")"), std::string(R"("modality":"formal")").size(),
                  R"("modality":"informal")");
  ASSERT_EQ(put("/admin/rules", swapped).status, 200);
  auto unchanged = client->Get("/learning/organization").Json();
  EXPECT_DOUBLE_EQ(unchanged["modalities"]["formal"]["seconds"].GetDouble(), formal);
  server->Stop();
  ASSERT_EQ(server->RunCli({"rebuild"}).first, 0);
  server->StartAgain();
  client = std::make_unique<Client>(server->http_url(), server->key(), server->secret(), "1.0.3");
  auto after = client->Get("/learning/organization").Json();
  EXPECT_DOUBLE_EQ(after["modalities"]["formal"]["seconds"].GetDouble(), 0);
  EXPECT_NEAR(after["modalities"]["informal"]["seconds"].GetDouble(), formal + informal, 1e-6);
}

}  // namespace
}  // namespace lrsd::testkit
