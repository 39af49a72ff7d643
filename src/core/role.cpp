#include "core/role.h"

namespace callboard {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kQa:
      return "qa";
    case Role::kManager:
      return "manager";
    case Role::kAdmin:
      return "admin";
    case Role::kClientViewer:
      return "client_viewer";
  }
  return "agent";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace callboard
