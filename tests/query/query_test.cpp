// lrsd query (src/query/query.cpp): planning over the store's indexes, paging and `more`
// cursors, since/until bounds, voided statements, bounded work per page, and pages that stay
// stable while new statements arrive.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "lrsd/query.h"

namespace lrsd::query {
namespace {

namespace fs = std::filesystem;
using store::IndexEntry;
using store::StatementWrite;
using xapi::IndexKind;

class TempDir {
 public:
  TempDir() {
    path_ = (fs::temp_directory_path() / "lrsd_query_test_XXXXXX").string();
    if (!mkdtemp(path_.data())) throw std::runtime_error("mkdtemp failed");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

IndexEntry Key(IndexKind kind, std::string key) { return {static_cast<std::uint8_t>(kind), std::move(key)}; }

struct Spec {
  // Default member initializers: designated initializers may then omit fields quietly.
  std::string activity{}, verb{}, agent{}, registration{}, authority{};
  std::string related_activity{}, related_agent{};
};

class QueryTest : public testing::Test {
 protected:
  void SetUp() override {
    store::Options o;
    o.path = dir_.path();
    o.sync = false;
    o.memory_bytes = 16u << 20;
    auto opened = store::Store::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
  }

  static std::vector<IndexEntry> KeysOf(const Spec& s) {
    std::vector<IndexEntry> keys;
    if (!s.activity.empty()) {
      keys.push_back(Key(IndexKind::kActivity, s.activity));
      keys.push_back(Key(IndexKind::kRelatedActivity, s.activity));
    }
    if (!s.related_activity.empty()) keys.push_back(Key(IndexKind::kRelatedActivity, s.related_activity));
    if (!s.agent.empty()) {
      keys.push_back(Key(IndexKind::kAgent, s.agent));
      keys.push_back(Key(IndexKind::kRelatedAgent, s.agent));
    }
    if (!s.related_agent.empty()) keys.push_back(Key(IndexKind::kRelatedAgent, s.related_agent));
    if (!s.verb.empty()) keys.push_back(Key(IndexKind::kVerb, s.verb));
    if (!s.registration.empty()) keys.push_back(Key(IndexKind::kRegistration, s.registration));
    if (!s.authority.empty()) keys.push_back(Key(IndexKind::kAuthority, s.authority));
    return keys;
  }

  // Stores one statement at a fresh sequence (or the given one); returns its id.
  Uuid Add(const Spec& spec = {}, std::uint64_t seq = 0, std::optional<Uuid> voids = std::nullopt,
           std::optional<Uuid> ref = std::nullopt) {
    StatementWrite s;
    s.id = NewUuid();
    s.json = "{\"id\":\"" + FormatUuid(s.id) + "\"}";
    s.comparison = s.json;
    s.keys = KeysOf(spec);
    s.voids = voids;
    s.ref_target = voids ? voids : ref;
    store::SequenceReservation r = store_->ReserveSequence(1);
    s.seq = seq ? seq : r.first();
    auto result = store_->AppendStatements({s}, {});
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    seq_of_[s.id] = s.seq;
    return s.id;
  }

  Page MustRun(const StatementQuery& q, const Limits& limits = {}) {
    auto view = store_->Read();
    auto page = query::Run(view, q, limits);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? std::move(page).value() : Page{};
  }

  static std::vector<Uuid> Ids(const Page& page) {
    std::vector<Uuid> ids;
    for (const auto& s : page.statements) ids.push_back(s.id);
    return ids;
  }

  // Follows `more` to the end (through the cursor's encoding each time).
  std::vector<Uuid> RunAll(StatementQuery q, const Limits& limits = {}, int* pages = nullptr) {
    std::vector<Uuid> ids;
    int n = 0;
    for (;;) {
      Page page = MustRun(q, limits);
      ++n;
      for (const auto& s : page.statements) ids.push_back(s.id);
      if (!page.more) break;
      auto next = DecodeCursor(*page.more);
      EXPECT_TRUE(next.ok());
      if (!next.ok() || n > 10000) break;
      q = *next;
    }
    if (pages) *pages = n;
    return ids;
  }

  // Ids in stored order (ascending or descending) among `ids`.
  std::vector<Uuid> Ordered(std::vector<Uuid> ids, bool ascending) {
    std::sort(ids.begin(), ids.end(), [&](const Uuid& a, const Uuid& b) {
      return ascending ? seq_of_[a] < seq_of_[b] : seq_of_[a] > seq_of_[b];
    });
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::map<Uuid, std::uint64_t> seq_of_;
};

// ---- since / until ----------------------------------------------------------------------------
TEST(Bounds, SinceIsExclusiveOnMilliseconds) {
  // stored (ms) > since  <=>  seq >= (floor(since_ms) + 1) * 1000
  EXPECT_EQ(SinceToLo(1000), 2000u);
  EXPECT_EQ(SinceToLo(1500), 2000u);
  EXPECT_EQ(SinceToLo(1999), 2000u);
  EXPECT_EQ(SinceToLo(0), 1000u);
  EXPECT_EQ(SinceToLo(999), 1000u);
  EXPECT_EQ(SinceToLo(-1), 0u);
  EXPECT_EQ(SinceToLo(-5000000), 0u);
  EXPECT_EQ(SinceToLo(1700000000123456), 1700000000124000u);
}

TEST(Bounds, UntilIsInclusiveOnMilliseconds) {
  // stored (ms) <= until  <=>  seq <= (floor(until_ms) + 1) * 1000 - 1
  EXPECT_EQ(UntilToHi(1000), 1999u);
  EXPECT_EQ(UntilToHi(1500), 1999u);
  EXPECT_EQ(UntilToHi(1999), 1999u);
  EXPECT_EQ(UntilToHi(2000), 2999u);
  EXPECT_EQ(UntilToHi(0), 999u);
  EXPECT_EQ(UntilToHi(1700000000123456), 1700000000123999u);
}

TEST(Bounds, AStatementsOwnStoredValueBoundsIt) {
  // A client that takes a statement's `stored` (as the LRS formats it) as `since` must not get
  // it back; as `until`, it must.
  for (std::uint64_t seq : {1700000000123000ull, 1700000000123001ull, 1700000000123999ull}) {
    auto stored = xapi::ParseTimestamp(FormatTimestampMillis(static_cast<MicrosSinceEpoch>(seq)), xapi::Version::k2_0);
    ASSERT_TRUE(stored);
    EXPECT_GT(SinceToLo(*stored), seq);
    EXPECT_GE(UntilToHi(*stored), seq);
    EXPECT_LT(UntilToHi(*stored - 1000), seq);  // a millisecond earlier excludes it
  }
}

TEST_F(QueryTest, SinceAndUntilSelectByStoredMilliseconds) {
  // Statements in three consecutive milliseconds, two in the middle one.
  std::uint64_t base = (static_cast<std::uint64_t>(NowMicros()) / 1000 - 60000) * 1000;  // a minute ago, on a ms
  Uuid before = Add({}, base - 1);             // ms M-1
  Uuid at_start = Add({}, base);               // ms M
  Uuid at_end = Add({}, base + 999);           // ms M
  Uuid after = Add({}, base + 1000);           // ms M+1
  auto run = [&](std::uint64_t lo, std::uint64_t hi) {
    StatementQuery q;
    q.lo = lo;
    q.hi = hi;
    q.ascending = true;
    return Ids(MustRun(q));
  };
  const auto M = static_cast<MicrosSinceEpoch>(base);
  EXPECT_EQ(run(SinceToLo(M), UINT64_MAX), (std::vector<Uuid>{after}));
  EXPECT_EQ(run(SinceToLo(M + 500), UINT64_MAX), (std::vector<Uuid>{after}));
  EXPECT_EQ(run(SinceToLo(M - 1), UINT64_MAX), (std::vector<Uuid>{at_start, at_end, after}));
  EXPECT_EQ(run(SinceToLo(M - 1000), UINT64_MAX), (std::vector<Uuid>{at_start, at_end, after}));
  EXPECT_EQ(run(0, UntilToHi(M)), (std::vector<Uuid>{before, at_start, at_end}));
  EXPECT_EQ(run(0, UntilToHi(M + 999)), (std::vector<Uuid>{before, at_start, at_end}));
  EXPECT_EQ(run(0, UntilToHi(M - 1)), (std::vector<Uuid>{before}));
  EXPECT_EQ(run(SinceToLo(M - 1000), UntilToHi(M)), (std::vector<Uuid>{at_start, at_end}));
  EXPECT_TRUE(run(SinceToLo(M), UntilToHi(M)).empty());
  // Through an index too.
  Uuid tagged = Add({.verb = "http://v/t"}, base + 2000);
  StatementQuery q;
  q.verb = "http://v/t";
  q.lo = SinceToLo(M + 2000);
  EXPECT_TRUE(MustRun(q).statements.empty());
  q.lo = SinceToLo(M + 1999);
  EXPECT_EQ(Ids(MustRun(q)), std::vector<Uuid>{tagged});
}

// ---- Plans and filters ------------------------------------------------------------------------
TEST_F(QueryTest, NoFilterReturnsEverythingNewestFirst) {
  std::vector<Uuid> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Add());
  auto page = MustRun({});
  EXPECT_EQ(Ids(page), Ordered(ids, false));
  EXPECT_FALSE(page.more);
  StatementQuery asc;
  asc.ascending = true;
  EXPECT_EQ(Ids(MustRun(asc)), Ordered(ids, true));
  // The statements carry their JSON and sequence.
  for (const auto& s : page.statements) {
    EXPECT_EQ(s.seq, seq_of_[s.id]);
    EXPECT_EQ(s.json, "{\"id\":\"" + FormatUuid(s.id) + "\"}");
    EXPECT_FALSE(s.voided);
  }
}

TEST_F(QueryTest, EmptyStore) {
  auto page = MustRun({});
  EXPECT_TRUE(page.statements.empty());
  EXPECT_FALSE(page.more);
  StatementQuery q;
  q.activity = "http://x/none";
  EXPECT_TRUE(MustRun(q).statements.empty());
}

TEST_F(QueryTest, EveryFilterAndCombinations) {
  const std::string reg = "0b6b1fd8-9d8b-4e3c-a8f6-2b1f0b6a8c11";
  Uuid a = Add({.activity = "http://a/1", .verb = "http://v/done", .agent = "mbox:mailto:x@y", .registration = reg});
  Uuid b = Add({.activity = "http://a/1", .verb = "http://v/seen", .agent = "mbox:mailto:z@y", .authority = "acct:me"});
  Uuid c = Add({.activity = "http://a/2", .verb = "http://v/done", .agent = "mbox:mailto:x@y",
                .related_activity = "http://a/1", .related_agent = "mbox:mailto:z@y"});
  Uuid d = Add({.activity = "http://a/3", .verb = "http://v/done", .authority = "acct:me"});
  auto run = [&](StatementQuery q) {
    auto ids = Ids(MustRun(q));
    return std::set<Uuid>(ids.begin(), ids.end());
  };
  StatementQuery q;
  q.activity = "http://a/1";
  EXPECT_EQ(run(q), (std::set<Uuid>{a, b}));
  q.related_activities = true;
  EXPECT_EQ(run(q), (std::set<Uuid>{a, b, c}));
  q = {};
  q.verb = "http://v/done";
  EXPECT_EQ(run(q), (std::set<Uuid>{a, c, d}));
  q.agent_ifi = "mbox:mailto:x@y";
  EXPECT_EQ(run(q), (std::set<Uuid>{a, c}));
  q.activity = "http://a/1";
  EXPECT_EQ(run(q), (std::set<Uuid>{a}));
  q.related_activities = true;
  EXPECT_EQ(run(q), (std::set<Uuid>{a, c}));
  q.registration = reg;
  EXPECT_EQ(run(q), (std::set<Uuid>{a}));
  q.verb = "http://v/seen";
  EXPECT_TRUE(run(q).empty());
  q = {};
  q.agent_ifi = "mbox:mailto:z@y";
  EXPECT_EQ(run(q), (std::set<Uuid>{b}));
  q.related_agents = true;
  EXPECT_EQ(run(q), (std::set<Uuid>{b, c}));
  q = {};
  q.authority_ifi = "acct:me";
  EXPECT_EQ(run(q), (std::set<Uuid>{b, d}));
  q.verb = "http://v/done";
  EXPECT_EQ(run(q), (std::set<Uuid>{d}));
  q = {};
  q.registration = reg;
  EXPECT_EQ(run(q), (std::set<Uuid>{a}));
  q.registration = "00000000-0000-0000-0000-000000000000";
  EXPECT_TRUE(run(q).empty());
  // Filters compare exactly: a prefix or another case does not match.
  q = {};
  q.activity = "http://a/";
  EXPECT_TRUE(run(q).empty());
  q.activity = "HTTP://a/1";
  EXPECT_TRUE(run(q).empty());
}

TEST_F(QueryTest, FilterOrderDoesNotChangeResults) {
  // Whichever filter drives the scan, the result is the intersection, in stored order.
  std::mt19937 rng(11);
  std::vector<Uuid> all;
  std::map<Uuid, Spec> specs;
  for (int i = 0; i < 120; ++i) {
    Spec s;
    s.activity = "http://a/" + std::to_string(rng() % 3);
    s.verb = "http://v/" + std::to_string(rng() % 2);
    s.agent = "mbox:mailto:" + std::to_string(rng() % 4) + "@x";
    Uuid id = Add(s);
    all.push_back(id);
    specs[id] = s;
  }
  for (int a = 0; a < 3; ++a) {
    for (int v = 0; v < 2; ++v) {
      for (int g = 0; g < 4; ++g) {
        StatementQuery q;
        q.activity = "http://a/" + std::to_string(a);
        q.verb = "http://v/" + std::to_string(v);
        q.agent_ifi = "mbox:mailto:" + std::to_string(g) + "@x";
        std::vector<Uuid> expected;
        for (const Uuid& id : all) {
          const Spec& s = specs[id];
          if (s.activity == *q.activity && s.verb == *q.verb && s.agent == *q.agent_ifi) expected.push_back(id);
        }
        EXPECT_EQ(RunAll(q), Ordered(expected, false));
        q.ascending = true;
        q.limit = 2;
        EXPECT_EQ(RunAll(q), Ordered(expected, true));
      }
    }
  }
}

TEST_F(QueryTest, StatementRefsMatchTheirTargetsFilters) {
  Uuid target = Add({.activity = "http://a/t"});
  Uuid ref = Add({.verb = "http://v/ref"}, 0, std::nullopt, target);
  Uuid late_ref = Add({}, 0, std::nullopt, Uuid{1});  // target 0000...01 arrives later
  StatementQuery q;
  q.activity = "http://a/t";
  EXPECT_EQ(Ids(MustRun(q)), (std::vector<Uuid>{ref, target}));
  q.verb = "http://v/ref";
  EXPECT_EQ(Ids(MustRun(q)), (std::vector<Uuid>{ref}));
  // The late target.
  StatementWrite s;
  s.id = Uuid{1};
  s.json = s.comparison = "{}";
  s.keys = {Key(IndexKind::kActivity, "http://a/late")};
  {
    auto r = store_->ReserveSequence(1);
    s.seq = r.first();
    ASSERT_TRUE(store_->AppendStatements({s}, {}).ok());
  }
  q = {};
  q.activity = "http://a/late";
  EXPECT_EQ(Ids(MustRun(q)), (std::vector<Uuid>{s.id, late_ref}));
}

// ---- Voided statements ------------------------------------------------------------------------
TEST_F(QueryTest, VoidedStatementsAreExcluded) {
  Uuid kept = Add({.activity = "http://a/v"});
  Uuid voided = Add({.activity = "http://a/v"});
  Uuid voiding = Add({.verb = "http://adlnet.gov/expapi/verbs/voided"}, 0, voided);
  EXPECT_EQ(Ids(MustRun({})), (std::vector<Uuid>{voiding, kept}));
  StatementQuery q;
  q.activity = "http://a/v";
  // The voiding statement matches its target's filters (it is a StatementRef), the target not.
  EXPECT_EQ(Ids(MustRun(q)), (std::vector<Uuid>{voiding, kept}));
  q.verb = "http://adlnet.gov/expapi/verbs/voided";
  EXPECT_EQ(Ids(MustRun(q)), (std::vector<Uuid>{voiding}));
  // Voided statements do not use up the limit.
  q = {};
  q.limit = 2;
  auto page = MustRun(q);
  EXPECT_EQ(Ids(page), (std::vector<Uuid>{voiding, kept}));
  EXPECT_FALSE(page.more);
}

// ---- Paging -----------------------------------------------------------------------------------
TEST_F(QueryTest, PagesCoverEverythingOnceInBothDirections) {
  std::vector<Uuid> ids;
  for (int i = 0; i < 23; ++i) ids.push_back(Add({.activity = i % 2 ? "http://a/odd" : "http://a/even"}));
  for (bool ascending : {false, true}) {
    for (std::uint32_t limit : {1u, 5u, 7u, 23u, 100u}) {
      StatementQuery q;
      q.ascending = ascending;
      q.limit = limit;
      int pages = 0;
      EXPECT_EQ(RunAll(q, {}, &pages), Ordered(ids, ascending)) << limit;
      EXPECT_EQ(pages, static_cast<int>((ids.size() + limit - 1) / limit)) << "no trailing empty page; limit " << limit;
      q.activity = "http://a/odd";
      std::vector<Uuid> odd;
      for (std::size_t i = 1; i < ids.size(); i += 2) odd.push_back(ids[i]);
      EXPECT_EQ(RunAll(q), Ordered(odd, ascending)) << limit;
    }
  }
}

TEST_F(QueryTest, LimitIsCappedByTheServerMaximum) {
  for (int i = 0; i < 12; ++i) Add();
  Limits limits;
  limits.max_page = 5;
  StatementQuery q;
  q.limit = 0;  // the server maximum
  auto page = MustRun(q, limits);
  EXPECT_EQ(page.statements.size(), 5u);
  EXPECT_TRUE(page.more);
  q.limit = 1000;
  page = MustRun(q, limits);
  EXPECT_EQ(page.statements.size(), 5u);
  q.limit = 3;
  page = MustRun(q, limits);
  EXPECT_EQ(page.statements.size(), 3u);
  // The cursor keeps the client's limit.
  auto next = DecodeCursor(*page.more);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->limit, 3u);
  EXPECT_EQ(MustRun(*next, limits).statements.size(), 3u);
  q.limit = 12;
  page = MustRun(q, {.max_page = 100});
  EXPECT_EQ(page.statements.size(), 12u);
  EXPECT_FALSE(page.more);
}

TEST_F(QueryTest, MaxScannedReturnsEarlyWithACursor) {
  // 40 statements share an activity; only every 10th has the verb. With the activity
  // driving the scan, each page may examine at most 7 candidates.
  std::vector<Uuid> wanted;
  for (int i = 0; i < 40; ++i) {
    Spec s{.activity = "http://a/scan"};
    if (i % 10 == 9) s.verb = "http://v/rare";
    Uuid id = Add(s);
    if (i % 10 == 9) wanted.push_back(id);
  }
  Limits limits;
  limits.max_scanned = 7;
  StatementQuery q;
  q.activity = "http://a/scan";
  q.verb = "http://v/rare";
  auto first = MustRun(q, limits);
  EXPECT_TRUE(first.more);
  EXPECT_LE(first.statements.size(), 1u);
  int pages = 0;
  EXPECT_EQ(RunAll(q, limits, &pages), Ordered(wanted, false));
  EXPECT_GE(pages, 40 / 7);
  q.ascending = true;
  EXPECT_EQ(RunAll(q, limits), Ordered(wanted, true));
  // Without filters too.
  StatementQuery all;
  EXPECT_EQ(RunAll(all, limits).size(), 40u);
}

TEST_F(QueryTest, PagingIsStableWhileNewStatementsArrive) {
  std::vector<Uuid> old_ids;
  for (int i = 0; i < 20; ++i) old_ids.push_back(Add({.activity = "http://a/live"}));
  for (bool ascending : {false, true}) {
    StatementQuery q;
    q.activity = "http://a/live";
    q.ascending = ascending;
    q.limit = 3;
    std::vector<Uuid> seen;
    std::vector<Uuid> added;
    for (int page_no = 0;; ++page_no) {
      Page page = MustRun(q);
      for (const auto& s : page.statements) seen.push_back(s.id);
      // New matching statements arrive between pages.
      added.push_back(Add({.activity = "http://a/live"}));
      if (!page.more) break;
      auto next = DecodeCursor(*page.more);
      ASSERT_TRUE(next.ok());
      q = *next;
    }
    EXPECT_EQ(seen, Ordered(old_ids, ascending)) << (ascending ? "ascending" : "descending");
    old_ids.insert(old_ids.end(), added.begin(), added.end());
  }
}

TEST_F(QueryTest, PagingIgnoresStatementsAboveTheWatermark) {
  for (int i = 0; i < 4; ++i) Add();
  auto in_flight = std::make_unique<store::SequenceReservation>(store_->ReserveSequence(1));
  Uuid late_written = Add();  // later reservation, written, but above the watermark
  StatementQuery q;
  q.ascending = true;
  q.limit = 2;
  Page page = MustRun(q);
  ASSERT_TRUE(page.more);
  EXPECT_EQ(MustRun({}).statements.size(), 4u);
  in_flight.reset();
  auto rest = RunAll(*DecodeCursor(*page.more));
  EXPECT_EQ(rest.size(), 2u);
  EXPECT_EQ(std::count(rest.begin(), rest.end(), late_written), 0);
  // A new query sees it.
  EXPECT_EQ(MustRun({}).statements.size(), 5u);
}

// ---- Cursors ----------------------------------------------------------------------------------
TEST(Cursor, RoundTripsEveryField) {
  StatementQuery q;
  q.agent_ifi = "account:http://example.com|ab\xc3\xa9";
  q.related_agents = true;
  q.verb = "http://v/x";
  q.activity = "http://a/y?z=1&w=2";
  q.related_activities = true;
  q.registration = "0b6b1fd8-9d8b-4e3c-a8f6-2b1f0b6a8c11";
  q.authority_ifi = std::string("bin\0ary", 7);
  q.lo = 123;
  q.hi = UINT64_MAX - 1;
  q.limit = 4000000000u;
  q.ascending = true;
  q.format = xapi::Format::kCanonical;
  q.attachments = true;
  std::string token = EncodeCursor(q);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << "must be usable in a URL as is: " << token;
  auto back = DecodeCursor(token);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->agent_ifi, q.agent_ifi);
  EXPECT_EQ(back->related_agents, true);
  EXPECT_EQ(back->verb, q.verb);
  EXPECT_EQ(back->activity, q.activity);
  EXPECT_EQ(back->related_activities, true);
  EXPECT_EQ(back->registration, q.registration);
  EXPECT_EQ(back->authority_ifi, q.authority_ifi);
  EXPECT_EQ(back->lo, q.lo);
  EXPECT_EQ(back->hi, q.hi);
  EXPECT_EQ(back->limit, q.limit);
  EXPECT_EQ(back->ascending, true);
  EXPECT_EQ(back->format, xapi::Format::kCanonical);
  EXPECT_EQ(back->attachments, true);

  StatementQuery empty;
  auto e = DecodeCursor(EncodeCursor(empty));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->agent_ifi || e->verb || e->activity || e->registration || e->authority_ifi);
  EXPECT_FALSE(e->related_agents || e->related_activities || e->ascending || e->attachments);
  EXPECT_EQ(e->format, xapi::Format::kExact);
  EXPECT_EQ(e->lo, 0u);
  EXPECT_EQ(e->hi, UINT64_MAX);
  EXPECT_EQ(e->limit, 0u);
  // Present-but-empty strings stay present.
  StatementQuery blank;
  blank.verb = "";
  auto b = DecodeCursor(EncodeCursor(blank));
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->verb.has_value());
  EXPECT_EQ(*b->verb, "");
  for (auto f : {xapi::Format::kExact, xapi::Format::kIds, xapi::Format::kCanonical}) {
    StatementQuery fq;
    fq.format = f;
    EXPECT_EQ(DecodeCursor(EncodeCursor(fq))->format, f);
  }
}

TEST(Cursor, GarbageIsABadRequest) {
  StatementQuery q;
  q.verb = "http://v/x";
  q.limit = 5;
  const std::string good = EncodeCursor(q);
  auto raw = *Base64Decode(good);
  std::vector<std::string> bad = {
      "",
      "!!!!",
      "not a cursor",
      "AAAA",
      good.substr(0, good.size() - 3),
      good + "AAAA",
      Base64UrlEncode(raw + std::string(1, '\0')),  // trailing bytes
      Base64UrlEncode(raw.substr(0, raw.size() - 1)),
  };
  {
    std::string v = raw;
    v[0] = 2;  // unknown version
    bad.push_back(Base64UrlEncode(v));
    v = raw;
    v[2] = 3;  // unknown format
    bad.push_back(Base64UrlEncode(v));
    v = raw;
    v[2 + 1 + 16 + 3] = 1;  // limit above 32 bits
    bad.push_back(Base64UrlEncode(v));
    v = raw;
    v[2 + 1 + 24] = 5;  // agent "present" flag with no length
    bad.push_back(Base64UrlEncode(v));
  }
  {
    // A string whose length runs past the end.
    std::string v = raw.substr(0, 27);
    v += '\1';
    AppendBigEndian64(v, 1000);
    v += "short";
    bad.push_back(Base64UrlEncode(v));
    v = raw.substr(0, 27);
    v += '\1';
    AppendBigEndian64(v, UINT64_MAX);
    bad.push_back(Base64UrlEncode(v));
  }
  for (const auto& token : bad) {
    auto r = DecodeCursor(token);
    ASSERT_FALSE(r.ok()) << "accepted: " << token;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().path, "parameter more");
  }
  // Random bytes never crash the decoder (and almost never decode).
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 80, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    (void)DecodeCursor(Base64UrlEncode(bytes));
    (void)DecodeCursor(bytes);
  }
}

}  // namespace
}  // namespace lrsd::query
