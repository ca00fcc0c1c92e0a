// multipart/mixed (RFC 2046 section 5.1) parsing and building, as xAPI Communication 1.5.2 uses
// it for statements with attachments.
//
// Parsing is liberal in what real clients and the conformance suite send:
//  * line endings may be CRLF or bare LF, and may be mixed within one body;
//  * a delimiter line may carry transport padding (spaces/tabs) after the boundary;
//  * the preamble (before the first boundary) and the epilogue (after the closing one) are
//    ignored; the closing delimiter may end the body without a final line break;
//  * header lines may omit the space after the colon ("Content-Type:application/json") and may
//    be folded (obsolete RFC 822 continuation lines starting with a space or tab).
// and strict where a lenient reading would guess: no opening boundary, a part whose headers are
// not ended by a blank line, a malformed header line, or no closing delimiter are 400s.
//
// A delimiter is recognised only as a whole line ("--" boundary ["--"] padding EOL), so that a
// line merely starting with the boundary text is part of the content. The line break before a
// delimiter belongs to the delimiter, not to the preceding part's body.
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/http.h"

namespace lrsd::http {
namespace {

constexpr std::string_view kPath = "multipart";

std::string PartPath(std::size_t index) { return "multipart part " + std::to_string(index); }

bool IsPadding(char c) { return c == ' ' || c == '\t'; }

// What follows "--boundary" at a candidate delimiter.
struct Delimiter {
  bool found = false;
  bool closing = false;
  std::size_t start = 0;     // position of "--boundary"
  std::size_t line_end = 0;  // position just past the delimiter line (past its LF, or body end)
  bool terminated = false;   // the line ended with a line break (not the end of the body)
};

class Scanner {
 public:
  Scanner(std::string_view body, std::string_view boundary)
      : body_(body),
        dash_boundary_("--" + std::string(boundary)),
        nl_dash_boundary_("\n" + dash_boundary_),
        searcher_(nl_dash_boundary_.begin(), nl_dash_boundary_.end()) {}

  // Whether a delimiter line starts at `pos` (which the caller knows is at a line start).
  Delimiter DelimiterAt(std::size_t pos) const {
    Delimiter d;
    if (body_.size() - pos < dash_boundary_.size() ||
        body_.compare(pos, dash_boundary_.size(), dash_boundary_) != 0) {
      return d;
    }
    std::size_t i = pos + dash_boundary_.size();
    if (body_.size() - i >= 2 && body_[i] == '-' && body_[i + 1] == '-') {
      d.closing = true;
      i += 2;
    }
    while (i < body_.size() && IsPadding(body_[i])) ++i;
    if (i < body_.size() && body_[i] == '\r') ++i;
    if (i == body_.size()) {
      d.terminated = false;
    } else if (body_[i] == '\n') {
      d.terminated = true;
      ++i;
    } else {
      return d;  // "--boundaryXYZ": content that happens to start like the boundary
    }
    d.found = true;
    d.start = pos;
    d.line_end = i;
    return d;
  }

  // The first delimiter line starting at or after `from`, where `from` is a line start.
  Delimiter Next(std::size_t from) const {
    if (from <= body_.size()) {
      if (Delimiter d = DelimiterAt(from); d.found) return d;
    }
    // Any later delimiter follows a LF: search for "\n--boundary".
    std::size_t pos = from;
    while (pos < body_.size()) {
      auto it = std::search(body_.begin() + static_cast<std::ptrdiff_t>(pos), body_.end(), searcher_);
      if (it == body_.end()) break;
      std::size_t lf = static_cast<std::size_t>(it - body_.begin());
      if (Delimiter d = DelimiterAt(lf + 1); d.found) return d;
      pos = lf + 1;
    }
    return {};
  }

  std::string_view body() const { return body_; }
  const std::string& dash_boundary() const { return dash_boundary_; }

 private:
  std::string_view body_;
  std::string dash_boundary_;
  std::string nl_dash_boundary_;
  // Boyer-Moore (with the good-suffix rule) stays linear on adversarial bodies and boundaries,
  // where Horspool can take O(body x boundary).
  std::boyer_moore_searcher<std::string::const_iterator> searcher_;
};

bool IsFieldNameChar(unsigned char c) {
  // RFC 5322 field names: printable US-ASCII except colon.
  return c > 32 && c < 127 && c != ':';
}

bool IsFieldValueChar(unsigned char c) { return c == '\t' || (c >= 32 && c != 127); }

std::string_view TrimPadding(std::string_view s) {
  while (!s.empty() && IsPadding(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsPadding(s.back())) s.remove_suffix(1);
  return s;
}

std::string Printable(std::string_view line) {
  constexpr std::size_t kMax = 60;
  std::string out;
  for (std::size_t i = 0; i < line.size() && out.size() < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c >= 32 && c < 127) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (line.size() > kMax) out += "...";
  return out;
}

// Splits a part (the bytes between the line ending its opening delimiter and the line break
// before the next delimiter) into headers and body.
Result<Part> ParsePart(std::string_view raw, std::size_t index) {
  Part part;
  std::size_t i = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  while (true) {
    if (i == raw.size()) {
      // The headers' last line break is also the break before the delimiter: an empty body.
      part.body = raw.substr(i);
      break;
    }
    std::size_t lf = raw.find('\n', i);
    if (lf == std::string_view::npos) {
      if (fields.empty()) {
        return Error::BadRequest(PartPath(index), "RFC 2046",
                                 "part has no blank line ending its headers (every part starts "
                                 "with its header lines, then an empty line, then its content)");
      }
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "part has no blank line ending its headers (after header '" +
                                   fields.back().first + "')");
    }
    std::string_view line = raw.substr(i, lf - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    i = lf + 1;
    if (line.empty()) {
      part.body = raw.substr(i);
      break;
    }
    if (IsPadding(line.front())) {
      // Obsolete line folding: continues the previous field's value.
      if (fields.empty()) {
        return Error::BadRequest(PartPath(index), "RFC 2046",
                                 "malformed header line (starts with whitespace): '" +
                                     Printable(line) + "'");
      }
      std::string_view more = TrimPadding(line);
      if (!std::all_of(more.begin(), more.end(), [](char c) { return IsFieldValueChar(c); })) {
        return Error::BadRequest(PartPath(index), "RFC 2046",
                                 "malformed header line (control character): '" + Printable(line) + "'");
      }
      if (!more.empty()) {
        std::string& value = fields.back().second;
        if (!value.empty()) value += ' ';
        value += more;
      }
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "malformed header line (no ':' after a field name): '" +
                                   Printable(line) + "'; a part's headers must be ended by an "
                                   "empty line");
    }
    // RFC 822 allowed whitespace before the colon; accept it.
    std::string_view name = TrimPadding(line.substr(0, colon));
    if (name.empty() || !std::all_of(name.begin(), name.end(),
                                     [](char c) { return IsFieldNameChar(static_cast<unsigned char>(c)); })) {
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "malformed header line (bad field name): '" + Printable(line) + "'");
    }
    std::string_view value = TrimPadding(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(),
                     [](char c) { return IsFieldValueChar(static_cast<unsigned char>(c)); })) {
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "malformed header line (control character in the value of '" +
                                   std::string(name) + "')");
    }
    fields.emplace_back(std::string(name), std::string(value));
  }
  for (auto& [name, value] : fields) part.headers.Add(std::move(name), std::move(value));
  return part;
}

}  // namespace

Result<std::vector<Part>> ParseMultipart(std::string_view body, std::string_view boundary) {
  if (boundary.empty()) {
    return Error::BadRequest(std::string(kPath), "RFC 2046", "the multipart boundary is empty");
  }
  Scanner scanner(body, boundary);
  Delimiter open = scanner.Next(0);
  if (!open.found) {
    return Error::BadRequest(std::string(kPath), "RFC 2046",
                             "no opening boundary line '" + Printable(scanner.dash_boundary()) +
                                 "' in the body (the boundary must match the Content-Type "
                                 "boundary parameter)");
  }
  if (open.closing) {
    return Error::BadRequest(std::string(kPath), "RFC 2046",
                             "the body has no parts (its first boundary line is the closing one)");
  }
  std::vector<Part> parts;
  Delimiter current = open;
  for (std::size_t index = 1;; ++index) {
    if (!current.terminated) {
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "the body ends right after a boundary line: no closing delimiter '" +
                                   Printable(scanner.dash_boundary()) + "--'");
    }
    std::size_t start = current.line_end;
    Delimiter next = scanner.Next(start);
    if (!next.found) {
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "no closing delimiter '" + Printable(scanner.dash_boundary()) +
                                   "--' after this part (is the body truncated?)");
    }
    if (next.start == start) {
      // "--b CRLF --b": the line break before a delimiter belongs to it, so this part lacks
      // even the blank line that ends an empty header block.
      return Error::BadRequest(PartPath(index), "RFC 2046",
                               "part has no blank line ending its headers (a boundary line "
                               "directly follows the previous one)");
    }
    // The line break before the delimiter belongs to the delimiter, not to the part.
    std::size_t end = next.start - 1;  // the LF
    if (end > start && body[end - 1] == '\r') --end;
    auto part = ParsePart(body.substr(start, end - start), index);
    if (!part) return std::move(part).error();
    parts.push_back(std::move(*part));
    if (next.closing) break;
    current = next;
  }
  return parts;
}

std::string BuildMultipart(const std::vector<std::pair<Headers, std::string_view>>& parts,
                           std::string_view boundary) {
  // Header text must not be able to end its line early.
  auto append_clean = [](std::string& out, std::string_view text) {
    for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  };
  std::size_t size = boundary.size() + 8;
  for (const auto& [headers, body] : parts) {
    size += boundary.size() + 8 + body.size();
    for (const auto& [name, value] : headers.fields()) size += name.size() + value.size() + 4;
  }
  std::string out;
  out.reserve(size);
  for (const auto& [headers, body] : parts) {
    out += "--";
    out += boundary;
    out += "\r\n";
    for (const auto& [name, value] : headers.fields()) {
      append_clean(out, name);
      out += ": ";
      append_clean(out, value);
      out += "\r\n";
    }
    out += "\r\n";
    out += body;
    out += "\r\n";
  }
  out += "--";
  out += boundary;
  out += "--\r\n";
  return out;
}

}  // namespace lrsd::http
