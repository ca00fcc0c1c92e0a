// Shared by the libFuzzer targets (tests/fuzz/*_fuzz.cpp) and the GoogleTest suites that replay
// their corpora and regressions (tests/fuzz/replay_test.cpp).
//
// Each target defines `void lrsd::fuzz::<Name>(std::string_view input)`, which must never crash,
// leak, hit undefined behaviour or take pathological time on any input, and aborts (via Check)
// when an invariant the code promises does not hold. The libFuzzer entry point is compiled only
// when LRSD_FUZZ_NO_ENTRY is not defined, so a test can #include a target's .cpp file and call
// the very same function.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/http.h"
#include "lrsd/xapi.h"

#ifndef LRSD_SOURCE_DIR
#error "LRSD_SOURCE_DIR must name the source tree"
#endif

namespace lrsd::fuzz {

// An invariant failed: print it and abort, which libFuzzer (and GoogleTest, as a crash)
// reports with the input.
#define LRSD_FUZZ_CHECK(cond)                                                                     \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "lrsd fuzz: check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)

inline std::string_view AsView(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline std::string ReadFileOrDie(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "lrsd fuzz: cannot read %s\n", path.c_str());
    std::abort();
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A file of the sample organisation (tests/data/sample-org/), for targets that need a
// framework, goals or rules to check documents against.
inline std::string SampleOrgFile(std::string_view name) {
  return ReadFileOrDie(std::filesystem::path(LRSD_SOURCE_DIR) / "tests/data/sample-org" / name);
}

// Parses a request body exactly as the statement resource does (resources::ParseJson: UTF-8
// validated, iterative, full-precision numbers, at most 64 levels deep: Config's default).
inline bool ParseLikeServer(std::string_view text, xapi::JsonDocument& doc, std::size_t max_depth = 64) {
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) return false;
  std::vector<std::pair<const xapi::JsonValue*, std::size_t>> stack = {{&doc, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth > max_depth) return false;
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
  return true;
}

// Whether `text` is well-formed UTF-8, as every JSON text the LRS writes must be.
inline bool IsUtf8(std::string_view text) { return IsValidUtf8(text); }

// Every error a parser returns is a client error with a message, and the response the edge
// makes of it (http::ErrorResponse) is valid JSON in UTF-8 whatever the input held.
inline void CheckClientError(const Error& e) {
  LRSD_FUZZ_CHECK(e.status >= 400 && e.status < 500);
  LRSD_FUZZ_CHECK(!e.message.empty());
  const http::Response response = http::ErrorResponse(e);
  LRSD_FUZZ_CHECK(IsUtf8(response.body));
  xapi::JsonDocument doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.data(), response.body.size());
  LRSD_FUZZ_CHECK(!doc.HasParseError() && doc.IsObject());
}

// Inputs of a target as the replay tests see them: its seed corpus and its regressions.
inline std::vector<std::pair<std::string, std::string>> ReplayInputs(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::filesystem::path root = std::filesystem::path(LRSD_SOURCE_DIR) / "tests/fuzz";
  for (const char* kind : {"corpus", "regressions"}) {
    std::filesystem::path dir = root / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out.emplace_back(std::string(kind) + "/" + std::string(target) + "/" + f.filename().string(), ReadFileOrDie(f));
  }
  return out;
}

}  // namespace lrsd::fuzz

#ifndef LRSD_FUZZ_NO_ENTRY
#define LRSD_FUZZ_ENTRY(function)                                                     \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    function(lrsd::fuzz::AsView(data, size));                                          \
    return 0;                                                                          \
  }
#else
#define LRSD_FUZZ_ENTRY(function)
#endif
