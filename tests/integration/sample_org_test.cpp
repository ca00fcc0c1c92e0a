// The sample organisation of tests/data/sample-org loaded into the real binary the way its
// README says, and every profile compared with expected-profiles.json, which the data set's
// generator computed independently (its own classification of every statement, in Python).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testkit/testkit.h"

namespace lrsd::testkit {
namespace {

std::string Read(const std::string& name) {
  std::ifstream in(std::string(LRSD_SOURCE_DIR) + "/tests/data/sample-org/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

class SampleOrg : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = Server::Start().release();
    Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    auto put = [&](const char* path, const char* file) {
      auto r = c.Request("PUT", path, Read(file), {{"Content-Type", "application/json"}});
      ASSERT_EQ(r.status, 200) << path << " " << r.body;
    };
    put("/admin/framework", "framework.json");
    put("/admin/rules", "rules.json");
    put("/admin/costs", "costs.json");
    put("/admin/goals", "goals.json");
    put("/admin/people", "people.json");
    for (const auto& entry : std::filesystem::directory_iterator(std::string(LRSD_SOURCE_DIR) + "/tests/data/sample-org/plans")) {
      const std::string id = entry.path().stem().string();
      auto r = c.Request("PUT", "/admin/plans/" + id, Read("plans/" + entry.path().filename().string()),
                         {{"Content-Type", "application/json"}});
      ASSERT_EQ(r.status, 200) << id << " " << r.body;
    }
    for (const auto& entry : std::filesystem::directory_iterator(std::string(LRSD_SOURCE_DIR) + "/tests/data/sample-org/kpis")) {
      const std::string unit = entry.path().stem().string();
      const std::string path = unit == "organization" ? "/admin/kpis" : "/admin/kpis/" + unit;
      auto r = c.Request("PUT", path, Read("kpis/" + entry.path().filename().string()),
                         {{"Content-Type", "application/json"}});
      ASSERT_EQ(r.status, 200) << unit << " " << r.body;
    }
    for (int i = 1; i <= 7; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "statements-%03d.json", i);
      auto r = c.PostJson("/xapi/statements", Read(name));
      ASSERT_EQ(r.status, 200) << name << " " << r.body.substr(0, 400);
    }
    expected_ = new rapidjson::Document(Parse(Read("expected-profiles.json")));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete expected_;
  }
  rapidjson::Document Get(const std::string& path) {
    Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
    auto r = c.Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    return r.Json();
  }
  // Modalities, time and outcomes of a profile against an expected entry.
  static void ExpectSums(const rapidjson::Value& got, const rapidjson::Value& want, const std::string& who) {
    for (const char* m : {"formal", "experiential", "informal", "unclassified"}) {
      EXPECT_EQ(got["modalities"][m]["statements"].GetInt64(), want["statements"][m].GetInt64()) << who << " " << m;
      EXPECT_NEAR(got["modalities"][m]["seconds"].GetDouble(), want["millis"][m].GetDouble() / 1000.0, 1e-6)
          << who << " " << m;
    }
    EXPECT_EQ(got["outcomes"]["completed"].GetInt64(), want["completed"].GetInt64()) << who;
    EXPECT_EQ(got["outcomes"]["passed"].GetInt64(), want["passed"].GetInt64()) << who;
    EXPECT_EQ(got["outcomes"]["failed"].GetInt64(), want["failed"].GetInt64()) << who;
    if (want.HasMember("scaledCount") && want["scaledCount"].GetInt64() > 0) {
      EXPECT_NEAR(got["outcomes"]["averageScaledScore"].GetDouble(),
                  want["scaledSum"].GetDouble() / want["scaledCount"].GetDouble(), 1e-9)
          << who;
    }
  }

  static Server* server_;
  static rapidjson::Document* expected_;
};
Server* SampleOrg::server_ = nullptr;
rapidjson::Document* SampleOrg::expected_ = nullptr;

TEST_F(SampleOrg, EveryPersonMatchesTheIndependentComputation) {
  const auto& people = (*expected_)["people"];
  ASSERT_EQ(people.MemberCount(), 40u);
  for (const auto& [id_value, want] : people.GetObject()) {
    const std::string id = id_value.GetString();
    auto got = Get("/learning/people/" + id);
    ASSERT_TRUE(got.IsObject()) << id;
    EXPECT_STREQ(got["person"]["unit"].GetString(), want["unit"].GetString());
    ExpectSums(got, want, id);
    std::map<std::string, const rapidjson::Value*> competencies;
    for (const auto& c : got["competencies"].GetArray()) competencies[c["id"].GetString()] = &c;
    for (const auto& [cid, cwant] : want["competencies"].GetObject()) {
      ASSERT_TRUE(competencies.count(cid.GetString())) << id << " " << cid.GetString();
      const auto& c = *competencies[cid.GetString()];
      EXPECT_EQ(c["level"].GetInt(), cwant["level"].GetInt()) << id << " " << cid.GetString();
      EXPECT_EQ(c["evidence"].GetInt64(), cwant["evidence"].GetInt64()) << id << " " << cid.GetString();
    }
  }
}

TEST_F(SampleOrg, UnitsOrganisationAndUnmappedActors) {
  for (const auto& [unit, want] : (*expected_)["units"].GetObject()) {
    auto got = Get(std::string("/learning/units/") + unit.GetString());
    ASSERT_TRUE(got.IsObject()) << unit.GetString();
    ExpectSums(got, want, unit.GetString());
  }
  auto org = Get("/learning/organization");
  ExpectSums(org, (*expected_)["organization"], "organization");
  EXPECT_EQ(org["units"].Size(), 5u);
  for (const auto& [ifi, want] : (*expected_)["unmapped"].GetObject()) {
    std::string key = ifi.GetString();
    std::string agent;
    if (key.rfind("mbox:", 0) == 0) {
      agent = R"({"mbox":")" + key.substr(5) + R"("})";
    } else {
      std::string rest = key.substr(8);  // account:
      auto bar = rest.find('|');
      agent = R"({"account":{"homePage":")" + rest.substr(0, bar) + R"(","name":")" + rest.substr(bar + 1) + R"("}})";
    }
    auto got = Get("/learning/agents?agent=" + UrlEncode(agent));
    EXPECT_TRUE(got["person"].IsNull()) << key;
    ExpectSums(got, want, key);
  }
  // The voided statements are gone from the statement API too.
  Client c(server_->http_url(), server_->key(), server_->secret(), "1.0.3");
  for (const auto& id : (*expected_)["voided"].GetArray()) {
    EXPECT_EQ(c.Get(std::string("/xapi/statements?statementId=") + id.GetString()).status, 404);
  }
}

// Plan statuses and costs as the data set's generator worked them out (README, "Goals, plans,
// costs and KPIs"), judged at the end of October 2026.
TEST_F(SampleOrg, ScorecardsMatchTheGeneratorsPlanStatusesAndCosts) {
  const std::string until = "until=2026-10-31T23:59:59Z";
  auto org = Get("/learning/scorecard?" + until);
  ASSERT_TRUE(org.IsObject());
  EXPECT_EQ(org["learning"]["plans"]["done"].GetInt(), 17);
  EXPECT_EQ(org["learning"]["plans"]["onTrack"].GetInt(), 6);
  EXPECT_EQ(org["learning"]["plans"]["atRisk"].GetInt(), 9);
  EXPECT_EQ(org["learning"]["plans"]["overdue"].GetInt(), 8);
  EXPECT_NEAR(org["efficiency"]["cost"].GetDouble(), 14861.12, 1e-6);
  const std::map<std::string, std::array<int, 4>> units = {{"emea-sales", {3, 3, 3, 1}},
                                                           {"na-sales", {3, 3, 2, 3}},
                                                           {"field-service", {5, 0, 2, 2}},
                                                           {"engineering", {3, 0, 2, 1}},
                                                           {"people-ops", {3, 0, 0, 1}}};
  for (const auto& [unit, counts] : units) {
    auto s = Get("/learning/scorecard?unit=" + unit + "&" + until);
    const auto& plans = s["learning"]["plans"];
    EXPECT_EQ(plans["done"].GetInt(), counts[0]) << unit;
    EXPECT_EQ(plans["onTrack"].GetInt(), counts[1]) << unit;
    EXPECT_EQ(plans["atRisk"].GetInt(), counts[2]) << unit;
    EXPECT_EQ(plans["overdue"].GetInt(), counts[3]) << unit;
    for (const auto& kpi : s["business"].GetArray()) EXPECT_EQ(kpi["months"].Size(), 12u) << unit;
  }
  auto ana = Get("/learning/people/e1001?" + until);
  EXPECT_NEAR(ana["cost"]["total"].GetDouble(), 271.75, 1e-6);
  auto tree = Get("/learning/goals?" + until);
  EXPECT_EQ(tree.Size(), 3u);
}

}  // namespace
}  // namespace lrsd::testkit
