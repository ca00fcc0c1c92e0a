#include "resources/document_rules.h"

namespace lrsd::resources::docs {

void AppendComponent(std::string& key, std::string_view part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  key += static_cast<char>(n >> 24);
  key += static_cast<char>(n >> 16);
  key += static_cast<char>(n >> 8);
  key += static_cast<char>(n);
  key += part;
}

// ---- Stored document --------------------------------------------------------------------------
std::string Encode(const Document& d) {
  std::string out;
  out += '\x01';
  AppendBigEndian64(out, d.updated);
  AppendComponent(out, d.content_type);
  AppendComponent(out, d.etag);
  out += d.body;
  return out;
}

std::optional<Document> Decode(std::string_view raw) {
  auto read_component = [&](std::string& out) {
    if (raw.size() < 4) return false;
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(raw[0])) << 24 |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(raw[1])) << 16 |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(raw[2])) << 8 |
                      static_cast<unsigned char>(raw[3]);
    raw.remove_prefix(4);
    if (raw.size() < n) return false;
    out = std::string(raw.substr(0, n));
    raw.remove_prefix(n);
    return true;
  };
  if (raw.size() < 9 || raw[0] != '\x01') return std::nullopt;
  Document d;
  d.updated = ReadBigEndian64(raw.substr(1, 8));
  raw.remove_prefix(9);
  if (!read_component(d.content_type) || !read_component(d.etag)) return std::nullopt;
  d.body = std::string(raw);
  return d;
}

bool ListsEtag(std::string_view header, std::string_view etag, EtagComparison comparison) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) {
      if (comparison == EtagComparison::kStrong) continue;
      item.remove_prefix(2);
    }
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
    if (item == "*" || (!etag.empty() && item == etag)) return true;
  }
  return false;
}

Status CheckPreconditions(const Preconditions& headers, const std::optional<Document>& current, PutRule rule,
                          std::string_view what) {
  const std::string name(what);
  if (headers.if_match && (!current || !ListsEtag(*headers.if_match, current->etag, EtagComparison::kStrong))) {
    return Error::PreconditionFailed("If-Match does not match the current " + name + " document");
  }
  if (headers.if_none_match && current && ListsEtag(*headers.if_none_match, current->etag, EtagComparison::kWeak)) {
    return Error::PreconditionFailed("If-None-Match: the " + name + " document exists");
  }
  const bool unconditional = !headers.if_match && !headers.if_none_match;
  if (rule == PutRule::kRequireHeader && unconditional && !current) {
    return Error::BadRequest("header If-Match", "XAPI-00322",
                             "PUT to a " + name +
                                 " needs If-None-Match: * (create) or If-Match: ETag (replace) under xAPI 1.0.x");
  }
  if (rule != PutRule::kNone && unconditional && current) {
    return Error::Conflict("the " + name +
                           " document exists: send If-Match with its ETag to overwrite it (or "
                           "If-None-Match: * to create only)");
  }
  return OkStatus();
}

Result<std::string> MergeJsonObjects(std::string_view stored, const xapi::JsonValue& incoming) {
  xapi::JsonDocument existing;
  existing.Parse(stored.data(), stored.size());
  if (existing.HasParseError() || !existing.IsObject()) {
    return Error::BadRequest("body", "XAPI-00313", "the stored document is not a JSON object; cannot merge");
  }
  if (!incoming.IsObject()) {
    return Error::BadRequest("body", "XAPI-00313", "a JSON document POSTed for merging must be a JSON object");
  }
  auto& alloc = existing.GetAllocator();
  for (const auto& m : incoming.GetObject()) {
    if (auto it = existing.FindMember(m.name); it != existing.MemberEnd()) {
      it->value.CopyFrom(m.value, alloc);
    } else {
      existing.AddMember(xapi::JsonValue(m.name, alloc), xapi::JsonValue(m.value, alloc), alloc);
    }
  }
  return xapi::ToJson(existing);
}

}  // namespace lrsd::resources::docs
