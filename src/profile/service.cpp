// The learning-profile service: configuration (directory, framework, rules, goals, plans, costs,
// KPIs) kept in the store and, as an immutable snapshot, in memory; contributions for new
// statements; person / agent / unit / organisation profiles, scorecards and the goals tree;
// rebuilds.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "lrsd/profile.h"
#include "profile/config_snapshot.h"
#include "profile/scorecard.h"

namespace lrsd::profile {
namespace {

// Store keys (family kDirectory).
constexpr std::string_view kPersonPrefix = "person/";
constexpr std::string_view kPlanPrefix = "plan/";
constexpr std::string_view kKpiPrefix = "kpis/";
constexpr std::string_view kFrameworkKey = "config/framework";
constexpr std::string_view kRulesKey = "config/rules";
constexpr std::string_view kGoalsKey = "config/goals";
constexpr std::string_view kCostsKey = "config/costs";

constexpr std::size_t kRecent = 10;

std::string Key(std::string_view prefix, std::string_view id) { return std::string(prefix) + std::string(id); }

}  // namespace

struct Service::Impl {
  store::Store& store;
  mutable std::mutex mu;  // guards `config` (the pointer) and serialises admin changes
  std::shared_ptr<const Config> config = std::make_shared<Config>();

  // People's report states, reused while nothing they depend on changed: each entry remembers
  // the configuration it was computed with, the data epoch and the versions of the person's
  // IFIs (bumped by Committed once a statement of theirs is durable), and for plan statuses
  // judged "now", the minute.
  struct CacheEntry {
    std::shared_ptr<const Config> config;
    std::uint64_t epoch = 0;
    std::vector<std::uint64_t> versions;
    std::int64_t minute = 0;
    scorecard::PersonState state;
  };
  static constexpr std::size_t kCacheCapacity = 200000;
  std::mutex cache_mu;
  std::uint64_t epoch = 0;
  std::unordered_map<std::string, std::uint64_t> ifi_versions;
  std::unordered_map<std::string, std::shared_ptr<const CacheEntry>> cache;

  // The states of these people (or of one unmapped IFI, `person` null), from the cache where
  // still valid. Versions are read before the store snapshot, so an entry never claims data
  // newer than it saw.
  Result<std::vector<std::shared_ptr<const CacheEntry>>> States(const std::shared_ptr<const Config>& config,
                                                                 const std::vector<const Person*>& people,
                                                                 const std::vector<std::string>& lone_ifis,
                                                                 const Range& range, scorecard::Detail detail) {
    const std::int64_t now = NowMicros();
    const std::int64_t at = range.until ? *range.until : now;
    const std::int64_t minute = range.until || detail == scorecard::Detail::kProfile ? 0 : now / 60000000;
    const std::string suffix = std::string(1, '\0') + std::to_string(range.since.value_or(INT64_MIN)) + '/' +
                               std::to_string(range.until.value_or(INT64_MAX)) + '/' +
                               std::to_string(static_cast<int>(detail));
    struct Want {
      const Person* person;
      std::vector<std::string> ifis;
      std::string key;
      std::vector<std::uint64_t> versions;
      std::uint64_t epoch;
    };
    std::vector<Want> wants;
    for (const Person* p : people) wants.push_back({p, IfisOf(*p), "p" + p->id + suffix, {}, 0});
    for (const auto& ifi : lone_ifis) wants.push_back({nullptr, {ifi}, "i" + ifi + suffix, {}, 0});
    std::vector<std::shared_ptr<const CacheEntry>> out(wants.size());
    std::vector<std::size_t> misses;
    {
      std::lock_guard lock(cache_mu);
      for (std::size_t i = 0; i < wants.size(); ++i) {
        Want& w = wants[i];
        w.epoch = epoch;
        for (const auto& ifi : w.ifis) {
          auto it = ifi_versions.find(ifi);
          w.versions.push_back(it == ifi_versions.end() ? 0 : it->second);
        }
        auto hit = cache.find(w.key);
        if (hit != cache.end() && hit->second->config == config && hit->second->epoch == w.epoch &&
            hit->second->versions == w.versions && hit->second->minute == minute) {
          out[i] = hit->second;
        } else {
          misses.push_back(i);
        }
      }
    }
    if (misses.empty()) return out;
    auto view = store.Read();
    for (std::size_t i : misses) {
      Want& w = wants[i];
      auto state = scorecard::LoadPerson(view, *config, w.person, w.ifis, range, at, detail);
      if (!state.ok()) return std::move(state).error();
      auto entry = std::make_shared<CacheEntry>();
      entry->config = config;
      entry->epoch = w.epoch;
      entry->versions = std::move(w.versions);
      entry->minute = minute;
      entry->state = std::move(state).value();
      out[i] = entry;
    }
    std::lock_guard lock(cache_mu);
    if (cache.size() + misses.size() > kCacheCapacity) cache.clear();
    for (std::size_t i : misses) cache[wants[i].key] = out[i];
    return out;
  }
  // Profile responses, reused while the states they were built from are the very ones States()
  // hands out (an entry is replaced as soon as anything it depends on changes: configuration,
  // a voiding or erasure, a new statement of one of its people, the minute for plan statuses).
  // Summing a unit's members' aggregates and formatting the JSON was most of a warm unit read
  // (perf: Aggregate::Add, map iteration); a person's recent statements were block reads.
  // Bounded in bytes; cleared whole when full, like the state cache.
  struct CachedResponse {
    std::vector<std::shared_ptr<const CacheEntry>> states;
    std::string json;
  };
  static constexpr std::size_t kResponseBytes = 32u << 20;
  std::unordered_map<std::string, std::shared_ptr<const CachedResponse>> responses;  // guarded by cache_mu
  std::size_t response_bytes = 0;

  template <class Build>
  Result<std::string> Respond(std::string key, const Range& range,
                              const std::vector<std::shared_ptr<const CacheEntry>>& states, Build&& build) {
    key += '\0';
    key += std::to_string(range.since.value_or(INT64_MIN));
    key += '/';
    key += std::to_string(range.until.value_or(INT64_MAX));
    {
      std::lock_guard lock(cache_mu);
      auto hit = responses.find(key);
      if (hit != responses.end() && hit->second->states == states) return hit->second->json;
    }
    Result<std::string> json = build();
    if (!json.ok()) return json;
    auto entry = std::make_shared<CachedResponse>(CachedResponse{states, *json});
    const std::size_t bytes = key.size() + entry->json.size() + states.size() * sizeof(void*) + 64;
    std::lock_guard lock(cache_mu);
    if (response_bytes + bytes > kResponseBytes) {
      responses.clear();
      response_bytes = 0;
    }
    auto [it, inserted] = responses.insert_or_assign(std::move(key), std::move(entry));
    (void)it;
    response_bytes += bytes;  // a replaced entry's bytes stay counted until the next clear
    return json;
  }

  static std::vector<const scorecard::PersonState*> Pointers(const std::vector<std::shared_ptr<const CacheEntry>>& e) {
    std::vector<const scorecard::PersonState*> out;
    out.reserve(e.size());
    for (const auto& entry : e) out.push_back(&entry->state);
    return out;
  }

  mutable std::mutex rebuild_mu;
  RebuildState rebuild;
  std::thread rebuild_thread;

  explicit Impl(store::Store& s) : store(s) {}

  std::shared_ptr<const Config> Current() const {
    std::lock_guard lock(mu);
    return config;
  }
  // Applies `change` to a copy of the configuration, persists `ops`, then publishes the copy.
  template <class Change>
  Status Update(Change&& change) {
    std::lock_guard lock(mu);
    auto next = std::make_shared<Config>(*config);
    std::vector<store::Store::KeyOp> ops;
    if (auto st = change(*next, ops); !st.ok()) return st;
    if (auto st = store.Apply(store::Family::kDirectory, ops); !st.ok()) return st;
    config = std::move(next);
    return OkStatus();
  }

  static std::vector<std::string> IfisOf(const Person& p) {
    std::vector<std::string> out;
    for (const auto& [key, json] : p.ifis) out.push_back(key);
    return out;
  }
};

Service::Service(store::Store& store) : impl_(std::make_unique<Impl>(store)) {}

Service::~Service() {
  if (impl_->rebuild_thread.joinable()) impl_->rebuild_thread.join();
}

Status Service::Load() {
  auto view = impl_->store.Read();
  auto next = std::make_shared<Config>();
  auto get = [&](std::string_view key) -> Result<std::optional<std::string>> {
    return view.Get(store::Family::kDirectory, key);
  };
  auto framework = get(kFrameworkKey);
  if (!framework.ok()) return framework.error();
  if (framework->has_value()) {
    auto parsed = ParseFramework(**framework);
    if (!parsed.ok()) return Error::Internal("stored framework is invalid: " + parsed.error().ToString());
    next->framework = std::make_shared<Framework>(std::move(parsed).value());
    next->framework_json = **framework;
  }
  auto rules = get(kRulesKey);
  if (!rules.ok()) return rules.error();
  auto compiled = ParseRules(rules->has_value() ? std::string_view(**rules) : DefaultRulesJson(), next->framework.get());
  if (!compiled.ok()) return Error::Internal("stored rules are invalid: " + compiled.error().ToString());
  next->rules = std::move(compiled).value();
  auto costs = get(kCostsKey);
  if (!costs.ok()) return costs.error();
  if (costs->has_value()) {
    auto parsed = ParseCosts(**costs);
    if (!parsed.ok()) return Error::Internal("stored costs are invalid: " + parsed.error().ToString());
    next->costs = std::move(parsed).value();
  }
  auto goals = get(kGoalsKey);
  if (!goals.ok()) return goals.error();
  if (goals->has_value()) {
    auto parsed = ParseGoals(**goals, next->framework.get());
    if (!parsed.ok()) return Error::Internal("stored goals are invalid: " + parsed.error().ToString());
    next->goals = std::move(parsed).value();
  }
  std::optional<Error> error;
  auto scan = [&](std::string_view prefix, const std::function<Status(std::string_view, std::string_view)>& load) {
    Status st = view.ScanPrefix(store::Family::kDirectory, prefix, [&](std::string_view key, std::string_view value) {
      Status s = load(key.substr(prefix.size()), value);
      if (!s.ok()) error = Error::Internal("stored " + std::string(key) + " is invalid: " + s.error().ToString());
      return s.ok();
    });
    if (!st.ok()) error = st.error();
  };
  scan(kPersonPrefix, [&](std::string_view id, std::string_view value) -> Status {
    auto p = PersonFromJson(value);
    if (!p.ok()) return p.error();
    next->people.emplace(std::string(id), std::move(p).value());
    return OkStatus();
  });
  scan(kPlanPrefix, [&](std::string_view id, std::string_view value) -> Status {
    auto plan = ParsePlan(value);
    if (!plan.ok()) return plan.error();
    next->plans.emplace(std::string(id), std::move(plan).value());
    return OkStatus();
  });
  scan(kKpiPrefix, [&](std::string_view unit, std::string_view value) -> Status {
    auto kpis = ParseKpisJson(value);
    if (!kpis.ok()) return kpis.error();
    next->kpis.emplace(std::string(unit), std::move(kpis).value());
    return OkStatus();
  });
  if (error) return *error;
  next->Index();
  std::lock_guard lock(impl_->mu);
  impl_->config = std::move(next);
  return OkStatus();
}

std::string Service::ContributionFor(const xapi::JsonValue& statement) const {
  if (xapi::VoidedTarget(statement)) return {};  // voiding is bookkeeping, not learning
  auto config = impl_->Current();
  if (!config->rules) return {};
  auto c = Contribute(statement, *config->rules, config->costs.get());
  return c ? EncodeContribution(*c) : std::string();
}

std::string Service::ContributionForJson(std::string_view statement_json) const {
  xapi::JsonDocument doc;
  doc.Parse(statement_json.data(), statement_json.size());
  if (doc.HasParseError()) return {};
  return ContributionFor(doc);
}

void Service::Committed(const std::vector<std::string>& ifis) {
  std::lock_guard lock(impl_->cache_mu);
  if (ifis.empty()) {
    ++impl_->epoch;
    return;
  }
  for (const auto& ifi : ifis) ++impl_->ifi_versions[ifi];
}

// ---- Directory ----------------------------------------------------------------------------------
Status Service::UpsertPeople(const std::vector<Person>& people) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    std::set<std::string> uploading;
    for (const auto& p : people) uploading.insert(p.id);
    for (const auto& p : people) {
      for (const auto& [ifi, json] : p.ifis) {
        auto owner = next.ifi_owner.find(ifi);
        if (owner != next.ifi_owner.end() && owner->second != p.id && !uploading.count(owner->second)) {
          return Error{409, "people[" + p.id + "].ifis", "directory-ifi",
                       "IFI " + ifi + " belongs to person " + owner->second + "; remove it there first"};
        }
      }
    }
    for (const auto& p : people) {
      next.people[p.id] = p;
      ops.push_back({Key(kPersonPrefix, p.id), PersonToJson(p)});
    }
    next.Index();
    return OkStatus();
  });
}

Result<std::vector<Person>> Service::ListPeople() {
  auto config = impl_->Current();
  std::vector<Person> out;
  for (const auto& [id, p] : config->people) out.push_back(p);
  return out;
}

Result<std::optional<Person>> Service::GetPerson(std::string_view id) {
  auto config = impl_->Current();
  const Person* p = config->FindPerson(id);
  return p ? std::optional<Person>(*p) : std::optional<Person>();
}

Status Service::DeletePerson(std::string_view id) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    if (!next.people.erase(std::string(id))) return Error::NotFound("no person with id '" + std::string(id) + "'");
    next.plans.erase(std::string(id));
    ops.push_back({Key(kPersonPrefix, id), std::nullopt});
    ops.push_back({Key(kPlanPrefix, id), std::nullopt});
    next.Index();
    return OkStatus();
  });
}

Result<std::optional<std::string>> Service::PersonIdForIfi(std::string_view ifi) {
  auto config = impl_->Current();
  auto it = config->ifi_owner.find(std::string(ifi));
  return it == config->ifi_owner.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
}

Status Service::SetFramework(std::string_view json) {
  auto parsed = ParseFramework(json);
  if (!parsed.ok()) return parsed.error();
  auto framework = std::make_shared<const Framework>(std::move(parsed).value());
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    // Rules, goals and plans must still name known competencies.
    if (next.rules) {
      if (auto check = ParseRules(next.rules->source(), framework.get()); !check.ok()) {
        Error e = check.error();
        e.message = "the current rules no longer fit this framework: " + e.message;
        return e;
      }
    }
    if (!next.goals.empty()) {
      if (auto check = ParseGoals(GoalsToJson(next.goals), framework.get()); !check.ok()) {
        Error e = check.error();
        e.message = "the current goals no longer fit this framework: " + e.message;
        return e;
      }
    }
    next.framework = framework;
    next.framework_json = FrameworkToJson(*framework);
    ops.push_back({std::string(kFrameworkKey), next.framework_json});
    return OkStatus();
  });
}

std::string Service::FrameworkJson() const { return impl_->Current()->framework_json; }

Status Service::SetRules(std::string_view json) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    auto compiled = ParseRules(json, next.framework.get());
    if (!compiled.ok()) return compiled.error();
    next.rules = std::move(compiled).value();
    ops.push_back({std::string(kRulesKey), next.rules->source()});
    return OkStatus();
  });
}

std::string Service::RulesJson() const {
  auto config = impl_->Current();
  return config->rules ? config->rules->source() : std::string(DefaultRulesJson());
}

Status Service::SetGoals(std::string_view json) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    auto goals = ParseGoals(json, next.framework.get());
    if (!goals.ok()) return goals.error();
    // Plans must still refer to existing goals.
    std::set<std::string> ids;
    for (const auto& g : *goals) ids.insert(g.id);
    for (const auto& [person, plan] : next.plans) {
      for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (!ids.count(plan.items[i].goal)) {
          return Error::BadRequest("goals", "goal-in-use",
                                   "goal '" + plan.items[i].goal + "' is used by the plan of " + person);
        }
      }
    }
    next.goals = std::move(goals).value();
    ops.push_back({std::string(kGoalsKey), GoalsToJson(next.goals)});
    return OkStatus();
  });
}

std::string Service::GoalsJson() const { return GoalsToJson(impl_->Current()->goals); }

Status Service::SetPlan(std::string_view person_id, std::string_view json) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    if (!next.FindPerson(person_id)) return Error::NotFound("no person with id '" + std::string(person_id) + "'");
    auto plan = ParsePlan(json, next.framework.get(), &next.goals);
    if (!plan.ok()) return plan.error();
    ops.push_back({Key(kPlanPrefix, person_id), PlanToJson(*plan)});
    next.plans[std::string(person_id)] = std::move(plan).value();
    return OkStatus();
  });
}

Result<std::string> Service::PlanJson(std::string_view person_id) const {
  auto config = impl_->Current();
  const Plan* plan = config->FindPlan(person_id);
  if (!plan) return Error::NotFound("no plan for '" + std::string(person_id) + "'");
  return PlanToJson(*plan);
}

Status Service::DeletePlan(std::string_view person_id) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    if (!next.plans.erase(std::string(person_id))) {
      return Error::NotFound("no plan for '" + std::string(person_id) + "'");
    }
    ops.push_back({Key(kPlanPrefix, person_id), std::nullopt});
    return OkStatus();
  });
}

Status Service::SetCosts(std::string_view json) {
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    auto costs = ParseCosts(json);
    if (!costs.ok()) return costs.error();
    next.costs = std::move(costs).value();
    ops.push_back({std::string(kCostsKey), next.costs->source()});
    return OkStatus();
  });
}

std::string Service::CostsJson() const {
  auto config = impl_->Current();
  return config->costs ? config->costs->source() : std::string(R"({"currency":null,"rules":[]})");
}

Status Service::SetKpis(std::string_view unit, std::string_view body, bool csv) {
  auto kpis = csv ? ParseKpisCsv(body) : ParseKpisJson(body);
  if (!kpis.ok()) return kpis.error();
  return impl_->Update([&](Config& next, std::vector<store::Store::KeyOp>& ops) -> Status {
    ops.push_back({Key(kKpiPrefix, unit), KpisToJson(*kpis)});
    next.kpis[std::string(unit)] = std::move(kpis).value();
    return OkStatus();
  });
}

Result<std::string> Service::KpisJson(std::string_view unit) const {
  auto config = impl_->Current();
  auto it = config->kpis.find(std::string(unit));
  if (it == config->kpis.end()) return Error::NotFound("no KPIs for '" + std::string(unit) + "'");
  return KpisToJson(it->second);
}

// ---- Profiles -----------------------------------------------------------------------------------
Result<std::string> Service::PersonProfile(std::string_view person_id, const Range& range) {
  auto config = impl_->Current();
  const Person* person = config->FindPerson(person_id);
  if (!person) return Error::NotFound("no person with id '" + std::string(person_id) + "'");
  auto states = impl_->States(config, {person}, {}, range, scorecard::Detail::kPlan);
  if (!states.ok()) return states.error();
  return impl_->Respond(std::string("person") + '\0' + person->id, range, *states, [&]() -> Result<std::string> {
    auto view = impl_->store.Read();
    return scorecard::PersonProfileJson(view, *config, (*states)[0]->state, {}, range, kRecent);
  });
}

Result<std::string> Service::AgentProfile(std::string_view ifi, const std::string& agent_json, const Range& range) {
  auto config = impl_->Current();
  auto owner = config->ifi_owner.find(std::string(ifi));
  const Person* person = owner != config->ifi_owner.end() ? config->FindPerson(owner->second) : nullptr;
  auto states = person ? impl_->States(config, {person}, {}, range, scorecard::Detail::kPlan)
                       : impl_->States(config, {}, {std::string(ifi)}, range, scorecard::Detail::kPlan);
  if (!states.ok()) return states.error();
  return impl_->Respond(std::string("agent") + '\0' + std::string(ifi) + '\0' + agent_json, range, *states,
                        [&]() -> Result<std::string> {
                          auto view = impl_->store.Read();
                          return scorecard::PersonProfileJson(view, *config, (*states)[0]->state, agent_json,
                                                              range, kRecent);
                        });
}

namespace {
std::vector<const Person*> PeopleOf(const Config& config, const std::vector<std::string>& ids) {
  std::vector<const Person*> out;
  for (const auto& id : ids) {
    if (const Person* p = config.FindPerson(id)) out.push_back(p);
  }
  return out;
}
std::vector<const Person*> Everyone(const Config& config) {
  std::vector<const Person*> out;
  for (const auto& [id, p] : config.people) out.push_back(&p);
  return out;
}
}  // namespace

Result<std::string> Service::UnitProfile(std::string_view unit, const Range& range) {
  auto config = impl_->Current();
  auto it = config->units.find(std::string(unit));
  if (it == config->units.end() || it->second.empty()) {
    return Error::NotFound("no people in unit '" + std::string(unit) + "'");
  }
  auto states = impl_->States(config, PeopleOf(*config, it->second), {}, range, scorecard::Detail::kProfile);
  if (!states.ok()) return states.error();
  return impl_->Respond(std::string("unit") + '\0' + std::string(unit), range, *states, [&]() -> Result<std::string> {
    return scorecard::UnitProfileJson(*config, unit, Impl::Pointers(*states));
  });
}

Result<std::string> Service::OrganizationProfile(const Range& range) {
  auto config = impl_->Current();
  auto states = impl_->States(config, Everyone(*config), {}, range, scorecard::Detail::kProfile);
  if (!states.ok()) return states.error();
  return impl_->Respond("organization", range, *states, [&]() -> Result<std::string> {
    return scorecard::OrganizationProfileJson(*config, Impl::Pointers(*states));
  });
}

Result<std::string> Service::Scorecard(std::string_view unit, const Range& range) {
  auto config = impl_->Current();
  std::vector<const Person*> people;
  if (!unit.empty()) {
    auto it = config->units.find(std::string(unit));
    if (it == config->units.end() || it->second.empty()) {
      return Error::NotFound("no people in unit '" + std::string(unit) + "'");
    }
    people = PeopleOf(*config, it->second);
  } else {
    people = Everyone(*config);
  }
  auto states = impl_->States(config, people, {}, range, scorecard::Detail::kScorecard);
  if (!states.ok()) return states.error();
  return scorecard::ScorecardJson(*config, unit, Impl::Pointers(*states), range);
}

Result<std::string> Service::GoalsTree(const Range& range) {
  auto config = impl_->Current();
  std::vector<const Person*> planners;
  for (const auto& [id, plan] : config->plans) {
    if (const Person* p = config->FindPerson(id)) planners.push_back(p);
  }
  auto states = impl_->States(config, planners, {}, range, scorecard::Detail::kPlan);
  if (!states.ok()) return states.error();
  return scorecard::GoalsTreeJson(*config, Impl::Pointers(*states));
}

// ---- Rebuild ------------------------------------------------------------------------------------
Status Service::Rebuild(const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  Status st = impl_->store.RebuildProfiles([this](std::string_view json) { return ContributionForJson(json); },
                                           progress);
  Committed({});  // readers now see the new generation
  return st;
}

Status Service::StartRebuild() {
  std::lock_guard lock(impl_->rebuild_mu);
  if (impl_->rebuild.running) return Error::Conflict("a profile rebuild is already running");
  if (impl_->rebuild_thread.joinable()) impl_->rebuild_thread.join();
  impl_->rebuild.running = true;
  impl_->rebuild.done = impl_->rebuild.total = 0;
  impl_->rebuild.error.clear();
  impl_->rebuild_thread = std::thread([this] {
    Status st = Rebuild([this](std::uint64_t done, std::uint64_t total) {
      std::lock_guard l(impl_->rebuild_mu);
      impl_->rebuild.done = done;
      impl_->rebuild.total = total;
    });
    std::lock_guard l(impl_->rebuild_mu);
    impl_->rebuild.running = false;
    if (st.ok()) {
      impl_->rebuild.finished = FormatTimestampMillis(NowMicros());
    } else {
      impl_->rebuild.error = st.error().ToString();
    }
  });
  return OkStatus();
}

Service::RebuildState Service::rebuild_state() const {
  std::lock_guard lock(impl_->rebuild_mu);
  return impl_->rebuild;
}

}  // namespace lrsd::profile
