// Backups and restores of the store (src/store/lifecycle.cpp): incremental backups of a store that
// keeps being written, listing them, restoring a chosen one into a new directory, refusals.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "lrsd/store.h"

namespace lrsd::store {
namespace {

namespace fs = std::filesystem;

std::string MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "lrsd_backup_test_XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

struct TempDir {
  std::string path = MakeTempDir();
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::unique_ptr<Store> OpenAt(const std::string& path) {
  Options o;
  o.path = path;
  o.memory_bytes = 16u << 20;
  auto store = Store::Open(o);
  if (!store.ok()) throw std::runtime_error(store.error().ToString());
  return std::move(store).value();
}

TEST(Backup, IncrementalBackupsRestoreTheStateEachWasTakenIn) {
  TempDir dir;
  const std::string db = dir.path + "/db", backups = dir.path + "/backups";
  {
    auto store = OpenAt(db);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(store->Put(Family::kDocuments, "doc/" + std::to_string(i), "v1").ok());
    auto first = store->Backup(backups);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    EXPECT_EQ(first->id, 1u);
    EXPECT_GT(first->files, 0u);
    EXPECT_GT(first->bytes, 0u);
    // Written after the first backup (the memtable, not yet flushed): only in the second.
    ASSERT_TRUE(store->Put(Family::kDocuments, "doc/after", "v2").ok());
    ASSERT_TRUE(store->Delete(Family::kDocuments, "doc/0").ok());
    auto second = store->Backup(backups);
    ASSERT_TRUE(second.ok()) << second.error().ToString();
    EXPECT_EQ(second->id, 2u);
  }
  auto list = Store::ListBackups(backups);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, 1u);
  EXPECT_EQ((*list)[1].id, 2u);
  EXPECT_GT((*list)[1].created, 0);

  const std::string restored1 = dir.path + "/restored1/db", latest = dir.path + "/latest/db";
  ASSERT_TRUE(Store::Restore(backups, restored1, 1u).ok());
  ASSERT_TRUE(Store::Restore(backups, latest, std::nullopt).ok());
  {
    auto store = OpenAt(restored1);
    EXPECT_EQ(store->Get(Family::kDocuments, "doc/0").value(), std::optional<std::string>("v1"));
    EXPECT_EQ(store->Get(Family::kDocuments, "doc/99").value(), std::optional<std::string>("v1"));
    EXPECT_FALSE(store->Get(Family::kDocuments, "doc/after").value().has_value());
  }
  {
    auto store = OpenAt(latest);
    EXPECT_FALSE(store->Get(Family::kDocuments, "doc/0").value().has_value());
    EXPECT_EQ(store->Get(Family::kDocuments, "doc/after").value(), std::optional<std::string>("v2"));
  }
}

TEST(Backup, RestoreRefusesAnExistingDatabaseAndUnknownBackups) {
  TempDir dir;
  const std::string db = dir.path + "/db", backups = dir.path + "/backups";
  {
    auto store = OpenAt(db);
    ASSERT_TRUE(store->Put(Family::kMeta, "k", "v").ok());
    ASSERT_TRUE(store->Backup(backups).ok());
  }
  auto over = Store::Restore(backups, db, std::nullopt);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().status, 409);
  auto unknown = Store::Restore(backups, dir.path + "/other", 7u);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().status, 404);
  auto missing = Store::Restore(dir.path + "/nothing-here", dir.path + "/other", std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(Store::ListBackups(dir.path + "/nothing-here").error().status, 404);
  // The refused restore left the original intact.
  auto store = OpenAt(db);
  EXPECT_EQ(store->Get(Family::kMeta, "k").value(), std::optional<std::string>("v"));
}

}  // namespace
}  // namespace lrsd::store
