// Forwarding configuration: endpoint URLs, target validation, the statement filter.
#include <cctype>
#include <set>

#include "lrsd/forward.h"

namespace lrsd::forward {
namespace {

Error Bad(const std::string& path, const std::string& message) {
  return Error::BadRequest(path, "forwarding", message);
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string_view Str(const xapi::JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

const xapi::JsonValue* Member(const xapi::JsonValue& object, std::string_view name) {
  auto it = object.FindMember(rapidjson::StringRef(name.data(), name.size()));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringMember(const xapi::JsonValue& object, std::string_view name) {
  const auto* v = Member(object, name);
  return v && v->IsString() ? Str(*v) : std::string_view{};
}

Result<Filter> ParseFilter(const xapi::JsonValue& v, const std::string& path) {
  Filter f;
  if (!v.IsObject()) return Bad(path, "must be an object with verbs, activities and/or actors");
  for (const auto& m : v.GetObject()) {
    const std::string name(Str(m.name));
    const std::string where = path + "." + name;
    if (name != "verbs" && name != "activities" && name != "actors") {
      return Bad(where, "unknown filter member (verbs, activities, actors)");
    }
    if (!m.value.IsArray()) return Bad(where, "must be an array");
    std::size_t i = 0;
    for (const auto& item : m.value.GetArray()) {
      const std::string at = where + "[" + std::to_string(i++) + "]";
      if (name == "actors") {
        if (auto st = xapi::ValidateAgentParameter(item, xapi::Version::k2_0, at); !st.ok()) return st.error();
        auto ifi = xapi::IfiKey(item);
        if (!ifi) return Bad(at, "needs an inverse functional identifier");
        f.actor_ifis.push_back(std::move(*ifi));
        continue;
      }
      if (!item.IsString()) return Bad(at, "must be a string");
      std::string text(Str(item));
      // An activity entry ending in '*' is a prefix ("https://example.com/courses/*"): the part
      // before it must at least name a scheme.
      const bool prefix = name == "activities" && text.ends_with('*');
      const bool valid = prefix ? text.find(':') != std::string::npos && text.find(':') + 1 < text.size()
                                : xapi::IsIri(text);
      if (!valid) {
        return Bad(at, name == "verbs" ? "must be a verb IRI" : "must be an activity IRI, or a prefix ending with *");
      }
      (name == "verbs" ? f.verbs : f.activities).push_back(std::move(text));
    }
  }
  if (!f.empty()) f.json = xapi::ToJson(v);
  return f;
}

bool ActorMatches(const Filter& filter, const xapi::JsonValue& actor) {
  auto has = [&](const xapi::JsonValue& agent) {
    auto ifi = xapi::IfiKey(agent);
    if (!ifi) return false;
    for (const auto& want : filter.actor_ifis) {
      if (want == *ifi) return true;
    }
    return false;
  };
  if (!actor.IsObject()) return false;
  if (has(actor)) return true;
  // Members of a group (anonymous or identified) count as the actor too.
  if (const auto* members = Member(actor, "member"); members && members->IsArray()) {
    for (const auto& m : members->GetArray()) {
      if (m.IsObject() && has(m)) return true;
    }
  }
  return false;
}

}  // namespace

std::string Endpoint::ToString() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = (tls && port == 443) || (!tls && port == 80);
  return std::string(tls ? "https://" : "http://") + host_part + (default_port ? "" : ":" + std::to_string(port)) + path;
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint e;
  std::string lower = ToLowerAscii(url.substr(0, 8));
  if (lower.starts_with("https://")) {
    e.tls = true;
    url.remove_prefix(8);
  } else if (lower.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return Bad("endpoint", "must be an http:// or https:// URL (the receiver's xAPI base, e.g. https://lrs.example.com/xapi/)");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return Bad("endpoint", "must not hold spaces, control or non-ASCII characters");
    }
  }
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos) return Bad("endpoint", "must not hold a query or a fragment");
  if (authority.find('@') != std::string_view::npos) {
    return Bad("endpoint", "must not hold credentials (give key and secret instead)");
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad("endpoint", "unterminated IPv6 address");
    e.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Bad("endpoint", "unexpected text after the IPv6 address");
      port_text = rest.substr(1);
      if (port_text.empty()) return Bad("endpoint", "empty port");
    }
  } else {
    const std::size_t colon = authority.find(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Bad("endpoint", "empty port");
    }
  }
  if (e.host.empty()) return Bad("endpoint", "has no host");
  e.port = e.tls ? 443 : 80;
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return Bad("endpoint", "port must be a number from 1 to 65535");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return Bad("endpoint", "port must be a number from 1 to 65535");
    e.port = static_cast<std::uint16_t>(port);
  }
  e.path = std::string(path);
  if (!e.path.ends_with('/')) e.path += '/';
  return e;
}

bool Matches(const Filter& filter, const xapi::JsonValue& statement) {
  if (filter.empty()) return true;
  if (!statement.IsObject()) return false;
  if (!filter.verbs.empty()) {
    const auto* verb = Member(statement, "verb");
    std::string_view id = verb && verb->IsObject() ? StringMember(*verb, "id") : std::string_view{};
    bool any = false;
    for (const auto& v : filter.verbs) any = any || v == id;
    if (!any) return false;
  }
  if (!filter.activities.empty()) {
    const auto* object = Member(statement, "object");
    if (!object || !object->IsObject()) return false;
    std::string_view type = StringMember(*object, "objectType");
    if (!type.empty() && type != "Activity") return false;
    std::string_view id = StringMember(*object, "id");
    bool any = false;
    for (const auto& a : filter.activities) {
      if (a.ends_with('*')) {
        any = any || id.starts_with(std::string_view(a).substr(0, a.size() - 1));
      } else {
        any = any || a == id;
      }
    }
    if (!any) return false;
  }
  if (!filter.actor_ifis.empty()) {
    const auto* actor = Member(statement, "actor");
    if (!actor || !ActorMatches(filter, *actor)) return false;
  }
  return true;
}

Result<std::vector<Target>> ParseTargets(const xapi::JsonValue& body, const std::vector<Target>& current) {
  if (!body.IsArray()) return Bad("targets", "the forwarding configuration is a JSON array of targets (may be empty)");
  if (body.Size() > kMaxTargets) return Bad("targets", "at most " + std::to_string(kMaxTargets) + " targets");
  std::vector<Target> out;
  std::set<std::string> ids;
  std::size_t index = 0;
  for (const auto& t : body.GetArray()) {
    const std::string path = "targets[" + std::to_string(index++) + "]";
    if (!t.IsObject()) return Bad(path, "must be an object");
    Target target;
    bool has_secret = false;
    for (const auto& m : t.GetObject()) {
      const std::string name(Str(m.name));
      const std::string where = path + "." + name;
      const auto& v = m.value;
      auto need_string = [&]() -> Status {
        if (!v.IsString()) return Bad(where, "must be a string");
        return OkStatus();
      };
      if (name == "id") {
        if (auto st = need_string(); !st.ok()) return st.error();
        if (!ValidId(Str(v))) return Bad(where, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        target.id = std::string(Str(v));
      } else if (name == "endpoint") {
        if (auto st = need_string(); !st.ok()) return st.error();
        auto e = ParseEndpoint(Str(v));
        if (!e.ok()) return Bad(where, e.error().message);
        target.endpoint = std::move(*e);
      } else if (name == "key" || name == "secret") {
        if (auto st = need_string(); !st.ok()) return st.error();
        std::string_view text = Str(v);
        if (text.find(':') != std::string_view::npos && name == "key") {
          return Bad(where, "must not hold ':' (HTTP Basic authentication)");
        }
        for (char c : text) {
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return Bad(where, "must not hold control characters");
        }
        (name == "key" ? target.key : target.secret) = std::string(text);
        has_secret = has_secret || name == "secret";
      } else if (name == "version") {
        if (auto st = need_string(); !st.ok()) return st.error();
        if (Str(v) != "1.0.3" && Str(v) != "2.0.0") return Bad(where, "must be 1.0.3 or 2.0.0");
        target.version = std::string(Str(v));
      } else if (name == "filter") {
        auto f = ParseFilter(v, where);
        if (!f.ok()) return f.error();
        target.filter = std::move(*f);
      } else if (name == "batch") {
        if (!v.IsUint64() || v.GetUint64() < 1 || v.GetUint64() > 1000) return Bad(where, "must be an integer from 1 to 1000");
        target.batch = static_cast<std::size_t>(v.GetUint64());
      } else if (name == "from") {
        if (auto st = need_string(); !st.ok()) return st.error();
        if (Str(v) != "now" && Str(v) != "beginning") return Bad(where, "must be \"now\" or \"beginning\"");
        target.from_beginning = Str(v) == "beginning";
      } else if (name == "insecure") {
        if (!v.IsBool()) return Bad(where, "must be true or false");
        target.insecure = v.GetBool();
      } else if (name == "state") {
        // As GET shows it: ignored, so a GET body can be edited and PUT back.
      } else {
        return Bad(where, "unknown member (id, endpoint, key, secret, version, filter, batch, from, insecure)");
      }
    }
    if (target.id.empty()) return Bad(path + ".id", "is required");
    if (!ids.insert(target.id).second) return Bad(path + ".id", "another target has the id " + target.id);
    if (target.endpoint.host.empty()) return Bad(path + ".endpoint", "is required");
    if (target.key.empty()) return Bad(path + ".key", "is required (the receiver's credential key)");
    if (!has_secret) {
      bool kept = false;
      for (const auto& c : current) {
        if (c.id == target.id) {
          target.secret = c.secret;
          kept = true;
        }
      }
      if (!kept) return Bad(path + ".secret", "is required for a new target");
    }
    out.push_back(std::move(target));
  }
  return out;
}

std::string TargetsJson(const std::vector<Target>& targets, bool with_secrets) {
  std::string out = "[";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    if (i) out += ',';
    out += "{\"id\":";
    xapi::AppendJsonString(out, t.id);
    out += ",\"endpoint\":";
    xapi::AppendJsonString(out, t.endpoint.ToString());
    out += ",\"key\":";
    xapi::AppendJsonString(out, t.key);
    if (with_secrets) {
      out += ",\"secret\":";
      xapi::AppendJsonString(out, t.secret);
    }
    out += ",\"version\":";
    xapi::AppendJsonString(out, t.version);
    if (!t.filter.json.empty()) out += ",\"filter\":" + t.filter.json;
    out += ",\"batch\":" + std::to_string(t.batch);
    out += std::string(",\"from\":") + (t.from_beginning ? "\"beginning\"" : "\"now\"");
    out += std::string(",\"insecure\":") + (t.insecure ? "true" : "false");
    out += '}';
  }
  return out + "]";
}

}  // namespace lrsd::forward
