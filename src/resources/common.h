// Shared by the resource handlers: the per-request context and small helpers for parameters,
// JSON bodies and responses.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lrsd/auth.h"
#include "lrsd/http.h"
#include "lrsd/profile.h"
#include "lrsd/resources.h"
#include "lrsd/store.h"
#include "lrsd/xapi.h"

namespace lrsd::resources {

// The long-lived services every handler may use. Owned by main, outlive every request.
struct Services {
  store::Store& store;
  auth::Authenticator& auth;
  const Config& config;
  profile::Service* profiles = nullptr;  // learning profiles; null: not maintained
};

// One request, after routing, version negotiation and authentication.
struct Context {
  http::Request& request;
  http::Params params;           // query parameters (form fields under the alternate syntax)
  xapi::Version version;
  std::shared_ptr<const auth::Principal> principal;
  bool head = false;             // HEAD: answer as GET without a body
};

// 400 unless every parameter is one of `allowed` (exact case: xAPI parameters are
// case-sensitive, XAPI-00324/00325) and none is repeated.
Status CheckParams(const http::Params& params, std::initializer_list<std::string_view> allowed);

// "true"/"false" only (JSON booleans, Communication 2.1.3); absent gives `fallback`.
Result<bool> BoolParam(const http::Params& params, std::string_view name, bool fallback);

// Parses a JSON body: UTF-8 validated, full-precision numbers, iterative (no recursion), and at
// most `max_depth` levels deep (checked without recursion). `what` names it in errors.
Status ParseJson(std::string_view text, xapi::JsonDocument& doc, std::size_t max_depth, std::string_view what);

// On a network thread (http::Request::on_network_thread), what a handler answers when it would
// have to wait: nothing was done, and the request runs again on a worker.
inline constexpr std::string_view kRetryOnWorker = "lrsd-retry-on-worker";
inline Error RetryOnWorker() { return Error{503, {}, std::string(kRetryOnWorker), "retry on a worker"}; }
inline bool IsRetryOnWorker(const Error& e) { return e.rule == kRetryOnWorker; }
inline http::Response RetryOnWorkerResponse() {
  http::Response r;
  r.retry_on_worker = true;
  return r;
}

// 403 unless the principal's scopes allow `access`.
Status Require(const Context& ctx, auth::Access access);

}  // namespace lrsd::resources
