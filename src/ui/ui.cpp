// The dashboard's static files under /ui/ (see ui.h).
#include "ui/ui.h"

#include <string>

namespace lrsd::ui {
namespace {

// Only this origin: scripts, styles, images, fonts and API calls; no plugins, framing or <base>.
// Chart.js sets canvas styles through the CSSOM, which style-src does not restrict.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const EmbeddedFile* Find(std::string_view name) {
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].path == name) return &kEmbeddedFiles[i];
  }
  return nullptr;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match: "*" or a list of (weak or strong) entity tags, compared weakly (RFC 9110 13.1.2).
bool NoneMatchHolds(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
  }
  return false;
}

void SetCommonHeaders(http::Response& r) {
  r.headers.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Referrer-Policy", "no-referrer");
}

}  // namespace

bool IsUiPath(std::string_view path) { return path == "/ui" || path.starts_with("/ui/"); }

std::string_view ContentTypeOf(std::string_view name) {
  std::size_t dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

http::Response Handle(const http::Request& request) {
  const bool head = request.method == http::Method::kHead;
  if (request.method != http::Method::kGet && !head) {
    http::Response r = http::ErrorResponse(Error{405, {}, {}, "the dashboard's files answer GET and HEAD"});
    r.headers.Set("Allow", "GET, HEAD");
    return r;
  }
  std::string_view path = request.Path();
  if (path == "/ui") {
    // Relative URLs in index.html resolve against /ui/.
    http::Response r = http::EmptyResponse(301);
    r.headers.Set("Location", "/ui/");
    r.head_only = head;
    return r;
  }
  std::string_view name = path.substr(std::string_view("/ui/").size());
  if (name.empty()) name = "index.html";
  const EmbeddedFile* file = Find(name);
  if (!file) {
    http::Response r = http::ErrorResponse(Error::NotFound(
        kEmbeddedFileCount == 0 ? "this lrsd was built without the dashboard (-DLRSD_UI=OFF)"
                                : "no such file: " + std::string(path)));
    SetCommonHeaders(r);
    r.head_only = head;
    return r;
  }
  http::Response r;
  SetCommonHeaders(r);
  r.headers.Set("Cache-Control", "no-cache");  // revalidate: the ETag makes that a 304
  r.headers.Set("ETag", std::string(file->etag));
  if (auto none_match = request.headers.Get("If-None-Match"); none_match && NoneMatchHolds(*none_match, file->etag)) {
    r.status = 304;
    r.head_only = head;
    return r;
  }
  r.status = 200;
  r.headers.Set("Content-Type", std::string(ContentTypeOf(name)));
  r.body.assign(file->body);
  r.head_only = head;
  return r;
}

}  // namespace lrsd::ui
