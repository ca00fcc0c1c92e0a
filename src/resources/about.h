// The About resource (Communication 2.8): public, no version header needed.
#pragma once

#include "lrsd/http.h"

namespace lrsd::resources {

http::Response HandleAbout(const http::Params& params);

}  // namespace lrsd::resources
