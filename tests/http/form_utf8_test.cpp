// Query strings and form bodies are UTF-8 text: ParseForm refuses decoded names or values that
// are not well-formed UTF-8 (RFC 3629), so no resource stores or echoes such bytes.
#include <gtest/gtest.h>

#include "lrsd/http.h"

namespace lrsd::http {
namespace {

TEST(ParseFormUtf8, AcceptsWellFormedText) {
  for (std::string_view ok : {"a=%C3%A9", "a=%E2%82%AC", "a=%F0%9F%98%80", "%C3%A9=x", "a=%EF%BF%BD", "a=%F4%8F%BF%BF",
                              "a=%ED%9F%BF", "a=%7F", "a=caf%C3%A9&b=%E4%B8%AD%E6%96%87"}) {
    EXPECT_TRUE(ParseForm(ok)) << ok;
  }
}

TEST(ParseFormUtf8, RefusesMalformedUtf8) {
  for (std::string_view bad : {
           "a=%FF",               // never valid
           "a=%FE%FF",            // a UTF-16 BOM
           "a=%C3",               // truncated two-byte sequence
           "a=%E2%82",            // truncated three-byte sequence
           "a=%F0%9F%98",         // truncated four-byte sequence
           "a=%80",               // a lone continuation byte
           "a=%C0%AF",            // overlong '/'
           "a=%C1%BF",            // overlong
           "a=%E0%80%AF",         // overlong three-byte '/'
           "a=%F0%80%80%AF",      // overlong four-byte '/'
           "a=%ED%A0%80",         // a UTF-16 surrogate (U+D800)
           "a=%ED%BF%BF",         // U+DFFF
           "a=%F4%90%80%80",      // above U+10FFFF
           "a=%F5%80%80%80",      // lead byte out of range
           "a=%C3%28",            // a continuation that is not one
           "%FF=x",               // in a name
           "a=ok&b=%E9t%E9",      // Latin-1 in a later pair
       }) {
    EXPECT_FALSE(ParseForm(bad)) << bad;
  }
  // Raw (unescaped) bytes are held to the same rule.
  EXPECT_FALSE(ParseForm(std::string_view("a=\xff", 3)));
  EXPECT_TRUE(ParseForm("a=\xc3\xa9"));
}

}  // namespace
}  // namespace lrsd::http
