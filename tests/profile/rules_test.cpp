// Classification rules (src/profile/rules.cpp, schemas/admin/rules.json,
// schemas/admin/default-rules.json): every condition kind holding and not holding, any-of lists,
// all-must-hold, first-wins, unclassified, competency rules, the framework check, rejected
// documents with their exact paths, canonical source, and the default rule set on realistic
// statements.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/profile.h"

namespace lrsd::profile {
namespace {

using Competencies = std::vector<std::pair<std::string, int>>;

xapi::JsonDocument Json(std::string_view text) {
  xapi::JsonDocument d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

std::shared_ptr<const Rules> Compile(std::string_view json, const Framework* framework = nullptr) {
  auto r = ParseRules(json, framework);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString()) << "\n" << json;
  return r.ok() ? *r : std::make_shared<const Rules>();
}

Modality Classify(const Rules& rules, std::string_view statement) { return rules.ClassifyModality(Json(statement)); }
Competencies Match(const Rules& rules, std::string_view statement) { return rules.MatchCompetencies(Json(statement)); }

// A statement with an activity object: `definition` is the activity's definition JSON ("" for
// none), `more` extra top-level properties (",\"context\":{…}").
std::string Statement(std::string_view verb, std::string_view activity_id, std::string_view type,
                      std::string_view more = "") {
  std::string s = R"({"id":"2f1e5a4c-8d2b-4c6e-9a1f-0b3c5d7e9f11","actor":{"mbox":"mailto:ana@example.com"},)";
  s += R"("verb":{"id":")" + std::string(verb) + R"("},"object":{"objectType":"Activity","id":")" +
       std::string(activity_id) + "\"";
  if (!type.empty()) s += R"(,"definition":{"type":")" + std::string(type) + "\"}";
  s += "}";
  s += more;
  s += "}";
  return s;
}

// A rule set with one formal rule holding for `when`.
std::string OneRule(std::string_view when) {
  return R"({"modality":[{"when":)" + std::string(when) + R"(,"modality":"formal"}]})";
}

constexpr std::string_view kCompleted = "http://adlnet.gov/expapi/verbs/completed";
constexpr std::string_view kExperienced = "http://adlnet.gov/expapi/verbs/experienced";
constexpr std::string_view kCourse = "http://adlnet.gov/expapi/activities/course";
constexpr std::string_view kVideo = "https://w3id.org/xapi/video/activity-type/video";

#define EXPECT_RULES_ERROR(json, expected_path, expected_rule)                    \
  do {                                                                            \
    auto r_ = ParseRules(json);                                                   \
    ASSERT_FALSE(r_.ok()) << "expected to be rejected: " << (json);               \
    EXPECT_EQ(r_.error().status, 400);                                            \
    EXPECT_EQ(r_.error().path, (expected_path)) << r_.error().ToString();         \
    EXPECT_EQ(r_.error().rule, (expected_rule)) << r_.error().ToString();         \
  } while (0)

// ---- Conditions, one at a time -------------------------------------------------------------------

TEST(RuleConditions, Verb) {
  auto rules = Compile(OneRule(R"({"verb":"http://adlnet.gov/expapi/verbs/completed"})"));
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "")), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/a", "")), Modality::kUnclassified);
  // Exact: no prefix or case folding.
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/completed/", "http://example.com/a", "")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/Completed", "http://example.com/a", "")),
            Modality::kUnclassified);
}

TEST(RuleConditions, ActivityType) {
  auto rules = Compile(OneRule(R"({"activityType":"http://adlnet.gov/expapi/activities/course"})"));
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/c", kCourse)), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/c", kVideo)), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/c", "")), Modality::kUnclassified);
  // objectType may be left out for an Activity.
  EXPECT_EQ(Classify(*rules, R"({"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.example.com/v"},
      "object":{"id":"http://example.com/c","definition":{"type":"http://adlnet.gov/expapi/activities/course"}}})"),
            Modality::kFormal);
  // Only an Activity object has a type: a SubStatement's activity does not count.
  EXPECT_EQ(Classify(*rules, R"({"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.example.com/v"},
      "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@b.c"},"verb":{"id":"http://x.example.com/v"},
        "object":{"id":"http://example.com/c","definition":{"type":"http://adlnet.gov/expapi/activities/course"}}}})"),
            Modality::kUnclassified);
}

TEST(RuleConditions, ActivityIdPrefix) {
  auto rules = Compile(OneRule(R"({"activityIdPrefix":"https://lms.example.com/courses/"})"));
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "https://lms.example.com/courses/42", "")), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "https://lms.example.com/courses/", "")), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "https://lms.example.com/course", "")), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "https://LMS.example.com/courses/42", "")), Modality::kUnclassified);
  // Agents and statement references are not activities.
  EXPECT_EQ(Classify(*rules, R"({"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.example.com/v"},
      "object":{"objectType":"StatementRef","id":"https://lms.example.com/courses/1"}})"),
            Modality::kUnclassified);
}

TEST(RuleConditions, Platform) {
  auto rules = Compile(OneRule(R"({"platform":"Field App for Android"})"));
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "",
                                       R"(,"context":{"platform":"Field App for Android"})")),
            Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "", R"(,"context":{"platform":"Field App"})")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "", R"(,"context":{})")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "")), Modality::kUnclassified);
}

TEST(RuleConditions, Category) {
  auto rules = Compile(OneRule(R"({"category":"https://w3id.org/xapi/cmi5/context/categories/cmi5"})"));
  const std::string cmi5 = R"({"id":"https://w3id.org/xapi/cmi5/context/categories/cmi5"})";
  const std::string other = R"({"id":"https://w3id.org/xapi/video"})";
  auto with = [&](std::string_view category) {
    return Statement(kCompleted, "http://example.com/a", "",
                     R"(,"context":{"contextActivities":{"category":)" + std::string(category) + "}}");
  };
  EXPECT_EQ(Classify(*rules, with("[" + cmi5 + "]")), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, with("[" + other + "," + cmi5 + "]")), Modality::kFormal);  // any category
  EXPECT_EQ(Classify(*rules, with(cmi5)), Modality::kFormal);  // a single, un-normalised activity
  EXPECT_EQ(Classify(*rules, with("[" + other + "]")), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, with("[]")), Modality::kUnclassified);
  // Only category: the same id as a parent or grouping does not count.
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "",
                                       R"(,"context":{"contextActivities":{"grouping":[)" + cmi5 + "]}}")),
            Modality::kUnclassified);
}

TEST(RuleConditions, CategoryAmongManyKnownCategories) {
  // More categories the rules know than the evaluator keeps inline: the match is still found.
  std::string rules_json = R"({"modality":[{"when":{"category":"http://example.com/cat/target"},"modality":"informal"},
                               {"when":{"category":[)";
  std::string categories;
  for (int i = 0; i < 20; ++i) {
    if (i > 0) rules_json += ",";
    rules_json += "\"http://example.com/cat/" + std::to_string(i) + "\"";
    categories += R"({"id":"http://example.com/cat/)" + std::to_string(i) + "\"},";
  }
  rules_json += R"(]},"modality":"formal"}]})";
  auto rules = Compile(rules_json);
  auto with = [&](std::string_view cats) {
    return Statement(kCompleted, "http://example.com/a", "",
                     R"(,"context":{"contextActivities":{"category":[)" + std::string(cats) + "]}}");
  };
  EXPECT_EQ(Classify(*rules, with(categories + R"({"id":"http://example.com/cat/target"})")), Modality::kInformal);
  EXPECT_EQ(Classify(*rules, with(categories + R"({"id":"http://example.com/cat/unknown"})")), Modality::kFormal);
}

TEST(RuleConditions, ExtensionInContextResultOrDefinition) {
  auto rules = Compile(OneRule(R"({"extension":{"key":"http://example.com/ext/mode","value":"field"}})"));
  const std::string in_context = Statement(kCompleted, "http://example.com/a", "",
                                           R"(,"context":{"extensions":{"http://example.com/ext/mode":"field"}})");
  const std::string in_result = Statement(kCompleted, "http://example.com/a", "",
                                          R"(,"result":{"extensions":{"http://example.com/ext/mode":"field"}})");
  const std::string in_definition =
      R"({"actor":{"mbox":"mailto:a@b.c"},"verb":{"id":"http://x.example.com/v"},"object":{"id":"http://example.com/a",
          "definition":{"extensions":{"http://example.com/ext/mode":"field"}}}})";
  EXPECT_EQ(Classify(*rules, in_context), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, in_result), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, in_definition), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "",
                                       R"(,"context":{"extensions":{"http://example.com/ext/mode":"office"}})")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "",
                                       R"(,"context":{"extensions":{"http://example.com/ext/other":"field"}})")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "")), Modality::kUnclassified);
}

TEST(RuleConditions, ExtensionValuesCompareAsJson) {
  auto rules = Compile(R"({"modality":[
      {"when":{"extension":{"key":"http://example.com/n","value":3}},"modality":"formal"},
      {"when":{"extension":{"key":"http://example.com/o","value":{"a":1,"b":[true,null]}}},"modality":"informal"},
      {"when":{"extension":{"key":"http://example.com/z","value":null}},"modality":"experiential"}]})");
  auto ext = [](std::string_view body) {
    return Statement(kCompleted, "http://example.com/a", "", R"(,"context":{"extensions":)" + std::string(body) + "}");
  };
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/n":3})")), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/n":3.0})")), Modality::kFormal);  // same number
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/n":"3"})")), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/n":4})")), Modality::kUnclassified);
  // Objects: member order does not matter, values do.
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/o":{"b":[true,null],"a":1}})")), Modality::kInformal);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/o":{"a":1,"b":[null,true]}})")), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/o":{"a":1,"b":[true,null],"c":0}})")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/z":null})")), Modality::kExperiential);
  EXPECT_EQ(Classify(*rules, ext(R"({"http://example.com/z":false})")), Modality::kUnclassified);
}

TEST(RuleConditions, AnyOfLists) {
  auto rules = Compile(OneRule(R"({"verb":["http://adlnet.gov/expapi/verbs/passed","http://adlnet.gov/expapi/verbs/failed"],
                                   "activityIdPrefix":["https://a.example.com/","https://b.example.com/"]})"));
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/passed", "https://a.example.com/1", "")),
            Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/failed", "https://b.example.com/1", "")),
            Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/failed", "https://c.example.com/1", "")),
            Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "https://a.example.com/1", "")), Modality::kUnclassified);
}

// ---- Combining conditions and rules --------------------------------------------------------------

TEST(RuleEvaluation, EveryConditionGivenMustHold) {
  auto rules = Compile(OneRule(R"({"verb":"http://adlnet.gov/expapi/verbs/experienced",
                                   "activityType":"http://adlnet.gov/expapi/activities/performance",
                                   "platform":"Field App"})"));
  const std::string perf = "http://adlnet.gov/expapi/activities/performance";
  const std::string ctx = R"(,"context":{"platform":"Field App"})";
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/a", perf, ctx)), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", perf, ctx)), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/a", kVideo, ctx)), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/a", perf)), Modality::kUnclassified);
}

TEST(RuleEvaluation, EmptyWhenAlwaysHolds) {
  auto rules = Compile(R"({"modality":[{"when":{},"modality":"informal"}]})");
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", "")), Modality::kInformal);
  EXPECT_EQ(Classify(*rules, "{}"), Modality::kInformal);
}

TEST(RuleEvaluation, FirstMatchingModalityRuleWins) {
  auto rules = Compile(R"({"modality":[
      {"when":{"activityType":"https://w3id.org/xapi/video/activity-type/video","verb":"http://adlnet.gov/expapi/verbs/completed"},"modality":"formal"},
      {"when":{"activityType":"https://w3id.org/xapi/video/activity-type/video"},"modality":"informal"},
      {"when":{},"modality":"experiential"}]})");
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/v", kVideo)), Modality::kFormal);
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/v", kVideo)), Modality::kInformal);
  EXPECT_EQ(Classify(*rules, Statement(kExperienced, "http://example.com/v", kCourse)), Modality::kExperiential);
}

TEST(RuleEvaluation, NoMatchingRuleIsUnclassified) {
  auto rules = Compile(OneRule(R"({"verb":"http://adlnet.gov/expapi/verbs/passed"})"));
  EXPECT_EQ(Classify(*rules, Statement(kCompleted, "http://example.com/a", kCourse)), Modality::kUnclassified);
  auto none = Compile("{}");
  EXPECT_EQ(Classify(*none, Statement(kCompleted, "http://example.com/a", kCourse)), Modality::kUnclassified);
  EXPECT_TRUE(Match(*none, Statement(kCompleted, "http://example.com/a", kCourse)).empty());
  // Rules never compiled (a default-constructed Rules) classify nothing and crash on nothing.
  Rules empty;
  EXPECT_EQ(Classify(empty, Statement(kCompleted, "http://example.com/a", kCourse)), Modality::kUnclassified);
  EXPECT_TRUE(Match(empty, Statement(kCompleted, "http://example.com/a", kCourse)).empty());
  // Nor do odd values.
  EXPECT_EQ(Classify(*rules, "[]"), Modality::kUnclassified);
  EXPECT_EQ(Classify(*rules, R"({"verb":"x","object":7,"context":[]})"), Modality::kUnclassified);
}

TEST(RuleEvaluation, EveryMatchingCompetencyRuleContributes) {
  auto rules = Compile(R"({"competency":[
      {"when":{"activityIdPrefix":"https://lms.example.com/courses/negotiation"},"competency":"negotiation","level":2},
      {"when":{"verb":"http://adlnet.gov/expapi/verbs/passed","activityIdPrefix":"https://lms.example.com/courses/negotiation-advanced"},
       "competency":"negotiation","level":4},
      {"when":{"category":"http://example.com/cat/product"},"competency":"product","level":1},
      {"when":{"verb":"http://adlnet.gov/expapi/verbs/passed"},"competency":"assessment-taking","level":1}]})");
  EXPECT_EQ(Match(*rules, Statement("http://adlnet.gov/expapi/verbs/passed",
                                    "https://lms.example.com/courses/negotiation-advanced", "")),
            (Competencies{{"negotiation", 2}, {"negotiation", 4}, {"assessment-taking", 1}}));
  EXPECT_EQ(Match(*rules, Statement(kCompleted, "https://lms.example.com/courses/negotiation-basics", "",
                                    R"(,"context":{"contextActivities":{"category":[{"id":"http://example.com/cat/product"}]}})")),
            (Competencies{{"negotiation", 2}, {"product", 1}}));
  EXPECT_TRUE(Match(*rules, Statement(kCompleted, "https://lms.example.com/courses/safety", "")).empty());
  // Competency rules do not classify.
  EXPECT_EQ(Classify(*rules, Statement("http://adlnet.gov/expapi/verbs/passed", "https://x.example.com", "")),
            Modality::kUnclassified);
}

TEST(RuleEvaluation, FrameworkMustListEveryCompetency) {
  auto framework = ParseFramework(R"({"competencies":[{"id":"negotiation"},{"id":"product"}]})");
  ASSERT_TRUE(framework.ok());
  const std::string json = R"({"competency":[
      {"when":{},"competency":"negotiation","level":1},
      {"when":{},"competency":"closing","level":1}]})";
  auto r = ParseRules(json, &*framework);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().path, "competency[1].competency");
  EXPECT_EQ(r.error().rule, "competency");
  EXPECT_NE(r.error().message.find("\"closing\""), std::string::npos);
  EXPECT_TRUE(ParseRules(json).ok());  // without a framework any id goes
  EXPECT_TRUE(ParseRules(R"({"competency":[{"when":{},"competency":"product","level":10}]})", &*framework).ok());
}

// ---- Rejected documents ----------------------------------------------------------------------------

TEST(RulesDocument, StructureErrors) {
  EXPECT_RULES_ERROR("[]", "", "type");
  EXPECT_RULES_ERROR("{", "", "json");
  EXPECT_RULES_ERROR(R"({"modalities":[]})", "modalities", "additionalProperties");
  EXPECT_RULES_ERROR(R"({"modality":{}})", "modality", "type");
  EXPECT_RULES_ERROR(R"({"modality":[{"modality":"formal"}]})", "modality[0].when", "required");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{}}]})", "modality[0].modality", "required");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{},"modality":"formal"},{"when":{},"modality":"unclassified"}]})",
                     "modality[1].modality", "enum");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{},"modality":"formal","priority":1}]})", "modality[0].priority",
                     "additionalProperties");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":[],"modality":"formal"}]})", "modality[0].when", "type");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{},"modality":"formal","description":7}]})", "modality[0].description",
                     "type");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"verb":"http://a.example.com/v","verb":"http://b.example.com/v"},"modality":"formal"}]})",
                     "modality[0].when.verb", "duplicate-key");
}

TEST(RulesDocument, UnknownConditionKeys) {
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"actor":"mailto:a@b.c"},"modality":"formal"}]})",
                     "modality[0].when.actor", "additionalProperties");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"Verb":"http://a.example.com/v"},"modality":"formal"}]})",
                     "modality[0].when.Verb", "additionalProperties");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{"extension":{"key":"http://a.example.com/k","value":1,"op":"eq"}},"competency":"x","level":1}]})",
                     "competency[0].when.extension.op", "additionalProperties");
}

TEST(RulesDocument, ConditionValueErrors) {
  const std::string ok = R"({"when":{},"modality":"formal"},{"when":{},"modality":"formal"},)";
  EXPECT_RULES_ERROR(R"({"modality":[)" + ok + R"({"when":{"verb":"completed"},"modality":"formal"}]})",
                     "modality[2].when.verb", "iri");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"verb":["http://a.example.com/v","not an iri"]},"modality":"formal"}]})",
                     "modality[0].when.verb[1]", "iri");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"activityType":"course"},"modality":"formal"}]})",
                     "modality[0].when.activityType", "iri");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"category":"cmi5"},"modality":"formal"}]})",
                     "modality[0].when.category", "iri");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"extension":{"key":"mode","value":"x"}},"modality":"formal"}]})",
                     "modality[0].when.extension.key", "iri");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"extension":{"key":"http://a.example.com/k"}},"modality":"formal"}]})",
                     "modality[0].when.extension.value", "required");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"verb":3},"modality":"formal"}]})", "modality[0].when.verb", "type");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"verb":[]},"modality":"formal"}]})", "modality[0].when.verb", "minItems");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"verb":[3]},"modality":"formal"}]})", "modality[0].when.verb[0]", "type");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"activityIdPrefix":""},"modality":"formal"}]})",
                     "modality[0].when.activityIdPrefix", "minLength");
  EXPECT_RULES_ERROR(R"({"modality":[{"when":{"platform":null},"modality":"formal"}]})", "modality[0].when.platform",
                     "type");
  // Neither prefixes nor platforms are IRIs.
  EXPECT_TRUE(ParseRules(R"({"modality":[{"when":{"activityIdPrefix":"lms-42/","platform":"Moodle 4.1"},"modality":"formal"}]})")
                  .ok());
}

TEST(RulesDocument, CompetencyRuleErrors) {
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"level":1}]})", "competency[0].competency", "required");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x"}]})", "competency[0].level", "required");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"","level":1}]})", "competency[0].competency",
                     "minLength");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x","level":0}]})", "competency[0].level", "minimum");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x","level":11}]})", "competency[0].level", "maximum");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x","level":1.5}]})", "competency[0].level", "type");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x","level":"2"}]})", "competency[0].level", "type");
  EXPECT_RULES_ERROR(R"({"competency":[{"when":{},"competency":"x","level":1,"modality":"formal"}]})",
                     "competency[0].modality", "additionalProperties");
}

// ---- Canonical source ----------------------------------------------------------------------------------

TEST(RulesDocument, SourceIsCanonical) {
  auto rules = Compile(R"({
    "competency": [{"level": 2, "competency": "negotiation", "when": {"verb": "http://adlnet.gov/expapi/verbs/passed"}}],
    "modality": [{"modality": "formal", "description": "LMS courses",
                  "when": {"extension": {"value": {"b": 1, "a": [1, 2]}, "key": "http://example.com/k"},
                           "platform": "Moodle", "verb": ["http://adlnet.gov/expapi/verbs/passed"]}}],
    "description": "ours"})");
  EXPECT_EQ(rules->source(),
            R"({"description":"ours","modality":[{"description":"LMS courses","when":{"verb":["http://adlnet.gov/expapi/verbs/passed"],)"
            R"("platform":"Moodle","extension":{"key":"http://example.com/k","value":{"b":1,"a":[1,2]}}},"modality":"formal"}],)"
            R"("competency":[{"when":{"verb":"http://adlnet.gov/expapi/verbs/passed"},"competency":"negotiation","level":2}]})");
  auto again = Compile(rules->source());
  EXPECT_EQ(again->source(), rules->source());
  EXPECT_EQ(Compile("{}")->source(), R"({"modality":[],"competency":[]})");
}

// ---- The default rule set ------------------------------------------------------------------------------

class DefaultRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = ParseRules(DefaultRulesJson());
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    rules_ = new std::shared_ptr<const Rules>(*r);
  }
  static void TearDownTestSuite() {
    delete rules_;
    rules_ = nullptr;
  }
  static const Rules& rules() { return **rules_; }
  static Modality Of(std::string_view statement) { return Classify(rules(), statement); }

  static std::shared_ptr<const Rules>* rules_;
};
std::shared_ptr<const Rules>* DefaultRules::rules_ = nullptr;

TEST_F(DefaultRules, PassItsOwnSchemaAndDefineNoCompetencies) {
  EXPECT_FALSE(DefaultRulesJson().empty());
  EXPECT_NE(rules().source().find("\"competency\":[]"), std::string::npos);
  // Every rule explains itself.
  auto doc = Json(DefaultRulesJson());
  ASSERT_TRUE(doc.IsObject() && doc["modality"].IsArray());
  EXPECT_GE(doc["modality"].Size(), 10u);
  for (const auto& rule : doc["modality"].GetArray())
    EXPECT_TRUE(rule.HasMember("description") && rule["description"].GetStringLength() > 20);
  EXPECT_EQ(doc["competency"].Size(), 0u);
}

TEST_F(DefaultRules, Cmi5IsFormal) {
  // A cmi5 AU's "passed", as a cmi5 player sends it.
  EXPECT_EQ(Of(R"({
    "id": "0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f", "timestamp": "2026-10-15T09:12:44.120Z",
    "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example.com", "name": "ana"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {"objectType": "Activity", "id": "https://lms.example.com/au/negotiation-1",
               "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"}},
    "result": {"score": {"scaled": 0.86}, "success": true, "duration": "PT23M12.5S"},
    "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
      "contextActivities": {"category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"},
                                         {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
                            "grouping": [{"id": "https://lms.example.com/course/negotiation"}]},
      "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-123"}}})"),
            Modality::kFormal);
  // The LMS's "satisfied" for a cmi5 block (no AU type at all).
  EXPECT_EQ(Of(Statement("https://w3id.org/xapi/adl/verbs/satisfied", "https://lms.example.com/block/1",
                         "https://w3id.org/xapi/cmi5/activitytype/block")),
            Modality::kFormal);
  // A cmi5-defined statement is formal whatever its object: the category rule comes before the
  // video rule. (cmi5 "allowed" statements carry no cmi5 category and are classified by type.)
  EXPECT_EQ(Of(Statement(kCompleted, "https://lms.example.com/au/intro-video", kVideo,
                         R"(,"context":{"contextActivities":{"category":[{"id":"https://w3id.org/xapi/cmi5/context/categories/cmi5"}]}})")),
            Modality::kFormal);
}

TEST_F(DefaultRules, LmsAndScormContentIsFormal) {
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/registered", "https://lms.example.com/course/42", kCourse)),
            Modality::kFormal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/attended", "https://lms.example.com/course/42",
                         "https://w3id.org/xapi/virtual-classroom/activity-types/virtual-classroom")),
            Modality::kFormal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/failed", "https://lms.example.com/quiz/7",
                         "http://adlnet.gov/expapi/activities/assessment")),
            Modality::kFormal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/answered", "https://lms.example.com/quiz/7/q3",
                         "http://adlnet.gov/expapi/activities/cmi.interaction")),
            Modality::kFormal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/progressed", "https://lms.example.com/m/1",
                         "http://adlnet.gov/expapi/activities/module",
                         R"(,"context":{"contextActivities":{"category":[{"id":"https://w3id.org/xapi/scorm"}]}})")),
            Modality::kFormal);
  // "experienced" a module from a micro-learning app is not taken as formal.
  EXPECT_EQ(Of(Statement(kExperienced, "https://app.example.com/m/1", "http://adlnet.gov/expapi/activities/module")),
            Modality::kUnclassified);
}

TEST_F(DefaultRules, WorkLoggedFromMobileAppsIsExperiential) {
  // A field app's completed task with its duration.
  EXPECT_EQ(Of(R"({
    "id": "9b2f6a0e-2d7c-4a55-8f3e-6c1b0d9e8a71", "timestamp": "2026-10-16T14:03:00+02:00",
    "actor": {"objectType": "Agent", "account": {"homePage": "https://field.example.com", "name": "ana"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
    "object": {"id": "https://field.example.com/jobs/8812/install-router",
               "definition": {"type": "http://activitystrea.ms/schema/1.0/task", "name": {"en": "Install router"}}},
    "result": {"completion": true, "duration": "PT1H12M"},
    "context": {"platform": "Field App for Android",
                "extensions": {"http://id.tincanapi.com/extension/geojson": {"type": "Point", "coordinates": [-9.14, 38.72]}}}})"),
            Modality::kExperiential);
  EXPECT_EQ(Of(Statement("http://activitystrea.ms/schema/1.0/complete", "https://field.example.com/obs/1",
                         "http://id.tincanapi.com/activitytype/checklist-item")),
            Modality::kExperiential);
  EXPECT_EQ(Of(Statement(kCompleted, "https://sim.example.com/s/1", "http://adlnet.gov/expapi/activities/performance")),
            Modality::kExperiential);
  // "experienced" only with a work activity: a site visit is experiential, a video is not.
  EXPECT_EQ(Of(Statement(kExperienced, "https://field.example.com/sites/porto", "http://activitystrea.ms/schema/1.0/place")),
            Modality::kExperiential);
  EXPECT_EQ(Of(Statement("http://id.tincanapi.com/verb/performed-offline", "https://crm.example.com/opp/77",
                         "http://id.tincanapi.com/activitytype/sales-opportunity")),
            Modality::kExperiential);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/commented", "https://field.example.com/sites/porto",
                         "http://activitystrea.ms/schema/1.0/place")),
            Modality::kInformal);  // a comment is social, wherever it is made
  EXPECT_EQ(Of(Statement(kExperienced, "https://x.example.com/v", kVideo)), Modality::kInformal);
  EXPECT_EQ(Of(Statement(kExperienced, "https://x.example.com/thing", "")), Modality::kUnclassified);
}

TEST_F(DefaultRules, SelfDirectedAndSocialLearningIsInformal) {
  // The xAPI video profile's "played".
  EXPECT_EQ(Of(R"({
    "actor": {"mbox": "mailto:ana@example.com"},
    "verb": {"id": "https://w3id.org/xapi/video/verbs/played"},
    "object": {"id": "https://videos.example.com/negotiation-tips",
               "definition": {"type": "https://w3id.org/xapi/video/activity-type/video"}},
    "result": {"extensions": {"https://w3id.org/xapi/video/extensions/time": 0}},
    "context": {"contextActivities": {"category": [{"id": "https://w3id.org/xapi/video"}]}}})"),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://activitystrea.ms/schema/1.0/watch", "https://yt.example.com/v/1",
                         "http://activitystrea.ms/schema/1.0/video")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://activitystrea.ms/schema/1.0/read", "https://blog.example.com/pricing",
                         "http://activitystrea.ms/schema/1.0/article")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement(kExperienced, "https://wiki.example.com/page/1", "http://activitystrea.ms/schema/1.0/page")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://activitystrea.ms/schema/1.0/listen", "https://pod.example.com/ep/12",
                         "http://activitystrea.ms/schema/1.0/audio")),
            Modality::kInformal);
  // Mentoring: the mentor mentored the mentee (an Agent object).
  EXPECT_EQ(Of(R"({"actor":{"mbox":"mailto:bo@example.com"},"verb":{"id":"http://id.tincanapi.com/verb/mentored"},
                   "object":{"objectType":"Agent","mbox":"mailto:ana@example.com"},"result":{"duration":"PT45M"}})"),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/attended", "https://coach.example.com/sessions/3",
                         "http://id.tincanapi.com/activitytype/tutor-session")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/commented", "https://community.example.com/t/99",
                         "http://id.tincanapi.com/activitytype/discussion")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/asked", "https://community.example.com/q/5", "")),
            Modality::kInformal);
  EXPECT_EQ(Of(Statement("http://adlnet.gov/expapi/verbs/attended", "https://events.example.com/webinar/5",
                         "http://id.tincanapi.com/activitytype/webinar")),
            Modality::kInformal);
}

TEST_F(DefaultRules, DeclaredModalityWins) {
  const std::string declared =
      R"(,"context":{"extensions":{"http://lrsd.local/extensions/modality":"experiential"}})";
  EXPECT_EQ(Of(Statement(kCompleted, "https://videos.example.com/v", kVideo, declared)), Modality::kExperiential);
  EXPECT_EQ(Of(Statement(kCompleted, "https://x.example.com/a", "",
                         R"(,"result":{"extensions":{"http://lrsd.local/extensions/modality":"formal"}})")),
            Modality::kFormal);
  EXPECT_EQ(Of(Statement(kCompleted, "https://x.example.com/a", "",
                         R"(,"context":{"extensions":{"http://lrsd.local/extensions/modality":"other"}})")),
            Modality::kUnclassified);
}

TEST_F(DefaultRules, VoidingStatementsAreUnclassified) {
  EXPECT_EQ(Of(R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},
                   "object":{"objectType":"StatementRef","id":"0a7c3e2e-5b3d-4c1e-9f1c-3c8c7a1d2e4f"}})"),
            Modality::kUnclassified);
}


}  // namespace
}  // namespace lrsd::profile
