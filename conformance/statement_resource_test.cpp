// The Statement resource (Communication 2.1): PUT, POST, GET of single statements, HEAD, and the
// properties the LRS fills in (id, stored, authority, version, timestamp). Every test runs under
// xAPI 1.0.3 and 2.0.0.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

struct ComparisonVariant {
  const char* what;
  std::vector<JsonEdit> base;
  std::vector<JsonEdit> resend;
};

class StatementResource : public VersionedSuite<StatementResource> {
 protected:
  // Stores a statement, then sends it again (PUT and POST) with `resend` applied: the LRS must
  // treat it as the same statement (204 / 200), not as a conflict.
  void ExpectSameStatement(const ComparisonVariant& v) {
    SCOPED_TRACE(v.what);
    std::string id = NewId();
    std::string first = Edit(FreshStatement(id), v.base);
    Response stored = Put(id, first);
    ASSERT_EQ(stored.status, 204) << first << "\n" << stored.body;
    std::string second = Edit(first, v.resend);
    Response r = Put(id, second);
    EXPECT_EQ(r.status, 204) << "the same statement, differing only in " << v.what
                             << ", was treated as a conflict: " << r.body;
    Response p = Post(second);
    EXPECT_EQ(p.status, 200) << p.body;
  }
};

bool IsUuidText(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// ---- Endpoint, PUT, POST -----------------------------------------------------------------------

TEST_P(StatementResource, XAPI_00139_StatementResourceAtBaseIriStatements) {
  Requirement("XAPI-00139");
  EXPECT_EQ(Post(FreshStatement()).status, 200);
  std::string id = NewId();
  EXPECT_EQ(Put(id, FreshStatement(id)).status, 204);
  EXPECT_EQ(Query("verb=" + Enc("http://adlnet.gov/expapi/non/existent")).status, 200);
}

TEST_P(StatementResource, XAPI_00143_PutStoresTheStatementAndReturns204NoContent) {
  Requirement("XAPI-00143");
  std::string id = NewId();
  std::string body = FreshStatement(id);
  Response r = Put(id, body);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty()) << "204 No Content carries no body: " << r.body;
  auto stored = Fetch(id);
  auto sent = Parse(body);
  EXPECT_EQ(StringAt(stored, "id"), id);
  ASSERT_NE(At(stored, "verb"), nullptr);
  EXPECT_TRUE(*At(stored, "verb") == sent["verb"]);
  EXPECT_TRUE(*At(stored, "object") == sent["object"]);
}

TEST_P(StatementResource, XAPI_00144_00145_PutWithoutStatementIdParameterIsRejected) {
  Requirement("XAPI-00144 XAPI-00145");
  std::string id = NewId();
  Response r = client().PutJson(kStatements, FreshStatement(id));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(GetStatement(id).status, 404) << "a rejected PUT must not store the statement";
  // The parameter must be a UUID (XAPI-00012).
  EXPECT_EQ(client().PutJson(std::string(kStatements) + "?statementId=not-a-uuid", FreshStatement()).status, 400);
}

TEST_P(StatementResource, XAPI_00144_PutStatementIdParameterNamesTheStatement) {
  Requirement("XAPI-00144");
  // Without an id in the body, the statement is stored under the parameter.
  std::string id = NewId();
  std::string body = Edit(FreshStatement(), {Del("id")});
  EXPECT_EQ(Put(id, body).status, 204);
  EXPECT_EQ(StringAt(Fetch(id), "id"), id);
  // UUIDs compare case-insensitively: an upper-case body id names the same statement.
  std::string mixed = NewId(), upper = mixed;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Response same = Put(mixed, FreshStatement(upper));
  EXPECT_EQ(same.status, 204) << same.body;
  EXPECT_EQ(GetStatement(mixed).status, 200);
  // A body id that differs from the parameter is a contradiction the LRS rejects.
  std::string param = NewId(), other = NewId();
  Response r = Put(param, FreshStatement(other));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(GetStatement(param).status, 404);
  EXPECT_EQ(GetStatement(other).status, 404);
}

TEST_P(StatementResource, XAPI_00147_00146_PostReturnsTheIdsInOrder) {
  Requirement("XAPI-00146 XAPI-00147");
  std::string given = NewId();
  std::vector<std::string> bodies = {Edit(FreshStatement(), {Del("id")}), FreshStatement(given),
                                     Edit(FreshStatement(), {Del("id")})};
  Response r = Post("[" + bodies[0] + "," + bodies[1] + "," + bodies[2] + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.Header("Content-Type").find("application/json"), std::string::npos) << r.Header("Content-Type");
  auto ids = r.Json();
  ASSERT_TRUE(ids.IsArray()) << r.body;
  ASSERT_EQ(ids.Size(), 3u) << r.body;
  EXPECT_EQ(std::string(ids[1].GetString()), given);
  std::set<std::string> distinct;
  for (rapidjson::SizeType i = 0; i < 3; ++i) {
    std::string id = ids[i].GetString();
    EXPECT_TRUE(IsUuidText(id)) << id;
    distinct.insert(id);
    // The i-th id belongs to the i-th statement.
    auto stored = Fetch(id);
    EXPECT_EQ(StringAt(stored, "verb.id"), StringAt(Parse(bodies[i]), "verb.id")) << "id " << i << " out of order";
  }
  EXPECT_EQ(distinct.size(), 3u);

  // A single statement is answered with a one-element array as well.
  auto single = PostOk(FreshStatement());
  EXPECT_EQ(single.size(), 1u);
}

TEST_P(StatementResource, XAPI_00026_LrsGeneratesTheIdWhenNoneIsGiven) {
  Requirement("XAPI-00026");
  auto ids = PostOk(Edit(FreshStatement(), {Del("id")}));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(IsUuidText(ids[0])) << ids[0];
  auto stored = Fetch(ids[0]);
  EXPECT_EQ(StringAt(stored, "id"), ids[0]);
  // Two statements without ids get two different ids.
  auto two = PostOk("[" + Edit(FreshStatement(), {Del("id")}) + "," + Edit(FreshStatement(), {Del("id")}) + "]");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0], two[1]);
}

// ---- Existing ids: no modification, 409 on a different statement, no-op on the same one -------

TEST_P(StatementResource, XAPI_00142_DifferentStatementWithExistingIdIsRejectedWithoutChange) {
  Requirement("XAPI-00142");
  std::string id = NewId();
  std::string original = FreshStatement(id);
  ASSERT_EQ(Put(id, original).status, 204);
  auto before = Fetch(id);

  std::string modified = Edit(original, {Set("verb.id", Quote("http://example.com/different/verb/iri"))});
  Response put = Put(id, modified);
  EXPECT_EQ(put.status, 409) << "PUT of a different statement under an existing id: " << put.body;
  Response post = Post(modified);
  EXPECT_EQ(post.status, 409) << "POST of a different statement under an existing id: " << post.body;
  Response batch = Post("[" + FreshStatement() + "," + modified + "]");
  EXPECT_EQ(batch.status, 409) << batch.body;

  auto after = Fetch(id);
  EXPECT_TRUE(after == before) << "the stored statement changed:\n" << Dump(before) << "\n" << Dump(after);
  EXPECT_EQ(StringAt(after, "verb.id"), StringAt(Parse(original), "verb.id"));
}

TEST_P(StatementResource, XAPI_00142_SameStatementAgainIsAcceptedWithoutChange) {
  Requirement("XAPI-00142");
  std::string id = NewId();
  std::string body = FreshStatement(id);
  ASSERT_EQ(Put(id, body).status, 204);
  auto before = Fetch(id);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));

  EXPECT_EQ(Put(id, body).status, 204);
  Response post = Post(body);
  EXPECT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.body, IdsArrayJson({id}));

  auto after = Fetch(id);
  EXPECT_EQ(StringAt(after, "stored"), StringAt(before, "stored")) << "stored changed on a repeated statement";
  EXPECT_TRUE(after == before);
  // Still exactly one statement with this verb.
  auto result = Query("verb=" + Enc(StringAt(before, "verb.id"))).Json();
  EXPECT_EQ(ResultIds(result), std::vector<std::string>{id});
}

TEST_P(StatementResource, XAPI_00142_ComparisonIgnoresLrsAssignedAndSerialisationDifferences) {
  // Data 2.3.1: differences that exceptions to immutability could cause MUST be ignored when the
  // LRS compares a statement with the one it has under the same id.
  Requirement("XAPI-00142");
  const std::string version_value = v2() ? "\"2.0.0\"" : "\"1.0.0\"";
  const std::vector<ComparisonVariant> variants = {
      {"timestamp serialised in another time zone",
       {Set("timestamp", R"("2020-01-01T12:00:00.000Z")")},
       {Set("timestamp", R"("2020-01-01T13:00:00.000+01:00")")}},
      {"version, stored and authority added by the sender",
       {},
       {Set("version", version_value), Set("stored", R"("2011-07-15T00:00:00.000Z")"),
        Set("authority", R"({"objectType":"Agent","mbox":"mailto:someone@example.com"})")}},
      {"group members in another order",
       {Set("actor", R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},{"mbox":"mailto:b@example.com"}]})")},
       {Set("actor", R"({"objectType":"Group","member":[{"mbox":"mailto:b@example.com"},{"mbox":"mailto:a@example.com"}]})")}},
      {"properties in another order", {Set("verb", kVerb)}, {Del("verb"), Set("verb", kVerb)}},

  };
  for (const ComparisonVariant& v : variants) ExpectSameStatement(v);
}

TEST_P(StatementResource, XAPI_00142_ComparisonIgnoresDurationPrecisionBeyondHundredths) {
  // 2.0.0 (suite 4.2.7): "When comparing Durations (or Statements containing them), any precision
  // beyond 0.01 second precision shall not be included in the comparison." 1.0.3 Data 4.6 has
  // the same rule as SHOULD*; lrsd follows it under both versions, so both are asserted.
  Requirement("XAPI-00142 XAPI-00124");
  ExpectSameStatement({"duration precision beyond 0.01 s",
                       {Set("result.duration", R"("P1DT12H36M0.12S")")},
                       {Set("result.duration", R"("P1DT12H36M0.1237S")")}});
}

TEST_P(StatementResource, XAPI_00142_ComparisonIgnoresVerbDisplayAndActivityDefinitions) {
  // Data 2.3.1 Statement Immutability: "The display property of the Verb is not considered part of
  // the Statement itself" and "The content of Activity Definitions that are referenced in
  // Statements is not considered part of the Statement itself"; Statement Comparison
  // Requirements: such differences MUST be ignored (the same in 2.0.0).
  Requirement("XAPI-00142");
  const std::vector<ComparisonVariant> variants = {
      {"verb display", {}, {Set("verb.display", R"({"en-US":"was present at"})")}},
      {"activity definition",
       {Set("object.definition", R"({"name":{"en-US":"first name"}})")},
       {Set("object.definition", R"({"name":{"en-US":"second name"}})")}},
  };
  for (const ComparisonVariant& v : variants) ExpectSameStatement(v);
}

// ---- Batches -------------------------------------------------------------------------------

TEST_P(StatementResource, XAPI_00326_00182_BatchWithARejectedStatementStoresNothing) {
  Requirement("XAPI-00326 XAPI-00182");
  std::string good = NewId(), bad = NewId();
  std::string invalid = Edit(FreshStatement(bad), {Set("verb.id", R"("should fail")")});
  Response r = Post("[" + FreshStatement(good) + "," + invalid + "]");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(GetStatement(good).status, 404) << "the valid statement of a rejected batch was stored";
  EXPECT_EQ(GetStatement(bad).status, 404);

  // The invalid statement first makes no difference.
  std::string good2 = NewId();
  EXPECT_EQ(Post("[" + Edit(invalid, {Set("id", Quote(NewId()))}) + "," + FreshStatement(good2) + "]").status, 400);
  EXPECT_EQ(GetStatement(good2).status, 404);

  // A batch rejected because one statement conflicts with a stored one stores nothing either.
  std::string existing = NewId();
  ASSERT_EQ(Put(existing, FreshStatement(existing)).status, 204);
  std::string good3 = NewId();
  Response conflict = Post("[" + FreshStatement(good3) + "," + FreshStatement(existing) + "]");
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(GetStatement(good3).status, 404) << "a statement of a batch rejected with 409 was stored";
}

TEST_P(StatementResource, XAPI_00142_BatchWithTheSameIdTwiceIsRejected) {
  // 1.0.3 Communication 2.1.2 (SHOULD*), 2.0 Statement Resource: reject with 400.
  Requirement("XAPI-00142");
  std::string id = NewId();
  std::string s = FreshStatement(id);
  Response r = Post("[" + s + "," + s + "]");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(GetStatement(id).status, 404);
  std::string other = Edit(s, {Set("verb.id", Quote(UniqueIri("verb")))});
  EXPECT_EQ(Post("[" + s + "," + other + "]").status, 400);
  EXPECT_EQ(GetStatement(id).status, 404);
}

TEST_P(StatementResource, EmptyBatchIsRejected) {
  Requirement("XAPI-00014");
  EXPECT_EQ(Post("[]").status, 400);
}

// ---- Properties the LRS sets ------------------------------------------------------------------

TEST_P(StatementResource, XAPI_00097_StoredPropertyIsAcceptedAndOverwritten) {
  Requirement("XAPI-00097");
  const std::string old_stored = "2011-07-15T00:00:00.000Z";
  const std::int64_t now = NowMicrosUtc();
  std::string post_id = NewId();
  EXPECT_EQ(Post(Edit(FreshStatement(post_id), {Set("stored", Quote(old_stored))})).status, 200);
  std::string put_id = NewId();
  EXPECT_EQ(Put(put_id, Edit(FreshStatement(put_id), {Set("stored", Quote(old_stored))})).status, 204);
  for (const std::string& id : {post_id, put_id}) {
    auto s = Fetch(id);
    std::string stored = StringAt(s, "stored");
    EXPECT_NE(stored, old_stored);
    auto t = ParseRfc3339(stored);
    ASSERT_TRUE(t.has_value()) << stored;
    EXPECT_LT(std::llabs(*t - now), 60LL * 1000000) << "stored " << stored << " is not the time of storage";
  }
}

TEST_P(StatementResource, XAPI_00023_StoredIsATimestampWithMilliseconds) {
  Requirement("XAPI-00023 XAPI-00122");
  const std::int64_t before = NowMicrosUtc();
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  const std::int64_t after = NowMicrosUtc();
  std::string stored = StringAt(Fetch(id), "stored");
  auto t = ParseRfc3339(stored);
  ASSERT_TRUE(t.has_value()) << "stored is not an ISO 8601 / RFC 3339 timestamp: " << stored;
  EXPECT_GE(FractionDigits(stored), 3u) << "stored must keep millisecond precision: " << stored;
  // Same host: allow a little clock granularity either side.
  EXPECT_GE(*t, before - 5000000);
  EXPECT_LE(*t, after + 5000000);
  // Every statement in a StatementResult has one too.
  auto result = Query("limit=5").Json();
  const rapidjson::Value* list = At(result, "statements");
  ASSERT_TRUE(list && list->IsArray() && !list->Empty());
  for (const auto& s : list->GetArray()) {
    std::string st = StringAt(s, "stored");
    EXPECT_TRUE(ParseRfc3339(st).has_value()) << st;
    EXPECT_GE(FractionDigits(st), 3u) << st;
  }
}

TEST_P(StatementResource, XAPI_00099_AuthorityIsTheCredentialsAgent) {
  Requirement("XAPI-00099 XAPI-00024");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  auto s = Fetch(id);
  const rapidjson::Value* authority = At(s, "authority");
  ASSERT_NE(authority, nullptr) << "the LRS must ensure every stored statement has an authority";
  ASSERT_TRUE(authority->IsObject());
  // HTTP Basic: the user as an Agent is the entire authority (Data 2.4.9).
  std::string type = StringAt(*authority, "objectType");
  EXPECT_TRUE(type.empty() || type == "Agent") << Dump(*authority);
  int ifis = 0;
  for (const char* ifi : {"mbox", "mbox_sha1sum", "openid", "account"}) ifis += authority->HasMember(ifi) ? 1 : 0;
  EXPECT_EQ(ifis, 1) << "an authority Agent is identified by exactly one IFI: " << Dump(*authority);

  // The LRS overwrites a submitted authority with the credential's (Data 2.4.9 SHOULD).
  std::string other = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(other), {Set("authority", R"({"objectType":"Agent","mbox":"mailto:impostor@example.com"})")})).status,
            200);
  auto s2 = Fetch(other);
  ASSERT_NE(At(s2, "authority"), nullptr);
  EXPECT_TRUE(*At(s2, "authority") == *authority) << Dump(*At(s2, "authority"));
}

TEST_P(StatementResource, XAPI_00332_VersionIsSetWhenAbsentAndRetainedWhenGiven) {
  Requirement("XAPI-00332 XAPI-00101");
  std::string absent = NewId();
  ASSERT_EQ(Post(FreshStatement(absent)).status, 200);
  // 1.0.3 Data 2.4.10: "If they lack a version, the version MUST be set to 1.0.0"; 2.0: 2.0.0.
  EXPECT_EQ(StringAt(Fetch(absent), "version"), v2() ? "2.0.0" : "1.0.0");

  std::vector<std::string> given = {"1.0.3", "1.0.0", "1.0"};
  if (v2()) given.push_back("2.0.0");
  for (const std::string& v : given) {
    std::string id = NewId();
    ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("version", Quote(v))})).status, 200) << v;
    EXPECT_EQ(StringAt(Fetch(id), "version"), v);
  }
}

TEST_P(StatementResource, XAPI_00330_StatementIsReturnedAsReceived) {
  Requirement("XAPI-00330 XAPI-00170");
  std::string id = NewId();
  std::string body = Edit(FreshStatement(id), {Set("object.definition", R"({"name":{"en-US":"x","de":"y"}})"),
                                               Set("result", kResult), Set("context", kContext)});
  ASSERT_EQ(Post(body).status, 200);
  auto sent = Parse(body);
  auto got = Fetch(id);
  for (const char* key : {"actor", "verb", "object", "result"}) {
    ASSERT_NE(At(got, key), nullptr) << key;
    EXPECT_TRUE(*At(got, key) == sent[key]) << key << ": " << Dump(*At(got, key)) << " vs " << Dump(sent[key]);
  }
}

TEST_P(StatementResource, TimestampIsSetToStoredWhenAbsent) {
  // Data 2.4.7: the timestamp SHOULD* be set by the LRS to the value of stored if not provided.
  Requirement("XAPI-00022");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  auto s = Fetch(id);
  auto ts = ParseRfc3339(StringAt(s, "timestamp"));
  auto st = ParseRfc3339(StringAt(s, "stored"));
  ASSERT_TRUE(ts && st) << Dump(s);
  EXPECT_EQ(*ts, *st);
}

TEST_P(StatementResource, XAPI_00122_TimestampKeepsItsInstantAndMilliseconds) {
  Requirement("XAPI-00122 XAPI-00123");
  const std::vector<std::string> inputs = {"2013-05-18T05:32:34.804Z", "2013-05-18T05:32:34.8041234Z",
                                           "2023-05-04T12:00:00-05:00", "2023-05-04T12:00:00.123+05:30"};
  for (const std::string& ts : inputs) {
    SCOPED_TRACE(ts);
    std::string id = NewId();
    ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("timestamp", Quote(ts))})).status, 200);
    std::string got = StringAt(Fetch(id), "timestamp");
    auto in = ParseRfc3339(ts), out = ParseRfc3339(got);
    ASSERT_TRUE(out.has_value()) << got;
    // Same instant to the millisecond (a different time zone or truncation past ms is allowed).
    EXPECT_EQ(*out / 1000, *in / 1000) << got;
  }
}

TEST_P(StatementResource, XAPI_00002_NumbersKeepAtLeast32BitFloatPrecision) {
  Requirement("XAPI-00002");
  std::string id = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("result.score", R"({"min":0.12123434,"raw":12.125,"max":45.45,"scaled":0.12123434})")})).status,
            200);
  auto s = Fetch(id);
  const rapidjson::Value* score = At(s, "result.score");
  ASSERT_TRUE(score && score->IsObject()) << Dump(s);
  auto num = [&](const char* k) { return At(*score, k) && At(*score, k)->IsNumber() ? At(*score, k)->GetDouble() : -999.0; };
  EXPECT_FLOAT_EQ(num("min"), 0.12123434);
  EXPECT_FLOAT_EQ(num("raw"), 12.125);
  EXPECT_FLOAT_EQ(num("max"), 45.45);
  EXPECT_FLOAT_EQ(num("scaled"), 0.12123434);
}

TEST_P(StatementResource, XAPI_00124_LongDurationIsAcceptedAndAtMostTruncated) {
  // Data 4.6: more than 0.01 s precision SHOULD NOT be rejected; the LRS MAY truncate (not round).
  Requirement("XAPI-00124");
  std::string id = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("result.duration", R"("P1DT12H36M0.12567S")")})).status, 200);
  std::string got = StringAt(Fetch(id), "result.duration");
  EXPECT_TRUE(got == "P1DT12H36M0.12567S" || got == "P1DT12H36M0.12S") << got;
}

TEST_P(StatementResource, XAPI_00096_SingleContextActivityIsReturnedInAnArray) {
  Requirement("XAPI-00096");
  for (const char* type : {"parent", "grouping", "category", "other"}) {
    SCOPED_TRACE(type);
    std::string id = NewId();
    ASSERT_EQ(Post(Edit(FreshStatement(id), {Set(std::string("context.contextActivities.") + type, kActivity)})).status, 200);
    auto s = Fetch(id);
    const rapidjson::Value* list = At(s, std::string("context.contextActivities.") + type);
    ASSERT_NE(list, nullptr);
    ASSERT_TRUE(list->IsArray()) << Dump(*list);
    ASSERT_EQ(list->Size(), 1u);
    EXPECT_EQ(StringAt((*list)[0], "id"), StringAt(Parse(kActivity), "id"));

    std::string sub = NewId();
    ASSERT_EQ(Post(Edit(kStatementWithSub, {Set("id", Quote(sub)), Set(std::string("object.context.contextActivities.") + type, kActivity)}))
                  .status,
              200);
    auto s2 = Fetch(sub);
    const rapidjson::Value* sublist = At(s2, std::string("object.context.contextActivities.") + type);
    ASSERT_NE(sublist, nullptr);
    EXPECT_TRUE(sublist->IsArray()) << Dump(*sublist);
  }
}

// ---- GET single statements ---------------------------------------------------------------------

TEST_P(StatementResource, XAPI_00156_00158_GetWithStatementIdReturnsThatStatement) {
  Requirement("XAPI-00156 XAPI-00158 XAPI-00165");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  Response r = GetStatement(id);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("Content-Type").find("application/json"), std::string::npos) << r.Header("Content-Type");
  auto s = r.Json();
  ASSERT_TRUE(s.IsObject()) << r.body;
  EXPECT_EQ(StringAt(s, "id"), id);
  EXPECT_FALSE(s.HasMember("statements")) << "a single statement, not a StatementResult";
  // Upper-case ids name the same statement (UUIDs are case-insensitive hex).
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Response u = GetStatement(upper);
  EXPECT_EQ(u.status, 200) << u.body;
  // Unknown ids are 404.
  EXPECT_EQ(GetStatement(NewId()).status, 404);
}

TEST_P(StatementResource, XAPI_00159_00154_GetWithoutIdReturnsAStatementResult) {
  Requirement("XAPI-00159 XAPI-00154 XAPI-00110 XAPI-00113 XAPI-00165");
  ASSERT_EQ(Post(FreshStatement()).status, 200);
  Response r = Query("");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("Content-Type").find("application/json"), std::string::npos);
  auto result = r.Json();
  ASSERT_TRUE(result.IsObject()) << r.body;
  ASSERT_TRUE(result.HasMember("statements"));
  EXPECT_TRUE(result["statements"].IsArray());
  EXPECT_GE(result["statements"].Size(), 1u);
  for (const auto& s : result["statements"].GetArray()) {
    EXPECT_TRUE(s.IsObject() && s.HasMember("id") && s.HasMember("actor") && s.HasMember("verb") && s.HasMember("object"));
  }
  if (result.HasMember("more")) {
    EXPECT_TRUE(result["more"].IsString());
  }
  for (const auto& m : result.GetObject()) {
    std::string key = m.name.GetString();
    EXPECT_TRUE(key == "statements" || key == "more") << "unexpected StatementResult property " << key;
  }
}

TEST_P(StatementResource, XAPI_00149_00109_NoMatchIsAnEmptyStatementResult) {
  Requirement("XAPI-00149 XAPI-00109");
  Response r = Query("verb=" + Enc(UniqueIri("verb/none")));
  ASSERT_EQ(r.status, 200);
  auto result = r.Json();
  ASSERT_TRUE(result.IsObject() && result.HasMember("statements")) << r.body;
  EXPECT_TRUE(result["statements"].IsArray() && result["statements"].Empty());
  if (result.HasMember("more")) {
    EXPECT_EQ(StringAt(result, "more"), "") << "more must be empty (no whitespace)";
  }
}

TEST_P(StatementResource, XAPI_00151_StatementIdWithOtherParametersIsRejected) {
  Requirement("XAPI-00151");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  const std::vector<std::string> extras = {
      "agent=" + Enc(kAgent), "verb=" + Enc("http://adlnet.gov/expapi/verbs/attended"),
      "activity=" + Enc("http://www.example.com/meetings/occurances/34534"), "registration=" + NewId(),
      "related_activities=true", "related_agents=true", "since=" + Enc("2012-06-01T19:09:13.245Z"),
      "until=" + Enc("2012-06-01T19:09:13.245Z"), "limit=10", "ascending=true"};
  for (const std::string& extra : extras) {
    Response r = GetStatement(id, "&" + extra);
    EXPECT_EQ(r.status, 400) << "statementId with " << extra << ": " << r.body;
  }
  EXPECT_EQ(GetStatement(id, "&format=ids").status, 200);
  EXPECT_EQ(GetStatement(id, "&attachments=false").status, 200);
  EXPECT_EQ(GetStatement(id, "&format=exact&attachments=false").status, 200);
  // statementId and voidedStatementId together.
  EXPECT_EQ(GetStatement(id, "&voidedStatementId=" + NewId()).status, 400);
}

// ---- Headers on statements responses ----------------------------------------------------------

TEST_P(StatementResource, XAPI_00153_ConsistentThroughOnEveryStatementsResponse) {
  Requirement("XAPI-00153");
  std::string id = NewId();
  std::vector<std::pair<std::string, Response>> responses;
  responses.emplace_back("POST 200", Post(FreshStatement(id)));
  responses.emplace_back("GET query 200", Query(""));
  responses.emplace_back("GET single 200", GetStatement(id));
  responses.emplace_back("GET 404", GetStatement(NewId()));
  responses.emplace_back("GET 400 (LIMIT)", Query("LIMIT=1"));
  responses.emplace_back("GET query agent", Query("agent=" + Enc(kAgent)));
  responses.emplace_back("GET query attachments", Query("attachments=true&limit=1"));
  std::string put_id = NewId();
  responses.emplace_back("PUT 204", Put(put_id, FreshStatement(put_id)));
  responses.emplace_back("PUT 409", Put(put_id, FreshStatement(put_id)));
  responses.emplace_back("POST 400", Post(R"({"verb":"bad"})"));
  responses.emplace_back("HEAD 200", client().Request("HEAD", kStatements));
  responses.emplace_back("GET 400 (no version header)", client().Get(kStatements, {{"X-Experience-API-Version", ""}}));
  responses.emplace_back("GET 401", client().Get(kStatements, {{"Authorization", "Basic " + Base64("nobody:nothing12", false)}}));
  for (const auto& [what, r] : responses) {
    std::string value = r.Header("X-Experience-API-Consistent-Through");
    EXPECT_FALSE(value.empty()) << what << " (" << r.status << ") has no X-Experience-API-Consistent-Through";
    EXPECT_TRUE(ParseRfc3339(value).has_value()) << what << ": not an ISO 8601 date-time: " << value;
  }
  // It reflects the statement just stored: not earlier than its stored time.
  auto stored = ParseRfc3339(StringAt(Fetch(id), "stored"));
  auto through = ParseRfc3339(Query("").Header("X-Experience-API-Consistent-Through"));
  ASSERT_TRUE(stored && through);
  EXPECT_GE(*through, *stored);
}

TEST_P(StatementResource, LastModifiedOfASingleStatementIsItsStoredTime) {
  // 1.0.3 Communication 2.1.3 (SHOULD*); 2.0.0 Statement Resource (suite 4.1.6.1, with XAPI-00142).
  Requirement("XAPI-00156");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  Response r = GetStatement(id);
  ASSERT_EQ(r.status, 200);
  auto modified = ParseHttpDate(r.Header("Last-Modified"));
  ASSERT_TRUE(modified.has_value()) << "Last-Modified: '" << r.Header("Last-Modified") << "'";
  auto stored = ParseRfc3339(StringAt(r.Json(), "stored"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*modified, *stored / 1000000) << "Last-Modified must match stored (to the second)";
}

// ---- HEAD ------------------------------------------------------------------------------------

TEST_P(StatementResource, XAPI_00125_00126_HeadAnswersLikeGetWithoutABody) {
  Requirement("XAPI-00125 XAPI-00126");
  std::string id = NewId();
  ASSERT_EQ(Post(FreshStatement(id)).status, 200);
  struct Probe {
    std::string target;
    int status;
  };
  const std::vector<Probe> probes = {{std::string(kStatements), 200},
                                     {std::string(kStatements) + "?statementId=" + id, 200},
                                     {std::string(kStatements) + "?statementId=" + NewId(), 404},
                                     {std::string(kStatements) + "?verb=" + Enc(StringAt(Fetch(id), "verb.id")), 200},
                                     {std::string(kStatements) + "?LIMIT=1", 400}};
  for (const Probe& p : probes) {
    Response get = client().Get(p.target);
    Response head = client().Request("HEAD", p.target);
    EXPECT_EQ(get.status, p.status) << p.target;
    EXPECT_EQ(head.status, get.status) << "HEAD " << p.target;
    EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type")) << p.target;
    EXPECT_FALSE(head.Header("X-Experience-API-Consistent-Through").empty()) << p.target;
    EXPECT_EQ(head.Header("X-Experience-API-Version"), get.Header("X-Experience-API-Version")) << p.target;
    if (!head.Header("Content-Length").empty()) {
      EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size())) << p.target;
    }
  }
  // On the wire: nothing follows the header block of a HEAD response.
  std::string raw = client().RawExchange("HEAD " + std::string(kStatements) + "?statementId=" + id +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                                         Base64(key() + ":" + secret(), false) +
                                         "\r\nX-Experience-API-Version: " + version() + "\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw;
  std::size_t end = raw.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << raw;
  EXPECT_EQ(raw.size(), end + 4) << "HEAD response carried a body: " << raw.substr(end + 4);
}

INSTANTIATE_TEST_SUITE_P(Statements, StatementResource, ::testing::ValuesIn(kBothVersions), VersionParamName);

}  // namespace
}  // namespace lrsd::conformance
