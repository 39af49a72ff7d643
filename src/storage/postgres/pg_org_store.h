#pragma once
// OrgStore over one PostgreSQL connection (org/org_store.h states the contract).
//
// Details of this backend, shared by the conformance suite:
//  * names of tenants, sites, LOBs and teams and users' e-mail compare case-insensitively
//    (citext); rows keep the spelling they were stored with;
//  * references (site_id, lob_id, team_id, user_id, supervisor_ids, lob_ids) must name live
//    rows of the same tenant, otherwise kInvalidArgument with the field;
//  * link lists (supervisor_ids, lob_ids, pbx_ids) are returned sorted, without deleted
//    users or LOBs; duplicates in the input are stored once;
//  * OrgFilter: teams use team_ids (these ids), lob_ids and search; users use team_ids,
//    lob_ids (any of the user's LOBs), user_id (that user), search (name or e-mail) and
//    include_inactive; agents use team_ids, lob_ids (their team's LOB), user_id, search
//    (name) and include_inactive; LOBs use lob_ids (these ids) and search. Other fields are
//    ignored by a list they do not apply to.
//
// Thread-safety: as its connection; lives inside a PgTransaction.

#include "org/org_store.h"

namespace callboard {

class PgConnection;

class PgOrgStore final : public OrgStore {
 public:
  explicit PgOrgStore(PgConnection& conn) : conn_(conn) {}

  Result<Tenant> InsertTenant(const std::string& name, TimePoint now) override;
  Result<std::vector<Tenant>> ListTenants() override;
  Result<Tenant> FindTenantByName(const std::string& name) override;
  Result<Tenant> GetTenant(int64_t tenant_id) override;

  Result<Site> InsertSite(TenantScope scope, const Site& site) override;
  Result<Site> GetSite(TenantScope scope, int64_t id) override;
  Result<Page<Site>> ListSites(TenantScope scope, const PageRequest& page) override;
  Status UpdateSite(TenantScope scope, const Site& site) override;
  Status DeleteSite(TenantScope scope, int64_t id, TimePoint now) override;

  Result<Lob> InsertLob(TenantScope scope, const Lob& lob) override;
  Result<Lob> GetLob(TenantScope scope, int64_t id) override;
  Result<Page<Lob>> ListLobs(TenantScope scope, const OrgFilter& filter,
                             const PageRequest& page) override;
  Status UpdateLob(TenantScope scope, const Lob& lob) override;
  Status DeleteLob(TenantScope scope, int64_t id, TimePoint now) override;

  Result<Team> InsertTeam(TenantScope scope, const Team& team) override;
  Result<Team> GetTeam(TenantScope scope, int64_t id) override;
  Result<Page<Team>> ListTeams(TenantScope scope, const OrgFilter& filter,
                               const PageRequest& page) override;
  Status UpdateTeam(TenantScope scope, const Team& team) override;
  Status DeleteTeam(TenantScope scope, int64_t id, TimePoint now) override;
  Result<std::vector<int64_t>> SupervisedTeamIds(TenantScope scope, int64_t user_id) override;

  // Users and agents: pg_org_people.cpp.
  Result<User> InsertUser(TenantScope scope, const User& user) override;
  Result<User> GetUser(TenantScope scope, int64_t id) override;
  Result<User> FindUserByEmail(TenantScope scope, const std::string& email) override;
  Result<Page<User>> ListUsers(TenantScope scope, const OrgFilter& filter,
                               const PageRequest& page) override;
  Status UpdateUser(TenantScope scope, const User& user) override;
  Status DeleteUser(TenantScope scope, int64_t id, TimePoint now) override;

  Result<Agent> InsertAgent(TenantScope scope, const Agent& agent) override;
  Result<Agent> GetAgent(TenantScope scope, int64_t id) override;
  Result<Page<Agent>> ListAgents(TenantScope scope, const OrgFilter& filter,
                                 const PageRequest& page) override;
  Status UpdateAgent(TenantScope scope, const Agent& agent) override;
  Status DeleteAgent(TenantScope scope, int64_t id, TimePoint now) override;

 private:
  // Soft-deletes the live row `id` of `table` (a constant); kNotFound naming `what`.
  Status SoftDelete(const char* table, const char* what, TenantScope scope, int64_t id,
                    TimePoint now);
  // OK when `id` is a live row of `table` in the tenant; kNotFound naming `what` otherwise.
  Status RequireLive(const char* table, const char* what, TenantScope scope, int64_t id);
  Status CheckTeamReferences(TenantScope scope, const Team& team);
  Status WriteSupervisors(TenantScope scope, int64_t team_id, const std::vector<int64_t>& ids);
  Status FillSupervisors(TenantScope scope, std::vector<Team>& teams);
  Status CheckUserReferences(TenantScope scope, const User& user);
  Status WriteUserLobs(TenantScope scope, int64_t user_id, const std::vector<int64_t>& ids);
  Status FillUserLobs(TenantScope scope, std::vector<User>& users);
  Status CheckAgentReferences(TenantScope scope, const Agent& agent);
  Status WritePbxIds(TenantScope scope, int64_t agent_id, const std::vector<std::string>& ids);
  Status FillPbxIds(TenantScope scope, std::vector<Agent>& agents);

  PgConnection& conn_;
};

}  // namespace callboard
