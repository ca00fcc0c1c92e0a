// Versions and value formats (include/lrsd/xapi.h, "Versions" and "Value formats").
//
// Every checker here is hand-written: they run on every value of every statement, so no
// std::regex, no allocation, and a single left-to-right pass over the text.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lrsd/xapi.h"

namespace lrsd::xapi {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
constexpr bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllHex(std::string_view s) {
  for (char c : s)
    if (!IsHex(c)) return false;
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

// "1.0" / "1.0.<digits>" style: `major_minor` followed by nothing or "." and one or more digits.
bool IsVersionFamily(std::string_view text, std::string_view major_minor) {
  if (text.substr(0, major_minor.size()) != major_minor) return false;
  std::string_view rest = text.substr(major_minor.size());
  if (rest.empty()) return true;
  if (rest[0] != '.' || rest.size() < 2) return false;
  for (char c : rest.substr(1))
    if (!IsDigit(c)) return false;
  return true;
}

// ---- Timestamps ---------------------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// Reads exactly `n` digits at `pos`.
bool ReadDigits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<std::size_t>(i)];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(n);
  out = v;
  return true;
}

}  // namespace

// ---- Versions -----------------------------------------------------------------------------------

Result<Version> ParseVersionHeader(std::string_view header) {
  // Tolerate optional whitespace around the value (HTTP OWS).
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  if (IsVersionFamily(header, "1.0")) return Version::k1_0;
  if (IsVersionFamily(header, "2.0")) return Version::k2_0;
  return Error::BadRequest(
      "header X-Experience-API-Version", "XAPI-00331",
      "unsupported version \"" + std::string(header) + "\" (supported: 1.0.x and 2.0.x)");
}

std::string_view VersionString(Version v) { return v == Version::k2_0 ? "2.0.0" : "1.0.3"; }

// ---- Value formats ------------------------------------------------------------------------------

// 1.0.x (ISO 8601 as the 1.0.3 suite checks it):
//   YYYY-MM-DDThh:mm[:ss[(.|,)f+]][Z | ±hh | ±hhmm | ±hh:mm]     (no offset: taken as UTC)
// 2.0 (RFC 3339 section 5.6 date-time):
//   YYYY-MM-DDThh:mm:ss[.f+](Z | ±hh:mm)                         ('t' and 'z' allowed)
// Both reject a negative zero offset ("-00", "-0000", "-00:00"): ISO 8601 forbids it and RFC 3339
// gives it the meaning "local offset unknown", which the 2.0 suite rejects.
std::optional<MicrosSinceEpoch> ParseTimestamp(std::string_view s, Version v) {
  const bool rfc3339 = v == Version::k2_0;
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ReadDigits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-') return std::nullopt;
  if (!ReadDigits(s, pos, 2, day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
  ++pos;
  if (!ReadDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  if (!ReadDigits(s, pos, 2, minute)) return std::nullopt;
  bool has_seconds = false;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!ReadDigits(s, pos, 2, second)) return std::nullopt;
    has_seconds = true;
  }
  if (rfc3339 && !has_seconds) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: leap second

  std::int64_t frac_us = 0;
  if (pos < s.size() && (s[pos] == '.' || (!rfc3339 && s[pos] == ','))) {
    if (!has_seconds) return std::nullopt;
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) frac_us *= 10;  // any length; truncated to µs
  }

  int offset_minutes = 0;
  if (pos == s.size()) {
    if (rfc3339) return std::nullopt;  // RFC 3339 requires an offset
  } else if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const bool negative = s[pos] == '-';
    ++pos;
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos, 2, oh)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadDigits(s, pos, 2, om)) return std::nullopt;
    } else if (pos < s.size()) {
      if (rfc3339 || !ReadDigits(s, pos, 2, om)) return std::nullopt;  // ±hhmm: ISO basic offset
    } else if (rfc3339) {
      return std::nullopt;  // ±hh alone is ISO 8601 only
    }
    if (oh > 23 || om > 59) return std::nullopt;
    if (negative && oh == 0 && om == 0) return std::nullopt;  // "-00:00" and friends
    offset_minutes = (negative ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000000 + frac_us;
}

namespace {

// ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS (any subset, in that order, at least one
// component, at least one after T) or PnW alone. Only the last component may carry a decimal
// fraction ('.' or ','). The alternative format of 4.4.3.3 (P0003-06-04T12:30:05) is not allowed.
std::optional<double> ParseDuration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return std::nullopt;
  std::size_t pos = 1;
  double total = 0;
  int components = 0;
  bool in_time = false;
  bool fraction_seen = false;
  // Order index of the last designator seen: date Y=0 M=1 W=2 D=3; time H=4 M=5 S=6.
  int last = -1;
  bool weeks = false;
  while (pos < s.size()) {
    if (s[pos] == 'T') {
      if (in_time || weeks) return std::nullopt;
      in_time = true;
      ++pos;
      if (pos == s.size()) return std::nullopt;  // "T" needs a time component
      continue;
    }
    if (fraction_seen) return std::nullopt;  // only the last component may be fractional
    // Number: digits, optional fraction.
    double value = 0;
    std::size_t digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      value = value * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      double scale = 0.1;
      std::size_t frac_digits = 0;
      while (pos < s.size() && IsDigit(s[pos])) {
        value += (s[pos] - '0') * scale;
        scale /= 10;
        ++frac_digits;
        ++pos;
      }
      if (frac_digits == 0) return std::nullopt;
      fraction_seen = true;
    }
    if (pos == s.size()) return std::nullopt;  // a number needs a designator
    const char d = s[pos++];
    int order;
    double unit;
    if (!in_time) {
      switch (d) {
        case 'Y':
          order = 0;
          unit = 365.0 * 86400;
          break;
        case 'M':
          order = 1;
          unit = 30.0 * 86400;
          break;
        case 'W':
          order = 2;
          unit = 7.0 * 86400;
          break;
        case 'D':
          order = 3;
          unit = 86400;
          break;
        default: return std::nullopt;
      }
    } else {
      switch (d) {
        case 'H':
          order = 4;
          unit = 3600;
          break;
        case 'M':
          order = 5;
          unit = 60;
          break;
        case 'S':
          order = 6;
          unit = 1;
          break;
        default: return std::nullopt;
      }
    }
    if (order <= last) return std::nullopt;
    if (order == 2) {
      if (components != 0) return std::nullopt;  // PnW cannot be combined
      weeks = true;
    } else if (weeks) {
      return std::nullopt;
    }
    last = order;
    ++components;
    total += value * unit;
  }
  if (components == 0) return std::nullopt;
  if (in_time && last < 4) return std::nullopt;
  return total;
}

// RFC 5646 irregular grandfathered tags (the regular ones match the langtag production).
constexpr std::array<std::string_view, 17> kIrregularTags = {
    "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak",     "i-klingon", "i-lux",    "i-mingo",
    "i-navajo",  "i-pwn", "i-tao", "i-tay",     "i-tsu",      "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"};

bool AllAlpha(std::string_view s) {
  for (char c : s)
    if (!IsAlpha(c)) return false;
  return true;
}
bool AllDigit(std::string_view s) {
  for (char c : s)
    if (!IsDigit(c)) return false;
  return true;
}

// RFC 2045 token character (US-ASCII minus controls, space and tspecials).
bool IsTokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) return false;
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=': return false;
    default: return true;
  }
}

}  // namespace

bool IsValidDuration(std::string_view text) { return ParseDuration(text).has_value(); }

std::optional<double> DurationSeconds(std::string_view text) { return ParseDuration(text); }

// RFC 5646 section 2.1 syntax, plus the two "valid tag" checks of 2.2.9 that need no registry:
// no repeated variant and no repeated extension singleton. Case-insensitive.
bool IsLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 255) return false;
  for (std::string_view irregular : kIrregularTags)
    if (EqualsNoCase(tag, irregular)) return true;

  // Split into subtags (offsets into `tag`, which is at most 255 bytes; at most 128 subtags).
  struct Sub {
    std::uint8_t pos, len;
  };
  std::array<Sub, 128> subs;  // only the first n are written and read
  std::size_t n = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-') {
      const std::size_t len = i - start;
      if (len == 0 || len > 8) return false;
      for (std::size_t j = start; j < i; ++j)
        if (!IsAlnum(tag[j])) return false;
      subs[n++] = Sub{static_cast<std::uint8_t>(start), static_cast<std::uint8_t>(len)};
      start = i + 1;
    }
  }
  auto sub = [&](std::size_t k) { return tag.substr(subs[k].pos, subs[k].len); };

  std::size_t i = 0;
  auto private_use = [&]() {
    // "x" 1*("-" 1*8alphanum): at least one subtag after the x.
    return i + 1 < n;  // all remaining subtags are 1-8 alphanumerics already
  };
  if (EqualsNoCase(sub(0), "x")) return private_use();

  // language
  std::string_view lang = sub(i);
  if (!AllAlpha(lang) || lang.size() < 2) return false;
  ++i;
  if (lang.size() <= 3) {
    // extlang: up to three 3-letter subtags
    for (int k = 0; k < 3 && i < n && sub(i).size() == 3 && AllAlpha(sub(i)); ++k) ++i;
  }
  // script
  if (i < n && sub(i).size() == 4 && AllAlpha(sub(i))) ++i;
  // region
  if (i < n && ((sub(i).size() == 2 && AllAlpha(sub(i))) || (sub(i).size() == 3 && AllDigit(sub(i))))) ++i;
  // variants
  const std::size_t first_variant = i;
  while (i < n) {
    std::string_view v = sub(i);
    const bool variant = (v.size() >= 5) || (v.size() == 4 && IsDigit(v[0]));
    if (!variant) break;
    for (std::size_t j = first_variant; j < i; ++j)
      if (EqualsNoCase(sub(j), v)) return false;
    ++i;
  }
  // extensions
  std::array<bool, 36> seen_singleton{};
  while (i < n && sub(i).size() == 1 && !EqualsNoCase(sub(i), "x")) {
    const char c = Lower(sub(i)[0]);
    const std::size_t idx =
        IsDigit(c) ? static_cast<std::size_t>(c - '0') : static_cast<std::size_t>(10 + (c - 'a'));
    if (seen_singleton[idx]) return false;
    seen_singleton[idx] = true;
    ++i;
    std::size_t count = 0;
    while (i < n && sub(i).size() >= 2) {
      ++i;
      ++count;
    }
    if (count == 0) return false;
  }
  if (i < n && EqualsNoCase(sub(i), "x")) return private_use();
  return i == n;
}

bool IsIri(std::string_view text) {
  if (text.empty() || !IsAlpha(text[0])) return false;
  std::size_t i = 1;
  while (i < text.size() && text[i] != ':') {
    const char c = text[i];
    if (!IsAlnum(c) && c != '+' && c != '-' && c != '.') return false;
    ++i;
  }
  if (i >= text.size() - 1) return false;  // no ':' or nothing after it
  for (std::size_t j = i + 1; j < text.size(); ++j) {
    const auto u = static_cast<unsigned char>(text[j]);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

bool IsIrl(std::string_view text) { return IsIri(text); }

bool IsMailtoIri(std::string_view text) {
  constexpr std::string_view kPrefix = "mailto:";
  if (text.size() <= kPrefix.size() || text.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view address = text.substr(kPrefix.size());
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const auto u = static_cast<unsigned char>(address[i]);
    if (u <= 0x20 || u == 0x7F) return false;
    if (address[i] == '@') {
      if (at != std::string_view::npos) return false;
      at = i;
    }
  }
  return at != std::string_view::npos && at > 0 && at + 1 < address.size();
}

bool IsSha1Hex(std::string_view text) { return text.size() == 40 && AllHex(text); }

bool IsSha2Hex(std::string_view text) {
  // SHA-224, SHA-256, SHA-384, SHA-512.
  const std::size_t n = text.size();
  return (n == 56 || n == 64 || n == 96 || n == 128) && AllHex(text);
}

bool IsMediaType(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto token = [&]() {
    const std::size_t start = i;
    while (i < n && IsTokenChar(text[i])) ++i;
    return i > start;
  };
  auto skip_ows = [&]() {
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  if (!token()) return false;
  if (i >= n || text[i] != '/') return false;
  ++i;
  if (!token()) return false;
  skip_ows();
  while (i < n) {
    if (text[i] != ';') return false;
    ++i;
    skip_ows();
    if (!token()) return false;  // attribute
    if (i >= n || text[i] != '=') return false;
    ++i;
    if (i < n && text[i] == '"') {  // quoted-string
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == '\\' && i + 1 < n) {
          i += 2;
          continue;
        }
        if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        ++i;
      }
      if (!closed) return false;
    } else if (!token()) {
      return false;
    }
    skip_ows();
  }
  return true;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (!IsHex(text[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace lrsd::xapi
