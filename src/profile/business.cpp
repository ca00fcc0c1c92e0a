// Configuration documents of the scorecards (include/lrsd/profile.h, "Goals, development plans,
// costs and KPIs"): the goals cascade, individual development plans and unit KPIs (JSON and
// CSV). The cost rules live in rules.cpp, next to the condition compiler they share with the
// classification rules.
//
// As in config.cpp, structure (types, required and allowed keys, bounds, date shapes) is checked
// by the JSON Schemas embedded from schemas/admin/ (goals.json, plan.json, kpis.json); what a
// schema cannot say (real dates, unique ids, references, cycles) is checked here. Errors are
// 400s naming the offending place ("goals[1].parent", "items[0].due", "line 4 column month").
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lrsd/profile.h"
#include "profile/config_json.h"
#include "profile/csv.h"

namespace lrsd::profile {
namespace {

using config_json::Index;
using config_json::Key;
using config_json::Member;
using config_json::Sv;
using xapi::JsonValue;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

std::string Quoted(std::string_view s) {
  std::string out;
  xapi::AppendJsonString(out, s);
  return out;
}

std::string StringOr(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = Member(obj, key);
  return v != nullptr && v->IsString() ? std::string(Sv(*v)) : std::string();
}

void String(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

// Integral values as integers (10, not 10.0), others in their shortest round-trip form.
void Number(Writer& w, double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    w.Int64(static_cast<std::int64_t>(v));
  } else {
    w.Double(v);
  }
}

// ---- Calendar ----

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

constexpr std::string_view kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// "YYYY-MM" as (year, month): the shape is rule "pattern" (as the schema says), a month that
// does not exist rule "month".
Result<std::pair<int, int>> ParseYearMonth(std::string_view text, const std::string& path) {
  if (text.size() != 7 || text[4] != '-' || !Digits(text.substr(0, 4)) || !Digits(text.substr(5, 2)))
    return Error::BadRequest(path, "pattern", "must be a month YYYY-MM");
  const int year = ToInt(text.substr(0, 4));
  const int month = ToInt(text.substr(5, 2));
  if (month < 1 || month > 12)
    return Error::BadRequest(path, "month", Quoted(text) + " is not a month: months are 01 to 12");
  return std::make_pair(year, month);
}

// "YYYY-MM-DD" as days since 1970-01-01: the shape is rule "pattern", a date that does not exist
// (2026-02-30, 2026-13-01) rule "date".
Result<std::int64_t> ParseDay(std::string_view text, const std::string& path) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !Digits(text.substr(0, 4)) ||
      !Digits(text.substr(5, 2)) || !Digits(text.substr(8, 2))) {
    return Error::BadRequest(path, "pattern", "must be a calendar date YYYY-MM-DD");
  }
  const int year = ToInt(text.substr(0, 4));
  const int month = ToInt(text.substr(5, 2));
  const int day = ToInt(text.substr(8, 2));
  if (month < 1 || month > 12)
    return Error::BadRequest(path, "date", Quoted(text) + " is not a date: months are 01 to 12");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Error::BadRequest(path, "date",
                             Quoted(text) + " is not a date: " + std::string(kMonthNames[month - 1]) + " " +
                                 std::string(text.substr(0, 4)) + " has " + std::to_string(DaysInMonth(year, month)) +
                                 " days");
  }
  return DaysFromCivil(year, month, day);
}

std::int64_t DayStart(std::int64_t day) { return day * kMicrosPerDay; }
std::int64_t DayEnd(std::int64_t day) { return (day + 1) * kMicrosPerDay - 1; }

std::string MonthText(std::int32_t yyyymm) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(yyyymm / 100), static_cast<int>(yyyymm % 100));
  return buf;
}

// A list of names (goal competencies, goal KPIs): each at most once.
Result<std::vector<std::string>> UniqueNames(const JsonValue* list, const std::string& path) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  std::unordered_map<std::string_view, rapidjson::SizeType> seen;
  out.reserve(list->Size());
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const std::string_view name = Sv((*list)[i]);
    auto [it, fresh] = seen.emplace(name, i);
    if (!fresh) {
      return Error::BadRequest(Index(path, i), "unique",
                               Quoted(name) + " is listed twice (also " + Index(path, it->second) + ")");
    }
    out.emplace_back(name);
  }
  return out;
}

// ---- KPIs ----

// Collects KPI directions and values from either body form, checking what the forms share.
class KpiBuilder {
 public:
  // A direction given for `kpi` at `where`; a different one given before is an error.
  Status Direction(std::string_view kpi, bool higher, const std::string& where) {
    auto [it, fresh] = directions_.try_emplace(std::string(kpi), higher, where);
    if (!fresh && it->second.first != higher) {
      return Error::BadRequest(where, "direction",
                               "KPI " + Quoted(kpi) + " is said to be better " + (higher ? "higher" : "lower") +
                                   " here but " + (it->second.first ? "higher" : "lower") + " at " +
                                   it->second.second);
    }
    return OkStatus();
  }
  // One monthly value; `where` names the value's month ("values[3].month", "line 4 column
  // month"), `entry` the value ("values[3]", "line 4").
  Status Value(std::string_view kpi, std::pair<int, int> month, double value, const std::string& where,
               std::string entry) {
    const std::int32_t yyyymm = month.first * 100 + month.second;
    auto [it, fresh] = seen_.try_emplace(std::make_pair(std::string(kpi), yyyymm), std::move(entry));
    if (!fresh) {
      return Error::BadRequest(where, "unique",
                               "a second value of KPI " + Quoted(kpi) + " for " + MonthText(yyyymm) + " (also " +
                                   it->second + "): one value per KPI and month");
    }
    values_.push_back(KpiValue{std::string(kpi), yyyymm, value});
    return OkStatus();
  }
  KpiSet Finish() && {
    KpiSet out;
    for (auto& [kpi, direction] : directions_) out.higher_is_better.emplace(kpi, direction.first);
    for (const KpiValue& v : values_) out.higher_is_better.emplace(v.kpi, true);  // default: higher
    std::sort(values_.begin(), values_.end(), [](const KpiValue& a, const KpiValue& b) {
      return a.kpi != b.kpi ? a.kpi < b.kpi : a.month < b.month;
    });
    out.values = std::move(values_);
    return out;
  }

 private:
  std::map<std::string, std::pair<bool, std::string>> directions_;  // kpi -> (higher, where given)
  std::map<std::pair<std::string, std::int32_t>, std::string> seen_;  // (kpi, yyyymm) -> where
  std::vector<KpiValue> values_;
};

enum class KpiColumn { kKpi, kMonth, kValue, kDirection };
constexpr std::pair<std::string_view, KpiColumn> kKpiColumns[] = {
    {"kpi", KpiColumn::kKpi},
    {"month", KpiColumn::kMonth},
    {"value", KpiColumn::kValue},
    {"direction", KpiColumn::kDirection},
};

// A CSV number: the whole (trimmed) field a decimal number, finite.
std::optional<double> CsvNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-') return std::nullopt;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

// ==== Goals ====================================================================================

Result<std::vector<Goal>> ParseGoals(std::string_view json, const Framework* framework) {
  constexpr std::string_view kRoot = "goals";
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, kRoot); !st) return std::move(st).error();
  if (Status st = config_json::Validate("goals.json", "", doc, kRoot); !st) return std::move(st).error();

  const std::size_t n = doc.Size();
  std::vector<Goal> goals;
  goals.reserve(n);
  std::unordered_map<std::string_view, std::size_t> index;  // views into `doc`
  for (rapidjson::SizeType i = 0; i < n; ++i) {
    const JsonValue& g = doc[i];
    const std::string path = Index(std::string(kRoot), i);
    auto [it, fresh] = index.emplace(Sv(g["id"]), i);
    if (!fresh) {
      return Error::BadRequest(Key(path, "id"), "unique",
                               "duplicate goal id " + Quoted(it->first) + " (also " +
                                   Index(std::string(kRoot), it->second) + ")");
    }
    Goal goal;
    goal.id = std::string(Sv(g["id"]));
    goal.title = std::string(Sv(g["title"]));
    goal.parent = StringOr(g, "parent");
    goal.unit = StringOr(g, "unit");
    auto competencies = UniqueNames(Member(g, "competencies"), Key(path, "competencies"));
    if (!competencies.ok()) return std::move(competencies).error();
    goal.competencies = std::move(*competencies);
    if (framework != nullptr) {
      for (std::size_t k = 0; k < goal.competencies.size(); ++k) {
        if (framework->FindCompetency(goal.competencies[k]) == nullptr) {
          return Error::BadRequest(Index(Key(path, "competencies"), k), "competency",
                                   "unknown competency " + Quoted(goal.competencies[k]) + " (not in the framework)");
        }
      }
    }
    auto kpis = UniqueNames(Member(g, "kpis"), Key(path, "kpis"));
    if (!kpis.ok()) return std::move(kpis).error();
    goal.kpis = std::move(*kpis);
    goals.push_back(std::move(goal));
  }

  // The cascade: parents exist; unit goals sit under a parent; organisation goals under
  // organisation goals only.
  constexpr std::size_t kRootGoal = static_cast<std::size_t>(-1);
  std::vector<std::size_t> parent(n, kRootGoal);
  for (std::size_t i = 0; i < n; ++i) {
    const Goal& g = goals[i];
    const std::string path = Key(Index(std::string(kRoot), i), "parent");
    if (g.parent.empty()) {
      if (!g.unit.empty()) {
        return Error::BadRequest(path, "cascade",
                                 "is required for a unit goal (unit " + Quoted(g.unit) +
                                     "): unit goals cascade from a parent goal; only organisation goals (no "
                                     "unit) are roots");
      }
      continue;
    }
    auto it = index.find(g.parent);
    if (it == index.end())
      return Error::BadRequest(path, "parent", "unknown goal " + Quoted(g.parent) + " (not in this document)");
    parent[i] = it->second;
    const Goal& p = goals[it->second];
    if (g.unit.empty() && !p.unit.empty()) {
      return Error::BadRequest(path, "cascade",
                               "an organisation goal (no unit) cannot sit under the unit goal " + Quoted(p.id) +
                                   " (unit " + Quoted(p.unit) + ")");
    }
  }

  // No cycles: walk up from every goal, marking goals with the walk that reached them first; a
  // walk that meets its own mark has found a cycle. Linear in the number of goals.
  std::vector<std::size_t> walk(n, kRootGoal);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t j = i;
    while (j != kRootGoal && walk[j] == kRootGoal) {
      walk[j] = i;
      j = parent[j];
    }
    if (j == kRootGoal || walk[j] != i) continue;
    // `j` is on a cycle: report it at its first goal in document order.
    std::size_t first = j;
    for (std::size_t k = parent[j]; k != j; k = parent[k]) first = std::min(first, k);
    std::string chain = Quoted(goals[first].id);
    for (std::size_t k = parent[first];; k = parent[k]) {
      chain += " -> " + Quoted(goals[k].id);
      if (k == first) break;
    }
    return Error::BadRequest(Key(Index(std::string(kRoot), first), "parent"), "cycle",
                             "the parents form a cycle: " + chain);
  }
  return goals;
}

std::string GoalsToJson(const std::vector<Goal>& goals) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  auto list = [&](const char* key, const std::vector<std::string>& names) {
    if (names.empty()) return;
    w.Key(key);
    w.StartArray();
    for (const std::string& name : names) String(w, name);
    w.EndArray();
  };
  w.StartArray();
  for (const Goal& g : goals) {
    w.StartObject();
    w.Key("id");
    String(w, g.id);
    w.Key("title");
    String(w, g.title);
    if (!g.parent.empty()) {
      w.Key("parent");
      String(w, g.parent);
    }
    if (!g.unit.empty()) {
      w.Key("unit");
      String(w, g.unit);
    }
    list("competencies", g.competencies);
    list("kpis", g.kpis);
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

// ==== Development plans ========================================================================

Result<Plan> ParsePlan(std::string_view json, const Framework* framework, const std::vector<Goal>* goals) {
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, ""); !st) return std::move(st).error();
  if (Status st = config_json::Validate("plan.json", "plan", doc, ""); !st) return std::move(st).error();

  Plan plan;
  plan.from = std::string(Sv(doc["from"]));
  plan.to = std::string(Sv(doc["to"]));
  auto from = ParseDay(plan.from, "from");
  if (!from.ok()) return std::move(from).error();
  auto to = ParseDay(plan.to, "to");
  if (!to.ok()) return std::move(to).error();
  if (*to < *from)
    return Error::BadRequest("to", "range", "must not be before from (" + plan.from + ")");
  plan.from_start = DayStart(*from);
  plan.to_end = DayEnd(*to);

  std::unordered_set<std::string_view> goal_ids;
  if (goals != nullptr)
    for (const Goal& g : *goals) goal_ids.insert(g.id);

  if (const JsonValue* items = Member(doc, "items")) {
    plan.items.reserve(items->Size());
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
      const JsonValue& v = (*items)[i];
      const std::string path = Index("items", i);
      PlanItem item;
      item.goal = std::string(Sv(v["goal"]));
      if (goals != nullptr && goal_ids.count(item.goal) == 0)
        return Error::BadRequest(Key(path, "goal"), "goal", "unknown goal " + Quoted(item.goal) + " (not in the goals)");
      item.competency = std::string(Sv(v["competency"]));
      if (framework != nullptr && framework->FindCompetency(item.competency) == nullptr) {
        return Error::BadRequest(Key(path, "competency"), "competency",
                                 "unknown competency " + Quoted(item.competency) + " (not in the framework)");
      }
      item.target_level = v["targetLevel"].GetInt();  // 1..10 by the schema
      item.due = std::string(Sv(v["due"]));
      auto due = ParseDay(item.due, Key(path, "due"));
      if (!due.ok()) return std::move(due).error();
      item.due_end = DayEnd(*due);
      if (const JsonValue* activities = Member(v, "activities")) {
        item.activities.reserve(activities->Size());
        for (rapidjson::SizeType k = 0; k < activities->Size(); ++k) {
          const std::string_view iri = Sv((*activities)[k]);
          if (!xapi::IsIri(iri))
            return Error::BadRequest(Index(Key(path, "activities"), k), "iri", "must be an IRI (an activity id)");
          item.activities.emplace_back(iri);
        }
      }
      if (const JsonValue* hours = Member(v, "hours")) item.hours = hours->GetDouble();
      plan.items.push_back(std::move(item));
    }
  }
  return plan;
}

std::string PlanToJson(const Plan& plan) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("from");
  String(w, plan.from);
  w.Key("to");
  String(w, plan.to);
  w.Key("items");
  w.StartArray();
  for (const PlanItem& item : plan.items) {
    w.StartObject();
    w.Key("goal");
    String(w, item.goal);
    w.Key("competency");
    String(w, item.competency);
    w.Key("targetLevel");
    w.Int(item.target_level);
    w.Key("due");
    String(w, item.due);
    if (!item.activities.empty()) {
      w.Key("activities");
      w.StartArray();
      for (const std::string& a : item.activities) String(w, a);
      w.EndArray();
    }
    if (item.hours != 0) {
      w.Key("hours");
      Number(w, item.hours);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

// ==== KPIs =====================================================================================

Result<KpiSet> ParseKpisJson(std::string_view json) {
  // A bare array is the values: its paths read like the object form's ("values[3].month").
  const std::size_t first = json.find_first_not_of(" \t\r\n");
  const bool bare = first != std::string_view::npos && json[first] == '[';
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, bare ? "values" : ""); !st) return std::move(st).error();
  const JsonValue* kpis = nullptr;
  const JsonValue* values = nullptr;
  if (doc.IsArray()) {
    if (Status st = config_json::Validate("kpis.json", "values", doc, "values"); !st) return std::move(st).error();
    values = &doc;
  } else if (doc.IsObject()) {
    if (Status st = config_json::Validate("kpis.json", "kpiSet", doc, ""); !st) return std::move(st).error();
    kpis = Member(doc, "kpis");
    values = Member(doc, "values");
  } else {
    return Error::BadRequest("", "type", "must be an array of values or an object {\"kpis\", \"values\"}");
  }

  KpiBuilder builder;
  if (kpis != nullptr) {
    for (rapidjson::SizeType i = 0; i < kpis->Size(); ++i) {
      const JsonValue& k = (*kpis)[i];
      const std::string path = Index("kpis", i);
      if (Status st = builder.Direction(Sv(k["kpi"]), Sv(k["direction"]) == "higher", Key(path, "direction")); !st)
        return std::move(st).error();
    }
  }
  if (values != nullptr) {
    for (rapidjson::SizeType i = 0; i < values->Size(); ++i) {
      const JsonValue& v = (*values)[i];
      const std::string path = Index("values", i);
      const std::string_view kpi = Sv(v["kpi"]);
      const std::string month_path = Key(path, "month");
      auto month = ParseYearMonth(Sv(v["month"]), month_path);
      if (!month.ok()) return std::move(month).error();
      if (const JsonValue* d = Member(v, "direction")) {
        if (Status st = builder.Direction(kpi, Sv(*d) == "higher", Key(path, "direction")); !st)
          return std::move(st).error();
      }
      if (Status st = builder.Value(kpi, *month, v["value"].GetDouble(), month_path, path); !st)
        return std::move(st).error();
    }
  }
  return std::move(builder).Finish();
}

Result<KpiSet> ParseKpisCsv(std::string_view body) {
  using csv::Reader;
  if (const std::size_t bad = csv::FirstInvalidUtf8(body); bad != std::string_view::npos)
    return Error::BadRequest(Reader::Where(csv::LineAt(body, bad), ""), "csv", "is not valid UTF-8 text");
  Reader reader(body);
  std::vector<csv::Field> fields;
  std::size_t line = 0;

  // Header.
  std::vector<KpiColumn> columns;
  auto header_name = [](std::size_t i) { return std::to_string(i + 1); };
  auto header = reader.Next(fields, line, header_name);
  if (!header.ok()) return std::move(header).error();
  if (!*header) return Error::BadRequest("line 1", "csv", "the header line is missing (kpi,month,value[,direction])");
  bool seen[std::size(kKpiColumns)] = {};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = ToLowerAscii(csv::TrimSpaces(fields[i].text));
    auto it = std::find_if(std::begin(kKpiColumns), std::end(kKpiColumns),
                           [&](const auto& c) { return c.first == name; });
    const std::string where = Reader::Where(fields[i].line, name.empty() ? header_name(i) : fields[i].text);
    if (it == std::end(kKpiColumns))
      return Error::BadRequest(where, "csv", "unknown column (the columns are kpi, month, value, direction)");
    const auto c = static_cast<std::size_t>(it - std::begin(kKpiColumns));
    if (seen[c]) return Error::BadRequest(where, "csv", "column appears twice in the header");
    seen[c] = true;
    columns.push_back(it->second);
  }
  if (!seen[static_cast<std::size_t>(KpiColumn::kKpi)] || !seen[static_cast<std::size_t>(KpiColumn::kMonth)] ||
      !seen[static_cast<std::size_t>(KpiColumn::kValue)]) {
    return Error::BadRequest(Reader::Where(line, ""), "csv", "the header must name the kpi, month and value columns");
  }
  auto column_name = [&](std::size_t i) -> std::string {
    if (i >= columns.size()) return std::to_string(i + 1);
    return std::string(kKpiColumns[static_cast<std::size_t>(columns[i])].first);
  };

  KpiBuilder builder;
  while (true) {
    auto more = reader.Next(fields, line, column_name);
    if (!more.ok()) return std::move(more).error();
    if (!*more) break;
    if (fields.size() != columns.size()) {
      return Error::BadRequest(Reader::Where(line, ""), "csv",
                               "has " + std::to_string(fields.size()) + " fields, the header has " +
                                   std::to_string(columns.size()));
    }
    const csv::Field* cell[std::size(kKpiColumns)] = {};
    for (std::size_t i = 0; i < fields.size(); ++i) cell[static_cast<std::size_t>(columns[i])] = &fields[i];
    auto text = [&](KpiColumn c) { return csv::TrimSpaces(cell[static_cast<std::size_t>(c)]->text); };
    auto where = [&](KpiColumn c) {
      return Reader::Where(cell[static_cast<std::size_t>(c)]->line, kKpiColumns[static_cast<std::size_t>(c)].first);
    };

    const std::string_view kpi = text(KpiColumn::kKpi);
    if (kpi.empty()) return Error::BadRequest(where(KpiColumn::kKpi), "minLength", "must not be empty");
    const std::string month_where = where(KpiColumn::kMonth);
    auto month = ParseYearMonth(text(KpiColumn::kMonth), month_where);
    if (!month.ok()) return std::move(month).error();
    const auto value = CsvNumber(text(KpiColumn::kValue));
    if (!value) return Error::BadRequest(where(KpiColumn::kValue), "number", "must be a finite number (1200000, -0.5, 1e6)");
    if (seen[static_cast<std::size_t>(KpiColumn::kDirection)]) {
      const std::string direction = ToLowerAscii(text(KpiColumn::kDirection));
      if (!direction.empty()) {
        if (direction != "higher" && direction != "lower")
          return Error::BadRequest(where(KpiColumn::kDirection), "enum", "must be one of \"higher\", \"lower\" (or empty)");
        if (Status st = builder.Direction(kpi, direction == "higher", where(KpiColumn::kDirection)); !st)
          return std::move(st).error();
      }
    }
    if (Status st = builder.Value(kpi, *month, *value, month_where, "line " + std::to_string(line)); !st)
      return std::move(st).error();
  }
  return std::move(builder).Finish();
}

std::string KpisToJson(const KpiSet& kpis) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("kpis");
  w.StartArray();
  for (const auto& [kpi, higher] : kpis.higher_is_better) {
    w.StartObject();
    w.Key("kpi");
    String(w, kpi);
    w.Key("direction");
    w.String(higher ? "higher" : "lower");
    w.EndObject();
  }
  w.EndArray();
  w.Key("values");
  w.StartArray();
  for (const KpiValue& v : kpis.values) {
    w.StartObject();
    w.Key("kpi");
    String(w, v.kpi);
    w.Key("month");
    String(w, MonthText(v.month));
    w.Key("value");
    Number(w, v.value);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace lrsd::profile
