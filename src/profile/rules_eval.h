// Rule evaluation shared by Rules and Contribute (private to src/profile/): one pass over the
// statement's facts for both the modality and the competency rules.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lrsd/profile.h"

namespace lrsd::profile::rules_eval {

// What Rules::ClassifyModality and Rules::MatchCompetencies return, computed together (the
// statement's verb, type, platform, categories and extensions are looked up once).
void Evaluate(const Rules& rules, const xapi::JsonValue& statement, Modality& modality,
              std::vector<std::pair<std::string, int>>& competencies);

}  // namespace lrsd::profile::rules_eval
