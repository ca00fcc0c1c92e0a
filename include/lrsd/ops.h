// lrsd ops: what operators watch. Request metrics (counters and latency histograms by resource,
// kept in fixed arrays of atomics, so recording a request takes no lock and allocates nothing),
// their Prometheus text exposition (format 0.0.4) together with RocksDB and process gauges, the
// /health answer, and the access log's target redaction.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/http.h"
#include "lrsd/store.h"

namespace lrsd::ops {

// ---- Labels -----------------------------------------------------------------------------------
// The `resource` label: which part of lrsd a request went to (a fixed set, so clients cannot
// create series at will).
enum class Resource : std::uint8_t {
  kStatements, kState, kActivityProfile, kAgentProfile, kActivities, kAgents, kAbout,
  kAdmin, kLearning, kHealth, kMetrics, kExport, kOther,
};
inline constexpr std::size_t kResourceCount = 13;
std::string_view ResourceName(Resource r);  // "statements", "activity_profile", …
// The resource of a request path; `base` is the xAPI base path ("/xapi").
Resource ResourceOf(std::string_view path, std::string_view base = "/xapi");

// The `method` label: GET, HEAD, POST, PUT, DELETE, OPTIONS, or OTHER for anything else.
inline constexpr std::size_t kMethodCount = 7;
std::size_t MethodIndex(std::string_view method_name);
std::string_view MethodLabel(std::size_t index);

// Upper bounds (seconds) of lrsd_http_request_duration_seconds; +Inf follows.
inline constexpr std::array<double, 13> kDurationBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,    0.25,  0.5,    1,     2.5,  5};

// ---- Text exposition --------------------------------------------------------------------------
// Writes the Prometheus text format 0.0.4: per metric family one `# HELP` and one `# TYPE`
// line, then its samples `name{label="value",…} value`. Label values are escaped (\\, \", \n),
// values formatted so Prometheus reads them back exactly (integers without exponent, +Inf,
// -Inf, NaN).
class TextWriter {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;
  // `type`: counter, gauge, histogram, summary or untyped.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  void Sample(std::string_view name, const Labels& labels, std::uint64_t value);
  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

  static std::string FormatValue(double value);
  static std::string EscapeLabelValue(std::string_view value);
  static std::string EscapeHelp(std::string_view help);

 private:
  void Begin(std::string_view name, const Labels& labels);
  std::string out_;
};

// A parsed sample, for tests and tools that read an exposition back.
struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
// Parses and checks a text exposition: every line is blank, a comment (`# HELP name text`,
// `# TYPE name type`, other comments), or a sample `name{labels} value [timestamp]` with a valid
// metric name, valid label names, properly quoted and escaped label values and a float value;
// at most one TYPE per family, before its samples. 400 naming the line otherwise.
Result<std::vector<ParsedSample>> ParseText(std::string_view text);

// ---- Process ----------------------------------------------------------------------------------
struct ProcessStats {
  double cpu_seconds = 0;           // user + system
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;        // soft RLIMIT_NOFILE
  std::uint64_t threads = 0;
  double start_time_seconds = 0;    // Unix time the process started
};
// From /proc/self (Linux); fields it cannot read stay 0 and ok is false.
struct ProcessStatsResult {
  ProcessStats stats;
  bool ok = false;
};
ProcessStatsResult ReadProcessStats();

// Seconds since this process started (for /health).
double UptimeSeconds();

// ---- The registry -----------------------------------------------------------------------------
class Metrics {
 public:
  explicit Metrics(std::string version = {});
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. Thread-safe, lock-free.
  void ObserveRequest(Resource resource, std::size_t method_index, int status, double seconds);
  // From the server's request logger: the request (as the handler left it), its response and
  // the milliseconds it took. Also counts the statements a successful POST (the ids in the
  // response) or PUT (one) of /xapi/statements stored.
  void Observe(const http::Request& request, const http::Response& response, double millis);
  void AddStatementsStored(std::uint64_t n) { statements_stored_.fetch_add(n, std::memory_order_relaxed); }

  std::uint64_t RequestCount(Resource resource, std::string_view method, int status) const;
  std::uint64_t StatementsStored() const { return statements_stored_.load(std::memory_order_relaxed); }

  // The whole exposition: lrsd_build_info, request counters and histograms, statements stored,
  // RocksDB gauges from `store` (when given) and process gauges.
  std::string Render(store::Store* store) const;

  std::string_view base_path() const { return base_path_; }
  void set_base_path(std::string base) { base_path_ = std::move(base); }
  // When set (before serving), Render adds the gauge lrsd_http_connections_open from it (the
  // server's count of open connections).
  void set_open_connections(std::function<std::uint64_t()> read) { open_connections_ = std::move(read); }
  // When set (before serving), Render lets it add families of its own (statement forwarding's
  // lrsd_forward_*), so ops needs to know nothing of them.
  void set_extra_renderer(std::function<void(TextWriter&)> render) { extra_renderer_ = std::move(render); }

 private:
  static constexpr std::size_t kStatusSlots = 600;  // 0..599; anything else counts as 0
  static constexpr std::size_t kBuckets = kDurationBuckets.size() + 1;
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, kBuckets> counts{};  // per bucket, not cumulative
    std::atomic<std::uint64_t> sum_nanos{0};
  };

  std::string version_;
  std::string base_path_ = "/xapi";
  // requests_[resource][method][status]
  std::vector<std::atomic<std::uint64_t>> requests_;
  std::array<Histogram, kResourceCount> durations_;
  std::atomic<std::uint64_t> statements_stored_{0};
  std::function<std::uint64_t()> open_connections_;
  std::function<void(TextWriter&)> extra_renderer_;
};

// The Content-Type of the exposition.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";
http::Response MetricsResponse(const Metrics& metrics, store::Store* store);

// /health: 200 {"status":"ok","store":"ok","version","uptimeSeconds"} when the store answers a
// read, 503 {"status":"unavailable","store":"error","message",…} otherwise. Never cached.
http::Response HealthResponse(store::Store& store, std::string_view version);

// The request target as the access log writes it: the values of query parameters that may hold
// secrets (Authorization, secret, password, token, access_token, api_key, any case) replaced by
// "REDACTED".
std::string RedactTarget(std::string_view target);

}  // namespace lrsd::ops
