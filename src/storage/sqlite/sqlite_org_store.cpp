#include "storage/sqlite/sqlite_org_store.h"

#include <string>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

namespace {

constexpr const char* kTenantColumns = "SELECT id, name, created_at FROM tenants";
constexpr const char* kSiteColumns =
    "SELECT id, name, time_zone, created_at, updated_at FROM sites";
constexpr const char* kLobColumns =
    "SELECT id, name, description, created_at, updated_at FROM lobs";
constexpr const char* kTeamColumns =
    "SELECT id, name, site_id, lob_id, created_at, updated_at FROM teams";

Tenant ReadTenant(const SqliteStatement& s) {
  return {.id = s.Int(0), .name = s.Text(1), .created_at = s.Time(2)};
}

Site ReadSite(const SqliteStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .time_zone = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
}

Lob ReadLob(const SqliteStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .description = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
}

Team ReadTeam(const SqliteStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .site_id = s.OptInt(2),
          .lob_id = s.OptInt(3),
          .supervisor_ids = {},
          .created_at = s.Time(4),
          .updated_at = s.Time(5)};
}

// The single row `query` selects, read by `read`, or kNotFound naming `what`.
template <typename T, typename Read>
Result<T> FetchOne(SqliteConnection& conn, const SqlQuery& query, Read read, const char* what) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound(std::string(what) + " not found");
  return read(*stmt);
}

// Live rows of `table` (a constant) in the tenant.
SqlQuery Scoped(const char* select, TenantScope scope) {
  SqlQuery q(select);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("deleted_at IS NULL");
  return q;
}

Status NotFoundUnlessChanged(const Result<int>& changed, const char* what) {
  if (!changed) return changed.error();
  if (*changed == 0) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();
}

}  // namespace

// ---- Tenants ----

Result<Tenant> SqliteOrgStore::InsertTenant(const std::string& name, TimePoint now) {
  auto done = conn_.Execute("INSERT INTO tenants (name, created_at) VALUES (?, ?)", name, now);
  if (!done) return done.error();
  return Tenant{.id = conn_.LastInsertId(), .name = name, .created_at = now};
}

Result<std::vector<Tenant>> SqliteOrgStore::ListTenants() {
  auto stmt = conn_.Prepare(std::string(kTenantColumns) + " ORDER BY id");
  if (!stmt) return stmt.error();
  std::vector<Tenant> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(ReadTenant(*stmt));
  }
}

Result<Tenant> SqliteOrgStore::FindTenantByName(const std::string& name) {
  SqlQuery q(kTenantColumns);
  q.Where("name = ?", name);
  return FetchOne<Tenant>(conn_, q, ReadTenant, "tenant");
}

Result<Tenant> SqliteOrgStore::GetTenant(int64_t tenant_id) {
  SqlQuery q(kTenantColumns);
  q.Where("id = ?", tenant_id);
  return FetchOne<Tenant>(conn_, q, ReadTenant, "tenant");
}

// ---- Shared ----

Status SqliteOrgStore::SoftDelete(const char* table, const char* what, TenantScope scope,
                                  int64_t id, TimePoint now) {
  return NotFoundUnlessChanged(
      conn_.Execute(std::string("UPDATE ") + table +
                        " SET deleted_at = ?, updated_at = ?"
                        " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    now, now, scope.tenant_id(), id),
      what);
}

Status SqliteOrgStore::RequireLive(const char* table, const char* what, TenantScope scope,
                                   int64_t id) {
  std::vector<FieldError> missing;
  CB_RETURN_IF_ERROR(CheckReference(conn_, table, scope.tenant_id(), id, "id", missing));
  if (!missing.empty()) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();
}

// ---- Sites ----

Result<Site> SqliteOrgStore::InsertSite(TenantScope scope, const Site& site) {
  auto done = conn_.Execute(
      "INSERT INTO sites (tenant_id, name, time_zone, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?)",
      scope.tenant_id(), site.name, site.time_zone, site.created_at, site.updated_at);
  if (!done) return done.error();
  Site out = site;
  out.id = conn_.LastInsertId();
  return out;
}

Result<Site> SqliteOrgStore::GetSite(TenantScope scope, int64_t id) {
  return FetchOne<Site>(conn_, Scoped(kSiteColumns, scope).Where("id = ?", id), ReadSite, "site");
}

Result<Page<Site>> SqliteOrgStore::ListSites(TenantScope scope, const PageRequest& page) {
  return FetchPage<Site>(conn_, Scoped(kSiteColumns, scope), "id", false, page, ReadSite,
                         [](const Site& s) { return s.id; });
}

Status SqliteOrgStore::UpdateSite(TenantScope scope, const Site& site) {
  return NotFoundUnlessChanged(
      conn_.Execute("UPDATE sites SET name = ?, time_zone = ?, updated_at = ?"
                    " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    site.name, site.time_zone, site.updated_at, scope.tenant_id(), site.id),
      "site");
}

Status SqliteOrgStore::DeleteSite(TenantScope scope, int64_t id, TimePoint now) {
  return SoftDelete("sites", "site", scope, id, now);
}

// ---- LOBs ----

Result<Lob> SqliteOrgStore::InsertLob(TenantScope scope, const Lob& lob) {
  auto done = conn_.Execute(
      "INSERT INTO lobs (tenant_id, name, description, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?)",
      scope.tenant_id(), lob.name, lob.description, lob.created_at, lob.updated_at);
  if (!done) return done.error();
  Lob out = lob;
  out.id = conn_.LastInsertId();
  return out;
}

Result<Lob> SqliteOrgStore::GetLob(TenantScope scope, int64_t id) {
  return FetchOne<Lob>(conn_, Scoped(kLobColumns, scope).Where("id = ?", id), ReadLob, "lob");
}

Result<Page<Lob>> SqliteOrgStore::ListLobs(TenantScope scope, const OrgFilter& filter,
                                           const PageRequest& page) {
  if (filter.lob_ids && filter.lob_ids->empty()) return Page<Lob>{};
  SqlQuery q = Scoped(kLobColumns, scope);
  if (filter.lob_ids)
    q.Where("id IN (SELECT value FROM json_each(?))", JsonIdArray(*filter.lob_ids));
  if (filter.search) q.Where("instr(lower(name), lower(?)) > 0", *filter.search);
  return FetchPage<Lob>(conn_, std::move(q), "id", false, page, ReadLob,
                        [](const Lob& l) { return l.id; });
}

Status SqliteOrgStore::UpdateLob(TenantScope scope, const Lob& lob) {
  return NotFoundUnlessChanged(
      conn_.Execute("UPDATE lobs SET name = ?, description = ?, updated_at = ?"
                    " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    lob.name, lob.description, lob.updated_at, scope.tenant_id(), lob.id),
      "lob");
}

Status SqliteOrgStore::DeleteLob(TenantScope scope, int64_t id, TimePoint now) {
  return SoftDelete("lobs", "lob", scope, id, now);
}

// ---- Teams ----

Status SqliteOrgStore::CheckTeamReferences(TenantScope scope, const Team& team) {
  std::vector<FieldError> errors;
  const int64_t tenant = scope.tenant_id();
  if (team.site_id) {
    CB_RETURN_IF_ERROR(CheckReference(conn_, "sites", tenant, *team.site_id, "site_id", errors));
  }
  if (team.lob_id) {
    CB_RETURN_IF_ERROR(CheckReference(conn_, "lobs", tenant, *team.lob_id, "lob_id", errors));
  }
  for (int64_t id : SortedUnique(team.supervisor_ids)) {
    CB_RETURN_IF_ERROR(CheckReference(conn_, "users", tenant, id, "supervisor_ids", errors));
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

Status SqliteOrgStore::WriteSupervisors(TenantScope scope, int64_t team_id,
                                        const std::vector<int64_t>& ids) {
  auto cleared = conn_.Execute("DELETE FROM team_supervisors WHERE tenant_id = ? AND team_id = ?",
                               scope.tenant_id(), team_id);
  if (!cleared) return cleared.error();
  for (int64_t user_id : ids) {
    auto added =
        conn_.Execute("INSERT INTO team_supervisors (tenant_id, team_id, user_id) VALUES (?, ?, ?)",
                      scope.tenant_id(), team_id, user_id);
    if (!added) return added.error();
  }
  return Status::Ok();
}

Status SqliteOrgStore::FillSupervisors(TenantScope scope, std::vector<Team>& teams) {
  std::vector<int64_t> ids;
  for (const Team& t : teams) ids.push_back(t.id);
  auto links = LoadLinks<int64_t>(
      conn_,
      "SELECT s.team_id, s.user_id FROM team_supervisors s"
      " JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.deleted_at IS NULL"
      " WHERE s.tenant_id = ? AND s.team_id IN (SELECT value FROM json_each(?))"
      " ORDER BY s.team_id, s.user_id",
      scope.tenant_id(), ids);
  if (!links) return links.error();
  for (Team& t : teams) {
    auto it = links->find(t.id);
    t.supervisor_ids = it == links->end() ? std::vector<int64_t>{} : std::move(it->second);
  }
  return Status::Ok();
}

Result<Team> SqliteOrgStore::InsertTeam(TenantScope scope, const Team& team) {
  CB_RETURN_IF_ERROR(CheckTeamReferences(scope, team));
  auto done = conn_.Execute(
      "INSERT INTO teams (tenant_id, name, site_id, lob_id, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      scope.tenant_id(), team.name, team.site_id, team.lob_id, team.created_at, team.updated_at);
  if (!done) return done.error();
  Team out = team;
  out.id = conn_.LastInsertId();
  out.supervisor_ids = SortedUnique(team.supervisor_ids);
  CB_RETURN_IF_ERROR(WriteSupervisors(scope, out.id, out.supervisor_ids));
  return out;
}

Result<Team> SqliteOrgStore::GetTeam(TenantScope scope, int64_t id) {
  auto team =
      FetchOne<Team>(conn_, Scoped(kTeamColumns, scope).Where("id = ?", id), ReadTeam, "team");
  if (!team) return team;
  std::vector<Team> one{std::move(*team)};
  CB_RETURN_IF_ERROR(FillSupervisors(scope, one));
  return std::move(one.front());
}

Result<Page<Team>> SqliteOrgStore::ListTeams(TenantScope scope, const OrgFilter& filter,
                                             const PageRequest& page) {
  if ((filter.team_ids && filter.team_ids->empty()) ||
      (filter.lob_ids && filter.lob_ids->empty())) {
    return Page<Team>{};
  }
  SqlQuery q = Scoped(kTeamColumns, scope);
  if (filter.team_ids) {
    q.Where("id IN (SELECT value FROM json_each(?))", JsonIdArray(*filter.team_ids));
  }
  if (filter.lob_ids) {
    q.Where("lob_id IN (SELECT value FROM json_each(?))", JsonIdArray(*filter.lob_ids));
  }
  if (filter.search) q.Where("instr(lower(name), lower(?)) > 0", *filter.search);
  auto out = FetchPage<Team>(conn_, std::move(q), "id", false, page, ReadTeam,
                             [](const Team& t) { return t.id; });
  if (!out) return out;
  CB_RETURN_IF_ERROR(FillSupervisors(scope, out->items));
  return out;
}

Status SqliteOrgStore::UpdateTeam(TenantScope scope, const Team& team) {
  // Existence first, so a missing team answers kNotFound rather than a reference error.
  CB_RETURN_IF_ERROR(RequireLive("teams", "team", scope, team.id));
  CB_RETURN_IF_ERROR(CheckTeamReferences(scope, team));
  CB_RETURN_IF_ERROR(NotFoundUnlessChanged(
      conn_.Execute("UPDATE teams SET name = ?, site_id = ?, lob_id = ?, updated_at = ?"
                    " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    team.name, team.site_id, team.lob_id, team.updated_at, scope.tenant_id(),
                    team.id),
      "team"));
  return WriteSupervisors(scope, team.id, SortedUnique(team.supervisor_ids));
}

Status SqliteOrgStore::DeleteTeam(TenantScope scope, int64_t id, TimePoint now) {
  return SoftDelete("teams", "team", scope, id, now);
}

Result<std::vector<int64_t>> SqliteOrgStore::SupervisedTeamIds(TenantScope scope, int64_t user_id) {
  auto stmt = conn_.Prepare(
      "SELECT s.team_id FROM team_supervisors s"
      " JOIN teams t ON t.tenant_id = s.tenant_id AND t.id = s.team_id AND t.deleted_at IS NULL"
      " WHERE s.tenant_id = ? AND s.user_id = ? ORDER BY s.team_id");
  if (!stmt) return stmt.error();
  stmt->Bind(scope.tenant_id(), user_id);
  std::vector<int64_t> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(stmt->Int(0));
  }
}

}  // namespace callboard
