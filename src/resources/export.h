// Exports for reporting tools, outside the xAPI base path: /export/statements.csv,
// /export/statements.ndjson and /export/people.csv, streamed (http::BodyStream) so that memory
// stays bounded whatever their size.
#pragma once

#include <string>
#include <string_view>

#include "lrsd/profile.h"
#include "resources/common.h"

namespace lrsd::resources {

// GET (and HEAD) /export/…; scope all, all/read or profiles/read.
http::Response HandleExport(const Services& svc, Context& ctx);

// ---- CSV (RFC 4180), exposed for tests ---------------------------------------------------------
// Appends one field: quoted (with inner quotes doubled) when it holds a comma, a quote, CR or LF.
void AppendCsvField(std::string& out, std::string_view value);
// The header row of statements.csv and of people.csv, each ending with CRLF.
std::string StatementCsvHeader();
std::string PeopleCsvHeader();
// Appends the row (ending with CRLF) of a statement as stored (its JSON).
Status AppendStatementCsvRow(std::string_view statement_json, std::string& out);
// Appends the row of a person from their profile as GET /learning/people/{id} returns it.
Status AppendPersonCsvRow(std::string_view profile_json, std::string& out);

}  // namespace lrsd::resources
