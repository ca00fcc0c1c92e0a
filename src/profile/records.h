// Keys of the profile records (private to the profile module; the store adds its generation).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrsd/profile.h"

namespace lrsd::profile {

std::string IfiPrefix(char kind, std::string_view ifi);
std::string AggregateKey(std::string_view ifi);
std::string DayKey(std::string_view ifi, std::int64_t day);
std::string LogKey(std::string_view ifi, std::int64_t timestamp, std::string_view statement_uuid_bytes);

}  // namespace lrsd::profile
