// lrsd http: the HTTP vocabulary the resources speak, free of Beast so that nothing above the
// network layer compiles Beast templates: a parsed request, a response, query strings,
// multipart/mixed bodies, and the xAPI error response shape.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrsd/base.h"

namespace lrsd::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);
Method ParseMethod(std::string_view name);

// Header fields in arrival order. Lookups are ASCII case-insensitive; names keep their case.
class Headers {
 public:
  void Add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field with this name by one field.
  void Set(std::string_view name, std::string value);
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  void Remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  Method method = Method::kGet;
  std::string method_name;       // as received ("GET"), for logs and 405s
  std::string target;            // path and query, as received
  Headers headers;
  std::string body;
  std::string remote_address;    // for logs
  bool secure = false;           // arrived over TLS
  // Being handled on a network thread (Server's inline handler): the handler must not block
  // (no lock waits, no fsync waits); when it would, it answers with Response::retry_on_worker
  // before anything is written, and the request runs again on the worker pool.
  bool on_network_thread = false;

  std::string_view Path() const;   // target before '?'
  std::string_view Query() const;  // target after '?', or empty
};

// A body produced piece by piece (exports), so that memory stays bounded whatever its size.
// Each call appends the next piece to `chunk` (empty on entry) and returns whether more follow
// (false: that was the last one, possibly empty). Calls come from worker threads one at a time,
// never concurrently, and each should do a bounded amount of work (the next piece is asked
// for once the previous one is written). An Error ends the response abruptly: the connection
// is closed without the last chunk, so the client sees an incomplete transfer rather than a
// short body that looks whole. A producer is dropped unfinished when the client goes away.
using BodyStream = std::function<Result<bool>(std::string& chunk)>;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // HEAD: send the headers GET would send (Content-Length included) but no body.
  bool head_only = false;
  // When set, the body comes from `stream` (`body` is ignored) and is sent with chunked
  // transfer encoding; no Content-Length.
  BodyStream stream;
  // Inline handlers only: not handled, run the request on the worker pool (nothing was done).
  bool retry_on_worker = false;
  // Inline handlers only: the response may be sent once this reports success (a statement
  // write acknowledged only once its WAL sync is done). Called once, with a callback that may
  // run on another thread; on failure the server answers 500 instead.
  std::function<void(std::function<void(const Status&)>)> when_durable;
};

// ---- Query strings and forms ------------------------------------------------------------------
// Percent-decodes; '+' becomes a space when `plus_is_space` (form bodies and query strings).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = true);
std::string PercentEncode(std::string_view text);
// application/x-www-form-urlencoded (and query strings): name/value pairs in order; nullopt if
// any escape is malformed or a decoded name or value is not well-formed UTF-8.
using Params = std::vector<std::pair<std::string, std::string>>;
std::optional<Params> ParseForm(std::string_view text);
// The value of the first parameter named exactly `name` (case-sensitive, as xAPI requires).
std::optional<std::string_view> FindParam(const Params& params, std::string_view name);

// ---- Media types ------------------------------------------------------------------------------
// "multipart/mixed; boundary=abc" -> "multipart/mixed" (lower-cased, no parameters).
std::string MediaTypeOf(std::string_view content_type);
// The value of parameter `name` in a Content-Type (quotes removed), if present.
std::optional<std::string> MediaTypeParam(std::string_view content_type, std::string_view name);

// ---- multipart/mixed (src/http/multipart.cpp) -------------------------------------------------
struct Part {
  Headers headers;
  std::string_view body;  // a view into the request body: valid while the request lives
};
// Parses an RFC 2046 multipart body with the given boundary. Rejects (400 with a clear
// message) a body with no opening boundary, parts without a header/body separator, or no
// closing delimiter. Preamble and epilogue are ignored.
Result<std::vector<Part>> ParseMultipart(std::string_view body, std::string_view boundary);
// Builds a multipart/mixed body from parts (each part's headers then body), with `boundary`.
std::string BuildMultipart(const std::vector<std::pair<Headers, std::string_view>>& parts,
                           std::string_view boundary);

// ---- Responses --------------------------------------------------------------------------------
// An xAPI error response: JSON body {"error": {"code", "message", "path"?, "rule"?}}.
Response ErrorResponse(const Error& error);
Response JsonResponse(int status, std::string body);
Response EmptyResponse(int status);

}  // namespace lrsd::http
