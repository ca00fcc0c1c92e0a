// The server as operators meet it: restarts and crashes lose nothing acknowledged, the
// credentials command, scopes, limits, malformed requests, graceful shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

std::set<std::string> AllIds(Client& client, const std::string& activity) {
  std::set<std::string> ids;
  std::string target = "/xapi/statements?activity=" + UrlEncode(activity);
  while (!target.empty()) {
    auto r = client.Get(target);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    auto json = r.Json();
    for (const auto& s : json["statements"].GetArray()) ids.insert(s["id"].GetString());
    target = json["more"].GetString();
  }
  return ids;
}

TEST(Server, RestartLosesNothingAcknowledged) {
  auto server = Server::Start();
  const std::string activity = "http://example.com/restart/" + NewUuidString();
  std::set<std::string> acknowledged;
  {
    Client client(server->http_url(), server->key(), server->secret());
    for (int i = 0; i < 20; ++i) {
      auto r = client.PostJson("/xapi/statements",
                               SampleStatement("mailto:r@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
      ASSERT_EQ(r.status, 200);
      acknowledged.insert(r.Json()[0].GetString());
    }
  }
  EXPECT_EQ(server->Stop(SIGTERM), 0);  // graceful: exit status 0
  EXPECT_NE(server->Stderr().find("stopped cleanly"), std::string::npos);
  server->StartAgain();
  Client client(server->http_url(), server->key(), server->secret());
  EXPECT_EQ(AllIds(client, activity), acknowledged);
  // Stored order continues after the restart: a new statement sorts after the old ones.
  auto r = client.PostJson("/xapi/statements",
                           SampleStatement("mailto:r@example.com", "http://adlnet.gov/expapi/verbs/completed", activity));
  ASSERT_EQ(r.status, 200);
  auto page = client.Get("/xapi/statements?limit=1&activity=" + UrlEncode(activity)).Json();
  EXPECT_EQ(std::string(page["statements"][0]["id"].GetString()), std::string(r.Json()[0].GetString()));
}

// Small statement writes are handled on the network threads (answered once their WAL sync is
// done); the rest, and any that would wait, on the worker pool; `--worker-writes` sends them all
// there. Either way: every answer is the same, and an acknowledged statement is readable at once.
TEST(Server, StatementWritesAnswerTheSameOnNetworkThreadsAndWorkers) {
  for (bool worker_writes : {false, true}) {
    SCOPED_TRACE(worker_writes ? "--worker-writes" : "default");
    ServerOptions options;
    options.https = true;
    if (worker_writes) options.extra_args = {"--worker-writes"};
    auto server = Server::Start(options);
    const std::string activity = "http://example.com/inline/" + NewUuidString();
    const std::string statement = SampleStatement("mailto:i@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    std::mutex mu;
    std::set<std::string> acknowledged;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        Client client(t % 2 ? server->https_url() : server->http_url(), server->key(), server->secret());
        for (int i = 0; i < 25; ++i) {
          std::string id;
          if (i % 2) {
            id = NewUuidString();
            std::string body = statement;
            body.insert(1, "\"id\":\"" + id + "\",");
            auto r = client.PutJson("/xapi/statements?statementId=" + id, body);
            if (r.status != 204) {
              ADD_FAILURE() << "PUT " << r.status << " " << r.body;
              ++failures;
            }
          } else {
            auto r = client.PostJson("/xapi/statements", statement);
            if (r.status != 200) {
              ADD_FAILURE() << "POST " << r.status << " " << r.body;
              ++failures;
              continue;
            }
            id = r.Json()[0].GetString();
          }
          // Acknowledged means visible: by id, and in the statement's indexes.
          if (auto got = client.Get("/xapi/statements?statementId=" + id); got.status != 200) {
            ADD_FAILURE() << "GET " << got.status << " " << got.body;
            ++failures;
          }
          std::lock_guard lock(mu);
          acknowledged.insert(id);
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    Client client(server->http_url(), server->key(), server->secret());
    EXPECT_EQ(AllIds(client, activity), acknowledged);

    // Errors are the same whichever thread answers: a conflicting PUT, an invalid statement, an
    // unknown credential (its first request runs on a worker, as verifying costs a derivation).
    const std::string id = *acknowledged.begin();
    std::string other = SampleStatement("mailto:other@example.com");
    other.insert(1, "\"id\":\"" + id + "\",");
    EXPECT_EQ(client.PutJson("/xapi/statements?statementId=" + id, other).status, 409);
    EXPECT_EQ(client.PostJson("/xapi/statements", R"({"actor":{"mbox":"mailto:x@example.com"}})").status, 400);
    Client stranger(server->http_url(), "nobody", "nothing");
    EXPECT_EQ(stranger.PostJson("/xapi/statements", statement).status, 401);
    // Re-sending a stored statement is a no-op, acknowledged like the first time.
    const std::string resent_id = NewUuidString();
    std::string resent = statement;
    resent.insert(1, "\"id\":\"" + resent_id + "\",");
    EXPECT_EQ(client.PutJson("/xapi/statements?statementId=" + resent_id, resent).status, 204);
    EXPECT_EQ(client.PutJson("/xapi/statements?statementId=" + resent_id, resent).status, 204);
    EXPECT_EQ(client.PostJson("/xapi/statements", resent).status, 200);
    acknowledged.insert(resent_id);
    // A body over the network thread's limit (a batch of 250 statements) takes the worker pool.
    std::string batch = "[";
    for (int i = 0; i < 250; ++i) batch += (i ? "," : "") + statement;
    batch += "]";
    ASSERT_GT(batch.size(), 64u * 1024);
    auto big = client.PostJson("/xapi/statements", batch);
    ASSERT_EQ(big.status, 200) << big.body;
    EXPECT_EQ(big.Json().Size(), 250u);
    EXPECT_EQ(AllIds(client, activity).size(), acknowledged.size() + 250);
  }
}

TEST(Server, CrashAfterAcknowledgementLosesNothing) {
  auto server = Server::Start();
  const std::string activity = "http://example.com/crash/" + NewUuidString();
  std::set<std::string> acknowledged;
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  {
    // Verify the credential once (the slow hash), so the writers start writing at once.
    Client warm(server->http_url(), server->key(), server->secret());
    ASSERT_EQ(warm.Get("/xapi/about").status, 200);
    ASSERT_EQ(warm.Get("/xapi/statements?limit=1").status, 200);
  }
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      try {
        Client client(server->http_url(), server->key(), server->secret());
        while (!stop) {
          auto r = client.PostJson("/xapi/statements",
                                   SampleStatement("mailto:w" + std::to_string(t) + "@example.com",
                                                   "http://adlnet.gov/expapi/verbs/completed", activity));
          if (r.status != 200) continue;
          std::lock_guard lock(mu);
          acknowledged.insert(r.Json()[0].GetString());
        }
      } catch (...) {
        // The server was killed mid-request: that request was never acknowledged.
      }
    });
  }
  // Kill once enough writes were acknowledged (sanitizer builds are slower), at most 10 s.
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 50) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server->Stop(SIGKILL);  // no shutdown path at all
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_GT(acknowledged.size(), 10u);
  server->StartAgain();
  Client client(server->http_url(), server->key(), server->secret());
  auto found = AllIds(client, activity);
  for (const auto& id : acknowledged) EXPECT_TRUE(found.count(id)) << "lost acknowledged statement " << id;
}

TEST(Server, CredentialsCommandAndScopes) {
  auto server = Server::Start();
  // While the server holds the data directory the command refuses, and says why.
  auto busy = server->RunCli({"credentials", "list"});
  EXPECT_EQ(busy.first, 3);
  EXPECT_NE(busy.second.find("in use"), std::string::npos) << busy.second;
  server->Stop();

  auto created = server->RunCli({"credentials", "create", "--key", "reader", "--secret", "reader-secret-1",
                                 "--scope", "statements/read"});
  ASSERT_EQ(created.first, 0) << created.second;
  EXPECT_NE(created.second.find("key: reader"), std::string::npos);
  created = server->RunCli({"credentials", "create", "--key", "writer", "--secret", "writer-secret-1", "--scope",
                            "statements/write"});
  ASSERT_EQ(created.first, 0) << created.second;
  created = server->RunCli({"credentials", "create", "--key", "mine", "--secret", "mine-secret-1", "--scope",
                            "statements/write,statements/read/mine"});
  ASSERT_EQ(created.first, 0) << created.second;
  auto generated = server->RunCli({"credentials", "create", "--scope", "all/read"});
  ASSERT_EQ(generated.first, 0);
  EXPECT_NE(generated.second.find("secret: "), std::string::npos);
  auto dup = server->RunCli({"credentials", "create", "--key", "reader", "--secret", "another-secret", "--scope", "all"});
  EXPECT_NE(dup.first, 0);
  auto bad_scope = server->RunCli({"credentials", "create", "--scope", "everything"});
  EXPECT_EQ(bad_scope.first, 2);
  auto listed = server->RunCli({"credentials", "list"});
  EXPECT_NE(listed.second.find("reader\tstatements/read"), std::string::npos) << listed.second;
  EXPECT_EQ(listed.second.find("reader-secret-1"), std::string::npos);  // never secrets

  server->StartAgain();
  Client reader(server->http_url(), "reader", "reader-secret-1");
  Client writer(server->http_url(), "writer", "writer-secret-1");
  Client mine(server->http_url(), "mine", "mine-secret-1");
  Client admin(server->http_url(), server->key(), server->secret());
  const std::string activity = "http://example.com/scopes/" + NewUuidString();
  auto statement = SampleStatement("mailto:s@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
  EXPECT_EQ(reader.PostJson("/xapi/statements", statement).status, 403);
  EXPECT_EQ(writer.PostJson("/xapi/statements", statement).status, 200);
  EXPECT_EQ(writer.Get("/xapi/statements").status, 403);
  auto own = mine.PostJson("/xapi/statements", statement);
  ASSERT_EQ(own.status, 200);
  std::string own_id = own.Json()[0].GetString();
  EXPECT_EQ(reader.Get("/xapi/statements?activity=" + UrlEncode(activity)).Json()["statements"].Size(), 2u);
  // statements/read/mine sees only what this credential stored.
  auto mine_page = mine.Get("/xapi/statements?activity=" + UrlEncode(activity)).Json();
  ASSERT_EQ(mine_page["statements"].Size(), 1u);
  EXPECT_EQ(std::string(mine_page["statements"][0]["id"].GetString()), own_id);
  EXPECT_EQ(admin.Get("/xapi/statements?activity=" + UrlEncode(activity)).status, 200);

  server->Stop();
  auto revoked = server->RunCli({"credentials", "revoke", "reader"});
  EXPECT_EQ(revoked.first, 0) << revoked.second;
  EXPECT_NE(server->RunCli({"credentials", "revoke", "reader"}).first, 0);
  server->StartAgain();
  Client revoked_reader(server->http_url(), "reader", "reader-secret-1");
  EXPECT_EQ(revoked_reader.Get("/xapi/statements").status, 401);
}

TEST(Server, LimitsAndMalformedRequests) {
  ServerOptions options;
  options.extra_args = {"--max-body", "100000", "--max-batch", "5"};
  auto server = Server::Start(options);
  Client client(server->http_url(), server->key(), server->secret());
  std::string big = "[" + SampleStatement();
  while (big.size() < 200000) big += "," + SampleStatement();
  big += "]";
  auto too_big = client.PostJson("/xapi/statements", big);
  EXPECT_EQ(too_big.status, 413);
  std::string six = "[" + SampleStatement();
  for (int i = 0; i < 5; ++i) six += "," + SampleStatement();
  six += "]";
  EXPECT_EQ(client.PostJson("/xapi/statements", six).status, 413);

  std::string huge_header = "GET /xapi/about HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n";
  EXPECT_EQ(client.RawExchange(huge_header).rfind("HTTP/1.1 431", 0), 0u);
  EXPECT_EQ(client.RawExchange("NOT HTTP AT ALL\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  // Still serving after all of that.
  EXPECT_EQ(client.Get("/xapi/about").status, 200);
}

TEST(Server, HttpsServesTheXapiWithAGeneratedCertificate) {
  ServerOptions options;
  options.http = false;
  options.https = true;
  auto server = Server::Start(options);
  Client client(server->https_url(), server->key(), server->secret(), "2.0.0");
  auto posted = client.PostJson("/xapi/statements", SampleStatement());
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto got = client.Get(std::string("/xapi/statements?statementId=") + posted.Json()[0].GetString());
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.Header("X-Experience-API-Version"), "2.0.0");
}

TEST(Server, GracefulShutdownAnswersInFlightRequests) {
  auto server = Server::Start();
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      Client client(server->http_url(), server->key(), server->secret());
      std::string batch = "[" + SampleStatement();
      for (int i = 0; i < 200; ++i) batch += "," + SampleStatement();
      batch += "]";
      try {
        auto r = client.PostJson("/xapi/statements", batch);
        (r.status == 200 ? ok : failed)++;
      } catch (...) {
        failed++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  int status = server->Stop(SIGTERM);
  for (auto& c : clients) c.join();
  EXPECT_EQ(status, 0);
  // Requests that reached the server before SIGTERM got their answer; none was cut off.
  EXPECT_EQ(ok + failed, 4);
  EXPECT_GT(ok.load(), 0);
}

}  // namespace
}  // namespace lrsd::testkit
