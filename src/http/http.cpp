#include "lrsd/http.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>

namespace lrsd::http {

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
    case Method::kOther: break;
  }
  return "OTHER";
}

Method ParseMethod(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

void Headers::Remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return EqualsIgnoreCase(f.first, name); });
}

std::string_view Request::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::Query() const {
  std::string_view t = target;
  std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi << 4 | lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}


std::optional<Params> ParseForm(std::string_view text) {
  Params params;
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!name || !value || !IsValidUtf8(*name) || !IsValidUtf8(*value)) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string_view> FindParam(const Params& params, std::string_view name) {
  for (const auto& [n, v] : params) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string MediaTypeOf(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  return ToLowerAscii(t);
}

std::optional<std::string> MediaTypeParam(std::string_view content_type, std::string_view name) {
  // parameters: *( OWS ";" OWS name "=" ( token / quoted-string ) ) (RFC 7231 3.1.1.1). A quoted
  // string may hold ';' and '=', and a backslash escapes the character after it.
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  auto trim = [&](std::string_view v) {
    while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
    while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
    return v;
  };
  const std::string_view ct = content_type;
  std::size_t i = ct.find(';');
  while (i < ct.size()) {
    ++i;  // past ';'
    const std::size_t name_start = i;
    while (i < ct.size() && ct[i] != '=' && ct[i] != ';') ++i;
    if (i >= ct.size() || ct[i] == ';') continue;  // a parameter without a value
    std::string_view key = trim(ct.substr(name_start, i - name_start));
    ++i;  // past '='
    while (i < ct.size() && is_space(ct[i])) ++i;
    std::string value;
    if (i < ct.size() && ct[i] == '"') {
      for (++i; i < ct.size() && ct[i] != '"'; ++i) {
        if (ct[i] == '\\' && i + 1 < ct.size()) ++i;
        value += ct[i];
      }
      while (i < ct.size() && ct[i] != ';') ++i;  // past the closing quote (and anything after it)
    } else {
      const std::size_t value_start = i;
      while (i < ct.size() && ct[i] != ';') ++i;
      value = std::string(trim(ct.substr(value_start, i - value_start)));
    }
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

// Error messages and paths quote what the client sent (an unknown parameter's name, a bad
// value), and the JSON error body must be UTF-8 (RFC 8259 section 8.1): the fuzzer found
// responses that were not, so quoted text goes through ToValidUtf8.

Response ErrorResponse(const Error& error) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.Int(error.status);
  w.Key("message");
  const std::string message = ToValidUtf8(error.ToString());
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  if (!error.path.empty()) {
    const std::string path = ToValidUtf8(error.path);
    w.Key("path");
    w.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
  }
  if (!error.rule.empty()) {
    const std::string rule = ToValidUtf8(error.rule);
    w.Key("rule");
    w.String(rule.c_str(), static_cast<rapidjson::SizeType>(rule.size()));
  }
  w.EndObject();
  w.EndObject();
  return JsonResponse(error.status, std::string(buf.GetString(), buf.GetSize()));
}

Response JsonResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response EmptyResponse(int status) {
  Response r;
  r.status = status;
  return r;
}

}  // namespace lrsd::http
