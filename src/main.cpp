// lrsd: command line. `lrsd serve` runs the LRS; `lrsd credentials` manages API credentials.
// Flags and output lines here are interfaces scripts depend on: keep them stable.
#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "lrsd/auth.h"
#include "lrsd/control.h"
#include "lrsd/erasure.h"
#include "lrsd/forward.h"
#include "lrsd/net.h"
#include "lrsd/ops.h"
#include "lrsd/profile.h"
#include "lrsd/resources.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace {

using namespace std::string_literals;

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;
constexpr int kExitDataInUse = 3;

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

std::optional<ListenAddress> ParseListen(const std::string& text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    std::size_t used = 0;
    unsigned long port = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port > 65535) return std::nullopt;
    return ListenAddress{host, static_cast<std::uint16_t>(port)};
  } catch (...) {
    return std::nullopt;
  }
}

std::string DbPath(const std::string& data) { return (std::filesystem::path(data) / "db").string(); }

int Fail(const lrsd::Error& e) {
  if (lrsd::GetLogFormat() == lrsd::LogFormat::kJson) {
    // A JSON log stays one JSON object per line, whatever the log level.
    std::cerr << lrsd::FormatLogLine(lrsd::LogFormat::kJson, lrsd::NowMicros(), lrsd::LogLevel::kError, e.ToString());
  } else {
    std::cerr << "lrsd: " << e.ToString() << "\n";
  }
  return e.status == 503 ? kExitDataInUse : kExitFailure;
}

lrsd::Result<std::unique_ptr<lrsd::store::Store>> OpenStore(const std::string& data, bool sync,
                                                            std::size_t memory_mb = 0) {
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) return lrsd::Error::Internal("cannot create data directory " + data + ": " + ec.message());
  lrsd::store::Options options;
  options.path = DbPath(data);
  options.sync = sync;
  if (memory_mb > 0) {
    options.memory_bytes = memory_mb << 20;
    options.memtable_bytes = options.memory_bytes / 2;
  }
  options.merge_activity = [](std::string_view existing, std::string_view incoming) {
    lrsd::xapi::JsonDocument canonical, update;
    if (!existing.empty()) canonical.Parse(existing.data(), existing.size());
    if (existing.empty() || canonical.HasParseError()) canonical.SetObject();
    update.Parse(incoming.data(), incoming.size());
    if (update.HasParseError()) return std::string(existing);
    lrsd::xapi::MergeActivityDefinition(canonical, update, canonical.GetAllocator());
    return lrsd::xapi::ToJson(canonical);
  };
  options.merge_agent = [](std::string_view existing, std::string_view incoming) {
    lrsd::xapi::JsonDocument person, agent;
    if (!existing.empty()) person.Parse(existing.data(), existing.size());
    if (existing.empty() || person.HasParseError()) person.SetNull();
    agent.Parse(incoming.data(), incoming.size());
    if (agent.HasParseError()) return std::string(existing);
    lrsd::xapi::MergePerson(person, agent, person.GetAllocator());
    return lrsd::xapi::ToJson(person);
  };
  options.expand_contribution = lrsd::profile::ExpandContribution;
  options.merge_profile = lrsd::profile::MergeAggregates;
  return lrsd::store::Store::Open(std::move(options));
}

// A progress line on stderr, rewritten in place on a terminal.
void ShowProgress(std::uint64_t done, std::uint64_t total) {
  static const bool tty = isatty(2);
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  std::fprintf(stderr, "%srebuilding profiles: %llu / %llu statements (%.0f%%)%s", tty ? "\r" : "",
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), pct, tty ? "" : "\n");
  std::fflush(stderr);
}

void PrintCredential(const lrsd::auth::Credential& c, const std::string& secret) {
  std::cout << "key: " << c.key << "\n"
            << "secret: " << secret << "\n"
            << "scope: " << lrsd::auth::FormatScopes(c.scopes) << "\n";
}

#ifndef LRSD_ALLOCATOR
#define LRSD_ALLOCATOR "libc"
#endif

#ifdef LRSD_WITH_JEMALLOC
// jemalloc's settings, read when it starts. Compactions allocate and free many megabytes a
// second; by default jemalloc keeps freed pages for 10 s: a 1M-statement preload peaked at
// 341 MB resident with the default, 232 MB with freed pages returned after 1 s by a background
// thread (benchmarks/RESULTS.md).
// (MALLOC_CONF in the environment still overrides this.)
extern "C" {
// NOLINTNEXTLINE: the name jemalloc looks for
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

struct ServeFlags {
  std::string data = "data";
  std::vector<std::string> https;
  std::vector<std::string> http;
  std::string cert, key;
  bool no_sync = false;
  std::size_t memory_mb = lrsd::store::Options::kDefaultMemoryBytes >> 20;
  std::string default_version = "2.0.0";
  std::size_t max_body = 64u << 20;
  std::size_t max_batch = 1000;
  std::uint32_t page_size = 100;
  unsigned io_threads = 0, workers = 0;
  bool worker_writes = false;  // statement writes never on the network threads
  unsigned read_timeout = 30, idle_timeout = 60, header_timeout = 10;
  std::size_t max_connections = 10000;
  unsigned auth_failures = 10, auth_window = 60, auth_lockout = 60;
  std::string cors = "*";
  std::string log_level = "info";
  std::string log_format = "text";
  bool no_access_log = false;
  bool no_first_credential = false;
  bool no_metrics_auth = false;
  bool allow_erasure = false;
  double retention_days = 0;          // 0: keep statements forever
  unsigned retention_interval = 3600;  // seconds between retention sweeps
  std::string config;  // applied by ApplyConfigFile before Serve
};

// `lrsd serve --config FILE`: TOML (`name = value`, `name = ["a", "b"]`, `# comments`), at the
// top level or under [serve], names as the flags without their dashes (`page-size`, or
// `page_size`). A setting applies only when neither its flag nor its LRSD_* environment
// variable was given: flags > environment > file > defaults. Empty on success, else the error.
std::string ApplyConfigFile(CLI::App* serve, const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    return "cannot read the config file " + path + ": " + e.what();
  }
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty() && !(item.parents.size() == 1 && item.parents[0] == "serve")) {
      return path + ": unknown section '" + item.fullname() + "' (settings go at the top or under [serve])";
    }
    std::string name = item.name;
    for (char& c : name) c = c == '_' ? '-' : c;
    CLI::Option* option = name == "config" || name == "help" ? nullptr : serve->get_option_no_throw("--" + name);
    if (!option) return path + ": unknown setting '" + item.name + "' (see lrsd serve --help)";
    if (option->count() > 0) continue;  // the flag or the environment variable wins
    std::vector<std::string> inputs = item.inputs;
    if (option->get_items_expected_max() <= 1 && inputs.size() > 1) {
      // A single-valued setting written as a list ("a, b"): one comma-separated value.
      std::string joined;
      for (const auto& v : inputs) joined += (joined.empty() ? "" : ",") + v;
      inputs = {joined};
    }
    try {
      option->add_result(inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return path + ": setting '" + item.name + "': " + e.what();
    }
  }
  return {};
}

// Every option of `cmd` can also be set by the environment variable LRSD_<NAME> (`--page-size`:
// LRSD_PAGE_SIZE), shown in --help.
void AddEnvironmentNames(CLI::App* cmd) {
  for (CLI::Option* option : cmd->get_options()) {
    if (option->get_lnames().empty()) continue;
    const std::string& name = option->get_lnames().front();
    if (name == "help") continue;
    std::string env = "LRSD_";
    for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    option->envname(env);
  }
}

// Every connection is a descriptor: allow as many as the hard limit does (the server keeps
// --max-connections within what the result leaves beside the database's files).
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    lrsd::Log(lrsd::LogLevel::kWarn, "cannot raise the file descriptor limit to " + std::to_string(limit.rlim_max));
  }
}

std::string JsonString(std::string_view text) {
  std::string out;
  lrsd::xapi::AppendJsonString(out, text);
  return out;
}

// A backup as one JSON object (the control channel's answer and `lrsd backup`'s output).
std::string BackupJson(const lrsd::store::Store::BackupInfo& b) {
  return "{\"id\":" + std::to_string(b.id) + ",\"created\":" + std::to_string(b.created) +
         ",\"bytes\":" + std::to_string(b.bytes) + ",\"files\":" + std::to_string(b.files) + "}";
}

void PrintBackup(const lrsd::store::Store::BackupInfo& b, const std::string& data, const std::string& to) {
  std::cout << "lrsd: backup " << b.id << " of " << data << " in " << to << " (" << b.bytes << " bytes, " << b.files
            << " files)\n";
}

// The control channel's requests (lrsd.control): {"command":"backup","to":"/abs/dir"}.
std::string HandleControl(lrsd::store::Store& store, std::string_view line) {
  auto error = [](int status, const std::string& message) {
    return "{\"ok\":false,\"status\":" + std::to_string(status) + ",\"error\":" + JsonString(message) + "}";
  };
  lrsd::xapi::JsonDocument request;
  request.Parse(line.data(), line.size());
  if (request.HasParseError() || !request.IsObject() || !request.HasMember("command") || !request["command"].IsString()) {
    return error(400, "a request is one JSON object with a command");
  }
  const std::string_view command(request["command"].GetString(), request["command"].GetStringLength());
  if (command != "backup") return error(400, "unknown command " + std::string(command));
  if (!request.HasMember("to") || !request["to"].IsString() || request["to"].GetStringLength() == 0 ||
      request["to"].GetString()[0] != '/') {
    return error(400, "backup needs \"to\": an absolute directory");
  }
  const std::string to(request["to"].GetString(), request["to"].GetStringLength());
  lrsd::Log(lrsd::LogLevel::kInfo, "backup into " + to + " requested on the control socket");
  auto backup = store.Backup(to);
  if (!backup.ok()) {
    lrsd::Log(lrsd::LogLevel::kError, "backup into " + to + " failed: " + backup.error().ToString());
    return error(backup.error().status, backup.error().ToString());
  }
  lrsd::Log(lrsd::LogLevel::kInfo, "backup " + std::to_string(backup->id) + " written to " + to);
  return "{\"ok\":true,\"backup\":" + BackupJson(*backup) + "}";
}

// `lrsd backup`: straight from the database when no server holds it, else through the running
// server's control socket.
int Backup(const std::string& data, const std::string& to_arg) {
  const std::string to = std::filesystem::absolute(to_arg).lexically_normal().string();
  auto store = OpenStore(data, true);
  if (store.ok()) {
    auto backup = (*store)->Backup(to);
    if (!backup.ok()) return Fail(backup.error());
    PrintBackup(*backup, data, to);
    return 0;
  }
  if (store.error().status != 503) return Fail(store.error());
  const std::string socket = lrsd::ops::ControlSocketPath(data);
  auto answer = lrsd::ops::ControlRequest(
      socket, "{\"command\":\"backup\",\"to\":" + JsonString(to) + "}", std::chrono::hours(24));
  if (!answer.ok()) {
    return Fail(lrsd::Error{503, {}, {}, "the database is in use and the server's control socket does not answer: " +
                                             answer.error().ToString()});
  }
  lrsd::xapi::JsonDocument response;
  response.Parse(answer->data(), answer->size());
  if (response.HasParseError() || !response.IsObject() || !response.HasMember("ok")) {
    return Fail(lrsd::Error::Internal("unexpected answer from the server: " + *answer));
  }
  if (!response["ok"].GetBool()) {
    const auto& e = response["error"];
    return Fail(lrsd::Error{response["status"].GetInt(), {}, {}, e.IsString() ? e.GetString() : "backup failed"});
  }
  const auto& b = response["backup"];
  lrsd::store::Store::BackupInfo info{static_cast<std::uint32_t>(b["id"].GetUint()), b["created"].GetInt64(),
                                      b["bytes"].GetUint64(), static_cast<std::uint32_t>(b["files"].GetUint())};
  PrintBackup(info, data, to);
  return 0;
}

// --retention-days: a thread that erases the statements stored more than that long ago, at
// start and then every interval (its own durable batches; queries and profiles stay consistent).
class RetentionSweeper {
 public:
  RetentionSweeper(lrsd::store::Store& store, lrsd::profile::Service& profiles, double days,
                   std::chrono::seconds interval) {
    if (days <= 0) return;
    thread_ = std::thread([this, &store, &profiles, days, interval] {
      const auto keep = static_cast<std::uint64_t>(days * 86400.0 * 1e6);
      std::unique_lock lock(mu_);
      while (!stop_) {
        lock.unlock();
        const auto now = static_cast<std::uint64_t>(lrsd::NowMicros());
        if (now > keep) {
          auto erased = lrsd::resources::EraseStoredBefore(store, &profiles, now - keep);
          if (!erased.ok()) {
            lrsd::Log(lrsd::LogLevel::kError, "retention: " + erased.error().ToString());
          } else if (*erased > 0) {
            lrsd::Log(lrsd::LogLevel::kInfo, "retention: erased " + std::to_string(*erased) +
                                                 " statements stored before " + lrsd::FormatTimestampMillis(
                                                     static_cast<lrsd::MicrosSinceEpoch>(now - keep)));
          }
        }
        lock.lock();
        cv_.wait_for(lock, interval, [this] { return stop_; });
      }
    });
  }
  ~RetentionSweeper() { Stop(); }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

int Serve(const ServeFlags& f) {
  auto level = lrsd::ParseLogLevel(f.log_level);
  if (!level) {
    std::cerr << "lrsd: --log-level must be debug, info, warn, error or off\n";
    return kExitUsage;
  }
  lrsd::SetLogLevel(*level);
  auto format = lrsd::ParseLogFormat(f.log_format);
  if (!format) {
    std::cerr << "lrsd: --log-format must be text or json\n";
    return kExitUsage;
  }
  lrsd::SetLogFormat(*format);
  if (auto st = lrsd::xapi::LoadSchemas(""); !st.ok()) return Fail(st.error());

  lrsd::net::ServerOptions server_options;
  for (const auto& text : f.https) {
    auto a = ParseListen(text);
    if (!a) {
      std::cerr << "lrsd: --https takes HOST:PORT, not '" << text << "'\n";
      return kExitUsage;
    }
    server_options.listeners.push_back({a->host, a->port, true});
  }
  for (const auto& text : f.http) {
    auto a = ParseListen(text);
    if (!a) {
      std::cerr << "lrsd: --http takes HOST:PORT, not '" << text << "'\n";
      return kExitUsage;
    }
    server_options.listeners.push_back({a->host, a->port, false});
  }
  if (server_options.listeners.empty()) server_options.listeners.push_back({"0.0.0.0", 8443, true});
  if (f.cert.empty() != f.key.empty()) {
    std::cerr << "lrsd: --cert and --key go together\n";
    return kExitUsage;
  }

  auto store = OpenStore(f.data, !f.no_sync, f.memory_mb);
  if (!store.ok()) return Fail(store.error());

  bool any_tls = false;
  for (const auto& l : server_options.listeners) any_tls |= l.tls;
  if (any_tls) {
    if (f.cert.empty()) {
      auto dir = std::filesystem::path(f.data) / "tls";
      server_options.cert_file = (dir / "cert.pem").string();
      server_options.key_file = (dir / "key.pem").string();
      if (auto st = lrsd::net::EnsureSelfSignedCertificate(server_options.cert_file, server_options.key_file,
                                                           {"localhost", "127.0.0.1", "::1"});
          !st.ok()) {
        return Fail(st.error());
      }
    } else {
      server_options.cert_file = f.cert;
      server_options.key_file = f.key;
    }
  }
  server_options.max_body_bytes = f.max_body;
  server_options.io_threads = f.io_threads;
  server_options.worker_threads = f.workers;
  server_options.read_timeout = std::chrono::seconds(f.read_timeout);
  server_options.idle_timeout = std::chrono::seconds(f.idle_timeout);
  server_options.header_timeout = std::chrono::seconds(f.header_timeout);
  server_options.max_connections = f.max_connections;
  RaiseFileLimit();

  lrsd::auth::Options auth_options;
  auth_options.throttle.max_failures = f.auth_failures;
  auth_options.throttle.window = std::chrono::seconds(f.auth_window);
  auth_options.throttle.lockout = std::chrono::seconds(f.auth_lockout);
  auth_options.throttle.max_lockout = std::max(auth_options.throttle.lockout, std::chrono::seconds(15 * 60));
  lrsd::auth::Authenticator authenticator(**store, auth_options);
  if (!f.no_first_credential) {
    auto existing = authenticator.List();
    if (!existing.ok()) return Fail(existing.error());
    if (existing->empty()) {
      auto created = authenticator.Create("", "", lrsd::auth::kAll);
      if (!created.ok()) return Fail(created.error());
      std::cout << "lrsd: created the first credential (scope all); keep the secret, it is not shown again\n";
      PrintCredential(created->first, created->second);
    }
  }

  lrsd::resources::Config config;
  config.max_statements_per_request = f.max_batch;
  config.query.max_page = f.page_size;
  config.cors_origins = f.cors;
  auto version = lrsd::xapi::ParseVersionHeader(f.default_version);
  if (!version.ok()) {
    std::cerr << "lrsd: --default-version must be 1.0.3 or 2.0.0\n";
    return kExitUsage;
  }
  config.default_version = *version;
  lrsd::ops::Metrics metrics(LRSD_VERSION);
  metrics.set_base_path(config.base_path);
  config.metrics = &metrics;
  config.metrics_auth = !f.no_metrics_auth;
  config.allow_erasure = f.allow_erasure;
  lrsd::profile::Service profiles(**store);
  if (auto st = profiles.Load(); !st.ok()) return Fail(st.error());
  // Statement forwarding (/admin/forwarding): its workers start once the server listens.
  lrsd::forward::Forwarder forwarder(**store, [](const lrsd::net::ClientRequest& r) { return lrsd::net::HttpRequest(r); });
  config.forwarder = &forwarder;
  metrics.set_extra_renderer([&forwarder](lrsd::ops::TextWriter& w) { forwarder.RenderMetrics(w); });
  lrsd::resources::App app(**store, authenticator, &profiles, config);

  // Sees every request once its response is written: metrics, then the access log line (never
  // a credential: headers are not logged, secret-looking query values are redacted).
  const bool access_log = !f.no_access_log;
  lrsd::net::RequestLogger logger = [&metrics, &forwarder, access_log](const lrsd::http::Request& req,
                                                                      const lrsd::http::Response& res, double millis) {
    metrics.Observe(req, res, millis);
    if ((req.method == lrsd::http::Method::kPost || req.method == lrsd::http::Method::kPut) && res.status / 100 == 2 &&
        lrsd::ops::ResourceOf(req.Path(), metrics.base_path()) == lrsd::ops::Resource::kStatements) {
      forwarder.Notify();  // new statements are durable: forward them now, not at the next poll
    }
    if (!access_log || !lrsd::LogEnabled(lrsd::LogLevel::kInfo)) return;
    const std::string target = lrsd::ops::RedactTarget(req.target);
    if (lrsd::GetLogFormat() == lrsd::LogFormat::kJson) {
      lrsd::Log(lrsd::LogLevel::kInfo, "request",
                {{"remote", req.remote_address},
                 {"method", req.method_name},
                 {"target", target},
                 {"status", static_cast<std::int64_t>(res.status)},
                 {"bytes", static_cast<std::int64_t>(res.body.size())},
                 {"ms", millis}});
      return;
    }
    char timing[32];
    std::snprintf(timing, sizeof timing, "%.2fms", millis);
    lrsd::Log(lrsd::LogLevel::kInfo, req.remote_address + " " + req.method_name + " " + target + " " +
                                         std::to_string(res.status) + " " + std::to_string(res.body.size()) + "B " +
                                         timing);
  };
  if (!f.worker_writes) {
    server_options.inline_handler = [&app](lrsd::http::Request& r) { return app.HandleInline(r); };
  }
  lrsd::net::Server server(server_options, [&app](lrsd::http::Request& r) { return app.Handle(r); }, logger);
  auto bound = server.Listen(/*handle_signals=*/true);
  if (!bound.ok()) return Fail(bound.error());
  // `lrsd backup` reaches the running server here (the database lock keeps it out otherwise).
  lrsd::ops::ControlServer control(lrsd::ops::ControlSocketPath(f.data),
                                   [&store](std::string_view line) { return HandleControl(**store, line); });
  if (auto st = control.Start(); !st.ok()) {
    lrsd::Log(lrsd::LogLevel::kWarn, "no control socket (lrsd backup will not reach this server): " + st.error().ToString());
  }
  for (const auto& b : *bound) {
    std::string host = b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host;
    std::cout << "lrsd: listening on " << b.scheme << "://" << host << ":" << b.port << "/xapi/" << std::endl;
  }
  lrsd::Log(lrsd::LogLevel::kInfo, "serving data in " + std::filesystem::absolute(f.data).string() +
                                       (f.no_sync ? " (sync off: the last writes may be lost on power failure)" : "") +
                                       "; RocksDB memory " + std::to_string(f.memory_mb) + " MiB, allocator " +
                                       LRSD_ALLOCATOR);
  RetentionSweeper retention(**store, profiles, f.retention_days, std::chrono::seconds(f.retention_interval));
  if (auto st = forwarder.Start(); !st.ok()) {
    lrsd::Log(lrsd::LogLevel::kError, "statement forwarding not started: " + st.error().ToString());
  }
  server.Run(true);
  forwarder.Stop();
  retention.Stop();
  control.Stop();
  lrsd::Log(lrsd::LogLevel::kInfo, "shutting down: in-flight requests answered, closing the database");
  if (auto st = (*store)->Flush(); !st.ok()) return Fail(st.error());
  store->reset();
  lrsd::Log(lrsd::LogLevel::kInfo, "stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"lrsd: an xAPI Learning Record Store (xAPI 1.0.3 and 2.0)"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", LRSD_VERSION);

  ServeFlags serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the xAPI under /xapi/ (HTTPS on 0.0.0.0:8443 by default)");
  serve_cmd->add_option("--data", serve.data, "Data directory (RocksDB database, TLS material)")->capture_default_str();
  serve_cmd->add_option("--https", serve.https, "HTTPS listener HOST:PORT (repeatable)")->delimiter(',');
  serve_cmd->add_option("--http", serve.http, "Plain HTTP listener HOST:PORT (repeatable; for a reverse proxy or tests)")
      ->delimiter(',');
  serve_cmd->add_option("--cert", serve.cert, "PEM certificate chain (default: a self-signed one in DATA/tls)");
  serve_cmd->add_option("--key", serve.key, "PEM private key for --cert");
  serve_cmd->add_flag("--no-sync", serve.no_sync,
                      "Acknowledge writes before the WAL is fsynced (faster; a power loss may lose the last writes)");
  serve_cmd->add_option("--memory-mb", serve.memory_mb,
                        "RocksDB memory in MiB: the block cache, which the memtables (half of it at most) "
                        "are charged to; more keeps more of the store in memory")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{16}, std::size_t{1} << 20));
  serve_cmd->add_option("--default-version", serve.default_version,
                        "xAPI version reported to requests that name none (1.0.3 or 2.0.0)")
      ->capture_default_str();
  serve_cmd->add_option("--max-body", serve.max_body, "Largest request body in bytes")->capture_default_str();
  serve_cmd->add_option("--max-batch", serve.max_batch, "Most statements in one POST")->capture_default_str();
  serve_cmd->add_option("--page-size", serve.page_size, "Most statements per GET page")->capture_default_str();
  serve_cmd->add_option("--io-threads", serve.io_threads, "Network threads (0: one per core)")->capture_default_str();
  serve_cmd->add_option("--workers", serve.workers, "Request handler threads (0: max(32, 8 per core))")
      ->capture_default_str();
  serve_cmd->add_flag("--worker-writes", serve.worker_writes,
                      "Hand every statement write to the worker pool (by default a small one is written on the "
                      "network thread that read it, and answered once its WAL sync is done)");
  serve_cmd->add_option("--read-timeout", serve.read_timeout, "Seconds to receive a request body (and to send a response)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--idle-timeout", serve.idle_timeout,
                        "Seconds a connection may wait before sending a request (new or kept alive)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--header-timeout", serve.header_timeout,
                        "Seconds to receive request headers once they began, and to complete a TLS handshake")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--max-connections", serve.max_connections,
                        "Open connections at most; further ones are closed at once (kept within the descriptor limit)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  serve_cmd->add_option("--auth-failures", serve.auth_failures,
                        "Failed authentications from one address (IPv6: one /64) within --auth-window before it is "
                        "refused with 429 for --auth-lockout seconds, doubling up to 15 min (0: no throttling)")
      ->capture_default_str();
  serve_cmd->add_option("--auth-window", serve.auth_window, "Seconds over which --auth-failures are counted")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--auth-lockout", serve.auth_lockout, "Seconds of the first lockout (then doubling)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_option("--cors-origins", serve.cors, "Allowed CORS origins: * or a comma-separated list")
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "debug, info, warn, error or off")->capture_default_str();
  serve_cmd->add_option("--log-format", serve.log_format,
                        "text (one line: time LEVEL message) or json (one JSON object per line)")
      ->capture_default_str();
  serve_cmd->add_flag("--no-access-log", serve.no_access_log, "Do not log one line per request");
  serve_cmd->add_flag("--no-first-credential", serve.no_first_credential,
                      "Do not create and print a credential when none exists");
  serve_cmd->add_flag("--allow-erasure", serve.allow_erasure,
                      "Enable POST /admin/erasure (a person's statements and documents erased, audited)");
  serve_cmd->add_option("--retention-days", serve.retention_days,
                        "Erase statements stored more than this many days ago (0: keep forever)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 36500.0));
  serve_cmd->add_option("--retention-interval", serve.retention_interval, "Seconds between retention sweeps")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve_cmd->add_flag("--no-metrics-auth", serve.no_metrics_auth,
                      "Serve GET /metrics without authentication (default: scope admin or all required)");
  serve_cmd->add_option("--config", serve.config,
                        "TOML file of settings (name = value, names as the flags: page-size = 200)");
  AddEnvironmentNames(serve_cmd);
  serve_cmd->footer(
      "Every flag can also be set by the environment variable LRSD_<FLAG> (--page-size: LRSD_PAGE_SIZE,\n"
      "--no-sync: LRSD_NO_SYNC=true, repeatable flags comma-separated: LRSD_HTTPS=a:1,b:2) or in the\n"
      "--config file (page-size = 200, no-sync = true, https = [\"a:1\", \"b:2\"], at the top or under\n"
      "[serve]). Precedence: flags > environment > config file > defaults.\n"
      "GET /health (no credential) answers 200 while the database answers a read, else 503;\n"
      "GET /metrics is the Prometheus text exposition.");

  std::string data = "data";
  auto* creds = cli.add_subcommand("credentials", "Manage API credentials (while no lrsd serves the data directory)");
  creds->require_subcommand(1);
  std::string key, secret, scope = "all", authority;
  auto* create = creds->add_subcommand("create", "Create a credential; generates key/secret when not given");
  create->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");
  create->add_option("--key", key, "Key (username for HTTP Basic)");
  create->add_option("--secret", secret, "Secret (password for HTTP Basic), at least 8 characters");
  create->add_option("--scope", scope,
                     "Comma-separated scopes: statements/write, statements/read, statements/read/mine, state, "
                     "define, profile, all/read, all")
      ->capture_default_str();
  create->add_option("--authority", authority, "Authority Agent as JSON (default: an account agent named after KEY)");
  auto* list = creds->add_subcommand("list", "List credentials (keys, scopes, authority; never secrets)");
  list->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");
  std::string revoke_key;
  auto* revoke = creds->add_subcommand("revoke", "Revoke a credential");
  revoke->add_option("key", revoke_key, "Key to revoke")->required();
  revoke->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");

  std::string people_file;
  auto* people = cli.add_subcommand("people", "Learning-profile people directory (while no lrsd serves the data directory)");
  people->require_subcommand(1);
  auto* people_import = people->add_subcommand("import", "Upsert people from a JSON array or a CSV file");
  people_import->add_option("file", people_file, "JSON (array of people) or CSV (id,name,role,unit,manager,ifis)")
      ->required();
  people_import->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");
  auto* rebuild = cli.add_subcommand(
      "rebuild", "Recompute every learning profile from the stored statements (after rule changes)");
  rebuild->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");

  std::string backup_to, restore_from;
  bool backup_list = false;
  std::int64_t restore_id = 0;
  auto* backup = cli.add_subcommand(
      "backup", "Back up the database (incremental; also while lrsd serves it, through its control socket)");
  backup->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");
  backup->add_option("--to", backup_to, "Backup directory (created; earlier backups there are kept and shared)")
      ->required();
  backup->add_flag("--list", backup_list, "List the backups in --to instead of making one");
  auto* restore = cli.add_subcommand("restore", "Restore a backup into a new data directory (while no lrsd serves it)");
  restore->add_option("--from", restore_from, "Backup directory")->required();
  restore->add_option("--data", data, "New data directory (its database must not exist yet)")
      ->capture_default_str()
      ->envname("LRSD_DATA");
  restore->add_option("--backup", restore_id, "Backup id (default: the latest; see lrsd backup --list)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{0xFFFFFFFF}));

  std::string erase_agent, erase_person;
  auto* erase = cli.add_subcommand(
      "erase", "Erase a person's statements, documents and agent records (privacy request; audited; while no lrsd serves DIR)");
  erase->add_option("--data", data, "Data directory")->capture_default_str()->envname("LRSD_DATA");
  auto* erase_agent_opt = erase->add_option("--agent", erase_agent, "The person as an xAPI Agent (JSON with an IFI)");
  erase->add_option("--person", erase_person, "A person id of the people directory (all their IFIs)")
      ->excludes(erase_agent_opt);

  CLI11_PARSE(cli, argc, argv);

  if (backup->parsed()) {
    if (backup_list) {
      auto list = lrsd::store::Store::ListBackups(backup_to);
      if (!list.ok()) return Fail(list.error());
      for (const auto& b : *list) std::cout << b.id << "\t" << b.created << "\t" << b.bytes << "\t" << b.files << "\n";
      return 0;
    }
    return Backup(data, backup_to);
  }
  if (restore->parsed()) {
    std::optional<std::uint32_t> id;
    if (restore_id > 0) id = static_cast<std::uint32_t>(restore_id);
    if (auto st = lrsd::store::Store::Restore(restore_from, DbPath(data), id); !st.ok()) return Fail(st.error());
    std::cout << "lrsd: restored " << (id ? "backup " + std::to_string(*id) : std::string("the latest backup"))
              << " from " << restore_from << " into " << DbPath(data) << "\n";
    return 0;
  }

  if (serve_cmd->parsed()) {
    if (!serve.config.empty()) {
      if (auto error = ApplyConfigFile(serve_cmd, serve.config); !error.empty()) {
        std::cerr << "lrsd: " << error << "\n";
        return kExitUsage;
      }
    }
    return Serve(serve);
  }

  // credentials, people, rebuild: the database is opened directly; RocksDB's LOCK keeps this
  // from racing a running server (it fails with exit code 3 and says so).
  auto store = OpenStore(data, true);
  if (!store.ok()) return Fail(store.error());
  if (auto st = lrsd::xapi::LoadSchemas(""); !st.ok()) return Fail(st.error());
  if (people_import->parsed() || rebuild->parsed()) {
    lrsd::profile::Service profiles(**store);
    if (auto st = profiles.Load(); !st.ok()) return Fail(st.error());
    if (rebuild->parsed()) {
      if (auto st = profiles.Rebuild(ShowProgress); !st.ok()) return Fail(st.error());
      std::fprintf(stderr, "\n");
      std::cout << "rebuilt learning profiles\n";
      return 0;
    }
    std::ifstream in(people_file, std::ios::binary);
    if (!in) {
      std::cerr << "lrsd: cannot read " << people_file << "\n";
      return kExitFailure;
    }
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t first = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    const bool json = first != std::string::npos && body[first] == '[';
    auto parsed = json ? lrsd::profile::ParsePeopleJson(body) : lrsd::profile::ParsePeopleCsv(body);
    if (!parsed.ok()) return Fail(parsed.error());
    if (auto st = profiles.UpsertPeople(*parsed); !st.ok()) return Fail(st.error());
    std::cout << "imported " << parsed->size() << " people\n";
    return 0;
  }
  if (erase->parsed()) {
    lrsd::profile::Service profiles(**store);
    if (auto st = profiles.Load(); !st.ok()) return Fail(st.error());
    std::vector<std::string> ifis;
    if (!erase_agent.empty()) {
      lrsd::xapi::JsonDocument agent;
      agent.Parse(erase_agent.data(), erase_agent.size());
      if (agent.HasParseError() || !agent.IsObject()) {
        std::cerr << "lrsd: --agent must be an Agent as JSON\n";
        return kExitUsage;
      }
      auto ifi = lrsd::xapi::IfiKey(agent);
      if (!ifi) {
        std::cerr << "lrsd: --agent needs an inverse functional identifier (mbox, mbox_sha1sum, openid, account)\n";
        return kExitUsage;
      }
      ifis.push_back(*ifi);
    } else if (!erase_person.empty()) {
      auto person = profiles.GetPerson(erase_person);
      if (!person.ok()) return Fail(person.error());
      if (!person->has_value()) return Fail(lrsd::Error::NotFound("no person " + erase_person));
      for (const auto& [ifi, agent_json] : (*person)->ifis) ifis.push_back(ifi);
    } else {
      std::cerr << "lrsd: erase needs --agent or --person\n";
      return kExitUsage;
    }
    auto result = lrsd::resources::ErasePerson(**store, &profiles, ifis, erase_person, "lrsd erase");
    if (!result.ok()) return Fail(result.error());
    std::cout << result->audit_json << "\n";
    return 0;
  }
  lrsd::auth::Authenticator authenticator(**store);
  if (create->parsed()) {
    auto scopes = lrsd::auth::ParseScopes(scope);
    if (!scopes || *scopes == 0) {
      std::cerr << "lrsd: unknown scope in '" << scope << "'\n";
      return kExitUsage;
    }
    auto created = authenticator.Create(key, secret, *scopes, authority);
    if (!created.ok()) return Fail(created.error());
    PrintCredential(created->first, created->second);
    return 0;
  }
  if (list->parsed()) {
    auto all = authenticator.List();
    if (!all.ok()) return Fail(all.error());
    for (const auto& c : *all) {
      std::cout << c.key << "\t" << lrsd::auth::FormatScopes(c.scopes) << "\t" << c.created << "\t" << c.authority_json
                << "\n";
    }
    return 0;
  }
  if (revoke->parsed()) {
    if (auto st = authenticator.Revoke(revoke_key); !st.ok()) return Fail(st.error());
    std::cout << "revoked " << revoke_key << "\n";
    return 0;
  }
  return kExitUsage;
}
