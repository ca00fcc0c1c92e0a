// The reference limit: the statements the load generator posts (benchmarks/statement_gen.h, same
// seed), written straight into RocksDB with the keys lrsd writes for them, without HTTP, JSON
// parsing or validation. N writer threads each commit WriteBatches of --batch statements with
// sync=true, as lrsd's request handlers do. lrsd's batched ingest is reported as a fraction of
// this figure.
//
//   raw_rocksdb [--threads 8] [--statements 200000] [--batch 100] [--no-sync] [--no-reads]
//               [--no-profiles] [--db DIR (default: a fresh directory, removed afterwards)] [--keep]
//
// How it mirrors lrsd's write path (src/store/store.cpp AppendStatements, src/store/keys.cpp,
// src/profile/records.cpp ExpandContribution, as of commit 9056c55):
//  * the same column families, options (LZ4, ZSTD bottommost, bloom filters, 256 MB shared block
//    cache, the index's 9-byte prefix extractor and memtable insert hints, the spine's hint,
//    pipelined writes, no concurrent memtable writes) and WAL sync per batch;
//  * per statement: the record `statements: uuid(16) -> header(format, seq, comparison hash,
//    flags, its index keys) + the stored JSON (with id, stored, authority, version)`; the spine
//    entry `seq(8) -> uuid`; one `index: kind | xxh3(key) | seq -> uuid | key` entry per index
//    key lrsd derives (actor and object agent: agent + related agent; object activity: activity
//    + related activity; context activities and instructor: related; authority: related agent
//    + authority; verb; registration);
//  * per distinct activity definition and agent of a batch, a read of its canonical record and a
//    write only when none exists yet (lrsd writes only when the merge changes it);
//  * the profile records: the contribution (`S|uuid`), merges of the all-time and daily aggregates
//    (~190-byte operands), the per-activity counter, per-competency day counters (level 0, and
//    levels 1..L when completed or passed) and the actor's log entry, in a profiles family with
//    an additive merge operator (sums of int64 vectors; lrsd's aggregate merge decodes and
//    re-encodes a richer structure);
//  * the point reads lrsd does while appending: the statement id (conflict check), the voiding
//    mark, and a prefix seek in `refs` for late-arriving StatementRef targets (--no-reads skips
//    them).
// Not mirrored: statements voiding or referring to others (the generator sends none), the
// consistent-through tracker and stripe locks, SHA-256 of the comparison form.
#include <unistd.h>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "statement_gen.h"
#include "store/impl.h"
#include "store/keys.h"

namespace bench = lrsd::bench;
using Clock = std::chrono::steady_clock;

namespace {

// lrsd's column families and key layout (src/store/impl.h, src/store/keys.h).
using namespace lrsd::store::internal;
using lrsd::store::keys::kIndexPrefixSize;

// xapi::IndexKind
enum Kind : std::uint8_t { kAgent = 1, kRelatedAgent = 2, kVerb = 3, kActivity = 4, kRelatedActivity = 5, kRegistration = 6, kAuthority = 7 };

void AppendBE64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}
void AppendBE32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}
void AppendU16(std::string& out, std::size_t n) {
  out += static_cast<char>((n >> 8) & 0xFF);
  out += static_cast<char>(n & 0xFF);
}

std::string UuidBytes(const std::string& text) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < text.size();) {
    if (text[i] == '-') {
      ++i;
      continue;
    }
    out += static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1]));
    i += 2;
  }
  return out;
}

// Additive merge of int64 vectors ([format][u32 n][n × i64], big-endian), as lrsd's counters.
class SumMerge : public rocksdb::AssociativeMergeOperator {
 public:
  static std::vector<std::int64_t> Decode(const rocksdb::Slice& s) {
    std::vector<std::int64_t> v;
    if (s.size() < 5) return v;
    std::uint32_t n = 0;
    for (int i = 1; i < 5; ++i) n = (n << 8) | static_cast<unsigned char>(s[i]);
    if (s.size() < 5 + 8ull * n) return v;
    v.resize(n);
    for (std::uint32_t k = 0; k < n; ++k) {
      std::uint64_t x = 0;
      for (int i = 0; i < 8; ++i) x = (x << 8) | static_cast<unsigned char>(s[5 + 8 * k + i]);
      v[k] = static_cast<std::int64_t>(x);
    }
    return v;
  }
  static std::string Encode(const std::vector<std::int64_t>& v) {
    std::string out(1, '\x02');
    AppendBE32(out, static_cast<std::uint32_t>(v.size()));
    for (auto x : v) AppendBE64(out, static_cast<std::uint64_t>(x));
    return out;
  }
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger*) const override {
    auto sum = existing ? Decode(*existing) : std::vector<std::int64_t>();
    auto add = Decode(value);
    if (sum.size() < add.size()) sum.resize(add.size());
    for (std::size_t i = 0; i < add.size(); ++i) sum[i] += add[i];
    *new_value = Encode(sum);
    return true;
  }
  const char* Name() const override { return "lrsd.bench.sum"; }
};

struct Options {
  int threads = 8;
  long long statements = 200000;
  int batch = 100;
  bool sync = true;
  bool reads = true;
  bool profiles = true;
  std::string db;
  bool keep = false;
  std::uint64_t seed = 42;
};

struct Db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~Db() {
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      db->Close().PermitUncheckedError();
    }
  }
};

// lrsd's own options (src/store/options.cpp), so the reference measures the same database.
std::unique_ptr<Db> Open(const std::string& path) {
  auto out = std::make_unique<Db>();
  const lrsd::store::Options defaults;
  const auto config = DatabaseOptions(defaults.memory_bytes, defaults.memtable_bytes, std::make_shared<SumMerge>());
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(config.db, path, config.families, &out->handles, &raw);
  if (!s.ok()) throw std::runtime_error("open " + path + ": " + s.ToString());
  out->db.reset(raw);
  return out;
}

const std::string kAuthorityKey = "account:http://lrsd.local/credentials|RawBench0123456789ab";
const std::string kAuthorityJson =
    R"({"objectType":"Agent","account":{"homePage":"http://lrsd.local/credentials","name":"RawBench0123456789ab"}})";

struct Counters {
  std::atomic<long long> keys{0}, bytes{0}, reads{0};
};

std::vector<std::pair<std::uint8_t, std::string>> IndexKeys(const bench::GeneratedStatement& g) {
  std::vector<std::pair<std::uint8_t, std::string>> keys;
  auto add = [&](std::uint8_t kind, const std::string& key) {
    if (key.empty()) return;
    std::pair<std::uint8_t, std::string> k{kind, key};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  add(kAgent, g.actor_ifi);
  add(kRelatedAgent, g.actor_ifi);
  add(kAgent, g.object_agent_ifi);
  add(kRelatedAgent, g.object_agent_ifi);
  add(kActivity, g.object_activity);
  add(kRelatedActivity, g.object_activity);
  add(kRelatedAgent, g.instructor_ifi);
  for (const auto& a : g.context_activities) add(kRelatedActivity, a);
  add(kRelatedAgent, kAuthorityKey);
  add(kAuthority, kAuthorityKey);
  add(kVerb, g.verb);
  add(kRegistration, g.registration);
  return keys;
}

std::string ProfileKey(char kind, const std::string& ifi) {
  std::string k(1, '\0');  // generation 0
  k += kind;
  AppendU16(k, ifi.size());
  k += ifi;
  return k;
}

// A contribution's size: lrsd's encoding holds flags, timestamp, seconds, score, the IFI, the
// uuid, verb, activity and competencies.
std::string Contribution(const bench::GeneratedStatement& g, const std::string& uuid) {
  std::string c(3, '\x01');
  AppendBE64(c, static_cast<std::uint64_t>(g.timestamp_micros));
  AppendBE64(c, static_cast<std::uint64_t>(g.duration_seconds * 1000));
  if (g.scaled) AppendBE64(c, static_cast<std::uint64_t>(*g.scaled * 1e9));
  for (const std::string* s : {&g.actor_ifi, &g.verb, &g.object_activity, &g.competency}) {
    c += static_cast<char>(s->size());
    c += *s;
  }
  c += uuid;
  return c;
}

// Writes one batch of statements; `seq` is the first stored sequence of the batch.
void WriteBatch(Db& d, const Options& o, const std::vector<bench::GeneratedStatement>& statements, std::size_t from,
                std::size_t to, std::uint64_t seq, Counters& counters) {
  rocksdb::WriteBatch batch;
  rocksdb::ReadOptions ro;
  std::string value;
  std::map<std::string, std::string> definitions, agents;  // distinct per batch, as lrsd merges them
  long long reads = 0;
  for (std::size_t i = from; i < to; ++i, ++seq) {
    const auto& g = statements[i];
    const std::string id = UuidBytes(g.id);
    if (o.reads) {
      d.db->Get(ro, d.handles[kStatements], id, &value).PermitUncheckedError();  // conflict check
      ++reads;
    }
    // The stored statement: lrsd adds stored, authority and version.
    std::string json = g.json;
    json.pop_back();
    json += ",\"stored\":\"" + bench::FormatIsoMillis(static_cast<std::int64_t>(seq)) + "\",\"authority\":" +
            kAuthorityJson + ",\"version\":\"1.0.0\"}";
    auto keys = IndexKeys(g);
    std::string record(1, '\x01');
    AppendBE64(record, seq);
    AppendBE64(record, XXH3_64bits(json.data(), json.size()));  // stands in for the comparison hash
    record += '\0';
    AppendBE32(record, static_cast<std::uint32_t>(keys.size()));
    for (const auto& [kind, key] : keys) {
      record += static_cast<char>(kind);
      AppendBE32(record, static_cast<std::uint32_t>(key.size()));
      record += key;
    }
    record += json;
    batch.Put(d.handles[kStatements], id, record);
    std::string seq_key;
    AppendBE64(seq_key, seq);
    batch.Put(d.handles[kSpine], seq_key, id);
    for (const auto& [kind, key] : keys) {
      std::string k(1, static_cast<char>(kind));
      AppendBE64(k, XXH3_64bits(key.data(), key.size()));
      AppendBE64(k, seq);
      batch.Put(d.handles[kIndex], k, id + key);
    }
    if (o.reads) {
      // The late-arrival pass: statements stored earlier that target this one.
      rocksdb::ReadOptions pro;
      pro.prefix_same_as_start = true;
      std::unique_ptr<rocksdb::Iterator> it(d.db->NewIterator(pro, d.handles[kRefs]));
      it->Seek(id);
      ++reads;
    }
    for (const auto& [activity, def] : g.definitions) definitions.emplace(activity, def);
    agents.emplace(g.actor_ifi, g.actor_json);
    if (!g.object_agent_ifi.empty()) agents.emplace(g.object_agent_ifi, g.object_agent_json);

    if (o.profiles) {
      if (o.reads) {
        d.db->Get(ro, d.handles[kVoided], id, &value).PermitUncheckedError();
        ++reads;
      }
      const std::string contribution = Contribution(g, id);
      std::string s_key(1, '\0');
      s_key += 'S';
      s_key += id;
      batch.Put(d.handles[kProfiles], s_key, contribution);
      // Aggregate operand: statements, millis, cost per modality (4 each), outcome counters,
      // one competency and one month: ~190 bytes as lrsd's.
      std::vector<std::int64_t> aggregate(23, 0);
      aggregate[static_cast<int>(g.modality)] = 1;
      aggregate[4 + static_cast<int>(g.modality)] = static_cast<std::int64_t>(g.duration_seconds * 1000);
      aggregate[8] = g.completed;
      aggregate[9] = g.passed;
      aggregate[10] = g.failed;
      const std::string operand = SumMerge::Encode(aggregate);
      const std::int64_t day = g.timestamp_micros / 86400000000LL;
      batch.Merge(d.handles[kProfiles], ProfileKey('A', g.actor_ifi), operand);
      std::string day_key = ProfileKey('D', g.actor_ifi);
      AppendBE64(day_key, static_cast<std::uint64_t>(day) ^ (1ULL << 63));
      batch.Merge(d.handles[kProfiles], day_key, operand);
      const bool qualifies = g.completed || g.passed;
      if (!g.object_activity.empty()) {
        batch.Merge(d.handles[kProfiles], ProfileKey('C', g.actor_ifi) + g.object_activity,
                    SumMerge::Encode({1, qualifies ? 1 : 0, static_cast<std::int64_t>(g.duration_seconds * 1000)}));
      }
      if (!g.competency.empty()) {
        const int top = qualifies ? std::min(g.level, 10) : 0;
        for (int l = 0; l <= top; ++l) {
          std::string k = ProfileKey('Q', g.actor_ifi);
          AppendU16(k, g.competency.size());
          k += g.competency;
          k += static_cast<char>(l);
          AppendBE64(k, static_cast<std::uint64_t>(day) ^ (1ULL << 63));
          batch.Merge(d.handles[kProfiles], k, SumMerge::Encode({1}));
        }
      }
      std::string log_key = ProfileKey('L', g.actor_ifi);
      AppendBE64(log_key, static_cast<std::uint64_t>(g.timestamp_micros) ^ (1ULL << 63));
      log_key += id;
      batch.Put(d.handles[kProfiles], log_key, contribution);
    }
  }
  // Canonical activity definitions and agent records: read, written when new.
  auto upsert = [&](Cf cf, const std::map<std::string, std::string>& records) {
    for (const auto& [key, v] : records) {
      const bool found = d.db->Get(ro, d.handles[cf], key, &value).ok();
      ++reads;
      if (!found) batch.Put(d.handles[cf], key, v);
    }
  };
  upsert(kActivities, definitions);
  upsert(kAgents, agents);
  rocksdb::WriteOptions wo;
  wo.sync = o.sync;
  auto s = d.db->Write(wo, &batch);
  if (!s.ok()) throw std::runtime_error("write: " + s.ToString());
  counters.keys += batch.Count();
  counters.bytes += static_cast<long long>(batch.GetDataSize());
  counters.reads += reads;
}

// Busy clock ticks of the machine and of this process (to report the cores other processes used).
std::pair<long long, long long> CpuTicks() {
  long long busy = 0, self = 0;
  if (FILE* f = std::fopen("/proc/stat", "r")) {
    long long v[8] = {};
    if (std::fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                    &v[7]) == 8) {
      busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    }
    std::fclose(f);
  }
  if (FILE* f = std::fopen("/proc/self/stat", "r")) {
    char buf[4096];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    std::fclose(f);
    if (const char* close = std::strrchr(buf, ')')) {
      long long utime = 0, stime = 0;
      // After ") ": state, then fields 4..13, then utime (14) and stime (15).
      if (std::sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &utime, &stime) == 2) {
        self = utime + stime;
      }
    }
  }
  return {busy, self};
}

std::uintmax_t DirBytes(const std::string& path) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec); it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--threads") o.threads = std::stoi(value());
      else if (a == "--statements") o.statements = std::stoll(value());
      else if (a == "--batch") o.batch = std::stoi(value());
      else if (a == "--seed") o.seed = std::stoull(value());
      else if (a == "--db") o.db = value();
      else if (a == "--no-sync") o.sync = false;
      else if (a == "--no-reads") o.reads = false;
      else if (a == "--no-profiles") o.profiles = false;
      else if (a == "--keep") o.keep = true;
      else throw std::invalid_argument("unknown argument " + a);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "raw_rocksdb: %s\n", e.what());
      return 1;
    }
  }
  if (o.threads < 1 || o.batch < 1 || o.statements < 1) {
    std::fprintf(stderr, "raw_rocksdb: bad --threads/--batch/--statements\n");
    return 1;
  }
  bool owns_db = false;
  if (o.db.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-raw-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    o.db = pattern;
    owns_db = !o.keep;
  }
  try {
    // The statements, generated before the clock starts (one stream per writer, as the load
    // generator has one per connection).
    const bench::Population pop(o.seed);
    const std::uint64_t salt = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    std::vector<std::vector<bench::GeneratedStatement>> work(o.threads);
    std::size_t json_bytes = 0;
    for (int t = 0; t < o.threads; ++t) {
      bench::StatementGenerator gen(pop, o.seed, static_cast<std::uint64_t>(t), salt);
      const long long n = o.statements / o.threads + (t < o.statements % o.threads ? 1 : 0);
      work[t].reserve(n);
      for (long long i = 0; i < n; ++i) {
        work[t].push_back(gen.Next());
        json_bytes += work[t].back().json.size();
      }
    }
    auto db = Open(o.db + "/db");
    Counters counters;
    std::atomic<std::uint64_t> next_seq{static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count())};
    std::mutex mu;
    std::vector<double> batch_ms;
    const auto cpu0 = CpuTicks();
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < o.threads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<double> mine;
        const auto& list = work[t];
        for (std::size_t i = 0; i < list.size(); i += o.batch) {
          const std::size_t to = std::min(list.size(), i + o.batch);
          const std::uint64_t seq = next_seq.fetch_add(to - i);
          const auto t0 = Clock::now();
          WriteBatch(*db, o, list, i, to, seq, counters);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        std::lock_guard lock(mu);
        batch_ms.insert(batch_ms.end(), mine.begin(), mine.end());
      });
    }
    for (auto& th : threads) th.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const auto cpu1 = CpuTicks();
    const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double self_cores = static_cast<double>(cpu1.second - cpu0.second) / hz / seconds;
    const double other_cores = std::max(0.0, static_cast<double>(cpu1.first - cpu0.first) / hz / seconds - self_cores);
    std::sort(batch_ms.begin(), batch_ms.end());
    auto pct = [&](double p) {
      return batch_ms.empty() ? 0.0 : batch_ms[static_cast<std::size_t>(p * static_cast<double>(batch_ms.size() - 1) + 0.5)];
    };
    db.reset();  // flushes memtables on close
    const std::uintmax_t disk = DirBytes(o.db + "/db");
    const double n = static_cast<double>(o.statements);
    std::printf("{\"scenario\":\"raw-rocksdb\",\"threads\":%d,\"batch\":%d,\"statements\":%lld,\"seconds\":%.2f,"
                "\"statements_per_s\":%.1f,\"sync\":%s,\"reads\":%s,\"profiles\":%s,\"keys_per_statement\":%.2f,"
                "\"batch_bytes_per_statement\":%.0f,\"json_bytes_per_statement\":%.0f,"
                "\"reads_per_statement\":%.2f,\"p50_batch_ms\":%.2f,\"p99_batch_ms\":%.2f,"
                "\"disk_bytes_per_statement\":%.0f,\"cpu_self_cores\":%.2f,\"cpu_other_cores\":%.2f,\"ok\":true}\n",
                o.threads, o.batch, o.statements, seconds, n / seconds, o.sync ? "true" : "false",
                o.reads ? "true" : "false", o.profiles ? "true" : "false", static_cast<double>(counters.keys) / n,
                static_cast<double>(counters.bytes) / n, static_cast<double>(json_bytes) / n,
                static_cast<double>(counters.reads) / n, pct(0.5), pct(0.99), static_cast<double>(disk) / n, self_cores,
                other_cores);
    std::printf("# raw-rocksdb threads=%d batch=%d: %.0f statements/s (%lld in %.1f s), %.1f keys and %.1f point reads "
                "per statement, %.0f batch bytes per statement, batch p50 %.1f ms p99 %.1f ms, disk %.0f B/statement "
                "(as is, after close); cores used: this process %.2f, other processes %.2f\n",
                o.threads, o.batch, n / seconds, o.statements, seconds, static_cast<double>(counters.keys) / n,
                static_cast<double>(counters.reads) / n, static_cast<double>(counters.bytes) / n, pct(0.5), pct(0.99),
                static_cast<double>(disk) / n, self_cores, other_cores);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raw_rocksdb: %s\n", e.what());
    if (owns_db) std::filesystem::remove_all(o.db);
    return 1;
  }
  if (owns_db) std::filesystem::remove_all(o.db);
  return 0;
}
