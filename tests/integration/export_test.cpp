// Exports on the real binary: /export/statements.csv and .ndjson answer exactly what GET
// /xapi/statements answers for the same filters (ids, order, voided statements left out), CSV
// quoting survives names with quotes, commas, newlines and non-ASCII, scopes, chunked transfer,
// people.csv against the person profiles, and a 20,000-statement export streamed in bounded
// memory, also to a client that goes away half-way.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "lrsd/base.h"
#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180: records end with CRLF; fields may be quoted, with "" for a quote inside.
Rows ReadCsv(const std::string& csv) {
  Rows rows;
  std::vector<std::string> row(1);
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        row.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        row.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.emplace_back();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      ++i;
      rows.push_back(std::move(row));
      row.assign(1, "");
    } else {
      row.back() += c;
    }
  }
  EXPECT_TRUE(row.size() == 1 && row[0].empty()) << "the last record lacks its CRLF";
  return rows;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "the last line lacks its newline";
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::size_t ColumnIndex(const Rows& rows, const std::string& name) {
  for (std::size_t i = 0; i < rows.at(0).size(); ++i) {
    if (rows[0][i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// The ids GET /xapi/statements returns for `query`, following `more` links; `limit` caps them.
std::vector<std::string> XapiIds(Client& client, const std::string& query, std::size_t limit = SIZE_MAX) {
  std::vector<std::string> ids;
  std::string target = "/xapi/statements?" + query;
  while (!target.empty() && ids.size() < limit) {
    auto r = client.Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    if (r.status != 200) break;
    auto json = r.Json();
    for (const auto& s : json["statements"].GetArray()) ids.push_back(s["id"].GetString());
    target = json["more"].GetString();
  }
  if (ids.size() > limit) ids.resize(limit);
  return ids;
}

std::vector<std::string> CsvIds(const Rows& rows) {
  std::vector<std::string> ids;
  for (std::size_t i = 1; i < rows.size(); ++i) ids.push_back(rows[i].at(0));
  return ids;
}

std::vector<std::string> NdjsonIds(const std::string& body) {
  std::vector<std::string> ids;
  for (const auto& line : Lines(body)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    EXPECT_TRUE(doc.IsObject()) << line;
    if (doc.IsObject()) ids.push_back(doc["id"].GetString());
  }
  return ids;
}

std::string StatusLine(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return line;
  }
  return {};
}

// VmRSS / VmHWM of a process, in bytes (0 when unreadable).
std::uint64_t ProcessKb(int pid, const std::string& field) {
  std::string line = StatusLine(pid, field);
  if (line.empty()) return 0;
  return std::stoull(line.substr(field.size() + 1)) * 1024;
}

const std::string kCompleted = "http://adlnet.gov/expapi/verbs/completed";
const std::string kPassed = "http://adlnet.gov/expapi/verbs/passed";
const std::string kCourse = "http://adlnet.gov/expapi/activities/course";

// A statement about a course; `name` may hold quotes and newlines (JSON-escaped here), `extra`
// adds members (",\"result\":{…}").
std::string Statement(const std::string& name, const std::string& mbox, const std::string& verb,
                      const std::string& activity, const std::string& extra = "") {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') {
      quoted += "\\\"";
    } else if (c == '\n') {
      quoted += "\\n";
    } else {
      quoted += c;
    }
  }
  quoted += '"';
  return R"({"actor":{"name":)" + quoted + R"(,"mbox":")" + mbox + R"("},"verb":{"id":")" + verb +
         R"(","display":{"en-US":"did"}},"object":{"id":")" + activity + R"(","definition":{"type":")" + kCourse + R"(","name":{"en":")" +
         "Course, \\\"one\\\"" + R"("}}})" + extra + "}";
}

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = Server::Start().release();
    server_->Stop();
    for (const auto& [key, scope] : {std::pair{"x-stmt", "statements/read"}, std::pair{"x-prof", "profiles/read"},
                                     std::pair{"x-allread", "all/read"}}) {
      auto created = server_->RunCli({"credentials", "create", "--key", key, "--secret", std::string(key) + "-secret",
                                      "--scope", scope});
      ASSERT_EQ(created.first, 0) << created.second;
    }
    server_->StartAgain();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<Client>(server_->http_url(), server_->key(), server_->secret());
  }

  std::vector<std::string> Post(const std::vector<std::string>& statements) {
    std::string body = "[";
    for (std::size_t i = 0; i < statements.size(); ++i) body += (i ? "," : "") + statements[i];
    auto r = client_->PostJson("/xapi/statements", body + "]");
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 500);
    std::vector<std::string> ids;
    auto json = r.Json();
    if (json.IsArray()) {
      for (const auto& id : json.GetArray()) ids.push_back(id.GetString());
    }
    return ids;
  }
  // The `stored` of a statement posted now: a `since` that leaves out everything before.
  std::string Marker() {
    auto id = Post({Statement("marker", "mailto:marker@example.com", kCompleted, "http://example.com/marker")});
    auto r = client_->Get("/xapi/statements?statementId=" + id.at(0));
    return r.Json()["stored"].GetString();
  }

  static Server* server_;
  std::unique_ptr<Client> client_;
};
Server* ExportTest::server_ = nullptr;

TEST_F(ExportTest, SameStatementsAsTheStatementResourceForTheSameFilters) {
  const std::string since = Marker();
  const std::string activity = "http://example.com/export/" + NewUuidString();
  const std::string other = "http://example.com/export/other/" + NewUuidString();
  std::vector<std::string> posted;
  for (int i = 0; i < 7; ++i) {
    auto ids = Post({Statement("Zoë \"Z\", Ünal\nline two", "mailto:zoe@example.com", i % 2 ? kPassed : kCompleted,
                               activity),
                     Statement("Bob, Jr.", "mailto:bob@example.com", kCompleted, i % 3 ? activity : other,
                               R"(,"context":{"contextActivities":{"parent":[{"id":")" + other + R"("}]}})")});
    posted.insert(posted.end(), ids.begin(), ids.end());
  }
  // A later batch, so that since can split the data.
  auto middle = client_->Get("/xapi/statements?statementId=" + posted.back()).Json();
  const std::string split = middle["stored"].GetString();
  Post({Statement("Zoë \"Z\", Ünal\nline two", "mailto:zoe@example.com", kPassed, activity)});
  // Voided: its voiding statement is exported, it is not.
  const std::string voided = posted.at(0);
  Post({R"({"actor":{"mbox":"mailto:admin@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
        R"("object":{"objectType":"StatementRef","id":")" + voided + R"("}})"});

  const std::string zoe = UrlEncode(R"({"mbox":"mailto:zoe@example.com"})");
  const std::vector<std::string> queries = {
      "since=" + UrlEncode(since),
      "since=" + UrlEncode(since) + "&ascending=true",
      "agent=" + zoe + "&since=" + UrlEncode(since),
      "verb=" + UrlEncode(kPassed) + "&since=" + UrlEncode(split),
      "activity=" + UrlEncode(other) + "&related_activities=true",
      "activity=" + UrlEncode(activity) + "&until=" + UrlEncode(split),
      "agent=" + zoe + "&activity=" + UrlEncode(activity) + "&ascending=true",
  };
  for (const auto& q : queries) {
    const auto expected = XapiIds(*client_, q);
    EXPECT_FALSE(expected.empty()) << q;
    EXPECT_EQ(std::count(expected.begin(), expected.end(), voided), 0) << q;

    auto csv = client_->Get("/export/statements.csv?" + q);
    ASSERT_EQ(csv.status, 200) << q << ": " << csv.body;
    auto rows = ReadCsv(csv.body);
    EXPECT_EQ(CsvIds(rows), expected) << q;
    for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size()) << q;

    auto ndjson = client_->Get("/export/statements.ndjson?" + q);
    ASSERT_EQ(ndjson.status, 200) << q << ": " << ndjson.body;
    EXPECT_EQ(NdjsonIds(ndjson.body), expected) << q;

    // limit: at most that many rows, the first ones in the same order.
    auto limited = client_->Get("/export/statements.csv?" + q + "&limit=3");
    ASSERT_EQ(limited.status, 200);
    EXPECT_EQ(CsvIds(ReadCsv(limited.body)), XapiIds(*client_, q, 3)) << q;
  }

  // Each NDJSON line is the statement exactly as the Statement resource returns it.
  auto ndjson = client_->Get("/export/statements.ndjson?since=" + UrlEncode(since));
  for (const auto& line : Lines(ndjson.body)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    auto single = client_->Get("/xapi/statements?statementId=" + std::string(doc["id"].GetString()));
    EXPECT_EQ(line, single.body);
  }

  // The CSV cells hold the names unchanged (quotes, commas, a newline, non-ASCII). The agent
  // filter also matches the voiding statement (it refers to one of Zoë's): skipped here.
  auto csv = client_->Get("/export/statements.csv?agent=" + zoe + "&since=" + UrlEncode(since));
  auto rows = ReadCsv(csv.body);
  ASSERT_GE(rows.size(), 2u);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i][ColumnIndex(rows, "object_type")] == "StatementRef") continue;
    EXPECT_EQ(rows[i][ColumnIndex(rows, "actor_name")], "Zoë \"Z\", Ünal\nline two");
    EXPECT_EQ(rows[i][ColumnIndex(rows, "actor_ifi")], "mbox:mailto:zoe@example.com");
    EXPECT_EQ(rows[i][ColumnIndex(rows, "object_name")], "Course, \"one\"");
    EXPECT_EQ(rows[i][ColumnIndex(rows, "object_type_iri")], kCourse);
    EXPECT_EQ(rows[i][ColumnIndex(rows, "verb_display")], "did");
    EXPECT_EQ(rows[i][ColumnIndex(rows, "authority_ifi")],
              "account:http://lrsd.local/credentials|" + server_->key());
  }
}

TEST_F(ExportTest, ChunkedWithHeaders) {
  Marker();
  for (const std::string path : {"/export/statements.csv", "/export/statements.ndjson"}) {
    auto r = client_->Get(path + "?limit=5");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
    EXPECT_EQ(r.Header("content-length"), "");
    EXPECT_NE(r.Header("x-experience-api-consistent-through"), "");
    EXPECT_EQ(r.Header("content-type"),
              path.ends_with(".csv") ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson");
    // HEAD: the same headers, no body; the connection stays usable.
    auto head = client_->Request("HEAD", path);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.Header("transfer-encoding"), "chunked");
    EXPECT_EQ(head.body, "");
  }
  EXPECT_EQ(client_->Get("/export/statements.csv?limit=1").status, 200);  // kept alive after HEAD
  EXPECT_EQ(client_->Get("/export/statements.csv?format=ids").status, 400);
  EXPECT_EQ(client_->Get("/export/statements.csv?verb=notaniri").status, 400);
  EXPECT_EQ(client_->Get("/export/nothing.csv").status, 404);
  EXPECT_EQ(client_->Request("POST", "/export/statements.csv").status, 405);
}

TEST_F(ExportTest, Scopes) {
  for (const std::string path : {"/export/statements.csv", "/export/statements.ndjson", "/export/people.csv"}) {
    Client anonymous(server_->http_url(), "", "");
    anonymous.set_auth_enabled(false);
    auto r = anonymous.Get(path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_TRUE(r.Json().HasMember("error")) << r.body;
    EXPECT_NE(r.Header("www-authenticate"), "");

    Client statements_only(server_->http_url(), "x-stmt", "x-stmt-secret");
    r = statements_only.Get(path);
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_TRUE(r.Json().HasMember("error")) << r.body;

    for (const std::string key : {"x-prof", "x-allread"}) {
      Client reader(server_->http_url(), key, key + "-secret");
      r = reader.Get(path == "/export/people.csv" ? path : path + "?limit=2");
      EXPECT_EQ(r.status, 200) << path << " as " << key << ": " << r.body;
    }
    Client wrong(server_->http_url(), "x-prof", "not-the-secret");
    EXPECT_EQ(wrong.Get(path).status, 401);
  }
}

TEST_F(ExportTest, PeopleMatchTheirProfiles) {
  ASSERT_EQ(client_->PutJson("/admin/framework", R"({
    "competencies":[{"id":"negotiation","name":"Negotiation"},{"id":"safety","name":"Safety"}],
    "roles":[{"id":"sales","name":"Sales","requires":[{"competency":"negotiation","level":3},{"competency":"safety","level":1}]}]})")
                .status,
            200);
  ASSERT_EQ(client_->PutJson("/admin/rules", R"({
    "modality":[{"when":{"platform":"FieldApp"},"modality":"experiential"},
                {"when":{"activityType":")" + kCourse + R"("},"modality":"formal"}],
    "competency":[{"when":{"activityIdPrefix":"https://lms.example.com/negotiation"},"competency":"negotiation","level":1}]})")
                .status,
            200);
  auto put = client_->PutJson("/admin/people", R"([
    {"id":"p1","name":"Ana \"A\", Silva","ifis":[{"mbox":"mailto:ana@people.example.com"}],"role":"sales","unit":"emea, south"},
    {"id":"p2","name":"Łukasz\nNowak","ifis":[{"mbox":"mailto:lukasz@people.example.com"}],"role":"sales","unit":"emea"},
    {"id":"p3","name":"Idle","ifis":[{"mbox":"mailto:idle@people.example.com"}],"unit":"apac"}])");
  ASSERT_EQ(put.status, 200) << put.body;
  Post({Statement("Ana", "mailto:ana@people.example.com", kPassed, "https://lms.example.com/negotiation-1",
                  R"(,"result":{"success":true,"completion":true,"duration":"PT1H","score":{"scaled":0.9}})"),
        Statement("Ana", "mailto:ana@people.example.com", kCompleted, "https://lms.example.com/other",
                  R"(,"result":{"completion":true,"duration":"PT30M","score":{"scaled":0.5}},"context":{"platform":"FieldApp"})"),
        Statement("Lukasz", "mailto:lukasz@people.example.com", "http://adlnet.gov/expapi/verbs/failed",
                  "https://lms.example.com/other", R"(,"result":{"success":false,"duration":"PT10M"})")});

  auto r = client_->Get("/export/people.csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("transfer-encoding"), "chunked");
  auto rows = ReadCsv(r.body);
  ASSERT_EQ(rows.size(), 4u);  // header and three people
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "name", "unit", "role", "formal_seconds", "experiential_seconds",
                                               "informal_seconds", "unclassified_seconds", "total_seconds",
                                               "statements", "completions", "passed", "failed",
                                               "average_scaled_score", "competency_gap"}));
  auto col = [&](const std::string& name) { return ColumnIndex(rows, name); };
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    auto profile = client_->Get("/learning/people/" + row[0]).Json();
    ASSERT_TRUE(profile.IsObject());
    EXPECT_EQ(row[col("name")], profile["person"]["name"].GetString());
    EXPECT_EQ(row[col("unit")], profile["person"]["unit"].GetString());
    double total = 0;
    for (const char* m : {"formal", "experiential", "informal"}) {
      double seconds = profile["modalities"][m]["seconds"].GetDouble();
      total += seconds;
      EXPECT_DOUBLE_EQ(std::stod(row[col(std::string(m) + "_seconds")]), seconds) << row[0] << " " << m;
    }
    EXPECT_DOUBLE_EQ(std::stod(row[col("total_seconds")]), total);
    EXPECT_EQ(std::stoll(row[col("completions")]), profile["outcomes"]["completed"].GetInt64());
    EXPECT_EQ(std::stoll(row[col("passed")]), profile["outcomes"]["passed"].GetInt64());
    EXPECT_EQ(std::stoll(row[col("failed")]), profile["outcomes"]["failed"].GetInt64());
    int gap = 0;
    for (const auto& line : profile["competencies"].GetArray()) gap += line["gap"].GetInt();
    EXPECT_EQ(std::stoi(row[col("competency_gap")]), gap);
  }
  // By id: Ana, Łukasz, Idle.
  EXPECT_EQ(rows[1], (std::vector<std::string>{"p1", "Ana \"A\", Silva", "emea, south", "sales", "3600", "1800", "0",
                                               "0", "5400", "2", "2", "1", "0", "0.7", "3"}));
  EXPECT_EQ(rows[2][col("name")], "Łukasz\nNowak");
  EXPECT_EQ(rows[2][col("failed")], "1");
  EXPECT_EQ(rows[2][col("average_scaled_score")], "");
  EXPECT_EQ(rows[3][col("statements")], "0");
  EXPECT_EQ(rows[3][col("competency_gap")], "0");  // no role, nothing required

  // A period: nothing happened after now.
  auto later = client_->Get("/export/people.csv?since=" + UrlEncode("2100-01-01T00:00:00Z"));
  ASSERT_EQ(later.status, 200);
  auto later_rows = ReadCsv(later.body);
  ASSERT_EQ(later_rows.size(), 4u);
  EXPECT_EQ(later_rows[1][col("total_seconds")], "0");
  EXPECT_EQ(client_->Get("/export/people.csv?since=yesterday").status, 400);
  EXPECT_EQ(client_->Get("/export/people.csv?unit=emea").status, 400);
}

// Reads a little of a large export, then hangs up.
std::string ReadSomeAndHangUp(const std::string& url, const std::string& authorization, std::size_t bytes) {
  std::string host_port = url.substr(std::string("http://").size());
  int port = std::stoi(host_port.substr(host_port.rfind(':') + 1));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::string got;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = "GET /export/statements.ndjson HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization +
                          "\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[16384];
      while (got.size() < bytes) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  return got;
}

TEST(ExportLarge, TwentyThousandStatementsStreamedInBoundedMemory) {
  ServerOptions options;
  options.extra_args = {"--no-sync", "--page-size", "1000"};
  auto server = Server::Start(options);
  Client client(server->http_url(), server->key(), server->secret());
  const std::string padding(600, 'x');  // about 1 KB per statement
  constexpr int kStatements = 20000, kBatch = 1000;
  for (int b = 0; b < kStatements / kBatch; ++b) {
    std::string body = "[";
    for (int i = 0; i < kBatch; ++i) {
      body += (i ? "," : "");
      body += R"({"actor":{"name":"Learner )" + std::to_string(i % 97) + R"(","mbox":"mailto:l)" +
              std::to_string(i % 97) + R"(@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},)" +
              R"("object":{"id":"http://example.com/large/)" + std::to_string(b) + R"("},"result":{"response":")" +
              padding + R"("}})";
    }
    auto r = client.PostJson("/xapi/statements", body + "]");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  }

  // Every statement, in the order the Statement resource gives them.
  auto first = client.Get("/export/statements.ndjson");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("transfer-encoding"), "chunked");
  const auto ids = NdjsonIds(first.body);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kStatements));
  EXPECT_EQ(ids, XapiIds(client, "limit=1000"));
  auto csv = client.Get("/export/statements.csv?ascending=true");
  ASSERT_EQ(csv.status, 200);
  auto rows = ReadCsv(csv.body);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kStatements) + 1);
  EXPECT_EQ(rows[1][0], ids.back());
  EXPECT_EQ(rows.back()[0], ids.front());

  // Memory: the peak resident size while exporting again stays far below the export's size (a
  // server buffering the body would need all of it at once). The first exports above warmed the
  // caches; clear_refs resets the peak (VmHWM) to the current size.
  const std::size_t export_bytes = first.body.size();
  const int pid = server->pid();
  const std::uint64_t before = ProcessKb(pid, "VmRSS");
  {
    std::ofstream clear("/proc/" + std::to_string(pid) + "/clear_refs");
    clear << "5";
  }
  const std::uint64_t peak_before = ProcessKb(pid, "VmHWM");
  auto again = client.Get("/export/statements.ndjson");
  ASSERT_EQ(again.body.size(), export_bytes);
  const std::uint64_t peak = ProcessKb(pid, "VmHWM");
  std::printf("    export %zu bytes; server RSS %llu KiB before, peak %llu KiB during (peak before %llu KiB)\n",
              export_bytes, static_cast<unsigned long long>(before / 1024),
              static_cast<unsigned long long>(peak / 1024), static_cast<unsigned long long>(peak_before / 1024));
#if defined(__SANITIZE_ADDRESS__)
  // ASan's quarantine keeps freed chunks resident: the bound means nothing there.
#else
  ASSERT_GT(before, 0u) << "cannot read /proc/" << pid << "/status";
  // Half the export: a server holding the body would need all of it (21.6 MB) at once. The
  // streamed export itself grows the peak by 0.1-5.5 MB: lrsd's jemalloc returns freed pages
  // after 1 s, so buffers reused by the export fault back in and count again (measured: ~40 KB
  // with jemalloc's default 10 s decay, up to 5.5 MB with 1 s under CI's parallel load).
  EXPECT_LT(peak, std::max(before, peak_before) + export_bytes / 2);
#endif

  // A client that hangs up half-way: the server drops the export and goes on serving.
  const std::string authorization = "Basic " + Base64Encode(server->key() + ":" + server->secret());
  for (int i = 0; i < 3; ++i) {
    auto partial = ReadSomeAndHangUp(server->http_url(), authorization, 200000);
    EXPECT_EQ(partial.rfind("HTTP/1.1 200", 0), 0u) << partial.substr(0, 200);
  }
  EXPECT_EQ(client.Get("/health").status, 200);
  EXPECT_EQ(client.Get("/export/statements.csv?limit=10").status, 200);
  EXPECT_EQ(server->Stop(15), 0);
  EXPECT_NE(server->Stderr().find("stopped cleanly"), std::string::npos);
}

}  // namespace
}  // namespace lrsd::testkit
