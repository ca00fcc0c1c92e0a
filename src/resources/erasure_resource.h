// POST /admin/erasure and GET /admin/erasures (scope admin; erasure only with
// Config::allow_erasure).
#pragma once

#include "resources/common.h"

namespace lrsd::resources {

bool IsErasurePath(std::string_view path);
http::Response HandleErasure(const Services& svc, Context& ctx);

}  // namespace lrsd::resources
