// lrsd ui: the built-in dashboard served under /ui/. Its static files (src/ui/web/ and Chart.js
// from npm) are compiled into the binary by src/ui/embed_ui.cmake; nothing is read from disk or
// fetched from elsewhere at run time. The files need no credential; the API calls they make do.
#pragma once

#include <cstddef>
#include <string_view>

#include "lrsd/http.h"

namespace lrsd::ui {

struct EmbeddedFile {
  std::string_view path;  // relative to /ui/: "index.html", "js/app.js"
  std::string_view body;
  std::string_view etag;  // quoted SHA-1 of the body
};
// Generated (build/generated/embedded_ui.cpp); empty when built with -DLRSD_UI=OFF.
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

// "/ui" and everything under "/ui/".
bool IsUiPath(std::string_view path);

// GET/HEAD: /ui -> 301 to /ui/; /ui/ -> index.html; /ui/<file> -> the file with its
// Content-Type, Cache-Control: no-cache, ETag (304 on a matching If-None-Match) and a
// Content-Security-Policy allowing only this origin; 404 for unknown files; 405 for other methods.
http::Response Handle(const http::Request& request);

// The Content-Type for a file name, by extension (application/octet-stream when unknown).
std::string_view ContentTypeOf(std::string_view name);

}  // namespace lrsd::ui
