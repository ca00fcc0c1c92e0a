// The document resources (Communication 2.2-2.7): State, Activity Profile and Agent Profile.
// Documents are stored byte-exact with their Content-Type; JSON documents POSTed onto JSON
// documents are merged; ETags (quoted SHA-1 of the body) give optimistic concurrency.
#include "resources/documents.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

#include "resources/document_rules.h"

namespace lrsd::resources {
namespace {

using docs::AppendComponent;
using docs::CheckPreconditions;
using docs::Decode;
using docs::Document;
using docs::Encode;
using docs::MergeJsonObjects;
using docs::PutRule;

docs::Preconditions HeadersOf(const Context& ctx) {
  return {ctx.request.headers.Get("If-Match"), ctx.request.headers.Get("If-None-Match")};
}

constexpr std::string_view kJson = "application/json";

enum class DocKind : char { kState = 'S', kActivityProfile = 'A', kAgentProfile = 'G' };

struct DocSpec {
  DocKind kind;
  std::string_view id_param;  // "stateId" or "profileId"
  auth::Access read, write;
  std::string_view name;      // for messages
};

constexpr DocSpec kState{DocKind::kState, "stateId", auth::Access::kStateRead, auth::Access::kStateWrite, "state"};
constexpr DocSpec kActivityProfile{DocKind::kActivityProfile, "profileId", auth::Access::kProfileRead,
                                   auth::Access::kProfileWrite, "activity profile"};
constexpr DocSpec kAgentProfile{DocKind::kAgentProfile, "profileId", auth::Access::kProfileRead,
                                auth::Access::kProfileWrite, "agent profile"};

std::string Quoted(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

// ---- Parameters -------------------------------------------------------------------------------
struct Target {
  std::string prefix;               // selects the documents of (activity, agent, registration)
  std::string prefix_all_regs;      // State without registration: every registration
  std::optional<std::string> id;    // stateId / profileId
  std::optional<MicrosSinceEpoch> since;
  std::string Key() const {
    std::string k = prefix;
    AppendComponent(k, *id);
    return k;
  }
};

}  // namespace

Status ParseAgentParameter(const Context& ctx, std::string_view value, std::string_view rule, bool allow_group,
                           xapi::JsonDocument& agent) {
  // Iterative: the recursive parser overflows the stack on deeply nested values, and this
  // value can be as long as an alternate-syntax form body
  // (tests/fuzz/regressions/query/deeply-nested-agent).
  agent.Parse<rapidjson::kParseIterativeFlag>(value.data(), value.size());
  if (agent.HasParseError() || !agent.IsObject()) {
    return Error::BadRequest("parameter agent", std::string(rule), "must be an Agent as JSON");
  }
  if (auto type = agent.FindMember("objectType"); !allow_group && type != agent.MemberEnd() &&
                                                   type->value.IsString() &&
                                                   std::string_view(type->value.GetString()) == "Group") {
    return Error::BadRequest("parameter agent", std::string(rule), "must be an Agent, not a Group");
  }
  if (auto st = xapi::ValidateAgentParameter(agent, ctx.version, "parameter agent"); !st.ok()) return st.error();
  if (!xapi::IfiKey(agent)) {
    return Error::BadRequest("parameter agent", std::string(rule), "needs an inverse functional identifier");
  }
  return OkStatus();
}

namespace {

Result<std::string> AgentIfiParam(const Context& ctx, std::string_view value) {
  xapi::JsonDocument doc;
  // 1.0.3 documents belong to an Agent ("not a Group", Communication 2.3, 2.6); 2.0 also
  // keeps them for an identified Group.
  const bool allow_group = ctx.version == xapi::Version::k2_0;
  if (auto st = ParseAgentParameter(ctx, value, "XAPI-00199", allow_group, doc); !st.ok()) return st.error();
  return *xapi::IfiKey(doc);
}

Result<Target> ParseTarget(const DocSpec& spec, const Context& ctx) {
  const auto& p = ctx.params;
  Status allowed = spec.kind == DocKind::kState
                       ? CheckParams(p, {"activityId", "agent", "registration", "stateId", "since"})
                   : spec.kind == DocKind::kActivityProfile ? CheckParams(p, {"activityId", "profileId", "since"})
                                                            : CheckParams(p, {"agent", "profileId", "since"});
  if (!allowed.ok()) return allowed.error();
  Target t;
  t.prefix += static_cast<char>(spec.kind);
  if (spec.kind != DocKind::kAgentProfile) {
    auto activity = http::FindParam(p, "activityId");
    if (!activity) return Error::BadRequest("parameter activityId", "XAPI-00208", "activityId is required");
    if (!xapi::IsIri(*activity)) return Error::BadRequest("parameter activityId", "XAPI-00012", "must be an IRI");
    AppendComponent(t.prefix, *activity);
  }
  if (spec.kind != DocKind::kActivityProfile) {
    auto agent = http::FindParam(p, "agent");
    if (!agent) return Error::BadRequest("parameter agent", "XAPI-00213", "agent is required");
    auto ifi = AgentIfiParam(ctx, *agent);
    if (!ifi.ok()) return ifi.error();
    AppendComponent(t.prefix, *ifi);
  }
  t.prefix_all_regs = t.prefix;
  if (spec.kind == DocKind::kState) {
    std::string registration;
    if (auto r = http::FindParam(p, "registration")) {
      auto id = ParseUuid(*r);
      if (!id) return Error::BadRequest("parameter registration", "XAPI-00012", "must be a UUID");
      registration = FormatUuid(*id);
    }
    AppendComponent(t.prefix, registration);
    // Listing and deleting without a registration covers every registration.
    if (http::FindParam(p, "registration")) t.prefix_all_regs = t.prefix;
  }
  if (auto id = http::FindParam(p, spec.id_param)) t.id = std::string(*id);
  if (auto since = http::FindParam(p, "since")) {
    auto t_since = xapi::ParseTimestamp(*since, ctx.version);
    if (!t_since) return Error::BadRequest("parameter since", "XAPI-00204", "must be a timestamp");
    t.since = *t_since;
  }
  return t;
}

std::string ContentTypeOf(const Context& ctx) {
  auto ct = ctx.request.headers.Get("Content-Type");
  return ct && !ct->empty() ? std::string(*ct) : std::string("application/octet-stream");
}

bool IsJsonType(std::string_view content_type) { return http::MediaTypeOf(content_type) == kJson; }

// ---- Handlers ---------------------------------------------------------------------------------
http::Response Write(const Services& svc, Context& ctx, const DocSpec& spec, const Target& target, bool merge) {
  if (!target.id) {
    return http::ErrorResponse(Error::BadRequest("parameter " + std::string(spec.id_param), "XAPI-00206",
                                                 std::string(spec.id_param) + " is required"));
  }
  const std::string content_type = ContentTypeOf(ctx);
  xapi::JsonDocument incoming;
  if (merge && IsJsonType(content_type)) {
    if (auto st = ParseJson(ctx.request.body, incoming, svc.config.max_json_depth, "body"); !st.ok()) {
      Error e = st.error();
      e.rule = "XAPI-00314";
      return http::ErrorResponse(e);
    }
    if (!incoming.IsObject()) {
      return http::ErrorResponse(
          Error::BadRequest("body", "XAPI-00313", "a JSON document POSTed for merging must be a JSON object"));
    }
  }
  // 2.0 extends the 409 on unconditional overwrites to the State resource; profiles have it in
  // 1.0.3 too, where the ADL suite also refuses an unconditional PUT that would create.
  PutRule rule = PutRule::kNone;
  if (!merge && spec.kind != DocKind::kState) {
    rule = ctx.version == xapi::Version::k1_0 ? PutRule::kRequireHeader : PutRule::kConflictIfExists;
  } else if (!merge && ctx.version == xapi::Version::k2_0) {
    rule = PutRule::kConflictIfExists;
  }
  Status st = svc.store.Update(
      store::Family::kDocuments, target.Key(),
      [&](const std::optional<std::string>& raw) -> Result<std::optional<std::string>> {
        std::optional<Document> current;
        if (raw) {
          current = Decode(*raw);
          if (!current) return Error::Internal("corrupt document record");
        }
        if (auto pre = CheckPreconditions(HeadersOf(ctx), current, rule, spec.name); !pre.ok()) return pre.error();
        Document next;
        next.updated = static_cast<std::uint64_t>(NowMicros());
        if (current && current->updated >= next.updated) next.updated = current->updated + 1;
        if (merge && current) {
          if (!IsJsonType(current->content_type) || !IsJsonType(content_type)) {
            return Error::BadRequest("header Content-Type", "XAPI-00309",
                                     "POST merges JSON documents only: both the stored and the posted document "
                                     "must be application/json");
          }
          auto merged = MergeJsonObjects(current->body, incoming);
          if (!merged.ok()) return merged.error();
          next.body = std::move(merged).value();
          next.content_type = std::string(kJson);
        } else {
          next.body = ctx.request.body;
          next.content_type = content_type;
        }
        next.etag = Sha1Hex(next.body);
        return std::optional<std::string>(Encode(next));
      });
  if (!st.ok()) return http::ErrorResponse(st.error());
  return http::EmptyResponse(204);
}

http::Response Read(const Services& svc, const DocSpec& spec, const Target& target) {
  store::ReadView view = svc.store.Read();
  if (target.id) {
    if (target.since) {
      return http::ErrorResponse(Error::BadRequest("parameter since", "XAPI-00324",
                                                   "since applies to listing ids, not to one document"));
    }
    auto raw = view.Get(store::Family::kDocuments, target.Key());
    if (!raw.ok()) return http::ErrorResponse(raw.error());
    if (!raw->has_value()) return http::ErrorResponse(Error::NotFound("no such " + std::string(spec.name) + " document"));
    auto doc = Decode(**raw);
    if (!doc) return http::ErrorResponse(Error::Internal("corrupt document record"));
    http::Response r;
    r.status = 200;
    r.headers.Set("Content-Type", doc->content_type);
    r.headers.Set("ETag", Quoted(doc->etag));
    r.headers.Set("Last-Modified", FormatHttpDate(static_cast<MicrosSinceEpoch>(doc->updated)));
    r.body = std::move(doc->body);
    return r;
  }
  // No id: the ids of every matching document (updated after `since`, if given).
  std::set<std::string> ids;
  std::uint64_t newest = 0;
  const std::string& prefix = target.prefix_all_regs;
  Status st = view.ScanPrefix(store::Family::kDocuments, prefix, [&](std::string_view key, std::string_view value) {
    auto doc = Decode(value);
    if (!doc) return true;
    if (target.since && static_cast<MicrosSinceEpoch>(doc->updated) <= *target.since) return true;
    // The id is the last length-prefixed component of the key.
    std::string_view rest = key.substr(prefix.size());
    if (target.prefix_all_regs != target.prefix) {
      // Listing every registration: skip the registration component.
      if (rest.size() < 4) return true;
      std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(rest[0])) << 24 |
                        static_cast<std::uint32_t>(static_cast<unsigned char>(rest[1])) << 16 |
                        static_cast<std::uint32_t>(static_cast<unsigned char>(rest[2])) << 8 |
                        static_cast<unsigned char>(rest[3]);
      if (rest.size() < 4 + n) return true;
      rest.remove_prefix(4 + n);
    }
    if (rest.size() < 4) return true;
    ids.insert(std::string(rest.substr(4)));
    newest = std::max(newest, doc->updated);
    return true;
  });
  if (!st.ok()) return http::ErrorResponse(st.error());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& id : ids) w.String(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndArray();
  http::Response r = http::JsonResponse(200, std::string(buf.GetString(), buf.GetSize()));
  if (newest) r.headers.Set("Last-Modified", FormatHttpDate(static_cast<MicrosSinceEpoch>(newest)));
  return r;
}

http::Response Remove(const Services& svc, Context& ctx, const DocSpec& spec, const Target& target) {
  if (target.since) {
    return http::ErrorResponse(Error::BadRequest("parameter since", "XAPI-00324", "since applies to GET only"));
  }
  if (target.id) {
    Status st = svc.store.Update(store::Family::kDocuments, target.Key(),
                                 [&](const std::optional<std::string>& raw) -> Result<std::optional<std::string>> {
                                   std::optional<Document> current;
                                   if (raw) current = Decode(*raw);
                                   if (auto pre = CheckPreconditions(HeadersOf(ctx), current, PutRule::kNone, spec.name);
                                       !pre.ok()) {
                                     return pre.error();
                                   }
                                   return std::optional<std::string>();  // delete (no-op when absent)
                                 });
    if (!st.ok()) return http::ErrorResponse(st.error());
    return http::EmptyResponse(204);
  }
  if (spec.kind != DocKind::kState) {
    return http::ErrorResponse(Error::BadRequest("parameter profileId", "XAPI-00300", "profileId is required"));
  }
  // Every state document of (activity, agent[, registration]).
  std::vector<std::string> keys;
  store::ReadView view = svc.store.Read();
  Status st = view.ScanPrefix(store::Family::kDocuments, target.prefix_all_regs, [&](std::string_view key, std::string_view) {
    keys.emplace_back(key);
    return true;
  });
  if (!st.ok()) return http::ErrorResponse(st.error());
  if (auto del = svc.store.DeleteKeys(store::Family::kDocuments, keys); !del.ok()) return http::ErrorResponse(del.error());
  return http::EmptyResponse(204);
}

http::Response Handle(const Services& svc, Context& ctx, const DocSpec& spec) {
  const bool reading = ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead;
  if (auto st = Require(ctx, reading ? spec.read : spec.write); !st.ok()) return http::ErrorResponse(st.error());
  auto target = ParseTarget(spec, ctx);
  if (!target.ok()) return http::ErrorResponse(target.error());
  switch (ctx.request.method) {
    case http::Method::kPut:
      return Write(svc, ctx, spec, *target, false);
    case http::Method::kPost:
      return Write(svc, ctx, spec, *target, true);
    case http::Method::kGet:
    case http::Method::kHead:
      return Read(svc, spec, *target);
    case http::Method::kDelete:
      return Remove(svc, ctx, spec, *target);
    default: {
      http::Response r = http::ErrorResponse(Error{405, {}, {}, "method not allowed on the " + std::string(spec.name) + " resource"});
      r.headers.Set("Allow", "GET, HEAD, PUT, POST, DELETE, OPTIONS");
      return r;
    }
  }
}

}  // namespace

http::Response HandleState(const Services& svc, Context& ctx) { return Handle(svc, ctx, kState); }
http::Response HandleActivityProfile(const Services& svc, Context& ctx) { return Handle(svc, ctx, kActivityProfile); }
http::Response HandleAgentProfile(const Services& svc, Context& ctx) { return Handle(svc, ctx, kAgentProfile); }

// ---- Activities and Agents --------------------------------------------------------------------
http::Response HandleActivities(const Services& svc, Context& ctx) {
  if (ctx.request.method != http::Method::kGet && ctx.request.method != http::Method::kHead) {
    return http::ErrorResponse(Error{405, {}, {}, "the activities resource answers GET and HEAD"});
  }
  if (auto st = Require(ctx, auth::Access::kStatementsReadMine); !st.ok()) return http::ErrorResponse(st.error());
  if (auto st = CheckParams(ctx.params, {"activityId"}); !st.ok()) return http::ErrorResponse(st.error());
  auto id = http::FindParam(ctx.params, "activityId");
  if (!id) return http::ErrorResponse(Error::BadRequest("parameter activityId", "XAPI-00251", "activityId is required"));
  if (!xapi::IsIri(*id)) return http::ErrorResponse(Error::BadRequest("parameter activityId", "XAPI-00012", "must be an IRI"));
  auto raw = svc.store.Get(store::Family::kActivities, *id);
  if (!raw.ok()) return http::ErrorResponse(raw.error());
  // Unknown activities still get an Activity object with their id (2.0, 4.1.6.4).
  xapi::JsonDocument activity;
  activity.SetObject();
  auto& a = activity.GetAllocator();
  activity.AddMember("objectType", "Activity", a);
  activity.AddMember("id", xapi::JsonValue(id->data(), static_cast<rapidjson::SizeType>(id->size()), a), a);
  if (raw->has_value()) {
    xapi::JsonDocument def;
    def.Parse((*raw)->data(), (*raw)->size());
    if (!def.HasParseError() && def.IsObject() && def.MemberCount() > 0) {
      activity.AddMember("definition", xapi::JsonValue(def, a), a);
    }
  }
  return http::JsonResponse(200, xapi::ToJson(activity));
}

http::Response HandleAgents(const Services& svc, Context& ctx) {
  if (ctx.request.method != http::Method::kGet && ctx.request.method != http::Method::kHead) {
    return http::ErrorResponse(Error{405, {}, {}, "the agents resource answers GET and HEAD"});
  }
  if (auto st = Require(ctx, auth::Access::kStatementsReadMine); !st.ok()) return http::ErrorResponse(st.error());
  if (auto st = CheckParams(ctx.params, {"agent"}); !st.ok()) return http::ErrorResponse(st.error());
  auto agent = http::FindParam(ctx.params, "agent");
  if (!agent) return http::ErrorResponse(Error::BadRequest("parameter agent", "XAPI-00243", "agent is required"));
  xapi::JsonDocument given;
  // The Agents resource answers for an Agent, "not a Person Object, nor a Group" (Communication 2.4).
  if (auto st = ParseAgentParameter(ctx, *agent, "XAPI-00249", false, given); !st.ok()) {
    return http::ErrorResponse(st.error());
  }
  auto ifi = xapi::IfiKey(given);
  xapi::JsonDocument person;
  if (auto raw = svc.store.Get(store::Family::kAgents, *ifi); raw.ok() && raw->has_value()) {
    person.Parse((*raw)->data(), (*raw)->size());
    if (person.HasParseError()) person.SetNull();
  } else if (!raw.ok()) {
    return http::ErrorResponse(raw.error());
  }
  // What the request itself tells belongs to the answer too (an agent never seen in a statement).
  xapi::MergePerson(person, given, person.GetAllocator());
  if (!person.HasMember("name")) person.AddMember("name", xapi::JsonValue(rapidjson::kArrayType), person.GetAllocator());
  return http::JsonResponse(200, xapi::ToJson(person));
}

}  // namespace lrsd::resources
