// Reading a learning profile costs O(profile), not O(history): a person with 10 statements and
// one with 10,000 (or 100,000) are read at the same cost, because the all-time aggregate is
// maintained incrementally when statements are stored.
//   build-bench/benchmarks/profile_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>

#include "lrsd/profile.h"
#include "lrsd/store.h"

namespace {

using namespace lrsd;

constexpr std::int64_t kOct1 = 1790812800LL * 1000000;  // 2026-10-01T00:00:00Z

// One store per history size, filled once: person "p<n>" has n statements.
struct Fixture {
  std::string dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<profile::Service> service;

  explicit Fixture(int statements) {
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-profile-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    dir = pattern;
    store::Options options;
    options.path = dir;
    options.sync = false;
    options.expand_contribution = profile::ExpandContribution;
    options.merge_profile = profile::MergeAggregates;
    store = std::move(store::Store::Open(options)).value();
    service = std::make_unique<profile::Service>(*store);
    if (!service->Load().ok()) std::abort();
    const std::string ifi = "mbox:mailto:p@example.com";
    profile::Person p;
    p.id = "p";
    p.name = "Person";
    p.ifis = {{ifi, R"({"mbox":"mailto:p@example.com"})"}};
    if (!service->UpsertPeople({p}).ok()) std::abort();
    const int per_batch = 1000;
    for (int done = 0; done < statements; done += per_batch) {
      const int n = std::min(per_batch, statements - done);
      auto reservation = store->ReserveSequence(static_cast<std::uint64_t>(n));
      std::vector<store::StatementWrite> writes;
      for (int i = 0; i < n; ++i) {
        profile::Contribution c;
        c.ifi = ifi;
        c.statement_id = FormatUuid(NewUuid());
        c.timestamp = kOct1 + static_cast<std::int64_t>(done + i) * 60000000LL;  // one a minute
        c.modality = static_cast<profile::Modality>((done + i) % 4);
        c.seconds = 60 + (done + i) % 600;
        c.completed = (done + i) % 2;
        c.competencies = {{"negotiation", 1 + (done + i) % 3}};
        store::StatementWrite w;
        w.id = *ParseUuid(c.statement_id);
        w.seq = reservation.first() + static_cast<std::uint64_t>(i);
        w.json = "{}";
        w.comparison = c.statement_id;
        w.contribution = profile::EncodeContribution(c);
        writes.push_back(std::move(w));
      }
      if (!store->AppendStatements(std::move(writes), {}).ok()) std::abort();
    }
    // Compact so that every size is measured in the same (settled) state.
    if (!store->Flush().ok()) std::abort();
  }
  ~Fixture() {
    service.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& For(int statements) {
  static std::map<int, std::unique_ptr<Fixture>> fixtures;
  auto& f = fixtures[statements];
  if (!f) f = std::make_unique<Fixture>(statements);
  return *f;
}

void BM_PersonProfile(benchmark::State& state) {
  Fixture& f = For(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto body = f.service->PersonProfile("p", profile::Range{});
    if (!body.ok()) state.SkipWithError("profile failed");
    benchmark::DoNotOptimize(body);
  }
  state.counters["statements"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_PersonProfile)->Arg(10)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// A one-week window in the middle of the history: day buckets plus the two edge days.
void BM_PersonProfileOneWeek(benchmark::State& state) {
  Fixture& f = For(static_cast<int>(state.range(0)));
  const std::int64_t since = kOct1 + 2LL * 86400 * 1000000 + 3600000000LL;
  const std::int64_t until = since + 7LL * 86400 * 1000000;
  for (auto _ : state) {
    auto body = f.service->PersonProfile("p", profile::Range{since, until});
    if (!body.ok()) state.SkipWithError("profile failed");
    benchmark::DoNotOptimize(body);
  }
  state.counters["statements"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_PersonProfileOneWeek)->Arg(10)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

// The per-statement cost on the write path: classification (default rules) and the contribution.
namespace {
void BM_Contribute(benchmark::State& state) {
  auto rules = lrsd::profile::ParseRules(lrsd::profile::DefaultRulesJson());
  if (!rules.ok()) state.SkipWithError("rules");
  lrsd::xapi::JsonDocument statement;
  statement.Parse(R"({"id":"2b7e1a52-79b1-4c62-9c3c-5b1a7f0e8f11","actor":{"mbox":"mailto:ana@example.com"},
    "verb":{"id":"http://adlnet.gov/expapi/verbs/passed"},
    "object":{"id":"https://lms.example.com/course/c7/au/1","definition":{"type":"http://adlnet.gov/expapi/activities/lesson"}},
    "result":{"success":true,"completion":true,"duration":"PT12M30S","score":{"scaled":0.9}},
    "context":{"platform":"LMS","contextActivities":{"category":[{"id":"https://w3id.org/xapi/cmi5/context/categories/cmi5"}]}},
    "timestamp":"2026-10-05T09:00:00.000Z","stored":"2026-10-05T09:00:00.000Z"})");
  for (auto _ : state) {
    auto c = lrsd::profile::Contribute(statement, **rules);
    benchmark::DoNotOptimize(lrsd::profile::EncodeContribution(*c));
  }
}
BENCHMARK(BM_Contribute);
}  // namespace

// A business unit's balanced scorecard: 1,000 people, each with a development plan and a
// year of learning (100 statements a person, 100,000 in all). Target: under 10 ms.
namespace {
struct UnitFixture {
  std::string dir;
  std::unique_ptr<lrsd::store::Store> store;
  std::unique_ptr<lrsd::profile::Service> service;

  UnitFixture() {
    using namespace lrsd;
    std::string pattern = (std::filesystem::temp_directory_path() / "lrsd-unit-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    dir = pattern;
    store::Options options;
    options.path = dir;
    options.sync = false;
    options.expand_contribution = profile::ExpandContribution;
    options.merge_profile = profile::MergeAggregates;
    store = std::move(store::Store::Open(options)).value();
    service = std::make_unique<profile::Service>(*store);
    auto ok = [](const Status& st) {
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.error().ToString().c_str());
        std::abort();
      }
    };
    ok(service->Load());
    ok(service->SetFramework(R"({"competencies":[{"id":"negotiation"},{"id":"safety"},{"id":"coaching"}],
      "roles":[{"id":"rep","requires":[{"competency":"negotiation","level":3},{"competency":"safety","level":1}]}]})"));
    ok(service->SetGoals(R"([{"id":"g","title":"Grow"},{"id":"g-unit","title":"Unit","parent":"g","unit":"sales","competencies":["negotiation"]}])"));
    ok(service->SetCosts(R"({"currency":"EUR","rules":[{"when":{"activityIdPrefix":"https://lms.example.com/"},"perCompletion":50,"perHour":20}]})"));
    std::string kpis = R"({"values":[)";
    for (int m = 1; m <= 12; ++m) {
      char month[16];
      std::snprintf(month, sizeof month, "2026-%02d", m);
      kpis += std::string(m > 1 ? "," : "") + R"({"kpi":"revenue","month":")" + month + R"(","value":)" +
              std::to_string(1000000 + m * 37000 % 90000) + "}";
    }
    ok(service->SetKpis("sales", kpis + "]}", false));
    std::vector<profile::Person> people;
    for (int i = 0; i < 1000; ++i) {
      profile::Person p;
      p.id = "p" + std::to_string(i);
      p.name = "Person " + std::to_string(i);
      p.role = "rep";
      p.unit = "sales";
      p.ifis = {{"mbox:mailto:" + p.id + "@example.com", R"({"mbox":"mailto:)" + p.id + R"(@example.com"})"}};
      people.push_back(std::move(p));
    }
    ok(service->UpsertPeople(people));
    for (int i = 0; i < 1000; ++i) {
      ok(service->SetPlan("p" + std::to_string(i), R"({"from":"2026-01-01","to":"2026-12-31","items":[
        {"goal":"g-unit","competency":"negotiation","targetLevel":3,"due":"2026-11-30","activities":["https://lms.example.com/c/1"],"hours":10}]})"));
    }
    constexpr std::int64_t kJan1 = 1767225600LL * 1000000;
    std::uint64_t n = 0;
    for (int batch = 0; batch < 100; ++batch) {
      auto reservation = store->ReserveSequence(1000);
      std::vector<store::StatementWrite> writes;
      for (int i = 0; i < 1000; ++i, ++n) {
        profile::Contribution c;
        const int person = static_cast<int>(n % 1000);
        c.ifi = "mbox:mailto:p" + std::to_string(person) + "@example.com";
        c.statement_id = FormatUuid(NewUuid());
        c.timestamp = kJan1 + static_cast<std::int64_t>((n * 7919) % (365LL * 86400)) * 1000000;
        c.modality = static_cast<profile::Modality>(n % 3);
        c.seconds = 600 + n % 3000;
        c.completed = n % 2;
        c.activity = "https://lms.example.com/c/" + std::to_string(n % 20);
        c.cost_cents = c.completed ? 5000 : 0;
        c.competencies = {{n % 3 == 0 ? "negotiation" : "safety", 1 + static_cast<int>(n % 4)}};
        store::StatementWrite w;
        w.id = *ParseUuid(c.statement_id);
        w.seq = reservation.first() + static_cast<std::uint64_t>(i);
        w.json = "{}";
        w.comparison = c.statement_id;
        w.contribution = profile::EncodeContribution(c);
        writes.push_back(std::move(w));
      }
      if (!store->AppendStatements(std::move(writes), {}).ok()) std::abort();
    }
    if (!store->Flush().ok()) std::abort();
    if (std::getenv("LRSD_BENCH_COMPACT") && !store->Compact().ok()) std::abort();
  }
  ~UnitFixture() {
    service.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

UnitFixture& Unit() {
  static UnitFixture f;
  return f;
}

void BM_UnitScorecard(benchmark::State& state) {
  UnitFixture& f = Unit();
  for (auto _ : state) {
    auto body = f.service->Scorecard("sales", lrsd::profile::Range{});
    if (!body.ok()) state.SkipWithError("scorecard failed");
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_UnitScorecard)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The same with every person's state recomputed (as after a change to everyone's data).
void BM_UnitScorecardCold(benchmark::State& state) {
  UnitFixture& f = Unit();
  for (auto _ : state) {
    f.service->Committed({});
    auto body = f.service->Scorecard("sales", lrsd::profile::Range{});
    if (!body.ok()) state.SkipWithError("scorecard failed");
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_UnitScorecardCold)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_UnitProfile(benchmark::State& state) {
  UnitFixture& f = Unit();
  for (auto _ : state) {
    auto body = f.service->UnitProfile("sales", lrsd::profile::Range{});
    if (!body.ok()) state.SkipWithError("unit profile failed");
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_UnitProfile)->Unit(benchmark::kMillisecond)->MinTime(2.0);
}  // namespace
