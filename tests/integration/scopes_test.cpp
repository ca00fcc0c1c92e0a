// Scope enforcement on every resource, on the real binary: for each resource and method, every
// credential lacking the scope gets 403 and every one holding it succeeds. statements/read never
// writes; statements/read/mine sees only the statements its credential stored (single GETs,
// queries, `more` pages, and `more` cursors taken from other queries or forged to name another
// authority); profiles/read/mine sees only its own person.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

// Credential keys (secret: key + "-secret") and their scopes.
const std::vector<std::pair<std::string, std::string>> kCredentials = {
    {"c-write", "statements/write"},
    {"c-read", "statements/read"},
    {"c-mine", "statements/write,statements/read/mine"},
    {"c-mine2", "statements/write,statements/read/mine"},
    {"c-state", "state"},
    {"c-profile", "profile"},
    {"c-define", "define"},
    {"c-allread", "all/read"},
    {"c-admin", "admin"},
    {"c-plread", "profiles/read"},
    {"c-plmine", "profiles/read/mine"},
};
const std::string kAll = "all";  // the server's first credential

const std::string kPerson = R"({"mbox":"mailto:pm@example.com"})";  // c-plmine's authority
const std::string kOtherPerson = R"({"mbox":"mailto:other@example.com"})";
const std::string kActivity = "http://example.com/scopes/activity";

class ScopesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.extra_args = {"--page-size", "2"};
    server_ = Server::Start(options).release();
    server_->Stop();
    for (const auto& [key, scope] : kCredentials) {
      std::vector<std::string> args = {"credentials", "create", "--key", key, "--secret", key + "-secret", "--scope", scope};
      if (key == "c-plmine") {
        args.push_back("--authority");
        args.push_back(kPerson);
      }
      auto created = server_->RunCli(args);
      ASSERT_EQ(created.first, 0) << created.second;
    }
    server_->StartAgain();
    auto admin = As(kAll);
    ASSERT_EQ(admin->PutJson("/admin/people", R"([{"id":"pm1","name":"Pat Mine","ifis":[)" + kPerson +
                                                  R"(]},{"id":"other1","name":"Olga Other","ifis":[)" + kOtherPerson +
                                                  "]}]")
                  .status,
              200);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::unique_ptr<Client> As(const std::string& key) {
    if (key == kAll) return std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    return std::make_unique<Client>(server_->http_url(), key, key + "-secret", "1.0.3");
  }
  static std::vector<std::string> Everyone() {
    std::vector<std::string> keys = {kAll};
    for (const auto& c : kCredentials) keys.push_back(c.first);
    return keys;
  }
  static std::string Post(const std::string& key, const std::string& activity = kActivity) {
    auto r = As(key)->PostJson("/xapi/statements",
                               SampleStatement("mailto:learner@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
    EXPECT_EQ(r.status, 200) << key << ": " << r.body;
    return r.status == 200 ? r.Json()[0].GetString() : "";
  }
  // Every statement id a credential sees when walking a query and all its `more` pages.
  static std::set<std::string> Walk(Client& c, std::string target, int* pages = nullptr) {
    std::set<std::string> ids;
    int n = 0;
    while (!target.empty() && n < 100) {
      auto r = c.Get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) break;
      auto json = r.Json();
      for (const auto& s : json["statements"].GetArray()) ids.insert(s["id"].GetString());
      target = json["more"].GetString();
      ++n;
    }
    if (pages) *pages = n;
    return ids;
  }

  struct Case {
    std::string name;
    std::function<Response(Client&, int)> send;  // the int makes write targets unique
    std::set<std::string> allowed;
    std::set<int> ok_statuses = {200, 204};
  };
  static void Check(const std::vector<Case>& cases) {
    int checks = 0;
    for (const auto& c : cases) {
      int i = 0;
      for (const auto& key : Everyone()) {
        auto client = As(key);
        auto r = c.send(*client, i++);
        ++checks;
        if (c.allowed.count(key)) {
          EXPECT_TRUE(c.ok_statuses.count(r.status)) << c.name << " as " << key << ": " << r.status << " " << r.body;
        } else {
          EXPECT_EQ(r.status, 403) << c.name << " as " << key << " (lacks the scope): " << r.body;
        }
      }
    }
    std::printf("    %zu requests x %zu credentials: %d scope checks\n", cases.size(), Everyone().size(), checks);
  }

  static Server* server_;
};
Server* ScopesTest::server_ = nullptr;

TEST_F(ScopesTest, StatementsResource) {
  const std::string someone_elses = Post("c-write");
  const std::set<std::string> writers = {kAll, "c-write", "c-mine", "c-mine2"};
  const std::set<std::string> readers = {kAll, "c-read", "c-allread"};
  std::set<std::string> query_readers = readers;
  query_readers.insert({"c-mine", "c-mine2"});  // their own only (below)
  Check({
      {"POST /xapi/statements",
       [](Client& c, int) { return c.PostJson("/xapi/statements", SampleStatement()); }, writers},
      {"PUT /xapi/statements",
       [](Client& c, int) {
         return c.PutJson("/xapi/statements?statementId=" + NewUuidString(), SampleStatement());
       },
       writers},
      {"GET /xapi/statements (query)", [](Client& c, int) { return c.Get("/xapi/statements"); }, query_readers},
      {"GET /xapi/statements?statementId (another credential's)",
       [&](Client& c, int) { return c.Get("/xapi/statements?statementId=" + someone_elses); }, readers},
      {"HEAD /xapi/statements", [](Client& c, int) { return c.Request("HEAD", "/xapi/statements"); }, query_readers},
  });
}

TEST_F(ScopesTest, DocumentResources) {
  const std::string agent = UrlEncode(R"({"mbox":"mailto:learner@example.com"})");
  const std::string activity = UrlEncode(kActivity);
  const std::string state = "/xapi/activities/state?activityId=" + activity + "&agent=" + agent + "&stateId=";
  const std::string aprof = "/xapi/activities/profile?activityId=" + activity + "&profileId=";
  const std::string gprof = "/xapi/agents/profile?agent=" + agent + "&profileId=";
  auto admin = As(kAll);
  for (const std::string& doc : {state, aprof, gprof}) {
    ASSERT_EQ(admin->PostJson(doc + "existing", R"({"a":1})").status, 204) << doc;
  }
  const std::set<std::string> state_writers = {kAll, "c-state"};
  const std::set<std::string> state_readers = {kAll, "c-state", "c-allread"};
  const std::set<std::string> profile_writers = {kAll, "c-profile"};
  const std::set<std::string> profile_readers = {kAll, "c-profile", "c-allread"};
  auto id = [](int i) { return "doc-" + std::to_string(i) + "-" + NewUuidString(); };
  std::vector<Case> cases;
  for (const auto& [name, prefix, readers, writers] :
       {std::tuple{"state", state, state_readers, state_writers},
        std::tuple{"activity profile", aprof, profile_readers, profile_writers},
        std::tuple{"agent profile", gprof, profile_readers, profile_writers}}) {
    const std::string p = prefix;
    cases.push_back({std::string("GET one ") + name, [p](Client& c, int) { return c.Get(p + "existing"); }, readers});
    cases.push_back({std::string("GET ids ") + name,
                     [p](Client& c, int) { return c.Get(p.substr(0, p.rfind('&'))); }, readers});
    cases.push_back({std::string("PUT ") + name,
                     [p, id](Client& c, int i) {
                       return c.Request("PUT", p + id(i), "x", {{"Content-Type", "text/plain"}, {"If-None-Match", "*"}});
                     },
                     writers});
    cases.push_back({std::string("POST ") + name,
                     [p, id](Client& c, int i) { return c.PostJson(p + id(i), R"({"b":2})"); }, writers});
    cases.push_back({std::string("DELETE ") + name,
                     [p, id](Client& c, int i) { return c.Request("DELETE", p + id(i)); }, writers});
  }
  Check(cases);
}

TEST_F(ScopesTest, ActivitiesAndAgentsResources) {
  // Read with any statement-reading scope (statements/read/mine included).
  const std::set<std::string> readers = {kAll, "c-read", "c-allread", "c-mine", "c-mine2"};
  Check({
      {"GET /xapi/activities",
       [](Client& c, int) { return c.Get("/xapi/activities?activityId=" + UrlEncode(kActivity)); }, readers},
      {"GET /xapi/agents",
       [](Client& c, int) { return c.Get("/xapi/agents?agent=" + UrlEncode(R"({"mbox":"mailto:a@example.com"})")); },
       readers},
  });
}

TEST_F(ScopesTest, AdminAndLearningResources) {
  const std::set<std::string> admins = {kAll, "c-admin"};
  const std::set<std::string> profile_readers = {kAll, "c-allread", "c-plread"};
  std::set<std::string> own_profile = profile_readers;
  own_profile.insert("c-plmine");
  Check({
      {"GET /admin/people", [](Client& c, int) { return c.Get("/admin/people"); }, admins},
      {"PUT /admin/people",
       [](Client& c, int) { return c.PutJson("/admin/people", R"([{"id":"x1","name":"X","ifis":[{"mbox":"mailto:x1@example.com"}]}])");
       },
       admins},
      {"GET /admin/rules", [](Client& c, int) { return c.Get("/admin/rules"); }, admins},
      {"PUT /admin/rules", [](Client& c, int) { return c.PutJson("/admin/rules", "{}"); }, admins, {200, 400}},
      {"GET /admin/framework", [](Client& c, int) { return c.Get("/admin/framework"); }, admins},
      {"GET /admin/rebuild", [](Client& c, int) { return c.Get("/admin/rebuild"); }, admins},
      {"DELETE /admin/people/x1", [](Client& c, int) { return c.Request("DELETE", "/admin/people/x1"); }, admins,
       {204, 404}},  // the first allowed one deletes it
      {"GET /learning/organization", [](Client& c, int) { return c.Get("/learning/organization"); }, profile_readers},
      {"GET /learning/scorecard", [](Client& c, int) { return c.Get("/learning/scorecard"); }, profile_readers},
      {"GET /learning/goals", [](Client& c, int) { return c.Get("/learning/goals"); }, profile_readers},
      {"GET /learning/people/other1", [](Client& c, int) { return c.Get("/learning/people/other1"); },
       profile_readers},
      {"GET /learning/agents (another person)",
       [](Client& c, int) { return c.Get("/learning/agents?agent=" + UrlEncode(kOtherPerson)); }, profile_readers},
      // profiles/read/mine: its own person, by id or by agent.
      {"GET /learning/people/pm1 (own)", [](Client& c, int) { return c.Get("/learning/people/pm1"); }, own_profile},
      {"GET /learning/agents (own)",
       [](Client& c, int) { return c.Get("/learning/agents?agent=" + UrlEncode(kPerson)); }, own_profile},
  });
}

TEST_F(ScopesTest, StatementsReadNeverWrites) {
  auto reader = As("c-read");
  auto allread = As("c-allread");
  for (Client* c : {reader.get(), allread.get()}) {
    EXPECT_EQ(c->PostJson("/xapi/statements", SampleStatement()).status, 403);
    EXPECT_EQ(c->PutJson("/xapi/statements?statementId=" + NewUuidString(), SampleStatement()).status, 403);
    // Voiding is a write too.
    const std::string target = Post("c-write");
    std::string voiding = R"({"actor":{"mbox":"mailto:v@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
                          R"("object":{"objectType":"StatementRef","id":")" + target + R"("}})";
    EXPECT_EQ(c->PostJson("/xapi/statements", voiding).status, 403);
    EXPECT_EQ(c->Request("POST", "/xapi/statements?method=PUT", "content=" + UrlEncode(SampleStatement()) +
                                                                    "&statementId=" + NewUuidString(),
                         {{"Content-Type", "application/x-www-form-urlencoded"}})
                  .status,
              403)
        << "the alternate request syntax is no way around the scope";
  }
}

TEST_F(ScopesTest, ReadMineSeesOnlyItsOwnStatements) {
  const std::string activity = "http://example.com/scopes/mine/" + NewUuidString();
  std::set<std::string> mine, mine2, others;
  for (int i = 0; i < 5; ++i) {
    mine.insert(Post("c-mine", activity));
    mine2.insert(Post("c-mine2", activity));
    others.insert(Post("c-write", activity));
  }
  auto me = As("c-mine");
  auto reader = As("c-read");
  const std::string query = "/xapi/statements?activity=" + UrlEncode(activity);
  // Queries and their `more` pages (page size 2: several pages).
  int pages = 0;
  EXPECT_EQ(Walk(*me, query, &pages), mine);
  EXPECT_GE(pages, 3);
  EXPECT_EQ(Walk(*As("c-mine2"), query), mine2);
  std::set<std::string> everything = mine;
  everything.insert(mine2.begin(), mine2.end());
  everything.insert(others.begin(), others.end());
  EXPECT_EQ(Walk(*reader, query), everything);
  // Other filters do not widen it either.
  EXPECT_EQ(Walk(*me, "/xapi/statements?agent=" + UrlEncode(R"({"mbox":"mailto:learner@example.com"})") +
                          "&activity=" + UrlEncode(activity)),
            mine);
  // Single statements: its own yes, anyone else's no.
  for (const auto& id : mine) EXPECT_EQ(me->Get("/xapi/statements?statementId=" + id).status, 200);
  for (const auto& id : mine2) EXPECT_EQ(me->Get("/xapi/statements?statementId=" + id).status, 403);
  for (const auto& id : others) EXPECT_EQ(me->Get("/xapi/statements?statementId=" + id).status, 403);

  // A `more` cursor issued to another credential's query (no authority in it) continues as this
  // credential's: still only its own statements.
  auto first = reader->Get(query);
  ASSERT_EQ(first.status, 200);
  std::string foreign_more = first.Json()["more"].GetString();
  ASSERT_FALSE(foreign_more.empty());
  std::set<std::string> via_foreign = Walk(*me, foreign_more);
  for (const auto& id : via_foreign) EXPECT_TRUE(mine.count(id)) << "read/mine saw " << id << " through a foreign cursor";
  // A cursor forged to name another credential's authority: the credential's own authority is
  // applied on top, so it sees nothing of the other's.
  const std::string token = foreign_more.substr(foreign_more.find("more=") + 5);
  auto raw = Base64Decode(token);
  ASSERT_TRUE(raw && !raw->empty() && raw->back() == '\0') << "cursor layout: the authority comes last, absent";
  std::string forged = raw->substr(0, raw->size() - 1);
  const std::string other_ifi = "account:http://lrsd.local/credentials|c-mine2";
  forged += '\1';
  AppendBigEndian64(forged, other_ifi.size());
  forged += other_ifi;
  const std::string forged_target = "/xapi/statements?more=" + Base64UrlEncode(forged);
  auto forged_page = me->Get(forged_target);
  ASSERT_EQ(forged_page.status, 200) << forged_page.body;
  std::set<std::string> via_forged = Walk(*me, forged_target);
  for (const auto& id : via_forged) {
    EXPECT_FALSE(mine2.count(id)) << "read/mine saw another credential's statement through a forged cursor";
    EXPECT_FALSE(others.count(id));
  }
  // The reader, who may read everything, is merely narrowed by the same cursor.
  for (const auto& id : Walk(*reader, forged_target)) EXPECT_TRUE(mine2.count(id)) << id;
  std::printf("    read/mine: %zu own statements over %d pages; foreign cursor showed %zu (all own), forged cursor "
              "%zu\n",
              mine.size(), pages, via_foreign.size(), via_forged.size());
}

TEST_F(ScopesTest, ProfilesReadMineSeesOnlyItsPerson) {
  auto pm = As("c-plmine");
  EXPECT_EQ(pm->Get("/learning/people/pm1").status, 200);
  EXPECT_EQ(pm->Get("/learning/agents?agent=" + UrlEncode(kPerson)).status, 200);
  EXPECT_EQ(pm->Get("/learning/people/other1").status, 403);
  EXPECT_EQ(pm->Get("/learning/people/nobody").status, 403);
  EXPECT_EQ(pm->Get("/learning/agents?agent=" + UrlEncode(kOtherPerson)).status, 403);
  EXPECT_EQ(pm->Get("/learning/agents?agent=" + UrlEncode(R"({"mbox":"mailto:stranger@example.com"})")).status, 403);
  EXPECT_EQ(pm->Get("/learning/organization").status, 403);
  EXPECT_EQ(pm->Get("/learning/units/any").status, 403);
  EXPECT_EQ(pm->Get("/learning/scorecard").status, 403);
  EXPECT_EQ(pm->Get("/learning/goals").status, 403);
  EXPECT_EQ(pm->Get("/admin/people/pm1").status, 403);
  EXPECT_EQ(pm->Get("/xapi/statements").status, 403);
}

}  // namespace
}  // namespace lrsd::testkit
