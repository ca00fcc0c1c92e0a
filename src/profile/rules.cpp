// Classification rules (include/lrsd/profile.h, "Classification rules"; schemas/admin/rules.json)
// and cost rules (include/lrsd/profile.h, "Goals, development plans, costs and KPIs";
// schemas/admin/costs.json). Both compile their `when` conditions with the same compiler below
// and evaluate them with the same evaluator.
//
// Compilation: every IRI / string a condition names is interned into one table (string -> small
// integer) and each condition becomes a short list of integers (a string condition given as an
// array holds when any value does); extension values are kept as JSON in a document owned by the
// compiled rules.
//
// Evaluation runs on every stored statement, so it is allocation-free: the statement's verb id,
// object type, platform and category ids are each looked up once in the intern table (a string
// the rules never name maps to "none" and so matches nothing), then every rule is a few integer
// comparisons, activityIdPrefix a prefix compare, and an extension condition a member lookup and
// JSON equality. Only MatchCompetencies allocates, for the matches it returns.
//
// Cost amounts are integer cents. A document amount (a JSON number) becomes cents from its
// shortest decimal form, rounded half up at the third decimal (0.285 -> 29 cents, although the
// double nearest 0.285 lies just below it). A statement's cost is perCompletion (when completed
// or passed) plus perHour x its duration, where the duration is taken in whole milliseconds
// exactly as the aggregates count time (ToMillis) and perHour_cents x millis / 3,600,000 is
// rounded to the nearest cent, halves up; the result is capped at kMaxCostCents.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lrsd/profile.h"
#include "profile/config_json.h"
#include "profile/rules_eval.h"

namespace lrsd::profile {

using config_json::Index;
using config_json::Key;
using config_json::Member;
using config_json::Sv;
using xapi::JsonValue;

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Condition bits of a compiled `when`.
enum : std::uint8_t {
  kVerb = 1 << 0,
  kActivityType = 1 << 1,
  kActivityIdPrefix = 1 << 2,
  kPlatform = 1 << 3,
  kCategory = 1 << 4,
  kExtension = 1 << 5,
};

// The string conditions, in canonical order, with whether their values must be IRIs.
struct StringCondition {
  std::string_view name;
  std::uint8_t bit;
  bool iri;
};
constexpr std::array<StringCondition, 5> kStringConditions = {{
    {"verb", kVerb, true},
    {"activityType", kActivityType, true},
    {"activityIdPrefix", kActivityIdPrefix, false},
    {"platform", kPlatform, false},
    {"category", kCategory, true},
}};

struct SvHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct CompiledWhen {
  std::uint8_t conditions = 0;
  std::vector<std::uint32_t> verbs, types, platforms, categories;
  std::vector<std::string> prefixes;
  std::string extension_key;
  rapidjson::SizeType extension_value = 0;  // index into Conditions::values
};

// What the compiled `when`s of one document share (classification rules and cost rules alike):
// the intern table, the extension values, and the condition kinds any of its rules uses.
struct Conditions {
  std::unordered_map<std::string, std::uint32_t, SvHash, std::equal_to<>> interned;
  xapi::JsonDocument values;  // extension values of the conditions (an array)
  std::uint8_t used = 0;      // union of every rule's condition bits

  Conditions() { values.SetArray(); }
  std::uint32_t Intern(std::string_view s) {
    auto it = interned.find(s);
    if (it != interned.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(interned.size());
    interned.emplace(std::string(s), id);
    return id;
  }
  std::uint32_t Lookup(std::string_view s) const {
    auto it = interned.find(s);
    return it == interned.end() ? kNone : it->second;
  }
};

struct ModalityRule {
  CompiledWhen when;
  Modality modality = Modality::kUnclassified;
};

struct CompetencyRule {
  CompiledWhen when;
  std::string competency;
  int level = 0;
};

// Small inline set of the interned category ids a statement carries.
constexpr std::size_t kInlineCategories = 8;

}  // namespace

struct Rules::Impl : Conditions {
  std::vector<ModalityRule> modality;
  std::vector<CompetencyRule> competency;
};

namespace {

// What the rules look at in one statement, looked up once.
struct Facts {
  std::uint32_t verb = kNone;
  std::uint32_t type = kNone;
  std::uint32_t platform = kNone;
  bool is_activity = false;
  std::string_view activity_id;
  const JsonValue* categories = nullptr;  // contextActivities.category (array or one activity)
  std::array<std::uint32_t, kInlineCategories> category_ids{};
  std::size_t category_count = 0;
  bool category_overflow = false;  // more known categories than fit inline: scan the JSON
  std::array<const JsonValue*, 3> extensions{};  // context, result, object definition
};

const JsonValue* ObjectMember(const JsonValue* obj, std::string_view key) {
  if (obj == nullptr) return nullptr;
  const JsonValue* v = Member(*obj, key);
  return v != nullptr && v->IsObject() ? v : nullptr;
}

std::string_view StringAt(const JsonValue* obj, std::string_view key) {
  if (obj == nullptr) return {};
  const JsonValue* v = Member(*obj, key);
  return v != nullptr && v->IsString() ? Sv(*v) : std::string_view{};
}

Facts Gather(const Conditions& impl, const JsonValue& st) {
  Facts f;
  if (!st.IsObject()) return f;
  const std::uint8_t used = impl.used;
  if (used & kVerb) {
    std::string_view id = StringAt(ObjectMember(&st, "verb"), "id");
    if (!id.empty()) f.verb = impl.Lookup(id);
  }
  const JsonValue* object = ObjectMember(&st, "object");
  if (object != nullptr) {
    const JsonValue* ot = Member(*object, "objectType");
    f.is_activity = ot == nullptr || (ot->IsString() && Sv(*ot) == "Activity");
  }
  const JsonValue* definition = f.is_activity ? ObjectMember(object, "definition") : nullptr;
  if (f.is_activity) {
    f.activity_id = StringAt(object, "id");
    if (used & kActivityType) {
      std::string_view type = StringAt(definition, "type");
      if (!type.empty()) f.type = impl.Lookup(type);
    }
  }
  const JsonValue* context = ObjectMember(&st, "context");
  if ((used & kPlatform) && context != nullptr) {
    const JsonValue* p = Member(*context, "platform");
    if (p != nullptr && p->IsString()) f.platform = impl.Lookup(Sv(*p));
  }
  if ((used & kCategory) && context != nullptr) {
    const JsonValue* ca = ObjectMember(context, "contextActivities");
    f.categories = ca != nullptr ? Member(*ca, "category") : nullptr;
    auto add = [&](const JsonValue& activity) {
      std::string_view id = StringAt(&activity, "id");
      if (id.empty()) return;
      const std::uint32_t k = impl.Lookup(id);
      if (k == kNone) return;
      if (f.category_count < kInlineCategories)
        f.category_ids[f.category_count++] = k;
      else
        f.category_overflow = true;
    };
    if (f.categories != nullptr) {
      if (f.categories->IsArray()) {
        for (const auto& a : f.categories->GetArray()) add(a);
      } else if (f.categories->IsObject()) {
        add(*f.categories);
      }
    }
  }
  if (used & kExtension) {
    f.extensions[0] = ObjectMember(context, "extensions");
    f.extensions[1] = ObjectMember(ObjectMember(&st, "result"), "extensions");
    f.extensions[2] = ObjectMember(definition, "extensions");
  }
  return f;
}

bool Contains(const std::vector<std::uint32_t>& list, std::uint32_t id) {
  if (id == kNone) return false;
  for (std::uint32_t v : list)
    if (v == id) return true;
  return false;
}

bool CategoryMatches(const Conditions& impl, const CompiledWhen& w, const Facts& f) {
  for (std::size_t i = 0; i < f.category_count; ++i)
    if (Contains(w.categories, f.category_ids[i])) return true;
  if (!f.category_overflow) return false;
  // Rare: a statement naming more than kInlineCategories categories the rules know.
  for (const auto& a : f.categories->GetArray()) {
    std::string_view id = StringAt(&a, "id");
    if (!id.empty() && Contains(w.categories, impl.Lookup(id))) return true;
  }
  return false;
}

bool Holds(const Conditions& impl, const CompiledWhen& w, const Facts& f) {
  const std::uint8_t c = w.conditions;
  if ((c & kVerb) && !Contains(w.verbs, f.verb)) return false;
  if ((c & kActivityType) && !Contains(w.types, f.type)) return false;
  if ((c & kPlatform) && !Contains(w.platforms, f.platform)) return false;
  if (c & kActivityIdPrefix) {
    if (!f.is_activity || f.activity_id.empty()) return false;
    bool any = false;
    for (const std::string& p : w.prefixes) {
      if (f.activity_id.size() >= p.size() && f.activity_id.compare(0, p.size(), p) == 0) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if ((c & kCategory) && !CategoryMatches(impl, w, f)) return false;
  if (c & kExtension) {
    const JsonValue& want = impl.values[w.extension_value];
    bool any = false;
    for (const JsonValue* ext : f.extensions) {
      if (ext == nullptr) continue;
      const JsonValue* v = Member(*ext, w.extension_key);
      if (v != nullptr && *v == want) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

// ---- Compilation ----

Status CompileWhen(Conditions& impl, const JsonValue& when, const std::string& path, CompiledWhen& out) {
  for (const StringCondition& cond : kStringConditions) {
    const JsonValue* v = Member(when, cond.name);
    if (v == nullptr) continue;
    out.conditions |= cond.bit;
    const std::string cond_path = Key(path, cond.name);
    auto add = [&](const JsonValue& s, const std::string& where) -> Status {
      const std::string_view text = Sv(s);
      if (cond.iri && !xapi::IsIri(text)) return Error::BadRequest(where, "iri", "must be an IRI");
      switch (cond.bit) {
        case kVerb:
          out.verbs.push_back(impl.Intern(text));
          break;
        case kActivityType:
          out.types.push_back(impl.Intern(text));
          break;
        case kPlatform:
          out.platforms.push_back(impl.Intern(text));
          break;
        case kCategory:
          out.categories.push_back(impl.Intern(text));
          break;
        case kActivityIdPrefix:
          out.prefixes.emplace_back(text);
          break;
        default:
          break;
      }
      return OkStatus();
    };
    if (v->IsString()) {
      if (Status st = add(*v, cond_path); !st) return st;
    } else {
      for (rapidjson::SizeType i = 0; i < v->Size(); ++i)
        if (Status st = add((*v)[i], Index(cond_path, i)); !st) return st;
    }
  }
  if (const JsonValue* ext = Member(when, "extension")) {
    out.conditions |= kExtension;
    const JsonValue& key = (*ext)["key"];
    if (!xapi::IsIri(Sv(key)))
      return Error::BadRequest(Key(Key(path, "extension"), "key"), "iri", "must be an IRI (extension keys are IRIs)");
    out.extension_key = std::string(Sv(key));
    // The value is copied into the compiled rules' own array `values` and named by its index
    // (pushing may move the elements).
    out.extension_value = impl.values.Size();
    JsonValue copy((*ext)["value"], impl.values.GetAllocator());
    impl.values.PushBack(copy, impl.values.GetAllocator());
  }
  impl.used |= out.conditions;
  return OkStatus();
}

// Canonical JSON of a validated rules document: keys in a fixed order, compact.
void WriteWhen(rapidjson::Writer<rapidjson::StringBuffer>& w, const JsonValue& when) {
  w.StartObject();
  for (const StringCondition& cond : kStringConditions) {
    if (const JsonValue* v = Member(when, cond.name)) {
      w.Key(cond.name.data(), static_cast<rapidjson::SizeType>(cond.name.size()));
      v->Accept(w);
    }
  }
  if (const JsonValue* ext = Member(when, "extension")) {
    w.Key("extension");
    w.StartObject();
    w.Key("key");
    (*ext)["key"].Accept(w);
    w.Key("value");
    (*ext)["value"].Accept(w);
    w.EndObject();
  }
  w.EndObject();
}

std::string Canonical(const JsonValue& doc) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto description = [&](const JsonValue& obj) {
    if (const JsonValue* d = Member(obj, "description")) {
      w.Key("description");
      d->Accept(w);
    }
  };
  w.StartObject();
  description(doc);
  w.Key("modality");
  w.StartArray();
  if (const JsonValue* list = Member(doc, "modality")) {
    for (const auto& r : list->GetArray()) {
      w.StartObject();
      description(r);
      w.Key("when");
      WriteWhen(w, r["when"]);
      w.Key("modality");
      r["modality"].Accept(w);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("competency");
  w.StartArray();
  if (const JsonValue* list = Member(doc, "competency")) {
    for (const auto& r : list->GetArray()) {
      w.StartObject();
      description(r);
      w.Key("when");
      WriteWhen(w, r["when"]);
      w.Key("competency");
      r["competency"].Accept(w);
      w.Key("level");
      r["level"].Accept(w);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

// ==== Rules ====================================================================================

Modality Rules::ClassifyModality(const JsonValue& statement) const {
  if (!impl_ || impl_->modality.empty()) return Modality::kUnclassified;
  const Facts f = Gather(*impl_, statement);
  for (const ModalityRule& r : impl_->modality)
    if (Holds(*impl_, r.when, f)) return r.modality;
  return Modality::kUnclassified;
}

std::vector<std::pair<std::string, int>> Rules::MatchCompetencies(const JsonValue& statement) const {
  std::vector<std::pair<std::string, int>> out;
  if (!impl_ || impl_->competency.empty()) return out;
  const Facts f = Gather(*impl_, statement);
  for (const CompetencyRule& r : impl_->competency)
    if (Holds(*impl_, r.when, f)) out.emplace_back(r.competency, r.level);
  return out;
}

void rules_eval::Evaluate(const Rules& rules, const JsonValue& statement, Modality& modality,
                          std::vector<std::pair<std::string, int>>& competencies) {
  modality = Modality::kUnclassified;
  competencies.clear();
  const Rules::Impl* impl = rules.impl_.get();
  if (impl == nullptr || (impl->modality.empty() && impl->competency.empty())) return;
  const Facts f = Gather(*impl, statement);
  for (const ModalityRule& r : impl->modality) {
    if (Holds(*impl, r.when, f)) {
      modality = r.modality;
      break;
    }
  }
  for (const CompetencyRule& r : impl->competency)
    if (Holds(*impl, r.when, f)) competencies.emplace_back(r.competency, r.level);
}

Result<std::shared_ptr<const Rules>> ParseRules(std::string_view json, const Framework* framework) {
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, ""); !st) return std::move(st).error();
  if (Status st = config_json::Validate("rules.json", "rules", doc, ""); !st) return std::move(st).error();

  auto impl = std::make_shared<Rules::Impl>();

  if (const JsonValue* list = Member(doc, "modality")) {
    impl->modality.resize(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const JsonValue& r = (*list)[i];
      const std::string path = Index("modality", i);
      ModalityRule& out = impl->modality[i];
      if (Status st = CompileWhen(*impl, r["when"], Key(path, "when"), out.when); !st) return std::move(st).error();
      out.modality = *ParseModality(Sv(r["modality"]));  // the schema's enum
    }
  }
  if (const JsonValue* list = Member(doc, "competency")) {
    impl->competency.resize(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const JsonValue& r = (*list)[i];
      const std::string path = Index("competency", i);
      CompetencyRule& out = impl->competency[i];
      if (Status st = CompileWhen(*impl, r["when"], Key(path, "when"), out.when); !st) return std::move(st).error();
      out.competency = std::string(Sv(r["competency"]));
      out.level = r["level"].GetInt();
      if (framework != nullptr && framework->FindCompetency(out.competency) == nullptr) {
        return Error::BadRequest(Key(path, "competency"), "competency",
                                 "unknown competency \"" + out.competency + "\" (not in the framework)");
      }
    }
  }
  auto rules = std::make_shared<Rules>();
  rules->source_ = Canonical(doc);
  rules->impl_ = std::move(impl);
  return std::shared_ptr<const Rules>(std::move(rules));
}

std::string_view DefaultRulesJson() {
  static const std::string_view text = config_json::EmbeddedFile("admin/default-rules.json");
  return text;
}

// ==== Cost rules ===============================================================================

namespace {

struct CostRule {
  CompiledWhen when;
  std::int64_t per_completion = 0;  // cents
  std::int64_t per_hour = 0;        // cents
};

}  // namespace

struct CostRules::Impl : Conditions {
  std::vector<CostRule> rules;
};

namespace {

constexpr std::int64_t kMillisPerHour = 3'600'000;

// A document amount (0 <= amount <= 1e9 by the schema) in cents: its shortest decimal form
// (the digits the document most likely wrote) rounded half up at the third decimal.
std::int64_t AmountCents(double amount) {
  if (!(amount > 0)) return 0;  // also -0 and NaN
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, amount, std::chars_format::fixed);
  if (ec != std::errc()) return 0;  // cannot happen within the schema's bounds
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  std::int64_t cents = 0;
  for (char c : whole) cents = cents * 10 + (c - '0');
  auto digit = [&](std::size_t i) -> std::int64_t { return i < frac.size() ? frac[i] - '0' : 0; };
  cents = cents * 100 + digit(0) * 10 + digit(1);
  if (digit(2) >= 5) ++cents;
  return cents;
}

// Cents as the shortest decimal amount: 40000 -> "400", 1250 -> "12.5", 1235 -> "12.35".
std::string CentsText(std::int64_t cents) {
  std::string out = std::to_string(cents / 100);
  const std::int64_t frac = cents % 100;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
  }
  return out;
}

// The cost of a statement a rule prices (see the top of this file).
std::int64_t RuleCost(const CostRule& r, double seconds, bool completed_or_passed) {
  std::int64_t cost = completed_or_passed ? r.per_completion : 0;
  if (r.per_hour > 0) {
    const std::int64_t millis = ToMillis(seconds);  // 0 <= millis <= 1e15
    if (millis > 0) {
      // Up to 1e11 cents x 1e15 ms: exact in 128 bits.
      using U128 = unsigned __int128;
      const U128 hourly = (static_cast<U128>(r.per_hour) * static_cast<U128>(millis) + kMillisPerHour / 2) /
                          static_cast<U128>(kMillisPerHour);
      cost += hourly >= static_cast<U128>(kMaxCostCents) ? kMaxCostCents : static_cast<std::int64_t>(hourly);
    }
  }
  return std::min(cost, kMaxCostCents);
}

// Canonical JSON of a validated cost document: keys in a fixed order, amounts as the cents they
// were stored as, compact.
std::string CanonicalCosts(const JsonValue& doc, const CostRules::Impl& impl) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto description = [&](const JsonValue& obj) {
    if (const JsonValue* d = Member(obj, "description")) {
      w.Key("description");
      d->Accept(w);
    }
  };
  auto amount = [&](const JsonValue& rule, const char* key, std::int64_t cents) {
    if (Member(rule, key) == nullptr) return;
    w.Key(key);
    const std::string text = CentsText(cents);
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  };
  w.StartObject();
  description(doc);
  w.Key("currency");
  doc["currency"].Accept(w);
  w.Key("rules");
  w.StartArray();
  const JsonValue& rules = doc["rules"];
  for (rapidjson::SizeType i = 0; i < rules.Size(); ++i) {
    const JsonValue& r = rules[i];
    w.StartObject();
    description(r);
    w.Key("when");
    WriteWhen(w, r["when"]);
    amount(r, "perCompletion", impl.rules[i].per_completion);
    amount(r, "perHour", impl.rules[i].per_hour);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::int64_t CostRules::CostOf(const JsonValue& statement, double seconds, bool completed_or_passed) const {
  if (!impl_ || impl_->rules.empty()) return 0;
  const Facts f = Gather(*impl_, statement);
  for (const CostRule& r : impl_->rules)
    if (Holds(*impl_, r.when, f)) return RuleCost(r, seconds, completed_or_passed);  // first match prices
  return 0;
}

Result<std::shared_ptr<const CostRules>> ParseCosts(std::string_view json) {
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, ""); !st) return std::move(st).error();
  if (Status st = config_json::Validate("costs.json", "costs", doc, ""); !st) return std::move(st).error();

  // The schema's pattern is matched up to the first NUL; the code is checked whole.
  const std::string_view currency = Sv(doc["currency"]);
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return Error::BadRequest("currency", "pattern", "must be an ISO 4217 currency code: three upper-case letters (EUR)");

  auto impl = std::make_shared<CostRules::Impl>();
  const JsonValue& list = doc["rules"];
  impl->rules.resize(list.Size());
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const JsonValue& r = list[i];
    CostRule& out = impl->rules[i];
    if (Status st = CompileWhen(*impl, r["when"], Key(Index("rules", i), "when"), out.when); !st)
      return std::move(st).error();
    if (const JsonValue* v = Member(r, "perCompletion")) out.per_completion = AmountCents(v->GetDouble());
    if (const JsonValue* v = Member(r, "perHour")) out.per_hour = AmountCents(v->GetDouble());
  }

  auto costs = std::make_shared<CostRules>();
  costs->currency_ = std::string(currency);
  costs->source_ = CanonicalCosts(doc, *impl);
  costs->impl_ = std::move(impl);
  return std::shared_ptr<const CostRules>(std::move(costs));
}

}  // namespace lrsd::profile
