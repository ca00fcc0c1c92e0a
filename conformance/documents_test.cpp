// Requirement-traced conformance tests for the document resources (xAPI 1.0.3 Communication
// 2.2, 2.3, 2.6, 2.7 and 3.1; xAPI 2.0.0 4.1.4 and 4.1.6.2/4.1.6.5/4.1.6.6): the State, Activity
// Profile and Agent Profile resources of a real lrsd, under both versions.
//
// Every test records the requirement ids it checks as the "requirement" property of its result
// (ids from /work/shared/spec/LRS-REQUIREMENTS.md); conformance/README.md (part 2) maps ids to
// tests. Suites whose names start with "Doc" live here; agents_activities_test.cpp and
// about_test.cpp hold the Agents, Activities and About resources.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace {

using lrsd::testkit::Client;
using lrsd::testkit::NewUuidString;
using lrsd::testkit::Response;
using lrsd::testkit::Server;
using lrsd::testkit::ServerOptions;
using lrsd::testkit::UrlEncode;
using Headers = std::map<std::string, std::string>;

// ---- Small helpers (private to this file) ------------------------------------------------------

void Requirement(const std::string& ids) { ::testing::Test::RecordProperty("requirement", ids); }

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

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) d.SetNull();
  return d;
}

// Same JSON value (object member order ignored).
bool JsonEqual(const std::string& a, const std::string& b) {
  auto da = ParseJson(a);
  auto db = ParseJson(b);
  return !da.IsNull() && !db.IsNull() && da == db;
}

// The strings of a JSON array body (ids of a multiple-document GET); nullopt when not an array
// of strings.
std::optional<std::multiset<std::string>> IdArray(const Response& r) {
  auto d = ParseJson(r.body);
  if (!d.IsArray()) return std::nullopt;
  std::multiset<std::string> out;
  for (const auto& v : d.GetArray()) {
    if (!v.IsString()) return std::nullopt;
    out.insert(v.GetString());
  }
  return out;
}

// Now, as an xAPI timestamp valid under 1.0.3 and 2.0.0 (UTC, milliseconds).
std::string NowTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

// An HTTP-date (IMF-fixdate) as seconds since the epoch.
std::optional<std::time_t> ParseHttpDate(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Ordered query parameters.
struct Query {
  std::vector<std::pair<std::string, std::string>> items;
  Query& Set(const std::string& name, const std::string& value) {
    for (auto& [n, v] : items) {
      if (n == name) {
        v = value;
        return *this;
      }
    }
    items.emplace_back(name, value);
    return *this;
  }
  Query& Drop(const std::string& name) {
    std::erase_if(items, [&](const auto& kv) { return kv.first == name; });
    return *this;
  }
  std::string Encode() const {
    std::string out;
    for (const auto& [n, v] : items) {
      if (!out.empty()) out += '&';
      out += UrlEncode(n) + "=" + UrlEncode(v);
    }
    return out;
  }
};

std::string Target(const std::string& path, const Query& q) {
  return q.items.empty() ? path : path + "?" + q.Encode();
}

std::string MboxAgent(const std::string& local = "") {
  return R"({"objectType":"Agent","mbox":"mailto:)" + (local.empty() ? "doc-" + NewUuidString() : local) +
         R"(@example.com"})";
}
std::string NewActivity() { return "http://example.com/conformance/doc-activity/" + NewUuidString(); }

// ---- The three document resources --------------------------------------------------------------

enum class Kind { kState, kActivityProfile, kAgentProfile };
// Readable parameters in gtest's failure messages.
void PrintTo(Kind k, std::ostream* os) {
  *os << (k == Kind::kState ? "State" : k == Kind::kActivityProfile ? "ActivityProfile" : "AgentProfile");
}
enum Method { kPut = 0, kPost = 1, kGet = 2, kDelete = 3 };
const char* const kMethodNames[] = {"PUT", "POST", "GET", "DELETE"};

// What differs between the resources, and which requirement ids each check traces to.
struct Spec {
  Kind kind;
  const char* name;
  const char* path;
  const char* id_param;
  bool activity;  // takes activityId
  bool agent;     // takes agent
  // Requirement ids per check ("" = none for this resource).
  const char* endpoint;
  const char* put;
  const char* post;
  const char* get;
  const char* del;
  const char* list;
  const char* since;
  const char* since_bad;
  const char* post_create;
  const char* merge;
  const char* merge_type;      // either document not application/json
  const char* merge_bad_json;  // posted JSON not parseable as an object
  const char* agent_bad_json;  // agent parameter with broken JSON on POST
  const char* missing_activity[4];
  const char* missing_agent[4];
  const char* bad_agent[4];
  const char* missing_id[4];
};

const Spec kStateSpec{Kind::kState,
                      "State",
                      "/xapi/activities/state",
                      "stateId",
                      true,
                      true,
                      "XAPI-00230",
                      "XAPI-00190",
                      "XAPI-00189 XAPI-00231",
                      "XAPI-00188 XAPI-00192 XAPI-00217",
                      "XAPI-00187 XAPI-00191 XAPI-00216",
                      "XAPI-00193",
                      "XAPI-00221 XAPI-00195 XAPI-00222",
                      "XAPI-00204",
                      "XAPI-00233",
                      "XAPI-00234 XAPI-00183 XAPI-00184",
                      "XAPI-00232 XAPI-00229",
                      "XAPI-00229 XAPI-00235",
                      "XAPI-00235",
                      {"XAPI-00210", "XAPI-00209", "XAPI-00208", "XAPI-00207"},
                      {"XAPI-00215", "XAPI-00214", "XAPI-00213", "XAPI-00212"},
                      {"XAPI-00199", "XAPI-00198", "XAPI-00197", "XAPI-00196"},
                      {"XAPI-00206", "XAPI-00211", "", ""}};

const Spec kActivityProfileSpec{Kind::kActivityProfile,
                                "ActivityProfile",
                                "/xapi/activities/profile",
                                "profileId",
                                true,
                                false,
                                "XAPI-00311",
                                "XAPI-00287 XAPI-00293",
                                "XAPI-00286 XAPI-00292 XAPI-00312",
                                "XAPI-00290 XAPI-00288",
                                "XAPI-00285 XAPI-00291",
                                "XAPI-00289",
                                "XAPI-00303 XAPI-00294",
                                "XAPI-00295",
                                "XAPI-00310",
                                "XAPI-00308 XAPI-00183 XAPI-00184",
                                "XAPI-00309 XAPI-00313",
                                "XAPI-00314 XAPI-00313",
                                "",
                                {"XAPI-00299", "XAPI-00298", "XAPI-00296", "XAPI-00297"},
                                {"", "", "", ""},
                                {"", "", "", ""},
                                {"XAPI-00302", "XAPI-00301", "", "XAPI-00300"}};

const Spec kAgentProfileSpec{Kind::kAgentProfile,
                             "AgentProfile",
                             "/xapi/agents/profile",
                             "profileId",
                             false,
                             true,
                             "XAPI-00282",
                             "XAPI-00273",
                             "XAPI-00272 XAPI-00283",
                             "XAPI-00274 XAPI-00259 XAPI-00269",
                             "XAPI-00271",
                             "XAPI-00270",
                             "XAPI-00268 XAPI-00275",
                             "XAPI-00260",
                             "XAPI-00280",
                             "XAPI-00279 XAPI-00183 XAPI-00184",
                             "XAPI-00278 XAPI-00281",
                             "XAPI-00281 XAPI-00284",
                             "XAPI-00284",
                             {"", "", "", ""},
                             {"XAPI-00264", "XAPI-00263", "XAPI-00261", "XAPI-00262"},
                             {"XAPI-00257", "XAPI-00256", "XAPI-00258", "XAPI-00255"},
                             {"XAPI-00267", "XAPI-00266", "", "XAPI-00265"}};

const Spec& SpecOf(Kind k) {
  switch (k) {
    case Kind::kState:
      return kStateSpec;
    case Kind::kActivityProfile:
      return kActivityProfileSpec;
    case Kind::kAgentProfile:
      break;
  }
  return kAgentProfileSpec;
}

// Joins non-empty id lists.
std::string Ids(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

// One document: its context and id.
struct DocRef {
  std::string activity = NewActivity();
  std::string agent = MboxAgent();
  std::string registration;  // State only; empty = none
  std::string id = "doc-" + NewUuidString();
};

Query ParamsFor(const Spec& s, const DocRef& d, bool with_id = true) {
  Query q;
  if (s.activity) q.Set("activityId", d.activity);
  if (s.agent) q.Set("agent", d.agent);
  if (s.kind == Kind::kState && !d.registration.empty()) q.Set("registration", d.registration);
  if (with_id) q.Set(s.id_param, d.id);
  return q;
}

std::string VersionTag(const std::string& v) {
  std::string out = "v";
  for (char c : v) out += c == '.' ? '_' : c;
  return out;
}

// ---- Shared fixture logic --------------------------------------------------------------------

// Request helpers bound to one resource and one version.
class DocDriver {
 public:
  DocDriver(Client& client, const Spec& spec) : client_(client), spec_(spec) {}

  Response Send(const std::string& method, const Query& q, const std::string& body = "",
                const std::string& content_type = "", Headers headers = {}) {
    if (!content_type.empty()) headers["Content-Type"] = content_type;
    return client_.Request(method, Target(spec_.path, q), body, headers);
  }
  Response Send(const std::string& method, const DocRef& d, const std::string& body = "",
                const std::string& content_type = "", Headers headers = {}) {
    return Send(method, ParamsFor(spec_, d), body, content_type, std::move(headers));
  }
  Response Get(const DocRef& d) { return Send("GET", d); }
  Response List(const DocRef& d, const std::string& since = "") {
    Query q = ParamsFor(spec_, d, false);
    if (!since.empty()) q.Set("since", since);
    return Send("GET", q);
  }

  // Creates a document (If-None-Match: * works for every resource under both versions).
  ::testing::AssertionResult Create(const DocRef& d, const std::string& body,
                                    const std::string& content_type = "application/json") {
    auto r = Send("PUT", d, body, content_type, {{"If-None-Match", "*"}});
    if (r.status != 204) {
      return ::testing::AssertionFailure() << "create PUT " << spec_.path << " -> " << r.status << " " << r.body;
    }
    return ::testing::AssertionSuccess();
  }

  // The document is stored byte-exact with this Content-Type and a quoted SHA-1 ETag.
  ::testing::AssertionResult Holds(const DocRef& d, const std::string& body, const std::string& content_type) {
    auto r = Get(d);
    if (r.status != 200) return ::testing::AssertionFailure() << "GET -> " << r.status << " " << r.body;
    if (r.body != body) return ::testing::AssertionFailure() << "body '" << r.body << "' != '" << body << "'";
    if (r.Header("Content-Type") != content_type) {
      return ::testing::AssertionFailure() << "Content-Type '" << r.Header("Content-Type") << "' != '" << content_type
                                           << "'";
    }
    if (r.Header("ETag") != Quoted(Sha1Hex(body))) {
      return ::testing::AssertionFailure() << "ETag " << r.Header("ETag") << " != " << Quoted(Sha1Hex(body));
    }
    return ::testing::AssertionSuccess();
  }
  // The document holds this JSON (member order free) as application/json.
  ::testing::AssertionResult HoldsJson(const DocRef& d, const std::string& json) {
    auto r = Get(d);
    if (r.status != 200) return ::testing::AssertionFailure() << "GET -> " << r.status << " " << r.body;
    if (!JsonEqual(r.body, json)) return ::testing::AssertionFailure() << "body " << r.body << " != " << json;
    if (r.Header("Content-Type").rfind("application/json", 0) != 0) {
      return ::testing::AssertionFailure() << "Content-Type " << r.Header("Content-Type");
    }
    if (r.Header("ETag") != Quoted(Sha1Hex(r.body))) {
      return ::testing::AssertionFailure() << "ETag " << r.Header("ETag") << " is not the SHA-1 of the body";
    }
    return ::testing::AssertionSuccess();
  }
  ::testing::AssertionResult Absent(const DocRef& d) {
    auto r = Get(d);
    if (r.status != 404) return ::testing::AssertionFailure() << "GET -> " << r.status << " " << r.body << " (want 404)";
    return ::testing::AssertionSuccess();
  }
  std::string Etag(const DocRef& d) { return Get(d).Header("ETag"); }

 private:
  Client& client_;
  const Spec& spec_;
};

// ============================================================================================
// DocResourceTest: every check the three resources share, per resource and version.
// ============================================================================================

using DocParam = std::tuple<Kind, std::string>;

std::string DocParamName(const ::testing::TestParamInfo<DocParam>& info) {
  return std::string(SpecOf(std::get<0>(info.param)).name) + "_" + VersionTag(std::get<1>(info.param));
}

class DocResourceTest : public ::testing::TestWithParam<DocParam> {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), version());
    docs_ = std::make_unique<DocDriver>(*client_, spec());
  }
  const Spec& spec() const { return SpecOf(std::get<0>(GetParam())); }
  std::string version() const { return std::get<1>(GetParam()); }
  bool v2() const { return version() == "2.0.0"; }
  bool state() const { return spec().kind == Kind::kState; }

  static inline Server* server_ = nullptr;
  std::unique_ptr<Client> client_;
  std::unique_ptr<DocDriver> docs_;
};

INSTANTIATE_TEST_SUITE_P(Doc, DocResourceTest,
                         ::testing::Combine(::testing::Values(Kind::kState, Kind::kActivityProfile,
                                                              Kind::kAgentProfile),
                                            ::testing::Values(std::string("1.0.3"), std::string("2.0.0"))),
                         DocParamName);

// The checks of the agent parameter (State, Agent Profile) and of activityId (State, Activity
// Profile) run only where the resource takes that parameter.
class DocAgentParamTest : public DocResourceTest {};
INSTANTIATE_TEST_SUITE_P(Doc, DocAgentParamTest,
                         ::testing::Combine(::testing::Values(Kind::kState, Kind::kAgentProfile),
                                            ::testing::Values(std::string("1.0.3"), std::string("2.0.0"))),
                         DocParamName);
class DocActivityParamTest : public DocResourceTest {};
INSTANTIATE_TEST_SUITE_P(Doc, DocActivityParamTest,
                         ::testing::Combine(::testing::Values(Kind::kState, Kind::kActivityProfile),
                                            ::testing::Values(std::string("1.0.3"), std::string("2.0.0"))),
                         DocParamName);

// ---- Endpoint, PUT, GET, POST, DELETE ----

TEST_P(DocResourceTest, PutThenGetReturnsTheDocumentByteExact) {
  Requirement(Ids({spec().endpoint, spec().put, spec().get}));
  DocRef d;
  // Unusual but valid JSON formatting: what comes back is what was sent.
  const std::string body = "{ \"b\" : [1, 2.50, \"\\u00e9\"],\n  \"a\": {\"x\" :null} }";
  auto put = docs_->Send("PUT", d, body, "application/json", {{"If-None-Match", "*"}});
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_TRUE(put.body.empty());
  EXPECT_TRUE(docs_->Holds(d, body, "application/json"));
}

TEST_P(DocResourceTest, NonJsonDocumentKeepsItsBytesAndContentType) {
  Requirement(Ids({spec().put, spec().get}));
  DocRef d;
  const std::string binary("\x00\x01\xff\xfe\r\n\x7f binary \x00 tail", 21);
  ASSERT_TRUE(docs_->Create(d, binary, "application/octet-stream"));
  EXPECT_TRUE(docs_->Holds(d, binary, "application/octet-stream"));

  DocRef t;
  const std::string text = "plain text, caf\xc3\xa9\n";
  ASSERT_TRUE(docs_->Create(t, text, "text/plain; charset=utf-8"));
  EXPECT_TRUE(docs_->Holds(t, text, "text/plain; charset=utf-8"));

  DocRef empty;
  ASSERT_TRUE(docs_->Create(empty, "", "text/plain"));
  EXPECT_TRUE(docs_->Holds(empty, "", "text/plain"));
}

TEST_P(DocResourceTest, PostOntoNothingStoresANewDocument) {
  Requirement(Ids({spec().post, spec().post_create}));
  DocRef d;
  const std::string body = R"({"car":"Honda",  "seats":5})";
  auto r = docs_->Send("POST", d, body, "application/json");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(docs_->Holds(d, body, "application/json"));

  // Not only JSON: a POST onto nothing is a PUT.
  DocRef t;
  r = docs_->Send("POST", t, "abcdefg", "text/plain");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(docs_->Holds(t, "abcdefg", "text/plain"));
}

TEST_P(DocResourceTest, DeleteRemovesTheDocument) {
  Requirement(spec().del);
  DocRef d;
  DocRef sibling = d;
  sibling.id = "sibling-" + NewUuidString();
  ASSERT_TRUE(docs_->Create(d, R"({"a":1})"));
  ASSERT_TRUE(docs_->Create(sibling, R"({"b":2})"));
  auto r = docs_->Send("DELETE", d);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(docs_->Absent(d));
  auto ids = IdArray(docs_->List(d));
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::multiset<std::string>{sibling.id});
  EXPECT_TRUE(docs_->Holds(sibling, R"({"b":2})", "application/json"));
}

TEST_P(DocResourceTest, DocumentsAreScopedToTheirContext) {
  Requirement(Ids({spec().put, spec().get}));
  DocRef d;
  DocRef other_activity = d;
  other_activity.activity = NewActivity();
  DocRef other_agent = d;
  other_agent.agent = MboxAgent();
  ASSERT_TRUE(docs_->Create(d, R"({"who":"d"})"));
  if (spec().activity) {
    EXPECT_TRUE(docs_->Absent(other_activity));
    ASSERT_TRUE(docs_->Create(other_activity, R"({"who":"activity"})"));
    EXPECT_TRUE(docs_->Holds(other_activity, R"({"who":"activity"})", "application/json"));
  }
  if (spec().agent) {
    EXPECT_TRUE(docs_->Absent(other_agent));
    ASSERT_TRUE(docs_->Create(other_agent, R"({"who":"agent"})"));
    EXPECT_TRUE(docs_->Holds(other_agent, R"({"who":"agent"})", "application/json"));
  }
  EXPECT_TRUE(docs_->Holds(d, R"({"who":"d"})", "application/json"));
}

TEST_P(DocAgentParamTest, AgentIsIdentifiedByItsInverseFunctionalIdentifier) {
  Requirement(Ids({spec().put, spec().get}));
  const std::string mbox = "mailto:ifi-" + NewUuidString() + "@example.com";
  DocRef d;
  d.agent = R"({"mbox":")" + mbox + R"("})";
  ASSERT_TRUE(docs_->Create(d, R"({"k":"v"})"));
  DocRef same = d;
  same.agent = R"({"name":"Some Name","mbox":")" + mbox + R"(","objectType":"Agent"})";
  EXPECT_TRUE(docs_->Holds(same, R"({"k":"v"})", "application/json"));

  const std::string account_name = "acct-" + NewUuidString();
  DocRef a;
  a.agent = R"({"objectType":"Agent","account":{"homePage":"http://example.com/home","name":")" + account_name +
            R"("}})";
  ASSERT_TRUE(docs_->Create(a, R"({"acct":true})"));
  DocRef a_same = a;
  a_same.agent = R"({"account":{"name":")" + account_name + R"(","homePage":"http://example.com/home"},"name":"N"})";
  EXPECT_TRUE(docs_->Holds(a_same, R"({"acct":true})", "application/json"));
  DocRef a_other = a;
  a_other.agent = R"({"account":{"name":")" + account_name + R"(","homePage":"http://example.com/other"}})";
  EXPECT_TRUE(docs_->Absent(a_other));
}

TEST_P(DocResourceTest, DocumentIdsAreArbitraryStrings) {
  Requirement(Ids({spec().put, spec().get, spec().list}));
  DocRef base;
  std::multiset<std::string> expected;
  for (std::string id : {"with space & ampersand=equals", "slash/and?question#hash", "unicode-\xc3\xa9\xe2\x82\xac",
                         "plus+percent%25"}) {
    DocRef d = base;
    d.id = id;
    ASSERT_TRUE(docs_->Create(d, "\"" + std::to_string(expected.size()) + "\""));
    EXPECT_TRUE(docs_->Holds(d, "\"" + std::to_string(expected.size()) + "\"", "application/json")) << id;
    expected.insert(id);
  }
  auto ids = IdArray(docs_->List(base));
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, expected);
}

// ---- Multiple-document GET and since ----

TEST_P(DocResourceTest, GetWithoutIdListsTheIdsOfTheContext) {
  Requirement(spec().list);
  DocRef base;
  auto empty = docs_->List(base);
  EXPECT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.Header("Content-Type").rfind("application/json", 0), 0u) << empty.Header("Content-Type");
  auto none = IdArray(empty);
  ASSERT_TRUE(none.has_value()) << empty.body;
  EXPECT_TRUE(none->empty()) << empty.body;

  std::multiset<std::string> expected;
  for (int i = 0; i < 3; ++i) {
    DocRef d = base;
    d.id = "id-" + std::to_string(i) + "-" + NewUuidString();
    ASSERT_TRUE(docs_->Create(d, R"({"i":)" + std::to_string(i) + "}"));
    expected.insert(d.id);
  }
  // Documents of another context are not listed.
  DocRef elsewhere;
  ASSERT_TRUE(docs_->Create(elsewhere, "{}"));

  auto r = docs_->List(base);
  EXPECT_EQ(r.status, 200) << r.body;
  auto ids = IdArray(r);
  ASSERT_TRUE(ids.has_value()) << r.body;
  EXPECT_EQ(*ids, expected);
}

TEST_P(DocResourceTest, SinceListsOnlyDocumentsStoredAfterIt) {
  Requirement(spec().since);
  DocRef a;
  DocRef b = a;
  b.id = "b-" + NewUuidString();
  const std::string before_all = NowTimestamp();
  SleepMs(30);
  ASSERT_TRUE(docs_->Create(a, R"({"n":"a"})"));
  SleepMs(30);
  const std::string between = NowTimestamp();
  SleepMs(30);
  ASSERT_TRUE(docs_->Create(b, R"({"n":"b"})"));

  auto all = docs_->List(a, before_all);
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(IdArray(all), (std::multiset<std::string>{a.id, b.id})) << all.body;
  auto later = docs_->List(a, between);
  EXPECT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(IdArray(later), (std::multiset<std::string>{b.id})) << later.body;

  // An update counts as being stored again.
  SleepMs(30);
  const std::string before_update = NowTimestamp();
  SleepMs(30);
  auto post = docs_->Send("POST", a, R"({"n":"a2"})", "application/json");
  ASSERT_EQ(post.status, 204) << post.body;
  auto updated = docs_->List(a, before_update);
  EXPECT_EQ(IdArray(updated), (std::multiset<std::string>{a.id})) << updated.body;

  // Any timestamp form: a UTC offset names the same instant.
  auto offset = docs_->List(a, "2000-01-01T05:00:00+05:00");
  EXPECT_EQ(offset.status, 200) << offset.body;
  EXPECT_EQ(IdArray(offset), (std::multiset<std::string>{a.id, b.id})) << offset.body;

  // A since in the future lists nothing.
  auto future = docs_->List(a, "2999-01-01T00:00:00.000Z");
  EXPECT_EQ(future.status, 200) << future.body;
  EXPECT_EQ(IdArray(future), std::multiset<std::string>{}) << future.body;
}

TEST_P(DocResourceTest, SinceThatIsNotATimestampIsRejected) {
  Requirement(spec().since_bad);
  DocRef d;
  for (const char* bad : {"not a timestamp", "true", "2024-13-45T99:99:99Z", ""}) {
    Query q = ParamsFor(spec(), d, false);
    q.Set("since", bad);
    auto r = docs_->Send("GET", q);
    EXPECT_EQ(r.status, 400) << "since=" << bad << " " << r.body;
  }
}

// ---- POST merge (Communication 2.2 JSON procedure) ----

TEST_P(DocResourceTest, PostMergesTopLevelPropertiesOfJsonDocuments) {
  Requirement(Ids({spec().merge, spec().post}));
  DocRef d;
  ASSERT_TRUE(docs_->Create(
      d, R"({"x":"foo","y":"bar","car":{"make":"Ford","model":"Escape"},"series":{"nascar":{"series":"sprint"}}})"));
  auto r = docs_->Send("POST", d, R"({"x":"bash","z":"faz","car":{"make":"Dodge"},"series":{"nascar":{}}})",
                       "application/json");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  // Only top-level properties merge: "car" and "series" are replaced whole.
  EXPECT_TRUE(docs_->HoldsJson(
      d, R"({"x":"bash","y":"bar","z":"faz","car":{"make":"Dodge"},"series":{"nascar":{}}})"));

  // The suite's own examples (XAPI-00184: duplicate overwritten; XAPI-00234: disjoint keys).
  DocRef e;
  ASSERT_EQ(docs_->Send("POST", e, R"({"car":"MKX"})", "application/json").status, 204);
  ASSERT_EQ(docs_->Send("POST", e, R"({"car":"MKZ"})", "application/json").status, 204);
  EXPECT_TRUE(docs_->HoldsJson(e, R"({"car":"MKZ"})"));
  ASSERT_EQ(docs_->Send("POST", e, R"({"type":"Civic"})", "application/json").status, 204);
  EXPECT_TRUE(docs_->HoldsJson(e, R"({"car":"MKZ","type":"Civic"})"));
}

TEST_P(DocResourceTest, PostMergeAcceptsJsonMediaTypeWithParameters) {
  Requirement(spec().merge);
  DocRef d;
  ASSERT_TRUE(docs_->Create(d, R"({"a":1})", "application/json; charset=utf-8"));
  auto r = docs_->Send("POST", d, R"({"b":2})", "application/json;charset=UTF-8");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(docs_->HoldsJson(d, R"({"a":1,"b":2})"));
}

TEST_P(DocResourceTest, PostRejectsWhenThePostedDocumentIsNotJson) {
  Requirement(Ids({spec().merge_type, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"keep":"me"})";
  ASSERT_TRUE(docs_->Create(d, original));
  for (const char* ct : {"not/json", "text/plain", "application/octet-stream"}) {
    auto r = docs_->Send("POST", d, "abcdefg", ct);
    EXPECT_EQ(r.status, 400) << ct << " " << r.body;
  }
  // A JSON object body labelled as something else is still not application/json.
  auto r = docs_->Send("POST", d, R"({"keep":"changed"})", "text/plain");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
}

TEST_P(DocResourceTest, PostRejectsWhenTheStoredDocumentIsNotJson) {
  Requirement(Ids({spec().merge_type, "XAPI-00182"}));
  DocRef d;
  const std::string original = "/ asdf / undefined";
  ASSERT_TRUE(docs_->Create(d, original, "application/octet-stream"));
  auto r = docs_->Send("POST", d, R"({"a":"b"})", "application/json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/octet-stream"));
}

TEST_P(DocResourceTest, PostRejectsJsonThatIsNotAnObject) {
  Requirement(Ids({spec().merge_type, spec().merge_bad_json, "XAPI-00182"}));
  // Stored application/json that is not an object: nothing to merge into.
  DocRef arr;
  ASSERT_TRUE(docs_->Create(arr, "[1,2,3]"));
  auto r = docs_->Send("POST", arr, R"({"a":1})", "application/json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(docs_->Holds(arr, "[1,2,3]", "application/json"));

  // Stored as application/json but not JSON at all (PUT stores any bytes): nothing to merge into.
  DocRef broken;
  auto put = docs_->Send("PUT", broken, "not json", "application/json", {{"If-None-Match", "*"}});
  ASSERT_TRUE(put.status == 204 || put.status == 400) << put.status << " " << put.body;
  if (put.status == 204) {
    r = docs_->Send("POST", broken, R"({"a":1})", "application/json");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(docs_->Holds(broken, "not json", "application/json"));
  }

  // Posted application/json that is not an object.
  DocRef obj;
  ASSERT_TRUE(docs_->Create(obj, R"({"a":1})"));
  for (const char* body : {"[1]", "\"text\"", "42", "null"}) {
    r = docs_->Send("POST", obj, body, "application/json");
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
  }
  EXPECT_TRUE(docs_->Holds(obj, R"({"a":1})", "application/json"));
}

TEST_P(DocResourceTest, PostOfInvalidJsonIsRejected) {
  Requirement(Ids({spec().merge_bad_json, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"activityId":"x","keep":1})";
  ASSERT_TRUE(docs_->Create(d, original));
  for (const char* body : {R"({"a":1}{)", R"({"a":1}[)", R"({"a":)", "{'single':'quotes'}", ""}) {
    auto r = docs_->Send("POST", d, body, "application/json");
    EXPECT_EQ(r.status, 400) << "'" << body << "' " << r.body;
  }
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
  // Onto nothing as well: nothing gets created.
  DocRef fresh;
  auto r = docs_->Send("POST", fresh, R"({"a":1}{)", "application/json");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(docs_->Absent(fresh));
}

TEST_P(DocAgentParamTest, PostWithMalformedAgentJsonIsRejected) {
  Requirement(spec().agent_bad_json);
  DocRef d;
  // The suite's case: the agent parameter's JSON is broken in transit ("objectType""Agent").
  std::string encoded = UrlEncode(R"({"objectType":"Agent","account":{"homePage":"http://www.example.com/agentId/1","name":"Rick James"}})");
  auto colon = encoded.find("%3A");
  ASSERT_NE(colon, std::string::npos);
  encoded.replace(colon, 3, "%22");
  Query q = ParamsFor(spec(), d);
  q.Drop("agent");
  auto r = client_->Request("POST", std::string(spec().path) + "?" + q.Encode() + "&agent=" + encoded, R"({"a":1})",
                            {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
}

// ---- Parameters ----

TEST_P(DocResourceTest, MissingRequiredParametersAreRejected) {
  std::string ids;
  for (int m = 0; m < 4; ++m) {
    ids = Ids({ids, spec().missing_activity[m], spec().missing_agent[m], spec().missing_id[m]});
  }
  Requirement(ids);
  for (int m = 0; m < 4; ++m) {
    const std::string method = kMethodNames[m];
    const bool writes = m == kPut || m == kPost;
    const Headers pre = m == kPut ? Headers{{"If-None-Match", "*"}} : Headers{};
    auto send = [&](const Query& q) {
      return docs_->Send(method, q, writes ? R"({"a":1})" : "", writes ? "application/json" : "", pre);
    };
    DocRef d;
    if (spec().activity) {
      auto r = send(ParamsFor(spec(), d).Drop("activityId"));
      EXPECT_EQ(r.status, 400) << method << " without activityId: " << r.body;
    }
    if (spec().agent) {
      auto r = send(ParamsFor(spec(), d).Drop("agent"));
      EXPECT_EQ(r.status, 400) << method << " without agent: " << r.body;
    }
    // Without the document id: PUT and POST need it; DELETE needs it on the profile resources
    // (the State resource deletes every document of the context instead, see DocStateTest).
    if (writes || (m == kDelete && !state())) {
      auto r = send(ParamsFor(spec(), d, false));
      EXPECT_EQ(r.status, 400) << method << " without " << spec().id_param << ": " << r.body;
    }
    EXPECT_TRUE(docs_->Absent(d));
  }
}

TEST_P(DocAgentParamTest, AgentParameterThatIsNotAnAgentIsRejected) {
  Requirement(Ids({spec().bad_agent[kPut], spec().bad_agent[kPost], spec().bad_agent[kGet], spec().bad_agent[kDelete],
                   "XAPI-00012"}));
  const std::vector<std::string> bad = {
      "not JSON",
      "true",
      R"(["mailto:a@example.com"])",
      R"({"objectType":"Agent"})",                                                     // no identifier
      R"({"objectType":"Agent","mbox":"a@example.com"})",                              // mbox without mailto:
      R"({"mbox":"mailto:a@example.com","openid":"http://example.com/openid/a"})",     // two identifiers
      R"({"objectType":"Agent","account":{"name":"no home page"}})",                   // incomplete account
      R"({"objectType":"Agent","mbox_sha1sum":"not-a-sha1"})",                          // not a SHA-1
      R"({"objectType":"agent","mbox":"mailto:a@example.com"})",                       // objectType case
  };
  for (int m = 0; m < 4; ++m) {
    const std::string method = kMethodNames[m];
    const bool writes = m == kPut || m == kPost;
    for (const auto& agent : bad) {
      DocRef d;
      d.agent = agent;
      auto r = docs_->Send(method, d, writes ? R"({"a":1})" : "", writes ? "application/json" : "",
                           m == kPut ? Headers{{"If-None-Match", "*"}} : Headers{});
      EXPECT_EQ(r.status, 400) << method << " agent=" << agent << " " << r.body;
    }
  }
}

TEST_P(DocActivityParamTest, ActivityIdThatIsNotAnIriIsRejected) {
  Requirement("XAPI-00012");
  for (int m = 0; m < 4; ++m) {
    const std::string method = kMethodNames[m];
    const bool writes = m == kPut || m == kPost;
    for (const char* activity : {"not an iri", "", "example.com/no-scheme"}) {
      DocRef d;
      d.activity = activity;
      auto r = docs_->Send(method, d, writes ? R"({"a":1})" : "", writes ? "application/json" : "",
                           m == kPut ? Headers{{"If-None-Match", "*"}} : Headers{});
      EXPECT_EQ(r.status, 400) << method << " activityId='" << activity << "' " << r.body;
    }
  }
}

TEST_P(DocResourceTest, UnknownOrMiscasedParametersAreRejected) {
  Requirement("XAPI-00324 XAPI-00325");
  for (int m = 0; m < 4; ++m) {
    const std::string method = kMethodNames[m];
    const bool writes = m == kPut || m == kPost;
    const Headers pre = m == kPut ? Headers{{"If-None-Match", "*"}} : Headers{};
    DocRef d;
    auto send = [&](const Query& q) {
      return docs_->Send(method, q, writes ? R"({"a":1})" : "", writes ? "application/json" : "", pre);
    };
    auto r = send(ParamsFor(spec(), d).Set("foo", "bar"));
    EXPECT_EQ(r.status, 400) << method << " with foo=bar: " << r.body;
    // A known parameter with differing case is not that parameter.
    const std::string id_param = spec().id_param;
    std::string miscased = id_param;
    miscased[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(miscased[0])));
    Query q = ParamsFor(spec(), d).Drop(id_param);
    q.Set(miscased, d.id);
    r = send(q);
    EXPECT_EQ(r.status, 400) << method << " with " << miscased << ": " << r.body;
    if (spec().activity) {
      Query qa = ParamsFor(spec(), d).Drop("activityId");
      qa.Set("ActivityId", d.activity);
      r = send(qa);
      EXPECT_EQ(r.status, 400) << method << " with ActivityId: " << r.body;
    }
    EXPECT_TRUE(docs_->Absent(d));
  }
}

TEST_P(DocResourceTest, ParametersOfOtherResourcesAreRejected) {
  Requirement(spec().kind == Kind::kActivityProfile ? "XAPI-00324 XAPI-00304" : "XAPI-00324");
  // Each resource takes only its own parameters (agent is not one of the Activity Profile's,
  // activityId not one of the Agent Profile's, profileId not one of the State's ...).
  std::vector<std::pair<std::string, std::string>> foreign;
  if (!spec().agent) foreign.emplace_back("agent", MboxAgent());
  if (!spec().activity) foreign.emplace_back("activityId", NewActivity());
  if (state()) foreign.emplace_back("profileId", "p");
  if (!state()) {
    foreign.emplace_back("stateId", "s");
    foreign.emplace_back("registration", NewUuidString());
  }
  for (const auto& [name, value] : foreign) {
    for (int m = 0; m < 4; ++m) {
      const std::string method = kMethodNames[m];
      const bool writes = m == kPut || m == kPost;
      DocRef d;
      auto r = docs_->Send(method, ParamsFor(spec(), d).Set(name, value), writes ? R"({"a":1})" : "",
                           writes ? "application/json" : "", m == kPut ? Headers{{"If-None-Match", "*"}} : Headers{});
      EXPECT_EQ(r.status, 400) << method << " with " << name << ": " << r.body;
      EXPECT_TRUE(docs_->Absent(d));
    }
  }
}

// ---- HEAD ----

TEST_P(DocResourceTest, HeadAnswersLikeGetWithoutABody) {
  Requirement("XAPI-00125 XAPI-00126");
  DocRef d;
  const std::string body = R"({"head":"test","n":[1,2,3]})";
  ASSERT_TRUE(docs_->Create(d, body));
  auto get = docs_->Get(d);
  auto head = docs_->Send("HEAD", d);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("ETag"), get.Header("ETag"));
  EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
  EXPECT_EQ(head.Header("Last-Modified"), get.Header("Last-Modified"));
  if (!head.Header("Content-Length").empty()) {
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(body.size()));
  }

  auto list_head = docs_->Send("HEAD", ParamsFor(spec(), d, false));
  EXPECT_EQ(list_head.status, 200);
  EXPECT_TRUE(list_head.body.empty());

  DocRef missing;
  EXPECT_EQ(docs_->Send("HEAD", missing).status, 404);
  // Parameter errors are the same as for GET.
  EXPECT_EQ(docs_->Send("HEAD", ParamsFor(spec(), d).Set("foo", "bar")).status, 400);
}

// ---- Concurrency (Communication 3.1; 2.0 4.1.4) ----

TEST_P(DocResourceTest, GetCarriesAQuotedSha1Etag) {
  Requirement(Ids({"XAPI-00322", spec().get}));
  DocRef d;
  const std::string body = R"({"etag":")" + NewUuidString() + R"("})";
  ASSERT_TRUE(docs_->Create(d, body));
  auto r = docs_->Get(d);
  ASSERT_EQ(r.status, 200);
  const std::string etag = r.Header("ETag");
  ASSERT_EQ(etag.size(), 42u) << etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  // SHA-1 of the contents, lowercase hexadecimal.
  EXPECT_EQ(etag, Quoted(Sha1Hex(body)));
  // A merge changes the ETag to that of the merged document.
  ASSERT_EQ(docs_->Send("POST", d, R"({"more":1})", "application/json").status, 204);
  auto after = docs_->Get(d);
  EXPECT_NE(after.Header("ETag"), etag);
  EXPECT_EQ(after.Header("ETag"), Quoted(Sha1Hex(after.body)));
}

TEST_P(DocResourceTest, PutWithIfMatchReplacesOnlyTheCurrentVersion) {
  Requirement(Ids({"XAPI-00322", spec().put, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"name":"original"})";
  ASSERT_TRUE(docs_->Create(d, original));
  const std::string etag = docs_->Etag(d);

  auto bad = docs_->Send("PUT", d, R"({"name":"bad"})", "application/json",
                         {{"If-Match", "\"1111111111111111111111111111111111111111\""}});
  EXPECT_EQ(bad.status, 412) << bad.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));

  const std::string updated = R"({"name":"updated"})";
  auto good = docs_->Send("PUT", d, updated, "application/json", {{"If-Match", etag}});
  EXPECT_EQ(good.status, 204) << good.body;
  EXPECT_TRUE(docs_->Holds(d, updated, "application/json"));

  // The old ETag is stale now.
  auto stale = docs_->Send("PUT", d, R"({"name":"stale"})", "application/json", {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_TRUE(docs_->Holds(d, updated, "application/json"));

  // RFC 2616 14.24: a list of entity tags matches when one does; "*" matches any current entity.
  const std::string etag2 = docs_->Etag(d);
  auto listed = docs_->Send("PUT", d, R"({"name":"listed"})", "application/json",
                            {{"If-Match", "\"0000000000000000000000000000000000000000\", " + etag2}});
  EXPECT_EQ(listed.status, 204) << listed.body;
  auto star = docs_->Send("PUT", d, R"({"name":"star"})", "application/json", {{"If-Match", "*"}});
  EXPECT_EQ(star.status, 204) << star.body;
  EXPECT_TRUE(docs_->Holds(d, R"({"name":"star"})", "application/json"));

  // If-Match (even "*") when there is no document: 412, nothing created.
  DocRef missing;
  auto none = docs_->Send("PUT", missing, "{}", "application/json", {{"If-Match", "*"}});
  EXPECT_EQ(none.status, 412) << none.body;
  EXPECT_TRUE(docs_->Absent(missing));
}

TEST_P(DocResourceTest, IfMatchUsesStrongComparison) {
  Requirement("XAPI-00322");
  DocRef d;
  const std::string original = R"({"weak":"etag"})";
  ASSERT_TRUE(docs_->Create(d, original));
  const std::string etag = docs_->Etag(d);
  // RFC 2616 14.24 / RFC 7232 3.1: If-Match compares strongly, so a weak tag never matches.
  auto r = docs_->Send("PUT", d, R"({"weak":"replaced"})", "application/json", {{"If-Match", "W/" + etag}});
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
}

TEST_P(DocResourceTest, PutWithIfNoneMatchStarOnlyCreates) {
  Requirement(Ids({"XAPI-00322", spec().put, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"first":true})";
  auto create = docs_->Send("PUT", d, original, "application/json", {{"If-None-Match", "*"}});
  EXPECT_EQ(create.status, 204) << create.body;
  auto again = docs_->Send("PUT", d, R"({"second":true})", "application/json", {{"If-None-Match", "*"}});
  EXPECT_EQ(again.status, 412) << again.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
  // RFC 2616 14.26: an If-None-Match listing the current entity tag fails a PUT as well; one
  // listing only other tags does not.
  const std::string etag = docs_->Etag(d);
  auto current = docs_->Send("PUT", d, R"({"third":true})", "application/json", {{"If-None-Match", etag}});
  EXPECT_EQ(current.status, 412) << current.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
  auto other = docs_->Send("PUT", d, R"({"fourth":true})", "application/json",
                           {{"If-None-Match", "\"2222222222222222222222222222222222222222\""}});
  EXPECT_EQ(other.status, 204) << other.body;
  EXPECT_TRUE(docs_->Holds(d, R"({"fourth":true})", "application/json"));
}

TEST_P(DocResourceTest, PutWithoutPreconditionOntoAnExistingDocument) {
  Requirement(Ids({"XAPI-00322", spec().put, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"v":1})";
  ASSERT_TRUE(docs_->Create(d, original));
  auto r = docs_->Send("PUT", d, R"({"v":2})", "application/json");
  if (state() && !v2()) {
    // 1.0.3: "The State Resource will permit PUT, POST and DELETE requests without concurrency
    // headers" (Communication 3.1).
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(docs_->Holds(d, R"({"v":2})", "application/json"));
  } else {
    // Profiles in both versions, State too under 2.0 (4.1.4): 409 with an explanation.
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_FALSE(r.body.empty());
    EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
  }
}

TEST_P(DocResourceTest, PutWithoutPreconditionOntoNothing) {
  Requirement(Ids({"XAPI-00322", spec().put}));
  DocRef d;
  auto r = docs_->Send("PUT", d, R"({"v":1})", "application/json");
  if (!state() && !v2()) {
    // 1.0.3: a client MUST send If-Match or If-None-Match to the profile resources; the 1.0.3
    // suite (XAPI-00273) expects an error for a PUT without them.
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_FALSE(r.body.empty());
    EXPECT_TRUE(docs_->Absent(d));
  } else {
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(docs_->Holds(d, R"({"v":1})", "application/json"));
  }
}

TEST_P(DocResourceTest, PostHonoursIfMatchAndIfNoneMatch) {
  Requirement(Ids({"XAPI-00322", spec().post, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"name":"original"})";
  ASSERT_TRUE(docs_->Create(d, original));
  const std::string etag = docs_->Etag(d);

  auto bad = docs_->Send("POST", d, R"({"name":"bad"})", "application/json",
                         {{"If-Match", "\"1111111111111111111111111111111111111111\""}});
  EXPECT_EQ(bad.status, 412) << bad.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));

  auto exists = docs_->Send("POST", d, R"({"name":"exists"})", "application/json", {{"If-None-Match", "*"}});
  EXPECT_EQ(exists.status, 412) << exists.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));

  auto good = docs_->Send("POST", d, R"({"name":"updated","extra":1})", "application/json", {{"If-Match", etag}});
  EXPECT_EQ(good.status, 204) << good.body;
  EXPECT_TRUE(docs_->HoldsJson(d, R"({"name":"updated","extra":1})"));
}

TEST_P(DocResourceTest, DeleteHonoursIfMatch) {
  Requirement(Ids({"XAPI-00322", spec().del, "XAPI-00182"}));
  DocRef d;
  const std::string original = R"({"delete":"me"})";
  ASSERT_TRUE(docs_->Create(d, original));
  const std::string etag = docs_->Etag(d);
  auto bad = docs_->Send("DELETE", d, "", "", {{"If-Match", "\"1111111111111111111111111111111111111111\""}});
  EXPECT_EQ(bad.status, 412) << bad.body;
  EXPECT_TRUE(docs_->Holds(d, original, "application/json"));
  auto good = docs_->Send("DELETE", d, "", "", {{"If-Match", etag}});
  EXPECT_EQ(good.status, 204) << good.body;
  EXPECT_TRUE(docs_->Absent(d));
}

TEST_P(DocResourceTest, LastModifiedOnSingleAndMultipleGets) {
  Requirement(Ids({spec().get, spec().list}));
  DocRef a;
  DocRef b = a;
  b.id = "b-" + NewUuidString();
  const auto t0 = std::time(nullptr);
  ASSERT_TRUE(docs_->Create(a, R"({"a":1})"));
  ASSERT_TRUE(docs_->Create(b, R"({"b":1})"));
  const auto t1 = std::time(nullptr);
  auto ra = docs_->Get(a);
  auto lm = ParseHttpDate(ra.Header("Last-Modified"));
  ASSERT_TRUE(lm.has_value()) << "Last-Modified: '" << ra.Header("Last-Modified") << "'";
  EXPECT_GE(*lm, t0 - 1);
  EXPECT_LE(*lm, t1 + 1);
  // Multiple documents: when the most recent of them was modified (Communication 2.2).
  auto list = docs_->List(a);
  auto list_lm = ParseHttpDate(list.Header("Last-Modified"));
  ASSERT_TRUE(list_lm.has_value()) << "Last-Modified: '" << list.Header("Last-Modified") << "'";
  auto lm_b = ParseHttpDate(docs_->Get(b).Header("Last-Modified"));
  ASSERT_TRUE(lm_b.has_value());
  EXPECT_EQ(*list_lm, std::max(*lm, *lm_b));
}

// ============================================================================================
// DocStateTest: what only the State resource has (registration, DELETE of every document).
// ============================================================================================

class DocStateTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), GetParam());
    docs_ = std::make_unique<DocDriver>(*client_, kStateSpec);
  }
  static inline Server* server_ = nullptr;
  std::unique_ptr<Client> client_;
  std::unique_ptr<DocDriver> docs_;
};

INSTANTIATE_TEST_SUITE_P(Doc, DocStateTest, ::testing::Values(std::string("1.0.3"), std::string("2.0.0")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return VersionTag(info.param); });

TEST_P(DocStateTest, RegistrationIsPartOfTheDocumentContext) {
  Requirement("XAPI-00218 XAPI-00227 XAPI-00220 XAPI-00219");
  DocRef d;
  d.registration = NewUuidString();
  auto put = docs_->Send("PUT", d, R"({"reg":"put"})", "application/json");
  EXPECT_EQ(put.status, 204) << put.body;
  auto post = docs_->Send("POST", d, R"({"more":1})", "application/json");
  EXPECT_EQ(post.status, 204) << post.body;
  EXPECT_TRUE(docs_->HoldsJson(d, R"({"reg":"put","more":1})"));

  DocRef no_registration = d;
  no_registration.registration.clear();
  EXPECT_TRUE(docs_->Absent(no_registration));
  DocRef other_registration = d;
  other_registration.registration = NewUuidString();
  EXPECT_TRUE(docs_->Absent(other_registration));

  auto del = docs_->Send("DELETE", d);
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(docs_->Absent(d));
}

TEST_P(DocStateTest, RegistrationThatIsNotAUuidIsRejected) {
  Requirement("XAPI-00203 XAPI-00202 XAPI-00201 XAPI-00200");
  for (int m = 0; m < 4; ++m) {
    const std::string method = kMethodNames[m];
    const bool writes = m == kPut || m == kPost;
    for (const char* bad : {"true", "not-a-uuid", "", "12345678-1234-1234-1234-1234567890ab0",
                            "{12345678-1234-1234-1234-1234567890ab}"}) {
      DocRef d;
      Query q = ParamsFor(kStateSpec, d).Set("registration", bad);
      auto r = docs_->Send(method, q, writes ? R"({"a":1})" : "", writes ? "application/json" : "");
      EXPECT_EQ(r.status, 400) << method << " registration='" << bad << "' " << r.body;
      if (m == kGet) {
        // The multiple-document GET checks it too.
        r = docs_->Send("GET", ParamsFor(kStateSpec, d, false).Set("registration", bad));
        EXPECT_EQ(r.status, 400) << "list registration='" << bad << "' " << r.body;
      }
    }
  }
}

TEST_P(DocStateTest, ListingWithAndWithoutRegistration) {
  Requirement("XAPI-00193 XAPI-00220");
  DocRef plain;
  DocRef r1 = plain;
  r1.registration = NewUuidString();
  r1.id = "r1-" + NewUuidString();
  DocRef r2 = plain;
  r2.registration = NewUuidString();
  r2.id = "r2-" + NewUuidString();
  for (const DocRef* d : {&plain, &r1, &r2}) ASSERT_TRUE(docs_->Create(*d, R"({"x":1})"));

  auto all = docs_->List(plain);
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(IdArray(all), (std::multiset<std::string>{plain.id, r1.id, r2.id})) << all.body;
  auto only_r1 = docs_->List(r1);
  EXPECT_EQ(only_r1.status, 200) << only_r1.body;
  EXPECT_EQ(IdArray(only_r1), (std::multiset<std::string>{r1.id})) << only_r1.body;
}

TEST_P(DocStateTest, DeleteWithoutStateIdDeletesEveryDocumentOfTheContext) {
  Requirement("XAPI-00194 XAPI-00219");
  DocRef s1;
  DocRef s2 = s1;
  s2.id = "s2-" + NewUuidString();
  DocRef reg = s1;
  reg.registration = NewUuidString();
  reg.id = "reg-" + NewUuidString();
  DocRef reg2 = s1;
  reg2.registration = NewUuidString();
  reg2.id = "reg2-" + NewUuidString();
  DocRef other_activity = s1;
  other_activity.activity = NewActivity();
  DocRef other_agent = s1;
  other_agent.agent = MboxAgent();
  for (const DocRef* d : {&s1, &s2, &reg, &reg2, &other_activity, &other_agent}) {
    ASSERT_TRUE(docs_->Create(*d, R"({"x":1})"));
  }

  // With a registration: only that registration's documents.
  auto del_reg = docs_->Send("DELETE", ParamsFor(kStateSpec, reg, false));
  EXPECT_EQ(del_reg.status, 204) << del_reg.body;
  EXPECT_TRUE(docs_->Absent(reg));
  EXPECT_TRUE(docs_->Holds(reg2, R"({"x":1})", "application/json"));
  EXPECT_TRUE(docs_->Holds(s1, R"({"x":1})", "application/json"));

  // Without: every document of activity + agent, whatever its registration.
  auto del = docs_->Send("DELETE", ParamsFor(kStateSpec, s1, false));
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(del.body.empty());
  auto ids = IdArray(docs_->List(s1));
  ASSERT_TRUE(ids.has_value());
  EXPECT_TRUE(ids->empty());
  EXPECT_TRUE(docs_->Absent(s1));
  EXPECT_TRUE(docs_->Absent(s2));
  EXPECT_TRUE(docs_->Absent(reg2));
  // Other contexts keep theirs.
  EXPECT_TRUE(docs_->Holds(other_activity, R"({"x":1})", "application/json"));
  EXPECT_TRUE(docs_->Holds(other_agent, R"({"x":1})", "application/json"));

  // Deleting an empty context is fine too.
  EXPECT_EQ(docs_->Send("DELETE", ParamsFor(kStateSpec, s1, false)).status, 204);
}

TEST_P(DocStateTest, MultipleDocumentDeleteTakesNoSince) {
  Requirement("XAPI-00324 XAPI-00205 XAPI-00223");
  DocRef d;
  ASSERT_TRUE(docs_->Create(d, R"({"x":1})"));
  auto r = docs_->Send("DELETE", ParamsFor(kStateSpec, d, false).Set("since", "2000-01-01T00:00:00Z"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(docs_->Holds(d, R"({"x":1})", "application/json"));
}

// ============================================================================================
// DocLastModifiedTest: Last-Modified increases when a document changes (2.0 4.1.6.2/5/6
// "The LRS shall include a Last-Modified header"; 1.0.3 Communication 2.2 SHOULD*). Needs a
// clock second to pass, so all three resources share the wait.
// ============================================================================================

class DocLastModifiedTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline Server* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Doc, DocLastModifiedTest, ::testing::Values(std::string("1.0.3"), std::string("2.0.0")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return VersionTag(info.param); });

TEST_P(DocLastModifiedTest, LastModifiedAdvancesWhenTheDocumentChanges) {
  Requirement("XAPI-00192 XAPI-00288 XAPI-00259");
  Client client(server_->http_url(), server_->key(), server_->secret(), GetParam());
  struct Item {
    const Spec* spec;
    DocRef doc;
    std::time_t before = 0;
  };
  std::vector<Item> items = {{&kStateSpec, {}}, {&kActivityProfileSpec, {}}, {&kAgentProfileSpec, {}}};
  for (auto& it : items) {
    DocDriver docs(client, *it.spec);
    ASSERT_TRUE(docs.Create(it.doc, R"({"name":"first"})"));
    auto lm = ParseHttpDate(docs.Get(it.doc).Header("Last-Modified"));
    ASSERT_TRUE(lm.has_value()) << it.spec->name;
    it.before = *lm;
  }
  SleepMs(1100);  // HTTP dates have one-second resolution
  for (auto& it : items) {
    DocDriver docs(client, *it.spec);
    auto post = docs.Send("POST", it.doc, R"({"name":"updated"})", "application/json");
    ASSERT_EQ(post.status, 204) << it.spec->name << " " << post.body;
    auto lm = ParseHttpDate(docs.Get(it.doc).Header("Last-Modified"));
    ASSERT_TRUE(lm.has_value()) << it.spec->name;
    EXPECT_GT(*lm, it.before) << it.spec->name;
  }
}

// ============================================================================================
// DocProtocolTest: version header, authentication, alternate request syntax on the document
// resources.
// ============================================================================================

class DocProtocolTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    // Its 401 tests send dozens of wrong credentials from one address; failed-auth throttling
    // (tested in tests/integration/hostile_test.cpp) would answer them 429.
    ServerOptions options;
    options.extra_args = {"--auth-failures", "0"};
    server_ = Server::Start(options).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), GetParam());
  }
  bool v2() const { return GetParam() == "2.0.0"; }
  static inline Server* server_ = nullptr;
  std::unique_ptr<Client> client_;
};

INSTANTIATE_TEST_SUITE_P(Doc, DocProtocolTest, ::testing::Values(std::string("1.0.3"), std::string("2.0.0")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return VersionTag(info.param); });

TEST_P(DocProtocolTest, RequestsWithoutAVersionHeaderAreRejected) {
  Requirement("XAPI-00321 XAPI-00331 XAPI-00182");
  for (const Spec* spec : {&kStateSpec, &kActivityProfileSpec, &kAgentProfileSpec}) {
    DocDriver docs(*client_, *spec);
    DocRef d;
    for (int m = 0; m < 4; ++m) {
      const bool writes = m == kPut || m == kPost;
      auto r = docs.Send(kMethodNames[m], d, writes ? R"({"a":1})" : "", writes ? "application/json" : "",
                         {{"X-Experience-API-Version", ""}, {"If-None-Match", m == kPut ? "*" : ""}});
      EXPECT_EQ(r.status, 400) << spec->name << " " << kMethodNames[m] << " " << r.body;
      // The response still names the version the LRS speaks.
      EXPECT_FALSE(r.Header("X-Experience-API-Version").empty()) << spec->name;
    }
    EXPECT_TRUE(docs.Absent(d)) << spec->name;
    // Unsupported versions are rejected as well.
    for (const char* bad : {"0.8", "3.0.0", "1.1.0", "banana"}) {
      auto r = docs.Send("GET", d, "", "", {{"X-Experience-API-Version", bad}});
      EXPECT_EQ(r.status, 400) << spec->name << " version " << bad << " " << r.body;
    }
  }
}

TEST_P(DocProtocolTest, ResponsesNameTheVersion) {
  Requirement("XAPI-00333");
  for (const Spec* spec : {&kStateSpec, &kActivityProfileSpec, &kAgentProfileSpec}) {
    DocDriver docs(*client_, *spec);
    DocRef d;
    ASSERT_TRUE(docs.Create(d, "{}"));
    for (const auto& r : {docs.Get(d), docs.List(d), docs.Send("DELETE", d), docs.Get(d)}) {
      EXPECT_EQ(r.Header("X-Experience-API-Version"), GetParam()) << spec->name << " status " << r.status;
    }
  }
}

TEST_P(DocProtocolTest, RequestsWithoutValidCredentialsGet401AndChangeNothing) {
  Requirement("XAPI-00334 XAPI-00335 XAPI-00182");
  Client anonymous(server_->http_url(), "", "", GetParam());
  anonymous.set_auth_enabled(false);
  Client wrong(server_->http_url(), server_->key(), server_->secret() + "x", GetParam());
  Client unknown(server_->http_url(), "no-such-key", "secret", GetParam());
  for (const Spec* spec : {&kStateSpec, &kActivityProfileSpec, &kAgentProfileSpec}) {
    DocDriver mine(*client_, *spec);
    DocRef existing;
    ASSERT_TRUE(mine.Create(existing, R"({"safe":true})"));
    DocRef fresh;
    for (Client* c : {&anonymous, &wrong, &unknown}) {
      DocDriver docs(*c, *spec);
      for (const DocRef* d : {&existing, &fresh}) {
        for (int m = 0; m < 4; ++m) {
          const bool writes = m == kPut || m == kPost;
          auto r = docs.Send(kMethodNames[m], *d, writes ? R"({"safe":false})" : "", writes ? "application/json" : "",
                             {{"If-None-Match", m == kPut ? "*" : ""}});
          EXPECT_EQ(r.status, 401) << spec->name << " " << kMethodNames[m] << " " << r.body;
        }
      }
    }
    EXPECT_TRUE(mine.Holds(existing, R"({"safe":true})", "application/json")) << spec->name;
    EXPECT_TRUE(mine.Absent(fresh)) << spec->name;
  }
}

// Builds an alternate-syntax form body (Communication 1.3).
std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  Query q;
  q.items = fields;
  return q.Encode();
}

TEST_P(DocProtocolTest, AlternateRequestSyntaxOnTheDocumentResources) {
  Requirement("XAPI-00336");
  // Everything travels in the form: no Authorization or version header on the request itself.
  Client alt(server_->http_url(), "", "", "");
  alt.set_auth_enabled(false);
  const std::string authorization = "Basic " + lrsd::Base64Encode(server_->key() + ":" + server_->secret());
  const Headers form_type = {{"Content-Type", "application/x-www-form-urlencoded"}};

  for (const Spec* spec : {&kStateSpec, &kActivityProfileSpec, &kAgentProfileSpec}) {
    DocDriver docs(*client_, *spec);
    DocRef d;
    auto fields = [&](const std::string& method_content) {
      std::vector<std::pair<std::string, std::string>> f = ParamsFor(*spec, d).items;
      f.emplace_back("Authorization", authorization);
      f.emplace_back("X-Experience-API-Version", GetParam());
      if (!method_content.empty()) {
        f.emplace_back("Content-Type", "application/json");
        f.emplace_back("content", method_content);
      }
      return f;
    };
    const std::string path = spec->path;
    auto put_fields = fields(R"({"alt":"put"})");
    put_fields.emplace_back("If-None-Match", "*");
    auto put = alt.Request("POST", path + "?method=PUT", Form(put_fields), form_type);
    if (v2()) {
      // 2.0 has no alternate request syntax.
      EXPECT_EQ(put.status, 400) << spec->name << " " << put.body;
      EXPECT_TRUE(docs.Absent(d)) << spec->name;
      auto get = alt.Request("POST", path + "?method=GET", Form(fields("")), form_type);
      EXPECT_EQ(get.status, 400) << spec->name << " " << get.body;
      continue;
    }
    EXPECT_EQ(put.status, 204) << spec->name << " " << put.body;
    EXPECT_TRUE(docs.Holds(d, R"({"alt":"put"})", "application/json")) << spec->name;

    auto get = alt.Request("POST", path + "?method=GET", Form(fields("")), form_type);
    EXPECT_EQ(get.status, 200) << spec->name << " " << get.body;
    EXPECT_EQ(get.body, R"({"alt":"put"})") << spec->name;

    auto post = alt.Request("POST", path + "?method=POST", Form(fields(R"({"alt2":"post"})")), form_type);
    EXPECT_EQ(post.status, 204) << spec->name << " " << post.body;
    EXPECT_TRUE(docs.HoldsJson(d, R"({"alt":"put","alt2":"post"})")) << spec->name;

    // Form fields named like headers act as headers: a wrong If-Match fails the precondition.
    auto stale_fields = fields(R"({"alt":"stale"})");
    stale_fields.emplace_back("If-Match", "\"1111111111111111111111111111111111111111\"");
    auto stale = alt.Request("POST", path + "?method=PUT", Form(stale_fields), form_type);
    EXPECT_EQ(stale.status, 412) << spec->name << " " << stale.body;

    // Anything but method in the query string is extra information: 400.
    auto extra = alt.Request("POST", path + "?method=GET&foo=bar", Form(fields("")), form_type);
    EXPECT_EQ(extra.status, 400) << spec->name << " " << extra.body;

    auto del = alt.Request("POST", path + "?method=DELETE", Form(fields("")), form_type);
    EXPECT_EQ(del.status, 204) << spec->name << " " << del.body;
    EXPECT_TRUE(docs.Absent(d)) << spec->name;
  }
}

// ============================================================================================
// DocConcurrencyHttpsTest: two writers holding the same ETag race over HTTPS; exactly one wins.
// ============================================================================================

class DocConcurrencyHttpsTest : public ::testing::TestWithParam<DocParam> {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.https = true;
    options.http = false;
    server_ = Server::Start(options).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  const Spec& spec() const { return SpecOf(std::get<0>(GetParam())); }
  std::string version() const { return std::get<1>(GetParam()); }
  std::unique_ptr<Client> NewClient() {
    return std::make_unique<Client>(server_->https_url(), server_->key(), server_->secret(), version());
  }

  // Runs `fn(i)` for i in [0, n) on n threads released together; returns their results.
  template <class Fn>
  static std::vector<Response> Together(int n, Fn fn) {
    std::vector<Response> out(n);
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        out[i] = fn(i);
      });
    }
    for (auto& t : threads) t.join();
    return out;
  }

  static inline Server* server_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Doc, DocConcurrencyHttpsTest,
                         ::testing::Combine(::testing::Values(Kind::kState, Kind::kActivityProfile,
                                                              Kind::kAgentProfile),
                                            ::testing::Values(std::string("1.0.3"), std::string("2.0.0"))),
                         DocParamName);

TEST_P(DocConcurrencyHttpsTest, RacingPutsWithTheSameEtagHaveExactlyOneWinner) {
  Requirement(Ids({"XAPI-00322", spec().put, "XAPI-00182"}));
  auto main = NewClient();
  DocDriver docs(*main, spec());
  std::vector<std::unique_ptr<Client>> writers;
  for (int i = 0; i < 2; ++i) writers.push_back(NewClient());
  DocRef d;
  ASSERT_TRUE(docs.Create(d, R"({"round":-1})"));
  // Connect (TLS handshake) before racing, so the requests leave together.
  for (auto& w : writers) ASSERT_EQ(DocDriver(*w, spec()).Get(d).status, 200);

  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    const std::string etag = docs.Etag(d);
    ASSERT_EQ(etag.size(), 42u);
    auto bodies = std::vector<std::string>{R"({"round":)" + std::to_string(round) + R"(,"writer":0})",
                                           R"({"round":)" + std::to_string(round) + R"(,"writer":1})"};
    auto results = Together(2, [&](int i) {
      return DocDriver(*writers[i], spec()).Send("PUT", d, bodies[i], "application/json", {{"If-Match", etag}});
    });
    std::multiset<int> statuses = {results[0].status, results[1].status};
    ASSERT_EQ(statuses, (std::multiset<int>{204, 412}))
        << "round " << round << ": " << results[0].status << " " << results[0].body << " / " << results[1].status
        << " " << results[1].body;
    const int winner = results[0].status == 204 ? 0 : 1;
    ASSERT_TRUE(docs.Holds(d, bodies[winner], "application/json")) << "round " << round;
  }
}

TEST_P(DocConcurrencyHttpsTest, RacingPostsWithTheSameEtagHaveExactlyOneWinner) {
  Requirement(Ids({"XAPI-00322", spec().post, spec().merge, "XAPI-00182"}));
  auto main = NewClient();
  DocDriver docs(*main, spec());
  std::vector<std::unique_ptr<Client>> writers;
  for (int i = 0; i < 2; ++i) writers.push_back(NewClient());
  DocRef d;
  ASSERT_TRUE(docs.Create(d, R"({"base":true})"));
  for (auto& w : writers) ASSERT_EQ(DocDriver(*w, spec()).Get(d).status, 200);

  std::string expected = R"({"base":true)";
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const std::string etag = docs.Etag(d);
    auto results = Together(2, [&](int i) {
      return DocDriver(*writers[i], spec())
          .Send("POST", d, R"({"r)" + std::to_string(round) + R"(":)" + std::to_string(i) + "}", "application/json",
                {{"If-Match", etag}});
    });
    std::multiset<int> statuses = {results[0].status, results[1].status};
    ASSERT_EQ(statuses, (std::multiset<int>{204, 412}))
        << "round " << round << ": " << results[0].status << " " << results[0].body << " / " << results[1].status
        << " " << results[1].body;
    const int winner = results[0].status == 204 ? 0 : 1;
    expected += R"(,"r)" + std::to_string(round) + R"(":)" + std::to_string(winner);
    ASSERT_TRUE(docs.HoldsJson(d, expected + "}")) << "round " << round;
  }
}

TEST_P(DocConcurrencyHttpsTest, RacingCreatesWithIfNoneMatchHaveExactlyOneWinner) {
  Requirement(Ids({"XAPI-00322", spec().put}));
  auto main = NewClient();
  DocDriver docs(*main, spec());
  std::vector<std::unique_ptr<Client>> writers;
  for (int i = 0; i < 2; ++i) writers.push_back(NewClient());
  for (auto& w : writers) ASSERT_EQ(w->Get("/xapi/about").status, 200);
  for (int round = 0; round < 10; ++round) {
    DocRef d;
    auto results = Together(2, [&](int i) {
      return DocDriver(*writers[i], spec())
          .Send("PUT", d, R"({"creator":)" + std::to_string(i) + "}", "application/json", {{"If-None-Match", "*"}});
    });
    std::multiset<int> statuses = {results[0].status, results[1].status};
    ASSERT_EQ(statuses, (std::multiset<int>{204, 412})) << "round " << round;
    const int winner = results[0].status == 204 ? 0 : 1;
    ASSERT_TRUE(docs.Holds(d, R"({"creator":)" + std::to_string(winner) + "}", "application/json"));
  }
}

TEST_P(DocConcurrencyHttpsTest, ConcurrentMergesLoseNoProperty) {
  Requirement(Ids({spec().merge, spec().post}));
  auto main = NewClient();
  DocDriver docs(*main, spec());
  constexpr int kWriters = 6;
  constexpr int kEach = 5;
  std::vector<std::unique_ptr<Client>> writers;
  for (int i = 0; i < kWriters; ++i) writers.push_back(NewClient());
  for (auto& w : writers) ASSERT_EQ(w->Get("/xapi/about").status, 200);
  DocRef d;
  ASSERT_TRUE(docs.Create(d, "{}"));
  auto results = Together(kWriters, [&](int i) {
    Response last;
    for (int k = 0; k < kEach; ++k) {
      last = DocDriver(*writers[i], spec())
                 .Send("POST", d, R"({"w)" + std::to_string(i) + "_" + std::to_string(k) + R"(":true})",
                       "application/json");
      if (last.status != 204) break;
    }
    return last;
  });
  for (const auto& r : results) EXPECT_EQ(r.status, 204) << r.body;
  auto got = ParseJson(docs.Get(d).body);
  ASSERT_TRUE(got.IsObject());
  EXPECT_EQ(got.MemberCount(), static_cast<rapidjson::SizeType>(kWriters * kEach));
}

}  // namespace
