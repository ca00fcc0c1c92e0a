// Crash safety on the real binary: concurrent clients write statements (single POSTs, batches,
// PUTs with ids the test chose, voiding statements) and documents (State PUT and POST merge,
// Activity Profile PUT with If-Match / If-None-Match) while lrsd is SIGKILLed at a random moment,
// restarted and checked over HTTP, cycle after cycle, plus one SIGTERM cycle:
//  - every acknowledged statement is there by id with the content sent (voided ones only through
//    voidedStatementId), and in each index it belongs to (agent, verb, activity, registration);
//  - a request whose outcome the kill hid is all or nothing (a batch is entirely present or
//    entirely absent, a document holds its old or its new value), and one sent after the kill
//    left no trace;
//  - every acknowledged document holds its last acknowledged value, with a matching quoted ETag;
//  - learning profiles count every stored, non-voided statement exactly once.
// LRSD_CRASH_CYCLES (SIGKILL cycles, default 20) and LRSD_CRASH_SEED replay a run; every failure
// names the seed and the cycle. tests/crash/README.md describes it; tests/crash/run-long.sh runs
// it longer.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

using Clock = std::chrono::steady_clock;

// ---- The data the writers draw from -------------------------------------------------------------
constexpr int kPeople = 10;
constexpr int kVoiderAgent = 2 * kPeople;  // agent keys: person * 2 + form (0 mbox, 1 account), then the voider
constexpr int kAgentKeys = kVoiderAgent + 1;
constexpr int kVerbs = 4;
constexpr int kVoidedVerb = kVerbs;  // verb key of voiding statements
constexpr int kActivities = 16;
constexpr int kRegistrations = 8;
constexpr int kModalities = 4;  // formal, experiential, informal, unclassified: activity % 4
constexpr int kStateDocs = 6;
constexpr int kProfileDocs = 6;

const char* const kVerbIds[] = {"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed",
                                "http://adlnet.gov/expapi/verbs/experienced", "http://adlnet.gov/expapi/verbs/attempted",
                                "http://adlnet.gov/expapi/verbs/voided"};
const char* const kActivityTypes[] = {"http://adlnet.gov/expapi/activities/course",
                                      "http://id.tincanapi.com/activitytype/task",
                                      "https://w3id.org/xapi/video/activity-type/video",
                                      "http://example.com/activitytypes/unclassified"};
const char* const kModalityNames[] = {"formal", "experiential", "informal", "unclassified"};

constexpr const char* kRules = R"({
  "modality":[
    {"when":{"activityType":"http://adlnet.gov/expapi/activities/course"},"modality":"formal"},
    {"when":{"activityType":"http://id.tincanapi.com/activitytype/task"},"modality":"experiential"},
    {"when":{"activityType":"https://w3id.org/xapi/video/activity-type/video"},"modality":"informal"}],
  "competency":[]})";

std::string Two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }
std::string PersonId(int p) { return "crash-" + Two(p); }
std::string Mbox(int p) { return "mailto:p" + Two(p) + "@crash.example.com"; }
const std::string kFieldHome = "https://field.crash.example.com";
const std::string kVoiderMbox = "mailto:voider@crash.example.com";

// The actor of agent key `a`, as sent, and as the `agent` query parameter.
std::string ActorJson(int a) {
  if (a == kVoiderAgent) return R"({"objectType":"Agent","mbox":")" + kVoiderMbox + R"("})";
  if (a % 2 == 0) return R"({"objectType":"Agent","mbox":")" + Mbox(a / 2) + R"("})";
  return R"({"objectType":"Agent","account":{"homePage":")" + kFieldHome + R"(","name":"p)" + Two(a / 2) + R"("}})";
}
std::string ActivityId(int i) { return "https://crash.example.com/activities/" + std::to_string(i); }

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string UuidFrom(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : s) {
    if (c == 'x') c = kHex[rng() % 16];
    else if (c == 'y') c = kHex[8 + rng() % 4];
  }
  return s;
}

int Uniform(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

// ---- What the test sent and what became of it ----------------------------------------------------
struct Stmt {
  enum State : std::uint8_t {
    kInFlight,  // sent, no answer yet
    kAcked,     // 2xx: must be there for ever
    kUnknown,   // no answer (the kill hit it): resolved after the restart
    kRejected,  // answered with an error: must not be there
    kPresent,   // unknown, found after the restart: from then on as good as acknowledged
    kAbsent,    // unknown, not there after the restart
  };
  std::string id;      // empty while the LRS assigns it and has not said
  std::string tag;     // result.response: unique, finds statements whose id the test never learnt
  std::string json;    // as sent
  std::string stored;  // as the LRS reported it
  int agent = 0, verb = 0, activity = 0, registration = 0;
  int seconds = 0;
  int voids = -1;      // voiding statements: the target
  int voided_by = -1;  // set once a voiding statement of this one is durable
  int request = -1;
  int cycle = 0;
  State state = kInFlight;
  bool IsVoiding() const { return voids >= 0; }
  bool Durable() const { return state == kAcked || state == kPresent; }
};

struct DocValue {
  bool exists = false;
  std::map<std::string, long long> members;
  std::string bytes;  // exactly what is stored, when known (after a PUT)
  bool bytes_known = false;
};

std::string Serialize(const std::map<std::string, long long>& members) {
  std::string out = "{";
  for (const auto& [k, v] : members) {
    if (out.size() > 1) out += ',';
    out += '"' + k + "\":" + std::to_string(v);
  }
  return out + "}";
}

struct Doc {
  bool state = true;  // State (PUT / POST merge) or Activity Profile (PUT with preconditions)
  std::string target;
  DocValue value;          // the last acknowledged (or resolved) value
  bool pending = false;    // a write with an unknown outcome
  DocValue pending_value;  // what it would have written
  bool pending_changes = true;  // false: it must not have applied (a stale If-Match)
};

struct Req {
  enum Kind : std::uint8_t { kSingle, kBatch, kPut, kVoid, kStatePut, kStatePost, kProfilePut, kProfileStale, kKinds };
  Kind kind = kSingle;
  int cycle = 0;
  std::vector<int> stmts;
  int doc = -1;
  bool answered = false;
  bool pending = true;  // no answer yet; after the kill: outcome unknown
  bool after_kill = false;  // unanswered, and sent after SIGKILL: must have left no trace
  int status = 0;
  Clock::time_point start, end;
};
const char* const kKindNames[] = {"single POST", "batch POST", "PUT statement", "voiding POST",
                                  "State PUT", "State POST", "Activity Profile PUT", "stale If-Match PUT"};

struct Counters {
  int kills = 0;
  int sigterms = 0;
  long acked_requests[Req::kKinds] = {};
  long acked_statements = 0;
  long by_id_checks = 0;
  long index_entries_checked = 0;
  long spine_statements_checked = 0;
  long documents_checked = 0;
  long profiles_checked = 0;
  long profile_waits = 0;
  long unknown[Req::kKinds] = {};          // unanswered, in flight when the server went away
  long unknown_present[Req::kKinds] = {};  // ... and applied
  long unknown_absent[Req::kKinds] = {};   // ... and not applied
  long sent_after_kill = 0;                // unanswered, sent after the SIGKILL: must have left no trace
  long batches_partial = 0;
  long sigterm_answered = 0, sigterm_answered_after_signal = 0, sigterm_refused = 0;
  int full_sweeps = 0, since_sweeps = 0;
  // Where the time goes (seconds): writing, stopping and restarting, each kind of check.
  double t_write = 0, t_restart = 0, t_by_id = 0, t_spine = 0, t_index = 0, t_profiles = 0, t_documents = 0;
};

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- The test --------------------------------------------------------------------------------------
class CrashRun {
 public:
  CrashRun(std::uint64_t seed, int kill_cycles) : seed_(seed), kill_cycles_(kill_cycles), rng_(seed) {
    for (int i = 0; i < kRegistrations; ++i) registrations_.push_back(UuidFrom(rng_));
    for (int i = 0; i < kStateDocs + kProfileDocs; ++i) {
      Doc d;
      d.state = i < kStateDocs;
      if (d.state) {
        d.target = "/xapi/activities/state?activityId=" + UrlEncode("https://crash.example.com/state-activity") +
                   "&agent=" + UrlEncode(ActorJson(2 * (i % kPeople))) + "&stateId=s" + std::to_string(i);
      } else {
        d.target = "/xapi/activities/profile?activityId=" +
                   UrlEncode(ActivityId(i % kActivities)) + "&profileId=p" + std::to_string(i);
      }
      docs_.push_back(std::move(d));
    }
  }

  void Run();

 private:
  // Writers.
  Stmt RandomStatement(std::mt19937_64& rng, const std::string& tag, bool with_id) const;
  void StatementWriter(Req::Kind kind, std::uint64_t seed, int cycle);
  void Voider(std::uint64_t seed, int cycle);
  void StateWriter(std::uint64_t seed, int cycle);
  void ProfileWriter(std::uint64_t seed, int cycle);
  int Register(Req req, std::vector<Stmt> stmts);
  void Acknowledge(int r, int status, const std::vector<std::string>& ids);

  // Checks after a restart.
  void Verify(int cycle, bool graceful);
  std::vector<Response> GetAll(const std::vector<std::string>& targets, int threads = 4);
  std::string WaitConsistent(const std::string& at_least);
  bool CheckStatementById(int s, const Response& by_id, const Response* by_voided_id, std::string* why);
  void CheckIndexes(int cycle, bool full);
  void CheckProfiles();
  void CheckDocuments(bool graceful);
  void FinalFullCheck();
  void Fail(const std::string& what);

  std::uint64_t seed_;
  int kill_cycles_;
  int pause_ms_ = EnvInt("LRSD_CRASH_BATCH_PAUSE_MS", 30);
  std::mt19937_64 rng_;
  std::unique_ptr<Server> server_;
  std::vector<std::string> registrations_;

  std::mutex mu_;  // guards what follows while writers run
  std::vector<Stmt> stmts_;
  std::vector<Req> reqs_;
  std::vector<Doc> docs_;
  std::vector<int> voidable_;  // durable, not voiding, no voiding statement sent for it yet
  std::unordered_map<std::string, int> by_id_, by_tag_;
  std::vector<std::string> writer_errors_;

  std::atomic<bool> stop_{false};
  Clock::time_point kill_time_;
  int cycle_ = 0;
  std::string consistent_through_;  // after the previous cycle's checks: new statements are stored later
  std::vector<std::string> failures_;
  Counters n_;
};

Stmt CrashRun::RandomStatement(std::mt19937_64& rng, const std::string& tag, bool with_id) const {
  Stmt s;
  s.tag = tag;
  s.agent = Uniform(rng, 0, 2 * kPeople - 1);
  s.verb = Uniform(rng, 0, kVerbs - 1);
  s.activity = Uniform(rng, 0, kActivities - 1);
  s.registration = Uniform(rng, 0, kRegistrations - 1);
  s.seconds = Uniform(rng, 1, 3600);
  if (with_id) s.id = UuidFrom(rng);
  s.json = "{";
  if (with_id) s.json += R"("id":")" + s.id + R"(",)";
  s.json += R"("actor":)" + ActorJson(s.agent) + R"(,"verb":{"id":")" + kVerbIds[s.verb] +
            R"(","display":{"en-US":"v)" + std::to_string(s.verb) + R"("}},"object":{"objectType":"Activity","id":")" +
            ActivityId(s.activity) + R"(","definition":{"type":")" + kActivityTypes[s.activity % 4] +
            R"("}},"result":{"duration":"PT)" + std::to_string(s.seconds) + R"(S","response":")" + tag +
            R"("},"context":{"registration":")" + registrations_[s.registration] + R"("}})";
  return s;
}

int CrashRun::Register(Req req, std::vector<Stmt> stmts) {
  std::lock_guard lock(mu_);
  const int r = static_cast<int>(reqs_.size());
  for (auto& s : stmts) {
    s.request = r;
    s.cycle = req.cycle;
    const int i = static_cast<int>(stmts_.size());
    by_tag_[s.tag] = i;
    if (!s.id.empty()) by_id_[s.id] = i;
    req.stmts.push_back(i);
    stmts_.push_back(std::move(s));
  }
  req.start = Clock::now();
  reqs_.push_back(std::move(req));
  return r;
}

// Records an answer to a statement request: 2xx acknowledges its statements (with the ids the
// LRS returned), anything else rejects them.
void CrashRun::Acknowledge(int r, int status, const std::vector<std::string>& ids) {
  std::lock_guard lock(mu_);
  Req& req = reqs_[r];
  req.pending = false;
  req.answered = true;
  req.status = status;
  req.end = Clock::now();
  const bool ok = status >= 200 && status < 300;
  if (ok) ++n_.acked_requests[req.kind];
  for (std::size_t k = 0; k < req.stmts.size(); ++k) {
    Stmt& s = stmts_[req.stmts[k]];
    if (!ok) {
      s.state = Stmt::kRejected;
      continue;
    }
    if (k < ids.size()) {
      if (!s.id.empty() && s.id != ids[k]) {
        writer_errors_.push_back("the LRS answered id " + ids[k] + " for statement " + s.id);
      } else if (s.id.empty()) {
        s.id = ids[k];
        by_id_[s.id] = req.stmts[k];
      }
    }
    if (s.id.empty()) writer_errors_.push_back("no id returned for acknowledged statement " + s.tag);
    s.state = Stmt::kAcked;
    ++n_.acked_statements;
    if (s.IsVoiding()) {
      stmts_[s.voids].voided_by = req.stmts[k];
    } else {
      voidable_.push_back(req.stmts[k]);
    }
  }
  if (!ok) {
    writer_errors_.push_back(std::string(kKindNames[req.kind]) + " answered " + std::to_string(status));
  }
}

void CrashRun::StatementWriter(Req::Kind kind, std::uint64_t seed, int cycle) {
  std::mt19937_64 rng(seed);
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  for (int n = 0; !stop_; ++n) {
    const int count = kind == Req::kBatch ? Uniform(rng, 10, 50) : 1;
    std::vector<Stmt> stmts;
    for (int i = 0; i < count; ++i) {
      const std::string tag = "c" + std::to_string(cycle) + "-s" + std::to_string(seed % 100000) + "-" +
                              std::to_string(n) + "-" + std::to_string(i);
      stmts.push_back(RandomStatement(rng, tag, kind == Req::kPut || rng() % 2 == 0));
    }
    std::string body, target = "/xapi/statements";
    if (kind == Req::kPut) {
      target += "?statementId=" + stmts[0].id;
      body = stmts[0].json;
      if (rng() % 2 == 0) {  // without the id in the body too
        body = "{" + body.substr(body.find(',') + 1);
      }
    } else if (kind == Req::kBatch) {
      body = "[";
      for (const auto& s : stmts) body += (body.size() > 1 ? "," : "") + s.json;
      body += "]";
    } else {
      body = stmts[0].json;
    }
    Req req;
    req.kind = kind;
    req.cycle = cycle;
    const int r = Register(std::move(req), std::move(stmts));
    Response resp;
    try {
      resp = kind == Req::kPut ? client.PutJson(target, body) : client.PostJson(target, body);
    } catch (...) {
      return;  // no answer: the outcome is unknown (resolved after the restart)
    }
    std::vector<std::string> ids;
    if (kind != Req::kPut && resp.status == 200) {
      auto json = resp.Json();
      if (json.IsArray()) {
        for (const auto& id : json.GetArray()) ids.push_back(id.IsString() ? id.GetString() : "");
      }
    }
    Acknowledge(r, resp.status, ids);
    // Batches are most of the volume, and the checks read everything stored so far: keep the
    // volume moderate.
    if (kind == Req::kBatch) std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(rng, 0, pause_ms_)));
  }
}

void CrashRun::Voider(std::uint64_t seed, int cycle) {
  std::mt19937_64 rng(seed);
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  for (int n = 0; !stop_; ++n) {
    Stmt v;
    int target = -1;
    {
      std::lock_guard lock(mu_);
      if (!voidable_.empty()) {
        std::size_t k = rng() % voidable_.size();
        target = voidable_[k];
        voidable_[k] = voidable_.back();
        voidable_.pop_back();
        v.id = UuidFrom(rng);
        v.voids = target;
        v.agent = kVoiderAgent;
        v.verb = kVoidedVerb;
        v.tag = "c" + std::to_string(cycle) + "-void-" + std::to_string(n);
        v.json = R"({"id":")" + v.id + R"(","actor":)" + ActorJson(kVoiderAgent) + R"(,"verb":{"id":")" +
                 kVerbIds[kVoidedVerb] + R"("},"object":{"objectType":"StatementRef","id":")" + stmts_[target].id +
                 R"("}})";
      }
    }
    if (target < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    const std::string body = v.json;
    Req req;
    req.kind = Req::kVoid;
    req.cycle = cycle;
    const int r = Register(std::move(req), {std::move(v)});
    Response resp;
    try {
      resp = client.PostJson("/xapi/statements", body);
    } catch (...) {
      return;
    }
    Acknowledge(r, resp.status, {});
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(rng, 1, 8)));
  }
}

void CrashRun::StateWriter(std::uint64_t seed, int cycle) {
  std::mt19937_64 rng(seed);
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  for (long long n = 1; !stop_; ++n) {
    const int d = Uniform(rng, 0, kStateDocs - 1);
    const long long stamp = static_cast<long long>(cycle) * 1000000 + n;
    Req req;
    req.cycle = cycle;
    req.doc = d;
    std::string body, target;
    {
      std::lock_guard lock(mu_);
      Doc& doc = docs_[d];
      target = doc.target;
      DocValue next = doc.value;
      next.exists = true;
      if (rng() % 5 < 2) {  // replace
        req.kind = Req::kStatePut;
        next.members = {{"n", stamp}, {"seed", static_cast<long long>(seed % 1000)}};
        next.bytes = Serialize(next.members);
        next.bytes_known = true;
        body = next.bytes;
      } else {  // merge one top-level member
        req.kind = Req::kStatePost;
        const std::string key = "k" + std::to_string(rng() % 6);
        next.members[key] = stamp;
        next.bytes_known = false;
        body = Serialize({{key, stamp}});
      }
      doc.pending = true;
      doc.pending_value = std::move(next);
      doc.pending_changes = true;
    }
    const Req::Kind kind = req.kind;
    const int r = Register(std::move(req), {});
    Response resp;
    try {
      resp = kind == Req::kStatePut ? client.PutJson(target, body) : client.PostJson(target, body);
    } catch (...) {
      return;
    }
    std::lock_guard lock(mu_);
    Req& q = reqs_[r];
    q.pending = false;
    q.answered = true;
    q.status = resp.status;
    q.end = Clock::now();
    Doc& doc = docs_[d];
    doc.pending = false;
    if (resp.status == 204) {
      doc.value = doc.pending_value;
      ++n_.acked_requests[kind];
    } else {
      writer_errors_.push_back(std::string(kKindNames[kind]) + " " + target + " answered " +
                               std::to_string(resp.status) + ": " + resp.body.substr(0, 200));
    }
  }
}

void CrashRun::ProfileWriter(std::uint64_t seed, int cycle) {
  std::mt19937_64 rng(seed);
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  for (long long n = 1; !stop_; ++n) {
    const int d = kStateDocs + Uniform(rng, 0, kProfileDocs - 1);
    const long long stamp = static_cast<long long>(cycle) * 1000000 + n;
    Req req;
    req.cycle = cycle;
    req.doc = d;
    req.kind = Req::kProfilePut;
    std::string body, target;
    std::map<std::string, std::string> headers;
    {
      std::lock_guard lock(mu_);
      Doc& doc = docs_[d];
      target = doc.target;
      DocValue next;
      next.exists = true;
      next.members = {{"n", stamp}, {"r", static_cast<long long>(rng() % 1000000)}};
      next.bytes = Serialize(next.members);
      next.bytes_known = true;
      body = next.bytes;
      if (doc.value.exists && rng() % 10 == 0) {
        // A writer holding an old ETag: 412, and nothing changes.
        req.kind = Req::kProfileStale;
        headers["If-Match"] = "\"" + Sha1Hex("stale " + std::to_string(stamp)) + "\"";
        doc.pending_changes = false;
      } else {
        if (doc.value.exists) {
          headers["If-Match"] = "\"" + Sha1Hex(doc.value.bytes) + "\"";
        } else {
          headers["If-None-Match"] = "*";
        }
        doc.pending_changes = true;
      }
      doc.pending = true;
      doc.pending_value = std::move(next);
    }
    const Req::Kind kind = req.kind;
    const int r = Register(std::move(req), {});
    Response resp;
    try {
      resp = client.PutJson(target, body, headers);
    } catch (...) {
      return;
    }
    std::lock_guard lock(mu_);
    Req& q = reqs_[r];
    q.pending = false;
    q.answered = true;
    q.status = resp.status;
    q.end = Clock::now();
    Doc& doc = docs_[d];
    doc.pending = false;
    const int expected = kind == Req::kProfileStale ? 412 : 204;
    if (resp.status == expected) {
      if (kind == Req::kProfilePut) doc.value = doc.pending_value;
      ++n_.acked_requests[kind];
    } else {
      writer_errors_.push_back(std::string(kKindNames[kind]) + " " + target + " answered " +
                               std::to_string(resp.status) + " (expected " + std::to_string(expected) +
                               "): " + resp.body.substr(0, 200));
    }
  }
}

void CrashRun::Fail(const std::string& what) {
  std::string line = "seed " + std::to_string(seed_) + ", cycle " + std::to_string(cycle_) + ": " + what;
  failures_.push_back(line);
  ADD_FAILURE() << line;
}

// GETs `targets` over `threads` keep-alive connections; a transport error is status -1.
std::vector<Response> CrashRun::GetAll(const std::vector<std::string>& targets, int threads) {
  std::vector<Response> out(targets.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    for (std::size_t i; (i = next++) < targets.size();) {
      try {
        out[i] = client.Get(targets[i]);
      } catch (const std::exception& e) {
        out[i].status = -1;
        out[i].body = e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min<int>(threads, static_cast<int>(targets.size())); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  return out;
}

// Defensive JSON access: a malformed answer is a failure to report, never an assertion.
const rapidjson::Value* MemberOf(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}
std::string StringOf(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* m = MemberOf(v, name);
  return m != nullptr && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}
const rapidjson::Value* StatementsOf(const rapidjson::Value& page) {
  const rapidjson::Value* s = MemberOf(page, "statements");
  return s != nullptr && s->IsArray() ? s : nullptr;
}

bool SameMember(const rapidjson::Value& sent, const rapidjson::Value& got, const char* name) {
  const rapidjson::Value* a = MemberOf(sent, name);
  const rapidjson::Value* b = MemberOf(got, name);
  return (a == nullptr) == (b == nullptr) && (a == nullptr || *a == *b);
}

// Checks a statement against the answers to GET ?statementId= and (when asked) ?voidedStatementId=
// for what the model says it is. Resolves an unknown one.
bool CrashRun::CheckStatementById(int i, const Response& by_id, const Response* by_voided_id, std::string* why) {
  Stmt& s = stmts_[i];
  ++n_.by_id_checks;
  auto content = [&](const Response& r) {
    rapidjson::Document sent, got = r.Json();
    sent.Parse(s.json.c_str());
    if (!got.IsObject()) {
      *why = "statement " + s.id + " (" + s.tag + "): not a JSON object: " + r.body.substr(0, 200);
      return false;
    }
    if (StringOf(got, "id") != s.id) {
      *why = "statement " + s.id + " (" + s.tag + "): GET returned another id: " + r.body.substr(0, 200);
      return false;
    }
    for (const char* m : {"actor", "verb", "object", "result", "context"}) {
      if (!SameMember(sent, got, m)) {
        *why = "statement " + s.id + " (" + s.tag + "): " + m + " differs from what was sent: sent " + s.json +
               ", got " + r.body;
        return false;
      }
    }
    if (auto stored = StringOf(got, "stored"); !stored.empty()) s.stored = stored;
    return true;
  };
  const std::string where = " (" + std::string(kKindNames[reqs_[s.request].kind]) + ", cycle " +
                            std::to_string(s.cycle) + ")";
  if (by_id.status < 0 || (by_voided_id && by_voided_id->status < 0)) {
    *why = "statement " + s.id + ": GET failed: " + by_id.body;
    return false;
  }
  if (s.state == Stmt::kUnknown) {
    if (by_id.status == 200) {
      s.state = Stmt::kPresent;
      return content(by_id);
    }
    if (by_id.status == 404) {
      s.state = Stmt::kAbsent;
      return true;
    }
    *why = "statement " + s.id + where + ": GET answered " + std::to_string(by_id.status);
    return false;
  }
  if (s.Durable()) {
    if (s.voided_by < 0) {
      if (by_id.status != 200) {
        *why = "acknowledged statement " + s.id + where + " is missing: GET ?statementId= answered " +
               std::to_string(by_id.status) + " " + by_id.body.substr(0, 200);
        return false;
      }
      if (by_voided_id && by_voided_id->status != 404) {
        *why = "statement " + s.id + where + " is not voided but GET ?voidedStatementId= answered " +
               std::to_string(by_voided_id->status);
        return false;
      }
      return content(by_id);
    }
    if (by_id.status != 404) {
      *why = "voided statement " + s.id + where + ": GET ?statementId= answered " + std::to_string(by_id.status) +
             " (voided by " + stmts_[s.voided_by].id + ", expected 404)";
      return false;
    }
    if (!by_voided_id || by_voided_id->status != 200) {
      *why = "voided statement " + s.id + where + " is missing: GET ?voidedStatementId= answered " +
             std::to_string(by_voided_id ? by_voided_id->status : 0);
      return false;
    }
    return content(*by_voided_id);
  }
  // Rejected or absent: not there at all.
  if (by_id.status != 404 || (by_voided_id && by_voided_id->status != 404)) {
    *why = "statement " + s.id + where + " should not exist (" +
           (s.state == Stmt::kRejected ? "rejected" : "absent before") + ") but GET answered " +
           std::to_string(by_id.status);
    return false;
  }
  return true;
}

// Polls the statements resource until X-Experience-API-Consistent-Through reaches `at_least`;
// returns it.
std::string CrashRun::WaitConsistent(const std::string& at_least) {
  Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (true) {
    auto r = client.Get("/xapi/statements?limit=1&format=ids");
    std::string ct = r.Header("X-Experience-API-Consistent-Through");
    // Same format (lrsd's millisecond UTC timestamps): text order is time order.
    if (r.status == 200 && !ct.empty() && ct >= at_least) return ct;
    if (Clock::now() > deadline) {
      Fail("X-Experience-API-Consistent-Through stays at " + ct + ", below the latest stored statement " + at_least);
      return ct;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void CrashRun::Verify(int cycle, bool graceful) {
  // Everything still pending lost its answer to the kill (or the shutdown).
  std::vector<int> unknown_requests;
  for (int r = 0; r < static_cast<int>(reqs_.size()); ++r) {
    Req& q = reqs_[r];
    if (q.cycle != cycle || !q.pending) continue;
    unknown_requests.push_back(r);
    q.after_kill = !graceful && q.start > kill_time_;
    ++(q.after_kill ? n_.sent_after_kill : n_.unknown[q.kind]);
    for (int s : q.stmts) stmts_[s].state = Stmt::kUnknown;
  }
  for (const auto& e : writer_errors_) Fail("during the writes: " + e);
  writer_errors_.clear();

  // 1. This cycle's statements whose id is known, by id: resolves the unknown ones (voiding
  // statements first decide which targets are voided), checks the acknowledged ones.
  auto t = Clock::now();
  std::vector<int> known;
  for (int i = 0; i < static_cast<int>(stmts_.size()); ++i) {
    if (stmts_[i].cycle == cycle && !stmts_[i].id.empty()) known.push_back(i);
  }
  std::stable_partition(known.begin(), known.end(), [&](int i) { return stmts_[i].IsVoiding(); });
  // GET ?statementId= for each; ?voidedStatementId= too for voided ones, or for all (`with_voided`).
  auto check_by_id = [&](const std::vector<int>& which, bool with_voided) {
    std::vector<std::string> targets;
    std::vector<std::size_t> first;
    for (int i : which) {
      first.push_back(targets.size());
      targets.push_back("/xapi/statements?statementId=" + stmts_[i].id);
      if (with_voided || stmts_[i].voided_by >= 0) targets.push_back("/xapi/statements?voidedStatementId=" + stmts_[i].id);
    }
    first.push_back(targets.size());
    auto answers = GetAll(targets);
    for (std::size_t k = 0; k < which.size(); ++k) {
      std::string why;
      const Response* voided = first[k + 1] - first[k] == 2 ? &answers[first[k] + 1] : nullptr;
      if (!CheckStatementById(which[k], answers[first[k]], voided, &why)) Fail(why);
    }
  };
  {
    // Voiding statements first: their presence decides what their targets must look like.
    std::vector<int> voiding, rest;
    for (int i : known) (stmts_[i].IsVoiding() ? voiding : rest).push_back(i);
    check_by_id(voiding, false);
    for (int i : voiding) {
      if (stmts_[i].state == Stmt::kPresent) stmts_[stmts_[i].voids].voided_by = i;
    }
    check_by_id(rest, false);
  }

  // 2. Statements become visible to queries up to X-Experience-API-Consistent-Through: wait for
  // it to cover every statement seen by id.
  std::string latest = consistent_through_;
  for (const auto& s : stmts_) {
    if (s.Durable() && s.stored > latest) latest = s.stored;
  }
  const std::string consistent = WaitConsistent(latest);
  n_.t_by_id += Since(t);
  t = Clock::now();

  // 3. Every statement stored this cycle, through the stored-order spine (no filter): finds the
  // unknown statements whose id the LRS chose, checks their content, and that nothing else
  // (nothing half-written, nothing rejected) is there.
  {
    Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    std::string target = "/xapi/statements?ascending=true&limit=100";
    if (!consistent_through_.empty()) target += "&since=" + UrlEncode(consistent_through_);
    std::set<int> seen;
    std::vector<int> newly_found;
    while (!target.empty()) {
      auto r = client.Get(target);
      auto page = r.Json();
      const rapidjson::Value* statements = StatementsOf(page);
      if (r.status != 200 || statements == nullptr) {
        Fail("statement query " + target + " answered " + std::to_string(r.status) + " " + r.body.substr(0, 200));
        break;
      }
      for (const auto& st : statements->GetArray()) {
        const std::string id = StringOf(st, "id");
        int i = -1;
        if (auto it = by_id_.find(id); it != by_id_.end()) {
          i = it->second;
        } else if (const rapidjson::Value* result = MemberOf(st, "result")) {
          if (auto t = by_tag_.find(StringOf(*result, "response")); t != by_tag_.end()) i = t->second;
        }
        if (i < 0) {
          Fail("a statement nobody sent is stored: " + id);
          continue;
        }
        Stmt& s = stmts_[i];
        ++n_.spine_statements_checked;
        seen.insert(i);
        if (s.cycle != cycle) {
          Fail("statement " + id + " of cycle " + std::to_string(s.cycle) + " is returned among those stored after " +
               consistent_through_);
        }
        if (s.id.empty()) {  // an unknown request's statement, id chosen by the LRS: present
          if (s.state != Stmt::kUnknown) Fail("statement " + s.tag + " found with an id it never had: " + id);
          s.id = id;
          by_id_[id] = i;
          s.state = Stmt::kPresent;
          newly_found.push_back(i);
        }
        rapidjson::Document sent;
        sent.Parse(s.json.c_str());
        for (const char* m : {"actor", "verb", "object", "result", "context"}) {
          if (!SameMember(sent, st, m)) {
            Fail("statement " + id + " (" + s.tag + ") returned by the query differs in " + m + " from what was sent");
            break;
          }
        }
        if (auto stored = StringOf(st, "stored"); !stored.empty()) s.stored = stored;
      }
      target = StringOf(page, "more");
    }
    for (int i = 0; i < static_cast<int>(stmts_.size()); ++i) {
      Stmt& s = stmts_[i];
      if (s.cycle != cycle) continue;
      if (s.state == Stmt::kUnknown && s.id.empty()) s.state = Stmt::kAbsent;  // never seen
      const bool expected = s.Durable() && s.voided_by < 0;
      if (expected && !seen.count(i)) {
        Fail("statement " + s.id + " (" + kKindNames[reqs_[s.request].kind] + ", " +
             (s.state == Stmt::kAcked ? "acknowledged" : "unknown outcome, present by id") +
             ") is missing from the unfiltered statement query");
      }
      if (!expected && seen.count(i)) {
        Fail("statement " + s.id + " (" + s.tag + ") is returned by the unfiltered query but should not be " +
             (s.voided_by >= 0 ? "(voided)" : "(not stored)"));
      }
    }
    // Their content by id too.
    check_by_id(newly_found, false);
  }

  // 4. Unknown outcomes: all or nothing; after a SIGTERM, nothing processed without an answer;
  // nothing sent after the kill.
  for (int r : unknown_requests) {
    Req& q = reqs_[r];
    if (q.doc >= 0) continue;  // documents: below
    int present = 0;
    for (int s : q.stmts) present += stmts_[s].state == Stmt::kPresent;
    std::string what = std::string(kKindNames[q.kind]) + " of " + std::to_string(q.stmts.size()) +
                       " statement(s) with no answer";
    if (present != 0 && present != static_cast<int>(q.stmts.size())) {
      ++n_.batches_partial;
      std::string ids;
      for (int s : q.stmts) ids += " " + stmts_[s].tag + (stmts_[s].state == Stmt::kPresent ? "+" : "-");
      Fail(what + " is partly stored: " + std::to_string(present) + " of " + std::to_string(q.stmts.size()) +
           " present:" + ids);
    }
    if (!q.after_kill) (present > 0 ? n_.unknown_present : n_.unknown_absent)[q.kind]++;
    if (present > 0 && q.after_kill) Fail(what + " was sent after the kill, yet it is stored");
    if (present > 0 && graceful) Fail(what + " was processed during the graceful shutdown but never answered");
    for (int s : q.stmts) {
      if (stmts_[s].state == Stmt::kPresent && !stmts_[s].IsVoiding()) voidable_.push_back(s);
    }
  }

  n_.t_spine += Since(t);
  t = Clock::now();
  // 5. By id: statements voided this cycle, and a sample of older ones.
  {
    std::vector<int> sample;
    std::vector<int> older;
    for (int i = 0; i < static_cast<int>(stmts_.size()); ++i) {
      const Stmt& s = stmts_[i];
      if (s.IsVoiding() && s.Durable() && s.cycle == cycle) sample.push_back(s.voids);
      else if (s.cycle < cycle && !s.id.empty()) older.push_back(i);
    }
    std::shuffle(older.begin(), older.end(), rng_);
    const std::size_t n = std::min<std::size_t>(older.size(), EnvInt("LRSD_CRASH_ID_SAMPLE", 300));
    sample.insert(sample.end(), older.begin(), older.begin() + static_cast<long>(n));
    std::sort(sample.begin(), sample.end());
    sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
    check_by_id(sample, true);
  }

  n_.t_by_id += Since(t);
  t = Clock::now();
  const int full_every = std::max(1, EnvInt("LRSD_CRASH_FULL_SWEEP_EVERY", 1));
  CheckIndexes(cycle, (cycle + 1) % full_every == 0 || cycle == kill_cycles_);
  n_.t_index += Since(t);
  t = Clock::now();
  CheckProfiles();
  n_.t_profiles += Since(t);
  t = Clock::now();
  CheckDocuments(graceful);
  n_.t_documents += Since(t);
  consistent_through_ = consistent;
}

// Every durable statement is found through each index it belongs to, and nothing else is: for
// each agent, verb, activity and registration, the query paged to the end returns exactly the
// non-voided statements with that key plus the voiding statements whose target has it. A full
// sweep covers every statement ever stored; otherwise (`full` false) those stored this cycle
// (`since` the previous cycle's consistent-through).
void CrashRun::CheckIndexes(int cycle, bool full) {
  if (consistent_through_.empty()) full = true;
  std::map<std::string, std::set<std::string>> expected;
  auto keys_of = [&](const Stmt& s) {
    return std::vector<std::string>{"A" + std::to_string(s.agent), "V" + std::to_string(s.verb),
                                    "C" + std::to_string(s.activity), "R" + std::to_string(s.registration)};
  };
  for (const auto& s : stmts_) {
    if (!s.Durable() || (!full && s.cycle != cycle)) continue;
    if (s.IsVoiding()) {
      expected["A" + std::to_string(kVoiderAgent)].insert(s.id);
      expected["V" + std::to_string(kVoidedVerb)].insert(s.id);
      for (const auto& k : keys_of(stmts_[s.voids])) expected[k].insert(s.id);
    } else if (s.voided_by < 0) {
      for (const auto& k : keys_of(s)) expected[k].insert(s.id);
    }
  }
  // The exact format: the server hands out the stored JSON as it is (the cheapest to serve).
  std::vector<std::pair<std::string, std::string>> queries;  // key, first page
  const std::string base = "/xapi/statements?limit=100&" +
                           (full ? std::string() : "since=" + UrlEncode(consistent_through_) + "&");
  ++(full ? n_.full_sweeps : n_.since_sweeps);
  for (int a = 0; a < kAgentKeys; ++a) {
    std::string agent = ActorJson(a);
    queries.emplace_back("A" + std::to_string(a), base + "agent=" + UrlEncode(agent));
  }
  for (int v = 0; v <= kVoidedVerb; ++v) {
    queries.emplace_back("V" + std::to_string(v), base + "verb=" + UrlEncode(kVerbIds[v]));
  }
  for (int c = 0; c < kActivities; ++c) {
    queries.emplace_back("C" + std::to_string(c), base + "activity=" + UrlEncode(ActivityId(c)));
  }
  for (int r = 0; r < kRegistrations; ++r) {
    queries.emplace_back("R" + std::to_string(r), base + "registration=" + registrations_[r]);
  }
  std::vector<std::set<std::string>> found(queries.size());
  std::vector<std::string> errors(queries.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    Client client(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    for (std::size_t q; (q = next++) < queries.size();) {
      std::string target = queries[q].second;
      try {
        while (!target.empty()) {
          auto r = client.Get(target);
          auto page = r.Json();
          const rapidjson::Value* statements = StatementsOf(page);
          if (r.status != 200 || statements == nullptr) {
            errors[q] = target + " answered " + std::to_string(r.status) + " " + r.body.substr(0, 200);
            break;
          }
          for (const auto& st : statements->GetArray()) found[q].insert(StringOf(st, "id"));
          target = StringOf(page, "more");
        }
      } catch (const std::exception& e) {
        errors[q] = target + ": " + e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (!errors[q].empty()) {
      Fail("index query " + errors[q]);
      continue;
    }
    const auto& want = expected[queries[q].first];
    n_.index_entries_checked += static_cast<long>(want.size());
    std::vector<std::string> missing, extra;
    std::set_difference(want.begin(), want.end(), found[q].begin(), found[q].end(), std::back_inserter(missing));
    std::set_difference(found[q].begin(), found[q].end(), want.begin(), want.end(), std::back_inserter(extra));
    auto describe = [&](const std::vector<std::string>& ids) {
      std::string out;
      for (std::size_t k = 0; k < ids.size() && k < 5; ++k) {
        out += " " + ids[k];
        if (auto it = by_id_.find(ids[k]); it != by_id_.end()) {
          const Stmt& s = stmts_[it->second];
          out += std::string(" (") + kKindNames[reqs_[s.request].kind] + ", cycle " + std::to_string(s.cycle) +
                 (s.state == Stmt::kAcked ? ", acknowledged" : s.state == Stmt::kPresent ? ", unknown outcome, present"
                                                                                         : ", not stored") +
                 (s.voided_by >= 0 ? ", voided" : "") + ")";
        }
      }
      return out + (ids.size() > 5 ? " …" : "");
    };
    if (!missing.empty()) {
      Fail("index " + queries[q].first + ": " + std::to_string(missing.size()) + " of " +
           std::to_string(want.size()) + " statements missing from " + queries[q].second + ":" + describe(missing));
    }
    if (!extra.empty()) {
      Fail("index " + queries[q].first + ": " + std::to_string(extra.size()) + " unexpected statements in " +
           queries[q].second + ":" + describe(extra));
    }
  }
}

// Each person's profile counts, per modality, every durable non-voided statement of theirs
// exactly once (statements and seconds), and the voiding statements' actor has learnt nothing.
void CrashRun::CheckProfiles() {
  long long want_n[kPeople][kModalities] = {}, want_s[kPeople][kModalities] = {};
  for (const auto& s : stmts_) {
    if (!s.Durable() || s.IsVoiding() || s.voided_by >= 0) continue;
    want_n[s.agent / 2][s.activity % 4] += 1;
    want_s[s.agent / 2][s.activity % 4] += s.seconds;
  }
  std::vector<std::string> targets;
  for (int p = 0; p < kPeople; ++p) targets.push_back("/learning/people/" + PersonId(p));
  targets.push_back("/learning/agents?agent=" + UrlEncode(R"({"mbox":")" + kVoiderMbox + R"("})"));
  const auto deadline = Clock::now() + std::chrono::milliseconds(EnvInt("LRSD_CRASH_SETTLE_MS", 10000));
  for (int attempt = 0;; ++attempt) {
    auto answers = GetAll(targets, 2);
    std::vector<std::string> wrong;
    for (int p = 0; p <= kPeople; ++p) {
      auto json = answers[p].Json();
      const rapidjson::Value* modalities = MemberOf(json, "modalities");
      if (answers[p].status != 200 || modalities == nullptr) {
        wrong.push_back(targets[p] + " answered " + std::to_string(answers[p].status) + " " +
                        answers[p].body.substr(0, 200));
        continue;
      }
      for (int m = 0; m < kModalities; ++m) {
        const rapidjson::Value* mod = MemberOf(*modalities, kModalityNames[m]);
        const rapidjson::Value* count = mod ? MemberOf(*mod, "statements") : nullptr;
        const rapidjson::Value* time = mod ? MemberOf(*mod, "seconds") : nullptr;
        const long long n = count && count->IsInt64() ? count->GetInt64() : -1;
        const double secs = time && time->IsNumber() ? time->GetDouble() : -1;
        const long long en = p < kPeople ? want_n[p][m] : 0, es = p < kPeople ? want_s[p][m] : 0;
        if (n != en || secs != static_cast<double>(es)) {
          wrong.push_back((p < kPeople ? PersonId(p) : "the voider") + " " + kModalityNames[m] + ": " +
                          std::to_string(n) + " statements / " + std::to_string(secs) + " s, expected " +
                          std::to_string(en) + " / " + std::to_string(es));
        }
      }
    }
    if (wrong.empty()) {
      n_.profiles_checked += kPeople + 1;
      if (attempt > 0) ++n_.profile_waits;
      return;
    }
    if (Clock::now() > deadline) {
      std::string all;
      for (const auto& w : wrong) all += "\n  " + w;
      Fail("learning profiles do not count the stored statements exactly once:" + all);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Every document holds its last acknowledged value (a write with an unknown outcome: the old or
// the new one), byte-exact after a PUT, with the quoted SHA-1 of its body as ETag.
void CrashRun::CheckDocuments(bool graceful) {
  std::vector<std::string> targets;
  for (const auto& d : docs_) targets.push_back(d.target);
  auto answers = GetAll(targets, 2);
  for (std::size_t i = 0; i < docs_.size(); ++i) {
    Doc& d = docs_[i];
    const Response& r = answers[i];
    ++n_.documents_checked;
    auto matches = [&](const DocValue& v) {
      if (!v.exists) return r.status == 404;
      if (r.status != 200) return false;
      if (v.bytes_known && r.body != v.bytes) return false;
      rapidjson::Document got;
      got.Parse(r.body.c_str(), r.body.size());
      if (got.HasParseError() || !got.IsObject() || got.MemberCount() != v.members.size()) return false;
      for (const auto& [k, value] : v.members) {
        if (!got.HasMember(k.c_str()) || !got[k.c_str()].IsInt64() || got[k.c_str()].GetInt64() != value) return false;
      }
      return true;
    };
    // The write this document was waiting for when the server went away.
    int pending_req = -1;
    for (int q = static_cast<int>(reqs_.size()) - 1; q >= 0 && d.pending; --q) {
      if (reqs_[q].doc == static_cast<int>(i) && reqs_[q].cycle == cycle_) {
        pending_req = q;
        break;
      }
    }
    const bool is_old = matches(d.value);
    const bool is_new = d.pending && d.pending_changes && matches(d.pending_value);
    if (!is_old && !is_new) {
      Fail("document " + d.target + " holds " + std::to_string(r.status) + " " + r.body.substr(0, 200) +
           ", expected the last acknowledged value " + (d.value.exists ? Serialize(d.value.members) : "(none)") +
           (d.pending ? std::string(" or the unknown-outcome ") + kKindNames[reqs_[pending_req].kind] + "'s " +
                            Serialize(d.pending_value.members)
                      : std::string()));
    }
    if (r.status == 200) {
      const std::string etag = "\"" + Sha1Hex(r.body) + "\"";
      if (r.Header("ETag") != etag) Fail("document " + d.target + ": ETag " + r.Header("ETag") + ", expected " + etag);
    }
    if (d.pending) {
      const Req& q = reqs_[pending_req];
      if (!q.after_kill) (is_new && !is_old ? n_.unknown_present : n_.unknown_absent)[q.kind]++;
      if (is_new && !is_old && q.after_kill) Fail("document write sent after the kill applied: " + d.target);
      if (is_new && !is_old && graceful) {
        Fail("document write " + d.target + " was processed during the graceful shutdown but never answered");
      }
      if (is_new && !is_old) {
        d.value = d.pending_value;
      }
      if (!d.value.bytes_known && r.status == 200) {
        // After a merge the stored bytes are the LRS's; learn them (profiles need them for If-Match).
        d.value.bytes = r.body;
        d.value.bytes_known = is_old || is_new;
      }
      d.pending = false;
    }
  }
}

void CrashRun::FinalFullCheck() {
  std::vector<int> all;
  for (int i = 0; i < static_cast<int>(stmts_.size()); ++i) {
    if (!stmts_[i].id.empty() && stmts_[i].state != Stmt::kInFlight) all.push_back(i);
  }
  std::vector<std::string> targets;
  for (int i : all) {
    targets.push_back("/xapi/statements?statementId=" + stmts_[i].id);
    targets.push_back("/xapi/statements?voidedStatementId=" + stmts_[i].id);
  }
  auto answers = GetAll(targets);
  for (std::size_t k = 0; k < all.size(); ++k) {
    std::string why;
    if (!CheckStatementById(all[k], answers[2 * k], &answers[2 * k + 1], &why)) Fail("final check: " + why);
  }
}

void CrashRun::Run() {
  const auto started = Clock::now();
  ServerOptions options;
  options.extra_args = {"--no-access-log"};
  server_ = Server::Start(options);
  {
    Client admin(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    auto rules = admin.PutJson("/admin/rules", kRules);
    ASSERT_EQ(rules.status, 200) << rules.body;
    std::string people = "[";
    for (int p = 0; p < kPeople; ++p) {
      if (p) people += ",";
      people += R"({"id":")" + PersonId(p) + R"(","name":"Person )" + Two(p) + R"(","ifis":[{"mbox":")" + Mbox(p) +
                R"("},{"account":{"homePage":")" + kFieldHome + R"(","name":"p)" + Two(p) + R"("}}],"unit":"crash"})";
    }
    people += "]";
    auto put = admin.PutJson("/admin/people", people);
    ASSERT_EQ(put.status, 200) << put.body;
  }
  const int total = kill_cycles_ + 1;
  const int graceful_at = total / 2;  // one SIGTERM cycle in the middle
  for (cycle_ = 0; cycle_ < total; ++cycle_) {
    const bool graceful = cycle_ == graceful_at;
    const int cycle = cycle_;
    const int write_ms = Uniform(rng_, 200, 800);
    auto thread_seed = [&](int t) { return SplitMix(seed_ ^ SplitMix(static_cast<std::uint64_t>(cycle) * 64 + t)); };
    stop_ = false;
    std::vector<std::thread> writers;
    writers.emplace_back([&, s = thread_seed(0)] { StatementWriter(Req::kSingle, s, cycle); });
    writers.emplace_back([&, s = thread_seed(1)] { StatementWriter(Req::kSingle, s, cycle); });
    writers.emplace_back([&, s = thread_seed(2)] { StatementWriter(Req::kBatch, s, cycle); });
    writers.emplace_back([&, s = thread_seed(3)] { StatementWriter(Req::kBatch, s, cycle); });
    writers.emplace_back([&, s = thread_seed(4)] { StatementWriter(Req::kPut, s, cycle); });
    writers.emplace_back([&, s = thread_seed(5)] { Voider(s, cycle); });
    writers.emplace_back([&, s = thread_seed(6)] { StateWriter(s, cycle); });
    writers.emplace_back([&, s = thread_seed(7)] { ProfileWriter(s, cycle); });
    const auto write_start = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(write_ms));
    kill_time_ = Clock::now();
    const int status = server_->Stop(graceful ? SIGTERM : SIGKILL);
    stop_ = true;
    for (auto& w : writers) w.join();
    n_.t_write += std::chrono::duration<double>(kill_time_ - write_start).count();
    const auto restart_start = kill_time_;
    if (graceful) {
      ++n_.sigterms;
      if (status != 0) Fail("SIGTERM: exit status " + std::to_string(status) + ", expected 0");
      if (server_->Stderr().find("stopped cleanly") == std::string::npos) Fail("SIGTERM: no \"stopped cleanly\" log line");
      for (const auto& q : reqs_) {
        if (q.cycle != cycle) continue;
        if (q.answered) {
          ++n_.sigterm_answered;
          if (q.end > kill_time_) ++n_.sigterm_answered_after_signal;
        } else {
          ++n_.sigterm_refused;
        }
      }
      if (n_.sigterm_answered_after_signal == 0) Fail("SIGTERM: no request in flight was answered after the signal");
    } else {
      ++n_.kills;
      if (status != 128 + SIGKILL) Fail("SIGKILL: exit status " + std::to_string(status));
    }
    try {
      server_->StartAgain();
    } catch (const std::exception& e) {
      Fail(std::string("lrsd does not start again on its data after the ") + (graceful ? "SIGTERM" : "SIGKILL") +
           ": " + e.what());
      break;
    }
    {
      // Verify the credential once (the slow hash) before the checks' parallel clients.
      Client warm(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
      auto r = warm.Get("/xapi/statements?limit=1");
      if (r.status != 200) Fail("after the restart the statements resource answered " + std::to_string(r.status));
    }
    n_.t_restart += Since(restart_start);
    Verify(cycle, graceful);
    if (!failures_.empty()) break;  // the first failing cycle is the reproduction
  }
  if (failures_.empty()) {
    const auto t = Clock::now();
    FinalFullCheck();
    n_.t_by_id += Since(t);
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  long acked = 0, unknown = 0, present = 0, absent = 0, docs_acked = 0;
  std::ostringstream kinds;
  for (int k = 0; k < Req::kKinds; ++k) {
    acked += n_.acked_requests[k];
    unknown += n_.unknown[k];
    present += n_.unknown_present[k];
    absent += n_.unknown_absent[k];
    if (k >= Req::kStatePut) docs_acked += n_.acked_requests[k];
    kinds << (k ? ", " : "") << kKindNames[k] << " " << n_.acked_requests[k] << " acked / " << n_.unknown[k]
          << " unknown (" << n_.unknown_present[k] << " applied, " << n_.unknown_absent[k] << " not)";
  }
  long durable = 0;
  for (const auto& s : stmts_) durable += s.Durable();
  ::testing::Test::RecordProperty("seed", std::to_string(seed_));
  ::testing::Test::RecordProperty("kills", n_.kills);
  ::testing::Test::RecordProperty("sigterms", n_.sigterms);
  ::testing::Test::RecordProperty("requests_acknowledged", static_cast<int>(acked));
  ::testing::Test::RecordProperty("statements_acknowledged", static_cast<int>(n_.acked_statements));
  ::testing::Test::RecordProperty("statements_durable", static_cast<int>(durable));
  ::testing::Test::RecordProperty("statement_checks_by_id", static_cast<int>(n_.by_id_checks));
  ::testing::Test::RecordProperty("index_entries_checked", static_cast<int>(n_.index_entries_checked));
  ::testing::Test::RecordProperty("documents_checked", static_cast<int>(n_.documents_checked));
  ::testing::Test::RecordProperty("document_writes_acknowledged", static_cast<int>(docs_acked));
  ::testing::Test::RecordProperty("profiles_checked", static_cast<int>(n_.profiles_checked));
  ::testing::Test::RecordProperty("unknown_outcome_requests", static_cast<int>(unknown));
  ::testing::Test::RecordProperty("unknown_applied", static_cast<int>(present));
  ::testing::Test::RecordProperty("unknown_not_applied", static_cast<int>(absent));
  ::testing::Test::RecordProperty("unknown_sent_after_kill", static_cast<int>(n_.sent_after_kill));
  ::testing::Test::RecordProperty("sigterm_answered", static_cast<int>(n_.sigterm_answered));
  ::testing::Test::RecordProperty("sigterm_answered_after_signal", static_cast<int>(n_.sigterm_answered_after_signal));
  ::testing::Test::RecordProperty("sigterm_refused", static_cast<int>(n_.sigterm_refused));
  ::testing::Test::RecordProperty("seconds", std::to_string(seconds));
  std::printf(
      "[ crash    ] seed %llu: %d SIGKILLs survived, %d SIGTERM; %ld requests acknowledged (%ld statements, "
      "%ld durable; %ld document writes); checked %ld statements by id, %ld through the unfiltered query, %ld "
      "index entries (%d full sweeps, %d of the cycle's statements), %ld documents, %ld profiles (%ld needed to settle); %ld unknown-outcome requests: %ld "
      "applied whole, %ld not applied, %ld partial; %ld sent after the kill left no trace; SIGTERM: %ld answered "
      "(%ld after the signal), %ld refused; %.1f s\n[ crash    ] by kind: %s\n"
      "[ crash    ] time: writing %.1f s, stop+restart %.1f s, by id %.1f s, unfiltered query %.1f s, indexes %.1f s, "
      "profiles %.1f s, documents %.1f s\n",
      static_cast<unsigned long long>(seed_), n_.kills, n_.sigterms, acked, n_.acked_statements, durable, docs_acked,
      n_.by_id_checks, n_.spine_statements_checked, n_.index_entries_checked, n_.full_sweeps, n_.since_sweeps,
      n_.documents_checked,
      n_.profiles_checked, n_.profile_waits, unknown, present, absent, n_.batches_partial, n_.sent_after_kill,
      n_.sigterm_answered, n_.sigterm_answered_after_signal, n_.sigterm_refused, seconds, kinds.str().c_str(), n_.t_write, n_.t_restart, n_.t_by_id, n_.t_spine, n_.t_index,
      n_.t_profiles, n_.t_documents);
  if (!failures_.empty()) {
    const std::string log = server_->Stderr();
    std::printf("[ crash    ] lrsd's log (last 4000 bytes):\n%s\n", log.substr(log.size() > 4000 ? log.size() - 4000 : 0).c_str());
    std::printf("[ crash    ] FAILED: replay with LRSD_CRASH_SEED=%llu LRSD_CRASH_CYCLES=%d (failed in cycle %d)\n",
                static_cast<unsigned long long>(seed_), kill_cycles_, cycle_);
  }
  std::fflush(stdout);
}

TEST(CrashSafety, KillsLoseNothingAcknowledgedAndShowNothingHalfWritten) {
  std::uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("LRSD_CRASH_SEED"); s != nullptr && *s != '\0') seed = std::strtoull(s, nullptr, 10);
  const int cycles = std::max(1, EnvInt("LRSD_CRASH_CYCLES", 20));
  std::printf("[ crash    ] LRSD_CRASH_SEED=%llu LRSD_CRASH_CYCLES=%d\n", static_cast<unsigned long long>(seed), cycles);
  std::fflush(stdout);
  CrashRun run(seed, cycles);
  run.Run();
}

}  // namespace
}  // namespace lrsd::testkit
