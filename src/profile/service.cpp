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
// The organisation's own KPIs live under this key suffix (no unit id is empty).
constexpr std::string_view kOrganizationKpis = "";

constexpr std::size_t kRecent = 10;

std::string Key(std::string_view prefix, std::string_view id) { return std::string(prefix) + std::string(id); }

}  // namespace

struct Service::Impl {
  store::Store& store;
  mutable std::mutex mu;  // guards `config` (the pointer) and serialises admin changes
  std::shared_ptr<const Config> config = std::make_shared<Config>();

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

void Service::Committed(const std::vector<std::string>& /*ifis*/) {}

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
  auto view = impl_->store.Read();
  return scorecard::PersonProfileJson(view, *config, person, Impl::IfisOf(*person), {}, range, kRecent);
}

Result<std::string> Service::AgentProfile(std::string_view ifi, const std::string& agent_json, const Range& range) {
  auto config = impl_->Current();
  auto view = impl_->store.Read();
  auto owner = config->ifi_owner.find(std::string(ifi));
  if (owner != config->ifi_owner.end()) {
    const Person* person = config->FindPerson(owner->second);
    return scorecard::PersonProfileJson(view, *config, person, Impl::IfisOf(*person), agent_json, range, kRecent);
  }
  return scorecard::PersonProfileJson(view, *config, nullptr, {std::string(ifi)}, agent_json, range, kRecent);
}

Result<std::string> Service::UnitProfile(std::string_view unit, const Range& range) {
  auto config = impl_->Current();
  auto it = config->units.find(std::string(unit));
  if (it == config->units.end() || it->second.empty()) {
    return Error::NotFound("no people in unit '" + std::string(unit) + "'");
  }
  auto view = impl_->store.Read();
  return scorecard::UnitProfileJson(view, *config, unit, it->second, range);
}

Result<std::string> Service::OrganizationProfile(const Range& range) {
  auto config = impl_->Current();
  auto view = impl_->store.Read();
  return scorecard::OrganizationProfileJson(view, *config, range);
}

Result<std::string> Service::Scorecard(std::string_view unit, const Range& range) {
  auto config = impl_->Current();
  std::vector<std::string> ids;
  if (!unit.empty()) {
    auto it = config->units.find(std::string(unit));
    if (it == config->units.end() || it->second.empty()) {
      return Error::NotFound("no people in unit '" + std::string(unit) + "'");
    }
    ids = it->second;
  } else {
    for (const auto& [id, p] : config->people) ids.push_back(id);
  }
  auto view = impl_->store.Read();
  return scorecard::ScorecardJson(view, *config, unit, ids, range, NowMicros());
}

Result<std::string> Service::GoalsTree(const Range& range) {
  auto config = impl_->Current();
  auto view = impl_->store.Read();
  return scorecard::GoalsTreeJson(view, *config, range, NowMicros());
}

// ---- Rebuild ------------------------------------------------------------------------------------
Status Service::Rebuild(const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  return impl_->store.RebuildProfiles([this](std::string_view json) { return ContributionForJson(json); },
                                      progress);
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
