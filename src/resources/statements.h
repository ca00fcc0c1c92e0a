// The Statement resource.
#pragma once

#include "lrsd/query.h"
#include "resources/common.h"

namespace lrsd::resources {

http::Response HandleStatements(const Services& svc, Context& ctx);

// The statement query parameters (agent, verb, activity, registration, since, until, limit,
// format, attachments, ascending, related_*) as GET statements reads them; exposed for the
// fuzz target and tests.
Result<query::StatementQuery> ParseStatementQuery(const http::Params& params, xapi::Version version);

}  // namespace lrsd::resources
