// Shared by the configuration documents of the profile module (config.cpp, rules.cpp): parsing
// an admin JSON body safely, validating it against a definition of schemas/admin/*.json, and
// dotted error paths ("people[3].ifis[0].mbox"). Private to src/profile/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lrsd/base.h"
#include "lrsd/xapi.h"

namespace lrsd::profile::config_json {

// Configuration documents never nest deeper than this (extension values included).
constexpr std::size_t kMaxDepth = 64;

// Parses `body` (UTF-8 validated, iterative parser, full-precision numbers) into `doc`. 400 on
// invalid JSON, nesting beyond kMaxDepth, or an object with the same key twice (the path names
// the object; `root` is the path prefix of the document itself, e.g. "people" or "").
Status Parse(std::string_view body, xapi::JsonDocument& doc, std::string_view root);

// Validates `value` against `definition` of schemas/admin/`file` (compiled once, from the
// schemas embedded in the binary); an empty definition validates against the file's root
// schema. 400 naming the dotted path below `root`; the rule is the failing schema keyword.
Status Validate(std::string_view file, std::string_view definition, const xapi::JsonValue& value,
                std::string_view root);

// The text of an embedded file below schemas/ ("admin/default-rules.json"); empty if absent.
std::string_view EmbeddedFile(std::string_view path);

// Path building: AppendKey("people[3]", "ifis") == "people[3].ifis"; keys that are not
// identifiers are bracketed and quoted (`extensions["http://x"]`).
void AppendKey(std::string& path, std::string_view key);
void AppendIndex(std::string& path, std::size_t index);
inline std::string Key(std::string path, std::string_view key) {
  AppendKey(path, key);
  return path;
}
inline std::string Index(std::string path, std::size_t index) {
  AppendIndex(path, index);
  return path;
}

inline std::string_view Sv(const xapi::JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }
// Member lookup without allocation; nullptr when `obj` is not an object or lacks `key`.
const xapi::JsonValue* Member(const xapi::JsonValue& obj, std::string_view key);

}  // namespace lrsd::profile::config_json
