// Attachments (Data 2.4.11, Communication 1.5): which content types carry statements, the
// multipart/mixed format and its rules (XAPI-00127..00135), and retrieval with the
// "attachments" parameter (XAPI-00161, XAPI-00167).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support.h"

namespace lrsd::conformance {
namespace {

const char* kBoundary = "-------314159265358979323846";

class Attachments : public VersionedSuite<Attachments> {
 protected:
  // An attachment object for `content` (sha2 and length computed), without fileUrl.
  static std::string AttachmentFor(const std::string& content, const std::string& content_type = "text/plain") {
    return Edit(kAttachmentFileUrl, {Del("fileUrl"), Set("contentType", Quote(content_type)),
                                     Set("length", std::to_string(content.size())), Set("sha2", Quote(Sha256(content)))});
  }
  static std::string WithAttachments(const std::string& id, const std::vector<std::string>& attachments) {
    std::string list = "[";
    for (std::size_t i = 0; i < attachments.size(); ++i) list += (i ? "," : "") + attachments[i];
    return Edit(FreshStatement(id), {Set("attachments", list + "]")});
  }
  Response PostMultipart(const std::string& body, const std::string& boundary = kBoundary) {
    return client().Request("POST", kStatements, body, {{"Content-Type", "multipart/mixed; boundary=" + boundary}});
  }
  Response PostRaw(const std::string& body, const std::string& content_type) {
    return client().Request("POST", kStatements, body, {{"Content-Type", content_type}});
  }
  void ExpectRejected(const Response& r, const std::string& id, const std::string& what) {
    EXPECT_EQ(r.status, 400) << what << ": " << r.body;
    EXPECT_EQ(GetStatement(id).status, 404) << what << ": the statement was stored";
  }
};

const std::string kText1 = "here is a simple attachment";
const std::string kText2 = "here is another simple attachment";
const std::string kText3 = "and a third one that nobody mentions";

TEST_P(Attachments, XAPI_00127_StatementsAreSentAsJsonOrMultipartMixed) {
  Requirement("XAPI-00127 XAPI-00025");
  // fileUrl attachments travel as application/json.
  std::string id = NewId();
  std::string with_url = Edit(FreshStatement(id), {Set("attachments", "[" + kAttachmentFileUrl + "]")});
  EXPECT_EQ(Post(with_url).status, 200);
  // Other content types are rejected.
  std::string id2 = NewId();
  std::string with_url2 = Edit(with_url, {Set("id", Quote(id2))});
  ExpectRejected(PostRaw(with_url2, std::string("multipart/form-data; boundary=") + kBoundary), id2, "multipart/form-data");
  ExpectRejected(PostRaw(with_url2, "text/plain"), id2, "text/plain");
  ExpectRejected(PostRaw(with_url2, "application/x-www-form-urlencoded"), id2, "form content type");
  // Raw attachment data in multipart/mixed is accepted; as multipart/form-data it is not.
  std::string id3 = NewId();
  std::string raw = BuildMultipart(kBoundary, {JsonPart(WithAttachments(id3, {AttachmentFor(kText1)})), AttachmentPart(kText1)});
  ExpectRejected(PostRaw(raw, std::string("multipart/form-data; boundary=") + kBoundary), id3, "multipart/form-data body");
  Response ok = PostMultipart(raw);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, IdsArrayJson({id3}));
  // multipart/mixed with only fileUrl attachments, or with none, is fine too.
  std::string id4 = NewId(), id5 = NewId();
  EXPECT_EQ(PostMultipart(BuildMultipart(kBoundary, {JsonPart(Edit(with_url, {Set("id", Quote(id4))}))})).status, 200);
  EXPECT_EQ(PostMultipart(BuildMultipart(kBoundary, {JsonPart(FreshStatement(id5))})).status, 200);
  EXPECT_EQ(GetStatement(id5).status, 200);
}

TEST_P(Attachments, XAPI_00128_ExcessPartsAreRejected) {
  Requirement("XAPI-00128");
  std::string id = NewId();
  std::string body = BuildMultipart(kBoundary, {JsonPart(WithAttachments(id, {AttachmentFor(kText1), AttachmentFor(kText2)})),
                                                AttachmentPart(kText1), AttachmentPart(kText2), AttachmentPart(kText3)});
  ExpectRejected(PostMultipart(body), id, "a part no attachment refers to");
}

TEST_P(Attachments, XAPI_00129_EveryAttachmentWithoutFileUrlNeedsItsPart) {
  Requirement("XAPI-00129");
  std::string id = NewId();
  std::string body = BuildMultipart(kBoundary, {JsonPart(WithAttachments(id, {AttachmentFor(kText1), AttachmentFor(kText2)})),
                                                AttachmentPart(kText1)});
  ExpectRejected(PostMultipart(body), id, "two attachments, one part");
  // As application/json, an attachment without fileUrl cannot be satisfied at all.
  std::string id2 = NewId();
  ExpectRejected(Post(WithAttachments(id2, {AttachmentFor(kText1)})), id2, "application/json without fileUrl");
}

TEST_P(Attachments, XAPI_00130_EveryPartStartsWithTheBoundary) {
  Requirement("XAPI-00130");
  std::string id = NewId();
  std::string statement = WithAttachments(id, {AttachmentFor(kText1)});
  const std::string b = kBoundary;
  // No delimiter before the first part.
  std::string no_first = "Content-Type: application/json\r\n\r\n" + statement + "\r\n--" + b +
                         "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
                         Sha256(kText1) + "\r\n\r\n" + kText1 + "\r\n--" + b + "--\r\n";
  ExpectRejected(PostMultipart(no_first), id, "no boundary before the first part");
  // No delimiter between the statement part and the attachment part.
  std::string no_second = "--" + b + "\r\nContent-Type: application/json\r\n\r\n" + statement +
                          "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
                          Sha256(kText1) + "\r\n\r\n" + kText1 + "\r\n--" + b + "--\r\n";
  ExpectRejected(PostMultipart(no_second), id, "no boundary before the second part");
  // A body whose delimiters use another boundary than the header.
  std::string other = BuildMultipart("another-boundary", {JsonPart(statement), AttachmentPart(kText1)});
  ExpectRejected(PostMultipart(other), id, "boundary of the header not in the body");
}

TEST_P(Attachments, XAPI_00131_MultipartNeedsABoundaryParameter) {
  Requirement("XAPI-00131");
  std::string id = NewId();
  std::string body = BuildMultipart(kBoundary, {JsonPart(WithAttachments(id, {AttachmentFor(kText1)})), AttachmentPart(kText1)});
  ExpectRejected(PostRaw(body, "multipart/mixed"), id, "no boundary parameter");
  ExpectRejected(PostRaw(body, "multipart/mixed;"), id, "empty parameter list");
  ExpectRejected(PostRaw(body, "multipart/mixed; boundary="), id, "empty boundary");
}

TEST_P(Attachments, XAPI_00132_AttachmentPartsCarryTheirHash) {
  Requirement("XAPI-00132");
  std::string id = NewId();
  std::string statement = WithAttachments(id, {AttachmentFor(kText1)});
  Part no_hash{{{"Content-Type", "text/plain"}, {"Content-Transfer-Encoding", "binary"}}, kText1};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), no_hash})), id, "no X-Experience-API-Hash");
  Part other_hash{{{"Content-Type", "text/plain"}, {"Content-Transfer-Encoding", "binary"},
                   {"X-Experience-API-Hash", "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89"}},
                  kText1};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), other_hash})), id,
                 "X-Experience-API-Hash matching no sha2");
  // The hash names the attachment but the content is not what it hashes to.
  Part wrong_content{{{"Content-Type", "text/plain"}, {"Content-Transfer-Encoding", "binary"},
                      {"X-Experience-API-Hash", Sha256(kText1)}},
                     kText2};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), wrong_content})), id,
                 "content that does not match its hash");
}

TEST_P(Attachments, XAPI_00133_AllStatementsAreInTheFirstPart) {
  Requirement("XAPI-00133");
  std::string id = NewId(), id2 = NewId();
  std::string body = BuildMultipart(kBoundary, {JsonPart(WithAttachments(id, {AttachmentFor(kText1)})),
                                                JsonPart(WithAttachments(id2, {AttachmentFor(kText1)})),
                                                AttachmentPart(kText1)});
  ExpectRejected(PostMultipart(body), id, "statements split over two parts");
  EXPECT_EQ(GetStatement(id2).status, 404);
}

TEST_P(Attachments, XAPI_00134_FirstPartIsApplicationJson) {
  Requirement("XAPI-00134");
  std::string id = NewId();
  Part first{{{"Content-Type", "text/plain"}}, WithAttachments(id, {AttachmentFor(kText1)})};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {first, AttachmentPart(kText1)})), id, "first part text/plain");
  Part untyped{{}, WithAttachments(id, {AttachmentFor(kText1)})};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {untyped, AttachmentPart(kText1)})), id, "first part untyped");
}

TEST_P(Attachments, XAPI_00135_AttachmentPartsAreBinary) {
  Requirement("XAPI-00135");
  std::string id = NewId();
  std::string statement = WithAttachments(id, {AttachmentFor(kText1)});
  Part base64{{{"Content-Type", "text/plain"}, {"Content-Transfer-Encoding", "base64"}, {"X-Experience-API-Hash", Sha256(kText1)}},
              kText1};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), base64})), id, "base64 transfer encoding");
  Part none{{{"Content-Type", "text/plain"}, {"X-Experience-API-Hash", Sha256(kText1)}}, kText1};
  ExpectRejected(PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), none})), id, "no transfer encoding");
}

TEST_P(Attachments, BatchesAndPutCarryAttachmentsToo) {
  Requirement("XAPI-00127 XAPI-00129");
  // Two statements sharing one attachment: one part serves both.
  std::string a = NewId(), b = NewId(), c = NewId();
  std::string shared = AttachmentFor(kText1);
  std::string batch = "[" + WithAttachments(a, {shared}) + "," + WithAttachments(b, {shared, AttachmentFor(kText2)}) + "]";
  Response r = PostMultipart(BuildMultipart(kBoundary, {JsonPart(batch), AttachmentPart(kText1), AttachmentPart(kText2)}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, IdsArrayJson({a, b}));
  // PUT takes multipart/mixed as well.
  Response put = client().Request("PUT", std::string(kStatements) + "?statementId=" + c,
                                  BuildMultipart(kBoundary, {JsonPart(WithAttachments(c, {AttachmentFor(kText3)})), AttachmentPart(kText3)}),
                                  {{"Content-Type", std::string("multipart/mixed; boundary=") + kBoundary}});
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_EQ(GetStatement(c).status, 200);
}

TEST_P(Attachments, XAPI_00167_00161_AttachmentsParameterOnSingleStatements) {
  Requirement("XAPI-00167 XAPI-00161");
  // Binary content with every byte value and CRLF sequences inside.
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  binary += "\r\n--not-a-boundary\r\n\r\n";
  std::string id = NewId();
  std::string statement = WithAttachments(id, {AttachmentFor(kText1), AttachmentFor(binary, "application/octet-stream"),
                                               kAttachmentFileUrl});
  Response stored = PostMultipart(BuildMultipart(kBoundary, {JsonPart(statement), AttachmentPart(kText1),
                                                             AttachmentPart(binary, "application/octet-stream")}));
  ASSERT_EQ(stored.status, 200) << stored.body;

  // attachments=true: multipart/mixed, statement first, then every attachment with its hash.
  Response r = GetStatement(id, "&attachments=true");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string type = r.Header("Content-Type");
  ASSERT_EQ(type.rfind("multipart/mixed", 0), 0u) << type;
  std::string boundary = BoundaryOf(type);
  ASSERT_FALSE(boundary.empty()) << type;
  auto parts = ParseMultipart(r.body, boundary);
  ASSERT_EQ(parts.size(), 3u) << r.body;
  EXPECT_EQ(PartHeader(parts[0], "content-type").rfind("application/json", 0), 0u);
  auto returned = Parse(parts[0].body);
  EXPECT_EQ(StringAt(returned, "id"), id);
  std::map<std::string, std::string> by_hash;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    EXPECT_EQ(PartHeader(parts[i], "content-transfer-encoding"), "binary");
    by_hash[PartHeader(parts[i], "x-experience-api-hash")] = parts[i].body;
  }
  EXPECT_EQ(by_hash[Sha256(kText1)], kText1);
  EXPECT_EQ(by_hash[Sha256(binary)], binary) << "binary attachment content changed";
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (PartHeader(parts[i], "x-experience-api-hash") == Sha256(kText1)) {
      EXPECT_EQ(PartHeader(parts[i], "content-type").rfind("text/plain", 0), 0u);
    }
  }

  // attachments=false and absent: application/json, no attachment data.
  for (const std::string& extra : {std::string("&attachments=false"), std::string()}) {
    Response j = GetStatement(id, extra);
    ASSERT_EQ(j.status, 200);
    EXPECT_EQ(j.Header("Content-Type").rfind("application/json", 0), 0u) << extra;
    EXPECT_EQ(j.body.find(kText1), std::string::npos) << "attachment data sent with" << extra;
    auto doc = j.Json();
    ASSERT_TRUE(doc.IsObject()) << j.body;
    EXPECT_EQ(At(doc, "attachments")->Size(), 3u) << "the attachment metadata stays in the statement";
  }
}

TEST_P(Attachments, XAPI_00167_AttachmentsParameterOnQueries) {
  Requirement("XAPI-00167 XAPI-00161");
  const std::string verb = UniqueIri("verb/attachments");
  std::string a = NewId(), b = NewId();
  std::string batch = "[" + Edit(WithAttachments(a, {AttachmentFor(kText1)}), {Set("verb.id", Quote(verb))}) + "," +
                      Edit(WithAttachments(b, {AttachmentFor(kText1), AttachmentFor(kText2)}), {Set("verb.id", Quote(verb))}) + "]";
  ASSERT_EQ(PostMultipart(BuildMultipart(kBoundary, {JsonPart(batch), AttachmentPart(kText1), AttachmentPart(kText2)})).status, 200);

  Response r = Query("verb=" + Enc(verb) + "&attachments=true");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string boundary = BoundaryOf(r.Header("Content-Type"));
  ASSERT_EQ(r.Header("Content-Type").rfind("multipart/mixed", 0), 0u) << r.Header("Content-Type");
  auto parts = ParseMultipart(r.body, boundary);
  ASSERT_GE(parts.size(), 3u) << r.body;
  auto result = Parse(parts[0].body);
  std::vector<std::string> ids = ResultIds(result);
  EXPECT_EQ(ids, (std::vector<std::string>{b, a}));
  std::set<std::string> hashes;
  for (std::size_t i = 1; i < parts.size(); ++i) hashes.insert(PartHeader(parts[i], "x-experience-api-hash"));
  EXPECT_EQ(hashes, (std::set<std::string>{Sha256(kText1), Sha256(kText2)}));

  Response j = Query("verb=" + Enc(verb) + "&attachments=false");
  ASSERT_EQ(j.status, 200);
  EXPECT_EQ(j.Header("Content-Type").rfind("application/json", 0), 0u);
  EXPECT_EQ(ResultIds(j.Json()), (std::vector<std::string>{b, a}));
  EXPECT_EQ(j.body.find(kText2), std::string::npos);
}

TEST_P(Attachments, XAPI_00155_VoidedStatementKeepsItsAttachments) {
  Requirement("XAPI-00155 XAPI-00167");
  std::string id = NewId();
  ASSERT_EQ(PostMultipart(BuildMultipart(kBoundary, {JsonPart(WithAttachments(id, {AttachmentFor(kText2)})), AttachmentPart(kText2)})).status,
            200);
  std::string voiding = Edit(kStatement, {Set("verb", R"({"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}})"),
                                          Set("object", R"({"objectType":"StatementRef"})"), Set("object.id", Quote(id))});
  ASSERT_EQ(Post(voiding).status, 200);
  Response r = client().Get(std::string(kStatements) + "?voidedStatementId=" + id + "&attachments=true");
  ASSERT_EQ(r.status, 200) << r.body;
  auto parts = ParseMultipart(r.body, BoundaryOf(r.Header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u) << r.body;
  EXPECT_EQ(StringAt(Parse(parts[0].body), "id"), id);
  EXPECT_EQ(parts[1].body, kText2);
}

INSTANTIATE_TEST_SUITE_P(Statements, Attachments, ::testing::ValuesIn(kBothVersions), VersionParamName);

}  // namespace
}  // namespace lrsd::conformance
