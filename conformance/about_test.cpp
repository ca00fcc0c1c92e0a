// Requirement-traced conformance tests for the About resource (xAPI 1.0.3 Communication 2.8;
// 2.0.0 4.1.6.7) of a real lrsd, over HTTP and HTTPS. Each test records the requirement ids it
// checks as its "requirement" property; conformance/README.md (part 2) maps ids to tests.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <regex>
#include <set>
#include <string>

#include "testkit/testkit.h"

namespace {

using lrsd::testkit::Client;
using lrsd::testkit::Response;
using lrsd::testkit::Server;
using lrsd::testkit::ServerOptions;

void Requirement(const std::string& ids) { ::testing::Test::RecordProperty("requirement", ids); }

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) d.SetNull();
  return d;
}

// The version strings of an About body; fails when "version" is not an array of strings.
::testing::AssertionResult VersionsOf(const Response& r, std::set<std::string>& out) {
  if (r.status != 200) return ::testing::AssertionFailure() << "status " << r.status << " " << r.body;
  auto about = ParseJson(r.body);
  if (!about.IsObject()) return ::testing::AssertionFailure() << "not a JSON object: " << r.body;
  auto it = about.FindMember("version");
  if (it == about.MemberEnd()) return ::testing::AssertionFailure() << "no version property: " << r.body;
  if (!it->value.IsArray()) return ::testing::AssertionFailure() << "version is not an array: " << r.body;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) return ::testing::AssertionFailure() << "version holds a non-string: " << r.body;
    out.insert(v.GetString());
  }
  return ::testing::AssertionSuccess();
}

// One lrsd over HTTP; clients send no credentials unless a test says so.
class AboutResourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = Server::Start().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<Client>(server_->http_url(), "", "", "");
    client_->set_auth_enabled(false);
  }
  static inline Server* server_ = nullptr;
  std::unique_ptr<Client> client_;
};

TEST_F(AboutResourceTest, AboutAnswersWithoutCredentialsOrVersionHeader) {
  Requirement("XAPI-00315 XAPI-00319 XAPI-00321");
  auto r = client_->Get("/xapi/about");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r.Header("Content-Type");
  std::set<std::string> versions;
  EXPECT_TRUE(VersionsOf(r, versions));
}

TEST_F(AboutResourceTest, VersionIsAnArrayOfStringsNamingBothVersions) {
  Requirement("XAPI-00318 XAPI-00317");
  std::set<std::string> versions;
  ASSERT_TRUE(VersionsOf(client_->Get("/xapi/about"), versions));
  EXPECT_TRUE(versions.count("1.0.3")) << "1.0.3 missing";
  EXPECT_TRUE(versions.count("2.0.0")) << "2.0.0 missing";
}

TEST_F(AboutResourceTest, VersionHoldsOnlyXapiVersions) {
  Requirement("XAPI-00316");
  std::set<std::string> versions;
  ASSERT_TRUE(VersionsOf(client_->Get("/xapi/about"), versions));
  ASSERT_FALSE(versions.empty());
  // "0.9", "0.95", "1.0.0" or "1.0." + X (1.0.3); 2.0.0 adds "2.0." + X.
  const std::regex allowed(R"(^(0\.9|0\.95|1\.0\.\d+|2\.0\.\d+)$)");
  for (const auto& v : versions) EXPECT_TRUE(std::regex_match(v, allowed)) << v;
}

TEST_F(AboutResourceTest, NoPropertiesBesideVersionAndExtensions) {
  Requirement("XAPI-00319 XAPI-00320");
  auto r = client_->Get("/xapi/about");
  auto about = ParseJson(r.body);
  ASSERT_TRUE(about.IsObject()) << r.body;
  for (const auto& m : about.GetObject()) {
    const std::string name = m.name.GetString();
    EXPECT_TRUE(name == "version" || name == "extensions") << "unexpected property " << name;
    if (name == "extensions") {
      EXPECT_TRUE(m.value.IsObject()) << "extensions is not an object";
    }
  }
}

TEST_F(AboutResourceTest, AboutIgnoresTheVersionHeader) {
  Requirement("XAPI-00321 XAPI-00331");
  for (const char* v : {"1.0.3", "2.0.0", "1.0.0", "0.9", "3.0.0", "not-a-version"}) {
    auto r = client_->Get("/xapi/about", {{"X-Experience-API-Version", v}});
    EXPECT_EQ(r.status, 200) << v << " " << r.body;
    std::set<std::string> versions;
    EXPECT_TRUE(VersionsOf(r, versions)) << v;
  }
  // With valid credentials too.
  Client authed(server_->http_url(), server_->key(), server_->secret(), "2.0.0");
  EXPECT_EQ(authed.Get("/xapi/about").status, 200);
}

TEST_F(AboutResourceTest, ResponsesNameTheVersion) {
  Requirement("XAPI-00333");
  auto r = client_->Get("/xapi/about");
  const std::string v = r.Header("X-Experience-API-Version");
  EXPECT_TRUE(std::regex_match(v, std::regex(R"(^(1\.0\.\d+|2\.0\.\d+)$)"))) << "'" << v << "'";
}

TEST_F(AboutResourceTest, HeadAnswersLikeGetWithoutABody) {
  Requirement("XAPI-00125 XAPI-00126");
  auto get = client_->Get("/xapi/about");
  auto head = client_->Request("HEAD", "/xapi/about");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type"));
  if (!head.Header("Content-Length").empty()) {
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  }
}

TEST_F(AboutResourceTest, UnknownParametersAreRejected) {
  Requirement("XAPI-00324");
  EXPECT_EQ(client_->Get("/xapi/about?foo=bar").status, 400);
}

// The same resource over HTTPS only.
class AboutHttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options;
    options.http = false;
    options.https = true;
    server_ = Server::Start(options).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline Server* server_ = nullptr;
};

TEST_F(AboutHttpsTest, AboutOverHttps) {
  Requirement("XAPI-00315 XAPI-00317 XAPI-00318 XAPI-00319");
  ASSERT_FALSE(server_->https_url().empty());
  Client client(server_->https_url(), "", "", "");
  client.set_auth_enabled(false);
  std::set<std::string> versions;
  ASSERT_TRUE(VersionsOf(client.Get("/xapi/about"), versions));
  EXPECT_TRUE(versions.count("1.0.3"));
  EXPECT_TRUE(versions.count("2.0.0"));
}

}  // namespace
