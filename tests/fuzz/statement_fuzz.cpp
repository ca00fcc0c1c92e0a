// Fuzz target: statement bodies. The input is a request body (one statement or an array of them),
// parsed as the statement resource parses it, validated as xAPI 1.0.3 and as 2.0; what is
// accepted then goes through everything the write path and the GET formats do with a statement:
// normalisation, the comparison form, index keys, StatementRef targets, activity definitions
// and their merge, agents and Person records, serialisation, the ids and canonical formats,
// and its learning-profile contribution (with the sample organisation's rules and costs, and
// the encoding it is stored in).
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "lrsd/profile.h"
#include "lrsd/xapi.h"

namespace lrsd::fuzz {
namespace statement_fuzz {

using xapi::JsonDocument;
using xapi::JsonValue;

struct Config {
  std::shared_ptr<const profile::Rules> default_rules;
  std::shared_ptr<const profile::Rules> sample_rules;
  std::shared_ptr<const profile::CostRules> costs;
};

const Config& Setup() {
  static const Config config = [] {
    Config c;
    auto framework = profile::ParseFramework(SampleOrgFile("framework.json"));
    LRSD_FUZZ_CHECK(framework.ok());
    auto defaults = profile::ParseRules(profile::DefaultRulesJson());
    auto sample = profile::ParseRules(SampleOrgFile("rules.json"), &*framework);
    auto costs = profile::ParseCosts(SampleOrgFile("costs.json"));
    LRSD_FUZZ_CHECK(defaults.ok() && sample.ok() && costs.ok());
    c.default_rules = *defaults;
    c.sample_rules = *sample;
    c.costs = *costs;
    return c;
  }();
  return config;
}

// Serialised output must read back as the same JSON.
void CheckSerialises(const JsonValue& v) {
  std::string json = xapi::ToJson(v);
  LRSD_FUZZ_CHECK(IsUtf8(json));
  JsonDocument back;
  back.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
             rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  LRSD_FUZZ_CHECK(!back.HasParseError());
  LRSD_FUZZ_CHECK(xapi::ToJson(back) == json);
}

void CheckContribution(const JsonValue& s, const profile::Rules& rules, const profile::CostRules* costs) {
  auto c = profile::Contribute(s, rules, costs);
  if (!c) return;
  LRSD_FUZZ_CHECK(!c->ifi.empty());
  LRSD_FUZZ_CHECK(std::isfinite(c->seconds) && c->seconds >= 0);
  LRSD_FUZZ_CHECK(c->cost_cents >= 0 && c->cost_cents <= profile::kMaxCostCents);
  std::string bytes = profile::EncodeContribution(*c);
  auto back = profile::DecodeContribution(bytes);
  LRSD_FUZZ_CHECK(back.has_value());
  LRSD_FUZZ_CHECK(profile::EncodeContribution(*back) == bytes);
  LRSD_FUZZ_CHECK(back->ifi == c->ifi && back->timestamp == c->timestamp && back->modality == c->modality &&
                  back->completed == c->completed && back->passed == c->passed && back->failed == c->failed &&
                  back->verb == c->verb && back->statement_id == c->statement_id &&
                  back->seconds == c->seconds && back->scaled == c->scaled && back->activity == c->activity && back->cost_cents == c->cost_cents &&
                  back->competencies == c->competencies);
  // Aggregates: adding then subtracting a contribution leaves nothing, and they encode losslessly.
  profile::Aggregate a;
  a.Add(*back, +1);
  LRSD_FUZZ_CHECK(profile::DecodeAggregate(profile::EncodeAggregate(a)) == a);
  a.Add(*back, -1);
  LRSD_FUZZ_CHECK(a.Empty());
}

// Everything done with a statement the validator accepted.
void Accepted(const JsonValue& original, xapi::Version v) {
  const Config& config = Setup();
  JsonDocument doc;
  auto& alloc = doc.GetAllocator();
  doc.CopyFrom(original, alloc);

  // The write path (resources/statements.cpp, StoreStatements).
  xapi::NormalizeStatement(doc, alloc);
  const std::string comparison = xapi::ComparisonForm(doc);
  LRSD_FUZZ_CHECK(IsUtf8(comparison));
  {
    // The comparison form ignores what the LRS sets, and is a function of the statement.
    JsonDocument copy;
    copy.CopyFrom(doc, copy.GetAllocator());
    LRSD_FUZZ_CHECK(xapi::ComparisonForm(copy) == comparison);
  }
  if (!doc.HasMember("id")) doc.AddMember("id", "8d1b7fb6-5b53-4b8d-9a3b-0b5e0f0c7a11", alloc);
  if (auto it = doc.FindMember("stored"); it != doc.MemberEnd()) {
    it->value.SetString("2026-01-02T03:04:05.678Z", alloc);
  } else {
    doc.AddMember("stored", "2026-01-02T03:04:05.678Z", alloc);
  }
  if (!doc.HasMember("timestamp")) doc.AddMember("timestamp", "2026-01-02T03:04:05.678Z", alloc);
  JsonValue authority(rapidjson::kObjectType);
  authority.AddMember("objectType", "Agent", alloc);
  authority.AddMember("mbox", "mailto:lrs@example.com", alloc);
  if (auto it = doc.FindMember("authority"); it != doc.MemberEnd()) {
    it->value = authority;
  } else {
    doc.AddMember("authority", authority, alloc);
  }
  if (!doc.HasMember("version")) doc.AddMember("version", v == xapi::Version::k2_0 ? "2.0.0" : "1.0.0", alloc);

  for (const auto& key : xapi::IndexKeysFor(doc)) {
    LRSD_FUZZ_CHECK(static_cast<int>(key.kind) >= 1 && static_cast<int>(key.kind) <= 7);
  }
  auto ref = xapi::StatementRefTarget(doc);
  auto voids = xapi::VoidedTarget(doc);
  LRSD_FUZZ_CHECK(!voids || (ref && *ref == *voids));

  // Canonical activity definitions, merged as the store merges them.
  std::map<std::string, std::unique_ptr<JsonDocument>> canonical;
  for (const auto& [id, def] : xapi::ActivityDefinitions(doc)) {
    auto& slot = canonical[id];
    if (!slot) slot = std::make_unique<JsonDocument>();
    xapi::MergeActivityDefinition(*slot, *def, slot->GetAllocator());
    CheckSerialises(*slot);
  }
  JsonDocument person;
  for (const auto& [ifi, agent] : xapi::AgentsOf(doc)) {
    LRSD_FUZZ_CHECK(!ifi.empty());
    xapi::MergePerson(person, *agent, person.GetAllocator());
  }
  if (person.IsObject()) CheckSerialises(person);

  CheckContribution(doc, *config.default_rules, nullptr);
  CheckContribution(doc, *config.sample_rules, config.costs.get());

  // As stored, then read back for GET in each format.
  const std::string stored = xapi::ToJson(doc);
  CheckSerialises(doc);
  auto lookup = [&](std::string_view id) -> const JsonValue* {
    auto it = canonical.find(std::string(id));
    return it == canonical.end() ? nullptr : it->second.get();
  };
  for (int format = 0; format < 3; ++format) {
    JsonDocument out;
    out.Parse(stored.data(), stored.size());
    LRSD_FUZZ_CHECK(!out.HasParseError());
    if (format == 0) {
      xapi::ApplyIdsFormat(out, out.GetAllocator());
    } else {
      static const std::vector<std::string> kPreferences = xapi::ParseAcceptLanguage("de-CH, fr;q=0.8, en;q=0.5, *;q=0.1");
      xapi::ApplyCanonicalFormat(out, out.GetAllocator(), format == 1 ? std::vector<std::string>{} : kPreferences,
                                 lookup);
    }
    CheckSerialises(out);
    LRSD_FUZZ_CHECK(IsUtf8(xapi::ComparisonForm(out)));
  }
}

void Run(std::string_view input) {
  JsonDocument body;
  if (!ParseLikeServer(input, body)) return;
  std::vector<const JsonValue*> statements;
  if (body.IsArray()) {
    for (const auto& s : body.GetArray()) statements.push_back(&s);
  } else {
    statements.push_back(&body);
  }
  for (xapi::Version v : {xapi::Version::k1_0, xapi::Version::k2_0}) {
    for (const JsonValue* s : statements) {
      Status st = xapi::ValidateStatement(*s, v, "statement");
      if (!st.ok()) {
        CheckClientError(st.error());
        continue;
      }
      Accepted(*s, v);
    }
  }
}

}  // namespace statement_fuzz

inline void FuzzStatement(std::string_view input) { statement_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzStatement)
