#include "core/time_zone.h"

#include <date/tz.h>

#include <exception>
#include <string>

namespace callboard {

bool IsValidTimeZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace callboard
