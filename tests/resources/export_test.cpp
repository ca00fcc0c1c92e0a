// CSV flattening of the exports: RFC 4180 quoting, the statement and people column layouts.
#include "resources/export.h"

#include <gtest/gtest.h>

#include <vector>

namespace lrsd::resources {
namespace {

std::string Field(std::string_view value) {
  std::string out;
  AppendCsvField(out, value);
  return out;
}

// A minimal RFC 4180 reader: the records of `csv` (CRLF line ends, quoted fields).
std::vector<std::vector<std::string>> ReadCsv(std::string_view csv) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      ++i;
      if (i + 1 < csv.size()) rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  return rows;
}

std::vector<std::string> StatementRow(std::string_view json) {
  std::string out = StatementCsvHeader();
  EXPECT_TRUE(AppendStatementCsvRow(json, out).ok());
  auto rows = ReadCsv(out);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].size(), rows[1].size());
  return rows.back();
}

// The value of `column` in a row read with the header `header`.
std::string Column(const std::string& header_csv, const std::vector<std::string>& row, std::string_view column) {
  auto header = ReadCsv(header_csv)[0];
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) return row.at(i);
  }
  ADD_FAILURE() << "no column " << column;
  return {};
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(Field("plain text"), "plain text");
  EXPECT_EQ(Field(""), "");
  EXPECT_EQ(Field("Zoë Ünal"), "Zoë Ünal");  // non-ASCII passes through as UTF-8
  EXPECT_EQ(Field("a,b"), "\"a,b\"");
  EXPECT_EQ(Field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(Field("\""), "\"\"\"\"");
}

TEST(CsvField, RoundTripsThroughAReader) {
  const std::vector<std::string> values = {"a", "", "x,y", "\"q\"", "l1\r\nl2", "日本語, \"テスト\""};
  std::string line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) line += ',';
    AppendCsvField(line, values[i]);
  }
  line += "\r\n";
  auto rows = ReadCsv(line);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], values);
}

TEST(StatementCsv, HeaderNamesTheDocumentedColumns) {
  EXPECT_EQ(StatementCsvHeader(),
            "id,timestamp,stored,actor_name,actor_ifi,verb_id,verb_display,object_type,object_id,object_name,"
            "object_type_iri,result_success,result_completion,result_score_scaled,result_score_raw,"
            "result_duration,result_duration_seconds,context_registration,context_platform,context_parent_ids,"
            "context_grouping_ids,authority_ifi,version\r\n");
}

TEST(StatementCsv, FlattensAFullStatement) {
  const std::string json = R"j({"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor":{"objectType":"Agent","name":"Zoë \"Z\", Ünal","mbox":"mailto:zoe@example.com"},
    "verb":{"id":"http://adlnet.gov/expapi/verbs/passed","display":{"de":"bestanden","en-GB":"passed (GB)","en":"passed"}},
    "object":{"id":"http://example.com/course/1","definition":{"name":{"fr":"Cours","en-US":"Course, one\nline two"},
              "type":"http://adlnet.gov/expapi/activities/course"}},
    "result":{"success":true,"completion":false,"score":{"scaled":0.95,"raw":19,"max":20},"duration":"PT1H30M2.5S"},
    "context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","platform":"LMS",
               "contextActivities":{"parent":[{"id":"http://example.com/p1"},{"id":"http://example.com/p2"}],
                                    "grouping":[{"id":"http://example.com/g"}]}},
    "timestamp":"2026-03-01T10:00:00.000Z","stored":"2026-03-01T10:00:01.123Z",
    "authority":{"objectType":"Group","member":[{"account":{"homePage":"http://lrsd.local/credentials","name":"app"}},
                                                {"mbox":"mailto:admin@example.com"}]},
    "version":"2.0.0"})j";
  auto row = StatementRow(json);
  const std::vector<std::string> expected = {
      "6690e6c9-3ef0-4ed3-8b37-7f3964730bee", "2026-03-01T10:00:00.000Z", "2026-03-01T10:00:01.123Z",
      "Zoë \"Z\", Ünal", "mbox:mailto:zoe@example.com", "http://adlnet.gov/expapi/verbs/passed", "passed",
      "Activity", "http://example.com/course/1", "Course, one\nline two", "http://adlnet.gov/expapi/activities/course",
      "true", "false", "0.95", "19", "PT1H30M2.5S", "5402.5", "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "LMS",
      "http://example.com/p1 http://example.com/p2", "http://example.com/g",
      "account:http://lrsd.local/credentials|app;mbox:mailto:admin@example.com", "2.0.0"};
  EXPECT_EQ(row, expected);
}

TEST(StatementCsv, SparseStatementLeavesColumnsEmpty) {
  auto row = StatementRow(R"({"id":"a","actor":{"openid":"http://id.example.com/x"},"verb":{"id":"http://v"},
                              "object":{"id":"http://o"},"stored":"s","timestamp":"t","version":"1.0.0"})");
  const std::string header = StatementCsvHeader();
  EXPECT_EQ(Column(header, row, "actor_ifi"), "openid:http://id.example.com/x");
  EXPECT_EQ(Column(header, row, "object_type"), "Activity");  // the default objectType
  for (const char* empty : {"actor_name", "verb_display", "object_name", "object_type_iri", "result_success",
                            "result_score_scaled", "result_duration_seconds", "context_parent_ids", "authority_ifi"}) {
    EXPECT_EQ(Column(header, row, empty), "") << empty;
  }
}

TEST(StatementCsv, ObjectsOtherThanActivities) {
  const std::string header = StatementCsvHeader();
  auto agent = StatementRow(R"({"id":"a","actor":{"mbox":"mailto:a@x"},"verb":{"id":"http://v","display":{"fr":"vu"}},
    "object":{"objectType":"Agent","name":"Bea","account":{"homePage":"http://h","name":"bea"}}})");
  EXPECT_EQ(Column(header, agent, "object_type"), "Agent");
  EXPECT_EQ(Column(header, agent, "object_id"), "account:http://h|bea");
  EXPECT_EQ(Column(header, agent, "object_name"), "Bea");
  EXPECT_EQ(Column(header, agent, "verb_display"), "vu");  // no English: the first entry

  auto ref = StatementRow(R"({"id":"b","actor":{"mbox":"mailto:a@x"},"verb":{"id":"http://v"},
    "object":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}})");
  EXPECT_EQ(Column(header, ref, "object_type"), "StatementRef");
  EXPECT_EQ(Column(header, ref, "object_id"), "6690e6c9-3ef0-4ed3-8b37-7f3964730bee");

  auto sub = StatementRow(R"({"id":"c","actor":{"mbox":"mailto:a@x"},"verb":{"id":"http://v"},
    "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:b@x"},"verb":{"id":"http://w"},"object":{"id":"http://o"}}})");
  EXPECT_EQ(Column(header, sub, "object_type"), "SubStatement");
  EXPECT_EQ(Column(header, sub, "object_id"), "");
}

TEST(StatementCsv, RejectsInvalidJson) {
  std::string out;
  EXPECT_FALSE(AppendStatementCsvRow("{not json", out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(PeopleCsv, FlattensAProfile) {
  const std::string profile = R"({"person":{"id":"e1","name":"Ana \"A\", Silva","role":"sales","unit":"emea"},
    "modalities":{"formal":{"statements":2,"seconds":5400.0,"share":0.5},"experiential":{"statements":1,"seconds":3600.5,"share":0.3},
                  "informal":{"statements":4,"seconds":1800.0,"share":0.2},"unclassified":{"statements":3,"seconds":60.0}},
    "outcomes":{"completed":3,"passed":2,"failed":1,"averageScaledScore":0.8},
    "competencies":[{"id":"a","level":1,"target":3,"gap":2},{"id":"b","level":0,"target":null,"gap":0},{"id":"c","level":1,"target":2,"gap":1}],
    "months":[],"recent":[]})";
  std::string out = PeopleCsvHeader();
  ASSERT_TRUE(AppendPersonCsvRow(profile, out).ok());
  auto rows = ReadCsv(out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "name", "unit", "role", "formal_seconds", "experiential_seconds",
                                               "informal_seconds", "unclassified_seconds", "total_seconds", "statements",
                                               "completions", "passed", "failed", "average_scaled_score",
                                               "competency_gap"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"e1", "Ana \"A\", Silva", "emea", "sales", "5400", "3600.5", "1800", "60",
                                               "10800.5", "10", "3", "2", "1", "0.8", "3"}));
}

TEST(PeopleCsv, NoScoresLeaveTheAverageEmpty) {
  std::string out;
  ASSERT_TRUE(AppendPersonCsvRow(R"({"person":{"id":"e2","name":"Bob","role":"","unit":""},
    "outcomes":{"completed":0,"passed":0,"failed":0,"averageScaledScore":null},"competencies":[]})",
                                 out)
                  .ok());
  EXPECT_EQ(out, "e2,Bob,,,0,0,0,0,0,0,0,0,0,,0\r\n");
}

}  // namespace
}  // namespace lrsd::resources
