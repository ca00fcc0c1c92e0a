// lrsd store: everything lrsd keeps, in one RocksDB database (column families by purpose, see
// DESIGN.md). Every write of a request is one atomic WriteBatch, acknowledged only once it is
// durable. No RocksDB type appears here (the implementation is behind a pimpl).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"

namespace lrsd::store {

// Small key/value families other modules own the value format of.
enum class Family {
  kMeta, kCredentials, kActivities, kAgents, kDocuments, kAttachments,
  kDirectory,  // learning-profile configuration: people, framework, rules
  // Learning-profile records derived from statements (see Options::expand_contribution).
  // Reads go to the active generation; RebuildProfiles builds the other one and switches.
  kProfiles,
};

// A change to the profiles family that a statement's contribution implies.
struct ProfileOp {
  enum class Kind { kMerge, kPut, kDelete };
  Kind kind = Kind::kMerge;
  std::string key;
  std::string value;
};

struct Options {
  std::string path;
  // Sync the write-ahead log before a write is acknowledged. Off trades the last few writes on
  // a power loss (not on a process crash) for throughput; keep on in production.
  bool sync = true;
  // RocksDB's memory: one block cache shared by every column family, which the memtables are
  // charged to as well (so this bounds both), and of it at most `memtable_bytes` for
  // memtables before one is flushed (RocksDB picks the oldest).
  std::size_t memory_bytes = kDefaultMemoryBytes;
  std::size_t memtable_bytes = kDefaultMemoryBytes / 2;
  static constexpr std::size_t kDefaultMemoryBytes = 128u << 20;
  // Merges an incoming activity definition (JSON) into the stored canonical one (JSON, empty
  // when none yet); returns the new canonical JSON. Injected so the store stays format-agnostic.
  std::function<std::string(std::string_view existing, std::string_view incoming)> merge_activity;
  // Likewise for what is known of an agent (the Agents resource's Person object), keyed by IFI.
  std::function<std::string(std::string_view existing, std::string_view incoming)> merge_agent;
  // Learning profiles: the profile records a statement's contribution adds (sign +1, when the
  // statement is stored) or takes away (sign -1, when it is voided). Applied in the statement's
  // own write batch; a contribution of a statement stored after its voiding statement is never
  // added.
  std::function<std::vector<ProfileOp>(std::string_view contribution, int sign)> expand_contribution;
  // The RocksDB merge of profile records (ProfileOp::Kind::kMerge): existing + operand.
  std::function<std::string(std::string_view existing, std::string_view operand)> merge_profile;
};

// One index entry of a statement: (kind, key) — kind values are xapi::IndexKind.
struct IndexEntry {
  std::uint8_t kind;
  std::string key;
  bool operator==(const IndexEntry&) const = default;
};

// A statement ready to be stored. Everything is decided by the caller except conflicts.
struct StatementWrite {
  Uuid id;
  std::uint64_t seq = 0;              // stored time in microseconds; from a SequenceReservation
  std::string json;                   // the statement as it will be returned (id, stored, ...)
  std::string comparison;             // xapi::ComparisonForm: equal => same statement (no-op)
  std::vector<IndexEntry> keys;       // the statement's own index entries
  std::optional<Uuid> ref_target;     // object is a StatementRef to this id
  std::optional<Uuid> voids;          // this is a voiding statement for this id
  // Activity definitions seen in this statement: (activity id, definition JSON).
  std::vector<std::pair<std::string, std::string>> activity_definitions;
  // Agents seen in this statement: (IFI key, agent JSON), merged with Options::merge_agent.
  std::vector<std::pair<std::string, std::string>> agents;
  // Its learning-profile contribution (opaque to the store; empty: none). Kept with the
  // statement so that voiding can subtract it.
  std::string contribution;
};

struct AttachmentWrite {
  std::string sha2;
  std::string content;  // raw bytes
};

struct AppendResult {
  // Per statement, in input order: true when newly stored, false when an identical statement
  // with the same id already existed (a no-op, as xAPI requires).
  std::vector<bool> stored;
  // AppendWait::kNoWait only. would_block: nothing was done, call again with kBlocking.
  // durable_ticket: written, and durable (and to be acknowledged) once Store::WhenDurable
  // says so; 0 when there is nothing to wait for.
  bool would_block = false;
  std::uint64_t durable_ticket = 0;
};

// How AppendStatements may wait. kBlocking (worker threads): for its stripe locks, RocksDB's
// write stalls and the WAL sync. kNoWait (a network thread): for none of them. It gives up
// before writing anything when a stripe is held, the write would stall, or a StatementRef chain
// needs more locks (would_block), and returns once written, the sync still to come
// (durable_ticket).
enum class AppendWait { kBlocking, kNoWait };

// A contiguous block of stored sequence numbers (microsecond timestamps, strictly increasing
// across the process and across restarts). While a reservation is alive, consistent-through
// stays below it, so readers never see a later statement before an earlier in-flight one.
class SequenceReservation {
 public:
  SequenceReservation() = default;
  SequenceReservation(SequenceReservation&& other) noexcept;
  SequenceReservation& operator=(SequenceReservation&& other) noexcept;
  SequenceReservation(const SequenceReservation&) = delete;
  SequenceReservation& operator=(const SequenceReservation&) = delete;
  ~SequenceReservation();

  std::uint64_t first() const { return first_; }
  std::uint64_t count() const { return count_; }

 private:
  friend class Store;
  class Tracker* tracker_ = nullptr;
  std::uint64_t first_ = 0;
  std::uint64_t count_ = 0;
};

struct StoredStatement {
  Uuid id;
  std::uint64_t seq = 0;
  std::string json;
  bool voided = false;
};

// A consistent read of the database (a RocksDB snapshot), bounded by the consistent-through
// watermark taken when it was opened. Not thread-safe; one per request.
class ReadView {
 public:
  ~ReadView();
  ReadView(ReadView&&) noexcept;
  ReadView& operator=(ReadView&&) noexcept;

  // Highest sequence every reader may rely on (see Store::ConsistentThrough).
  std::uint64_t watermark() const;

  Result<std::optional<StoredStatement>> GetStatement(const Uuid& id);
  // GetStatement for many ids at once (one RocksDB MultiGet per family: sorted, batched block
  // lookups); out[i] answers ids[i].
  Status GetStatements(const std::vector<Uuid>& ids, std::vector<std::optional<StoredStatement>>& out);
  Result<bool> IsVoided(const Uuid& id);

  // Visits statements in stored order within [lo, hi] (inclusive). With an index entry, only
  // statements owning (or inheriting) it; otherwise every statement. The visitor returns false
  // to stop. `seq` and `id` identify the statement.
  using Visitor = std::function<bool(std::uint64_t seq, const Uuid& id)>;
  Status ScanAll(std::uint64_t lo, std::uint64_t hi, bool ascending, const Visitor& visit);
  Status ScanIndex(const IndexEntry& entry, std::uint64_t lo, std::uint64_t hi, bool ascending,
                   const Visitor& visit);
  // Whether the statement `id` has `entry` among its own index entries (not inherited through a
  // StatementRef): false when it is not stored.
  Result<bool> OwnsIndexEntry(const Uuid& id, const IndexEntry& entry);
  // Whether the statement stored at `seq` owns or inherits `entry`.
  Result<bool> HasIndexEntry(const IndexEntry& entry, std::uint64_t seq);

  Result<std::optional<std::string>> Get(Family family, std::string_view key);
  // Visits every key with `prefix` in key order; the visitor returns false to stop.
  Status ScanPrefix(Family family, std::string_view prefix,
                    const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // Visits keys in [lower, upper), ascending or descending; the visitor returns false to stop.
  Status ScanRange(Family family, std::string_view lower, std::string_view upper, bool ascending,
                   const std::function<bool(std::string_view key, std::string_view value)>& visit);

 private:
  friend class Store;
  struct Impl;
  explicit ReadView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Store {
 public:
  // Opens (creating if needed) the database at options.path. Fails with a clear message when
  // another process holds it (RocksDB's LOCK file).
  static Result<std::unique_ptr<Store>> Open(Options options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  SequenceReservation ReserveSequence(std::uint64_t count);

  // Stores statements and attachments in one durable WriteBatch. Statements whose id exists
  // with an equal comparison form are skipped; a different one fails the whole call with 409.
  // Duplicate ids within the call fail with 400. Voiding marks, inherited index entries
  // (StatementRef chains, in either arrival order) and activity definitions are written in
  // the same batch.
  Result<AppendResult> AppendStatements(std::vector<StatementWrite> statements,
                                        std::vector<AttachmentWrite> attachments,
                                        AppendWait wait = AppendWait::kBlocking);
  // Runs `done` once the writes up to AppendResult::durable_ticket are durable (at once if they
  // are; otherwise on the store's syncing thread, so it must be quick and must not block).
  void WhenDurable(std::uint64_t ticket, std::function<void(const Status&)> done);

  // The stored sequence up to which every statement is durable and visible.
  std::uint64_t ConsistentThrough();

  ReadView Read();

  // Small families: single durable writes.
  Status Put(Family family, std::string_view key, std::string_view value);
  Status Delete(Family family, std::string_view key);
  Result<std::optional<std::string>> Get(Family family, std::string_view key);

  // Atomic read-modify-write of one key under a per-key lock (documents, credentials). The
  // function sees the current value (nullopt if absent) and returns the new value, nullopt to
  // delete, or an Error to abort without writing.
  using Mutation = std::function<Result<std::optional<std::string>>(const std::optional<std::string>& current)>;
  Status Update(Family family, std::string_view key, const Mutation& mutate);

  // Deletes every key in one durable atomic batch.
  Status DeleteKeys(Family family, const std::vector<std::string>& keys);

  // Puts (value) and deletes (nullopt) in one durable atomic batch.
  struct KeyOp {
    std::string key;
    std::optional<std::string> value;
  };
  Status Apply(Family family, const std::vector<KeyOp>& ops);

  // Recomputes every profile record from the stored statements, with `contribute` giving the
  // contribution of a statement (its stored JSON; empty: none), into the inactive generation,
  // then makes it the active one. Statements keep arriving meanwhile (they are written to both
  // generations) and readers keep reading the old one until the switch. One rebuild at a time
  // (409 for a second). `progress(done, total)` is called every few thousand statements.
  using Contributor = std::function<std::string(std::string_view statement_json)>;
  Status RebuildProfiles(const Contributor& contribute,
                         const std::function<void(std::uint64_t done, std::uint64_t total)>& progress);

  // Compacts every column family fully (merge operands folded into values). For benchmarks and
  // maintenance windows; RocksDB compacts in the background anyway.
  Status Compact();

  // Flushes memtables and syncs; called on graceful shutdown before closing.
  Status Flush();

  // Erases statements entirely (a privacy request, a retention policy): each one's record, its
  // place in the spine, every index entry it owns or inherits, the index entries statements
  // referring to it inherited from it, its voided mark, and its learning-profile contribution
  // (taken away unless it was voided, which took it away already). One durable batch per call;
  // ids not stored are skipped. A voiding statement's target stays voided when the voiding
  // statement is erased. Returns how many statements were erased.
  Result<std::uint64_t> EraseStatements(const std::vector<Uuid>& ids);

  // Backups (RocksDB's BackupEngine): incremental, each one a consistent copy of the whole
  // database taken while it keeps serving (memtables are flushed first; files already in
  // `backup_dir` from earlier backups are shared, not copied again). Every backup is verified
  // (file sizes) before it is reported.
  struct BackupInfo {
    std::uint32_t id = 0;
    std::int64_t created = 0;      // Unix seconds
    std::uint64_t bytes = 0;       // files of this backup (some shared with others)
    std::uint32_t files = 0;
  };
  Result<BackupInfo> Backup(const std::string& backup_dir);
  static Result<std::vector<BackupInfo>> ListBackups(const std::string& backup_dir);
  // Restores backup `id` (the latest when nullopt) into `db_path`, which must not hold a
  // database (409 if it does; 404 if there is no such backup). The store must not be open.
  static Status Restore(const std::string& backup_dir, const std::string& db_path, std::optional<std::uint32_t> id);

  // RocksDB's integer properties, for monitoring (ops metrics): per column family (`family` is
  // its name: statements, index, …) and for the whole database (`family` empty: block cache,
  // running compactions and flushes, background errors). `name` is RocksDB's own
  // ("rocksdb.estimate-num-keys"). Properties RocksDB does not report are left out.
  struct Property {
    std::string name;
    std::string family;
    std::uint64_t value = 0;
  };
  Result<std::vector<Property>> Properties();

 private:
  friend class ReadView;
 public:
  struct Impl;  // defined in src/store/impl.h only

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lrsd::store
