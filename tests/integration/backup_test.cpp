// Backup and restore on the real binary: `lrsd backup` while lrsd serves and statements keep
// arriving (through the server's control socket), `lrsd restore` into a new data directory, and a
// second lrsd on the restored data answering the same statements, queries and learning profiles.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRules = R"({
  "modality":[{"when":{"activityType":"http://adlnet.gov/expapi/activities/course"},"modality":"formal"}]})";
constexpr const char* kPeople = R"([
  {"id":"p1","name":"Ana","ifis":[{"mbox":"mailto:ana@example.com"}],"role":"r","unit":"u1"},
  {"id":"p2","name":"Ben","ifis":[{"mbox":"mailto:ben@example.com"}],"role":"r","unit":"u1"}])";

std::string Statement(const std::string& id, int i) {
  const char* who = i % 2 ? "ana" : "ben";
  return R"({"id":")" + id + R"(","actor":{"mbox":"mailto:)" + who +
         R"(@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://lms.example.com/course/)" +
         std::to_string(i % 7) +
         R"(","definition":{"type":"http://adlnet.gov/expapi/activities/course"}},"result":{"duration":"PT)" +
         std::to_string(60 + i % 300) + R"(S"}})";
}

// Runs the lrsd binary with `args`; returns its exit status, its output in `out`.
int RunLrsd(const std::string& args, std::string& out) {
  const std::string file = fs::temp_directory_path() / ("lrsd-backup-test-" + NewUuidString() + ".out");
  const int status = std::system((std::string(LRSD_BINARY) + " " + args + " >" + file + " 2>&1").c_str());
  std::ifstream in(file);
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fs::remove(file);
  return WEXITSTATUS(status);
}

std::string AllStatements(Client& c, const std::string& filter = "") {
  std::string all;
  std::string target = "/xapi/statements?limit=200" + filter;
  while (!target.empty()) {
    auto r = c.Get(target);
    if (r.status != 200) return "HTTP " + std::to_string(r.status);
    auto doc = r.Json();
    for (const auto& s : doc["statements"].GetArray()) all += std::string(s["id"].GetString()) + "\n";
    target = doc.HasMember("more") && doc["more"].GetStringLength() > 0 ? doc["more"].GetString() : "";
  }
  return all;
}

TEST(BackupRestore, BackupWhileServingRestoresTheSameStatementsQueriesAndProfiles) {
  auto a = Server::Start();
  Client admin(a->http_url(), a->key(), a->secret(), "1.0.3");
  ASSERT_EQ(admin.Request("PUT", "/admin/rules", kRules, {{"Content-Type", "application/json"}}).status, 200);
  ASSERT_EQ(admin.Request("PUT", "/admin/people", kPeople, {{"Content-Type", "application/json"}}).status, 200);

  // A writer posts batches of 20 until told to stop; each acknowledged id is recorded with the
  // time its acknowledgement arrived.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> acked;
  std::atomic<int> errors{0};
  std::thread writer([&] {
    Client c(a->http_url(), a->key(), a->secret(), "1.0.3");
    for (int batch = 0; !stop; ++batch) {
      std::vector<std::string> ids;
      std::string body = "[";
      for (int i = 0; i < 20; ++i) {
        ids.push_back(NewUuidString());
        body += (i ? "," : "") + Statement(ids.back(), batch * 20 + i);
      }
      body += "]";
      if (c.PostJson("/xapi/statements", body).status != 200) {
        ++errors;
        continue;
      }
      std::lock_guard lock(mu);
      acked.insert(acked.end(), ids.begin(), ids.end());
    }
  });
  while (true) {  // some history first
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::lock_guard lock(mu);
    if (acked.size() >= 400) break;
  }
  std::vector<std::string> acked_before;
  {
    std::lock_guard lock(mu);
    acked_before = acked;
  }
  const std::string backups = a->data_dir() + "-backups";
  std::string out;
  ASSERT_EQ(RunLrsd("backup --data " + a->data_dir() + " --to " + backups, out), 0) << out;
  EXPECT_NE(out.find("lrsd: backup 1 of"), std::string::npos) << out;
  EXPECT_NE(a->Stderr().find("backup 1 written to"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // writes go on after it
  stop = true;
  writer.join();
  EXPECT_EQ(errors.load(), 0);

  // Quiet now: a second, incremental backup holds exactly what A holds.
  ASSERT_EQ(RunLrsd("backup --data " + a->data_dir() + " --to " + backups, out), 0) << out;
  EXPECT_NE(out.find("lrsd: backup 2 of"), std::string::npos) << out;
  ASSERT_EQ(RunLrsd("backup --list --to " + backups, out), 0) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;

  // Backup 1 (taken under writes) restored: every statement acknowledged before it began is
  // there, and its statements, queries and profiles agree with each other.
  const std::string dir1 = a->data_dir() + "-restored1", dir2 = a->data_dir() + "-restored2";
  ASSERT_EQ(RunLrsd("restore --from " + backups + " --backup 1 --data " + dir1, out), 0) << out;
  ASSERT_EQ(RunLrsd("restore --from " + backups + " --data " + dir2, out), 0) << out;
  // Restoring over an existing database is refused.
  EXPECT_NE(RunLrsd("restore --from " + backups + " --data " + dir2, out), 0);
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;

  ServerOptions o1;
  o1.data_dir = dir1;
  auto b1 = Server::Start(o1);
  Client c1(b1->http_url(), a->key(), a->secret(), "1.0.3");  // the credential came with the data
  const std::string listed1 = AllStatements(c1);
  std::set<std::string> in1;
  for (std::size_t p = 0, q; (q = listed1.find('\n', p)) != std::string::npos; p = q + 1) in1.insert(listed1.substr(p, q - p));
  for (const auto& id : acked_before) ASSERT_TRUE(in1.count(id)) << id << " acknowledged before the backup is missing";
  EXPECT_LT(in1.size(), acked.size()) << "backup 1 should predate the last writes";
  auto profile1 = c1.Get("/learning/people/p1");
  ASSERT_EQ(profile1.status, 200) << profile1.body;
  EXPECT_NE(profile1.body.find("\"formal\""), std::string::npos) << profile1.body;

  // Backup 2 restored: the same answers as A, statement by statement, query by query, profile by
  // profile.
  ServerOptions o2;
  o2.data_dir = dir2;
  auto b2 = Server::Start(o2);
  Client c2(b2->http_url(), a->key(), a->secret(), "1.0.3");
  EXPECT_EQ(AllStatements(c2), AllStatements(admin));
  const std::string ana = "&agent=%7B%22mbox%22%3A%22mailto%3Aana%40example.com%22%7D";
  EXPECT_EQ(AllStatements(c2, ana), AllStatements(admin, ana));
  const std::string course = "&activity=https%3A%2F%2Flms.example.com%2Fcourse%2F3&ascending=true";
  EXPECT_EQ(AllStatements(c2, course), AllStatements(admin, course));
  for (const std::string& id : {acked.front(), acked[acked.size() / 2], acked.back()}) {
    EXPECT_EQ(c2.Get("/xapi/statements?statementId=" + id).body, admin.Get("/xapi/statements?statementId=" + id).body);
  }
  for (const char* path : {"/learning/people/p1", "/learning/people/p2", "/learning/units/u1"}) {
    auto want = admin.Get(path), got = c2.Get(path);
    ASSERT_EQ(want.status, 200) << want.body;
    EXPECT_EQ(got.body, want.body) << path;
  }
  b1.reset();
  b2.reset();
  for (const auto& d : {backups, dir1, dir2}) fs::remove_all(d);
}

TEST(BackupRestore, BackupOfAStoppedServerOpensTheDatabaseDirectly) {
  auto a = Server::Start();
  Client c(a->http_url(), a->key(), a->secret(), "1.0.3");
  const std::string id = NewUuidString();
  ASSERT_EQ(c.PostJson("/xapi/statements", Statement(id, 1)).status, 200);
  a->Stop();
  const std::string backups = a->data_dir() + "-backups", restored = a->data_dir() + "-restored";
  std::string out;
  ASSERT_EQ(RunLrsd("backup --data " + a->data_dir() + " --to " + backups, out), 0) << out;
  ASSERT_EQ(RunLrsd("restore --from " + backups + " --data " + restored, out), 0) << out;
  ServerOptions o;
  o.data_dir = restored;
  auto b = Server::Start(o);
  Client cb(b->http_url(), a->key(), a->secret(), "1.0.3");
  EXPECT_EQ(cb.Get("/xapi/statements?statementId=" + id).status, 200);
  b.reset();
  fs::remove_all(backups);
  fs::remove_all(restored);
}

}  // namespace
}  // namespace lrsd::testkit
