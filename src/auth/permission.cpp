#include "auth/permission.h"

#include <algorithm>

namespace callboard {

namespace {

using P = Permission;

// Permissions held by every role that is not an agent or a client viewer.
bool IsReadOnlyPermission(P p) {
  switch (p) {
    case P::kViewOwnPerformance:
    case P::kViewTeamPerformance:
    case P::kViewAllPerformance:
    case P::kGenerateReports:
    case P::kViewWallboard:
    case P::kViewApprovedInsights:
    case P::kReadOrg:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view PermissionName(Permission p) {
  switch (p) {
    case P::kViewOwnPerformance:
      return "view_own_performance";
    case P::kViewTeamPerformance:
      return "view_team_performance";
    case P::kViewAllPerformance:
      return "view_all_performance";
    case P::kEditCallJournals:
      return "edit_call_journals";
    case P::kReviewJournals:
      return "review_journals";
    case P::kGenerateReports:
      return "generate_reports";
    case P::kConfigureMetrics:
      return "configure_metrics";
    case P::kManageGoals:
      return "manage_goals";
    case P::kAccessRecordings:
      return "access_recordings";
    case P::kConductQaReviews:
      return "conduct_qa_reviews";
    case P::kManageCampaigns:
      return "manage_campaigns";
    case P::kExportData:
      return "export_data";
    case P::kSetOwnStatus:
      return "set_own_status";
    case P::kOverrideAgentStatus:
      return "override_agent_status";
    case P::kMonitorCalls:
      return "monitor_calls";
    case P::kViewWallboard:
      return "view_wallboard";
    case P::kCreateInsights:
      return "create_insights";
    case P::kApproveInsights:
      return "approve_insights";
    case P::kViewApprovedInsights:
      return "view_approved_insights";
    case P::kReadOrg:
      return "read_org";
    case P::kManageUsers:
      return "manage_users";
    case P::kManageOrg:
      return "manage_org";
    case P::kManageSources:
      return "manage_sources";
    case P::kManageTokens:
      return "manage_tokens";
    case P::kViewAudit:
      return "view_audit";
    case P::kIngest:
      return "ingest";
  }
  return "unknown";
}

std::string_view DataScopeName(DataScope s) {
  switch (s) {
    case DataScope::kOwn:
      return "own";
    case DataScope::kTeam:
      return "team";
    case DataScope::kLob:
      return "lob";
    case DataScope::kTenant:
      return "tenant";
  }
  return "own";
}

bool RoleHas(Role role, Permission p) {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kManager:
      switch (p) {
        case P::kManageUsers:
        case P::kManageOrg:
        case P::kManageSources:
        case P::kManageTokens:
        case P::kViewAudit:
        case P::kIngest:
        case P::kCreateInsights:
        case P::kSetOwnStatus:
          return false;
        default:
          return true;
      }
    case Role::kSupervisor:
      switch (p) {
        case P::kViewOwnPerformance:
        case P::kViewTeamPerformance:
        case P::kEditCallJournals:
        case P::kReviewJournals:
        case P::kGenerateReports:
        case P::kManageGoals:
        case P::kAccessRecordings:
        case P::kConductQaReviews:
        case P::kSetOwnStatus:
        case P::kOverrideAgentStatus:
        case P::kMonitorCalls:
        case P::kViewWallboard:
        case P::kViewApprovedInsights:
        case P::kReadOrg:
          return true;
        default:
          return false;
      }
    case Role::kQa:
      switch (p) {
        case P::kViewTeamPerformance:  // agents of the assigned LOBs (seed 02 "Agents: Read")
        case P::kGenerateReports:
        case P::kConductQaReviews:
        case P::kCreateInsights:
        case P::kViewApprovedInsights:
        case P::kReadOrg:
          return true;
        default:
          return false;
      }
    case Role::kAgent:
      return p == P::kViewOwnPerformance || p == P::kEditCallJournals || p == P::kSetOwnStatus;
    case Role::kClientViewer:
      return p == P::kViewApprovedInsights;
  }
  return false;
}

DataScope RoleScope(Role role) {
  switch (role) {
    case Role::kAgent:
      return DataScope::kOwn;
    case Role::kSupervisor:
      return DataScope::kTeam;
    case Role::kQa:
      return DataScope::kLob;
    case Role::kManager:
    case Role::kAdmin:
    case Role::kClientViewer:
      return DataScope::kTenant;
  }
  return DataScope::kOwn;
}

std::string Principal::actor() const {
  if (api_token_id) return "token:" + std::to_string(*api_token_id);
  if (user_id) return "user:" + std::to_string(*user_id);
  return "anonymous";
}

bool Can(const Principal& principal, Permission p) {
  if (principal.is_api_token()) {
    const auto has = [&](std::string_view s) {
      return std::find(principal.token_scopes.begin(), principal.token_scopes.end(), s) !=
             principal.token_scopes.end();
    };
    if (p == P::kIngest) return has("ingest");
    return IsReadOnlyPermission(p) && has("read");
  }
  return RoleHas(principal.role, p);
}

DataScope ScopeOf(const Principal& principal) {
  if (principal.is_api_token()) return DataScope::kTenant;
  return RoleScope(principal.role);
}

std::vector<int64_t> VisibleTeamIds(const Principal& principal) {
  std::vector<int64_t> ids = principal.supervised_team_ids;
  if (principal.team_id) ids.push_back(*principal.team_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace callboard
