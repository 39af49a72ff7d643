#pragma once
// The permission matrix of DESIGN §1 (seed 01 CallCenterPermissions + seed 02 role
// table) in one place, and the principal a request acts as. Every route names the
// permission it needs; the API layer checks it before the handler runs, and the
// principal's data scope filters what the handler may see.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/role.h"
#include "core/tenant_scope.h"

namespace callboard {

enum class Permission {
  kViewOwnPerformance,
  kViewTeamPerformance,
  kViewAllPerformance,
  kEditCallJournals,
  kReviewJournals,
  kGenerateReports,
  kConfigureMetrics,
  kManageGoals,
  kAccessRecordings,
  kConductQaReviews,
  kManageCampaigns,
  kExportData,
  kSetOwnStatus,
  kOverrideAgentStatus,
  kMonitorCalls,
  kViewWallboard,
  kCreateInsights,
  kApproveInsights,
  kViewApprovedInsights,
  kReadOrg,      // users, teams, sites, LOBs, agents within the caller's scope
  kManageUsers,  // create, change, deactivate users
  kManageOrg,    // sites, LOBs, teams, agents, queues
  kManageSources,
  kManageTokens,  // API tokens
  kViewAudit,
  kIngest,
};

inline constexpr int kPermissionCount = static_cast<int>(Permission::kIngest) + 1;

std::string_view PermissionName(Permission p);

// What rows a principal sees: its own, its teams', its LOBs', or the whole tenant's.
enum class DataScope { kOwn, kTeam, kLob, kTenant };
std::string_view DataScopeName(DataScope s);

// The role matrix: whether a user of `role` holds `p`. Fixed in code.
bool RoleHas(Role role, Permission p);
DataScope RoleScope(Role role);

// Who a request acts as: a signed-in user (session) or an API token.
struct Principal {
  int64_t tenant_id = 0;
  std::optional<int64_t> user_id;       // set for users
  std::optional<int64_t> session_id;    // set for session logins
  std::optional<int64_t> api_token_id;  // set for API tokens
  Role role = Role::kAgent;             // meaningful for users only
  std::string email;
  std::string name;
  std::optional<int64_t> team_id;            // the user's own team
  std::vector<int64_t> supervised_team_ids;  // teams the user supervises
  std::vector<int64_t> lob_ids;
  std::optional<int64_t> agent_id;        // the agent linked to the user
  std::vector<std::string> token_scopes;  // API tokens: "ingest", "read"

  TenantScope tenant() const { return TenantScope(tenant_id); }
  bool is_api_token() const { return api_token_id.has_value(); }
  // "user:12" or "token:3", for audit entries and logs.
  std::string actor() const;
};

// The principal's permission: a user's by role; an API token's by its scopes ("read" grants
// the read-only permissions tenant-wide, "ingest" grants kIngest).
bool Can(const Principal& principal, Permission p);
DataScope ScopeOf(const Principal& principal);

// Teams whose members the principal may see (own team and supervised teams); only
// meaningful for DataScope::kTeam.
std::vector<int64_t> VisibleTeamIds(const Principal& principal);

}  // namespace callboard
