// Exports for reporting tools. Statements go through the same query layer as GET
// /xapi/statements (filters, order, voided statements left out) page by page on one store
// snapshot; people through the profile service, one person at a time. Each is an
// http::BodyStream: the server asks for the next piece once the previous one is written.
#include "resources/export.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <vector>

#include "lrsd/query.h"
#include "resources/statements.h"

namespace lrsd::resources {
namespace {

// Statements per query page (one chunk), and people per chunk: big enough that chunk overhead
// does not matter, small enough that a chunk stays well under a megabyte or so.
constexpr std::uint32_t kPageRows = 500;
constexpr std::size_t kPeoplePerChunk = 50;

constexpr std::string_view kStatementColumns[] = {
    "id", "timestamp", "stored", "actor_name", "actor_ifi", "verb_id", "verb_display", "object_type", "object_id",
    "object_name", "object_type_iri", "result_success", "result_completion", "result_score_scaled",
    "result_score_raw", "result_duration", "result_duration_seconds", "context_registration", "context_platform",
    "context_parent_ids", "context_grouping_ids", "authority_ifi", "version"};

constexpr std::string_view kPeopleColumns[] = {
    "id", "name", "unit", "role", "formal_seconds", "experiential_seconds", "informal_seconds",
    "unclassified_seconds", "total_seconds", "statements", "completions", "passed", "failed",
    "average_scaled_score", "competency_gap"};

// ---- JSON reading helpers ----------------------------------------------------------------------
const xapi::JsonValue* Member(const xapi::JsonValue* obj, const char* name) {
  if (!obj || !obj->IsObject()) return nullptr;
  auto it = obj->FindMember(name);
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

std::string_view String(const xapi::JsonValue* v) {
  return v && v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : std::string_view{};
}

// Shortest text that reads back as the same number ("3600", "0.95"); empty for non-numbers.
std::string Number(const xapi::JsonValue* v) {
  if (!v || !v->IsNumber()) return {};
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsUint64()) return std::to_string(v->GetUint64());
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v->GetDouble());
  return ec == std::errc{} ? std::string(buf, end) : std::string{};
}

std::string Number(double d) {
  xapi::JsonValue v(d);
  return Number(&v);
}

std::string_view Bool(const xapi::JsonValue* v) {
  if (!v || !v->IsBool()) return {};
  return v->GetBool() ? "true" : "false";
}

// A language map's English entry ("en", else the first "en-…"), else its first entry.
std::string_view English(const xapi::JsonValue* map) {
  if (!map || !map->IsObject() || map->MemberCount() == 0) return {};
  for (const auto& m : map->GetObject()) {
    if (String(&m.name) == "en") return String(&m.value);
  }
  for (const auto& m : map->GetObject()) {
    if (String(&m.name).starts_with("en-")) return String(&m.value);
  }
  return String(&map->MemberBegin()->value);
}

// An agent's IFI key (xapi::IfiKey); for an anonymous group (an OAuth authority) its members'
// keys separated by ';', as the people directory's CSV lists IFIs.
std::string Ifi(const xapi::JsonValue* agent) {
  if (!agent) return {};
  if (auto key = xapi::IfiKey(*agent)) return *key;
  std::string out;
  if (const auto* members = Member(agent, "member"); members && members->IsArray()) {
    for (const auto& m : members->GetArray()) {
      auto key = xapi::IfiKey(m);
      if (!key) continue;
      if (!out.empty()) out += ';';
      out += *key;
    }
  }
  return out;
}

// The ids of a context activities list, space-separated (IRIs hold no spaces).
std::string ActivityIds(const xapi::JsonValue* list) {
  std::string out;
  if (!list || !list->IsArray()) return out;
  for (const auto& a : list->GetArray()) {
    std::string_view id = String(Member(&a, "id"));
    if (id.empty()) continue;
    if (!out.empty()) out += ' ';
    out += id;
  }
  return out;
}

void AppendRow(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += ',';
    first = false;
    AppendCsvField(out, f);
  }
  out += "\r\n";
}

template <std::size_t N>
std::string Header(const std::string_view (&columns)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ',';
    out += columns[i];
  }
  return out + "\r\n";
}

xapi::JsonDocument ParseDocument(std::string_view json) {
  xapi::JsonDocument doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  return doc;
}

// ---- Producers -----------------------------------------------------------------------------------
// Statements: the query continues from the cursor each page hands back, exactly as a client
// following `more` links would, on one snapshot for the whole export.
class StatementExport {
 public:
  StatementExport(store::ReadView view, query::StatementQuery query, std::uint64_t max_rows, bool csv,
                  std::uint64_t max_scanned)
      : view_(std::move(view)), next_(std::move(query)), remaining_(max_rows), csv_(csv), max_scanned_(max_scanned) {}

  Result<bool> operator()(std::string& chunk) {
    if (csv_ && !header_sent_) chunk += StatementCsvHeader();
    header_sent_ = true;
    if (remaining_ == 0) return false;
    next_.limit = static_cast<std::uint32_t>(std::min<std::uint64_t>(kPageRows, remaining_));
    auto page = query::Run(view_, next_, {kPageRows, max_scanned_});
    if (!page.ok()) return std::move(page).error();
    for (const auto& s : page->statements) {
      if (csv_) {
        if (auto st = AppendStatementCsvRow(s.json, chunk); !st.ok()) return st.error();
      } else {
        // The stored JSON is the `exact` format GET /xapi/statements returns.
        chunk += s.json;
        chunk += '\n';
      }
    }
    remaining_ -= page->statements.size();
    if (!page->more || remaining_ == 0) {
      remaining_ = 0;
      return false;
    }
    auto next = query::DecodeCursor(*page->more);
    if (!next.ok()) return std::move(next).error();
    next_ = std::move(next).value();
    return true;
  }

 private:
  store::ReadView view_;
  query::StatementQuery next_;
  std::uint64_t remaining_;
  bool csv_;
  std::uint64_t max_scanned_;
  bool header_sent_ = false;
};

// People: each row from the person's profile as the profile service serves it (and caches it).
class PeopleExport {
 public:
  PeopleExport(profile::Service& profiles, std::vector<profile::Person> people, profile::Range range)
      : profiles_(profiles), people_(std::move(people)), range_(range) {}

  Result<bool> operator()(std::string& chunk) {
    if (!header_sent_) chunk += PeopleCsvHeader();
    header_sent_ = true;
    for (std::size_t n = 0; n < kPeoplePerChunk && next_ < people_.size(); ++n, ++next_) {
      auto json = profiles_.PersonProfile(people_[next_].id, range_);
      if (!json.ok() && json.error().status == 404) continue;  // removed from the directory meanwhile
      if (!json.ok()) return std::move(json).error();
      if (auto st = AppendPersonCsvRow(*json, chunk); !st.ok()) return st.error();
    }
    return next_ < people_.size();
  }

 private:
  profile::Service& profiles_;
  std::vector<profile::Person> people_;
  profile::Range range_;
  std::size_t next_ = 0;
  bool header_sent_ = false;
};

// A streamed 200 whose first piece is produced now, on the handler's thread: a failure there
// (the store, a first page) is still an ordinary error response, not a cut-off transfer.
template <class Producer>
http::Response Streamed(std::shared_ptr<Producer> producer, std::string_view content_type, std::string_view filename,
                        bool head) {
  http::Response r;
  r.headers.Set("Content-Type", std::string(content_type));
  r.headers.Set("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  r.headers.Set("Cache-Control", "no-store");
  r.head_only = head;
  if (head) {
    r.stream = [](std::string&) -> Result<bool> { return false; };
    return r;
  }
  auto first = std::make_shared<std::string>();
  auto more = (*producer)(*first);
  if (!more.ok()) return http::ErrorResponse(more.error());
  r.stream = [producer, first, more = *more](std::string& chunk) mutable -> Result<bool> {
    if (first) {
      chunk = std::move(*first);
      first.reset();
      return more;
    }
    return (*producer)(chunk);
  };
  return r;
}

// The parameters of GET /xapi/statements that filter or order; `limit` caps the rows (none:
// every matching statement).
http::Response ExportStatements(const Services& svc, Context& ctx, bool csv) {
  if (auto st = CheckParams(ctx.params, {"agent", "verb", "activity", "registration", "related_activities",
                                         "related_agents", "since", "until", "ascending", "limit"});
      !st.ok()) {
    return http::ErrorResponse(st.error());
  }
  auto query = ParseStatementQuery(ctx.params, ctx.version);
  if (!query.ok()) return http::ErrorResponse(query.error());
  const std::uint64_t max_rows = query->limit == 0 ? UINT64_MAX : query->limit;
  store::ReadView view = svc.store.Read();
  const std::uint64_t watermark = view.watermark();
  auto producer = std::make_shared<StatementExport>(std::move(view), std::move(query).value(), max_rows, csv,
                                                    svc.config.query.max_scanned);
  http::Response r = csv ? Streamed(producer, "text/csv; charset=utf-8; header=present", "statements.csv", ctx.head)
                         : Streamed(producer, "application/x-ndjson", "statements.ndjson", ctx.head);
  // The snapshot the export reads: later statements are not in it.
  if (r.stream) {
    r.headers.Set("X-Experience-API-Consistent-Through",
                  FormatTimestampMillis(static_cast<MicrosSinceEpoch>(watermark)));
  }
  return r;
}

http::Response ExportPeople(const Services& svc, Context& ctx) {
  if (!svc.profiles) return http::ErrorResponse(Error::NotFound("learning profiles are not enabled"));
  if (auto st = CheckParams(ctx.params, {"since", "until"}); !st.ok()) return http::ErrorResponse(st.error());
  profile::Range range;
  for (auto [name, slot] : {std::pair{"since", &range.since}, std::pair{"until", &range.until}}) {
    if (auto v = http::FindParam(ctx.params, name)) {
      auto t = xapi::ParseTimestamp(*v, xapi::Version::k1_0);
      if (!t) return http::ErrorResponse(Error::BadRequest(std::string("parameter ") + name, "iso8601",
                                                           "must be an ISO 8601 timestamp"));
      *slot = *t;
    }
  }
  auto people = svc.profiles->ListPeople();
  if (!people.ok()) return http::ErrorResponse(people.error());
  auto producer = std::make_shared<PeopleExport>(*svc.profiles, std::move(people).value(), range);
  return Streamed(producer, "text/csv; charset=utf-8; header=present", "people.csv", ctx.head);
}

}  // namespace

void AppendCsvField(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string StatementCsvHeader() { return Header(kStatementColumns); }
std::string PeopleCsvHeader() { return Header(kPeopleColumns); }

Status AppendStatementCsvRow(std::string_view statement_json, std::string& out) {
  xapi::JsonDocument doc = ParseDocument(statement_json);
  if (doc.HasParseError() || !doc.IsObject()) return Error::Internal("stored statement is not valid JSON");
  const xapi::JsonValue* s = &doc;
  const auto* actor = Member(s, "actor");
  const auto* verb = Member(s, "verb");
  const auto* object = Member(s, "object");
  const auto* definition = Member(object, "definition");
  const auto* result = Member(s, "result");
  const auto* score = Member(result, "score");
  const auto* context = Member(s, "context");
  const auto* activities = Member(context, "contextActivities");

  std::string_view object_type = String(Member(object, "objectType"));
  if (object_type.empty()) object_type = "Activity";
  std::string object_id;
  std::string_view object_name;
  if (object_type == "Agent" || object_type == "Group") {
    object_id = Ifi(object);
    object_name = String(Member(object, "name"));
  } else if (object_type != "SubStatement") {
    object_id = String(Member(object, "id"));
    object_name = English(Member(definition, "name"));
  }
  std::string_view duration = String(Member(result, "duration"));
  std::string duration_seconds;
  if (auto seconds = duration.empty() ? std::nullopt : xapi::DurationSeconds(duration)) {
    duration_seconds = Number(*seconds);
  }

  AppendRow(out, {String(Member(s, "id")), String(Member(s, "timestamp")), String(Member(s, "stored")),
                  String(Member(actor, "name")), Ifi(actor), String(Member(verb, "id")),
                  English(Member(verb, "display")), object_type, object_id, object_name,
                  String(Member(definition, "type")), Bool(Member(result, "success")),
                  Bool(Member(result, "completion")), Number(Member(score, "scaled")), Number(Member(score, "raw")),
                  duration, duration_seconds, String(Member(context, "registration")),
                  String(Member(context, "platform")), ActivityIds(Member(activities, "parent")),
                  ActivityIds(Member(activities, "grouping")), Ifi(Member(s, "authority")),
                  String(Member(s, "version"))});
  return OkStatus();
}

Status AppendPersonCsvRow(std::string_view profile_json, std::string& out) {
  xapi::JsonDocument doc = ParseDocument(profile_json);
  if (doc.HasParseError() || !doc.IsObject()) return Error::Internal("a person's profile is not valid JSON");
  const auto* person = Member(&doc, "person");
  const auto* modalities = Member(&doc, "modalities");
  const auto* outcomes = Member(&doc, "outcomes");
  auto seconds = [&](const char* modality) {
    const auto* v = Member(Member(modalities, modality), "seconds");
    return v && v->IsNumber() ? v->GetDouble() : 0.0;
  };
  std::int64_t statements = 0;
  if (modalities && modalities->IsObject()) {
    for (const auto& m : modalities->GetObject()) {
      if (const auto* n = Member(&m.value, "statements"); n && n->IsInt64()) statements += n->GetInt64();
    }
  }
  std::int64_t gap = 0;
  if (const auto* lines = Member(&doc, "competencies"); lines && lines->IsArray()) {
    for (const auto& line : lines->GetArray()) {
      if (const auto* g = Member(&line, "gap"); g && g->IsInt64()) gap += g->GetInt64();
    }
  }
  // Learning time as the profiles count it: the three modalities, unclassified apart.
  const double total = seconds("formal") + seconds("experiential") + seconds("informal");
  AppendRow(out, {String(Member(person, "id")), String(Member(person, "name")), String(Member(person, "unit")),
                  String(Member(person, "role")), Number(seconds("formal")), Number(seconds("experiential")),
                  Number(seconds("informal")), Number(seconds("unclassified")), Number(total),
                  std::to_string(statements), Number(Member(outcomes, "completed")),
                  Number(Member(outcomes, "passed")), Number(Member(outcomes, "failed")),
                  Number(Member(outcomes, "averageScaledScore")), std::to_string(gap)});
  return OkStatus();
}

http::Response HandleExport(const Services& svc, Context& ctx) {
  if (ctx.request.method != http::Method::kGet && ctx.request.method != http::Method::kHead) {
    http::Response r = http::ErrorResponse(Error{405, {}, {}, "exports answer GET and HEAD"});
    r.headers.Set("Allow", "GET, HEAD, OPTIONS");
    return r;
  }
  // Reporting reads everything of everyone: the scopes that read every profile.
  if (auto st = Require(ctx, auth::Access::kProfilesRead); !st.ok()) return http::ErrorResponse(st.error());
  std::string_view path = ctx.request.Path();
  if (path == "/export/statements.csv") return ExportStatements(svc, ctx, true);
  if (path == "/export/statements.ndjson") return ExportStatements(svc, ctx, false);
  if (path == "/export/people.csv") return ExportPeople(svc, ctx);
  return http::ErrorResponse(Error::NotFound("no such export: " + std::string(path) +
                                             " (statements.csv, statements.ndjson, people.csv)"));
}

}  // namespace lrsd::resources
