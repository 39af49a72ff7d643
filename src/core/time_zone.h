#pragma once
// IANA time zones (from the system tzdata, via Howard Hinnant's date/tz).

#include <string_view>

namespace callboard {

// True when `name` is a zone the system tz database knows, e.g. "Europe/Berlin".
bool IsValidTimeZone(std::string_view name);

}  // namespace callboard
