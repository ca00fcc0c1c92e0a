// Per-statement costs on the write path, without HTTP or storage.
#include <benchmark/benchmark.h>

#include "lrsd/xapi.h"
#include "resources/common.h"

namespace {

constexpr const char* kStatement = R"({
  "actor": {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "object": {"objectType": "Activity", "id": "http://example.com/courses/safety-101",
             "definition": {"name": {"en-US": "Safety 101"}, "type": "http://adlnet.gov/expapi/activities/course"}},
  "result": {"score": {"scaled": 0.92, "raw": 92, "min": 0, "max": 100}, "success": true, "completion": true,
             "duration": "PT42M"},
  "context": {"registration": "6fbd600f-d17c-4c74-801a-2ec2e53231f7", "platform": "LMS",
              "contextActivities": {"parent": [{"id": "http://example.com/programs/onboarding"}]}},
  "timestamp": "2026-11-23T09:30:00.000Z"
})";

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) {
    lrsd::xapi::JsonDocument doc;
    benchmark::DoNotOptimize(lrsd::resources::ParseJson(kStatement, doc, 64, "body").ok());
  }
}
BENCHMARK(BM_Parse);

void BM_Validate(benchmark::State& state) {
  if (!lrsd::xapi::LoadSchemas("").ok()) state.SkipWithError("schemas");
  lrsd::xapi::JsonDocument doc;
  doc.Parse(kStatement);
  for (auto _ : state) {
    benchmark::DoNotOptimize(lrsd::xapi::ValidateStatement(doc, lrsd::xapi::Version::k1_0, "statement").ok());
  }
}
BENCHMARK(BM_Validate);

void BM_ComparisonAndKeys(benchmark::State& state) {
  lrsd::xapi::JsonDocument doc;
  doc.Parse(kStatement);
  for (auto _ : state) {
    benchmark::DoNotOptimize(lrsd::xapi::ComparisonForm(doc));
    benchmark::DoNotOptimize(lrsd::xapi::IndexKeysFor(doc));
  }
}
BENCHMARK(BM_ComparisonAndKeys);

void BM_Serialise(benchmark::State& state) {
  lrsd::xapi::JsonDocument doc;
  doc.Parse(kStatement);
  for (auto _ : state) benchmark::DoNotOptimize(lrsd::xapi::ToJson(doc));
}
BENCHMARK(BM_Serialise);

}  // namespace
