// lrsd xapi: the xAPI data model. Version negotiation, value formats (timestamps, durations,
// IRIs, language tags), statement validation (schemas/ + rules), signed statements, and the
// pure transformations of a statement: preparation for storage, comparison, index keys and the
// ids / canonical output formats. Knows nothing of HTTP or storage.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"

namespace lrsd::xapi {

using JsonValue = rapidjson::Value;
using JsonDocument = rapidjson::Document;
using JsonAllocator = rapidjson::Document::AllocatorType;

// ---- Versions ---------------------------------------------------------------------------------
// The two families lrsd serves. A request names its version in X-Experience-API-Version; each
// rule that differs between the two is keyed on this.
enum class Version { k1_0, k2_0 };

// Accepts 1.0, 1.0.0 .. 1.0.x (old TinCanJS sends 1.0.2) and 2.0, 2.0.x. Anything else is 400.
Result<Version> ParseVersionHeader(std::string_view header);
// The version lrsd answers with in X-Experience-API-Version: "1.0.3" or "2.0.0".
std::string_view VersionString(Version v);

// ---- Value formats (src/xapi/formats.cpp) -----------------------------------------------------
// Timestamps: 1.0.x accepts ISO 8601 date-times as the 1.0.3 suite does; 2.0 requires RFC 3339
// (section 5.6 date-time; see the suite's 4.2.4.2-Timestamp-Requirements.js). Returns the
// instant in microseconds since the epoch (UTC), or nullopt when the text is not valid.
std::optional<MicrosSinceEpoch> ParseTimestamp(std::string_view text, Version v);
// ISO 8601:2004 4.4.3.2 duration ("PT1H30M", "P1DT2.5S", "P3W"). 
bool IsValidDuration(std::string_view text);
// Duration in seconds (months = 30 days, years = 365 days: only for aggregation, never stored).
std::optional<double> DurationSeconds(std::string_view text);
// RFC 5646 language tag, as the suite checks language map keys.
bool IsLanguageTag(std::string_view text);
// An absolute IRI: a scheme, ':', and a non-empty remainder without spaces or controls.
bool IsIri(std::string_view text);
// An IRL (a locator): an IRI; xAPI does not require resolvability.
bool IsIrl(std::string_view text);
// "mailto:" followed by an address with exactly one '@' and non-empty local and domain parts.
bool IsMailtoIri(std::string_view text);
// 40 hex digits.
bool IsSha1Hex(std::string_view text);
// Hex-encoded SHA-2 digest: 56, 64, 96 or 128 hex digits (SHA-224, -256, -384, -512).
bool IsSha2Hex(std::string_view text);
// RFC 2045 type/subtype[; params].
bool IsMediaType(std::string_view text);
// Canonical UUID string (lrsd::ParseUuid also accepts upper case; xAPI accepts both).
bool IsUuid(std::string_view text);

// ---- Validation (src/xapi/validate.cpp, schemas/) ---------------------------------------------
// `path` is the prefix used in error paths, e.g. "statement[3]" or "statement". Errors carry
// status 400, the dotted path of the offending value (`statement[3].actor.mbox`), the rule
// (requirement id such as "XAPI-00038", or the schema keyword), and a human message.
Status ValidateStatement(const JsonValue& statement, Version v, std::string_view path);
// An Agent or Group as given in a query parameter (`agent=`): an object with an IFI.
Status ValidateAgentParameter(const JsonValue& actor, Version v, std::string_view path);
// Loads the JSON Schemas from `schema_dir` (defaults compiled in, see schemas/). Must be called
// once at startup before ValidateStatement; returns an error naming the broken file. An empty
// `schema_dir` uses the compiled-in copies; if it was never called, the first validation loads
// those. Calling it again later swaps the set atomically (validations in flight finish with the
// old one, which stays alive).
Status LoadSchemas(const std::string& schema_dir);

// ---- Signed statements (src/xapi/signature.cpp) -----------------------------------------------
// Verifies a JWS compact serialization (RS256/384/512, x5c certificate chain or no key) whose
// payload must equal `statement` with its "attachments" signature entry, `id`-free comparisons
// and LRS-set fields removed, as xAPI Data 2.6 describes. 400 when they differ or it is invalid.
Status VerifySignature(const JsonValue& statement, std::string_view jws, Version v,
                       std::string_view path);

// ---- Statement transformations (src/xapi/statement.cpp) ---------------------------------------
// The inverse functional identifier of an Agent or identified Group as one string
// ("mbox:mailto:a@b", "mbox_sha1sum:…", "openid:…", "account:<homePage>|<name>"); nullopt for
// anonymous groups. Used for the agent filter, which matches by IFI only.
std::optional<std::string> IfiKey(const JsonValue& actor);

enum class IndexKind : std::uint8_t {
  kAgent = 1,             // actor or object is this agent/group (by IFI)
  kRelatedAgent = 2,      // related_agents=true superset
  kVerb = 3,
  kActivity = 4,          // object is this activity
  kRelatedActivity = 5,   // related_activities=true superset
  kRegistration = 6,
  kAuthority = 7,         // authority (statements/read/mine)
};
struct IndexKey {
  IndexKind kind;
  std::string key;
  bool operator==(const IndexKey&) const = default;
};
// Every index entry a statement owns, deduplicated. Statements targeting other statements
// (StatementRef objects) additionally inherit the keys of their targets; the store does that.
std::vector<IndexKey> IndexKeysFor(const JsonValue& statement);

// If this is a voiding statement (verb id "http://adlnet.gov/expapi/verbs/voided" and a
// StatementRef object), the id it voids.
std::optional<Uuid> VoidedTarget(const JsonValue& statement);
// The StatementRef target of the object, if any (voiding or not).
std::optional<Uuid> StatementRefTarget(const JsonValue& statement);

// Normalises a validated statement in place the way the LRS stores it: single context
// activities become one-element arrays (Data 2.4.6.2), in SubStatements too.
void NormalizeStatement(JsonValue& statement, JsonAllocator& alloc);

// A canonical serialization of what makes two statements "the same" (Data 2.3.1, 2.0 statement
// comparison): keys sorted; `id`, `stored`, `authority`, `version`, a verb's `display` and an
// activity's `definition` ignored; timestamps compared as instants; durations to 0.01 s;
// e-mail domains case-insensitive; group member order ignored; nothing inside `extensions`
// interpreted. Equal strings mean equal statements.
std::string ComparisonForm(const JsonValue& statement);
// "P1DT12H36M0.1237S" -> "P1DT12H36M0.12S": durations compare to 0.01 s (trailing zeros of the
// fraction dropped, so 0.1S equals 0.10S).
std::string TruncateDuration(std::string_view duration);

// Output formats for GET statements.
enum class Format { kExact, kIds, kCanonical };
std::optional<Format> ParseFormat(std::string_view text);
// Rewrites `statement` in place to the `ids` format: agents/groups to objectType+IFI (group
// members likewise), activities to objectType+id, verbs to id.
void ApplyIdsFormat(JsonValue& statement, JsonAllocator& alloc);
// Rewrites `statement` in place to the `canonical` format: activity definitions replaced by the
// LRS's canonical definition when `lookup` knows it, and every language map reduced to the best
// match for `accept_languages` (in preference order; empty = keep one entry).
using ActivityLookup = std::function<const JsonValue*(std::string_view activity_id)>;
void ApplyCanonicalFormat(JsonValue& statement, JsonAllocator& alloc,
                          const std::vector<std::string>& accept_languages,
                          const ActivityLookup& lookup);
// Parses an Accept-Language header into tags ordered by q-value.
std::vector<std::string> ParseAcceptLanguage(std::string_view header);

// Merges an incoming activity definition into the stored canonical one (language maps merged,
// other properties replaced by the incoming ones). `existing` may be null (first sighting).
void MergeActivityDefinition(JsonValue& canonical, const JsonValue& incoming,
                             JsonAllocator& alloc);

// Every activity in the statement that carries a definition (object, context activities, and
// those of a SubStatement), with its id.
std::vector<std::pair<std::string, const JsonValue*>> ActivityDefinitions(const JsonValue& statement);

// Identified agents of a statement whose Person records the LRS keeps (actor, object, and the
// members of groups there), with their IFI keys.
std::vector<std::pair<std::string, const JsonValue*>> AgentsOf(const JsonValue& statement);
// Adds what `agent` tells (its name, its IFI) to `person`, a Person object (Communication 2.4):
// {"objectType":"Person","name":[…],"mbox":[…],"mbox_sha1sum":[…],"openid":[…],"account":[…]}.
// `person` may be null (nothing known yet).
void MergePerson(JsonValue& person, const JsonValue& agent, JsonAllocator& alloc);

// Serialises a JSON value compactly.
std::string ToJson(const JsonValue& value);
// Appends `s` as a JSON string literal (quotes, escapes).
void AppendJsonString(std::string& out, std::string_view s);
// Error paths: appends ".key" for identifiers, ["key"] (JSON-quoted) for anything else.
void AppendPathKey(std::string& path, std::string_view key);

}  // namespace lrsd::xapi
