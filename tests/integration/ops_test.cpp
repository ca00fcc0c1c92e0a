// Operations against the real binary: /health, /metrics (access, counters that move, histogram,
// RocksDB and process gauges, exposition syntax), the JSON access log (and no secret in any log
// line), and configuration from a file, the environment and flags with their precedence.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "lrsd/base.h"
#include "lrsd/ops.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

using Labels = std::map<std::string, std::string>;

std::vector<ops::ParsedSample> Scrape(Client& client) {
  auto r = client.Get("/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  auto parsed = ops::ParseText(r.body);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().ToString());
  return parsed.ok() ? *parsed : std::vector<ops::ParsedSample>{};
}

double ValueOf(const std::vector<ops::ParsedSample>& samples, const std::string& name, const Labels& labels = {}) {
  for (const auto& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double RequestsTotal(const std::vector<ops::ParsedSample>& samples, const std::string& resource,
                     const std::string& method, const std::string& status) {
  double v = ValueOf(samples, "lrsd_http_requests_total", {{"resource", resource}, {"method", method}, {"status", status}});
  return std::isnan(v) ? 0 : v;
}

std::string Statement(const std::string& activity) {
  return SampleStatement("mailto:ops@example.com", "http://adlnet.gov/expapi/verbs/completed", activity);
}

ServerOptions WithArgs(std::vector<std::string> args) {
  ServerOptions options;
  options.extra_args = std::move(args);
  return options;
}

// Every line the process wrote on stderr.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// ---- /health ----------------------------------------------------------------------------------
TEST(Ops, HealthNeedsNoCredential) {
  auto server = Server::Start();
  Client client(server->http_url(), "", "");
  client.set_auth_enabled(false);
  auto r = client.Request("GET", "/health", "", {{"X-Experience-API-Version", ""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  auto json = r.Json();
  ASSERT_TRUE(json.IsObject()) << r.body;
  EXPECT_STREQ(json["status"].GetString(), "ok");
  EXPECT_STREQ(json["store"].GetString(), "ok");
  EXPECT_FALSE(std::string(json["version"].GetString()).empty());
  EXPECT_TRUE(json["uptimeSeconds"].IsUint64());

  auto head = client.Request("HEAD", "/health");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(client.Request("POST", "/health", "{}").status, 405);
  // Never under the xAPI base path.
  EXPECT_EQ(client.Get("/xapi/health").status, 404);
}

// ---- /metrics ---------------------------------------------------------------------------------
class Metrics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = Server::Start().release();
    server_->Stop();
    auto created = server_->RunCli({"credentials", "create", "--key", "writer", "--secret", "writer-secret-1",
                                    "--scope", "statements/write,statements/read"});
    ASSERT_EQ(created.first, 0) << created.second;
    created = server_->RunCli({"credentials", "create", "--key", "operator", "--secret", "operator-secret-1",
                               "--scope", "admin"});
    ASSERT_EQ(created.first, 0) << created.second;
    server_->StartAgain();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline Server* server_ = nullptr;
};

TEST_F(Metrics, NeedAdminOrAllByDefault) {
  Client anonymous(server_->http_url(), "", "");
  anonymous.set_auth_enabled(false);
  auto r = anonymous.Get("/metrics");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.Header("WWW-Authenticate"), "");
  Client wrong(server_->http_url(), "operator", "not-the-secret");
  EXPECT_EQ(wrong.Get("/metrics").status, 401);
  Client writer(server_->http_url(), "writer", "writer-secret-1");
  EXPECT_EQ(writer.Get("/metrics").status, 403);
  Client op(server_->http_url(), "operator", "operator-secret-1");
  EXPECT_EQ(op.Get("/metrics").status, 200);
  Client all(server_->http_url(), server_->key(), server_->secret());
  EXPECT_EQ(all.Get("/metrics").status, 200);
  auto head = all.Request("HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(all.Request("DELETE", "/metrics").status, 405);
}

TEST_F(Metrics, CountersMoveWithRequests) {
  Client op(server_->http_url(), "operator", "operator-secret-1");
  Client writer(server_->http_url(), "writer", "writer-secret-1");
  auto before = Scrape(op);
  const double posts = RequestsTotal(before, "statements", "POST", "200");
  const double gets = RequestsTotal(before, "statements", "GET", "200");
  const double bad = RequestsTotal(before, "statements", "POST", "400");
  const double abouts = RequestsTotal(before, "about", "GET", "200");
  const double stored = ValueOf(before, "lrsd_statements_stored_total");
  ASSERT_FALSE(std::isnan(stored));

  const std::string activity = "http://example.com/ops/" + NewUuidString();
  ASSERT_EQ(writer.PostJson("/xapi/statements", "[" + Statement(activity) + "," + Statement(activity) + "]").status, 200);
  ASSERT_EQ(writer.PostJson("/xapi/statements", Statement(activity)).status, 200);
  ASSERT_EQ(writer.PutJson("/xapi/statements?statementId=" + NewUuidString(), Statement(activity)).status, 204);
  ASSERT_EQ(writer.PostJson("/xapi/statements", R"({"actor":"nobody"})").status, 400);
  ASSERT_EQ(writer.Get("/xapi/statements?activity=" + UrlEncode(activity)).status, 200);
  ASSERT_EQ(writer.Get("/xapi/about").status, 200);
  ASSERT_EQ(writer.Get("/nowhere").status, 404);

  auto after = Scrape(op);
  EXPECT_EQ(RequestsTotal(after, "statements", "POST", "200"), posts + 2);
  EXPECT_EQ(RequestsTotal(after, "statements", "PUT", "204"), RequestsTotal(before, "statements", "PUT", "204") + 1);
  EXPECT_EQ(RequestsTotal(after, "statements", "POST", "400"), bad + 1);
  EXPECT_EQ(RequestsTotal(after, "statements", "GET", "200"), gets + 1);
  EXPECT_EQ(RequestsTotal(after, "about", "GET", "200"), abouts + 1);
  EXPECT_GE(RequestsTotal(after, "other", "GET", "404"), 1);
  EXPECT_GE(RequestsTotal(after, "metrics", "GET", "200"), 1);  // the previous scrape
  EXPECT_EQ(ValueOf(after, "lrsd_statements_stored_total"), stored + 4);
}

TEST_F(Metrics, HistogramIsConsistent) {
  Client op(server_->http_url(), "operator", "operator-secret-1");
  Client writer(server_->http_url(), "writer", "writer-secret-1");
  ASSERT_EQ(writer.PostJson("/xapi/statements", Statement("http://example.com/ops/h")).status, 200);
  auto samples = Scrape(op);
  // Buckets for every bound, cumulative, +Inf equal to the count; the sum is positive.
  double previous = 0;
  for (double le : ops::kDurationBuckets) {
    double v = ValueOf(samples, "lrsd_http_request_duration_seconds_bucket",
                       {{"resource", "statements"}, {"le", ops::TextWriter::FormatValue(le)}});
    ASSERT_FALSE(std::isnan(v)) << le;
    EXPECT_GE(v, previous);
    previous = v;
  }
  const double inf = ValueOf(samples, "lrsd_http_request_duration_seconds_bucket",
                             {{"resource", "statements"}, {"le", "+Inf"}});
  EXPECT_GE(inf, previous);
  EXPECT_GE(inf, 1);
  EXPECT_EQ(ValueOf(samples, "lrsd_http_request_duration_seconds_count", {{"resource", "statements"}}), inf);
  EXPECT_GT(ValueOf(samples, "lrsd_http_request_duration_seconds_sum", {{"resource", "statements"}}), 0);
}

TEST_F(Metrics, RocksDbAndProcessGauges) {
  Client op(server_->http_url(), "operator", "operator-secret-1");
  Client writer(server_->http_url(), "writer", "writer-secret-1");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(writer.PostJson("/xapi/statements", Statement("http://example.com/ops/g")).status, 200);
  }
  auto samples = Scrape(op);
  EXPECT_GE(ValueOf(samples, "lrsd_rocksdb_estimate_num_keys", {{"family", "statements"}}), 3);
  for (const char* family : {"statements", "spine", "index", "documents", "profiles"}) {
    EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_total_sst_files_size_bytes", {{"family", family}}))) << family;
    EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_memtables_size_bytes", {{"family", family}}))) << family;
    EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_estimate_pending_compaction_bytes", {{"family", family}})))
        << family;
  }
  EXPECT_GT(ValueOf(samples, "lrsd_rocksdb_memtables_size_bytes", {{"family", "statements"}}), 0);
  EXPECT_GT(ValueOf(samples, "lrsd_rocksdb_block_cache_capacity_bytes"), 0);
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_block_cache_usage_bytes")));
  EXPECT_EQ(ValueOf(samples, "lrsd_rocksdb_background_errors"), 0);
  EXPECT_GT(ValueOf(samples, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(ValueOf(samples, "process_open_fds"), 3);
  EXPECT_GT(ValueOf(samples, "process_cpu_seconds_total"), 0);
  EXPECT_GT(ValueOf(samples, "process_threads"), 1);
  EXPECT_FALSE(std::isnan(ValueOf(samples, "process_start_time_seconds")));
  bool build_info = false;
  for (const auto& s : samples) build_info |= s.name == "lrsd_build_info" && s.labels.count("version") && s.value == 1;
  EXPECT_TRUE(build_info);
}

TEST_F(Metrics, EverySampleLineIsWellFormed) {
  Client op(server_->http_url(), "operator", "operator-secret-1");
  auto r = op.Get("/metrics");
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(ops::ParseText(r.body).ok());
  // Beyond the parser: `name{labels} value` or `name value`, nothing else, on every sample line.
  std::set<std::string> typed;
  for (const auto& line : Lines(r.body)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(typed.insert(name).second) << "second TYPE for " << name;
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    ASSERT_NE(line[0], '#') << line;
    std::size_t brace = line.find('{');
    std::size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    std::string name = line.substr(0, std::min(brace, space));
    if (brace != std::string::npos) {
      EXPECT_EQ(line[space - 1], '}') << line;
    }
    std::string value = line.substr(space + 1);
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    EXPECT_TRUE(*end == '\0' || value == "+Inf" || value == "NaN") << line;
    // Its family was declared before it.
    bool declared = typed.count(name) > 0;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
        declared |= typed.count(name.substr(0, name.size() - s.size())) > 0;
      }
    }
    EXPECT_TRUE(declared) << line;
  }
}

TEST(Ops, NoMetricsAuthOpensMetrics) {
  auto server = Server::Start(WithArgs({"--no-metrics-auth"}));
  Client anonymous(server->http_url(), "", "");
  anonymous.set_auth_enabled(false);
  auto r = anonymous.Get("/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(ops::ParseText(r.body).ok());
}

// ---- Logs -------------------------------------------------------------------------------------
// Requests that carry the credential every way a client might: the header, a wrong secret, the
// alternate request syntax's form body, and (wrongly) the query string.
void RequestsWithSecrets(Server& server, const std::string& wrong_secret) {
  Client client(server.http_url(), server.key(), server.secret());
  ASSERT_EQ(client.PostJson("/xapi/statements", Statement("http://example.com/ops/log")).status, 200);
  ASSERT_EQ(client.Get("/xapi/statements?limit=1").status, 200);
  ASSERT_EQ(client.Get("/metrics").status, 200);
  Client wrong(server.http_url(), server.key(), wrong_secret);
  EXPECT_EQ(wrong.Get("/xapi/statements?limit=1").status, 401);
  const std::string basic = "Basic " + Base64Encode(server.key() + ":" + server.secret());
  Client raw(server.http_url(), "", "");
  raw.set_auth_enabled(false);
  auto alt = raw.Request("POST", "/xapi/statements?method=GET",
                         "Authorization=" + UrlEncode(basic) + "&X-Experience-API-Version=1.0.3&limit=1",
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(alt.status, 200) << alt.body;
  raw.Get("/xapi/statements?Authorization=" + UrlEncode(basic) + "&secret=" + server.secret() +
          "&password=" + wrong_secret);
}

void ExpectNoSecret(const std::string& log, const Server& server, const std::string& wrong_secret) {
  const std::string basic = Base64Encode(server.key() + ":" + server.secret());
  ASSERT_FALSE(server.secret().empty());
  EXPECT_EQ(log.find(server.secret()), std::string::npos) << log;
  EXPECT_EQ(log.find(wrong_secret), std::string::npos) << log;
  EXPECT_EQ(log.find(basic), std::string::npos) << log;
  EXPECT_EQ(log.find(UrlEncode(basic)), std::string::npos) << log;
  EXPECT_EQ(log.find(Base64Encode(server.key() + ":" + wrong_secret)), std::string::npos) << log;
}

TEST(Ops, JsonLogLinesAreJsonAndHoldNoSecret) {
  auto server = Server::Start(WithArgs({"--log-format", "json"}));
  const std::string wrong_secret = "wrong-" + NewUuidString();
  RequestsWithSecrets(*server, wrong_secret);
  EXPECT_EQ(server->Stop(), 0);
  const std::string log = server->Stderr();
  auto lines = Lines(log);
  ASSERT_GE(lines.size(), 8u) << log;
  int access = 0;
  bool stopped = false;
  for (const auto& line : lines) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(line.c_str(), line.size());
    ASSERT_FALSE(d.HasParseError()) << line;
    ASSERT_TRUE(d.IsObject()) << line;
    ASSERT_TRUE(d.HasMember("time") && d["time"].IsString()) << line;
    ASSERT_TRUE(d.HasMember("level") && d["level"].IsString()) << line;
    ASSERT_TRUE(d.HasMember("msg") && d["msg"].IsString()) << line;
    stopped |= std::string(d["msg"].GetString()) == "stopped cleanly";
    if (std::string(d["msg"].GetString()) != "request") continue;
    ++access;
    EXPECT_TRUE(d["remote"].IsString()) << line;
    EXPECT_TRUE(d["method"].IsString()) << line;
    EXPECT_TRUE(d["target"].IsString()) << line;
    EXPECT_TRUE(d["status"].IsInt()) << line;
    EXPECT_TRUE(d["bytes"].IsInt()) << line;
    EXPECT_TRUE(d["ms"].IsNumber()) << line;
    EXPECT_EQ(std::string(d["level"].GetString()), "info");
  }
  EXPECT_GE(access, 6) << log;
  EXPECT_TRUE(stopped) << log;
  EXPECT_NE(log.find(R"("target":"/xapi/statements?Authorization=REDACTED&secret=REDACTED&password=REDACTED")"),
            std::string::npos)
      << log;
  ExpectNoSecret(log, *server, wrong_secret);
}

TEST(Ops, TextLogHoldsNoSecret) {
  auto server = Server::Start();
  const std::string wrong_secret = "wrong-" + NewUuidString();
  RequestsWithSecrets(*server, wrong_secret);
  EXPECT_EQ(server->Stop(), 0);
  const std::string log = server->Stderr();
  EXPECT_NE(log.find(" INFO 127.0.0.1 POST /xapi/statements 200 "), std::string::npos) << log;  // format unchanged
  ExpectNoSecret(log, *server, wrong_secret);
}

// ---- Configuration ----------------------------------------------------------------------------
// The number of statements a GET with limit=0 returns (the page size) for an activity with more.
std::size_t PageSize(Server& server, const std::string& activity) {
  Client client(server.http_url(), server.key(), server.secret());
  auto r = client.Get("/xapi/statements?limit=0&activity=" + UrlEncode(activity));
  EXPECT_EQ(r.status, 200) << r.body;
  auto json = r.Json();
  return json.IsObject() ? json["statements"].Size() : 0;
}

class Config : public ::testing::Test {
 protected:
  void SetUp() override {
    // One data directory for every start of a test, so its credential and statements carry over.
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-ops-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    config_ = dir_ + "/lrsd.toml";
    std::filesystem::create_directories(dir_ + "/data");
  }
  void TearDown() override {
    unsetenv("LRSD_PAGE_SIZE");
    unsetenv("LRSD_LOG_FORMAT");
    unsetenv("LRSD_NO_METRICS_AUTH");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void WriteConfig(const std::string& text) { std::ofstream(config_) << text; }
  // Starts lrsd on dir_ with `args`, the environment variables given set for this start only.
  std::unique_ptr<Server> Start(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::unique_ptr<Server> s;
    try {
      ServerOptions options;
      options.extra_args = std::move(args);
      options.data_dir = dir_ + "/data";
      s = Server::Start(std::move(options));
    } catch (...) {
      for (const auto& [k, v] : env) unsetenv(k.c_str());
      throw;
    }
    for (const auto& [k, v] : env) unsetenv(k.c_str());
    return s;
  }
  std::string dir_, config_;
};

TEST_F(Config, FileThenEnvironmentThenFlag) {
  WriteConfig(
      "# lrsd settings\n"
      "page-size = 3\n"
      "log-format = \"json\"\n"
      "no_metrics_auth = true\n"
      "max-batch = 50\n");
  std::string activity = "http://example.com/ops/config/" + NewUuidString();
  std::string key, secret;
  {
    auto server = Start({"--config", config_});
    key = server->key();
    secret = server->secret();
    Client client(server->http_url(), key, secret);
    for (int i = 0; i < 6; ++i) ASSERT_EQ(client.PostJson("/xapi/statements", Statement(activity)).status, 200);
    EXPECT_EQ(PageSize(*server, activity), 3u);  // the file
    Client anonymous(server->http_url(), "", "");
    anonymous.set_auth_enabled(false);
    EXPECT_EQ(anonymous.Get("/metrics").status, 200);  // a flag set in the file
    server->Stop();
    auto lines = Lines(server->Stderr());
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().front(), '{') << lines.back();  // a string set in the file
  }
  // Later starts print no credential (one exists): the first one's is used.
  {
    auto server = Start({"--config", config_}, {{"LRSD_PAGE_SIZE", "2"}, {"LRSD_LOG_FORMAT", "text"}});
    Client client(server->http_url(), key, secret);
    auto r = client.Get("/xapi/statements?limit=0&activity=" + UrlEncode(activity));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Json()["statements"].Size(), 2u);  // the environment beats the file
    server->Stop();
    auto lines = Lines(server->Stderr());
    EXPECT_NE(lines.back().front(), '{') << lines.back();
  }
  {
    auto server = Start({"--config", config_, "--page-size", "4"}, {{"LRSD_PAGE_SIZE", "2"}});
    Client client(server->http_url(), key, secret);
    auto r = client.Get("/xapi/statements?limit=0&activity=" + UrlEncode(activity));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Json()["statements"].Size(), 4u);  // the flag beats both
  }
  {
    // A flag from the environment (LRSD_NO_METRICS_AUTH=false beats the file's true).
    auto server = Start({"--config", config_}, {{"LRSD_NO_METRICS_AUTH", "false"}});
    Client anonymous(server->http_url(), "", "");
    anonymous.set_auth_enabled(false);
    EXPECT_EQ(anonymous.Get("/metrics").status, 401);
  }
  {
    // The environment alone, without a file: LRSD_CONFIG names the file too.
    auto server = Start({}, {{"LRSD_CONFIG", config_}});
    Client client(server->http_url(), key, secret);
    auto r = client.Get("/xapi/statements?limit=0&activity=" + UrlEncode(activity));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Json()["statements"].Size(), 3u);
  }
}

TEST_F(Config, SectionAndErrors) {
  WriteConfig("[serve]\npage-size = 5\n");
  {
    auto server = Start({"--config", config_});
    Client client(server->http_url(), server->key(), server->secret());
    std::string activity = "http://example.com/ops/section/" + NewUuidString();
    for (int i = 0; i < 6; ++i) ASSERT_EQ(client.PostJson("/xapi/statements", Statement(activity)).status, 200);
    EXPECT_EQ(PageSize(*server, activity), 5u);
    server->Stop();
    // Errors are usage errors (exit 2) naming the file and the setting.
    WriteConfig("page-size = 5\npage-sise = 7\n");
    auto typo = server->RunCli({"serve", "--config", config_});
    EXPECT_EQ(typo.first, 2) << typo.second;
    EXPECT_NE(typo.second.find("page-sise"), std::string::npos) << typo.second;
    WriteConfig("page-size = lots\n");
    auto bad = server->RunCli({"serve", "--config", config_});
    EXPECT_EQ(bad.first, 2) << bad.second;
    EXPECT_NE(bad.second.find("page-size"), std::string::npos) << bad.second;
    auto missing = server->RunCli({"serve", "--config", dir_ + "/absent.toml"});
    EXPECT_EQ(missing.first, 2) << missing.second;
    EXPECT_NE(missing.second.find("absent.toml"), std::string::npos) << missing.second;
    WriteConfig("[other]\npage-size = 5\n");
    auto section = server->RunCli({"serve", "--config", config_});
    EXPECT_EQ(section.first, 2) << section.second;
  }
}

TEST(Ops, HelpNamesEnvironmentVariablesAndPrecedence) {
  auto server = Server::Start();
  server->Stop();
  auto help = server->RunCli({"serve", "--help"});
  EXPECT_EQ(help.first, 0) << help.second;
  for (const char* text : {"LRSD_DATA", "LRSD_HTTPS", "LRSD_PAGE_SIZE", "LRSD_NO_SYNC", "LRSD_LOG_FORMAT",
                           "LRSD_NO_METRICS_AUTH", "LRSD_CONFIG", "--config", "--log-format", "--no-metrics-auth",
                           "flags > environment > config file > defaults"}) {
    EXPECT_NE(help.second.find(text), std::string::npos) << text << "\n" << help.second;
  }
}

}  // namespace
}  // namespace lrsd::testkit
