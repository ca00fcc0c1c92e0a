// lrsd store (src/store/): opening and locking, sequences and the consistent-through
// watermark, atomic statement appends (conflicts, voiding, StatementRef inheritance in either
// arrival order), read views and scans, the small key/value families, durability across
// reopen and crash, and concurrency.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrsd/store.h"

namespace lrsd::store {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

std::string MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "lrsd_store_test_XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

class TempDir {
 public:
  TempDir() : path_(MakeTempDir()) {}
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Options FastOptions(const std::string& path) {
  Options o;
  o.path = path;
  o.sync = false;
  o.memory_bytes = 16u << 20;
  return o;
}

constexpr std::uint8_t kAgentKind = 1, kVerbKind = 3, kActivityKind = 4;

// Most tests share one store (opening one costs ~0.3 s under the sanitizers); index keys made
// with these helpers carry the running test's name so that tests never see each other's.
std::string g_key_prefix;
IndexEntry Activity(std::string id) { return {kActivityKind, g_key_prefix + id}; }
IndexEntry Verb(std::string id) { return {kVerbKind, g_key_prefix + id}; }

StatementWrite Statement(const Uuid& id, std::vector<IndexEntry> keys = {}, std::string body = {}) {
  StatementWrite s;
  s.id = id;
  if (body.empty()) body = "{\"id\":\"" + FormatUuid(id) + "\"}";
  s.json = body;
  s.comparison = body;
  s.keys = std::move(keys);
  return s;
}

StatementWrite RefTo(const Uuid& id, const Uuid& target, std::vector<IndexEntry> keys = {}) {
  StatementWrite s = Statement(id, std::move(keys));
  s.ref_target = target;
  return s;
}

StatementWrite Voiding(const Uuid& id, const Uuid& target) {
  StatementWrite s = RefTo(id, target, {Verb("http://adlnet.gov/expapi/verbs/voided")});
  s.voids = target;
  return s;
}

class StoreTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_dir_ = new TempDir;
    auto opened = Store::Open(FastOptions(shared_dir_->path()));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    shared_ = std::move(opened).value().release();
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
    delete shared_dir_;
    shared_dir_ = nullptr;
  }
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    g_key_prefix = std::string(info->name()) + "/";
    store_ = shared_;
    ASSERT_NE(store_, nullptr);
    // Every sequence reserved from now on is above this: scans from start_ + 1 see only
    // this test's statements.
    start_ = store_->ConsistentThrough();
  }

  static inline TempDir* shared_dir_ = nullptr;
  static inline Store* shared_ = nullptr;
  Store* store_ = nullptr;
  std::uint64_t start_ = 0;

  // Appends with fresh sequences (in input order) unless a statement already has one.
  Result<AppendResult> Append(std::vector<StatementWrite> statements, std::vector<AttachmentWrite> attachments = {}) {
    SequenceReservation r = store_->ReserveSequence(statements.size());
    std::uint64_t next = r.first();
    for (auto& s : statements) {
      if (s.seq == 0) s.seq = next++;
    }
    return store_->AppendStatements(std::move(statements), std::move(attachments));
  }
  void MustAppend(std::vector<StatementWrite> statements) {
    auto r = Append(std::move(statements));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  std::uint64_t MustAppendOne(StatementWrite s) {
    SequenceReservation r = store_->ReserveSequence(1);
    s.seq = r.first();
    auto result = store_->AppendStatements({s}, {});
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    return r.first();
  }

  std::optional<StoredStatement> Get(const Uuid& id) {
    auto view = store_->Read();
    auto got = view.GetStatement(id);
    EXPECT_TRUE(got.ok());
    return got.ok() ? *got : std::nullopt;
  }
  bool Voided(const Uuid& id) {
    auto view = store_->Read();
    auto v = view.IsVoided(id);
    EXPECT_TRUE(v.ok());
    return v.ok() && *v;
  }
  std::vector<Uuid> ScanIndex(const IndexEntry& e, bool ascending = true, std::uint64_t lo = 0,
                              std::uint64_t hi = UINT64_MAX) {
    std::vector<Uuid> out;
    auto view = store_->Read();
    auto st = view.ScanIndex(e, lo, hi, ascending, [&](std::uint64_t, const Uuid& id) {
      out.push_back(id);
      return true;
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
  std::set<Uuid> IndexSet(const IndexEntry& e) {
    auto v = ScanIndex(e);
    return {v.begin(), v.end()};
  }
  // This test's statements (see start_), or those within [lo, hi].
  std::vector<std::pair<std::uint64_t, Uuid>> ScanAll(bool ascending, std::optional<std::uint64_t> lo_or_start = {},
                                                      std::uint64_t hi = UINT64_MAX) {
    const std::uint64_t lo = lo_or_start.value_or(start_ + 1);
    std::vector<std::pair<std::uint64_t, Uuid>> out;
    auto view = store_->Read();
    auto st = view.ScanAll(lo, hi, ascending, [&](std::uint64_t seq, const Uuid& id) {
      out.emplace_back(seq, id);
      return true;
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
};

// Tests that reopen the store, change its options or count whole families get their own.
class FreshStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Open();
  }
  void Open(Options o) {
    own_.reset();
    auto opened = Store::Open(std::move(o));
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    own_ = std::move(opened).value();
    store_ = own_.get();
    start_ = 0;
  }
  void Open() { Open(FastOptions(dir_.path())); }
  void Close() {
    own_.reset();
    store_ = nullptr;
  }
  void Reopen() {
    Close();
    Open();
  }
  // Sync on (the production default; the shared store runs without it for speed).
  void ReopenWithSync() {
    Close();
    Options o = FastOptions(dir_.path());
    o.sync = true;
    Open(o);
  }

  TempDir dir_;
  std::unique_ptr<Store> own_;
};

// ---- Open, lock, durability -------------------------------------------------------------------
TEST_F(FreshStoreTest, ReopenKeepsEverythingAcknowledged) {
  Uuid a = NewUuid(), b = NewUuid(), v = NewUuid();
  std::uint64_t seq_a = MustAppendOne(Statement(a, {Activity("http://x/1")}, R"({"a":1})"));
  MustAppend({Statement(b, {Activity("http://x/1")}), Voiding(v, b)});
  ASSERT_TRUE(store_->Put(Family::kMeta, "schema", "1").ok());
  ASSERT_TRUE(store_->Put(Family::kCredentials, "key", "cred").ok());
  ASSERT_TRUE(Append({}, {{"sha", "bytes"}}).ok());
  Reopen();
  auto got = Get(a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->json, R"({"a":1})");
  EXPECT_EQ(got->seq, seq_a);
  EXPECT_EQ(got->id, a);
  EXPECT_FALSE(got->voided);
  EXPECT_TRUE(Voided(b));
  EXPECT_TRUE(Get(b)->voided);
  EXPECT_EQ(IndexSet(Activity("http://x/1")), (std::set<Uuid>{a, b, v}));
  EXPECT_EQ(store_->Get(Family::kMeta, "schema")->value_or(""), "1");
  EXPECT_EQ(store_->Get(Family::kCredentials, "key")->value_or(""), "cred");
  EXPECT_EQ(store_->Get(Family::kAttachments, "sha")->value_or(""), "bytes");
  // Families are separate namespaces.
  EXPECT_FALSE(store_->Get(Family::kDocuments, "key")->has_value());
}

TEST_F(FreshStoreTest, FlushThenReopenWithSync) {
  ReopenWithSync();
  Uuid a = NewUuid();
  MustAppendOne(Statement(a));
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE(store_->Flush().ok());  // idempotent
  Reopen();
  EXPECT_TRUE(Get(a));
}

// AppendWait::kNoWait (requests handled on a network thread): written at once, durable later,
// reported through WhenDurable; given up before writing when it would have to wait.
TEST_F(FreshStoreTest, NoWaitAppendsReportDurabilityThroughACallback) {
  ReopenWithSync();
  Uuid a = NewUuid();
  SequenceReservation r = store_->ReserveSequence(1);
  StatementWrite s = Statement(a, {Activity("http://x/nowait")});
  s.seq = r.first();
  auto result = store_->AppendStatements({s}, {}, AppendWait::kNoWait);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_FALSE(result->would_block);
  EXPECT_EQ(result->stored, std::vector<bool>{true});
  ASSERT_GT(result->durable_ticket, 0u);  // sync on: there is a sync to wait for
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  bool ok = false;
  store_->WhenDurable(result->durable_ticket, [&](const Status& st) {
    std::lock_guard lock(mu);
    ++calls;
    ok = st.ok();
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return calls > 0; }));
    EXPECT_TRUE(ok);
  }
  // Once durable, asking again answers at once, on the calling thread.
  bool again = false;
  store_->WhenDurable(result->durable_ticket, [&](const Status& st) { again = st.ok(); });
  EXPECT_TRUE(again);
  EXPECT_EQ(calls, 1);

  // The same statement again: nothing to write, but it is acknowledged only once the write
  // that stored it is durable, so a ticket comes back too.
  SequenceReservation r2 = store_->ReserveSequence(1);
  s.seq = r2.first();
  auto repeat = store_->AppendStatements({s}, {}, AppendWait::kNoWait);
  ASSERT_TRUE(repeat.ok()) << repeat.error().ToString();
  EXPECT_EQ(repeat->stored, std::vector<bool>{false});
  EXPECT_FALSE(repeat->would_block);
  r = SequenceReservation();
  r2 = SequenceReservation();
  EXPECT_TRUE(Get(a));
}

TEST_F(FreshStoreTest, NoWaitAppendsThatWouldWaitWriteNothing) {
  // A large append takes its turn in arrival order (FifoTurn): never on a network thread.
  std::vector<StatementWrite> many;
  std::vector<Uuid> ids;
  SequenceReservation r = store_->ReserveSequence(200);
  for (int i = 0; i < 200; ++i) {
    ids.push_back(NewUuid());
    many.push_back(Statement(ids.back(), {Activity("http://x/many")}));
    many.back().seq = r.first() + i;
  }
  auto result = store_->AppendStatements(many, {}, AppendWait::kNoWait);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->would_block);
  EXPECT_EQ(result->durable_ticket, 0u);
  for (const auto& id : ids) EXPECT_FALSE(Get(id)) << FormatUuid(id);
  EXPECT_TRUE(ScanIndex(Activity("http://x/many")).empty());
  // The same call, allowed to wait, stores them all.
  auto blocking = store_->AppendStatements(many, {}, AppendWait::kBlocking);
  ASSERT_TRUE(blocking.ok()) << blocking.error().ToString();
  EXPECT_FALSE(blocking->would_block);
  r = SequenceReservation();
  EXPECT_EQ(ScanIndex(Activity("http://x/many")).size(), 200u);
}

TEST_F(FreshStoreTest, PendingDurabilityCallbacksRunBeforeTheStoreCloses) {
  ReopenWithSync();
  std::atomic<int> ok{0}, calls{0};
  std::vector<Uuid> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(NewUuid());
    SequenceReservation r = store_->ReserveSequence(1);
    StatementWrite s = Statement(ids.back());
    s.seq = r.first();
    auto result = store_->AppendStatements({s}, {}, AppendWait::kNoWait);
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    store_->WhenDurable(result->durable_ticket, [&](const Status& st) {
      ++calls;
      if (st.ok()) ++ok;
    });
  }
  Close();  // right away: the syncing thread finishes first
  EXPECT_EQ(calls.load(), 20);
  EXPECT_EQ(ok.load(), 20);
  Reopen();
  for (const auto& id : ids) EXPECT_TRUE(Get(id)) << FormatUuid(id);
}

TEST_F(FreshStoreTest, SecondOpenOfTheSamePathIsUnavailable) {
  auto second = Store::Open(FastOptions(dir_.path()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().status, 503);
  EXPECT_NE(second.error().message.find(dir_.path()), std::string::npos) << second.error().message;
  EXPECT_NE(second.error().message.find("in use by another"), std::string::npos) << second.error().message;
  // The first one still works, and once it is closed the path opens again.
  Uuid a = NewUuid();
  MustAppendOne(Statement(a));
  Close();
  auto third = Store::Open(FastOptions(dir_.path()));
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  auto view = (*third)->Read();
  EXPECT_TRUE(view.GetStatement(a)->has_value());
}

TEST(StoreOpen, OtherOpenFailuresAreNotReportedAsALock) {
  // A data path that cannot be a directory (a regular file is there). The path mentions
  // "blocks", which must not be mistaken for RocksDB's LOCK file.
  TempDir dir;
  std::string path = dir.path() + "/blocks";
  std::ofstream(path) << "not a directory";
  auto opened = Store::Open(FastOptions(path));
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().status, 503) << opened.error().ToString();
  EXPECT_EQ(opened.error().message.find("in use by another"), std::string::npos) << opened.error().ToString();
  EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().ToString();
}

// A process that dies right after an acknowledged append (no close, no flush) loses nothing.
TEST(StoreCrash, AcknowledgedAppendSurvivesProcessExit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  g_key_prefix = "crash/";
  const char* inherited = std::getenv("LRSD_STORE_CRASH_DIR");
  std::optional<TempDir> own;
  std::string path;
  if (inherited) {
    path = inherited;  // the re-executed death-test child
  } else {
    own.emplace();
    path = own->path();
    setenv("LRSD_STORE_CRASH_DIR", path.c_str(), 1);
  }
  auto id = *ParseUuid("6f0b5b4e-9a43-4a8e-9d55-3b0c9f2f8a01");
  EXPECT_EXIT(
      {
        Options o;
        o.path = path;  // sync on: the default
        auto opened = Store::Open(o);
        if (!opened.ok()) _exit(2);
        auto r = (*opened)->ReserveSequence(1);
        StatementWrite s = Statement(id, {Activity("http://x/crash")}, R"({"crash":true})");
        s.seq = r.first();
        if (!(*opened)->AppendStatements({s}, {}).ok()) _exit(3);
        if (!(*opened)->Put(Family::kDocuments, "doc", "v").ok()) _exit(4);
        _exit(0);
      },
      testing::ExitedWithCode(0), "");
  unsetenv("LRSD_STORE_CRASH_DIR");
  auto reopened = Store::Open(FastOptions(path));
  ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
  auto view = (*reopened)->Read();
  auto got = view.GetStatement(id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->json, R"({"crash":true})");
  EXPECT_EQ(view.Get(Family::kDocuments, "doc")->value_or(""), "v");
  bool indexed = false;
  ASSERT_TRUE(view.ScanIndex(Activity("http://x/crash"), 0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& u) {
                    indexed = u == id;
                    return true;
                  }).ok());
  EXPECT_TRUE(indexed);
  // Sequences continue above the recovered statement.
  EXPECT_GT((*reopened)->ReserveSequence(1).first(), (*got)->seq);
}

// ---- Sequences and the watermark --------------------------------------------------------------
TEST_F(StoreTest, ReservationsAreIncreasingAndNotBeforeNow) {
  std::uint64_t before = static_cast<std::uint64_t>(NowMicros());
  std::uint64_t last = 0;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t count = static_cast<std::uint64_t>(i % 7);
    SequenceReservation r = store_->ReserveSequence(count);
    EXPECT_EQ(r.count(), std::max<std::uint64_t>(count, 1));
    EXPECT_GE(r.first(), before);
    EXPECT_GT(r.first(), last);
    last = r.first() + r.count() - 1;
  }
}

TEST_F(StoreTest, WatermarkStaysBelowEveryUnfinishedReservation) {
  std::uint64_t w0 = store_->ConsistentThrough();
  EXPECT_GE(w0 + 1000000, static_cast<std::uint64_t>(NowMicros()));  // tracks the clock when idle
  auto r1 = std::make_unique<SequenceReservation>(store_->ReserveSequence(3));
  EXPECT_GT(r1->first(), w0);
  auto r2 = std::make_unique<SequenceReservation>(store_->ReserveSequence(1));
  EXPECT_GT(r2->first(), r1->first() + 2);
  EXPECT_LT(store_->ConsistentThrough(), r1->first());
  EXPECT_GE(store_->ConsistentThrough(), w0);
  // The later one finishing first changes nothing.
  r2.reset();
  EXPECT_LT(store_->ConsistentThrough(), r1->first());
  std::uint64_t held = store_->ConsistentThrough();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_EQ(store_->ConsistentThrough(), held);  // time passing does not raise it either
  std::uint64_t r2_last = r1->first() + 3;
  r1.reset();
  EXPECT_GE(store_->ConsistentThrough(), r2_last);
  // A new reservation starts above everything the watermark already claimed.
  std::uint64_t w = store_->ConsistentThrough();
  SequenceReservation r3 = store_->ReserveSequence(1);
  EXPECT_GT(r3.first(), w);
  EXPECT_LT(store_->ConsistentThrough(), r3.first());
}

TEST_F(StoreTest, MovedReservationsStayInFlightUntilDestroyed) {
  SequenceReservation a = store_->ReserveSequence(1);
  std::uint64_t first = a.first();
  SequenceReservation b(std::move(a));
  EXPECT_EQ(b.first(), first);
  EXPECT_LT(store_->ConsistentThrough(), first);
  SequenceReservation c;
  c = std::move(b);
  EXPECT_LT(store_->ConsistentThrough(), first);
  // Assigning over a live reservation releases the old one.
  SequenceReservation d = store_->ReserveSequence(1);
  std::uint64_t d_first = d.first();
  c = std::move(d);
  EXPECT_GE(store_->ConsistentThrough(), first);
  EXPECT_LT(store_->ConsistentThrough(), d_first);
  c = SequenceReservation();
  EXPECT_GE(store_->ConsistentThrough(), d_first);
}

TEST_F(FreshStoreTest, SequencesContinueAboveTheLastStoredAfterRestart) {
  // A statement stored "in the future" (e.g. the clock went backwards since).
  std::uint64_t future = static_cast<std::uint64_t>(NowMicros()) + 3600ull * 1000000;
  Uuid a = NewUuid();
  {
    SequenceReservation r = store_->ReserveSequence(1);
    StatementWrite s = Statement(a);
    s.seq = future;
    ASSERT_TRUE(store_->AppendStatements({s}, {}).ok());
  }
  Reopen();
  EXPECT_GE(store_->ConsistentThrough(), future);
  SequenceReservation r = store_->ReserveSequence(1);
  EXPECT_GT(r.first(), future);
  auto got = Get(a);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, future);
}

TEST_F(StoreTest, ReadViewHidesStatementsAboveTheWatermark) {
  // Scans stop at the watermark, below every reservation still in flight; reading by id shows a
  // statement once its own write is acknowledged (its reservation released), so that a client
  // can read back what it was just told is stored while an earlier write is still under way.
  Uuid early = NewUuid(), late = NewUuid();
  auto r1 = std::make_unique<SequenceReservation>(store_->ReserveSequence(1));
  {
    SequenceReservation r2 = store_->ReserveSequence(1);
    StatementWrite s = Statement(late, {Activity("http://x/w")});
    s.seq = r2.first();
    ASSERT_TRUE(store_->AppendStatements({s}, {}).ok());
    // Written, not acknowledged yet: hidden even by id.
    EXPECT_FALSE(store_->Read().GetStatement(late)->has_value());
  }
  {
    auto view = store_->Read();
    EXPECT_LT(view.watermark(), r1->first());
    EXPECT_TRUE(view.GetStatement(late)->has_value());
    bool seen = false;
    ASSERT_TRUE(view.ScanAll(0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& id) {
                      seen |= id == late;
                      return true;
                    }).ok());
    EXPECT_FALSE(seen);
    ASSERT_TRUE(view.ScanIndex(Activity("http://x/w"), 0, UINT64_MAX, false, [&](std::uint64_t, const Uuid& id) {
                      seen |= id == late;
                      return true;
                    }).ok());
    EXPECT_FALSE(seen);
  }
  StatementWrite s = Statement(early, {Activity("http://x/w")});
  s.seq = r1->first();
  ASSERT_TRUE(store_->AppendStatements({s}, {}).ok());
  {
    // Written but not released yet: still hidden.
    auto view = store_->Read();
    EXPECT_FALSE(view.GetStatement(early)->has_value());
  }
  r1.reset();
  auto view = store_->Read();
  EXPECT_TRUE(view.GetStatement(early)->has_value());
  EXPECT_TRUE(view.GetStatement(late)->has_value());
  std::vector<Uuid> order;
  ASSERT_TRUE(view.ScanIndex(Activity("http://x/w"), 0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& id) {
                    order.push_back(id);
                    return true;
                  }).ok());
  EXPECT_EQ(order, (std::vector<Uuid>{early, late}));
}

TEST_F(FreshStoreTest, ReadViewIsASnapshot) {
  Uuid a = NewUuid(), b = NewUuid();
  MustAppendOne(Statement(a));
  ASSERT_TRUE(store_->Put(Family::kDocuments, "d", "1").ok());
  auto view = store_->Read();
  MustAppendOne(Statement(b));
  ASSERT_TRUE(store_->Put(Family::kDocuments, "d", "2").ok());
  ASSERT_TRUE(store_->Put(Family::kDocuments, "e", "3").ok());
  EXPECT_TRUE(view.GetStatement(a)->has_value());
  EXPECT_FALSE(view.GetStatement(b)->has_value());
  EXPECT_EQ(view.Get(Family::kDocuments, "d")->value_or(""), "1");
  EXPECT_FALSE(view.Get(Family::kDocuments, "e")->has_value());
  int n = 0;
  ASSERT_TRUE(view.ScanAll(0, UINT64_MAX, true, [&](std::uint64_t, const Uuid&) { return ++n, true; }).ok());
  EXPECT_EQ(n, 1);
  // A moved view keeps working.
  ReadView moved = std::move(view);
  EXPECT_TRUE(moved.GetStatement(a)->has_value());
  EXPECT_FALSE(moved.GetStatement(b)->has_value());
}

// ---- Appends: no-ops, conflicts, duplicates ---------------------------------------------------
TEST_F(StoreTest, AppendReportsStoredPerStatement) {
  Uuid a = NewUuid(), b = NewUuid();
  auto r = Append({Statement(a), Statement(b)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, (std::vector<bool>{true, true}));
  // Re-sending the same statement is a no-op; the original record is kept.
  std::uint64_t seq_a = Get(a)->seq;
  Uuid c = NewUuid();
  r = Append({Statement(c), Statement(a)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, (std::vector<bool>{true, false}));
  EXPECT_EQ(Get(a)->seq, seq_a);
  EXPECT_EQ(ScanAll(true).size(), 3u);
  // Only the comparison form decides "the same": different JSON, same comparison is a no-op.
  StatementWrite again = Statement(b);
  again.json = R"({"reformatted":true})";
  r = Append({again});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, (std::vector<bool>{false}));
  EXPECT_NE(Get(b)->json, again.json);
  // An empty append is fine.
  r = Append({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->stored.empty());
}

TEST_F(StoreTest, ConflictFailsTheWholeBatchAndWritesNothing) {
  Uuid a = NewUuid();
  MustAppendOne(Statement(a, {}, R"({"v":1})"));
  Uuid fresh = NewUuid(), other = NewUuid();
  StatementWrite changed = Statement(a, {}, R"({"v":2})");
  StatementWrite with_def = Statement(fresh, {Activity("http://x/c")});
  with_def.activity_definitions = {{"http://x/c", R"({"name":{"en":"c"}})"}};
  auto r = Append({with_def, changed, Voiding(other, a)}, {{"att", "data"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 409);
  EXPECT_NE(r.error().message.find(FormatUuid(a)), std::string::npos) << r.error().message;
  EXPECT_FALSE(Get(fresh));
  EXPECT_FALSE(Get(other));
  EXPECT_FALSE(Voided(a));
  EXPECT_EQ(Get(a)->json, R"({"v":1})");
  EXPECT_TRUE(IndexSet(Activity("http://x/c")).empty());
  EXPECT_FALSE(store_->Get(Family::kActivities, "http://x/c")->has_value());
  EXPECT_FALSE(store_->Get(Family::kAttachments, "att")->has_value());
  EXPECT_EQ(ScanAll(true).size(), 1u);
}

TEST_F(StoreTest, DuplicateIdsInOneCallAreABadRequest) {
  Uuid a = NewUuid(), b = NewUuid();
  for (bool same_content : {true, false}) {
    StatementWrite first = Statement(a, {}, R"({"n":1})");
    StatementWrite second = Statement(a, {}, same_content ? R"({"n":1})" : R"({"n":2})");
    auto r = Append({Statement(b), first, second});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().path, "statement[2].id");
    EXPECT_FALSE(Get(a));
    EXPECT_FALSE(Get(b));
  }
  EXPECT_TRUE(ScanAll(true).empty());
}

TEST_F(StoreTest, AllNoOpBatchWritesNothing) {
  Uuid a = NewUuid();
  StatementWrite s = Statement(a, {Activity("http://x/n")});
  s.activity_definitions = {{"http://x/n", "def1"}};
  MustAppendOne(s);
  StatementWrite again = s;
  again.seq = 0;
  again.activity_definitions = {{"http://x/n", "def2"}};
  auto r = Append({again});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, std::vector<bool>{false});
  // A skipped statement contributes nothing: no second index entry, no definition merge.
  EXPECT_EQ(ScanIndex(Activity("http://x/n")).size(), 1u);
  EXPECT_EQ(store_->Get(Family::kActivities, "http://x/n")->value_or(""), "def1");
}

// ---- Voiding ----------------------------------------------------------------------------------
TEST_F(StoreTest, VoidingMarksTheTarget) {
  Uuid s = NewUuid(), v = NewUuid();
  MustAppendOne(Statement(s, {Activity("http://x/v")}));
  EXPECT_FALSE(Voided(s));
  MustAppendOne(Voiding(v, s));
  EXPECT_TRUE(Voided(s));
  auto got = Get(s);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->voided);
  EXPECT_FALSE(Get(v)->voided);
  EXPECT_FALSE(Voided(v));
  // The voiding statement is a StatementRef: it matches its target's filters.
  EXPECT_EQ(IndexSet(Activity("http://x/v")), (std::set<Uuid>{s, v}));
}

TEST_F(StoreTest, VoidingAVoidingStatementIsIgnored) {
  Uuid s = NewUuid(), v1 = NewUuid(), v2 = NewUuid();
  MustAppendOne(Statement(s));
  MustAppendOne(Voiding(v1, s));
  auto r = Append({Voiding(v2, v1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, std::vector<bool>{true});  // stored, but without effect
  EXPECT_FALSE(Voided(v1));
  EXPECT_TRUE(Voided(s));
  EXPECT_TRUE(Get(v2));
}

TEST_F(StoreTest, VoidingAVoidingStatementOfTheSameBatchIsIgnored) {
  Uuid s = NewUuid(), v1 = NewUuid(), v2 = NewUuid();
  MustAppendOne(Statement(s));
  // The outer voiding statement comes first in the batch.
  MustAppend({Voiding(v2, v1), Voiding(v1, s)});
  EXPECT_FALSE(Voided(v1));
  EXPECT_TRUE(Voided(s));
}

TEST_F(FreshStoreTest, VoidingAVoidingStatementThatArrivesLaterIsIgnored) {
  Uuid s = NewUuid(), v1 = NewUuid(), v2 = NewUuid();
  MustAppendOne(Statement(s));
  MustAppendOne(Voiding(v2, v1));  // v1 unknown yet
  MustAppendOne(Voiding(v1, s));   // v1 turns out to be a voiding statement
  EXPECT_FALSE(Voided(v1));
  EXPECT_TRUE(Voided(s));
  Reopen();
  EXPECT_FALSE(Voided(v1));
  EXPECT_FALSE(Get(v1)->voided);
  EXPECT_TRUE(Voided(s));
}

TEST_F(StoreTest, VoidingAStatementThatArrivesLater) {
  // A voiding statement may come before its target; the target is voided when it arrives.
  Uuid s = NewUuid(), v = NewUuid();
  MustAppendOne(Voiding(v, s));
  MustAppendOne(Statement(s, {Activity("http://x/late-void")}));
  EXPECT_TRUE(Voided(s));
  EXPECT_TRUE(Get(s)->voided);
  // And the voiding statement, a StatementRef, inherits the late target's keys.
  EXPECT_EQ(IndexSet(Activity("http://x/late-void")), (std::set<Uuid>{s, v}));
}

TEST_F(StoreTest, VoidingIsVisibleOnlyWithTheVoidingStatement) {
  // A voiding statement takes effect when it becomes readable: once acknowledged (its
  // reservation released), even while an earlier reservation holds the watermark below it.
  Uuid s = NewUuid(), v = NewUuid();
  MustAppendOne(Statement(s));
  auto pending = std::make_unique<SequenceReservation>(store_->ReserveSequence(1));
  {
    SequenceReservation r = store_->ReserveSequence(1);
    StatementWrite w = Voiding(v, s);
    w.seq = r.first();
    ASSERT_TRUE(store_->AppendStatements({w}, {}).ok());
    // Written, not acknowledged: no effect yet.
    auto view = store_->Read();
    EXPECT_FALSE(view.GetStatement(v)->has_value());
    EXPECT_FALSE(*view.IsVoided(s));
    EXPECT_FALSE((*view.GetStatement(s))->voided);
  }
  {
    auto view = store_->Read();
    EXPECT_LT(view.watermark(), pending->first());
    EXPECT_TRUE(view.GetStatement(v)->has_value());
    EXPECT_TRUE(*view.IsVoided(s));
    EXPECT_TRUE((*view.GetStatement(s))->voided);
  }
  pending.reset();
  auto view = store_->Read();
  EXPECT_TRUE(view.GetStatement(v)->has_value());
  EXPECT_TRUE(*view.IsVoided(s));
  EXPECT_TRUE((*view.GetStatement(s))->voided);
}

TEST_F(StoreTest, LaterVoidingStatementsDoNotUnvoid) {
  // A second voiding statement for an already voided target, still in flight, must not make
  // the target look un-voided meanwhile.
  Uuid s = NewUuid(), v1 = NewUuid(), v2 = NewUuid();
  MustAppendOne(Statement(s));
  MustAppendOne(Voiding(v1, s));
  auto pending = std::make_unique<SequenceReservation>(store_->ReserveSequence(1));
  {
    SequenceReservation r = store_->ReserveSequence(1);
    StatementWrite w = Voiding(v2, s);
    w.seq = r.first();
    ASSERT_TRUE(store_->AppendStatements({w}, {}).ok());
  }
  EXPECT_TRUE(Voided(s));
  pending.reset();
  EXPECT_TRUE(Voided(s));
}

// ---- StatementRef inheritance -----------------------------------------------------------------
TEST_F(StoreTest, RefInheritsTargetKeysTargetFirst) {
  Uuid t = NewUuid(), r = NewUuid();
  MustAppendOne(Statement(t, {Activity("http://x/t"), Verb("http://v/t")}));
  MustAppendOne(RefTo(r, t, {Verb("http://v/r")}));
  EXPECT_EQ(IndexSet(Activity("http://x/t")), (std::set<Uuid>{t, r}));
  EXPECT_EQ(IndexSet(Verb("http://v/t")), (std::set<Uuid>{t, r}));
  EXPECT_EQ(IndexSet(Verb("http://v/r")), (std::set<Uuid>{r}));  // never the other way round
  auto view = store_->Read();
  EXPECT_TRUE(*view.HasIndexEntry(Activity("http://x/t"), Get(r)->seq));
  EXPECT_FALSE(*view.HasIndexEntry(Verb("http://v/r"), Get(t)->seq));
}

TEST_F(StoreTest, RefInheritsTargetKeysWhenTheTargetArrivesLate) {
  Uuid t = NewUuid(), r = NewUuid();
  MustAppendOne(RefTo(r, t, {Verb("http://v/r")}));
  EXPECT_EQ(IndexSet(Activity("http://x/t")), std::set<Uuid>{});
  MustAppendOne(Statement(t, {Activity("http://x/t")}));
  EXPECT_EQ(IndexSet(Activity("http://x/t")), (std::set<Uuid>{t, r}));
  EXPECT_EQ(IndexSet(Verb("http://v/r")), (std::set<Uuid>{r}));
  // The inherited entry sits at the referrer's own sequence: results stay in stored order.
  auto order = ScanIndex(Activity("http://x/t"));
  EXPECT_EQ(order, (std::vector<Uuid>{r, t}));
  auto view = store_->Read();
  EXPECT_TRUE(*view.HasIndexEntry(Activity("http://x/t"), Get(r)->seq));
}

TEST_F(StoreTest, SeveralReferrersOfALateTarget) {
  Uuid t = NewUuid();
  std::set<Uuid> expected = {t};
  for (int i = 0; i < 5; ++i) {
    Uuid r = NewUuid();
    MustAppendOne(RefTo(r, t));
    expected.insert(r);
  }
  MustAppendOne(Statement(t, {Activity("http://x/many")}));
  EXPECT_EQ(IndexSet(Activity("http://x/many")), expected);
}

// Every arrival order of a chain r3 -> r2 -> r1 -> t, one statement per request and all in one
// request: each statement matches the filters of everything its chain reaches.
TEST_F(StoreTest, RefChainsInEveryArrivalOrder) {
  std::vector<int> order = {0, 1, 2, 3};
  int round = 0;
  do {
    for (bool one_batch : {false, true}) {
      std::string tag = std::to_string(round++);
      std::vector<Uuid> ids = {NewUuid(), NewUuid(), NewUuid(), NewUuid()};  // t, r1, r2, r3
      std::vector<StatementWrite> writes;
      for (int i = 0; i < 4; ++i) {
        std::vector<IndexEntry> own = {Activity("http://x/" + tag + "/" + std::to_string(i))};
        writes.push_back(i == 0 ? Statement(ids[0], own) : RefTo(ids[i], ids[i - 1], own));
      }
      if (one_batch) {
        std::vector<StatementWrite> batch;
        for (int i : order) batch.push_back(writes[i]);
        MustAppend(batch);
      } else {
        for (int i : order) MustAppendOne(writes[i]);
      }
      for (int level = 0; level < 4; ++level) {
        std::set<Uuid> expected(ids.begin() + level, ids.end());
        EXPECT_EQ(IndexSet(Activity("http://x/" + tag + "/" + std::to_string(level))), expected)
            << "order " << order[0] << order[1] << order[2] << order[3] << " batch " << one_batch << " level "
            << level;
      }
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_F(StoreTest, DeepChainsBothOrders) {
  constexpr int kDepth = 12;
  for (bool target_first : {true, false}) {
    std::string tag = target_first ? "fwd" : "rev";
    std::vector<Uuid> ids(kDepth + 1);
    for (auto& id : ids) id = NewUuid();
    std::vector<StatementWrite> writes;
    writes.push_back(Statement(ids[0], {Activity("http://x/deep/" + tag)}));
    for (int i = 1; i <= kDepth; ++i) writes.push_back(RefTo(ids[i], ids[i - 1]));
    if (target_first) {
      for (auto& w : writes) MustAppendOne(w);
    } else {
      for (auto it = writes.rbegin(); it != writes.rend(); ++it) MustAppendOne(*it);
    }
    EXPECT_EQ(IndexSet(Activity("http://x/deep/" + tag)), std::set<Uuid>(ids.begin(), ids.end())) << tag;
  }
}

TEST_F(StoreTest, RefCyclesTerminate) {
  Uuid a = NewUuid(), b = NewUuid(), self = NewUuid();
  MustAppendOne(RefTo(a, b, {Activity("http://x/a")}));
  MustAppendOne(RefTo(b, a, {Activity("http://x/b")}));
  MustAppendOne(RefTo(self, self, {Activity("http://x/self")}));
  EXPECT_EQ(IndexSet(Activity("http://x/a")), (std::set<Uuid>{a, b}));
  EXPECT_EQ(IndexSet(Activity("http://x/b")), (std::set<Uuid>{a, b}));
  EXPECT_EQ(ScanIndex(Activity("http://x/self")), std::vector<Uuid>{self});
}

TEST_F(StoreTest, RefToAStatementThatIsIdenticallyResent) {
  // A target re-sent (no-op) in the same batch as its new referrer still gives its keys.
  Uuid t = NewUuid(), r = NewUuid();
  MustAppendOne(Statement(t, {Activity("http://x/re")}));
  StatementWrite again = Statement(t, {Activity("http://x/re")});
  MustAppend({again, RefTo(r, t)});
  EXPECT_EQ(IndexSet(Activity("http://x/re")), (std::set<Uuid>{t, r}));
}

// ---- Scans ------------------------------------------------------------------------------------
TEST_F(StoreTest, ScansRespectBoundsAndDirection) {
  std::vector<std::uint64_t> seqs;
  std::vector<Uuid> ids;
  for (int i = 0; i < 10; ++i) {
    Uuid id = NewUuid();
    std::vector<IndexEntry> keys;
    if (i % 2 == 0) keys.push_back(Activity("http://x/even"));
    keys.push_back(Activity("http://x/all"));
    seqs.push_back(MustAppendOne(Statement(id, keys)));
    ids.push_back(id);
  }
  MustAppendOne(Statement(NewUuid(), {Activity("http://x/other")}));

  auto all = ScanAll(true);
  ASSERT_EQ(all.size(), 11u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(all[i], std::make_pair(seqs[i], ids[i]));
  auto desc = ScanAll(false);
  ASSERT_EQ(desc.size(), 11u);
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));

  // Inclusive bounds, both directions.
  auto mid = ScanAll(true, seqs[2], seqs[5]);
  ASSERT_EQ(mid.size(), 4u);
  EXPECT_EQ(mid.front().first, seqs[2]);
  EXPECT_EQ(mid.back().first, seqs[5]);
  auto mid_desc = ScanAll(false, seqs[2], seqs[5]);
  ASSERT_EQ(mid_desc.size(), 4u);
  EXPECT_EQ(mid_desc.front().first, seqs[5]);
  EXPECT_EQ(mid_desc.back().first, seqs[2]);
  EXPECT_EQ(ScanAll(true, seqs[2] + 1, seqs[5] - 1).size(), 2u);
  EXPECT_EQ(ScanAll(true, seqs[3], seqs[3]).size(), 1u);
  EXPECT_TRUE(ScanAll(true, seqs[3] + 1, seqs[3]).empty());  // lo > hi
  EXPECT_TRUE(ScanAll(false, seqs[5], seqs[2]).empty());

  // Index scans: only owners, in stored order, bounded, both directions.
  EXPECT_EQ(ScanIndex(Activity("http://x/even")), (std::vector<Uuid>{ids[0], ids[2], ids[4], ids[6], ids[8]}));
  EXPECT_EQ(ScanIndex(Activity("http://x/even"), false), (std::vector<Uuid>{ids[8], ids[6], ids[4], ids[2], ids[0]}));
  EXPECT_EQ(ScanIndex(Activity("http://x/even"), true, seqs[2], seqs[6]), (std::vector<Uuid>{ids[2], ids[4], ids[6]}));
  EXPECT_EQ(ScanIndex(Activity("http://x/even"), false, seqs[1], seqs[7]), (std::vector<Uuid>{ids[6], ids[4], ids[2]}));
  EXPECT_EQ(ScanIndex(Activity("http://x/even"), false, seqs[2] + 1, seqs[6] - 1), (std::vector<Uuid>{ids[4]}));
  EXPECT_EQ(ScanIndex(Activity("http://x/all"), false).size(), 10u);
  EXPECT_TRUE(ScanIndex(Activity("http://x/none")).empty());
  EXPECT_TRUE(ScanIndex(Activity("http://x/none"), false).empty());
  // Same key string, another kind: a different index.
  EXPECT_TRUE(ScanIndex(Verb("http://x/even")).empty());
  EXPECT_TRUE(ScanIndex({kAgentKind, "http://x/all"}, false).empty());
  // A key that is a prefix of another is not confused with it.
  EXPECT_TRUE(ScanIndex(Activity("http://x/al")).empty());

  // The visitor stops the scan.
  int visited = 0;
  auto view = store_->Read();
  ASSERT_TRUE(view.ScanAll(0, UINT64_MAX, false, [&](std::uint64_t, const Uuid&) { return ++visited < 3; }).ok());
  EXPECT_EQ(visited, 3);
  visited = 0;
  ASSERT_TRUE(view.ScanIndex(Activity("http://x/all"), 0, UINT64_MAX, true, [&](std::uint64_t seq, const Uuid&) {
                    EXPECT_EQ(seq, seqs[visited]);
                    return ++visited < 2;
                  }).ok());
  EXPECT_EQ(visited, 2);

  // HasIndexEntry compares the whole key, not only its hash.
  EXPECT_TRUE(*view.HasIndexEntry(Activity("http://x/even"), seqs[4]));
  EXPECT_FALSE(*view.HasIndexEntry(Activity("http://x/even"), seqs[5]));
  EXPECT_FALSE(*view.HasIndexEntry(Activity("http://x/eve"), seqs[4]));
  EXPECT_FALSE(*view.HasIndexEntry(Verb("http://x/even"), seqs[4]));
}

TEST_F(StoreTest, BinaryAndEmptyIndexKeys) {
  Uuid a = NewUuid(), b = NewUuid();
  std::string binary = "k\0\xff\x01"s;
  MustAppendOne(Statement(a, {{kAgentKind, binary}, {kAgentKind, ""}}));
  MustAppendOne(Statement(b, {{kAgentKind, "k"}}));
  EXPECT_EQ(ScanIndex({kAgentKind, binary}), std::vector<Uuid>{a});
  EXPECT_EQ(ScanIndex({kAgentKind, ""}), std::vector<Uuid>{a});
  EXPECT_EQ(ScanIndex({kAgentKind, "k"}), std::vector<Uuid>{b});
}

TEST_F(StoreTest, GetStatementUnknown) {
  EXPECT_FALSE(Get(NewUuid()));
  EXPECT_FALSE(Voided(NewUuid()));
}

// ---- Definitions and attachments --------------------------------------------------------------
TEST_F(FreshStoreTest, ActivityDefinitionsAreMerged) {
  Close();
  Options o = FastOptions(dir_.path());
  std::vector<std::pair<std::string, std::string>> calls;
  o.merge_activity = [&calls](std::string_view existing, std::string_view incoming) {
    calls.emplace_back(existing, incoming);
    return std::string(existing) + "+" + std::string(incoming);
  };
  Open(o);
  StatementWrite s1 = Statement(NewUuid());
  s1.activity_definitions = {{"http://x/a", "d1"}, {"http://x/b", "b1"}};
  StatementWrite s2 = Statement(NewUuid());
  s2.activity_definitions = {{"http://x/a", "d2"}};
  MustAppend({s1, s2});
  EXPECT_EQ(store_->Get(Family::kActivities, "http://x/a")->value_or(""), "+d1+d2");
  EXPECT_EQ(store_->Get(Family::kActivities, "http://x/b")->value_or(""), "+b1");
  StatementWrite s3 = Statement(NewUuid());
  s3.activity_definitions = {{"http://x/a", "d3"}};
  MustAppendOne(s3);
  EXPECT_EQ(store_->Get(Family::kActivities, "http://x/a")->value_or(""), "+d1+d2+d3");
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls.back(), (std::pair<std::string, std::string>{"+d1+d2", "d3"}));
}

TEST_F(StoreTest, ActivityDefinitionsWithoutAMergeFunctionReplace) {
  StatementWrite s1 = Statement(NewUuid());
  s1.activity_definitions = {{"http://x/a", "d1"}};
  MustAppendOne(s1);
  StatementWrite s2 = Statement(NewUuid());
  s2.activity_definitions = {{"http://x/a", "d2"}};
  MustAppendOne(s2);
  EXPECT_EQ(store_->Get(Family::kActivities, "http://x/a")->value_or(""), "d2");
}

TEST_F(FreshStoreTest, AgentsAreMerged) {
  Close();
  Options o = FastOptions(dir_.path());
  o.merge_agent = [](std::string_view existing, std::string_view incoming) {
    return existing.empty() ? std::string(incoming) : std::string(existing) + "|" + std::string(incoming);
  };
  Open(o);
  StatementWrite s1 = Statement(NewUuid());
  s1.agents = {{"mbox:mailto:a@x", "A"}};
  StatementWrite s2 = Statement(NewUuid());
  s2.agents = {{"mbox:mailto:a@x", "B"}};
  MustAppend({s1, s2});
  EXPECT_EQ(store_->Get(Family::kAgents, "mbox:mailto:a@x")->value_or(""), "A|B");
}

TEST_F(StoreTest, AttachmentsAreStoredWithTheStatements) {
  Uuid a = NewUuid();
  std::string bytes = "\x00\x01binary\xff"s;
  auto r = Append({Statement(a)}, {{"sha-a", bytes}, {"sha-b", ""}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(store_->Get(Family::kAttachments, "sha-a")->value_or("?"), bytes);
  EXPECT_EQ(store_->Get(Family::kAttachments, "sha-b")->value_or("?"), "");
  // Attachments alone (no statement) are written too.
  ASSERT_TRUE(Append({}, {{"sha-c", "c"}}).ok());
  EXPECT_EQ(store_->Get(Family::kAttachments, "sha-c")->value_or(""), "c");
}

// ---- Small families ---------------------------------------------------------------------------
TEST_F(FreshStoreTest, PutGetDelete) {
  EXPECT_FALSE(store_->Get(Family::kDocuments, "k")->has_value());
  ASSERT_TRUE(store_->Put(Family::kDocuments, "k", "v1").ok());
  EXPECT_EQ(store_->Get(Family::kDocuments, "k")->value_or(""), "v1");
  ASSERT_TRUE(store_->Put(Family::kDocuments, "k", "v2").ok());
  EXPECT_EQ(store_->Get(Family::kDocuments, "k")->value_or(""), "v2");
  ASSERT_TRUE(store_->Delete(Family::kDocuments, "k").ok());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "k")->has_value());
  EXPECT_TRUE(store_->Delete(Family::kDocuments, "absent").ok());
  // Binary keys and values.
  std::string key = "a\0b"s, value = "\0\xff"s;
  ASSERT_TRUE(store_->Put(Family::kMeta, key, value).ok());
  EXPECT_EQ(store_->Get(Family::kMeta, key)->value_or("?"), value);
  EXPECT_FALSE(store_->Get(Family::kMeta, "a")->has_value());
}

TEST_F(FreshStoreTest, DeleteKeysRemovesAll) {
  for (std::string k : {"a", "b", "c"}) ASSERT_TRUE(store_->Put(Family::kDocuments, k, k).ok());
  ASSERT_TRUE(store_->DeleteKeys(Family::kDocuments, {"a", "c", "zz"}).ok());
  ASSERT_TRUE(store_->DeleteKeys(Family::kDocuments, {}).ok());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "a")->has_value());
  EXPECT_TRUE(store_->Get(Family::kDocuments, "b")->has_value());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "c")->has_value());
}

TEST_F(FreshStoreTest, ScanPrefixInKeyOrder) {
  for (std::string k : {"p/b", "p/a", "p/c", "q/a", "p", "o/z"}) ASSERT_TRUE(store_->Put(Family::kDocuments, k, "v" + k).ok());
  auto view = store_->Read();
  std::vector<std::string> keys;
  ASSERT_TRUE(view.ScanPrefix(Family::kDocuments, "p/", [&](std::string_view k, std::string_view v) {
                    EXPECT_EQ(v, "v" + std::string(k));
                    keys.emplace_back(k);
                    return true;
                  }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"p/a", "p/b", "p/c"}));
  keys.clear();
  ASSERT_TRUE(view.ScanPrefix(Family::kDocuments, "", [&](std::string_view k, std::string_view) {
                    keys.emplace_back(k);
                    return keys.size() < 4;
                  }).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"o/z", "p", "p/a", "p/b"}));
  keys.clear();
  ASSERT_TRUE(view.ScanPrefix(Family::kDocuments, "zz", [&](std::string_view k, std::string_view) {
                    keys.emplace_back(k);
                    return true;
                  }).ok());
  EXPECT_TRUE(keys.empty());
  // Other families are not visited.
  ASSERT_TRUE(view.ScanPrefix(Family::kCredentials, "", [&](std::string_view k, std::string_view) {
                    keys.emplace_back(k);
                    return true;
                  }).ok());
  EXPECT_TRUE(keys.empty());
}

TEST_F(FreshStoreTest, UpdateCreatesModifiesDeletesAndAborts) {
  auto set = [](std::string v) {
    return [v](const std::optional<std::string>&) -> Result<std::optional<std::string>> {
      return std::optional<std::string>(v);
    };
  };
  std::optional<std::string> seen = "sentinel";
  ASSERT_TRUE(store_
                  ->Update(Family::kDocuments, "k",
                           [&](const std::optional<std::string>& cur) -> Result<std::optional<std::string>> {
                             seen = cur;
                             return std::optional<std::string>("1");
                           })
                  .ok());
  EXPECT_FALSE(seen.has_value());
  EXPECT_EQ(store_->Get(Family::kDocuments, "k")->value_or(""), "1");
  ASSERT_TRUE(store_
                  ->Update(Family::kDocuments, "k",
                           [&](const std::optional<std::string>& cur) -> Result<std::optional<std::string>> {
                             seen = cur;
                             return std::optional<std::string>(*cur + "2");
                           })
                  .ok());
  EXPECT_EQ(seen.value_or(""), "1");
  EXPECT_EQ(store_->Get(Family::kDocuments, "k")->value_or(""), "12");
  // An Error aborts without writing and is returned as is.
  Status st = store_->Update(Family::kDocuments, "k",
                             [](const std::optional<std::string>&) -> Result<std::optional<std::string>> {
                               return Error::PreconditionFailed("etag mismatch");
                             });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().status, 412);
  EXPECT_EQ(st.error().message, "etag mismatch");
  EXPECT_EQ(store_->Get(Family::kDocuments, "k")->value_or(""), "12");
  // nullopt deletes; deleting an absent key is fine.
  auto erase = [](const std::optional<std::string>&) -> Result<std::optional<std::string>> {
    return std::optional<std::string>();
  };
  ASSERT_TRUE(store_->Update(Family::kDocuments, "k", erase).ok());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "k")->has_value());
  ASSERT_TRUE(store_->Update(Family::kDocuments, "k", erase).ok());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "k")->has_value());
  // Same key in another family is independent.
  ASSERT_TRUE(store_->Update(Family::kCredentials, "k", set("c")).ok());
  EXPECT_FALSE(store_->Get(Family::kDocuments, "k")->has_value());
  EXPECT_EQ(store_->Get(Family::kCredentials, "k")->value_or(""), "c");
}

TEST_F(FreshStoreTest, ConcurrentUpdatesAreSerialised) {
  constexpr int kThreads = 4, kEach = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        for (std::string key : {"counter", "other"}) {
          auto st = store_->Update(Family::kDocuments, key,
                                   [](const std::optional<std::string>& cur) -> Result<std::optional<std::string>> {
                                     int n = cur ? std::stoi(*cur) : 0;
                                     return std::optional<std::string>(std::to_string(n + 1));
                                   });
          EXPECT_TRUE(st.ok());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_->Get(Family::kDocuments, "counter")->value_or(""), std::to_string(kThreads * kEach));
  EXPECT_EQ(store_->Get(Family::kDocuments, "other")->value_or(""), std::to_string(kThreads * kEach));
}

// ---- Concurrency ------------------------------------------------------------------------------
// Writers append with random pauses between reserving and writing (so they finish out of
// order) while readers take views. Afterwards: every view saw exactly the statements at or
// below its watermark, watermarks never went down, and no writer ever saw the watermark reach
// its own unfinished reservation.
TEST_F(StoreTest, ConcurrentAppendsKeepTheWatermarkTruthful) {
  constexpr int kWriters = 4, kPerWriter = 60;
  std::atomic<bool> done{false};
  std::atomic<int> watermark_violations{0};
  std::vector<std::vector<std::uint64_t>> written(kWriters);
  struct Observation {
    std::uint64_t watermark;
    std::vector<std::uint64_t> seen;
  };
  std::vector<Observation> observations;
  std::atomic<int> errors{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      for (int i = 0; i < kPerWriter; ++i) {
        std::uint64_t n = 1 + rng() % 3;
        SequenceReservation r = store_->ReserveSequence(n);
        if (store_->ConsistentThrough() >= r.first()) ++watermark_violations;
        if (rng() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 500));
        std::vector<StatementWrite> batch;
        for (std::uint64_t k = 0; k < n; ++k) {
          StatementWrite s = Statement(NewUuid(), {Activity("http://x/conc")});
          s.seq = r.first() + k;
          batch.push_back(s);
        }
        if (!store_->AppendStatements(batch, {}).ok()) ++errors;
        if (store_->ConsistentThrough() >= r.first()) ++watermark_violations;
        for (auto& s : batch) written[w].push_back(s.seq);
      }
    });
  }
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done) {
      auto view = store_->Read();
      Observation o{view.watermark(), {}};
      if (o.watermark < last) ++errors;
      last = o.watermark;
      bool by_index = observations.size() % 2 == 1;
      auto collect = [&](std::uint64_t seq, const Uuid&) {
        o.seen.push_back(seq);
        return true;
      };
      Status st = by_index ? view.ScanIndex(Activity("http://x/conc"), start_ + 1, UINT64_MAX, true, collect)
                           : view.ScanAll(start_ + 1, UINT64_MAX, true, collect);
      if (!st.ok()) ++errors;
      observations.push_back(std::move(o));
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();

  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(watermark_violations.load(), 0);
  std::vector<std::uint64_t> all;
  for (auto& v : written) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a sequence was handed out twice";
  ASSERT_FALSE(observations.empty());
  for (const auto& o : observations) {
    std::vector<std::uint64_t> expected;
    for (std::uint64_t s : all) {
      if (s <= o.watermark) expected.push_back(s);
    }
    ASSERT_EQ(o.seen, expected) << "a view at watermark " << o.watermark << " missed or invented statements";
  }
  // Everything is visible once all writers are done.
  EXPECT_EQ(ScanAll(true).size(), all.size());
  EXPECT_GE(store_->ConsistentThrough(), all.back());
}

TEST_F(StoreTest, ConcurrentAppendsOfTheSameIdStoreExactlyOnce) {
  constexpr int kThreads = 6;
  for (bool identical : {true, false}) {
    Uuid id = NewUuid();
    std::atomic<int> stored{0}, noops{0}, conflicts{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        StatementWrite s = Statement(id, {Activity("http://x/same")},
                                     identical ? R"({"same":true})" : R"({"thread":)" + std::to_string(t) + "}");
        SequenceReservation r = store_->ReserveSequence(1);
        s.seq = r.first();
        auto result = store_->AppendStatements({s}, {});
        if (!result.ok()) {
          (result.error().status == 409 ? conflicts : other)++;
        } else {
          (result->stored[0] ? stored : noops)++;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(stored.load(), 1);
    EXPECT_EQ(other.load(), 0);
    if (identical) {
      EXPECT_EQ(noops.load(), kThreads - 1);
    } else {
      EXPECT_EQ(conflicts.load(), kThreads - 1);
    }
    // Exactly one record, one spine entry, one index entry.
    auto view = store_->Read();
    int spine = 0;
    ASSERT_TRUE(view.ScanAll(0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& u) {
                      spine += u == id;
                      return true;
                    }).ok());
    EXPECT_EQ(spine, 1);
    EXPECT_EQ(ScanIndex(Activity("http://x/same")).size(), identical ? 1u : 2u);
  }
}

TEST_F(StoreTest, ConcurrentLateTargetsAndReferrers) {
  // Referrers and their targets arrive concurrently in random order; in the end every
  // referrer matches its target's filter.
  constexpr int kPairs = 40;
  std::vector<Uuid> targets(kPairs), refs(kPairs);
  for (int i = 0; i < kPairs; ++i) targets[i] = NewUuid(), refs[i] = NewUuid();
  std::vector<std::thread> threads;
  for (int part = 0; part < 2; ++part) {
    threads.emplace_back([&, part] {
      for (int i = 0; i < kPairs; ++i) {
        std::string key = "http://x/pair/" + std::to_string(i);
        if (part == 0) {
          MustAppendOne(Statement(targets[i], {Activity(key)}));
        } else {
          MustAppendOne(RefTo(refs[i], targets[i]));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kPairs; ++i) {
    EXPECT_EQ(IndexSet(Activity("http://x/pair/" + std::to_string(i))), (std::set<Uuid>{targets[i], refs[i]})) << i;
  }
}


TEST_F(StoreTest, ConcurrentLateTargetAndSecondLevelReferrer) {
  // r1 -> t is stored while t is missing. Then t and r2 -> r1 arrive at the same time: neither
  // request touches the other's ids, yet r2 must end up matching t's filter (through r1).
  constexpr int kRounds = 150;
  std::vector<Uuid> t(kRounds), r1(kRounds), r2(kRounds);
  for (int i = 0; i < kRounds; ++i) {
    t[i] = NewUuid(), r1[i] = NewUuid(), r2[i] = NewUuid();
    MustAppendOne(RefTo(r1[i], t[i]));
  }
  std::atomic<int> turn_a{-1}, turn_b{-1};
  std::thread a([&] {
    for (int i = 0; i < kRounds; ++i) {
      turn_a = i;
      while (turn_b.load() < i) {}
      MustAppendOne(Statement(t[i], {Activity("http://x/l2/" + std::to_string(i))}));
    }
  });
  std::thread b([&] {
    for (int i = 0; i < kRounds; ++i) {
      turn_b = i;
      while (turn_a.load() < i) {}
      MustAppendOne(RefTo(r2[i], r1[i]));
    }
  });
  a.join();
  b.join();
  int missing = 0;
  for (int i = 0; i < kRounds; ++i) {
    auto set = IndexSet(Activity("http://x/l2/" + std::to_string(i)));
    missing += set != std::set<Uuid>{t[i], r1[i], r2[i]};
  }
  EXPECT_EQ(missing, 0) << "second-level referrers that missed a concurrently arriving target";
}

}  // namespace
}  // namespace lrsd::store

// ---- Erasure (src/store/lifecycle.cpp) ---------------------------------------------------------
namespace lrsd::store {
namespace {

TEST_F(StoreTest, EraseRemovesTheStatementItsIndexEntriesAndWhatReferrersInheritedFromIt) {
  const Uuid a = NewUuid(), b = NewUuid(), c = NewUuid(), d = NewUuid();
  MustAppend({Statement(a, {Activity("x")})});
  MustAppend({RefTo(b, a, {Verb("v")})});                     // inherits x
  MustAppend({RefTo(c, b, {Activity("y")})});                 // inherits v and x
  MustAppend({RefTo(d, a, {Activity("x"), Verb("w")})});      // owns x itself
  ASSERT_EQ(IndexSet(Activity("x")), (std::set<Uuid>{a, b, c, d}));

  auto erased = store_->EraseStatements({a, NewUuid()});  // an unknown id is skipped
  ASSERT_TRUE(erased.ok()) << erased.error().ToString();
  EXPECT_EQ(*erased, 1u);
  EXPECT_FALSE(Get(a).has_value());
  // The index entries themselves are gone, not just unreadable: b and c no longer match x,
  // d (which owns x) still does, and what b and c own or inherit from b stays.
  EXPECT_EQ(IndexSet(Activity("x")), (std::set<Uuid>{d}));
  EXPECT_EQ(IndexSet(Verb("v")), (std::set<Uuid>{b, c}));
  EXPECT_EQ(IndexSet(Activity("y")), (std::set<Uuid>{c}));
  for (const auto& [seq, id] : ScanAll(true)) EXPECT_NE(id, a);
  auto view = store_->Read();
  EXPECT_TRUE(view.OwnsIndexEntry(d, Activity("x")).value());
  EXPECT_FALSE(view.OwnsIndexEntry(c, Activity("x")).value());
  EXPECT_FALSE(view.OwnsIndexEntry(a, Activity("x")).value());
}

TEST_F(StoreTest, ErasingAVoidingStatementLeavesItsTargetVoided) {
  const Uuid target = NewUuid(), voiding = NewUuid(), other = NewUuid(), other_voiding = NewUuid();
  MustAppend({Statement(target, {Activity("t")}), Statement(other, {Activity("t")})});
  MustAppend({Voiding(voiding, target), Voiding(other_voiding, other)});
  ASSERT_TRUE(Voided(target));
  ASSERT_TRUE(store_->EraseStatements({voiding}).ok());
  EXPECT_TRUE(Voided(target));
  EXPECT_FALSE(Get(voiding).has_value());
  // Erasing a voided statement takes its mark with it.
  ASSERT_TRUE(store_->EraseStatements({other}).ok());
  EXPECT_FALSE(Voided(other));
  EXPECT_FALSE(Get(other).has_value());
  EXPECT_EQ(IndexSet(Activity("t")), (std::set<Uuid>{target}));
}

}  // namespace
}  // namespace lrsd::store
