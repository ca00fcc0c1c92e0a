#include "lrsd/store.h"

#include <rocksdb/db.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "store/impl.h"
#include "store/keys.h"
#include "store/tracker.h"

namespace lrsd::store {

// ---- Sequence tracker -------------------------------------------------------------------------
std::pair<std::uint64_t, std::uint64_t> Tracker::Reserve(std::uint64_t count) {
  std::lock_guard lock(mu_);
  std::uint64_t now = static_cast<std::uint64_t>(NowMicros());
  std::uint64_t first = std::max(now, last_ + 1);
  last_ = first + count - 1;
  in_flight_.emplace(first, count);
  return {first, count};
}

void Tracker::Release(std::uint64_t first) {
  std::lock_guard lock(mu_);
  in_flight_.erase(first);
}

std::uint64_t Tracker::Watermark() {
  std::lock_guard lock(mu_);
  if (!in_flight_.empty()) return in_flight_.begin()->first - 1;
  // Nothing in flight: everything up to now is visible, and every later reservation will be
  // above `now` because it starts after last_.
  last_ = std::max(last_, static_cast<std::uint64_t>(NowMicros()));
  return last_;
}

bool Tracker::Settled(std::uint64_t seq) {
  std::lock_guard lock(mu_);
  if (seq > last_) return false;
  auto it = in_flight_.upper_bound(seq);  // the first block starting above seq
  if (it == in_flight_.begin()) return true;
  --it;
  return seq >= it->first + it->second;
}

void Tracker::Observe(std::uint64_t seq) {
  std::lock_guard lock(mu_);
  last_ = std::max(last_, seq);
}

SequenceReservation::SequenceReservation(SequenceReservation&& other) noexcept
    : tracker_(std::exchange(other.tracker_, nullptr)), first_(other.first_), count_(other.count_) {}

SequenceReservation& SequenceReservation::operator=(SequenceReservation&& other) noexcept {
  if (this != &other) {
    if (tracker_) tracker_->Release(first_);
    tracker_ = std::exchange(other.tracker_, nullptr);
    first_ = other.first_;
    count_ = other.count_;
  }
  return *this;
}

SequenceReservation::~SequenceReservation() {
  if (tracker_) tracker_->Release(first_);
}

// ---- Store ------------------------------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(Options options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->write_options.sync = impl->options.sync;

  const DatabaseConfig config =
      DatabaseOptions(impl->options.memory_bytes, impl->options.memtable_bytes,
                      std::make_shared<ProfileMergeOperator>(impl->options.merge_profile));
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(config.db, impl->options.path, config.families, &impl->handles, &raw);
  if (!s.ok()) {
    // RocksDB names the lock file (<path>/LOCK) when another process, or another Store in this
    // process, holds it. Matching a bare "lock" would also catch unrelated errors ("block ...",
    // a path containing "blocks").
    std::string text = s.ToString();
    if (s.IsIOError() && text.find("/LOCK") != std::string::npos) {
      return Error::Unavailable("the data directory " + impl->options.path +
                                " is in use by another lrsd process (RocksDB holds its LOCK file); "
                                "stop that process first");
    }
    return FromRocks(s, "open " + impl->options.path);
  }
  impl->db.reset(raw);
  impl->wal_sync.Start(impl->db.get());

  if (auto gen = impl->GetRaw(kDefault, kProfileGenerationKey); !gen.ok()) {
    return std::move(gen).error();
  } else if (gen->has_value() && (*gen)->size() == 1) {
    impl->active_gen = (**gen)[0] == 1 ? 1 : 0;
  }

  // Sequences continue above the last stored statement even if the clock went backwards.
  {
    std::unique_ptr<rocksdb::Iterator> it(impl->db->NewIterator(rocksdb::ReadOptions(), impl->cf(kSpine)));
    it->SeekToLast();
    if (it->Valid()) impl->tracker.Observe(ReadBigEndian64(std::string_view(it->key().data(), it->key().size())));
    if (!it->status().ok()) return FromRocks(it->status(), "read spine");
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

SequenceReservation Store::ReserveSequence(std::uint64_t count) {
  SequenceReservation r;
  auto [first, n] = impl_->tracker.Reserve(std::max<std::uint64_t>(count, 1));
  r.tracker_ = &impl_->tracker;
  r.first_ = first;
  r.count_ = n;
  return r;
}

std::uint64_t Store::ConsistentThrough() { return impl_->tracker.Watermark(); }

namespace {
// The body of Store::AppendStatements, run with the stripes `held` locked. When it finds a
// stripe it also needs, it adds it to `more` and writes nothing; the caller retries.
Result<AppendResult> AppendLocked(Store::Impl& im, const std::vector<StatementWrite>& statements,
                                  const std::vector<AttachmentWrite>& attachments,
                                  const std::unordered_map<std::string, std::size_t>& batch_index,
                                  const std::vector<std::size_t>& held, std::vector<std::size_t>& more,
                                  std::uint64_t& wal_ticket, AppendWait wait) {
  AppendResult result;
  result.stored.assign(statements.size(), false);

  // Conflicts: an existing id with a different statement fails the whole request.
  // One MultiGet for the whole batch (sorted, batched bloom and block lookups).
  std::vector<bool> skip(statements.size(), false);
  const std::size_t n = statements.size();
  std::vector<rocksdb::Slice> id_slices(n);
  for (std::size_t i = 0; i < n; ++i) {
    id_slices[i] = rocksdb::Slice(reinterpret_cast<const char*>(statements[i].id.data()), 16);
  }
  std::vector<rocksdb::PinnableSlice> existing(n);
  std::vector<rocksdb::Status> existing_status(n);
  if (n > 0) {
    im.db->MultiGet(rocksdb::ReadOptions(), im.cf(kStatements), n, id_slices.data(), existing.data(),
                    existing_status.data());
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (existing_status[i].IsNotFound()) continue;
    if (!existing_status[i].ok()) return FromRocks(existing_status[i], "read");
    auto header = keys::DecodeRecordHeader(std::string_view(existing[i].data(), existing[i].size()));
    if (!header) return Error::Internal("corrupt statement record");
    if (header->comparison_hash == keys::ComparisonHash(statements[i].comparison)) {
      skip[i] = true;
    } else {
      return Error::Conflict("statement " + FormatUuid(statements[i].id) +
                             " already exists with different content; statements are immutable");
    }
  }

  // Records already known (in this batch or stored): needed to follow StatementRef chains.
  struct Known {
    std::uint64_t seq;
    std::vector<IndexEntry> own_keys;
    std::optional<Uuid> ref_target;
    bool is_voiding;
  };
  std::unordered_map<std::string, std::optional<Known>> known;
  auto lookup = [&](const Uuid& id) -> Result<const Known*> {
    std::string key(UuidBytes(id));
    if (auto it = batch_index.find(key); it != batch_index.end() && !skip[it->second]) {
      const auto& s = statements[it->second];
      auto [pos, _] = known.try_emplace(key, Known{s.seq, s.keys, s.ref_target, s.voids.has_value()});
      return &*pos->second;
    }
    if (auto it = known.find(key); it != known.end()) return it->second ? &*it->second : nullptr;
    auto raw = im.GetRaw(kStatements, key);
    if (!raw.ok()) return std::move(raw).error();
    if (!raw->has_value()) {
      known.emplace(key, std::nullopt);
      return static_cast<const Known*>(nullptr);
    }
    auto header = keys::DecodeRecordHeader(**raw);
    if (!header) return Error::Internal("corrupt statement record");
    auto [pos, _] = known.emplace(key, Known{header->seq, std::move(header->keys), header->ref_target, header->voids});
    return &*pos->second;
  };
  // Own keys of `id` and of every statement its StatementRef chain reaches.
  auto chain_keys = [&](const Uuid& start, std::vector<IndexEntry>& out) -> Status {
    std::optional<Uuid> next = start;
    for (int depth = 0; next && depth < kMaxRefDepth; ++depth) {
      auto k = lookup(*next);
      if (!k.ok()) return std::move(k).error();
      if (!*k) {
        // The chain ends at a statement not stored yet. If it arrives concurrently, its
        // late-arrival pass and this statement must not interleave: hold its stripe.
        std::size_t stripe = Store::Impl::Stripe(UuidBytes(*next));
        if (!std::binary_search(held.begin(), held.end(), stripe)) more.push_back(stripe);
        break;
      }
      for (const auto& e : (*k)->own_keys) {
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
      }
      next = (*k)->ref_target;
    }
    return OkStatus();
  };

  rocksdb::WriteBatch batch;
  auto put_index = [&](const IndexEntry& e, std::uint64_t seq, const Uuid& id) {
    std::string k = keys::IndexKey(e.kind, e.key, seq);
    std::string v = keys::IndexValue(id, e.key);
    batch.Put(im.cf(kIndex), k, v);
  };
  // Canonical activity definitions and agent records merged within this batch, with the value
  // stored before it (written only when the merge changed something).
  struct Merged {
    std::string before;
    std::string after;
  };
  std::map<std::string, Merged> activity_defs;
  std::map<std::string, Merged> agent_records;
  auto merge_into = [&](std::map<std::string, Merged>& merged, Cf cf, const std::string& key,
                        std::string_view incoming, const auto& merge) -> Status {
    auto it = merged.find(key);
    if (it == merged.end()) {
      auto existing = im.GetRaw(cf, key);
      if (!existing.ok()) return std::move(existing).error();
      std::string value = existing->value_or(std::string());
      it = merged.emplace(key, Merged{value, value}).first;
    }
    it->second.after = merge ? merge(it->second.after, incoming) : std::string(incoming);
    return OkStatus();
  };

  // Voiding marks written by this batch: target -> sequence of the voiding statement named.
  std::unordered_map<std::string, std::uint64_t> void_marks;

  // One iterator over the refs family for the whole batch, created on first use (creating one
  // per statement was a visible share of ingest). It is created with the stripes held, so every
  // statement that targets one of ours and was stored before is in it, and none can be stored
  // until we release them (a referrer holds its target's stripe as well).
  std::unique_ptr<rocksdb::Iterator> refs;
  auto refs_iterator = [&]() -> rocksdb::Iterator* {
    if (!refs) {
      rocksdb::ReadOptions ro;
      ro.prefix_same_as_start = true;
      refs.reset(im.db->NewIterator(ro, im.cf(kRefs)));
    }
    return refs.get();
  };

  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (skip[i]) continue;
    const StatementWrite& s = statements[i];
    std::string id_key(UuidBytes(s.id));
    batch.Put(im.cf(kStatements), id_key, keys::EncodeRecord(s));
    batch.Put(im.cf(kSpine), keys::SeqKey(s.seq), id_key);

    std::vector<IndexEntry> entries = s.keys;
    if (s.ref_target) {
      // A statement targeting another matches every filter its target (chain) matches.
      if (auto st = chain_keys(*s.ref_target, entries); !st.ok()) return st.error();
      batch.Put(im.cf(kRefs), keys::RefKey(*s.ref_target, s.seq), id_key);
    }
    for (const auto& e : entries) put_index(e, s.seq, s.id);

    if (s.voids) {
      // A voiding statement that targets a voiding statement is ignored (Data 2.3.2), in
      // either arrival order: one stored earlier that targeted this one loses its effect.
      auto marked = im.GetRaw(kVoided, id_key);
      if (!marked.ok()) return std::move(marked).error();
      if (marked->has_value()) batch.Delete(im.cf(kVoided), id_key);
      auto target = lookup(*s.voids);
      if (!target.ok()) return std::move(target).error();
      if (!*target || !(*target)->is_voiding) {
        // The mark names the voiding statement, and a reader honours it only once that
        // statement is visible (ReadView::IsVoided). With several voiding statements for one
        // target, the mark keeps the earliest, so a later one still in flight never makes the
        // target look un-voided.
        std::string target_key(UuidBytes(*s.voids));
        bool mark = true;
        if (auto it = void_marks.find(target_key); it != void_marks.end()) {
          mark = s.seq < it->second;
        } else {
          auto existing = im.GetRaw(kVoided, target_key);
          if (!existing.ok()) return std::move(existing).error();
          if (existing->has_value() && (*existing)->size() == 16) {
            Uuid previous;
            std::memcpy(previous.data(), (*existing)->data(), 16);
            auto k = lookup(previous);
            if (!k.ok()) return std::move(k).error();
            if (*k) mark = s.seq < (*k)->seq;
          }
        }
        if (mark) {
          batch.Put(im.cf(kVoided), target_key, id_key);
          void_marks[target_key] = s.seq;
        }
      }
    }

    // Statements stored earlier that target this one (it arrived late) inherit its keys.
    std::vector<IndexEntry> inherited;
    if (auto st = chain_keys(s.id, inherited); !st.ok()) return st.error();
    std::vector<std::pair<std::uint64_t, Uuid>> frontier = {{s.seq, s.id}};
    std::unordered_set<std::string> visited = {id_key};
    std::size_t visits = 0;
    for (int depth = 0; depth < kMaxRefDepth && !frontier.empty(); ++depth) {
      std::vector<std::pair<std::uint64_t, Uuid>> next;
      for (const auto& [seq, target] : frontier) {
        rocksdb::Iterator* it = refs_iterator();
        std::string prefix(UuidBytes(target));
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && visits < kMaxLateReferrers; it->Next()) {
          std::uint64_t ref_seq = ReadBigEndian64(std::string_view(it->key().data() + 16, 8));
          Uuid ref_id;
          std::memcpy(ref_id.data(), it->value().data(), std::min<std::size_t>(16, it->value().size()));
          if (!visited.insert(std::string(UuidBytes(ref_id))).second) continue;
          for (const auto& e : inherited) put_index(e, ref_seq, ref_id);
          next.emplace_back(ref_seq, ref_id);
          ++visits;
        }
        if (!it->status().ok()) return FromRocks(it->status(), "read refs");
      }
      frontier = std::move(next);
    }

    for (const auto& [activity, def] : s.activity_definitions) {
      if (auto st = merge_into(activity_defs, kActivities, activity, def, im.options.merge_activity); !st.ok()) return st.error();
    }
    for (const auto& [ifi, agent] : s.agents) {
      if (auto st = merge_into(agent_records, kAgents, ifi, agent, im.options.merge_agent); !st.ok()) return st.error();
    }
    result.stored[i] = true;
  }
  // Learning profiles: add each new statement's contribution unless it is already voided, and
  // take away the contribution of each statement this batch voids.
  if (im.options.expand_contribution) {
    auto apply = [&](int gen, std::string_view contribution, int sign) {
      for (const ProfileOp& op : im.options.expand_contribution(contribution, sign)) {
        std::string key = Store::Impl::GenKey(gen, op.key);
        switch (op.kind) {
          case ProfileOp::Kind::kMerge: batch.Merge(im.cf(kProfiles), key, op.value); break;
          case ProfileOp::Kind::kPut: batch.Put(im.cf(kProfiles), key, op.value); break;
          case ProfileOp::Kind::kDelete: batch.Delete(im.cf(kProfiles), key); break;
        }
      }
    };
    // Statements whose voiding statement came first (a voided mark already stored): one
    // MultiGet for the batch.
    std::vector<std::size_t> probe;
    for (std::size_t i = 0; i < n; ++i) {
      if (!skip[i] && !statements[i].contribution.empty()) probe.push_back(i);
    }
    std::vector<rocksdb::Slice> probe_keys(probe.size());
    for (std::size_t j = 0; j < probe.size(); ++j) probe_keys[j] = id_slices[probe[j]];
    std::vector<rocksdb::PinnableSlice> marks(probe.size());
    std::vector<rocksdb::Status> mark_status(probe.size());
    if (!probe.empty()) {
      im.db->MultiGet(rocksdb::ReadOptions(), im.cf(kVoided), probe.size(), probe_keys.data(), marks.data(),
                      mark_status.data());
    }
    for (std::size_t j = 0; j < probe.size(); ++j) {
      const std::size_t i = probe[j];
      const StatementWrite& s = statements[i];
      std::string id_key(UuidBytes(s.id));
      if (!mark_status[j].ok() && !mark_status[j].IsNotFound()) return FromRocks(mark_status[j], "read");
      const bool voided = void_marks.count(id_key) > 0 || mark_status[j].ok();
      for (int gen : im.GenerationsFor(s.seq)) {
        batch.Put(im.cf(kProfiles), Store::Impl::GenKey(gen, kContributionPrefix + id_key), s.contribution);
        if (!voided) apply(gen, s.contribution, +1);
      }
    }
    for (const auto& [target_key, voider_seq] : void_marks) {
      if (auto it = batch_index.find(target_key); it != batch_index.end() && !skip[it->second]) continue;
      auto before = im.GetRaw(kVoided, target_key);  // voided earlier: nothing left to take away
      if (!before.ok()) return std::move(before).error();
      if (before->has_value()) continue;
      for (int gen : im.GenerationsFor(voider_seq)) {
        auto c = im.GetRaw(kProfiles, Store::Impl::GenKey(gen, kContributionPrefix + target_key));
        if (!c.ok()) return std::move(c).error();
        if (c->has_value()) apply(gen, **c, -1);
      }
    }
  }

  for (const auto& [activity, m] : activity_defs) {
    if (m.after != m.before) batch.Put(im.cf(kActivities), activity, m.after);
  }
  for (const auto& [ifi, m] : agent_records) {
    if (m.after != m.before) batch.Put(im.cf(kAgents), ifi, m.after);
  }
  for (const auto& a : attachments) batch.Put(im.cf(kAttachments), a.sha2, a.content);

  if (!more.empty()) return result;  // retried with more stripes held; nothing written
  if (im.write_options.sync && std::find(skip.begin(), skip.end(), true) != skip.end()) {
    wal_ticket = im.wal_sync.Current();  // found stored, perhaps by a write still syncing
  }
  if (batch.Count() == 0) return result;
  // Not synced here: the caller waits for the group sync once the stripes are released.
  rocksdb::WriteOptions unsynced = im.write_options;
  unsynced.sync = false;
  // On a network thread, a write RocksDB would delay (too many level-0 files, memtables full)
  // goes to a worker instead: Incomplete, nothing written.
  unsynced.no_slowdown = wait == AppendWait::kNoWait;
  auto s = im.db->Write(unsynced, &batch);
  if (s.IsIncomplete() && unsynced.no_slowdown) {
    result.would_block = true;
    wal_ticket = 0;
    return result;
  }
  if (!s.ok()) return FromRocks(s, "write statements");
  if (im.write_options.sync) wal_ticket = im.wal_sync.Written();
  return result;
}
}  // namespace

Result<AppendResult> Store::AppendStatements(std::vector<StatementWrite> statements,
                                             std::vector<AttachmentWrite> attachments, AppendWait wait) {
  Impl& im = *impl_;

  // Same id twice in one request is a client error whatever the contents.
  std::unordered_map<std::string, std::size_t> batch_index;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    std::string key(UuidBytes(statements[i].id));
    if (!batch_index.emplace(key, i).second) {
      return Error::BadRequest("statement[" + std::to_string(i) + "].id", "XAPI-00026",
                               "the same statement id appears twice in one request");
    }
  }

  // Lock every id we read or write: the statements, their StatementRef targets, and the
  // activities whose canonical definitions we merge.
  std::vector<std::size_t> stripes;
  for (const auto& s : statements) {
    stripes.push_back(Impl::Stripe(UuidBytes(s.id)));
    if (s.ref_target) stripes.push_back(Impl::Stripe(UuidBytes(*s.ref_target)));
    if (s.voids) stripes.push_back(Impl::Stripe(UuidBytes(*s.voids)));
    for (const auto& [activity, def] : s.activity_definitions) stripes.push_back(Impl::Stripe("a:" + activity));
    for (const auto& [ifi, agent] : s.agents) stripes.push_back(Impl::Stripe("g:" + ifi));
  }
  // Following a StatementRef chain may reach an absent statement other than a direct target;
  // its stripe must be held too (see AppendLocked), which is only known once the chain is
  // read: then retry with it added. Sorted and unique, as StripeLocks takes them.
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (;;) {
    std::uint64_t wal_ticket = 0;
    std::vector<std::size_t> more;
    if (wait == AppendWait::kNoWait) {
      AppendResult blocked;
      blocked.would_block = true;
      if (stripes.size() > Impl::kLargeAppendStripes) return blocked;  // takes its turn in FIFO order
      Impl::StripeLocks locks(im, stripes, /*try_only=*/true);
      if (!locks.held()) return blocked;
      Result<AppendResult> result =
          AppendLocked(im, statements, attachments, batch_index, stripes, more, wal_ticket, wait);
      if (!more.empty()) return blocked;  // nothing written
      if (result.ok()) result->durable_ticket = wal_ticket;
      return result;
    }
    Result<AppendResult> result = [&] {
      std::optional<FifoTurn::Hold> turn;
      if (stripes.size() > Impl::kLargeAppendStripes) turn.emplace(im.large_appends);
      Impl::StripeLocks locks(im, stripes);
      return AppendLocked(im, statements, attachments, batch_index, stripes, more, wal_ticket, wait);
    }();
    if (more.empty()) {
      if (result.ok() && wal_ticket > 0) {
        // Acknowledged only once durable (see WalSync).
        if (auto s = im.wal_sync.WaitDurable(wal_ticket); !s.ok()) return FromRocks(s, "sync WAL");
      }
      return result;
    }
    stripes.insert(stripes.end(), more.begin(), more.end());
    std::sort(stripes.begin(), stripes.end());
    stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  }
}

void Store::WhenDurable(std::uint64_t ticket, std::function<void(const Status&)> done) {
  impl_->wal_sync.WhenDurable(ticket, [done = std::move(done)](const rocksdb::Status& s) {
    done(s.ok() ? OkStatus() : Status(FromRocks(s, "sync WAL")));
  });
}

Status Store::Put(Family family, std::string_view key, std::string_view value) {
  auto s = impl_->db->Put(impl_->write_options, impl_->cf(FamilyCf(family)), rocksdb::Slice(key.data(), key.size()),
                          rocksdb::Slice(value.data(), value.size()));
  if (!s.ok()) return FromRocks(s, "write");
  return OkStatus();
}

Status Store::Delete(Family family, std::string_view key) {
  auto s = impl_->db->Delete(impl_->write_options, impl_->cf(FamilyCf(family)), rocksdb::Slice(key.data(), key.size()));
  if (!s.ok()) return FromRocks(s, "delete");
  return OkStatus();
}

Result<std::optional<std::string>> Store::Get(Family family, std::string_view key) {
  return impl_->GetRaw(FamilyCf(family), key);
}

Status Store::Update(Family family, std::string_view key, const Mutation& mutate) {
  std::string lock_key(1, static_cast<char>('0' + static_cast<int>(family)));
  lock_key.append(key);
  Impl::StripeLocks locks(*impl_, {Impl::Stripe(lock_key)});
  auto current = impl_->GetRaw(FamilyCf(family), key);
  if (!current.ok()) return std::move(current).error();
  auto next = mutate(*current);
  if (!next.ok()) return std::move(next).error();
  if (next->has_value()) return Put(family, key, **next);
  if (current->has_value()) return Delete(family, key);
  return OkStatus();
}

Status Store::DeleteKeys(Family family, const std::vector<std::string>& keys) {
  if (keys.empty()) return OkStatus();
  rocksdb::WriteBatch batch;
  for (const auto& k : keys) batch.Delete(impl_->cf(FamilyCf(family)), k);
  auto s = impl_->db->Write(impl_->write_options, &batch);
  if (!s.ok()) return FromRocks(s, "delete");
  return OkStatus();
}

Status Store::Apply(Family family, const std::vector<KeyOp>& ops) {
  if (ops.empty()) return OkStatus();
  rocksdb::WriteBatch batch;
  for (const auto& op : ops) {
    if (op.value) {
      batch.Put(impl_->cf(FamilyCf(family)), op.key, *op.value);
    } else {
      batch.Delete(impl_->cf(FamilyCf(family)), op.key);
    }
  }
  auto s = impl_->db->Write(impl_->write_options, &batch);
  if (!s.ok()) return FromRocks(s, "write");
  return OkStatus();
}

Status Store::RebuildProfiles(const Contributor& contribute,
                              const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  Impl& im = *impl_;
  std::unique_lock rebuilding(im.rebuild_mutex, std::try_to_lock);
  if (!rebuilding.owns_lock()) return Error::Conflict("a profile rebuild is already running");
  if (!im.options.expand_contribution) return Error::Internal("no profile maintenance configured");
  const int old_gen = im.active_gen.load();
  const int gen = 1 - old_gen;
  const std::string gen_lo(1, static_cast<char>(gen)), gen_hi(1, static_cast<char>(gen + 1));
  const std::string old_lo(1, static_cast<char>(old_gen)), old_hi(1, static_cast<char>(old_gen + 1));
  auto st = im.db->DeleteRange(im.write_options, im.cf(kProfiles), gen_lo, gen_hi);  // leftovers
  if (!st.ok()) return FromRocks(st, "clear profile generation");

  // From here on, statements above `highest` also write to the new generation; the rebuild
  // covers everything up to it. Taken under the tracker's lock, so no reservation falls between.
  std::uint64_t highest = 0;
  im.tracker.Fence([&](std::uint64_t last) {
    highest = last;
    im.building_from = last;
    im.building_gen = gen;
  });
  struct Abandon {  // stop double writes whatever happens below
    Impl& im;
    bool done = false;
    ~Abandon() {
      if (!done) im.building_gen = -1;
    }
  } abandon{im};
  while (im.tracker.Watermark() < highest) std::this_thread::sleep_for(std::chrono::milliseconds(2));

  std::uint64_t total = 0;
  im.db->GetIntProperty(im.cf(kSpine), "rocksdb.estimate-num-keys", &total);
  std::uint64_t done = 0;
  std::uint64_t next_seq = 0;
  constexpr std::size_t kChunk = 1000;
  while (next_seq <= highest) {
    // The next chunk of statements in stored order.
    std::vector<std::pair<std::uint64_t, Uuid>> chunk;
    {
      rocksdb::ReadOptions ro;
      std::string lower = keys::SeqKey(next_seq), upper = keys::SeqKey(highest + 1);
      rocksdb::Slice lo(lower), up(upper);
      ro.iterate_lower_bound = &lo;
      ro.iterate_upper_bound = &up;
      std::unique_ptr<rocksdb::Iterator> it(im.db->NewIterator(ro, im.cf(kSpine)));
      for (it->Seek(lo); it->Valid() && chunk.size() < kChunk; it->Next()) {
        Uuid id{};
        std::memcpy(id.data(), it->value().data(), std::min<std::size_t>(16, it->value().size()));
        chunk.emplace_back(ReadBigEndian64(std::string_view(it->key().data(), it->key().size())), id);
      }
      if (!it->status().ok()) return FromRocks(it->status(), "read spine");
    }
    if (chunk.empty()) break;
    next_seq = chunk.back().first + 1;
    std::vector<std::size_t> stripes;
    for (const auto& [seq, id] : chunk) stripes.push_back(Impl::Stripe(UuidBytes(id)));
    // Held while reading voiding marks and writing: a concurrent voiding of one of these
    // statements either sees its contribution in the new generation or happened before.
    Impl::StripeLocks locks(im, std::move(stripes));
    rocksdb::WriteBatch batch;
    for (const auto& [seq, id] : chunk) {
      std::string id_key(UuidBytes(id));
      auto raw = im.GetRaw(kStatements, id_key);
      if (!raw.ok()) return std::move(raw).error();
      if (!raw->has_value()) continue;
      auto header = keys::DecodeRecordHeader(**raw);
      if (!header) return Error::Internal("corrupt statement record");
      std::string contribution = contribute(std::string_view(**raw).substr(header->json_offset));
      if (contribution.empty()) continue;
      batch.Put(im.cf(kProfiles), Impl::GenKey(gen, kContributionPrefix + id_key), contribution);
      auto mark = im.GetRaw(kVoided, id_key);
      if (!mark.ok()) return std::move(mark).error();
      if (mark->has_value()) continue;
      for (const ProfileOp& op : im.options.expand_contribution(contribution, +1)) {
        std::string key = Impl::GenKey(gen, op.key);
        switch (op.kind) {
          case ProfileOp::Kind::kMerge: batch.Merge(im.cf(kProfiles), key, op.value); break;
          case ProfileOp::Kind::kPut: batch.Put(im.cf(kProfiles), key, op.value); break;
          case ProfileOp::Kind::kDelete: batch.Delete(im.cf(kProfiles), key); break;
        }
      }
    }
    if (auto w = im.db->Write(im.write_options, &batch); !w.ok()) return FromRocks(w, "write profiles");
    done += chunk.size();
    if (progress) progress(done, std::max(total, done));
  }

  // Switch readers and writers to the new generation, then drop the old one.
  if (auto w = im.db->Put(im.write_options, im.cf(kDefault), std::string(kProfileGenerationKey), gen_lo); !w.ok()) {
    return FromRocks(w, "switch profile generation");
  }
  im.tracker.Fence([&](std::uint64_t) {
    im.active_gen = gen;
    im.building_gen = -1;
  });
  abandon.done = true;
  st = im.db->DeleteRange(im.write_options, im.cf(kProfiles), old_lo, old_hi);
  if (!st.ok()) return FromRocks(st, "drop old profile generation");
  if (progress) progress(done, done);
  return OkStatus();
}

Status Store::Compact() {
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* h : impl_->handles) {
    auto s = impl_->db->CompactRange(o, h, nullptr, nullptr);
    if (!s.ok()) return FromRocks(s, "compact");
  }
  return OkStatus();
}

Status Store::Flush() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  auto s = impl_->db->Flush(fo, impl_->handles);
  if (!s.ok()) return FromRocks(s, "flush");
  s = impl_->db->SyncWAL();
  if (!s.ok()) return FromRocks(s, "sync wal");
  return OkStatus();
}

// ---- ReadView ---------------------------------------------------------------------------------
struct ReadView::Impl {
  Store::Impl* store = nullptr;
  const rocksdb::Snapshot* snapshot = nullptr;
  std::uint64_t watermark = 0;
  int profile_gen = 0;

  // A statement is readable by id once below the view's watermark, or once its own write was
  // acknowledged (an earlier reservation may still hold the watermark below it). Ranges and
  // queries stop at the watermark, so they never show a gap that a later read would fill.
  bool Visible(std::uint64_t seq) const { return seq <= watermark || store->tracker.Settled(seq); }

  // Profile keys carry their generation; every other family's keys are as given.
  std::string Key(Family family, std::string_view key) const {
    return family == Family::kProfiles ? Store::Impl::GenKey(profile_gen, key) : std::string(key);
  }
  std::string_view Unkey(Family family, std::string_view key) const {
    return family == Family::kProfiles && !key.empty() ? key.substr(1) : key;
  }

  // One unbounded iterator per family, created on first use and re-seeked by every ScanRange:
  // reports seek thousands of small ranges, and creating an iterator costs more than seeking.
  std::array<std::unique_ptr<rocksdb::Iterator>, kCfCount> iterators;

  ~Impl() {
    for (auto& it : iterators) it.reset();  // before the snapshot they read
    if (snapshot) store->db->ReleaseSnapshot(snapshot);
  }
  rocksdb::ReadOptions Options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    return ro;
  }
  rocksdb::Iterator& IteratorFor(Cf c) {
    auto& it = iterators[c];
    if (!it) {
      rocksdb::ReadOptions ro = Options();
      ro.total_order_seek = true;  // ranges may cross prefix-extractor prefixes
      it.reset(store->db->NewIterator(ro, store->cf(c)));
    }
    return *it;
  }
};

ReadView Store::Read() {
  auto impl = std::make_unique<ReadView::Impl>();
  impl->store = impl_.get();
  // Watermark first: everything at or below it is already written, so the snapshot taken
  // afterwards contains it.
  impl->watermark = impl_->tracker.Watermark();
  impl->profile_gen = impl_->active_gen.load();
  impl->snapshot = impl_->db->GetSnapshot();
  return ReadView(std::move(impl));
}

ReadView::ReadView(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReadView::~ReadView() = default;
ReadView::ReadView(ReadView&&) noexcept = default;
ReadView& ReadView::operator=(ReadView&&) noexcept = default;

std::uint64_t ReadView::watermark() const { return impl_->watermark; }

Result<std::optional<StoredStatement>> ReadView::GetStatement(const Uuid& id) {
  auto raw = impl_->store->GetRaw(kStatements, UuidBytes(id), impl_->snapshot);
  if (!raw.ok()) return std::move(raw).error();
  if (!raw->has_value()) return std::optional<StoredStatement>();
  auto position = keys::DecodeRecordPosition(**raw);
  if (!position) return Error::Internal("corrupt statement record");
  if (!impl_->Visible(position->seq)) return std::optional<StoredStatement>();
  StoredStatement out;
  out.id = id;
  out.seq = position->seq;
  out.json = std::move(**raw);
  out.json.erase(0, position->json_offset);
  auto voided = IsVoided(id);
  if (!voided.ok()) return std::move(voided).error();
  out.voided = *voided;
  return std::optional<StoredStatement>(std::move(out));
}

Status ReadView::GetStatements(const std::vector<Uuid>& ids, std::vector<std::optional<StoredStatement>>& out) {
  const std::size_t n = ids.size();
  out.clear();
  out.resize(n);
  if (n == 0) return OkStatus();
  rocksdb::DB* db = impl_->store->db.get();
  const rocksdb::ReadOptions ro = impl_->Options();
  std::vector<rocksdb::Slice> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = rocksdb::Slice(reinterpret_cast<const char*>(ids[i].data()), 16);
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db->MultiGet(ro, impl_->store->cf(kStatements), n, keys.data(), values.data(), statuses.data());

  std::vector<std::size_t> found;  // indexes of the visible statements
  found.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], "read");
    std::string_view record(values[i].data(), values[i].size());
    auto position = keys::DecodeRecordPosition(record);
    if (!position) return Error::Internal("corrupt statement record");
    if (position->seq > impl_->watermark) continue;
    StoredStatement& s = out[i].emplace();
    s.id = ids[i];
    s.seq = position->seq;
    s.json.assign(record.substr(position->json_offset));
    found.push_back(i);
    values[i].Reset();
  }
  if (found.empty()) return OkStatus();

  // Voided marks: rare, so one batched probe (bloom filters answer most) and the full check
  // (IsVoided: is the voiding statement visible yet?) only for the ids that have one.
  std::vector<rocksdb::Slice> marks(found.size());
  for (std::size_t j = 0; j < found.size(); ++j) marks[j] = keys[found[j]];
  std::vector<rocksdb::PinnableSlice> mark_values(found.size());
  std::vector<rocksdb::Status> mark_statuses(found.size());
  db->MultiGet(ro, impl_->store->cf(kVoided), marks.size(), marks.data(), mark_values.data(),
               mark_statuses.data());
  for (std::size_t j = 0; j < found.size(); ++j) {
    if (mark_statuses[j].IsNotFound()) continue;
    if (!mark_statuses[j].ok()) return FromRocks(mark_statuses[j], "read");
    auto voided = IsVoided(ids[found[j]]);
    if (!voided.ok()) return std::move(voided).error();
    out[found[j]]->voided = *voided;
  }
  return OkStatus();
}

Result<bool> ReadView::OwnsIndexEntry(const Uuid& id, const IndexEntry& entry) {
  auto raw = impl_->store->GetRaw(kStatements, UuidBytes(id), impl_->snapshot);
  if (!raw.ok()) return std::move(raw).error();
  if (!raw->has_value()) return false;
  auto header = keys::DecodeRecordHeader(**raw);
  if (!header) return Error::Internal("corrupt statement record");
  return std::find(header->keys.begin(), header->keys.end(), entry) != header->keys.end();
}

Result<bool> ReadView::IsVoided(const Uuid& id) {
  auto raw = impl_->store->GetRaw(kVoided, UuidBytes(id), impl_->snapshot);
  if (!raw.ok()) return std::move(raw).error();
  if (!raw->has_value()) return false;
  // Voided once the voiding statement is visible: a voiding statement not yet acknowledged has
  // no effect yet, like the statement itself.
  auto voiding = impl_->store->GetRaw(kStatements, **raw, impl_->snapshot);
  if (!voiding.ok()) return std::move(voiding).error();
  if (!voiding->has_value()) return true;
  auto header = keys::DecodeRecordHeader(**voiding);
  if (!header) return Error::Internal("corrupt statement record");
  return impl_->Visible(header->seq);
}

namespace {
// Iterates [lower, upper) in either direction.
template <class Fn>
Status Iterate(rocksdb::DB* db, rocksdb::ReadOptions ro, rocksdb::ColumnFamilyHandle* cf,
               const std::string& lower, const std::string& upper, bool ascending, Fn&& fn) {
  rocksdb::Slice lo(lower), up(upper);
  ro.iterate_lower_bound = &lo;
  ro.iterate_upper_bound = &up;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  if (ascending) {
    for (it->Seek(lo); it->Valid(); it->Next()) {
      if (!fn(it->key(), it->value())) break;
    }
  } else {
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      if (!fn(it->key(), it->value())) break;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan");
  return OkStatus();
}
}  // namespace

Status ReadView::ScanAll(std::uint64_t lo, std::uint64_t hi, bool ascending, const Visitor& visit) {
  hi = std::min(hi, impl_->watermark);
  if (lo > hi) return OkStatus();
  return Iterate(impl_->store->db.get(), impl_->Options(), impl_->store->cf(kSpine), keys::SeqKey(lo),
                 keys::SeqKey(hi + 1), ascending, [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
                   Uuid id{};
                   std::memcpy(id.data(), v.data(), std::min<std::size_t>(16, v.size()));
                   return visit(ReadBigEndian64(std::string_view(k.data(), k.size())), id);
                 });
}

Status ReadView::ScanIndex(const IndexEntry& entry, std::uint64_t lo, std::uint64_t hi, bool ascending,
                           const Visitor& visit) {
  hi = std::min(hi, impl_->watermark);
  if (lo > hi) return OkStatus();
  auto ro = impl_->Options();
  ro.prefix_same_as_start = true;
  return Iterate(impl_->store->db.get(), ro, impl_->store->cf(kIndex), keys::IndexKey(entry.kind, entry.key, lo),
                 keys::IndexKey(entry.kind, entry.key, hi + 1), ascending,
                 [&](const rocksdb::Slice& k, const rocksdb::Slice& v) {
                   std::string_view value(v.data(), v.size());
                   // The key holds a hash of the index key; the value holds the key itself.
                   if (value.size() < 16 || value.substr(16) != entry.key) return true;
                   Uuid id{};
                   std::memcpy(id.data(), value.data(), 16);
                   return visit(ReadBigEndian64(std::string_view(k.data() + keys::kIndexPrefixSize, 8)), id);
                 });
}

Result<bool> ReadView::HasIndexEntry(const IndexEntry& entry, std::uint64_t seq) {
  auto raw = impl_->store->GetRaw(kIndex, keys::IndexKey(entry.kind, entry.key, seq), impl_->snapshot);
  if (!raw.ok()) return std::move(raw).error();
  return raw->has_value() && (*raw)->size() >= 16 && std::string_view(**raw).substr(16) == entry.key;
}

Result<std::optional<std::string>> ReadView::Get(Family family, std::string_view key) {
  return impl_->store->GetRaw(FamilyCf(family), impl_->Key(family, key), impl_->snapshot);
}

Status ReadView::ScanRange(Family family, std::string_view lower, std::string_view upper, bool ascending,
                           const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  const std::string lo = impl_->Key(family, lower), up = impl_->Key(family, upper);
  if (lo >= up) return OkStatus();
  rocksdb::Iterator& it = impl_->IteratorFor(FamilyCf(family));
  const rocksdb::Slice lo_slice(lo), up_slice(up);
  auto emit = [&] {
    return visit(impl_->Unkey(family, std::string_view(it.key().data(), it.key().size())),
                 std::string_view(it.value().data(), it.value().size()));
  };
  if (ascending) {
    for (it.Seek(lo_slice); it.Valid() && it.key().compare(up_slice) < 0; it.Next()) {
      if (!emit()) break;
    }
  } else {
    // The last key below `up`: SeekForPrev(up) lands on `up` itself when it exists.
    it.SeekForPrev(up_slice);
    if (it.Valid() && it.key().compare(up_slice) >= 0) it.Prev();
    for (; it.Valid() && it.key().compare(lo_slice) >= 0; it.Prev()) {
      if (!emit()) break;
    }
  }
  if (!it.status().ok()) return FromRocks(it.status(), "scan");
  return OkStatus();
}

Status ReadView::ScanPrefix(Family family, std::string_view prefix,
                            const std::function<bool(std::string_view, std::string_view)>& visit) {
  auto ro = impl_->Options();
  const std::string full = impl_->Key(family, prefix);
  std::unique_ptr<rocksdb::Iterator> it(impl_->store->db->NewIterator(ro, impl_->store->cf(FamilyCf(family))));
  for (it->Seek(rocksdb::Slice(full.data(), full.size())); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(full)) break;
    if (!visit(impl_->Unkey(family, k), std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan");
  return OkStatus();
}

// ---- Monitoring (ops metrics) ----------------------------------------------------------------
Result<std::vector<Store::Property>> Store::Properties() {
  static const char* const kPerFamily[] = {
      "rocksdb.estimate-num-keys",     "rocksdb.total-sst-files-size",
      "rocksdb.live-sst-files-size",   "rocksdb.estimate-live-data-size",
      "rocksdb.cur-size-all-mem-tables", "rocksdb.estimate-pending-compaction-bytes",
      "rocksdb.num-immutable-mem-table",
  };
  static const char* const kDatabase[] = {
      "rocksdb.block-cache-usage",      "rocksdb.block-cache-pinned-usage", "rocksdb.block-cache-capacity",
      "rocksdb.num-running-compactions", "rocksdb.num-running-flushes",      "rocksdb.background-errors",
      "rocksdb.is-write-stopped",       "rocksdb.actual-delayed-write-rate",
  };
  if (!impl_->db) return Error::Unavailable("the database is closed");
  std::vector<Property> out;
  out.reserve(kCfCount * std::size(kPerFamily) + std::size(kDatabase));
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kCfCount && i < impl_->handles.size(); ++i) {
    for (const char* name : kPerFamily) {
      if (impl_->db->GetIntProperty(impl_->handles[i], name, &value)) out.push_back({name, kCfNames[i], value});
    }
  }
  // Every family shares one block cache, so the default family's figures are the database's.
  for (const char* name : kDatabase) {
    if (impl_->db->GetIntProperty(impl_->handles[kDefault], name, &value)) out.push_back({name, {}, value});
  }
  return out;
}

}  // namespace lrsd::store
