// lrsd http helpers (src/http/http.cpp): methods, headers, request target parts, percent
// decoding, forms and query strings, media types and their parameters, and response shapes.
// (multipart/mixed has its own suite.)
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <random>
#include <string>
#include <string_view>

#include "lrsd/http.h"

namespace lrsd::http {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

TEST(Method, ParseAndName) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m);
  }
  EXPECT_EQ(MethodName(Method::kGet), "GET");
  EXPECT_EQ(MethodName(Method::kOptions), "OPTIONS");
  EXPECT_EQ(ParseMethod("get"), Method::kOther);  // methods are case-sensitive (RFC 7230)
  EXPECT_EQ(ParseMethod("PATCH"), Method::kOther);
  EXPECT_EQ(ParseMethod(""), Method::kOther);
  EXPECT_EQ(MethodName(Method::kOther), "OTHER");
}

// ---- Headers ----------------------------------------------------------------------------------
TEST(Headers, LookupsIgnoreCaseNamesKeepIt) {
  Headers h;
  EXPECT_FALSE(h.Get("Content-Type"));
  EXPECT_FALSE(h.Has("content-type"));
  h.Add("Content-Type", "application/json");
  h.Add("X-Experience-API-Version", "1.0.3");
  EXPECT_EQ(h.Get("content-type"), "application/json");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(h.Get("x-experience-api-version"), "1.0.3");
  EXPECT_TRUE(h.Has("X-EXPERIENCE-API-VERSION"));
  EXPECT_FALSE(h.Get("Content-Typ"));
  EXPECT_FALSE(h.Get("Content-Type "));
  EXPECT_EQ(h.fields()[0].first, "Content-Type");
  EXPECT_EQ(h.fields()[1].first, "X-Experience-API-Version");
}

TEST(Headers, AddKeepsDuplicatesGetReturnsTheFirst) {
  Headers h;
  h.Add("Accept-Language", "en");
  h.Add("accept-language", "fr");
  EXPECT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.Get("Accept-Language"), "en");
}

TEST(Headers, SetReplacesEverySpelling) {
  Headers h;
  h.Add("ETag", "\"a\"");
  h.Add("Other", "x");
  h.Add("etag", "\"b\"");
  h.Set("ETAG", "\"c\"");
  ASSERT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.Get("etag"), "\"c\"");
  EXPECT_EQ(h.Get("Other"), "x");
  // The new field is named as Set was given it.
  EXPECT_EQ(h.fields().back().first, "ETAG");
  h.Set("New", "");
  EXPECT_TRUE(h.Has("new"));
  EXPECT_EQ(h.Get("new"), "");
}

TEST(Headers, RemoveEverySpelling) {
  Headers h;
  h.Add("A", "1");
  h.Add("b", "2");
  h.Add("a", "3");
  h.Remove("A");
  ASSERT_EQ(h.fields().size(), 1u);
  EXPECT_EQ(h.fields()[0].first, "b");
  h.Remove("missing");
  EXPECT_EQ(h.fields().size(), 1u);
  h.Remove("B");
  EXPECT_TRUE(h.fields().empty());
}

// ---- Request target ---------------------------------------------------------------------------
TEST(Request, PathAndQuery) {
  Request r;
  r.target = "/xapi/statements?limit=1&format=ids";
  EXPECT_EQ(r.Path(), "/xapi/statements");
  EXPECT_EQ(r.Query(), "limit=1&format=ids");
  r.target = "/xapi/about";
  EXPECT_EQ(r.Path(), "/xapi/about");
  EXPECT_EQ(r.Query(), "");
  r.target = "/x?";
  EXPECT_EQ(r.Path(), "/x");
  EXPECT_EQ(r.Query(), "");
  r.target = "/x?a=1?b=2";  // only the first '?' separates
  EXPECT_EQ(r.Path(), "/x");
  EXPECT_EQ(r.Query(), "a=1?b=2");
  r.target = "?only";
  EXPECT_EQ(r.Path(), "");
  EXPECT_EQ(r.Query(), "only");
  r.target = "";
  EXPECT_EQ(r.Path(), "");
  EXPECT_EQ(r.Query(), "");
}

// ---- Percent encoding -------------------------------------------------------------------------
TEST(Percent, Decode) {
  EXPECT_EQ(PercentDecode("plain"), "plain");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_EQ(PercentDecode("a+b"), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a%2Bb"), "a+b");
  EXPECT_EQ(PercentDecode("%7B%22mbox%22%3A%22mailto%3Aa%40b.c%22%7D"), R"({"mbox":"mailto:a@b.c"})");
  EXPECT_EQ(PercentDecode("%7b%7D"), "{}");  // either case
  EXPECT_EQ(PercentDecode("%C3%A9"), "\xc3\xa9");
  EXPECT_EQ(PercentDecode("%00"), "\0"s);
  EXPECT_EQ(PercentDecode("%25"), "%");
  EXPECT_EQ(PercentDecode("%2525"), "%25");  // decoded once only
  EXPECT_EQ(PercentDecode("100%25+sure"), "100% sure");
  EXPECT_EQ(PercentDecode("%41"), "A");
  EXPECT_EQ(PercentDecode("x%41"), "xA");
}

TEST(Percent, MalformedEscapes) {
  for (std::string_view bad : {"%"sv, "%4"sv, "a%"sv, "a%4"sv, "%G1"sv, "%1G"sv, "%%41"sv, "%-1"sv, "% 1"sv,
                               "%+1"sv, "abc%zz"sv, "%4%41"sv}) {
    EXPECT_FALSE(PercentDecode(bad)) << bad;
    EXPECT_FALSE(PercentDecode(bad, false)) << bad;
  }
}

TEST(Percent, EncodeRoundTrips) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b+c/d?e&f=g%"), "a%20b%2Bc%2Fd%3Fe%26f%3Dg%25");
  EXPECT_EQ(PercentEncode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(PercentEncode("\0"s), "%00");
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_EQ(PercentDecode(PercentEncode(bytes)), bytes);
    EXPECT_EQ(PercentDecode(PercentEncode(bytes), false), bytes);
  }
}

// ---- Forms and parameters ---------------------------------------------------------------------
TEST(Form, ParsesPairsInOrder) {
  auto p = ParseForm("verb=http%3A%2F%2Fv%2Fx&limit=10&format=ids&agent=%7B%7D");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0], (std::pair<std::string, std::string>{"verb", "http://v/x"}));
  EXPECT_EQ((*p)[1], (std::pair<std::string, std::string>{"limit", "10"}));
  EXPECT_EQ((*p)[2], (std::pair<std::string, std::string>{"format", "ids"}));
  EXPECT_EQ((*p)[3], (std::pair<std::string, std::string>{"agent", "{}"}));
}

TEST(Form, EdgeShapes) {
  auto p = ParseForm("");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->empty());
  p = ParseForm("&&a=1&&");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].first, "a");
  p = ParseForm("flag&empty=&=value&a=b=c");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*p)[1], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ((*p)[2], (std::pair<std::string, std::string>{"", "value"}));
  EXPECT_EQ((*p)[3], (std::pair<std::string, std::string>{"a", "b=c"}));  // first '=' splits
  p = ParseForm("a+b=c+d&e%26f=g%3Dh");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)[0], (std::pair<std::string, std::string>{"a b", "c d"}));
  EXPECT_EQ((*p)[1], (std::pair<std::string, std::string>{"e&f", "g=h"}));
  // Repeated names are kept, in order.
  p = ParseForm("x=1&x=2");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[1].second, "2");
}

TEST(Form, MalformedEscapeRejectsTheWholeForm) {
  EXPECT_FALSE(ParseForm("a=1&b=%zz"));
  EXPECT_FALSE(ParseForm("a%=1"));
  EXPECT_FALSE(ParseForm("a=%"));
}

TEST(Form, FindParamIsCaseSensitiveAndTakesTheFirst) {
  auto p = ParseForm("Verb=upper&verb=lower&verb=second&empty=");
  ASSERT_TRUE(p);
  EXPECT_EQ(FindParam(*p, "verb"), "lower");
  EXPECT_EQ(FindParam(*p, "Verb"), "upper");
  EXPECT_FALSE(FindParam(*p, "VERB"));
  EXPECT_FALSE(FindParam(*p, "ver"));
  EXPECT_EQ(FindParam(*p, "empty"), "");
  EXPECT_FALSE(FindParam({}, "verb"));
}

// ---- Media types ------------------------------------------------------------------------------
TEST(MediaType, TypeOf) {
  EXPECT_EQ(MediaTypeOf("application/json"), "application/json");
  EXPECT_EQ(MediaTypeOf("Application/JSON; charset=UTF-8"), "application/json");
  EXPECT_EQ(MediaTypeOf("  multipart/mixed ;boundary=abc"), "multipart/mixed");
  EXPECT_EQ(MediaTypeOf("\ttext/plain\t"), "text/plain");
  EXPECT_EQ(MediaTypeOf(""), "");
  EXPECT_EQ(MediaTypeOf(";charset=utf-8"), "");
}

TEST(MediaType, Params) {
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary=abc123", "boundary"), "abc123");
  EXPECT_EQ(MediaTypeParam("multipart/mixed;boundary=abc123", "boundary"), "abc123");
  EXPECT_EQ(MediaTypeParam("multipart/mixed; BOUNDARY=abc123", "boundary"), "abc123");  // names ignore case
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary=abc123", "Boundary"), "abc123");
  EXPECT_EQ(MediaTypeParam("multipart/mixed; Boundary=AbC", "boundary"), "AbC");  // values keep it
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary=\"a b:c\"", "boundary"), "a b:c");
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary = abc ; charset=utf-8", "boundary"), "abc");
  EXPECT_EQ(MediaTypeParam("text/plain; charset=utf-8; format=flowed", "format"), "flowed");
  EXPECT_EQ(MediaTypeParam("text/plain; charset=utf-8; format=flowed", "charset"), "utf-8");
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary=\"\"", "boundary"), "");
  EXPECT_EQ(MediaTypeParam("multipart/mixed; boundary=\"---=_x\"", "boundary"), "---=_x");
  EXPECT_FALSE(MediaTypeParam("multipart/mixed", "boundary"));
  EXPECT_FALSE(MediaTypeParam("multipart/mixed;", "boundary"));
  EXPECT_FALSE(MediaTypeParam("multipart/mixed; boundary", "boundary"));
  EXPECT_FALSE(MediaTypeParam("multipart/mixed; xboundary=1", "boundary"));
  EXPECT_FALSE(MediaTypeParam("multipart/mixed; boundaryx=1", "boundary"));
  EXPECT_FALSE(MediaTypeParam("", "boundary"));
  // The first occurrence wins.
  EXPECT_EQ(MediaTypeParam("a/b; p=1; p=2", "p"), "1");
}

TEST(MediaType, QuotedValuesMayHoldSeparators) {
  // RFC 7231 quoted-string: ';' inside quotes does not end the parameter, and a backslash
  // escapes the next character.
  EXPECT_EQ(MediaTypeParam(R"(text/plain; title="a;b"; charset=utf-8)", "title"), "a;b");
  EXPECT_EQ(MediaTypeParam(R"(text/plain; title="a;b"; charset=utf-8)", "charset"), "utf-8");
  EXPECT_EQ(MediaTypeParam(R"(text/plain; title="say \"hi\""; charset=utf-8)", "title"), R"(say "hi")");
  EXPECT_EQ(MediaTypeParam(R"(text/plain; title="x; charset=evil"; charset=utf-8)", "charset"), "utf-8");
  EXPECT_EQ(MediaTypeParam(R"(text/plain; title="a\\b")", "title"), R"(a\b)");
}

TEST(MediaType, ArbitraryInputNeverCrashes) {
  // Run under ASan/UBSan: every combination of the characters that drive the parser.
  std::mt19937 rng(9);
  const std::string alphabet = "ab=; \t\"\\/B";
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 24, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    auto v = MediaTypeParam(text, "b");
    if (v) {
      EXPECT_LE(v->size(), text.size());
    }
    (void)MediaTypeOf(text);
  }
}

// ---- Responses --------------------------------------------------------------------------------
TEST(Response, ErrorBodyShape) {
  Response r = ErrorResponse(Error::BadRequest("statement[3].actor.mbox", "XAPI-00038", "must be a mailto IRI"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("content-type"), "application/json");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d.MemberCount(), 1u);
  const auto& e = d["error"];
  ASSERT_TRUE(e.IsObject());
  EXPECT_EQ(e["code"].GetInt(), 400);
  EXPECT_STREQ(e["message"].GetString(), "statement[3].actor.mbox: must be a mailto IRI (XAPI-00038)");
  EXPECT_STREQ(e["path"].GetString(), "statement[3].actor.mbox");
  EXPECT_STREQ(e["rule"].GetString(), "XAPI-00038");
  EXPECT_EQ(e.MemberCount(), 4u);
}

TEST(Response, ErrorWithoutPathOrRule) {
  for (const Error& err : {Error::Unauthorized("authentication required"), Error::NotFound("no such statement"),
                           Error::Conflict("exists"), Error::Unavailable("busy"), Error::TooLarge("big")}) {
    Response r = ErrorResponse(err);
    EXPECT_EQ(r.status, err.status);
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    ASSERT_FALSE(d.HasParseError()) << r.body;
    EXPECT_EQ(d["error"]["code"].GetInt(), err.status);
    EXPECT_EQ(std::string(d["error"]["message"].GetString()), err.message);
    EXPECT_FALSE(d["error"].HasMember("path"));
    EXPECT_FALSE(d["error"].HasMember("rule"));
  }
}

TEST(Response, ErrorMessagesAreEscaped) {
  std::string message = "bad \"value\"\n\\ with \x01 control and \xc3\xa9";
  Response r = ErrorResponse(Error::BadRequest("param \"x\"", "", message));
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(std::string(d["error"]["message"].GetString()), "param \"x\": " + message);
  EXPECT_STREQ(d["error"]["path"].GetString(), "param \"x\"");
  EXPECT_EQ(r.body.find('\n'), std::string::npos);
}

TEST(Response, JsonAndEmpty) {
  Response j = JsonResponse(201, "[]");
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.body, "[]");
  EXPECT_EQ(j.headers.Get("Content-Type"), "application/json");
  EXPECT_FALSE(j.head_only);
  Response e = EmptyResponse(204);
  EXPECT_EQ(e.status, 204);
  EXPECT_TRUE(e.body.empty());
  EXPECT_TRUE(e.headers.fields().empty());
}

}  // namespace
}  // namespace lrsd::http
