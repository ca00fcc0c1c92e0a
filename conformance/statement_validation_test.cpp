// Statement structure validation (xAPI Data 2.2 - 4.6): for every data-rule requirement id a
// representative statement the LRS must reject with 400 and, where the rule has one, a
// neighbouring statement it must accept. Each case runs under 1.0.3 and 2.0.0 unless the two
// versions differ, and then the expectation per version is spelled out.
//
// Every case sends the statement (POST, or PUT where the case says so) with a fresh id and then
// fetches that id: an accepted statement must be retrievable, a rejected one must not have been
// stored (XAPI-00182).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

struct Case {
  std::string req;    // requirement id(s), "XAPI-00001"
  std::string name;   // what the case does
  std::string body;   // the request body
  int expect_v1 = 0;  // status under 1.0.3 (0: not run)
  int expect_v2 = 0;  // status under 2.0.0 (0: not run)
  bool put = false;   // PUT ?statementId= instead of POST
  bool raw = false;   // send as is (no id added, no GET check)
};

Case Both(std::string req, std::string name, std::string body, int expect) {
  return {std::move(req), std::move(name), std::move(body), expect, expect};
}
Case Per(std::string req, std::string name, std::string body, int v1, int v2) {
  return {std::move(req), std::move(name), std::move(body), v1, v2};
}
Case PutBoth(std::string req, std::string name, std::string body, int expect) {
  Case c = Both(std::move(req), std::move(name), std::move(body), expect);
  c.put = true;
  return c;
}

const std::string S = kStatement;
const std::string SUB = kStatementWithSub;
const std::string kGroupAnon =
    R"({"objectType":"Group","name":"Group Anonymous","member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]})";
const std::string kGroupMbox = R"({"objectType":"Group","name":"Group Identified","mbox":"mailto:xapi@adlnet.gov"})";
const std::string kGroupAccount =
    R"({"objectType":"Group","name":"Group Identified","account":{"homePage":"http://www.example.com","name":"xAPI account name"},
        "member":[{"objectType":"Agent","name":"xAPI mbox","mbox":"mailto:xapi@adlnet.gov"}]})";
const std::string kAuthorityGroup =
    R"({"objectType":"Group","member":[{"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},
        {"mbox":"mailto:bob@example.com"}]})";
const std::string kAccountAgent =
    R"({"objectType":"Agent","name":"xAPI account","account":{"homePage":"http://www.example.com","name":"xAPI account name"}})";
const std::string kSha1Agent =
    R"({"objectType":"Agent","name":"xAPI mbox_sha1sum","mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"})";
const std::string kOpenidAgent = R"({"objectType":"Agent","name":"xAPI openid","openid":"http://openid.example.org/12345"})";
const std::string kAccount = R"({"homePage":"http://www.example.com","name":"xAPI account name"})";
const std::string kSha1 = R"("cd9b00a5611f94eaa7b1661edab976068e364975")";
const std::string kStatementRef = R"({"objectType":"StatementRef","id":"8f87ccde-bb56-4c2e-ab83-44982ef22df0"})";
const std::string kVoidedVerb = R"({"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}})";
const std::string kInteractionBase =
    R"({"objectType":"Activity","id":"http://www.example.com/meetings/categories/teammeeting",
        "definition":{"name":{"en":"Interaction"},"description":{"en":"An interaction"},
        "type":"http://adlnet.gov/expapi/activities/cmi.interaction"}})";
const std::string kContextAgents =
    R"([{"objectType":"contextAgent","agent":{"objectType":"Agent","mbox":"mailto:player-1@example.com"},
         "relevantTypes":["https://example.com/xapi/activity-types/personnel/player"]}])";
const std::string kContextGroups =
    R"([{"objectType":"contextGroup","group":{"objectType":"Group","mbox":"mailto:team-1@example.com",
         "member":[{"objectType":"Agent","mbox":"mailto:player-1@example.com"}]},
         "relevantTypes":["https://example.com/xapi/activity-types/team/a"]}])";

std::string Interaction(const std::string& type, const std::vector<JsonEdit>& more = {}) {
  std::vector<JsonEdit> edits = {Set("definition.interactionType", Quote(type))};
  edits.insert(edits.end(), more.begin(), more.end());
  return Edit(kInteractionBase, edits);
}
std::string WithObject(const std::string& object) { return Edit(S, {Set("object", object)}); }
std::string Att(const std::vector<JsonEdit>& edits) { return "[" + Edit(kAttachmentFileUrl, edits) + "]"; }

std::vector<Case> Cases() {
  std::vector<Case> c;
  auto add = [&](Case x) { c.push_back(std::move(x)); };

  // XAPI-00001: null values are rejected, except inside extensions.
  add(Both("XAPI-00001", "actor_name_null", Edit(S, {Set("actor.name", "null")}), 400));
  add(Both("XAPI-00001", "verb_display_value_null", Edit(S, {Set("verb.display", R"({"en-US":null})")}), 400));
  add(Both("XAPI-00001", "context_registration_null", Edit(S, {Set("context", kContext), Set("context.registration", "null")}), 400));
  add(Both("XAPI-00001", "definition_moreInfo_null", Edit(S, {Set("object.definition", R"({"moreInfo":null})")}), 400));
  add(Both("XAPI-00001", "result_null", Edit(S, {Set("result", "null")}), 400));
  add(Both("XAPI-00001", "activity_extension_value_null_ok",
           Edit(S, {Set("object.definition", R"({"extensions":{"http://example.com/null":null}})")}), 200));
  add(Both("XAPI-00001", "result_extension_value_null_ok",
           Edit(S, {Set("result", R"({"extensions":{"http://example.com/null":null}})")}), 200));
  add(Both("XAPI-00001", "context_extension_value_null_ok",
           Edit(S, {Set("context", R"({"extensions":{"http://example.com/null":null}})")}), 200));
  add(Both("XAPI-00001", "substatement_result_extension_null_ok",
           Edit(SUB, {Set("object.result", R"({"extensions":{"http://example.com/null":null}})")}), 200));

  // XAPI-00003/4/5: actor, verb and object are required.
  add(Both("XAPI-00003", "no_actor", Edit(S, {Del("actor")}), 400));
  add(Both("XAPI-00004", "no_verb", Edit(S, {Del("verb")}), 400));
  add(Both("XAPI-00005", "no_object", Edit(S, {Del("object")}), 400));
  add(Both("XAPI-00003 XAPI-00004 XAPI-00005", "actor_verb_object_ok", S, 200));

  // XAPI-00006: wrong data types, even when the string holds a number or a boolean.
  add(Both("XAPI-00006", "score_max_string", Edit(S, {Set("result", kResult), Set("result.score.max", R"("one hundred")")}), 400));
  add(Both("XAPI-00006", "score_max_numeric_string", Edit(S, {Set("result", kResult), Set("result.score.max", R"("100")")}), 400));
  add(Both("XAPI-00006", "success_string", Edit(S, {Set("result", kResult), Set("result.success", R"("unsuccessful")")}), 400));
  add(Both("XAPI-00006", "completion_boolean_string", Edit(S, {Set("result", kResult), Set("result.completion", R"("false")")}), 400));
  add(Both("XAPI-00006", "result_ok", Edit(S, {Set("result", kResult)}), 200));

  // XAPI-00007: values that do not follow their format, including the empty string.
  add(Both("XAPI-00007", "id_numeric", Edit(S, {Set("id", "12345")}), 400));
  add(Both("XAPI-00007", "id_object", Edit(S, {Set("id", R"({"key":"should fail"})")}), 400));
  add(Both("XAPI-00007", "id_empty_string", Edit(S, {Set("id", R"("")")}), 400));
  add(Both("XAPI-00007", "mbox_empty_string", Edit(S, {Set("actor.mbox", R"("")")}), 400));
  add(Both("XAPI-00007", "verb_id_empty_string", Edit(S, {Set("verb.id", R"("")")}), 400));
  add(Both("XAPI-00007", "account_name_object", Edit(S, {Set("actor", kAccountAgent), Set("actor.account.name", R"({"key":"x"})")}), 400));
  add(Both("XAPI-00007", "instructor_account_name_object",
           Edit(S, {Set("context.instructor", kAccountAgent), Set("context.instructor.account.name", R"({"key":"x"})")}), 400));

  // XAPI-00008 / XAPI-00010: keys in the wrong case, and keys the specification does not allow.
  add(Both("XAPI-00008 XAPI-00010", "key_Actor", Edit(S, {Del("actor"), Set("Actor", kAgent)}), 400));
  add(Both("XAPI-00008 XAPI-00010", "key_veRb", Edit(S, {Del("verb"), Set("veRb", kVerb)}), 400));
  add(Both("XAPI-00008 XAPI-00010", "key_timeStamp", Edit(S, {Set("timeStamp", R"("2013-05-18T05:32:34.804Z")")}), 400));
  add(Both("XAPI-00008 XAPI-00010", "key_Version", Edit(S, {Set("Version", R"("1.0.0")")}), 400));
  add(Both("XAPI-00008 XAPI-00010", "key_RESULT", Edit(S, {Set("RESULT", kResult)}), 400));
  add(Both("XAPI-00008 XAPI-00010", "key_mBox_in_actor", Edit(S, {Del("actor.mbox"), Set("actor.mBox", R"("mailto:xapi@adlnet.gov")")}), 400));
  add(Both("XAPI-00010", "unknown_top_level_property", Edit(S, {Set("dummy", R"("dummy")")}), 400));
  add(Both("XAPI-00010", "unknown_result_property", Edit(S, {Set("result", kResult), Set("result.grade", R"("A")")}), 400));
  add(Both("XAPI-00010", "unknown_definition_property", Edit(S, {Set("object.definition", R"({"colour":"red"})")}), 400));

  // XAPI-00009: enumerated values in the wrong case.
  add(Both("XAPI-00009", "interactionType_choiCe", WithObject(Interaction("choiCe")), 400));
  add(Both("XAPI-00009", "interactionType_Other", WithObject(Interaction("Other")), 400));
  add(Both("XAPI-00009", "interactionType_true_faLse", WithObject(Interaction("true-faLse")), 400));
  add(Both("XAPI-00009", "objectType_activity_lower", Edit(S, {Set("object.objectType", R"("activity")")}), 400));

  // XAPI-00011: IRIs / IRLs without a scheme.
  add(Both("XAPI-00011", "verb_id_no_scheme", Edit(S, {Set("verb.id", R"("adlnet.gov/expapi/verbs/attended")")}), 400));
  add(Both("XAPI-00011", "object_id_no_scheme", Edit(S, {Set("object.id", R"("www.example.com/meetings/occurances/34534")")}), 400));
  add(Both("XAPI-00011", "openid_no_scheme", Edit(S, {Set("actor", kOpenidAgent), Set("actor.openid", R"("open.id.com/testUser")")}), 400));
  add(Both("XAPI-00011", "account_homePage_no_scheme",
           Edit(S, {Set("actor", kAccountAgent), Set("actor.account.homePage", R"("homePage.com/testUser")")}), 400));
  add(Both("XAPI-00011", "definition_type_no_scheme",
           Edit(S, {Set("object", kActivityWithDefinition), Set("object.definition.type", R"("adlnet.gov/expapi/activities/meeting")")}), 400));
  add(Both("XAPI-00011", "definition_moreInfo_no_scheme",
           Edit(S, {Set("object", kActivityWithDefinition), Set("object.definition.moreInfo", R"("virtualmeeting.example.com/345256")")}), 400));
  add(Both("XAPI-00011", "attachment_usageType_no_scheme",
           Edit(S, {Set("attachments", Att({Set("usageType", R"("example.com/attachment-usage/test")")}))}), 400));
  add(Both("XAPI-00011", "attachment_fileUrl_no_scheme",
           Edit(S, {Set("attachments", Att({Set("fileUrl", R"("over.there.com/file.txt")")}))}), 400));
  add(Both("XAPI-00011", "context_extension_key_no_scheme",
           Edit(S, {Set("context", R"({"extensions":{"example.com/extension/wrong":1234}})")}), 400));
  add(Both("XAPI-00011", "activity_with_definition_ok", Edit(S, {Set("object", kActivityWithDefinition)}), 200));

  // XAPI-00013 / XAPI-00121: language map keys must be RFC 5646 tags.
  add(Both("XAPI-00013", "verb_display_de_ok", Edit(S, {Set("verb.display", R"({"de":"besucht"})")}), 200));
  add(Both("XAPI-00013", "verb_display_invalid_tag", Edit(S, {Set("verb.display", R"({"something":"besucht"})")}), 400));
  add(Both("XAPI-00013", "name_de_DE_ok", Edit(S, {Set("object.definition", R"({"name":{"de-DE":"Treffen"}})")}), 200));
  add(Both("XAPI-00013", "description_zh_Hant_ok", Edit(S, {Set("object.definition", R"({"description":{"zh-Hant":"x"}})")}), 200));
  add(Both("XAPI-00013", "choice_description_sr_Latn_RS_ok",
           WithObject(Interaction("likert", {Set("definition.scale", R"([{"id":"l1","description":{"sr-Latn-RS":"x"}}])")})), 200));
  add(Both("XAPI-00013", "name_duplicate_singleton_extension",
           Edit(S, {Set("object.definition", R"({"name":{"zh-z-aaa-z-bbb-c-ccc":"x"}})")}), 400));
  add(Both("XAPI-00013", "context_language_cmn_ok", Edit(S, {Set("context", kContext), Set("context.language", R"("cmn")")}), 200));
  add(Both("XAPI-00013", "context_language_invalid", Edit(S, {Set("context", kContext), Set("context.language", R"("something")")}), 400));
  add(Both("XAPI-00013", "attachment_display_invalid_tag",
           Edit(S, {Set("attachments", Att({Set("display", R"({"en-US":"x","something":"y"})")}))}), 400));
  add(Both("XAPI-00013", "attachment_description_es_MX_ok",
           Edit(S, {Set("attachments", Att({Set("description", R"({"es-MX":"descripción"})")}))}), 200));
  add(Both("XAPI-00121", "verb_display_long_key", Edit(S, {Set("verb.display", R"({"a12345678":"should error"})")}), 400));
  add(Both("XAPI-00121", "definition_description_long_key",
           Edit(S, {Set("object.definition", R"({"description":{"a12345678":"should error"}})")}), 400));
  add(Both("XAPI-00121", "substatement_verb_display_long_key",
           Edit(SUB, {Set("object.verb.display", R"({"a12345678":"should error"})")}), 400));

  // XAPI-00014: the body must be well-formed JSON objects.
  {
    Case m = Both("XAPI-00014", "malformed_json_body", R"({"actor":{"objectType":"Agent","mbox":"mailto:a@b.c"},"verb":)", 400);
    m.raw = true;
    add(m);
    Case n = Both("XAPI-00014", "body_is_json_string", R"("a statement")", 400);
    n.raw = true;
    add(n);
  }
  add(Both("XAPI-00014", "actor_objectType_json_fragment", Edit(S, {Set("actor.objectType", R"("\"objectType\": \"Agent\"")")}), 400));

  // XAPI-00017 / XAPI-00019 / XAPI-00020: voiding statements use a StatementRef object; the target
  // need not exist (2.0 4.2.4.1 LRS Rejection Cases, 1.0.3 Data 2.3.2 SHOULD NOT*).
  add(Both("XAPI-00019 XAPI-00017 XAPI-00020 XAPI-00016", "voiding_unknown_target_ok",
           Edit(S, {Set("verb", kVoidedVerb), Set("object", kStatementRef), Set("object.id", Quote(NewId()))}), 200));
  add(Both("XAPI-00017 XAPI-00020", "voiding_activity_object", Edit(S, {Set("verb", kVoidedVerb)}), 400));
  add(Both("XAPI-00017 XAPI-00020", "voiding_agent_object", Edit(S, {Set("verb", kVoidedVerb), Set("object", kAgent)}), 400));

  // XAPI-00022 / XAPI-00123: timestamps.
  add(Both("XAPI-00022", "timestamp_string", Edit(S, {Set("timestamp", R"("should fail")")}), 400));
  add(Both("XAPI-00022", "timestamp_date_only_garbage", Edit(S, {Set("timestamp", R"("01/011/2015")")}), 400));
  add(Both("XAPI-00022", "timestamp_number", Edit(S, {Set("timestamp", "1368854754")}), 400));
  add(Both("XAPI-00022", "timestamp_future_ok", Edit(S, {Set("timestamp", R"("2031-11-23T13:52:58.833Z")")}), 200));
  add(Both("XAPI-00022", "substatement_timestamp_string", Edit(SUB, {Set("object.timestamp", R"("should fail")")}), 400));
  add(Both("XAPI-00022", "substatement_timestamp_future_ok", Edit(SUB, {Set("object.timestamp", R"("2031-11-23T13:52:58.833Z")")}), 200));
  add(Both("XAPI-00123", "timestamp_offset_minus_00", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00.601-00")")}), 400));
  add(Both("XAPI-00123", "timestamp_offset_minus_0000", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00.601-0000")")}), 400));
  add(Both("XAPI-00123", "timestamp_offset_minus_00_00", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00.601-00:00")")}), 400));
  add(Both("XAPI-00123", "timestamp_offset_plus_00_00_ok", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00.601+00:00")")}), 200));
  add(Both("XAPI-00123", "timestamp_offset_plus_05_30_ok", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00+05:30")")}), 200));
  add(Both("XAPI-00123", "timestamp_month_13", Edit(S, {Set("timestamp", R"("2008-13-15T15:53:00Z")")}), 400));
  add(Both("XAPI-00123", "substatement_timestamp_minus_00_00", Edit(SUB, {Set("object.timestamp", R"("2008-09-15T15:53:00.601-00:00")")}), 400));
  // 2.0.0 requires RFC 3339 date-times: an offset and seconds are mandatory.
  add(Per("XAPI-00123", "rfc3339_no_offset", Edit(S, {Set("timestamp", R"("2008-09-15T15:53:00.601")")}), 0, 400));
  add(Per("XAPI-00123", "rfc3339_no_seconds", Edit(S, {Set("timestamp", R"("2008-09-15T15:53Z")")}), 0, 400));
  add(Per("XAPI-00123", "rfc3339_basic_format", Edit(S, {Set("timestamp", R"("20080915T155300Z")")}), 0, 400));
  add(Per("XAPI-00123", "rfc3339_date_only", Edit(S, {Set("timestamp", R"("2008-09-15")")}), 0, 400));

  // XAPI-00024 / XAPI-00098 / XAPI-00100: authority is an Agent or a two-member anonymous Group.
  add(Both("XAPI-00024", "authority_agent_ok", Edit(S, {Set("authority", kAgent)}), 200));
  add(Both("XAPI-00024 XAPI-00098", "authority_oauth_group_ok", Edit(S, {Set("authority", kAuthorityGroup)}), 200));
  add(Both("XAPI-00024", "authority_string", Edit(S, {Set("authority", R"("should fail")")}), 400));
  add(Both("XAPI-00024", "authority_activity", Edit(S, {Set("authority", kActivity)}), 400));
  add(Both("XAPI-00098", "authority_group_one_member",
           Edit(S, {Set("authority", R"({"objectType":"Group","member":[{"mbox":"mailto:bob@example.com"}]})")}), 400));
  add(Both("XAPI-00098", "authority_group_three_members",
           Edit(S, {Set("authority", kAuthorityGroup), Set("authority.member.2", R"({"mbox":"mailto:james@example.com"})")}), 400));
  add(Both("XAPI-00098", "authority_identified_group", Edit(S, {Set("authority", kGroupMbox)}), 400));
  add(Both("XAPI-00098", "authority_group_no_members", Edit(S, {Set("authority", R"({"objectType":"Group","name":"g"})")}), 400));
  add(Both("XAPI-00098 XAPI-00100", "authority_two_member_group_with_ifi",
           Edit(S, {Set("authority", kAuthorityGroup), Set("authority.mbox", R"("mailto:xapigroup@example.com")")}), 400));

  // XAPI-00025 and attachment properties XAPI-00102..00107.
  add(Both("XAPI-00025", "attachments_array_ok", Edit(S, {Set("attachments", Att({}))}), 200));
  add(Both("XAPI-00025", "attachments_object", Edit(S, {Set("attachments", kAttachmentFileUrl)}), 400));
  add(Both("XAPI-00025", "attachments_numeric_entry", Edit(S, {Set("attachments", "[12345]")}), 400));
  add(Both("XAPI-00025", "attachments_string_entry", Edit(S, {Set("attachments", R"(["should fail"])")}), 400));
  add(Both("XAPI-00102", "attachment_length_string", Edit(S, {Set("attachments", Att({Set("length", R"("should fail")")}))}), 400));
  add(Both("XAPI-00102", "attachment_length_fraction", Edit(S, {Set("attachments", Att({Set("length", "27.5")}))}), 400));
  add(Both("XAPI-00102", "attachment_length_missing", Edit(S, {Set("attachments", Att({Del("length")}))}), 400));
  add(Both("XAPI-00103", "attachment_sha2_number", Edit(S, {Set("attachments", Att({Set("sha2", "12345")}))}), 400));
  add(Both("XAPI-00103", "attachment_sha2_missing", Edit(S, {Set("attachments", Att({Del("sha2")}))}), 400));
  add(Both("XAPI-00104", "attachment_fileUrl_not_irl", Edit(S, {Set("attachments", Att({Set("fileUrl", R"("should fail")")}))}), 400));
  add(Both("XAPI-00105", "attachment_contentType_number", Edit(S, {Set("attachments", Att({Set("contentType", "12345")}))}), 400));
  add(Both("XAPI-00105", "attachment_contentType_missing", Edit(S, {Set("attachments", Att({Del("contentType")}))}), 400));
  add(Both("XAPI-00106", "attachment_display_number", Edit(S, {Set("attachments", Att({Set("display", "12345")}))}), 400));
  add(Both("XAPI-00106", "attachment_display_string", Edit(S, {Set("attachments", Att({Set("display", R"("should fail")")}))}), 400));
  add(Both("XAPI-00106", "attachment_display_missing", Edit(S, {Set("attachments", Att({Del("display")}))}), 400));
  add(Both("XAPI-00106", "attachment_description_string", Edit(S, {Set("attachments", Att({Set("description", R"("x")")}))}), 400));
  add(Both("XAPI-00107", "attachment_usageType_not_iri", Edit(S, {Set("attachments", Att({Set("usageType", R"("should fail")")}))}), 400));
  add(Both("XAPI-00107", "attachment_usageType_missing", Edit(S, {Set("attachments", Att({Del("usageType")}))}), 400));

  // XAPI-00027..00030: UUIDs follow RFC 4122 in standard string form.
  add(Both("XAPI-00027 XAPI-00030", "id_too_many_digits", Edit(S, {Set("id", R"("AA97B177-9383-4934-8543-0F91A7A028368")")}), 400));
  add(Both("XAPI-00027 XAPI-00030", "id_non_hex_letter", Edit(S, {Set("id", R"("MA97B177-9383-4934-8543-0F91A7A02836")")}), 400));
  add(Both("XAPI-00028 XAPI-00029", "id_without_hyphens", Edit(S, {Set("id", R"("aa97b177938349348543af91a7a02836")")}), 400));
  add(Both("XAPI-00028 XAPI-00029", "id_with_braces", Edit(S, {Set("id", R"("{aa97b177-9383-4934-8543-af91a7a02836}")")}), 400));
  add(Both("XAPI-00027 XAPI-00030", "registration_non_hex",
           Edit(S, {Set("context", kContext), Set("context.registration", R"("MA97B177-9383-4934-8543-0F91A7A02836")")}), 400));
  add(Both("XAPI-00028 XAPI-00029", "registration_numeric", Edit(S, {Set("context", kContext), Set("context.registration", "12345")}), 400));
  add(Both("XAPI-00027 XAPI-00030", "statementref_id_too_long",
           Edit(S, {Set("object", kStatementRef), Set("object.id", R"("AA97B177-9383-4934-8543-0F91A7A028368")")}), 400));
  add(Both("XAPI-00028 XAPI-00029", "context_statement_id_object",
           Edit(S, {Set("context", kContext), Set("context.statement.id", R"({"key":"should fail"})")}), 400));
  add(Both("XAPI-00027", "id_valid_ok", Edit(S, {Set("id", Quote(NewId()))}), 200));

  // XAPI-00031..00034: actors and agents.
  add(Both("XAPI-00031", "actor_objectType_agent_lower", Edit(S, {Set("actor.objectType", R"("agent")")}), 400));
  add(Both("XAPI-00031", "actor_objectType_group_lower", Edit(S, {Set("actor.objectType", R"("group")")}), 400));
  add(Both("XAPI-00031", "actor_objectType_activity", Edit(S, {Set("actor.objectType", R"("Activity")")}), 400));
  add(Both("XAPI-00031", "instructor_objectType_agent_lower",
           Edit(S, {Set("context.instructor", kAgent), Set("context.instructor.objectType", R"("agent")")}), 400));
  add(Both("XAPI-00031", "substatement_actor_objectType_group_lower", Edit(SUB, {Set("object.actor.objectType", R"("group")")}), 400));
  add(Both("XAPI-00032", "actor_objectType_numeric", Edit(S, {Set("actor.objectType", "123")}), 400));
  add(Both("XAPI-00032", "authority_objectType_object", Edit(S, {Set("authority", kAgent), Set("authority.objectType", R"({"key":"value"})")}), 400));
  add(Both("XAPI-00033", "actor_name_numeric", Edit(S, {Set("actor.name", "123")}), 400));
  add(Both("XAPI-00033", "instructor_name_object", Edit(S, {Set("context.instructor", kAgent), Set("context.instructor.name", R"({"key":"value"})")}), 400));
  add(Both("XAPI-00034", "actor_without_ifi", Edit(S, {Set("actor", R"({"objectType":"Agent","name":"no ifi"})")}), 400));
  add(Both("XAPI-00034", "instructor_without_ifi", Edit(S, {Set("context.instructor", R"({"objectType":"Agent"})")}), 400));
  add(Both("XAPI-00034", "actor_account_ok", Edit(S, {Set("actor", kAccountAgent)}), 200));
  add(Both("XAPI-00034", "actor_mbox_sha1sum_ok", Edit(S, {Set("actor", kSha1Agent)}), 200));
  add(Both("XAPI-00034", "actor_openid_ok", Edit(S, {Set("actor", kOpenidAgent)}), 200));
  add(Both("XAPI-00034", "actor_without_objectType_ok", Edit(S, {Del("actor.objectType")}), 200));
  add(Both("XAPI-00034", "actor_mbox_and_account", Edit(S, {Set("actor.account", kAccount)}), 400));
  add(Both("XAPI-00034", "actor_mbox_and_sha1sum", Edit(S, {Set("actor.mbox_sha1sum", kSha1)}), 400));
  add(Both("XAPI-00034", "actor_openid_and_mbox", Edit(S, {Set("actor", kOpenidAgent), Set("actor.mbox", R"("mailto:xapi@adlnet.gov")")}), 400));
  add(Both("XAPI-00034", "authority_account_and_openid",
           Edit(S, {Set("authority", kAccountAgent), Set("authority.openid", R"("http://openid.example.org/12345")")}), 400));
  add(Both("XAPI-00034", "instructor_sha1sum_and_account", Edit(S, {Set("context.instructor", kSha1Agent), Set("context.instructor.account", kAccount)}), 400));

  // XAPI-00035..00037: groups.
  add(Both("XAPI-00035", "anonymous_group_without_member", Edit(S, {Set("actor", R"({"objectType":"Group","name":"Group Anonymous"})")}), 400));
  add(Both("XAPI-00035", "anonymous_group_ok", Edit(S, {Set("actor", kGroupAnon)}), 200));
  add(Both("XAPI-00036", "member_not_array", Edit(S, {Set("actor", kGroupAnon), Set("actor.member", kAgent)}), 400));
  add(Both("XAPI-00036", "member_without_ifi", Edit(S, {Set("actor", kGroupAnon), Set("actor.member.0", R"({"name":"no ifi"})")}), 400));
  add(Both("XAPI-00036", "member_is_group", Edit(S, {Set("actor", kGroupAnon), Set("actor.member.0", kGroupMbox)}), 400));
  add(Both("XAPI-00037", "identified_group_mbox_ok", Edit(S, {Set("actor", kGroupMbox)}), 200));
  add(Both("XAPI-00037", "identified_group_account_with_member_ok", Edit(S, {Set("actor", kGroupAccount)}), 200));
  add(Both("XAPI-00037", "identified_group_sha1sum_ok", Edit(S, {Set("actor", kGroupMbox), Del("actor.mbox"), Set("actor.mbox_sha1sum", kSha1)}), 200));
  add(Both("XAPI-00037", "identified_group_openid_ok",
           Edit(S, {Set("actor", kGroupMbox), Del("actor.mbox"), Set("actor.openid", R"("http://openid.example.org/12345")")}), 200));
  add(Both("XAPI-00037", "identified_group_mbox_and_account", Edit(S, {Set("actor", kGroupMbox), Set("actor.account", kAccount)}), 400));
  add(Both("XAPI-00037", "identified_group_account_and_sha1sum", Edit(S, {Set("actor", kGroupAccount), Set("actor.mbox_sha1sum", kSha1)}), 400));
  add(Both("XAPI-00037", "team_group_mbox_and_openid",
           Edit(S, {Set("context.team", kGroupMbox), Set("context.team.openid", R"("http://openid.example.org/12345")")}), 400));

  // XAPI-00038..00043: inverse functional identifiers and accounts.
  add(Both("XAPI-00038", "mbox_http_iri", Edit(S, {Set("actor.mbox", R"("http://should.fail.com")")}), 400));
  add(Both("XAPI-00038", "mbox_without_address", Edit(S, {Set("actor.mbox", R"("mailto:should.fail.com")")}), 400));
  add(Both("XAPI-00038", "mbox_without_mailto", Edit(S, {Set("actor.mbox", R"("xapi@adlnet.gov")")}), 400));
  add(Both("XAPI-00038", "group_mbox_not_mailto", Edit(S, {Set("actor", kGroupMbox), Set("actor.mbox", R"("http://should.fail.com")")}), 400));
  add(Both("XAPI-00039", "mbox_sha1sum_object", Edit(S, {Set("actor", kSha1Agent), Set("actor.mbox_sha1sum", R"({"key":"value"})")}), 400));
  add(Both("XAPI-00039", "mbox_sha1sum_number", Edit(S, {Set("actor", kSha1Agent), Set("actor.mbox_sha1sum", "12345")}), 400));
  add(Both("XAPI-00040", "openid_not_uri", Edit(S, {Set("actor", kOpenidAgent), Set("actor.openid", R"("ab=c://should.fail.com")")}), 400));
  add(Both("XAPI-00040", "instructor_openid_not_uri",
           Edit(S, {Set("context.instructor", kOpenidAgent), Set("context.instructor.openid", R"("ab=c://should.fail.com")")}), 400));
  add(Both("XAPI-00041", "agent_account_ok", Edit(S, {Set("context.instructor", kAccountAgent)}), 200));
  add(Both("XAPI-00041", "group_account_ok", Edit(S, {Set("context.team", kGroupAccount)}), 200));
  add(Both("XAPI-00041", "account_is_string", Edit(S, {Set("actor", kAccountAgent), Set("actor.account", R"("xAPI account name")")}), 400));
  add(Both("XAPI-00042", "account_without_homePage", Edit(S, {Set("actor", kAccountAgent), Del("actor.account.homePage")}), 400));
  add(Both("XAPI-00042", "account_homePage_not_irl",
           Edit(S, {Set("actor", kAccountAgent), Set("actor.account.homePage", R"("ab=c://should.fail.com")")}), 400));
  add(Both("XAPI-00042", "group_account_without_homePage", Edit(S, {Set("actor", kGroupAccount), Del("actor.account.homePage")}), 400));
  add(Both("XAPI-00043", "account_without_name", Edit(S, {Set("actor", kAccountAgent), Del("actor.account.name")}), 400));
  add(Both("XAPI-00043", "substatement_account_without_name", Edit(SUB, {Set("object.actor", kAccountAgent), Del("object.actor.account.name")}), 400));

  // XAPI-00044 / XAPI-00045: verbs.
  add(Both("XAPI-00044", "verb_without_id", Edit(S, {Del("verb.id")}), 400));
  add(Both("XAPI-00044", "verb_id_not_iri", Edit(S, {Set("verb.id", R"("ab=c://should.fail.com")")}), 400));
  add(Both("XAPI-00044", "substatement_verb_without_id", Edit(SUB, {Del("object.verb.id")}), 400));
  add(Both("XAPI-00045", "verb_display_numeric", Edit(S, {Set("verb.display", "12345")}), 400));
  add(Both("XAPI-00045", "verb_display_string", Edit(S, {Set("verb.display", R"("a12345 attended")")}), 400));
  add(Both("XAPI-00045", "verb_display_value_not_string", Edit(S, {Set("verb.display", R"({"en-US":12345})")}), 400));
  add(Both("XAPI-00045", "verb_without_display_ok", Edit(S, {Del("verb.display")}), 200));

  // XAPI-00046..00049, 00056..00061, 00064, 00065: objects and activity definitions.
  add(Both("XAPI-00046", "object_objectType_agent_lower", Edit(S, {Set("object", kAgent), Set("object.objectType", R"("agent")")}), 400));
  add(Both("XAPI-00046", "object_objectType_statementref_lower", Edit(S, {Set("object", kStatementRef), Set("object.objectType", R"("statementref")")}), 400));
  add(Both("XAPI-00046", "object_objectType_substatement_lower", Edit(SUB, {Set("object.objectType", R"("substatement")")}), 400));
  add(Both("XAPI-00046", "object_objectType_unknown", Edit(S, {Set("object.objectType", R"("Person")")}), 400));
  add(Both("XAPI-00046", "object_agent_ok", Edit(S, {Set("object", kAgent)}), 200));
  add(Both("XAPI-00046", "object_group_ok", Edit(S, {Set("object", kGroupMbox)}), 200));
  add(Both("XAPI-00046", "object_statementref_ok", Edit(S, {Set("object", kStatementRef)}), 200));
  add(Both("XAPI-00047", "activity_without_id", Edit(S, {Del("object.id")}), 400));
  add(Both("XAPI-00047", "activity_id_not_iri", Edit(S, {Set("object.id", R"("ab=c://should.fail.com")")}), 400));
  add(Both("XAPI-00047", "substatement_activity_without_id", Edit(SUB, {Del("object.object.id")}), 400));
  add(Both("XAPI-00047", "substatement_activity_ok", SUB, 200));
  add(Both("XAPI-00048", "definition_string", Edit(S, {Set("object.definition", R"("should error")")}), 400));
  add(Both("XAPI-00048", "definition_empty_object_ok", Edit(S, {Set("object.definition", "{}")}), 200));
  for (const char* type : {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                           "likert", "numeric", "other"}) {
    std::string name = std::string("interactionType_") + type + "_ok";
    for (char& ch : name) ch = ch == '-' ? '_' : ch;
    add(Both("XAPI-00049", name, WithObject(Interaction(type)), 200));
  }
  add(Both("XAPI-00049", "interactionType_unknown_string", WithObject(Interaction("should fail")), 400));
  add(Both("XAPI-00049", "interactionType_iri", WithObject(Interaction("http://adlnet.gov/expapi/activities/cmi.interaction")), 400));
  add(Both("XAPI-00049", "interactionType_numeric", Edit(S, {Set("object.definition", R"({"interactionType":12345})")}), 400));
  add(Both("XAPI-00049", "substatement_interactionType_unknown", Edit(SUB, {Set("object.object", Interaction("should fail"))}), 400));
  add(Both("XAPI-00056", "definition_name_numeric", Edit(S, {Set("object.definition", R"({"name":12345})")}), 400));
  add(Both("XAPI-00056", "definition_name_string", Edit(S, {Set("object.definition", R"({"name":"a name"})")}), 400));
  add(Both("XAPI-00057", "definition_extensions_string", Edit(S, {Set("object.definition", R"({"extensions":"should error"})")}), 400));
  add(Both("XAPI-00057", "definition_extensions_array", Edit(S, {Set("object.definition", R"({"extensions":["x"]})")}), 400));
  add(Both("XAPI-00059", "definition_description_numeric", Edit(S, {Set("object.definition", R"({"description":12345})")}), 400));
  add(Both("XAPI-00059", "substatement_description_string", Edit(SUB, {Set("object.object.definition", R"({"description":"x"})")}), 400));
  add(Both("XAPI-00060", "definition_type_not_iri", Edit(S, {Set("object.definition", R"({"type":"should error"})")}), 400));
  add(Both("XAPI-00060", "definition_type_ok", Edit(S, {Set("object.definition", R"({"type":"http://adlnet.gov/expapi/activities/meeting"})")}), 200));
  add(Both("XAPI-00061", "definition_moreInfo_not_irl", Edit(S, {Set("object.definition", R"({"moreInfo":"should error"})")}), 400));
  add(Both("XAPI-00061", "definition_moreInfo_ok", Edit(S, {Set("object.definition", R"({"moreInfo":"http://virtualmeeting.example.com/1"})")}), 200));
  add(Both("XAPI-00064", "correctResponsesPattern_without_interactionType",
           Edit(S, {Set("object.definition", R"({"correctResponsesPattern":["true"]})")}), 400));
  add(Both("XAPI-00064", "choices_without_interactionType",
           Edit(S, {Set("object.definition", R"({"choices":[{"id":"golf","description":{"en-US":"Golf"}}]})")}), 400));
  add(Both("XAPI-00064", "scale_without_interactionType",
           Edit(S, {Set("object.definition", R"({"scale":[{"id":"likert_0","description":{"en-US":"OK"}}]})")}), 400));
  add(Both("XAPI-00064", "source_target_without_interactionType",
           Edit(S, {Set("object.definition", R"({"source":[{"id":"ben","description":{"en-US":"Ben"}}],"target":[{"id":"1","description":{"en-US":"One"}}]})")}), 400));
  add(Both("XAPI-00064", "steps_without_interactionType",
           Edit(S, {Set("object.definition", R"({"steps":[{"id":"pong","description":{"en-US":"Pong"}}]})")}), 400));
  add(Both("XAPI-00064", "choice_with_choices_ok",
           WithObject(Interaction("choice", {Set("definition.correctResponsesPattern", R"(["golf[,]tetris"])"),
                                             Set("definition.choices", R"([{"id":"golf","description":{"en-US":"Golf"}},{"id":"tetris","description":{"en-US":"Tetris"}}])")})),
           200));
  add(Both("XAPI-00065", "object_agent_without_objectType", Edit(S, {Set("object", kAgent), Del("object.objectType")}), 400));
  add(Both("XAPI-00065", "object_group_without_objectType", Edit(S, {Set("object", kGroupMbox), Del("object.objectType")}), 400));
  add(Both("XAPI-00065", "substatement_object_agent_without_objectType", Edit(SUB, {Set("object.object", kAgent), Del("object.object.objectType")}), 400));
  add(Both("XAPI-00065", "object_activity_without_objectType_ok", Edit(S, {Del("object.objectType")}), 200));

  // XAPI-00066..00073: SubStatements and StatementRefs.
  add(Both("XAPI-00066", "substatement_without_actor", Edit(SUB, {Del("object.actor")}), 400));
  add(Both("XAPI-00066", "substatement_without_verb", Edit(SUB, {Del("object.verb")}), 400));
  add(Both("XAPI-00066", "substatement_without_object", Edit(SUB, {Del("object.object")}), 400));
  add(Both("XAPI-00066", "substatement_with_result_and_context_ok", Edit(SUB, {Set("object.result", kResult), Set("object.context", kContext)}), 200));
  add(Both("XAPI-00066", "substatement_with_statementref_ok", Edit(SUB, {Set("object.object", kStatementRef)}), 200));
  add(Both("XAPI-00066", "substatement_object_agent_ok", Edit(SUB, {Set("object.object", kAgent)}), 200));
  add(Both("XAPI-00066", "substatement_invalid_result", Edit(SUB, {Set("object.result", kResult), Set("object.result.success", R"("true")")}), 400));
  add(Both("XAPI-00067", "substatement_with_authority", Edit(SUB, {Set("object.authority", kAgent)}), 400));
  add(Both("XAPI-00068", "substatement_with_version", Edit(SUB, {Set("object.version", R"("1.0.0")")}), 400));
  add(Both("XAPI-00069", "substatement_with_stored", Edit(SUB, {Set("object.stored", R"("2013-05-18T05:32:34.804Z")")}), 400));
  add(Both("XAPI-00070", "substatement_with_id", Edit(SUB, {Set("object.id", R"("fd41c918-b88b-4b20-a0a5-a4c32391aaa0")")}), 400));
  add(Both("XAPI-00071", "substatement_in_substatement", Edit(SUB, {Set("object.object", kSubStatement)}), 400));
  add(Both("XAPI-00072", "statementref_without_id", Edit(S, {Set("object", kStatementRef), Del("object.id")}), 400));
  add(Both("XAPI-00072", "statementref_id_not_uuid", Edit(S, {Set("object", kStatementRef), Set("object.id", R"("should fail")")}), 400));
  add(Both("XAPI-00072", "substatement_statementref_id_not_uuid", Edit(SUB, {Set("object.object", kStatementRef), Set("object.object.id", R"("should fail")")}), 400));
  add(Both("XAPI-00073", "statementref_objectType_wrong_case", Edit(S, {Set("object", kStatementRef), Set("object.objectType", R"("Statementref")")}), 400));
  add(Both("XAPI-00073", "statementref_with_extra_property", Edit(S, {Set("object", kStatementRef), Set("object.definition", "{}")}), 400));

  // XAPI-00074..00083: result and score.
  add(Both("XAPI-00074", "success_string_true", Edit(S, {Set("result", kResult), Set("result.success", R"("true")")}), 400));
  add(Both("XAPI-00074", "substatement_success_string_false", Edit(SUB, {Set("object.result", kResult), Set("object.result.success", R"("false")")}), 400));
  add(Both("XAPI-00075", "completion_string_true", Edit(S, {Set("result", kResult), Set("result.completion", R"("true")")}), 400));
  add(Both("XAPI-00075", "completion_number", Edit(S, {Set("result", kResult), Set("result.completion", "1")}), 400));
  add(Both("XAPI-00076", "response_numeric", Edit(S, {Set("result", kResult), Set("result.response", "12345")}), 400));
  add(Both("XAPI-00076", "response_object", Edit(S, {Set("result", kResult), Set("result.response", R"({"key":"invalid"})")}), 400));
  add(Both("XAPI-00077", "duration_invalid", Edit(S, {Set("result", kResult), Set("result.duration", R"("PA1H0M0S")")}), 400));
  add(Both("XAPI-00077", "duration_fraction_ok", Edit(S, {Set("result", kResult), Set("result.duration", R"("PT1H0M0.1S")")}), 200));
  add(Both("XAPI-00078", "result_extensions_numeric", Edit(S, {Set("result", kResult), Set("result.extensions", "12345")}), 400));
  add(Both("XAPI-00078", "result_extensions_string", Edit(S, {Set("result", kResult), Set("result.extensions", R"("should fail")")}), 400));
  add(Both("XAPI-00079", "score_numeric", Edit(S, {Set("result", kResult), Set("result.score", "12345")}), 400));
  add(Both("XAPI-00079", "score_string", Edit(S, {Set("result", kResult), Set("result.score", R"("should fail")")}), 400));
  add(Both("XAPI-00080", "score_max_decimal_ok", Edit(S, {Set("result.score", R"({"max":100.6767676})")}), 200));
  add(Both("XAPI-00080", "score_max_string", Edit(S, {Set("result.score", R"({"max":"100.5"})")}), 400));
  add(Both("XAPI-00081", "score_min_decimal_ok", Edit(S, {Set("result.score", R"({"min":0.6767676})")}), 200));
  add(Both("XAPI-00081", "score_min_greater_than_max", Edit(S, {Set("result.score", R"({"min":0.6767676,"max":0.6767355})")}), 400));
  add(Both("XAPI-00081", "substatement_min_greater_than_max",
           Edit(SUB, {Set("object.result.score", R"({"min":0.6767676,"max":-3.3232324,"raw":-0.3232324})")}), 400));
  add(Both("XAPI-00082", "score_raw_decimal_ok", Edit(S, {Set("result.score", R"({"raw":0.6767676})")}), 200));
  add(Both("XAPI-00082", "score_raw_equal_to_min_ok", Edit(S, {Set("result.score", R"({"raw":0,"min":0,"max":5})")}), 200));
  add(Both("XAPI-00082", "score_raw_equal_to_max_ok", Edit(S, {Set("result.score", R"({"raw":5,"min":0,"max":5})")}), 200));
  add(Both("XAPI-00082", "score_raw_above_max", Edit(S, {Set("result.score", R"({"raw":0.6767676,"max":0.6567676})")}), 400));
  add(Both("XAPI-00082", "score_raw_below_min", Edit(S, {Set("result.score", R"({"raw":0.6767676,"min":1.4067676})")}), 400));
  add(Both("XAPI-00083", "score_scaled_one_ok", Edit(S, {Set("result.score", R"({"scaled":1})")}), 200));
  add(Both("XAPI-00083", "score_scaled_minus_one_ok", Edit(S, {Set("result.score", R"({"scaled":-1.0})")}), 200));
  add(Both("XAPI-00083", "score_scaled_above_one", Edit(S, {Set("result.score", R"({"scaled":1.01})")}), 400));
  add(Both("XAPI-00083", "score_scaled_below_minus_one", Edit(SUB, {Set("object.result.score", R"({"scaled":-1.00001})")}), 400));

  // XAPI-00084..00094: context.
  const std::string kCtxRevision = Edit(kContext, {Del("platform")});
  const std::string kCtxPlatform = Edit(kContext, {Del("revision")});
  add(Both("XAPI-00084", "revision_with_agent_object", Edit(S, {Set("object", kAgent), Set("context", kCtxRevision)}), 400));
  add(Both("XAPI-00084", "revision_with_statementref_object", Edit(S, {Set("object", kStatementRef), Set("context", kCtxRevision)}), 400));
  add(Both("XAPI-00084", "revision_with_substatement_object", Edit(SUB, {Set("context", kCtxRevision)}), 400));
  add(Both("XAPI-00084", "substatement_revision_with_group_object",
           Edit(SUB, {Set("object.object", kGroupMbox), Set("object.context", kCtxRevision)}), 400));
  add(Both("XAPI-00084", "revision_with_activity_without_objectType_ok", Edit(S, {Del("object.objectType"), Set("context", kCtxRevision)}), 200));
  add(Both("XAPI-00085", "platform_with_group_object", Edit(S, {Set("object", kGroupMbox), Set("context", kCtxPlatform)}), 400));
  add(Both("XAPI-00085", "platform_with_substatement_object", Edit(SUB, {Set("context", kCtxPlatform)}), 400));
  add(Both("XAPI-00085", "platform_with_activity_ok", Edit(S, {Set("context", kCtxPlatform)}), 200));
  add(Both("XAPI-00086", "contextActivities_string", Edit(S, {Set("context", kContext), Set("context.contextActivities", R"("should fail")")}), 400));
  add(Both("XAPI-00086", "contextActivities_array", Edit(S, {Set("context.contextActivities", "[" + kActivity + "]")}), 400));
  add(Both("XAPI-00087", "registration_object", Edit(S, {Set("context", kContext), Set("context.registration", R"({"key":"should fail"})")}), 400));
  add(Both("XAPI-00087", "registration_string", Edit(S, {Set("context", kContext), Set("context.registration", R"("should fail")")}), 400));
  add(Both("XAPI-00087", "instructor_junk_object", Edit(S, {Set("context.instructor", R"({"key":"should fail"})")}), 400));
  add(Both("XAPI-00087", "instructor_string", Edit(S, {Set("context.instructor", R"("should fail")")}), 400));
  add(Both("XAPI-00087", "instructor_agent_ok", Edit(S, {Set("context", kContext), Set("context.instructor", kAgent)}), 200));
  add(Both("XAPI-00087", "instructor_group_ok", Edit(S, {Set("context.instructor", kGroupAnon)}), 200));
  add(Both("XAPI-00088", "team_agent", Edit(S, {Set("context.team", kAgent)}), 400));
  add(Both("XAPI-00088", "team_string", Edit(S, {Set("context.team", R"("should fail")")}), 400));
  add(Both("XAPI-00088", "team_group_ok", Edit(S, {Set("context.team", kGroupAnon)}), 200));
  add(Both("XAPI-00089", "revision_numeric", Edit(S, {Set("context", kContext), Set("context.revision", "12345")}), 400));
  add(Both("XAPI-00089", "substatement_revision_object", Edit(SUB, {Set("object.context", kContext), Set("object.context.revision", R"({"key":"x"})")}), 400));
  add(Both("XAPI-00090", "platform_numeric", Edit(S, {Set("context", kContext), Set("context.platform", "12345")}), 400));
  add(Both("XAPI-00090", "platform_object", Edit(S, {Set("context", kContext), Set("context.platform", R"({"key":"x"})")}), 400));
  add(Both("XAPI-00091", "language_numeric", Edit(S, {Set("context", kContext), Set("context.language", "12345")}), 400));
  add(Both("XAPI-00091", "language_object", Edit(S, {Set("context", kContext), Set("context.language", R"({"a12345":"should fail"})")}), 400));
  add(Both("XAPI-00092", "context_statement_wrong_objectType",
           Edit(S, {Set("context", kContext), Set("context.statement.objectType", R"("statementref")")}), 400));
  add(Both("XAPI-00092", "context_statement_id_not_uuid", Edit(S, {Set("context", kContext), Set("context.statement.id", R"("should fail")")}), 400));
  add(Both("XAPI-00092", "context_statement_is_activity", Edit(S, {Set("context", kContext), Set("context.statement", kActivity)}), 400));
  add(Both("XAPI-00092", "context_ok", Edit(S, {Set("context", kContext)}), 200));
  for (const char* key : {"parent", "grouping", "category", "other"}) {
    add(Both("XAPI-00093 XAPI-00094", std::string("contextActivities_") + key + "_single_ok",
             Edit(S, {Set(std::string("context.contextActivities.") + key, kActivity)}), 200));
  }
  add(Both("XAPI-00093", "contextActivities_all_keys_ok",
           Edit(S, {Set("context.contextActivities", R"({"parent":[)" + kActivity + R"(],"grouping":[)" + kActivity +
                                                         R"(],"category":[)" + kActivity + R"(],"other":[)" + kActivity + "]}")}),
           200));
  add(Both("XAPI-00093", "contextActivities_unknown_key", Edit(S, {Set("context.contextActivities.consequences", kActivity)}), 400));
  add(Both("XAPI-00093", "substatement_contextActivities_unknown_key",
           Edit(SUB, {Set("object.context.contextActivities.Parent", "[" + kActivity + "]")}), 400));
  add(Both("XAPI-00094", "contextActivities_array_ok", Edit(S, {Set("context.contextActivities.other", "[" + kActivity + "]")}), 200));
  add(Both("XAPI-00094", "contextActivities_array_with_non_activity",
           Edit(S, {Set("context.contextActivities.other", "[" + kActivity + R"(,{"key":"should fail"}])")}), 400));
  add(Both("XAPI-00094", "contextActivities_agent_value", Edit(S, {Set("context.contextActivities.parent", "[" + kAgent + "]")}), 400));
  add(Both("XAPI-00094", "substatement_contextActivities_array_with_non_activity",
           Edit(SUB, {Set("object.context.contextActivities.other", R"([{"key":"should fail"},)" + kActivity + "]")}), 400));

  // 2.0.0 contextAgents / contextGroups (not part of 1.0.3: there they are keys the specification
  // does not allow, XAPI-00010). The suite checks them without requirement ids; each case names
  // the general data rule it exercises (type XAPI-00006, format XAPI-00007, enumerated value
  // XAPI-00009, Agent XAPI-00034, Group XAPI-00037, SubStatement XAPI-00066).
  add(Per("XAPI-00010 (2.0: contextAgents)", "contextAgents_valid", Edit(S, {Set("context.contextAgents", kContextAgents)}), 400, 200));
  add(Per("XAPI-00010 (2.0: contextGroups)", "contextGroups_valid", Edit(S, {Set("context.contextGroups", kContextGroups)}), 400, 200));
  add(Per("XAPI-00066 (2.0: contextAgents)", "substatement_contextAgents_valid",
          Edit(SUB, {Set("object.context.contextAgents", kContextAgents)}), 400, 200));
  add(Per("XAPI-00006 (2.0 contextAgents)", "contextAgents_without_relevantTypes_ok",
          Edit(S, {Set("context.contextAgents", kContextAgents), Del("context.contextAgents.0.relevantTypes")}), 0, 200));
  add(Per("XAPI-00009 (2.0 contextAgents)", "contextAgents_wrong_objectType",
          Edit(S, {Set("context.contextAgents", kContextAgents), Set("context.contextAgents.0.objectType", R"("Should fail")")}), 0, 400));
  add(Per("XAPI-00034 (2.0 contextAgents)", "contextAgents_invalid_agent",
          Edit(S, {Set("context.contextAgents", kContextAgents), Set("context.contextAgents.0.agent", R"({"key":"Should fail"})")}), 0, 400));
  add(Per("XAPI-00034 (2.0 contextAgents)", "contextAgents_group_as_agent",
          Edit(S, {Set("context.contextAgents", kContextAgents), Set("context.contextAgents.0.agent", kGroupMbox)}), 0, 400));
  add(Per("XAPI-00007 (2.0 contextAgents)", "contextAgents_empty_relevantTypes",
          Edit(S, {Set("context.contextAgents", kContextAgents), Set("context.contextAgents.0.relevantTypes", "[]")}), 0, 400));
  add(Per("XAPI-00007 (2.0 contextAgents)", "contextAgents_relevantTypes_not_iri",
          Edit(S, {Set("context.contextAgents", kContextAgents), Set("context.contextAgents.0.relevantTypes", R"(["abc"])")}), 0, 400));
  add(Per("XAPI-00006 (2.0 contextAgents)", "contextAgents_not_array",
          Edit(S, {Set("context.contextAgents", R"({"objectType":"contextAgent","agent":{"mbox":"mailto:player-1@example.com"}})")}), 0, 400));
  add(Per("XAPI-00066 XAPI-00007 (2.0 contextAgents)", "substatement_contextAgents_empty_relevantTypes",
          Edit(SUB, {Set("object.context.contextAgents", kContextAgents), Set("object.context.contextAgents.0.relevantTypes", "[]")}), 0, 400));
  add(Per("XAPI-00009 (2.0 contextGroups)", "contextGroups_wrong_objectType",
          Edit(S, {Set("context.contextGroups", kContextGroups), Set("context.contextGroups.0.objectType", R"("contextAgent")")}), 0, 400));
  add(Per("XAPI-00037 (2.0 contextGroups)", "contextGroups_invalid_group",
          Edit(S, {Set("context.contextGroups", kContextGroups), Set("context.contextGroups.0.group", R"({"key":"Should fail"})")}), 0, 400));
  add(Per("XAPI-00037 (2.0 contextGroups)", "contextGroups_agent_as_group",
          Edit(S, {Set("context.contextGroups", kContextGroups), Set("context.contextGroups.0.group", kAgent)}), 0, 400));
  add(Per("XAPI-00007 (2.0 contextGroups)", "contextGroups_empty_relevantTypes",
          Edit(S, {Set("context.contextGroups", kContextGroups), Set("context.contextGroups.0.relevantTypes", "[]")}), 0, 400));
  add(Per("XAPI-00007 (2.0 contextGroups)", "contextGroups_relevantTypes_not_iri",
          Edit(S, {Set("context.contextGroups", kContextGroups), Set("context.contextGroups.0.relevantTypes", R"(["abc"])")}), 0, 400));
  add(Per("XAPI-00066 (2.0 contextGroups)", "substatement_contextGroups_valid", Edit(SUB, {Set("object.context.contextGroups", kContextGroups)}), 0, 200));

  // XAPI-00101: the statement's version property.
  add(Both("XAPI-00101", "version_1_0_ok", Edit(S, {Set("version", R"("1.0")")}), 200));
  add(Both("XAPI-00101", "version_1_0_9_ok", Edit(S, {Set("version", R"("1.0.9")")}), 200));
  add(Both("XAPI-00101", "version_string", Edit(S, {Set("version", R"("should fail")")}), 400));
  add(Both("XAPI-00101", "version_0_9_9", Edit(S, {Set("version", R"("0.9.9")")}), 400));
  add(Both("XAPI-00101", "version_1_1_0", Edit(S, {Set("version", R"("1.1.0")")}), 400));
  add(Both("XAPI-00101", "version_number", Edit(S, {Set("version", "1.0")}), 400));
  add(Per("XAPI-00101", "version_2_0_0", Edit(S, {Set("version", R"("2.0.0")")}), 400, 200));

  // XAPI-00118..00120: extensions.
  add(Both("XAPI-00118", "activity_extension_key_not_iri",
           Edit(S, {Set("object", kActivityWithDefinition), Set("object.definition.extensions", R"({"should fail":true})")}), 400));
  add(Both("XAPI-00118", "result_extension_key_not_iri", Edit(S, {Set("result", kResult), Set("result.extensions", R"({"should fail":true})")}), 400));
  add(Both("XAPI-00118", "context_extension_key_not_iri", Edit(S, {Set("context", kContext), Set("context.extensions", R"({"should fail":true})")}), 400));
  add(Both("XAPI-00118 XAPI-00057", "substatement_extension_keys_not_iri",
           Edit(SUB, {Set("object.object.definition", R"({"extensions":{"id":"valid","description":{"en-US":"valid"}}})")}), 400));
  for (const auto& [label, value] : std::vector<std::pair<std::string, std::string>>{
           {"empty_object", "{}"}, {"empty_string_value", R"({"http://example.com/ex":""})"},
           {"null_value", R"({"http://example.com/ex":null})"}, {"empty_object_value", R"({"http://example.com/ex":{}})"}}) {
    add(Both("XAPI-00119", "post_activity_extensions_" + label, Edit(S, {Set("object.definition.extensions", value)}), 200));
    add(Both("XAPI-00119", "post_result_extensions_" + label, Edit(S, {Set("result.extensions", value)}), 200));
    add(PutBoth("XAPI-00119", "put_context_extensions_" + label, Edit(S, {Set("context.extensions", value)}), 200));
    add(PutBoth("XAPI-00119", "put_substatement_result_extensions_" + label, Edit(SUB, {Set("object.result.extensions", value)}), 200));
  }
  for (const auto& [label, value] : std::vector<std::pair<std::string, std::string>>{
           {"boolean", "true"}, {"numeric", "12345"}, {"object", R"({"key":"valid"})"}, {"string", R"("valid")"},
           {"array", R"([1,"two",{"three":3}])"}}) {
    add(Both("XAPI-00120", "extension_value_" + label, Edit(S, {Set("context.extensions", R"({"http://example.com/ex":)" + value + "}")}), 200));
  }
  add(Both("XAPI-00120", "context_extensions_array", Edit(S, {Set("context.extensions", R"([{"http://example.com/ex":1}])")}), 400));

  // XAPI-00124: ISO 8601:2004 4.4.3.2 durations.
  for (const char* ok : {"PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S", "P1DT12H36M0.12567S"}) {
    std::string name = std::string("duration_") + ok + "_ok";
    for (char& ch : name) ch = ch == '.' ? '_' : ch;
    add(Both("XAPI-00124", name, Edit(S, {Set("result.duration", Quote(ok))}), 200));
  }
  for (const char* bad : {"should fail", "P4W1D", "PT1H0M0S1", "P", "PT", "1H", "PT-1S", "0000-00-01T00:00:00"}) {
    std::string name = std::string("duration_invalid_") + bad;
    for (char& ch : name) {
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    add(Both("XAPI-00124", name, Edit(S, {Set("result.duration", Quote(bad))}), 400));
  }
  add(Both("XAPI-00124", "duration_number", Edit(S, {Set("result.duration", "12345")}), 400));
  add(Both("XAPI-00124", "substatement_duration_invalid", Edit(SUB, {Set("object.result.duration", R"("PA1H0M0S")")}), 400));
  return c;
}

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = Cases();
  return cases;
}

// Cases are grouped by their first requirement id: one test per id (so that a test run maps to
// the requirement list), running every case of the group under each version it applies to.
struct Group {
  std::string req;                 // "XAPI-00001"
  std::vector<const Case*> cases;
};

std::vector<Group> Groups() {
  std::vector<Group> groups;
  for (const Case& c : AllCases()) {
    std::string first = c.req.substr(0, c.req.find(' '));
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.req == first; });
    if (it == groups.end()) {
      groups.push_back({first, {}});
      it = groups.end() - 1;
    }
    it->cases.push_back(&c);
  }
  return groups;
}

void PrintTo(const Group& g, std::ostream* os) { *os << g.req << " (" << g.cases.size() << " cases)"; }

std::string GroupName(const ::testing::TestParamInfo<Group>& info) {
  std::string name = info.param.req;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

bool LooksLikeUuid(const std::string& s) {
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

class StatementValidation : public ServerSuite<StatementValidation>, public ::testing::WithParamInterface<Group> {
 protected:
  // Sends one case under `version` and checks the status and what was stored.
  void Run(const Case& c, const std::string& version, Client& client) {
    SCOPED_TRACE("case " + c.name + ", xAPI " + version);
    const int expected = Is2(version) ? c.expect_v2 : c.expect_v1;
    std::string body = c.body;
    std::string id;
    if (!c.raw) {
      auto doc = Parse(body);
      ASSERT_TRUE(doc.IsObject()) << body;
      if (!doc.HasMember("id")) {
        id = NewId();
        body = Edit(body, {Set("id", Quote(id))});
      } else if (doc["id"].IsString() && LooksLikeUuid(doc["id"].GetString())) {
        id = doc["id"].GetString();
      }
    }

    Response r;
    int want = expected;
    if (c.put) {
      ASSERT_FALSE(id.empty());
      r = client.PutJson("/xapi/statements?statementId=" + id, body);
      if (want == 200) want = 204;
    } else {
      r = client.PostJson("/xapi/statements", body);
    }
    EXPECT_EQ(r.status, want) << (c.put ? "PUT " : "POST ") << body << "\nresponse: " << r.body;
    if (std::getenv("CONFORMANCE_VERBOSE")) {
      std::printf("%s %s [%s] %d %s\n", c.req.c_str(), c.name.c_str(), version.c_str(), r.status, r.body.c_str());
    }
    if (want == 200) {
      auto ids = r.Json();
      ASSERT_TRUE(ids.IsArray() && ids.Size() == 1) << r.body;
      EXPECT_EQ(std::string(ids[0].GetString()), id);
    }
    if (!id.empty()) {
      Response g = client.Get("/xapi/statements?statementId=" + id);
      if (want >= 200 && want < 300) {
        EXPECT_EQ(g.status, 200) << "accepted statement not retrievable: " << g.body;
        EXPECT_EQ(StringAt(g.Json(), "id"), id);
      } else {
        // XAPI-00182: a rejected request changes nothing.
        EXPECT_EQ(g.status, 404) << "rejected statement was stored: " << g.body;
      }
    }
  }
};

TEST_P(StatementValidation, Cases) {
  std::string reqs;
  for (const Case* c : GetParam().cases) {
    std::string rest = c->req;
    while (!rest.empty()) {
      std::size_t pos = rest.find("XAPI-");
      if (pos == std::string::npos) break;
      std::string id = rest.substr(pos, 10);
      if (reqs.find(id) == std::string::npos) reqs += (reqs.empty() ? "" : " ") + id;
      rest = rest.substr(pos + 10);
    }
  }
  Requirement(reqs + " XAPI-00182");
  auto v1 = MakeClient(kV103);
  auto v2 = MakeClient(kV200);
  for (const Case* c : GetParam().cases) {
    if (c->expect_v1) Run(*c, kV103, *v1);
    if (c->expect_v2) Run(*c, kV200, *v2);
  }
}

INSTANTIATE_TEST_SUITE_P(Data, StatementValidation, ::testing::ValuesIn(Groups()), GroupName);

}  // namespace
}  // namespace lrsd::conformance
