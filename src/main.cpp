// lrsd: command line. `lrsd serve` runs the LRS; `lrsd credentials` manages API credentials.
// Flags and output lines here are interfaces scripts depend on: keep them stable.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "lrsd/auth.h"
#include "lrsd/net.h"
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
  std::cerr << "lrsd: " << e.ToString() << "\n";
  return e.status == 503 ? kExitDataInUse : kExitFailure;
}

lrsd::Result<std::unique_ptr<lrsd::store::Store>> OpenStore(const std::string& data, bool sync) {
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) return lrsd::Error::Internal("cannot create data directory " + data + ": " + ec.message());
  lrsd::store::Options options;
  options.path = DbPath(data);
  options.sync = sync;
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

struct ServeFlags {
  std::string data = "data";
  std::vector<std::string> https;
  std::vector<std::string> http;
  std::string cert, key;
  bool no_sync = false;
  std::string default_version = "2.0.0";
  std::size_t max_body = 64u << 20;
  std::size_t max_batch = 1000;
  std::uint32_t page_size = 100;
  unsigned io_threads = 0, workers = 0;
  unsigned read_timeout = 30, idle_timeout = 60;
  std::string cors = "*";
  std::string log_level = "info";
  bool access_log = true;
  bool no_first_credential = false;
};

int Serve(const ServeFlags& f) {
  auto level = lrsd::ParseLogLevel(f.log_level);
  if (!level) {
    std::cerr << "lrsd: --log-level must be debug, info, warn, error or off\n";
    return kExitUsage;
  }
  lrsd::SetLogLevel(*level);
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

  auto store = OpenStore(f.data, !f.no_sync);
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

  lrsd::auth::Authenticator authenticator(**store);
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
  lrsd::profile::Service profiles(**store);
  if (auto st = profiles.Load(); !st.ok()) return Fail(st.error());
  lrsd::resources::App app(**store, authenticator, &profiles, config);

  lrsd::net::RequestLogger logger;
  if (f.access_log) {
    logger = [](const lrsd::http::Request& req, const lrsd::http::Response& res, double millis) {
      if (!lrsd::LogEnabled(lrsd::LogLevel::kInfo)) return;
      char timing[32];
      std::snprintf(timing, sizeof timing, "%.2fms", millis);
      lrsd::Log(lrsd::LogLevel::kInfo, req.remote_address + " " + req.method_name + " " + req.target + " " +
                                           std::to_string(res.status) + " " + std::to_string(res.body.size()) + "B " +
                                           timing);
    };
  }
  lrsd::net::Server server(server_options, [&app](lrsd::http::Request& r) { return app.Handle(r); }, logger);
  auto bound = server.Listen();
  if (!bound.ok()) return Fail(bound.error());
  for (const auto& b : *bound) {
    std::string host = b.host.find(':') != std::string::npos ? "[" + b.host + "]" : b.host;
    std::cout << "lrsd: listening on " << b.scheme << "://" << host << ":" << b.port << "/xapi/" << std::endl;
  }
  lrsd::Log(lrsd::LogLevel::kInfo, "serving data in " + std::filesystem::absolute(f.data).string() +
                                       (f.no_sync ? " (sync off: the last writes may be lost on power failure)" : ""));
  server.Run(true);
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
  serve_cmd->add_option("--https", serve.https, "HTTPS listener HOST:PORT (repeatable)");
  serve_cmd->add_option("--http", serve.http, "Plain HTTP listener HOST:PORT (repeatable; for a reverse proxy or tests)");
  serve_cmd->add_option("--cert", serve.cert, "PEM certificate chain (default: a self-signed one in DATA/tls)");
  serve_cmd->add_option("--key", serve.key, "PEM private key for --cert");
  serve_cmd->add_flag("--no-sync", serve.no_sync,
                      "Acknowledge writes before the WAL is fsynced (faster; a power loss may lose the last writes)");
  serve_cmd->add_option("--default-version", serve.default_version,
                        "xAPI version reported to requests that name none (1.0.3 or 2.0.0)")
      ->capture_default_str();
  serve_cmd->add_option("--max-body", serve.max_body, "Largest request body in bytes")->capture_default_str();
  serve_cmd->add_option("--max-batch", serve.max_batch, "Most statements in one POST")->capture_default_str();
  serve_cmd->add_option("--page-size", serve.page_size, "Most statements per GET page")->capture_default_str();
  serve_cmd->add_option("--io-threads", serve.io_threads, "Network threads (0: one per core)")->capture_default_str();
  serve_cmd->add_option("--workers", serve.workers, "Request handler threads (0: max(8, 4 per core))")
      ->capture_default_str();
  serve_cmd->add_option("--read-timeout", serve.read_timeout, "Seconds to receive a whole request")
      ->capture_default_str();
  serve_cmd->add_option("--idle-timeout", serve.idle_timeout, "Seconds a keep-alive connection may idle")
      ->capture_default_str();
  serve_cmd->add_option("--cors-origins", serve.cors, "Allowed CORS origins: * or a comma-separated list")
      ->capture_default_str();
  serve_cmd->add_option("--log-level", serve.log_level, "debug, info, warn, error or off")->capture_default_str();
  serve_cmd->add_flag("!--no-access-log", serve.access_log, "Do not log one line per request");
  serve_cmd->add_flag("--no-first-credential", serve.no_first_credential,
                      "Do not create and print a credential when none exists");

  std::string data = "data";
  auto* creds = cli.add_subcommand("credentials", "Manage API credentials (while no lrsd serves the data directory)");
  creds->require_subcommand(1);
  std::string key, secret, scope = "all", authority;
  auto* create = creds->add_subcommand("create", "Create a credential; generates key/secret when not given");
  create->add_option("--data", data, "Data directory")->capture_default_str();
  create->add_option("--key", key, "Key (username for HTTP Basic)");
  create->add_option("--secret", secret, "Secret (password for HTTP Basic), at least 8 characters");
  create->add_option("--scope", scope,
                     "Comma-separated scopes: statements/write, statements/read, statements/read/mine, state, "
                     "define, profile, all/read, all")
      ->capture_default_str();
  create->add_option("--authority", authority, "Authority Agent as JSON (default: an account agent named after KEY)");
  auto* list = creds->add_subcommand("list", "List credentials (keys, scopes, authority; never secrets)");
  list->add_option("--data", data, "Data directory")->capture_default_str();
  std::string revoke_key;
  auto* revoke = creds->add_subcommand("revoke", "Revoke a credential");
  revoke->add_option("key", revoke_key, "Key to revoke")->required();
  revoke->add_option("--data", data, "Data directory")->capture_default_str();

  std::string people_file;
  auto* people = cli.add_subcommand("people", "Learning-profile people directory (while no lrsd serves the data directory)");
  people->require_subcommand(1);
  auto* people_import = people->add_subcommand("import", "Upsert people from a JSON array or a CSV file");
  people_import->add_option("file", people_file, "JSON (array of people) or CSV (id,name,role,unit,manager,ifis)")
      ->required();
  people_import->add_option("--data", data, "Data directory")->capture_default_str();
  auto* rebuild = cli.add_subcommand(
      "rebuild", "Recompute every learning profile from the stored statements (after rule changes)");
  rebuild->add_option("--data", data, "Data directory")->capture_default_str();

  CLI11_PARSE(cli, argc, argv);

  if (serve_cmd->parsed()) return Serve(serve);

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
