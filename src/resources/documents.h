// The document resources (State, Activity Profile, Agent Profile) and the Activities and
// Agents resources.
#pragma once

#include "resources/common.h"

namespace lrsd::resources {

// Parses an `agent` parameter: JSON, valid, with an IFI, and an Agent unless `allow_group`
// (then an identified Group will do); else 400 with `rule`.
Status ParseAgentParameter(const Context& ctx, std::string_view value, std::string_view rule, bool allow_group,
                           xapi::JsonDocument& agent);

http::Response HandleState(const Services& svc, Context& ctx);
http::Response HandleActivityProfile(const Services& svc, Context& ctx);
http::Response HandleAgentProfile(const Services& svc, Context& ctx);
http::Response HandleActivities(const Services& svc, Context& ctx);
http::Response HandleAgents(const Services& svc, Context& ctx);

}  // namespace lrsd::resources
