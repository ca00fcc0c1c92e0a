// Data lifecycle on the real binary: erasure of a person (POST /admin/erasure, lrsd erase) and
// the retention sweep (--retention-days): what goes, what stays (other learners' statements,
// StatementRefs to erased statements, voiding), that queries and learning profiles stay
// consistent (an offline rebuild from the remaining statements gives the same profiles), the
// audit, and that it survives a SIGKILL.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <set>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

constexpr const char* kRules = R"({
  "modality":[{"when":{"activityType":"http://adlnet.gov/expapi/activities/course"},"modality":"formal"}]})";
constexpr const char* kPeople = R"([
  {"id":"p1","name":"Ana","ifis":[{"mbox":"mailto:ana@example.com"},{"account":{"homePage":"https://app.example.com","name":"ana"}}],"role":"r","unit":"u1"},
  {"id":"p2","name":"Ben","ifis":[{"mbox":"mailto:ben@example.com"}],"role":"r","unit":"u1"}])";
const std::string kAnaMbox = R"({"mbox":"mailto:ana@example.com"})";
const std::string kAnaAccount = R"({"account":{"homePage":"https://app.example.com","name":"ana"}})";
const std::string kBen = R"({"mbox":"mailto:ben@example.com"})";

std::string Course(const std::string& id, const std::string& actor, int n, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","actor":)" + actor +
         R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://lms.example.com/course/)" +
         std::to_string(n) + R"(","definition":{"type":"http://adlnet.gov/expapi/activities/course"}},"result":{"duration":"PT)" +
         std::to_string(100 + n) + "S\"}" + extra + "}";
}

std::string Encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::set<std::string> Ids(Client& c, const std::string& query) {
  std::set<std::string> ids;
  std::string target = "/xapi/statements?limit=100" + query;
  while (!target.empty()) {
    auto r = c.Get(target);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    auto doc = r.Json();
    for (const auto& s : doc["statements"].GetArray()) ids.insert(s["id"].GetString());
    target = doc.HasMember("more") && doc["more"].GetStringLength() > 0 ? doc["more"].GetString() : "";
  }
  return ids;
}

class ErasureTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> args) {
    ServerOptions o;
    o.extra_args = std::move(args);
    server_ = Server::Start(o);
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    ASSERT_EQ(Send("PUT", "/admin/rules", kRules).status, 200);
    ASSERT_EQ(Send("PUT", "/admin/people", kPeople).status, 200);
  }
  Response Send(const std::string& method, const std::string& path, const std::string& body) {
    return client_->Request(method, path, body, {{"Content-Type", "application/json"}});
  }
  std::string Post(const std::string& json) {
    auto r = client_->PostJson("/xapi/statements", json);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  double FormalSeconds(const std::string& person) {
    auto r = client_->Get("/learning/people/" + person);
    EXPECT_EQ(r.status, 200) << r.body;
    auto doc = r.Json();
    return doc["modalities"]["formal"]["seconds"].GetDouble();
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ErasureTest, ErasesAPersonAndKeepsEveryoneElseConsistent) {
  StartServer({"--allow-erasure"});
  std::vector<std::string> ana_ids, ben_ids;
  for (int i = 0; i < 30; ++i) {
    ana_ids.push_back(NewUuidString());
    Post(Course(ana_ids.back(), i % 2 ? kAnaMbox : kAnaAccount, i));
  }
  for (int i = 0; i < 20; ++i) {
    ben_ids.push_back(NewUuidString());
    Post(Course(ben_ids.back(), kBen, i));
  }
  // Ben's statements that involve Ana: about her (object: erased), naming her as instructor
  // (kept, counted), and a StatementRef to one of her statements (kept; it stops matching her).
  const std::string about_ana = NewUuidString();
  Post(R"({"id":")" + about_ana + R"(","actor":)" + kBen +
       R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/mentored"},"object":{"objectType":"Agent","mbox":"mailto:ana@example.com"}})");
  const std::string instructed = NewUuidString();
  Post(Course(instructed, kBen, 99, R"(,"context":{"instructor":)" + kAnaMbox + "}"));
  const std::string ref = NewUuidString();
  Post(R"({"id":")" + ref + R"(","actor":)" + kBen +
       R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/commented"},"object":{"objectType":"StatementRef","id":")" +
       ana_ids[0] + R"("}})");
  // One of Ana's statements voided by Ben (the voiding statement is Ben's and stays).
  const std::string voider = NewUuidString();
  Post(R"({"id":")" + voider + R"(","actor":)" + kBen +
       R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
       ana_ids[1] + R"("}})");
  ben_ids.insert(ben_ids.end(), {instructed, ref, voider});

  // Documents: Ana's state and agent profile go, Ben's state stays.
  const std::string state = "/xapi/activities/state?activityId=" + Encode("https://lms.example.com/course/1") +
                            "&stateId=bookmark&agent=";
  auto put = client_->Request("PUT", state + Encode(kAnaMbox), R"({"page":3})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 204) << put.body;
  ASSERT_EQ(client_->Request("PUT", state + Encode(kAnaAccount), R"({"page":4})", {{"Content-Type", "application/json"}}).status, 204);
  ASSERT_EQ(client_->Request("PUT", state + Encode(kBen), R"({"page":5})", {{"Content-Type", "application/json"}}).status, 204);
  const std::string agent_profile = "/xapi/agents/profile?profileId=prefs&agent=" + Encode(kAnaMbox);
  auto profile_put = client_->Request("PUT", agent_profile, R"({"lang":"pt"})",
                                      {{"Content-Type", "application/json"}, {"If-None-Match", "*"}});
  ASSERT_EQ(profile_put.status, 204) << profile_put.body;

  EXPECT_GT(FormalSeconds("p1"), 0);
  const double ben_before = FormalSeconds("p2");
  EXPECT_TRUE(Ids(*client_, "&agent=" + Encode(kAnaAccount)).count(ref));  // the ref inherits her keys

  auto erased = Send("POST", "/admin/erasure", R"({"person":"p1"})");
  ASSERT_EQ(erased.status, 200) << erased.body;
  auto report = erased.Json();
  EXPECT_EQ(report["statements"].GetInt(), 31);  // her 30 and the one about her
  EXPECT_EQ(report["documents"].GetInt(), 3);
  EXPECT_EQ(report["mentionedElsewhere"].GetInt(), 1);
  EXPECT_EQ(erased.body.find("ana@example.com"), std::string::npos) << "the audit keeps no identifier";

  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    EXPECT_TRUE(Ids(*client_, "&agent=" + Encode(kAnaMbox)).empty());
    EXPECT_TRUE(Ids(*client_, "&agent=" + Encode(kAnaAccount)).empty());
    EXPECT_TRUE(Ids(*client_, "&agent=" + Encode(kAnaMbox) + "&related_agents=true") ==
                std::set<std::string>{instructed});
    for (const auto& id : ana_ids) EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + id).status, 404) << id;
    EXPECT_EQ(client_->Get("/xapi/statements?voidedStatementId=" + ana_ids[1]).status, 404);
    EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + about_ana).status, 404);
    // Everyone else's statements, and their queries, are untouched.
    std::set<std::string> ben(ben_ids.begin(), ben_ids.end());
    ben.erase(voider);  // voiding statements are returned by the unfiltered query too
    auto all = Ids(*client_, "");
    EXPECT_TRUE(all.count(voider));
    all.erase(voider);
    EXPECT_EQ(all, ben);
    auto by_ben = Ids(*client_, "&agent=" + Encode(kBen));
    by_ben.erase(voider);
    EXPECT_EQ(by_ben, ben);
    EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + ref).status, 200);
    EXPECT_EQ(client_->Get(state + Encode(kAnaMbox)).status, 404);
    EXPECT_EQ(client_->Get(state + Encode(kAnaAccount)).status, 404);
    EXPECT_EQ(client_->Get(agent_profile).status, 404);
    EXPECT_EQ(client_->Get(state + Encode(kBen)).body, R"({"page":5})");
    EXPECT_EQ(FormalSeconds("p1"), 0);
    EXPECT_EQ(FormalSeconds("p2"), ben_before);
  };
  check("after the erasure");
  auto audit = client_->Get("/admin/erasures");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.Json().Size(), 1u);
  EXPECT_EQ(audit.body.find("ana@example.com"), std::string::npos);

  // Durable, and what a rebuild from the remaining statements computes agrees with it.
  const std::string unit_before = client_->Get("/learning/units/u1").body;
  const std::string ben_profile = client_->Get("/learning/people/p2").body;
  server_->Stop(SIGKILL);
  auto rebuilt = server_->RunCli({"rebuild"});
  ASSERT_EQ(rebuilt.first, 0) << rebuilt.second;
  server_->StartAgain();
  client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  check("after a SIGKILL and a rebuild");
  EXPECT_EQ(client_->Get("/learning/units/u1").body, unit_before);
  EXPECT_EQ(client_->Get("/learning/people/p2").body, ben_profile);
}

TEST_F(ErasureTest, OffByDefaultAndAdminOnly) {
  StartServer({});
  Post(Course(NewUuidString(), kAnaMbox, 1));
  auto refused = Send("POST", "/admin/erasure", R"({"agent":)" + kAnaMbox + "}");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("--allow-erasure"), std::string::npos);
  EXPECT_EQ(Ids(*client_, "&agent=" + Encode(kAnaMbox)).size(), 1u);
  EXPECT_EQ(Send("POST", "/admin/erasure", "{}").status, 403);
  // The offline command works on a stopped server's data.
  server_->Stop();
  auto out = server_->RunCli({"erase", "--agent", kAnaMbox});
  ASSERT_EQ(out.first, 0) << out.second;
  EXPECT_NE(out.second.find("\"statements\":1"), std::string::npos) << out.second;
  server_->StartAgain();
  client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  EXPECT_TRUE(Ids(*client_, "&agent=" + Encode(kAnaMbox)).empty());
}

TEST_F(ErasureTest, EraseNeedsAnAdminCredentialAndAValidRequest) {
  StartServer({"--allow-erasure"});
  auto created = server_->Stop();
  (void)created;
  auto cred = server_->RunCli({"credentials", "create", "--key", "reader", "--secret", "reader-secret", "--scope", "all/read"});
  ASSERT_EQ(cred.first, 0) << cred.second;
  server_->StartAgain();
  client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  Client reader(server_->http_url(), "reader", "reader-secret", "1.0.3");
  EXPECT_EQ(reader.Request("POST", "/admin/erasure", R"({"agent":)" + kAnaMbox + "}", {{"Content-Type", "application/json"}}).status, 403);
  EXPECT_EQ(Send("POST", "/admin/erasure", R"({"agent":{"name":"no ifi"}})").status, 400);
  EXPECT_EQ(Send("POST", "/admin/erasure", R"({"agent":)" + kAnaMbox + R"(,"person":"p1"})").status, 400);
  EXPECT_EQ(Send("POST", "/admin/erasure", R"({"person":"nobody"})").status, 404);
  EXPECT_EQ(Send("POST", "/admin/erasure", "not json").status, 400);
}

TEST_F(ErasureTest, RetentionErasesWhatWasStoredBeforeTheCutOff) {
  // 0.0001 days = 8.64 s.
  StartServer({"--retention-days", "0.0001", "--retention-interval", "1"});
  std::vector<std::string> old_ids, new_ids;
  for (int i = 0; i < 10; ++i) {
    old_ids.push_back(NewUuidString());
    Post(Course(old_ids.back(), kAnaMbox, i));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(9000));
  for (int i = 0; i < 5; ++i) {
    new_ids.push_back(NewUuidString());
    Post(Course(new_ids.back(), kAnaMbox, 100 + i));
  }
  // The sweep runs every second.
  std::set<std::string> left;
  for (int tries = 0; tries < 30; ++tries) {
    left = Ids(*client_, "&agent=" + Encode(kAnaMbox));
    if (left.size() == new_ids.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(left, std::set<std::string>(new_ids.begin(), new_ids.end()));
  for (const auto& id : old_ids) EXPECT_EQ(client_->Get("/xapi/statements?statementId=" + id).status, 404);
  double expected = 0;
  for (int i = 0; i < 5; ++i) expected += 200 + i;
  EXPECT_DOUBLE_EQ(FormalSeconds("p1"), expected);
  EXPECT_NE(server_->Stderr().find("retention: erased 10 statements"), std::string::npos) << server_->Stderr();
}

}  // namespace
}  // namespace lrsd::testkit
