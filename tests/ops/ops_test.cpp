// lrsd ops (src/ops/): the metrics registry, the Prometheus text format writer and reader,
// process gauges, /health, and the access log's redaction.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "lrsd/ops.h"

namespace lrsd::ops {
namespace {

using Labels = std::map<std::string, std::string>;

// The value of the one sample named `name` with exactly `labels`; NaN when absent.
double ValueOf(const std::vector<ParsedSample>& samples, const std::string& name, const Labels& labels = {}) {
  for (const auto& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::vector<ParsedSample> MustParse(const std::string& text) {
  auto parsed = ParseText(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().ToString()) << "\n" << text;
  return parsed.ok() ? *parsed : std::vector<ParsedSample>{};
}

http::Request MakeRequest(http::Method method, std::string target) {
  http::Request r;
  r.method = method;
  r.method_name = std::string(http::MethodName(method));
  r.target = std::move(target);
  return r;
}

http::Response MakeResponse(int status, std::string body = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// ---- Text writer ------------------------------------------------------------------------------
TEST(TextWriter, WritesHelpTypeAndSamples) {
  TextWriter w;
  w.Family("lrsd_things_total", "counter", "Things seen.\nSecond line \\ backslash.");
  w.Sample("lrsd_things_total", {{"kind", "a"}, {"path", "x\"y\\z\nw"}}, std::uint64_t{42});
  w.Sample("lrsd_things_total", {}, 1.5);
  EXPECT_EQ(w.text(),
            "# HELP lrsd_things_total Things seen.\\nSecond line \\\\ backslash.\n"
            "# TYPE lrsd_things_total counter\n"
            "lrsd_things_total{kind=\"a\",path=\"x\\\"y\\\\z\\nw\"} 42\n"
            "lrsd_things_total 1.5\n");
  auto samples = MustParse(w.text());
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].labels.at("path"), "x\"y\\z\nw");  // escaping round-trips
  EXPECT_EQ(samples[0].value, 42);
}

TEST(TextWriter, FormatsValuesAsPrometheusReadsThem) {
  EXPECT_EQ(TextWriter::FormatValue(0), "0");
  EXPECT_EQ(TextWriter::FormatValue(7), "7");
  EXPECT_EQ(TextWriter::FormatValue(-3), "-3");
  EXPECT_EQ(TextWriter::FormatValue(0.0005), "0.0005");
  EXPECT_EQ(TextWriter::FormatValue(2.5), "2.5");
  EXPECT_EQ(TextWriter::FormatValue(1e20), "1e+20");
  EXPECT_EQ(TextWriter::FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(TextWriter::FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(TextWriter::FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  for (double v : {0.1, 1.0 / 3, 123456.789, 1e-9, 9007199254740993.0}) {
    TextWriter w;
    w.Sample("x", {}, v);
    auto samples = MustParse(w.text());
    ASSERT_EQ(samples.size(), 1u);
    EXPECT_EQ(samples[0].value, v) << w.text();  // exact round trip
  }
}

// ---- Text reader ------------------------------------------------------------------------------
TEST(ParseText, AcceptsTheFormat) {
  auto samples = MustParse(
      "# A comment\n"
      "\n"
      "# HELP h Histogram.\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.1\"} 1\n"
      "h_bucket{le=\"+Inf\",} 2\n"
      "h_sum 0.3\n"
      "h_count 2\n"
      "g{a=\"1\", b=\"2\"} -Inf 1700000000000\n"
      "n NaN\n"
      "c:total 1e3\n");
  ASSERT_EQ(samples.size(), 7u);
  EXPECT_EQ(ValueOf(samples, "h_bucket", {{"le", "+Inf"}}), 2);
  EXPECT_EQ(ValueOf(samples, "g", {{"a", "1"}, {"b", "2"}}), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(samples[5].value));
  EXPECT_EQ(ValueOf(samples, "c:total"), 1000);
}

TEST(ParseText, RejectsMalformedLines) {
  for (const char* bad : {
           "1abc 1\n",                         // name starts with a digit
           "abc{1x=\"a\"} 1\n",                // label name
           "abc{x=\"a} 1\n",                   // unterminated value
           "abc{x=\"a\\t\"} 1\n",              // unknown escape
           "abc{x=\"a\",x=\"b\"} 1\n",         // repeated label
           "abc{x=a} 1\n",                     // unquoted value
           "abc\n",                            // no value
           "abc one\n",                        // not a number
           "abc 1 later\n",                    // not a timestamp
           "abc 1",                            // no final line feed
           "# TYPE abc counter\n# TYPE abc gauge\nabc 1\n",  // two TYPE lines
           "abc 1\n# TYPE abc counter\n",      // TYPE after samples
           "# TYPE abc nonsense\n",            // unknown type
           "abc{x=\"1\"} 1\nabc{x=\"1\"} 2\n",  // duplicate sample
       }) {
    EXPECT_FALSE(ParseText(bad).ok()) << bad;
  }
}

// ---- Labels -----------------------------------------------------------------------------------
TEST(Labels, ResourceOfPaths) {
  EXPECT_EQ(ResourceOf("/xapi/statements"), Resource::kStatements);
  EXPECT_EQ(ResourceOf("/xapi/statements/"), Resource::kStatements);
  EXPECT_EQ(ResourceOf("/xapi/activities/state"), Resource::kState);
  EXPECT_EQ(ResourceOf("/xapi/activities/profile"), Resource::kActivityProfile);
  EXPECT_EQ(ResourceOf("/xapi/agents/profile"), Resource::kAgentProfile);
  EXPECT_EQ(ResourceOf("/xapi/activities"), Resource::kActivities);
  EXPECT_EQ(ResourceOf("/xapi/agents"), Resource::kAgents);
  EXPECT_EQ(ResourceOf("/xapi/about"), Resource::kAbout);
  EXPECT_EQ(ResourceOf("/admin/people/e1"), Resource::kAdmin);
  EXPECT_EQ(ResourceOf("/learning/organization"), Resource::kLearning);
  EXPECT_EQ(ResourceOf("/health"), Resource::kHealth);
  EXPECT_EQ(ResourceOf("/metrics"), Resource::kMetrics);
  EXPECT_EQ(ResourceOf("/export/statements.csv"), Resource::kExport);
  EXPECT_EQ(ResourceOf("/xapi/nothing"), Resource::kOther);
  EXPECT_EQ(ResourceOf("(unparsed)"), Resource::kOther);
  EXPECT_EQ(ResourceOf("/lrs/statements", "/lrs"), Resource::kStatements);
  EXPECT_EQ(ResourceName(Resource::kActivityProfile), "activity_profile");
  EXPECT_EQ(ResourceName(Resource::kExport), "export");
  EXPECT_EQ(ResourceName(Resource::kOther), "other");
}

TEST(Labels, MethodsOutsideTheKnownSetAreOther) {
  EXPECT_EQ(MethodLabel(MethodIndex("GET")), "GET");
  EXPECT_EQ(MethodLabel(MethodIndex("DELETE")), "DELETE");
  EXPECT_EQ(MethodLabel(MethodIndex("OPTIONS")), "OPTIONS");
  EXPECT_EQ(MethodLabel(MethodIndex("BREW")), "OTHER");
  EXPECT_EQ(MethodLabel(MethodIndex("get")), "OTHER");
  EXPECT_EQ(MethodLabel(MethodIndex("")), "OTHER");
}

// ---- Registry ---------------------------------------------------------------------------------
TEST(Metrics, CountsRequestsByResourceMethodAndStatus) {
  Metrics m("9.9.9");
  m.Observe(MakeRequest(http::Method::kGet, "/xapi/statements?limit=1"), MakeResponse(200), 3.0);
  m.Observe(MakeRequest(http::Method::kGet, "/xapi/statements"), MakeResponse(200), 1.0);
  m.Observe(MakeRequest(http::Method::kGet, "/xapi/statements"), MakeResponse(401), 1.0);
  http::Request odd = MakeRequest(http::Method::kOther, "/somewhere");
  odd.method_name = "BREW";
  m.Observe(odd, MakeResponse(404), 0.1);
  m.ObserveRequest(Resource::kHealth, MethodIndex("GET"), 999, 0.0);  // out-of-range status
  EXPECT_EQ(m.RequestCount(Resource::kStatements, "GET", 200), 2u);
  EXPECT_EQ(m.RequestCount(Resource::kStatements, "GET", 401), 1u);
  EXPECT_EQ(m.RequestCount(Resource::kOther, "OTHER", 404), 1u);
  EXPECT_EQ(m.RequestCount(Resource::kHealth, "GET", 0), 1u);

  auto samples = MustParse(m.Render(nullptr));
  EXPECT_EQ(ValueOf(samples, "lrsd_build_info", {{"version", "9.9.9"}}), 1);
  EXPECT_EQ(ValueOf(samples, "lrsd_http_requests_total",
                    {{"resource", "statements"}, {"method", "GET"}, {"status", "200"}}),
            2);
  EXPECT_EQ(ValueOf(samples, "lrsd_http_requests_total", {{"resource", "other"}, {"method", "OTHER"}, {"status", "404"}}),
            1);
  EXPECT_EQ(ValueOf(samples, "lrsd_http_requests_total", {{"resource", "health"}, {"method", "GET"}, {"status", "0"}}),
            1);
  // No series for what was never requested.
  EXPECT_TRUE(std::isnan(ValueOf(samples, "lrsd_http_request_duration_seconds_count", {{"resource", "agents"}})));
}

TEST(Metrics, DurationHistogramIsCumulativeWithInclusiveUpperBounds) {
  Metrics m;
  m.ObserveRequest(Resource::kStatements, 0, 200, 0.0005);   // exactly on a bound: in it
  m.ObserveRequest(Resource::kStatements, 0, 200, 0.0006);
  m.ObserveRequest(Resource::kStatements, 0, 200, 0.02);
  m.ObserveRequest(Resource::kStatements, 0, 200, 7.0);      // beyond 5 s: +Inf only
  m.ObserveRequest(Resource::kStatements, 0, 200, -1.0);     // a clock step counts as 0
  auto samples = MustParse(m.Render(nullptr));
  auto bucket = [&](const std::string& le) {
    return ValueOf(samples, "lrsd_http_request_duration_seconds_bucket", {{"resource", "statements"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.0005"), 2);
  EXPECT_EQ(bucket("0.001"), 3);
  EXPECT_EQ(bucket("0.01"), 3);
  EXPECT_EQ(bucket("0.025"), 4);
  EXPECT_EQ(bucket("5"), 4);
  EXPECT_EQ(bucket("+Inf"), 5);
  EXPECT_EQ(ValueOf(samples, "lrsd_http_request_duration_seconds_count", {{"resource", "statements"}}), 5);
  EXPECT_NEAR(ValueOf(samples, "lrsd_http_request_duration_seconds_sum", {{"resource", "statements"}}),
              0.0005 + 0.0006 + 0.02 + 7.0, 1e-9);
  // Every bound of kDurationBuckets is there, in order, non-decreasing.
  double previous = 0;
  for (double le : kDurationBuckets) {
    double v = bucket(TextWriter::FormatValue(le));
    ASSERT_FALSE(std::isnan(v)) << le;
    EXPECT_GE(v, previous);
    previous = v;
  }
}

TEST(Metrics, CountsStoredStatementsFromSuccessfulWrites) {
  Metrics m;
  const std::string ids = R"(["6c6d3ea1-7e31-4c2a-9f7e-5e0a8c2c1a01","6c6d3ea1-7e31-4c2a-9f7e-5e0a8c2c1a02",)"
                          R"("6c6d3ea1-7e31-4c2a-9f7e-5e0a8c2c1a03"])";
  m.Observe(MakeRequest(http::Method::kPost, "/xapi/statements"), MakeResponse(200, ids), 5);
  m.Observe(MakeRequest(http::Method::kPut, "/xapi/statements?statementId=x"), MakeResponse(204), 5);
  m.Observe(MakeRequest(http::Method::kPost, "/xapi/statements"), MakeResponse(400, R"({"error":{}})"), 5);
  m.Observe(MakeRequest(http::Method::kPut, "/xapi/statements"), MakeResponse(409), 5);
  m.Observe(MakeRequest(http::Method::kGet, "/xapi/statements"), MakeResponse(200, R"({"statements":[]})"), 5);
  m.Observe(MakeRequest(http::Method::kPost, "/xapi/activities/state"), MakeResponse(204), 5);
  EXPECT_EQ(m.StatementsStored(), 4u);
  auto samples = MustParse(m.Render(nullptr));
  EXPECT_EQ(ValueOf(samples, "lrsd_statements_stored_total"), 4);
}

TEST(Metrics, ConcurrentObservationsAreAllCounted) {
  Metrics m;
  constexpr int kThreads = 8, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) {
        m.ObserveRequest(t % 2 ? Resource::kStatements : Resource::kState, MethodIndex("POST"), 200 + (i % 2) * 4,
                         0.001 * (i % 7));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.RequestCount(Resource::kStatements, "POST", 200) + m.RequestCount(Resource::kStatements, "POST", 204) +
                m.RequestCount(Resource::kState, "POST", 200) + m.RequestCount(Resource::kState, "POST", 204),
            static_cast<std::uint64_t>(kThreads) * kEach);
  auto samples = MustParse(m.Render(nullptr));
  EXPECT_EQ(ValueOf(samples, "lrsd_http_request_duration_seconds_count", {{"resource", "state"}}),
            kThreads / 2 * kEach);
}

TEST(Metrics, OpenConnectionsGaugeWhenTheServerReportsIt) {
  Metrics m;
  EXPECT_TRUE(std::isnan(ValueOf(MustParse(m.Render(nullptr)), "lrsd_http_connections_open")));
  std::uint64_t open = 7;
  m.set_open_connections([&open] { return open; });
  EXPECT_EQ(ValueOf(MustParse(m.Render(nullptr)), "lrsd_http_connections_open"), 7);
  open = 3;
  EXPECT_EQ(ValueOf(MustParse(m.Render(nullptr)), "lrsd_http_connections_open"), 3);
}

TEST(Metrics, RenderIsAValidExpositionWithProcessGauges) {
  Metrics m("1.2.3");
  m.ObserveRequest(Resource::kAbout, 0, 200, 0.001);
  const std::string text = m.Render(nullptr);
  auto samples = MustParse(text);
  EXPECT_GT(ValueOf(samples, "process_resident_memory_bytes"), 0);
  EXPECT_GT(ValueOf(samples, "process_open_fds"), 0);
  EXPECT_GE(ValueOf(samples, "process_cpu_seconds_total"), 0);
  EXPECT_GT(ValueOf(samples, "process_threads"), 0);
  EXPECT_NEAR(ValueOf(samples, "process_start_time_seconds"), static_cast<double>(NowMicros()) / 1e6, 3600);
  // Every family has one HELP and one TYPE line.
  EXPECT_NE(text.find("# TYPE lrsd_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE lrsd_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
}

// ---- Store gauges and /health -----------------------------------------------------------------
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd_ops_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    store::Options o;
    o.path = dir_;
    o.sync = false;
    o.memory_bytes = 16u << 20;
    auto opened = store::Store::Open(std::move(o));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(StoreTest, PropertiesCoverEveryFamilyAndTheDatabase) {
  ASSERT_TRUE(store_->Put(store::Family::kDocuments, "k1", "v1").ok());
  ASSERT_TRUE(store_->Put(store::Family::kDocuments, "k2", "v2").ok());
  auto properties = store_->Properties();
  ASSERT_TRUE(properties.ok());
  bool statements_keys = false, cache_capacity = false;
  std::uint64_t document_keys = 0;
  for (const auto& p : *properties) {
    if (p.name == "rocksdb.estimate-num-keys" && p.family == "statements") statements_keys = true;
    if (p.name == "rocksdb.estimate-num-keys" && p.family == "documents") document_keys = p.value;
    if (p.name == "rocksdb.block-cache-capacity" && p.family.empty()) {
      cache_capacity = true;
      EXPECT_EQ(p.value, 16u << 20);
    }
  }
  EXPECT_TRUE(statements_keys);
  EXPECT_TRUE(cache_capacity);
  EXPECT_EQ(document_keys, 2u);
}

TEST_F(StoreTest, RenderIncludesRocksDbGauges) {
  Metrics m;
  auto samples = MustParse(m.Render(store_.get()));
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_estimate_num_keys", {{"family", "statements"}})));
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_total_sst_files_size_bytes", {{"family", "index"}})));
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_memtables_size_bytes", {{"family", "statements"}})));
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_estimate_pending_compaction_bytes", {{"family", "spine"}})));
  EXPECT_EQ(ValueOf(samples, "lrsd_rocksdb_block_cache_capacity_bytes"), 16u << 20);
  EXPECT_FALSE(std::isnan(ValueOf(samples, "lrsd_rocksdb_block_cache_usage_bytes")));
  EXPECT_EQ(ValueOf(samples, "lrsd_rocksdb_background_errors"), 0);

  http::Response r = MetricsResponse(m, store_.get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(StoreTest, HealthAnswersOkWhileTheStoreReads) {
  http::Response r = HealthResponse(*store_, "1.2.3");
  EXPECT_EQ(r.status, 200);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_STREQ(d["status"].GetString(), "ok");
  EXPECT_STREQ(d["store"].GetString(), "ok");
  EXPECT_STREQ(d["version"].GetString(), "1.2.3");
  EXPECT_TRUE(d["uptimeSeconds"].IsUint64());
  EXPECT_FALSE(d.HasMember("message"));
  EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "no-store");
}

// ---- Process ----------------------------------------------------------------------------------
TEST(Process, ReadsProcSelf) {
  auto before = ReadProcessStats();
  ASSERT_TRUE(before.ok);
  EXPECT_GT(before.stats.resident_bytes, 1u << 20);
  EXPECT_GE(before.stats.virtual_bytes, before.stats.resident_bytes);
  EXPECT_GE(before.stats.threads, 1u);
  int fd = dup(1);
  ASSERT_GE(fd, 0);
  auto after = ReadProcessStats();
  EXPECT_EQ(after.stats.open_fds, before.stats.open_fds + 1);
  close(fd);
  // Burn a little CPU: the counter never goes backwards.
  volatile double x = 0;
  for (int i = 0; i < 20000000; ++i) x = x + std::sqrt(static_cast<double>(i));
  EXPECT_GE(ReadProcessStats().stats.cpu_seconds, before.stats.cpu_seconds);
  EXPECT_GE(UptimeSeconds(), 0);
}

// ---- Access log redaction ---------------------------------------------------------------------
TEST(RedactTarget, HidesSecretLookingQueryValues) {
  EXPECT_EQ(RedactTarget("/xapi/statements"), "/xapi/statements");
  EXPECT_EQ(RedactTarget("/xapi/statements?limit=3&verb=x"), "/xapi/statements?limit=3&verb=x");
  EXPECT_EQ(RedactTarget("/xapi/statements?Authorization=Basic%20abc&limit=1"),
            "/xapi/statements?Authorization=REDACTED&limit=1");
  EXPECT_EQ(RedactTarget("/x?a=1&SECRET=s3&password=p&token=t&access_token=a&api_key=k&%41uthorization=z"),
            "/x?a=1&SECRET=REDACTED&password=REDACTED&token=REDACTED&access_token=REDACTED&api_key=REDACTED&"
            "%41uthorization=REDACTED");
  EXPECT_EQ(RedactTarget("/x?secret"), "/x?secret");  // no value, nothing to hide
  EXPECT_EQ(RedactTarget("/x?"), "/x?");
}

}  // namespace
}  // namespace lrsd::ops
