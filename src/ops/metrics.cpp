// The request metrics registry, its exposition (with RocksDB and process gauges), /health and
// the access log's target redaction.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "lrsd/ops.h"

namespace lrsd::ops {
namespace {

constexpr std::string_view kResourceNames[kResourceCount] = {
    "statements", "state",  "activity_profile", "agent_profile", "activities", "agents", "about",
    "admin",      "learning", "health",         "metrics",       "export",     "other"};

constexpr std::string_view kMethodLabels[kMethodCount] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "OTHER"};

// RocksDB property -> metric name, help. Per-family properties get a `family` label.
struct PropertyMetric {
  std::string_view property;
  std::string_view metric;
  std::string_view help;
};
constexpr PropertyMetric kPropertyMetrics[] = {
    {"rocksdb.estimate-num-keys", "lrsd_rocksdb_estimate_num_keys",
     "Estimated number of keys in the column family (rocksdb.estimate-num-keys)."},
    {"rocksdb.total-sst-files-size", "lrsd_rocksdb_total_sst_files_size_bytes",
     "Size of every SST file of the column family, all versions (rocksdb.total-sst-files-size)."},
    {"rocksdb.live-sst-files-size", "lrsd_rocksdb_live_sst_files_size_bytes",
     "Size of the SST files of the column family's current version (rocksdb.live-sst-files-size)."},
    {"rocksdb.estimate-live-data-size", "lrsd_rocksdb_estimate_live_data_size_bytes",
     "Estimated live data of the column family (rocksdb.estimate-live-data-size)."},
    {"rocksdb.cur-size-all-mem-tables", "lrsd_rocksdb_memtables_size_bytes",
     "Active and unflushed immutable memtables of the column family (rocksdb.cur-size-all-mem-tables)."},
    {"rocksdb.estimate-pending-compaction-bytes", "lrsd_rocksdb_estimate_pending_compaction_bytes",
     "Bytes compaction must rewrite to bring every level under its target (rocksdb.estimate-pending-compaction-bytes)."},
    {"rocksdb.num-immutable-mem-table", "lrsd_rocksdb_immutable_memtables",
     "Immutable memtables not yet flushed (rocksdb.num-immutable-mem-table)."},
    {"rocksdb.block-cache-usage", "lrsd_rocksdb_block_cache_usage_bytes",
     "Memory held by the shared block cache (rocksdb.block-cache-usage)."},
    {"rocksdb.block-cache-pinned-usage", "lrsd_rocksdb_block_cache_pinned_usage_bytes",
     "Pinned memory in the shared block cache (rocksdb.block-cache-pinned-usage)."},
    {"rocksdb.block-cache-capacity", "lrsd_rocksdb_block_cache_capacity_bytes",
     "Capacity of the shared block cache (rocksdb.block-cache-capacity)."},
    {"rocksdb.num-running-compactions", "lrsd_rocksdb_running_compactions",
     "Compactions running now (rocksdb.num-running-compactions)."},
    {"rocksdb.num-running-flushes", "lrsd_rocksdb_running_flushes",
     "Memtable flushes running now (rocksdb.num-running-flushes)."},
    {"rocksdb.background-errors", "lrsd_rocksdb_background_errors",
     "Background errors since the database was opened (rocksdb.background-errors); writes may fail after one."},
    {"rocksdb.is-write-stopped", "lrsd_rocksdb_write_stopped",
     "1 while RocksDB stops writes to let compaction catch up (rocksdb.is-write-stopped)."},
    {"rocksdb.actual-delayed-write-rate", "lrsd_rocksdb_delayed_write_rate_bytes_per_second",
     "Write rate RocksDB throttles to, 0 when not delaying writes (rocksdb.actual-delayed-write-rate)."},
};

std::string GenericPropertyMetric(std::string_view property) {
  if (property.starts_with("rocksdb.")) property.remove_prefix(8);
  std::string name = "lrsd_rocksdb_";
  for (char c : property) name += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

// Number of ids in a POST /xapi/statements response (a JSON array of UUID strings).
std::uint64_t CountIds(std::string_view body) {
  return static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '"')) / 2;
}

void RenderRocksDb(TextWriter& w, store::Store& store) {
  auto properties = store.Properties();
  if (!properties.ok()) return;
  // One family per property, in the order RocksDB reported them.
  std::vector<std::string_view> order;
  for (const auto& p : *properties) {
    if (std::find(order.begin(), order.end(), p.name) == order.end()) order.push_back(p.name);
  }
  for (std::string_view property : order) {
    std::string metric;
    std::string help;
    for (const auto& m : kPropertyMetrics) {
      if (m.property == property) {
        metric = std::string(m.metric);
        help = std::string(m.help);
      }
    }
    if (metric.empty()) {
      metric = GenericPropertyMetric(property);
      help = "RocksDB property " + std::string(property) + ".";
    }
    w.Family(metric, "gauge", help);
    for (const auto& p : *properties) {
      if (p.name != property) continue;
      if (p.family.empty()) {
        w.Sample(metric, {}, p.value);
      } else {
        w.Sample(metric, {{"family", p.family}}, p.value);
      }
    }
  }
}

void RenderProcess(TextWriter& w) {
  auto process = ReadProcessStats();
  const ProcessStats& s = process.stats;
  w.Family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  w.Sample("process_cpu_seconds_total", {}, s.cpu_seconds);
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.Sample("process_resident_memory_bytes", {}, s.resident_bytes);
  w.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  w.Sample("process_virtual_memory_bytes", {}, s.virtual_bytes);
  w.Family("process_open_fds", "gauge", "Number of open file descriptors.");
  w.Sample("process_open_fds", {}, s.open_fds);
  if (s.max_fds > 0) {
    w.Family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
    w.Sample("process_max_fds", {}, s.max_fds);
  }
  w.Family("process_threads", "gauge", "Number of OS threads in the process.");
  w.Sample("process_threads", {}, s.threads);
  w.Family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  w.Sample("process_start_time_seconds", {}, s.start_time_seconds);
}

bool IsSecretParam(std::string_view name) {
  auto decoded = http::PercentDecode(name);
  std::string lower = ToLowerAscii(decoded ? std::string_view(*decoded) : name);
  return lower == "authorization" || lower == "secret" || lower == "password" || lower == "token" ||
         lower == "access_token" || lower == "api_key";
}

}  // namespace

// ---- Labels -----------------------------------------------------------------------------------
std::string_view ResourceName(Resource r) {
  auto i = static_cast<std::size_t>(r);
  return i < kResourceCount ? kResourceNames[i] : "other";
}

Resource ResourceOf(std::string_view path, std::string_view base) {
  if (path == "/health") return Resource::kHealth;
  if (path == "/metrics") return Resource::kMetrics;
  if (path == "/admin" || path.starts_with("/admin/")) return Resource::kAdmin;
  if (path.starts_with("/learning/")) return Resource::kLearning;
  if (path.starts_with("/export/")) return Resource::kExport;
  if (!path.starts_with(base)) return Resource::kOther;
  path.remove_prefix(base.size());
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/statements") return Resource::kStatements;
  if (path == "/about") return Resource::kAbout;
  if (path == "/activities/state") return Resource::kState;
  if (path == "/activities/profile") return Resource::kActivityProfile;
  if (path == "/agents/profile") return Resource::kAgentProfile;
  if (path == "/activities") return Resource::kActivities;
  if (path == "/agents") return Resource::kAgents;
  return Resource::kOther;
}

std::size_t MethodIndex(std::string_view method_name) {
  for (std::size_t i = 0; i + 1 < kMethodCount; ++i) {
    if (method_name == kMethodLabels[i]) return i;
  }
  return kMethodCount - 1;
}

std::string_view MethodLabel(std::size_t index) { return kMethodLabels[std::min(index, kMethodCount - 1)]; }

// ---- Registry ---------------------------------------------------------------------------------
Metrics::Metrics(std::string version)
    : version_(std::move(version)), requests_(kResourceCount * kMethodCount * kStatusSlots) {}

void Metrics::ObserveRequest(Resource resource, std::size_t method_index, int status, double seconds) {
  const auto r = std::min(static_cast<std::size_t>(resource), kResourceCount - 1);
  const auto m = std::min(method_index, kMethodCount - 1);
  const auto s = status >= 0 && static_cast<std::size_t>(status) < kStatusSlots ? static_cast<std::size_t>(status) : 0;
  requests_[(r * kMethodCount + m) * kStatusSlots + s].fetch_add(1, std::memory_order_relaxed);
  if (!(seconds >= 0)) seconds = 0;  // NaN, or a clock step
  std::size_t bucket = 0;
  while (bucket < kDurationBuckets.size() && seconds > kDurationBuckets[bucket]) ++bucket;
  auto& h = durations_[r];
  h.counts[bucket].fetch_add(1, std::memory_order_relaxed);
  h.sum_nanos.fetch_add(static_cast<std::uint64_t>(std::llround(std::min(seconds, 1e9) * 1e9)),
                        std::memory_order_relaxed);
}

void Metrics::Observe(const http::Request& request, const http::Response& response, double millis) {
  const Resource resource = ResourceOf(request.Path(), base_path_);
  ObserveRequest(resource, MethodIndex(request.method_name), response.status, millis / 1000.0);
  if (resource == Resource::kStatements) {
    if (request.method == http::Method::kPost && response.status == 200) {
      AddStatementsStored(CountIds(response.body));
    } else if (request.method == http::Method::kPut && response.status == 204) {
      AddStatementsStored(1);
    }
  }
}

std::uint64_t Metrics::RequestCount(Resource resource, std::string_view method, int status) const {
  const auto r = static_cast<std::size_t>(resource);
  if (r >= kResourceCount || status < 0 || static_cast<std::size_t>(status) >= kStatusSlots) return 0;
  return requests_[(r * kMethodCount + MethodIndex(method)) * kStatusSlots + static_cast<std::size_t>(status)].load(
      std::memory_order_relaxed);
}

std::string Metrics::Render(store::Store* store) const {
  TextWriter w;
  w.Family("lrsd_build_info", "gauge", "lrsd build information (the value is always 1).");
  w.Sample("lrsd_build_info", {{"version", version_}}, std::uint64_t{1});

  w.Family("lrsd_http_requests_total", "counter", "HTTP requests answered, by resource, method and status.");
  for (std::size_t r = 0; r < kResourceCount; ++r) {
    for (std::size_t m = 0; m < kMethodCount; ++m) {
      for (std::size_t s = 0; s < kStatusSlots; ++s) {
        std::uint64_t n = requests_[(r * kMethodCount + m) * kStatusSlots + s].load(std::memory_order_relaxed);
        if (n == 0) continue;
        const std::string status = std::to_string(s);
        w.Sample("lrsd_http_requests_total",
                 {{"resource", kResourceNames[r]}, {"method", kMethodLabels[m]}, {"status", status}}, n);
      }
    }
  }

  w.Family("lrsd_http_request_duration_seconds", "histogram",
           "Time from a request's headers arriving to its response written, by resource.");
  for (std::size_t r = 0; r < kResourceCount; ++r) {
    const auto& h = durations_[r];
    std::array<std::uint64_t, kBuckets> counts{};
    std::uint64_t total = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      counts[b] = h.counts[b].load(std::memory_order_relaxed);
      total += counts[b];
    }
    if (total == 0) continue;  // resources never requested have no series yet
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      cumulative += counts[b];
      const std::string le = b < kDurationBuckets.size() ? TextWriter::FormatValue(kDurationBuckets[b]) : "+Inf";
      w.Sample("lrsd_http_request_duration_seconds_bucket", {{"resource", kResourceNames[r]}, {"le", le}}, cumulative);
    }
    w.Sample("lrsd_http_request_duration_seconds_sum", {{"resource", kResourceNames[r]}},
             static_cast<double>(h.sum_nanos.load(std::memory_order_relaxed)) / 1e9);
    w.Sample("lrsd_http_request_duration_seconds_count", {{"resource", kResourceNames[r]}}, cumulative);
  }

  if (open_connections_) {
    w.Family("lrsd_http_connections_open", "gauge", "HTTP(S) connections open now.");
    w.Sample("lrsd_http_connections_open", {}, open_connections_());
  }

  w.Family("lrsd_statements_stored_total", "counter",
           "Statements accepted by POST and PUT /xapi/statements (a re-sent identical statement counts again).");
  w.Sample("lrsd_statements_stored_total", {}, StatementsStored());

  if (extra_renderer_) extra_renderer_(w);
  if (store) RenderRocksDb(w, *store);
  RenderProcess(w);
  return w.Take();
}

http::Response MetricsResponse(const Metrics& metrics, store::Store* store) {
  http::Response r;
  r.status = 200;
  r.body = metrics.Render(store);
  r.headers.Set("Content-Type", std::string(kTextContentType));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// ---- Health -----------------------------------------------------------------------------------
http::Response HealthResponse(store::Store& store, std::string_view version) {
  // Readiness: the store answers a point read (the key need not exist).
  auto read = store.Get(store::Family::kMeta, "health-check");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(read.ok() ? "ok" : "unavailable");
  w.Key("store");
  w.String(read.ok() ? "ok" : "error");
  if (!read.ok()) {
    w.Key("message");
    w.String(read.error().ToString());
  }
  w.Key("version");
  w.String(version.data(), static_cast<rapidjson::SizeType>(version.size()));
  w.Key("uptimeSeconds");
  w.Uint64(static_cast<std::uint64_t>(UptimeSeconds()));
  w.EndObject();
  http::Response r = http::JsonResponse(read.ok() ? 200 : 503, std::string(buffer.GetString(), buffer.GetSize()));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

// ---- Access log -------------------------------------------------------------------------------
std::string RedactTarget(std::string_view target) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && IsSecretParam(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out += "REDACTED";
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace lrsd::ops
