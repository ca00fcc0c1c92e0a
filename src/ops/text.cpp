// Prometheus text exposition format 0.0.4: writing, and a strict reader for tests and tools.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "lrsd/ops.h"

namespace lrsd::ops {
namespace {

bool IsNameStart(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool IsNameChar(char c, bool colon) { return IsNameStart(c, colon) || (c >= '0' && c <= '9'); }

bool ValidName(std::string_view name, bool colon) {
  if (name.empty() || !IsNameStart(name[0], colon)) return false;
  for (char c : name) {
    if (!IsNameChar(c, colon)) return false;
  }
  return true;
}

// Go's strconv.ParseFloat as Prometheus uses it: decimal or exponent floats, Inf, NaN.
std::optional<double> ParseValue(std::string_view text) {
  if (text == "+Inf" || text == "Inf" || text == "inf" || text == "+inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf" || text == "-inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN" || text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text.empty()) return std::nullopt;
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// The family a sample belongs to: histogram and summary samples carry a suffix.
std::string_view FamilyOf(std::string_view sample, const std::map<std::string, std::string, std::less<>>& types) {
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (sample.ends_with(suffix)) {
      std::string_view base = sample.substr(0, sample.size() - suffix.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return sample;
}

Error LineError(std::size_t line, std::string message) {
  return Error::BadRequest("line " + std::to_string(line), "exposition", std::move(message));
}

}  // namespace

std::string TextWriter::FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, end);
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);  // shortest round trip
  return std::string(buf, end);
}

std::string TextWriter::EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string TextWriter::EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void TextWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += EscapeHelp(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void TextWriter::Begin(std::string_view name, const Labels& labels) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [label, value] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += label;
      out_ += "=\"";
      out_ += EscapeLabelValue(value);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void TextWriter::Sample(std::string_view name, const Labels& labels, double value) {
  Begin(name, labels);
  out_ += FormatValue(value);
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  Begin(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

Result<std::vector<ParsedSample>> ParseText(std::string_view text) {
  static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
  if (!text.empty() && text.back() != '\n') return LineError(0, "the last line does not end with a line feed");
  std::vector<ParsedSample> samples;
  std::map<std::string, std::string, std::less<>> types;   // family -> type
  std::set<std::string, std::less<>> sampled;              // families that have samples
  std::set<std::string> seen;                              // name + labels, for duplicates
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.front() == '#') {
      std::string_view rest = line.substr(1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const bool help = rest.starts_with("HELP ");
      const bool type = rest.starts_with("TYPE ");
      if (!help && !type) continue;  // any other comment
      rest.remove_prefix(5);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      std::size_t space = rest.find(' ');
      std::string_view name = rest.substr(0, space);
      if (!ValidName(name, true)) return LineError(number, "invalid metric name '" + std::string(name) + "'");
      if (type) {
        std::string_view kind = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        while (!kind.empty() && kind.back() == ' ') kind.remove_suffix(1);
        if (!kTypes.count(kind)) return LineError(number, "unknown metric type '" + std::string(kind) + "'");
        if (types.count(name)) return LineError(number, "a second TYPE line for " + std::string(name));
        if (sampled.count(name)) return LineError(number, "the TYPE line of " + std::string(name) + " follows its samples");
        types.emplace(std::string(name), std::string(kind));
      }
      continue;
    }
    ParsedSample sample;
    std::size_t i = 0;
    while (i < line.size() && IsNameChar(line[i], true)) ++i;
    sample.name = std::string(line.substr(0, i));
    if (!ValidName(sample.name, true)) return LineError(number, "invalid metric name in '" + std::string(line) + "'");
    std::string key = sample.name;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (true) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        std::size_t start = i;
        while (i < line.size() && IsNameChar(line[i], false)) ++i;
        std::string label(line.substr(start, i - start));
        if (!ValidName(label, false)) return LineError(number, "invalid label name in '" + std::string(line) + "'");
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
          return LineError(number, "label " + label + " is not followed by =\"");
        }
        i += 2;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          char c = line[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) break;
            char e = line[i++];
            if (e == 'n') {
              value += '\n';
            } else if (e == '\\' || e == '"') {
              value += e;
            } else {
              return LineError(number, "invalid escape \\" + std::string(1, e) + " in a label value");
            }
          } else {
            value += c;
          }
        }
        if (!closed) return LineError(number, "unterminated label value in '" + std::string(line) + "'");
        if (!sample.labels.emplace(label, value).second) return LineError(number, "label " + label + " repeated");
        while (i < line.size() && line[i] == ' ') ++i;
        if (i < line.size() && line[i] == ',') {
          ++i;
          continue;
        }
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        return LineError(number, "expected , or } in '" + std::string(line) + "'");
      }
    }
    if (i >= line.size() || (line[i] != ' ' && line[i] != '\t')) {
      return LineError(number, "no value in '" + std::string(line) + "'");
    }
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string_view rest = line.substr(i);
    std::size_t space = rest.find(' ');
    auto value = ParseValue(rest.substr(0, space));
    if (!value) return LineError(number, "invalid value in '" + std::string(line) + "'");
    sample.value = *value;
    if (space != std::string_view::npos) {
      std::string_view ts = rest.substr(space + 1);
      long long t = 0;
      auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), t);
      if (ec != std::errc() || end != ts.data() + ts.size()) {
        return LineError(number, "invalid timestamp in '" + std::string(line) + "'");
      }
    }
    for (const auto& [k, v] : sample.labels) key += "\x01" + k + "\x02" + v;
    if (!seen.insert(key).second) return LineError(number, "duplicate sample '" + std::string(line) + "'");
    sampled.insert(std::string(FamilyOf(sample.name, types)));
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace lrsd::ops
