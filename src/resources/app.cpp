// Request pipeline for everything under /xapi/ (and lrsd's own /admin/, /learning/, /export/):
// CORS, the alternate request syntax, version negotiation, authentication, then the resource;
// common response headers on the way out.
#include <chrono>
#include <string>

#include "lrsd/ops.h"
#include "lrsd/resources.h"
#include "resources/about.h"
#include "resources/common.h"
#include "resources/documents.h"
#include "resources/erasure_resource.h"
#include "resources/forwarding_resource.h"
#include "resources/export.h"
#include "resources/learning.h"
#include "resources/statements.h"
#include "ui/ui.h"

namespace lrsd::resources {
namespace {

constexpr std::string_view kAllowMethods = "GET, HEAD, PUT, POST, DELETE, OPTIONS";
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, Accept-Language, "
    "X-Experience-API-Hash";
constexpr std::string_view kExposeHeaders =
    "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through, Content-Type, Location";

// Form fields the alternate request syntax treats as headers (Communication 1.3).
constexpr std::string_view kFormHeaders[] = {"Authorization", "X-Experience-API-Version", "Content-Type",
                                             "Content-Length", "If-Match", "If-None-Match"};

enum class Route {
  kNone, kStatements, kAbout, kState, kActivityProfile, kAgentProfile, kActivities, kAgents,
  kAdmin, kLearning, kExport,  // lrsd's own, outside the xAPI base path
  kHealth, kMetrics,  // operations (src/ops)
  kUi,                // the dashboard's static files (src/ui), no credential
};

Route RouteOf(std::string_view path, std::string_view base) {
  if (path == "/health") return Route::kHealth;
  if (path == "/metrics") return Route::kMetrics;
  if (ui::IsUiPath(path)) return Route::kUi;
  if (path == "/admin" || path.starts_with("/admin/")) return Route::kAdmin;
  if (path.starts_with("/learning/")) return Route::kLearning;
  if (path.starts_with("/export/")) return Route::kExport;
  if (!path.starts_with(base)) return Route::kNone;
  path.remove_prefix(base.size());
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/statements") return Route::kStatements;
  if (path == "/about") return Route::kAbout;
  if (path == "/activities/state") return Route::kState;
  if (path == "/activities/profile") return Route::kActivityProfile;
  if (path == "/agents/profile") return Route::kAgentProfile;
  if (path == "/activities") return Route::kActivities;
  if (path == "/agents") return Route::kAgents;
  return Route::kNone;
}

}  // namespace

struct App::Impl {
  store::Store& store;
  auth::Authenticator& auth;
  Config config;
  profile::Service* profiles;
  Services services{store, auth, config, profiles};

  Impl(store::Store& s, auth::Authenticator& a, profile::Service* p, Config c)
      : store(s), auth(a), config(std::move(c)), profiles(p) {}

  bool OriginAllowed(std::string_view origin) const {
    if (config.cors_origins == "*") return true;
    std::string_view list = config.cors_origins;
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item == origin) return true;
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return false;
  }

  void AddCors(const http::Request& request, http::Response& response) const {
    auto origin = request.headers.Get("Origin");
    if (!origin || !OriginAllowed(*origin)) return;
    response.headers.Set("Access-Control-Allow-Origin", std::string(*origin));
    response.headers.Set("Vary", "Origin");
    response.headers.Set("Access-Control-Expose-Headers", std::string(kExposeHeaders));
  }

  http::Response Preflight(const http::Request& request) const {
    http::Response r = http::EmptyResponse(204);
    r.headers.Set("Allow", std::string(kAllowMethods));
    if (auto origin = request.headers.Get("Origin"); origin && OriginAllowed(*origin)) {
      r.headers.Set("Access-Control-Allow-Methods", std::string(kAllowMethods));
      auto requested = request.headers.Get("Access-Control-Request-Headers");
      r.headers.Set("Access-Control-Allow-Headers", requested ? std::string(*requested) : std::string(kAllowHeaders));
      r.headers.Set("Access-Control-Max-Age", "86400");
    }
    return r;
  }

  // Rewrites a 1.0.x alternate-syntax request (POST ?method=X with a form body) into the
  // request it stands for. `params` receives the form's non-header fields.
  Status ApplyAlternateSyntax(http::Request& request, http::Params& params, bool& applied) const {
    auto query = http::ParseForm(request.Query());
    if (!query) return Error::BadRequest("query string", "XAPI-00012", "malformed query string");
    auto method = http::FindParam(*query, "method");
    if (!method) {
      params = std::move(*query);
      return OkStatus();
    }
    applied = true;
    if (request.method != http::Method::kPost) {
      return Error::BadRequest("parameter method", "XAPI-00336", "the alternate request syntax is issued as a POST");
    }
    if (query->size() != 1) {
      return Error::BadRequest("query string", "XAPI-00336",
                               "under the alternate request syntax the query string holds only method");
    }
    http::Method target = http::ParseMethod(*method);
    if (target == http::Method::kOther || target == http::Method::kOptions || target == http::Method::kHead) {
      return Error::BadRequest("parameter method", "XAPI-00336", "unsupported method " + std::string(*method));
    }
    auto content_type = request.headers.Get("Content-Type");
    if (!content_type || http::MediaTypeOf(*content_type) != "application/x-www-form-urlencoded") {
      return Error::BadRequest("header Content-Type", "XAPI-00336",
                               "the alternate request syntax sends application/x-www-form-urlencoded");
    }
    auto form = http::ParseForm(request.body);
    if (!form) return Error::BadRequest("body", "XAPI-00336", "malformed form body");
    std::string content;
    params.clear();
    for (auto& [name, value] : *form) {
      bool is_header = false;
      for (std::string_view h : kFormHeaders) {
        if (EqualsIgnoreCase(name, h)) {
          is_header = true;
          if (!EqualsIgnoreCase(name, "Content-Length")) request.headers.Set(h, value);
        }
      }
      if (is_header) continue;
      if (name == "content") {
        content = std::move(value);
      } else {
        params.emplace_back(std::move(name), std::move(value));
      }
    }
    if (http::MediaTypeOf(request.headers.Get("Content-Type").value_or("")) == "application/x-www-form-urlencoded") {
      // The form itself is not the content type of the request it carries.
      request.headers.Set("Content-Type", "application/json");
    }
    request.method = target;
    request.method_name = std::string(http::MethodName(target));
    request.body = std::move(content);
    return OkStatus();
  }

  // /health (no credential) and /metrics (scope admin or all unless config.metrics_auth is off).
  http::Response Operations(const http::Request& request, Route route) {
    if (request.method != http::Method::kGet && request.method != http::Method::kHead) {
      http::Response r = http::ErrorResponse(Error{405, {}, {}, "this resource answers GET and HEAD"});
      r.headers.Set("Allow", "GET, HEAD, OPTIONS");
      return r;
    }
    http::Response r;
    if (route == Route::kHealth) {
      r = ops::HealthResponse(store, LRSD_VERSION);
    } else if (!config.metrics) {
      r = http::ErrorResponse(Error::NotFound("metrics are not enabled"));
    } else {
      if (config.metrics_auth) {
        // Throttled per client address like every other authentication.
        std::chrono::seconds retry_after{0};
        auto principal = auth.Authenticate(request.headers.Get("Authorization"), request.remote_address, &retry_after);
        if (!principal.ok()) {
          r = http::ErrorResponse(principal.error());
          if (r.status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"lrsd\"");
          if (retry_after.count() > 0) r.headers.Set("Retry-After", std::to_string(retry_after.count()));
          return r;
        }
        if (!auth::Allows((*principal)->scopes, auth::Access::kAdmin)) {
          return http::ErrorResponse(Error::Forbidden("/metrics needs a credential with scope admin or all"));
        }
      }
      r = ops::MetricsResponse(*config.metrics, &store);
    }
    r.head_only = request.method == http::Method::kHead;
    return r;
  }

  http::Response Dispatch(http::Request& request, std::string& version_header) {
    Route route = RouteOf(request.Path(), config.base_path);
    if (route == Route::kNone) return http::ErrorResponse(Error::NotFound("no such resource: " + std::string(request.Path())));
    if (route == Route::kHealth || route == Route::kMetrics) return Operations(request, route);
    if (route == Route::kUi) return ui::Handle(request);

    http::Params params;
    bool alternate = false;
    Status alt = ApplyAlternateSyntax(request, params, alternate);

    // Version: every resource but About names one (XAPI-00321/00331).
    auto header = request.headers.Get("X-Experience-API-Version");
    std::optional<xapi::Version> version;
    if (header) {
      auto parsed = xapi::ParseVersionHeader(*header);
      if (parsed.ok()) {
        version = *parsed;
        version_header = std::string(xapi::VersionString(*version));
      }
    }
    if (!alt.ok()) return http::ErrorResponse(alt.error());
    if (version == xapi::Version::k2_0 && alternate) {
      return http::ErrorResponse(
          Error::BadRequest("parameter method", "XAPI-00336", "xAPI 2.0 has no alternate request syntax"));
    }

    if (route == Route::kAbout) {
      if (request.method != http::Method::kGet && request.method != http::Method::kHead) {
        return http::ErrorResponse(Error{405, {}, {}, "the about resource answers GET and HEAD"});
      }
      http::Response r = HandleAbout(params);
      r.head_only = request.method == http::Method::kHead;
      return r;
    }

    // A credential not verified yet costs a key derivation: not on a network thread.
    if (request.on_network_thread && !auth.IsCached(request.headers.Get("Authorization"))) {
      return RetryOnWorkerResponse();
    }
    // Failed authentications are throttled per client address: 429 with Retry-After.
    std::chrono::seconds retry_after{0};
    auto principal = auth.Authenticate(request.headers.Get("Authorization"), request.remote_address, &retry_after);
    if (!principal.ok()) {
      http::Response r = http::ErrorResponse(principal.error());
      if (r.status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"lrsd\"");
      if (retry_after.count() > 0) r.headers.Set("Retry-After", std::to_string(retry_after.count()));
      return r;
    }
    if (route == Route::kAdmin || route == Route::kLearning || route == Route::kExport) {
      // lrsd's own resources: no xAPI version header needed (agents validate as 2.0).
      // Statement exports work without profiles; the people export answers 404 itself.
      if (!profiles && route != Route::kExport) {
        return http::ErrorResponse(Error::NotFound("learning profiles are not enabled"));
      }
      if (alternate) return http::ErrorResponse(Error::BadRequest("parameter method", "method", "not an xAPI resource"));
      Context own{request, std::move(params), version.value_or(xapi::Version::k2_0), std::move(*principal),
                  request.method == http::Method::kHead};
      if (route == Route::kAdmin && IsErasurePath(request.Path())) {
        http::Response r = HandleErasure(services, own);
        if (own.head) r.head_only = true;
        return r;
      }
      if (route == Route::kAdmin && IsForwardingPath(request.Path())) {
        http::Response r = HandleForwarding(services, own);
        if (own.head) r.head_only = true;
        return r;
      }
      http::Response r = route == Route::kExport  ? HandleExport(services, own)
                         : route == Route::kAdmin ? HandleAdmin(*profiles, own)
                                                  : HandleLearning(*profiles, own);
      if (own.head) r.head_only = true;
      return r;
    }
    if (!header) {
      return http::ErrorResponse(
          Error::BadRequest("header X-Experience-API-Version", "XAPI-00331", "this resource requires the header"));
    }
    if (!version) {
      return http::ErrorResponse(Error::BadRequest("header X-Experience-API-Version", "XAPI-00331",
                                                   "unsupported version '" + std::string(*header) +
                                                       "' (this LRS speaks 1.0.x and 2.0.x)"));
    }

    Context ctx{request, std::move(params), *version, std::move(*principal), request.method == http::Method::kHead};
    http::Response r;
    switch (route) {
      case Route::kStatements:
        r = HandleStatements(services, ctx);
        break;
      case Route::kState:
        r = HandleState(services, ctx);
        break;
      case Route::kActivityProfile:
        r = HandleActivityProfile(services, ctx);
        break;
      case Route::kAgentProfile:
        r = HandleAgentProfile(services, ctx);
        break;
      case Route::kActivities:
        r = HandleActivities(services, ctx);
        break;
      case Route::kAgents:
        r = HandleAgents(services, ctx);
        break;
      default:
        r = http::ErrorResponse(Error::NotFound("no such resource"));
    }
    if (ctx.head) r.head_only = true;
    return r;
  }
};

App::App(store::Store& store, auth::Authenticator& auth, profile::Service* profiles, Config config)
    : impl_(std::make_unique<Impl>(store, auth, profiles, std::move(config))) {}
App::~App() = default;

http::Response App::Handle(http::Request& request) {
  if (request.method == http::Method::kOptions) {
    http::Response r = impl_->Preflight(request);
    impl_->AddCors(request, r);
    return r;
  }
  std::string version_header = std::string(xapi::VersionString(impl_->config.default_version));
  const bool statements = RouteOf(request.Path(), impl_->config.base_path) == Route::kStatements;
  http::Response r = impl_->Dispatch(request, version_header);
  if (r.retry_on_worker) return r;
  if (statements) {
    // On every statements response, whatever its status (XAPI-00153).
    r.headers.Set("X-Experience-API-Consistent-Through",
                  FormatTimestampMillis(static_cast<MicrosSinceEpoch>(impl_->store.ConsistentThrough())));
  }
  r.headers.Set("X-Experience-API-Version", version_header);
  impl_->AddCors(request, r);
  return r;
}

http::Response App::HandleInline(http::Request& request) {
  // Small statement writes skip two thread hand-offs (to a worker and back): +7% single-statement
  // POSTs at 32 connections, p99 -10-20%; ~4% less throughput in the mixed scenario
  // (benchmarks/RESULTS.md). Multipart bodies (attachments, signatures) and the alternate request
  // syntax take the usual way.
  constexpr std::size_t kInlineBodyLimit = 64 * 1024;
  const bool write = request.method == http::Method::kPost || request.method == http::Method::kPut;
  if (!write || request.body.size() > kInlineBodyLimit ||
      RouteOf(request.Path(), impl_->config.base_path) != Route::kStatements ||
      request.Query().find("method") != std::string_view::npos) {
    return RetryOnWorkerResponse();
  }
  if (auto type = request.headers.Get("Content-Type"); type && http::MediaTypeOf(*type) != "application/json") {
    return RetryOnWorkerResponse();
  }
  return Handle(request);
}

}  // namespace lrsd::resources
