// The Statement resource (Communication 2.1): PUT, POST, GET (single and query), HEAD.
#include "resources/statements.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "lrsd/query.h"

namespace lrsd::resources {
namespace {

constexpr std::string_view kSignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

std::string_view View(const xapi::JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

std::string_view StringMember(const xapi::JsonValue& obj, const char* name) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsString() ? View(it->value) : std::string_view{};
}

void SetMember(xapi::JsonValue& obj, const char* name, xapi::JsonValue value, xapi::JsonAllocator& alloc) {
  if (auto it = obj.FindMember(name); it != obj.MemberEnd()) {
    it->value = value;
  } else {
    obj.AddMember(xapi::JsonValue(name, alloc), value, alloc);
  }
}

// The digest of `data` in the SHA-2 variant whose hex length `sha2` has.
std::optional<std::string> Sha2Of(std::string_view data, std::string_view sha2) {
  switch (sha2.size()) {
    case 64: return Sha256Hex(data);
    case 96: return Sha384Hex(data);
    case 128: return Sha512Hex(data);
    default: return std::nullopt;
  }
}

// ---- Reading the request body -----------------------------------------------------------------
struct Body {
  xapi::JsonDocument doc;
  std::vector<http::Part> parts;  // attachment parts (multipart requests only)
};

Status ReadBody(const Services& svc, Context& ctx, Body& body) {
  auto content_type = ctx.request.headers.Get("Content-Type");
  std::string media = content_type ? http::MediaTypeOf(*content_type) : std::string();
  std::string_view json_text;
  if (media == "multipart/mixed") {
    auto boundary = http::MediaTypeParam(*content_type, "boundary");
    if (!boundary || boundary->empty()) {
      return Error::BadRequest("header Content-Type", "XAPI-00131", "multipart/mixed needs a boundary parameter");
    }
    auto parts = http::ParseMultipart(ctx.request.body, *boundary);
    if (!parts.ok()) {
      Error e = std::move(parts).error();
      e.rule = "XAPI-00130";
      return e;
    }
    if (parts->empty()) return Error::BadRequest("body", "XAPI-00133", "multipart body has no parts");
    auto first_type = (*parts)[0].headers.Get("Content-Type");
    if (!first_type || http::MediaTypeOf(*first_type) != "application/json") {
      return Error::BadRequest("multipart part 1", "XAPI-00134",
                               "the first part must be the statements, with Content-Type application/json");
    }
    json_text = (*parts)[0].body;
    body.parts.assign(parts->begin() + 1, parts->end());
  } else if (media == "application/json" || media.empty()) {
    // A missing Content-Type is read as JSON: old clients omit it and the body decides.
    json_text = ctx.request.body;
  } else {
    return Error::BadRequest("header Content-Type", "XAPI-00127",
                             "statements are sent as application/json or multipart/mixed, not " + media);
  }
  return ParseJson(json_text, body.doc, svc.config.max_json_depth, "body");
}

// ---- Attachments and signatures ---------------------------------------------------------------
// Checks every attachment against the multipart parts (XAPI-00128..00135) and signed
// statements against their JWS (Data 2.6), and collects the raw attachments to store.
Status CheckAttachments(const Context& ctx, const std::vector<xapi::JsonValue*>& statements,
                        const std::vector<std::string>& paths, const std::vector<http::Part>& parts,
                        std::vector<store::AttachmentWrite>& out) {
  std::unordered_map<std::string, const http::Part*> by_hash;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const http::Part& part = parts[i];
    std::string where = "multipart part " + std::to_string(i + 2);
    auto hash = part.headers.Get("X-Experience-API-Hash");
    if (!hash || hash->empty()) {
      return Error::BadRequest(where, "XAPI-00132", "an attachment part needs an X-Experience-API-Hash header");
    }
    auto encoding = part.headers.Get("Content-Transfer-Encoding");
    if (!encoding || !EqualsIgnoreCase(*encoding, "binary")) {
      return Error::BadRequest(where, "XAPI-00135", "an attachment part needs Content-Transfer-Encoding: binary");
    }
    std::string sha2 = ToLowerAscii(*hash);
    auto actual = Sha2Of(part.body, sha2);
    if (!actual || *actual != sha2) {
      return Error::BadRequest(where, "XAPI-00132", "the part's content does not match its X-Experience-API-Hash");
    }
    by_hash.emplace(std::move(sha2), &part);
  }

  std::unordered_set<std::string> used;
  for (std::size_t s = 0; s < statements.size(); ++s) {
    const xapi::JsonValue& stmt = *statements[s];
    auto it = stmt.FindMember("attachments");
    if (it == stmt.MemberEnd() || !it->value.IsArray()) continue;
    std::size_t index = 0;
    for (const auto& a : it->value.GetArray()) {
      std::string path = paths[s] + ".attachments[" + std::to_string(index++) + "]";
      std::string sha2 = ToLowerAscii(StringMember(a, "sha2"));
      const http::Part* part = nullptr;
      if (auto p = by_hash.find(sha2); p != by_hash.end()) part = p->second;
      if (!part) {
        if (StringMember(a, "usageType") == kSignatureUsage) {
          return Error::BadRequest(path, "XAPI-00115", "a signature attachment must be sent as a multipart part");
        }
        if (!StringMember(a, "fileUrl").empty()) continue;  // content lives elsewhere
        return Error::BadRequest(path, "XAPI-00129",
                                 "no multipart part carries this attachment (sha2 " + sha2 +
                                     ") and it has no fileUrl");
      }
      used.insert(sha2);
      if (StringMember(a, "usageType") == kSignatureUsage) {
        if (StringMember(a, "contentType") != "application/octet-stream") {
          return Error::BadRequest(path + ".contentType", "XAPI-00115",
                                   "a signature attachment has contentType application/octet-stream");
        }
        if (auto st = xapi::VerifySignature(stmt, part->body, ctx.version, paths[s]); !st.ok()) return st;
      }
    }
  }
  for (const auto& [sha2, part] : by_hash) {
    if (!used.count(sha2)) {
      return Error::BadRequest("multipart", "XAPI-00128",
                               "part with X-Experience-API-Hash " + sha2 + " matches no attachment of any statement");
    }
    out.push_back({sha2, std::string(part->body)});
  }
  return OkStatus();
}

// ---- Storing ----------------------------------------------------------------------------------
using WhenDurable = std::function<void(std::function<void(const Status&)>)>;

// Validates, completes (id, stored, authority, version, timestamp) and stores `statements`.
// On success, `ids` holds every statement id in order. On a network thread the write does not
// wait for the WAL sync: `when_durable` is then set, and the answer waits for it (the statements
// become visible at the same time); RetryOnWorker() when the write would have to wait.
Status StoreStatements(const Services& svc, Context& ctx, Body& body, std::vector<xapi::JsonValue*> statements,
                       std::vector<std::string> paths, std::vector<std::string>& ids, WhenDurable& when_durable) {
  if (statements.size() > svc.config.max_statements_per_request) {
    return Error::TooLarge("at most " + std::to_string(svc.config.max_statements_per_request) +
                           " statements per request");
  }
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (auto st = xapi::ValidateStatement(*statements[i], ctx.version, paths[i]); !st.ok()) return st;
  }
  std::vector<store::AttachmentWrite> attachments;
  if (auto st = CheckAttachments(ctx, statements, paths, body.parts, attachments); !st.ok()) return st;

  auto& alloc = body.doc.GetAllocator();
  xapi::JsonDocument authority;
  authority.Parse(ctx.principal->authority_json.c_str());
  const bool may_define = auth::Allows(ctx.principal->scopes, auth::Access::kDefine);
  const std::string_view version_default = ctx.version == xapi::Version::k2_0 ? "2.0.0" : "1.0.0";

  store::SequenceReservation reservation = svc.store.ReserveSequence(statements.size());
  std::vector<std::string> touched;  // actors whose learning profiles change
  bool voiding = false;              // a voided statement's actor is not known here
  std::vector<store::StatementWrite> writes;
  writes.reserve(statements.size());
  ids.clear();
  for (std::size_t i = 0; i < statements.size(); ++i) {
    xapi::JsonValue& s = *statements[i];
    store::StatementWrite w;
    xapi::NormalizeStatement(s, alloc);
    // What the client sent decides sameness, before the LRS fills anything in.
    w.comparison = xapi::ComparisonForm(s);
    w.seq = reservation.first() + i;
    if (auto id = StringMember(s, "id"); !id.empty()) {
      auto parsed = ParseUuid(id);
      if (!parsed) return Error::BadRequest(paths[i] + ".id", "XAPI-00027", "must be a UUID");
      w.id = *parsed;
    } else {
      w.id = NewUuid();
      std::string text = FormatUuid(w.id);
      SetMember(s, "id", xapi::JsonValue(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc), alloc);
    }
    std::string stored = FormatTimestampMillis(static_cast<MicrosSinceEpoch>(w.seq));
    SetMember(s, "stored", xapi::JsonValue(stored.c_str(), static_cast<rapidjson::SizeType>(stored.size()), alloc),
              alloc);
    if (!s.HasMember("timestamp")) {
      SetMember(s, "timestamp",
                xapi::JsonValue(stored.c_str(), static_cast<rapidjson::SizeType>(stored.size()), alloc), alloc);
    }
    // The LRS vouches for the statement with the credential it arrived with (Data 2.4.9).
    SetMember(s, "authority", xapi::JsonValue(authority, alloc), alloc);
    if (!s.HasMember("version")) {
      SetMember(s, "version",
                xapi::JsonValue(version_default.data(), static_cast<rapidjson::SizeType>(version_default.size()), alloc),
                alloc);
    }
    for (auto& k : xapi::IndexKeysFor(s)) w.keys.push_back({static_cast<std::uint8_t>(k.kind), std::move(k.key)});
    w.ref_target = xapi::StatementRefTarget(s);
    w.voids = xapi::VoidedTarget(s);
    if (may_define) {
      for (const auto& [activity, def] : xapi::ActivityDefinitions(s)) {
        w.activity_definitions.emplace_back(activity, xapi::ToJson(*def));
      }
    }
    for (const auto& [ifi, agent] : xapi::AgentsOf(s)) w.agents.emplace_back(ifi, xapi::ToJson(*agent));
    if (svc.profiles) {
      w.contribution = svc.profiles->ContributionFor(s);
      if (!w.contribution.empty()) {
        if (auto ifi = xapi::IfiKey(s["actor"])) touched.push_back(std::move(*ifi));
      }
      voiding = voiding || w.voids.has_value();
    }
    w.json = xapi::ToJson(s);
    ids.push_back(FormatUuid(w.id));
    writes.push_back(std::move(w));
  }
  const store::AppendWait wait =
      ctx.request.on_network_thread ? store::AppendWait::kNoWait : store::AppendWait::kBlocking;
  auto result = svc.store.AppendStatements(std::move(writes), std::move(attachments), wait);
  if (!result.ok()) return std::move(result).error();
  if (result->would_block) return RetryOnWorker();
  // A voided statement's actor is not known here: an empty list makes every profile stale.
  if (voiding) touched.clear();
  if (result->durable_ticket > 0) {
    struct Pending {
      store::SequenceReservation reservation;
      std::vector<std::string> touched;
    };
    auto pending = std::make_shared<Pending>(Pending{std::move(reservation), std::move(touched)});
    when_durable = [store = &svc.store, profiles = svc.profiles, ticket = result->durable_ticket,
                    pending](std::function<void(const Status&)> done) {
      store->WhenDurable(ticket, [profiles, pending, done = std::move(done)](const Status& st) {
        if (st.ok() && profiles) profiles->Committed(pending->touched);
        pending->reservation = store::SequenceReservation();  // visible from here on
        done(st);
      });
    };
    return OkStatus();
  }
  // Durable and visible now: cached profiles of these actors are stale.
  if (svc.profiles) svc.profiles->Committed(touched);
  return OkStatus();
}

http::Response Put(const Services& svc, Context& ctx) {
  if (auto st = Require(ctx, auth::Access::kStatementsWrite); !st.ok()) return http::ErrorResponse(st.error());
  if (auto st = CheckParams(ctx.params, {"statementId"}); !st.ok()) return http::ErrorResponse(st.error());
  auto id_param = http::FindParam(ctx.params, "statementId");
  if (!id_param) {
    return http::ErrorResponse(
        Error::BadRequest("parameter statementId", "XAPI-00144", "PUT statements requires statementId"));
  }
  auto id = ParseUuid(*id_param);
  if (!id) return http::ErrorResponse(Error::BadRequest("parameter statementId", "XAPI-00012", "must be a UUID"));
  Body body;
  if (auto st = ReadBody(svc, ctx, body); !st.ok()) return http::ErrorResponse(st.error());
  if (!body.doc.IsObject()) {
    return http::ErrorResponse(Error::BadRequest("statement", "XAPI-00014", "PUT takes one statement (a JSON object)"));
  }
  if (auto given = StringMember(body.doc, "id"); !given.empty()) {
    auto parsed = ParseUuid(given);
    if (parsed && *parsed != *id) {
      return http::ErrorResponse(
          Error::BadRequest("statement.id", "XAPI-00144", "the statement's id differs from the statementId parameter"));
    }
  } else if (!body.doc.HasMember("id")) {
    std::string text = FormatUuid(*id);
    body.doc.AddMember("id", xapi::JsonValue(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                                             body.doc.GetAllocator()),
                       body.doc.GetAllocator());
  }
  std::vector<std::string> ids;
  WhenDurable when_durable;
  if (auto st = StoreStatements(svc, ctx, body, {&body.doc}, {"statement"}, ids, when_durable); !st.ok()) {
    return IsRetryOnWorker(st.error()) ? RetryOnWorkerResponse() : http::ErrorResponse(st.error());
  }
  http::Response r = http::EmptyResponse(204);
  r.when_durable = std::move(when_durable);
  return r;
}

http::Response Post(const Services& svc, Context& ctx) {
  if (auto st = Require(ctx, auth::Access::kStatementsWrite); !st.ok()) return http::ErrorResponse(st.error());
  if (auto st = CheckParams(ctx.params, {}); !st.ok()) return http::ErrorResponse(st.error());
  Body body;
  if (auto st = ReadBody(svc, ctx, body); !st.ok()) return http::ErrorResponse(st.error());
  std::vector<xapi::JsonValue*> statements;
  std::vector<std::string> paths;
  if (body.doc.IsArray()) {
    if (body.doc.Empty()) {
      return http::ErrorResponse(Error::BadRequest("body", "XAPI-00014", "an empty array holds no statements"));
    }
    std::size_t i = 0;
    for (auto& s : body.doc.GetArray()) {
      statements.push_back(&s);
      paths.push_back("statement[" + std::to_string(i++) + "]");
    }
  } else if (body.doc.IsObject()) {
    statements.push_back(&body.doc);
    paths.push_back("statement");
  } else {
    return http::ErrorResponse(
        Error::BadRequest("body", "XAPI-00014", "POST takes a statement (JSON object) or an array of them"));
  }
  std::vector<std::string> ids;
  WhenDurable when_durable;
  if (auto st = StoreStatements(svc, ctx, body, std::move(statements), std::move(paths), ids, when_durable);
      !st.ok()) {
    return IsRetryOnWorker(st.error()) ? RetryOnWorkerResponse() : http::ErrorResponse(st.error());
  }
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += ids[i];
    out += '"';
  }
  out += ']';
  http::Response r = http::JsonResponse(200, std::move(out));
  r.when_durable = std::move(when_durable);
  return r;
}

// ---- GET --------------------------------------------------------------------------------------
// Formats stored statements for output and collects the attachments they reference.
class Formatter {
 public:
  Formatter(store::ReadView& view, const Context& ctx, xapi::Format format) : view_(view), format_(format) {
    if (auto al = ctx.request.headers.Get("Accept-Language")) languages_ = xapi::ParseAcceptLanguage(*al);
  }

  // Appends the statement as it should be returned.
  Status Append(const store::StoredStatement& s, std::string& out, bool want_attachments) {
    if (format_ == xapi::Format::kExact && !want_attachments) {
      out += s.json;
      return OkStatus();
    }
    xapi::JsonDocument doc;
    doc.Parse(s.json.data(), s.json.size());
    if (doc.HasParseError()) return Error::Internal("stored statement is not valid JSON");
    if (want_attachments) Collect(doc);
    if (format_ == xapi::Format::kIds) {
      xapi::ApplyIdsFormat(doc, doc.GetAllocator());
    } else if (format_ == xapi::Format::kCanonical) {
      xapi::ApplyCanonicalFormat(doc, doc.GetAllocator(), languages_,
                                 [this](std::string_view id) { return Canonical(id); });
    }
    out += xapi::ToJson(doc);
    return OkStatus();
  }

  // Attachment parts for a multipart response: (sha2, content type).
  const std::vector<std::pair<std::string, std::string>>& attachments() const { return attachments_; }

 private:
  void Collect(const xapi::JsonValue& s) {
    auto it = s.FindMember("attachments");
    if (it == s.MemberEnd() || !it->value.IsArray()) return;
    for (const auto& a : it->value.GetArray()) {
      std::string sha2 = ToLowerAscii(StringMember(a, "sha2"));
      if (sha2.empty() || !seen_.insert(sha2).second) continue;
      attachments_.emplace_back(std::move(sha2), std::string(StringMember(a, "contentType")));
    }
  }

  const xapi::JsonValue* Canonical(std::string_view id) {
    std::string key(id);
    if (auto it = canonical_.find(key); it != canonical_.end()) return it->second ? &*it->second : nullptr;
    auto raw = view_.Get(store::Family::kActivities, key);
    if (!raw.ok() || !raw->has_value()) {
      canonical_.emplace(key, nullptr);
      return nullptr;
    }
    auto doc = std::make_unique<xapi::JsonDocument>();
    doc->Parse((*raw)->data(), (*raw)->size());
    if (doc->HasParseError()) doc.reset();
    auto [pos, _] = canonical_.emplace(key, std::move(doc));
    return pos->second ? &*pos->second : nullptr;
  }

  store::ReadView& view_;
  xapi::Format format_;
  std::vector<std::string> languages_;
  std::unordered_set<std::string> seen_;
  std::vector<std::pair<std::string, std::string>> attachments_;
  std::map<std::string, std::unique_ptr<xapi::JsonDocument>> canonical_;
};

// A JSON body, or a multipart/mixed one with the attachments after it.
Result<http::Response> Respond(store::ReadView& view, std::string json, const Formatter& formatter,
                               bool attachments) {
  if (!attachments) return http::JsonResponse(200, std::move(json));
  // Content first (the parts below hold views into it), skipping fileUrl-only attachments.
  std::vector<std::pair<const std::pair<std::string, std::string>*, std::string>> present;
  for (const auto& attachment : formatter.attachments()) {
    auto raw = view.Get(store::Family::kAttachments, attachment.first);
    if (!raw.ok()) return std::move(raw).error();
    if (raw->has_value()) present.emplace_back(&attachment, std::move(**raw));
  }
  std::vector<std::pair<http::Headers, std::string_view>> parts;
  http::Headers first;
  first.Add("Content-Type", "application/json");
  parts.emplace_back(std::move(first), json);
  for (const auto& [attachment, content] : present) {
    http::Headers h;
    h.Add("Content-Type", attachment->second.empty() ? "application/octet-stream" : attachment->second);
    h.Add("Content-Transfer-Encoding", "binary");
    h.Add("X-Experience-API-Hash", attachment->first);
    parts.emplace_back(std::move(h), content);
  }
  std::string boundary = "lrsd-" + HexEncode(RandomBytes(12));
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "multipart/mixed; boundary=" + boundary);
  r.body = http::BuildMultipart(parts, boundary);
  return r;
}

http::Response GetSingle(const Services& svc, Context& ctx, std::string_view param, bool voided) {
  if (auto st = CheckParams(ctx.params, {param, "format", "attachments"}); !st.ok()) {
    Error e = st.error();
    e.rule = voided ? "XAPI-00150" : "XAPI-00151";
    e.message = "only format and attachments may accompany " + std::string(param);
    return http::ErrorResponse(e);
  }
  auto id = ParseUuid(*http::FindParam(ctx.params, param));
  if (!id) return http::ErrorResponse(Error::BadRequest("parameter " + std::string(param), "XAPI-00012", "must be a UUID"));
  auto format = xapi::ParseFormat(http::FindParam(ctx.params, "format").value_or("exact"));
  if (!format) {
    return http::ErrorResponse(Error::BadRequest("parameter format", "XAPI-00012", "must be ids, exact or canonical"));
  }
  auto attachments = BoolParam(ctx.params, "attachments", false);
  if (!attachments.ok()) return http::ErrorResponse(attachments.error());

  store::ReadView view = svc.store.Read();
  auto found = view.GetStatement(*id);
  if (!found.ok()) return http::ErrorResponse(found.error());
  if (!found->has_value() || (*found)->voided != voided) {
    return http::ErrorResponse(Error::NotFound(voided ? "no voided statement with this id"
                                                      : "no statement with this id (voided statements are fetched "
                                                        "with voidedStatementId)"));
  }
  if (Status st = Require(ctx, auth::Access::kStatementsRead); !st.ok()) {
    // statements/read/mine: only statements this credential stored.
    bool mine = auth::Allows(ctx.principal->scopes, auth::Access::kStatementsReadMine) &&
                !ctx.principal->authority_ifi.empty();
    if (mine) {
      auto has = view.HasIndexEntry({static_cast<std::uint8_t>(xapi::IndexKind::kAuthority), ctx.principal->authority_ifi},
                                    (*found)->seq);
      if (!has.ok()) return http::ErrorResponse(has.error());
      mine = *has;
    }
    if (!mine) return http::ErrorResponse(st.error());
  }
  Formatter formatter(view, ctx, *format);
  std::string json;
  if (auto st = formatter.Append(**found, json, *attachments); !st.ok()) return http::ErrorResponse(st.error());
  auto response = Respond(view, std::move(json), formatter, *attachments);
  if (!response.ok()) return http::ErrorResponse(response.error());
  response->headers.Set("Last-Modified", FormatHttpDate(static_cast<MicrosSinceEpoch>((*found)->seq)));
  return std::move(response).value();
}

Result<query::StatementQuery> ParseQuery(const http::Params& p, xapi::Version version) {
  if (auto st = CheckParams(p, {"agent", "verb", "activity", "registration", "related_activities", "related_agents",
                                "since", "until", "limit", "format", "attachments", "ascending"});
      !st.ok()) {
    return st.error();
  }
  query::StatementQuery q;
  if (auto agent = http::FindParam(p, "agent")) {
    xapi::JsonDocument doc;
    // Iterative: the recursive parser overflows the stack on deeply nested values, and this
    // value can be as long as an alternate-syntax form body
    // (tests/fuzz/regressions/query/deeply-nested-agent).
    doc.Parse<rapidjson::kParseIterativeFlag>(agent->data(), agent->size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return Error::BadRequest("parameter agent", "XAPI-00012", "must be an Agent or identified Group as JSON");
    }
    if (auto st = xapi::ValidateAgentParameter(doc, version, "parameter agent"); !st.ok()) return st.error();
    q.agent_ifi = xapi::IfiKey(doc);
    if (!q.agent_ifi) return Error::BadRequest("parameter agent", "XAPI-00012", "needs an inverse functional identifier");
  }
  if (auto verb = http::FindParam(p, "verb")) {
    if (!xapi::IsIri(*verb)) return Error::BadRequest("parameter verb", "XAPI-00012", "must be an IRI");
    q.verb = std::string(*verb);
  }
  if (auto activity = http::FindParam(p, "activity")) {
    if (!xapi::IsIri(*activity)) return Error::BadRequest("parameter activity", "XAPI-00012", "must be an IRI");
    q.activity = std::string(*activity);
  }
  if (auto registration = http::FindParam(p, "registration")) {
    auto id = ParseUuid(*registration);
    if (!id) return Error::BadRequest("parameter registration", "XAPI-00012", "must be a UUID");
    q.registration = FormatUuid(*id);
  }
  for (auto [name, flag] : {std::pair{"related_activities", &q.related_activities},
                            std::pair{"related_agents", &q.related_agents}, std::pair{"ascending", &q.ascending},
                            std::pair{"attachments", &q.attachments}}) {
    auto value = BoolParam(p, name, false);
    if (!value.ok()) return value.error();
    *flag = *value;
  }
  if (auto since = http::FindParam(p, "since")) {
    auto t = xapi::ParseTimestamp(*since, version);
    if (!t) return Error::BadRequest("parameter since", "XAPI-00012", "must be a timestamp");
    q.lo = query::SinceToLo(*t);
  }
  if (auto until = http::FindParam(p, "until")) {
    auto t = xapi::ParseTimestamp(*until, version);
    if (!t) return Error::BadRequest("parameter until", "XAPI-00012", "must be a timestamp");
    q.hi = query::UntilToHi(*t);
  }
  if (auto limit = http::FindParam(p, "limit")) {
    std::uint64_t n = 0;
    if (limit->empty() || limit->size() > 9) {
      return Error::BadRequest("parameter limit", "XAPI-00012", "must be a non-negative integer");
    }
    for (char c : *limit) {
      if (c < '0' || c > '9') return Error::BadRequest("parameter limit", "XAPI-00012", "must be a non-negative integer");
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    q.limit = static_cast<std::uint32_t>(n);
  }
  if (auto format = http::FindParam(p, "format")) {
    auto f = xapi::ParseFormat(*format);
    if (!f) return Error::BadRequest("parameter format", "XAPI-00012", "must be ids, exact or canonical");
    q.format = *f;
  }
  return q;
}

http::Response GetQuery(const Services& svc, Context& ctx) {
  query::StatementQuery q;
  if (auto more = http::FindParam(ctx.params, "more")) {
    if (ctx.params.size() != 1) {
      return http::ErrorResponse(Error::BadRequest("parameter more", "XAPI-00324", "a more link takes no other parameters"));
    }
    auto decoded = query::DecodeCursor(*more);
    if (!decoded.ok()) return http::ErrorResponse(decoded.error());
    q = std::move(decoded).value();
  } else {
    auto parsed = ParseQuery(ctx.params, ctx.version);
    if (!parsed.ok()) return http::ErrorResponse(parsed.error());
    q = std::move(parsed).value();
  }
  if (Status st = Require(ctx, auth::Access::kStatementsRead); !st.ok()) {
    if (!auth::Allows(ctx.principal->scopes, auth::Access::kStatementsReadMine) || ctx.principal->authority_ifi.empty()) {
      return http::ErrorResponse(st.error());
    }
    q.authority_ifi = ctx.principal->authority_ifi;
  }

  store::ReadView view = svc.store.Read();
  auto page = query::Run(view, q, svc.config.query);
  if (!page.ok()) return http::ErrorResponse(page.error());

  Formatter formatter(view, ctx, q.format);
  std::string json = "{\"statements\":[";
  for (std::size_t i = 0; i < page->statements.size(); ++i) {
    if (i) json += ',';
    if (auto st = formatter.Append(page->statements[i], json, q.attachments); !st.ok()) {
      return http::ErrorResponse(st.error());
    }
  }
  json += "],\"more\":\"";
  if (page->more) {
    // A path from the server root: clients resolve it against the LRS's origin.
    json += svc.config.base_path;
    json += "/statements?more=";
    json += *page->more;
  }
  json += "\"}";
  auto response = Respond(view, std::move(json), formatter, q.attachments);
  if (!response.ok()) return http::ErrorResponse(response.error());
  return std::move(response).value();
}

}  // namespace

Result<query::StatementQuery> ParseStatementQuery(const http::Params& params, xapi::Version version) {
  return ParseQuery(params, version);
}

http::Response HandleStatements(const Services& svc, Context& ctx) {
  http::Response response;
  switch (ctx.request.method) {
    case http::Method::kPut:
      response = Put(svc, ctx);
      break;
    case http::Method::kPost:
      response = Post(svc, ctx);
      break;
    case http::Method::kGet:
    case http::Method::kHead: {
      bool has_id = http::FindParam(ctx.params, "statementId").has_value();
      bool has_voided = http::FindParam(ctx.params, "voidedStatementId").has_value();
      if (has_id && has_voided) {
        response = http::ErrorResponse(Error::BadRequest("parameter statementId", "XAPI-00150",
                                                         "statementId and voidedStatementId exclude each other"));
      } else if (has_id || has_voided) {
        response = GetSingle(svc, ctx, has_id ? "statementId" : "voidedStatementId", has_voided);
      } else {
        response = GetQuery(svc, ctx);
      }
      break;
    }
    default:
      response = http::ErrorResponse(Error{405, {}, {}, "method not allowed on the statements resource"});
      response.headers.Set("Allow", "GET, HEAD, PUT, POST, OPTIONS");
  }
  return response;
}

}  // namespace lrsd::resources
