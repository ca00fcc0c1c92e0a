// Key and record encodings of the store's column families. Big-endian integers so that byte
// order is numeric order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/store.h"

namespace lrsd::store::keys {

// index: kind(1) | xxh3(key)(8) | seq(8)
constexpr std::size_t kIndexPrefixSize = 9;

std::string SeqKey(std::uint64_t seq);
std::string IndexKey(std::uint8_t kind, std::string_view key, std::uint64_t seq);
// index value: statement uuid(16) | the full key (guards against hash collisions)
std::string IndexValue(const Uuid& id, std::string_view key);
// refs: target uuid(16) | referrer seq(8)
std::string RefKey(const Uuid& target, std::uint64_t referrer_seq);

std::uint64_t ComparisonHash(std::string_view comparison);

// Statement record: a header (format, seq, comparison hash, own index keys, StatementRef
// target, voiding flag) followed by the statement JSON.
std::string EncodeRecord(const StatementWrite& s);
struct RecordHeader {
  std::uint64_t seq = 0;
  std::uint64_t comparison_hash = 0;
  std::vector<IndexEntry> keys;
  std::optional<Uuid> ref_target;
  bool voids = false;
  std::size_t json_offset = 0;
};
std::optional<RecordHeader> DecodeRecordHeader(std::string_view record);
// Only the sequence and where the JSON starts, without copying the header's index keys: what
// reading a statement needs (query pages read a hundred of them).
struct RecordPosition {
  std::uint64_t seq = 0;
  std::size_t json_offset = 0;
};
std::optional<RecordPosition> DecodeRecordPosition(std::string_view record);

}  // namespace lrsd::store::keys
