// Reports from the maintained aggregates: never a scan of statement history. A person costs a
// few point reads per IFI (more with a since/until range: its day buckets), so a unit's report
// costs O(people), whatever the history.
#include "profile/scorecard.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <functional>
#include <set>

namespace lrsd::profile::scorecard {
namespace {

constexpr double kReference[3] = {0.1, 0.7, 0.2};  // the 70-20-10 reference blend
constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr double kMillisPerHour = 3600.0 * 1000.0;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void Key(Writer& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
double Seconds(std::int64_t millis) { return static_cast<double>(millis) / 1000.0; }
void NumberOrNull(Writer& w, std::optional<double> v) {
  if (v && std::isfinite(*v)) {
    w.Double(*v);
  } else {
    w.Null();
  }
}
// Money and ratios rounded to cents / 4 decimals for reading; the sums behind them are exact.
double Round(double v, double unit) { return std::round(v / unit) * unit; }

std::string MonthText(std::int32_t yyyymm) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", yyyymm / 100, yyyymm % 100);
  return buf;
}
std::int32_t PreviousMonth(std::int32_t m, int by) {
  for (int i = 0; i < by; ++i) m = m % 100 == 1 ? (m / 100 - 1) * 100 + 12 : m - 1;
  return m;
}

std::int64_t LearningMillis(const Aggregate& a) { return a.millis[0] + a.millis[1] + a.millis[2]; }

void WriteModalities(Writer& w, const Aggregate& a) {
  const std::int64_t blended = LearningMillis(a);
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
  for (const auto& [month, tally] : a.months) {
    w.StartObject();
    Key(w, "month");
    Str(w, MonthText(month));
    for (std::size_t m = 0; m < 3; ++m) {
      Key(w, ModalityName(static_cast<Modality>(m)));
      w.Double(Seconds(tally.millis[m]));
    }
    Key(w, "statements");
    w.Int64(tally.statements);
    w.EndObject();
  }
  w.EndArray();
}

void WriteModalitySeconds(Writer& w, const Aggregate& a) {
  for (std::size_t m = 0; m < kModalities; ++m) {
    Key(w, ModalityName(static_cast<Modality>(m)));
    w.Double(Seconds(a.millis[m]));
  }
}

Result<Aggregate> Sum(store::ReadView& view, const std::vector<std::string>& ifis, const Range& range) {
  Aggregate total;
  for (const auto& ifi : ifis) {
    auto a = ReadAggregate(view, ifi, range);
    if (!a.ok()) return std::move(a).error();
    total.Add(*a);
  }
  return total;
}


void WriteCost(Writer& w, const Config& config, const Aggregate& a) {
  if (!config.costs) return;
  Key(w, "cost");
  w.StartObject();
  Key(w, "total");
  w.Double(static_cast<double>(a.TotalCostCents()) / 100.0);
  Key(w, "currency");
  Str(w, config.costs->currency());
  Key(w, "byModality");
  w.StartObject();
  for (std::size_t m = 0; m < kModalities; ++m) {
    if (a.cost_cents[m] == 0) continue;
    Key(w, ModalityName(static_cast<Modality>(m)));
    w.Double(static_cast<double>(a.cost_cents[m]) / 100.0);
  }
  w.EndObject();
  w.EndObject();
}

void WritePlan(Writer& w, const std::vector<ItemProgress>& plan) {
  Key(w, "plan");
  w.StartArray();
  for (const auto& p : plan) {
    w.StartObject();
    Key(w, "goal");
    Str(w, p.item->goal);
    Key(w, "competency");
    Str(w, p.item->competency);
    Key(w, "targetLevel");
    w.Int(p.item->target_level);
    Key(w, "level");
    w.Int(p.level);
    Key(w, "due");
    Str(w, p.item->due);
    Key(w, "activitiesDone");
    w.Int(p.activities_done);
    Key(w, "activitiesPlanned");
    w.Int(static_cast<int>(p.item->activities.size()));
    Key(w, "hours");
    w.Double(Round(p.hours, 0.01));
    Key(w, "plannedHours");
    w.Double(p.item->hours);
    Key(w, "status");
    Str(w, PlanStatusName(p.status));
    w.EndObject();
  }
  w.EndArray();
}

void WriteCompetencyLines(Writer& w, const Config& config, const std::vector<CompetencyLine>& lines) {
  Key(w, "competencies");
  w.StartArray();
  for (const auto& line : lines) {
    w.StartObject();
    Key(w, "id");
    Str(w, line.id);
    if (const Competency* c = config.framework->FindCompetency(line.id)) {
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
}

int TotalGap(const std::vector<CompetencyLine>& lines) {
  int gap = 0;
  for (const auto& l : lines) gap += l.Gap();
  return gap;
}

// Per competency required by someone's role: people requiring it, those at or above target.
struct Coverage {
  std::int64_t required = 0, at_target = 0;
};
std::map<std::string, Coverage> CoverageOf(const std::vector<const PersonState*>& people) {
  std::map<std::string, Coverage> cover;
  for (const PersonState* p : people) {
    for (const auto& line : p->lines) {
      if (line.target == 0) continue;
      Coverage& c = cover[line.id];
      ++c.required;
      if (line.level >= line.target) ++c.at_target;
    }
  }
  return cover;
}

void WriteCoverage(Writer& w, const Config& config, const std::vector<const PersonState*>& people) {
  Key(w, "competencies");
  w.StartArray();
  for (const auto& [id, c] : CoverageOf(people)) {
    w.StartObject();
    Key(w, "id");
    Str(w, id);
    if (const Competency* comp = config.framework->FindCompetency(id)) {
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


}  // namespace

// ---- Pure calculations --------------------------------------------------------------------------
std::optional<double> Correlation(const std::vector<std::pair<double, double>>& pairs) {
  if (pairs.size() < kMinCorrelationMonths) return std::nullopt;
  const double n = static_cast<double>(pairs.size());
  double mx = 0, my = 0;
  for (const auto& [x, y] : pairs) {
    mx += x;
    my += y;
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (const auto& [x, y] : pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
  }
  if (sxx <= 0 || syy <= 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

std::string_view PlanStatusName(PlanStatus s) {
  switch (s) {
    case PlanStatus::kDone: return "done";
    case PlanStatus::kOnTrack: return "on-track";
    case PlanStatus::kAtRisk: return "at-risk";
    case PlanStatus::kOverdue: return "overdue";
  }
  return "on-track";
}

PlanStatus EvaluateStatus(const Plan& plan, const PlanItem& item, int level, int activities_done, double hours,
                          std::int64_t at) {
  if (item.target_level > 0 && level >= item.target_level) return PlanStatus::kDone;
  if (at > item.due_end) return PlanStatus::kOverdue;
  double progress = 0;
  int parts = 0;
  if (item.target_level > 0) {
    progress += std::min(1.0, static_cast<double>(level) / item.target_level);
    ++parts;
  }
  if (!item.activities.empty()) {
    progress += std::min(1.0, static_cast<double>(activities_done) / static_cast<double>(item.activities.size()));
    ++parts;
  }
  if (item.hours > 0) {
    progress += std::min(1.0, hours / item.hours);
    ++parts;
  }
  progress = parts ? progress / parts : 0;
  const double span = static_cast<double>(item.due_end - plan.from_start);
  const double expected = span > 0 ? std::clamp(static_cast<double>(at - plan.from_start) / span, 0.0, 1.0) : 1.0;
  return progress >= expected ? PlanStatus::kOnTrack : PlanStatus::kAtRisk;
}

std::vector<CompetencyLine> CompetencyLines(const Aggregate& a, const Role* role) {
  std::vector<CompetencyLine> lines;
  std::set<std::string> seen;
  if (role) {
    for (const auto& req : role->required) {
      CompetencyLine line{req.competency, 0, req.level, 0, 0};
      if (auto it = a.competencies.find(req.competency); it != a.competencies.end()) {
        line.level = it->second.Level();
        line.evidence = it->second.evidence;
        line.millis = it->second.millis;
      }
      lines.push_back(line);
      seen.insert(req.competency);
    }
  }
  for (const auto& [id, tally] : a.competencies) {
    if (seen.count(id)) continue;
    lines.push_back({id, tally.Level(), 0, tally.evidence, tally.millis});
  }
  return lines;
}

Result<PersonState> LoadPerson(store::ReadView& view, const Config& config, const Person* person,
                               std::vector<std::string> ifis, const Range& range, std::int64_t at, Detail detail) {
  PersonState st;
  st.person = person;
  st.ifis = std::move(ifis);
  auto in_range = Sum(view, st.ifis, range);
  if (!in_range.ok()) return std::move(in_range).error();
  st.in_range = std::move(in_range).value();
  if (range.since) {
    auto to_date = Sum(view, st.ifis, Range{std::nullopt, range.until});
    if (!to_date.ok()) return std::move(to_date).error();
    st.to_date = std::move(to_date).value();
  } else {
    st.to_date = st.in_range;
  }
  const Role* role = person ? config.framework->FindRole(person->role) : nullptr;
  st.lines = CompetencyLines(st.to_date, role);
  if (detail == Detail::kScorecard) {
    // Days from the first evidence of a required competency to the first day its target level
    // was reached (two seeks per IFI and competency).
    for (const auto& line : st.lines) {
      if (line.target == 0 || line.level < line.target) continue;
      std::optional<std::int64_t> first, reached;
      for (const auto& ifi : st.ifis) {
        auto d = ReadCompetencyDays(view, ifi, line.id, line.target, range.until);
        if (!d.ok()) return std::move(d).error();
        if (d->first_evidence && (!first || *d->first_evidence < *first)) first = d->first_evidence;
        if (d->first_reaching && (!reached || *d->first_reaching < *reached)) reached = d->first_reaching;
      }
      if (first && reached && *reached >= *first) st.days_to_target.push_back(static_cast<double>(*reached - *first));
    }
  }
  if (detail == Detail::kProfile || !person) return st;
  const Plan* plan = config.FindPlan(person->id);
  if (!plan) return st;
  for (const auto& item : plan->items) {
    ItemProgress p;
    p.item = &item;
    if (auto it = st.to_date.competencies.find(item.competency); it != st.to_date.competencies.end()) {
      p.level = it->second.Level();
    }
    std::int64_t activity_millis = 0;
    for (const auto& activity : item.activities) {
      std::int64_t completions = 0;
      for (const auto& ifi : st.ifis) {
        auto t = ReadActivity(view, ifi, activity);
        if (!t.ok()) return std::move(t).error();
        completions += t->completions;
        activity_millis += t->millis;
      }
      if (completions > 0) ++p.activities_done;
    }
    // Hours on the planned activities; without any, hours on evidence of the competency.
    std::int64_t millis = activity_millis;
    if (item.activities.empty()) {
      if (auto it = st.to_date.competencies.find(item.competency); it != st.to_date.competencies.end()) {
        millis = it->second.millis;
      }
    }
    p.hours = static_cast<double>(millis) / kMillisPerHour;
    p.status = EvaluateStatus(*plan, item, p.level, p.activities_done, p.hours, at);
    st.plan.push_back(p);
  }
  return st;
}

// ---- Person, unit and organisation profiles ---------------------------------------------------
Result<std::string> PersonProfileJson(store::ReadView& view, const Config& config, const PersonState& state,
                                      const std::string& agent_json, const Range& range, std::size_t recent) {
  const Person* person = state.person;
  auto recent_entries = ReadRecent(view, state.ifis, range, recent);
  if (!recent_entries.ok()) return std::move(recent_entries).error();
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
  WriteModalities(w, state.in_range);
  WriteOutcomes(w, state.in_range);
  WriteCompetencyLines(w, config, state.lines);
  WriteMonths(w, state.in_range);
  Key(w, "recent");
  w.StartArray();
  for (const auto& r : *recent_entries) {
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
  if (person && config.FindPlan(person->id)) WritePlan(w, state.plan);
  WriteCost(w, config, state.in_range);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string UnitProfileJson(const Config& config, std::string_view unit, const std::vector<const PersonState*>& people) {
  Aggregate total;
  for (const PersonState* p : people) total.Add(p->in_range);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "unit");
  Str(w, unit);
  WriteModalities(w, total);
  WriteOutcomes(w, total);
  WriteMonths(w, total);
  Key(w, "people");
  w.StartArray();
  for (const PersonState* p : people) {
    w.StartObject();
    Key(w, "id");
    Str(w, p->person->id);
    Key(w, "name");
    Str(w, p->person->name);
    Key(w, "role");
    Str(w, p->person->role);
    WriteModalitySeconds(w, p->in_range);
    Key(w, "gap");
    w.Int(TotalGap(p->lines));
    w.EndObject();
  }
  w.EndArray();
  WriteCoverage(w, config, people);
  WriteCost(w, config, total);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string OrganizationProfileJson(const Config& config, const std::vector<const PersonState*>& people) {
  struct UnitSums {
    Aggregate total;
    std::int64_t people = 0;
    int gap = 0;
    std::int64_t required = 0, at_target = 0;
  };
  std::map<std::string, UnitSums> units;
  Aggregate total;
  for (const PersonState* p : people) {
    total.Add(p->in_range);
    UnitSums& u = units[p->person->unit];
    u.total.Add(p->in_range);
    ++u.people;
    u.gap += TotalGap(p->lines);
    for (const auto& line : p->lines) {
      if (line.target == 0) continue;
      ++u.required;
      if (line.level >= line.target) ++u.at_target;
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "people");
  w.Int64(static_cast<std::int64_t>(people.size()));
  WriteModalities(w, total);
  WriteOutcomes(w, total);
  WriteMonths(w, total);
  Key(w, "units");
  w.StartArray();
  for (const auto& [unit, u] : units) {
    w.StartObject();
    Key(w, "unit");
    Str(w, unit);
    Key(w, "people");
    w.Int64(u.people);
    WriteModalitySeconds(w, u.total);
    Key(w, "completed");
    w.Int64(u.total.completed);
    Key(w, "gap");
    w.Int(u.gap);
    Key(w, "coverage");
    w.Double(u.required > 0 ? static_cast<double>(u.at_target) / static_cast<double>(u.required) : 0.0);
    w.EndObject();
  }
  w.EndArray();
  WriteCoverage(w, config, people);
  WriteCost(w, config, total);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- Scorecard ----------------------------------------------------------------------------------
std::string ScorecardJson(const Config& config, std::string_view unit, const std::vector<const PersonState*>& people,
                          const Range& range) {
  Aggregate total;
  for (const PersonState* p : people) total.Add(p->in_range);
  const double hours = static_cast<double>(LearningMillis(total)) / kMillisPerHour;
  const double n = static_cast<double>(people.size());

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Key(w, "unit");
  if (unit.empty()) {
    w.Null();
  } else {
    Str(w, unit);
  }
  Key(w, "people");
  w.Int64(static_cast<std::int64_t>(people.size()));

  // Learning: time, blend, coverage, plans.
  Key(w, "learning");
  w.StartObject();
  Key(w, "hours");
  w.Double(Round(hours, 0.01));
  Key(w, "hoursPerPerson");
  NumberOrNull(w, n > 0 ? std::optional<double>(Round(hours / n, 0.01)) : std::nullopt);
  Key(w, "modalities");
  w.StartObject();
  for (std::size_t m = 0; m < 3; ++m) {
    Key(w, ModalityName(static_cast<Modality>(m)));
    w.StartObject();
    Key(w, "seconds");
    w.Double(Seconds(total.millis[m]));
    Key(w, "share");
    w.Double(LearningMillis(total) > 0
                 ? Round(static_cast<double>(total.millis[m]) / static_cast<double>(LearningMillis(total)), 0.0001)
                 : 0.0);
    Key(w, "reference");
    w.Double(kReference[m]);
    w.EndObject();
  }
  w.EndObject();
  std::int64_t required = 0, at_target = 0;
  for (const auto& [id, c] : CoverageOf(people)) {
    required += c.required;
    at_target += c.at_target;
  }
  Key(w, "competencyCoverage");
  NumberOrNull(w, required > 0 ? std::optional<double>(Round(static_cast<double>(at_target) / required, 0.0001))
                               : std::nullopt);
  std::array<std::int64_t, 4> plans{};
  for (const PersonState* p : people) {
    for (const auto& item : p->plan) ++plans[static_cast<std::size_t>(item.status)];
  }
  Key(w, "plans");
  w.StartObject();
  Key(w, "done");
  w.Int64(plans[0]);
  Key(w, "onTrack");
  w.Int64(plans[1]);
  Key(w, "atRisk");
  w.Int64(plans[2]);
  Key(w, "overdue");
  w.Int64(plans[3]);
  w.EndObject();
  w.EndObject();

  // Efficiency: cost, usage, time to competency.
  Key(w, "efficiency");
  w.StartObject();
  const double cost = static_cast<double>(total.TotalCostCents()) / 100.0;
  Key(w, "cost");
  w.Double(cost);
  Key(w, "currency");
  if (config.costs) {
    Str(w, config.costs->currency());
  } else {
    w.Null();
  }
  Key(w, "costPerHour");
  NumberOrNull(w, hours > 0 ? std::optional<double>(Round(cost / hours, 0.01)) : std::nullopt);
  Key(w, "costPerCompletion");
  NumberOrNull(w, total.completed > 0 ? std::optional<double>(Round(cost / static_cast<double>(total.completed), 0.01))
                                      : std::nullopt);
  Key(w, "usage");
  w.StartArray();
  for (const auto& [month, tally] : total.months) {
    std::int64_t active = 0;
    for (const PersonState* p : people) {
      auto it = p->in_range.months.find(month);
      if (it != p->in_range.months.end() && it->second.statements > 0) ++active;
    }
    w.StartObject();
    Key(w, "month");
    Str(w, MonthText(month));
    Key(w, "activeShare");
    w.Double(n > 0 ? Round(static_cast<double>(active) / n, 0.0001) : 0.0);
    w.EndObject();
  }
  w.EndArray();
  // Days from a person's first evidence of a required competency to the first day they reached
  // its target level, averaged over every (person, competency) that reached it.
  double days_sum = 0;
  std::int64_t days_count = 0;
  for (const PersonState* p : people) {
    for (double d : p->days_to_target) {
      days_sum += d;
      ++days_count;
    }
  }
  Key(w, "daysToCompetency");
  NumberOrNull(w, days_count > 0 ? std::optional<double>(Round(days_sum / static_cast<double>(days_count), 0.1))
                                 : std::nullopt);
  w.EndObject();

  // Alignment: learning time on the competencies the goals need, up the cascade.
  std::map<std::string, const Goal*> goals;
  for (const auto& g : config.goals) goals[g.id] = &g;
  std::function<void(const Goal&, std::set<std::string>&)> closure = [&](const Goal& g, std::set<std::string>& out) {
    out.insert(g.competencies.begin(), g.competencies.end());
    for (const auto& child : config.goals) {
      if (child.parent == g.id) closure(child, out);
    }
  };
  std::vector<const Goal*> shown;  // the unit's goals first, then their ancestors
  std::set<std::string> shown_ids, unit_competencies;
  for (const auto& g : config.goals) {
    if (unit.empty() || g.unit == unit) {
      shown.push_back(&g);
      shown_ids.insert(g.id);
      std::set<std::string> cs;
      closure(g, cs);
      unit_competencies.insert(cs.begin(), cs.end());
    }
  }
  for (std::size_t i = 0; i < shown.size(); ++i) {
    auto parent = goals.find(shown[i]->parent);
    if (parent != goals.end() && shown_ids.insert(parent->first).second) shown.push_back(parent->second);
  }
  auto millis_on = [&](const std::set<std::string>& competencies) {
    std::int64_t millis = 0;
    for (const auto& c : competencies) {
      auto it = total.competencies.find(c);
      if (it != total.competencies.end()) millis += it->second.millis;
    }
    return millis;
  };
  auto share_of = [&](std::int64_t millis) -> std::optional<double> {
    if (LearningMillis(total) <= 0) return std::nullopt;
    return Round(std::min(1.0, static_cast<double>(millis) / static_cast<double>(LearningMillis(total))), 0.0001);
  };
  Key(w, "alignment");
  w.StartObject();
  Key(w, "share");
  NumberOrNull(w, share_of(millis_on(unit_competencies)));
  Key(w, "goals");
  w.StartArray();
  for (const Goal* g : shown) {
    std::set<std::string> cs;
    closure(*g, cs);
    const std::int64_t millis = millis_on(cs);
    w.StartObject();
    Key(w, "id");
    Str(w, g->id);
    Key(w, "title");
    Str(w, g->title);
    if (!g->parent.empty()) {
      Key(w, "parent");
      Str(w, g->parent);
    }
    Key(w, "hours");
    w.Double(Round(static_cast<double>(millis) / kMillisPerHour, 0.01));
    Key(w, "share");
    NumberOrNull(w, share_of(millis));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  // Business: KPIs beside learning hours by month, with lagged correlations.
  Key(w, "business");
  w.StartArray();
  auto kpis = config.kpis.find(std::string(unit));
  if (kpis != config.kpis.end()) {
    const std::int32_t first_month = range.since ? MonthOf(*range.since + 1) : 0;
    const std::int32_t last_month = range.until ? MonthOf(*range.until) : 999912;
    auto learning_hours = [&](std::int32_t month) {
      auto it = total.months.find(month);
      return it == total.months.end() ? 0.0
                                      : static_cast<double>(it->second.millis[0] + it->second.millis[1] +
                                                            it->second.millis[2]) /
                                            kMillisPerHour;
    };
    std::map<std::string, std::vector<const KpiValue*>> by_kpi;
    for (const auto& v : kpis->second.values) {
      if (v.month >= first_month && v.month <= last_month) by_kpi[v.kpi].push_back(&v);
    }
    // The learning series starts at the first month with learning or a KPI value.
    std::int32_t series_start = total.months.empty() ? 999912 : total.months.begin()->first;
    for (const auto& [kpi, values] : by_kpi) series_start = std::min(series_start, values.front()->month);
    for (const auto& [kpi, values] : by_kpi) {
      w.StartObject();
      Key(w, "kpi");
      Str(w, kpi);
      auto direction = kpis->second.higher_is_better.find(kpi);
      Key(w, "direction");
      Str(w, direction == kpis->second.higher_is_better.end() || direction->second ? "higher" : "lower");
      Key(w, "months");
      w.StartArray();
      for (const KpiValue* v : values) {
        w.StartObject();
        Key(w, "month");
        Str(w, MonthText(v->month));
        Key(w, "value");
        w.Double(v->value);
        Key(w, "learningHours");
        w.Double(Round(learning_hours(v->month), 0.01));
        w.EndObject();
      }
      w.EndArray();
      // Correlation, never cause: learning hours `lag` months before each KPI value.
      Key(w, "correlation");
      w.StartObject();
      for (int lag = 0; lag <= 3; ++lag) {
        std::vector<std::pair<double, double>> pairs;
        for (const KpiValue* v : values) {
          const std::int32_t month = PreviousMonth(v->month, lag);
          if (month < series_start) continue;
          pairs.emplace_back(v->value, learning_hours(month));
        }
        Key(w, "lag" + std::to_string(lag));
        auto r = Correlation(pairs);
        NumberOrNull(w, r ? std::optional<double>(Round(*r, 0.0001)) : std::nullopt);
      }
      w.EndObject();
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ---- Goals tree ---------------------------------------------------------------------------------
std::string GoalsTreeJson(const Config& config, const std::vector<const PersonState*>& people) {
  // Progress of every plan item, by goal.
  struct Serving {
    const Person* person;
    std::vector<ItemProgress> items;
  };
  std::map<std::string, std::vector<Serving>> by_goal;
  for (const PersonState* st : people) {
    std::map<std::string, std::vector<ItemProgress>> mine;
    for (const auto& item : st->plan) mine[item.item->goal].push_back(item);
    for (auto& [goal, items] : mine) by_goal[goal].push_back({st->person, std::move(items)});
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  std::function<void(const Goal&)> write_goal = [&](const Goal& g) {
    w.StartObject();
    Key(w, "id");
    Str(w, g.id);
    Key(w, "title");
    Str(w, g.title);
    Key(w, "unit");
    if (g.unit.empty()) {
      w.Null();
    } else {
      Str(w, g.unit);
    }
    Key(w, "competencies");
    w.StartArray();
    for (const auto& c : g.competencies) Str(w, c);
    w.EndArray();
    Key(w, "kpis");
    w.StartArray();
    for (const auto& k : g.kpis) Str(w, k);
    w.EndArray();
    Key(w, "people");
    w.StartArray();
    if (auto it = by_goal.find(g.id); it != by_goal.end()) {
      for (const auto& s : it->second) {
        w.StartObject();
        Key(w, "id");
        Str(w, s.person->id);
        Key(w, "name");
        Str(w, s.person->name);
        Key(w, "unit");
        Str(w, s.person->unit);
        Key(w, "items");
        w.StartArray();
        for (const auto& item : s.items) {
          w.StartObject();
          Key(w, "competency");
          Str(w, item.item->competency);
          Key(w, "targetLevel");
          w.Int(item.item->target_level);
          Key(w, "level");
          w.Int(item.level);
          Key(w, "due");
          Str(w, item.item->due);
          Key(w, "status");
          Str(w, PlanStatusName(item.status));
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
      }
    }
    w.EndArray();
    Key(w, "children");
    w.StartArray();
    for (const auto& child : config.goals) {
      if (child.parent == g.id) write_goal(child);
    }
    w.EndArray();
    w.EndObject();
  };
  w.StartArray();
  for (const auto& g : config.goals) {
    if (g.parent.empty()) write_goal(g);
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace lrsd::profile::scorecard
