// Shared helpers for the conformance tests: one lrsd per test suite, JSON editing, statement
// templates, timestamp parsing, multipart bodies and hashing. Header-only: CMake compiles only
// conformance/*_test.cpp.
//
// Every test names the requirement id(s) it checks (XAPI-00###, see README.md) in its name and
// records them as the "requirement" property of the test result.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testkit/testkit.h"

namespace lrsd::conformance {

using testkit::Client;
using testkit::Response;
using testkit::Server;
using testkit::ServerOptions;

inline constexpr const char* kV103 = "1.0.3";
inline constexpr const char* kV200 = "2.0.0";
inline const std::vector<const char*> kBothVersions = {kV103, kV200};

inline bool Is2(const std::string& version) { return version.rfind("2.", 0) == 0; }

// "1.0.3" -> "v1_0_3", for parameterised test names.
inline std::string VersionName(const std::string& v) {
  std::string out = "v";
  for (char c : v) out += c == '.' ? '_' : c;
  return out;
}
inline std::string VersionParamName(const ::testing::TestParamInfo<const char*>& info) {
  return VersionName(info.param);
}

// Records the requirement ids a test checks ("XAPI-00143 XAPI-00144").
inline void Requirement(const std::string& ids) { ::testing::Test::RecordProperty("requirement", ids); }

// ---- JSON -----------------------------------------------------------------------------------
inline rapidjson::Document Parse(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) d.SetNull();
  return d;
}

inline std::string Dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

inline std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    std::size_t dot = path.find('.');
    parts.emplace_back(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return parts;
}

inline bool IsIndex(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The value at a dotted path ("object.definition.name.en-US", "context.contextActivities.parent.0");
// nullptr if absent.
inline const rapidjson::Value* At(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* v = &root;
  for (const std::string& part : SplitPath(path)) {
    if (v->IsObject()) {
      auto it = v->FindMember(part.c_str());
      if (it == v->MemberEnd()) return nullptr;
      v = &it->value;
    } else if (v->IsArray() && IsIndex(part)) {
      std::size_t i = std::stoul(part);
      if (i >= v->Size()) return nullptr;
      v = &(*v)[static_cast<rapidjson::SizeType>(i)];
    } else {
      return nullptr;
    }
  }
  return v;
}

inline std::string StringAt(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* v = At(root, path);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

// One edit of a JSON document: set the value at `path` to the JSON text `json`, or delete it when
// `json` is nullopt. Missing intermediate objects are created.
struct JsonEdit {
  std::string path;
  std::optional<std::string> json;
};
inline JsonEdit Set(std::string path, std::string json) { return {std::move(path), std::move(json)}; }
inline JsonEdit Del(std::string path) { return {std::move(path), std::nullopt}; }

// Applies `edits` to the JSON text `base` and returns the result.
inline std::string Edit(std::string_view base, const std::vector<JsonEdit>& edits) {
  rapidjson::Document doc;
  doc.Parse(base.data(), base.size());
  if (doc.HasParseError()) throw std::invalid_argument("Edit: base is not JSON: " + std::string(base));
  auto& alloc = doc.GetAllocator();
  for (const JsonEdit& e : edits) {
    std::vector<std::string> parts = SplitPath(e.path);
    rapidjson::Value* v = &doc;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (v->IsArray() && IsIndex(parts[i])) {
        auto idx = static_cast<rapidjson::SizeType>(std::stoul(parts[i]));
        if (idx >= v->Size()) throw std::invalid_argument("Edit: index out of range in " + e.path);
        v = &(*v)[idx];
        continue;
      }
      if (!v->IsObject()) v->SetObject();
      auto it = v->FindMember(parts[i].c_str());
      if (it == v->MemberEnd()) {
        v->AddMember(rapidjson::Value(parts[i].c_str(), alloc), rapidjson::Value(rapidjson::kObjectType), alloc);
        it = v->FindMember(parts[i].c_str());
      }
      v = &it->value;
    }
    const std::string& last = parts.back();
    if (v->IsArray() && IsIndex(last)) {
      auto idx = static_cast<rapidjson::SizeType>(std::stoul(last));
      if (!e.json) {
        if (idx >= v->Size()) throw std::invalid_argument("Edit: index out of range in " + e.path);
        v->Erase(v->Begin() + idx);
      } else {
        rapidjson::Document value(&alloc);
        value.Parse(e.json->c_str());
        if (value.HasParseError()) throw std::invalid_argument("Edit: value is not JSON: " + *e.json);
        if (idx < v->Size()) {
          (*v)[idx] = rapidjson::Value(value, alloc);
        } else if (idx == v->Size()) {
          v->PushBack(rapidjson::Value(value, alloc), alloc);
        } else {
          throw std::invalid_argument("Edit: index out of range in " + e.path);
        }
      }
      continue;
    }
    if (!v->IsObject()) v->SetObject();
    if (!e.json) {
      v->RemoveMember(last.c_str());
      continue;
    }
    rapidjson::Document value(&alloc);
    value.Parse(e.json->c_str());
    if (value.HasParseError()) throw std::invalid_argument("Edit: value is not JSON: " + *e.json);
    auto it = v->FindMember(last.c_str());
    if (it != v->MemberEnd()) {
      it->value = rapidjson::Value(value, alloc);
    } else {
      v->AddMember(rapidjson::Value(last.c_str(), alloc), rapidjson::Value(value, alloc), alloc);
    }
  }
  return Dump(doc);
}

// JSON string literal for `s` (quotes and escapes).
inline std::string Quote(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

inline std::string IdsArrayJson(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + Quote(ids[i]);
  return out + "]";
}

// ---- Statement templates (modelled on the shapes the ADL suite uses, written afresh) ---------
inline std::string NewId() { return testkit::NewUuidString(); }
inline std::string UniqueIri(std::string_view kind) {
  return "http://example.com/conformance/" + std::string(kind) + "/" + NewId();
}
inline std::string UniqueMbox() { return "mailto:" + NewId() + "@example.com"; }

inline const std::string kAgent = R"({"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"})";
inline const std::string kVerb =
    R"({"id":"http://adlnet.gov/expapi/verbs/attended","display":{"en-GB":"attended","en-US":"attended"}})";
inline const std::string kActivity = R"({"objectType":"Activity","id":"http://www.example.com/meetings/occurances/34534"})";
inline const std::string kActivityWithDefinition = R"({"objectType":"Activity",
  "id":"http://www.example.com/meetings/occurances/34534",
  "definition":{"type":"http://adlnet.gov/expapi/activities/meeting",
    "name":{"en-GB":"example meeting","en-US":"example meeting"},
    "description":{"en-GB":"An example meeting.","en-US":"An example meeting."},
    "moreInfo":"http://virtualmeeting.example.com/345256",
    "extensions":{"http://example.com/profiles/meetings/extension/location":"X:\\meetings\\minutes\\examplemeeting.one"}}})";

// actor / verb / object.
inline const std::string kStatement = R"({"actor":)" + kAgent + R"(,"verb":)" + kVerb + R"(,"object":)" + kActivity + "}";

inline const std::string kSubStatement =
    R"({"objectType":"SubStatement","actor":{"objectType":"Agent","name":"xAPI mbox_sha1sum","mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"},
        "verb":{"id":"http://adlnet.gov/expapi/verbs/reported","display":{"en-GB":"reported","en-US":"reported"}},
        "object":)" + kActivity + "}";
// A statement whose object is kSubStatement.
inline const std::string kStatementWithSub = Edit(kStatement, {Set("object", kSubStatement)});

inline const std::string kContext = R"({"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7","revision":"rev_10_3_2",
  "platform":"Example virtual meeting software","language":"tlh",
  "statement":{"objectType":"StatementRef","id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
  "extensions":{"http://example.com/profiles/meetings/contextextensions/airspeed":"600mph"}})";
inline const std::string kResult = R"({"score":{"scaled":0.95,"raw":95,"min":0,"max":100},
  "success":true,"completion":true,"response":"We agreed on some example actions.","duration":"PT1H0M0S",
  "extensions":{"http://example.com/profiles/meetings/resultextensions/minuteslocation":"X:\\meetings"}})";
inline const std::string kAttachmentFileUrl = R"J({"usageType":"http://example.com/attachment-usage/test",
  "display":{"en-US":"A test attachment"},"description":{"en-US":"A test attachment (description)"},
  "contentType":"text/plain; charset=ascii","length":27,
  "sha2":"495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a","fileUrl":"http://over.there.com/file.txt"})J";

// A statement with a fresh id, a unique verb and a unique activity, so that tests can find it.
inline std::string FreshStatement(const std::string& id = NewId()) {
  return Edit(kStatement, {Set("id", Quote(id)), Set("verb.id", Quote(UniqueIri("verb"))),
                           Set("object.id", Quote(UniqueIri("activity")))});
}

// ---- Time -----------------------------------------------------------------------------------
inline std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Parses an RFC 3339 date-time ("2024-05-04T12:00:00.123+02:00", "...Z") into microseconds since
// the epoch (UTC). Fractions beyond microseconds are truncated. nullopt when not RFC 3339.
inline std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100000;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  std::int64_t offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':') return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t days = DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  std::int64_t secs = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset_minutes * 60;
  return secs * 1000000 + micros;
}

// Number of fractional-second digits in an RFC 3339 timestamp.
inline std::size_t FractionDigits(std::string_view s) {
  std::size_t dot = s.find('.');
  if (dot == std::string_view::npos) return 0;
  std::size_t n = 0;
  while (dot + 1 + n < s.size() && std::isdigit(static_cast<unsigned char>(s[dot + 1 + n]))) ++n;
  return n;
}

inline std::int64_t NowMicrosUtc() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") to seconds since the epoch.
inline std::optional<std::int64_t> ParseHttpDate(std::string_view s) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(25) != " GMT") return std::nullopt;
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  char mon[4] = {};
  std::string text(s);
  if (std::sscanf(text.c_str() + 5, "%2d %3s %4d %2d:%2d:%2d", &day, mon, &year, &hh, &mm, &ss) != 6) return std::nullopt;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (std::string_view(mon) == kMonths[i]) month = i + 1;
  }
  if (!month) return std::nullopt;
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 + ss;
}

// ---- Hashing, encodings ---------------------------------------------------------------------
inline std::string DigestHex(std::string_view data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}
inline std::string Sha256(std::string_view data) { return DigestHex(data, EVP_sha256()); }
inline std::string Sha1(std::string_view data) { return DigestHex(data, EVP_sha1()); }

inline std::string Base64(std::string_view bytes, bool url) {
  static constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char* table = url ? kUrl : kStd;
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += table[(v >> 18) & 63];
    out += table[(v >> 12) & 63];
    if (i + 1 < bytes.size()) {
      out += table[(v >> 6) & 63];
    } else if (!url) {
      out += '=';
    }
    if (!url) out += '=';
  }
  return out;
}

// ---- Multipart ------------------------------------------------------------------------------
struct Part {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A multipart/mixed body: "--B\r\n" headers "\r\n" body "\r\n" ... "--B--\r\n".
inline std::string BuildMultipart(const std::string& boundary, const std::vector<Part>& parts) {
  std::string out;
  for (const Part& p : parts) {
    out += "--" + boundary + "\r\n";
    for (const auto& [name, value] : p.headers) out += name + ": " + value + "\r\n";
    out += "\r\n" + p.body + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

inline Part JsonPart(std::string json) { return Part{{{"Content-Type", "application/json"}}, std::move(json)}; }
inline Part AttachmentPart(std::string content, std::string content_type = "text/plain") {
  std::string hash = Sha256(content);
  return Part{{{"Content-Type", std::move(content_type)},
               {"Content-Transfer-Encoding", "binary"},
               {"X-Experience-API-Hash", hash}},
              std::move(content)};
}

// The boundary parameter of a multipart Content-Type header ("" when absent).
inline std::string BoundaryOf(const std::string& content_type) {
  std::size_t pos = content_type.find("boundary=");
  if (pos == std::string::npos) return "";
  std::string b = content_type.substr(pos + 9);
  if (std::size_t semi = b.find(';'); semi != std::string::npos) b = b.substr(0, semi);
  if (b.size() >= 2 && b.front() == '"' && b.back() == '"') b = b.substr(1, b.size() - 2);
  return b;
}

// Parses a multipart body into parts (header names lower-cased). Empty on a malformed body.
inline std::vector<Part> ParseMultipart(const std::string& body, const std::string& boundary) {
  std::vector<Part> parts;
  const std::string delim = "--" + boundary;
  std::size_t pos = body.find(delim);
  if (pos == std::string::npos) return {};
  pos += delim.size();
  while (true) {
    if (body.compare(pos, 2, "--") == 0) break;  // close delimiter
    if (body.compare(pos, 2, "\r\n") != 0) return {};
    pos += 2;
    std::size_t header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string::npos) return {};
    Part part;
    std::string headers = body.substr(pos, header_end - pos);
    std::size_t line_start = 0;
    while (line_start < headers.size()) {
      std::size_t line_end = headers.find("\r\n", line_start);
      if (line_end == std::string::npos) line_end = headers.size();
      std::string line = headers.substr(line_start, line_end - line_start);
      if (std::size_t colon = line.find(':'); colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        part.headers.emplace_back(name, value);
      }
      line_start = line_end + 2;
    }
    std::size_t content_start = header_end + 4;
    std::size_t next = body.find("\r\n" + delim, content_start);
    if (next == std::string::npos) return {};
    part.body = body.substr(content_start, next - content_start);
    parts.push_back(std::move(part));
    pos = next + 2 + delim.size();
  }
  return parts;
}

inline std::string PartHeader(const Part& p, const std::string& lower_name) {
  for (const auto& [name, value] : p.headers) {
    if (name == lower_name) return value;
  }
  return "";
}

// ---- One lrsd per test suite -----------------------------------------------------------------
// ctest runs every test in a process of its own, so each test starts a server. A fresh data
// directory makes lrsd create its database and first credential (a deliberately slow password
// hash), which dominates that start, so a seed data directory is prepared once per lrsd binary
// (published with an atomic rename, safe under `ctest -j`) and copied for every suite.
struct Seed {
  std::string data_dir;
  std::string key;
  std::string secret;
};

inline std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

inline Seed SeedDataDir() {
  namespace fs = std::filesystem;
  struct stat st{};
  ::stat(LRSD_BINARY, &st);
  const std::string tag = std::to_string(std::hash<std::string>{}(LRSD_BINARY)) + "-" + std::to_string(st.st_mtime) + "-" +
                          std::to_string(st.st_size) + "-" + std::to_string(::getuid());
  const fs::path dir = fs::temp_directory_path() / ("lrsd-conformance-seed-" + tag);
  auto read = [&]() -> std::optional<Seed> {
    std::ifstream in(dir / "credential");
    Seed seed{(dir / "data").string(), "", ""};
    if (std::getline(in, seed.key) && std::getline(in, seed.secret) && !seed.key.empty()) return seed;
    return std::nullopt;
  };
  if (auto seed = read()) return *seed;
  const std::string work = MakeTempDir("lrsd-conformance-seed-work-");
  const std::string data = work + "/data";
  fs::create_directories(data);
  ServerOptions o;
  o.data_dir = data;
  o.extra_args = {"--no-sync", "--log-level", "warn", "--no-access-log"};
  std::string key, secret;
  {
    auto server = Server::Start(o);
    key = server->key();
    secret = server->secret();
    server->Stop();
  }
  // The testkit's output files would otherwise be read by the next start before lrsd rewrites them.
  for (const char* f : {"lrsd.stdout", "lrsd.stderr"}) fs::remove(fs::path(data) / f);
  {
    std::ofstream out(work + "/credential");
    out << key << "\n" << secret << "\n";
  }
  std::error_code ec;
  fs::rename(work, dir, ec);
  if (ec) fs::remove_all(work, ec);  // another process published one first
  if (auto seed = read()) return *seed;
  throw std::runtime_error("cannot prepare the seed data directory " + dir.string());
}

// `Derived` may define `static ServerOptions Options()` to change how its server starts.
template <class Derived>
class ServerSuite : public ::testing::Test {
 public:
  static ServerOptions Options() {
    ServerOptions o;
    // The suite sends many deliberately wrong credentials from one address to check the 401s;
    // failed-auth throttling (tested in tests/integration/hostile_test.cpp) would turn them into 429s.
    o.extra_args = {"--no-sync", "--log-level", "warn", "--no-access-log", "--auth-failures", "0"};
    return o;
  }
  static void SetUpTestSuite() {
    const Seed seed = SeedDataDir();
    copy_ = MakeTempDir("lrsd-conformance-");
    // Files and directories only: a server that was killed leaves its control socket behind,
    // which std::filesystem::copy cannot copy.
    namespace fs = std::filesystem;
    for (const auto& entry : fs::recursive_directory_iterator(seed.data_dir)) {
      const fs::path target = fs::path(copy_ + "/data") / fs::relative(entry.path(), seed.data_dir);
      if (entry.is_directory()) {
        fs::create_directories(target);
      } else if (entry.is_regular_file()) {
        fs::create_directories(target.parent_path());
        fs::copy_file(entry.path(), target);
      }
    }
    ServerOptions o = Derived::Options();
    o.data_dir = copy_ + "/data";
    key_ = seed.key;
    secret_ = seed.secret;
    server_ = Server::Start(o);
  }
  static void TearDownTestSuite() {
    server_.reset();
    if (!copy_.empty() && !std::getenv("LRSD_KEEP_TEST_DATA")) {
      std::error_code ec;
      std::filesystem::remove_all(copy_, ec);
    }
    copy_.clear();
  }

 protected:
  static Server& server() { return *server_; }
  // The credential of the seed data directory (scope all).
  static const std::string& key() { return key_; }
  static const std::string& secret() { return secret_; }
  static const std::string& base_url() {
    return server_->http_url().empty() ? server_->https_url() : server_->http_url();
  }
  static std::unique_ptr<Client> MakeClient(const std::string& version) {
    return std::make_unique<Client>(base_url(), key_, secret_, version);
  }

  inline static std::unique_ptr<Server> server_;
  inline static std::string copy_, key_, secret_;
};

// A suite whose tests run once per xAPI version (1.0.3 and 2.0.0); `client()` speaks that version.
template <class Derived>
class VersionedSuite : public ServerSuite<Derived>, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override { client_ = ServerSuite<Derived>::MakeClient(GetParam()); }
  Client& client() { return *client_; }
  std::string version() const { return GetParam(); }
  bool v2() const { return Is2(GetParam()); }

  // Common operations ------------------------------------------------------------------------
  static constexpr const char* kStatements = "/xapi/statements";

  Response Post(const std::string& json, const std::map<std::string, std::string>& headers = {}) {
    return client_->PostJson(kStatements, json, headers);
  }
  Response Put(const std::string& id, const std::string& json) {
    return client_->PutJson(std::string(kStatements) + "?statementId=" + id, json);
  }
  Response GetStatement(const std::string& id, const std::string& extra = "",
                        const std::map<std::string, std::string>& headers = {}) {
    return client_->Get(std::string(kStatements) + "?statementId=" + id + extra, headers);
  }
  Response GetVoided(const std::string& id) {
    return client_->Get(std::string(kStatements) + "?voidedStatementId=" + id);
  }
  // GET /statements?<query> (query already encoded, may be empty).
  Response Query(const std::string& query, const std::map<std::string, std::string>& headers = {}) {
    return client_->Get(std::string(kStatements) + (query.empty() ? "" : "?" + query), headers);
  }
  // Posts and asserts 200; returns the ids the LRS answered with.
  std::vector<std::string> PostOk(const std::string& json) {
    Response r = Post(json);
    EXPECT_EQ(r.status, 200) << json << "\n" << r.body;
    std::vector<std::string> ids;
    auto doc = r.Json();
    if (doc.IsArray()) {
      for (const auto& v : doc.GetArray()) {
        if (v.IsString()) ids.emplace_back(v.GetString(), v.GetStringLength());
      }
    }
    return ids;
  }
  // GET statementId, asserting 200 and JSON; returns the statement.
  rapidjson::Document Fetch(const std::string& id, const std::string& extra = "") {
    Response r = GetStatement(id, extra);
    EXPECT_EQ(r.status, 200) << "GET statementId=" << id << extra << ": " << r.body;
    return r.Json();
  }
  // The ids in a StatementResult, in order.
  static std::vector<std::string> ResultIds(const rapidjson::Value& result) {
    std::vector<std::string> ids;
    const rapidjson::Value* list = At(result, "statements");
    if (!list || !list->IsArray()) return ids;
    for (const auto& s : list->GetArray()) ids.push_back(StringAt(s, "id"));
    return ids;
  }

 private:
  std::unique_ptr<Client> client_;
};

inline std::string Enc(const std::string& s) { return testkit::UrlEncode(s); }

}  // namespace lrsd::conformance
