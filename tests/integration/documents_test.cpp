// Document resources, Activities and Agents end to end on the real binary, over HTTP and HTTPS:
// the flows cmi5 content and SCORM wrappers drive, ETag races, merges, byte-exact storage.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

const std::string kAgent = R"({"objectType":"Agent","account":{"homePage":"http://lms.example.com","name":"learner-42"}})";

class DocumentsTest : public ::testing::TestWithParam<bool /*https*/> {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.https = true;
    server_ = Server::Start(options).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::string Base() const { return GetParam() ? server_->https_url() : server_->http_url(); }
  std::unique_ptr<Client> NewClient(const std::string& version = "2.0.0") const {
    return std::make_unique<Client>(Base(), server_->key(), server_->secret(), version);
  }
  static std::string StateQuery(const std::string& activity, const std::string& state_id = "",
                                const std::string& registration = "") {
    std::string q = "/xapi/activities/state?activityId=" + UrlEncode(activity) + "&agent=" + UrlEncode(kAgent);
    if (!registration.empty()) q += "&registration=" + registration;
    if (!state_id.empty()) q += "&stateId=" + UrlEncode(state_id);
    return q;
  }
  static std::string Activity() { return "http://example.com/course/" + NewUuidString(); }

  static Server* server_;
};
Server* DocumentsTest::server_ = nullptr;

TEST_P(DocumentsTest, StateRoundTripIsByteExactWithContentType) {
  auto c = NewClient("1.0.3");
  const std::string q = StateQuery(Activity(), "bookmark");
  const std::string body = std::string("page=7\0\x01\xfe", 9);
  auto put = c->Request("PUT", q, body, {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(put.status, 204) << put.body;
  auto get = c->Get(q);
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, body);
  EXPECT_EQ(get.Header("Content-Type"), "application/octet-stream");
  const std::string etag = get.Header("ETag");
  ASSERT_EQ(etag.size(), 42u);  // quoted SHA-1 hex
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_FALSE(get.Header("Last-Modified").empty());
  // Under 1.0.3 a State PUT simply replaces (cmi5 content does this constantly).
  EXPECT_EQ(c->Request("PUT", q, "page=8", {{"Content-Type", "text/plain"}}).status, 204);
  EXPECT_EQ(c->Get(q).body, "page=8");
  auto head = c->Request("HEAD", q);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(c->Request("DELETE", q).status, 204);
  EXPECT_EQ(c->Get(q).status, 404);
}

TEST_P(DocumentsTest, PostMergesJsonAndRejectsMixedTypes) {
  auto c = NewClient();
  const std::string q = StateQuery(Activity(), "suspend");
  EXPECT_EQ(c->PostJson(q, R"({"car":{"make":"Ford","model":"Escape"},"driver":"Dale"})").status, 204);
  EXPECT_EQ(c->PostJson(q, R"({"car":{"make":"Dodge"},"lap":3})").status, 204);
  auto merged = c->Get(q).Json();
  ASSERT_TRUE(merged.IsObject());
  EXPECT_FALSE(merged["car"].HasMember("model"));  // one level deep: the object is replaced
  EXPECT_STREQ(merged["driver"].GetString(), "Dale");
  EXPECT_EQ(merged["lap"].GetInt(), 3);
  auto text = c->Request("POST", q, "plain", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 400);
  EXPECT_EQ(c->PostJson(q, "{broken").status, 400);
  EXPECT_EQ(c->PostJson(q, "[1,2]").status, 400);
  // Nothing of the rejected requests landed.
  EXPECT_EQ(c->Get(q).Json()["lap"].GetInt(), 3);
}

TEST_P(DocumentsTest, EtagPreconditionsAndConflicts) {
  auto c = NewClient("2.0.0");
  const std::string q = StateQuery(Activity(), "progress");
  EXPECT_EQ(c->PutJson(q, R"({"v":1})", {{"If-None-Match", "*"}}).status, 204);
  EXPECT_EQ(c->PutJson(q, R"({"v":2})", {{"If-None-Match", "*"}}).status, 412);
  // 2.0: an unconditional PUT over an existing State document is a conflict.
  auto conflict = c->PutJson(q, R"({"v":2})");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_NE(conflict.body.find("If-Match"), std::string::npos);
  std::string etag = c->Get(q).Header("ETag");
  EXPECT_EQ(c->PutJson(q, R"({"v":2})", {{"If-Match", "\"0000000000000000000000000000000000000000\""}}).status, 412);
  EXPECT_EQ(c->PutJson(q, R"({"v":2})", {{"If-Match", etag}}).status, 204);
  EXPECT_EQ(c->Get(q).Json()["v"].GetInt(), 2);
  EXPECT_EQ(c->Request("DELETE", q, "", {{"If-Match", etag}}).status, 412);  // stale now
  EXPECT_EQ(c->Request("DELETE", q, "", {{"If-Match", c->Get(q).Header("ETag")}}).status, 204);
}

TEST_P(DocumentsTest, TwoWritersWithTheSameEtagOneWins) {
  for (int round = 0; round < 5; ++round) {
    auto c = NewClient();
    const std::string q = "/xapi/activities/profile?activityId=" + UrlEncode(Activity()) + "&profileId=race";
    ASSERT_EQ(c->PutJson(q, R"({"owner":"nobody"})", {{"If-None-Match", "*"}}).status, 204);
    const std::string etag = c->Get(q).Header("ETag");
    std::atomic<int> ok{0}, precondition{0};
    std::barrier start(2);
    auto writer = [&](std::string who) {
      auto w = NewClient();
      start.arrive_and_wait();
      auto r = w->PutJson(q, R"({"owner":")" + who + R"("})", {{"If-Match", etag}});
      if (r.status == 204) ok++;
      if (r.status == 412) precondition++;
    };
    std::thread a(writer, "alice"), b(writer, "bob");
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(precondition.load(), 1);
    std::string owner = c->Get(q).Json()["owner"].GetString();
    EXPECT_TRUE(owner == "alice" || owner == "bob") << owner;
  }
}

TEST_P(DocumentsTest, ListingSinceAndDeletingEveryRegistration) {
  auto c = NewClient();
  const std::string activity = Activity();
  const std::string reg1 = NewUuidString(), reg2 = NewUuidString();
  ASSERT_EQ(c->PostJson(StateQuery(activity, "a", reg1), "{}").status, 204);
  ASSERT_EQ(c->PostJson(StateQuery(activity, "b", reg2), "{}").status, 204);
  ASSERT_EQ(c->PostJson(StateQuery(activity, "c"), "{}").status, 204);
  auto all = c->Get(StateQuery(activity)).Json();
  ASSERT_TRUE(all.IsArray());
  EXPECT_EQ(all.Size(), 3u);
  auto one = c->Get(StateQuery(activity, "", reg1)).Json();
  ASSERT_EQ(one.Size(), 1u);
  EXPECT_STREQ(one[0].GetString(), "a");
  // since: only documents changed afterwards.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto cut = c->Get("/xapi/statements?limit=1").Header("X-Experience-API-Consistent-Through");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(c->PostJson(StateQuery(activity, "b", reg2), R"({"later":true})").status, 204);
  auto since = c->Get(StateQuery(activity) + "&since=" + UrlEncode(cut)).Json();
  ASSERT_EQ(since.Size(), 1u);
  EXPECT_STREQ(since[0].GetString(), "b");
  EXPECT_EQ(c->Get(StateQuery(activity) + "&since=not-a-time").status, 400);
  // DELETE with a registration removes only that registration's documents; without, all.
  EXPECT_EQ(c->Request("DELETE", StateQuery(activity, "", reg1)).status, 204);
  EXPECT_EQ(c->Get(StateQuery(activity)).Json().Size(), 2u);
  EXPECT_EQ(c->Request("DELETE", StateQuery(activity)).status, 204);
  EXPECT_EQ(c->Get(StateQuery(activity)).Json().Size(), 0u);
}

TEST_P(DocumentsTest, ParameterErrors) {
  auto c = NewClient();
  const std::string activity = UrlEncode(Activity());
  EXPECT_EQ(c->PostJson("/xapi/activities/state?agent=" + UrlEncode(kAgent) + "&stateId=x", "{}").status, 400);
  EXPECT_EQ(c->PostJson("/xapi/activities/state?activityId=" + activity + "&stateId=x", "{}").status, 400);
  EXPECT_EQ(c->PostJson("/xapi/activities/state?activityId=" + activity + "&agent=%7B%7D&stateId=x", "{}").status, 400);
  EXPECT_EQ(c->PostJson(StateQuery(Activity()), "{}").status, 400);  // no stateId
  EXPECT_EQ(c->PostJson(StateQuery(Activity(), "x", "not-a-uuid"), "{}").status, 400);
  EXPECT_EQ(c->PostJson(StateQuery(Activity(), "x") + "&StateId=y", "{}").status, 400);
  EXPECT_EQ(c->Request("DELETE", "/xapi/agents/profile?agent=" + UrlEncode(kAgent)).status, 400);  // no profileId
  Client no_version(Base(), server_->key(), server_->secret(), "");
  EXPECT_EQ(no_version.Get(StateQuery(Activity())).status, 400);
}

TEST_P(DocumentsTest, AgentProfileUnder103NeedsAPrecondition) {
  auto c = NewClient("1.0.3");
  const std::string q = "/xapi/agents/profile?agent=" + UrlEncode(kAgent) + "&profileId=" + NewUuidString();
  EXPECT_EQ(c->PutJson(q, R"({"x":1})").status, 400);
  EXPECT_EQ(c->PutJson(q, R"({"x":1})", {{"If-None-Match", "*"}}).status, 204);
  EXPECT_EQ(c->PutJson(q, R"({"x":2})").status, 409);
  auto v2 = NewClient("2.0.0");
  const std::string q2 = "/xapi/agents/profile?agent=" + UrlEncode(kAgent) + "&profileId=" + NewUuidString();
  EXPECT_EQ(v2->PutJson(q2, R"({"x":1})").status, 204);  // 2.0 creates without a header
}

TEST_P(DocumentsTest, ActivitiesMergeDefinitionsAndAgentsReturnAPerson) {
  auto c = NewClient();
  const std::string activity = Activity();
  const std::string mbox = "mailto:" + NewUuidString() + "@example.com";
  auto statement = [&](const std::string& lang, const std::string& name) {
    return R"({"actor":{"name":"Ada Lovelace","mbox":")" + mbox +
           R"("},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},"object":{"id":")" + activity +
           R"(","definition":{"name":{")" + lang + R"(":")" + name + R"("},"type":"http://adlnet.gov/expapi/activities/course"}}})";
  };
  ASSERT_EQ(c->PostJson("/xapi/statements", "[" + statement("en-US", "Safety") + "," + statement("fr-FR", "Sécurité") + "]").status, 200);
  auto a = c->Get("/xapi/activities?activityId=" + UrlEncode(activity)).Json();
  ASSERT_TRUE(a.IsObject());
  EXPECT_STREQ(a["objectType"].GetString(), "Activity");
  EXPECT_STREQ(a["definition"]["name"]["en-US"].GetString(), "Safety");
  EXPECT_STREQ(a["definition"]["name"]["fr-FR"].GetString(), "Sécurité");
  auto unknown = c->Get("/xapi/activities?activityId=" + UrlEncode(Activity()));
  EXPECT_EQ(unknown.status, 200);
  EXPECT_FALSE(unknown.Json().HasMember("definition"));
  EXPECT_EQ(c->Get("/xapi/activities").status, 400);

  auto person = c->Get("/xapi/agents?agent=" + UrlEncode(R"({"mbox":")" + mbox + R"("})")).Json();
  ASSERT_TRUE(person.IsObject());
  EXPECT_STREQ(person["objectType"].GetString(), "Person");
  ASSERT_TRUE(person["name"].IsArray());
  EXPECT_STREQ(person["name"][0].GetString(), "Ada Lovelace");
  EXPECT_STREQ(person["mbox"][0].GetString(), mbox.c_str());
  EXPECT_EQ(c->Get("/xapi/agents").status, 400);
  EXPECT_EQ(c->Get("/xapi/agents?agent=" + UrlEncode(R"({"name":"no ifi"})")).status, 400);
}

INSTANTIATE_TEST_SUITE_P(OverHttpAndHttps, DocumentsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "https" : "http"; });

TEST(DocumentsScopes, DefineScopeGuardsCanonicalDefinitions) {
  auto server = Server::Start();
  server->Stop();
  ASSERT_EQ(server->RunCli({"credentials", "create", "--key", "plain", "--secret", "plain-secret-1", "--scope",
                            "statements/write,statements/read"})
                .first,
            0);
  ASSERT_EQ(server->RunCli({"credentials", "create", "--key", "stateonly", "--secret", "state-secret-1", "--scope",
                            "state"})
                .first,
            0);
  server->StartAgain();
  const std::string activity = "http://example.com/define/" + NewUuidString();
  Client plain(server->http_url(), "plain", "plain-secret-1");
  ASSERT_EQ(plain.PostJson("/xapi/statements", SampleStatement("mailto:d@example.com",
                                                               "http://adlnet.gov/expapi/verbs/completed", activity))
                .status,
            200);
  // Without the define scope the statement is stored but the activity is not (re)defined.
  auto a = plain.Get("/xapi/activities?activityId=" + UrlEncode(activity)).Json();
  EXPECT_FALSE(a.HasMember("definition"));
  Client state_only(server->http_url(), "stateonly", "state-secret-1");
  const std::string q = "/xapi/activities/state?activityId=" + UrlEncode(activity) + "&agent=" + UrlEncode(kAgent) +
                        "&stateId=s";
  EXPECT_EQ(state_only.PostJson(q, "{}").status, 204);
  EXPECT_EQ(state_only.Get("/xapi/statements").status, 403);
  EXPECT_EQ(plain.PostJson(q, "{}").status, 403);
}

}  // namespace
}  // namespace lrsd::testkit
