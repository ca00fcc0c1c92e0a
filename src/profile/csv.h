// RFC 4180 CSV reading shared by the CSV bodies of the profile module's admin documents (the
// people directory in config.cpp, KPI values in business.cpp). Errors name "line N column C".
// Private to src/profile/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"

namespace lrsd::profile::csv {

struct Field {
  std::string text;
  std::size_t line = 0;  // where the field starts (1-based)
};

// Reads records: fields separated by ',', records by CRLF, LF or CR; a field starting with '"'
// is quoted and may hold commas, line breaks and doubled quotes. Lines that are entirely empty
// are skipped (a trailing newline, blank separator lines).
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 BOM (spreadsheet exports)
  }

  // Reads the next record into `fields`; false at the end. `column_name(i)` names column i in
  // errors.
  template <class ColumnName>
  Result<bool> Next(std::vector<Field>& fields, std::size_t& record_line, const ColumnName& column_name) {
    fields.clear();
    // Skip empty lines.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) SkipLineBreak();
    if (pos_ >= text_.size()) return false;
    record_line = line_;
    while (true) {
      Field f;
      f.line = line_;
      const std::size_t column = fields.size();
      if (pos_ < text_.size() && text_[pos_] == '"') {
        ++pos_;
        bool closed = false;
        while (pos_ < text_.size()) {
          const char c = text_[pos_];
          if (c == '"') {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
              f.text += '"';
              pos_ += 2;
              continue;
            }
            ++pos_;
            closed = true;
            break;
          }
          if (c == '\r' || c == '\n') {
            // A line break inside a quoted field is part of it (CRLF kept as written).
            if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
              f.text += "\r\n";
              pos_ += 2;
            } else {
              f.text += c;
              ++pos_;
            }
            ++line_;
            continue;
          }
          f.text += c;
          ++pos_;
        }
        if (!closed) {
          return Error::BadRequest(Where(f.line, column_name(column)), "csv",
                                   "quoted field is not closed (a '\"' is missing)");
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
          return Error::BadRequest(Where(line_, column_name(column)), "csv",
                                   "unexpected text after a closing quote "
                                   "(write a quote inside a quoted field as \"\")");
        }
      } else {
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
          if (text_[pos_] == '"') {
            return Error::BadRequest(Where(line_, column_name(column)), "csv",
                                     "a field holding '\"' must be quoted (and the quote doubled)");
          }
          f.text += text_[pos_++];
        }
      }
      fields.push_back(std::move(f));
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      SkipLineBreak();
      return true;
    }
  }

  static std::string Where(std::size_t line, std::string_view column) {
    std::string out = "line " + std::to_string(line);
    if (!column.empty()) {
      out += " column ";
      out += column;
    }
    return out;
  }

 private:
  void SkipLineBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
inline std::size_t FirstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// The line (1-based) holding byte `offset`, counting CRLF, LF and CR as line ends like Reader.
inline std::size_t LineAt(std::string_view s, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n'))) ++line;
  }
  return line;
}


// Without leading and trailing spaces and tabs.
inline std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace lrsd::profile::csv
