// multipart/mixed parsing and building (src/http/multipart.cpp): the body shapes the ADL
// conformance suite and real clients send, the malformed ones an LRS must reject, and a
// fuzz-style robustness check (run under ASan/UBSan with -DLRSD_SANITIZE=ON).
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/http.h"

namespace lrsd::http {
namespace {

using namespace std::string_literals;

constexpr std::string_view kSuiteBoundary = "-------314159265358979323846";

std::string Header(const Part& part, std::string_view name) {
  auto v = part.headers.Get(name);
  return v ? std::string(*v) : std::string("<absent>");
}

// A part's body must be a view into the parsed input, not a copy.
bool ViewsInto(std::string_view inner, std::string_view outer) {
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

// The shape of the suite's hand-built bodies (H.Communication1.5, 4.1.3-Content-Types): CRLF
// everywhere, "Name: value" headers, a CRLF after the closing delimiter.
TEST(Multipart, ParsesSuiteStatementWithAttachment) {
  std::string b(kSuiteBoundary);
  std::string body = "--" + b + "\r\n" +
                     "Content-Type: application/json\r\n\r\n" +
                     R"({"id":"x"})" "\r\n" +
                     "--" + b + "\r\n" +
                     "Content-Type: text/plain\r\n" +
                     "Content-Transfer-Encoding: binary\r\n" +
                     "X-Experience-API-Hash: abc123\r\n\r\n" +
                     "here is a simple attachment" "\r\n" +
                     "--" + b + "--" "\r\n";
  auto parts = ParseMultipart(body, b);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(Header((*parts)[0], "content-type"), "application/json");
  EXPECT_EQ((*parts)[0].body, R"({"id":"x"})");
  EXPECT_EQ(Header((*parts)[1], "Content-Type"), "text/plain");
  EXPECT_EQ(Header((*parts)[1], "Content-Transfer-Encoding"), "binary");
  EXPECT_EQ(Header((*parts)[1], "X-Experience-API-Hash"), "abc123");
  EXPECT_EQ((*parts)[1].body, "here is a simple attachment");
  EXPECT_EQ((*parts)[1].headers.fields().size(), 3u);
  for (const auto& p : *parts) EXPECT_TRUE(ViewsInto(p.body, body));
}

// The shape of the suite's helper.signStatement (signed statements, both versions): the body
// starts with CRLF before the first boundary, headers have no space after the colon, and the
// closing delimiter ends the body with no line break. Its boundaries start with dashes.
TEST(Multipart, ParsesSuiteSignedStatementShape) {
  for (std::string b : {"-------------2718281828", "-------------__0d9f4c8e-49a2-4a8b-9e3e-5a7d1c2b3f40__123__456"}) {
    std::string jws = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln";
    std::string body = "\r\n--" + b + "\r\nContent-Type:application/json\r\n\r\n" +
                       R"({"verb":{"id":"http://x"}})" +
                       "\r\n--" + b + "\r\nContent-Type:application/octet-stream\r\n"
                       "Content-Transfer-Encoding:binary\r\nX-Experience-API-Hash:deadbeef\r\n\r\n" +
                       jws + "\r\n--" + b + "--";
    auto parts = ParseMultipart(body, b);
    ASSERT_TRUE(parts.ok()) << parts.error().ToString();
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ(Header((*parts)[0], "Content-Type"), "application/json");
    EXPECT_EQ((*parts)[0].body, R"({"verb":{"id":"http://x"}})");
    EXPECT_EQ(Header((*parts)[1], "content-type"), "application/octet-stream");
    EXPECT_EQ(Header((*parts)[1], "x-experience-api-hash"), "deadbeef");
    EXPECT_EQ((*parts)[1].body, jws);
  }
}

// The example in xAPI Communication 1.5.2: a boundary with every permitted special character.
TEST(Multipart, ParsesSpecExampleBoundary) {
  std::string b = "abcABC0123'()+_,-./:=?";
  std::string body = "--" + b + "\r\nContent-Type:application/json\r\n\r\n{}\r\n--" + b +
                     "\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n"
                     "X-Experience-API-Hash:495395e7\r\n\r\nhere is a simple attachment\r\n--" +
                     b + "--";
  auto parts = ParseMultipart(body, b);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[1].body, "here is a simple attachment");
}

TEST(Multipart, AcceptsBareLfLineEndings) {
  std::string body =
      "--b\nContent-Type: application/json\n\n{\"a\":1}\n--b\nContent-Type: text/plain\n"
      "X-Experience-API-Hash: h\n\nline one\nline two\n--b--\n";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "{\"a\":1}");
  EXPECT_EQ((*parts)[1].body, "line one\nline two");
  EXPECT_EQ(Header((*parts)[1], "X-Experience-API-Hash"), "h");
}

TEST(Multipart, AcceptsMixedLineEndings) {
  std::string body = "--b\r\nContent-Type: application/json\n\r\n{}\n--b\nA: 1\r\n\nx\r\n--b--";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "{}");
  EXPECT_EQ((*parts)[1].body, "x");
}

TEST(Multipart, IgnoresPreambleEpilogueAndTransportPadding) {
  std::string body = "This is the preamble.\r\nIt is ignored.\r\n"
         "--b \t \r\nContent-Type: application/json\r\n\r\n[]\r\n"
         "--b\t\r\nX: y\r\n\r\nabc\r\n"
         "--b--   \r\nThis is the epilogue.\r\n--b\r\nnot a part\r\n";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].body, "[]");
  EXPECT_EQ((*parts)[1].body, "abc");
}

// "Content-Type" with no space, with extra spaces, whitespace before the colon, folded lines.
TEST(Multipart, ParsesHeaderVariants) {
  std::string body =
      "--b\r\n"
      "Content-Type:application/json\r\n"
      "X-One:    spaced value   \r\n"
      "X-Two : before colon\r\n"
      "X-Folded: first\r\n"
      "  second\r\n"
      "\tthird\r\n"
      "X-Empty:\r\n"
      "X-Colons: a:b:c\r\n"
      "\r\n"
      "body\r\n--b--";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  const Part& p = (*parts)[0];
  EXPECT_EQ(Header(p, "content-type"), "application/json");
  EXPECT_EQ(Header(p, "x-one"), "spaced value");
  EXPECT_EQ(Header(p, "X-Two"), "before colon");
  EXPECT_EQ(Header(p, "X-Folded"), "first second third");
  EXPECT_EQ(Header(p, "X-Empty"), "");
  EXPECT_EQ(Header(p, "X-Colons"), "a:b:c");
  ASSERT_EQ(p.headers.fields().size(), 6u);
  EXPECT_EQ(p.headers.fields()[0].first, "Content-Type");  // names keep their case
}

TEST(Multipart, KeepsBinaryContentAndBoundaryLookalikes) {
  std::string binary = "\0\x01\xff\r\n--\r\n--bb\r\n--b-\r\n --b\r\n--bX--\r\n\r\n\r"s;
  std::string body = "--b\r\nContent-Type: application/octet-stream\r\n\r\n" + binary +
                     "\r\n--b--\r\n";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, binary);
  EXPECT_TRUE(ViewsInto((*parts)[0].body, body));
}

TEST(Multipart, BodyKeepsItsOwnTrailingLineBreaks) {
  // Only the line break right before the delimiter belongs to the delimiter.
  auto parts = ParseMultipart("--b\r\n\r\nline\r\n\r\n\r\n--b--", "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  EXPECT_EQ((*parts)[0].body, "line\r\n\r\n");
}

TEST(Multipart, EmptyBodiesAndHeaderlessParts) {
  // Headers then the delimiter: the headers' last CRLF doubles as the delimiter's.
  auto a = ParseMultipart("--b\r\nContent-Type: text/plain\r\n\r\n--b--", "b");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ(Header((*a)[0], "Content-Type"), "text/plain");
  EXPECT_EQ((*a)[0].body, "");

  // No headers at all: a blank line, then content.
  auto b = ParseMultipart("--b\r\n\r\nhello\r\n--b--\r\n", "b");
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_TRUE((*b)[0].headers.fields().empty());
  EXPECT_EQ((*b)[0].body, "hello");

  // Entirely empty part (RFC 2046 allows a body part with no headers and no content).
  auto c = ParseMultipart("--b\r\n\r\n--b--", "b");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].body, "");
}

TEST(Multipart, ManyParts) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "--q\r\nN: " + std::to_string(i) + "\r\n\r\n" + std::string(i, 'x') + "\r\n";
  body += "--q--";
  auto parts = ParseMultipart(body, "q");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Header((*parts)[i], "N"), std::to_string(i));
    EXPECT_EQ((*parts)[i].body, std::string(i, 'x'));
  }
}

// ---- What the suite sends that must end in a 400 further up -------------------------------------

// XAPI-00131 "boundary not provided in body": the statement comes before the first boundary, so
// it is preamble; the first part is the text/plain attachment (the resource rejects that).
TEST(Multipart, SuiteStatementInPreambleLeavesAttachmentFirst) {
  std::string b(kSuiteBoundary);
  std::string body = "Content-Type: application/json\r\n\r\n{}\r\n--" + b +
                     "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
                     "X-Experience-API-Hash: h\r\n\r\nsome text\r\n--" + b + "--\r\n";
  auto parts = ParseMultipart(body, b);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ(Header((*parts)[0], "Content-Type"), "text/plain");
}

// XAPI-00130 "no boundary before each Content-Type": the attachment's header lines become part
// of the statement part's content (which is then not JSON).
TEST(Multipart, SuiteMissingInnerBoundaryMergesParts) {
  std::string b(kSuiteBoundary);
  std::string body = "--" + b + "\r\nContent-Type: application/json\r\n\r\n{}\r\n"
                     "Content-Type: text/plain\r\nX-Experience-API-Hash: h\r\n\r\nsome text\r\n--" +
                     b + "--\r\n";
  auto parts = ParseMultipart(body, b);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "{}\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: h\r\n\r\nsome text");
}

// ---- Malformed bodies ----------------------------------------------------------------------------

void ExpectRejected(std::string_view body, std::string_view boundary, std::string_view path,
                    std::string_view message_part) {
  auto parts = ParseMultipart(body, boundary);
  ASSERT_FALSE(parts.ok()) << "accepted: " << body;
  EXPECT_EQ(parts.error().status, 400);
  EXPECT_EQ(parts.error().path, path);
  EXPECT_NE(parts.error().message.find(message_part), std::string::npos) << parts.error().message;
}

TEST(Multipart, RejectsBodyWithoutOpeningBoundary) {
  ExpectRejected("", "b", "multipart", "no opening boundary");
  ExpectRejected("{\"actor\":{}}", "b", "multipart", "no opening boundary");
  ExpectRejected("--c\r\n\r\nx\r\n--c--", "b", "multipart", "'--b'");
  // A different boundary that merely starts with ours is not ours.
  ExpectRejected("--bc\r\n\r\nx\r\n--bc--", "b", "multipart", "no opening boundary");
  // The boundary must start a line.
  ExpectRejected("x--b\r\n\r\nx\r\n", "b", "multipart", "no opening boundary");
}

TEST(Multipart, RejectsEmptyBoundary) { ExpectRejected("--\r\n\r\nx\r\n----", "", "multipart", "empty"); }

TEST(Multipart, RejectsBodyWithNoParts) {
  ExpectRejected("--b--\r\n", "b", "multipart", "no parts");
}

TEST(Multipart, RejectsMissingClosingDelimiter) {
  ExpectRejected("--b\r\nContent-Type: application/json\r\n\r\n{}", "b", "multipart part 1",
                 "no closing delimiter");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b\r\nB: 2\r\n\r\nxyz\r\n", "b", "multipart part 2",
                 "no closing delimiter");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b\r\n", "b", "multipart part 2", "no closing delimiter");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b", "b", "multipart part 2", "no closing delimiter");
  ExpectRejected("--b", "b", "multipart part 1", "no closing delimiter");
  // "--b--x" is not a closing delimiter line.
  ExpectRejected("--b\r\n\r\n{}\r\n--b--x", "b", "multipart part 1", "no closing delimiter");
}

TEST(Multipart, RejectsPartWithoutBlankLineAfterHeaders) {
  ExpectRejected("--b\r\nContent-Type: application/json\r\n{}\r\n--b--", "b", "multipart part 1",
                 "no blank line ending its headers (after header 'Content-Type')");
  ExpectRejected("--b\r\nContent-Type: application/json\r\n--b--", "b", "multipart part 1",
                 "no blank line");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b\r\nX-Experience-API-Hash: h\r\n--b--", "b",
                 "multipart part 2", "no blank line");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b\r\n--b--", "b", "multipart part 2", "no blank line");
  ExpectRejected("--b\n--b--", "b", "multipart part 1", "no blank line");
  // A header block followed by content lines without the blank line in between.
  ExpectRejected("--b\r\nContent-Type: application/json\r\n{}\r\nmore\r\n--b--", "b",
                 "multipart part 1", "malformed header line");
}

TEST(Multipart, RejectsMalformedHeaderLines) {
  ExpectRejected("--b\r\nno colon here\r\n\r\nx\r\n--b--", "b", "multipart part 1", "no ':'");
  ExpectRejected("--b\r\n: no name\r\n\r\nx\r\n--b--", "b", "multipart part 1", "bad field name");
  ExpectRejected("--b\r\nBad Name: v\r\n\r\nx\r\n--b--", "b", "multipart part 1", "bad field name");
  ExpectRejected("--b\r\n folded first\r\n\r\nx\r\n--b--", "b", "multipart part 1", "whitespace");
  ExpectRejected("--b\r\nA: v\0w\r\n\r\nx\r\n--b--"s, "b", "multipart part 1",
                 "control character");
  ExpectRejected("--b\r\nA: v\rw\r\n\r\nx\r\n--b--", "b", "multipart part 1", "control character");
  ExpectRejected("--b\r\nA: 1\r\n\r\n{}\r\n--b\r\nB=2\r\n\r\nx\r\n--b--", "b", "multipart part 2",
                 "'B=2'");
}

// ---- Building -----------------------------------------------------------------------------------

TEST(Multipart, BuildsCrlfBody) {
  Headers h1;
  h1.Add("Content-Type", "application/json");
  Headers h2;
  h2.Add("Content-Type", "text/plain");
  h2.Add("Content-Transfer-Encoding", "binary");
  h2.Add("X-Experience-API-Hash", "abc");
  std::string body = BuildMultipart({{h1, "{}"}, {h2, "text"}}, "xyz");
  EXPECT_EQ(body,
            "--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n"
            "--xyz\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            "X-Experience-API-Hash: abc\r\n\r\ntext\r\n"
            "--xyz--\r\n");
}

TEST(Multipart, BuildNeutralisesLineBreaksInHeaders) {
  Headers h;
  h.Add("X-A", "one\r\nInjected: yes");
  std::string body = BuildMultipart({{h, "x"}}, "b");
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  EXPECT_FALSE((*parts)[0].headers.Has("Injected"));
  EXPECT_EQ(Header((*parts)[0], "X-A"), "one  Injected: yes");
}

TEST(Multipart, BuildThenParseRoundTrips) {
  std::mt19937 rng(7);
  std::vector<std::string> bodies = {"", "{}", "\0\r\n--\r\n"s, "\r\n", "--b-", "x\r"};
  for (int i = 0; i < 20; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 300);
    for (int j = 0; j < n; ++j) s += static_cast<char>(rng() & 0xFF);
    bodies.push_back(s);
  }
  const std::string boundary = "lrsd-3f2a9c4e8b1d7a60";
  std::vector<std::pair<Headers, std::string_view>> in;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    Headers h;
    h.Add("X-Index", std::to_string(i));
    in.emplace_back(h, bodies[i]);
  }
  std::string built = BuildMultipart(in, boundary);
  auto parts = ParseMultipart(built, boundary);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), bodies.size());
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(Header((*parts)[i], "X-Index"), std::to_string(i));
    EXPECT_EQ((*parts)[i].body, bodies[i]) << i;
  }
}

// ---- Robustness ---------------------------------------------------------------------------------

bool CheckResult(std::string_view body, std::string_view boundary) {
  auto parts = ParseMultipart(body, boundary);
  if (parts.ok()) {
    EXPECT_FALSE(parts->empty());
    for (const auto& p : *parts) EXPECT_TRUE(ViewsInto(p.body, body));
    return true;
  } else {
    EXPECT_EQ(parts.error().status, 400);
    EXPECT_FALSE(parts.error().message.empty());
    EXPECT_EQ(parts.error().path.rfind("multipart", 0), 0u) << parts.error().path;
    return false;
  }
}

// Every truncation of valid bodies (CRLF and LF), parsed from a buffer of exactly that size so
// that ASan catches any read past the end.
TEST(Multipart, FuzzTruncations) {
  std::string b(kSuiteBoundary);
  std::string crlf = "\r\n--" + b + "\r\nContent-Type:application/json\r\n\r\n{\"a\":[1,2]}\r\n--" + b +
                     " \r\nContent-Type: text/plain\r\nX-Experience-API-Hash: h\r\n folded\r\n\r\n"
                     "--" + b + "x\r\n\r\n--" + b + "--  \r\nepilogue";
  std::string lf = "--q\nA: 1\n\nx\n--q\nB: 2\n\n\n--q--";
  for (const auto& [full, boundary] : {std::pair{crlf, b}, std::pair{lf, std::string("q")}}) {
    ASSERT_TRUE(ParseMultipart(full, boundary).ok());
    for (std::size_t n = 0; n <= full.size(); ++n) {
      std::vector<char> exact(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      CheckResult(std::string_view(exact.data(), exact.size()), boundary);
      // And every suffix.
      std::vector<char> tail(full.begin() + static_cast<std::ptrdiff_t>(n), full.end());
      CheckResult(std::string_view(tail.data(), tail.size()), boundary);
    }
  }
}

// Random bodies over an alphabet dense in the bytes the parser cares about, and random
// mutations of a valid body.
TEST(Multipart, FuzzRandomInputs) {
  std::mt19937 rng(20240611);
  const std::string alphabet = "-\r\n \t:bq\0\xff" "A"s;
  const std::vector<std::string> pieces = {"--b", "--b--", "\r\n", "\n", ":", " ", "X: y", "\r\n\r\n", "\t", "b"};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    int n = static_cast<int>(rng() % 64);
    for (int i = 0; i < n; ++i) {
      if (rng() % 3 == 0) s += pieces[rng() % pieces.size()];
      else s += alphabet[rng() % alphabet.size()];
    }
    std::vector<char> exact(s.begin(), s.end());
    CheckResult(std::string_view(exact.data(), exact.size()), round % 2 ? "b" : "b-");
  }
  const std::string valid = "--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b\r\nA: 1\r\n\r\nxyz\r\n--b--\r\n";
  int accepted = 0;
  const int rounds = 20000;
  for (int round = 0; round < rounds; ++round) {
    std::string s = valid;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: if (pos < s.size()) s.erase(pos, 1 + rng() % 3); break;
        case 1: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: if (pos < s.size()) s[pos] = static_cast<char>(rng() & 0xFF); break;
      }
    }
    std::vector<char> exact(s.begin(), s.end());
    accepted += CheckResult(std::string_view(exact.data(), exact.size()), "b");
  }
  // Both outcomes are exercised.
  EXPECT_GT(accepted, rounds / 10);
  EXPECT_LT(accepted, rounds - rounds / 10);
}

TEST(Multipart, LargeAttachmentIsParsedWithoutCopying) {
  std::string big(8 << 20, 'a');
  for (std::size_t i = 0; i < big.size(); i += 997) big[i] = '\n';  // many line starts
  std::string body = "--" + std::string(kSuiteBoundary) + "\r\nContent-Type: application/json\r\n\r\n{}\r\n--" +
                     std::string(kSuiteBoundary) + "\r\nA: 1\r\n\r\n" + big + "\r\n--" +
                     std::string(kSuiteBoundary) + "--";
  auto parts = ParseMultipart(body, kSuiteBoundary);
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[1].body.size(), big.size());
  EXPECT_TRUE(ViewsInto((*parts)[1].body, body));
}

// A boundary and a body chosen to make naive or Horspool searching quadratic.
TEST(Multipart, AdversarialBoundaryStaysLinear) {
  std::string boundary(2000, 'a');
  std::string body = "--" + boundary + "\r\n\r\n" + std::string(4 << 20, 'a') + "\n--" +
                     std::string(1999, 'a') + "\r\n--" + boundary + "--";
  auto start = std::chrono::steady_clock::now();
  auto parts = ParseMultipart(body, boundary);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(parts.ok()) << parts.error().ToString();
  EXPECT_EQ((*parts)[0].body.size(), (4u << 20) + 3 + 1999);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

}  // namespace
}  // namespace lrsd::http
