// The RocksDB options of lrsd's database, in one place: the store opens with them and the raw
// RocksDB benchmark reference (benchmarks/raw_rocksdb.cpp) measures with exactly the same ones.
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>

#include <algorithm>
#include <thread>

#include "store/impl.h"
#include "store/keys.h"

namespace lrsd::store::internal {

rocksdb::DBOptions DatabaseOptions() {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  db_options.max_total_wal_size = 256u << 20;
  db_options.enable_pipelined_write = true;
  // The write group's leader inserts every batch of the group itself, which lets the index and
  // the spine use insertion hints (below): measured 16.5k vs 13.9k statements/s batched.
  db_options.allow_concurrent_memtable_write = false;

  return db_options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(std::size_t block_cache_bytes,
                                                               std::shared_ptr<rocksdb::MergeOperator> profile_merge) {
  auto cache = rocksdb::NewLRUCache(block_cache_bytes);
  auto table_options = [&](int bloom_bits) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.cache_index_and_filter_blocks = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    t.format_version = 5;
    if (bloom_bits > 0) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(bloom_bits));
    return rocksdb::NewBlockBasedTableFactory(t);
  };
  auto supported = rocksdb::GetSupportedCompressions();
  auto has = [&](rocksdb::CompressionType c) { return std::find(supported.begin(), supported.end(), c) != supported.end(); };
  rocksdb::CompressionType compression = has(rocksdb::kLZ4Compression) ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
  rocksdb::CompressionType bottom = has(rocksdb::kZSTD) ? rocksdb::kZSTD : compression;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t i = 0; i < kCfCount; ++i) {
    rocksdb::ColumnFamilyOptions o;
    o.compression = compression;
    o.bottommost_compression = bottom;
    o.level_compaction_dynamic_level_bytes = true;
    o.table_factory.reset(table_options(10));
    if (i == kIndex) {
      // Scans stay within one (kind, key hash) prefix; the prefix bloom makes them cheap.
      o.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(keys::kIndexPrefixSize));
      // Within one (kind, key) prefix, sequences arrive in increasing order: insert after the
      // previous entry of the prefix instead of searching the whole skiplist.
      o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(keys::kIndexPrefixSize));
      o.memtable_prefix_bloom_size_ratio = 0.05;
    } else if (i == kRefs) {
      o.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(16));
      o.memtable_prefix_bloom_size_ratio = 0.05;
    } else if (i == kSpine) {
      o.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));  // sequential
    } else if (i == kProfiles) {
      o.merge_operator = profile_merge;
      // Profile reads touch many small records spread over the history; with ZSTD at the bottom
      // level, decompressing their blocks took ~78% of a cold person-profile read on 1M
      // statements (perf). LZ4 decompresses several times faster.
      o.bottommost_compression = compression;
    }
    descriptors.emplace_back(kCfNames[i], o);
  }
  return descriptors;
}

}  // namespace lrsd::store::internal
