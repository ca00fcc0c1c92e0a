#include "resources/common.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <vector>

namespace lrsd::resources {

Status CheckParams(const http::Params& params, std::initializer_list<std::string_view> allowed) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string& name = params[i].first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Error::BadRequest("parameter " + name, "XAPI-00324", "unknown parameter for this resource");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (params[j].first == name) {
        return Error::BadRequest("parameter " + name, "XAPI-00324", "parameter given more than once");
      }
    }
  }
  return OkStatus();
}

Result<bool> BoolParam(const http::Params& params, std::string_view name, bool fallback) {
  auto value = http::FindParam(params, name);
  if (!value) return fallback;
  if (*value == "true") return true;
  if (*value == "false") return false;
  return Error::BadRequest("parameter " + std::string(name), "XAPI-00012", "must be true or false");
}

Status ParseJson(std::string_view text, xapi::JsonDocument& doc, std::size_t max_depth, std::string_view what) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return Error::BadRequest(std::string(what), "XAPI-00014",
                             std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                                 rapidjson::GetParseError_En(doc.GetParseError()));
  }
  // Depth bound, without recursion: later passes (validation, serialisation) recurse.
  std::vector<std::pair<const xapi::JsonValue*, std::size_t>> stack = {{&doc, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth > max_depth) {
      return Error::BadRequest(std::string(what), "json-depth",
                               "JSON nested deeper than " + std::to_string(max_depth) + " levels");
    }
    if (v->IsObject()) {
      for (const auto& m : v->GetObject()) {
        if (m.value.IsObject() || m.value.IsArray()) stack.emplace_back(&m.value, depth + 1);
      }
    } else if (v->IsArray()) {
      for (const auto& e : v->GetArray()) {
        if (e.IsObject() || e.IsArray()) stack.emplace_back(&e, depth + 1);
      }
    }
  }
  return OkStatus();
}

Status Require(const Context& ctx, auth::Access access) {
  if (auth::Allows(ctx.principal->scopes, access)) return OkStatus();
  return Error::Forbidden("credential '" + ctx.principal->key + "' lacks the scope for this request (has: " +
                          auth::FormatScopes(ctx.principal->scopes) + ")");
}

}  // namespace lrsd::resources
