// Statement forwarding between real lrsd processes: sender A forwards everything to receiver B
// and completions only to receiver C, while a client posts to A without pause (singles,
// batches, voiding statements). B is SIGKILLed mid-stream and restarted; so is A. At the end A
// reports lag 0, B holds exactly A's statements (voided ones included) and C exactly A's
// completions (and the voiding of those); A's /metrics has the lrsd_forward_* series.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

using namespace std::chrono_literals;

const std::string kCompleted = "http://adlnet.gov/expapi/verbs/completed";
const std::string kAttempted = "http://adlnet.gov/expapi/verbs/attempted";

// A port free now (bound to 0 and released), for a listener that must keep its port across
// restarts.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Every statement id a query returns, following `more` to the end.
std::set<std::string> QueryIds(Client& c, const std::string& params = "") {
  std::set<std::string> ids;
  std::string target = "/xapi/statements?limit=500" + params;
  while (!target.empty()) {
    auto r = c.Get(target);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    auto doc = r.Json();
    for (const auto& s : doc["statements"].GetArray()) ids.insert(s["id"].GetString());
    target = doc.HasMember("more") ? doc["more"].GetString() : "";
  }
  return ids;
}

// The targets of the voiding statements among `ids` (read from `c`).
std::set<std::string> VoidedTargets(Client& c, const std::set<std::string>& ids) {
  std::set<std::string> out;
  for (const auto& id : ids) {
    auto r = c.Get("/xapi/statements?statementId=" + id);
    if (r.status != 200) continue;
    auto doc = r.Json();
    if (std::string(doc["verb"]["id"].GetString()) == "http://adlnet.gov/expapi/verbs/voided") {
      out.insert(doc["object"]["id"].GetString());
    }
  }
  return out;
}

std::string Statement(int n, const std::string& verb) {
  return R"({"id":")" + NewUuidString() + R"(","actor":{"mbox":"mailto:learner)" + std::to_string(n % 7) +
         R"(@example.com"},"verb":{"id":")" + verb + R"("},"object":{"id":"http://example.com/course/)" +
         std::to_string(n % 13) + R"("}})";
}

TEST(Forwarding, NothingIsLostWhenTheReceiverAndTheSenderCrashMidStream) {
  const int port_a = FreePort(), port_b = FreePort();
  ServerOptions ob;
  ob.extra_args = {"--http", "127.0.0.1:" + std::to_string(port_b), "--no-access-log"};
  auto b = Server::Start(ob);
  ServerOptions oc;
  oc.extra_args = {"--no-access-log"};
  auto c = Server::Start(oc);
  ServerOptions oa;
  oa.extra_args = {"--http", "127.0.0.1:" + std::to_string(port_a), "--no-access-log"};
  auto a = Server::Start(oa);
  const std::string a_url = "http://127.0.0.1:" + std::to_string(port_a);
  Client admin(a_url, a->key(), a->secret());

  // Validation: a clear 400 naming the member.
  auto bad = admin.PutJson("/admin/forwarding", R"([{"id":"x","endpoint":"ftp://nowhere/","key":"k","secret":"s"}])");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("targets[0].endpoint"), std::string::npos) << bad.body;

  const std::string config =
      R"([{"id":"all","endpoint":"http://127.0.0.1:)" + std::to_string(port_b) + R"(/xapi/","key":")" + b->key() +
      R"(","secret":")" + b->secret() + R"(","batch":50},)" + R"({"id":"completions","endpoint":")" + c->http_url() +
      R"(/xapi","key":")" + c->key() + R"(","secret":")" + c->secret() + R"(","version":"2.0.0","filter":{"verbs":[")" +
      kCompleted + R"("]}}])";
  auto put = admin.PutJson("/admin/forwarding", config);
  ASSERT_EQ(put.status, 200) << put.body;
  auto shown = admin.Get("/admin/forwarding");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body.find(b->secret()), std::string::npos) << "GET must not show secrets";
  EXPECT_EQ(shown.body.find("\"secret\""), std::string::npos);

  // A client posting to A all the time: singles, batches of 5, and a voiding statement of an
  // earlier one every few rounds. Errors while A is down are expected.
  std::atomic<bool> stop{false};
  std::atomic<int> posted{0};
  const std::string a_key = a->key(), a_secret = a->secret();  // the poster never touches `a`
  std::thread poster([&] {
    std::unique_ptr<Client> client;
    std::vector<std::string> voidable;
    for (int n = 0; !stop; ++n) {
      try {
        if (!client) client = std::make_unique<Client>(a_url, a_key, a_secret);
        std::string body;
        std::string single_id;
        if (n % 10 == 9 && !voidable.empty()) {
          std::string target = voidable.back();
          voidable.pop_back();
          body = R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
                 R"("object":{"objectType":"StatementRef","id":")" + target + R"("}})";
        } else if (n % 3 == 0) {
          body = "[";
          for (int i = 0; i < 5; ++i) body += (i ? "," : "") + Statement(n * 5 + i, i % 2 ? kAttempted : kCompleted);
          body += "]";
        } else {
          body = Statement(n, n % 2 ? kAttempted : kCompleted);
        }
        auto r = client->PostJson("/xapi/statements", body);
        if (r.status == 200) {
          auto doc = r.Json();
          if (doc.IsArray() && doc.Size() == 1 && body.find("voided") == std::string::npos) {
            voidable.push_back(doc[0].GetString());
          }
          posted += static_cast<int>(doc.IsArray() ? doc.Size() : 0);
        }
      } catch (const std::exception&) {
        client.reset();
        std::this_thread::sleep_for(50ms);
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(b->Stop(SIGKILL), 128 + SIGKILL);  // the receiver crashes
  std::this_thread::sleep_for(2500ms);
  {
    // Meanwhile A says B is down and statements are waiting.
    auto state = admin.Get("/admin/forwarding").Json();
    ASSERT_TRUE(state.IsArray());
    EXPECT_FALSE(state[0]["state"]["up"].GetBool());
    EXPECT_GT(state[0]["state"]["failures"].GetUint64(), 0u);
    EXPECT_GT(state[0]["state"]["lagSeconds"].GetDouble(), 0.0);
    EXPECT_TRUE(state[0]["state"]["lastError"].IsString());
  }
  b->StartAgain();
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(a->Stop(SIGKILL), 128 + SIGKILL);  // and so does the sender
  std::this_thread::sleep_for(500ms);
  a->StartAgain();
  std::this_thread::sleep_for(1500ms);
  stop = true;
  poster.join();
  EXPECT_GT(posted.load(), 100);

  // A catches up: lag 0 on both targets.
  Client admin2(a_url, a->key(), a->secret());
  bool caught_up = false;
  std::string last;
  for (int i = 0; i < 300 && !caught_up; ++i) {
    auto r = admin2.Get("/admin/forwarding");
    last = r.body;
    auto doc = r.Json();
    caught_up = doc.IsArray() && doc.Size() == 2;
    for (const auto& t : doc.GetArray()) {
      caught_up = caught_up && t["state"]["lagSeconds"].GetDouble() == 0.0 && t["state"]["pending"].GetUint64() == 0 &&
                  t["state"]["up"].GetBool();
    }
    if (!caught_up) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(caught_up) << last;

  Client ca(a_url, a->key(), a->secret());
  Client cb(b->http_url(), b->key(), b->secret());
  Client cc(c->http_url(), c->key(), c->secret());
  const auto on_a = QueryIds(ca);
  const auto on_b = QueryIds(cb);
  EXPECT_GT(on_a.size(), 100u);
  EXPECT_EQ(on_a, on_b);
  // The voided ones too: each voiding statement's target is on B, voided.
  const auto voided = VoidedTargets(ca, on_a);
  EXPECT_GT(voided.size(), 0u);
  for (const auto& id : voided) {
    EXPECT_EQ(cb.Get("/xapi/statements?voidedStatementId=" + id).status, 200) << id;
  }
  // C: only completions (and the voiding statements of completions).
  const auto completions_a = QueryIds(ca, "&verb=" + UrlEncode(kCompleted));
  const auto on_c = QueryIds(cc);
  EXPECT_GT(on_c.size(), 0u);
  EXPECT_LT(on_c.size(), on_a.size());
  EXPECT_EQ(on_c, completions_a);

  auto state = admin2.Get("/admin/forwarding").Json();
  EXPECT_EQ(state[0]["state"]["rejected"].GetUint64(), 0u);
  EXPECT_EQ(state[1]["state"]["rejected"].GetUint64(), 0u);
  std::printf("forwarding: %zu statements on A and B (%zu voided), %zu completions on C\n", on_a.size(),
              voided.size(), on_c.size());
  auto metrics = admin2.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  for (const char* series : {"lrsd_forward_sent_total{target=\"all\"}", "lrsd_forward_rejected_total{target=\"all\"}",
                             "lrsd_forward_failures_total{target=\"all\"}", "lrsd_forward_lag_seconds{target=\"all\"} 0",
                             "lrsd_forward_up{target=\"all\"} 1", "lrsd_forward_sent_total{target=\"completions\"}"}) {
    EXPECT_NE(metrics.body.find(series), std::string::npos) << series << "\n" << metrics.body;
  }
  // No secret in any log line.
  EXPECT_EQ(a->Stderr().find(b->secret()), std::string::npos);
  EXPECT_EQ(a->Stderr().find(c->secret()), std::string::npos);
}

TEST(Forwarding, WrongCredentialsAreRetriedAndRefusedStatementsSetAside) {
  auto receiver = Server::Start();
  auto sender = Server::Start();
  Client admin(sender->http_url(), sender->key(), sender->secret());
  Client rx(receiver->http_url(), receiver->key(), receiver->secret());
  // The receiver already holds a statement with this id and other content: it will refuse
  // ours with 409, alone too.
  const std::string clash = NewUuidString();
  ASSERT_EQ(rx.PostJson("/xapi/statements", R"({"id":")" + clash + R"(","actor":{"mbox":"mailto:x@example.com"},)"
                                            R"("verb":{"id":")" + kCompleted + R"("},"object":{"id":"http://example.com/theirs"}})")
                .status,
            200);
  // Wrong receiver credentials: 401, retried with backoff, nothing skipped.
  auto put = admin.PutJson("/admin/forwarding", R"([{"id":"r","endpoint":")" + receiver->http_url() +
                                                    R"(/xapi/","key":"wrong","secret":"wrong","from":"beginning"}])");
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_EQ(admin.PostJson("/xapi/statements", "[" + Statement(1, kCompleted) + R"(,{"id":")" + clash +
                                                   R"(","actor":{"mbox":"mailto:x@example.com"},"verb":{"id":")" +
                                                   kCompleted + R"("},"object":{"id":"http://example.com/ours"}},)" +
                                                   Statement(2, kAttempted) + "]")
                .status,
            200);
  bool down = false;
  for (int i = 0; i < 100 && !down; ++i) {
    auto doc = admin.Get("/admin/forwarding").Json();
    down = doc.IsArray() && !doc[0]["state"]["up"].GetBool();
    if (!down) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(down);
  auto doc = admin.Get("/admin/forwarding").Json();
  EXPECT_NE(std::string(doc[0]["state"]["lastError"].GetString()).find("401"), std::string::npos);
  EXPECT_EQ(doc[0]["state"]["rejected"].GetUint64(), 0u);
  EXPECT_EQ(doc[0]["state"]["pending"].GetUint64(), 3u);
  // The right credential (same id: the cursor stays where it was).
  auto again = admin.PutJson("/admin/forwarding", R"([{"id":"r","endpoint":")" + receiver->http_url() +
                                                      R"(/xapi/","key":")" + receiver->key() + R"(","secret":")" +
                                                      receiver->secret() + R"("}])");
  ASSERT_EQ(again.status, 200) << again.body;
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    delivered = QueryIds(rx).size() == 3;  // theirs, and our two others
    if (!delivered) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(delivered);
  doc = admin.Get("/admin/forwarding").Json();
  EXPECT_EQ(doc[0]["state"]["rejected"].GetUint64(), 1u);
  EXPECT_EQ(doc[0]["state"]["sent"].GetUint64(), 2u);
  auto rejected = admin.Get("/admin/forwarding/r/rejected");
  ASSERT_EQ(rejected.status, 200);
  auto list = rejected.Json();
  ASSERT_TRUE(list.IsArray() && list.Size() == 1) << rejected.body;
  EXPECT_EQ(std::string(list[0]["statementId"].GetString()), clash);
  EXPECT_EQ(list[0]["status"].GetInt(), 409);
  EXPECT_EQ(admin.Get("/admin/forwarding/none/rejected").status, 404);
  EXPECT_EQ(admin.Request("DELETE", "/admin/forwarding").status, 405);
  admin.set_auth_enabled(false);
  EXPECT_EQ(admin.Get("/admin/forwarding").status, 401);
}

TEST(Forwarding, OverHttpsWithAttachments) {
  // A receiver on HTTPS with lrsd's self-signed certificate: refused while verification is on,
  // taken with "insecure": true. A statement with a stored attachment arrives with its content.
  ServerOptions ro;
  ro.http = true;
  ro.https = true;
  auto receiver = Server::Start(ro);
  auto sender = Server::Start();
  Client admin(sender->http_url(), sender->key(), sender->secret());
  const std::string target = R"({"endpoint":")" + receiver->https_url() + R"(/xapi/","key":")" + receiver->key() +
                             R"(","secret":")" + receiver->secret() + R"(","from":"beginning")";
  ASSERT_EQ(admin.PutJson("/admin/forwarding", "[" + target + R"(,"id":"verified"}])").status, 200);

  const std::string content = "here is a simple attachment";
  const std::string sha2 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";
  std::string statement = R"({"actor":{"mbox":"mailto:att@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},)"
                          R"("object":{"id":"http://example.com/attachments"},"attachments":[{"usageType":"http://example.com/usage",)"
                          R"("display":{"en-US":"A"},"contentType":"text/plain","length":27,"sha2":")" + sha2 + R"("}]})";
  std::string body = "--abc\r\nContent-Type: application/json\r\n\r\n" + statement +
                     "\r\n--abc\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
                     sha2 + "\r\n\r\n" + content + "\r\n--abc--\r\n";
  auto posted = admin.Request("POST", "/xapi/statements", body, {{"Content-Type", "multipart/mixed; boundary=abc"}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  const std::string id = posted.Json()[0].GetString();

  std::string last;
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    auto r = admin.Get("/admin/forwarding");
    last = r.body;
    auto doc = r.Json();
    refused = doc.IsArray() && !doc[0]["state"]["up"].GetBool();
    if (!refused) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(refused) << last;
  EXPECT_NE(last.find("TLS handshake"), std::string::npos) << last;

  ASSERT_EQ(admin.PutJson("/admin/forwarding", "[" + target + R"(,"id":"selfsigned","insecure":true}])").status, 200);
  Client rx(receiver->http_url(), receiver->key(), receiver->secret());
  Response got;
  for (int i = 0; i < 100; ++i) {
    got = rx.Get("/xapi/statements?attachments=true&statementId=" + id);
    if (got.status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find(content), std::string::npos);
  EXPECT_NE(got.body.find("X-Experience-API-Hash: " + sha2), std::string::npos);
}

TEST(Forwarding, ShutdownDoesNotWaitForAHungReceiver) {
  // A "receiver" that accepts connections (the kernel's backlog) and never answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto sender = Server::Start();
  Client admin(sender->http_url(), sender->key(), sender->secret());
  ASSERT_EQ(admin.PutJson("/admin/forwarding", R"([{"id":"hung","endpoint":"http://127.0.0.1:)" +
                                                   std::to_string(ntohs(addr.sin_port)) + R"(/xapi/","key":"k","secret":"s"}])")
                .status,
            200);
  ASSERT_EQ(admin.PostJson("/xapi/statements", SampleStatement()).status, 200);
  std::this_thread::sleep_for(500ms);  // the request is in flight, waiting for an answer
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sender->Stop(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  close(fd);
}

}  // namespace
}  // namespace lrsd::testkit
