// lrsd forward (src/forward/): endpoint URLs, target validation, the statement filter, and the
// forwarder against a fake receiver on a real store: order, batches, headers, retries with
// backoff, permanent rejections set aside, filters (voiding statements follow their target),
// "from", cursors surviving a restart, attachments as multipart/mixed.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrsd/forward.h"
#include "lrsd/http.h"
#include "lrsd/ops.h"

namespace lrsd::forward {
namespace {

namespace fs = std::filesystem;

xapi::JsonDocument Json(const std::string& text) {
  xapi::JsonDocument d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// ---- Endpoints ----------------------------------------------------------------------------------

TEST(Endpoint, ParsesSchemesHostsPortsAndPaths) {
  auto e = ParseEndpoint("https://lrs.example.com/xapi/");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->host, "lrs.example.com");
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->path, "/xapi/");
  EXPECT_EQ(e->ToString(), "https://lrs.example.com/xapi/");

  e = ParseEndpoint("HTTP://127.0.0.1:8080/lrs/xapi");  // final '/' added
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->tls);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 8080);
  EXPECT_EQ(e->path, "/lrs/xapi/");
  EXPECT_EQ(e->ToString(), "http://127.0.0.1:8080/lrs/xapi/");

  e = ParseEndpoint("https://[::1]:8443");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 8443);
  EXPECT_EQ(e->path, "/");
  EXPECT_EQ(e->ToString(), "https://[::1]:8443/");

  e = ParseEndpoint("http://example.com");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, 80);
}

TEST(Endpoint, RejectsWhatIsNotAnHttpUrl) {
  for (const char* bad : {"ftp://x/", "example.com/xapi/", "http:///xapi/", "http://x:0/", "http://x:65536/",
                          "http://x:/", "http://x:8a/", "http://user:pw@x/", "http://x/xapi/?a=1", "http://x/#f",
                          "http://x y/", "https://[::1/", "http://[::1]x/", ""}) {
    EXPECT_FALSE(ParseEndpoint(bad).ok()) << bad;
  }
}

// ---- Targets ------------------------------------------------------------------------------------

TEST(Targets, ParsesEveryField) {
  auto doc = Json(R"([{"id":"central","endpoint":"https://lrs.example.com/xapi","key":"k","secret":"s",
    "version":"2.0.0","batch":50,"from":"beginning","insecure":true,
    "filter":{"verbs":["http://adlnet.gov/expapi/verbs/completed"],"activities":["http://example.com/courses/*"],
              "actors":[{"mbox":"mailto:ana@example.com"},{"account":{"homePage":"https://hr.example.com","name":"e1"}}]}},
    {"id":"b","endpoint":"http://127.0.0.1:9/","key":"k2","secret":""}])");
  auto t = ParseTargets(doc);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  ASSERT_EQ(t->size(), 2u);
  const Target& a = (*t)[0];
  EXPECT_EQ(a.id, "central");
  EXPECT_EQ(a.endpoint.path, "/xapi/");
  EXPECT_EQ(a.version, "2.0.0");
  EXPECT_EQ(a.batch, 50u);
  EXPECT_TRUE(a.from_beginning);
  EXPECT_TRUE(a.insecure);
  EXPECT_EQ(a.filter.verbs.size(), 1u);
  EXPECT_EQ(a.filter.activities.size(), 1u);
  EXPECT_EQ(a.filter.actor_ifis, (std::vector<std::string>{"mbox:mailto:ana@example.com",
                                                           "account:https://hr.example.com|e1"}));
  const Target& b = (*t)[1];
  EXPECT_EQ(b.version, "1.0.3");
  EXPECT_EQ(b.batch, 100u);
  EXPECT_FALSE(b.from_beginning);
  EXPECT_TRUE(b.filter.empty());

  // GET shows no secret; the stored copy keeps it; both parse back to the same targets.
  std::string shown = TargetsJson(*t, false);
  EXPECT_EQ(shown.find("\"secret\""), std::string::npos) << shown;
  std::string kept = TargetsJson(*t, true);
  EXPECT_NE(kept.find("\"secret\":\"s\""), std::string::npos) << kept;
  auto again = ParseTargets(Json(kept));
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(TargetsJson(*again, true), kept);
}

TEST(Targets, ASecretMayBeLeftOutForAKnownTargetOnly) {
  auto current = ParseTargets(Json(R"([{"id":"a","endpoint":"http://x/xapi/","key":"k","secret":"s3cret"}])"));
  ASSERT_TRUE(current.ok());
  auto edited = ParseTargets(Json(R"([{"id":"a","endpoint":"http://y/xapi/","key":"k","state":{"up":true}}])"), *current);
  ASSERT_TRUE(edited.ok()) << edited.error().ToString();
  EXPECT_EQ((*edited)[0].secret, "s3cret");
  EXPECT_EQ((*edited)[0].endpoint.host, "y");
  auto fresh = ParseTargets(Json(R"([{"id":"b","endpoint":"http://y/xapi/","key":"k"}])"), *current);
  ASSERT_FALSE(fresh.ok());
  EXPECT_EQ(fresh.error().path, "targets[0].secret");
}

TEST(Targets, RejectsBadConfigurationsNamingTheMember) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"id":"a"})", "targets"},
      {R"([1])", "targets[0]"},
      {R"([{"endpoint":"http://x/","key":"k","secret":"s"}])", "targets[0].id"},
      {R"([{"id":"a/b","endpoint":"http://x/","key":"k","secret":"s"}])", "targets[0].id"},
      {R"([{"id":"a","key":"k","secret":"s"}])", "targets[0].endpoint"},
      {R"([{"id":"a","endpoint":"mailto:x","key":"k","secret":"s"}])", "targets[0].endpoint"},
      {R"([{"id":"a","endpoint":"http://x/","secret":"s"}])", "targets[0].key"},
      {R"([{"id":"a","endpoint":"http://x/","key":"a:b","secret":"s"}])", "targets[0].key"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","version":"1.0.2"}])", "targets[0].version"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","batch":0}])", "targets[0].batch"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","batch":1001}])", "targets[0].batch"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","from":"yesterday"}])", "targets[0].from"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","insecure":"yes"}])", "targets[0].insecure"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","colour":"red"}])", "targets[0].colour"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":[]}])", "targets[0].filter"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":{"verb":[]}}])", "targets[0].filter.verb"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":{"verbs":["completed"]}}])",
       "targets[0].filter.verbs[0]"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":{"activities":["*"]}}])",
       "targets[0].filter.activities[0]"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":{"actors":[{"name":"x"}]}}])",
       "targets[0].filter.actors[0]"},
      {R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s"},{"id":"a","endpoint":"http://x/","key":"k","secret":"s"}])",
       "targets[1].id"},
  };
  for (const auto& [body, path] : cases) {
    auto t = ParseTargets(Json(body));
    ASSERT_FALSE(t.ok()) << body;
    EXPECT_EQ(t.error().status, 400) << body;
    EXPECT_TRUE(t.error().path.starts_with(path)) << body << " -> " << t.error().ToString();
  }
}

// ---- Filter -------------------------------------------------------------------------------------

Filter MakeFilter(const std::string& json) {
  auto t = ParseTargets(Json(R"([{"id":"a","endpoint":"http://x/","key":"k","secret":"s","filter":)" + json + "}]"));
  EXPECT_TRUE(t.ok()) << t.error().ToString();
  return t.ok() ? (*t)[0].filter : Filter{};
}

std::string Stmt(const std::string& actor, const std::string& verb, const std::string& object) {
  return R"({"actor":)" + actor + R"(,"verb":{"id":")" + verb + R"("},"object":)" + object + "}";
}

TEST(FilterTest, VerbsActivitiesAndActors) {
  const std::string ana = R"({"mbox":"mailto:ana@example.com"})";
  const std::string bob = R"({"mbox":"mailto:bob@example.com"})";
  const std::string done = "http://adlnet.gov/expapi/verbs/completed";
  const std::string tried = "http://adlnet.gov/expapi/verbs/attempted";
  const std::string course = R"({"id":"http://example.com/courses/1"})";
  const std::string other = R"({"objectType":"Activity","id":"http://example.com/videos/1"})";

  EXPECT_TRUE(Matches(Filter{}, Json(Stmt(ana, done, course))));

  Filter verbs = MakeFilter(R"({"verbs":[")" + done + R"("]})");
  EXPECT_TRUE(Matches(verbs, Json(Stmt(ana, done, course))));
  EXPECT_FALSE(Matches(verbs, Json(Stmt(ana, tried, course))));

  Filter activities = MakeFilter(R"({"activities":["http://example.com/courses/*","http://example.com/videos/2"]})");
  EXPECT_TRUE(Matches(activities, Json(Stmt(ana, done, course))));
  EXPECT_FALSE(Matches(activities, Json(Stmt(ana, done, other))));
  EXPECT_TRUE(Matches(activities, Json(Stmt(ana, done, R"({"id":"http://example.com/videos/2"})"))));
  EXPECT_FALSE(Matches(activities, Json(Stmt(ana, done, R"({"id":"http://example.com/videos/22"})"))));
  // An object that is no Activity never matches an activity filter.
  EXPECT_FALSE(Matches(activities, Json(Stmt(ana, done, R"({"objectType":"Agent","mbox":"mailto:x@example.com"})"))));

  Filter actors = MakeFilter(R"({"actors":[)" + ana + "]}");
  EXPECT_TRUE(Matches(actors, Json(Stmt(ana, done, course))));
  EXPECT_FALSE(Matches(actors, Json(Stmt(bob, done, course))));
  // A group's member counts as the actor.
  EXPECT_TRUE(Matches(actors, Json(Stmt(R"({"objectType":"Group","member":[)" + bob + "," + ana + "]}", done, course))));

  // Every list given must match.
  Filter both = MakeFilter(R"({"verbs":[")" + done + R"("],"actors":[)" + ana + "]}");
  EXPECT_TRUE(Matches(both, Json(Stmt(ana, done, course))));
  EXPECT_FALSE(Matches(both, Json(Stmt(bob, done, course))));
  EXPECT_FALSE(Matches(both, Json(Stmt(ana, tried, course))));
}

// ---- The forwarder against a fake receiver ---------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "lrsd_forward_test_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Records every request; answers with `decide` (default 200).
struct FakeReceiver {
  std::mutex mu;
  std::vector<net::ClientRequest> requests;
  std::vector<std::string> accepted;  // statement ids, in the order they were accepted
  std::function<int(const net::ClientRequest&, const std::vector<std::string>& ids)> decide;
  bool down = false;

  static std::vector<std::string> Ids(const std::string& body) {
    std::vector<std::string> ids;
    std::string json = body;
    if (!body.empty() && body.front() != '[') {  // multipart: the first part
      std::size_t start = body.find("\r\n\r\n");
      std::size_t end = body.find("\r\n--", start);
      json = body.substr(start + 4, end - start - 4);
    }
    xapi::JsonDocument d;
    d.Parse(json.c_str());
    if (d.IsArray()) {
      for (const auto& s : d.GetArray()) ids.push_back(s["id"].GetString());
    }
    return ids;
  }

  Transport transport() {
    return [this](const net::ClientRequest& r) -> Result<net::ClientResponse> {
      std::lock_guard lock(mu);
      requests.push_back(r);
      if (down) return Error{502, {}, {}, "connecting: Connection refused"};
      auto ids = Ids(r.body);
      int status = decide ? decide(r, ids) : 200;
      if (status / 100 == 2) accepted.insert(accepted.end(), ids.begin(), ids.end());
      return net::ClientResponse{status, status / 100 == 2 ? "[]" : R"({"error":{"code":400,"message":"no thanks"}})"};
    };
  }
  std::vector<std::string> Accepted() {
    std::lock_guard lock(mu);
    return accepted;
  }
};

class ForwarderTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>();
    Open();
  }
  void Open() {
    store::Options o;
    o.path = dir_->path();
    o.sync = false;
    o.memory_bytes = 16u << 20;
    auto opened = store::Store::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }
  static Options Fast() {
    Options o;
    o.poll = std::chrono::milliseconds(10);
    o.backoff_min = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(40);
    return o;
  }

  // Stores statements (JSON without id; one is given) and returns their ids in stored order.
  std::vector<std::string> Add(const std::vector<std::string>& bodies, std::vector<store::AttachmentWrite> attachments = {}) {
    auto reservation = store_->ReserveSequence(bodies.size());
    std::vector<store::StatementWrite> writes;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      store::StatementWrite w;
      w.id = NewUuid();
      w.seq = reservation.first() + i;
      auto doc = Json(bodies[i]);
      std::string id = FormatUuid(w.id);
      doc.AddMember("id", xapi::JsonValue(id.c_str(), doc.GetAllocator()), doc.GetAllocator());
      w.json = xapi::ToJson(doc);
      w.comparison = w.json;
      w.voids = xapi::VoidedTarget(doc);
      w.ref_target = xapi::StatementRefTarget(doc);
      writes.push_back(std::move(w));
      ids.push_back(id);
    }
    auto r = store_->AppendStatements(std::move(writes), std::move(attachments));
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return ids;
  }

  static std::string Simple(int i, const std::string& verb = "http://adlnet.gov/expapi/verbs/completed") {
    return Stmt(R"({"mbox":"mailto:a@example.com"})", verb, R"({"id":"http://example.com/a/)" + std::to_string(i) + "\"}");
  }

  static Status Configure(Forwarder& f, const std::string& extra, const std::string& id = "t") {
    auto doc = Json(R"([{"id":")" + id + R"(","endpoint":"https://receiver.example.com:8443/xapi/","key":"rk","secret":"rs")" +
                    extra + "}]");
    return f.Configure(doc);
  }

  template <class Pred>
  static bool WaitFor(Pred pred, int ms = 5000) {
    for (int i = 0; i < ms / 5; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ForwarderTest, ForwardsEveryStatementInStoredOrderInBatchesWithTheRightHeaders) {
  auto before = Add({Simple(0), Simple(1), Simple(2)});
  FakeReceiver rx;
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, R"(,"from":"beginning","batch":2)").ok());
  auto more = Add({Simple(3), Simple(4)});
  std::vector<std::string> all = before;
  all.insert(all.end(), more.begin(), more.end());
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() >= all.size(); }));
  EXPECT_EQ(rx.Accepted(), all);
  std::lock_guard lock(rx.mu);
  for (const auto& r : rx.requests) {
    EXPECT_TRUE(r.tls);
    EXPECT_EQ(r.host, "receiver.example.com");
    EXPECT_EQ(r.port, 8443);
    EXPECT_EQ(r.target, "/xapi/statements");
    EXPECT_TRUE(r.verify_tls);
    std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
    EXPECT_EQ(h["Authorization"], "Basic " + Base64Encode("rk:rs"));
    EXPECT_EQ(h["X-Experience-API-Version"], "1.0.3");
    EXPECT_EQ(h["Content-Type"], "application/json");
    EXPECT_LE(FakeReceiver::Ids(r.body).size(), 2u);
  }
}

TEST_F(ForwarderTest, ANewTargetStartsNowUnlessToldOtherwise) {
  Add({Simple(0), Simple(1)});
  FakeReceiver rx;
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, "").ok());
  auto fresh = Add({Simple(2)});
  ASSERT_TRUE(WaitFor([&] { return !rx.Accepted().empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(rx.Accepted(), fresh);
}

TEST_F(ForwarderTest, AReceiverThatIsDownLosesNothingAndTheStateSaysSo) {
  FakeReceiver rx;
  rx.down = true;
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, "").ok());
  auto ids = Add({Simple(0), Simple(1), Simple(2)});
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(rx.mu);
    return rx.requests.size() >= 3;
  }));
  auto state = f.StatusJson();
  ASSERT_TRUE(state.ok());
  auto doc = Json(*state);
  const auto& s = doc[0]["state"];
  EXPECT_FALSE(s["up"].GetBool());
  EXPECT_GE(s["failures"].GetUint64(), 2u);
  EXPECT_EQ(s["pending"].GetUint64(), 3u);
  EXPECT_GE(s["lagSeconds"].GetDouble(), 0.0);
  EXPECT_NE(std::string(s["lastError"].GetString()).find("Connection refused"), std::string::npos);
  EXPECT_EQ(doc[0].FindMember("secret"), doc[0].MemberEnd());
  {
    ops::TextWriter w;
    f.RenderMetrics(w);
    auto parsed = ops::ParseText(w.text());
    ASSERT_TRUE(parsed.ok()) << w.text();
    EXPECT_NE(w.text().find("lrsd_forward_up{target=\"t\"} 0"), std::string::npos) << w.text();
  }
  {
    std::lock_guard lock(rx.mu);
    rx.down = false;
  }
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 3; }));
  EXPECT_EQ(rx.Accepted(), ids);
  ASSERT_TRUE(WaitFor([&] { return Json(*f.StatusJson())[0]["state"]["up"].GetBool(); }));
  doc = Json(*f.StatusJson());
  EXPECT_EQ(doc[0]["state"]["sent"].GetUint64(), 3u);
  EXPECT_EQ(doc[0]["state"]["lagSeconds"].GetDouble(), 0.0);
  ops::TextWriter w;
  f.RenderMetrics(w);
  EXPECT_NE(w.text().find("lrsd_forward_sent_total{target=\"t\"} 3"), std::string::npos) << w.text();
  EXPECT_NE(w.text().find("lrsd_forward_lag_seconds{target=\"t\"} 0"), std::string::npos) << w.text();
}

TEST_F(ForwarderTest, AStatementRefusedAloneIsSetAsideAndTheRestGoThrough) {
  FakeReceiver rx;
  std::string bad;
  rx.decide = [&](const net::ClientRequest&, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (id == bad) return 400;
    }
    return 200;
  };
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(Configure(f, R"(,"from":"beginning")").ok());
  auto ids = Add({Simple(0), Simple(1), Simple(2), Simple(3)});
  bad = ids[2];
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 3; }));
  EXPECT_EQ(rx.Accepted(), (std::vector<std::string>{ids[0], ids[1], ids[3]}));
  ASSERT_TRUE(WaitFor([&] { return Json(*f.StatusJson())[0]["state"]["rejected"].GetUint64() == 1; }));
  auto rejected = f.RejectedJson("t");
  ASSERT_TRUE(rejected.ok());
  auto doc = Json(*rejected);
  ASSERT_EQ(doc.Size(), 1u);
  EXPECT_EQ(std::string(doc[0]["statementId"].GetString()), bad);
  EXPECT_EQ(doc[0]["status"].GetInt(), 400);
  EXPECT_EQ(std::string(doc[0]["message"].GetString()), "no thanks");
  EXPECT_FALSE(f.RejectedJson("nope").ok());
}

TEST_F(ForwarderTest, CredentialAndServerErrorsAreRetriedNeverSkipped) {
  FakeReceiver rx;
  std::atomic<int> calls{0};
  rx.decide = [&](const net::ClientRequest&, const std::vector<std::string>&) {
    int n = ++calls;
    return n == 1 ? 401 : n == 2 ? 503 : n == 3 ? 404 : n == 4 ? 429 : 200;
  };
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, "").ok());
  auto ids = Add({Simple(0), Simple(1)});
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 2; }));
  EXPECT_EQ(rx.Accepted(), ids);
  auto doc = Json(*f.StatusJson());
  EXPECT_EQ(doc[0]["state"]["failures"].GetUint64(), 4u);
  EXPECT_EQ(doc[0]["state"]["rejected"].GetUint64(), 0u);
}

TEST_F(ForwarderTest, FiltersLetMatchingStatementsAndTheirVoidingThrough) {
  const std::string done = "http://adlnet.gov/expapi/verbs/completed";
  const std::string tried = "http://adlnet.gov/expapi/verbs/attempted";
  FakeReceiver rx;
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, R"(,"filter":{"verbs":[")" + done + R"("]})").ok());
  auto ids = Add({Simple(0, done), Simple(1, tried), Simple(2, done)});
  auto voiding = Add({Stmt(R"({"mbox":"mailto:a@example.com"})", "http://adlnet.gov/expapi/verbs/voided",
                           R"({"objectType":"StatementRef","id":")" + ids[0] + "\"}"),
                      Stmt(R"({"mbox":"mailto:a@example.com"})", "http://adlnet.gov/expapi/verbs/voided",
                           R"({"objectType":"StatementRef","id":")" + ids[1] + "\"}")});
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 3; }));
  ASSERT_TRUE(WaitFor([&] { return Json(*f.StatusJson())[0]["state"]["lagSeconds"].GetDouble() == 0.0; }));
  EXPECT_EQ(rx.Accepted(), (std::vector<std::string>{ids[0], ids[2], voiding[0]}));
}

TEST_F(ForwarderTest, TheCursorSurvivesARestartAndRemovingATargetForgetsIt) {
  FakeReceiver rx;
  std::vector<std::string> first;
  {
    Forwarder f(*store_, rx.transport(), Fast());
    ASSERT_TRUE(f.Start().ok());
    ASSERT_TRUE(Configure(f, R"(,"from":"beginning")").ok());
    first = Add({Simple(0), Simple(1)});
    ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 2; }));
  }
  auto later = Add({Simple(2)});
  store_.reset();
  Open();
  {
    Forwarder f(*store_, rx.transport(), Fast());
    ASSERT_TRUE(f.Start().ok());
    ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 3; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(rx.Accepted(), (std::vector<std::string>{first[0], first[1], later[0]}));
    // Removed, then added again "from beginning": everything again (the cursor was forgotten).
    ASSERT_TRUE(f.Configure(Json("[]")).ok());
    EXPECT_EQ(*f.StatusJson(), "[]");
    ASSERT_TRUE(Configure(f, R"(,"from":"beginning")").ok());
    ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 6; }));
  }
  auto raw = store_->Get(store::Family::kMeta, "forward/config");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_NE((*raw)->find("\"secret\":\"rs\""), std::string::npos);
}

TEST_F(ForwarderTest, StoredAttachmentsTravelAsMultipartParts) {
  const std::string content = "attachment bytes";
  const std::string sha2 = Sha256Hex(content);
  FakeReceiver rx;
  Forwarder f(*store_, rx.transport(), Fast());
  ASSERT_TRUE(f.Start().ok());
  ASSERT_TRUE(Configure(f, "").ok());
  std::string body = R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
    "object":{"id":"http://example.com/a"},"attachments":[{"usageType":"http://example.com/usage","display":{"en":"x"},
    "contentType":"text/plain","length":16,"sha2":")" + sha2 + "\"}]}";
  auto ids = Add({body}, {{sha2, content}});
  ASSERT_TRUE(WaitFor([&] { return rx.Accepted().size() == 1; }));
  std::lock_guard lock(rx.mu);
  const auto& r = rx.requests.back();
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  ASSERT_TRUE(h["Content-Type"].starts_with("multipart/mixed; boundary=")) << h["Content-Type"];
  auto boundary = http::MediaTypeParam(h["Content-Type"], "boundary");
  ASSERT_TRUE(boundary);
  auto parts = http::ParseMultipart(r.body, *boundary);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[1].body, content);
  EXPECT_EQ((*parts)[1].headers.Get("X-Experience-API-Hash").value_or(""), sha2);
}

}  // namespace
}  // namespace lrsd::forward
