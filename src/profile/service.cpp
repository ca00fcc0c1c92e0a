// The learning-profile service: directory, framework and rules; contributions for new
// statements; person / agent / unit / organisation profiles; rebuilds.
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

namespace lrsd::profile {
namespace {

// Directory keys (store family kDirectory).
constexpr std::string_view kPersonPrefix = "person/";
constexpr std::string_view kIfiPrefix = "ifi/";
constexpr std::string_view kUnitPrefix = "unit/";
constexpr std::string_view kFrameworkKey = "config/framework";
constexpr std::string_view kRulesKey = "config/rules";

// The 70-20-10 reference blend.
constexpr double kReference[3] = {0.1, 0.7, 0.2};
constexpr std::size_t kRecent = 10;

std::string PersonKey(std::string_view id) { return std::string(kPersonPrefix) + std::string(id); }
std::string IfiKey(std::string_view ifi) { return std::string(kIfiPrefix) + std::string(ifi); }
std::string UnitKey(std::string_view unit, std::string_view id) {
  std::string k(kUnitPrefix);
  k += unit;
  k += '\0';
  k += id;
  return k;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Key(Writer& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
double Seconds(std::int64_t millis) { return static_cast<double>(millis) / 1000.0; }

std::string MonthText(std::int32_t yyyymm) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", yyyymm / 100, yyyymm % 100);
  return buf;
}

void WriteModalities(Writer& w, const Aggregate& a) {
  const std::int64_t blended = a.millis[0] + a.millis[1] + a.millis[2];
  Key(w, "modalities");
  w.StartObject();
  for (std::size_t m = 0; m < kModalities; ++m) {
    Key(w, ModalityName(static_cast<Modality>(m)));
    w.StartObject();
    Key(w, "statements");
    w.Int64(a.statements[m]);
    Key(w, "seconds");
    w.Double(Seconds(a.millis[m]));
    if (m < 3) {
      Key(w, "share");
      w.Double(blended > 0 ? static_cast<double>(a.millis[m]) / static_cast<double>(blended) : 0.0);
    }
    w.EndObject();
  }
  w.EndObject();
  Key(w, "reference");
  w.StartObject();
  for (std::size_t m = 0; m < 3; ++m) {
    Key(w, ModalityName(static_cast<Modality>(m)));
    w.Double(kReference[m]);
  }
  w.EndObject();
}

void WriteOutcomes(Writer& w, const Aggregate& a) {
  Key(w, "outcomes");
  w.StartObject();
  Key(w, "completed");
  w.Int64(a.completed);
  Key(w, "passed");
  w.Int64(a.passed);
  Key(w, "failed");
  w.Int64(a.failed);
  Key(w, "averageScaledScore");
  if (a.scaled_count > 0) {
    w.Double(static_cast<double>(a.scaled_nanos) / 1e9 / static_cast<double>(a.scaled_count));
  } else {
    w.Null();
  }
  w.EndObject();
}

void WriteMonths(Writer& w, const Aggregate& a) {
  Key(w, "months");
  w.StartArray();
  for (const auto& [month, ms] : a.months) {
    w.StartObject();
    Key(w, "month");
    Str(w, MonthText(month));
    for (std::size_t m = 0; m < 3; ++m) {
      Key(w, ModalityName(static_cast<Modality>(m)));
      w.Double(Seconds(ms[m]));
    }
    w.EndObject();
  }
  w.EndArray();
}

// A person's competency picture: (id, level, target or 0 when the role does not require it,
// evidence).
struct CompetencyLine {
  std::string id;
  int level = 0;
  int target = 0;
  std::int64_t evidence = 0;
  int Gap() const { return std::max(0, target - level); }
};

std::vector<CompetencyLine> CompetencyLines(const Aggregate& a, const Framework& f, const Role* role) {
  std::vector<CompetencyLine> lines;
  std::set<std::string> seen;
  if (role) {
    for (const auto& req : role->required) {
      CompetencyLine line{req.competency, 0, req.level, 0};
      if (auto it = a.competencies.find(req.competency); it != a.competencies.end()) {
        line.level = it->second.Level();
        line.evidence = it->second.evidence;
      }
      lines.push_back(line);
      seen.insert(req.competency);
    }
  }
  for (const auto& [id, tally] : a.competencies) {
    if (seen.count(id)) continue;
    lines.push_back({id, tally.Level(), 0, tally.evidence});
  }
  (void)f;
  return lines;
}

int TotalGap(const std::vector<CompetencyLine>& lines) {
  int gap = 0;
  for (const auto& l : lines) gap += l.Gap();
  return gap;
}

}  // namespace

struct Service::Impl {
  store::Store& store;
  mutable std::mutex mu;  // guards the snapshots below and directory writes
  std::shared_ptr<const Rules> rules;
  std::shared_ptr<const Framework> framework = std::make_shared<Framework>();
  std::string framework_json = R"({"competencies":[],"roles":[]})";

  mutable std::mutex rebuild_mu;
  RebuildState rebuild;
  std::thread rebuild_thread;

  explicit Impl(store::Store& s) : store(s) {}

  std::shared_ptr<const Rules> CurrentRules() const {
    std::lock_guard lock(mu);
    return rules;
  }
  std::shared_ptr<const Framework> CurrentFramework() const {
    std::lock_guard lock(mu);
    return framework;
  }

  // The aggregate of a set of IFIs over a range.
  Result<Aggregate> Sum(store::ReadView& view, const std::vector<std::string>& ifis, const Range& range) {
    Aggregate total;
    for (const auto& ifi : ifis) {
      auto a = ReadAggregate(view, ifi, range);
      if (!a.ok()) return std::move(a).error();
      total.Add(*a);
    }
    return total;
  }

  static std::vector<std::string> IfisOf(const Person& p) {
    std::vector<std::string> out;
    for (const auto& [key, json] : p.ifis) out.push_back(key);
    return out;
  }

  Result<std::vector<Person>> PeopleWithPrefix(store::ReadView& view, std::string_view prefix) {
    std::vector<Person> people;
    std::optional<Error> error;
    Status st = view.ScanPrefix(store::Family::kDirectory, prefix, [&](std::string_view, std::string_view v) {
      auto p = PersonFromJson(v);
      if (!p.ok()) {
        error = p.error();
        return false;
      }
      people.push_back(std::move(p).value());
      return true;
    });
    if (!st.ok()) return st.error();
    if (error) return *error;
    return people;
  }

  Result<std::string> Profile(store::ReadView& view, const Person* person, const std::vector<std::string>& ifis,
                              const std::string& agent_json, const Range& range) {
    auto agg = Sum(view, ifis, range);
    if (!agg.ok()) return std::move(agg).error();
    auto recent = ReadRecent(view, ifis, range, kRecent);
    if (!recent.ok()) return std::move(recent).error();
    auto framework = CurrentFramework();
    const Role* role = person ? framework->FindRole(person->role) : nullptr;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    Key(w, "person");
    if (person) {
      w.StartObject();
      Key(w, "id");
      Str(w, person->id);
      Key(w, "name");
      Str(w, person->name);
      Key(w, "role");
      Str(w, person->role);
      Key(w, "unit");
      Str(w, person->unit);
      w.EndObject();
    } else {
      w.Null();
    }
    if (!agent_json.empty()) {
      Key(w, "agent");
      w.RawValue(agent_json.c_str(), agent_json.size(), rapidjson::kObjectType);
    }
    WriteModalities(w, *agg);
    WriteOutcomes(w, *agg);
    Key(w, "competencies");
    w.StartArray();
    for (const auto& line : CompetencyLines(*agg, *framework, role)) {
      w.StartObject();
      Key(w, "id");
      Str(w, line.id);
      if (const Competency* c = framework->FindCompetency(line.id)) {
        Key(w, "name");
        Str(w, c->name);
      }
      Key(w, "level");
      w.Int(line.level);
      Key(w, "target");
      if (line.target > 0) {
        w.Int(line.target);
      } else {
        w.Null();
      }
      Key(w, "gap");
      w.Int(line.Gap());
      Key(w, "evidence");
      w.Int64(line.evidence);
      w.EndObject();
    }
    w.EndArray();
    WriteMonths(w, *agg);
    Key(w, "recent");
    w.StartArray();
    for (const auto& r : *recent) {
      w.StartObject();
      Key(w, "id");
      Str(w, r.id);
      Key(w, "timestamp");
      Str(w, FormatTimestampMillis(r.timestamp));
      Key(w, "verb");
      Str(w, r.verb);
      Key(w, "activity");
      Str(w, r.activity);
      Key(w, "modality");
      Str(w, ModalityName(r.modality));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
  }

  // Per-person rows and totals of a group of people (a unit, or everyone).
  struct Group {
    Aggregate total;
    struct Row {
      const Person* person;
      Aggregate aggregate;
      std::vector<CompetencyLine> competencies;
    };
    std::vector<Row> rows;
  };
  Result<Group> Gather(store::ReadView& view, const std::vector<Person>& people, const Range& range,
                       const Framework& framework) {
    Group g;
    for (const auto& p : people) {
      auto agg = Sum(view, IfisOf(p), range);
      if (!agg.ok()) return std::move(agg).error();
      g.total.Add(*agg);
      auto lines = CompetencyLines(*agg, framework, framework.FindRole(p.role));
      g.rows.push_back({&p, std::move(agg).value(), std::move(lines)});
    }
    return g;
  }

  // Per competency required by someone's role: people requiring it, those at or above target.
  static void WriteCoverage(Writer& w, const Group& g, const Framework& framework) {
    struct Cover {
      std::int64_t required = 0, at_target = 0;
    };
    std::map<std::string, Cover> cover;
    for (const auto& row : g.rows) {
      for (const auto& line : row.competencies) {
        if (line.target == 0) continue;
        Cover& c = cover[line.id];
        ++c.required;
        if (line.level >= line.target) ++c.at_target;
      }
    }
    Key(w, "competencies");
    w.StartArray();
    for (const auto& [id, c] : cover) {
      w.StartObject();
      Key(w, "id");
      Str(w, id);
      if (const Competency* comp = framework.FindCompetency(id)) {
        Key(w, "name");
        Str(w, comp->name);
      }
      Key(w, "required");
      w.Int64(c.required);
      Key(w, "atTarget");
      w.Int64(c.at_target);
      Key(w, "coverage");
      w.Double(c.required > 0 ? static_cast<double>(c.at_target) / static_cast<double>(c.required) : 0.0);
      w.EndObject();
    }
    w.EndArray();
  }

  static void WriteModalitySeconds(Writer& w, const Aggregate& a) {
    for (std::size_t m = 0; m < kModalities; ++m) {
      Key(w, ModalityName(static_cast<Modality>(m)));
      w.Double(Seconds(a.millis[m]));
    }
  }
};

Service::Service(store::Store& store) : impl_(std::make_unique<Impl>(store)) {}

Service::~Service() {
  if (impl_->rebuild_thread.joinable()) impl_->rebuild_thread.join();
}

Status Service::Load() {
  auto view = impl_->store.Read();
  auto framework = view.Get(store::Family::kDirectory, kFrameworkKey);
  if (!framework.ok()) return framework.error();
  std::shared_ptr<const Framework> f = std::make_shared<Framework>();
  std::string f_json = impl_->framework_json;
  if (framework->has_value()) {
    auto parsed = ParseFramework(**framework);
    if (!parsed.ok()) return Error::Internal("stored framework is invalid: " + parsed.error().ToString());
    f = std::make_shared<Framework>(std::move(parsed).value());
    f_json = **framework;
  }
  auto rules = view.Get(store::Family::kDirectory, kRulesKey);
  if (!rules.ok()) return rules.error();
  auto compiled = ParseRules(rules->has_value() ? std::string_view(**rules) : DefaultRulesJson(), f.get());
  if (!compiled.ok()) return Error::Internal("stored rules are invalid: " + compiled.error().ToString());
  std::lock_guard lock(impl_->mu);
  impl_->framework = std::move(f);
  impl_->framework_json = std::move(f_json);
  impl_->rules = std::move(compiled).value();
  return OkStatus();
}

std::string Service::ContributionFor(const xapi::JsonValue& statement) const {
  if (xapi::VoidedTarget(statement)) return {};  // voiding is bookkeeping, not learning
  auto rules = impl_->CurrentRules();
  if (!rules) return {};
  auto c = Contribute(statement, *rules);
  return c ? EncodeContribution(*c) : std::string();
}

std::string Service::ContributionForJson(std::string_view statement_json) const {
  xapi::JsonDocument doc;
  doc.Parse(statement_json.data(), statement_json.size());
  if (doc.HasParseError()) return {};
  return ContributionFor(doc);
}

Status Service::UpsertPeople(const std::vector<Person>& people) {
  std::lock_guard lock(impl_->mu);
  auto view = impl_->store.Read();
  std::set<std::string> uploading;
  for (const auto& p : people) uploading.insert(p.id);
  std::vector<store::Store::KeyOp> ops;
  std::map<std::string, std::optional<std::string>> planned;  // key -> value, later ones win
  for (const auto& p : people) {
    auto old_raw = view.Get(store::Family::kDirectory, PersonKey(p.id));
    if (!old_raw.ok()) return old_raw.error();
    std::optional<Person> old;
    if (old_raw->has_value()) {
      auto parsed = PersonFromJson(**old_raw);
      if (parsed.ok()) old = std::move(parsed).value();
    }
    std::set<std::string> new_ifis;
    for (const auto& [ifi, json] : p.ifis) {
      new_ifis.insert(ifi);
      auto owner = view.Get(store::Family::kDirectory, IfiKey(ifi));
      if (!owner.ok()) return owner.error();
      if (owner->has_value() && **owner != p.id && !uploading.count(**owner)) {
        return Error{409, "people[" + p.id + "].ifis", "directory-ifi",
                     "IFI " + ifi + " belongs to person " + **owner + "; remove it there first"};
      }
      planned[IfiKey(ifi)] = p.id;
    }
    if (old) {
      for (const auto& [ifi, json] : old->ifis) {
        if (!new_ifis.count(ifi) && !planned.count(IfiKey(ifi))) planned[IfiKey(ifi)] = std::nullopt;
      }
      if (old->unit != p.unit) planned[UnitKey(old->unit, p.id)] = std::nullopt;
    }
    planned[UnitKey(p.unit, p.id)] = std::string();
    planned[PersonKey(p.id)] = PersonToJson(p);
  }
  for (auto& [key, value] : planned) ops.push_back({key, std::move(value)});
  return impl_->store.Apply(store::Family::kDirectory, ops);
}

Result<std::vector<Person>> Service::ListPeople() {
  auto view = impl_->store.Read();
  return impl_->PeopleWithPrefix(view, kPersonPrefix);
}

Result<std::optional<Person>> Service::GetPerson(std::string_view id) {
  auto raw = impl_->store.Get(store::Family::kDirectory, PersonKey(id));
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return std::optional<Person>();
  auto p = PersonFromJson(**raw);
  if (!p.ok()) return p.error();
  return std::optional<Person>(std::move(p).value());
}

Status Service::DeletePerson(std::string_view id) {
  std::lock_guard lock(impl_->mu);
  auto existing = GetPerson(id);
  if (!existing.ok()) return existing.error();
  if (!existing->has_value()) return Error::NotFound("no person with id '" + std::string(id) + "'");
  std::vector<store::Store::KeyOp> ops;
  for (const auto& [ifi, json] : (*existing)->ifis) ops.push_back({IfiKey(ifi), std::nullopt});
  ops.push_back({UnitKey((*existing)->unit, id), std::nullopt});
  ops.push_back({PersonKey(id), std::nullopt});
  return impl_->store.Apply(store::Family::kDirectory, ops);
}

Result<std::optional<std::string>> Service::PersonIdForIfi(std::string_view ifi) {
  return impl_->store.Get(store::Family::kDirectory, IfiKey(ifi));
}

Status Service::SetFramework(std::string_view json) {
  auto parsed = ParseFramework(json);
  if (!parsed.ok()) return parsed.error();
  auto framework = std::make_shared<const Framework>(std::move(parsed).value());
  // The current rules must still name known competencies.
  auto rules = impl_->CurrentRules();
  if (rules) {
    auto check = ParseRules(rules->source(), framework.get());
    if (!check.ok()) {
      Error e = check.error();
      e.message = "the current rules no longer fit this framework: " + e.message;
      return e;
    }
  }
  std::string canonical = FrameworkToJson(*framework);
  std::lock_guard lock(impl_->mu);
  if (auto st = impl_->store.Put(store::Family::kDirectory, kFrameworkKey, canonical); !st.ok()) return st;
  impl_->framework = std::move(framework);
  impl_->framework_json = std::move(canonical);
  return OkStatus();
}

std::string Service::FrameworkJson() const {
  std::lock_guard lock(impl_->mu);
  return impl_->framework_json;
}

Status Service::SetRules(std::string_view json) {
  auto framework = impl_->CurrentFramework();
  auto compiled = ParseRules(json, framework.get());
  if (!compiled.ok()) return compiled.error();
  std::lock_guard lock(impl_->mu);
  if (auto st = impl_->store.Put(store::Family::kDirectory, kRulesKey, (*compiled)->source()); !st.ok()) return st;
  impl_->rules = std::move(compiled).value();
  return OkStatus();
}

std::string Service::RulesJson() const {
  auto rules = impl_->CurrentRules();
  return rules ? rules->source() : std::string(DefaultRulesJson());
}

Result<std::string> Service::PersonProfile(std::string_view person_id, const Range& range) {
  auto person = GetPerson(person_id);
  if (!person.ok()) return person.error();
  if (!person->has_value()) return Error::NotFound("no person with id '" + std::string(person_id) + "'");
  auto view = impl_->store.Read();
  return impl_->Profile(view, &**person, Impl::IfisOf(**person), {}, range);
}

Result<std::string> Service::AgentProfile(std::string_view ifi, const std::string& agent_json, const Range& range) {
  auto owner = PersonIdForIfi(ifi);
  if (!owner.ok()) return owner.error();
  if (owner->has_value()) {
    auto person = GetPerson(**owner);
    if (!person.ok()) return person.error();
    if (person->has_value()) {
      auto view = impl_->store.Read();
      return impl_->Profile(view, &**person, Impl::IfisOf(**person), agent_json, range);
    }
  }
  auto view = impl_->store.Read();
  return impl_->Profile(view, nullptr, {std::string(ifi)}, agent_json, range);
}

Result<std::string> Service::UnitProfile(std::string_view unit, const Range& range) {
  auto view = impl_->store.Read();
  std::vector<std::string> ids;
  std::string prefix(kUnitPrefix);
  prefix += unit;
  prefix += '\0';
  Status st = view.ScanPrefix(store::Family::kDirectory, prefix, [&](std::string_view key, std::string_view) {
    ids.emplace_back(key.substr(prefix.size()));
    return true;
  });
  if (!st.ok()) return st.error();
  if (ids.empty()) return Error::NotFound("no people in unit '" + std::string(unit) + "'");
  std::vector<Person> people;
  for (const auto& id : ids) {
    auto raw = view.Get(store::Family::kDirectory, PersonKey(id));
    if (!raw.ok()) return raw.error();
    if (!raw->has_value()) continue;
    auto p = PersonFromJson(**raw);
    if (p.ok()) people.push_back(std::move(p).value());
  }
  auto framework = impl_->CurrentFramework();
  auto group = impl_->Gather(view, people, range, *framework);
  if (!group.ok()) return group.error();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "unit");
  Str(w, unit);
  WriteModalities(w, group->total);
  WriteOutcomes(w, group->total);
  WriteMonths(w, group->total);
  Key(w, "people");
  w.StartArray();
  for (const auto& row : group->rows) {
    w.StartObject();
    Key(w, "id");
    Str(w, row.person->id);
    Key(w, "name");
    Str(w, row.person->name);
    Key(w, "role");
    Str(w, row.person->role);
    Impl::WriteModalitySeconds(w, row.aggregate);
    Key(w, "gap");
    w.Int(TotalGap(row.competencies));
    w.EndObject();
  }
  w.EndArray();
  Impl::WriteCoverage(w, *group, *framework);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<std::string> Service::OrganizationProfile(const Range& range) {
  auto view = impl_->store.Read();
  auto people = impl_->PeopleWithPrefix(view, kPersonPrefix);
  if (!people.ok()) return people.error();
  auto framework = impl_->CurrentFramework();
  auto group = impl_->Gather(view, *people, range, *framework);
  if (!group.ok()) return group.error();
  // Units in name order, each with its people's sums.
  struct UnitSums {
    Aggregate total;
    std::int64_t people = 0;
    int gap = 0;
    std::int64_t required = 0, at_target = 0;
  };
  std::map<std::string, UnitSums> units;
  for (const auto& row : group->rows) {
    UnitSums& u = units[row.person->unit];
    u.total.Add(row.aggregate);
    ++u.people;
    u.gap += TotalGap(row.competencies);
    for (const auto& line : row.competencies) {
      if (line.target == 0) continue;
      ++u.required;
      if (line.level >= line.target) ++u.at_target;
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "people");
  w.Int64(static_cast<std::int64_t>(people->size()));
  WriteModalities(w, group->total);
  WriteOutcomes(w, group->total);
  WriteMonths(w, group->total);
  Key(w, "units");
  w.StartArray();
  for (const auto& [unit, u] : units) {
    w.StartObject();
    Key(w, "unit");
    Str(w, unit);
    Key(w, "people");
    w.Int64(u.people);
    Impl::WriteModalitySeconds(w, u.total);
    Key(w, "completed");
    w.Int64(u.total.completed);
    Key(w, "gap");
    w.Int(u.gap);
    Key(w, "coverage");
    w.Double(u.required > 0 ? static_cast<double>(u.at_target) / static_cast<double>(u.required) : 0.0);
    w.EndObject();
  }
  w.EndArray();
  Impl::WriteCoverage(w, *group, *framework);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

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
