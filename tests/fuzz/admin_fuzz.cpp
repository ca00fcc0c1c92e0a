// Fuzz target: the learning-profile configuration documents (PUT /admin/...) and the binary
// records the profile module decodes. The first input byte (mod 16) selects the parser, the
// rest is the document:
//    0 people (JSON)        1 people (CSV)          2 framework
//    3 rules                4 rules, checked against the sample organisation's framework
//    5 goals                6 goals, with the sample framework
//    7 plan                 8 plan, with the sample framework and goals
//    9 cost rules          10 KPIs (JSON)          11 KPIs (CSV)
//   12 contribution record 13 aggregate record     14 counter record
//   15 the merge operator (existing and operand separated by the first 0xFF byte)
// What parses must serialise to a document that parses to the same thing.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "lrsd/profile.h"
#include "lrsd/xapi.h"

namespace lrsd::fuzz {
namespace admin_fuzz {

using xapi::JsonDocument;

struct Sample {
  profile::Framework framework;
  std::vector<profile::Goal> goals;
  std::vector<JsonDocument> statements;
};

// Statements the compiled rules and cost rules are evaluated on.
constexpr std::string_view kStatements[] = {
    R"({"actor":{"mbox":"mailto:ana.silva@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},
"object":{"id":"https://lms.example.com/courses/coaching-for-managers/au/main","definition":{"type":"http://adlnet.gov/expapi/activities/course",
"extensions":{"http://example.com/ext/level":3}}},"result":{"completion":true,"success":true,"duration":"PT1H30M","extensions":{"http://example.com/ext/x":[1,"a"]}},
"context":{"platform":"Example LMS","contextActivities":{"category":[{"id":"https://w3id.org/xapi/cmi5/context/categories/cmi5"}]},
"extensions":{"http://example.com/ext/mode":"classroom"}},"timestamp":"2026-03-04T10:00:00Z"})",
    R"({"actor":{"account":{"homePage":"https://field.example.com","name":"ana.silva"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},
"object":{"objectType":"Activity","id":"https://field.example.com/sales/demos/nordhavn-logistics"},"result":{"duration":"PT20S"},
"timestamp":"2026-03-05T10:00:00Z"})",
};

const Sample& Setup() {
  static const Sample sample = [] {
    Sample s;
    auto framework = profile::ParseFramework(SampleOrgFile("framework.json"));
    LRSD_FUZZ_CHECK(framework.ok());
    s.framework = *framework;
    auto goals = profile::ParseGoals(SampleOrgFile("goals.json"), &s.framework);
    LRSD_FUZZ_CHECK(goals.ok());
    s.goals = *goals;
    for (std::string_view text : kStatements) {
      JsonDocument& doc = s.statements.emplace_back();
      LRSD_FUZZ_CHECK(ParseLikeServer(text, doc));
    }
    return s;
  }();
  return sample;
}

template <class T>
bool Failed(const Result<T>& r) {
  if (r.ok()) return false;
  CheckClientError(r.error());
  return true;
}

void People(const Result<std::vector<profile::Person>>& people) {
  if (Failed(people)) return;
  for (const auto& p : *people) {
    const std::string json = profile::PersonToJson(p);
    LRSD_FUZZ_CHECK(IsUtf8(json));
    auto back = profile::PersonFromJson(json);
    LRSD_FUZZ_CHECK(back.ok());
    LRSD_FUZZ_CHECK(back->id == p.id && back->name == p.name && back->role == p.role && back->unit == p.unit &&
                    back->manager == p.manager && back->ifis == p.ifis);
  }
}

void Rules(std::string_view doc, const profile::Framework* framework) {
  auto rules = profile::ParseRules(doc, framework);
  if (Failed(rules)) return;
  const std::string& source = (*rules)->source();
  LRSD_FUZZ_CHECK(IsUtf8(source));
  auto again = profile::ParseRules(source, framework);
  LRSD_FUZZ_CHECK(again.ok() && (*again)->source() == source);
  for (const auto& s : Setup().statements) {
    (void)(*rules)->ClassifyModality(s);
    for (const auto& [competency, level] : (*rules)->MatchCompetencies(s)) {
      LRSD_FUZZ_CHECK(!framework || framework->FindCompetency(competency));
      (void)level;
    }
  }
}

void Costs(std::string_view doc) {
  auto costs = profile::ParseCosts(doc);
  if (Failed(costs)) return;
  const std::string& source = (*costs)->source();
  LRSD_FUZZ_CHECK(IsUtf8(source));
  auto again = profile::ParseCosts(source);
  LRSD_FUZZ_CHECK(again.ok() && (*again)->source() == source && (*again)->currency() == (*costs)->currency());
  for (const auto& s : Setup().statements) {
    for (double seconds : {0.0, 20.0, 5400.0, 1e15}) {
      for (bool completed : {false, true}) {
        const std::int64_t cents = (*costs)->CostOf(s, seconds, completed);
        LRSD_FUZZ_CHECK(cents >= 0 && cents <= profile::kMaxCostCents);
        LRSD_FUZZ_CHECK((*again)->CostOf(s, seconds, completed) == cents);
      }
    }
  }
}

void Kpis(const Result<profile::KpiSet>& kpis) {
  if (Failed(kpis)) return;
  const std::string json = profile::KpisToJson(*kpis);
  LRSD_FUZZ_CHECK(IsUtf8(json));
  auto back = profile::ParseKpisJson(json);
  LRSD_FUZZ_CHECK(back.ok());
  LRSD_FUZZ_CHECK(profile::KpisToJson(*back) == json);
}

void Contribution(std::string_view bytes) {
  auto c = profile::DecodeContribution(bytes);
  if (!c) return;
  // Whatever decodes re-encodes to the same bytes (format 1 records as format 2).
  std::string expected(bytes);
  expected[0] = 2;
  LRSD_FUZZ_CHECK(profile::EncodeContribution(*c) == expected);
}

void Aggregate(std::string_view bytes) {
  const profile::Aggregate a = profile::DecodeAggregate(bytes);
  LRSD_FUZZ_CHECK(profile::DecodeAggregate(profile::EncodeAggregate(a)) == a);
}

void Counters(std::string_view bytes) {
  const std::vector<std::int64_t> values = profile::DecodeCounters(bytes);
  if (!values.empty()) LRSD_FUZZ_CHECK(profile::EncodeCounters(values) == bytes);
}

void Run(std::string_view input) {
  if (input.empty()) return;
  const Sample& sample = Setup();
  const unsigned selector = static_cast<unsigned char>(input[0]) % 16;
  const std::string_view doc = input.substr(1);
  switch (selector) {
    case 0: People(profile::ParsePeopleJson(doc)); break;
    case 1: People(profile::ParsePeopleCsv(doc)); break;
    case 2: {
      auto f = profile::ParseFramework(doc);
      if (Failed(f)) break;
      const std::string json = profile::FrameworkToJson(*f);
      auto back = profile::ParseFramework(json);
      LRSD_FUZZ_CHECK(back.ok() && profile::FrameworkToJson(*back) == json);
      break;
    }
    case 3: Rules(doc, nullptr); break;
    case 4: Rules(doc, &sample.framework); break;
    case 5:
    case 6: {
      const profile::Framework* framework = selector == 6 ? &sample.framework : nullptr;
      auto goals = profile::ParseGoals(doc, framework);
      if (Failed(goals)) break;
      const std::string json = profile::GoalsToJson(*goals);
      auto back = profile::ParseGoals(json, framework);
      LRSD_FUZZ_CHECK(back.ok() && profile::GoalsToJson(*back) == json);
      break;
    }
    case 7:
    case 8: {
      const profile::Framework* framework = selector == 8 ? &sample.framework : nullptr;
      const std::vector<profile::Goal>* goals = selector == 8 ? &sample.goals : nullptr;
      auto plan = profile::ParsePlan(doc, framework, goals);
      if (Failed(plan)) break;
      LRSD_FUZZ_CHECK(plan->from_start <= plan->to_end);
      const std::string json = profile::PlanToJson(*plan);
      auto back = profile::ParsePlan(json, framework, goals);
      LRSD_FUZZ_CHECK(back.ok() && profile::PlanToJson(*back) == json);
      break;
    }
    case 9: Costs(doc); break;
    case 10: Kpis(profile::ParseKpisJson(doc)); break;
    case 11: Kpis(profile::ParseKpisCsv(doc)); break;
    case 12: Contribution(doc); break;
    case 13: Aggregate(doc); break;
    case 14: Counters(doc); break;
    case 15: {
      const std::size_t sep = doc.find('\xFF');
      const std::string_view existing = doc.substr(0, sep);
      const std::string_view operand = sep == std::string_view::npos ? std::string_view{} : doc.substr(sep + 1);
      (void)profile::MergeAggregates(existing, operand);
      break;
    }
  }
}

}  // namespace admin_fuzz

inline void FuzzAdmin(std::string_view input) { admin_fuzz::Run(input); }

}  // namespace lrsd::fuzz

LRSD_FUZZ_ENTRY(lrsd::fuzz::FuzzAdmin)
