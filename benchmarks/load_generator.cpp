// Load generator: C keep-alive HTTP(S) connections (one thread each) drive a running lrsd with
// realistic statements (benchmarks/statement_gen.h: formal, experiential and informal learning,
// ~5,000 actor IFIs, ~540 activities, 21 verbs, fixed seed, unique ids) and report throughput,
// latency percentiles, errors and lrsd's peak RSS, as one JSON line plus one human line per run.
//
//   load_generator --url https://127.0.0.1:8443 --key K --secret S --scenario S [options]
//
// Scenarios (--scenario):
//   setup                   PUT the generated people directory, competency framework and
//                           classification rules (/admin/…); run once before statements arrive
//   post-single             POST one statement per request (default 32 connections)
//   post-batch              POST --batch statements per request (default 100; run with 4 and 32)
//   query-agent             GET /xapi/statements?agent=…&limit=100, following `more` to the end
//   query-verb-since        the same with verb=…&since=… (since inside the store's stored range)
//   query-activity-related  the same with activity=…&related_activities=true
//                           (query scenarios count one page as one request and verify each
//                           chain: no duplicate ids, stored order descending, every statement
//                           matching the filter)
//   profile-person          GET /learning/people/{id}   (needs `setup` first)
//   profile-unit            GET /learning/units/{unit}  (needs `setup` first)
//   mixed                   80% statement writes (single and batches of 10), 20% reads
//                           (statement query pages, cmi5-style State document PUT/GET)
//   get, state, query       the earlier micro scenarios: GET one statement by id, PUT a State
//                           document, GET ?agent=…&limit=10 (first page only)
//   --preload N             POST N statements in batches of --batch over --connections, and
//                           report ingest throughput per --segment statements (default 100,000)
//   --smoke                 start lrsd itself (HTTPS, temporary data directory), run `setup`, a
//                           small preload and every scenario for ~1 s with few connections, and
//                           check what was measured: no errors, every posted statement readable
//                           by id, query chains verified, profile responses well-formed. Exit 0
//                           when all holds. Not a timed assertion (the ctest `bench_smoke`).
//
// Options: --connections C, --batch B, --seconds D, --seed N (statement content; default 42),
// --id-salt N (statement ids; default from the clock), --people N (default 3000), --units N
// (default 20), --server-pid PID (peak RSS from /proc/PID/status), --verify-posted (GET every
// posted statement by id afterwards), --label TEXT (copied into the JSON line), --store-base N
// (statements already stored, labels preload segments), --spawn (start lrsd as --smoke does).
// Exit status: 0 ok, 2 when the run had errors or failed verification, 1 on a usage error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <unistd.h>

#include "statement_gen.h"
#include "testkit/testkit.h"

using lrsd::testkit::Client;
using lrsd::testkit::Response;
using lrsd::testkit::UrlEncode;
using Clock = std::chrono::steady_clock;
namespace bench = lrsd::bench;

namespace {

// ---- Arguments --------------------------------------------------------------------------------
class Args {
 public:
  Args(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument " + a);
      a = a.substr(2);
      if (auto eq = a.find('='); eq != std::string::npos) {
        values_[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        values_[a] = argv[++i];
      } else {
        values_[a] = "";
      }
    }
  }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Str(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  long long Int(const std::string& name, long long fallback) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return fallback;
    return std::stoll(it->second);
  }

 private:
  std::map<std::string, std::string> values_;
};

// ---- Server memory ----------------------------------------------------------------------------
long ReadStatusKb(int pid, const char* field) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  return -1;
}

// Samples VmRSS of the server every 200 ms while alive; max_kb() is the highest seen.
class RssSampler {
 public:
  explicit RssSampler(int pid) : pid_(pid) {
    if (pid_ > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~RssSampler() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long max_kb() const { return max_kb_; }

 private:
  void Loop() {
    while (!stop_) {
      max_kb_ = std::max(max_kb_.load(), ReadStatusKb(pid_, "VmRSS"));
      for (int i = 0; i < 20 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    max_kb_ = std::max(max_kb_.load(), ReadStatusKb(pid_, "VmRSS"));
  }
  int pid_;
  std::atomic<bool> stop_{false};
  std::atomic<long> max_kb_{-1};
  std::thread thread_;
};

// CPU time (clock ticks) of the whole machine, of lrsd and of this process, so a report can say
// how many cores each used and how much went to other processes (this is a 2-core machine
// shared with builds: figures measured while others ran are not comparable).
struct CpuSnapshot {
  long long busy = 0, server = 0, self = 0;
  static long long ProcessTicks(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    long long utime = 0, stime = 0;
    for (int i = 3; fields >> f; ++i) {  // field 3 is the state
      if (i == 14) utime = std::atoll(f.c_str());
      if (i == 15) {
        stime = std::atoll(f.c_str());
        break;
      }
    }
    return utime + stime;
  }
  static CpuSnapshot Take(int server_pid) {
    CpuSnapshot s;
    std::ifstream in("/proc/stat");
    std::string cpu;
    long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
    s.busy = user + nice + system + irq + softirq + steal;
    if (server_pid > 0) s.server = ProcessTicks("/proc/" + std::to_string(server_pid) + "/stat");
    s.self = ProcessTicks("/proc/self/stat");
    return s;
  }
};

// Cores used over `seconds` between two snapshots: lrsd, this client, everything else.
struct CpuUse {
  double server = -1, client = -1, other = -1;
};
CpuUse CpuBetween(const CpuSnapshot& a, const CpuSnapshot& b, double seconds, bool have_server) {
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  CpuUse u;
  if (seconds <= 0) return u;
  u.client = static_cast<double>(b.self - a.self) / hz / seconds;
  u.server = have_server ? static_cast<double>(b.server - a.server) / hz / seconds : 0.0;
  u.other = std::max(0.0, static_cast<double>(b.busy - a.busy) / hz / seconds - u.client - u.server);
  if (!have_server) u.server = -1;
  return u;
}

// ---- Configuration and results ----------------------------------------------------------------
struct Config {
  std::string url, key, secret;
  std::string scenario;
  int connections = 16;
  int batch = 1;
  double seconds = 10;
  std::uint64_t seed = 42;
  std::uint64_t id_salt = 0;
  int server_pid = -1;
  bool verify_posted = false;
  std::string label;
  long long store_base = 0;
  long long segment = 100000;
  bool quiet = false;
};

struct Stats {
  std::vector<double> latencies;  // ms, one per request (a query page is one request)
  long requests = 0, errors = 0, statements_posted = 0, statements_read = 0, pages = 0, chains = 0,
       chains_complete = 0, max_chain_pages = 0, verify_failures = 0;
  std::map<int, long> error_status;  // HTTP status (0: transport failure) -> count
  std::vector<std::string> messages;  // the first few error and verification messages
  std::vector<std::string> posted_ids;

  void Note(const std::string& m) {
    if (messages.size() < 8) messages.push_back(m);
  }
  void Merge(Stats& o) {
    latencies.insert(latencies.end(), o.latencies.begin(), o.latencies.end());
    requests += o.requests;
    errors += o.errors;
    statements_posted += o.statements_posted;
    statements_read += o.statements_read;
    pages += o.pages;
    chains += o.chains;
    chains_complete += o.chains_complete;
    max_chain_pages = std::max(max_chain_pages, o.max_chain_pages);
    verify_failures += o.verify_failures;
    for (auto& [s, n] : o.error_status) error_status[s] += n;
    for (auto& m : o.messages) Note(m);
    posted_ids.insert(posted_ids.end(), std::make_move_iterator(o.posted_ids.begin()),
                      std::make_move_iterator(o.posted_ids.end()));
  }
};

const std::map<std::string, std::string> kJsonHeaders = {{"Content-Type", "application/json"}};

// One connection: a client, a statement generator and the statistics of its requests.
class Worker {
 public:
  Worker(const Config& c, const bench::Population& pop, int index, std::uint64_t stream)
      : config(c), index(index), client(c.url, c.key, c.secret), gen(pop, c.seed, stream, c.id_salt), pop(pop) {}

  // One request; nullopt (counted as an error) unless it answered 2xx.
  std::optional<Response> Call(const std::string& method, const std::string& target, const std::string& body = "",
                               const std::map<std::string, std::string>& headers = {}) {
    const auto t0 = Clock::now();
    Response r;
    try {
      r = client.Request(method, target, body, headers);
    } catch (const std::exception& e) {
      stats.latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      ++stats.requests;
      ++stats.errors;
      ++stats.error_status[0];
      stats.Note(method + " " + target.substr(0, 80) + ": " + e.what());
      return std::nullopt;
    }
    stats.latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ++stats.requests;
    if (r.status < 200 || r.status >= 300) {
      ++stats.errors;
      ++stats.error_status[r.status];
      stats.Note(method + " " + target.substr(0, 80) + ": " + std::to_string(r.status) + " " + r.body.substr(0, 200));
      return std::nullopt;
    }
    return r;
  }

  void Fail(const std::string& what) {
    ++stats.verify_failures;
    stats.Note("verification: " + what);
  }

  const Config& config;
  int index;
  Client client;
  bench::StatementGenerator gen;
  const bench::Population& pop;
  Stats stats;
  std::vector<std::string> state_targets;  // State documents this worker has PUT
};

// ---- Statement checks ---------------------------------------------------------------------------
std::string Str(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

// lrsd's IFI key of an Agent/Group object ("" when it has none).
std::string IfiKeyOf(const rapidjson::Value& a) {
  if (!a.IsObject()) return {};
  if (auto m = Str(a, "mbox"); !m.empty()) return "mbox:" + m;
  if (auto m = Str(a, "mbox_sha1sum"); !m.empty()) return "mbox_sha1sum:" + m;
  if (auto m = Str(a, "openid"); !m.empty()) return "openid:" + m;
  if (auto it = a.FindMember("account"); it != a.MemberEnd() && it->value.IsObject()) {
    return "account:" + Str(it->value, "homePage") + "|" + Str(it->value, "name");
  }
  return {};
}

bool AgentMatches(const rapidjson::Value& a, const std::string& key) {
  if (!a.IsObject()) return false;
  if (IfiKeyOf(a) == key) return true;
  if (auto m = a.FindMember("member"); m != a.MemberEnd() && m->value.IsArray()) {
    for (const auto& x : m->value.GetArray()) {
      if (IfiKeyOf(x) == key) return true;
    }
  }
  return false;
}

bool HasRelatedActivity(const rapidjson::Value& s, const std::string& id) {
  if (!s.IsObject()) return false;
  if (auto o = s.FindMember("object"); o != s.MemberEnd() && o->value.IsObject()) {
    const std::string type = Str(o->value, "objectType");
    if ((type.empty() || type == "Activity") && Str(o->value, "id") == id) return true;
    if (type == "SubStatement" && HasRelatedActivity(o->value, id)) return true;
  }
  auto c = s.FindMember("context");
  if (c == s.MemberEnd() || !c->value.IsObject()) return false;
  auto ca = c->value.FindMember("contextActivities");
  if (ca == c->value.MemberEnd() || !ca->value.IsObject()) return false;
  for (const auto& kv : ca->value.GetObject()) {
    if (kv.value.IsArray()) {
      for (const auto& a : kv.value.GetArray()) {
        if (Str(a, "id") == id) return true;
      }
    } else if (Str(kv.value, "id") == id) {
      return true;
    }
  }
  return false;
}

// What a query asks for; Matches() checks one returned statement.
struct Filter {
  std::string params;    // the query string (without limit)
  std::string agent;     // IFI key
  std::string verb;
  std::int64_t since = -1;  // exclusive, on `stored`
  std::string activity;  // with related_activities=true

  bool Matches(const rapidjson::Value& s, std::string& why) const {
    if (!agent.empty()) {
      bool ok = AgentMatches(s["actor"], agent);
      if (!ok) {
        auto o = s.FindMember("object");
        ok = o != s.MemberEnd() && AgentMatches(o->value, agent);
      }
      if (!ok) {
        why = "actor/object is not " + agent;
        return false;
      }
    }
    if (!verb.empty()) {
      auto v = s.FindMember("verb");
      if (v == s.MemberEnd() || Str(v->value, "id") != verb) {
        why = "verb is not " + verb;
        return false;
      }
    }
    if (since >= 0) {
      auto stored = bench::ParseIso(Str(s, "stored"));
      if (!stored || *stored <= since) {
        why = "stored " + Str(s, "stored") + " not after since";
        return false;
      }
    }
    if (!activity.empty() && !HasRelatedActivity(s, activity)) {
      why = "no related activity " + activity;
      return false;
    }
    return true;
  }
};

// Follows one query's `more` links to the end (or until `stop`), verifying the chain.
void RunChain(Worker& w, const Filter& f, const std::atomic<bool>& stop, int limit = 100) {
  std::string target = "/xapi/statements?limit=" + std::to_string(limit) + "&" + f.params;
  std::unordered_set<std::string> seen;
  std::int64_t previous = INT64_MAX;
  long pages = 0;
  ++w.stats.chains;
  while (true) {
    auto r = w.Call("GET", target);
    if (!r) return;
    ++pages;
    ++w.stats.pages;
    w.stats.max_chain_pages = std::max(w.stats.max_chain_pages, pages);
    rapidjson::Document d;
    d.Parse(r->body.c_str(), r->body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("statements") || !d["statements"].IsArray() ||
        !d.HasMember("more") || !d["more"].IsString()) {
      w.Fail("page is not a StatementResult: " + r->body.substr(0, 200));
      return;
    }
    const auto& list = d["statements"].GetArray();
    if (list.Size() > static_cast<unsigned>(limit)) w.Fail("page longer than limit");
    for (const auto& s : list) {
      ++w.stats.statements_read;
      const std::string id = Str(s, "id");
      if (!seen.insert(id).second) w.Fail("duplicate id " + id + " in the chain of " + f.params);
      auto stored = bench::ParseIso(Str(s, "stored"));
      if (!stored) {
        w.Fail("statement " + id + " has no valid stored");
      } else {
        if (*stored > previous) w.Fail("chain of " + f.params + " not in descending stored order at " + id);
        previous = *stored;
      }
      std::string why;
      if (!f.Matches(s, why)) w.Fail("statement " + id + " does not match " + f.params + ": " + why);
    }
    const std::string more = d["more"].GetString();
    if (more.empty()) {
      ++w.stats.chains_complete;
      return;
    }
    if (list.Empty()) w.Fail("empty page with a more link");
    if (stop) return;
    target = more;
  }
}

std::string AgentParam(const bench::Ifi& ifi) { return "agent=" + UrlEncode(ifi.Json()); }

// ---- Scenarios ----------------------------------------------------------------------------------
struct StoredRange {
  std::int64_t oldest = 0, newest = 0;
};

void PostStatements(Worker& w, int n) {
  std::string body;
  std::vector<std::string> ids;
  ids.reserve(n);
  if (n == 1) {
    auto g = w.gen.Next();
    ids.push_back(g.id);
    body = std::move(g.json);
  } else {
    body.reserve(static_cast<std::size_t>(n) * 1100);
    body = "[";
    for (int i = 0; i < n; ++i) {
      auto g = w.gen.Next();
      if (i) body += ',';
      body += g.json;
      ids.push_back(std::move(g.id));
    }
    body += "]";
  }
  auto r = w.Call("POST", "/xapi/statements", body, kJsonHeaders);
  if (!r) return;
  w.stats.statements_posted += n;
  auto d = r->Json();
  bool same = d.IsArray() && d.Size() == static_cast<unsigned>(n);
  for (int i = 0; same && i < n; ++i) same = d[i].IsString() && ids[i] == d[i].GetString();
  if (!same) w.Fail("POST answered other ids than those sent: " + r->body.substr(0, 200));
  if (w.config.verify_posted) w.stats.posted_ids.insert(w.stats.posted_ids.end(), ids.begin(), ids.end());
}

void QueryAgent(Worker& w, const std::atomic<bool>& stop) {
  const bench::Ifi& ifi = w.gen.RandomIfi();
  Filter f;
  f.params = AgentParam(ifi);
  f.agent = ifi.Key();
  RunChain(w, f, stop);
}

void QueryVerbSince(Worker& w, const std::atomic<bool>& stop, const StoredRange& range) {
  const bench::Verb& verb = w.gen.RandomVerb();
  // Mostly recent windows ("what happened since I last looked"), sometimes most of the store.
  const double u = w.gen.rng().Real();
  const std::int64_t span = std::max<std::int64_t>(1, range.newest - range.oldest);
  std::int64_t since = range.newest - static_cast<std::int64_t>(static_cast<double>(span) * u * u) - 1000;
  since -= since % 1000;  // whole milliseconds, as lrsd writes stored
  Filter f;
  f.verb = verb.id;
  f.since = since;
  f.params = "verb=" + UrlEncode(verb.id) + "&since=" + UrlEncode(bench::FormatIsoMillis(since));
  RunChain(w, f, stop);
}

void QueryActivityRelated(Worker& w, const std::atomic<bool>& stop) {
  const bench::Activity& a = w.gen.RandomRelatedActivity();
  Filter f;
  f.activity = a.id;
  f.params = "activity=" + UrlEncode(a.id) + "&related_activities=true";
  RunChain(w, f, stop);
}

void ProfilePerson(Worker& w) {
  const bench::Person& p = w.gen.RandomPerson();
  auto r = w.Call("GET", "/learning/people/" + p.id);
  if (!r) return;
  ++w.stats.pages;
  auto d = r->Json();
  if (!d.IsObject() || !d.HasMember("person") || Str(d["person"], "id") != p.id || !d.HasMember("modalities")) {
    w.Fail("person profile of " + p.id + " malformed: " + r->body.substr(0, 200));
  }
}

void ProfileUnit(Worker& w) {
  const auto& units = w.pop.units();
  const std::string& unit = units[w.gen.rng().Below(units.size())];
  auto r = w.Call("GET", "/learning/units/" + unit);
  if (!r) return;
  ++w.stats.pages;
  auto d = r->Json();
  if (!d.IsObject() || !d.HasMember("people") || !d["people"].IsArray() || d["people"].Empty()) {
    w.Fail("unit profile of " + unit + " malformed: " + r->body.substr(0, 200));
  }
}

// A cmi5 AU's State document (its bookmark and suspend data) for one learner's registration.
std::string StateTarget(Worker& w) {
  const int person = static_cast<int>(w.gen.rng().Skewed(w.pop.people().size()));
  const bench::Person& p = w.pop.people()[person];
  const int course = static_cast<int>(w.gen.rng().Below(w.pop.courses().size()));
  const bench::Activity& au = w.pop.activities()[w.pop.aus()[course * 4 + w.gen.rng().Below(4)]];
  return "/xapi/activities/state?activityId=" + UrlEncode(au.id) + "&agent=" + UrlEncode(p.ifis[0].Json()) +
         "&registration=" + w.gen.RegistrationFor(person, course) + "&stateId=" + UrlEncode("suspend_data");
}

void StatePut(Worker& w, const std::string& target) {
  auto& rng = w.gen.rng();
  std::string suspend;
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 320; ++i) suspend += kAlphabet[rng.Below(64)];
  const std::string body = R"({"location":"page-)" + std::to_string(rng.Below(40)) + R"(","progress":)" +
                           std::to_string(rng.Below(101)) + R"(,"suspendData":")" + suspend + "\"}";
  if (w.Call("PUT", target, body, kJsonHeaders)) {
    if (w.state_targets.size() < 256) w.state_targets.push_back(target);
  }
}

void StateGet(Worker& w) {
  if (w.state_targets.empty()) return StatePut(w, StateTarget(w));
  const std::string& target = w.state_targets[w.gen.rng().Below(w.state_targets.size())];
  auto r = w.Call("GET", target);
  if (!r) return;
  auto d = r->Json();
  if (!d.IsObject() || !d.HasMember("suspendData")) w.Fail("State document malformed: " + r->body.substr(0, 200));
}

void Mixed(Worker& w, const std::atomic<bool>& stop) {
  const double r = w.gen.rng().Real();
  if (r < 0.65) return PostStatements(w, 1);
  if (r < 0.80) return PostStatements(w, 10);
  if (r < 0.90) {
    // A statement query's first page (a dashboard refresh).
    const bench::Ifi& ifi = w.gen.RandomIfi();
    Filter f;
    f.params = AgentParam(ifi);
    f.agent = ifi.Key();
    std::atomic<bool> one_page{true};
    (void)stop;
    return RunChain(w, f, one_page);
  }
  if (r < 0.95) return StatePut(w, StateTarget(w));
  return StateGet(w);
}

// ---- Running ----------------------------------------------------------------------------------
struct Outcome {
  Stats stats;
  double elapsed = 0;
  long rss_hwm_kb = -1, rss_max_kb = -1;
  long verified = 0, missing = 0;
  CpuUse cpu;
  bool ok() const { return stats.errors == 0 && stats.verify_failures == 0 && missing == 0; }
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5)];
}

// GETs every posted id (over `connections` clients) and counts those not returned as posted.
void VerifyPosted(const Config& c, Outcome& out) {
  const auto& ids = out.stats.posted_ids;
  std::atomic<std::size_t> next{0};
  std::atomic<long> verified{0}, missing{0};
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, c.connections); ++t) {
    threads.emplace_back([&] {
      Client client(c.url, c.key, c.secret);
      for (std::size_t i; (i = next++) < ids.size();) {
        bool ok = false;
        try {
          auto r = client.Get("/xapi/statements?statementId=" + ids[i]);
          auto d = r.Json();
          ok = r.status == 200 && d.IsObject() && Str(d, "id") == ids[i];
        } catch (const std::exception&) {
        }
        if (ok) {
          ++verified;
        } else if (missing++ < 5) {
          std::lock_guard lock(mu);
          out.stats.Note("posted statement " + ids[i] + " not readable by id");
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  out.verified = verified;
  out.missing = missing;
}

std::atomic<std::uint64_t> g_stream_base{0};

Outcome RunScenario(const Config& c, const bench::Population& pop) {
  const std::string& s = c.scenario;
  static const std::set<std::string> known = {"post-single", "post-batch", "post", "query-agent", "query-verb-since",
                                              "query-activity-related", "profile-person", "profile-unit", "mixed",
                                              "get", "state", "query"};
  if (!known.count(s)) throw std::invalid_argument("unknown scenario " + s);
  const int batch = s == "post-single" ? 1 : c.batch;

  // What the read scenarios need from the store.
  StoredRange range;
  std::string seed_id;
  if (s == "query-verb-since" || s == "get") {
    Client probe(c.url, c.key, c.secret);
    if (s == "get") {
      bench::StatementGenerator g(pop, c.seed, 1u << 30, c.id_salt + 7);
      auto st = g.Next();
      auto r = probe.PostJson("/xapi/statements", st.json);
      if (r.status != 200) throw std::runtime_error("seed POST failed: " + std::to_string(r.status) + " " + r.body);
      seed_id = st.id;
    } else {
      auto newest = probe.Get("/xapi/statements?limit=1").Json();
      auto oldest = probe.Get("/xapi/statements?limit=1&ascending=true").Json();
      if (!newest.IsObject() || !newest["statements"].IsArray() || newest["statements"].Empty()) {
        throw std::runtime_error("query-verb-since needs stored statements (run a preload first)");
      }
      range.newest = bench::ParseIso(Str(newest["statements"][0], "stored")).value_or(0);
      range.oldest = bench::ParseIso(Str(oldest["statements"][0], "stored")).value_or(0);
    }
  }

  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Worker>> workers;
  const std::uint64_t stream_base = g_stream_base.fetch_add(1000);
  for (int t = 0; t < c.connections; ++t) {
    workers.push_back(std::make_unique<Worker>(c, pop, t, stream_base + static_cast<std::uint64_t>(t)));
  }
  RssSampler sampler(c.server_pid);
  std::vector<std::thread> threads;
  const CpuSnapshot cpu0 = CpuSnapshot::Take(c.server_pid);
  const auto start = Clock::now();
  for (auto& wp : workers) {
    threads.emplace_back([&, w = wp.get()] {
      while (!stop) {
        if (s == "post-single" || s == "post-batch" || s == "post") {
          PostStatements(*w, batch);
        } else if (s == "query-agent") {
          QueryAgent(*w, stop);
        } else if (s == "query-verb-since") {
          QueryVerbSince(*w, stop, range);
        } else if (s == "query-activity-related") {
          QueryActivityRelated(*w, stop);
        } else if (s == "profile-person") {
          ProfilePerson(*w);
        } else if (s == "profile-unit") {
          ProfileUnit(*w);
        } else if (s == "mixed") {
          Mixed(*w, stop);
        } else if (s == "get") {
          if (auto r = w->Call("GET", "/xapi/statements?statementId=" + seed_id)) ++w->stats.pages;
        } else if (s == "state") {
          StatePut(*w, StateTarget(*w));
        } else if (s == "query") {
          if (auto r = w->Call("GET", "/xapi/statements?limit=10&" + AgentParam(w->gen.RandomIfi()))) ++w->stats.pages;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(c.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  Outcome out;
  out.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  out.cpu = CpuBetween(cpu0, CpuSnapshot::Take(c.server_pid), out.elapsed, c.server_pid > 0);
  sampler.Stop();
  out.rss_max_kb = sampler.max_kb();
  out.rss_hwm_kb = ReadStatusKb(c.server_pid, "VmHWM");
  for (auto& w : workers) out.stats.Merge(w->stats);
  if (c.verify_posted && !out.stats.posted_ids.empty()) VerifyPosted(c, out);
  return out;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

void Report(const Config& c, const Outcome& o) {
  std::vector<double> lat = o.stats.latencies;
  std::sort(lat.begin(), lat.end());
  const double el = o.elapsed > 0 ? o.elapsed : 1;
  const bool query = c.scenario.rfind("query-", 0) == 0;
  const bool writes = o.stats.statements_posted > 0;
  const int batch = c.scenario == "post-single" ? 1 : c.scenario == "mixed" ? 0 : c.batch;
  std::string statuses = "{";
  for (const auto& [status, n] : o.stats.error_status) {
    if (statuses.size() > 1) statuses += ",";
    statuses += "\"" + std::to_string(status) + "\":" + std::to_string(n);
  }
  statuses += "}";
  char json[2048];
  std::snprintf(json, sizeof json,
                "{\"scenario\":\"%s\",\"label\":\"%s\",\"url\":\"%s\",\"connections\":%d,\"batch\":%d,"
                "\"seconds\":%.2f,\"requests\":%ld,\"requests_per_s\":%.1f,\"statements_posted\":%ld,"
                "\"statements_per_s\":%.1f,\"pages\":%ld,\"pages_per_s\":%.1f,\"statements_read\":%ld,"
                "\"chains\":%ld,\"chains_complete\":%ld,\"max_chain_pages\":%ld,"
                "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%ld,\"error_status\":%s,"
                "\"verify_failures\":%ld,\"verified_posted\":%ld,\"missing_posted\":%ld,"
                "\"rss_hwm_kb\":%ld,\"rss_max_kb\":%ld,\"cpu_lrsd_cores\":%.2f,\"cpu_client_cores\":%.2f,"
                "\"cpu_other_cores\":%.2f,\"seed\":%llu,\"ok\":%s}",
                c.scenario.c_str(), JsonEscape(c.label).c_str(), c.url.c_str(), c.connections, batch, o.elapsed,
                o.stats.requests, o.stats.requests / el, o.stats.statements_posted, o.stats.statements_posted / el,
                o.stats.pages, o.stats.pages / el, o.stats.statements_read, o.stats.chains, o.stats.chains_complete,
                o.stats.max_chain_pages, Percentile(lat, 0.5), Percentile(lat, 0.9), Percentile(lat, 0.99),
                lat.empty() ? 0.0 : lat.back(), o.stats.errors, statuses.c_str(), o.stats.verify_failures, o.verified,
                o.missing, o.rss_hwm_kb, o.rss_max_kb, o.cpu.server, o.cpu.client, o.cpu.other,
                static_cast<unsigned long long>(c.seed),
                o.ok() ? "true" : "false");
  std::printf("%s\n", json);
  std::string rate;
  char buf[256];
  if (writes) {
    std::snprintf(buf, sizeof buf, "%.0f st/s (%.0f req/s)", o.stats.statements_posted / el, o.stats.requests / el);
  } else if (query) {
    std::snprintf(buf, sizeof buf, "%.0f pages/s (%ld chains, %ld complete, %ld statements)", o.stats.pages / el,
                  o.stats.chains, o.stats.chains_complete, o.stats.statements_read);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f req/s", o.stats.requests / el);
  }
  rate = buf;
  std::printf("# %-22s conns=%-3d batch=%-3d %5.1fs  %s  p50 %.2f ms  p99 %.2f ms  errors %ld  verify-failures %ld",
              c.scenario.c_str(), c.connections, batch, o.elapsed, rate.c_str(), Percentile(lat, 0.5),
              Percentile(lat, 0.99), o.stats.errors, o.stats.verify_failures);
  if (c.verify_posted && o.verified + o.missing > 0) std::printf("  posted readable %ld/%ld", o.verified, o.verified + o.missing);
  if (o.rss_hwm_kb > 0) std::printf("  lrsd peak RSS %.0f MB", o.rss_hwm_kb / 1024.0);
  if (o.cpu.server >= 0) {
    std::printf("  cores used: lrsd %.2f, client %.2f, other processes %.2f", o.cpu.server, o.cpu.client, o.cpu.other);
  }
  std::printf("  %s\n", o.ok() ? "OK" : "FLAGGED: errors or failed checks");
  for (const auto& m : o.stats.messages) std::printf("#   %s\n", m.c_str());
  std::fflush(stdout);
}

// ---- Setup and preload --------------------------------------------------------------------------
bool Setup(const Config& c, const bench::Population& pop) {
  Client client(c.url, c.key, c.secret);
  const std::pair<const char*, std::string> docs[] = {
      {"/admin/framework", bench::Population::FrameworkJson()},
      {"/admin/rules", bench::Population::RulesJson()},
      {"/admin/people", pop.PeopleJson()},
  };
  bool ok = true;
  for (const auto& [path, body] : docs) {
    auto r = client.PutJson(path, body);
    const bool good = r.status >= 200 && r.status < 300;
    std::printf("{\"scenario\":\"setup\",\"path\":\"%s\",\"status\":%d,\"bytes\":%zu,\"ok\":%s}\n", path, r.status,
                body.size(), good ? "true" : "false");
    if (!good) std::printf("# setup %s: %d %s\n", path, r.status, r.body.substr(0, 300).c_str());
    ok = ok && good;
  }
  std::printf("# setup: %zu people (%zu IFIs), %zu units, %zu activities, %zu verbs\n", pop.people().size(),
              pop.ifi_count(), pop.units().size(), pop.activities().size(), pop.verbs().size());
  std::fflush(stdout);
  return ok;
}

// Posts `total` statements in batches; reports throughput per `segment` statements.
Outcome Preload(const Config& c, const bench::Population& pop, long long total) {
  std::atomic<long long> claimed{0}, done{0};
  std::mutex mu;
  std::vector<std::pair<long long, double>> marks;  // (statements done, seconds)
  long long next_mark = c.segment;
  std::vector<std::unique_ptr<Worker>> workers;
  const std::uint64_t stream_base = g_stream_base.fetch_add(1000);
  for (int t = 0; t < c.connections; ++t) {
    workers.push_back(std::make_unique<Worker>(c, pop, t, stream_base + static_cast<std::uint64_t>(t)));
  }
  RssSampler sampler(c.server_pid);
  const CpuSnapshot cpu0 = CpuSnapshot::Take(c.server_pid);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& wp : workers) {
    threads.emplace_back([&, w = wp.get()] {
      while (true) {
        const long long first = claimed.fetch_add(c.batch);
        if (first >= total) break;
        const int n = static_cast<int>(std::min<long long>(c.batch, total - first));
        const long before = w->stats.statements_posted;
        PostStatements(*w, n);
        const long posted = w->stats.statements_posted - before;
        if (posted == 0) continue;
        const long long now_done = done.fetch_add(posted) + posted;
        std::lock_guard lock(mu);
        while (now_done >= next_mark) {
          marks.emplace_back(next_mark, std::chrono::duration<double>(Clock::now() - start).count());
          next_mark += c.segment;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  Outcome out;
  out.elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  out.cpu = CpuBetween(cpu0, CpuSnapshot::Take(c.server_pid), out.elapsed, c.server_pid > 0);
  sampler.Stop();
  out.rss_max_kb = sampler.max_kb();
  out.rss_hwm_kb = ReadStatusKb(c.server_pid, "VmHWM");
  for (auto& w : workers) out.stats.Merge(w->stats);
  if (marks.empty() || marks.back().first < done) marks.emplace_back(done.load(), out.elapsed);
  std::sort(marks.begin(), marks.end());
  long long prev_n = 0;
  double prev_t = 0;
  for (const auto& [n, t] : marks) {
    std::printf("{\"scenario\":\"preload-segment\",\"label\":\"%s\",\"store_from\":%lld,\"store_to\":%lld,"
                "\"seconds\":%.2f,\"statements_per_s\":%.1f}\n",
                JsonEscape(c.label).c_str(), c.store_base + prev_n, c.store_base + n, t - prev_t,
                t > prev_t ? (n - prev_n) / (t - prev_t) : 0.0);
    std::printf("# preload %lld..%lld statements: %.0f st/s\n", c.store_base + prev_n, c.store_base + n,
                t > prev_t ? (n - prev_n) / (t - prev_t) : 0.0);
    prev_n = n;
    prev_t = t;
  }
  std::fflush(stdout);
  if (c.verify_posted && !out.stats.posted_ids.empty()) VerifyPosted(c, out);
  return out;
}

// ---- Smoke --------------------------------------------------------------------------------------
int Smoke(Config base, const bench::Population& pop) {
  bool ok = Setup(base, pop);
  auto run = [&](const std::string& scenario, int connections, int batch, double seconds, auto&& check) {
    Config c = base;
    c.scenario = scenario;
    c.connections = connections;
    c.batch = batch;
    c.seconds = seconds;
    c.verify_posted = true;
    c.label = "smoke";
    Outcome o = RunScenario(c, pop);
    Report(c, o);
    bool good = o.ok() && o.stats.requests > 0 && check(o);
    if (!good) std::printf("# SMOKE FAILED: %s\n", scenario.c_str());
    ok = ok && good;
  };
  {
    Config c = base;
    c.connections = 4;
    c.batch = 100;
    c.segment = 1000;
    c.verify_posted = true;
    c.label = "smoke";
    Outcome o = Preload(c, pop, 4000);
    c.scenario = "preload";
    Report(c, o);
    const bool good = o.ok() && o.stats.statements_posted == 4000 && o.verified == 4000;
    if (!good) std::printf("# SMOKE FAILED: preload\n");
    ok = ok && good;
  }
  auto any = [](const Outcome&) { return true; };
  auto wrote = [](const Outcome& o) { return o.stats.statements_posted > 0 && o.verified == o.stats.statements_posted; };
  run("post-single", 4, 1, 1.0, wrote);
  run("post-batch", 2, 100, 1.0, wrote);
  // Queries must have returned statements and followed more links at least once.
  auto paged = [](const Outcome& o) { return o.stats.statements_read > 0 && o.stats.chains_complete > 0; };
  run("query-agent", 2, 1, 1.0, paged);
  run("query-verb-since", 2, 1, 1.0, [&](const Outcome& o) { return paged(o) && o.stats.max_chain_pages > 1; });
  run("query-activity-related", 2, 1, 1.0, [&](const Outcome& o) { return paged(o) && o.stats.max_chain_pages > 1; });
  run("profile-person", 2, 1, 1.0, any);
  run("profile-unit", 2, 1, 0.5, any);
  run("mixed", 4, 1, 1.0, wrote);
  std::printf("# smoke %s\n", ok ? "passed" : "FAILED");
  return ok ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args args(argc, argv);
    if (args.Has("help") || args.Has("h")) {
      std::printf("usage: load_generator --url URL --key K --secret S --scenario S [options]\n"
                  "Scenarios, options and output are described at the top of benchmarks/load_generator.cpp\n"
                  "and in benchmarks/RESULTS.md.\n");
      return 0;
    }
    Config c;
    c.url = args.Str("url", "http://127.0.0.1:8080");
    c.key = args.Str("key", "");
    c.secret = args.Str("secret", "");
    c.scenario = args.Str("scenario", "post-single");
    const bool single = c.scenario == "post-single";
    const bool batched = c.scenario == "post-batch" || c.scenario == "post";
    c.connections = static_cast<int>(args.Int("connections", single ? 32 : 16));
    c.batch = static_cast<int>(args.Int("batch", batched || args.Has("preload") ? 100 : 1));
    c.seconds = std::stod(args.Str("seconds", "10"));
    c.seed = static_cast<std::uint64_t>(args.Int("seed", 42));
    c.id_salt = args.Has("id-salt")
                    ? static_cast<std::uint64_t>(args.Int("id-salt", 0))
                    : static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    c.server_pid = static_cast<int>(args.Int("server-pid", -1));
    c.verify_posted = args.Has("verify-posted");
    c.label = args.Str("label", "");
    c.store_base = args.Int("store-base", 0);
    c.segment = std::max<long long>(1, args.Int("segment", 100000));
    if (c.connections < 1 || c.batch < 1 || c.seconds <= 0) throw std::invalid_argument("bad --connections/--batch/--seconds");
    const bench::Population pop(c.seed, static_cast<int>(args.Int("people", 3000)), static_cast<int>(args.Int("units", 20)));

    std::unique_ptr<lrsd::testkit::Server> server;
    if (args.Has("smoke") || args.Has("spawn")) {
      lrsd::testkit::ServerOptions so;
      so.http = false;
      so.https = true;
      so.extra_args = {"--no-access-log"};
      server = lrsd::testkit::Server::Start(so);
      c.url = server->https_url();
      c.key = server->key();
      c.secret = server->secret();
      c.server_pid = server->pid();
      std::printf("# started lrsd pid %d on %s\n", c.server_pid, c.url.c_str());
    }
    if (args.Has("smoke")) return Smoke(c, pop);
    if (args.Has("setup") || c.scenario == "setup") {
      if (!Setup(c, pop)) return 2;
      if (c.scenario == "setup") return 0;
    }
    if (args.Has("preload")) {
      const long long n = args.Int("preload", 0);
      Outcome o = Preload(c, pop, n);
      c.scenario = "preload";
      Report(c, o);
      return o.ok() ? 0 : 2;
    }
    Outcome o = RunScenario(c, pop);
    Report(c, o);
    return o.ok() ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_generator: %s\n", e.what());
    return 1;
  }
}
