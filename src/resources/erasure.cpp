// Data lifecycle: erasure of a person's data for a privacy request, and the retention sweep.
// Both remove statements through store::Store::EraseStatements, which keeps indexes, voiding and
// learning profiles consistent; this file decides which statements and which other records.
#include "lrsd/erasure.h"

#include <set>

#include "resources/document_rules.h"
#include "resources/erasure_resource.h"

namespace lrsd::resources {
namespace {

constexpr std::size_t kChunk = 500;  // statements per durable erase batch
constexpr std::string_view kAuditPrefix = "erasure/";

Status EraseInChunks(store::Store& store, const std::vector<Uuid>& ids, std::uint64_t& erased) {
  for (std::size_t i = 0; i < ids.size(); i += kChunk) {
    std::vector<Uuid> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i),
                            ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kChunk)));
    auto n = store.EraseStatements(chunk);
    if (!n.ok()) return n.error();
    erased += *n;
  }
  return OkStatus();
}

// Reads a length-prefixed key component (docs::AppendComponent) at the front of `key`.
std::optional<std::string_view> TakeComponent(std::string_view& key) {
  if (key.size() < 4) return std::nullopt;
  const std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(key[0])) << 24 |
                          static_cast<std::uint32_t>(static_cast<unsigned char>(key[1])) << 16 |
                          static_cast<std::uint32_t>(static_cast<unsigned char>(key[2])) << 8 |
                          static_cast<std::uint32_t>(static_cast<unsigned char>(key[3]));
  if (key.size() - 4 < n) return std::nullopt;
  std::string_view part = key.substr(4, n);
  key.remove_prefix(4 + n);
  return part;
}

// Keys of the State and Agent Profile documents of these IFIs (document keys: see
// resources/documents.cpp: 'S' activity agent registration stateId, 'G' agent profileId).
Result<std::vector<std::string>> DocumentKeys(store::Store& store, const std::set<std::string>& ifis) {
  std::vector<std::string> keys;
  auto view = store.Read();
  for (const auto& ifi : ifis) {
    std::string prefix = "G";
    docs::AppendComponent(prefix, ifi);
    auto st = view.ScanPrefix(store::Family::kDocuments, prefix, [&](std::string_view key, std::string_view) {
      keys.emplace_back(key);
      return true;
    });
    if (!st.ok()) return st.error();
  }
  // State documents are keyed by activity first: every one is looked at (an erasure is rare).
  auto st = view.ScanPrefix(store::Family::kDocuments, "S", [&](std::string_view key, std::string_view) {
    std::string_view rest = key.substr(1);
    if (!TakeComponent(rest)) return true;  // activity
    auto agent = TakeComponent(rest);
    if (agent && ifis.count(std::string(*agent))) keys.emplace_back(key);
    return true;
  });
  if (!st.ok()) return st.error();
  return keys;
}

void AppendString(std::string& out, std::string_view s) { xapi::AppendJsonString(out, s); }

}  // namespace

Result<ErasureResult> ErasePerson(store::Store& store, profile::Service* profiles, const std::vector<std::string>& ifi_list,
                                  std::string_view person_id, std::string_view requested_by) {
  const std::set<std::string> ifis(ifi_list.begin(), ifi_list.end());
  if (ifis.empty()) return Error::BadRequest("agent", "erasure", "no inverse functional identifier to erase");
  ErasureResult result;
  // The statements where the person is the actor (or a member of the actor group) or the
  // object. Statements of others that refer to one of them (StatementRef, voiding) match the
  // agent filter too, by inheritance, but are theirs: they stay (and stop matching). Scanned
  // again until none is left, so that statements stored meanwhile go too.
  for (int round = 0; round < 5; ++round) {
    std::set<std::string> seen;
    std::vector<Uuid> ids;
    auto view = store.Read();
    for (const auto& ifi : ifis) {
      store::IndexEntry entry{static_cast<std::uint8_t>(xapi::IndexKind::kAgent), ifi};
      Status inner = OkStatus();
      auto st = view.ScanIndex(entry, 0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& id) {
        if (!seen.insert(std::string(UuidBytes(id))).second) return true;
        auto own = view.OwnsIndexEntry(id, entry);
        if (!own.ok()) {
          inner = own.error();
          return false;
        }
        if (*own) ids.push_back(id);
        return true;
      });
      if (!st.ok()) return st.error();
      if (!inner.ok()) return inner.error();
    }
    if (ids.empty()) break;
    if (auto st = EraseInChunks(store, ids, result.statements); !st.ok()) return st.error();
  }
  // Statements that only mention the person (instructor, team, context agents) belong to other
  // learners: counted, not erased.
  {
    auto view = store.Read();
    std::set<std::string> mentioned;
    for (const auto& ifi : ifis) {
      store::IndexEntry entry{static_cast<std::uint8_t>(xapi::IndexKind::kRelatedAgent), ifi};
      auto st = view.ScanIndex(entry, 0, UINT64_MAX, true, [&](std::uint64_t, const Uuid& id) {
        mentioned.insert(std::string(UuidBytes(id)));
        return true;
      });
      if (!st.ok()) return st.error();
    }
    result.mentioned_elsewhere = mentioned.size();
  }
  auto documents = DocumentKeys(store, ifis);
  if (!documents.ok()) return documents.error();
  if (auto st = store.DeleteKeys(store::Family::kDocuments, *documents); !st.ok()) return st.error();
  result.documents = documents->size();
  std::vector<std::string> agent_keys;
  for (const auto& ifi : ifis) {
    auto existing = store.Get(store::Family::kAgents, ifi);
    if (!existing.ok()) return existing.error();
    if (existing->has_value()) agent_keys.push_back(ifi);
  }
  if (auto st = store.DeleteKeys(store::Family::kAgents, agent_keys); !st.ok()) return st.error();
  result.agent_records = agent_keys.size();
  if (profiles) profiles->Committed({});  // cached profiles may hold what was erased

  // The audit record keeps no identifier of the person: SHA-256 of each IFI, so that a later
  // request about the same person can be matched to it, and the counts.
  const MicrosSinceEpoch now = NowMicros();
  std::string audit = "{\"time\":";
  AppendString(audit, FormatTimestampMillis(now));
  audit += ",\"requestedBy\":";
  AppendString(audit, requested_by);
  if (!person_id.empty()) {
    audit += ",\"personIdSha256\":";
    AppendString(audit, Sha256Hex(person_id));
  }
  audit += ",\"ifiSha256\":[";
  bool first = true;
  for (const auto& ifi : ifis) {
    if (!first) audit += ',';
    first = false;
    AppendString(audit, Sha256Hex(ifi));
  }
  audit += "],\"statements\":" + std::to_string(result.statements) +
           ",\"documents\":" + std::to_string(result.documents) +
           ",\"agentRecords\":" + std::to_string(result.agent_records) +
           ",\"mentionedElsewhere\":" + std::to_string(result.mentioned_elsewhere) + "}";
  std::string key(kAuditPrefix);
  AppendBigEndian64(key, static_cast<std::uint64_t>(now));
  if (auto st = store.Put(store::Family::kMeta, key, audit); !st.ok()) return st.error();
  result.audit_json = std::move(audit);
  Log(LogLevel::kInfo, "erasure by " + std::string(requested_by) + ": " + result.audit_json);
  return result;
}

Result<std::string> ErasureAuditJson(store::Store& store) {
  std::string out = "[";
  bool first = true;
  auto view = store.Read();
  auto st = view.ScanPrefix(store::Family::kMeta, kAuditPrefix, [&](std::string_view, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += value;
    return true;
  });
  if (!st.ok()) return st.error();
  return out + "]";
}

Result<std::uint64_t> EraseStoredBefore(store::Store& store, profile::Service* profiles, std::uint64_t before_seq) {
  std::uint64_t erased = 0;
  for (;;) {
    std::vector<Uuid> ids;
    auto view = store.Read();
    const std::uint64_t hi = std::min<std::uint64_t>(before_seq, view.watermark());
    if (hi == 0) break;
    auto st = view.ScanAll(0, hi - 1, true, [&](std::uint64_t, const Uuid& id) {
      ids.push_back(id);
      return ids.size() < kChunk;
    });
    if (!st.ok()) return st.error();
    if (ids.empty()) break;
    auto n = store.EraseStatements(ids);
    if (!n.ok()) return n.error();
    erased += *n;
    if (*n == 0) break;  // nothing erasable left in the range
  }
  if (erased > 0 && profiles) profiles->Committed({});
  return erased;
}

}  // namespace lrsd::resources

// ---- HTTP: /admin/erasure, /admin/erasures ------------------------------------------------------

namespace lrsd::resources {

bool IsErasurePath(std::string_view path) { return path == "/admin/erasure" || path == "/admin/erasures"; }

http::Response HandleErasure(const Services& svc, Context& ctx) {
  if (auto st = Require(ctx, auth::Access::kAdmin); !st.ok()) return http::ErrorResponse(st.error());
  const std::string_view path = ctx.request.Path();
  if (path == "/admin/erasures") {
    if (ctx.request.method != http::Method::kGet && ctx.request.method != http::Method::kHead) {
      return http::ErrorResponse(Error{405, {}, {}, "GET the erasure audit"});
    }
    auto audit = ErasureAuditJson(svc.store);
    if (!audit.ok()) return http::ErrorResponse(audit.error());
    return http::JsonResponse(200, std::move(audit).value());
  }
  if (ctx.request.method != http::Method::kPost) return http::ErrorResponse(Error{405, {}, {}, "POST an erasure request"});
  if (!svc.config.allow_erasure) {
    return http::ErrorResponse(Error::Forbidden("erasure is disabled on this LRS (start it with --allow-erasure)"));
  }
  xapi::JsonDocument body;
  if (auto st = ParseJson(ctx.request.body, body, 32, "erasure request"); !st.ok()) return http::ErrorResponse(st.error());
  if (!body.IsObject() || (body.HasMember("agent") == body.HasMember("person"))) {
    return http::ErrorResponse(
        Error::BadRequest("body", "erasure", R"(one of {"agent": Agent} or {"person": "person id"} is required)"));
  }
  std::vector<std::string> ifis;
  std::string person_id;
  if (body.HasMember("agent")) {
    const auto& agent = body["agent"];
    if (auto st = xapi::ValidateAgentParameter(agent, xapi::Version::k2_0, "agent"); !st.ok()) {
      return http::ErrorResponse(st.error());
    }
    auto ifi = xapi::IfiKey(agent);
    if (!ifi) return http::ErrorResponse(Error::BadRequest("agent", "erasure", "needs an inverse functional identifier"));
    ifis.push_back(*ifi);
  } else {
    if (!body["person"].IsString()) return http::ErrorResponse(Error::BadRequest("person", "erasure", "must be a person id"));
    if (!svc.profiles) return http::ErrorResponse(Error::NotFound("learning profiles are not enabled"));
    person_id = body["person"].GetString();
    auto person = svc.profiles->GetPerson(person_id);
    if (!person.ok()) return http::ErrorResponse(person.error());
    if (!person->has_value()) return http::ErrorResponse(Error::NotFound("no person " + person_id));
    for (const auto& [ifi, agent] : (*person)->ifis) ifis.push_back(ifi);
  }
  auto result = ErasePerson(svc.store, svc.profiles, ifis, person_id, "credential " + ctx.principal->key);
  if (!result.ok()) return http::ErrorResponse(result.error());
  return http::JsonResponse(200, result->audit_json);
}

}  // namespace lrsd::resources
