// lrsd resources: the xAPI resources under /xapi/ (statements, documents, activities, agents,
// about) and lrsd's own under /admin/ and /learning/ (learning profiles). Turns an
// http::Request into an http::Response: CORS, the alternate request syntax, version
// negotiation, authentication and scopes, then the resource.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "lrsd/auth.h"
#include "lrsd/http.h"
#include "lrsd/profile.h"
#include "lrsd/query.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace lrsd::ops {
class Metrics;
}
namespace lrsd::forward {
class Forwarder;
}

namespace lrsd::resources {

struct Config {
  std::string base_path = "/xapi";
  std::size_t max_statements_per_request = 1000;
  std::size_t max_json_depth = 64;
  query::Limits query;
  // CORS: "*" answers any origin (browser content posts cross-origin); otherwise a
  // comma-separated allow-list of origins.
  std::string cors_origins = "*";
  // The version lrsd answers with when a request names none (or an unsupported one). Each
  // request that names a supported version is answered in that version.
  xapi::Version default_version = xapi::Version::k2_0;
  // GET /metrics exposes this registry (null: 404); with metrics_auth it needs a credential with
  // scope admin (or all), without it anyone may read it. GET /health needs no credential.
  ops::Metrics* metrics = nullptr;
  bool metrics_auth = true;
  // POST /admin/erasure erases a person's data (off by default: 403 until an operator enables it).
  bool allow_erasure = false;
  // /admin/forwarding configures statement forwarding through this (null: 404).
  forward::Forwarder* forwarder = nullptr;
};

class App {
 public:
  // `profiles` may be null (no learning profiles: /admin/ and /learning/ answer 404).
  App(store::Store& store, auth::Authenticator& auth, profile::Service* profiles, Config config);
  ~App();
  http::Response Handle(http::Request& request);
  // The network thread's handler (net::ServerOptions::inline_handler): statement POSTs and PUTs
  // of one small JSON body from a credential already verified, written without waiting for
  // locks, stalls or the WAL sync (the response waits for the sync instead); everything else,
  // and any of these that would wait, answers retry_on_worker.
  http::Response HandleInline(http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrsd::resources
