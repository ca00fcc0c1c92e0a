// Configuration documents of learning profiles (src/profile/config.cpp, schemas/admin/): modality
// names, the people directory as JSON and as CSV, Person round trips, and the competency
// framework. Every rejected document asserts the exact error path and rule.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lrsd/profile.h"

namespace lrsd::profile {
namespace {

// The error of a failed result, or a test failure naming the unexpected success.
template <class T>
Error ErrorOf(const Result<T>& r) {
  if (r.ok()) {
    ADD_FAILURE() << "expected an error";
    return Error{};
  }
  return r.error();
}

#define EXPECT_ERROR(result, expected_path, expected_rule)                                 \
  do {                                                                                     \
    const auto& r_ = (result);                                                             \
    ASSERT_FALSE(r_.ok()) << "expected " << (expected_path) << " to be rejected";          \
    EXPECT_EQ(r_.error().status, 400);                                                     \
    EXPECT_EQ(r_.error().path, (expected_path)) << r_.error().ToString();                  \
    EXPECT_EQ(r_.error().rule, (expected_rule)) << r_.error().ToString();                  \
  } while (0)

// ---- Modalities ---------------------------------------------------------------------------------

TEST(Modality, NamesRoundTrip) {
  EXPECT_EQ(ModalityName(Modality::kFormal), "formal");
  EXPECT_EQ(ModalityName(Modality::kExperiential), "experiential");
  EXPECT_EQ(ModalityName(Modality::kInformal), "informal");
  EXPECT_EQ(ModalityName(Modality::kUnclassified), "unclassified");
  for (Modality m : {Modality::kFormal, Modality::kExperiential, Modality::kInformal})
    EXPECT_EQ(ParseModality(ModalityName(m)), m);
  EXPECT_EQ(ParseModality("unclassified"), std::nullopt);  // never named by a rule
  EXPECT_EQ(ParseModality("Formal"), std::nullopt);
  EXPECT_EQ(ParseModality(""), std::nullopt);
}

// ---- People: JSON --------------------------------------------------------------------------------

constexpr std::string_view kPeople = R"([
  {"id": "e1000", "name": "Bo Chen", "ifis": [{"mbox": "mailto:bo@example.com"}], "unit": "emea-sales"},
  {"id": "e1001", "name": "Ana Silva",
   "ifis": [{"mbox": "mailto:ana@example.com"},
            {"account": {"homePage": "https://field.example.com", "name": "ana"}},
            {"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"},
            {"openid": "https://openid.example.com/ana"}],
   "role": "sales-engineer", "unit": "emea-sales", "manager": "e1000"}
])";

TEST(PeopleJson, ParsesTheDirectory) {
  auto people = ParsePeopleJson(kPeople);
  ASSERT_TRUE(people.ok()) << people.error().ToString();
  ASSERT_EQ(people->size(), 2u);
  const Person& bo = (*people)[0];
  EXPECT_EQ(bo.id, "e1000");
  EXPECT_EQ(bo.name, "Bo Chen");
  EXPECT_EQ(bo.role, "");
  EXPECT_EQ(bo.unit, "emea-sales");
  EXPECT_EQ(bo.manager, "");
  ASSERT_EQ(bo.ifis.size(), 1u);
  EXPECT_EQ(bo.ifis[0].first, "mbox:mailto:bo@example.com");
  EXPECT_EQ(bo.ifis[0].second, R"({"mbox":"mailto:bo@example.com"})");

  const Person& ana = (*people)[1];
  EXPECT_EQ(ana.role, "sales-engineer");
  EXPECT_EQ(ana.manager, "e1000");
  ASSERT_EQ(ana.ifis.size(), 4u);
  EXPECT_EQ(ana.ifis[0].first, "mbox:mailto:ana@example.com");
  EXPECT_EQ(ana.ifis[1].first, "account:https://field.example.com|ana");
  EXPECT_EQ(ana.ifis[1].second, R"({"account":{"homePage":"https://field.example.com","name":"ana"}})");
  // IFI keys are xapi::IfiKey's: SHA-1 sums in lower case; the agent JSON as given.
  EXPECT_EQ(ana.ifis[2].first, "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
  EXPECT_EQ(ana.ifis[2].second, R"({"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"})");
  EXPECT_EQ(ana.ifis[3].first, "openid:https://openid.example.com/ana");
}

TEST(PeopleJson, EmptyDirectoryIsValid) {
  auto people = ParsePeopleJson("[]");
  ASSERT_TRUE(people.ok());
  EXPECT_TRUE(people->empty());
}

TEST(PeopleJson, StructureErrorsNameThePath) {
  EXPECT_ERROR(ParsePeopleJson(R"({"id":"e1"})"), "people", "type");
  EXPECT_ERROR(ParsePeopleJson(R"([{"ifis":[{"mbox":"mailto:a@b.c"}]}])"), "people[0].id", "required");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1"}])"), "people[0].ifis", "required");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"","ifis":[{"mbox":"mailto:a@b.c"}]}])"), "people[0].id", "minLength");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":1001,"ifis":[{"mbox":"mailto:a@b.c"}]}])"), "people[0].id", "type");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","name":["Ana"],"ifis":[{"mbox":"mailto:a@b.c"}]}])"),
               "people[0].name", "type");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","manager":null,"ifis":[{"mbox":"mailto:a@b.c"}]}])"),
               "people[0].manager", "type");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"mbox":"mailto:a@b.c"}]},
                                   {"id":"e2","email":"x","ifis":[{"mbox":"mailto:x@b.c"}]}])"),
               "people[1].email", "additionalProperties");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[]}])"), "people[0].ifis", "minItems");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":{"mbox":"mailto:a@b.c"}}])"), "people[0].ifis", "type");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":["mailto:a@b.c"]}])"), "people[0].ifis[0]", "type");
}

TEST(PeopleJson, IfiObjectsHoldExactlyOneIdentifier) {
  auto two = ParsePeopleJson(R"([{"id":"e1","ifis":[{"mbox":"mailto:a@b.c","openid":"https://o.example.com/a"}]}])");
  EXPECT_ERROR(two, "people[0].ifis[0]", "maxProperties");
  EXPECT_NE(ErrorOf(two).message.find("exactly one of mbox"), std::string::npos);
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{}]}])"), "people[0].ifis[0]", "minProperties");
  // Agent properties other than the identifier do not belong in the directory.
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"objectType":"Agent"}]}])"), "people[0].ifis[0].objectType",
               "additionalProperties");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"account":{"homePage":"https://x.example.com"}}]}])"),
               "people[0].ifis[0].account.name", "required");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"account":{"homePage":"https://x.example.com","name":"a","x":1}}]}])"),
               "people[0].ifis[0].account.x", "additionalProperties");
}

TEST(PeopleJson, IfiFormatsAreCheckedAsXapiAgents) {
  // people[3]: the error names the person's index, the IFI's index and the property.
  std::string body = R"([
    {"id":"e0","ifis":[{"mbox":"mailto:e0@example.com"}]},
    {"id":"e1","ifis":[{"mbox":"mailto:e1@example.com"}]},
    {"id":"e2","ifis":[{"mbox":"mailto:e2@example.com"}]},
    {"id":"e3","ifis":[{"mbox":"e3@example.com"}]}])";
  EXPECT_ERROR(ParsePeopleJson(body), "people[3].ifis[0].mbox", "XAPI-00038");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"mbox":"mailto:a@b.c"},{"mbox_sha1sum":"abc"}]}])"),
               "people[0].ifis[1].mbox_sha1sum", "XAPI-00039");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"openid":"not a uri"}]}])"), "people[0].ifis[0].openid",
               "XAPI-00040");
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"account":{"homePage":"field app","name":"a"}}]}])"),
               "people[0].ifis[0].account.homePage", "XAPI-00042");
}

TEST(PeopleJson, IdsAndIfisAreUnique) {
  auto dup_id = ParsePeopleJson(R"([
    {"id":"e1","ifis":[{"mbox":"mailto:a@example.com"}]},
    {"id":"e2","ifis":[{"mbox":"mailto:b@example.com"}]},
    {"id":"e1","ifis":[{"mbox":"mailto:c@example.com"}]}])");
  EXPECT_ERROR(dup_id, "people[2].id", "unique");
  EXPECT_NE(ErrorOf(dup_id).message.find("people[0]"), std::string::npos) << ErrorOf(dup_id).message;

  // One IFI, two people: the error names both.
  auto dup_ifi = ParsePeopleJson(R"([
    {"id":"e1001","ifis":[{"mbox":"mailto:ana@example.com"}]},
    {"id":"e1002","ifis":[{"openid":"https://o.example.com/x"},{"mbox":"mailto:ana@example.com"}]}])");
  EXPECT_ERROR(dup_ifi, "people[1].ifis[1]", "unique");
  const std::string message = ErrorOf(dup_ifi).message;
  EXPECT_NE(message.find("\"e1001\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"e1002\""), std::string::npos) << message;
  EXPECT_NE(message.find("mbox:mailto:ana@example.com"), std::string::npos) << message;

  // The same identifier spelt in another case of the SHA-1 hex is the same IFI.
  EXPECT_ERROR(ParsePeopleJson(R"([
    {"id":"e1","ifis":[{"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
    {"id":"e2","ifis":[{"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}]}])"),
               "people[1].ifis[0]", "unique");
  // Listed twice for one person.
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","ifis":[{"mbox":"mailto:a@b.c"},{"mbox":"mailto:a@b.c"}]}])"),
               "people[0].ifis[1]", "unique");
  // Accounts differ by home page or name.
  EXPECT_TRUE(ParsePeopleJson(R"([
    {"id":"e1","ifis":[{"account":{"homePage":"https://a.example.com","name":"x"}}]},
    {"id":"e2","ifis":[{"account":{"homePage":"https://b.example.com","name":"x"}}]},
    {"id":"e3","ifis":[{"account":{"homePage":"https://a.example.com","name":"y"}}]}])")
                  .ok());
}

TEST(PeopleJson, MalformedJson) {
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1",)"), "people", "json");
  EXPECT_ERROR(ParsePeopleJson(""), "people", "json");
  EXPECT_ERROR(ParsePeopleJson("[{\"id\":\"e\xff\",\"ifis\":[]}]"), "people", "json");  // not UTF-8
  EXPECT_ERROR(ParsePeopleJson(R"([{"id":"e1","id":"e2","ifis":[{"mbox":"mailto:a@b.c"}]}])"), "people[0].id",
               "duplicate-key");
  EXPECT_ERROR(ParsePeopleJson(std::string(100000, '[') + std::string(100000, ']')), "people", "json-depth");
}

// ---- People: CSV ---------------------------------------------------------------------------------

TEST(PeopleCsv, ParsesRfc4180) {
  // Quoted fields with commas, doubled quotes and a line break; CRLF line ends; column order
  // from the header; a blank line and a trailing newline.
  const std::string csv =
      "id,name,role,unit,manager,ifis\r\n"
      "e1000,\"Chen, Bo\",,emea-sales,,mbox:mailto:bo@example.com\r\n"
      "\r\n"
      "e1001,\"Ana \"\"the closer\"\" Silva\",sales-engineer,emea-sales,e1000,"
      "\"mbox:mailto:ana@example.com; account:https://field.example.com|ana\"\r\n"
      "e1002,\"Multi\nLine\",,,,openid:https://openid.example.com/c\n";
  auto people = ParsePeopleCsv(csv);
  ASSERT_TRUE(people.ok()) << people.error().ToString();
  ASSERT_EQ(people->size(), 3u);
  EXPECT_EQ((*people)[0].name, "Chen, Bo");
  EXPECT_EQ((*people)[0].role, "");
  EXPECT_EQ((*people)[0].unit, "emea-sales");
  const Person& ana = (*people)[1];
  EXPECT_EQ(ana.id, "e1001");
  EXPECT_EQ(ana.name, "Ana \"the closer\" Silva");
  EXPECT_EQ(ana.role, "sales-engineer");
  EXPECT_EQ(ana.manager, "e1000");
  ASSERT_EQ(ana.ifis.size(), 2u);
  EXPECT_EQ(ana.ifis[0].first, "mbox:mailto:ana@example.com");
  EXPECT_EQ(ana.ifis[0].second, R"({"mbox":"mailto:ana@example.com"})");
  EXPECT_EQ(ana.ifis[1].first, "account:https://field.example.com|ana");
  EXPECT_EQ(ana.ifis[1].second, R"({"account":{"homePage":"https://field.example.com","name":"ana"}})");
  EXPECT_EQ((*people)[2].name, "Multi\nLine");
}

TEST(PeopleCsv, ColumnOrderFromTheHeaderAndOptionalColumns) {
  auto people = ParsePeopleCsv(
      "\xEF\xBB\xBF"  // a spreadsheet's byte order mark
      "IFIs, ID\n"
      "mbox_sha1sum:EBD31E95054C018B10727CCFFD2EF2EC3A016EE9;account:https://x.example.com|a|b,e7\n");
  ASSERT_TRUE(people.ok()) << people.error().ToString();
  ASSERT_EQ(people->size(), 1u);
  EXPECT_EQ((*people)[0].id, "e7");
  EXPECT_EQ((*people)[0].name, "");
  ASSERT_EQ((*people)[0].ifis.size(), 2u);
  EXPECT_EQ((*people)[0].ifis[0].first, "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
  // The account name is everything after the first '|'.
  EXPECT_EQ((*people)[0].ifis[1].first, "account:https://x.example.com|a|b");
  EXPECT_EQ((*people)[0].ifis[1].second, R"({"account":{"homePage":"https://x.example.com","name":"a|b"}})");

  auto header_only = ParsePeopleCsv("id,ifis\r\n");
  ASSERT_TRUE(header_only.ok());
  EXPECT_TRUE(header_only->empty());
}

TEST(PeopleCsv, HeaderErrors) {
  EXPECT_ERROR(ParsePeopleCsv(""), "line 1", "csv");
  EXPECT_ERROR(ParsePeopleCsv("\n\n"), "line 1", "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,email,ifis\ne1,a,mbox:mailto:a@b.c\n"), "line 1 column email", "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,ifis,id\n"), "line 1 column id", "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,name\ne1,Ana\n"), "line 1", "csv");
  EXPECT_ERROR(ParsePeopleCsv("name,ifis\nAna,mbox:mailto:a@b.c\n"), "line 1", "csv");
}

TEST(PeopleCsv, RecordErrorsNameLineAndColumn) {
  const std::string header = "id,name,ifis\n";
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana\n"), "line 2", "csv");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,mbox:mailto:a@b.c,extra\n"), "line 2", "csv");
  EXPECT_ERROR(ParsePeopleCsv(header + ",Ana,mbox:mailto:a@b.c\n"), "line 2 column id", "minLength");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,\n"), "line 2 column ifis", "minItems");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana, ; \n"), "line 2 column ifis", "minItems");
  // Line numbers count physical lines: the quoted name spans lines 2-3, so the next record is on 4.
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,\"A\r\nB\",mbox:mailto:a@b.c\r\ne2,C,mailto:c@b.c\r\n"),
               "line 4 column ifis", "ifi");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,email:a@b.c\n"), "line 2 column ifis", "ifi");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,account:https://x.example.com\n"), "line 2 column ifis", "ifi");
  auto bad_mbox = ParsePeopleCsv(header + "e1,Ana,mbox:mailto:a@b.c;mbox:ana.example.com\n");
  EXPECT_ERROR(bad_mbox, "line 2 column ifis", "XAPI-00038");
  EXPECT_NE(ErrorOf(bad_mbox).message.find("mbox:ana.example.com"), std::string::npos) << ErrorOf(bad_mbox).message;
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,mbox_sha1sum:123\n"), "line 2 column ifis", "XAPI-00039");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,Ana,account:not a home page|ana\n"), "line 2 column ifis", "XAPI-00042");
}

TEST(PeopleCsv, QuotingErrors) {
  const std::string header = "id,name,ifis\n";
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,\"Ana,mbox:mailto:a@b.c\n"), "line 2 column name", "csv");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,An\"a,mbox:mailto:a@b.c\n"), "line 2 column name", "csv");
  EXPECT_ERROR(ParsePeopleCsv(header + "e1,\"Ana\" Silva,mbox:mailto:a@b.c\n"), "line 2 column name", "csv");
}

TEST(PeopleCsv, TextMustBeUtf8) {
  auto ok = ParsePeopleCsv("id,name,ifis\ne1,Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80,mbox:mailto:z@b.c\n");
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ((*ok)[0].name, "Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
  // Latin-1 from an old spreadsheet export; an overlong '/'; a UTF-16 surrogate; a cut sequence.
  EXPECT_ERROR(ParsePeopleCsv("id,name,ifis\r\ne1,A,mbox:mailto:a@b.c\r\ne2,Zo\xEB,mbox:mailto:z@b.c\r\n"), "line 3",
               "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,name,ifis\ne1,\xC0\xAF,mbox:mailto:a@b.c\n"), "line 2", "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,name,ifis\ne1,\xED\xA0\x80,mbox:mailto:a@b.c\n"), "line 2", "csv");
  EXPECT_ERROR(ParsePeopleCsv("id,name,ifis\ne1,A,mbox:mailto:a@b.c\xE6\x97"), "line 2", "csv");
}

TEST(PeopleCsv, IdsAndIfisAreUnique) {
  const std::string header = "id,name,ifis\n";
  auto dup_id = ParsePeopleCsv(header + "e1,A,mbox:mailto:a@b.c\ne2,B,mbox:mailto:b@b.c\ne1,C,mbox:mailto:c@b.c\n");
  EXPECT_ERROR(dup_id, "line 4 column id", "unique");
  EXPECT_NE(ErrorOf(dup_id).message.find("line 2"), std::string::npos) << ErrorOf(dup_id).message;

  auto dup_ifi = ParsePeopleCsv(header + "e1001,A,mbox:mailto:ana@example.com\ne1002,B,mbox:mailto:ana@example.com\n");
  EXPECT_ERROR(dup_ifi, "line 3 column ifis", "unique");
  EXPECT_NE(ErrorOf(dup_ifi).message.find("\"e1001\" (line 2)"), std::string::npos) << ErrorOf(dup_ifi).message;
  EXPECT_NE(ErrorOf(dup_ifi).message.find("\"e1002\" (line 3)"), std::string::npos) << ErrorOf(dup_ifi).message;
}

TEST(PeopleCsv, SameDirectoryAsJson) {
  auto from_csv = ParsePeopleCsv(
      "id,name,role,unit,manager,ifis\n"
      "e1001,Ana Silva,sales-engineer,emea-sales,e1000,mbox:mailto:ana@example.com;account:https://field.example.com|ana\n");
  auto from_json = ParsePeopleJson(R"([{"id":"e1001","name":"Ana Silva","ifis":[{"mbox":"mailto:ana@example.com"},
      {"account":{"homePage":"https://field.example.com","name":"ana"}}],"role":"sales-engineer","unit":"emea-sales",
      "manager":"e1000"}])");
  ASSERT_TRUE(from_csv.ok() && from_json.ok());
  EXPECT_EQ(PersonToJson((*from_csv)[0]), PersonToJson((*from_json)[0]));
}

// ---- Person round trips ----------------------------------------------------------------------------

TEST(PersonJson, RoundTrips) {
  auto people = ParsePeopleJson(kPeople);
  ASSERT_TRUE(people.ok());
  for (const Person& p : *people) {
    const std::string json = PersonToJson(p);
    auto back = PersonFromJson(json);
    ASSERT_TRUE(back.ok()) << back.error().ToString() << " in " << json;
    EXPECT_EQ(back->id, p.id);
    EXPECT_EQ(back->name, p.name);
    EXPECT_EQ(back->role, p.role);
    EXPECT_EQ(back->unit, p.unit);
    EXPECT_EQ(back->manager, p.manager);
    EXPECT_EQ(back->ifis, p.ifis);
    EXPECT_EQ(PersonToJson(*back), json);
  }
  EXPECT_EQ(PersonToJson((*people)[0]),
            R"({"id":"e1000","name":"Bo Chen","ifis":[{"mbox":"mailto:bo@example.com"}],"unit":"emea-sales"})");
  EXPECT_EQ(PersonToJson((*people)[1]),
            R"({"id":"e1001","name":"Ana Silva","ifis":[{"mbox":"mailto:ana@example.com"},)"
            R"({"account":{"homePage":"https://field.example.com","name":"ana"}},)"
            R"({"mbox_sha1sum":"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"},)"
            R"({"openid":"https://openid.example.com/ana"}],"role":"sales-engineer","unit":"emea-sales",)"
            R"("manager":"e1000"})");
}

TEST(PersonJson, EscapesRoundTrip) {
  Person p;
  p.id = "e\"1\\";
  p.name = "Zoë \"Z\" Ünal\n";
  p.ifis = {{"mbox:mailto:z@example.com", R"({"mbox":"mailto:z@example.com"})"}};
  auto back = PersonFromJson(PersonToJson(p));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->id, p.id);
  EXPECT_EQ(back->name, p.name);
}

TEST(PersonJson, RejectsWhatTheDirectoryRejects) {
  EXPECT_ERROR(PersonFromJson(R"({"id":"e1","ifis":[{"mbox":"a@b.c"}]})"), "person.ifis[0].mbox", "XAPI-00038");
  EXPECT_ERROR(PersonFromJson(R"({"id":"e1"})"), "person.ifis", "required");
  EXPECT_ERROR(PersonFromJson(R"([])"), "person", "type");
  EXPECT_ERROR(PersonFromJson("garbage"), "person", "json");
}

// ---- Competency framework ------------------------------------------------------------------------

constexpr std::string_view kFramework = R"({
  "competencies": [{"id": "negotiation", "name": "Negotiation"}, {"id": "product", "name": "Product knowledge"},
                   {"id": "safety"}],
  "roles": [{"id": "sales-engineer", "name": "Sales engineer",
             "requires": [{"competency": "negotiation", "level": 3}, {"competency": "product", "level": 10}]},
            {"id": "intern"}]
})";

TEST(FrameworkDoc, Parses) {
  auto f = ParseFramework(kFramework);
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  ASSERT_EQ(f->competencies.size(), 3u);
  EXPECT_EQ(f->competencies[1].id, "product");
  EXPECT_EQ(f->competencies[1].name, "Product knowledge");
  EXPECT_EQ(f->competencies[2].name, "");
  ASSERT_EQ(f->roles.size(), 2u);
  const Role* se = f->FindRole("sales-engineer");
  ASSERT_NE(se, nullptr);
  EXPECT_EQ(se->name, "Sales engineer");
  ASSERT_EQ(se->required.size(), 2u);
  EXPECT_EQ(se->required[0].competency, "negotiation");
  EXPECT_EQ(se->required[0].level, 3);
  EXPECT_EQ(se->required[1].level, 10);
  EXPECT_TRUE(f->FindRole("intern")->required.empty());
  EXPECT_EQ(f->FindRole("manager"), nullptr);
  ASSERT_NE(f->FindCompetency("safety"), nullptr);
  EXPECT_EQ(f->FindCompetency("Safety"), nullptr);

  auto empty = ParseFramework("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->competencies.empty() && empty->roles.empty());
}

TEST(FrameworkDoc, RoundTrips) {
  auto f = ParseFramework(kFramework);
  ASSERT_TRUE(f.ok());
  const std::string json = FrameworkToJson(*f);
  EXPECT_EQ(json,
            R"({"competencies":[{"id":"negotiation","name":"Negotiation"},{"id":"product","name":"Product knowledge"},)"
            R"({"id":"safety"}],"roles":[{"id":"sales-engineer","name":"Sales engineer","requires":[)"
            R"({"competency":"negotiation","level":3},{"competency":"product","level":10}]},)"
            R"({"id":"intern","requires":[]}]})");
  auto back = ParseFramework(json);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(FrameworkToJson(*back), json);
}

TEST(FrameworkDoc, Errors) {
  EXPECT_ERROR(ParseFramework("[]"), "", "type");
  EXPECT_ERROR(ParseFramework(R"({"competences":[]})"), "competences", "additionalProperties");
  EXPECT_ERROR(ParseFramework(R"({"competencies":[{"id":"a"},{"name":"B"}]})"), "competencies[1].id", "required");
  EXPECT_ERROR(ParseFramework(R"({"competencies":[{"id":""}]})"), "competencies[0].id", "minLength");
  EXPECT_ERROR(ParseFramework(R"({"competencies":[{"id":"a","level":2}]})"), "competencies[0].level",
               "additionalProperties");
  auto dup = ParseFramework(R"({"competencies":[{"id":"a"},{"id":"b"},{"id":"a"}]})");
  EXPECT_ERROR(dup, "competencies[2].id", "unique");
  EXPECT_NE(ErrorOf(dup).message.find("competencies[0]"), std::string::npos);
  EXPECT_ERROR(ParseFramework(R"({"roles":[{"id":"r"},{"id":"r"}]})"), "roles[1].id", "unique");
  // A role id may equal a competency id: separate namespaces.
  EXPECT_TRUE(ParseFramework(R"({"competencies":[{"id":"x"}],"roles":[{"id":"x"}]})").ok());

  const std::string comps = R"("competencies":[{"id":"negotiation"},{"id":"product"}])";
  auto role = [&](std::string requires_json) {
    return ParseFramework("{" + comps + R"(,"roles":[{"id":"se","requires":)" + requires_json + "}]}");
  };
  auto unknown = role(R"([{"competency":"negotiation","level":3},{"competency":"closing","level":2}])");
  EXPECT_ERROR(unknown, "roles[0].requires[1].competency", "competency");
  EXPECT_NE(ErrorOf(unknown).message.find("\"closing\""), std::string::npos);
  EXPECT_ERROR(role(R"([{"competency":"negotiation","level":0}])"), "roles[0].requires[0].level", "minimum");
  EXPECT_ERROR(role(R"([{"competency":"negotiation","level":11}])"), "roles[0].requires[0].level", "maximum");
  EXPECT_ERROR(role(R"([{"competency":"negotiation","level":2.5}])"), "roles[0].requires[0].level", "type");
  EXPECT_ERROR(role(R"([{"competency":"negotiation","level":"3"}])"), "roles[0].requires[0].level", "type");
  EXPECT_ERROR(role(R"([{"competency":"negotiation"}])"), "roles[0].requires[0].level", "required");
  EXPECT_ERROR(role(R"([{"competency":"negotiation","lvl":3}])"), "roles[0].requires[0].lvl", "additionalProperties");
  EXPECT_ERROR(role(R"([{"competency":"product","level":1},{"competency":"product","level":2}])"),
               "roles[0].requires[1].competency", "unique");
  EXPECT_ERROR(role(R"({"competency":"product","level":1})"), "roles[0].requires", "type");
  EXPECT_TRUE(role(R"([{"competency":"product","level":1},{"competency":"negotiation","level":10}])").ok());
}

}  // namespace
}  // namespace lrsd::profile
