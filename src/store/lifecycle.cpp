// Backup and restore of the whole database with RocksDB's BackupEngine.
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>

#include "store/impl.h"

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
