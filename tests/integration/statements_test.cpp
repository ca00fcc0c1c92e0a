// The Statement resource end to end: the real lrsd binary over HTTP, every parameter, paging to
// the end, voiding, formats and attachments.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

std::string Str(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

class StatementsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret()); }

  // A unique activity IRI per test keeps queries independent of other tests' statements.
  static std::string UniqueActivity() { return "http://example.com/activities/" + NewUuidString(); }

  std::vector<std::string> PostIds(const std::string& body) {
    auto r = client_->PostJson("/xapi/statements", body);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    auto json = r.Json();
    if (json.IsArray()) {
      for (const auto& id : json.GetArray()) ids.push_back(id.GetString());
    }
    return ids;
  }

  // Follows `more` links to the end; returns every statement id in order.
  std::vector<std::string> FetchAll(const std::string& first, int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string target = first;
    int n = 0;
    while (!target.empty()) {
      auto r = client_->Get(target);
      EXPECT_EQ(r.status, 200) << target << " " << r.body;
      if (r.status != 200) break;
      auto json = r.Json();
      for (const auto& s : json["statements"].GetArray()) ids.push_back(Str(s, "id"));
      target = json["more"].GetString();
      if (!target.empty()) {
        EXPECT_EQ(target.rfind("/xapi/statements?more=", 0), 0u) << target;
      }
      ++n;
      if (n > 10000) break;
    }
    if (pages) *pages = n;
    return ids;
  }

  static Server* server_;
  std::unique_ptr<Client> client_;
};
Server* StatementsTest::server_ = nullptr;

TEST_F(StatementsTest, PostAssignsIdAndLrsFields) {
  auto ids = PostIds(SampleStatement());
  ASSERT_EQ(ids.size(), 1u);
  auto r = client_->Get("/xapi/statements?statementId=" + ids[0]);
  ASSERT_EQ(r.status, 200);
  auto s = r.Json();
  EXPECT_EQ(Str(s, "id"), ids[0]);
  EXPECT_FALSE(Str(s, "stored").empty());
  EXPECT_EQ(Str(s, "timestamp"), Str(s, "stored"));  // filled from stored when absent
  EXPECT_EQ(Str(s, "version"), "1.0.0");
  ASSERT_TRUE(s.HasMember("authority"));
  EXPECT_EQ(Str(s["authority"]["account"], "name"), server_->key());
  EXPECT_FALSE(r.Header("Last-Modified").empty());
  EXPECT_FALSE(r.Header("X-Experience-API-Consistent-Through").empty());
  EXPECT_EQ(r.Header("X-Experience-API-Version"), "1.0.3");
}

TEST_F(StatementsTest, PutIsIdempotentAndConflictsOnDifferentContent) {
  const std::string id = NewUuidString();
  const std::string activity = UniqueActivity();
  const std::string body = SampleStatement("mailto:put@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
  EXPECT_EQ(client_->PutJson("/xapi/statements?statementId=" + id, body).status, 204);
  EXPECT_EQ(client_->PutJson("/xapi/statements?statementId=" + id, body).status, 204);  // same: no-op
  auto conflict = client_->PutJson("/xapi/statements?statementId=" + id,
                                   SampleStatement("mailto:other@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  // The original is untouched.
  auto r = client_->Get("/xapi/statements?statementId=" + id);
  EXPECT_EQ(Str(r.Json()["actor"], "mbox"), "mailto:put@example.com");
  // Only once in query results.
  auto all = FetchAll("/xapi/statements?activity=" + UrlEncode(activity));
  EXPECT_EQ(all, std::vector<std::string>{id});
}

TEST_F(StatementsTest, PutRequiresStatementIdAndMatchingId) {
  EXPECT_EQ(client_->PutJson("/xapi/statements", SampleStatement()).status, 400);
  std::string body = SampleStatement();
  body.insert(1, R"("id":")" + NewUuidString() + R"(",)");
  auto r = client_->PutJson("/xapi/statements?statementId=" + NewUuidString(), body);
  EXPECT_EQ(r.status, 400);
}

TEST_F(StatementsTest, BatchIsAtomic) {
  const std::string activity = UniqueActivity();
  std::string good = SampleStatement("mailto:a@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
  std::string bad = R"({"actor":{"mbox":"not-an-email"},"verb":{"id":"http://x.example/v"},"object":{"id":")" + activity + R"("}})";
  auto r = client_->PostJson("/xapi/statements", "[" + good + "," + bad + "]");
  EXPECT_EQ(r.status, 400);
  auto error = r.Json();
  ASSERT_TRUE(error.IsObject()) << r.body;
  EXPECT_EQ(Str(error["error"], "path"), "statement[1].actor.mbox");
  EXPECT_EQ(Str(error["error"], "rule"), "XAPI-00038");
  EXPECT_TRUE(FetchAll("/xapi/statements?activity=" + UrlEncode(activity)).empty());
}

TEST_F(StatementsTest, PagingReturnsEveryStatementOnceInOrder) {
  const std::string activity = UniqueActivity();
  std::vector<std::string> posted;
  for (int batch = 0; batch < 5; ++batch) {
    std::string body = "[";
    for (int i = 0; i < 50; ++i) {
      if (i) body += ',';
      body += SampleStatement("mailto:p" + std::to_string(i) + "@example.com",
                              "http://adlnet.gov/expapi/verbs/completed", activity);
    }
    body += "]";
    auto ids = PostIds(body);
    posted.insert(posted.end(), ids.begin(), ids.end());
  }
  ASSERT_EQ(posted.size(), 250u);
  int pages = 0;
  auto descending = FetchAll("/xapi/statements?limit=7&activity=" + UrlEncode(activity), &pages);
  EXPECT_EQ(pages, 36);  // ceil(250 / 7)
  std::vector<std::string> expected(posted.rbegin(), posted.rend());
  EXPECT_EQ(descending, expected);
  auto ascending = FetchAll("/xapi/statements?limit=11&ascending=true&activity=" + UrlEncode(activity));
  EXPECT_EQ(ascending, posted);
}

TEST_F(StatementsTest, PagingIsStableWhileNewStatementsArrive) {
  const std::string activity = UniqueActivity();
  std::string body = "[";
  for (int i = 0; i < 30; ++i) body += std::string(i ? "," : "") + SampleStatement("mailto:s@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
  body += "]";
  auto first_batch = PostIds(body);
  auto page = client_->Get("/xapi/statements?limit=10&ascending=true&activity=" + UrlEncode(activity));
  ASSERT_EQ(page.status, 200);
  auto json = page.Json();
  std::vector<std::string> seen;
  for (const auto& s : json["statements"].GetArray()) seen.push_back(Str(s, "id"));
  std::string more = json["more"].GetString();
  // New statements arrive while the client pages.
  PostIds(body);
  auto rest = FetchAll(more);
  seen.insert(seen.end(), rest.begin(), rest.end());
  EXPECT_EQ(seen, first_batch);
}

TEST_F(StatementsTest, FiltersByAgentVerbActivityRegistration) {
  const std::string activity = UniqueActivity();
  const std::string registration = NewUuidString();
  const std::string mbox = "mailto:" + NewUuidString() + "@example.com";
  std::string with_context = R"({"actor":{"mbox":")" + mbox +
                             R"(","name":"Someone"},"verb":{"id":"http://adlnet.gov/expapi/verbs/passed"},"object":{"id":")" +
                             activity + R"("},"context":{"registration":")" + registration +
                             R"(","contextActivities":{"parent":{"id":"http://example.com/parent/)" + registration + R"("}}}})";
  auto ids = PostIds(with_context);
  ASSERT_EQ(ids.size(), 1u);
  PostIds(SampleStatement("mailto:someone-else@example.com", "http://adlnet.gov/expapi/verbs/passed", activity));

  // agent matches by IFI only: name and objectType do not matter.
  std::string agent = R"({"objectType":"Agent","name":"Different Name","mbox":")" + mbox + R"("})";
  EXPECT_EQ(FetchAll("/xapi/statements?agent=" + UrlEncode(agent)), ids);
  EXPECT_EQ(FetchAll("/xapi/statements?registration=" + registration), ids);
  EXPECT_EQ(FetchAll("/xapi/statements?verb=" + UrlEncode("http://adlnet.gov/expapi/verbs/passed") +
                     "&agent=" + UrlEncode(agent)),
            ids);
  EXPECT_EQ(FetchAll("/xapi/statements?activity=" + UrlEncode(activity)).size(), 2u);
  // related_activities reaches context activities; the plain filter does not.
  std::string parent = UrlEncode("http://example.com/parent/" + registration);
  EXPECT_TRUE(FetchAll("/xapi/statements?activity=" + parent).empty());
  EXPECT_EQ(FetchAll("/xapi/statements?related_activities=true&activity=" + parent), ids);
  // Bad parameter values are 400 with the parameter named.
  auto bad = client_->Get("/xapi/statements?registration=not-a-uuid");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("registration"), std::string::npos);
  EXPECT_EQ(client_->Get("/xapi/statements?agent=%7B%7D").status, 400);
  EXPECT_EQ(client_->Get("/xapi/statements?Verb=http://x").status, 400);  // case matters
  EXPECT_EQ(client_->Get("/xapi/statements?limit=-1").status, 400);
  EXPECT_EQ(client_->Get("/xapi/statements?ascending=yes").status, 400);
}

TEST_F(StatementsTest, SinceIsExclusiveUntilInclusive) {
  const std::string activity = UniqueActivity();
  auto a = PostIds(SampleStatement("mailto:t@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto b = PostIds(SampleStatement("mailto:t@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
  std::string stored_a = Str(client_->Get("/xapi/statements?statementId=" + a[0]).Json(), "stored");
  std::string stored_b = Str(client_->Get("/xapi/statements?statementId=" + b[0]).Json(), "stored");
  ASSERT_LT(stored_a, stored_b);
  std::string base = "/xapi/statements?activity=" + UrlEncode(activity);
  EXPECT_EQ(FetchAll(base + "&since=" + UrlEncode(stored_a)), b);
  EXPECT_EQ(FetchAll(base + "&until=" + UrlEncode(stored_a)), a);
  EXPECT_EQ(FetchAll(base + "&since=" + UrlEncode(stored_a) + "&until=" + UrlEncode(stored_b)), b);
  EXPECT_EQ(client_->Get(base + "&since=yesterday").status, 400);
}

TEST_F(StatementsTest, VoidingHidesTargetButKeepsVoidingStatementInQueries) {
  const std::string activity = UniqueActivity();
  auto target = PostIds(SampleStatement("mailto:v@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
  std::string voiding = R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
                        target[0] + R"("}})";
  auto voider = PostIds(voiding);
  EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + target[0]).status, 404);
  auto by_voided = client_->Get("/xapi/statements?voidedStatementId=" + target[0]);
  EXPECT_EQ(by_voided.status, 200);
  EXPECT_EQ(Str(by_voided.Json(), "id"), target[0]);
  EXPECT_EQ(client_->Get("/xapi/statements?voidedStatementId=" + voider[0]).status, 404);
  // A query for the target's activity returns the voiding statement (it targets a match).
  EXPECT_EQ(FetchAll("/xapi/statements?activity=" + UrlEncode(activity)), voider);
  // statementId with other parameters is rejected.
  EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + voider[0] + "&limit=1").status, 400);
}

TEST_F(StatementsTest, StatementRefMatchesThroughChainsInEitherOrder) {
  const std::string activity = UniqueActivity();
  // The referring statement arrives first; its target later.
  const std::string target_id = NewUuidString();
  std::string ref = R"({"actor":{"mbox":"mailto:r@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/commented"},"object":{"objectType":"StatementRef","id":")" +
                    target_id + R"("}})";
  auto referrer = PostIds(ref);
  EXPECT_TRUE(FetchAll("/xapi/statements?activity=" + UrlEncode(activity)).empty());
  ASSERT_EQ(client_->PutJson("/xapi/statements?statementId=" + target_id,
                             SampleStatement("mailto:r@example.com", "http://adlnet.gov/expapi/verbs/completed", activity))
                .status,
            204);
  auto both = FetchAll("/xapi/statements?activity=" + UrlEncode(activity));
  EXPECT_EQ(both, (std::vector<std::string>{target_id, referrer[0]}));
  // And one more level: a statement referring to the referrer matches too.
  std::string second = R"({"actor":{"mbox":"mailto:r@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/commented"},"object":{"objectType":"StatementRef","id":")" +
                       referrer[0] + R"("}})";
  auto second_ids = PostIds(second);
  EXPECT_EQ(FetchAll("/xapi/statements?activity=" + UrlEncode(activity)).size(), 3u);
}

TEST_F(StatementsTest, FormatsIdsAndCanonical) {
  const std::string activity = UniqueActivity();
  std::string s = R"({"actor":{"objectType":"Agent","name":"Named","mbox":"mailto:f@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed","fr-FR":"terminé"}},"object":{"id":")" +
                  activity + R"(","definition":{"name":{"en-US":"Course","fr-FR":"Cours"}}}})";
  auto ids = PostIds(s);
  auto r = client_->Get("/xapi/statements?format=ids&statementId=" + ids[0]);
  ASSERT_EQ(r.status, 200);
  auto json = r.Json();
  EXPECT_FALSE(json["actor"].HasMember("name"));
  EXPECT_FALSE(json["verb"].HasMember("display"));
  EXPECT_FALSE(json["object"].HasMember("definition"));
  auto canonical = client_->Get("/xapi/statements?format=canonical&statementId=" + ids[0], {{"Accept-Language", "fr-FR"}});
  auto c = canonical.Json();
  ASSERT_TRUE(c.IsObject()) << canonical.body;
  EXPECT_EQ(c["verb"]["display"].MemberCount(), 1u);
  EXPECT_TRUE(c["verb"]["display"].HasMember("fr-FR"));
  EXPECT_TRUE(c["object"]["definition"]["name"].HasMember("fr-FR"));
  EXPECT_EQ(client_->Get("/xapi/statements?format=full").status, 400);
}

TEST_F(StatementsTest, AttachmentsRoundTripAsMultipart) {
  const std::string content = "here is a simple attachment";
  // SHA-256 of the content, computed independently of lrsd's own code path.
  const std::string sha2 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";
  std::string statement = R"({"actor":{"mbox":"mailto:att@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":{"id":")" +
                          UniqueActivity() +
                          R"("},"attachments":[{"usageType":"http://example.com/usage","display":{"en-US":"A"},"contentType":"text/plain","length":27,"sha2":")" +
                          sha2 + R"("}]})";
  std::string body = "--abc\r\nContent-Type: application/json\r\n\r\n" + statement +
                     "\r\n--abc\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
                     sha2 + "\r\n\r\n" + content + "\r\n--abc--\r\n";
  auto r = client_->Request("POST", "/xapi/statements", body, {{"Content-Type", "multipart/mixed; boundary=abc"}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = r.Json()[0].GetString();
  auto got = client_->Get("/xapi/statements?attachments=true&statementId=" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Header("Content-Type").rfind("multipart/mixed; boundary=", 0), 0u);
  EXPECT_NE(got.body.find(content), std::string::npos);
  EXPECT_NE(got.body.find("X-Experience-API-Hash: " + sha2), std::string::npos);
  // Without attachments=true: plain JSON, no content.
  auto plain = client_->Get("/xapi/statements?statementId=" + id);
  EXPECT_EQ(plain.Header("Content-Type"), "application/json");
  EXPECT_EQ(plain.body.find(content), std::string::npos);
  // A statement claiming an attachment that no part carries is rejected.
  auto missing = client_->PostJson("/xapi/statements", statement);
  EXPECT_EQ(missing.status, 400);
}

TEST_F(StatementsTest, HeadAnswersLikeGetWithoutBody) {
  auto ids = PostIds(SampleStatement());
  auto get = client_->Get("/xapi/statements?statementId=" + ids[0]);
  auto head = client_->Request("HEAD", "/xapi/statements?statementId=" + ids[0]);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_FALSE(head.Header("X-Experience-API-Consistent-Through").empty());
}

TEST_F(StatementsTest, VersionHeaderRules) {
  Client no_version(server_->http_url(), server_->key(), server_->secret(), "");
  auto r = no_version.Get("/xapi/statements");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.Header("X-Experience-API-Consistent-Through").empty());
  EXPECT_EQ(no_version.Get("/xapi/about").status, 200);
  Client old(server_->http_url(), server_->key(), server_->secret(), "1.0.2");  // old TinCanJS
  EXPECT_EQ(old.Get("/xapi/statements?limit=1").status, 200);
  Client v2(server_->http_url(), server_->key(), server_->secret(), "2.0.0");
  auto r2 = v2.Get("/xapi/statements?limit=1");
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.Header("X-Experience-API-Version"), "2.0.0");
  Client bogus(server_->http_url(), server_->key(), server_->secret(), "0.9");
  EXPECT_EQ(bogus.Get("/xapi/statements").status, 400);
  // Statements keep the version they were accepted with.
  auto posted = v2.PostJson("/xapi/statements", SampleStatement());
  ASSERT_EQ(posted.status, 200);
  auto s = v2.Get(std::string("/xapi/statements?statementId=") + posted.Json()[0].GetString());
  EXPECT_EQ(Str(s.Json(), "version"), "2.0.0");
}

TEST_F(StatementsTest, AuthenticationAndErrors) {
  Client anonymous(server_->http_url(), "", "");
  anonymous.set_auth_enabled(false);
  auto r = anonymous.Get("/xapi/statements");
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(r.Header("WWW-Authenticate").empty());
  Client wrong(server_->http_url(), server_->key(), "wrong-secret");
  EXPECT_EQ(wrong.Get("/xapi/statements").status, 401);
  EXPECT_EQ(client_->Get("/xapi/nothing-here").status, 404);
  auto not_json = client_->PostJson("/xapi/statements", "{not json");
  EXPECT_EQ(not_json.status, 400);
  auto deep = client_->PostJson("/xapi/statements", std::string(200, '[') + std::string(200, ']'));
  EXPECT_EQ(deep.status, 400);
  EXPECT_NE(deep.body.find("deeper"), std::string::npos);
}

TEST_F(StatementsTest, CorsPreflightAndHeaders) {
  auto pre = client_->Request("OPTIONS", "/xapi/statements", "",
                              {{"Origin", "https://content.example"},
                               {"Access-Control-Request-Method", "POST"},
                               {"Access-Control-Request-Headers", "authorization,content-type,x-experience-api-version"}});
  EXPECT_LT(pre.status, 300);
  EXPECT_EQ(pre.Header("Access-Control-Allow-Origin"), "https://content.example");
  EXPECT_NE(pre.Header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(pre.Header("Access-Control-Allow-Headers").find("x-experience-api-version"), std::string::npos);
  auto get = client_->Get("/xapi/statements?limit=1", {{"Origin", "https://content.example"}});
  EXPECT_EQ(get.Header("Access-Control-Allow-Origin"), "https://content.example");
  EXPECT_NE(get.Header("Access-Control-Expose-Headers").find("X-Experience-API-Consistent-Through"), std::string::npos);
}

TEST_F(StatementsTest, ConcurrentWritersAllLand) {
  const std::string activity = UniqueActivity();
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> all;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client c(server_->http_url(), server_->key(), server_->secret());
      for (int i = 0; i < 25; ++i) {
        auto r = c.PostJson("/xapi/statements",
                            SampleStatement("mailto:c" + std::to_string(t) + "@example.com",
                                            "http://adlnet.gov/expapi/verbs/completed", activity));
        if (r.status == 200) {
          std::lock_guard lock(mu);
          all.insert(r.Json()[0].GetString());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(all.size(), 200u);
  auto fetched = FetchAll("/xapi/statements?activity=" + UrlEncode(activity));
  EXPECT_EQ(std::set<std::string>(fetched.begin(), fetched.end()), all);
}

}  // namespace
}  // namespace lrsd::testkit
