// The store's internals shared by its translation units (store.cpp, lifecycle.cpp, ...): the
// column families, the RocksDB handles and the write locks. Never included outside src/store.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lrsd/store.h"
#include "store/tracker.h"

namespace lrsd::store {
namespace internal {

// Column families. The order is the order of handles_.
enum Cf : std::size_t {
  kDefault = 0,    // meta
  kStatements,     // uuid -> statement record
  kSpine,          // seq -> uuid: stored order, the spine of every query
  kIndex,          // kind|hash(key)|seq -> uuid|key
  kVoided,         // target uuid -> voiding uuid
  kRefs,           // target uuid|referrer seq -> referrer uuid (StatementRef edges)
  kCredentials,
  kActivities,
  kAgents,
  kDocuments,
  kAttachments,
  kDirectory,      // learning-profile configuration
  kProfiles,       // generation(1) | profile key -> profile record (derived from statements)
  kCfCount
};
constexpr std::array<const char*, kCfCount> kCfNames = {
    "default", "statements", "spine", "index", "voided", "refs",
    "credentials", "activities", "agents", "documents", "attachments", "directory", "profiles"};

inline Cf FamilyCf(Family f) {
  switch (f) {
    case Family::kMeta: return kDefault;
    case Family::kCredentials: return kCredentials;
    case Family::kActivities: return kActivities;
    case Family::kAgents: return kAgents;
    case Family::kDocuments: return kDocuments;
    case Family::kAttachments: return kAttachments;
    case Family::kDirectory: return kDirectory;
    case Family::kProfiles: return kProfiles;
  }
  return kDefault;
}

inline Error FromRocks(const rocksdb::Status& s, std::string_view what) {
  std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Error::Unavailable(std::move(message));
  return Error::Internal(std::move(message));
}

// Profile records merge through Options::merge_profile (additive aggregates).
class ProfileMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  explicit ProfileMergeOperator(std::function<std::string(std::string_view, std::string_view)> merge)
      : merge_(std::move(merge)) {}
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    if (!merge_) return false;  // reported by RocksDB as a corruption of that key
    *new_value = merge_(existing ? std::string_view(existing->data(), existing->size()) : std::string_view(),
                        std::string_view(value.data(), value.size()));
    return true;
  }
  const char* Name() const override { return "lrsd.profile.v1"; }

 private:
  std::function<std::string(std::string_view, std::string_view)> merge_;
};

constexpr std::string_view kProfileGenerationKey = "profiles-generation";
// Key prefix of a statement's contribution in the profiles family (after the generation byte).
constexpr char kContributionPrefix = 'S';

constexpr std::size_t kLockStripes = 4096;
constexpr int kMaxRefDepth = 16;
// Bounds the work one statement may trigger when it is the late-arriving target of others.
constexpr std::size_t kMaxLateReferrers = 10000;

// The database's options (src/store/options.cpp): a block cache of `memory_bytes` that the
// memtables (at most `memtable_bytes` of it) are charged to; `profile_merge` is the profiles
// family's merge operator.
struct DatabaseConfig {
  rocksdb::DBOptions db;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
};
DatabaseConfig DatabaseOptions(std::size_t memory_bytes, std::size_t memtable_bytes,
                               std::shared_ptr<rocksdb::MergeOperator> profile_merge);

}  // namespace internal
// Store TUs use the internals unqualified.
using namespace internal;

// Group commit for statement appends. A batch is written without sync while its stripes are
// held (so locks are held for CPU work only, never across an fsync), then the caller waits here,
// after releasing them, until the WAL is synced past its write; one SyncWAL serves every writer
// waiting when it starts. Statements stay invisible to queries until then (the tracker's
// watermark moves only once AppendStatements returns), as with a synced write. Profile
// aggregates and activity/agent records may be read in that window; only a power loss (not a
// process crash: the WAL is already in the OS) could then take back what such a read showed,
// and the WAL recovers a prefix, so never a later write without an earlier one.
//
// One thread does the syncing, for blocking waiters (worker threads: WaitDurable) and callbacks
// alike (requests handled on a network thread: WhenDurable, which must never block there).
class WalSync {
 public:
  using Done = std::function<void(const rocksdb::Status&)>;
  ~WalSync() { Stop(); }
  void Start(rocksdb::DB* db) {
    db_ = db;
    thread_ = std::thread([this] { Loop(); });
  }
  // Syncs what is still waiting, runs the last callbacks, and joins. Before the DB closes.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stop_ || !thread_.joinable()) return;
      stop_ = true;
    }
    work_.notify_one();
    thread_.join();
  }
  // A ticket for a write that has returned (its records are in the WAL file, not yet synced).
  std::uint64_t Written() {
    std::lock_guard lock(mu_);
    return ++written_;
  }
  // The latest ticket issued: a statement found already stored may be in a write not yet
  // synced, and must be durable before it is acknowledged again.
  std::uint64_t Current() {
    std::lock_guard lock(mu_);
    return written_;
  }
  // Returns once every write up to `ticket` is durable.
  rocksdb::Status WaitDurable(std::uint64_t ticket) {
    std::unique_lock lock(mu_);
    if (synced_ >= ticket) return rocksdb::Status::OK();
    Want(ticket);
    synced_cv_.wait(lock, [&] { return synced_ >= ticket || failed_through_ >= ticket; });
    return synced_ >= ticket ? rocksdb::Status::OK() : failure_;
  }
  // Runs `done` once every write up to `ticket` is durable: at once (on this thread) if it is,
  // otherwise on the syncing thread.
  void WhenDurable(std::uint64_t ticket, Done done) {
    {
      std::lock_guard lock(mu_);
      if (synced_ < ticket) {
        callbacks_.emplace_back(ticket, std::move(done));
        Want(ticket);
        return;
      }
    }
    done(rocksdb::Status::OK());
  }

 private:
  void Want(std::uint64_t ticket) {  // mu_ held
    if (ticket > wanted_) {
      wanted_ = ticket;
      work_.notify_one();
    }
  }
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      work_.wait(lock, [&] { return stop_ || wanted_ > std::max(synced_, failed_through_); });
      if (wanted_ <= std::max(synced_, failed_through_)) return;  // stopping, nothing waits
      // Under load (the last sync covered more than one write), gather while writes keep
      // coming (each slice brings one, for at most kGatherMax): each fdatasync costs ~100 us of
      // CPU here (ext4, virtio), and on 2 busy cores fewer, larger groups answer more requests.
      // A lone writer, or writers that all wait already, are synced at once.
      if (last_group_ > 1) {
        const auto deadline = std::chrono::steady_clock::now() + kGatherMax;
        while (!stop_ && std::chrono::steady_clock::now() < deadline) {
          const std::uint64_t before = written_;
          work_.wait_for(lock, kGatherSlice, [&] { return stop_; });
          if (written_ == before) break;
        }
      }
      // Every ticket issued so far belongs to a write already in the WAL file: this sync covers
      // them all, and the writes that arrive meanwhile wait for the next one.
      const std::uint64_t target = written_;
      last_group_ = target - std::max(synced_, failed_through_);
      lock.unlock();
      rocksdb::Status s = db_->SyncWAL();
      lock.lock();
      if (s.ok()) {
        synced_ = std::max(synced_, target);
      } else {
        failed_through_ = std::max(failed_through_, target);
        failure_ = s;
      }
      synced_cv_.notify_all();
      std::vector<std::pair<std::uint64_t, Done>> ready;
      std::erase_if(callbacks_, [&](auto& c) {
        if (c.first > target) return false;
        ready.push_back(std::move(c));
        return true;
      });
      if (ready.empty()) continue;
      lock.unlock();
      for (auto& [ticket, done] : ready) done(s);
      lock.lock();
    }
  }

  static constexpr std::chrono::microseconds kGatherSlice{100};
  static constexpr std::chrono::microseconds kGatherMax{2000};
  rocksdb::DB* db_ = nullptr;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable work_;       // to the syncing thread: a ticket waits
  std::condition_variable synced_cv_;  // to blocking waiters: a sync finished
  std::uint64_t written_ = 0;
  std::uint64_t wanted_ = 0;           // the highest ticket anyone waits for
  std::uint64_t synced_ = 0;
  std::uint64_t failed_through_ = 0;   // tickets up to here were in a failed sync
  std::uint64_t last_group_ = 0;       // writes the last sync covered
  rocksdb::Status failure_;
  std::vector<std::pair<std::uint64_t, Done>> callbacks_;
  bool stop_ = false;
};

// First come, first served: a ticket lock. Large appends (batches) lock hundreds of stripes,
// so two of them nearly always share one and run one after another anyway; queueing them in
// arrival order instead of letting them race for stripes bounds their wait (with 32 clients
// posting batches, std::mutex's unfairness let some wait over 2 s, p99).
class FifoTurn {
 public:
  class Hold {
   public:
    explicit Hold(FifoTurn& t) : t_(t) {
      std::unique_lock lock(t_.mu_);
      const std::uint64_t mine = t_.next_++;
      t_.cv_.wait(lock, [&] { return t_.serving_ == mine; });
    }
    ~Hold() {
      {
        std::lock_guard lock(t_.mu_);
        ++t_.serving_;
      }
      t_.cv_.notify_all();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    FifoTurn& t_;
  };

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t next_ = 0;
  std::uint64_t serving_ = 0;
};

struct Store::Impl {
  Options options;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::WriteOptions write_options;
  WalSync wal_sync;  // statement appends (Store::AppendStatements)
  FifoTurn large_appends;  // appends locking more than kLargeAppendStripes stripes take turns
  static constexpr std::size_t kLargeAppendStripes = 64;
  Tracker tracker;
  std::array<std::mutex, kLockStripes> stripes;
  // Profile generations: readers use `active_gen`; during a rebuild, appends of statements
  // above `building_from` also write to `building_gen`.
  std::atomic<int> active_gen{0};
  std::atomic<int> building_gen{-1};
  std::atomic<std::uint64_t> building_from{0};
  std::mutex rebuild_mutex;

  static std::string GenKey(int gen, std::string_view key) {
    std::string k(1, static_cast<char>(gen));
    k.append(key);
    return k;
  }
  // The generations a statement stored at `seq` writes its profile records to.
  std::vector<int> GenerationsFor(std::uint64_t seq) const {
    std::vector<int> gens = {active_gen.load()};
    int building = building_gen.load();
    if (building >= 0 && seq > building_from.load()) gens.push_back(building);
    return gens;
  }

  ~Impl() {
    wal_sync.Stop();  // its last callbacks run before the database closes
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      db->Close().PermitUncheckedError();
    }
  }

  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return handles[c]; }

  // Locks a set of stripes in ascending order (deadlock-free), unlocking on destruction.
  class StripeLocks {
   public:
    // try_only: takes none unless every one is free at once (see held()), never waits.
    StripeLocks(Impl& impl, std::vector<std::size_t> stripes, bool try_only = false)
        : impl_(impl), stripes_(std::move(stripes)) {
      std::sort(stripes_.begin(), stripes_.end());
      stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
      if (!try_only) {
        for (auto s : stripes_) impl_.stripes[s].lock();
        return;
      }
      for (std::size_t i = 0; i < stripes_.size(); ++i) {
        if (!impl_.stripes[stripes_[i]].try_lock()) {
          while (i > 0) impl_.stripes[stripes_[--i]].unlock();
          stripes_.clear();
          held_ = false;
          return;
        }
      }
    }
    ~StripeLocks() {
      for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) impl_.stripes[*it].unlock();
    }
    bool held() const { return held_; }

   private:
    Impl& impl_;
    std::vector<std::size_t> stripes_;
    bool held_ = true;
  };
  static std::size_t Stripe(std::string_view key) { return Hash64(key) % kLockStripes; }

  Result<std::optional<std::string>> GetRaw(Cf c, std::string_view key, const rocksdb::Snapshot* snap = nullptr) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    rocksdb::PinnableSlice value;
    auto s = db->Get(ro, cf(c), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "read");
    return std::optional<std::string>(value.ToString());
  }
};

}  // namespace lrsd::store
