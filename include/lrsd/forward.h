// lrsd forward: statement forwarding. Configured xAPI endpoints receive every accepted
// statement (optionally filtered by verb, activity or actor), in stored order, at least once.
//
// The durable queue is the statement spine itself: each target keeps a cursor (the stored
// sequence of the last statement it has dealt with) in the meta family, advanced only after
// the receiver answered 2xx (or permanently refused a statement, which is then kept in a
// bounded dead-letter record). Nothing is added to the statement write path; a receiver that is
// down, or an lrsd that crashes, loses nothing: delivery resumes from the cursor. A receiver
// sees a statement again after a crash between its 2xx and the cursor write, which an LRS
// treats as a no-op (same id, same content).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/net.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace lrsd::ops {
class TextWriter;
}

namespace lrsd::forward {

// ---- Configuration (src/forward/config.cpp) ---------------------------------------------------
// An xAPI base URL: "https://lrs.example.com/xapi/" (a missing final '/' is added).
struct Endpoint {
  bool tls = false;
  std::string host;          // IPv6 without brackets
  std::uint16_t port = 0;
  std::string path = "/";    // ends with '/'
  std::string ToString() const;
};
Result<Endpoint> ParseEndpoint(std::string_view url);

// Statements pass when every non-empty list has a match: the verb id among `verbs`; the object
// an Activity whose id is among `activities` (an entry ending in '*' is a prefix); the actor's
// IFI (or, for an anonymous group, a member's) among `actor_ifis`. A voiding statement passes
// when the statement it voids does (the forwarder looks it up).
struct Filter {
  std::vector<std::string> verbs;
  std::vector<std::string> activities;
  std::vector<std::string> actor_ifis;   // xapi::IfiKey form
  std::string json;                      // as configured (for GET), "" when none
  bool empty() const { return verbs.empty() && activities.empty() && actor_ifis.empty(); }
};
bool Matches(const Filter& filter, const xapi::JsonValue& statement);

struct Target {
  std::string id;           // [A-Za-z0-9._-]{1,64}
  Endpoint endpoint;
  std::string key;
  std::string secret;       // sent to the receiver; never logged, never returned by GET
  std::string version = "1.0.3";  // X-Experience-API-Version sent: "1.0.3" or "2.0.0"
  Filter filter;
  std::size_t batch = 100;  // most statements per POST (1..1000)
  bool from_beginning = false;    // a new target starts at the oldest statement, not now
  bool insecure = false;          // https without certificate verification (self-signed receivers)
};

inline constexpr std::size_t kMaxTargets = 32;

// Parses and validates the PUT /admin/forwarding body: a JSON array of targets. 400 naming the
// offending member (`targets[1].endpoint`). A target without "secret" keeps the secret of the
// target with the same id in `current` (so GET → edit → PUT works without re-typing secrets).
// A "state" member (as GET shows it) is ignored.
Result<std::vector<Target>> ParseTargets(const xapi::JsonValue& body, const std::vector<Target>& current = {});
// The targets as JSON (an array); with_secrets only for the stored copy.
std::string TargetsJson(const std::vector<Target>& targets, bool with_secrets);

// ---- The forwarder (src/forward/forwarder.cpp) ------------------------------------------------
// Sends one HTTP request; net::HttpRequest in production, a fake in tests.
using Transport = std::function<Result<net::ClientResponse>(const net::ClientRequest&)>;

struct Options {
  std::chrono::milliseconds poll{200};           // how often an idle target looks for new statements
  std::chrono::milliseconds backoff_min{1000};   // first retry delay; doubles per failure ...
  std::chrono::milliseconds backoff_max{60000};  // ... up to this (each with ±20% jitter)
  std::chrono::seconds timeout{10};              // connect / send / receive, per request
  std::size_t scan_limit = 5000;                 // statements looked at per round (filtered ones too)
  std::size_t max_rejected_records = 1000;       // dead-letter records kept per target
};

class Forwarder {
 public:
  Forwarder(store::Store& store, Transport transport, Options options = {});
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Loads the stored configuration and starts one worker thread per target.
  Status Start();
  // Stops every worker (a request in flight finishes or times out first). Idempotent.
  void Stop();
  // New statements are durable: idle workers look now rather than at their next poll.
  void Notify();

  // PUT /admin/forwarding: validates, stores, and replaces the running targets. A new target's
  // cursor starts at the consistent-through watermark (or at the beginning); a kept id keeps its
  // cursor; a removed id's cursor and dead-letter records are deleted.
  Status Configure(const xapi::JsonValue& body);
  // GET /admin/forwarding: the targets (without secrets), each with "state".
  Result<std::string> StatusJson();
  // GET /admin/forwarding/{id}/rejected: the dead-letter records, oldest first (404: no target).
  Result<std::string> RejectedJson(std::string_view id);
  // lrsd_forward_* series, one sample per target.
  void RenderMetrics(ops::TextWriter& w);

  struct Worker;  // src/forward/forwarder.cpp

 private:
  void StartWorkers(const std::vector<Target>& targets);
  void StopWorkers();

  store::Store& store_;
  Transport transport_;
  Options options_;
  std::mutex config_mu_;   // one Configure at a time
  std::mutex mu_;          // workers_
  std::vector<std::shared_ptr<Worker>> workers_;
  std::vector<std::shared_ptr<Worker>> retired_;  // stopped; their counters carry over
  std::vector<Target> targets_;
  bool started_ = false;
};

}  // namespace lrsd::forward
