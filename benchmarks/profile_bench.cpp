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
