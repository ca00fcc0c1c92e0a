// Configuration documents of learning profiles (include/lrsd/profile.h, "Configuration
// documents"): modality names, the people directory (JSON and CSV) and the competency framework,
// plus the shared admin-document plumbing of config_json.h (safe parsing, validation against
// schemas/admin/*.json, dotted error paths).
//
// Structure (types, required and allowed keys, bounds) is checked by the JSON Schemas embedded
// from schemas/admin/; what a schema cannot say (IFI formats, unique ids, references between
// entries) is checked here. Errors are 400s naming the offending place.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lrsd/profile.h"
#include "profile/config_json.h"
#include "profile/csv.h"

namespace lrsd::xapi {
// Generated from schemas/ by src/xapi/embed_schemas.cmake.
extern const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[];
extern const std::size_t kEmbeddedSchemaCount;
}  // namespace lrsd::xapi

namespace lrsd::profile {

// ==== Shared admin-document plumbing (config_json.h) ==========================================

namespace config_json {
namespace {

using rapidjson::SizeType;
using xapi::JsonValue;

// Rejects objects holding a key twice (RapidJSON keeps both; lookups would see the first).
// Called after the depth check, so the recursion is bounded by kMaxDepth.
Status CheckDuplicateKeys(const JsonValue& v, std::string& path) {
  if (v.IsObject()) {
    const SizeType n = v.MemberCount();
    if (n > 1) {
      std::vector<std::string_view> names;
      names.reserve(n);
      for (const auto& m : v.GetObject()) names.push_back(Sv(m.name));
      std::sort(names.begin(), names.end());
      auto dup = std::adjacent_find(names.begin(), names.end());
      if (dup != names.end()) {
        std::string where = path;
        AppendKey(where, *dup);
        return Error::BadRequest(std::move(where), "duplicate-key", "appears more than once in its object");
      }
    }
    for (const auto& m : v.GetObject()) {
      if (!m.value.IsObject() && !m.value.IsArray()) continue;
      const std::size_t len = path.size();
      AppendKey(path, Sv(m.name));
      Status st = CheckDuplicateKeys(m.value, path);
      if (!st) return st;
      path.resize(len);
    }
  } else if (v.IsArray()) {
    for (SizeType i = 0; i < v.Size(); ++i) {
      if (!v[i].IsObject() && !v[i].IsArray()) continue;
      const std::size_t len = path.size();
      AppendIndex(path, i);
      Status st = CheckDuplicateKeys(v[i], path);
      if (!st) return st;
      path.resize(len);
    }
  }
  return OkStatus();
}

// ---- Compiled schemas ----

struct CompiledSchema {
  rapidjson::Document source;  // the file, or {"$ref":"#/definitions/<def>","definitions":…}
  std::unique_ptr<rapidjson::SchemaDocument> schema;
};

std::mutex g_schemas_mutex;
std::map<std::string, std::unique_ptr<CompiledSchema>, std::less<>>& SchemaCache() {
  static std::map<std::string, std::unique_ptr<CompiledSchema>, std::less<>> cache;
  return cache;
}

// Compiled once per (file, definition); entries live for the process. A broken embedded schema
// is a build defect: reported as a 500.
Result<const CompiledSchema*> GetSchema(std::string_view file, std::string_view definition) {
  std::string key = std::string(file) + "#" + std::string(definition);
  std::lock_guard<std::mutex> lock(g_schemas_mutex);
  auto& cache = SchemaCache();
  if (auto it = cache.find(key); it != cache.end()) return it->second.get();
  std::string rel = "admin/" + std::string(file);
  std::string_view text = EmbeddedFile(rel);
  if (text.empty()) return Error::Internal("schema " + rel + ": not embedded in this binary");
  auto compiled = std::make_unique<CompiledSchema>();
  rapidjson::Document file_doc;
  file_doc.Parse(text.data(), text.size());
  if (file_doc.HasParseError() || !file_doc.IsObject())
    return Error::Internal("schema " + rel + ": not a JSON object");
  if (definition.empty()) {
    compiled->source.Swap(file_doc);
  } else {
    const JsonValue* defs = Member(file_doc, "definitions");
    if (defs == nullptr || Member(*defs, definition) == nullptr)
      return Error::Internal("schema " + rel + ": no definition \"" + std::string(definition) + "\"");
    auto& alloc = compiled->source.GetAllocator();
    compiled->source.SetObject();
    std::string ref = "#/definitions/" + std::string(definition);
    compiled->source.AddMember("$ref", JsonValue(ref.c_str(), static_cast<SizeType>(ref.size()), alloc), alloc);
    compiled->source.AddMember("definitions", JsonValue(*defs, alloc), alloc);
  }
  compiled->schema = std::make_unique<rapidjson::SchemaDocument>(compiled->source);
  const CompiledSchema* out = compiled.get();
  cache.emplace(std::move(key), std::move(compiled));
  return out;
}

std::string DescribeTypes(const JsonValue* schema) {
  const JsonValue* t = schema != nullptr ? Member(*schema, "type") : nullptr;
  auto one = [](std::string_view name) -> std::string {
    const bool vowel = name == "object" || name == "array" || name == "integer";
    return (vowel ? "an " : "a ") + std::string(name);
  };
  if (t == nullptr) return "of a different type";
  if (t->IsString()) return one(Sv(*t));
  std::string out;
  if (t->IsArray()) {
    for (const auto& e : t->GetArray()) {
      if (!e.IsString()) continue;
      if (!out.empty()) out += " or ";
      out += one(Sv(e));
    }
  }
  return out.empty() ? "of a different type" : out;
}

std::string NumberText(const JsonValue* v) {
  if (v == nullptr || !v->IsNumber()) return "?";
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v->GetDouble());
  return buf;
}

// The validator's first failure as a 400: the dotted path of the offending value (walking the
// document alongside the pointer, since "/0" is an index in an array and a key in an object),
// the failing keyword as the rule, and a message (the schema node's "x-messages" entry for the
// keyword when it has one).
Error SchemaFailure(const CompiledSchema& compiled, const rapidjson::SchemaValidator& validator,
                    const JsonValue& root, std::string_view root_path) {
  const std::string keyword(validator.GetInvalidSchemaKeyword());
  const JsonValue* failing = validator.GetInvalidSchemaPointer().Get(compiled.source);
  const rapidjson::Pointer doc_ptr = validator.GetInvalidDocumentPointer();

  std::string path(root_path);
  const JsonValue* value = &root;
  std::string_view last_key;
  for (std::size_t i = 0; i < doc_ptr.GetTokenCount(); ++i) {
    const auto& tok = doc_ptr.GetTokens()[i];
    if (value != nullptr && value->IsArray() && tok.index != rapidjson::kPointerInvalidIndex) {
      AppendIndex(path, tok.index);
      value = tok.index < value->Size() ? &(*value)[static_cast<SizeType>(tok.index)] : nullptr;
      last_key = {};
    } else {
      last_key = std::string_view(tok.name, tok.length);
      AppendKey(path, last_key);
      value = value != nullptr ? Member(*value, last_key) : nullptr;
    }
  }

  if (failing != nullptr) {
    if (const JsonValue* custom = Member(*failing, "x-messages")) {
      if (const JsonValue* m = Member(*custom, keyword); m != nullptr && m->IsString())
        return Error::BadRequest(std::move(path), keyword, std::string(Sv(*m)));
    }
  }
  if (keyword == "required") {
    const JsonValue* required = failing != nullptr ? Member(*failing, "required") : nullptr;
    if (required != nullptr && required->IsArray() && value != nullptr) {
      for (const auto& name : required->GetArray()) {
        if (!name.IsString() || Member(*value, Sv(name)) != nullptr) continue;
        AppendKey(path, Sv(name));
        return Error::BadRequest(std::move(path), keyword, "is required");
      }
    }
    return Error::BadRequest(std::move(path), keyword, "a required property is missing");
  }
  if (keyword == "additionalProperties") return Error::BadRequest(std::move(path), keyword, "is not allowed here");
  if (keyword == "type") return Error::BadRequest(std::move(path), keyword, "must be " + DescribeTypes(failing));
  if (keyword == "enum") {
    std::string list;
    const JsonValue* values = failing != nullptr ? Member(*failing, "enum") : nullptr;
    if (values != nullptr && values->IsArray()) {
      for (const auto& e : values->GetArray()) {
        if (!e.IsString()) continue;
        if (!list.empty()) list += ", ";
        xapi::AppendJsonString(list, Sv(e));
      }
    }
    return Error::BadRequest(std::move(path), keyword, "must be one of " + list);
  }
  const JsonValue* limit = failing != nullptr ? Member(*failing, keyword) : nullptr;
  const std::string bound = NumberText(limit);
  if (keyword == "minimum") return Error::BadRequest(std::move(path), keyword, "must be at least " + bound);
  if (keyword == "maximum") return Error::BadRequest(std::move(path), keyword, "must be at most " + bound);
  if (keyword == "minItems" || keyword == "minLength" || keyword == "minProperties") {
    return Error::BadRequest(std::move(path), keyword,
                             bound == "1" ? "must not be empty" : "must have at least " + bound + " entries");
  }
  if (keyword == "maxItems" || keyword == "maxLength" || keyword == "maxProperties")
    return Error::BadRequest(std::move(path), keyword, "must have at most " + bound + " entries");
  return Error::BadRequest(std::move(path), keyword, "does not satisfy the schema (" + keyword + ")");
}

}  // namespace

std::string_view EmbeddedFile(std::string_view path) {
  for (std::size_t i = 0; i < xapi::kEmbeddedSchemaCount; ++i)
    if (xapi::kEmbeddedSchemas[i].first == path) return xapi::kEmbeddedSchemas[i].second;
  return {};
}

void AppendKey(std::string& path, std::string_view key) { xapi::AppendPathKey(path, key); }

void AppendIndex(std::string& path, std::size_t index) {
  path += '[';
  path += std::to_string(index);
  path += ']';
}

const JsonValue* Member(const JsonValue& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  JsonValue name(rapidjson::StringRef(key.data(), key.size()));
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

Status Parse(std::string_view body, xapi::JsonDocument& doc, std::string_view root) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    return Error::BadRequest(std::string(root), "json",
                             "invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                                 rapidjson::GetParseError_En(doc.GetParseError()));
  }
  // Depth bound without recursion; validation and the checks below recurse.
  std::vector<std::pair<const JsonValue*, std::size_t>> stack = {{&doc, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxDepth) {
      return Error::BadRequest(std::string(root), "json-depth",
                               "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    if (v->IsObject()) {
      for (const auto& m : v->GetObject())
        if (m.value.IsObject() || m.value.IsArray()) stack.emplace_back(&m.value, depth + 1);
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray())
        if (e.IsObject() || e.IsArray()) stack.emplace_back(&e, depth + 1);
    }
  }
  std::string path(root);
  return CheckDuplicateKeys(doc, path);
}

Status Validate(std::string_view file, std::string_view definition, const JsonValue& value, std::string_view root) {
  auto compiled = GetSchema(file, definition);
  if (!compiled.ok()) return std::move(compiled).error();
  rapidjson::SchemaValidator validator(*(*compiled)->schema);
  value.Accept(validator);
  if (validator.IsValid()) return OkStatus();
  return SchemaFailure(**compiled, validator, value, root);
}

}  // namespace config_json

namespace {

using config_json::AppendKey;
using config_json::Index;
using config_json::Key;
using config_json::Member;
using config_json::Sv;
using xapi::JsonValue;

constexpr std::string_view kUniqueRule = "unique";

std::string Quoted(std::string_view s) {
  std::string out;
  xapi::AppendJsonString(out, s);
  return out;
}

std::string StringOr(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = Member(obj, key);
  return v != nullptr && v->IsString() ? std::string(Sv(*v)) : std::string();
}

// ---- IFIs ----

// Checks an Agent IFI object (already shaped by the schema: one of the four keys) the way the
// agent= parameter is checked under xAPI 2.0, and returns its IfiKey.
Result<std::string> CheckIfi(const JsonValue& ifi, std::string_view path) {
  Status st = xapi::ValidateAgentParameter(ifi, xapi::Version::k2_0, path);
  if (!st) return std::move(st).error();
  auto key = xapi::IfiKey(ifi);
  if (!key) return Error::BadRequest(std::string(path), "ifi", "must identify an Agent");
  return std::move(*key);
}

// Where each person id and IFI of a document was first seen, to report duplicates naming both.
class Directory {
 public:
  // `where` names the person ("people[2]", "line 3").
  Status AddId(const Person& p, std::size_t index, const std::string& id_path, std::string where) {
    auto [it, inserted] = ids_.emplace(p.id, index);
    if (!inserted) {
      return Error::BadRequest(id_path, std::string(kUniqueRule),
                               "duplicate person id " + Quoted(p.id) + " (also " + where_[it->second] + ")");
    }
    if (where_.size() <= index) where_.resize(index + 1);
    where_[index] = std::move(where);
    return OkStatus();
  }
  Status AddIfi(const Person& p, std::size_t index, std::string_view ifi, const std::string& ifi_path) {
    auto [it, inserted] = ifis_.emplace(std::string(ifi), std::make_pair(index, p.id));
    if (inserted) return OkStatus();
    if (it->second.first == index) {
      return Error::BadRequest(ifi_path, std::string(kUniqueRule),
                               "IFI " + Quoted(ifi) + " is listed twice for " + Quoted(p.id));
    }
    return Error::BadRequest(ifi_path, std::string(kUniqueRule),
                             "IFI " + Quoted(ifi) + " belongs to both " + Quoted(it->second.second) + " (" +
                                 where_[it->second.first] + ") and " + Quoted(p.id) + " (" + where_[index] +
                                 "): an IFI may identify only one person");
  }

 private:
  std::unordered_map<std::string, std::size_t> ids_;
  std::unordered_map<std::string, std::pair<std::size_t, std::string>> ifis_;
  std::vector<std::string> where_;
};

// A person object already validated against the "person" definition.
Result<Person> PersonFromValue(const JsonValue& v, const std::string& path) {
  Person p;
  p.id = StringOr(v, "id");
  p.name = StringOr(v, "name");
  p.role = StringOr(v, "role");
  p.unit = StringOr(v, "unit");
  p.manager = StringOr(v, "manager");
  const JsonValue& ifis = v["ifis"];
  p.ifis.reserve(ifis.Size());
  const std::string ifis_path = Key(path, "ifis");
  for (rapidjson::SizeType i = 0; i < ifis.Size(); ++i) {
    const std::string ifi_path = Index(ifis_path, i);
    auto key = CheckIfi(ifis[i], ifi_path);
    if (!key.ok()) return std::move(key).error();
    p.ifis.emplace_back(std::move(*key), xapi::ToJson(ifis[i]));
  }
  return p;
}

// ---- CSV (RFC 4180): profile/csv.h ----

using CsvField = csv::Field;
using CsvReader = csv::Reader;
using csv::FirstInvalidUtf8;
using csv::LineAt;
using csv::TrimSpaces;

enum class Column { kId, kName, kRole, kUnit, kManager, kIfis };
constexpr std::pair<std::string_view, Column> kColumns[] = {
    {"id", Column::kId},     {"name", Column::kName},       {"role", Column::kRole},
    {"unit", Column::kUnit}, {"manager", Column::kManager}, {"ifis", Column::kIfis},
};


// "mbox:mailto:a@b", "mbox_sha1sum:<hex>", "openid:<uri>", "account:<homePage>|<name>" as the
// Agent object it stands for. The account name is everything after the first '|' (a homePage
// IRI cannot hold an unescaped '|').
Result<xapi::JsonDocument> IfiKeyToAgent(std::string_view key, const std::string& where) {
  xapi::JsonDocument doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  auto str = [&](std::string_view s) { return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc); };
  const auto colon = key.find(':');
  const std::string_view kind = colon == std::string_view::npos ? std::string_view{} : key.substr(0, colon);
  const std::string_view rest = colon == std::string_view::npos ? std::string_view{} : key.substr(colon + 1);
  if (kind == "mbox" || kind == "mbox_sha1sum" || kind == "openid") {
    doc.AddMember(str(kind), str(rest), alloc);
  } else if (kind == "account") {
    const auto bar = rest.find('|');
    if (bar == std::string_view::npos) {
      return Error::BadRequest(where, "ifi",
                               "IFI " + Quoted(key) + ": an account is written account:<homePage>|<name>");
    }
    JsonValue account(rapidjson::kObjectType);
    account.AddMember("homePage", str(rest.substr(0, bar)), alloc);
    account.AddMember("name", str(rest.substr(bar + 1)), alloc);
    doc.AddMember("account", account, alloc);
  } else {
    return Error::BadRequest(where, "ifi",
                             "IFI " + Quoted(key) +
                                 " must start with mbox:, mbox_sha1sum:, openid: or account: (xapi::IfiKey syntax)");
  }
  return doc;
}

}  // namespace

// ==== Modalities ===============================================================================

std::string_view ModalityName(Modality m) {
  switch (m) {
    case Modality::kFormal:
      return "formal";
    case Modality::kExperiential:
      return "experiential";
    case Modality::kInformal:
      return "informal";
    case Modality::kUnclassified:
      break;
  }
  return "unclassified";
}

std::optional<Modality> ParseModality(std::string_view name) {
  if (name == "formal") return Modality::kFormal;
  if (name == "experiential") return Modality::kExperiential;
  if (name == "informal") return Modality::kInformal;
  return std::nullopt;
}

// ==== People ===================================================================================

Result<std::vector<Person>> ParsePeopleJson(std::string_view body) {
  constexpr std::string_view kRoot = "people";
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(body, doc, kRoot); !st) return std::move(st).error();
  if (Status st = config_json::Validate("people.json", "", doc, kRoot); !st) return std::move(st).error();
  std::vector<Person> people;
  people.reserve(doc.Size());
  Directory dir;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const std::string path = Index(std::string(kRoot), i);
    auto person = PersonFromValue(doc[i], path);
    if (!person.ok()) return std::move(person).error();
    if (Status st = dir.AddId(*person, i, Key(path, "id"), path); !st) return std::move(st).error();
    for (std::size_t k = 0; k < person->ifis.size(); ++k) {
      Status st = dir.AddIfi(*person, i, person->ifis[k].first, Index(Key(path, "ifis"), k));
      if (!st) return std::move(st).error();
    }
    people.push_back(std::move(*person));
  }
  return people;
}

Result<std::vector<Person>> ParsePeopleCsv(std::string_view body) {
  if (const std::size_t bad = FirstInvalidUtf8(body); bad != std::string_view::npos)
    return Error::BadRequest(CsvReader::Where(LineAt(body, bad), ""), "csv", "is not valid UTF-8 text");
  CsvReader reader(body);
  std::vector<CsvField> fields;
  std::size_t line = 0;

  // Header.
  std::vector<Column> columns;
  auto header_name = [&](std::size_t i) { return std::to_string(i + 1); };
  auto header = reader.Next(fields, line, header_name);
  if (!header.ok()) return std::move(header).error();
  if (!*header)
    return Error::BadRequest("line 1", "csv", "the header line is missing (id,name,role,unit,manager,ifis)");
  bool seen[std::size(kColumns)] = {};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = ToLowerAscii(TrimSpaces(fields[i].text));
    auto it = std::find_if(std::begin(kColumns), std::end(kColumns), [&](const auto& c) { return c.first == name; });
    const std::string where = CsvReader::Where(fields[i].line, name.empty() ? header_name(i) : fields[i].text);
    if (it == std::end(kColumns)) {
      return Error::BadRequest(where, "csv", "unknown column (the columns are id, name, role, unit, manager, ifis)");
    }
    const auto c = static_cast<std::size_t>(it - std::begin(kColumns));
    if (seen[c]) return Error::BadRequest(where, "csv", "column appears twice in the header");
    seen[c] = true;
    columns.push_back(it->second);
  }
  if (!seen[static_cast<std::size_t>(Column::kId)] || !seen[static_cast<std::size_t>(Column::kIfis)])
    return Error::BadRequest(CsvReader::Where(line, ""), "csv", "the header must name the id and ifis columns");
  auto column_name = [&](std::size_t i) -> std::string {
    if (i >= columns.size()) return std::to_string(i + 1);
    return std::string(kColumns[static_cast<std::size_t>(columns[i])].first);
  };

  std::vector<Person> people;
  Directory dir;
  while (true) {
    auto more = reader.Next(fields, line, column_name);
    if (!more.ok()) return std::move(more).error();
    if (!*more) break;
    if (fields.size() != columns.size()) {
      return Error::BadRequest(CsvReader::Where(line, ""), "csv",
                               "has " + std::to_string(fields.size()) + " fields, the header has " +
                                   std::to_string(columns.size()));
    }
    Person p;
    const CsvField* id_field = nullptr;
    const CsvField* ifis_field = nullptr;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      switch (columns[i]) {
        case Column::kId:
          p.id = fields[i].text;
          id_field = &fields[i];
          break;
        case Column::kName:
          p.name = fields[i].text;
          break;
        case Column::kRole:
          p.role = fields[i].text;
          break;
        case Column::kUnit:
          p.unit = fields[i].text;
          break;
        case Column::kManager:
          p.manager = fields[i].text;
          break;
        case Column::kIfis:
          ifis_field = &fields[i];
          break;
      }
    }
    const std::string id_where = CsvReader::Where(id_field->line, "id");
    const std::string ifis_where = CsvReader::Where(ifis_field->line, "ifis");
    if (p.id.empty()) return Error::BadRequest(id_where, "minLength", "must not be empty");
    std::string_view rest = ifis_field->text;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      const std::string_view item = TrimSpaces(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      if (item.empty()) continue;
      auto agent = IfiKeyToAgent(item, ifis_where);
      if (!agent.ok()) return std::move(agent).error();
      auto key = CheckIfi(*agent, "");
      if (!key.ok()) {
        const Error& e = key.error();
        return Error::BadRequest(ifis_where, e.rule,
                                 "IFI " + Quoted(item) + ": " + (e.path.empty() ? "" : e.path + " ") + e.message);
      }
      p.ifis.emplace_back(std::move(*key), xapi::ToJson(*agent));
    }
    if (p.ifis.empty()) return Error::BadRequest(ifis_where, "minItems", "must list at least one IFI");
    const std::size_t index = people.size();
    if (Status st = dir.AddId(p, index, id_where, "line " + std::to_string(line)); !st) return std::move(st).error();
    for (const auto& ifi : p.ifis)
      if (Status st = dir.AddIfi(p, index, ifi.first, ifis_where); !st) return std::move(st).error();
    people.push_back(std::move(p));
  }
  return people;
}

std::string PersonToJson(const Person& p) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("id");
  str(p.id);
  if (!p.name.empty()) {
    w.Key("name");
    str(p.name);
  }
  w.Key("ifis");
  w.StartArray();
  for (const auto& [key, json] : p.ifis) w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  w.EndArray(static_cast<rapidjson::SizeType>(p.ifis.size()));
  if (!p.role.empty()) {
    w.Key("role");
    str(p.role);
  }
  if (!p.unit.empty()) {
    w.Key("unit");
    str(p.unit);
  }
  if (!p.manager.empty()) {
    w.Key("manager");
    str(p.manager);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<Person> PersonFromJson(std::string_view json) {
  constexpr std::string_view kRoot = "person";
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, kRoot); !st) return std::move(st).error();
  if (Status st = config_json::Validate("people.json", "person", doc, kRoot); !st) return std::move(st).error();
  auto person = PersonFromValue(doc, std::string(kRoot));
  if (!person.ok()) return person;
  Directory dir;
  if (Status st = dir.AddId(*person, 0, Key(std::string(kRoot), "id"), std::string(kRoot)); !st)
    return std::move(st).error();
  for (std::size_t k = 0; k < person->ifis.size(); ++k) {
    Status st = dir.AddIfi(*person, 0, person->ifis[k].first, Index(Key(std::string(kRoot), "ifis"), k));
    if (!st) return std::move(st).error();
  }
  return person;
}

// ==== Competency framework =====================================================================

const Role* Framework::FindRole(std::string_view id) const {
  for (const Role& r : roles)
    if (r.id == id) return &r;
  return nullptr;
}

const Competency* Framework::FindCompetency(std::string_view id) const {
  for (const Competency& c : competencies)
    if (c.id == id) return &c;
  return nullptr;
}

Result<Framework> ParseFramework(std::string_view json) {
  xapi::JsonDocument doc;
  if (Status st = config_json::Parse(json, doc, ""); !st) return std::move(st).error();
  if (Status st = config_json::Validate("framework.json", "framework", doc, ""); !st) return std::move(st).error();
  Framework f;
  std::unordered_map<std::string_view, std::size_t> competency_index;
  if (const JsonValue* list = Member(doc, "competencies")) {
    f.competencies.reserve(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const JsonValue& c = (*list)[i];
      const std::string path = Index("competencies", i);
      auto [it, inserted] = competency_index.emplace(Sv(c["id"]), i);
      if (!inserted) {
        return Error::BadRequest(Key(path, "id"), std::string(kUniqueRule),
                                 "duplicate competency id " + Quoted(Sv(c["id"])) + " (also " +
                                     Index("competencies", it->second) + ")");
      }
      f.competencies.push_back(Competency{std::string(Sv(c["id"])), StringOr(c, "name")});
    }
  }
  std::unordered_map<std::string_view, std::size_t> role_index;
  if (const JsonValue* list = Member(doc, "roles")) {
    f.roles.reserve(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const JsonValue& r = (*list)[i];
      const std::string path = Index("roles", i);
      auto [it, inserted] = role_index.emplace(Sv(r["id"]), i);
      if (!inserted) {
        return Error::BadRequest(Key(path, "id"), std::string(kUniqueRule),
                                 "duplicate role id " + Quoted(Sv(r["id"])) + " (also " + Index("roles", it->second) +
                                     ")");
      }
      Role role{std::string(Sv(r["id"])), StringOr(r, "name"), {}};
      if (const JsonValue* reqs = Member(r, "requires")) {
        std::unordered_map<std::string_view, std::size_t> seen;
        for (rapidjson::SizeType k = 0; k < reqs->Size(); ++k) {
          const JsonValue& req = (*reqs)[k];
          const std::string req_path = Index(Key(path, "requires"), k);
          const std::string_view competency = Sv(req["competency"]);
          if (competency_index.find(competency) == competency_index.end()) {
            return Error::BadRequest(Key(req_path, "competency"), "competency",
                                     "unknown competency " + Quoted(competency) + " (not in competencies)");
          }
          auto [prev, fresh] = seen.emplace(competency, k);
          if (!fresh) {
            return Error::BadRequest(Key(req_path, "competency"), std::string(kUniqueRule),
                                     "required twice by this role (also " +
                                         Index(Key(path, "requires"), prev->second) + ")");
          }
          role.required.push_back(RoleRequirement{std::string(competency), req["level"].GetInt()});
        }
      }
      f.roles.push_back(std::move(role));
    }
  }
  return f;
}

std::string FrameworkToJson(const Framework& f) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("competencies");
  w.StartArray();
  for (const Competency& c : f.competencies) {
    w.StartObject();
    w.Key("id");
    str(c.id);
    if (!c.name.empty()) {
      w.Key("name");
      str(c.name);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("roles");
  w.StartArray();
  for (const Role& r : f.roles) {
    w.StartObject();
    w.Key("id");
    str(r.id);
    if (!r.name.empty()) {
      w.Key("name");
      str(r.name);
    }
    w.Key("requires");
    w.StartArray();
    for (const RoleRequirement& req : r.required) {
      w.StartObject();
      w.Key("competency");
      str(req.competency);
      w.Key("level");
      w.Int(req.level);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace lrsd::profile
