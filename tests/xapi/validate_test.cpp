// Statement validation (src/xapi/validate.cpp, schemas/): schema loading, and accepted and
// rejected statements for every statement rule of xAPI 1.0.3 and 2.0.0, asserting the error
// path and rule. Vectors follow the ADL LRS conformance suite's configs (formatting.js,
// agents.js, groups.js, ifis.js, activities.js, contexts.js, contextagents.js, ...), rewritten
// here as base statements plus JSON Pointer edits.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "lrsd/xapi.h"

namespace lrsd::xapi {

// Generated from schemas/ (src/xapi/embed_schemas.cmake).
extern const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[];
extern const std::size_t kEmbeddedSchemaCount;

namespace {

constexpr Version kBoth[] = {Version::k1_0, Version::k2_0};

const char* Name(Version v) { return v == Version::k2_0 ? "2.0" : "1.0"; }

constexpr std::string_view kMinimal = R"({
  "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-GB": "attended", "en-US": "attended"}},
  "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"}
})";

// A statement using most properties (about 1.3 KB).
constexpr std::string_view kTypical = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "timestamp": "2015-11-18T12:17:00+00:00",
  "actor": {"objectType": "Agent", "name": "Project Tin Can API", "mbox": "mailto:user@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "de-DE": "beantwortete"}},
  "object": {"id": "http://adlnet.gov/expapi/activities/example/question-1", "objectType": "Activity",
    "definition": {"name": {"en-US": "Example Question 1"}, "description": {"en-US": "Which of these is correct?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "moreInfo": "http://example.com/q1",
      "interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"],
      "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}},
                  {"id": "tetris", "description": {"en-US": "Tetris Example"}}],
      "extensions": {"http://example.com/ext/difficulty": 3}}},
  "result": {"score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100}, "success": true, "completion": true,
    "response": "golf[,]tetris", "duration": "PT1M30.5S", "extensions": {"http://example.com/ext/attempts": 2}},
  "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "instructor": {"name": "Teacher", "account": {"homePage": "http://example.com", "name": "t1"}},
    "contextActivities": {"parent": [{"id": "http://example.com/courses/course-1", "objectType": "Activity"}],
      "category": [{"id": "http://example.com/profiles/cmi5"}]},
    "revision": "r2", "platform": "Example LMS", "language": "en-US",
    "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    "extensions": {"http://example.com/ext/session": "abc123"}}
})";

constexpr std::string_view kAttachment = R"j({
  "usageType": "http://example.com/attachment-usage/test",
  "display": {"en-US": "A test attachment"},
  "description": {"en-US": "A test attachment (description)"},
  "contentType": "text/plain; charset=ascii",
  "length": 27,
  "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
  "fileUrl": "http://over.there.com/file.txt"
})j";

constexpr std::string_view kSubStatement = R"({
  "objectType": "SubStatement",
  "actor": {"objectType": "Agent", "mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/reported", "display": {"en-US": "reported"}},
  "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"}
})";

// A statement as a document plus edits addressed by JSON Pointer.
class Stmt {
 public:
  explicit Stmt(std::string_view json = kMinimal) {
    doc_.Parse(json.data(), json.size());
    EXPECT_FALSE(doc_.HasParseError()) << json;
  }
  Stmt(const Stmt& other) { doc_.CopyFrom(other.doc_, doc_.GetAllocator()); }
  Stmt(Stmt&&) = default;
  // Sets the value at `pointer` (created if missing) to the JSON text `json`.
  Stmt& Set(const char* pointer, std::string_view json) {
    rapidjson::Document v;
    v.Parse(json.data(), json.size());
    EXPECT_FALSE(v.HasParseError()) << json;
    rapidjson::Value copy(v, doc_.GetAllocator());
    rapidjson::Pointer(pointer).Set(doc_, copy);
    return *this;
  }
  Stmt& SetString(const char* pointer, std::string_view s) {
    rapidjson::Value v(s.data(), static_cast<rapidjson::SizeType>(s.size()), doc_.GetAllocator());
    rapidjson::Pointer(pointer).Set(doc_, v);
    return *this;
  }
  Stmt& Erase(const char* pointer) {
    EXPECT_TRUE(rapidjson::Pointer(pointer).Erase(doc_)) << pointer;
    return *this;
  }
  const rapidjson::Document& doc() const { return doc_; }

 private:
  rapidjson::Document doc_;
};

Stmt WithSub() { return std::move(Stmt().Set("/object", kSubStatement)); }

::testing::AssertionResult Accepted(const Stmt& s, Version v) {
  Status st = ValidateStatement(s.doc(), v, "statement");
  if (st.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Name(v) << " rejected: " << st.error().ToString();
}

::testing::AssertionResult Rejected(const Stmt& s, Version v, std::string_view path, std::string_view rule) {
  Status st = ValidateStatement(s.doc(), v, "statement");
  if (st.ok())
    return ::testing::AssertionFailure() << Name(v) << " accepted, expected " << path << " " << rule;
  const Error& e = st.error();
  if (e.status != 400 || e.path != path || e.rule != rule || e.message.empty())
    return ::testing::AssertionFailure()
           << Name(v) << " got " << e.status << " " << e.ToString() << " [" << e.path << " | " << e.rule
           << "], expected [" << path << " | " << rule << "]";
  return ::testing::AssertionSuccess();
}

// Both versions.
#define EXPECT_ACCEPTED(stmt)                                   \
  do {                                                          \
    for (Version v_ : kBoth) EXPECT_TRUE(Accepted((stmt), v_)); \
  } while (0)
#define EXPECT_REJECTED(stmt, path, rule)                                       \
  do {                                                                          \
    for (Version v_ : kBoth) EXPECT_TRUE(Rejected((stmt), v_, (path), (rule))); \
  } while (0)

class ValidateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(LoadSchemas("").ok()); }
};

// ---- Schemas ----------------------------------------------------------------------------------

TEST(SchemaLoadTest, EmbeddedSchemasArePresentAndLoad) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kEmbeddedSchemaCount; ++i) {
    names.emplace_back(kEmbeddedSchemas[i].first);
    rapidjson::Document d;
    d.Parse(kEmbeddedSchemas[i].second.data(), kEmbeddedSchemas[i].second.size());
    EXPECT_FALSE(d.HasParseError()) << names.back();
    // The statement schemas; schemas/admin/ also holds data (the default rules).
    if (names.back().rfind("1.0/", 0) == 0 || names.back().rfind("2.0/", 0) == 0) {
      EXPECT_TRUE(d.IsObject() && d.HasMember("definitions")) << names.back();
    }
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "1.0/statement.json"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "2.0/statement.json"), names.end());
  Status st = LoadSchemas("");
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().ToString());
}

TEST(SchemaLoadTest, LoadsFromSourceDirectory) {
  Status st = LoadSchemas(std::string(LRSD_SOURCE_DIR) + "/schemas");
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  EXPECT_TRUE(ValidateStatement(Stmt().doc(), Version::k2_0, "statement").ok());
  ASSERT_TRUE(LoadSchemas("").ok());
}

class SchemaDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lrsd_schema_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "1.0");
    std::filesystem::create_directories(dir_ / "2.0");
    for (const char* v : {"1.0", "2.0"}) {
      std::ifstream in(std::string(LRSD_SOURCE_DIR) + "/schemas/" + v + "/statement.json");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Write(std::string(v) + "/statement.json", text);
    }
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(LoadSchemas("").ok());
  }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream out(dir_ / rel, std::ios::trunc);
    out << text;
  }
  std::filesystem::path dir_;
};

TEST_F(SchemaDirTest, CopyLoads) { EXPECT_TRUE(LoadSchemas(dir_.string()).ok()); }

TEST_F(SchemaDirTest, MissingFileIsNamed) {
  std::filesystem::remove(dir_ / "2.0/statement.json");
  Status st = LoadSchemas(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("2.0/statement.json"), std::string::npos) << st.error().message;
}

TEST_F(SchemaDirTest, BrokenJsonIsNamed) {
  Write("1.0/statement.json", "{\"definitions\": {");
  Status st = LoadSchemas(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("1.0/statement.json"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("parse error"), std::string::npos) << st.error().message;
}

TEST_F(SchemaDirTest, DanglingRefAndMissingDefinitionAreReported) {
  Write("2.0/statement.json", R"({"definitions": {"statement": {"$ref": "#/definitions/nowhere"}}})");
  Status st = LoadSchemas(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("#/definitions/nowhere"), std::string::npos) << st.error().message;

  Write("2.0/statement.json", R"({"definitions": {"statement": {"type": "object"}}})");
  st = LoadSchemas(dir_.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("missing definition"), std::string::npos) << st.error().message;
}

TEST_F(SchemaDirTest, SchemaFromDirectoryIsUsed) {
  // Tighten the verb in the 2.0 copy: display becomes required.
  std::ifstream in(dir_ / "2.0/statement.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string needle = "\"verb\": {\n      \"type\": \"object\",\n      \"required\": [\"id\"]";
  const std::size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, needle.size(),
               "\"verb\": {\n      \"type\": \"object\",\n      \"required\": [\"id\", \"display\"]");
  Write("2.0/statement.json", text);
  ASSERT_TRUE(LoadSchemas(dir_.string()).ok());
  Stmt s = std::move(Stmt().Erase("/verb/display"));
  EXPECT_TRUE(Rejected(s, Version::k2_0, "statement.verb.display", "XAPI-00045"));
  EXPECT_TRUE(Accepted(s, Version::k1_0));
}

// ---- Whole statements -------------------------------------------------------------------------

TEST_F(ValidateTest, AcceptsMinimalAndTypicalStatements) {
  EXPECT_ACCEPTED(Stmt());
  EXPECT_ACCEPTED(Stmt(kTypical));
  EXPECT_ACCEPTED(Stmt().Erase("/actor/objectType").Erase("/object/objectType").Erase("/verb/display"));
}

TEST_F(ValidateTest, StatementMustBeAnObject) {
  EXPECT_REJECTED(Stmt("[]"), "statement", "XAPI-00006");
  EXPECT_REJECTED(Stmt("\"x\""), "statement", "XAPI-00006");
  EXPECT_REJECTED(Stmt("null"), "statement", "XAPI-00001");
}

TEST_F(ValidateTest, RequiredProperties) {  // XAPI-00003..00005
  EXPECT_REJECTED(Stmt().Erase("/actor"), "statement.actor", "XAPI-00003");
  EXPECT_REJECTED(Stmt().Erase("/verb"), "statement.verb", "XAPI-00004");
  EXPECT_REJECTED(Stmt().Erase("/object"), "statement.object", "XAPI-00005");
}

TEST_F(ValidateTest, PathPrefixAndIndexes) {
  Stmt s = std::move(Stmt().SetString("/actor/mbox", "xapi@adlnet.gov"));
  for (Version v : kBoth) {
    Status st = ValidateStatement(s.doc(), v, "statement[3]");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().path, "statement[3].actor.mbox");
    EXPECT_EQ(st.error().rule, "XAPI-00038");
    EXPECT_EQ(st.error().message, "must be a mailto IRI");
    EXPECT_EQ(st.error().status, 400);
  }
  Stmt t(kTypical);
  t.Set("/context/contextActivities/parent/1", R"({"id": "not an iri"})");
  EXPECT_REJECTED(t, "statement.context.contextActivities.parent[1].id", "XAPI-00047");
}

// ---- Formatting (Data 2.2) --------------------------------------------------------------------

TEST_F(ValidateTest, NullValuesRejectedExceptInExtensions) {  // XAPI-00001
  EXPECT_REJECTED(Stmt().Set("/actor/name", "null"), "statement.actor.name", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/verb/display/en-US", "null"), "statement.verb.display[\"en-US\"]",
                  "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"registration": null})"), "statement.context.registration",
                  "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"moreInfo": null})"),
                  "statement.object.definition.moreInfo", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/timestamp", "null"), "statement.timestamp", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/actor", "null"), "statement.actor", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/actor/objectType", "null"), "statement.actor.objectType", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/object/objectType", "null"), "statement.object.objectType", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"interactionType": null})"),
                  "statement.object.definition.interactionType", "XAPI-00001");
  EXPECT_REJECTED(Stmt().Set("/result", R"({"score": {"raw": null}})"), "statement.result.score.raw",
                  "XAPI-00001");
  // XAPI-00119: extension values may be null, empty strings or empty objects; extensions may be empty.
  const char* ext =
      R"({"http://example.com/null": null, "http://example.com/empty": "", "http://example.com/o": {}})";
  EXPECT_ACCEPTED(Stmt().Set("/object/definition/extensions", ext));
  EXPECT_ACCEPTED(Stmt().Set("/result", "{}").Set("/result/extensions", ext));
  EXPECT_ACCEPTED(Stmt().Set("/context", "{}").Set("/context/extensions", ext));
  EXPECT_ACCEPTED(Stmt().Set("/context", R"({"extensions": {}})"));
  EXPECT_ACCEPTED(WithSub().Set("/object/result", "{}").Set("/object/result/extensions", ext));
  EXPECT_ACCEPTED(WithSub().Set("/object/object/definition/extensions", ext));
}

TEST_F(ValidateTest, WrongDataTypes) {  // XAPI-00006
  EXPECT_REJECTED(Stmt(kTypical).SetString("/result/score/max", "100"), "statement.result.score.max",
                  "XAPI-00080");
  EXPECT_REJECTED(Stmt(kTypical).SetString("/result/score/raw", "95"), "statement.result.score.raw",
                  "XAPI-00082");
  EXPECT_REJECTED(Stmt(kTypical).SetString("/result/success", "true"), "statement.result.success",
                  "XAPI-00074");
  EXPECT_REJECTED(Stmt(kTypical).SetString("/result/completion", "false"), "statement.result.completion",
                  "XAPI-00075");
  EXPECT_REJECTED(Stmt(kTypical).Set("/result/response", "12345"), "statement.result.response", "XAPI-00076");
  EXPECT_REJECTED(Stmt(kTypical).Set("/result", "\"done\""), "statement.result", "XAPI-00006");
  EXPECT_REJECTED(Stmt(kTypical).Set("/result/score", "95"), "statement.result.score", "XAPI-00079");
  EXPECT_REJECTED(Stmt().Set("/verb", "\"attended\""), "statement.verb", "XAPI-00004");
  EXPECT_REJECTED(Stmt().Set("/id", "12345"), "statement.id", "XAPI-00027");
  EXPECT_REJECTED(Stmt().Set("/id", R"({"key": "should fail"})"), "statement.id", "XAPI-00027");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/revision", "5"), "statement.context.revision", "XAPI-00089");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/platform", "{}"), "statement.context.platform", "XAPI-00090");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/language", "5"), "statement.context.language", "XAPI-00091");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/contextActivities", "\"x\""),
                  "statement.context.contextActivities", "XAPI-00086");
  EXPECT_REJECTED(Stmt().Set("/actor/account", R"({"homePage": "http://example.com", "name": {"key": "x"}})"),
                  "statement.actor.account.name", "XAPI-00043");
}

TEST_F(ValidateTest, KeysAreCaseSensitiveAndUnknownKeysRejected) {  // XAPI-00008, XAPI-00010
  EXPECT_REJECTED(Stmt().SetString("/iD", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"), "statement.iD",
                  "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/Actor", R"({"mbox": "mailto:a@b.c"})"), "statement.Actor", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/veRb", R"({"id": "http://x.y/z"})"), "statement.veRb", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/oBject", R"({"id": "http://x.y/z"})"), "statement.oBject", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/RESULT", "{}"), "statement.RESULT", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/conText", "{}"), "statement.conText", "XAPI-00008");
  EXPECT_REJECTED(Stmt().SetString("/timeStamp", "2015-11-18T12:17:00Z"), "statement.timeStamp",
                  "XAPI-00008");
  EXPECT_REJECTED(Stmt().SetString("/STOred", "2015-11-18T12:17:00Z"), "statement.STOred", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/auTHORity", R"({"mbox": "mailto:a@b.c"})"), "statement.auTHORity",
                  "XAPI-00008");
  EXPECT_REJECTED(Stmt().SetString("/Version", "1.0.0"), "statement.Version", "XAPI-00008");
  EXPECT_REJECTED(Stmt().Set("/attachmentS", "[]"), "statement.attachmentS", "XAPI-00008");
  EXPECT_REJECTED(Stmt().SetString("/actor/MBOX", "mailto:a@b.c"), "statement.actor.MBOX", "XAPI-00008");
  EXPECT_REJECTED(Stmt().SetString("/foo", "bar"), "statement.foo", "XAPI-00010");
  EXPECT_REJECTED(Stmt().SetString("/objectType", "Statement"), "statement.objectType", "XAPI-00010");
  EXPECT_REJECTED(Stmt().SetString("/verb/foo", "bar"), "statement.verb.foo", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/actor/member", "[]"), "statement.actor.member", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"moreinfo": "http://x.y"})"),
                  "statement.object.definition.moreinfo", "XAPI-00008");
}

TEST_F(ValidateTest, EnumeratedValuesAreCaseSensitive) {  // XAPI-00009
  for (const char* bad : {"true-faLse", "choiCe", "fill-iN", "long-fiLl-in", "matchIng", "perfOrmance",
                          "seqUencing", "liKert", "nUmeric", "Other"}) {
    EXPECT_REJECTED(
        Stmt().Set("/object/definition", "{}").SetString("/object/definition/interactionType", bad),
        "statement.object.definition.interactionType", "XAPI-00009");
  }
  EXPECT_REJECTED(Stmt().SetString("/actor/objectType", "agent"), "statement.actor.objectType", "XAPI-00009");
  EXPECT_REJECTED(Stmt().SetString("/object/objectType", "activity"), "statement.object.objectType",
                  "XAPI-00009");
  EXPECT_REJECTED(
      Stmt().Set("/object",
                 R"({"objectType": "statementref", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"})"),
      "statement.object.objectType", "XAPI-00009");
  EXPECT_REJECTED(Stmt().Set("/object", kSubStatement).SetString("/object/objectType", "substatement"),
                  "statement.object.objectType", "XAPI-00009");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"statement": {"objectType": "statementRef",
                      "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}})"),
                  "statement.context.statement.objectType", "XAPI-00009");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"interactionType": "essay"})"),
                  "statement.object.definition.interactionType", "XAPI-00049");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"interactionType": 12345})"),
                  "statement.object.definition.interactionType", "XAPI-00049");
}

TEST_F(ValidateTest, IrisNeedAScheme) {  // XAPI-00011 and the per-property rules
  EXPECT_REJECTED(Stmt().SetString("/verb/id", "adlnet.gov/expapi/verbs/attended"), "statement.verb.id",
                  "XAPI-00044");
  EXPECT_REJECTED(Stmt().SetString("/verb/id", ""), "statement.verb.id", "XAPI-00044");
  EXPECT_REJECTED(Stmt().SetString("/object/id", "www.example.com/meetings/occurances/34534"),
                  "statement.object.id", "XAPI-00047");
  EXPECT_REJECTED(Stmt().SetString("/object/id", "ab=c://should.fail.com"), "statement.object.id",
                  "XAPI-00047");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"type": "should error"})"),
                  "statement.object.definition.type", "XAPI-00060");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"moreInfo": "virtualmeeting.example.com/345256"})"),
                  "statement.object.definition.moreInfo", "XAPI-00061");
  EXPECT_REJECTED(Stmt().Erase("/actor/mbox").SetString("/actor/openid", "open.id.com/testUser"),
                  "statement.actor.openid", "XAPI-00040");
  EXPECT_REJECTED(Stmt()
                      .Erase("/actor/mbox")
                      .Set("/actor/account", R"({"homePage": "homePage.com/testUser", "name": "123456"})"),
                  "statement.actor.account.homePage", "XAPI-00042");
  EXPECT_REJECTED(Stmt()
                      .Set("/attachments", "[]")
                      .Set("/attachments/0", kAttachment)
                      .SetString("/attachments/0/usageType", "example.com/attachment-usage/test"),
                  "statement.attachments[0].usageType", "XAPI-00107");
  EXPECT_REJECTED(Stmt()
                      .Set("/attachments", "[]")
                      .Set("/attachments/0", kAttachment)
                      .SetString("/attachments/0/fileUrl", "over.there.com/file.txt"),
                  "statement.attachments[0].fileUrl", "XAPI-00104");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"extensions": {"not.valid.com/extension": 1234}})"),
                  "statement.object.definition.extensions[\"not.valid.com/extension\"]", "XAPI-00118");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"extensions": {"example.com/extension/wrong": 1234}})"),
                  "statement.context.extensions[\"example.com/extension/wrong\"]", "XAPI-00118");
  EXPECT_REJECTED(Stmt().Set("/result", R"({"extensions": {"should fail": 1}})"),
                  "statement.result.extensions[\"should fail\"]", "XAPI-00118");
  EXPECT_REJECTED(Stmt().Set("/object/definition",
                             R"({"extensions": {"id": "valid", "description": {"en-US": "valid"}}})"),
                  "statement.object.definition.extensions.id", "XAPI-00118");
  // 4.2.7: dot segments are fine.
  EXPECT_ACCEPTED(Stmt().SetString("/object/id", "http://example.com/path/../slug"));
}

TEST_F(ValidateTest, LanguageMapKeysAreLanguageTags) {  // XAPI-00013, XAPI-00121
  EXPECT_ACCEPTED(Stmt().Set("/verb/display", R"({"de": "besucht"})"));
  EXPECT_ACCEPTED(
      Stmt().Set("/object/definition", R"({"name": {"de-DE": "x"}, "description": {"zh-Hant": "x"}})"));
  EXPECT_ACCEPTED(Stmt().Set("/context", R"({"language": "cmn"})"));
  EXPECT_ACCEPTED(
      Stmt().Set("/verb/display", R"({"sr-Cyrl": "x", "zh-Hans-CN": "y", "ase": "z", "tlh": "q"})"));
  EXPECT_REJECTED(Stmt().Set("/verb/display", R"({"something": "besucht"})"),
                  "statement.verb.display.something", "XAPI-00013");
  EXPECT_REJECTED(Stmt().Set("/verb/display", R"({"a12345678": "x"})"), "statement.verb.display.a12345678",
                  "XAPI-00013");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"name": {"zh-z-aaa-z-bbb-c-ccc": "x"}})"),
                  "statement.object.definition.name[\"zh-z-aaa-z-bbb-c-ccc\"]", "XAPI-00013");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"description": {"en-US": "x", "es-MX-": "y"}})"),
                  "statement.object.definition.description[\"es-MX-\"]", "XAPI-00013");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"language": "something"})"), "statement.context.language",
                  "XAPI-00013");
  EXPECT_REJECTED(Stmt().Set("/verb/display", R"({"en-US": 5})"), "statement.verb.display[\"en-US\"]",
                  "XAPI-00045");
  EXPECT_REJECTED(Stmt().Set("/verb/display", "\"attended\""), "statement.verb.display", "XAPI-00045");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"name": 1234})"), "statement.object.definition.name",
                  "XAPI-00056");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"description": "text"})"),
                  "statement.object.definition.description", "XAPI-00059");
  Stmt att = std::move(Stmt().Set("/attachments", "[]").Set("/attachments/0", kAttachment));
  EXPECT_ACCEPTED(Stmt(att).Set("/attachments/0/display", R"({"es": "Un accesorio de prueba"})"));
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/display", R"({"something": "x"})"),
                  "statement.attachments[0].display.something", "XAPI-00013");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/description", R"({"en-US": "x", "something": "y"})"),
                  "statement.attachments[0].description.something", "XAPI-00013");
}

// ---- Actor: Agents and Groups (Data 2.4.2) ----------------------------------------------------

TEST_F(ValidateTest, AgentIdentifiers) {  // XAPI-00034, XAPI-00038..00043
  const char* account = R"({"homePage": "http://www.example.com", "name": "xAPI account name"})";
  EXPECT_ACCEPTED(Stmt().Set("/actor", R"({"mbox": "mailto:a@example.com"})"));
  EXPECT_ACCEPTED(Stmt().Set("/actor", R"({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"})"));
  EXPECT_ACCEPTED(Stmt().Set("/actor", R"({"openid": "http://openid.example.org/12345"})"));
  EXPECT_ACCEPTED(Stmt().Set("/actor", "{}").Set("/actor/account", account));
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Agent", "name": "nobody"})"), "statement.actor",
                  "XAPI-00034");
  EXPECT_REJECTED(Stmt().SetString("/actor/openid", "http://openid.example.org/12345"), "statement.actor",
                  "XAPI-00034");
  EXPECT_REJECTED(Stmt().SetString("/actor/mbox_sha1sum", "cd9b00a5611f94eaa7b1661edab976068e364975"),
                  "statement.actor", "XAPI-00034");
  EXPECT_REJECTED(Stmt().Set("/actor/account", account), "statement.actor", "XAPI-00034");
  EXPECT_REJECTED(Stmt().SetString("/actor/mbox", "xapi@adlnet.gov"), "statement.actor.mbox", "XAPI-00038");
  EXPECT_REJECTED(Stmt().SetString("/actor/mbox", "http://adlnet.gov"), "statement.actor.mbox", "XAPI-00038");
  EXPECT_REJECTED(Stmt().SetString("/actor/mbox", ""), "statement.actor.mbox", "XAPI-00038");  // XAPI-00007
  EXPECT_REJECTED(Stmt().Set("/actor/mbox", "5"), "statement.actor.mbox", "XAPI-00038");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"mbox_sha1sum": "not a hash"})"), "statement.actor.mbox_sha1sum",
                  "XAPI-00039");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"mbox_sha1sum": 1234})"), "statement.actor.mbox_sha1sum",
                  "XAPI-00039");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"openid": "not a uri"})"), "statement.actor.openid", "XAPI-00040");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"account": {"name": "x"}})"), "statement.actor.account.homePage",
                  "XAPI-00042");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"account": {"homePage": "http://x.y"}})"),
                  "statement.actor.account.name", "XAPI-00043");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"account": {"homePage": "http://x.y", "name": "n", "extra": 1}})"),
                  "statement.actor.account.extra", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"account": "x"})"), "statement.actor.account", "XAPI-00041");
  EXPECT_REJECTED(Stmt().Set("/actor/name", "5"), "statement.actor.name", "XAPI-00033");
}

TEST_F(ValidateTest, ActorObjectType) {  // XAPI-00031, XAPI-00032
  EXPECT_REJECTED(Stmt().SetString("/actor/objectType", "Person"), "statement.actor.objectType",
                  "XAPI-00031");
  EXPECT_REJECTED(Stmt().SetString("/actor/objectType", "Activity"), "statement.actor.objectType",
                  "XAPI-00031");
  EXPECT_REJECTED(Stmt().Set("/actor/objectType", "5"), "statement.actor.objectType", "XAPI-00032");
  EXPECT_REJECTED(Stmt().Set("/actor/objectType", R"({"key": "x"})"), "statement.actor.objectType",
                  "XAPI-00032");
  EXPECT_REJECTED(Stmt().Set("/actor", "\"mailto:a@b.c\""), "statement.actor", "XAPI-00003");
}

TEST_F(ValidateTest, Groups) {  // XAPI-00035..00037
  const char* member = R"([{"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"}])";
  EXPECT_ACCEPTED(
      Stmt().Set("/actor", R"({"objectType": "Group", "name": "Anonymous"})").Set("/actor/member", member));
  EXPECT_ACCEPTED(Stmt().Set("/actor", R"({"objectType": "Group", "mbox": "mailto:g@example.com"})"));
  EXPECT_ACCEPTED(
      Stmt()
          .Set("/actor", R"({"objectType": "Group", "account": {"homePage": "http://x.y", "name": "g"}})")
          .Set("/actor/member", member));
  EXPECT_ACCEPTED(Stmt().Set("/actor", R"({"objectType": "Group", "openid": "http://openid.example.org/g",
      "member": [{"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}, {"openid": "http://o.example/1"}]})"));
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "name": "Anonymous"})"),
                  "statement.actor.member", "XAPI-00035");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "mbox": "mailto:g@example.com",
                      "openid": "http://openid.example.org/g"})"),
                  "statement.actor", "XAPI-00037");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "member": "everyone"})"),
                  "statement.actor.member", "XAPI-00036");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "member": [{"objectType": "Group",
                      "mbox": "mailto:g@example.com"}]})"),
                  "statement.actor.member[0].objectType", "XAPI-00036");
  EXPECT_REJECTED(
      Stmt().Set("/actor", R"({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}, {"name": "x"}]})"),
      "statement.actor.member[1]", "XAPI-00036");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "member": [{"mbox": "a@b.c"}]})"),
                  "statement.actor.member[0].mbox", "XAPI-00038");
  EXPECT_REJECTED(Stmt().Set("/actor", R"({"objectType": "Group", "mbox": "g@example.com"})"),
                  "statement.actor.mbox", "XAPI-00038");
}

// ---- Verb, Object (Data 2.4.3, 2.4.4) ---------------------------------------------------------

TEST_F(ValidateTest, Verb) {  // XAPI-00044, XAPI-00045
  EXPECT_REJECTED(Stmt().Erase("/verb/id"), "statement.verb.id", "XAPI-00044");
  EXPECT_REJECTED(Stmt().Set("/verb/id", "5"), "statement.verb.id", "XAPI-00044");
  EXPECT_REJECTED(Stmt().SetString("/verb/id", "should fail"), "statement.verb.id", "XAPI-00044");
}

TEST_F(ValidateTest, ObjectTypes) {  // XAPI-00046, XAPI-00065, XAPI-00072, XAPI-00073
  EXPECT_ACCEPTED(Stmt().Set("/object", R"({"objectType": "Agent", "mbox": "mailto:a@example.com"})"));
  EXPECT_ACCEPTED(Stmt().Set("/object", R"({"objectType": "Group", "mbox": "mailto:g@example.com"})"));
  EXPECT_ACCEPTED(Stmt().Set(
      "/object", R"({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"})"));
  EXPECT_ACCEPTED(Stmt().Set("/object", R"({"id": "http://example.com/activity"})"));
  EXPECT_REJECTED(Stmt().SetString("/object/objectType", "Statement"), "statement.object.objectType",
                  "XAPI-00046");
  EXPECT_REJECTED(Stmt().Set("/object/objectType", "5"), "statement.object.objectType", "XAPI-00032");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"})"),
                  "statement.object.objectType", "XAPI-00065");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"name": "Group", "member": []})"), "statement.object.objectType",
                  "XAPI-00065");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"objectType": "Agent", "name": "no ifi"})"), "statement.object",
                  "XAPI-00034");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"objectType": "Group", "name": "Anonymous"})"),
                  "statement.object.member", "XAPI-00035");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"objectType": "StatementRef"})"), "statement.object.id",
                  "XAPI-00072");
  EXPECT_REJECTED(
      Stmt().Set("/object",
                 R"({"objectType": "StatementRef", "id": "AA97B177-9383-4934-8543-0F91A7A028368"})"),
      "statement.object.id", "XAPI-00072");
  EXPECT_REJECTED(Stmt().Set("/object", R"({"objectType": "StatementRef", "id": 12345})"),
                  "statement.object.id", "XAPI-00072");
  EXPECT_REJECTED(
      Stmt().Set("/object", R"({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0",
                      "definition": {}})"),
      "statement.object.definition", "XAPI-00010");
}

TEST_F(ValidateTest, Activities) {  // XAPI-00047..00049, XAPI-00056..00061
  EXPECT_REJECTED(Stmt().Erase("/object/id"), "statement.object.id", "XAPI-00047");
  EXPECT_REJECTED(Stmt().Set("/object/id", R"({"id": "x"})"), "statement.object.id", "XAPI-00047");
  EXPECT_REJECTED(Stmt().SetString("/object/definition", "should error"), "statement.object.definition",
                  "XAPI-00048");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"extensions": "should error"})"),
                  "statement.object.definition.extensions", "XAPI-00057");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"type": 5})"), "statement.object.definition.type",
                  "XAPI-00060");
}

// Definitions of the ten interaction types (xAPI Data Appendix C).
const std::pair<const char*, const char*> kInteractions[] = {
    {"true-false", R"({"interactionType": "true-false", "correctResponsesPattern": ["true"]})"},
    {"choice", R"({"interactionType": "choice", "correctResponsesPattern": ["golf[,]tetris"],
        "choices": [{"id": "golf", "description": {"en-US": "Golf Example"}}, {"id": "tetris"}]})"},
    {"fill-in", R"({"interactionType": "fill-in", "correctResponsesPattern": ["Bob's your uncle"]})"},
    {"long-fill-in", R"({"interactionType": "long-fill-in",
        "correctResponsesPattern": ["{case_matters=false}{lang=en}To store and provide access to learning experiences."]})"},
    {"matching", R"({"interactionType": "matching", "correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
        "source": [{"id": "ben", "description": {"en-US": "Ben"}}, {"id": "chris"}],
        "target": [{"id": "2", "description": {"en-US": "We got Runs"}}, {"id": "3"}]})"},
    {"performance", R"({"interactionType": "performance", "correctResponsesPattern": ["pong[.]1:[,]dg[.]:10"],
        "steps": [{"id": "pong", "description": {"en-US": "Net pong matches won"}}, {"id": "dg"}]})"},
    {"sequencing", R"({"interactionType": "sequencing", "correctResponsesPattern": ["tim[,]mike"],
        "choices": [{"id": "tim"}, {"id": "mike"}]})"},
    {"likert", R"({"interactionType": "likert", "correctResponsesPattern": ["likert_3"],
        "scale": [{"id": "likert_0", "description": {"sr-Latn-RS": "OK"}}, {"id": "likert_3"}]})"},
    {"numeric", R"({"interactionType": "numeric", "correctResponsesPattern": ["4[:]"]})"},
    {"other", R"j({"interactionType": "other", "correctResponsesPattern": ["(35.937432,-86.868896)"]})j"},
};

TEST_F(ValidateTest, InteractionActivities) {  // XAPI-00049, XAPI-00064
  for (const auto& [type, definition] : kInteractions) {
    SCOPED_TRACE(type);
    EXPECT_ACCEPTED(Stmt().Set("/object/definition", definition));
    EXPECT_ACCEPTED(WithSub().Set("/object/object/definition", definition));
    EXPECT_REJECTED(Stmt().Set("/object/definition", definition).Erase("/object/definition/interactionType"),
                    "statement.object.definition.interactionType", "XAPI-00064");
  }
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"choices": [{"id": "a"}]})"),
                  "statement.object.definition.interactionType", "XAPI-00064");
  EXPECT_REJECTED(
      Stmt().Set("/object/definition", R"({"interactionType": "choice", "correctResponsesPattern": "a"})"),
      "statement.object.definition.correctResponsesPattern", "XAPI-00049");
  EXPECT_REJECTED(
      Stmt().Set("/object/definition", R"({"interactionType": "choice", "correctResponsesPattern": [1]})"),
      "statement.object.definition.correctResponsesPattern[0]", "XAPI-00049");
  EXPECT_REJECTED(
      Stmt().Set("/object/definition", R"({"interactionType": "choice", "choices": [{"description": {}}]})"),
      "statement.object.definition.choices[0].id", "XAPI-00049");
  EXPECT_REJECTED(
      Stmt().Set("/object/definition", R"({"interactionType": "choice", "choices": [{"id": "a", "x": 1}]})"),
      "statement.object.definition.choices[0].x", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/object/definition",
                             R"({"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]})"),
                  "statement.object.definition.choices[1].id", "interaction-component-id");
  EXPECT_REJECTED(Stmt().Set("/object/definition", R"({"interactionType": "likert",
                      "scale": [{"id": "a", "description": {"something": "x"}}]})"),
                  "statement.object.definition.scale[0].description.something", "XAPI-00013");
}

// ---- SubStatements, StatementRefs (Data 2.4.4.3) ----------------------------------------------

TEST_F(ValidateTest, SubStatements) {  // XAPI-00066..00071
  EXPECT_ACCEPTED(WithSub());
  EXPECT_ACCEPTED(WithSub().Set(
      "/object/object", R"({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"})"));
  EXPECT_ACCEPTED(WithSub().Set("/object/object", R"({"objectType": "Agent", "mbox": "mailto:a@b.c"})"));
  EXPECT_ACCEPTED(WithSub()
                      .SetString("/object/timestamp", "2015-11-18T12:17:00Z")
                      .Set("/object/result", R"({"success": true})"));
  EXPECT_ACCEPTED(WithSub().Set("/object/attachments", "[]").Set("/object/attachments/0", kAttachment));
  EXPECT_REJECTED(WithSub().SetString("/object/id", "8f87ccde-bb56-4c2e-ab83-44982ef22df0"),
                  "statement.object.id", "XAPI-00070");
  EXPECT_REJECTED(WithSub().SetString("/object/stored", "2015-11-18T12:17:00Z"), "statement.object.stored",
                  "XAPI-00069");
  EXPECT_REJECTED(WithSub().SetString("/object/version", "1.0.0"), "statement.object.version", "XAPI-00068");
  EXPECT_REJECTED(WithSub().Set("/object/authority", R"({"mbox": "mailto:a@b.c"})"),
                  "statement.object.authority", "XAPI-00067");
  EXPECT_REJECTED(WithSub().Set("/object/object", kSubStatement), "statement.object.object.objectType",
                  "XAPI-00071");
  EXPECT_REJECTED(WithSub().Erase("/object/actor"), "statement.object.actor", "XAPI-00003");
  EXPECT_REJECTED(WithSub().Erase("/object/verb"), "statement.object.verb", "XAPI-00004");
  EXPECT_REJECTED(WithSub().Erase("/object/object"), "statement.object.object", "XAPI-00005");
  EXPECT_REJECTED(WithSub().SetString("/object/actor/mbox_sha1sum", "xyz"),
                  "statement.object.actor.mbox_sha1sum", "XAPI-00039");
  EXPECT_REJECTED(WithSub().SetString("/object/object/id", "nope"), "statement.object.object.id",
                  "XAPI-00047");
  EXPECT_REJECTED(WithSub().SetString("/object/timestamp", "01/011/2015"), "statement.object.timestamp",
                  "XAPI-00022");
  EXPECT_REJECTED(WithSub().Set("/object/verb/display", R"({"s-something": "x"})"),
                  "statement.object.verb.display[\"s-something\"]", "XAPI-00013");
  // Agent / Group objects of a SubStatement need objectType too (XAPI-00065).
  EXPECT_REJECTED(WithSub().Set("/object/object", R"({"mbox": "mailto:a@b.c"})"),
                  "statement.object.object.objectType", "XAPI-00065");
}

TEST_F(ValidateTest, Voiding) {  // XAPI-00017, XAPI-00019, XAPI-00020
  Stmt voiding = std::move(
      Stmt()
          .Set("/verb", R"({"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}})")
          .Set("/object", R"({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"})"));
  EXPECT_ACCEPTED(voiding);
  EXPECT_REJECTED(Stmt(voiding).Set("/object", R"({"objectType": "Activity", "id": "http://example.com/a"})"),
                  "statement.object", "XAPI-00017");
  EXPECT_REJECTED(Stmt(voiding).Set("/object", R"({"id": "http://example.com/a"})"), "statement.object",
                  "XAPI-00017");
}

// ---- Result (Data 2.4.5) ----------------------------------------------------------------------

TEST_F(ValidateTest, ResultAndScore) {  // XAPI-00074..00083
  auto score = [](const char* json) {
    return std::move(Stmt().Set("/result", "{}").Set("/result/score", json));
  };
  EXPECT_ACCEPTED(score(R"({"scaled": 1, "raw": 100, "min": 0, "max": 100})"));
  EXPECT_ACCEPTED(score(R"({"scaled": -1, "raw": 0, "min": 0, "max": 100})"));
  EXPECT_ACCEPTED(score(R"({"scaled": 0.5})"));
  EXPECT_ACCEPTED(score(R"({"raw": -500})"));
  EXPECT_ACCEPTED(score(R"({"raw": 12.125, "min": 0.12123434, "max": 45.45, "scaled": 0.12123434})"));
  EXPECT_ACCEPTED(score("{}"));
  EXPECT_REJECTED(score(R"({"scaled": 1.01})"), "statement.result.score.scaled", "XAPI-00083");
  EXPECT_REJECTED(score(R"({"scaled": -1.00001})"), "statement.result.score.scaled", "XAPI-00083");
  EXPECT_REJECTED(score(R"({"min": 10, "max": 10})"), "statement.result.score.min", "XAPI-00081");
  EXPECT_REJECTED(score(R"({"min": 11, "max": 10})"), "statement.result.score.min", "XAPI-00081");
  EXPECT_REJECTED(score(R"({"raw": 101, "max": 100})"), "statement.result.score.raw", "XAPI-00082");
  EXPECT_REJECTED(score(R"({"raw": -1, "min": 0})"), "statement.result.score.raw", "XAPI-00082");
  EXPECT_REJECTED(score(R"({"raw": 1, "weight": 2})"), "statement.result.score.weight", "XAPI-00010");
  EXPECT_REJECTED(score(R"({"max": "100"})"), "statement.result.score.max", "XAPI-00080");
  // Durations (XAPI-00077, XAPI-00124).
  for (const char* d : {"PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W",
                        "P1DT12H36M0.12567S"}) {
    EXPECT_ACCEPTED(Stmt().Set("/result", "{}").SetString("/result/duration", d));
  }
  for (const char* d : {"should fail", "PA1H0M0S", "P4W1D", "PT", "1H"}) {
    EXPECT_REJECTED(Stmt().Set("/result", "{}").SetString("/result/duration", d), "statement.result.duration",
                    "XAPI-00077");
  }
  EXPECT_REJECTED(Stmt().Set("/result", R"({"duration": 12345})"), "statement.result.duration", "XAPI-00077");
  EXPECT_REJECTED(Stmt().Set("/result", R"({"extensions": 5})"), "statement.result.extensions", "XAPI-00078");
}

// ---- Context (Data 2.4.6) ---------------------------------------------------------------------

TEST_F(ValidateTest, Context) {  // XAPI-00084..00094
  EXPECT_REJECTED(Stmt(kTypical).SetString("/context/registration", "AA97B177-9383-4934-8543-0F91A7A028368"),
                  "statement.context.registration", "XAPI-00087");
  EXPECT_REJECTED(Stmt(kTypical).SetString("/context/registration", "MA97B177-9383-4934-8543-0F91A7A02836"),
                  "statement.context.registration", "XAPI-00087");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/instructor", "\"teacher\""), "statement.context.instructor",
                  "XAPI-00087");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/instructor", R"({"key": "should fail"})"),
                  "statement.context.instructor.key", "XAPI-00010");
  EXPECT_REJECTED(Stmt(kTypical).SetString("/context/instructor/objectType", "Person"),
                  "statement.context.instructor.objectType", "XAPI-00087");
  EXPECT_ACCEPTED(
      Stmt(kTypical).Set("/context/instructor", R"({"objectType": "Group", "mbox": "mailto:g@x.y"})"));
  EXPECT_ACCEPTED(Stmt(kTypical).Set("/context/team", R"({"objectType": "Group", "mbox": "mailto:g@x.y"})"));
  EXPECT_ACCEPTED(Stmt(kTypical).Set("/context/team",
                                     R"({"objectType": "Group", "member": [{"mbox": "mailto:a@x.y"}]})"));
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/team", R"({"objectType": "Agent", "mbox": "mailto:a@x.y"})"),
                  "statement.context.team.objectType", "XAPI-00088");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/team", R"({"mbox": "mailto:a@x.y"})"),
                  "statement.context.team.objectType", "XAPI-00088");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/team", R"({"objectType": "Group", "name": "anonymous"})"),
                  "statement.context.team.member", "XAPI-00035");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/team", R"({"objectType": "Group", "mbox": "g@x.y"})"),
                  "statement.context.team.mbox", "XAPI-00038");
  // revision / platform only with an Activity object.
  const char* non_activities[] = {
      R"({"objectType": "Agent", "mbox": "mailto:a@x.y"})",
      R"({"objectType": "Group", "mbox": "mailto:g@x.y"})",
      R"({"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"})",
  };
  for (const char* object : non_activities) {
    EXPECT_REJECTED(Stmt().Set("/object", object).Set("/context", R"({"revision": "r1"})"),
                    "statement.context.revision", "XAPI-00084");
    EXPECT_REJECTED(Stmt().Set("/object", object).Set("/context", R"({"platform": "p"})"),
                    "statement.context.platform", "XAPI-00085");
  }
  EXPECT_REJECTED(Stmt().Set("/object", kSubStatement).Set("/context", R"({"revision": "r1"})"),
                  "statement.context.revision", "XAPI-00084");
  EXPECT_REJECTED(
      WithSub().Set("/object/object", non_activities[0]).Set("/object/context", R"({"platform": "p"})"),
      "statement.object.context.platform", "XAPI-00085");
  EXPECT_ACCEPTED(
      Stmt().Set("/context", R"({"revision": "r1", "platform": "p"})"));  // Activity without objectType
  EXPECT_ACCEPTED(Stmt().Set("/object", non_activities[0]).Set("/context", R"({"language": "en"})"));
  // statement: a StatementRef (XAPI-00092).
  EXPECT_REJECTED(Stmt(kTypical).SetString("/context/statement/id", "not-a-uuid"),
                  "statement.context.statement.id", "XAPI-00092");
  EXPECT_REJECTED(Stmt(kTypical).Erase("/context/statement/objectType"),
                  "statement.context.statement.objectType", "XAPI-00092");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/unknown", "1"), "statement.context.unknown", "XAPI-00010");
  EXPECT_REJECTED(Stmt(kTypical).Set("/context/extensions", "[]"), "statement.context.extensions",
                  "XAPI-00120");
}

TEST_F(ValidateTest, ContextActivities) {  // XAPI-00093, XAPI-00094
  const char* activity =
      R"({"objectType": "Activity", "id": "http://www.example.com/meetings/occurances/34534"})";
  for (const char* key : {"parent", "grouping", "category", "other"}) {
    SCOPED_TRACE(key);
    std::string pointer = std::string("/context/contextActivities/") + key;
    EXPECT_ACCEPTED(Stmt().Set("/context", "{}").Set(pointer.c_str(), activity));  // single Activity
    EXPECT_ACCEPTED(
        Stmt().Set("/context", "{}").Set(pointer.c_str(), "[]").Set((pointer + "/0").c_str(), activity));
    EXPECT_ACCEPTED(Stmt().Set("/context", "{}").Set(pointer.c_str(), "[]"));
  }
  EXPECT_REJECTED(Stmt().Set("/context", "{}").Set("/context/contextActivities/consequences", activity),
                  "statement.context.contextActivities.consequences", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/context", "{}").Set("/context/contextActivities/Parent", activity),
                  "statement.context.contextActivities.Parent", "XAPI-00008");
  EXPECT_REJECTED(
      Stmt().Set("/context",
                 R"({"contextActivities": {"other": [{"id": "http://x.y/a"}, {"key": "should fail"}]}})"),
      "statement.context.contextActivities.other[1].key", "XAPI-00010");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"contextActivities": {"other": [{"id": "x"}]}})"),
                  "statement.context.contextActivities.other[0].id", "XAPI-00047");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"contextActivities": {"parent": {"objectType": "Activity"}}})"),
                  "statement.context.contextActivities.parent.id", "XAPI-00047");
  EXPECT_REJECTED(
      Stmt().Set("/context",
                 R"({"contextActivities": {"parent": {"objectType": "Agent", "mbox": "mailto:a@b.c"}}})"),
      "statement.context.contextActivities.parent.objectType", "XAPI-00094");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"contextActivities": {"parent": "http://x.y/a"}})"),
                  "statement.context.contextActivities.parent", "XAPI-00094");
  EXPECT_REJECTED(Stmt().Set("/context", R"({"contextActivities": {"parent": ["http://x.y/a"]}})"),
                  "statement.context.contextActivities.parent[0]", "XAPI-00094");
}

TEST_F(ValidateTest, ContextAgentsAndGroupsAre2Point0Only) {
  const char* agents =
      R"([{"objectType": "contextAgent", "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
      "relevantTypes": ["https://example.com/xapi/american-footbal/activity-types/personnel/player"]}])";
  const char* groups =
      R"([{"objectType": "contextGroup", "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com",
      "member": [{"objectType": "Agent", "mbox": "mailto:player-1@example.com"}]},
      "relevantTypes": ["https://example.com/xapi/american-footbal/activity-types/team/a"]}])";
  Stmt with_agents = std::move(Stmt().Set("/context", "{}").Set("/context/contextAgents", agents));
  Stmt with_groups = std::move(Stmt().Set("/context", "{}").Set("/context/contextGroups", groups));
  EXPECT_TRUE(Accepted(with_agents, Version::k2_0));
  EXPECT_TRUE(Accepted(with_groups, Version::k2_0));
  EXPECT_TRUE(Accepted(WithSub().Set("/object/context", "{}").Set("/object/context/contextAgents", agents),
                       Version::k2_0));
  EXPECT_TRUE(Accepted(Stmt(with_agents).Erase("/context/contextAgents/0/relevantTypes"), Version::k2_0));
  EXPECT_TRUE(Rejected(with_agents, Version::k1_0, "statement.context.contextAgents", "XAPI-00010"));
  EXPECT_TRUE(Rejected(with_groups, Version::k1_0, "statement.context.contextGroups", "XAPI-00010"));

  const Version v2 = Version::k2_0;
  EXPECT_TRUE(Rejected(Stmt(with_agents).SetString("/context/contextAgents/0/objectType", "Should fail"), v2,
                       "statement.context.contextAgents[0].objectType", "contextAgent"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).SetString("/context/contextAgents/0/objectType", "ContextAgent"), v2,
                       "statement.context.contextAgents[0].objectType", "XAPI-00009"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Erase("/context/contextAgents/0/objectType"), v2,
                       "statement.context.contextAgents[0].objectType", "contextAgent"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Set("/context/contextAgents/0/agent", R"({"key": "Should fail"})"),
                       v2, "statement.context.contextAgents[0].agent.key", "XAPI-00010"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Set("/context/contextAgents/0/agent", R"({"name": "no ifi"})"), v2,
                       "statement.context.contextAgents[0].agent", "XAPI-00034"));
  EXPECT_TRUE(Rejected(
      Stmt(with_agents)
          .Set("/context/contextAgents/0/agent", R"({"objectType": "Group", "mbox": "mailto:g@x.y"})"),
      v2, "statement.context.contextAgents[0].agent.objectType", "contextAgent"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Set("/context/contextAgents/0/relevantTypes", "[]"), v2,
                       "statement.context.contextAgents[0].relevantTypes", "contextAgent"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Set("/context/contextAgents/0/relevantTypes", R"(["abc"])"), v2,
                       "statement.context.contextAgents[0].relevantTypes[0]", "contextAgent"));
  EXPECT_TRUE(Rejected(Stmt(with_agents).Set("/context/contextAgents", "{}"), v2,
                       "statement.context.contextAgents", "XAPI-00006"));

  EXPECT_TRUE(Rejected(Stmt(with_groups).SetString("/context/contextGroups/0/objectType", "Should fail"), v2,
                       "statement.context.contextGroups[0].objectType", "contextGroup"));
  EXPECT_TRUE(Rejected(Stmt(with_groups).Set("/context/contextGroups/0/group", R"({"key": "Should fail"})"),
                       v2, "statement.context.contextGroups[0].group.key", "XAPI-00010"));
  EXPECT_TRUE(Rejected(Stmt(with_groups).Set("/context/contextGroups/0/group", R"({"objectType": "Group"})"),
                       v2, "statement.context.contextGroups[0].group.member", "XAPI-00035"));
  EXPECT_TRUE(Rejected(Stmt(with_groups).Set("/context/contextGroups/0/relevantTypes", "[]"), v2,
                       "statement.context.contextGroups[0].relevantTypes", "contextGroup"));
  EXPECT_TRUE(Rejected(Stmt(with_groups).Set("/context/contextGroups/0/relevantTypes", R"(["abc"])"), v2,
                       "statement.context.contextGroups[0].relevantTypes[0]", "contextGroup"));
}

// ---- Timestamp, stored, version, id (Data 2.4.1, 2.4.7, 2.4.8, 2.4.10) --------------------------

TEST_F(ValidateTest, TimestampAndStored) {  // XAPI-00022, XAPI-00023, XAPI-00123
  for (const char* t : {"2015-11-18T12:17:00Z", "2008-09-15T15:53:00.601+00:00", "2031-01-01T00:00:00.000Z",
                        "2023-05-04T12:00:00-05:00"}) {
    EXPECT_ACCEPTED(Stmt().SetString("/timestamp", t).SetString("/stored", t));
  }
  for (const char* t : {"should fail", "01/011/2015", "2008-09-15T15:53:00.601-00",
                        "2008-09-15T15:53:00.601-0000", "2008-09-15T15:53:00.601-00:00", ""}) {
    EXPECT_REJECTED(Stmt().SetString("/timestamp", t), "statement.timestamp", "XAPI-00022");
    EXPECT_REJECTED(Stmt().SetString("/stored", t), "statement.stored", "XAPI-00023");
    EXPECT_REJECTED(WithSub().SetString("/object/timestamp", t), "statement.object.timestamp", "XAPI-00022");
  }
  EXPECT_REJECTED(Stmt().Set("/timestamp", "1447849020"), "statement.timestamp", "XAPI-00022");
  // ISO 8601 forms that are not RFC 3339: 1.0.x only.
  for (const char* t : {"2008-09-15T15:53:00.601+00", "2008-09-15T15:53:00.601+0000", "2015-11-18T12:17Z",
                        "2015-11-18T12:17:00"}) {
    EXPECT_TRUE(Accepted(Stmt().SetString("/timestamp", t), Version::k1_0)) << t;
    EXPECT_TRUE(
        Rejected(Stmt().SetString("/timestamp", t), Version::k2_0, "statement.timestamp", "XAPI-00022"))
        << t;
  }
}

TEST_F(ValidateTest, VersionProperty) {  // XAPI-00101, XAPI-00332
  for (const char* v : {"1.0", "1.0.0", "1.0.3", "1.0.9"}) EXPECT_ACCEPTED(Stmt().SetString("/version", v));
  for (const char* v : {"should fail", "0.9.9", "1.1.0", "1.0.", "1", "", "3.0.0"})
    EXPECT_REJECTED(Stmt().SetString("/version", v), "statement.version", "XAPI-00101");
  EXPECT_REJECTED(Stmt().Set("/version", "1.0"), "statement.version", "XAPI-00101");  // a number
  for (const char* v : {"2.0", "2.0.0", "2.0.1"}) {
    EXPECT_TRUE(Accepted(Stmt().SetString("/version", v), Version::k2_0)) << v;
    EXPECT_TRUE(Rejected(Stmt().SetString("/version", v), Version::k1_0, "statement.version", "XAPI-00101"))
        << v;
  }
}

TEST_F(ValidateTest, StatementId) {  // XAPI-00027..00030
  EXPECT_ACCEPTED(Stmt().SetString("/id", "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
  EXPECT_ACCEPTED(Stmt().SetString("/id", "AA97B177-9383-4934-8543-0F91A7A02836"));
  for (const char* id : {"AA97B177-9383-4934-8543-0F91A7A028368", "MA97B177-9383-4934-8543-0F91A7A02836", "",
                         "wrong", "fd41c918b88b4b20a0a5a4c32391aaa0"}) {
    EXPECT_REJECTED(Stmt().SetString("/id", id), "statement.id", "XAPI-00027");
  }
}

// ---- Attachments (Data 2.4.11) ----------------------------------------------------------------

TEST_F(ValidateTest, Attachments) {  // XAPI-00025, XAPI-00102..00107
  Stmt att = std::move(Stmt().Set("/attachments", "[]").Set("/attachments/0", kAttachment));
  EXPECT_ACCEPTED(att);
  EXPECT_ACCEPTED(Stmt().Set("/attachments", "[]"));
  EXPECT_ACCEPTED(Stmt(att).Erase("/attachments/0/fileUrl").Erase("/attachments/0/description"));
  EXPECT_ACCEPTED(Stmt(att)
                      .SetString("/attachments/0/usageType", "http://adlnet.gov/expapi/attachments/signature")
                      .SetString("/attachments/0/contentType", "application/octet-stream"));
  EXPECT_REJECTED(Stmt().Set("/attachments", R"({"usageType": "http://x.y"})"), "statement.attachments",
                  "XAPI-00025");
  EXPECT_REJECTED(Stmt().Set("/attachments", "[12345]"), "statement.attachments[0]", "XAPI-00025");
  EXPECT_REJECTED(Stmt(att).SetString("/attachments/0/length", "27"), "statement.attachments[0].length",
                  "XAPI-00102");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/length", "27.5"), "statement.attachments[0].length",
                  "XAPI-00102");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/length", "-1"), "statement.attachments[0].length",
                  "XAPI-00102");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/sha2", "12345"), "statement.attachments[0].sha2",
                  "XAPI-00103");
  EXPECT_REJECTED(Stmt(att).SetString("/attachments/0/sha2", "should fail"), "statement.attachments[0].sha2",
                  "XAPI-00103");
  EXPECT_REJECTED(Stmt(att).SetString("/attachments/0/contentType", "text"),
                  "statement.attachments[0].contentType", "XAPI-00105");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/contentType", "5"), "statement.attachments[0].contentType",
                  "XAPI-00105");
  EXPECT_REJECTED(Stmt(att).Set("/attachments/0/display", "\"A test attachment\""),
                  "statement.attachments[0].display", "XAPI-00106");
  for (const char* required : {"usageType", "display", "contentType", "length", "sha2"}) {
    std::string pointer = std::string("/attachments/0/") + required;
    EXPECT_REJECTED(Stmt(att).Erase(pointer.c_str()), std::string("statement.attachments[0].") + required,
                    required == std::string_view("usageType")     ? "XAPI-00107"
                    : required == std::string_view("display")     ? "XAPI-00106"
                    : required == std::string_view("contentType") ? "XAPI-00105"
                    : required == std::string_view("length")      ? "XAPI-00102"
                                                                  : "XAPI-00103");
  }
}

// ---- Authority (Data 2.4.9) -------------------------------------------------------------------

TEST_F(ValidateTest, Authority) {  // XAPI-00024, XAPI-00098, XAPI-00100
  const char* oauth = R"({"objectType": "Group", "member": [
      {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_consumer_x75db"}},
      {"mbox": "mailto:bob@example.com"}]})";
  EXPECT_ACCEPTED(Stmt().Set(
      "/authority", R"({"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"})"));
  EXPECT_ACCEPTED(Stmt().Set("/authority", oauth));
  for (const char* ifi :
       {R"("mbox": "mailto:bob@example.com")", R"("openid": "http://openid.example.org/12345")",
        R"("mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975")"}) {
    std::string identified = std::string(oauth);
    identified.insert(identified.rfind('}'), std::string(", ") + ifi);
    EXPECT_REJECTED(Stmt().Set("/authority", identified), "statement.authority", "XAPI-00098");
  }
  EXPECT_REJECTED(Stmt().Set("/authority", R"({"objectType": "Group", "name": "Group Anonymous",
                      "member": [{"mbox": "mailto:bob@example.com"}]})"),
                  "statement.authority.member", "XAPI-00098");
  EXPECT_REJECTED(
      Stmt().Set("/authority", R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"},
                      {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]})"),
      "statement.authority.member", "XAPI-00098");
  EXPECT_REJECTED(Stmt().Set("/authority", R"({"objectType": "Group", "name": "Group Anonymous"})"),
                  "statement.authority.member", "XAPI-00098");
  EXPECT_REJECTED(Stmt().Set("/authority", R"({"objectType": "Agent"})"), "statement.authority",
                  "XAPI-00034");
  EXPECT_REJECTED(Stmt().SetString("/authority", "admin"), "statement.authority", "XAPI-00024");
  EXPECT_REJECTED(Stmt().Set("/authority", R"({"objectType": "Person", "mbox": "mailto:a@b.c"})"),
                  "statement.authority.objectType", "XAPI-00024");
  EXPECT_REJECTED(
      Stmt().Set("/authority", R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"},
                      {"name": "no ifi"}]})"),
      "statement.authority.member[1]", "XAPI-00036");
}

// ---- agent= parameter -------------------------------------------------------------------------

TEST_F(ValidateTest, AgentParameter) {  // XAPI-00012, XAPI-00249, XAPI-00255..00258
  auto check = [](std::string_view json) {
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    return ValidateAgentParameter(d, Version::k2_0, "parameter agent");
  };
  EXPECT_TRUE(
      check(
          R"({"objectType": "Agent", "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"}})")
          .ok());
  EXPECT_TRUE(check(R"({"mbox": "mailto:a@example.com"})").ok());
  EXPECT_TRUE(check(R"({"objectType": "Group", "mbox": "mailto:g@example.com"})").ok());
  EXPECT_TRUE(
      check(
          R"({"objectType": "Group", "openid": "http://o.example/g", "member": [{"mbox": "mailto:a@b.c"}]})")
          .ok());
  struct Case {
    const char* json;
    const char* path;
    const char* rule;
  } cases[] = {
      {"true", "parameter agent", "XAPI-00012"},
      {"\"not JSON\"", "parameter agent", "XAPI-00012"},
      {"[]", "parameter agent", "XAPI-00012"},
      {R"({"objectType": "Agent", "name": "Rick James"})", "parameter agent", "XAPI-00034"},
      {R"({"mbox": "mailto:a@example.com", "openid": "http://o.example/1"})", "parameter agent",
       "XAPI-00034"},
      {R"({"mbox": "a@example.com"})", "parameter agent.mbox", "XAPI-00038"},
      {R"({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]})", "parameter agent", "XAPI-00037"},
      {R"({"objectType": "Activity", "id": "http://x.y"})", "parameter agent.objectType", "XAPI-00012"},
      {R"({"mbox": "mailto:a@example.com", "foo": 1})", "parameter agent.foo", "XAPI-00010"},
      {R"({"account": {"name": "x"}})", "parameter agent.account.homePage", "XAPI-00042"},
  };
  for (const Case& c : cases) {
    Status st = check(c.json);
    ASSERT_FALSE(st.ok()) << c.json;
    EXPECT_EQ(st.error().status, 400) << c.json;
    EXPECT_EQ(st.error().path, c.path) << c.json;
    EXPECT_EQ(st.error().rule, c.rule) << c.json;
  }
}

// ---- Hostile input ----------------------------------------------------------------------------

TEST_F(ValidateTest, DeepNestingIsRejectedWithoutRecursingThroughIt) {
  auto nested = [](int depth) {
    std::string v(static_cast<std::size_t>(depth), '[');
    v += std::string(static_cast<std::size_t>(depth), ']');
    return v;
  };
  EXPECT_ACCEPTED(Stmt()
                      .Set("/result", "{}")
                      .Set("/result/extensions", "{}")
                      .Set("/result/extensions/http:~1~1x.y~1e", nested(100)));
  // Parsed iteratively so that only the validator could recurse through it.
  std::string deep = R"({"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "http://x.y/v"},
      "object": {"id": "http://x.y/a"}, "result": {"extensions": {"http://x.y/e": )" +
                     nested(100000) + "}}}";
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(deep.c_str());
  ASSERT_FALSE(d.HasParseError());
  for (Version v : kBoth) {
    Status st = ValidateStatement(d, v, "statement");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().rule, "depth");
    EXPECT_EQ(st.error().path, "statement");
  }
}

TEST_F(ValidateTest, ManyInteractionComponents) {
  std::string choices = "[";
  for (int i = 0; i < 20000; ++i) choices += (i ? ",{\"id\":\"c" : "{\"id\":\"c") + std::to_string(i) + "\"}";
  choices += "]";
  Stmt many = std::move(Stmt()
                            .Set("/object/definition", R"({"interactionType": "choice"})")
                            .Set("/object/definition/choices", choices));
  EXPECT_ACCEPTED(many);
  EXPECT_REJECTED(Stmt(many).SetString("/object/definition/choices/19999/id", "c7"),
                  "statement.object.definition.choices[19999].id", "interaction-component-id");
}

// ---- Concurrency and cost ---------------------------------------------------------------------

TEST_F(ValidateTest, ValidatesConcurrently) {
  Stmt good(kTypical);
  Stmt bad = std::move(Stmt(kTypical).SetString("/actor/mbox", "nope"));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const Version v = (i + t) % 2 == 0 ? Version::k1_0 : Version::k2_0;
        if (!ValidateStatement(good.doc(), v, "statement").ok()) ++failures;
        Status st = ValidateStatement(bad.doc(), v, "statement");
        if (st.ok() || st.error().path != "statement.actor.mbox") ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// Prints the cost of validating the ~1.3 KB statement above. The bound only catches gross
// regressions (this runs in sanitizer builds too); the release-build figure is in the report.
}  // namespace
}  // namespace lrsd::xapi
