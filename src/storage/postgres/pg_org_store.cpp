#include "storage/postgres/pg_org_store.h"

#include <string>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

constexpr const char* kTenantColumns = "SELECT id, name, created_at FROM tenants";
constexpr const char* kSiteColumns =
    "SELECT id, name, time_zone, created_at, updated_at FROM sites";
constexpr const char* kLobColumns =
    "SELECT id, name, description, created_at, updated_at FROM lobs";
constexpr const char* kTeamColumns =
    "SELECT id, name, site_id, lob_id, created_at, updated_at FROM teams";

Tenant ReadTenant(const PgStatement& s) {
  return {.id = s.Int(0), .name = s.Text(1), .created_at = s.Time(2)};
}

Site ReadSite(const PgStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .time_zone = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
}

Lob ReadLob(const PgStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .description = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
}

Team ReadTeam(const PgStatement& s) {
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
Result<T> FetchOne(PgConnection& conn, const PgQuery& query, Read read, const char* what) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound(std::string(what) + " not found");
  return read(*stmt);
}

// Live rows of `table` (a constant) in the tenant.
PgQuery Scoped(const char* select, TenantScope scope) {
  PgQuery q(select);
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

Result<Tenant> PgOrgStore::InsertTenant(const std::string& name, TimePoint now) {
  auto done =
      conn_.Execute("INSERT INTO tenants (name, created_at) VALUES (?, ?) RETURNING id", name, now);
  if (!done) return done.error();
  return Tenant{.id = conn_.LastInsertId(), .name = name, .created_at = now};
}

Result<std::vector<Tenant>> PgOrgStore::ListTenants() {
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

Result<Tenant> PgOrgStore::FindTenantByName(const std::string& name) {
  PgQuery q(kTenantColumns);
  q.Where("name = ?", name);
  return FetchOne<Tenant>(conn_, q, ReadTenant, "tenant");
}

Result<Tenant> PgOrgStore::GetTenant(int64_t tenant_id) {
  PgQuery q(kTenantColumns);
  q.Where("id = ?", tenant_id);
  return FetchOne<Tenant>(conn_, q, ReadTenant, "tenant");
}

// ---- Shared ----

Status PgOrgStore::SoftDelete(const char* table, const char* what, TenantScope scope, int64_t id,
                              TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return NotFoundUnlessChanged(
      conn_.Execute(std::string("UPDATE ") + table +
                        " SET deleted_at = ?, updated_at = ?"
                        " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    now, now, scope.tenant_id(), id),
      what);
}

Status PgOrgStore::RequireLive(const char* table, const char* what, TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<FieldError> missing;
  CB_RETURN_IF_ERROR(CheckReference(conn_, table, scope.tenant_id(), id, "id", missing));
  if (!missing.empty()) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();
}

// ---- Sites ----

Result<Site> PgOrgStore::InsertSite(TenantScope scope, const Site& site) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto done = conn_.Execute(
      "INSERT INTO sites (tenant_id, name, time_zone, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), site.name, site.time_zone, site.created_at, site.updated_at);
  if (!done) return done.error();
  Site out = site;
  out.id = conn_.LastInsertId();
  return out;
}

Result<Site> PgOrgStore::GetSite(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return FetchOne<Site>(conn_, Scoped(kSiteColumns, scope).Where("id = ?", id), ReadSite, "site");
}

Result<Page<Site>> PgOrgStore::ListSites(TenantScope scope, const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return FetchPage<Site>(conn_, Scoped(kSiteColumns, scope), "id", false, page, ReadSite,
                         [](const Site& s) { return s.id; });
}

Status PgOrgStore::UpdateSite(TenantScope scope, const Site& site) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return NotFoundUnlessChanged(
      conn_.Execute("UPDATE sites SET name = ?, time_zone = ?, updated_at = ?"
                    " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    site.name, site.time_zone, site.updated_at, scope.tenant_id(), site.id),
      "site");
}

Status PgOrgStore::DeleteSite(TenantScope scope, int64_t id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return SoftDelete("sites", "site", scope, id, now);
}

// ---- LOBs ----

Result<Lob> PgOrgStore::InsertLob(TenantScope scope, const Lob& lob) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto done = conn_.Execute(
      "INSERT INTO lobs (tenant_id, name, description, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), lob.name, lob.description, lob.created_at, lob.updated_at);
  if (!done) return done.error();
  Lob out = lob;
  out.id = conn_.LastInsertId();
  return out;
}

Result<Lob> PgOrgStore::GetLob(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return FetchOne<Lob>(conn_, Scoped(kLobColumns, scope).Where("id = ?", id), ReadLob, "lob");
}

Result<Page<Lob>> PgOrgStore::ListLobs(TenantScope scope, const OrgFilter& filter,
                                       const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (filter.lob_ids && filter.lob_ids->empty()) return Page<Lob>{};
  PgQuery q = Scoped(kLobColumns, scope);
  if (filter.lob_ids) q.Where("id = ANY(?::bigint[])", IdArray(*filter.lob_ids));
  if (filter.search) q.Where("strpos(lower(name), lower(?)) > 0", *filter.search);
  return FetchPage<Lob>(conn_, std::move(q), "id", false, page, ReadLob,
                        [](const Lob& l) { return l.id; });
}

Status PgOrgStore::UpdateLob(TenantScope scope, const Lob& lob) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return NotFoundUnlessChanged(
      conn_.Execute("UPDATE lobs SET name = ?, description = ?, updated_at = ?"
                    " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    lob.name, lob.description, lob.updated_at, scope.tenant_id(), lob.id),
      "lob");
}

Status PgOrgStore::DeleteLob(TenantScope scope, int64_t id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return SoftDelete("lobs", "lob", scope, id, now);
}

// ---- Teams ----

Status PgOrgStore::CheckTeamReferences(TenantScope scope, const Team& team) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
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

Status PgOrgStore::WriteSupervisors(TenantScope scope, int64_t team_id,
                                    const std::vector<int64_t>& ids) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
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

Status PgOrgStore::FillSupervisors(TenantScope scope, std::vector<Team>& teams) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<int64_t> ids;
  for (const Team& t : teams) ids.push_back(t.id);
  auto links = LoadLinks<int64_t>(
      conn_,
      "SELECT s.team_id, s.user_id FROM team_supervisors s"
      " JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.deleted_at IS NULL"
      " WHERE s.tenant_id = ? AND s.team_id = ANY(?::bigint[])"
      " ORDER BY s.team_id, s.user_id",
      scope.tenant_id(), ids);
  if (!links) return links.error();
  for (Team& t : teams) {
    auto it = links->find(t.id);
    t.supervisor_ids = it == links->end() ? std::vector<int64_t>{} : std::move(it->second);
  }
  return Status::Ok();
}

Result<Team> PgOrgStore::InsertTeam(TenantScope scope, const Team& team) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(CheckTeamReferences(scope, team));
  auto done = conn_.Execute(
      "INSERT INTO teams (tenant_id, name, site_id, lob_id, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), team.name, team.site_id, team.lob_id, team.created_at, team.updated_at);
  if (!done) return done.error();
  Team out = team;
  out.id = conn_.LastInsertId();
  out.supervisor_ids = SortedUnique(team.supervisor_ids);
  CB_RETURN_IF_ERROR(WriteSupervisors(scope, out.id, out.supervisor_ids));
  return out;
}

Result<Team> PgOrgStore::GetTeam(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto team =
      FetchOne<Team>(conn_, Scoped(kTeamColumns, scope).Where("id = ?", id), ReadTeam, "team");
  if (!team) return team;
  std::vector<Team> one{std::move(*team)};
  CB_RETURN_IF_ERROR(FillSupervisors(scope, one));
  return std::move(one.front());
}

Result<Page<Team>> PgOrgStore::ListTeams(TenantScope scope, const OrgFilter& filter,
                                         const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if ((filter.team_ids && filter.team_ids->empty()) ||
      (filter.lob_ids && filter.lob_ids->empty())) {
    return Page<Team>{};
  }
  PgQuery q = Scoped(kTeamColumns, scope);
  if (filter.team_ids) {
    q.Where("id = ANY(?::bigint[])", IdArray(*filter.team_ids));
  }
  if (filter.lob_ids) {
    q.Where("lob_id = ANY(?::bigint[])", IdArray(*filter.lob_ids));
  }
  if (filter.search) q.Where("strpos(lower(name), lower(?)) > 0", *filter.search);
  auto out = FetchPage<Team>(conn_, std::move(q), "id", false, page, ReadTeam,
                             [](const Team& t) { return t.id; });
  if (!out) return out;
  CB_RETURN_IF_ERROR(FillSupervisors(scope, out->items));
  return out;
}

Status PgOrgStore::UpdateTeam(TenantScope scope, const Team& team) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
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

Status PgOrgStore::DeleteTeam(TenantScope scope, int64_t id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return SoftDelete("teams", "team", scope, id, now);
}

Result<std::vector<int64_t>> PgOrgStore::SupervisedTeamIds(TenantScope scope, int64_t user_id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
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
