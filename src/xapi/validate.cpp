// Statement validation (include/lrsd/xapi.h, "Validation").
//
// Two layers, run object by object:
//  1. Structure: every JSON object of a statement is validated against a named definition of
//     schemas/<version>/statement.json (types, required and allowed keys, enumerations, nulls)
//     with RapidJSON's SchemaValidator. Properties whose definition depends on objectType
//     (actor, object, authority, context.instructor, single-object contextActivities; marked
//     "x-dispatch" in the schema) are plain {"type":"object"} there: the code below reads
//     objectType, picks the definition ("agent", "group", "activity", "subStatement",
//     "statementRef") and validates that value separately. A draft-04 oneOf would do the same
//     job, but RapidJSON evaluates every branch with its own sub-validator and reports only
//     "oneOf" at the parent, so the error could not name the offending value or rule.
//  2. Rules a draft-04 schema cannot express cheaply, in code: value formats (IRI, mailto,
//     UUID, timestamp, duration, language tags as map keys, media type, hashes), exactly one
//     inverse functional identifier, score relations, interaction components, revision and
//     platform vs object type, sub-statement restrictions, voiding, authority groups.
//
// Errors carry the dotted path from the caller's prefix, the requirement id (schema errors take
// the "x-rule" of the nearest schema node on the failing path, see SchemaFailure) and a message.
//
// Cost: the compiled SchemaDocuments are built once by LoadSchemas; each thread keeps one reused
// SchemaValidator per definition, and the code layer allocates nothing unless it reports an
// error (paths are kept as a stack of references and rendered only then).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lrsd/xapi.h"

namespace lrsd::xapi {

// Generated from schemas/ by src/xapi/embed_schemas.cmake.
extern const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[];
extern const std::size_t kEmbeddedSchemaCount;

namespace {

using rapidjson::SizeType;

// ---- Loaded schemas -----------------------------------------------------------------------------

// The definitions the code validates values against.
enum Def : int {
  kStatementDef,
  kSubStatementDef,
  kAgentDef,
  kGroupDef,
  kActivityDef,
  kStatementRefDef,
  kDefCount
};
constexpr std::array<const char*, kDefCount> kDefNames = {"statement", "subStatement", "agent",
                                                          "group",     "activity",     "statementRef"};
constexpr std::array<const char*, 2> kVersionDirs = {"1.0", "2.0"};

int VersionIndex(Version v) { return v == Version::k2_0 ? 1 : 0; }

struct VersionSchemas {
  std::string file;                                  // "2.0/statement.json"
  rapidjson::Document source;                        // the file as written
  std::array<rapidjson::Document, kDefCount> roots;  // {"$ref":"#/definitions/<def>", "definitions":…}
  std::array<std::unique_ptr<rapidjson::SchemaDocument>, kDefCount> compiled;
};

struct Schemas {
  std::array<VersionSchemas, 2> versions;
};

// Every set ever loaded stays alive: thread-local validators may still point into an older one.
std::mutex g_load_mutex;
std::vector<std::unique_ptr<Schemas>>& LoadedSets() {
  static std::vector<std::unique_ptr<Schemas>> sets;
  return sets;
}
std::atomic<const Schemas*> g_current{nullptr};

// Each "$ref" of the file must resolve inside it (RapidJSON silently treats a dangling one as
// "accept anything").
bool FindDanglingRef(const rapidjson::Value& node, const rapidjson::Document& doc, std::string& bad) {
  if (node.IsObject()) {
    for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
      if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == "$ref") {
        if (!it->value.IsString() || it->value.GetStringLength() == 0 || it->value.GetString()[0] != '#') {
          bad = it->value.IsString() ? it->value.GetString() : "(not a string)";
          return true;
        }
        rapidjson::Pointer p(it->value.GetString() + 1, it->value.GetStringLength() - 1);
        if (!p.IsValid() || p.Get(doc) == nullptr) {
          bad = it->value.GetString();
          return true;
        }
      } else if (FindDanglingRef(it->value, doc, bad)) {
        return true;
      }
    }
  } else if (node.IsArray()) {
    for (const auto& v : node.GetArray())
      if (FindDanglingRef(v, doc, bad)) return true;
  }
  return false;
}

Status CompileVersion(VersionSchemas& vs, std::string_view text) {
  vs.source.Parse(text.data(), text.size());
  if (vs.source.HasParseError()) {
    return Error::Internal("schema " + vs.file + ": JSON parse error at offset " +
                           std::to_string(vs.source.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(vs.source.GetParseError()));
  }
  if (!vs.source.IsObject() || !vs.source.HasMember("definitions") || !vs.source["definitions"].IsObject())
    return Error::Internal("schema " + vs.file + ": no \"definitions\" object");
  std::string bad;
  if (FindDanglingRef(vs.source, vs.source, bad))
    return Error::Internal("schema " + vs.file + ": unresolvable $ref \"" + bad + "\"");
  const rapidjson::Value& defs = vs.source["definitions"];
  for (int d = 0; d < kDefCount; ++d) {
    if (!defs.HasMember(kDefNames[d]) || !defs[kDefNames[d]].IsObject())
      return Error::Internal("schema " + vs.file + ": missing definition \"" + kDefNames[d] + "\"");
    rapidjson::Document& root = vs.roots[d];
    auto& alloc = root.GetAllocator();
    root.SetObject();
    std::string ref = std::string("#/definitions/") + kDefNames[d];
    root.AddMember("$ref", rapidjson::Value(ref.c_str(), static_cast<SizeType>(ref.size()), alloc), alloc);
    root.AddMember("definitions", rapidjson::Value(defs, alloc), alloc);
    vs.compiled[d] = std::make_unique<rapidjson::SchemaDocument>(root);
  }
  return OkStatus();
}

Result<std::string> ReadSchemaFile(const std::string& dir, const std::string& rel) {
  if (dir.empty()) {
    for (std::size_t i = 0; i < kEmbeddedSchemaCount; ++i)
      if (kEmbeddedSchemas[i].first == rel) return std::string(kEmbeddedSchemas[i].second);
    return Error::Internal("schema " + rel + ": not embedded in this binary");
  }
  std::string path = dir + "/" + rel;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Internal("schema " + path + ": cannot be read");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::once_flag g_default_once;

const Schemas* CurrentSchemas() {
  const Schemas* s = g_current.load(std::memory_order_acquire);
  if (s != nullptr) return s;
  // Not loaded explicitly: fall back to the compiled-in schemas (once).
  std::call_once(g_default_once, [] { LoadSchemas("").IgnoreError(); });
  return g_current.load(std::memory_order_acquire);
}

// One reusable validator per (version, definition) and thread.
struct ValidatorCache {
  const Schemas* owner = nullptr;
  std::array<std::unique_ptr<rapidjson::SchemaValidator>, 2 * kDefCount> validators;

  rapidjson::SchemaValidator& Get(const Schemas& s, int vi, Def d) {
    if (owner != &s) {
      for (auto& v : validators) v.reset();
      owner = &s;
    }
    auto& slot = validators[static_cast<std::size_t>(vi * kDefCount + d)];
    if (!slot)
      slot =
          std::make_unique<rapidjson::SchemaValidator>(*s.versions[static_cast<std::size_t>(vi)].compiled[d]);
    return *slot;
  }
};
thread_local ValidatorCache t_validators;

// Forwards SAX events to the schema validator, refusing to go deeper than kMaxJsonDepth:
// GenericValue::Accept recurses once per level, so an extension value nested a million levels
// deep would otherwise exhaust the stack. Statements themselves never nest beyond ~12 levels.
constexpr int kMaxJsonDepth = 128;

struct DepthGuard {
  rapidjson::SchemaValidator& v;
  int depth = 0;
  bool too_deep = false;

  bool Null() { return v.Null(); }
  bool Bool(bool b) { return v.Bool(b); }
  bool Int(int i) { return v.Int(i); }
  bool Uint(unsigned u) { return v.Uint(u); }
  bool Int64(std::int64_t i) { return v.Int64(i); }
  bool Uint64(std::uint64_t u) { return v.Uint64(u); }
  bool Double(double d) { return v.Double(d); }
  bool RawNumber(const char* s, SizeType n, bool copy) { return v.RawNumber(s, n, copy); }
  bool String(const char* s, SizeType n, bool copy) { return v.String(s, n, copy); }
  bool Key(const char* s, SizeType n, bool copy) { return v.Key(s, n, copy); }
  bool StartObject() { return Enter() && v.StartObject(); }
  bool EndObject(SizeType n) {
    --depth;
    return v.EndObject(n);
  }
  bool StartArray() { return Enter() && v.StartArray(); }
  bool EndArray(SizeType n) {
    --depth;
    return v.EndArray(n);
  }

 private:
  bool Enter() {
    if (++depth <= kMaxJsonDepth) return true;
    too_deep = true;
    return false;
  }
};

// ---- Small JSON helpers -------------------------------------------------------------------------

std::string_view Sv(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

const rapidjson::Value* Member(const rapidjson::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

const rapidjson::Value* StringMember(const rapidjson::Value& obj, std::string_view key) {
  const rapidjson::Value* v = Member(obj, key);
  return v != nullptr && v->IsString() ? v : nullptr;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  return true;
}

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";
constexpr std::array<std::string_view, 4> kIfis = {"mbox", "mbox_sha1sum", "openid", "account"};
constexpr std::array<std::string_view, 6> kInteractionLists = {
    "correctResponsesPattern", "choices", "scale", "source", "target", "steps"};

// ---- The checker --------------------------------------------------------------------------------

class Checker {
 public:
  Checker(const Schemas& schemas, Version v, std::string_view prefix)
      : schemas_(schemas),
        vs_(schemas.versions[static_cast<std::size_t>(VersionIndex(v))]),
        vi_(VersionIndex(v)),
        version_(v),
        prefix_(prefix) {}

  Status Finish(bool ok) {
    if (ok) return OkStatus();
    return std::move(*error_);
  }

  // A top-level statement.
  bool Statement(const rapidjson::Value& st) { return StatementBody(st, /*sub=*/false); }

  // The agent= parameter: an Agent, or a Group with exactly one IFI.
  bool AgentParameter(const rapidjson::Value& a) {
    if (!a.IsObject()) return Fail("XAPI-00012", "must be an Agent or identified Group JSON object");
    bool is_group = false;
    if (!ActorKind(a, "XAPI-00012", is_group)) return false;
    if (!is_group) return Schema(kAgentDef, a) && AgentBody(a, "XAPI-00034");
    if (!Schema(kGroupDef, a)) return false;
    if (CountIfis(a) != 1)
      return Fail("XAPI-00037",
                  "must be an identified Group (exactly one of mbox, mbox_sha1sum, openid, account)");
    return GroupBody(a);
  }

 private:
  // Path segments reference the document being validated (keys) or hold an index.
  struct Seg {
    const char* key;
    std::uint32_t len;
    std::int64_t index;  // >= 0: array index
  };
  static constexpr std::size_t kMaxDepth = 64;

  class Scope {
   public:
    Scope(Checker& c, std::string_view key) : c_(c) {
      c_.PushSeg(Seg{key.data(), static_cast<std::uint32_t>(key.size()), -1});
    }
    Scope(Checker& c, std::size_t index) : c_(c) {
      c_.PushSeg(Seg{nullptr, 0, static_cast<std::int64_t>(index)});
    }
    ~Scope() { --c_.depth_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Checker& c_;
  };

  void PushSeg(Seg s) {
    if (depth_ < kMaxDepth) segs_[depth_] = s;
    ++depth_;
  }

  std::string RenderPath() const {
    std::string out(prefix_);
    for (std::size_t i = 0; i < depth_ && i < kMaxDepth; ++i) {
      const Seg& s = segs_[i];
      if (s.index >= 0) {
        out += '[';
        out += std::to_string(s.index);
        out += ']';
      } else {
        AppendPathKey(out, std::string_view(s.key, s.len));
      }
    }
    return out;
  }

  bool Fail(std::string_view rule, std::string message) {
    error_ = Error::BadRequest(RenderPath(), std::string(rule), std::move(message));
    return false;
  }
  bool FailAt(std::string_view key, std::string_view rule, std::string message) {
    Scope s(*this, key);
    return Fail(rule, std::move(message));
  }

  // ---- Schema layer ----

  // `context_rule` is the rule of the place the value sits in, used when the schema path below
  // it names none (e.g. an Activity given as a single contextActivities value).
  bool Schema(Def d, const rapidjson::Value& v, std::string_view context_rule = {}) {
    rapidjson::SchemaValidator& validator = t_validators.Get(schemas_, vi_, d);
    validator.Reset();
    DepthGuard guard{validator};
    v.Accept(guard);
    if (guard.too_deep)
      return Fail("depth", "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (validator.IsValid()) return true;
    return SchemaFailure(d, v, validator, context_rule);
  }

  const rapidjson::Value* Resolve(const rapidjson::Value* node) const {
    for (int hops = 0; node != nullptr && node->IsObject() && hops < 16; ++hops) {
      const rapidjson::Value* ref = StringMember(*node, "$ref");
      if (ref == nullptr || ref->GetStringLength() == 0 || ref->GetString()[0] != '#') break;
      rapidjson::Pointer p(ref->GetString() + 1, ref->GetStringLength() - 1);
      node = p.IsValid() ? p.Get(vs_.source) : nullptr;
    }
    return node;
  }

  static std::string_view XRule(const rapidjson::Value* node) {
    if (node == nullptr || !node->IsObject()) return {};
    const rapidjson::Value* r = StringMember(*node, "x-rule");
    return r != nullptr ? Sv(*r) : std::string_view{};
  }

  // The rule of a schema node reached through a property (or items) node: the property's own
  // x-rule, else that of the definition it refers to.
  std::string_view RuleOf(const rapidjson::Value* prop, const rapidjson::Value** resolved) const {
    std::string_view r = XRule(prop);
    const rapidjson::Value* target = Resolve(prop);
    if (r.empty()) r = XRule(target);
    if (resolved != nullptr) *resolved = target;
    return r;
  }

  static std::string DescribeTypes(const rapidjson::Value* schema) {
    const rapidjson::Value* t = schema != nullptr ? Member(*schema, "type") : nullptr;
    auto one = [](std::string_view name) -> std::string {
      const bool vowel = name == "object" || name == "array" || name == "integer";
      return (vowel ? "an " : "a ") + std::string(name);
    };
    if (t == nullptr) return "a different type";
    if (t->IsString()) return one(Sv(*t));
    std::string out;
    if (t->IsArray()) {
      for (SizeType i = 0; i < t->Size(); ++i) {
        if (!(*t)[i].IsString()) continue;
        if (!out.empty()) out += " or ";
        out += one(Sv((*t)[i]));
      }
    }
    return out.empty() ? "a different type" : out;
  }

  // Turns the validator's failure into an Error: path from the document pointer, rule from the
  // "x-rule" annotations met while following that pointer through the schema.
  bool SchemaFailure(Def d, const rapidjson::Value& root, const rapidjson::SchemaValidator& validator,
                     std::string_view context_rule) {
    const std::string_view keyword = validator.GetInvalidSchemaKeyword();
    const rapidjson::Pointer schema_ptr = validator.GetInvalidSchemaPointer();
    const rapidjson::Value* failing = schema_ptr.Get(vs_.source);
    const rapidjson::Pointer& doc_ptr = validator.GetInvalidDocumentPointer();

    const rapidjson::Value* value = &root;
    const rapidjson::Value* schema = Resolve(Member(vs_.source["definitions"], kDefNames[d]));
    std::string_view rule_here = XRule(schema);
    std::string_view last_rule = rule_here.empty() ? context_rule : rule_here;
    const rapidjson::Value* parent_schema = nullptr;
    // Extend the path along the document pointer; the error is final, so no need to pop.
    for (std::size_t i = 0; i < doc_ptr.GetTokenCount(); ++i) {
      const auto& tok = doc_ptr.GetTokens()[i];
      const rapidjson::Value* child_schema = nullptr;
      parent_schema = schema;
      if (value != nullptr && value->IsArray() && tok.index != rapidjson::kPointerInvalidIndex) {
        PushSeg(Seg{nullptr, 0, static_cast<std::int64_t>(tok.index)});
        value = tok.index < value->Size() ? &(*value)[static_cast<SizeType>(tok.index)] : nullptr;
        if (schema != nullptr) child_schema = Member(*schema, "items");
      } else {
        std::string_view name(tok.name, tok.length);
        PushSeg(Seg{tok.name, static_cast<std::uint32_t>(tok.length), -1});
        value = value != nullptr ? Member(*value, name) : nullptr;
        if (schema != nullptr) {
          const rapidjson::Value* props = Member(*schema, "properties");
          child_schema = props != nullptr ? Member(*props, name) : nullptr;
          if (child_schema == nullptr) {
            const rapidjson::Value* extra = Member(*schema, "additionalProperties");
            if (extra != nullptr && extra->IsObject()) child_schema = extra;
          }
        }
      }
      rule_here = child_schema != nullptr ? RuleOf(child_schema, &schema) : std::string_view{};
      if (child_schema == nullptr) schema = nullptr;
      if (!rule_here.empty()) last_rule = rule_here;
    }

    if (keyword == "required") {
      // The failing schema is the object's; name the first missing property.
      const rapidjson::Value* required = failing != nullptr ? Member(*failing, "required") : nullptr;
      if (required != nullptr && required->IsArray() && value != nullptr) {
        for (const auto& name : required->GetArray()) {
          if (!name.IsString() || Member(*value, Sv(name)) != nullptr) continue;
          const rapidjson::Value* props = Member(*failing, "properties");
          std::string_view rule = RuleOf(props != nullptr ? Member(*props, Sv(name)) : nullptr, nullptr);
          if (rule.empty()) rule = last_rule.empty() ? std::string_view("required") : last_rule;
          return FailAt(Sv(name), rule, "is required");
        }
      }
      return Fail(last_rule.empty() ? std::string_view("required") : last_rule,
                  "a required property is missing");
    }
    if (keyword == "additionalProperties") {
      // The document pointer ends at the unknown key; the failing schema is its object's.
      std::string_view key = doc_ptr.GetTokenCount() > 0
                                 ? std::string_view(doc_ptr.GetTokens()[doc_ptr.GetTokenCount() - 1].name,
                                                    doc_ptr.GetTokens()[doc_ptr.GetTokenCount() - 1].length)
                                 : std::string_view{};
      const rapidjson::Value* object_schema = failing != nullptr ? failing : parent_schema;
      const rapidjson::Value* props =
          object_schema != nullptr ? Member(*object_schema, "properties") : nullptr;
      if (props != nullptr && props->IsObject()) {
        for (auto it = props->MemberBegin(); it != props->MemberEnd(); ++it) {
          if (SameIgnoringCase(Sv(it->name), key))
            return Fail("XAPI-00008", "is not allowed: keys are case-sensitive, expected \"" +
                                          std::string(Sv(it->name)) + "\"");
        }
      }
      return Fail("XAPI-00010", "is not allowed here");
    }
    if (keyword == "type") {
      if (value != nullptr && value->IsNull()) return Fail("XAPI-00001", "must not be null");
      std::string_view rule = !rule_here.empty() ? rule_here : !last_rule.empty() ? last_rule : "XAPI-00006";
      return Fail(rule, "must be " + DescribeTypes(failing));
    }
    if (keyword == "enum") {
      const rapidjson::Value* values = failing != nullptr ? Member(*failing, "enum") : nullptr;
      std::string list;
      if (values != nullptr && values->IsArray()) {
        for (const auto& e : values->GetArray()) {
          if (!e.IsString()) continue;
          if (value != nullptr && value->IsString() && SameIgnoringCase(Sv(*value), Sv(e)))
            return Fail("XAPI-00009",
                        "must be exactly \"" + std::string(Sv(e)) + "\" (values are case-sensitive)");
          if (!list.empty()) list += ", ";
          AppendJsonString(list, Sv(e));
        }
      }
      if (value != nullptr && value->IsNull()) return Fail("XAPI-00001", "must not be null");
      std::string_view rule = !rule_here.empty()   ? rule_here
                              : !last_rule.empty() ? last_rule
                                                   : std::string_view("XAPI-00009");
      return Fail(rule, "must be one of " + list);
    }
    std::string_view rule = !rule_here.empty() ? rule_here : !last_rule.empty() ? last_rule : keyword;
    const rapidjson::Value* limit = failing != nullptr ? Member(*failing, keyword) : nullptr;
    std::string bound =
        limit != nullptr && limit->IsNumber()
            ? (limit->IsInt64() ? std::to_string(limit->GetInt64()) : std::to_string(limit->GetDouble()))
            : std::string();
    if (keyword == "minimum") return Fail(rule, "must be at least " + bound);
    if (keyword == "maximum") return Fail(rule, "must be at most " + bound);
    if (keyword == "minItems")
      return Fail(rule, bound == "1" ? "must not be empty" : "must have at least " + bound + " items");
    if (keyword == "maxItems") return Fail(rule, "must have at most " + bound + " items");
    return Fail(rule, "does not satisfy the schema (" + std::string(keyword) + ")");
  }

  // ---- Code layer ----

  // Reads objectType of an Agent/Group position. `bad_rule` is reported for other values.
  bool ActorKind(const rapidjson::Value& a, std::string_view bad_rule, bool& is_group) {
    is_group = false;
    const rapidjson::Value* ot = Member(a, "objectType");
    if (ot == nullptr) return true;
    if (ot->IsNull()) return FailAt("objectType", "XAPI-00001", "must not be null");
    if (!ot->IsString()) return FailAt("objectType", "XAPI-00032", "must be a string");
    std::string_view t = Sv(*ot);
    if (t == "Agent") return true;
    if (t == "Group") {
      is_group = true;
      return true;
    }
    if (SameIgnoringCase(t, "Agent") || SameIgnoringCase(t, "Group"))
      return FailAt("objectType", "XAPI-00009",
                    "must be exactly \"Agent\" or \"Group\" (values are case-sensitive)");
    return FailAt("objectType", bad_rule, "must be \"Agent\" or \"Group\"");
  }

  // actor, context.instructor, sub-statement actor.
  bool Actor(const rapidjson::Value& a, std::string_view bad_rule) {
    bool is_group = false;
    if (!ActorKind(a, bad_rule, is_group)) return false;
    if (is_group) return Schema(kGroupDef, a) && GroupBody(a);
    return Schema(kAgentDef, a) && AgentBody(a, "XAPI-00034");
  }

  static int CountIfis(const rapidjson::Value& a) {
    int n = 0;
    for (std::string_view k : kIfis)
      if (Member(a, k) != nullptr) ++n;
    return n;
  }

  // Formats of whichever IFIs are present (types already checked by the schema).
  bool IfiFormats(const rapidjson::Value& a) {
    if (const rapidjson::Value* v = StringMember(a, "mbox"); v != nullptr && !IsMailtoIri(Sv(*v)))
      return FailAt("mbox", "XAPI-00038", "must be a mailto IRI");
    if (const rapidjson::Value* v = StringMember(a, "mbox_sha1sum"); v != nullptr && !IsSha1Hex(Sv(*v)))
      return FailAt("mbox_sha1sum", "XAPI-00039", "must be a hex-encoded SHA-1 hash (40 hex digits)");
    if (const rapidjson::Value* v = StringMember(a, "openid"); v != nullptr && !IsIri(Sv(*v)))
      return FailAt("openid", "XAPI-00040", "must be a URI");
    if (const rapidjson::Value* acc = Member(a, "account"); acc != nullptr) {
      if (const rapidjson::Value* hp = StringMember(*acc, "homePage"); hp != nullptr && !IsIrl(Sv(*hp))) {
        Scope s(*this, "account");
        return FailAt("homePage", "XAPI-00042", "must be an IRL");
      }
    }
    return true;
  }

  // An Agent already validated against the "agent" definition.
  bool AgentBody(const rapidjson::Value& a, std::string_view ifi_rule) {
    const int n = CountIfis(a);
    if (n != 1)
      return Fail(ifi_rule, n == 0 ? "an Agent needs one of mbox, mbox_sha1sum, openid, account"
                                   : "an Agent must use exactly one of mbox, mbox_sha1sum, openid, account");
    return IfiFormats(a);
  }

  // A Group already validated against the "group" definition (members included).
  bool GroupBody(const rapidjson::Value& g) {
    const int n = CountIfis(g);
    if (n > 1)
      return Fail("XAPI-00037", "a Group must use at most one of mbox, mbox_sha1sum, openid, account");
    const rapidjson::Value* members = Member(g, "member");
    if (n == 0 && members == nullptr)
      return FailAt("member", "XAPI-00035", "is required for an anonymous Group");
    if (!IfiFormats(g)) return false;
    if (members != nullptr) {
      Scope s(*this, "member");
      for (SizeType i = 0; i < members->Size(); ++i) {
        Scope si(*this, i);
        if (!AgentBody((*members)[i], "XAPI-00036")) return false;
      }
    }
    return true;
  }

  bool Authority(const rapidjson::Value& a) {
    bool is_group = false;
    if (!ActorKind(a, "XAPI-00024", is_group)) return false;
    if (!is_group) return Schema(kAgentDef, a) && AgentBody(a, "XAPI-00034");
    if (!Schema(kGroupDef, a)) return false;
    // Only 3-legged OAuth puts a Group here: an anonymous Group of the consumer and the user.
    if (CountIfis(a) != 0)
      return Fail("XAPI-00098", "an authority Group must be anonymous (OAuth consumer and user)");
    const rapidjson::Value* members = Member(a, "member");
    if (members == nullptr || members->Size() != 2)
      return FailAt("member", "XAPI-00098", "an authority Group must have exactly two Agents");
    return GroupBody(a);
  }

  bool LanguageMapKeys(const rapidjson::Value& map) {
    for (auto it = map.MemberBegin(); it != map.MemberEnd(); ++it) {
      if (!IsLanguageTag(Sv(it->name)))
        return FailAt(Sv(it->name), "XAPI-00013", "is not an RFC 5646 language tag");
    }
    return true;
  }
  bool LanguageMapAt(const rapidjson::Value& obj, std::string_view key) {
    const rapidjson::Value* m = Member(obj, key);
    if (m == nullptr) return true;
    Scope s(*this, key);
    return LanguageMapKeys(*m);
  }

  bool ExtensionsAt(const rapidjson::Value& obj) {
    const rapidjson::Value* ext = Member(obj, "extensions");
    if (ext == nullptr) return true;
    Scope s(*this, "extensions");
    for (auto it = ext->MemberBegin(); it != ext->MemberEnd(); ++it) {
      if (!IsIri(Sv(it->name))) return FailAt(Sv(it->name), "XAPI-00118", "extension keys must be IRIs");
    }
    return true;
  }

  bool IriAt(const rapidjson::Value& obj, std::string_view key, std::string_view rule,
             const char* what = "must be an IRI") {
    const rapidjson::Value* v = StringMember(obj, key);
    if (v != nullptr && !IsIri(Sv(*v))) return FailAt(key, rule, what);
    return true;
  }

  bool UuidAt(const rapidjson::Value& obj, std::string_view key, std::string_view rule) {
    const rapidjson::Value* v = StringMember(obj, key);
    if (v != nullptr && !IsUuid(Sv(*v))) return FailAt(key, rule, "must be a UUID (8-4-4-4-12 hex digits)");
    return true;
  }

  bool TimestampAt(const rapidjson::Value& obj, std::string_view key, std::string_view rule) {
    const rapidjson::Value* v = StringMember(obj, key);
    if (v != nullptr && !ParseTimestamp(Sv(*v), version_).has_value())
      return FailAt(
          key, rule,
          version_ == Version::k2_0 ? "must be an RFC 3339 timestamp" : "must be an ISO 8601 timestamp");
    return true;
  }

  bool Verb(const rapidjson::Value& verb) {
    return IriAt(verb, "id", "XAPI-00044") && LanguageMapAt(verb, "display");
  }

  // An Activity already validated against the "activity" definition.
  bool ActivityBody(const rapidjson::Value& a) {
    if (!IriAt(a, "id", "XAPI-00047")) return false;
    const rapidjson::Value* def = Member(a, "definition");
    if (def == nullptr) return true;
    Scope s(*this, "definition");
    if (!LanguageMapAt(*def, "name") || !LanguageMapAt(*def, "description")) return false;
    if (!IriAt(*def, "type", "XAPI-00060")) return false;
    if (!IriAt(*def, "moreInfo", "XAPI-00061", "must be an IRL")) return false;
    if (!ExtensionsAt(*def)) return false;
    const bool has_type = Member(*def, "interactionType") != nullptr;
    for (std::size_t l = 0; l < kInteractionLists.size(); ++l) {
      const rapidjson::Value* list = Member(*def, kInteractionLists[l]);
      if (list == nullptr) continue;
      if (!has_type)
        return FailAt("interactionType", "XAPI-00064",
                      "is required when " + std::string(kInteractionLists[l]) + " is used");
      if (l == 0) continue;  // correctResponsesPattern: strings, checked by the schema
      Scope sl(*this, kInteractionLists[l]);
      if (!DistinctComponentIds(*list)) return false;
      for (SizeType i = 0; i < list->Size(); ++i) {
        Scope si(*this, i);
        if (!LanguageMapAt((*list)[i], "description")) return false;
      }
    }
    return true;
  }

  // "Within an array of interaction components, all id values MUST be distinct" (Data 2.4.4.1).
  // Quadratic for the usual handful of components, a hash set beyond that.
  bool DistinctComponentIds(const rapidjson::Value& list) {
    const SizeType n = list.Size();
    auto duplicate_at = [&](SizeType i) {
      Scope si(*this, i);
      return FailAt("id", "interaction-component-id", "must be distinct within the list");
    };
    if (n <= 16) {
      for (SizeType i = 1; i < n; ++i)
        for (SizeType j = 0; j < i; ++j)
          if (Sv(list[j]["id"]) == Sv(list[i]["id"])) return duplicate_at(i);
      return true;
    }
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (SizeType i = 0; i < n; ++i)
      if (!seen.insert(Sv(list[i]["id"])).second) return duplicate_at(i);
    return true;
  }

  bool Activity(const rapidjson::Value& a) { return Schema(kActivityDef, a) && ActivityBody(a); }

  bool StatementRef(const rapidjson::Value& r, std::string_view rule) {
    return Schema(kStatementRefDef, r) && UuidAt(r, "id", rule);
  }

  bool Object(const rapidjson::Value& o, bool in_sub) {
    const rapidjson::Value* ot = Member(o, "objectType");
    if (ot == nullptr) {
      for (std::string_view k : {"mbox", "mbox_sha1sum", "openid", "account", "member"}) {
        if (Member(o, k) != nullptr)
          return FailAt("objectType", "XAPI-00065", "is required when the object is an Agent or Group");
      }
      return Activity(o);
    }
    if (ot->IsNull()) return FailAt("objectType", "XAPI-00001", "must not be null");
    if (!ot->IsString()) return FailAt("objectType", "XAPI-00032", "must be a string");
    const std::string_view t = Sv(*ot);
    if (t == "Activity") return Activity(o);
    if (t == "Agent") return Schema(kAgentDef, o) && AgentBody(o, "XAPI-00034");
    if (t == "Group") return Schema(kGroupDef, o) && GroupBody(o);
    if (t == "StatementRef") return StatementRef(o, "XAPI-00072");
    if (t == "SubStatement") {
      if (in_sub) return FailAt("objectType", "XAPI-00071", "a SubStatement cannot contain a SubStatement");
      return StatementBody(o, /*sub=*/true);
    }
    for (std::string_view known : {"Activity", "Agent", "Group", "StatementRef", "SubStatement"}) {
      if (SameIgnoringCase(t, known))
        return FailAt("objectType", "XAPI-00009",
                      "must be exactly \"" + std::string(known) + "\" (values are case-sensitive)");
    }
    return FailAt("objectType", "XAPI-00046", "must be Activity, Agent, Group, SubStatement or StatementRef");
  }

  bool ResultBody(const rapidjson::Value& r) {
    if (const rapidjson::Value* score = Member(r, "score")) {
      Scope s(*this, "score");
      const rapidjson::Value* min = Member(*score, "min");
      const rapidjson::Value* max = Member(*score, "max");
      const rapidjson::Value* raw = Member(*score, "raw");
      if (min != nullptr && max != nullptr && !(min->GetDouble() < max->GetDouble()))
        return FailAt("min", "XAPI-00081", "must be less than max");
      if (raw != nullptr && min != nullptr && raw->GetDouble() < min->GetDouble())
        return FailAt("raw", "XAPI-00082", "must not be less than min");
      if (raw != nullptr && max != nullptr && raw->GetDouble() > max->GetDouble())
        return FailAt("raw", "XAPI-00082", "must not be greater than max");
    }
    if (const rapidjson::Value* d = StringMember(r, "duration"); d != nullptr && !IsValidDuration(Sv(*d)))
      return FailAt("duration", "XAPI-00077", "must be an ISO 8601 duration (e.g. PT1H30M0.5S)");
    return ExtensionsAt(r);
  }

  bool ContextActivity(const rapidjson::Value& list) {
    if (list.IsObject())
      return Schema(kActivityDef, list, "XAPI-00094") && ActivityBody(list);  // single (0.95)
    for (SizeType i = 0; i < list.Size(); ++i) {
      Scope si(*this, i);
      if (!ActivityBody(list[i])) return false;  // array items: schema already applied
    }
    return true;
  }

  bool RelevantTypes(const rapidjson::Value& holder, std::string_view rule) {
    const rapidjson::Value* types = Member(holder, "relevantTypes");
    if (types == nullptr) return true;
    Scope s(*this, "relevantTypes");
    for (SizeType i = 0; i < types->Size(); ++i) {
      if (!IsIri(Sv((*types)[i]))) {
        Scope si(*this, i);
        return Fail(rule, "must be an IRI");
      }
    }
    return true;
  }

  bool Context(const rapidjson::Value& c, bool object_is_activity) {
    if (!UuidAt(c, "registration", "XAPI-00087")) return false;
    if (const rapidjson::Value* instructor = Member(c, "instructor")) {
      Scope s(*this, "instructor");
      if (!Actor(*instructor, "XAPI-00087")) return false;
    }
    if (const rapidjson::Value* team = Member(c, "team")) {
      Scope s(*this, "team");
      if (!GroupBody(*team)) return false;
    }
    if (const rapidjson::Value* ca = Member(c, "contextActivities")) {
      Scope s(*this, "contextActivities");
      for (auto it = ca->MemberBegin(); it != ca->MemberEnd(); ++it) {
        Scope sk(*this, Sv(it->name));
        if (!ContextActivity(it->value)) return false;
      }
    }
    if (!object_is_activity) {
      if (Member(c, "revision") != nullptr)
        return FailAt("revision", "XAPI-00084", "is only allowed when the object is an Activity");
      if (Member(c, "platform") != nullptr)
        return FailAt("platform", "XAPI-00085", "is only allowed when the object is an Activity");
    }
    if (const rapidjson::Value* lang = StringMember(c, "language");
        lang != nullptr && !IsLanguageTag(Sv(*lang)))
      return FailAt("language", "XAPI-00013", "must be an RFC 5646 language tag");
    if (const rapidjson::Value* ref = Member(c, "statement")) {
      Scope s(*this, "statement");
      if (!UuidAt(*ref, "id", "XAPI-00092")) return false;
    }
    if (!ExtensionsAt(c)) return false;
    if (const rapidjson::Value* agents = Member(c, "contextAgents")) {  // 2.0 (schema-gated)
      Scope s(*this, "contextAgents");
      for (SizeType i = 0; i < agents->Size(); ++i) {
        Scope si(*this, i);
        const rapidjson::Value& ca = (*agents)[i];
        {
          Scope sa(*this, "agent");
          if (!AgentBody(ca["agent"], "XAPI-00034")) return false;
        }
        if (!RelevantTypes(ca, "contextAgent")) return false;
      }
    }
    if (const rapidjson::Value* groups = Member(c, "contextGroups")) {
      Scope s(*this, "contextGroups");
      for (SizeType i = 0; i < groups->Size(); ++i) {
        Scope si(*this, i);
        const rapidjson::Value& cg = (*groups)[i];
        {
          Scope sg(*this, "group");
          if (!GroupBody(cg["group"])) return false;
        }
        if (!RelevantTypes(cg, "contextGroup")) return false;
      }
    }
    return true;
  }

  bool Attachment(const rapidjson::Value& a) {
    if (!IriAt(a, "usageType", "XAPI-00107")) return false;
    if (!LanguageMapAt(a, "display") || !LanguageMapAt(a, "description")) return false;
    if (const rapidjson::Value* ct = StringMember(a, "contentType"); ct != nullptr && !IsMediaType(Sv(*ct)))
      return FailAt("contentType", "XAPI-00105", "must be an Internet media type");
    if (const rapidjson::Value* sha = StringMember(a, "sha2"); sha != nullptr && !IsSha2Hex(Sv(*sha)))
      return FailAt("sha2", "XAPI-00103", "must be a hex-encoded SHA-2 hash");
    return IriAt(a, "fileUrl", "XAPI-00104", "must be an IRL");
  }

  bool VersionProperty(const rapidjson::Value& st) {
    const rapidjson::Value* v = StringMember(st, "version");
    if (v == nullptr) return true;
    const std::string_view s = Sv(*v);
    auto family = [&](std::string_view mm) {
      if (s.substr(0, mm.size()) != mm) return false;
      std::string_view rest = s.substr(mm.size());
      if (rest.empty()) return true;
      if (rest.size() < 2 || rest[0] != '.') return false;
      for (char c : rest.substr(1))
        if (c < '0' || c > '9') return false;
      return true;
    };
    if (family("1.0") || (version_ == Version::k2_0 && family("2.0"))) return true;
    return FailAt("version", "XAPI-00101",
                  version_ == Version::k2_0 ? "must be 1.0, 1.0.x, 2.0 or 2.0.x" : "must be 1.0 or 1.0.x");
  }

  bool StatementBody(const rapidjson::Value& st, bool sub) {
    if (sub) {
      // Reported before the schema so the rule names the restriction, not just "not allowed".
      static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kForbidden = {
          {{"id", "XAPI-00070"},
           {"stored", "XAPI-00069"},
           {"version", "XAPI-00068"},
           {"authority", "XAPI-00067"}}};
      for (const auto& [key, rule] : kForbidden)
        if (Member(st, key) != nullptr) return FailAt(key, rule, "is not allowed in a SubStatement");
    }
    if (!Schema(sub ? kSubStatementDef : kStatementDef, st)) return false;

    if (!sub && !UuidAt(st, "id", "XAPI-00027")) return false;
    {
      Scope s(*this, "actor");
      if (!Actor(st["actor"], "XAPI-00031")) return false;
    }
    const rapidjson::Value& verb = st["verb"];
    {
      Scope s(*this, "verb");
      if (!Verb(verb)) return false;
    }
    const rapidjson::Value& object = st["object"];
    {
      Scope s(*this, "object");
      if (!Object(object, sub)) return false;
    }
    if (const rapidjson::Value* r = Member(st, "result")) {
      Scope s(*this, "result");
      if (!ResultBody(*r)) return false;
    }
    if (const rapidjson::Value* c = Member(st, "context")) {
      const rapidjson::Value* ot = StringMember(object, "objectType");
      const bool object_is_activity = ot == nullptr || Sv(*ot) == "Activity";
      Scope s(*this, "context");
      if (!Context(*c, object_is_activity)) return false;
    }
    if (!TimestampAt(st, "timestamp", "XAPI-00022")) return false;
    if (const rapidjson::Value* atts = Member(st, "attachments")) {
      Scope s(*this, "attachments");
      for (SizeType i = 0; i < atts->Size(); ++i) {
        Scope si(*this, i);
        if (!Attachment((*atts)[i])) return false;
      }
    }
    if (sub) return true;

    if (!TimestampAt(st, "stored", "XAPI-00023")) return false;
    if (const rapidjson::Value* auth = Member(st, "authority")) {
      Scope s(*this, "authority");
      if (!Authority(*auth)) return false;
    }
    if (!VersionProperty(st)) return false;
    // Voiding: the verb ".../voided" needs a StatementRef object.
    if (Sv(verb["id"]) == kVoidedVerb) {
      const rapidjson::Value* ot = StringMember(object, "objectType");
      if (ot == nullptr || Sv(*ot) != "StatementRef")
        return FailAt("object", "XAPI-00017", "the object of a voiding statement must be a StatementRef");
    }
    return true;
  }

  const Schemas& schemas_;
  const VersionSchemas& vs_;
  int vi_;
  Version version_;
  std::string_view prefix_;
  std::array<Seg, kMaxDepth> segs_{};
  std::size_t depth_ = 0;
  std::optional<Error> error_;
};

}  // namespace

Status LoadSchemas(const std::string& schema_dir) {
  auto set = std::make_unique<Schemas>();
  for (std::size_t i = 0; i < kVersionDirs.size(); ++i) {
    VersionSchemas& vs = set->versions[i];
    vs.file = std::string(kVersionDirs[i]) + "/statement.json";
    Result<std::string> text = ReadSchemaFile(schema_dir, vs.file);
    if (!text.ok()) return text.error();
    if (!schema_dir.empty()) vs.file = schema_dir + "/" + vs.file;
    Status st = CompileVersion(vs, *text);
    if (!st.ok()) return st;
  }
  std::lock_guard<std::mutex> lock(g_load_mutex);
  LoadedSets().push_back(std::move(set));
  g_current.store(LoadedSets().back().get(), std::memory_order_release);
  return OkStatus();
}

Status ValidateStatement(const JsonValue& statement, Version v, std::string_view path) {
  const Schemas* schemas = CurrentSchemas();
  if (schemas == nullptr) return Error::Internal("statement schemas are not loaded");
  Checker checker(*schemas, v, path);
  return checker.Finish(checker.Statement(statement));
}

Status ValidateAgentParameter(const JsonValue& actor, Version v, std::string_view path) {
  const Schemas* schemas = CurrentSchemas();
  if (schemas == nullptr) return Error::Internal("statement schemas are not loaded");
  Checker checker(*schemas, v, path);
  return checker.Finish(checker.AgentParameter(actor));
}

}  // namespace lrsd::xapi
