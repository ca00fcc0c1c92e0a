// lrsd base: the error/result vocabulary every module speaks, and small primitives
// (UUIDs, time, hashing, encodings) with no dependency on any other lrsd module.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lrsd {

// An error that ends an operation. `status` is the HTTP status the edge will answer with;
// `path` names the offending place (`statement[3].actor.mbox`, `parameter agent`), `rule` the
// requirement id or schema keyword it breaks. The client-facing text is built at the edge.
struct Error {
  int status = 400;
  std::string path;
  std::string rule;
  std::string message;

  static Error BadRequest(std::string path, std::string rule, std::string message) {
    return Error{400, std::move(path), std::move(rule), std::move(message)};
  }
  static Error Unauthorized(std::string message) { return Error{401, {}, {}, std::move(message)}; }
  static Error Forbidden(std::string message) { return Error{403, {}, {}, std::move(message)}; }
  static Error NotFound(std::string message) { return Error{404, {}, {}, std::move(message)}; }
  static Error Conflict(std::string message) { return Error{409, {}, {}, std::move(message)}; }
  static Error PreconditionFailed(std::string message) { return Error{412, {}, {}, std::move(message)}; }
  static Error TooLarge(std::string message) { return Error{413, {}, {}, std::move(message)}; }
  static Error Internal(std::string message) { return Error{500, {}, {}, std::move(message)}; }
  static Error Unavailable(std::string message) { return Error{503, {}, {}, std::move(message)}; }

  // "statement[3].actor.mbox: must be a mailto IRI (XAPI-00038)"
  std::string ToString() const;
};

// Expected-style result: a value or an Error. Check with `ok()` / `operator bool`.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}        // NOLINT
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *e_; }
  Error&& error() && { return std::move(*e_); }
  // Deliberately dropping a result is spelled out so it can be found with grep.
  void IgnoreError() const {}

 private:
  std::optional<Error> e_;
};
using Status = Result<void>;

inline Status OkStatus() { return Status(); }

// ---- UUIDs ------------------------------------------------------------------------------------
using Uuid = std::array<std::uint8_t, 16>;

// Random (version 4) UUID from a per-thread CSPRNG-seeded generator.
Uuid NewUuid();
// Parses the canonical 8-4-4-4-12 hex form (either case). No braces, no urn: prefix.
std::optional<Uuid> ParseUuid(std::string_view text);
// Lower-case canonical form.
std::string FormatUuid(const Uuid& id);
inline std::string_view UuidBytes(const Uuid& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

// ---- Time -------------------------------------------------------------------------------------
// Microseconds since the Unix epoch, UTC.
using MicrosSinceEpoch = std::int64_t;
MicrosSinceEpoch NowMicros();
// "2026-11-23T13:25:31.123Z": millisecond precision, UTC, the form lrsd writes for `stored`.
std::string FormatTimestampMillis(MicrosSinceEpoch t);
// RFC 7231 IMF-fixdate ("Mon, 23 Nov 2026 13:25:31 GMT") for Date / Last-Modified headers.
std::string FormatHttpDate(MicrosSinceEpoch t);
// The current time as an HTTP date, formatted at most once a second per thread.
std::string_view HttpDateNow();

// ---- Hashing and encodings --------------------------------------------------------------------
std::string Sha1Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string Sha384Hex(std::string_view data);
std::string Sha512Hex(std::string_view data);
std::array<std::uint8_t, 32> Sha256(std::string_view data);
std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// Standard or URL-safe alphabet, padding optional. nullopt on any invalid character.
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);
// Cryptographically random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(std::size_t n);
// 64-bit non-cryptographic hash (xxh3) for index keys.
std::uint64_t Hash64(std::string_view data);

// Constant-time equality, for comparing secrets and MACs.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// ASCII case-insensitive comparison (HTTP header names, media types).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLowerAscii(std::string_view s);

// ---- Logging ----------------------------------------------------------------------------------
// One line per call on stderr ("2026-11-23T13:25:31.123Z INFO message"), written with a single
// write(2) so concurrent lines never interleave.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view message);
std::optional<LogLevel> ParseLogLevel(std::string_view name);

// Line format: kText as above; kJson writes one JSON object per line:
// {"time":"2026-11-23T13:25:31.123Z","level":"info","msg":"…", fields…}.
enum class LogFormat { kText = 0, kJson = 1 };
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
std::optional<LogFormat> ParseLogFormat(std::string_view name);  // "text" or "json"
// A named value of a structured line (an access-log line's status, ms, …). Strings are
// escaped for JSON; invalid UTF-8 becomes U+FFFD; a non-finite double is written as null.
struct LogField {
  std::string_view name;
  std::variant<std::string_view, std::int64_t, double> value;
};
// Structured line: in JSON each field follows msg as a property; in text each follows the
// message as ` name=value`.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields);
// The line Log writes (with its trailing newline), for tests.
std::string FormatLogLine(LogFormat format, MicrosSinceEpoch time, LogLevel level, std::string_view message,
                          std::initializer_list<LogField> fields = {});

// UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Clients send
// anything; what lrsd writes (JSON responses, logs) must be well-formed.
// The length (1-4) of the well-formed sequence starting at s[i], or 0 if there is none.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);
bool IsValidUtf8(std::string_view s);
// `s` with each byte that starts no well-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

// Big-endian fixed-width encodings used in store keys (so byte order == numeric order).
void AppendBigEndian64(std::string& out, std::uint64_t v);
std::uint64_t ReadBigEndian64(std::string_view in);

}  // namespace lrsd
