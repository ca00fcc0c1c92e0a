// Store key and record encodings (src/store/keys.cpp): byte order equals numeric order, index
// keys group by (kind, key), and statement records round-trip and reject truncation.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "store/keys.h"

namespace lrsd::store::keys {
namespace {

using namespace std::string_literals;

TEST(Keys, SeqKeysSortNumerically) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    EXPECT_EQ(a < b, SeqKey(a) < SeqKey(b));
    EXPECT_EQ(SeqKey(a).size(), 8u);
    EXPECT_EQ(ReadBigEndian64(SeqKey(a)), a);
  }
}

TEST(Keys, IndexKeysGroupByKindAndKeyThenSortBySeq) {
  std::string k1 = IndexKey(4, "http://a", 100), k2 = IndexKey(4, "http://a", 101), k3 = IndexKey(4, "http://a", 1u << 20);
  EXPECT_EQ(k1.size(), kIndexPrefixSize + 8);
  EXPECT_EQ(k1.substr(0, kIndexPrefixSize), k2.substr(0, kIndexPrefixSize));
  EXPECT_LT(k1, k2);
  EXPECT_LT(k2, k3);
  EXPECT_EQ(k1[0], '\x04');
  EXPECT_NE(IndexKey(3, "http://a", 100).substr(0, kIndexPrefixSize), k1.substr(0, kIndexPrefixSize));
  EXPECT_NE(IndexKey(4, "http://b", 100).substr(0, kIndexPrefixSize), k1.substr(0, kIndexPrefixSize));
  EXPECT_EQ(ReadBigEndian64(std::string_view(k1).substr(kIndexPrefixSize)), 100u);
  // The value keeps the full key, which is how hash collisions are told apart.
  Uuid id = NewUuid();
  std::string v = IndexValue(id, "http://a");
  EXPECT_EQ(v.substr(0, 16), std::string(UuidBytes(id)));
  EXPECT_EQ(v.substr(16), "http://a");
}

TEST(Keys, RefKeysGroupByTarget) {
  Uuid t = NewUuid();
  std::string a = RefKey(t, 5), b = RefKey(t, 6);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a.substr(0, 16), std::string(UuidBytes(t)));
  EXPECT_LT(a, b);
}

TEST(Keys, ComparisonHashIsStableAndDiscriminates) {
  EXPECT_EQ(ComparisonHash("{\"a\":1}"), ComparisonHash("{\"a\":1}"));
  EXPECT_NE(ComparisonHash("{\"a\":1}"), ComparisonHash("{\"a\":2}"));
  EXPECT_NE(ComparisonHash(""), ComparisonHash("\0"s));
  // The first 8 bytes of SHA-256, big-endian: persisted in records, so it must not change.
  EXPECT_EQ(ComparisonHash(""), 0xe3b0c44298fc1c14ull);
}

StatementWrite Sample(bool with_ref, bool voids) {
  StatementWrite s;
  s.id = NewUuid();
  s.seq = 1700000000123456;
  s.json = R"({"id":"x","verb":{"id":"http://v"}})";
  s.comparison = "cmp";
  s.keys = {{1, "mbox:mailto:a@b"}, {4, "http://a"}, {6, ""}, {7, "bin\0ary"s}};
  if (with_ref) s.ref_target = NewUuid();
  if (voids) s.voids = s.ref_target;
  return s;
}

TEST(Records, RoundTrip) {
  for (bool with_ref : {false, true}) {
    for (bool voids : {false, true}) {
      if (voids && !with_ref) continue;
      StatementWrite s = Sample(with_ref, voids);
      std::string record = EncodeRecord(s);
      auto h = DecodeRecordHeader(record);
      ASSERT_TRUE(h);
      EXPECT_EQ(h->seq, s.seq);
      EXPECT_EQ(h->comparison_hash, ComparisonHash(s.comparison));
      EXPECT_EQ(h->keys, s.keys);
      EXPECT_EQ(h->ref_target, s.ref_target);
      EXPECT_EQ(h->voids, voids);
      EXPECT_EQ(record.substr(h->json_offset), s.json);
    }
  }
  StatementWrite empty;
  auto h = DecodeRecordHeader(EncodeRecord(empty));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->keys.empty());
  EXPECT_FALSE(h->ref_target);
  EXPECT_EQ(h->json_offset, EncodeRecord(empty).size());
}

TEST(Records, TruncatedOrForeignRecordsAreRejected) {
  std::string record = EncodeRecord(Sample(true, true));
  auto full = DecodeRecordHeader(record);
  ASSERT_TRUE(full);
  // Any cut inside the header is detected (the JSON after it may be any length).
  for (std::size_t n = 0; n < full->json_offset; ++n) {
    EXPECT_FALSE(DecodeRecordHeader(std::string_view(record).substr(0, n))) << n;
  }
  std::string other = record;
  other[0] = 9;  // unknown format
  EXPECT_FALSE(DecodeRecordHeader(other));
  // A key count far beyond the data.
  std::string huge = EncodeRecord(StatementWrite{});
  huge[1 + 8 + 8 + 1] = '\x7f';
  EXPECT_FALSE(DecodeRecordHeader(huge));
  // Random bytes never crash the decoder.
  std::mt19937 rng(4);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (!bytes.empty()) bytes[0] = 1;
    (void)DecodeRecordHeader(bytes);
  }
}

}  // namespace
}  // namespace lrsd::store::keys
