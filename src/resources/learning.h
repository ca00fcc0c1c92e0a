// lrsd's own resources beside the xAPI: /admin/ and /learning/.
#pragma once

#include "lrsd/profile.h"
#include "resources/common.h"

namespace lrsd::resources {

// /admin/people[/{id}], /admin/framework, /admin/rules, /admin/rebuild (scope admin).
http::Response HandleAdmin(profile::Service& svc, Context& ctx);
// /learning/people/{id}, /learning/agents?agent=, /learning/units/{unit}, /learning/organization
// (scope profiles/read; profiles/read/mine for the caller's own).
http::Response HandleLearning(profile::Service& svc, Context& ctx);

}  // namespace lrsd::resources
