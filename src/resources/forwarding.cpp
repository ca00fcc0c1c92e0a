// /admin/forwarding: statement forwarding's configuration and state (see lrsd/forward.h).
#include "lrsd/forward.h"
#include "resources/forwarding_resource.h"

namespace lrsd::resources {

bool IsForwardingPath(std::string_view path) {
  return path == "/admin/forwarding" || path.starts_with("/admin/forwarding/");
}

http::Response HandleForwarding(const Services& svc, Context& ctx) {
  if (auto st = Require(ctx, auth::Access::kAdmin); !st.ok()) return http::ErrorResponse(st.error());
  if (!svc.config.forwarder) return http::ErrorResponse(Error::NotFound("statement forwarding is not enabled"));
  forward::Forwarder& forwarder = *svc.config.forwarder;
  const bool read = ctx.request.method == http::Method::kGet || ctx.request.method == http::Method::kHead;
  std::string_view path = ctx.request.Path();
  if (path != "/admin/forwarding") {
    // /admin/forwarding/{id}/rejected
    path.remove_prefix(std::string_view("/admin/forwarding/").size());
    const std::size_t slash = path.find('/');
    if (slash == std::string_view::npos || path.substr(slash) != "/rejected") {
      return http::ErrorResponse(Error::NotFound("no such resource: " + std::string(ctx.request.Path())));
    }
    if (!read) {
      http::Response r = http::ErrorResponse(Error{405, {}, {}, "GET a target's rejected statements"});
      r.headers.Set("Allow", "GET, HEAD");
      return r;
    }
    auto json = forwarder.RejectedJson(path.substr(0, slash));
    if (!json.ok()) return http::ErrorResponse(json.error());
    return http::JsonResponse(200, std::move(json).value());
  }
  if (read) {
    auto json = forwarder.StatusJson();
    if (!json.ok()) return http::ErrorResponse(json.error());
    http::Response r = http::JsonResponse(200, std::move(json).value());
    r.headers.Set("Cache-Control", "no-store");
    return r;
  }
  if (ctx.request.method != http::Method::kPut) {
    http::Response r = http::ErrorResponse(Error{405, {}, {}, "GET the forwarding targets, or PUT them"});
    r.headers.Set("Allow", "GET, HEAD, PUT");
    return r;
  }
  xapi::JsonDocument body;
  if (auto st = ParseJson(ctx.request.body, body, 32, "forwarding configuration"); !st.ok()) {
    return http::ErrorResponse(st.error());
  }
  if (auto st = forwarder.Configure(body); !st.ok()) return http::ErrorResponse(st.error());
  auto json = forwarder.StatusJson();
  if (!json.ok()) return http::ErrorResponse(json.error());
  return http::JsonResponse(200, std::move(json).value());
}

}  // namespace lrsd::resources
