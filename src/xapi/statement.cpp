// Pure transformations of an (already validated) statement: IFIs, index keys, voiding targets,
// the comparison form, and the ids / canonical output formats.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lrsd/xapi.h"

namespace lrsd::xapi {
namespace {

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

std::string_view View(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

const JsonValue* Member(const JsonValue& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringMember(const JsonValue& obj, const char* name) {
  const JsonValue* v = Member(obj, name);
  return v && v->IsString() ? View(*v) : std::string_view{};
}

// ---- Index keys -------------------------------------------------------------------------------
class KeyCollector {
 public:
  void Add(IndexKind kind, std::string key) {
    IndexKey k{kind, std::move(key)};
    if (std::find(keys_.begin(), keys_.end(), k) == keys_.end()) keys_.push_back(std::move(k));
  }
  // An agent or group matches by its own IFI and, for groups, by each member's IFI.
  void AddActor(const JsonValue* actor, bool direct) {
    if (!actor || !actor->IsObject()) return;
    auto add = [&](const JsonValue& a) {
      if (auto ifi = IfiKey(a)) {
        if (direct) Add(IndexKind::kAgent, *ifi);
        Add(IndexKind::kRelatedAgent, std::move(*ifi));
      }
    };
    add(*actor);
    if (const JsonValue* members = Member(*actor, "member"); members && members->IsArray()) {
      for (const auto& m : members->GetArray()) add(m);
    }
  }
  void AddActivity(const JsonValue* activity, bool direct) {
    if (!activity || !activity->IsObject()) return;
    std::string_view id = StringMember(*activity, "id");
    if (id.empty()) return;
    if (direct) Add(IndexKind::kActivity, std::string(id));
    Add(IndexKind::kRelatedActivity, std::string(id));
  }
  void AddContext(const JsonValue* context) {
    if (!context || !context->IsObject()) return;
    AddActor(Member(*context, "instructor"), false);
    AddActor(Member(*context, "team"), false);
    if (const JsonValue* agents = Member(*context, "contextAgents"); agents && agents->IsArray()) {
      for (const auto& ca : agents->GetArray()) AddActor(Member(ca, "agent"), false);
    }
    if (const JsonValue* groups = Member(*context, "contextGroups"); groups && groups->IsArray()) {
      for (const auto& cg : groups->GetArray()) AddActor(Member(cg, "group"), false);
    }
    if (const JsonValue* ca = Member(*context, "contextActivities"); ca && ca->IsObject()) {
      for (const auto& kv : ca->GetObject()) {
        if (kv.value.IsArray()) {
          for (const auto& a : kv.value.GetArray()) AddActivity(&a, false);
        } else {
          AddActivity(&kv.value, false);
        }
      }
    }
  }
  // `top` is the statement itself; a SubStatement contributes only to the related sets.
  void AddStatement(const JsonValue& s, bool top) {
    AddActor(Member(s, "actor"), top);
    if (const JsonValue* object = Member(s, "object"); object && object->IsObject()) {
      std::string_view type = StringMember(*object, "objectType");
      if (type.empty() || type == "Activity") {
        AddActivity(object, top);
      } else if (type == "Agent" || type == "Group") {
        AddActor(object, top);
      } else if (type == "SubStatement" && top) {
        AddStatement(*object, false);
      }
    }
    AddContext(Member(s, "context"));
    if (top) {
      AddActor(Member(s, "authority"), false);
      if (const JsonValue* authority = Member(s, "authority")) {
        if (auto ifi = IfiKey(*authority)) Add(IndexKind::kAuthority, std::move(*ifi));
        if (const JsonValue* members = Member(*authority, "member"); members && members->IsArray()) {
          for (const auto& m : members->GetArray()) {
            if (auto ifi = IfiKey(m)) Add(IndexKind::kAuthority, std::move(*ifi));
          }
        }
      }
      if (const JsonValue* verb = Member(s, "verb")) {
        if (std::string_view id = StringMember(*verb, "id"); !id.empty()) Add(IndexKind::kVerb, std::string(id));
      }
      if (const JsonValue* ctx = Member(s, "context")) {
        if (std::string_view reg = StringMember(*ctx, "registration"); !reg.empty()) {
          if (auto id = ParseUuid(reg)) Add(IndexKind::kRegistration, FormatUuid(*id));
        }
      }
    }
  }
  std::vector<IndexKey> Take() { return std::move(keys_); }

 private:
  std::vector<IndexKey> keys_;
};

// ---- Comparison form --------------------------------------------------------------------------
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Where a value sits: its depth, the key it is under (array elements: the array's key), and
// whether it is inside an "extensions" object, where no xAPI rule applies.
struct Place {
  int depth = 0;
  std::string_view key;
  bool in_extensions = false;
};

void WriteCanonical(const JsonValue& v, Writer& w, Place at);

void WriteNumber(const JsonValue& v, Writer& w) {
  // 1 and 1.0 are the same number to a client; print integral values as integers.
  if (v.IsDouble()) {
    double d = v.GetDouble();
    if (d == static_cast<double>(static_cast<long long>(d)) && std::abs(d) < 9e15) {
      w.Int64(static_cast<long long>(d));
      return;
    }
    w.Double(d);
    return;
  }
  if (v.IsInt64()) w.Int64(v.GetInt64());
  else if (v.IsUint64()) w.Uint64(v.GetUint64());
  else w.Double(v.GetDouble());
}

std::string CanonicalString(const JsonValue& v, Place at) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteCanonical(v, w, at);
  return std::string(buf.GetString(), buf.GetSize());
}

void WriteString(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

bool IsActivityPlace(std::string_view key) {
  return key == "object" || key == "parent" || key == "grouping" || key == "category" || key == "other";
}

void WriteCanonical(const JsonValue& v, Writer& w, Place at) {
  switch (v.GetType()) {
    case rapidjson::kObjectType: {
      std::vector<const JsonValue::Member*> members;
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        std::string_view name = View(it->name);
        if (!at.in_extensions) {
          // Properties the LRS sets or may overwrite take no part in "sameness".
          if (at.depth == 0 && (name == "id" || name == "stored" || name == "authority" || name == "version")) continue;
          // Nor do a verb's display and an activity's definition (Data 2.3.1).
          if (at.key == "verb" && name == "display") continue;
          if (name == "definition" && IsActivityPlace(at.key)) continue;
        }
        members.push_back(&*it);
      }
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return View(a->name) < View(b->name); });
      w.StartObject();
      for (auto* m : members) {
        std::string_view name = View(m->name);
        w.Key(m->name.GetString(), m->name.GetStringLength());
        if (!at.in_extensions && m->value.IsString()) {
          if (name == "timestamp") {
            // Equal instants written differently ("+00:00" vs "Z") are the same timestamp.
            if (auto t = ParseTimestamp(View(m->value), Version::k1_0)) {
              WriteString(w, std::to_string(*t));
              continue;
            }
          } else if (name == "duration" && at.key == "result") {
            WriteString(w, TruncateDuration(View(m->value)));
            continue;
          } else if (name == "mbox") {
            // The domain of an e-mail address is case-insensitive (Data 2.3.1).
            std::string mbox(View(m->value));
            if (auto atsign = mbox.rfind('@'); atsign != std::string::npos) {
              mbox = mbox.substr(0, atsign) + ToLowerAscii(std::string_view(mbox).substr(atsign));
            }
            WriteString(w, mbox);
            continue;
          }
        }
        WriteCanonical(m->value, w, Place{at.depth + 1, name, at.in_extensions || name == "extensions"});
      }
      w.EndObject();
      break;
    }
    case rapidjson::kArrayType: {
      const Place element{at.depth + 1, at.key, at.in_extensions};
      if (at.key == "member" && !at.in_extensions) {
        // Group membership is a set: order does not matter.
        std::vector<std::string> items;
        for (const auto& e : v.GetArray()) items.push_back(CanonicalString(e, element));
        std::sort(items.begin(), items.end());
        w.StartArray();
        for (const auto& s : items) w.RawValue(s.c_str(), s.size(), rapidjson::kObjectType);
        w.EndArray();
        break;
      }
      w.StartArray();
      for (const auto& e : v.GetArray()) WriteCanonical(e, w, element);
      w.EndArray();
      break;
    }
    case rapidjson::kNumberType:
      WriteNumber(v, w);
      break;
    default:
      v.Accept(w);
  }
}

// ---- Formats ----------------------------------------------------------------------------------
// Keeps only the members named in `keep`.
void RetainMembers(JsonValue& obj, std::initializer_list<std::string_view> keep) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd();) {
    std::string_view name = View(it->name);
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) {
      it = obj.EraseMember(it);
    } else {
      ++it;
    }
  }
}

void IdsActor(JsonValue& actor) {
  if (!actor.IsObject()) return;
  RetainMembers(actor, {"objectType", "mbox", "mbox_sha1sum", "openid", "account", "member"});
  if (auto it = actor.FindMember("member"); it != actor.MemberEnd()) {
    // Identified groups are identified by their IFI alone; anonymous ones by their members.
    bool identified = actor.HasMember("mbox") || actor.HasMember("mbox_sha1sum") ||
                      actor.HasMember("openid") || actor.HasMember("account");
    if (identified) {
      actor.EraseMember(it);
    } else if (it->value.IsArray()) {
      for (auto& m : it->value.GetArray()) IdsActor(m);
    }
  }
}

void IdsActivity(JsonValue& activity) {
  if (activity.IsObject()) RetainMembers(activity, {"id"});  // objectType "Activity" is the default
}

void IdsContext(JsonValue& ctx) {
  if (!ctx.IsObject()) return;
  if (auto it = ctx.FindMember("instructor"); it != ctx.MemberEnd()) IdsActor(it->value);
  if (auto it = ctx.FindMember("team"); it != ctx.MemberEnd()) IdsActor(it->value);
  if (auto it = ctx.FindMember("contextActivities"); it != ctx.MemberEnd() && it->value.IsObject()) {
    for (auto& kv : it->value.GetObject()) {
      if (kv.value.IsArray()) {
        for (auto& a : kv.value.GetArray()) IdsActivity(a);
      } else {
        IdsActivity(kv.value);
      }
    }
  }
  for (const char* list : {"contextAgents", "contextGroups"}) {
    if (auto it = ctx.FindMember(list); it != ctx.MemberEnd() && it->value.IsArray()) {
      for (auto& entry : it->value.GetArray()) {
        if (!entry.IsObject()) continue;
        for (const char* inner : {"agent", "group"}) {
          if (auto a = entry.FindMember(inner); a != entry.MemberEnd()) IdsActor(a->value);
        }
      }
    }
  }
}

void IdsStatement(JsonValue& s, JsonAllocator& alloc) {
  if (!s.IsObject()) return;
  if (auto it = s.FindMember("actor"); it != s.MemberEnd()) IdsActor(it->value);
  if (auto it = s.FindMember("authority"); it != s.MemberEnd()) IdsActor(it->value);
  if (auto it = s.FindMember("verb"); it != s.MemberEnd() && it->value.IsObject()) {
    RetainMembers(it->value, {"id"});
  }
  if (auto it = s.FindMember("object"); it != s.MemberEnd() && it->value.IsObject()) {
    std::string_view type = StringMember(it->value, "objectType");
    if (type.empty() || type == "Activity") IdsActivity(it->value);
    else if (type == "Agent" || type == "Group") IdsActor(it->value);
    else if (type == "SubStatement") IdsStatement(it->value, alloc);
  }
  if (auto it = s.FindMember("context"); it != s.MemberEnd()) IdsContext(it->value);
}

// The best entry of a language map for the client's preferences: exact tag, then primary
// subtag, then "und", then the first entry.
void FilterLanguageMap(JsonValue& map, const std::vector<std::string>& prefs, JsonAllocator& alloc) {
  if (!map.IsObject() || map.MemberCount() <= 1) return;
  const JsonValue::Member* best = nullptr;
  auto primary = [](std::string_view tag) { return tag.substr(0, tag.find('-')); };
  for (const auto& pref : prefs) {
    if (pref == "*") break;
    for (auto it = map.MemberBegin(); it != map.MemberEnd() && !best; ++it) {
      if (EqualsIgnoreCase(View(it->name), pref)) best = &*it;
    }
    for (auto it = map.MemberBegin(); it != map.MemberEnd() && !best; ++it) {
      if (EqualsIgnoreCase(primary(View(it->name)), primary(pref))) best = &*it;
    }
    if (best) break;
  }
  for (auto it = map.MemberBegin(); it != map.MemberEnd() && !best; ++it) {
    if (View(it->name) == "und") best = &*it;
  }
  if (!best) best = &*map.MemberBegin();
  JsonValue name(best->name, alloc), value(best->value, alloc);
  map.SetObject();
  map.AddMember(name, value, alloc);
}

void CanonicalActivity(JsonValue& activity, JsonAllocator& alloc,
                       const std::vector<std::string>& prefs, const ActivityLookup& lookup) {
  if (!activity.IsObject()) return;
  std::string_view id = StringMember(activity, "id");
  if (lookup && !id.empty()) {
    if (const JsonValue* canonical = lookup(id)) {
      JsonValue copy(*canonical, alloc);
      if (auto it = activity.FindMember("definition"); it != activity.MemberEnd()) {
        it->value = copy;
      } else {
        activity.AddMember("definition", copy, alloc);
      }
    }
  }
  auto def = activity.FindMember("definition");
  if (def == activity.MemberEnd() || !def->value.IsObject()) return;
  for (const char* map : {"name", "description"}) {
    if (auto it = def->value.FindMember(map); it != def->value.MemberEnd()) FilterLanguageMap(it->value, prefs, alloc);
  }
  for (const char* list : {"choices", "scale", "source", "target", "steps"}) {
    auto it = def->value.FindMember(list);
    if (it == def->value.MemberEnd() || !it->value.IsArray()) continue;
    for (auto& component : it->value.GetArray()) {
      if (!component.IsObject()) continue;
      if (auto d = component.FindMember("description"); d != component.MemberEnd()) FilterLanguageMap(d->value, prefs, alloc);
    }
  }
}

void CanonicalStatement(JsonValue& s, JsonAllocator& alloc, const std::vector<std::string>& prefs,
                        const ActivityLookup& lookup) {
  if (!s.IsObject()) return;
  if (auto it = s.FindMember("verb"); it != s.MemberEnd() && it->value.IsObject()) {
    if (auto d = it->value.FindMember("display"); d != it->value.MemberEnd()) FilterLanguageMap(d->value, prefs, alloc);
  }
  if (auto it = s.FindMember("object"); it != s.MemberEnd() && it->value.IsObject()) {
    std::string_view type = StringMember(it->value, "objectType");
    if (type.empty() || type == "Activity") CanonicalActivity(it->value, alloc, prefs, lookup);
    else if (type == "SubStatement") CanonicalStatement(it->value, alloc, prefs, lookup);
  }
  if (auto ctx = s.FindMember("context"); ctx != s.MemberEnd() && ctx->value.IsObject()) {
    if (auto ca = ctx->value.FindMember("contextActivities"); ca != ctx->value.MemberEnd() && ca->value.IsObject()) {
      for (auto& kv : ca->value.GetObject()) {
        if (kv.value.IsArray()) {
          for (auto& a : kv.value.GetArray()) CanonicalActivity(a, alloc, prefs, lookup);
        } else {
          CanonicalActivity(kv.value, alloc, prefs, lookup);
        }
      }
    }
  }
  if (auto att = s.FindMember("attachments"); att != s.MemberEnd() && att->value.IsArray()) {
    for (auto& a : att->value.GetArray()) {
      if (!a.IsObject()) continue;
      for (const char* map : {"display", "description"}) {
        if (auto it = a.FindMember(map); it != a.MemberEnd()) FilterLanguageMap(it->value, prefs, alloc);
      }
    }
  }
}

void MergeLanguageMap(JsonValue& into, const JsonValue& from, JsonAllocator& alloc) {
  if (!into.IsObject() || !from.IsObject()) {
    into.CopyFrom(from, alloc);
    return;
  }
  for (const auto& kv : from.GetObject()) {
    if (auto it = into.FindMember(kv.name); it != into.MemberEnd()) {
      it->value.CopyFrom(kv.value, alloc);
    } else {
      into.AddMember(JsonValue(kv.name, alloc), JsonValue(kv.value, alloc), alloc);
    }
  }
}

}  // namespace

std::optional<std::string> IfiKey(const JsonValue& actor) {
  if (!actor.IsObject()) return std::nullopt;
  if (std::string_view v = StringMember(actor, "mbox"); !v.empty()) return "mbox:" + std::string(v);
  if (std::string_view v = StringMember(actor, "mbox_sha1sum"); !v.empty()) return "mbox_sha1sum:" + ToLowerAscii(v);
  if (std::string_view v = StringMember(actor, "openid"); !v.empty()) return "openid:" + std::string(v);
  if (const JsonValue* account = Member(actor, "account"); account && account->IsObject()) {
    std::string key = "account:";
    key += StringMember(*account, "homePage");
    key += '|';
    key += StringMember(*account, "name");
    return key;
  }
  return std::nullopt;
}

std::vector<IndexKey> IndexKeysFor(const JsonValue& statement) {
  KeyCollector collector;
  collector.AddStatement(statement, true);
  return collector.Take();
}

std::optional<Uuid> StatementRefTarget(const JsonValue& statement) {
  const JsonValue* object = Member(statement, "object");
  if (!object || StringMember(*object, "objectType") != "StatementRef") return std::nullopt;
  return ParseUuid(StringMember(*object, "id"));
}

std::optional<Uuid> VoidedTarget(const JsonValue& statement) {
  const JsonValue* verb = Member(statement, "verb");
  if (!verb || StringMember(*verb, "id") != kVoidedVerb) return std::nullopt;
  return StatementRefTarget(statement);
}

void NormalizeStatement(JsonValue& statement, JsonAllocator& alloc) {
  if (!statement.IsObject()) return;
  if (auto ctx = statement.FindMember("context"); ctx != statement.MemberEnd() && ctx->value.IsObject()) {
    if (auto ca = ctx->value.FindMember("contextActivities"); ca != ctx->value.MemberEnd() && ca->value.IsObject()) {
      for (auto& kv : ca->value.GetObject()) {
        if (kv.value.IsObject()) {
          JsonValue array(rapidjson::kArrayType);
          array.PushBack(kv.value, alloc);  // moves the activity into the array
          kv.value = array;
        }
      }
    }
  }
  if (auto object = statement.FindMember("object"); object != statement.MemberEnd() && object->value.IsObject()) {
    if (StringMember(object->value, "objectType") == "SubStatement") NormalizeStatement(object->value, alloc);
  }
}

std::string ComparisonForm(const JsonValue& statement) { return CanonicalString(statement, Place{}); }

std::string TruncateDuration(std::string_view d) {
  if (d.empty() || d.back() != 'S') return std::string(d);
  std::size_t dot = d.find_last_of(".,");
  if (dot == std::string_view::npos) return std::string(d);
  std::string_view frac = d.substr(dot + 1, d.size() - dot - 2);
  if (!std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(d);
  }
  frac = frac.substr(0, 2);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  std::string out(d.substr(0, dot));
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  out += 'S';
  return out;
}

std::optional<Format> ParseFormat(std::string_view text) {
  if (text == "exact") return Format::kExact;
  if (text == "ids") return Format::kIds;
  if (text == "canonical") return Format::kCanonical;
  return std::nullopt;
}

void ApplyIdsFormat(JsonValue& statement, JsonAllocator& alloc) { IdsStatement(statement, alloc); }

void ApplyCanonicalFormat(JsonValue& statement, JsonAllocator& alloc,
                          const std::vector<std::string>& accept_languages,
                          const ActivityLookup& lookup) {
  CanonicalStatement(statement, alloc, accept_languages, lookup);
}

std::vector<std::string> ParseAcceptLanguage(std::string_view header) {
  struct Entry {
    std::string tag;
    double q;
    std::size_t order;
  };
  std::vector<Entry> entries;
  std::size_t order = 0;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    std::size_t semi = item.find(';');
    std::string_view tag = item.substr(0, semi);
    double q = 1.0;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      if (std::size_t qpos = params.find("q="); qpos != std::string_view::npos) {
        q = std::strtod(std::string(params.substr(qpos + 2)).c_str(), nullptr);
      }
    }
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (!tag.empty() && q > 0) entries.push_back({std::string(tag), q, order++});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.q > b.q; });
  std::vector<std::string> tags;
  for (auto& e : entries) tags.push_back(std::move(e.tag));
  return tags;
}

void MergeActivityDefinition(JsonValue& canonical, const JsonValue& incoming, JsonAllocator& alloc) {
  if (!incoming.IsObject()) return;
  if (!canonical.IsObject()) {
    canonical.CopyFrom(incoming, alloc);
    return;
  }
  for (const auto& kv : incoming.GetObject()) {
    std::string_view name = View(kv.name);
    auto it = canonical.FindMember(kv.name);
    if (it == canonical.MemberEnd()) {
      canonical.AddMember(JsonValue(kv.name, alloc), JsonValue(kv.value, alloc), alloc);
    } else if (name == "name" || name == "description") {
      MergeLanguageMap(it->value, kv.value, alloc);
    } else {
      it->value.CopyFrom(kv.value, alloc);
    }
  }
}

namespace {
void CollectDefinition(const JsonValue* activity, std::vector<std::pair<std::string, const JsonValue*>>& out) {
  if (!activity || !activity->IsObject()) return;
  std::string_view type = StringMember(*activity, "objectType");
  if (!type.empty() && type != "Activity") return;
  const JsonValue* def = Member(*activity, "definition");
  std::string_view id = StringMember(*activity, "id");
  if (def && def->IsObject() && !id.empty()) out.emplace_back(std::string(id), def);
}

void CollectDefinitions(const JsonValue& s, std::vector<std::pair<std::string, const JsonValue*>>& out, bool top) {
  if (const JsonValue* object = Member(s, "object")) {
    if (top && StringMember(*object, "objectType") == "SubStatement") {
      CollectDefinitions(*object, out, false);
    } else {
      CollectDefinition(object, out);
    }
  }
  const JsonValue* ctx = Member(s, "context");
  const JsonValue* ca = ctx ? Member(*ctx, "contextActivities") : nullptr;
  if (!ca || !ca->IsObject()) return;
  for (const auto& kv : ca->GetObject()) {
    if (kv.value.IsArray()) {
      for (const auto& a : kv.value.GetArray()) CollectDefinition(&a, out);
    } else {
      CollectDefinition(&kv.value, out);
    }
  }
}
}  // namespace

std::vector<std::pair<std::string, const JsonValue*>> ActivityDefinitions(const JsonValue& statement) {
  std::vector<std::pair<std::string, const JsonValue*>> out;
  CollectDefinitions(statement, out, true);
  return out;
}

std::vector<std::pair<std::string, const JsonValue*>> AgentsOf(const JsonValue& statement) {
  std::vector<std::pair<std::string, const JsonValue*>> out;
  auto add = [&](const JsonValue* a) {
    if (!a || !a->IsObject()) return;
    if (auto ifi = IfiKey(*a)) out.emplace_back(std::move(*ifi), a);
    if (const JsonValue* members = Member(*a, "member"); members && members->IsArray()) {
      for (const auto& m : members->GetArray()) {
        if (auto ifi = IfiKey(m)) out.emplace_back(std::move(*ifi), &m);
      }
    }
  };
  add(Member(statement, "actor"));
  if (const JsonValue* object = Member(statement, "object")) {
    std::string_view type = StringMember(*object, "objectType");
    if (type == "Agent" || type == "Group") add(object);
  }
  return out;
}

void MergePerson(JsonValue& person, const JsonValue& agent, JsonAllocator& alloc) {
  if (!person.IsObject()) {
    person.SetObject();
    person.AddMember("objectType", "Person", alloc);
  }
  // Appends `value` to the array `name` unless an equal value is there.
  auto add_unique = [&](const char* name, const JsonValue& value) {
    auto it = person.FindMember(name);
    if (it == person.MemberEnd()) {
      person.AddMember(JsonValue(name, alloc), JsonValue(rapidjson::kArrayType), alloc);
      it = person.FindMember(name);
    }
    if (!it->value.IsArray()) it->value.SetArray();
    for (const auto& existing : it->value.GetArray()) {
      if (existing == value) return;
    }
    it->value.PushBack(JsonValue(value, alloc), alloc);
  };
  for (const char* field : {"name", "mbox", "mbox_sha1sum", "openid", "account"}) {
    if (const JsonValue* v = Member(agent, field); v && (v->IsString() || v->IsObject())) add_unique(field, *v);
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendPathKey(std::string& path, std::string_view key) {
  bool identifier = !key.empty();
  for (std::size_t i = 0; i < key.size() && identifier; ++i) {
    const char c = key[i];
    identifier = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
  }
  if (identifier) {
    if (!path.empty()) path += '.';
    path += key;
  } else {
    path += '[';
    AppendJsonString(path, key);
    path += ']';
  }
}

std::string ToJson(const JsonValue& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace lrsd::xapi
