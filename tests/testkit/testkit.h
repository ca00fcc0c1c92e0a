// Test kit for integration and conformance tests: starts the real lrsd binary on free ports
// with a temporary data directory, and talks to it over HTTP or HTTPS like a client does.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lrsd::testkit {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;

  std::string Header(const std::string& name) const;  // "" when absent
  rapidjson::Document Json() const;                   // parse error => a null document
};

struct ServerOptions {
  bool http = true;
  bool https = false;
  std::vector<std::string> extra_args;  // appended to `lrsd serve`
  std::string data_dir;                 // empty: a fresh temporary directory, removed at the end
};

// A running `lrsd serve`. Stops it (SIGTERM, then SIGKILL) on destruction.
class Server {
 public:
  static std::unique_ptr<Server> Start(ServerOptions options = {});
  ~Server();

  // Sends `signal` and waits for the process; returns its exit status (or 128+signal).
  int Stop(int signal = 15);
  // Stop (SIGTERM), then start again on the same data directory (new ports).
  void Restart();
  // Starts again after Stop()/a crash (same data directory, new ports).
  void StartAgain();
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }

  const std::string& http_url() const { return http_url_; }    // "http://127.0.0.1:PORT"
  const std::string& https_url() const { return https_url_; }  // "https://127.0.0.1:PORT"
  const std::string& key() const { return key_; }
  const std::string& secret() const { return secret_; }
  const std::string& data_dir() const { return options_.data_dir; }
  // Everything the process wrote on stderr so far (logs).
  std::string Stderr() const;

  // Runs `lrsd credentials …` against this data directory (server must be stopped, or the
  // command fails with "in use"): returns exit status and stdout.
  std::pair<int, std::string> RunCli(const std::vector<std::string>& args) const;

 private:
  Server() = default;
  void Launch();

  ServerOptions options_;
  bool owns_dir_ = false;
  int pid_ = -1;
  std::string http_url_, https_url_;
  std::string key_, secret_;
  std::string stderr_file_;
};

// A keep-alive HTTP(S) client (certificate verification off: lrsd's generated certificate is
// self-signed). Not thread-safe; make one per thread.
class Client {
 public:
  // `base` is "http://host:port" or "https://host:port".
  Client(std::string base, std::string key, std::string secret, std::string version = "1.0.3");
  ~Client();

  Response Request(const std::string& method, const std::string& target, const std::string& body = "",
                   const std::map<std::string, std::string>& headers = {});
  Response Get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return Request("GET", target, "", headers);
  }
  Response PostJson(const std::string& target, const std::string& json,
                    const std::map<std::string, std::string>& headers = {});
  Response PutJson(const std::string& target, const std::string& json,
                   const std::map<std::string, std::string>& headers = {});

  // Per-request defaults. Pass a header with an empty value to omit it for one request.
  void set_version(std::string v) { version_ = std::move(v); }
  void set_credentials(std::string key, std::string secret);
  void set_auth_enabled(bool on) { auth_ = on; }

  // Sends raw bytes on a fresh connection and returns whatever comes back (for malformed
  // requests and limits).
  std::string RawExchange(const std::string& bytes, int timeout_ms = 5000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string version_;
  std::string authorization_;
  bool auth_ = true;
};

// A statement with a unique activity id, for tests that need "some valid statement".
std::string SampleStatement(const std::string& actor_mbox = "mailto:learner@example.com",
                            const std::string& verb = "http://adlnet.gov/expapi/verbs/completed",
                            const std::string& activity = "http://example.com/activities/sample");
std::string NewUuidString();
std::string UrlEncode(const std::string& text);

}  // namespace lrsd::testkit
