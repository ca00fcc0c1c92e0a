// lrsd's own resources: /admin/ (people directory, competency framework, classification
// rules, goals, development plans, costs, KPIs, profile rebuilds) and /learning/ (person, agent,
// unit and organisation profiles, balanced scorecards, the goals tree).
#include "resources/learning.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "resources/documents.h"

namespace lrsd::resources {
namespace {

std::string_view Trimmed(std::string_view path, std::string_view prefix) {
  path.remove_prefix(prefix.size());
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

// The one path segment after `prefix` ("/learning/people/e1001" -> "e1001"), decoded.
std::optional<std::string> Segment(std::string_view path, std::string_view prefix) {
  std::string_view rest = Trimmed(path, prefix);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  return http::PercentDecode(rest, false);
}

Result<profile::Range> ParseRange(const Context& ctx) {
  profile::Range range;
  for (auto [name, slot] : {std::pair{"since", &range.since}, std::pair{"until", &range.until}}) {
    if (auto v = http::FindParam(ctx.params, name)) {
      auto t = xapi::ParseTimestamp(*v, xapi::Version::k1_0);
      if (!t) return Error::BadRequest(std::string("parameter ") + name, "iso8601", "must be an ISO 8601 timestamp");
      *slot = *t;
    }
  }
  return range;
}

http::Response Json(Result<std::string> body) {
  if (!body.ok()) return http::ErrorResponse(body.error());
  return http::JsonResponse(200, std::move(body).value());
}

std::string PeopleJson(const std::vector<profile::Person>& people) {
  std::string out = "[";
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i) out += ',';
    out += profile::PersonToJson(people[i]);
  }
  out += ']';
  return out;
}

http::Response MethodNotAllowed(std::string_view allow) {
  http::Response r = http::ErrorResponse(Error{405, {}, {}, "method not allowed here"});
  r.headers.Set("Allow", std::string(allow));
  return r;
}

// ---- /admin/ ----------------------------------------------------------------------------------
http::Response AdminPeople(profile::Service& svc, Context& ctx, std::string_view path) {
  if (path == "/admin/people" || path == "/admin/people/") {
    if (ctx.request.method == http::Method::kPut || ctx.request.method == http::Method::kPost) {
      auto ct = http::MediaTypeOf(ctx.request.headers.Get("Content-Type").value_or("application/json"));
      auto people = ct == "text/csv" ? profile::ParsePeopleCsv(ctx.request.body)
                                     : profile::ParsePeopleJson(ctx.request.body);
      if (!people.ok()) return http::ErrorResponse(people.error());
      if (auto st = svc.UpsertPeople(*people); !st.ok()) return http::ErrorResponse(st.error());
      return http::JsonResponse(200, R"({"upserted":)" + std::to_string(people->size()) + "}");
    }
    if (ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead) {
      auto people = svc.ListPeople();
      if (!people.ok()) return http::ErrorResponse(people.error());
      return http::JsonResponse(200, PeopleJson(*people));
    }
    return MethodNotAllowed("GET, HEAD, PUT, POST");
  }
  auto id = Segment(path, "/admin/people/");
  if (!id) return http::ErrorResponse(Error::NotFound("no such resource"));
  if (ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead) {
    auto person = svc.GetPerson(*id);
    if (!person.ok()) return http::ErrorResponse(person.error());
    if (!person->has_value()) return http::ErrorResponse(Error::NotFound("no person with id '" + *id + "'"));
    return http::JsonResponse(200, profile::PersonToJson(**person));
  }
  if (ctx.request.method == http::Method::kDelete) {
    if (auto st = svc.DeletePerson(*id); !st.ok()) return http::ErrorResponse(st.error());
    return http::EmptyResponse(204);
  }
  return MethodNotAllowed("GET, HEAD, DELETE");
}

http::Response AdminDocument(Context& ctx, const std::function<std::string()>& get,
                             const std::function<Status(std::string_view)>& set) {
  if (ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead) {
    return http::JsonResponse(200, get());
  }
  if (ctx.request.method == http::Method::kPut) {
    if (auto st = set(ctx.request.body); !st.ok()) return http::ErrorResponse(st.error());
    return http::JsonResponse(200, get());
  }
  return MethodNotAllowed("GET, HEAD, PUT");
}

http::Response RebuildState(const profile::Service& svc, int status) {
  auto state = svc.rebuild_state();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("state");
  w.String(state.running ? "running" : state.error.empty() ? "idle" : "failed");
  w.Key("done");
  w.Uint64(state.done);
  w.Key("total");
  w.Uint64(state.total);
  if (!state.error.empty()) {
    w.Key("error");
    w.String(state.error.c_str());
  }
  if (!state.finished.empty()) {
    w.Key("lastFinished");
    w.String(state.finished.c_str());
  }
  w.EndObject();
  return http::JsonResponse(status, std::string(buf.GetString(), buf.GetSize()));
}

// ---- /learning/ ---------------------------------------------------------------------------------
// profiles/read/mine: the caller may read the profile of the person (or agent) whose IFI is
// its credential's authority, nothing else.
Status RequireOwnProfile(profile::Service& svc, const Context& ctx, const std::optional<std::string>& person_id,
                         const std::optional<std::string>& ifi) {
  if (auth::Allows(ctx.principal->scopes, auth::Access::kProfilesRead)) return OkStatus();
  if (!auth::Allows(ctx.principal->scopes, auth::Access::kProfilesReadMine)) {
    return Require(ctx, auth::Access::kProfilesRead);
  }
  const std::string& mine = ctx.principal->authority_ifi;
  Error denied = Error::Forbidden("scope profiles/read/mine reads only the caller's own profile");
  if (mine.empty()) return denied;
  if (ifi && *ifi == mine) return OkStatus();
  auto my_person = svc.PersonIdForIfi(mine);
  if (!my_person.ok()) return my_person.error();
  if (!my_person->has_value()) return denied;
  if (person_id && *person_id == **my_person) return OkStatus();
  if (ifi) {
    auto theirs = svc.PersonIdForIfi(*ifi);
    if (!theirs.ok()) return theirs.error();
    if (theirs->has_value() && **theirs == **my_person) return OkStatus();
  }
  return denied;
}

http::Response Learning(profile::Service& svc, Context& ctx, std::string_view path) {
  if (ctx.request.method != http::Method::kGet && ctx.request.method != http::Method::kHead) {
    return MethodNotAllowed("GET, HEAD");
  }
  auto range = ParseRange(ctx);
  if (!range.ok()) return http::ErrorResponse(range.error());
  if (path.starts_with("/learning/people/")) {
    if (auto st = CheckParams(ctx.params, {"since", "until"}); !st.ok()) return http::ErrorResponse(st.error());
    auto id = Segment(path, "/learning/people/");
    if (!id) return http::ErrorResponse(Error::NotFound("no such resource"));
    if (auto st = RequireOwnProfile(svc, ctx, *id, std::nullopt); !st.ok()) return http::ErrorResponse(st.error());
    return Json(svc.PersonProfile(*id, *range));
  }
  if (path == "/learning/agents" || path == "/learning/agents/") {
    if (auto st = CheckParams(ctx.params, {"agent", "since", "until"}); !st.ok()) return http::ErrorResponse(st.error());
    auto agent = http::FindParam(ctx.params, "agent");
    if (!agent) return http::ErrorResponse(Error::BadRequest("parameter agent", "agent", "agent is required"));
    xapi::JsonDocument doc;
    if (auto st = ParseAgentParameter(ctx, *agent, "agent", true, doc); !st.ok()) return http::ErrorResponse(st.error());
    std::string ifi = *xapi::IfiKey(doc);
    if (auto st = RequireOwnProfile(svc, ctx, std::nullopt, ifi); !st.ok()) return http::ErrorResponse(st.error());
    return Json(svc.AgentProfile(ifi, xapi::ToJson(doc), *range));
  }
  if (auto st = Require(ctx, auth::Access::kProfilesRead); !st.ok()) return http::ErrorResponse(st.error());
  if (Trimmed(path, "") == "/learning/scorecard") {
    if (auto st = CheckParams(ctx.params, {"unit", "since", "until"}); !st.ok()) return http::ErrorResponse(st.error());
    return Json(svc.Scorecard(http::FindParam(ctx.params, "unit").value_or(""), *range));
  }
  if (auto st = CheckParams(ctx.params, {"since", "until"}); !st.ok()) return http::ErrorResponse(st.error());
  if (path.starts_with("/learning/units/")) {
    auto unit = Segment(path, "/learning/units/");
    if (!unit) return http::ErrorResponse(Error::NotFound("no such resource"));
    return Json(svc.UnitProfile(*unit, *range));
  }
  if (Trimmed(path, "") == "/learning/organization") return Json(svc.OrganizationProfile(*range));
  if (Trimmed(path, "") == "/learning/goals") return Json(svc.GoalsTree(*range));
  return http::ErrorResponse(Error::NotFound("no such resource: " + std::string(path)));
}

}  // namespace

http::Response HandleAdmin(profile::Service& svc, Context& ctx) {
  if (auto st = Require(ctx, auth::Access::kAdmin); !st.ok()) return http::ErrorResponse(st.error());
  const std::string_view path = ctx.request.Path();
  if (path.starts_with("/admin/people")) {
    if (auto st = CheckParams(ctx.params, {}); !st.ok()) return http::ErrorResponse(st.error());
    return AdminPeople(svc, ctx, path);
  }
  if (auto st = CheckParams(ctx.params, {}); !st.ok()) return http::ErrorResponse(st.error());
  const std::string_view name = Trimmed(path, "");
  if (name == "/admin/framework") {
    return AdminDocument(ctx, [&] { return svc.FrameworkJson(); }, [&](std::string_view b) { return svc.SetFramework(b); });
  }
  if (name == "/admin/rules") {
    return AdminDocument(ctx, [&] { return svc.RulesJson(); }, [&](std::string_view b) { return svc.SetRules(b); });
  }
  if (name == "/admin/goals") {
    return AdminDocument(ctx, [&] { return svc.GoalsJson(); }, [&](std::string_view b) { return svc.SetGoals(b); });
  }
  if (name == "/admin/costs") {
    return AdminDocument(ctx, [&] { return svc.CostsJson(); }, [&](std::string_view b) { return svc.SetCosts(b); });
  }
  if (name.starts_with("/admin/plans/")) {
    auto id = Segment(path, "/admin/plans/");
    if (!id) return http::ErrorResponse(Error::NotFound("no such resource"));
    switch (ctx.request.method) {
      case http::Method::kGet:
      case http::Method::kHead: return Json(svc.PlanJson(*id));
      case http::Method::kPut:
        if (auto st = svc.SetPlan(*id, ctx.request.body); !st.ok()) return http::ErrorResponse(st.error());
        return Json(svc.PlanJson(*id));
      case http::Method::kDelete:
        if (auto st = svc.DeletePlan(*id); !st.ok()) return http::ErrorResponse(st.error());
        return http::EmptyResponse(204);
      default: return MethodNotAllowed("GET, HEAD, PUT, DELETE");
    }
  }
  if (name == "/admin/kpis" || name.starts_with("/admin/kpis/")) {
    // /admin/kpis is the organisation's own; /admin/kpis/{unit} a unit's.
    std::string unit;
    if (name != "/admin/kpis") {
      auto segment = Segment(path, "/admin/kpis/");
      if (!segment) return http::ErrorResponse(Error::NotFound("no such resource"));
      unit = *segment;
    }
    if (ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead) {
      return Json(svc.KpisJson(unit));
    }
    if (ctx.request.method == http::Method::kPut) {
      const bool csv = http::MediaTypeOf(ctx.request.headers.Get("Content-Type").value_or("")) == "text/csv";
      if (auto st = svc.SetKpis(unit, ctx.request.body, csv); !st.ok()) return http::ErrorResponse(st.error());
      return Json(svc.KpisJson(unit));
    }
    return MethodNotAllowed("GET, HEAD, PUT");
  }
  if (name == "/admin/rebuild") {
    if (ctx.request.method == http::Method::kPost) {
      if (auto st = svc.StartRebuild(); !st.ok()) return http::ErrorResponse(st.error());
      return RebuildState(svc, 202);
    }
    if (ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead) {
      return RebuildState(svc, 200);
    }
    return MethodNotAllowed("GET, HEAD, POST");
  }
  return http::ErrorResponse(Error::NotFound("no such resource: " + std::string(path)));
}

http::Response HandleLearning(profile::Service& svc, Context& ctx) {
  return Learning(svc, ctx, ctx.request.Path());
}

}  // namespace lrsd::resources
