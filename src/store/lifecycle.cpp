// Backup and restore of the whole database with RocksDB's BackupEngine.
#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_set>

#include "store/impl.h"
#include "store/keys.h"

namespace lrsd::store {
namespace {

namespace fs = std::filesystem;

Store::BackupInfo FromRocks(const rocksdb::BackupInfo& info) {
  return {info.backup_id, info.timestamp, info.size, info.number_files};
}

rocksdb::BackupEngineOptions EngineOptions(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  // Each backup file is synced, and the table files shared between backups are named by their
  // checksum and size, so a file is never reused for different content.
  options.sync = true;
  options.share_files_with_checksum = true;
  options.max_background_operations = 2;
  return options;
}

}  // namespace

Result<Store::BackupInfo> Store::Backup(const std::string& backup_dir) {
  if (!impl_->db) return Error::Unavailable("the database is closed");
  std::error_code ec;
  fs::create_directories(backup_dir, ec);
  if (ec) return Error::Internal("cannot create the backup directory " + backup_dir + ": " + ec.message());
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::Status s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(), EngineOptions(backup_dir), &raw);
  if (!s.ok()) return internal::FromRocks(s, "open the backup directory " + backup_dir);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  // The WAL is backed up too, but flushing first makes the backup self-contained in table files
  // and restores faster.
  create.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackup(create, impl_->db.get(), &id);
  if (!s.ok()) return internal::FromRocks(s, "backup");
  s = engine->VerifyBackup(id);
  if (!s.ok()) return internal::FromRocks(s, "verify backup " + std::to_string(id));
  rocksdb::BackupInfo info;
  s = engine->GetBackupInfo(id, &info);
  if (!s.ok()) return internal::FromRocks(s, "backup info");
  return FromRocks(info);
}

Result<std::vector<Store::BackupInfo>> Store::ListBackups(const std::string& backup_dir) {
  if (!fs::is_directory(backup_dir)) return Error::NotFound("no backup directory " + backup_dir);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::Status s = rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(), EngineOptions(backup_dir), &raw);
  if (!s.ok()) return internal::FromRocks(s, "open the backup directory " + backup_dir);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const auto& info : infos) out.push_back(FromRocks(info));
  return out;
}

Status Store::Restore(const std::string& backup_dir, const std::string& db_path, std::optional<std::uint32_t> id) {
  if (!fs::is_directory(backup_dir)) return Error::NotFound("no backup directory " + backup_dir);
  std::error_code ec;
  if (fs::exists(db_path, ec) && !fs::is_empty(db_path, ec)) {
    return Error::Conflict("the target " + db_path + " is not empty: restore into a new data directory");
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::Status s = rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(), EngineOptions(backup_dir), &raw);
  if (!s.ok()) return internal::FromRocks(s, "open the backup directory " + backup_dir);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Error::NotFound("no backup in " + backup_dir);
  const rocksdb::BackupID chosen = id ? *id : infos.back().backup_id;
  bool known = false;
  for (const auto& info : infos) known = known || info.backup_id == chosen;
  if (!known) return Error::NotFound("no backup " + std::to_string(chosen) + " in " + backup_dir);
  // Checksums of every file, before anything is written.
  s = engine->VerifyBackup(chosen, /*verify_with_checksum=*/true);
  if (!s.ok()) return internal::FromRocks(s, "verify backup " + std::to_string(chosen));
  fs::create_directories(db_path, ec);
  if (ec) return Error::Internal("cannot create " + db_path + ": " + ec.message());
  s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen, db_path, db_path);
  if (!s.ok()) return internal::FromRocks(s, "restore backup " + std::to_string(chosen));
  return OkStatus();
}

}  // namespace lrsd::store

// ---- Erasure ----------------------------------------------------------------------------------
namespace lrsd::store {
namespace {

struct Record {
  std::uint64_t seq = 0;
  std::vector<IndexEntry> keys;
  std::optional<Uuid> ref_target;
};

Result<std::optional<Record>> ReadRecord(Store::Impl& im, std::string_view id_key) {
  auto raw = im.GetRaw(kStatements, id_key);
  if (!raw.ok()) return std::move(raw).error();
  if (!raw->has_value()) return std::optional<Record>();
  auto header = keys::DecodeRecordHeader(**raw);
  if (!header) return Error::Internal("corrupt statement record");
  return std::optional<Record>(Record{header->seq, std::move(header->keys), header->ref_target});
}

void AddUnique(std::vector<IndexEntry>& out, const std::vector<IndexEntry>& more) {
  for (const auto& e : more) {
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
}

// The own keys of every statement a StatementRef chain starting at `start` reaches (what a
// statement targeting `start` inherits), as AppendStatements computed them.
Result<std::vector<IndexEntry>> ChainKeys(Store::Impl& im, std::optional<Uuid> next) {
  std::vector<IndexEntry> out;
  for (int depth = 0; next && depth < kMaxRefDepth; ++depth) {
    auto record = ReadRecord(im, UuidBytes(*next));
    if (!record.ok()) return std::move(record).error();
    if (!record->has_value()) break;
    AddUnique(out, (*record)->keys);
    next = (*record)->ref_target;
  }
  return out;
}

}  // namespace

Result<std::uint64_t> Store::EraseStatements(const std::vector<Uuid>& ids) {
  Impl& im = *impl_;
  // The same stripes AppendStatements takes for these ids (as statements, StatementRef targets
  // and voiding targets): a concurrent append that refers to or voids one of them is serialised
  // with its erasure.
  std::vector<std::size_t> stripes;
  for (const auto& id : ids) stripes.push_back(Impl::Stripe(UuidBytes(id)));
  Impl::StripeLocks locks(im, stripes);

  rocksdb::WriteBatch batch;
  auto delete_index = [&](const IndexEntry& e, std::uint64_t seq) {
    batch.Delete(im.cf(kIndex), keys::IndexKey(e.kind, e.key, seq));
  };
  std::uint64_t erased = 0;
  for (const auto& id : ids) {
    const std::string id_key(UuidBytes(id));
    auto record = ReadRecord(im, id_key);
    if (!record.ok()) return std::move(record).error();
    if (!record->has_value()) continue;
    const Record& r = **record;
    ++erased;
    batch.Delete(im.cf(kStatements), id_key);
    batch.Delete(im.cf(kSpine), keys::SeqKey(r.seq));

    // Its own and inherited index entries.
    auto inherited = ChainKeys(im, r.ref_target);
    if (!inherited.ok()) return std::move(inherited).error();
    std::vector<IndexEntry> entries = r.keys;
    AddUnique(entries, *inherited);
    for (const auto& e : entries) delete_index(e, r.seq);
    if (r.ref_target) batch.Delete(im.cf(kRefs), keys::RefKey(*r.ref_target, r.seq));

    // Statements referring to it (directly or through a chain) inherited its keys: take those
    // away, except the keys each of them owns itself or through the part of its chain before
    // this statement. Its refs stay, so that a statement stored again with this id is inherited
    // from again as AppendStatements does for a late target.
    std::vector<IndexEntry> from_here = r.keys;
    AddUnique(from_here, *inherited);
    struct Pending {
      Uuid id;
      std::vector<IndexEntry> kept;  // keys of the chain between it and the erased statement
    };
    std::vector<Pending> frontier = {{id, {}}};
    std::unordered_set<std::string> visited = {id_key};
    std::size_t visits = 0;
    for (int depth = 0; depth < kMaxRefDepth && !frontier.empty(); ++depth) {
      std::vector<Pending> next;
      for (const auto& target : frontier) {
        rocksdb::ReadOptions ro;
        std::unique_ptr<rocksdb::Iterator> it(im.db->NewIterator(ro, im.cf(kRefs)));
        const std::string prefix(UuidBytes(target.id));
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && visits < kMaxLateReferrers; it->Next()) {
          if (it->key().size() < 24 || it->value().size() < 16) continue;
          const std::uint64_t ref_seq = ReadBigEndian64(std::string_view(it->key().data() + 16, 8));
          Uuid ref_id;
          std::memcpy(ref_id.data(), it->value().data(), 16);
          if (!visited.insert(std::string(UuidBytes(ref_id))).second) continue;
          ++visits;
          auto referrer = ReadRecord(im, UuidBytes(ref_id));
          if (!referrer.ok()) return std::move(referrer).error();
          if (!referrer->has_value()) continue;
          std::vector<IndexEntry> kept = target.kept;
          AddUnique(kept, (*referrer)->keys);
          for (const auto& e : from_here) {
            if (std::find(kept.begin(), kept.end(), e) == kept.end()) delete_index(e, ref_seq);
          }
          next.push_back({ref_id, std::move(kept)});
        }
        if (!it->status().ok()) return internal::FromRocks(it->status(), "read refs");
      }
      frontier = std::move(next);
    }

    // Voided: the mark goes with it (the mark of a target it voided stays: IsVoided treats a
    // mark whose voiding statement is gone as voided).
    auto mark = im.GetRaw(kVoided, id_key);
    if (!mark.ok()) return std::move(mark).error();
    const bool voided = mark->has_value();
    if (voided) batch.Delete(im.cf(kVoided), id_key);

    // Its learning-profile contribution, in every generation that holds it (a rebuild running
    // now may already have copied it into the generation it builds).
    if (im.options.expand_contribution) {
      std::vector<int> gens = {im.active_gen.load()};
      if (const int building = im.building_gen.load(); building >= 0) gens.push_back(building);
      for (int gen : gens) {
        const std::string contribution_key = Impl::GenKey(gen, kContributionPrefix + id_key);
        auto c = im.GetRaw(kProfiles, contribution_key);
        if (!c.ok()) return std::move(c).error();
        if (!c->has_value()) continue;
        if (!voided) {
          for (const ProfileOp& op : im.options.expand_contribution(**c, -1)) {
            const std::string key = Impl::GenKey(gen, op.key);
            switch (op.kind) {
              case ProfileOp::Kind::kMerge: batch.Merge(im.cf(kProfiles), key, op.value); break;
              case ProfileOp::Kind::kPut: batch.Put(im.cf(kProfiles), key, op.value); break;
              case ProfileOp::Kind::kDelete: batch.Delete(im.cf(kProfiles), key); break;
            }
          }
        }
        batch.Delete(im.cf(kProfiles), contribution_key);
      }
    }
  }
  if (batch.Count() == 0) return erased;
  auto s = im.db->Write(im.write_options, &batch);
  if (!s.ok()) return internal::FromRocks(s, "erase statements");
  return erased;
}

}  // namespace lrsd::store
