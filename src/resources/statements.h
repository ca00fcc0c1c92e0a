// The Statement resource.
#pragma once

#include "resources/common.h"

namespace lrsd::resources {

http::Response HandleStatements(const Services& svc, Context& ctx);

}  // namespace lrsd::resources
