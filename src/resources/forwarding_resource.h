// /admin/forwarding (GET, PUT) and /admin/forwarding/{id}/rejected (GET): statement forwarding's
// configuration and state (scope admin). The forwarder itself is src/forward/.
#pragma once

#include "resources/common.h"

namespace lrsd::resources {

bool IsForwardingPath(std::string_view path);
http::Response HandleForwarding(const Services& svc, Context& ctx);

}  // namespace lrsd::resources
