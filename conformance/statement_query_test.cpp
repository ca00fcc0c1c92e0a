// GET /statements queries (Communication 2.1.3, Data 2.5): filters, ordering, limit, the three
// formats with Accept-Language, parameter validation, and `more` paging to the end. Every test
// stores its own statements with unique IRIs / mboxes so that tests do not see each other's data.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

std::string AgentJson(const std::string& mbox) { return R"({"objectType":"Agent","mbox":")" + mbox + R"("})"; }

class StatementQuery : public VersionedSuite<StatementQuery> {
 protected:
  // Stores `body` under a fresh id (PUT) and returns the id.
  std::string Store(const std::string& body) {
    std::string id = NewId();
    Response r = Put(id, Edit(body, {Set("id", Quote(id))}));
    EXPECT_EQ(r.status, 204) << body << "\n" << r.body;
    return id;
  }
  std::set<std::string> QueryIds(const std::string& query) {
    Response r = Query(query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    auto ids = ResultIds(r.Json());
    return {ids.begin(), ids.end()};
  }
  static void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }
};

TEST_P(StatementQuery, XAPI_00181_AgentFilterMatchesActorObjectAndGroupMembers) {
  Requirement("XAPI-00181 XAPI-00164");
  const std::string m = UniqueMbox();
  const std::string agent = AgentJson(m);
  const std::string as_actor = Store(Edit(FreshStatement(), {Set("actor", agent)}));
  const std::string as_object = Store(Edit(FreshStatement(), {Set("object", agent)}));
  const std::string as_member =
      Store(Edit(FreshStatement(), {Set("actor", R"({"objectType":"Group","member":[)" + agent + "]}")}));
  const std::string as_instructor = Store(Edit(FreshStatement(), {Set("context.instructor", agent)}));
  Store(FreshStatement());  // unrelated

  // Matching is by IFI only: other properties of the parameter do not matter.
  const std::string param = R"({"objectType":"Agent","name":"Someone Else","mbox":")" + m + R"("})";
  EXPECT_EQ(QueryIds("agent=" + Enc(param)), (std::set<std::string>{as_actor, as_object, as_member}));
  // objectType may be omitted in the parameter.
  EXPECT_EQ(QueryIds("agent=" + Enc(R"({"mbox":")" + m + R"("})")), (std::set<std::string>{as_actor, as_object, as_member}));
  EXPECT_EQ(QueryIds("agent=" + Enc(param) + "&related_agents=false"),
            (std::set<std::string>{as_actor, as_object, as_member}));
  EXPECT_EQ(QueryIds("agent=" + Enc(param)).count(as_instructor), 0u);
}

TEST_P(StatementQuery, XAPI_00181_AgentFilterByEachKindOfIdentifier) {
  Requirement("XAPI-00181 XAPI-00037 XAPI-00041");
  const std::string home = "http://example.com/" + NewId();
  const std::string account = R"({"objectType":"Agent","name":"A","account":{"homePage":")" + home + R"(","name":"acct"}})";
  const std::string openid = R"({"objectType":"Agent","openid":"http://openid.example.org/)" + NewId() + R"("})";
  const std::string sha1 = R"({"objectType":"Agent","mbox_sha1sum":")" + Sha1("mailto:" + NewId() + "@example.com") + R"("})";
  const std::string group = R"({"objectType":"Group","name":"G","mbox":")" + UniqueMbox() + R"("})";
  for (const std::string& who : {account, openid, sha1, group}) {
    SCOPED_TRACE(who);
    const std::string id = Store(Edit(FreshStatement(), {Set("actor", who)}));
    EXPECT_EQ(QueryIds("agent=" + Enc(who)), std::set<std::string>{id});
  }
  // The same account home page with another name is another agent.
  EXPECT_TRUE(QueryIds("agent=" + Enc(Edit(account, {Set("account.name", R"("other")")}))).empty());
}

TEST_P(StatementQuery, XAPI_00176_RelatedAgentsMatchesEveryAgentProperty) {
  Requirement("XAPI-00176 XAPI-00181");
  const std::string m = UniqueMbox();
  const std::string agent = AgentJson(m);
  std::set<std::string> related;
  related.insert(Store(Edit(FreshStatement(), {Set("actor", agent)})));
  related.insert(Store(Edit(FreshStatement(), {Set("object", agent)})));
  related.insert(Store(Edit(FreshStatement(), {Set("context.instructor", agent)})));
  related.insert(Store(Edit(FreshStatement(), {Set("context.team", R"({"objectType":"Group","member":[)" + agent + "]}")})));
  related.insert(Store(Edit(kStatementWithSub, {Set("object.actor", agent)})));
  related.insert(Store(Edit(kStatementWithSub, {Set("object.context.instructor", agent)})));
  if (v2()) {
    // 2.0.0: contextAgents and contextGroups take part in related_agents.
    related.insert(Store(Edit(FreshStatement(), {Set("context.contextAgents",
                                                     R"([{"objectType":"contextAgent","agent":)" + agent + "}]")})));
    related.insert(Store(Edit(FreshStatement(),
                              {Set("context.contextGroups", R"([{"objectType":"contextGroup","group":{"objectType":"Group","member":[)" +
                                                                agent + "]}}]")})));
  }
  Store(FreshStatement());  // unrelated
  EXPECT_EQ(QueryIds("agent=" + Enc(agent) + "&related_agents=true"), related);
  // The statement authority is an agent property as well: the credential's agent finds its own
  // statements.
  const std::string mine = Store(FreshStatement());
  auto stored = Fetch(mine);
  auto authority = At(stored, "authority");
  ASSERT_NE(authority, nullptr);
  Response r = Query("agent=" + Enc(Dump(*authority)) + "&related_agents=true&limit=0");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(ResultIds(r.Json()).empty(), false);
}

TEST_P(StatementQuery, XAPI_00180_VerbFilter) {
  Requirement("XAPI-00180 XAPI-00164");
  const std::string v1 = UniqueIri("verb"), v2iri = UniqueIri("verb");
  const std::string a = Store(Edit(FreshStatement(), {Set("verb.id", Quote(v1))}));
  const std::string b = Store(Edit(FreshStatement(), {Set("verb.id", Quote(v1))}));
  Store(Edit(FreshStatement(), {Set("verb.id", Quote(v2iri))}));
  EXPECT_EQ(QueryIds("verb=" + Enc(v1)), (std::set<std::string>{a, b}));
}

TEST_P(StatementQuery, XAPI_00179_ActivityFilterAndRelatedActivities) {
  Requirement("XAPI-00179 XAPI-00164");
  const std::string act = UniqueIri("activity");
  const std::string object = Store(Edit(FreshStatement(), {Set("object.id", Quote(act))}));
  std::set<std::string> related = {object};
  for (const char* key : {"parent", "grouping", "category", "other"}) {
    related.insert(Store(Edit(FreshStatement(), {Set(std::string("context.contextActivities.") + key,
                                                     R"([{"objectType":"Activity","id":")" + act + R"("}])")})));
  }
  related.insert(Store(Edit(kStatementWithSub, {Set("object.object.id", Quote(act))})));
  related.insert(Store(Edit(kStatementWithSub, {Set("object.context.contextActivities.parent",
                                                    R"([{"id":")" + act + R"("}])")})));
  Store(FreshStatement());
  EXPECT_EQ(QueryIds("activity=" + Enc(act)), std::set<std::string>{object});
  EXPECT_EQ(QueryIds("activity=" + Enc(act) + "&related_activities=true"), related);
}

TEST_P(StatementQuery, XAPI_00178_RegistrationFilter) {
  Requirement("XAPI-00178 XAPI-00164");
  const std::string reg = NewId();
  const std::string a = Store(Edit(FreshStatement(), {Set("context.registration", Quote(reg))}));
  const std::string b = Store(Edit(FreshStatement(), {Set("context.registration", Quote(reg))}));
  Store(Edit(FreshStatement(), {Set("context.registration", Quote(NewId()))}));
  EXPECT_EQ(QueryIds("registration=" + reg), (std::set<std::string>{a, b}));
}

TEST_P(StatementQuery, XAPI_00164_FiltersCombine) {
  Requirement("XAPI-00164");
  const std::string m = UniqueMbox(), verb = UniqueIri("verb"), act = UniqueIri("activity"), reg = NewId();
  auto make = [&](bool same_actor, bool same_verb, bool same_act, bool same_reg) {
    return Store(Edit(FreshStatement(), {Set("actor.mbox", Quote(same_actor ? m : UniqueMbox())),
                                         Set("verb.id", Quote(same_verb ? verb : UniqueIri("verb"))),
                                         Set("object.id", Quote(same_act ? act : UniqueIri("activity"))),
                                         Set("context.registration", Quote(same_reg ? reg : NewId()))}));
  };
  const std::string all = make(true, true, true, true);
  make(false, true, true, true);
  make(true, false, true, true);
  make(true, true, false, true);
  make(true, true, true, false);
  EXPECT_EQ(QueryIds("agent=" + Enc(AgentJson(m)) + "&verb=" + Enc(verb) + "&activity=" + Enc(act) + "&registration=" + reg),
            std::set<std::string>{all});
}

TEST_P(StatementQuery, XAPI_00175_00174_00166_SinceUntilAndOrder) {
  Requirement("XAPI-00175 XAPI-00174 XAPI-00166 XAPI-00164");
  const std::string verb = UniqueIri("verb");
  std::vector<std::string> ids, stored;
  for (int i = 0; i < 3; ++i) {
    if (i) Pause();
    ids.push_back(Store(Edit(FreshStatement(), {Set("verb.id", Quote(verb))})));
    stored.push_back(StringAt(Fetch(ids.back()), "stored"));
  }
  const std::string v = "verb=" + Enc(verb);
  // Newest first by default; ascending=true reverses.
  EXPECT_EQ(ResultIds(Query(v).Json()), (std::vector<std::string>{ids[2], ids[1], ids[0]}));
  EXPECT_EQ(ResultIds(Query(v + "&ascending=false").Json()), (std::vector<std::string>{ids[2], ids[1], ids[0]}));
  EXPECT_EQ(ResultIds(Query(v + "&ascending=true").Json()), (std::vector<std::string>{ids[0], ids[1], ids[2]}));
  // since is exclusive, until inclusive.
  EXPECT_EQ(ResultIds(Query(v + "&since=" + Enc(stored[0])).Json()), (std::vector<std::string>{ids[2], ids[1]}));
  EXPECT_EQ(ResultIds(Query(v + "&until=" + Enc(stored[1])).Json()), (std::vector<std::string>{ids[1], ids[0]}));
  EXPECT_EQ(ResultIds(Query(v + "&since=" + Enc(stored[0]) + "&until=" + Enc(stored[1])).Json()),
            std::vector<std::string>{ids[1]});
  // The same instant in another time zone.
  auto t0 = ParseRfc3339(stored[0]);
  ASSERT_TRUE(t0.has_value());
  std::time_t secs = static_cast<std::time_t>(*t0 / 1000000 + 3600);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+01:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(*t0 % 1000000));
  EXPECT_EQ(ResultIds(Query(v + "&since=" + Enc(buf)).Json()), (std::vector<std::string>{ids[2], ids[1]})) << buf;
  // Nothing stored since the newest one.
  EXPECT_TRUE(ResultIds(Query(v + "&since=" + Enc(stored[2])).Json()).empty());
}

TEST_P(StatementQuery, XAPI_00173_LimitParameter) {
  Requirement("XAPI-00173 XAPI-00113");
  const std::string verb = UniqueIri("verb");
  for (int i = 0; i < 3; ++i) Store(Edit(FreshStatement(), {Set("verb.id", Quote(verb))}));
  const std::string v = "verb=" + Enc(verb);
  auto two = Query(v + "&limit=2").Json();
  EXPECT_EQ(ResultIds(two).size(), 2u);
  EXPECT_FALSE(StringAt(two, "more").empty()) << "more results remain, so more must be a link";
  auto one = Query(v + "&limit=1").Json();
  EXPECT_EQ(ResultIds(one).size(), 1u);
  // 0 means the server's maximum.
  auto all = Query(v + "&limit=0").Json();
  EXPECT_EQ(ResultIds(all).size(), 3u);
  EXPECT_EQ(StringAt(all, "more"), "");
  auto exact = Query(v + "&limit=3").Json();
  EXPECT_EQ(ResultIds(exact).size(), 3u);
}

// ---- more --------------------------------------------------------------------------------------

// Follows `more` links from `first` to the end; returns all ids in order. Checks every page.
std::vector<std::string> FollowMore(Client& client, rapidjson::Document first, int expected_page_size, int* pages) {
  std::vector<std::string> ids;
  rapidjson::Document page = std::move(first);
  *pages = 0;
  for (int guard = 0; guard < 100; ++guard) {
    ++*pages;
    EXPECT_TRUE(page.IsObject() && page.HasMember("statements") && page["statements"].IsArray());
    if (!page.IsObject() || !page.HasMember("statements")) break;
    for (const auto& m : page.GetObject()) {
      std::string key = m.name.GetString();
      EXPECT_TRUE(key == "statements" || key == "more") << "XAPI-00111: unexpected property " << key;
    }
    auto list = page["statements"].GetArray();
    for (const auto& s : list) ids.push_back(StringAt(s, "id"));
    std::string more = StringAt(page, "more");
    if (more.empty()) break;
    EXPECT_EQ(static_cast<int>(list.Size()), expected_page_size) << "a page before the last one is full";
    // An IRL: an absolute URL or a path on this server.
    std::string target = more;
    if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
      std::size_t slash = target.find('/', target.find("//") + 2);
      target = slash == std::string::npos ? "/" : target.substr(slash);
    }
    EXPECT_EQ(target.front(), '/') << "XAPI-00108: more is not an IRL: " << more;
    Response r = client.Get(target);
    EXPECT_EQ(r.status, 200) << more << ": " << r.body;
    EXPECT_FALSE(r.Header("X-Experience-API-Consistent-Through").empty());
    page = r.Json();
  }
  return ids;
}

TEST_P(StatementQuery, XAPI_00108_00114_MoreLinksPageThroughAllResults) {
  Requirement("XAPI-00108 XAPI-00109 XAPI-00111 XAPI-00113 XAPI-00114");
  const std::string verb = UniqueIri("verb/paging");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    if (i) Pause();
    ids.push_back(Store(Edit(FreshStatement(), {Set("verb.id", Quote(verb))})));
  }
  std::vector<std::string> newest_first(ids.rbegin(), ids.rend());

  Response first = Query("verb=" + Enc(verb) + "&limit=2");
  ASSERT_EQ(first.status, 200);
  int pages = 0;
  EXPECT_EQ(FollowMore(client(), first.Json(), 2, &pages), newest_first);
  EXPECT_EQ(pages, 4);

  Response asc = Query("verb=" + Enc(verb) + "&limit=3&ascending=true");
  ASSERT_EQ(asc.status, 200);
  EXPECT_EQ(FollowMore(client(), asc.Json(), 3, &pages), ids);
  EXPECT_EQ(pages, 3);

  // Exactly one page's worth: the last page has an empty (or no) more.
  Response exact = Query("verb=" + Enc(verb) + "&limit=7");
  auto doc = exact.Json();
  EXPECT_EQ(ResultIds(doc).size(), 7u);
  if (doc.HasMember("more")) {
    EXPECT_EQ(StringAt(doc, "more"), "");
  }
}

TEST_P(StatementQuery, XAPI_00108_MoreContinuesTheOriginalQuery) {
  // The more IRL refers to the next page of the original request: statements stored after the
  // first page was served neither reappear nor shift the pages.
  Requirement("XAPI-00108 XAPI-00111");
  const std::string verb = UniqueIri("verb/paging");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    if (i) Pause();
    ids.push_back(Store(Edit(FreshStatement(), {Set("verb.id", Quote(verb))})));
  }
  Response first = Query("verb=" + Enc(verb) + "&limit=2");
  ASSERT_EQ(first.status, 200);
  auto page1 = first.Json();
  EXPECT_EQ(ResultIds(page1), (std::vector<std::string>{ids[4], ids[3]}));
  Pause();
  Store(Edit(FreshStatement(), {Set("verb.id", Quote(verb))}));  // newer than everything above
  int pages = 0;
  std::vector<std::string> all = FollowMore(client(), std::move(page1), 2, &pages);
  EXPECT_EQ(all, (std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
}

TEST_P(StatementQuery, XAPI_00111_MorePagesKeepFormatAndAttachments) {
  // A more IRL's container follows the same rules as the original request: format and
  // attachments carry over to every page.
  Requirement("XAPI-00111 XAPI-00108 XAPI-00167 XAPI-00171");
  const std::string verb = UniqueIri("verb/paging");
  const std::string boundary = "paging-boundary-0123456789";
  std::vector<std::string> ids, contents;
  for (int i = 0; i < 3; ++i) {
    if (i) Pause();
    std::string id = NewId();
    std::string content = "attachment number " + std::to_string(i) + " " + NewId();
    std::string attachment = Edit(kAttachmentFileUrl, {Del("fileUrl"), Set("contentType", R"("text/plain")"),
                                                       Set("length", std::to_string(content.size())),
                                                       Set("sha2", Quote(Sha256(content)))});
    std::string statement = Edit(FreshStatement(id), {Set("verb.id", Quote(verb)), Set("attachments", "[" + attachment + "]")});
    Response r = client().Request("POST", kStatements, BuildMultipart(boundary, {JsonPart(statement), AttachmentPart(content)}),
                                  {{"Content-Type", "multipart/mixed; boundary=" + boundary}});
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(id);
    contents.push_back(content);
  }
  std::string target = std::string(kStatements) + "?verb=" + Enc(verb) + "&limit=1&attachments=true&format=ids";
  for (int page = 2; page >= 0; --page) {
    SCOPED_TRACE("page for statement " + std::to_string(page));
    ASSERT_FALSE(target.empty()) << "more ended early";
    Response r = client().Get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.Header("Content-Type").rfind("multipart/mixed", 0), 0u) << "attachments=true lost on a more page";
    auto parts = ParseMultipart(r.body, BoundaryOf(r.Header("Content-Type")));
    ASSERT_EQ(parts.size(), 2u) << r.body;
    auto result = Parse(parts[0].body);
    EXPECT_EQ(ResultIds(result), std::vector<std::string>{ids[page]});
    EXPECT_FALSE(At(result, "statements.0.actor.name")) << "format=ids lost on a more page";
    EXPECT_EQ(parts[1].body, contents[page]);
    target = StringAt(result, "more");
    if (target.rfind("http", 0) == 0) target = target.substr(target.find('/', target.find("//") + 2));
  }
  EXPECT_TRUE(target.empty()) << "more after the last page: " << target;
}

// ---- formats ------------------------------------------------------------------------------------

class StatementFormats : public StatementQuery {
 protected:
  // A statement like the suite's: agent actor, SubStatement object with an identified Group
  // actor and an activity with a multilingual definition.
  void SetUp() override {
    StatementQuery::SetUp();
    agent_ = R"({"objectType":"Agent","name":"xAPI mbox","mbox":")" + UniqueMbox() + R"("})";
    group_ = R"({"objectType":"Group","name":"Group Identified","mbox":")" + UniqueMbox() + R"("})";
    activity_id_ = UniqueIri("activity/unicode");
    activity_ = R"J({"objectType":"Activity","id":")J" + activity_id_ + R"J(","definition":{
        "name":{"en-GB":"attended","en-US":"attended","ja-JP":"出席した","ko-KR":"참석"},
        "description":{"en-US":"On this map, please mark Franklin, TN","en-GB":"On this map, please mark Franklin, TN - GB"},
        "type":"http://adlnet.gov/expapi/activities/cmi.interaction","moreInfo":"http://virtualmeeting.example.com/345256",
        "interactionType":"other","correctResponsesPattern":["(35.937432,-86.868896)"],
        "extensions":{"http://example.com/profiles/meetings/extension/location":"X:\\meetings\\minutes\\examplemeeting.one"}}})J";
    verb1_ = R"({"id":")" + UniqueIri("verb") + R"(","display":{"en-GB":"attended","en-US":"attended-us","ru-RU":"участие"}})";
    verb2_ = R"({"id":")" + UniqueIri("verb") + R"(","display":{"en-GB":"reported","en-US":"reported-us"}})";
    id_ = NewId();
    body_ = Edit(kStatement, {Set("id", Quote(id_)), Set("actor", agent_), Set("verb", verb1_),
                              Set("object", R"({"objectType":"SubStatement"})"), Set("object.actor", group_),
                              Set("object.verb", verb2_), Set("object.object", activity_)});
    ASSERT_EQ(Post(body_).status, 200);
  }
  // The statement as returned by GET statementId=id_ with `extra` parameters.
  rapidjson::Document Get(const std::string& extra, const std::map<std::string, std::string>& headers = {}) {
    Response r = GetStatement(id_, extra, headers);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  // The statement as found in a StatementResult for the query `extra`.
  rapidjson::Document FromQuery(const std::string& extra, const std::map<std::string, std::string>& headers = {}) {
    Response r = Query("verb=" + Enc(StringAt(Parse(verb1_), "id")) + extra, headers);
    EXPECT_EQ(r.status, 200) << r.body;
    auto result = r.Json();
    rapidjson::Document out;
    const rapidjson::Value* s = At(result, "statements.0");
    if (s) out.CopyFrom(*s, out.GetAllocator());
    return out;
  }
  static std::size_t Keys(const rapidjson::Value* v) { return v && v->IsObject() ? v->MemberCount() : 0; }

  std::string agent_, group_, activity_id_, activity_, verb1_, verb2_, id_, body_;
};

TEST_P(StatementFormats, XAPI_00168_00170_ExactFormatIsTheDefault) {
  Requirement("XAPI-00168 XAPI-00170");
  auto sent = Parse(body_);
  auto check = [&](const std::string& label, const rapidjson::Document& doc) {
    SCOPED_TRACE(label);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(StringAt(doc, "id"), id_);
    EXPECT_TRUE(*At(doc, "actor") == sent["actor"]);
    EXPECT_TRUE(*At(doc, "verb") == sent["verb"]);
    EXPECT_TRUE(*At(doc, "object.actor") == *At(sent, "object.actor"));
    EXPECT_TRUE(*At(doc, "object.verb") == *At(sent, "object.verb"));
    EXPECT_TRUE(*At(doc, "object.object") == *At(sent, "object.object")) << Dump(*At(doc, "object.object"));
  };
  check("single, absent", Get(""));
  check("single, exact", Get("&format=exact"));
  check("query, absent", FromQuery(""));
  check("query, exact", FromQuery("&format=exact"));
}

TEST_P(StatementFormats, XAPI_00171_IdsFormatKeepsOnlyIdentifiers) {
  Requirement("XAPI-00171");
  auto check = [&](const std::string& label, const rapidjson::Document& doc) {
    SCOPED_TRACE(label);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(StringAt(doc, "id"), id_);
    const auto actor_keys = Keys(At(doc, "actor"));
    EXPECT_TRUE(actor_keys >= 1 && actor_keys <= 2) << Dump(*At(doc, "actor"));
    EXPECT_EQ(StringAt(doc, "actor.mbox"), StringAt(Parse(agent_), "mbox"));
    EXPECT_FALSE(At(doc, "actor.name")) << "ids: no names";
    EXPECT_EQ(Keys(At(doc, "verb")), 1u) << Dump(*At(doc, "verb"));
    EXPECT_EQ(StringAt(doc, "verb.id"), StringAt(Parse(verb1_), "id"));
    EXPECT_EQ(Keys(At(doc, "object.actor")), 2u) << Dump(*At(doc, "object.actor"));
    EXPECT_EQ(StringAt(doc, "object.actor.objectType"), "Group");
    EXPECT_EQ(StringAt(doc, "object.actor.mbox"), StringAt(Parse(group_), "mbox"));
    EXPECT_EQ(Keys(At(doc, "object.verb")), 1u);
    EXPECT_EQ(Keys(At(doc, "object.object")), 1u) << Dump(*At(doc, "object.object"));
    EXPECT_EQ(StringAt(doc, "object.object.id"), activity_id_);
  };
  check("single", Get("&format=ids"));
  check("query", FromQuery("&format=ids"));
  // An anonymous group keeps the identifiers of its members.
  std::string anon = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(anon), {Set("actor", R"({"objectType":"Group","name":"G","member":[{"name":"A","mbox":"mailto:a@example.com"},{"name":"B","openid":"http://openid.example.org/b"}]})")}))
                .status,
            200);
  auto doc = GetStatement(anon, "&format=ids").Json();
  const rapidjson::Value* members = At(doc, "actor.member");
  ASSERT_TRUE(members && members->IsArray() && members->Size() == 2) << Dump(doc);
  for (const auto& m : members->GetArray()) {
    EXPECT_FALSE(m.HasMember("name")) << Dump(m);
    EXPECT_TRUE(m.HasMember("mbox") || m.HasMember("openid")) << Dump(m);
  }
}

TEST_P(StatementFormats, XAPI_00169_00172_CanonicalFormatChoosesOneLanguageByAcceptLanguage) {
  Requirement("XAPI-00169 XAPI-00172");
  auto check = [&](const std::string& label, const rapidjson::Document& doc) {
    SCOPED_TRACE(label);
    ASSERT_TRUE(doc.IsObject());
    // Agents and groups as in exact.
    EXPECT_TRUE(*At(doc, "actor") == Parse(agent_));
    EXPECT_TRUE(*At(doc, "object.actor") == Parse(group_));
    // Verbs and activities: one language each, the one asked for.
    EXPECT_TRUE(*At(doc, "verb.display") == Parse(R"({"en-GB":"attended"})")) << Dump(*At(doc, "verb.display"));
    EXPECT_TRUE(*At(doc, "object.verb.display") == Parse(R"({"en-GB":"reported"})"));
    EXPECT_TRUE(*At(doc, "object.object.definition.name") == Parse(R"({"en-GB":"attended"})"))
        << Dump(*At(doc, "object.object.definition.name"));
    EXPECT_TRUE(*At(doc, "object.object.definition.description") ==
                Parse(R"({"en-GB":"On this map, please mark Franklin, TN - GB"})"));
    // The rest of the definition is kept.
    auto sent = Parse(activity_);
    for (const char* key : {"type", "moreInfo", "interactionType", "correctResponsesPattern", "extensions"}) {
      ASSERT_NE(At(doc, std::string("object.object.definition.") + key), nullptr) << key;
      EXPECT_TRUE(*At(doc, std::string("object.object.definition.") + key) == *At(sent, std::string("definition.") + key)) << key;
    }
  };
  check("single", Get("&format=canonical", {{"Accept-Language", "en-GB"}}));
  check("query", FromQuery("&format=canonical", {{"Accept-Language", "en-GB"}}));
  // Another preference picks another language; an unavailable one still leaves exactly one.
  auto ru = Get("&format=canonical", {{"Accept-Language", "ru-RU, en;q=0.5"}});
  EXPECT_TRUE(*At(ru, "verb.display") == Parse(R"({"ru-RU":"участие"})")) << Dump(*At(ru, "verb.display"));
  auto none = Get("&format=canonical", {{"Accept-Language", "fr-FR"}});
  EXPECT_EQ(Keys(At(none, "verb.display")), 1u);
  EXPECT_EQ(Keys(At(none, "object.object.definition.name")), 1u);
  // Without format=canonical, Accept-Language changes nothing.
  auto exact = Get("", {{"Accept-Language", "en-GB"}});
  EXPECT_TRUE(*At(exact, "verb") == Parse(verb1_));
  EXPECT_TRUE(*At(exact, "object.object") == Parse(activity_));
}

TEST_P(StatementFormats, XAPI_00171_IdsFormatAppliesToContextToo) {
  Requirement("XAPI-00171");
  std::string id = NewId();
  ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("context.instructor", R"({"objectType":"Agent","name":"Teacher","mbox":"mailto:teacher@example.com"})"),
                                           Set("context.team", R"({"objectType":"Group","name":"Team","account":{"homePage":"http://example.com","name":"team"},"member":[{"name":"M","mbox":"mailto:m@example.com"}]})"),
                                           Set("context.contextActivities.parent", R"([{"objectType":"Activity","id":"http://example.com/parent","definition":{"name":{"en-US":"Parent"}}}])")}))
                .status,
            200);
  auto doc = GetStatement(id, "&format=ids").Json();
  ASSERT_TRUE(doc.IsObject());
  EXPECT_FALSE(At(doc, "context.instructor.name")) << Dump(*At(doc, "context.instructor"));
  EXPECT_EQ(StringAt(doc, "context.instructor.mbox"), "mailto:teacher@example.com");
  EXPECT_FALSE(At(doc, "context.team.name")) << Dump(*At(doc, "context.team"));
  EXPECT_EQ(StringAt(doc, "context.team.account.name"), "team");
  const rapidjson::Value* parent = At(doc, "context.contextActivities.parent.0");
  ASSERT_NE(parent, nullptr);
  EXPECT_FALSE(parent->HasMember("definition")) << Dump(*parent);
  EXPECT_EQ(StringAt(*parent, "id"), "http://example.com/parent");
}

TEST_P(StatementFormats, XAPI_00169_CanonicalFormatReturnsOneLanguagePerMap) {
  Requirement("XAPI-00169 XAPI-00172");
  // Without Accept-Language: still exactly one language in every map of verbs and activities.
  auto doc = Get("&format=canonical");
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(Keys(At(doc, "verb.display")), 1u) << Dump(*At(doc, "verb.display"));
  EXPECT_EQ(Keys(At(doc, "object.verb.display")), 1u);
  EXPECT_EQ(Keys(At(doc, "object.object.definition.name")), 1u);
  EXPECT_EQ(Keys(At(doc, "object.object.definition.description")), 1u);
  // Interaction components are language maps too.
  std::string id = NewId();
  std::string activity = UniqueIri("activity/choice");
  ASSERT_EQ(Post(Edit(FreshStatement(id), {Set("object.id", Quote(activity)),
                                           Set("object.definition", R"({"name":{"en-US":"Choice","fr":"Choix"},"interactionType":"choice",
                                               "correctResponsesPattern":["golf"],
                                               "choices":[{"id":"golf","description":{"en-US":"Golf","fr":"Le golf"}},
                                                          {"id":"tetris","description":{"en-US":"Tetris","fr":"Le tetris"}}]})")}))
                .status,
            200);
  Response r = GetStatement(id, "&format=canonical", {{"Accept-Language", "fr"}});
  ASSERT_EQ(r.status, 200);
  auto c = r.Json();
  EXPECT_TRUE(*At(c, "object.definition.name") == Parse(R"({"fr":"Choix"})")) << Dump(*At(c, "object.definition"));
  const rapidjson::Value* choices = At(c, "object.definition.choices");
  ASSERT_TRUE(choices && choices->IsArray() && choices->Size() == 2);
  EXPECT_TRUE(*At(*choices, "0.description") == Parse(R"({"fr":"Le golf"})")) << Dump(*choices);
  EXPECT_TRUE(*At(*choices, "1.description") == Parse(R"({"fr":"Le tetris"})")) << Dump(*choices);
}

TEST_P(StatementFormats, XAPI_00170_ExactIsUnaffectedByLaterDefinitions) {
  // Data 2.3.1: activity definitions are not part of the statement; "exact" returns the
  // statement as it was received even after the LRS's view of the activity changed.
  Requirement("XAPI-00170 XAPI-00330");
  const std::string activity = UniqueIri("activity/changing");
  std::string first = NewId(), second = NewId();
  std::string body1 = Edit(FreshStatement(first), {Set("object.id", Quote(activity)),
                                                   Set("object.definition", R"({"name":{"en-US":"Old name"},"description":{"en-US":"Old"}})")});
  ASSERT_EQ(Post(body1).status, 200);
  ASSERT_EQ(Post(Edit(FreshStatement(second), {Set("object.id", Quote(activity)),
                                               Set("object.definition", R"({"name":{"en-US":"New name"},"type":"http://example.com/type/new"})")}))
                .status,
            200);
  auto exact = GetStatement(first, "&format=exact").Json();
  EXPECT_TRUE(*At(exact, "object") == *At(Parse(body1), "object")) << Dump(*At(exact, "object"));
  // canonical returns the LRS's definition, one language per map.
  auto canonical = GetStatement(first, "&format=canonical", {{"Accept-Language", "en-US"}}).Json();
  EXPECT_EQ(Keys(At(canonical, "object.definition.name")), 1u);
}

TEST_P(StatementFormats, XAPI_00142_00182_RejectedStatementsDoNotChangeActivityDefinitions) {
  // Communication 2.1.1/2.1.2: a statement under an existing id MUST NOT modify "the Statement or
  // any other Object"; XAPI-00182: a rejected request modifies nothing. The LRS's canonical
  // definition (format=canonical) shows whether the activity changed.
  Requirement("XAPI-00142 XAPI-00182 XAPI-00326");
  const std::string activity = UniqueIri("activity/guarded");
  std::string id = NewId();
  std::string original = Edit(FreshStatement(id), {Set("object.id", Quote(activity)),
                                                   Set("object.definition", R"({"name":{"en-US":"Original"}})")});
  ASSERT_EQ(Post(original).status, 200);
  auto canonical_name = [&] {
    auto doc = GetStatement(id, "&format=canonical", {{"Accept-Language", "en-US"}}).Json();
    return StringAt(doc, "object.definition.name.en-US");
  };
  ASSERT_EQ(canonical_name(), "Original");
  const std::string hijack = R"({"name":{"en-US":"Hijacked"}})";
  // 1. A conflicting statement under the same id (409).
  std::string conflicting = Edit(original, {Set("verb.id", Quote(UniqueIri("verb"))), Set("object.definition", hijack)});
  EXPECT_EQ(Post(conflicting).status, 409);
  EXPECT_EQ(canonical_name(), "Original") << "a statement rejected with 409 changed the activity definition";
  // 2. A batch rejected because of another, invalid statement (400).
  std::string valid = Edit(FreshStatement(), {Set("object.id", Quote(activity)), Set("object.definition", hijack)});
  std::string invalid = Edit(FreshStatement(), {Set("verb.id", R"("not an iri")")});
  EXPECT_EQ(Post("[" + valid + "," + invalid + "]").status, 400);
  EXPECT_EQ(canonical_name(), "Original") << "a batch rejected with 400 changed the activity definition";
  // 3. A request rejected for its parameters.
  std::string other = NewId();
  EXPECT_EQ(client().PutJson(std::string(kStatements) + "?statementId=" + other + "&foo=bar",
                             Edit(valid, {Set("id", Quote(other))})).status,
            400);
  EXPECT_EQ(canonical_name(), "Original") << "a PUT rejected with 400 changed the activity definition";
  // Control: an accepted statement does update the LRS's definition (Data 2.4.4.1 SHOULD), so
  // the checks above can see a change.
  ASSERT_EQ(Post(Edit(FreshStatement(), {Set("object.id", Quote(activity)), Set("object.definition", R"({"name":{"en-US":"Updated"}})")})).status,
            200);
  EXPECT_EQ(canonical_name(), "Updated");
}

TEST_P(StatementFormats, XAPI_00012_InvalidFormatIsRejected) {
  Requirement("XAPI-00012");
  EXPECT_EQ(GetStatement(id_, "&format=full").status, 400);
  EXPECT_EQ(Query("format=Exact").status, 400);
}

// ---- parameter validation --------------------------------------------------------------------

TEST_P(StatementQuery, XAPI_00012_ParameterValuesAreValidatedLikeStatementValues) {
  Requirement("XAPI-00012");
  const std::vector<std::string> bad = {
      "statementId=wrong",
      "voidedStatementId=wrong",
      "agent=wrong",
      "agent=" + Enc(R"({"name":"no ifi"})"),
      "agent=" + Enc(R"({"objectType":"Agent","mbox":"not-a-mailto"})"),
      "agent=" + Enc(R"({"mbox":"mailto:a@example.com","openid":"http://openid.example.org/a"})"),
      "agent=" + Enc(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]})"),
      "agent=" + Enc(R"({"objectType":"Activity","id":"http://example.com/a"})"),
      "verb=" + Enc("not.a.valid.iri.com/verb"),
      "activity=" + Enc("not.a.valid.iri.com/activity"),
      "registration=wrong",
      "since=" + Enc("01/011/2015"),
      "until=" + Enc("not a time"),
      "since=" + Enc("2008-09-15T15:53:00.601-00:00"),
      "limit=-1",
      "limit=ten",
      "ascending=yes",
      "related_agents=1",
      "related_activities=TRUE",
      "attachments=maybe",
      "format=everything",
  };
  for (const std::string& q : bad) {
    Response r = Query(q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
  }
  if (v2()) {
    // 2.0.0 timestamps are RFC 3339 date-times, in parameters as in statements.
    for (const char* t : {"2008-09-15T15:53:00.601", "2008-09-15", "2008-09-15T15:53Z"}) {
      Response r = Query(std::string("since=") + Enc(t));
      EXPECT_EQ(r.status, 400) << "since=" << t << ": " << r.body;
    }
  }
  EXPECT_EQ(Query("since=" + Enc("2008-09-15T15:53:00.601+02:00")).status, 200);
}

TEST_P(StatementQuery, XAPI_00324_UnknownParametersAreRejected) {
  Requirement("XAPI-00324");
  EXPECT_EQ(Query("foo=bar").status, 400);
  EXPECT_EQ(Query("verb=" + Enc(UniqueIri("verb")) + "&foo=bar").status, 400);
  std::string id = NewId();
  EXPECT_EQ(client().PutJson(std::string(kStatements) + "?statementId=" + id + "&foo=bar", FreshStatement(id)).status, 400);
  EXPECT_EQ(GetStatement(id).status, 404);
  std::string post_id = NewId();
  EXPECT_EQ(client().PostJson(std::string(kStatements) + "?foo=bar", FreshStatement(post_id)).status, 400);
  EXPECT_EQ(GetStatement(post_id).status, 404);
}

TEST_P(StatementQuery, XAPI_00325_ParametersWithDifferingCaseAreRejected) {
  Requirement("XAPI-00325");
  std::string id = NewId();
  EXPECT_EQ(client().PutJson(std::string(kStatements) + "?StatementId=" + id, FreshStatement(id)).status, 400);
  EXPECT_EQ(GetStatement(id).status, 404);
  const std::vector<std::string> bad = {
      "StatementId=" + NewId(), "VoidedStatementId=" + NewId(), "Agent=" + Enc(kAgent),
      "Verb=" + Enc("http://adlnet.gov/expapi/verbs/attended"), "Activity=" + Enc("http://www.example.com/x"),
      "Registration=" + NewId(), "Related_Activities=true", "Related_Agents=true",
      "Since=" + Enc("2012-06-01T19:09:13.245Z"), "Until=" + Enc("2012-06-01T19:09:13.245Z"), "Limit=10",
      "Format=ids", "Attachments=true", "Ascending=true", "LIMIT=1"};
  for (const std::string& q : bad) {
    Response r = Query(q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Statements, StatementQuery, ::testing::ValuesIn(kBothVersions), VersionParamName);
INSTANTIATE_TEST_SUITE_P(Statements, StatementFormats, ::testing::ValuesIn(kBothVersions), VersionParamName);

// ---- a server with a small page size: results too large for one page ---------------------------

class SmallPages : public VersionedSuite<SmallPages> {
 public:
  static ServerOptions Options() {
    ServerOptions o = ServerSuite<SmallPages>::Options();
    o.extra_args.push_back("--page-size");
    o.extra_args.push_back("3");
    return o;
  }
};

TEST_P(SmallPages, XAPI_00114_ResultLargerThanAPageIsSplitIntoPages) {
  Requirement("XAPI-00114 XAPI-00108 XAPI-00109 XAPI-00111 XAPI-00173");
  const std::string verb = UniqueIri("verb/pages");
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    std::string id = NewId();
    ASSERT_EQ(Put(id, Edit(FreshStatement(id), {Set("verb.id", Quote(verb))})).status, 204);
    ids.push_back(id);
  }
  std::vector<std::string> newest_first(ids.rbegin(), ids.rend());
  for (std::string limit : {"", "&limit=0", "&limit=5"}) {
    SCOPED_TRACE(limit);
    Response first = Query("verb=" + Enc(verb) + limit);
    ASSERT_EQ(first.status, 200);
    auto doc = first.Json();
    EXPECT_EQ(ResultIds(doc).size(), 3u) << "the server's page size bounds every page";
    int pages = 0;
    EXPECT_EQ(FollowMore(client(), std::move(doc), 3, &pages), newest_first);
    EXPECT_EQ(pages, 3);
  }
}

INSTANTIATE_TEST_SUITE_P(Statements, SmallPages, ::testing::ValuesIn(kBothVersions), VersionParamName);

}  // namespace
}  // namespace lrsd::conformance
