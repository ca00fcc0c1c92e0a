// lrsd net: the asynchronous HTTP(S) server (Boost.Beast/Asio, OpenSSL). Accepts connections,
// enforces header/body limits and timeouts, keeps connections alive, and hands each request
// to a Handler on a worker pool (handlers may block on storage); Beast never leaves net/.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/http.h"

namespace lrsd::net {

struct ListenerConfig {
  std::string host = "0.0.0.0";
  std::uint16_t port = 0;   // 0: any free port (the bound one is reported by Listen)
  bool tls = false;
};

struct ServerOptions {
  std::vector<ListenerConfig> listeners;
  std::string cert_file;    // PEM certificate chain, for TLS listeners
  std::string key_file;     // PEM private key
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 64u << 20;
  std::chrono::seconds read_timeout{30};     // a request body must arrive whole within this
  std::chrono::seconds idle_timeout{60};     // a connection with no request (new or kept alive)
  std::chrono::seconds header_timeout{10};   // request headers (and the TLS handshake) once started
  std::chrono::seconds shutdown_grace{30};   // in-flight requests get this long on shutdown
  unsigned io_threads = 0;                   // 0: one per core
  unsigned worker_threads = 0;               // 0: max(32, 8 per core)
  // Open connections; more are closed as soon as accepted. Lowered at Listen when the process's
  // file-descriptor limit (RLIMIT_NOFILE) could not hold this many besides the database's files.
  std::size_t max_connections = 10000;
  // Tried first, on the network thread, for every request (null: never): small requests that can
  // be answered without blocking skip the hand-off to the worker pool and back. It answers
  // Response::retry_on_worker for the others (see http::Request::on_network_thread).
  std::function<http::Response(http::Request& request)> inline_handler;
};

struct BoundEndpoint {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::uint16_t port = 0;
};

using Handler = std::function<http::Response(http::Request& request)>;
// Called once per request after the response is written (access log, metrics).
using RequestLogger = std::function<void(const http::Request&, const http::Response&, double millis)>;

// Creates a self-signed certificate (EC P-256, SAN for every name in `hosts`, valid 825 days)
// and its private key (mode 0600) unless both files already exist.
Status EnsureSelfSignedCertificate(const std::string& cert_file, const std::string& key_file,
                                   const std::vector<std::string>& hosts);

// ---- A small synchronous HTTP(S) client (statement forwarding, src/net/client.cpp) ------------
struct ClientRequest {
  bool tls = false;
  std::string host;         // a name or an address (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string target;       // "/xapi/statements"
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::seconds timeout{10};  // connecting, and each of sending and receiving
  bool verify_tls = true;   // certificate chain (system CA store) and host name; SNI always set
  std::size_t max_response_bytes = 1u << 20;
  // When set and it becomes true, the request is abandoned within ~100 ms (an Error, status 503).
  const std::atomic<bool>* cancel = nullptr;
};
struct ClientResponse {
  int status = 0;
  std::string body;
};
// One request on a fresh connection (closed afterwards). A network, TLS or protocol failure is
// an Error (status 502, or 504 on a timeout) whose message says what failed; any HTTP answer,
// whatever its status, is a ClientResponse.
Result<ClientResponse> HttpRequest(const ClientRequest& request);

class Server {
 public:
  Server(ServerOptions options, Handler handler, RequestLogger logger = {});
  ~Server();

  // Binds every listener (and loads TLS material). Errors name the failing address or file.
  // With handle_signals, SIGINT/SIGTERM are caught from here on (a signal before Run stops it
  // gracefully as soon as it runs).
  Result<std::vector<BoundEndpoint>> Listen(bool handle_signals = false);
  // Serves until Shutdown() (from any thread, or on SIGINT/SIGTERM when handle_signals) has
  // stopped accepting and every in-flight request has been answered.
  void Run(bool handle_signals = true);
  // Stops accepting; in-flight requests finish (bounded by shutdown_grace); Run returns.
  void Shutdown();

 public:
  struct Impl;  // defined in server.cpp only

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace lrsd::net
