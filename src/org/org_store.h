#pragma once
// OrgStore: persistence of tenants and their organisation, owned by the org domain and
// implemented by each storage backend. Every call except the tenant registry takes the
// TenantScope it acts in and never sees rows of another tenant. Deleted rows are soft
// deleted (deleted_at) and invisible to every call.
//
// Thread-safety: used only through a Transaction (store/transaction.h).

#include <optional>
#include <string>
#include <vector>

#include "core/page.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "org/org_types.h"

namespace callboard {

// Filters for lists; an unset filter does not restrict.
struct OrgFilter {
  std::optional<std::vector<int64_t>> team_ids;  // users/agents: in these teams; teams: these ids
  std::optional<std::vector<int64_t>> lob_ids;   // teams: of these LOBs
  std::optional<int64_t> user_id;                // agents: linked to this user
  std::optional<std::string> search;             // case-insensitive substring of name/email
  bool include_inactive = true;                  // users/agents
};

class OrgStore {
 public:
  virtual ~OrgStore() = default;

  // Tenant registry: platform operator only (command line).
  virtual Result<Tenant> InsertTenant(const std::string& name, TimePoint now) = 0;
  virtual Result<std::vector<Tenant>> ListTenants() = 0;
  virtual Result<Tenant> FindTenantByName(const std::string& name) = 0;
  virtual Result<Tenant> GetTenant(int64_t tenant_id) = 0;

  // Inserts set id/created_at/updated_at from the arguments and return the stored row.
  // Unique names (site, lob, team within tenant; user email globally; pbx id within
  // tenant) answer kAlreadyExists naming the field.
  virtual Result<Site> InsertSite(TenantScope scope, const Site& site) = 0;
  virtual Result<Site> GetSite(TenantScope scope, int64_t id) = 0;
  virtual Result<Page<Site>> ListSites(TenantScope scope, const PageRequest& page) = 0;
  virtual Status UpdateSite(TenantScope scope, const Site& site) = 0;
  virtual Status DeleteSite(TenantScope scope, int64_t id, TimePoint now) = 0;

  virtual Result<Lob> InsertLob(TenantScope scope, const Lob& lob) = 0;
  virtual Result<Lob> GetLob(TenantScope scope, int64_t id) = 0;
  virtual Result<Page<Lob>> ListLobs(TenantScope scope, const OrgFilter& filter,
                                     const PageRequest& page) = 0;
  virtual Status UpdateLob(TenantScope scope, const Lob& lob) = 0;
  virtual Status DeleteLob(TenantScope scope, int64_t id, TimePoint now) = 0;

  virtual Result<Team> InsertTeam(TenantScope scope, const Team& team) = 0;
  virtual Result<Team> GetTeam(TenantScope scope, int64_t id) = 0;
  virtual Result<Page<Team>> ListTeams(TenantScope scope, const OrgFilter& filter,
                                       const PageRequest& page) = 0;
  virtual Status UpdateTeam(TenantScope scope, const Team& team) = 0;
  virtual Status DeleteTeam(TenantScope scope, int64_t id, TimePoint now) = 0;
  // Ids of the teams this user supervises.
  virtual Result<std::vector<int64_t>> SupervisedTeamIds(TenantScope scope, int64_t user_id) = 0;

  virtual Result<User> InsertUser(TenantScope scope, const User& user) = 0;
  virtual Result<User> GetUser(TenantScope scope, int64_t id) = 0;
  virtual Result<User> FindUserByEmail(TenantScope scope, const std::string& email) = 0;
  virtual Result<Page<User>> ListUsers(TenantScope scope, const OrgFilter& filter,
                                       const PageRequest& page) = 0;
  virtual Status UpdateUser(TenantScope scope, const User& user) = 0;
  virtual Status DeleteUser(TenantScope scope, int64_t id, TimePoint now) = 0;

  virtual Result<Agent> InsertAgent(TenantScope scope, const Agent& agent) = 0;
  virtual Result<Agent> GetAgent(TenantScope scope, int64_t id) = 0;
  virtual Result<Page<Agent>> ListAgents(TenantScope scope, const OrgFilter& filter,
                                         const PageRequest& page) = 0;
  virtual Status UpdateAgent(TenantScope scope, const Agent& agent) = 0;
  virtual Status DeleteAgent(TenantScope scope, int64_t id, TimePoint now) = 0;
};

}  // namespace callboard
