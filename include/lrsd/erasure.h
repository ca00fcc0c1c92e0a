// Data lifecycle: erasing a person's data (a privacy request) and the retention sweep
// (statements stored before a cut-off). Used by `POST /admin/erasure`, `lrsd erase` and
// `lrsd serve --retention-days`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lrsd/base.h"
#include "lrsd/profile.h"
#include "lrsd/store.h"

namespace lrsd::resources {

struct ErasureResult {
  std::uint64_t statements = 0;           // erased (the person as actor, actor group member, or object)
  std::uint64_t documents = 0;            // State and Agent Profile documents of the person's IFIs
  std::uint64_t agent_records = 0;        // what the Agents resource knew of each IFI
  std::uint64_t mentioned_elsewhere = 0;  // other learners' statements naming the person in context: kept
  std::string audit_json;                 // the audit record written (hashes and counts only)
};

// Erases everything stored about the IFIs (xapi::IfiKey strings) of one person and writes an
// audit record (meta key "erasure/<time>": SHA-256 of each IFI and of `person_id`, counts, who
// asked). Their person record in the people directory is not touched (the directory is HR's).
Result<ErasureResult> ErasePerson(store::Store& store, profile::Service* profiles, const std::vector<std::string>& ifis,
                                  std::string_view person_id, std::string_view requested_by);

// The audit records, oldest first, as a JSON array.
Result<std::string> ErasureAuditJson(store::Store& store);

// Erases every statement stored before `before_seq` (a stored time in microseconds), in
// chunks; returns how many.
Result<std::uint64_t> EraseStoredBefore(store::Store& store, profile::Service* profiles, std::uint64_t before_seq);

}  // namespace lrsd::resources
