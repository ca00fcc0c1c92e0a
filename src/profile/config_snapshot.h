// The learning-profile configuration as one immutable snapshot (private to src/profile/).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrsd/profile.h"

namespace lrsd::profile {

// Everything configured, as one immutable value: readers take a shared_ptr and never lock.
struct Config {
  std::shared_ptr<const Framework> framework = std::make_shared<Framework>();
  std::string framework_json = R"({"competencies":[],"roles":[]})";
  std::shared_ptr<const Rules> rules;
  std::shared_ptr<const CostRules> costs;  // null: nothing is priced
  std::vector<Goal> goals;
  std::map<std::string, Person> people;             // by id
  std::unordered_map<std::string, std::string> ifi_owner;  // IFI -> person id
  std::map<std::string, std::vector<std::string>> units;  // unit -> person ids (sorted)
  std::map<std::string, Plan> plans;                // by person id
  std::map<std::string, KpiSet> kpis;               // by unit ("" = organisation)

  void Index() {
    ifi_owner.clear();
    units.clear();
    for (const auto& [id, p] : people) {
      for (const auto& [ifi, json] : p.ifis) ifi_owner[ifi] = id;
      units[p.unit].push_back(id);
    }
  }
  const Person* FindPerson(std::string_view id) const {
    auto it = people.find(std::string(id));
    return it == people.end() ? nullptr : &it->second;
  }
  const Plan* FindPlan(std::string_view id) const {
    auto it = plans.find(std::string(id));
    return it == plans.end() ? nullptr : &it->second;
  }
};

}  // namespace lrsd::profile
