// The forwarder: one worker thread per target, reading the statement spine after the target's
// cursor and POSTing what passes its filter to the receiver, in stored order.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <random>
#include <thread>
#include <unordered_set>

#include "lrsd/forward.h"
#include "lrsd/http.h"
#include "lrsd/ops.h"

namespace lrsd::forward {
namespace {

constexpr std::string_view kConfigKey = "forward/config";
constexpr std::size_t kPendingCountLimit = 10000;

std::string TargetPrefix(std::string_view id) { return "forward/" + std::string(id) + "/"; }
std::string CursorKey(std::string_view id) { return TargetPrefix(id) + "cursor"; }
std::string RejectedPrefix(std::string_view id) { return TargetPrefix(id) + "rejected/"; }
std::string RejectedKey(std::string_view id, std::uint64_t seq) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(seq));
  return RejectedPrefix(id) + digits;  // zero-padded: key order is stored order
}

// Statuses after which a single statement is refused for good: the receiver judged the
// statement itself. Anything else (network, 5xx, 401/403 credentials, 404 a wrong endpoint,
// 408, 429) is retried: skipping on those would drain the queue into the dead letter.
bool Permanent(int status) { return status == 400 || status == 409 || status == 413 || status == 415 || status == 422; }

// Text from a receiver or the network, fit for a JSON string and a log line.
std::string Clean(std::string_view text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < max;) {
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out += '?';
      ++i;
      continue;
    }
    if (n == 1 && static_cast<unsigned char>(text[i]) < 0x20) {
      out += ' ';
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string ReceiverMessage(const net::ClientResponse& r) {
  xapi::JsonDocument doc;
  doc.Parse(r.body.data(), r.body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    auto error = doc.FindMember("error");
    const xapi::JsonValue& holder = error != doc.MemberEnd() && error->value.IsObject() ? error->value : doc;
    auto message = holder.FindMember("message");
    if (message != holder.MemberEnd() && message->value.IsString()) {
      return Clean({message->value.GetString(), message->value.GetStringLength()}, 300);
    }
  }
  return Clean(r.body, 300);
}

std::optional<std::string> StoredCursor(store::Store& store, std::string_view id) {
  auto raw = store.Get(store::Family::kMeta, CursorKey(id));
  if (!raw.ok() || !raw->has_value()) return std::nullopt;
  return **raw;
}

std::uint64_t ParseU64(std::string_view text) {
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::string Timestamp(std::int64_t micros) {
  if (micros <= 0) return "null";
  return "\"" + FormatTimestampMillis(micros) + "\"";
}

}  // namespace

struct Forwarder::Worker {
  Target target;
  store::Store& store;
  const Transport& transport;
  const Options& options;

  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool wake = false;
  std::atomic<bool> cancel{false};  // abandons a request in flight when stopping

  std::atomic<std::uint64_t> cursor{0};
  std::atomic<std::uint64_t> sent{0}, rejected{0}, failures{0};
  std::atomic<bool> up{true};
  std::atomic<std::uint64_t> rejected_kept{0};
  std::mutex state_mu;  // the strings and times below
  std::string last_error;
  std::int64_t last_error_time = 0, last_success = 0, next_retry = 0;
  unsigned consecutive_failures = 0;  // worker thread only
  std::mt19937_64 rng{std::random_device{}()};

  Worker(Target t, store::Store& s, const Transport& tr, const Options& o)
      : target(std::move(t)), store(s), transport(tr), options(o) {}

  struct Item {
    std::uint64_t seq;
    std::string id;
    std::string json;
    std::vector<std::pair<std::string, std::string>> attachments;  // (sha2, content type)
  };
  enum class Outcome { kOk, kPermanent, kRetry };
  struct Answer {
    Outcome outcome;
    int status = 0;  // 0: no HTTP answer
    std::string message;
  };
  enum class Step { kIdle, kMore, kFailed };

  void Run() {
    Log(LogLevel::kInfo, "forwarding " + target.id + ": to " + target.endpoint.ToString() + " after " +
                             (cursor.load() ? FormatTimestampMillis(static_cast<MicrosSinceEpoch>(cursor.load()))
                                            : std::string("the beginning")));
    for (;;) {
      Step step = Step::kFailed;
      try {
        step = Once();
      } catch (const std::exception& e) {
        Failed({Outcome::kRetry, 0, std::string("internal error: ") + e.what()});
      }
      std::unique_lock lock(mu);
      if (stop) return;
      if (step == Step::kMore) continue;
      std::chrono::milliseconds delay = options.poll;
      if (step == Step::kFailed) {
        delay = Backoff();
        std::lock_guard state(state_mu);
        next_retry = NowMicros() + std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
      }
      cv.wait_for(lock, delay, [&] { return stop || (step == Step::kIdle && wake); });
      wake = false;
      if (stop) return;
    }
  }

  std::chrono::milliseconds Backoff() {
    const unsigned doublings = std::min(consecutive_failures > 0 ? consecutive_failures - 1 : 0u, 20u);
    double ms = static_cast<double>(options.backoff_min.count()) * static_cast<double>(1u << doublings);
    ms = std::min(ms, static_cast<double>(options.backoff_max.count()));
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms * jitter(rng)));
  }

  bool Passes(const xapi::JsonValue& statement, store::ReadView& view) {
    if (Matches(target.filter, statement)) return true;
    // A voiding statement follows the statement it voids, so a receiver holding that one
    // learns it was voided.
    auto voided = xapi::VoidedTarget(statement);
    if (!voided) return false;
    auto stored = view.GetStatement(*voided);
    if (!stored.ok() || !stored->has_value()) return false;
    xapi::JsonDocument doc;
    doc.Parse((*stored)->json.data(), (*stored)->json.size());
    return !doc.HasParseError() && Matches(target.filter, doc);
  }

  static std::vector<std::pair<std::string, std::string>> AttachmentsOf(const xapi::JsonValue& s) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!s.IsObject()) return out;
    auto it = s.FindMember("attachments");
    if (it == s.MemberEnd() || !it->value.IsArray()) return out;
    for (const auto& a : it->value.GetArray()) {
      if (!a.IsObject()) continue;
      auto sha2 = a.FindMember("sha2");
      auto type = a.FindMember("contentType");
      if (sha2 == a.MemberEnd() || !sha2->value.IsString()) continue;
      out.emplace_back(ToLowerAscii(sha2->value.GetString()),
                       type != a.MemberEnd() && type->value.IsString() ? type->value.GetString() : "");
    }
    return out;
  }

  Step Once() {
    auto view = store.Read();
    const std::uint64_t from = cursor.load();
    std::vector<Item> items;
    std::uint64_t last = from;
    std::size_t scanned = 0;
    Status inner = OkStatus();
    auto st = view.ScanAll(from + 1, UINT64_MAX, true, [&](std::uint64_t seq, const Uuid& id) {
      ++scanned;
      auto s = view.GetStatement(id);
      if (!s.ok()) {
        inner = s.error();
        return false;
      }
      if (s->has_value()) {  // else erased meanwhile
        xapi::JsonDocument doc;
        doc.Parse((*s)->json.data(), (*s)->json.size());
        if (doc.HasParseError()) {
          if (target.filter.empty()) items.push_back({seq, FormatUuid(id), std::move((*s)->json), {}});
        } else if (Passes(doc, view)) {
          items.push_back({seq, FormatUuid(id), std::move((*s)->json), AttachmentsOf(doc)});
        }
      }
      last = seq;
      return items.size() < target.batch && scanned < options.scan_limit;
    });
    if (!st.ok()) inner = st.error();
    if (!inner.ok()) {
      Failed({Outcome::kRetry, 0, "reading the store: " + inner.error().ToString()});
      return Step::kFailed;
    }
    if (items.empty()) {
      if (last > from && !SaveCursor(last)) return Step::kFailed;
      return scanned >= options.scan_limit ? Step::kMore : Step::kIdle;
    }
    std::vector<const Item*> all;
    for (const auto& item : items) all.push_back(&item);
    Answer answer = Post(all, view);
    if (answer.outcome == Outcome::kOk) {
      if (!SaveCursor(last)) return Step::kFailed;
      sent += items.size();
      Succeeded();
      return Step::kMore;
    }
    if (answer.outcome == Outcome::kRetry) {
      Failed(answer);
      return Step::kFailed;
    }
    if (items.size() > 1) {
      // Which statement? One at a time; those refused alone are set aside.
      Log(LogLevel::kDebug, "forwarding " + target.id + ": a batch of " + std::to_string(items.size()) +
                                " was refused (" + std::to_string(answer.status) + "), sending one at a time");
      for (const auto& item : items) {
        Answer one = Post({&item}, view);
        if (one.outcome == Outcome::kRetry) {
          Failed(one);
          return Step::kFailed;
        }
        if (one.outcome == Outcome::kOk) {
          ++sent;
          Succeeded();
        } else {
          SetAside(item, one);
        }
        if (!SaveCursor(item.seq)) return Step::kFailed;
      }
    } else {
      SetAside(items.front(), answer);
    }
    if (!SaveCursor(last)) return Step::kFailed;
    return Step::kMore;
  }

  Answer Post(const std::vector<const Item*>& items, store::ReadView& view) {
    std::string json = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) json += ',';
      json += items[i]->json;
    }
    json += ']';
    // Attachments whose content is stored travel as multipart/mixed parts (fileUrl-only ones
    // have none).
    std::vector<std::pair<std::pair<std::string, std::string>, std::string>> contents;
    std::unordered_set<std::string> seen;
    for (const auto* item : items) {
      for (const auto& a : item->attachments) {
        if (!seen.insert(a.first).second) continue;
        auto raw = view.Get(store::Family::kAttachments, a.first);
        if (!raw.ok()) return {Outcome::kRetry, 0, "reading attachment " + a.first + ": " + raw.error().ToString()};
        if (raw->has_value()) contents.push_back({a, std::move(**raw)});
      }
    }
    net::ClientRequest req;
    req.tls = target.endpoint.tls;
    req.host = target.endpoint.host;
    req.port = target.endpoint.port;
    req.target = target.endpoint.path + "statements";
    req.timeout = options.timeout;
    req.verify_tls = !target.insecure;
    req.cancel = &cancel;
    req.headers.emplace_back("Authorization", "Basic " + Base64Encode(target.key + ":" + target.secret));
    req.headers.emplace_back("X-Experience-API-Version", target.version);
    if (contents.empty()) {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = std::move(json);
    } else {
      std::vector<std::pair<http::Headers, std::string_view>> parts;
      http::Headers first;
      first.Add("Content-Type", "application/json");
      parts.emplace_back(std::move(first), json);
      for (const auto& [a, content] : contents) {
        http::Headers h;
        h.Add("Content-Type", a.second.empty() ? "application/octet-stream" : a.second);
        h.Add("Content-Transfer-Encoding", "binary");
        h.Add("X-Experience-API-Hash", a.first);
        parts.emplace_back(std::move(h), content);
      }
      const std::string boundary = "lrsd-" + HexEncode(RandomBytes(12));
      req.headers.emplace_back("Content-Type", "multipart/mixed; boundary=" + boundary);
      req.body = http::BuildMultipart(parts, boundary);
    }
    auto res = transport(req);
    if (!res.ok()) return {Outcome::kRetry, 0, Clean(res.error().message, 300)};
    if (res->status >= 200 && res->status < 300) return {Outcome::kOk, res->status, {}};
    return {Permanent(res->status) ? Outcome::kPermanent : Outcome::kRetry, res->status, ReceiverMessage(*res)};
  }

  bool SaveCursor(std::uint64_t seq) {
    if (auto st = store.Put(store::Family::kMeta, CursorKey(target.id), std::to_string(seq)); !st.ok()) {
      Failed({Outcome::kRetry, 0, "saving the cursor: " + st.error().ToString()});
      return false;
    }
    cursor = seq;
    return true;
  }

  void Succeeded() {
    consecutive_failures = 0;
    const bool was_down = !up.exchange(true);
    {
      std::lock_guard state(state_mu);
      last_success = NowMicros();
      next_retry = 0;
    }
    if (was_down) Log(LogLevel::kInfo, "forwarding " + target.id + ": " + target.endpoint.ToString() + " answers again");
  }

  static std::string Describe(const Answer& a) {
    return a.status ? "HTTP " + std::to_string(a.status) + (a.message.empty() ? "" : ": " + a.message) : a.message;
  }

  void Failed(const Answer& a) {
    if (cancel) return;  // stopping: an abandoned request is no failure of the receiver
    ++failures;
    ++consecutive_failures;
    const bool was_up = up.exchange(false);
    const std::string text = Describe(a);
    {
      std::lock_guard state(state_mu);
      last_error = text;
      last_error_time = NowMicros();
    }
    // One warning when the receiver goes down, then debug lines while it stays down.
    Log(was_up ? LogLevel::kWarn : LogLevel::kDebug,
        "forwarding " + target.id + ": " + target.endpoint.ToString() + " failed (" + text + "); retrying with backoff");
  }

  void SetAside(const Item& item, const Answer& a) {
    ++rejected;
    std::string record = "{\"statementId\":";
    xapi::AppendJsonString(record, item.id);
    record += ",\"stored\":" + Timestamp(static_cast<std::int64_t>(item.seq));
    record += ",\"status\":" + std::to_string(a.status) + ",\"message\":";
    xapi::AppendJsonString(record, a.message);
    record += ",\"time\":" + Timestamp(NowMicros()) + "}";
    {
      std::lock_guard state(state_mu);
      last_error = "statement " + item.id + " refused: " + Describe(a);
      last_error_time = NowMicros();
    }
    Log(LogLevel::kWarn, "forwarding " + target.id + ": statement " + item.id + " refused by " +
                             target.endpoint.ToString() + " (" + Describe(a) + "); set aside in " +
                             RejectedPrefix(target.id) + ", moving on");
    if (auto st = store.Put(store::Family::kMeta, RejectedKey(target.id, item.seq), record); !st.ok()) {
      Log(LogLevel::kError, "forwarding " + target.id + ": cannot keep the rejection record: " + st.error().ToString());
      return;
    }
    if (++rejected_kept <= options.max_rejected_records) return;
    // Bounded: the oldest record goes.
    std::string oldest;
    auto view = store.Read();
    auto st = view.ScanPrefix(store::Family::kMeta, RejectedPrefix(target.id), [&](std::string_view key, std::string_view) {
      oldest = std::string(key);
      return false;
    });
    if (st.ok() && !oldest.empty() && store.Delete(store::Family::kMeta, oldest).ok()) --rejected_kept;
  }

  // Seconds since the oldest statement not yet dealt with was stored (0 when caught up), and
  // how many are waiting (counted up to kPendingCountLimit).
  std::pair<double, std::uint64_t> Lag(bool count) {
    auto view = store.Read();
    std::uint64_t first = 0, pending = 0;
    (void)view.ScanAll(cursor.load() + 1, UINT64_MAX, true, [&](std::uint64_t seq, const Uuid&) {
      if (!first) first = seq;
      ++pending;
      return count && pending < kPendingCountLimit;
    });
    if (!first) return {0.0, 0};
    const double lag = static_cast<double>(std::max<std::int64_t>(0, NowMicros() - static_cast<std::int64_t>(first))) / 1e6;
    return {lag, pending};
  }

  void Begin() {
    // Dead-letter records already kept (from earlier runs).
    std::uint64_t kept = 0;
    auto view = store.Read();
    (void)view.ScanPrefix(store::Family::kMeta, RejectedPrefix(target.id), [&](std::string_view, std::string_view) {
      ++kept;
      return true;
    });
    rejected_kept = kept;
    thread = std::thread([this] { Run(); });
  }

  void End() {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cancel = true;
    cv.notify_all();
    if (thread.joinable()) thread.join();
  }
};

Forwarder::Forwarder(store::Store& store, Transport transport, Options options)
    : store_(store), transport_(std::move(transport)), options_(options) {}

Forwarder::~Forwarder() { Stop(); }

Status Forwarder::Start() {
  std::lock_guard config(config_mu_);
  auto raw = store_.Get(store::Family::kMeta, kConfigKey);
  if (!raw.ok()) return raw.error();
  std::vector<Target> targets;
  if (raw->has_value()) {
    xapi::JsonDocument doc;
    doc.Parse((*raw)->data(), (*raw)->size());
    if (doc.HasParseError()) return Error::Internal("the stored forwarding configuration is not JSON");
    auto parsed = ParseTargets(doc);
    if (!parsed.ok()) return Error::Internal("the stored forwarding configuration: " + parsed.error().ToString());
    targets = std::move(*parsed);
  }
  {
    std::lock_guard lock(mu_);
    started_ = true;
  }
  StartWorkers(targets);
  return OkStatus();
}

void Forwarder::Stop() {
  std::lock_guard config(config_mu_);
  {
    std::lock_guard lock(mu_);
    started_ = false;
  }
  StopWorkers();
}

void Forwarder::Notify() {
  std::lock_guard lock(mu_);
  for (auto& w : workers_) {
    {
      std::lock_guard wl(w->mu);
      w->wake = true;
    }
    w->cv.notify_one();
  }
}

void Forwarder::StartWorkers(const std::vector<Target>& targets) {
  std::vector<std::shared_ptr<Worker>> workers;
  for (const auto& t : targets) {
    auto w = std::make_shared<Worker>(t, store_, transport_, options_);
    auto cursor = StoredCursor(store_, t.id);
    if (!cursor) {
      // Configured, but the cursor was never written (should not happen: Configure writes it
      // first): start as a new target would.
      const std::uint64_t start = t.from_beginning ? 0 : store_.ConsistentThrough();
      (void)store_.Put(store::Family::kMeta, CursorKey(t.id), std::to_string(start));
      cursor = std::to_string(start);
    }
    w->cursor = ParseU64(*cursor);
    workers.push_back(std::move(w));
  }
  std::lock_guard lock(mu_);
  targets_ = targets;
  if (!started_) return;
  // Counters continue across reconfigurations of the same target.
  for (auto& w : workers) {
    for (auto& old : retired_) {
      if (old->target.id != w->target.id) continue;
      w->sent = old->sent.load();
      w->rejected = old->rejected.load();
      w->failures = old->failures.load();
      w->up = old->up.load();
      std::lock_guard a(old->state_mu);
      w->last_error = old->last_error;
      w->last_error_time = old->last_error_time;
      w->last_success = old->last_success;
    }
    w->Begin();
  }
  retired_.clear();
  workers_ = std::move(workers);
}

void Forwarder::StopWorkers() {
  std::vector<std::shared_ptr<Worker>> old;
  {
    std::lock_guard lock(mu_);
    old.swap(workers_);
  }
  // Joined outside mu_: status reads go on meanwhile (a request in flight may take a while).
  for (auto& w : old) w->End();
  std::lock_guard lock(mu_);
  retired_ = std::move(old);
}

Status Forwarder::Configure(const xapi::JsonValue& body) {
  std::lock_guard config(config_mu_);
  std::vector<Target> current;
  {
    std::lock_guard lock(mu_);
    current = targets_;
  }
  auto parsed = ParseTargets(body, current);
  if (!parsed.ok()) return parsed.error();
  auto known = [](const std::vector<Target>& list, const std::string& id) {
    return std::any_of(list.begin(), list.end(), [&](const Target& t) { return t.id == id; });
  };
  auto keys_of = [&](const std::string& id) -> Result<std::vector<store::Store::KeyOp>> {
    std::vector<store::Store::KeyOp> ops;
    auto view = store_.Read();
    auto st = view.ScanPrefix(store::Family::kMeta, TargetPrefix(id), [&](std::string_view key, std::string_view) {
      ops.push_back({std::string(key), std::nullopt});
      return true;
    });
    if (!st.ok()) return st.error();
    return ops;
  };
  // New targets first: their cursors (and nothing left of an earlier target of that id).
  for (const auto& t : *parsed) {
    if (known(current, t.id)) continue;
    auto ops = keys_of(t.id);
    if (!ops.ok()) return ops.error();
    ops->push_back({CursorKey(t.id), std::to_string(t.from_beginning ? 0 : store_.ConsistentThrough())});
    if (auto st = store_.Apply(store::Family::kMeta, *ops); !st.ok()) return st.error();
  }
  if (auto st = store_.Put(store::Family::kMeta, kConfigKey, TargetsJson(*parsed, true)); !st.ok()) return st.error();
  for (const auto& t : current) {
    if (known(*parsed, t.id)) continue;
    auto ops = keys_of(t.id);
    if (!ops.ok()) return ops.error();
    if (auto st = store_.Apply(store::Family::kMeta, *ops); !st.ok()) return st.error();
  }
  Log(LogLevel::kInfo, "forwarding: " + std::to_string(parsed->size()) + " target(s) configured");
  StopWorkers();
  StartWorkers(*parsed);
  return OkStatus();
}

Result<std::string> Forwarder::StatusJson() {
  std::vector<Target> targets;
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard lock(mu_);
    targets = targets_;
    workers = workers_;
  }
  std::string out = "[";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    std::string t = TargetsJson({targets[i]}, false);  // "[{…}]"
    t = t.substr(1, t.size() - 3);                      // "{…" without the closing brace
    if (i) out += ',';
    out += t;
    std::shared_ptr<Worker> w;
    for (auto& candidate : workers) {
      if (candidate->target.id == targets[i].id) w = candidate;
    }
    if (!w) {
      out += ",\"state\":null}";
      continue;
    }
    auto [lag, pending] = w->Lag(true);
    char lag_text[32];
    std::snprintf(lag_text, sizeof lag_text, "%.3f", lag);
    const std::uint64_t cursor = w->cursor.load();
    out += ",\"state\":{\"up\":";
    out += w->up.load() ? "true" : "false";
    out += ",\"cursor\":" + Timestamp(static_cast<std::int64_t>(cursor));
    out += ",\"lagSeconds\":" + std::string(lag_text);
    out += ",\"pending\":" + std::to_string(pending);
    out += std::string(",\"pendingCapped\":") + (pending >= kPendingCountLimit ? "true" : "false");
    out += ",\"sent\":" + std::to_string(w->sent.load());
    out += ",\"rejected\":" + std::to_string(w->rejected.load());
    out += ",\"rejectedKept\":" + std::to_string(w->rejected_kept.load());
    out += ",\"failures\":" + std::to_string(w->failures.load());
    std::lock_guard state(w->state_mu);
    out += ",\"lastError\":";
    if (w->last_error.empty()) {
      out += "null";
    } else {
      xapi::AppendJsonString(out, w->last_error);
    }
    out += ",\"lastErrorTime\":" + Timestamp(w->last_error_time);
    out += ",\"lastSuccess\":" + Timestamp(w->last_success);
    out += ",\"nextRetry\":" + (w->up.load() ? std::string("null") : Timestamp(w->next_retry));
    out += "}}";
  }
  return out + "]";
}

Result<std::string> Forwarder::RejectedJson(std::string_view id) {
  {
    std::lock_guard lock(mu_);
    if (std::none_of(targets_.begin(), targets_.end(), [&](const Target& t) { return t.id == id; })) {
      return Error::NotFound("no forwarding target " + std::string(id));
    }
  }
  std::string out = "[";
  bool first = true;
  auto view = store_.Read();
  auto st = view.ScanPrefix(store::Family::kMeta, RejectedPrefix(id), [&](std::string_view, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += value;
    return true;
  });
  if (!st.ok()) return st.error();
  return out + "]";
}

void Forwarder::RenderMetrics(ops::TextWriter& w) {
  std::vector<std::shared_ptr<Worker>> workers;
  {
    std::lock_guard lock(mu_);
    workers = workers_;
  }
  struct Row {
    std::string id;
    std::uint64_t sent, rejected, failures;
    double lag;
    bool up;
  };
  std::vector<Row> rows;
  for (auto& worker : workers) {
    rows.push_back({worker->target.id, worker->sent.load(), worker->rejected.load(), worker->failures.load(),
                    worker->Lag(false).first, worker->up.load()});
  }
  auto family = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    w.Family(name, type, help);
    for (const auto& r : rows) w.Sample(name, {{"target", r.id}}, value(r));
  };
  family("lrsd_forward_sent_total", "counter", "Statements a forwarding target accepted (2xx)",
         [](const Row& r) { return r.sent; });
  family("lrsd_forward_rejected_total", "counter",
         "Statements a forwarding target refused for good (4xx alone); kept in its dead-letter record",
         [](const Row& r) { return r.rejected; });
  family("lrsd_forward_failures_total", "counter",
         "Failed forwarding attempts (network errors, timeouts, 5xx, 401/403, 429), each retried with backoff",
         [](const Row& r) { return r.failures; });
  family("lrsd_forward_lag_seconds", "gauge",
         "Now minus the stored time of the oldest statement not yet forwarded (0 when caught up)",
         [](const Row& r) { return r.lag; });
  family("lrsd_forward_up", "gauge", "1 when the last forwarding attempt succeeded, 0 while retrying",
         [](const Row& r) { return static_cast<std::uint64_t>(r.up ? 1 : 0); });
}

}  // namespace lrsd::forward
