// Replays every fuzz target's seed corpus and kept crashing inputs (tests/fuzz/regressions/)
// through the very functions the libFuzzer targets call, in the normal test builds: the
// sanitizer build thus re-checks each input that once crashed, without clang or libFuzzer.
#define LRSD_FUZZ_NO_ENTRY 1
#include <gtest/gtest.h>

#include "fuzz/admin_fuzz.cpp"
#include "fuzz/cursor_fuzz.cpp"
#include "fuzz/jws_fuzz.cpp"
#include "fuzz/multipart_fuzz.cpp"
#include "fuzz/query_fuzz.cpp"
#include "fuzz/statement_fuzz.cpp"

namespace lrsd::fuzz {
namespace {

struct Target {
  const char* name;
  void (*run)(std::string_view);
};

constexpr Target kTargets[] = {
    {"admin", FuzzAdmin},         {"cursor", FuzzCursor}, {"jws", FuzzJws},
    {"multipart", FuzzMultipart}, {"query", FuzzQuery},   {"statement", FuzzStatement},
};

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, EverySeedAndRegressionInputPasses) {
  const auto inputs = ReplayInputs(GetParam().name);
  ASSERT_FALSE(inputs.empty()) << "no seed corpus for " << GetParam().name;
  for (const auto& [name, bytes] : inputs) {
    // A failed invariant aborts the whole test binary: say first which input it was.
    std::fprintf(stderr, "replaying tests/fuzz/%s\n", name.c_str());
    GetParam().run(bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace lrsd::fuzz
