#include "resources/document_rules.h"

#include <gtest/gtest.h>

namespace lrsd::resources::docs {
namespace {

Document Existing(std::string body = R"({"a":1})") {
  Document d;
  d.content_type = "application/json";
  d.body = std::move(body);
  d.etag = Sha1Hex(d.body);
  d.updated = 1234567;
  return d;
}

TEST(DocumentEncoding, RoundTripsByteExact) {
  Document d;
  d.content_type = "application/octet-stream";
  d.body = std::string("\0\x01\xff binary", 10);
  d.etag = Sha1Hex(d.body);
  d.updated = 1790000000123456;
  auto back = Decode(Encode(d));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->content_type, d.content_type);
  EXPECT_EQ(back->body, d.body);
  EXPECT_EQ(back->etag, d.etag);
  EXPECT_EQ(back->updated, d.updated);
}

TEST(DocumentEncoding, RejectsGarbage) {
  EXPECT_FALSE(Decode("").has_value());
  EXPECT_FALSE(Decode("\x02whatever-else-here").has_value());
  std::string truncated = Encode(Existing());
  EXPECT_FALSE(Decode(truncated.substr(0, 12)).has_value());
}

TEST(DocumentKeys, ComponentsArePrefixSafe) {
  // ("ab", "c") and ("a", "bc") must not share a prefix relation.
  std::string k1, k2;
  AppendComponent(k1, "ab");
  AppendComponent(k1, "c");
  AppendComponent(k2, "a");
  AppendComponent(k2, "bc");
  EXPECT_NE(k1, k2);
  std::string prefix;
  AppendComponent(prefix, "a");
  EXPECT_FALSE(k1.starts_with(prefix));
  EXPECT_TRUE(k2.starts_with(prefix));
}

TEST(Etags, ListsMatchQuotedBareAndStar) {
  for (auto c : {EtagComparison::kStrong, EtagComparison::kWeak}) {
    EXPECT_TRUE(ListsEtag("\"abc\"", "abc", c));
    EXPECT_TRUE(ListsEtag("abc", "abc", c));
    EXPECT_TRUE(ListsEtag("\"x\", \"abc\"", "abc", c));
    EXPECT_TRUE(ListsEtag("*", "abc", c));
    EXPECT_FALSE(ListsEtag("\"abd\"", "abc", c));
    EXPECT_FALSE(ListsEtag("", "abc", c));
    EXPECT_FALSE(ListsEtag("\"\"", "", c));
  }
}

TEST(Etags, WeakTagsMatchOnlyUnderWeakComparison) {
  EXPECT_TRUE(ListsEtag("W/\"abc\"", "abc", EtagComparison::kWeak));
  EXPECT_FALSE(ListsEtag("W/\"abc\"", "abc", EtagComparison::kStrong));
  EXPECT_TRUE(ListsEtag("W/\"abc\", \"abc\"", "abc", EtagComparison::kStrong));
}

TEST(Preconditions, IfMatch) {
  auto current = Existing();
  const std::string quoted = "\"" + current.etag + "\"";
  Preconditions right;
  right.if_match = quoted;
  EXPECT_TRUE(CheckPreconditions(right, current, PutRule::kConflictIfExists, "state").ok());
  Preconditions wrong{std::string_view("\"0000\""), std::nullopt};
  auto st = CheckPreconditions(wrong, current, PutRule::kNone, "state");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().status, 412);
  // If-Match on a missing document fails too (RFC 7232 3.1).
  EXPECT_EQ(CheckPreconditions(right, std::nullopt, PutRule::kNone, "state").error().status, 412);
  Preconditions star{std::string_view("*"), std::nullopt};
  EXPECT_EQ(CheckPreconditions(star, std::nullopt, PutRule::kNone, "state").error().status, 412);
  EXPECT_TRUE(CheckPreconditions(star, current, PutRule::kNone, "state").ok());
  const std::string weak = "W/" + quoted;
  Preconditions weak_match;
  weak_match.if_match = weak;
  EXPECT_EQ(CheckPreconditions(weak_match, current, PutRule::kNone, "state").error().status, 412);
}

TEST(Preconditions, IfNoneMatch) {
  auto current = Existing();
  Preconditions star{std::nullopt, std::string_view("*")};
  EXPECT_EQ(CheckPreconditions(star, current, PutRule::kConflictIfExists, "profile").error().status, 412);
  EXPECT_TRUE(CheckPreconditions(star, std::nullopt, PutRule::kRequireHeader, "profile").ok());
  std::string quoted = "\"" + current.etag + "\"";
  Preconditions same{std::nullopt, std::string_view(quoted)};
  EXPECT_EQ(CheckPreconditions(same, current, PutRule::kNone, "profile").error().status, 412);
  Preconditions other{std::nullopt, std::string_view("\"other\"")};
  EXPECT_TRUE(CheckPreconditions(other, current, PutRule::kConflictIfExists, "profile").ok());
}

TEST(Preconditions, UnconditionalPutRules) {
  auto current = Existing();
  Preconditions none;
  EXPECT_TRUE(CheckPreconditions(none, current, PutRule::kNone, "state").ok());
  EXPECT_TRUE(CheckPreconditions(none, std::nullopt, PutRule::kConflictIfExists, "state").ok());
  auto conflict = CheckPreconditions(none, current, PutRule::kConflictIfExists, "state");
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().status, 409);
  EXPECT_NE(conflict.error().message.find("If-Match"), std::string::npos);
  auto required = CheckPreconditions(none, std::nullopt, PutRule::kRequireHeader, "agent profile");
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.error().status, 400);
  EXPECT_EQ(CheckPreconditions(none, current, PutRule::kRequireHeader, "agent profile").error().status, 409);
}

TEST(Merge, ReplacesTopLevelPropertiesOnly) {
  xapi::JsonDocument incoming;
  incoming.Parse(R"({"car":{"make":"Dodge"},"driver":"Jeff"})");
  auto merged = MergeJsonObjects(R"({"car":{"make":"Ford","model":"Escape"},"driver":"Dale","series":{"a":1}})",
                                 incoming);
  ASSERT_TRUE(merged.ok());
  xapi::JsonDocument out;
  out.Parse(merged->c_str());
  EXPECT_EQ(xapi::ToJson(out["car"]), R"({"make":"Dodge"})");  // whole object replaced
  EXPECT_STREQ(out["driver"].GetString(), "Jeff");
  EXPECT_EQ(xapi::ToJson(out["series"]), R"({"a":1})");
}

TEST(Merge, RejectsNonObjects) {
  xapi::JsonDocument incoming;
  incoming.Parse(R"({"a":1})");
  EXPECT_EQ(MergeJsonObjects("[1,2]", incoming).error().status, 400);
  EXPECT_EQ(MergeJsonObjects("not json", incoming).error().status, 400);
  xapi::JsonDocument array;
  array.Parse("[1]");
  EXPECT_EQ(MergeJsonObjects(R"({"a":1})", array).error().status, 400);
}

}  // namespace
}  // namespace lrsd::resources::docs
