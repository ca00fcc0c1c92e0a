// The RocksDB options of lrsd's database, in one place: the store opens with them and the raw
// RocksDB benchmark reference (benchmarks/raw_rocksdb.cpp) measures with exactly the same ones.
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <thread>

#include "store/impl.h"
#include "store/keys.h"

namespace lrsd::store::internal {

namespace {

rocksdb::DBOptions DbOptions() {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // At least 4 jobs, i.e. 1 flush and 3 compactions: with 2 (1 compaction), one long compaction
  // of the statements family at millions of statements left small families' level-0 files
  // piling up (the spine's reached the slowdown trigger: ingest fell to ~5k st/s near 3M).
  db_options.max_background_jobs = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  db_options.max_total_wal_size = 256u << 20;
  // Not pipelined: with WAL sync, the separate WAL and memtable writer groups cost extra
  // thread hand-offs; without, single-statement POSTs took ~17% less CPU at the same rate.
  db_options.enable_pipelined_write = false;
  // The write group's leader inserts every batch of the group itself, which lets the index and
  // the spine use insertion hints (below): measured 16.5k vs 13.9k statements/s batched.
  db_options.allow_concurrent_memtable_write = false;

  return db_options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(const std::shared_ptr<rocksdb::Cache>& cache,
                                                               std::shared_ptr<rocksdb::MergeOperator> profile_merge) {
  auto table_options = [&](int bloom_bits, bool whole_key_filtering) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.cache_index_and_filter_blocks = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    // Partitioned indexes and filters: an SST file's filter is megabytes, and with a block
    // cache smaller than the store's filters (10M statements carry ~200 MB of them) a miss
    // read and checksummed the whole filter for one lookup (perf: _copy_to_iter and XXH3 of
    // long inputs, a fifth of a query page). Partitions are read 4 KB at a time; the small
    // top-level index of each file stays pinned.
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = true;
    t.metadata_block_size = 4096;
    t.pin_top_level_index_and_filter = true;
    t.whole_key_filtering = whole_key_filtering;
    t.format_version = 5;
    // Block checksums: Debian's RocksDB computes CRC32C without the SSE4.2 instruction
    // (Slow_CRC32 in ingest profiles); XXH3 is fast on any x86-64. Files written before keep
    // their CRC32C and are still verified with it.
    t.checksum = rocksdb::kXXH3;
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
    // Memtables share one budget (the write buffer manager flushes the oldest when it is
    // full), so families that grow slowly, like the spine, flush small files often; more
    // level-0 room before slowing writes absorbs the bursts while compactions catch up.
    o.level0_slowdown_writes_trigger = 40;
    o.level0_stop_writes_trigger = 64;
    // The index family is scanned by (kind, key) prefix and probed by whole keys of that same
    // prefix: a prefix filter serves both, and whole keys would double its size.
    o.table_factory.reset(table_options(10, /*whole_key_filtering=*/i != kIndex));
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
    } else if (i == kStatements || i == kVoided) {
      // No ZSTD dictionary for statements, though it made the family 36% smaller: Debian's
      // RocksDB/zstd digest the dictionary again for every block read (ZSTD_createDCtx was 10%
      // of a query page's CPU, perf), which made query pages three times slower.
      // Reads look statements up by id at random: most ids are not in the memtable, and a
      // whole-key bloom filter says so without a skiplist search (which was 18% of a query
      // page's CPU on 1M statements, perf).
      o.memtable_whole_key_filtering = true;
      o.memtable_prefix_bloom_size_ratio = 0.02;
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

}  // namespace

DatabaseConfig DatabaseOptions(std::size_t memory_bytes, std::size_t memtable_bytes,
                               std::shared_ptr<rocksdb::MergeOperator> profile_merge) {
  DatabaseConfig config;
  // One budget for RocksDB's memory: 13 families with their own 64 MB memtables (x2 while one
  // flushes) and a separate cache could take well over a gigabyte. Charging the memtables to
  // the block cache bounds the sum; the write buffer manager flushes the oldest memtable once
  // they hold `memtable_bytes` between them.
  memory_bytes = std::max<std::size_t>(memory_bytes, 16u << 20);
  memtable_bytes = std::clamp<std::size_t>(memtable_bytes, 4u << 20, memory_bytes / 2);
  auto cache = rocksdb::NewLRUCache(memory_bytes);
  config.db = DbOptions();
  config.db.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(memtable_bytes, cache);
  config.families = FamilyDescriptors(cache, std::move(profile_merge));
  return config;
}

}  // namespace lrsd::store::internal
