#pragma once
// Role: the six roles of DESIGN §1, by their API names.

#include <optional>
#include <string_view>

namespace callboard {

enum class Role { kAgent, kSupervisor, kQa, kManager, kAdmin, kClientViewer };

inline constexpr Role kAllRoles[] = {Role::kAgent,   Role::kSupervisor, Role::kQa,
                                     Role::kManager, Role::kAdmin,      Role::kClientViewer};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

}  // namespace callboard
