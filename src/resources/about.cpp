#include "resources/about.h"

#include "resources/common.h"

namespace lrsd::resources {

http::Response HandleAbout(const http::Params& params) {
  if (auto st = CheckParams(params, {}); !st.ok()) return http::ErrorResponse(st.error());
  // Every version a client may name in X-Experience-API-Version; clients such as TinCanJS pick
  // the newest one both sides know.
  return http::JsonResponse(
      200,
      R"({"version":["1.0.0","1.0.1","1.0.2","1.0.3","2.0.0"],)"
      R"("extensions":{"http://lrsd.local/about":{"name":"lrsd","version":")" LRSD_VERSION R"("}}})");
}

}  // namespace lrsd::resources
