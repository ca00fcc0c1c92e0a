// Protocol rules as they apply to the Statement resource: the version header (Communication 3.3),
// HTTP Basic authentication (Communication 4.0), the alternate request syntax (Communication 1.3:
// required in 1.0.3, rejected in 2.0.0), UTF-8 (Communication 1.4), and HTTPS.
#include <regex>
#include <string>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

// ---- Version header --------------------------------------------------------------------------

class StatementVersionHeader : public ServerSuite<StatementVersionHeader> {
 protected:
  std::unique_ptr<Client> ClientWith(const std::string& version) { return MakeClient(version); }
};

TEST_F(StatementVersionHeader, XAPI_00321_00331_StatementRequestsWithoutVersionHeaderAreRejected) {
  Requirement("XAPI-00321 XAPI-00331");
  auto c = ClientWith("");
  const std::regex any_version(R"(^(1\.0\.\d+|2\.0\.\d+)$)");
  std::string post_id = NewId(), put_id = NewId();
  std::vector<std::pair<std::string, Response>> responses;
  responses.emplace_back("GET", c->Get("/xapi/statements"));
  responses.emplace_back("GET statementId", c->Get("/xapi/statements?statementId=" + NewId()));
  responses.emplace_back("HEAD", c->Request("HEAD", "/xapi/statements"));
  responses.emplace_back("POST", c->PostJson("/xapi/statements", FreshStatement(post_id)));
  responses.emplace_back("PUT", c->PutJson("/xapi/statements?statementId=" + put_id, FreshStatement(put_id)));
  for (const auto& [what, r] : responses) {
    EXPECT_EQ(r.status, 400) << what << " without X-Experience-API-Version: " << r.body;
    EXPECT_TRUE(std::regex_match(r.Header("X-Experience-API-Version"), any_version))
        << what << ": response version header '" << r.Header("X-Experience-API-Version") << "'";
  }
  auto ok = ClientWith(kV103);
  EXPECT_EQ(ok->Get("/xapi/statements?statementId=" + post_id).status, 404) << "rejected POST stored its statement";
  EXPECT_EQ(ok->Get("/xapi/statements?statementId=" + put_id).status, 404) << "rejected PUT stored its statement";
}

TEST_F(StatementVersionHeader, XAPI_00331_VersionHeaderValues) {
  Requirement("XAPI-00331 XAPI-00333");
  struct Case {
    std::string header;
    int status;
    std::string answered;  // the X-Experience-API-Version of the response ("" = any)
  };
  const std::vector<Case> cases = {
      {"1.0", 200, "1.0.3"},   {"1.0.0", 200, "1.0.3"}, {"1.0.1", 200, "1.0.3"}, {"1.0.2", 200, "1.0.3"},
      {"1.0.3", 200, "1.0.3"}, {"1.0.9", 200, "1.0.3"}, {"2.0.0", 200, "2.0.0"}, {"2.0", 200, "2.0.0"},
      {"0.9", 400, ""},        {"0.95", 400, ""},       {"1.1.0", 400, ""},      {"1.1", 400, ""},
      {"3.0.0", 400, ""},      {"BAD", 400, ""},        {"2.1.0", 400, ""},      {"", 400, ""}};
  for (const Case& c : cases) {
    auto client = ClientWith(c.header);
    Response r = client->Get("/xapi/statements?limit=1");
    EXPECT_EQ(r.status, c.status) << "X-Experience-API-Version: " << c.header << " -> " << r.body;
    EXPECT_FALSE(r.Header("X-Experience-API-Version").empty()) << c.header;
    if (!c.answered.empty()) {
      EXPECT_EQ(r.Header("X-Experience-API-Version"), c.answered) << c.header;
    }
  }
}

TEST_F(StatementVersionHeader, XAPI_00333_EveryStatementsResponseCarriesTheVersionRequested) {
  Requirement("XAPI-00333");
  for (const char* v : kBothVersions) {
    SCOPED_TRACE(v);
    auto c = ClientWith(v);
    std::string id = NewId();
    std::vector<std::pair<std::string, Response>> responses;
    responses.emplace_back("PUT 204", c->PutJson("/xapi/statements?statementId=" + id, FreshStatement(id)));
    responses.emplace_back("PUT 409", c->PutJson("/xapi/statements?statementId=" + id, FreshStatement(id)));
    responses.emplace_back("POST 200", c->PostJson("/xapi/statements", FreshStatement()));
    responses.emplace_back("POST 400", c->PostJson("/xapi/statements", "{}"));
    responses.emplace_back("GET 200", c->Get("/xapi/statements?statementId=" + id));
    responses.emplace_back("GET 404", c->Get("/xapi/statements?statementId=" + NewId()));
    responses.emplace_back("GET query", c->Get("/xapi/statements"));
    responses.emplace_back("HEAD", c->Request("HEAD", "/xapi/statements"));
    for (const auto& [what, r] : responses) {
      EXPECT_EQ(r.Header("X-Experience-API-Version"), v) << what << " (" << r.status << ")";
    }
  }
  // Also on authentication failures.
  auto anonymous = ClientWith(kV200);
  anonymous->set_auth_enabled(false);
  Response r = anonymous->Get("/xapi/statements");
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(r.Header("X-Experience-API-Version").empty());
}

TEST_F(StatementVersionHeader, XAPI_00332_StatementsKeepTheirVersionAcrossRequestVersions) {
  Requirement("XAPI-00332 XAPI-00330");
  auto v1 = ClientWith(kV103);
  auto v2 = ClientWith(kV200);
  std::string a = NewId(), b = NewId();
  ASSERT_EQ(v1->PutJson("/xapi/statements?statementId=" + a, FreshStatement(a)).status, 204);
  ASSERT_EQ(v2->PutJson("/xapi/statements?statementId=" + b, FreshStatement(b)).status, 204);
  // Whoever reads them, statements keep the version they were accepted with.
  for (Client* reader : {v1.get(), v2.get()}) {
    EXPECT_EQ(StringAt(reader->Get("/xapi/statements?statementId=" + a).Json(), "version"), "1.0.0");
    EXPECT_EQ(StringAt(reader->Get("/xapi/statements?statementId=" + b).Json(), "version"), "2.0.0");
  }
}

// ---- Authentication -------------------------------------------------------------------------

class Authentication : public VersionedSuite<Authentication> {};

TEST_P(Authentication, XAPI_00334_BadOrMissingCredentialsAre401) {
  Requirement("XAPI-00334");
  const std::string basic_bad = "Basic " + Base64("RobCIsNot:AUserOnThisLRS123", false);
  const std::string wrong_secret = "Basic " + Base64(key() + ":wrong-secret-value", false);
  struct Case {
    std::string what;
    std::string authorization;  // "" = no header
  };
  const std::vector<Case> cases = {{"no Authorization header", ""},
                                   {"unknown credentials", basic_bad},
                                   {"wrong secret", wrong_secret},
                                   {"malformed header", "Basic:" + Base64("RobCIsNot:AUserOnThisLRS", false)},
                                   {"not base64", "Basic !!!not-base64!!!"},
                                   {"no colon", "Basic " + Base64("justakey", false)},
                                   {"another scheme", "Bearer abcdef"}};
  for (const Case& c : cases) {
    auto client = MakeClient(version());
    client->set_auth_enabled(false);
    std::map<std::string, std::string> headers;
    if (!c.authorization.empty()) headers["Authorization"] = c.authorization;
    std::string id = NewId();
    Response put = client->Request("PUT", "/xapi/statements?statementId=" + id, FreshStatement(id),
                                   [&] {
                                     auto h = headers;
                                     h["Content-Type"] = "application/json";
                                     return h;
                                   }());
    EXPECT_EQ(put.status, 401) << c.what << ": " << put.body;
    EXPECT_FALSE(put.Header("WWW-Authenticate").empty()) << c.what << ": a 401 names its scheme";
    Response get = client->Get("/xapi/statements", headers);
    EXPECT_EQ(get.status, 401) << c.what;
    EXPECT_EQ(GetStatement(id).status, 404) << c.what << ": stored without valid credentials";
    // Bad credentials and a bad version header: either problem may be reported.
    auto h = headers;
    h["X-Experience-API-Version"] = "BAD";
    Response both = client->Get("/xapi/statements", h);
    EXPECT_TRUE(both.status == 400 || both.status == 401) << c.what << ": " << both.status;
  }
}

TEST_P(Authentication, XAPI_00335_HttpBasicAuthenticationIsSupported) {
  Requirement("XAPI-00335");
  std::string id = NewId();
  EXPECT_EQ(Put(id, FreshStatement(id)).status, 204);
  // The scheme name is case-insensitive (RFC 7235 section 2.1).
  auto client = MakeClient(version());
  client->set_auth_enabled(false);
  std::string id2 = NewId();
  Response r = client->Request("PUT", "/xapi/statements?statementId=" + id2, FreshStatement(id2),
                               {{"Authorization", "basic " + Base64(key() + ":" + secret(), false)},
                                {"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 204) << r.body;
}

INSTANTIATE_TEST_SUITE_P(Statements, Authentication, ::testing::ValuesIn(kBothVersions), VersionParamName);

// ---- Alternate request syntax ----------------------------------------------------------------

class AlternateSyntax : public VersionedSuite<AlternateSyntax> {
 protected:
  static std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) out += (out.empty() ? "" : "&") + Enc(name) + "=" + Enc(value);
    return out;
  }
  Response PostForm(const std::string& query, const std::string& body,
                    std::map<std::string, std::string> headers = {}) {
    headers.emplace("Content-Type", "application/x-www-form-urlencoded");
    return client().Request("POST", std::string(kStatements) + "?" + query, body, headers);
  }
  std::string AuthValue() { return "Basic " + Base64(key() + ":" + secret(), false); }
};

TEST_P(AlternateSyntax, XAPI_00148_00336_PostWithMethodGetQueriesStatements) {
  Requirement("XAPI-00148 XAPI-00336");
  const std::string verb = UniqueIri("verb/alternate");
  std::string a = NewId(), b = NewId();
  ASSERT_EQ(Put(a, Edit(FreshStatement(a), {Set("verb.id", Quote(verb))})).status, 204);
  ASSERT_EQ(Put(b, Edit(FreshStatement(b), {Set("verb.id", Quote(verb))})).status, 204);
  Response r = PostForm("method=GET", Form({{"verb", verb}, {"limit", "1"}}));
  if (v2()) {
    // 2.0.0 (Communication 1.3 removed): the alternate request syntax is rejected.
    EXPECT_EQ(r.status, 400) << r.body;
    return;
  }
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = r.Json();
  ASSERT_TRUE(result.IsObject() && result.HasMember("statements") && result.HasMember("more")) << r.body;
  EXPECT_EQ(ResultIds(result), std::vector<std::string>{b});
  EXPECT_FALSE(StringAt(result, "more").empty());
  EXPECT_FALSE(r.Header("X-Experience-API-Consistent-Through").empty());

  // Headers may travel as form fields, with no real Authorization or version header.
  auto bare = MakeClient("");
  bare->set_auth_enabled(false);
  Response f = bare->Request("POST", std::string(kStatements) + "?method=GET",
                             Form({{"Authorization", AuthValue()}, {"X-Experience-API-Version", "1.0.3"}, {"verb", verb}}),
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(ResultIds(f.Json()), (std::vector<std::string>{b, a}));
}

TEST_P(AlternateSyntax, XAPI_00336_PostWithMethodPutStoresAStatement) {
  Requirement("XAPI-00336");
  std::string id = NewId();
  Response r = PostForm("method=PUT", Form({{"statementId", id}, {"content", FreshStatement(id)}}));
  if (v2()) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(GetStatement(id).status, 404);
    return;
  }
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(StringAt(Fetch(id), "id"), id);

  // Authorization, X-Experience-API-Version and Content-Type as form fields.
  auto bare = MakeClient("");
  bare->set_auth_enabled(false);
  std::string id2 = NewId();
  Response f = bare->Request("POST", std::string(kStatements) + "?method=PUT",
                             Form({{"statementId", id2},
                                   {"content", FreshStatement(id2)},
                                   {"X-Experience-API-Version", "1.0.3"},
                                   {"Content-Type", "application/json"},
                                   {"Authorization", AuthValue()}}),
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(f.status, 204) << f.body;
  EXPECT_EQ(GetStatement(id2).status, 200);

  // method=POST stores statements as well.
  std::string id3 = NewId();
  Response p = PostForm("method=POST", Form({{"content", FreshStatement(id3)}}));
  EXPECT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.body, IdsArrayJson({id3}));
}

TEST_P(AlternateSyntax, XAPI_00336_MalformedAlternateRequestsAreRejected) {
  Requirement("XAPI-00336");
  std::string id = NewId();
  // Not issued as a POST.
  Response put = client().Request("PUT", std::string(kStatements) + "?method=POST",
                                  Form({{"content", FreshStatement(id)}}),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(put.status, 400) << put.body;
  // Extra information in the query string.
  Response extra = PostForm("method=PUT&statementId=" + id, Form({{"statementId", id}, {"content", FreshStatement(id)}}));
  EXPECT_EQ(extra.status, 400) << extra.body;
  // A header-field with a version the LRS does not speak.
  Response old = PostForm("method=PUT", Form({{"statementId", id}, {"X-Experience-API-Version", "0.8"}, {"content", FreshStatement(id)}}));
  EXPECT_EQ(old.status, 400) << old.body;
  // No content.
  Response empty = PostForm("method=PUT", "");
  EXPECT_EQ(empty.status, 400) << empty.body;
  // A body that is not url-encoded.
  Response json = PostForm("method=PUT", Dump(Parse(R"({"statementId":")" + id + R"(","content":"{}"})")));
  EXPECT_EQ(json.status, 400) << json.body;
  // The form content type is required.
  Response plain = client().Request("POST", std::string(kStatements) + "?method=PUT",
                                    Form({{"statementId", id}, {"content", FreshStatement(id)}}),
                                    {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 400) << plain.body;
  EXPECT_EQ(GetStatement(id).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Statements, AlternateSyntax, ::testing::ValuesIn(kBothVersions), VersionParamName);

// ---- Encoding --------------------------------------------------------------------------------

class Encoding : public VersionedSuite<Encoding> {};

TEST_P(Encoding, XAPI_00015_StringsAreUtf8) {
  Requirement("XAPI-00015");
  const std::string verb = UniqueIri("verb/unicode");
  const std::string display = R"({"en-GB":"attended","ja-JP":"出席した","ko-KR":"참석","is-IS":"sótti","ru-RU":"участие",
      "pa-IN":"ਹਾਜ਼ਰ","ar-EG":"حضر","hy-AM":"ներկա է գտնվել","kn-IN":"ಹಾಜರಿದ್ದರು","und":"😀 \u00e9"})";
  std::string id = NewId();
  std::string body = Edit(FreshStatement(id), {Set("verb.id", Quote(verb)), Set("verb.display", display),
                                               Set("actor.name", R"("Zoë Ångström 李")")});
  Response r = Post(body, {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = Query("verb=" + Enc(verb)).Json();
  const rapidjson::Value* got = At(result, "statements.0.verb.display");
  ASSERT_NE(got, nullptr);
  EXPECT_TRUE(*got == Parse(display)) << Dump(*got);
  EXPECT_EQ(StringAt(result, "statements.0.actor.name"), "Zoë Ångström 李");
}

TEST_P(Encoding, XAPI_00015_InvalidUtf8IsRejected) {
  Requirement("XAPI-00015 XAPI-00014");
  std::string id = NewId();
  std::string body = Edit(FreshStatement(id), {Set("actor.name", R"("PLACEHOLDER")")});
  body.replace(body.find("PLACEHOLDER"), 11, std::string("bad \xC3\x28 \xFF bytes"));
  Response r = Post(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(GetStatement(id).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Statements, Encoding, ::testing::ValuesIn(kBothVersions), VersionParamName);

// ---- HTTPS -----------------------------------------------------------------------------------

class OverHttps : public VersionedSuite<OverHttps> {
 public:
  static ServerOptions Options() {
    ServerOptions o = ServerSuite<OverHttps>::Options();
    o.http = false;
    o.https = true;
    return o;
  }
};

TEST_P(OverHttps, StatementResourceWorksOverHttps) {
  Requirement("XAPI-00139 XAPI-00143 XAPI-00147 XAPI-00156 XAPI-00153 XAPI-00333 XAPI-00334");
  ASSERT_EQ(base_url().rfind("https://", 0), 0u) << base_url();
  std::string id = NewId();
  std::string body = FreshStatement(id);
  EXPECT_EQ(Put(id, body).status, 204);
  auto ids = PostOk(FreshStatement());
  EXPECT_EQ(ids.size(), 1u);
  Response g = GetStatement(id);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(StringAt(g.Json(), "verb.id"), StringAt(Parse(body), "verb.id"));
  EXPECT_EQ(g.Header("X-Experience-API-Version"), version());
  EXPECT_FALSE(g.Header("X-Experience-API-Consistent-Through").empty());
  Response q = Query("verb=" + Enc(StringAt(Parse(body), "verb.id")));
  EXPECT_EQ(ResultIds(q.Json()), std::vector<std::string>{id});
  auto anonymous = MakeClient(version());
  anonymous->set_auth_enabled(false);
  EXPECT_EQ(anonymous->Get("/xapi/statements").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Statements, OverHttps, ::testing::ValuesIn(kBothVersions), VersionParamName);

}  // namespace
}  // namespace lrsd::conformance
