// Voiding (Data 2.3.2, Communication 2.1.4) and the filter conditions for StatementRefs
// (Communication 2.1.3): a voided statement is only returned by voidedStatementId, statements
// that target it are still returned, and a voiding statement cannot itself be voided.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

class Voiding : public VersionedSuite<Voiding> {
 protected:
  static std::string VoidingStatement(const std::string& target, const std::string& id = NewId()) {
    return Edit(kStatement, {Set("id", Quote(id)),
                             Set("verb", R"({"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}})"),
                             Set("object", R"({"objectType":"StatementRef"})"), Set("object.id", Quote(target))});
  }
  static std::string RefStatement(const std::string& target, const std::string& verb, const std::string& id = NewId()) {
    return Edit(kStatement, {Set("id", Quote(id)), Set("verb.id", Quote(verb)),
                             Set("actor.mbox", Quote(UniqueMbox())), Set("object", R"({"objectType":"StatementRef"})"),
                             Set("object.id", Quote(target))});
  }
  std::set<std::string> QueryIds(const std::string& query) {
    Response r = Query(query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    auto ids = ResultIds(r.Json());
    return {ids.begin(), ids.end()};
  }
  static void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }
};

TEST_P(Voiding, XAPI_00018_00163_VoidedStatementIsOnlyReturnedByVoidedStatementId) {
  Requirement("XAPI-00018 XAPI-00163 XAPI-00155 XAPI-00157");
  std::string target = NewId(), voiding = NewId();
  std::string statement = FreshStatement(target);
  ASSERT_EQ(Post(statement).status, 200);
  ASSERT_EQ(Post(VoidingStatement(target, voiding)).status, 200);

  EXPECT_EQ(GetStatement(target).status, 404) << "a voided statement fetched by statementId";
  Response v = GetVoided(target);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(StringAt(v.Json(), "id"), target);
  EXPECT_EQ(GetVoided(target).Header("Content-Type").find("application/json"), 0u);

  // The voiding statement is an ordinary statement, and is not voided.
  EXPECT_EQ(GetStatement(voiding).status, 200);
  EXPECT_EQ(GetVoided(voiding).status, 404);

  // Queries never return the voided statement.
  const std::string verb = StringAt(Parse(statement), "verb.id");
  const std::string activity = StringAt(Parse(statement), "object.id");
  EXPECT_EQ(QueryIds("verb=" + Enc(verb)).count(target), 0u);
  EXPECT_EQ(QueryIds("activity=" + Enc(activity) + "&related_activities=true").count(target), 0u);
  EXPECT_EQ(QueryIds("limit=0").count(target), 0u);
  // Format and attachments are the only companions of voidedStatementId (XAPI-00150).
  EXPECT_EQ(client().Get(std::string(kStatements) + "?voidedStatementId=" + target + "&format=ids").status, 200);
  EXPECT_EQ(client().Get(std::string(kStatements) + "?voidedStatementId=" + target + "&attachments=false").status, 200);
}

TEST_P(Voiding, XAPI_00150_VoidedStatementIdWithOtherParametersIsRejected) {
  Requirement("XAPI-00150");
  std::string target = NewId();
  ASSERT_EQ(Post(FreshStatement(target)).status, 200);
  ASSERT_EQ(Post(VoidingStatement(target)).status, 200);
  const std::vector<std::string> extras = {
      "agent=" + Enc(kAgent), "verb=" + Enc("http://adlnet.gov/expapi/verbs/attended"),
      "activity=" + Enc("http://www.example.com/meetings/occurances/34534"), "registration=" + NewId(),
      "related_activities=true", "related_agents=true", "since=" + Enc("2012-06-01T19:09:13.245Z"),
      "until=" + Enc("2012-06-01T19:09:13.245Z"), "limit=10", "ascending=true"};
  for (const std::string& extra : extras) {
    Response r = client().Get(std::string(kStatements) + "?voidedStatementId=" + target + "&" + extra);
    EXPECT_EQ(r.status, 400) << "voidedStatementId with " << extra << ": " << r.body;
  }
}

TEST_P(Voiding, XAPI_00016_VoidingStatementCannotBeVoided) {
  Requirement("XAPI-00016 XAPI-00018");
  std::string target = NewId(), voiding = NewId();
  ASSERT_EQ(Post(FreshStatement(target)).status, 200);
  ASSERT_EQ(Post(VoidingStatement(target, voiding)).status, 200);
  // Voiding the voiding statement: the LRS may reject it; if it accepts it, it has no effect.
  Response r = Post(VoidingStatement(voiding));
  EXPECT_TRUE(r.status == 200 || r.status == 400) << r.status << " " << r.body;
  EXPECT_EQ(GetStatement(voiding).status, 200) << "a voiding statement was voided";
  EXPECT_EQ(GetVoided(voiding).status, 404);
  EXPECT_EQ(GetVoided(target).status, 200);
  EXPECT_EQ(GetStatement(target).status, 404);

  // Voiding an already voided statement again changes nothing either.
  Response again = Post(VoidingStatement(target));
  EXPECT_TRUE(again.status == 200 || again.status == 400) << again.status << " " << again.body;
  EXPECT_EQ(GetVoided(target).status, 200);
  EXPECT_EQ(GetStatement(target).status, 404);
}

TEST_P(Voiding, XAPI_00016_VoidingAnUnknownStatementIsAccepted) {
  // 1.0.3 Data 2.3.2 SHOULD NOT* reject; 2.0 4.2.4.1 SHALL NOT reject.
  Requirement("XAPI-00016 XAPI-00019");
  std::string voiding = NewId();
  Response r = Post(VoidingStatement(NewId(), voiding));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetStatement(voiding).status, 200);
}

TEST_P(Voiding, XAPI_00018_StatementArrivingAfterItsVoidingStatementIsVoided) {
  // Data 2.3.2: a statement is voided if and only if it is not a voiding statement and the LRS
  // also contains a voiding statement referring to it - whatever the order of arrival.
  Requirement("XAPI-00018");
  std::string target = NewId();
  ASSERT_EQ(Post(VoidingStatement(target)).status, 200);
  ASSERT_EQ(Post(FreshStatement(target)).status, 200);
  EXPECT_EQ(GetStatement(target).status, 404) << "the voiding statement was stored first, so the statement is voided";
  EXPECT_EQ(GetVoided(target).status, 200);
}

TEST_P(Voiding, XAPI_00018_StatementAndItsVoidingStatementInOneBatch) {
  Requirement("XAPI-00018 XAPI-00163");
  for (bool voiding_first : {false, true}) {
    SCOPED_TRACE(voiding_first ? "voiding statement first" : "target first");
    std::string target = NewId(), voiding = NewId();
    std::string a = FreshStatement(target), b = VoidingStatement(target, voiding);
    Response r = Post(voiding_first ? "[" + b + "," + a + "]" : "[" + a + "," + b + "]");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(GetStatement(target).status, 404);
    EXPECT_EQ(GetVoided(target).status, 200);
    EXPECT_EQ(GetStatement(voiding).status, 200);
  }
}

TEST_P(Voiding, XAPI_00162_StatementsTargetingAVoidedStatementAreStillReturned) {
  Requirement("XAPI-00162 XAPI-00163 XAPI-00164 XAPI-00173 XAPI-00174 XAPI-00175");
  const std::string verb = UniqueIri("verb/voided-target");
  const std::string activity = UniqueIri("activity/voided-target");
  const std::string mbox = UniqueMbox();
  std::string target = NewId(), voiding = NewId(), ref = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(target), {Set("verb.id", Quote(verb)), Set("object.id", Quote(activity)),
                                               Set("actor.mbox", Quote(mbox))}))
                .status,
            200);
  Pause();
  ASSERT_EQ(Post(VoidingStatement(target, voiding)).status, 200);
  Pause();
  ASSERT_EQ(Post(RefStatement(target, verb, ref)).status, 200);
  const std::string voiding_stored = StringAt(Fetch(voiding), "stored");
  const std::string ref_stored = StringAt(Fetch(ref), "stored");

  // A filter matched by the voided statement returns the statements targeting it, newest first.
  Response r = Query("verb=" + Enc(verb));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ResultIds(r.Json()), (std::vector<std::string>{ref, voiding}));
  // Time and sequence parameters apply to the targeting statements themselves.
  EXPECT_EQ(ResultIds(Query("verb=" + Enc(verb) + "&limit=1").Json()), std::vector<std::string>{ref});
  EXPECT_EQ(ResultIds(Query("verb=" + Enc(verb) + "&since=" + Enc(voiding_stored)).Json()), std::vector<std::string>{ref});
  EXPECT_EQ(ResultIds(Query("verb=" + Enc(verb) + "&until=" + Enc(voiding_stored)).Json()), std::vector<std::string>{voiding});
  EXPECT_EQ(ResultIds(Query("verb=" + Enc(verb) + "&until=" + Enc(ref_stored)).Json()),
            (std::vector<std::string>{ref, voiding}));
  // The same through the activity and agent filters.
  EXPECT_EQ(QueryIds("activity=" + Enc(activity)), (std::set<std::string>{ref, voiding}));
  EXPECT_EQ(QueryIds("agent=" + Enc(R"({"mbox":")" + mbox + R"("})")), (std::set<std::string>{ref, voiding}));
}

TEST_P(Voiding, StatementRefFilterConditionsApplyRecursively) {
  // Communication 2.1.3 "Filter Conditions for StatementRefs": a targets b targets c; a filter
  // matching c matches all three. A StatementRef in context.statement does not count.
  Requirement("XAPI-00164 XAPI-00179");
  const std::string activity = UniqueIri("activity/chain");
  std::string c = NewId(), b = NewId(), a = NewId(), ctx = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(c), {Set("object.id", Quote(activity))})).status, 200);
  Pause();
  ASSERT_EQ(Post(RefStatement(c, UniqueIri("verb"), b)).status, 200);
  Pause();
  ASSERT_EQ(Post(RefStatement(b, UniqueIri("verb"), a)).status, 200);
  ASSERT_EQ(Post(Edit(FreshStatement(ctx), {Set("context.statement", R"({"objectType":"StatementRef"})"),
                                            Set("context.statement.id", Quote(c))}))
                .status,
            200);
  EXPECT_EQ(ResultIds(Query("activity=" + Enc(activity)).Json()), (std::vector<std::string>{a, b, c}));
  // Single statements are fetched as they are, without the filter rules.
  EXPECT_EQ(StringAt(Fetch(a), "object.id"), b);
}

INSTANTIATE_TEST_SUITE_P(Statements, Voiding, ::testing::ValuesIn(kBothVersions), VersionParamName);

}  // namespace
}  // namespace lrsd::conformance
