// Requirement-traced conformance tests for the Agents resource (xAPI 1.0.3 Communication 2.4;
// 2.0.0 4.1.6.3) and the Activities resource (1.0.3 Communication 2.5; 2.0.0 4.1.6.4) of a real
// lrsd, under both versions. Each test records the requirement ids it checks as its
// "requirement" property; conformance/README.md (part 2) maps ids to tests.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace {

using lrsd::testkit::Client;
using lrsd::testkit::NewUuidString;
using lrsd::testkit::Response;
using lrsd::testkit::Server;
using lrsd::testkit::UrlEncode;
using Headers = std::map<std::string, std::string>;

void Requirement(const std::string& ids) { ::testing::Test::RecordProperty("requirement", ids); }

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) d.SetNull();
  return d;
}

// A string member, "" when absent or not a string (never asserts on the wrong type).
std::string StrMember(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return "";
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

bool JsonEqual(const std::string& a, const std::string& b) {
  auto da = ParseJson(a);
  auto db = ParseJson(b);
  return !da.IsNull() && !db.IsNull() && da == db;
}

std::string Sha1Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha1(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string VersionTag(const std::string& v) {
  std::string out = "v";
  for (char c : v) out += c == '.' ? '_' : c;
  return out;
}
std::string VersionName(const ::testing::TestParamInfo<std::string>& info) { return VersionTag(info.param); }

const char* kVerb = R"({"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"en-US":"experienced"}})";

std::string Statement(const std::string& actor, const std::string& object) {
  return R"({"actor":)" + actor + R"(,"verb":)" + kVerb + R"(,"object":)" + object + "}";
}
std::string SomeActivity() {
  return R"({"objectType":"Activity","id":"http://example.com/conformance/aa/)" + NewUuidString() + R"("})";
}
std::string NewMbox() { return "mailto:aa-" + NewUuidString() + "@example.com"; }

// A fixture with one lrsd per suite and a client speaking the suite's version.
class VersionedServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    client_ = std::make_unique<Client>(server()->http_url(), server()->key(), server()->secret(), GetParam());
  }
  virtual Server* server() const = 0;

  void PostStatements(const std::string& body) {
    auto r = client_->PostJson("/xapi/statements", body);
    ASSERT_EQ(r.status, 200) << body << " -> " << r.body;
  }

  std::unique_ptr<Client> client_;
};

// ============================================================================================
// AgentsResourceTest
// ============================================================================================

class AgentsResourceTest : public VersionedServerTest {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  Server* server() const override { return server_; }

  Response GetPerson(const std::string& agent_json) {
    return client_->Get("/xapi/agents?agent=" + UrlEncode(agent_json));
  }

  // Checks the Person Object shape (Communication 2.4 Person Properties) and returns it parsed.
  static ::testing::AssertionResult IsPerson(const Response& r) {
    if (r.status != 200) return ::testing::AssertionFailure() << "status " << r.status << " " << r.body;
    if (r.Header("Content-Type").rfind("application/json", 0) != 0) {
      return ::testing::AssertionFailure() << "Content-Type " << r.Header("Content-Type");
    }
    auto p = ParseJson(r.body);
    if (!p.IsObject()) return ::testing::AssertionFailure() << "not an object: " << r.body;
    auto type = p.FindMember("objectType");
    if (type == p.MemberEnd() || !type->value.IsString() || std::string(type->value.GetString()) != "Person") {
      return ::testing::AssertionFailure() << "objectType is not \"Person\": " << r.body;
    }
    const std::set<std::string> allowed = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"};
    for (const auto& m : p.GetObject()) {
      const std::string name = m.name.GetString();
      if (!allowed.count(name)) return ::testing::AssertionFailure() << "unexpected property " << name << ": " << r.body;
      if (name == "objectType") continue;
      if (!m.value.IsArray()) return ::testing::AssertionFailure() << name << " is not an array: " << r.body;
      for (const auto& item : m.value.GetArray()) {
        if (name == "account") {
          if (!item.IsObject() || !item.HasMember("homePage") || !item.HasMember("name") ||
              !item["homePage"].IsString() || !item["name"].IsString()) {
            return ::testing::AssertionFailure() << "account entry is not a complete Account: " << r.body;
          }
        } else if (!item.IsString()) {
          return ::testing::AssertionFailure() << name << " holds a non-string: " << r.body;
        } else if (name == "mbox" && std::string(item.GetString()).rfind("mailto:", 0) != 0) {
          return ::testing::AssertionFailure() << "mbox entry without mailto: " << r.body;
        }
      }
    }
    return ::testing::AssertionSuccess();
  }

  static std::set<std::string> Strings(const rapidjson::Value& person, const char* name) {
    std::set<std::string> out;
    auto it = person.FindMember(name);
    if (it == person.MemberEnd() || !it->value.IsArray()) return out;
    for (const auto& v : it->value.GetArray()) {
      if (v.IsString()) out.insert(v.GetString());
    }
    return out;
  }

  static inline Server* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Agents, AgentsResourceTest, ::testing::Values(std::string("1.0.3"), std::string("2.0.0")),
                         VersionName);

TEST_P(AgentsResourceTest, ReturnsAPersonForAnAgentOfAStatement) {
  Requirement("XAPI-00245 XAPI-00236 XAPI-00246 XAPI-00248 XAPI-00237 XAPI-00238 XAPI-00239 XAPI-00244");
  const std::string mbox = NewMbox();
  ASSERT_NO_FATAL_FAILURE(
      PostStatements(Statement(R"({"objectType":"Agent","name":"Ann Example","mbox":")" + mbox + R"("})",
                               SomeActivity())));
  auto r = GetPerson(R"({"objectType":"Agent","mbox":")" + mbox + R"("})");
  ASSERT_TRUE(IsPerson(r));
  EXPECT_TRUE(JsonEqual(r.body, R"({"objectType":"Person","name":["Ann Example"],"mbox":[")" + mbox + R"("]})"))
      << r.body;
  // The agent parameter need not repeat objectType.
  auto bare = GetPerson(R"({"mbox":")" + mbox + R"("})");
  ASSERT_TRUE(IsPerson(bare));
  EXPECT_TRUE(JsonEqual(bare.body, r.body)) << bare.body;
}

TEST_P(AgentsResourceTest, PersonCombinesWhatEveryStatementSaysAboutTheAgent) {
  Requirement("XAPI-00248 XAPI-00238");
  const std::string mbox = NewMbox();
  const std::string agent_a = R"({"name":"Ann","mbox":")" + mbox + R"("})";
  const std::string agent_b = R"({"name":"Ann B.","mbox":")" + mbox + R"("})";
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(agent_a, SomeActivity())));
  // Seen as the object of another statement as well.
  ASSERT_NO_FATAL_FAILURE(PostStatements(
      Statement(R"({"mbox":")" + NewMbox() + R"("})", R"({"objectType":"Agent","name":"Ann B.","mbox":")" + mbox +
                                                          R"("})")));
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(agent_b, SomeActivity())));
  auto r = GetPerson(R"({"mbox":")" + mbox + R"("})");
  ASSERT_TRUE(IsPerson(r));
  auto p = ParseJson(r.body);
  EXPECT_EQ(Strings(p, "name"), (std::set<std::string>{"Ann", "Ann B."})) << r.body;
  EXPECT_EQ(Strings(p, "mbox"), (std::set<std::string>{mbox})) << r.body;
  // Each value once.
  ASSERT_TRUE(p.HasMember("name") && p["name"].IsArray() && p.HasMember("mbox") && p["mbox"].IsArray()) << r.body;
  EXPECT_EQ(p["name"].Size(), 2u) << r.body;
  EXPECT_EQ(p["mbox"].Size(), 1u) << r.body;
}

TEST_P(AgentsResourceTest, GroupMembersAreKnownAgents) {
  Requirement("XAPI-00248");
  const std::string member = NewMbox();
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(
      R"({"objectType":"Group","name":"Team","mbox":")" + NewMbox() +
          R"(","member":[{"objectType":"Agent","name":"Member One","mbox":")" + member + R"("}]})",
      SomeActivity())));
  auto r = GetPerson(R"({"mbox":")" + member + R"("})");
  ASSERT_TRUE(IsPerson(r));
  EXPECT_EQ(Strings(ParseJson(r.body), "name"), (std::set<std::string>{"Member One"})) << r.body;
}

TEST_P(AgentsResourceTest, PersonMboxSha1sumIsAnArrayOfStrings) {
  Requirement("XAPI-00240 XAPI-00248");
  const std::string sha1 = Sha1Hex(NewMbox());
  ASSERT_NO_FATAL_FAILURE(
      PostStatements(Statement(R"({"name":"Hashed","mbox_sha1sum":")" + sha1 + R"("})", SomeActivity())));
  auto r = GetPerson(R"({"objectType":"Agent","mbox_sha1sum":")" + sha1 + R"("})");
  ASSERT_TRUE(IsPerson(r));
  auto p = ParseJson(r.body);
  EXPECT_EQ(Strings(p, "mbox_sha1sum"), (std::set<std::string>{sha1})) << r.body;
  EXPECT_EQ(Strings(p, "name"), (std::set<std::string>{"Hashed"})) << r.body;
}

TEST_P(AgentsResourceTest, PersonOpenidIsAnArrayOfStrings) {
  Requirement("XAPI-00241 XAPI-00248");
  const std::string openid = "http://openid.example.com/" + NewUuidString();
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(R"({"name":"Open","openid":")" + openid + R"("})", SomeActivity())));
  auto r = GetPerson(R"({"openid":")" + openid + R"("})");
  ASSERT_TRUE(IsPerson(r));
  EXPECT_EQ(Strings(ParseJson(r.body), "openid"), (std::set<std::string>{openid})) << r.body;
}

TEST_P(AgentsResourceTest, PersonAccountIsAnArrayOfAccountObjects) {
  Requirement("XAPI-00242 XAPI-00248");
  const std::string name = "acct-" + NewUuidString();
  const std::string account = R"({"homePage":"http://www.example.com/accounts","name":")" + name + R"("})";
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(R"({"name":"Account Holder","account":)" + account + "}",
                                                   SomeActivity())));
  auto r = GetPerson(R"({"objectType":"Agent","account":)" + account + "}");
  ASSERT_TRUE(IsPerson(r));
  auto p = ParseJson(r.body);
  ASSERT_TRUE(p.HasMember("account") && p["account"].IsArray() && p["account"].Size() == 1) << r.body;
  EXPECT_EQ(StrMember(p["account"][0], "homePage"), "http://www.example.com/accounts");
  EXPECT_EQ(StrMember(p["account"][0], "name"), name);
}

TEST_P(AgentsResourceTest, UnknownAgentStillGetsAPersonOfWhatTheRequestSays) {
  Requirement("XAPI-00236 XAPI-00247 XAPI-00237 XAPI-00239 XAPI-00244");
  const std::string mbox = NewMbox();
  auto r = GetPerson(R"({"objectType":"Agent","name":"Never Seen","mbox":")" + mbox + R"("})");
  ASSERT_TRUE(IsPerson(r));
  auto p = ParseJson(r.body);
  EXPECT_EQ(Strings(p, "mbox"), (std::set<std::string>{mbox})) << r.body;
  EXPECT_EQ(Strings(p, "name"), (std::set<std::string>{"Never Seen"})) << r.body;
}

TEST_P(AgentsResourceTest, GetWithoutAgentIsRejected) {
  Requirement("XAPI-00243");
  auto r = client_->Get("/xapi/agents");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_P(AgentsResourceTest, AgentThatIsNotAValidAgentIsRejected) {
  Requirement("XAPI-00249 XAPI-00012");
  for (const char* bad : {
           "not JSON",
           "true",
           "",
           R"({"objectType":"Agent"})",
           R"({"objectType":"Agent","name":"No Identifier"})",
           R"({"mbox":"ann@example.com"})",
           R"({"mbox":"mailto:a@example.com","openid":"http://example.com/openid/a"})",
           R"({"account":{"homePage":"http://example.com"}})",
           R"({"mbox":["mailto:a@example.com"]})",
           R"({"objectType":"Person","mbox":["mailto:a@example.com"]})",
       }) {
    auto r = GetPerson(bad);
    EXPECT_EQ(r.status, 400) << "agent=" << bad << " " << r.body;
  }
}

TEST_P(AgentsResourceTest, UnknownParametersAreRejected) {
  Requirement("XAPI-00324 XAPI-00325");
  const std::string agent = UrlEncode(R"({"mbox":")" + NewMbox() + R"("})");
  EXPECT_EQ(client_->Get("/xapi/agents?agent=" + agent + "&foo=bar").status, 400);
  EXPECT_EQ(client_->Get("/xapi/agents?Agent=" + agent).status, 400);
}

TEST_P(AgentsResourceTest, RejectedStatementsTeachNothingAboutAgents) {
  Requirement("XAPI-00182 XAPI-00248");
  const std::string mbox = NewMbox();
  const std::string good = Statement(R"({"name":"Should Not Appear","mbox":")" + mbox + R"("})", SomeActivity());
  const std::string bad = R"({"actor":{"mbox":")" + mbox + R"("},"verb":{"id":"should fail"},"object":)" +
                          SomeActivity() + "}";
  auto r = client_->PostJson("/xapi/statements", "[" + good + "," + bad + "]");
  ASSERT_EQ(r.status, 400) << r.body;
  auto person = GetPerson(R"({"mbox":")" + mbox + R"("})");
  ASSERT_TRUE(IsPerson(person));
  EXPECT_TRUE(Strings(ParseJson(person.body), "name").empty()) << person.body;
}

TEST_P(AgentsResourceTest, HeadAnswersLikeGetWithoutABody) {
  Requirement("XAPI-00125 XAPI-00126");
  const std::string target = "/xapi/agents?agent=" + UrlEncode(R"({"mbox":")" + NewMbox() + R"("})");
  auto get = client_->Get(target);
  auto head = client_->Request("HEAD", target);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
  if (!head.Header("Content-Length").empty()) {
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  }
  EXPECT_EQ(client_->Request("HEAD", "/xapi/agents").status, 400);
}

// 1.0.3 only: Communication 2.4 says 'The "agent" parameter is a normal Agent Object with a
// single identifier and no arrays. It is not a Person Object, nor is it a Group.'
class AgentsResource103Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline Server* server_ = nullptr;
};

TEST_F(AgentsResource103Test, GroupIsNotAnAgentParameter) {
  Requirement("XAPI-00249");
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  const std::string group = R"({"objectType":"Group","name":"Team","mbox":")" + NewMbox() + R"("})";
  auto r = client.Get("/xapi/agents?agent=" + UrlEncode(group));
  EXPECT_EQ(r.status, 400) << r.body;
  // A Person Object is not an agent parameter either.
  auto person = client.Get("/xapi/agents?agent=" + UrlEncode(R"({"objectType":"Person","mbox":[")" + NewMbox() +
                                                               R"("]})"));
  EXPECT_EQ(person.status, 400) << person.body;
}

// ============================================================================================
// ActivitiesResourceTest
// ============================================================================================

class ActivitiesResourceTest : public VersionedServerTest {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  Server* server() const override { return server_; }

  static std::string NewActivityId() { return "http://www.example.com/conformance/activity/" + NewUuidString(); }
  Response GetActivity(const std::string& id) { return client_->Get("/xapi/activities?activityId=" + UrlEncode(id)); }

  static inline Server* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Activities, ActivitiesResourceTest,
                         ::testing::Values(std::string("1.0.3"), std::string("2.0.0")), VersionName);

TEST_P(ActivitiesResourceTest, ReturnsTheCompleteActivityObject) {
  Requirement("XAPI-00253 XAPI-00251 XAPI-00252");
  const std::string id = NewActivityId();
  const std::string object = R"({"objectType":"Activity","id":")" + id + R"(","definition":{)"
                             R"("name":{"en-US":"example meeting"},)"
                             R"("description":{"en-US":"An example meeting that happened on a specific occasion."},)"
                             R"("type":"http://adlnet.gov/expapi/activities/cmi.interaction",)"
                             R"("moreInfo":"http://virtualmeeting.example.com/345256",)"
                             R"("interactionType":"choice","correctResponsesPattern":["golf[,]tetris"],)"
                             R"("choices":[{"id":"golf","description":{"en-US":"Golf Example"}},)"
                             R"({"id":"tetris","description":{"en-US":"Tetris Example"}}],)"
                             R"("extensions":{"http://example.com/profiles/meetings/extension/room":{"name":"Kilby"}}}})";
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(R"({"mbox":")" + NewMbox() + R"("})", object)));
  auto r = GetActivity(id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r.Header("Content-Type");
  EXPECT_TRUE(JsonEqual(r.body, object)) << r.body;
}

TEST_P(ActivitiesResourceTest, LanguageMapsMergeAcrossStatements) {
  Requirement("XAPI-00254 XAPI-00253");
  const std::string id = NewActivityId();
  auto with_def = [&](const std::string& def) {
    return Statement(R"({"mbox":")" + NewMbox() + R"("})",
                     R"({"objectType":"Activity","id":")" + id + R"(","definition":)" + def + "}");
  };
  // Two statements of one batch, each with another language (the suite's case) ...
  ASSERT_NO_FATAL_FAILURE(PostStatements(
      "[" + with_def(R"({"name":{"en-US":"example meeting"},"description":{"en-US":"a meeting"}})") + "," +
      with_def(R"({"name":{"fr-FR":"réunion"},"description":{"de-DE":"ein Treffen"}})") + "]"));
  // ... and a later statement with a third.
  ASSERT_NO_FATAL_FAILURE(PostStatements(with_def(R"({"name":{"es-ES":"reunión"}})")));
  auto r = GetActivity(id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto a = ParseJson(r.body);
  ASSERT_TRUE(a.IsObject() && a.HasMember("definition")) << r.body;
  EXPECT_TRUE(JsonEqual(r.body, R"({"objectType":"Activity","id":")" + id + R"(","definition":{)"
                                R"("name":{"en-US":"example meeting","fr-FR":"réunion","es-ES":"reunión"},)"
                                R"("description":{"en-US":"a meeting","de-DE":"ein Treffen"}}})"))
      << r.body;
}

TEST_P(ActivitiesResourceTest, ContextActivityDefinitionsCount) {
  Requirement("XAPI-00254");
  const std::string parent = NewActivityId();
  const std::string stmt = R"({"actor":{"mbox":")" + NewMbox() + R"("},"verb":)" + kVerb + R"(,"object":)" +
                           SomeActivity() + R"(,"context":{"contextActivities":{"parent":[{"id":")" + parent +
                           R"(","definition":{"name":{"en-US":"the parent course"}}}]}}})";
  ASSERT_NO_FATAL_FAILURE(PostStatements(stmt));
  auto r = GetActivity(parent);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(JsonEqual(r.body, R"({"objectType":"Activity","id":")" + parent +
                                    R"(","definition":{"name":{"en-US":"the parent course"}}})"))
      << r.body;
}

TEST_P(ActivitiesResourceTest, UnknownActivityStillGetsAnActivityObject) {
  Requirement("XAPI-00253");
  const std::string id = "http://www.example.com/never-before-seen-activityId/" + NewUuidString();
  auto r = GetActivity(id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto a = ParseJson(r.body);
  ASSERT_TRUE(a.IsObject()) << r.body;
  EXPECT_EQ(StrMember(a, "id"), id) << r.body;
  EXPECT_EQ(StrMember(a, "objectType"), "Activity") << r.body;
}

TEST_P(ActivitiesResourceTest, ActivityIdsNeedExactEncoding) {
  Requirement("XAPI-00253");
  const std::string id = "http://www.example.com/act?x=1&y=a%20b#frag-" + NewUuidString();
  const std::string object = R"({"objectType":"Activity","id":")" + id + R"(","definition":{"name":{"en":"q"}}})";
  ASSERT_NO_FATAL_FAILURE(PostStatements(Statement(R"({"mbox":")" + NewMbox() + R"("})", object)));
  auto r = GetActivity(id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(JsonEqual(r.body, object)) << r.body;
}

TEST_P(ActivitiesResourceTest, GetWithoutActivityIdIsRejected) {
  Requirement("XAPI-00250");
  auto r = client_->Get("/xapi/activities");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_P(ActivitiesResourceTest, ActivityIdThatIsNotAnIriIsRejected) {
  Requirement("XAPI-00012");
  for (const char* bad : {"true", "not an iri", ""}) {
    auto r = client_->Get("/xapi/activities?activityId=" + UrlEncode(bad));
    EXPECT_EQ(r.status, 400) << "activityId=" << bad << " " << r.body;
  }
}

TEST_P(ActivitiesResourceTest, UnknownParametersAreRejected) {
  Requirement("XAPI-00324 XAPI-00325");
  const std::string id = UrlEncode(NewActivityId());
  EXPECT_EQ(client_->Get("/xapi/activities?activityId=" + id + "&foo=bar").status, 400);
  EXPECT_EQ(client_->Get("/xapi/activities?ActivityId=" + id).status, 400);
}

TEST_P(ActivitiesResourceTest, RejectedStatementsDefineNothing) {
  Requirement("XAPI-00182 XAPI-00254");
  const std::string id = NewActivityId();
  const std::string good = Statement(R"({"mbox":")" + NewMbox() + R"("})",
                                     R"({"id":")" + id + R"(","definition":{"name":{"en-US":"must not stick"}}})");
  const std::string bad = R"({"actor":{"mbox":")" + NewMbox() + R"("},"verb":{"id":"should fail"},"object":{"id":")" +
                          id + R"("}})";
  auto r = client_->PostJson("/xapi/statements", "[" + good + "," + bad + "]");
  ASSERT_EQ(r.status, 400) << r.body;
  auto a = GetActivity(id);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_FALSE(ParseJson(a.body).HasMember("definition")) << a.body;
}

TEST_P(ActivitiesResourceTest, HeadAnswersLikeGetWithoutABody) {
  Requirement("XAPI-00125 XAPI-00126");
  const std::string target = "/xapi/activities?activityId=" + UrlEncode(NewActivityId());
  auto get = client_->Get(target);
  auto head = client_->Request("HEAD", target);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
  if (!head.Header("Content-Length").empty()) {
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  }
  EXPECT_EQ(client_->Request("HEAD", "/xapi/activities").status, 400);
}

// ============================================================================================
// AgentsActivitiesProtocolTest: version header, authentication and alternate request syntax on
// the Agents and Activities resources.
// ============================================================================================

class AgentsActivitiesProtocolTest : public VersionedServerTest {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  Server* server() const override { return server_; }
  static inline Server* server_ = nullptr;

  std::vector<std::string> Targets() const {
    return {"/xapi/agents?agent=" + UrlEncode(R"({"mbox":"mailto:protocol@example.com"})"),
            "/xapi/activities?activityId=" + UrlEncode("http://www.example.com/protocol")};
  }
};

INSTANTIATE_TEST_SUITE_P(Agents, AgentsActivitiesProtocolTest,
                         ::testing::Values(std::string("1.0.3"), std::string("2.0.0")), VersionName);

TEST_P(AgentsActivitiesProtocolTest, VersionHeaderIsRequiredAndEchoed) {
  Requirement("XAPI-00321 XAPI-00331 XAPI-00333");
  for (const auto& target : Targets()) {
    auto ok = client_->Get(target);
    EXPECT_EQ(ok.status, 200) << target << " " << ok.body;
    EXPECT_EQ(ok.Header("X-Experience-API-Version"), GetParam()) << target;
    auto missing = client_->Get(target, {{"X-Experience-API-Version", ""}});
    EXPECT_EQ(missing.status, 400) << target << " " << missing.body;
    EXPECT_FALSE(missing.Header("X-Experience-API-Version").empty()) << target;
    auto bad = client_->Get(target, {{"X-Experience-API-Version", "0.9"}});
    EXPECT_EQ(bad.status, 400) << target << " " << bad.body;
  }
}

TEST_P(AgentsActivitiesProtocolTest, RequestsWithoutValidCredentialsGet401) {
  Requirement("XAPI-00334 XAPI-00335");
  Client anonymous(server_->http_url(), "", "", GetParam());
  anonymous.set_auth_enabled(false);
  Client wrong(server_->http_url(), server_->key(), "wrong-secret", GetParam());
  for (const auto& target : Targets()) {
    for (Client* c : {&anonymous, &wrong}) {
      auto r = c->Get(target);
      EXPECT_EQ(r.status, 401) << target << " " << r.body;
    }
    EXPECT_EQ(client_->Get(target).status, 200) << target;
  }
}

TEST_P(AgentsActivitiesProtocolTest, AlternateRequestSyntaxGet) {
  Requirement("XAPI-00336");
  Client alt(server_->http_url(), "", "", "");
  alt.set_auth_enabled(false);
  const std::string form = "agent=" + UrlEncode(R"({"mbox":"mailto:alt-syntax@example.com"})") +
                           "&Authorization=" + UrlEncode("Basic " + lrsd::Base64Encode(server_->key() + ":" +
                                                                                       server_->secret())) +
                           "&X-Experience-API-Version=" + UrlEncode(GetParam());
  const Headers form_type = {{"Content-Type", "application/x-www-form-urlencoded"}};
  auto agents = alt.Request("POST", "/xapi/agents?method=GET", form, form_type);
  const std::string activity_form = "activityId=" + UrlEncode("http://www.example.com/alt-syntax") +
                                    form.substr(form.find("&Authorization"));
  auto activities = alt.Request("POST", "/xapi/activities?method=GET", activity_form, form_type);
  if (GetParam() == "2.0.0") {
    EXPECT_EQ(agents.status, 400) << agents.body;
    EXPECT_EQ(activities.status, 400) << activities.body;
  } else {
    EXPECT_EQ(agents.status, 200) << agents.body;
    EXPECT_EQ(StrMember(ParseJson(agents.body), "objectType"), "Person") << agents.body;
    EXPECT_EQ(activities.status, 200) << activities.body;
    EXPECT_EQ(StrMember(ParseJson(activities.body), "objectType"), "Activity") << activities.body;
  }
}

}  // namespace
