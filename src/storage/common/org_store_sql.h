#pragma once
// OrgStoreSql: the OrgStore over one connection, written once for both backends (see
// SourceStoreSql): `Conn` is SqliteConnection or PgConnection, `Query` their query builder,
// whose static InIds / IdList / Contains give the few dialect pieces (a column among a bound
// list of ids, "text contains part"). org/org_store.h states the contract; details shared by
// the conformance suite:
//  * names of tenants, sites, LOBs and teams and users' e-mail compare case-insensitively
//    (SQLite: ASCII; PostgreSQL: citext); rows keep the spelling they were stored with;
//  * references (site_id, lob_id, team_id, user_id, supervisor_ids, lob_ids) must name live
//    rows of the same tenant, otherwise kInvalidArgument with the field;
//  * link lists (supervisor_ids, lob_ids, pbx_ids) are returned sorted, without deleted
//    users or LOBs; duplicates in the input are stored once;
//  * OrgFilter: teams use team_ids (these ids), lob_ids and search; users use team_ids,
//    lob_ids (any of the user's LOBs), user_id (that user), search (name or e-mail) and
//    include_inactive; agents use team_ids, lob_ids (their team's LOB), user_id, search
//    (name) and include_inactive; LOBs use lob_ids (these ids) and search. Other fields are
//    ignored by a list they do not apply to.
// Thread-safety: as its connection; lives inside a transaction.

#include <string>
#include <vector>

#include "org/org_store.h"
#include "storage/common/sql_helpers.h"

namespace callboard {

namespace org_sql {

inline constexpr const char* kTenantColumns = "SELECT id, name, created_at FROM tenants";
inline constexpr const char* kSiteColumns =
    "SELECT id, name, time_zone, created_at, updated_at FROM sites";
inline constexpr const char* kLobColumns =
    "SELECT id, name, description, created_at, updated_at FROM lobs";
inline constexpr const char* kTeamColumns =
    "SELECT id, name, site_id, lob_id, created_at, updated_at FROM teams";

inline constexpr auto ReadTenant = [](const auto& s) -> Tenant {
  return {.id = s.Int(0), .name = s.Text(1), .created_at = s.Time(2)};
};

inline constexpr auto ReadSite = [](const auto& s) -> Site {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .time_zone = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
};

inline constexpr auto ReadLob = [](const auto& s) -> Lob {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .description = s.Text(2),
          .created_at = s.Time(3),
          .updated_at = s.Time(4)};
};

inline constexpr auto ReadTeam = [](const auto& s) -> Team {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .site_id = s.OptInt(2),
          .lob_id = s.OptInt(3),
          .supervisor_ids = {},
          .created_at = s.Time(4),
          .updated_at = s.Time(5)};
};

// Live rows of `table` (a constant) in the tenant.
template <class Query>
Query Scoped(const char* select, TenantScope scope) {
  Query q(select);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("deleted_at IS NULL");
  return q;
}

inline Status NotFoundUnlessChanged(const Result<int>& changed, const char* what) {
  if (!changed) return changed.error();
  if (*changed == 0) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();
}

inline constexpr const char* kUserColumns =
    "SELECT id, email, name, role, team_id, active, created_at, updated_at FROM users u";
inline constexpr const char* kAgentColumns =
    "SELECT id, name, user_id, team_id, active, created_at, updated_at FROM agents a";

// Rows are read through a Result because a stored role may be unknown to this binary.
inline constexpr auto ReadUser = [](const auto& s) -> Result<User> {
  const std::string role_name = s.Text(3);
  const std::optional<Role> role = ParseRole(role_name);
  if (!role)
    return Status::Internal("user " + std::to_string(s.Int(0)) + " has unknown role '" + role_name +
                            "'");
  return User{.id = s.Int(0),
              .email = s.Text(1),
              .name = s.Text(2),
              .role = *role,
              .team_id = s.OptInt(4),
              .lob_ids = {},
              .active = s.Bool(5),
              .created_at = s.Time(6),
              .updated_at = s.Time(7)};
};

inline constexpr auto ReadAgent = [](const auto& s) -> Agent {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .user_id = s.OptInt(2),
          .team_id = s.OptInt(3),
          .pbx_ids = {},
          .active = s.Bool(4),
          .created_at = s.Time(5),
          .updated_at = s.Time(6)};
};

// Live rows of the tenant; `alias` is the table alias of `select`.
template <class Query>
Query Scoped(const char* select, const char* alias, TenantScope scope) {
  Query q(select);
  q.Where(std::string(alias) + ".tenant_id = ?", scope.tenant_id())
      .Where(std::string(alias) + ".deleted_at IS NULL");
  return q;
}

// The single row `query` selects, or kNotFound.
template <class Conn, class Query>
Result<User> FetchUser(Conn& conn, const Query& query) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("user not found");
  return ReadUser(*stmt);
}

inline bool Empty(const std::optional<std::vector<int64_t>>& ids) { return ids && ids->empty(); }

}  // namespace org_sql

template <class Conn, class Query>
class OrgStoreSql : public OrgStore {
 public:
  explicit OrgStoreSql(Conn& conn) : conn_(conn) {}

 public:
  Result<Tenant> InsertTenant(const std::string& name, TimePoint now) override {
    auto done = conn_.Execute(
        std::string("INSERT INTO tenants (name, created_at) VALUES (?, ?)") + Conn::kReturningId,
        name, now);
    if (!done) return done.error();
    return Tenant{.id = conn_.LastInsertId(), .name = name, .created_at = now};
  }

 public:
  Result<std::vector<Tenant>> ListTenants() override {
    auto stmt = conn_.Prepare(std::string(org_sql::kTenantColumns) + " ORDER BY id");
    if (!stmt) return stmt.error();
    std::vector<Tenant> out;
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) return out;
      out.push_back(org_sql::ReadTenant(*stmt));
    }
  }

 public:
  Result<Tenant> FindTenantByName(const std::string& name) override {
    Query q(org_sql::kTenantColumns);
    q.Where("name = ?", name);
    return FetchOne<Tenant>(conn_, q, org_sql::ReadTenant, "tenant");
  }

 public:
  Result<Tenant> GetTenant(int64_t tenant_id) override {
    Query q(org_sql::kTenantColumns);
    q.Where("id = ?", tenant_id);
    return FetchOne<Tenant>(conn_, q, org_sql::ReadTenant, "tenant");
  }

  // ---- Shared ----

 private:
  Status SoftDelete(const char* table, const char* what, TenantScope scope, int64_t id,
                    TimePoint now) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return org_sql::NotFoundUnlessChanged(
        conn_.Execute(std::string("UPDATE ") + table +
                          " SET deleted_at = ?, updated_at = ?"
                          " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      now, now, scope.tenant_id(), id),
        what);
  }

 private:
  Status RequireLive(const char* table, const char* what, TenantScope scope, int64_t id) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<FieldError> missing;
    CB_RETURN_IF_ERROR(CheckReference(conn_, table, scope.tenant_id(), id, "id", missing));
    if (!missing.empty()) return Status::NotFound(std::string(what) + " not found");
    return Status::Ok();
  }

  // ---- Sites ----

 public:
  Result<Site> InsertSite(TenantScope scope, const Site& site) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        std::string("INSERT INTO sites (tenant_id, name, time_zone, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), site.name, site.time_zone, site.created_at, site.updated_at);
    if (!done) return done.error();
    Site out = site;
    out.id = conn_.LastInsertId();
    return out;
  }

 public:
  Result<Site> GetSite(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return FetchOne<Site>(conn_,
                          org_sql::Scoped<Query>(org_sql::kSiteColumns, scope).Where("id = ?", id),
                          org_sql::ReadSite, "site");
  }

 public:
  Result<Page<Site>> ListSites(TenantScope scope, const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return FetchPage<Site>(conn_, org_sql::Scoped<Query>(org_sql::kSiteColumns, scope), "id", false,
                           page, org_sql::ReadSite, [](const Site& s) { return s.id; });
  }

 public:
  Status UpdateSite(TenantScope scope, const Site& site) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return org_sql::NotFoundUnlessChanged(
        conn_.Execute("UPDATE sites SET name = ?, time_zone = ?, updated_at = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      site.name, site.time_zone, site.updated_at, scope.tenant_id(), site.id),
        "site");
  }

 public:
  Status DeleteSite(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return SoftDelete("sites", "site", scope, id, now);
  }

  // ---- LOBs ----

 public:
  Result<Lob> InsertLob(TenantScope scope, const Lob& lob) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        std::string("INSERT INTO lobs (tenant_id, name, description, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), lob.name, lob.description, lob.created_at, lob.updated_at);
    if (!done) return done.error();
    Lob out = lob;
    out.id = conn_.LastInsertId();
    return out;
  }

 public:
  Result<Lob> GetLob(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return FetchOne<Lob>(conn_,
                         org_sql::Scoped<Query>(org_sql::kLobColumns, scope).Where("id = ?", id),
                         org_sql::ReadLob, "lob");
  }

 public:
  Result<Page<Lob>> ListLobs(TenantScope scope, const OrgFilter& filter,
                             const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    if (filter.lob_ids && filter.lob_ids->empty()) return Page<Lob>{};
    Query q = org_sql::Scoped<Query>(org_sql::kLobColumns, scope);
    if (filter.lob_ids) q.Where(Query::InIds("id"), Query::IdList(*filter.lob_ids));
    if (filter.search) q.Where(Query::Contains("lower(name)", "lower(?)"), *filter.search);
    return FetchPage<Lob>(conn_, std::move(q), "id", false, page, org_sql::ReadLob,
                          [](const Lob& l) { return l.id; });
  }

 public:
  Status UpdateLob(TenantScope scope, const Lob& lob) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return org_sql::NotFoundUnlessChanged(
        conn_.Execute("UPDATE lobs SET name = ?, description = ?, updated_at = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      lob.name, lob.description, lob.updated_at, scope.tenant_id(), lob.id),
        "lob");
  }

 public:
  Status DeleteLob(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return SoftDelete("lobs", "lob", scope, id, now);
  }

  // ---- Teams ----

 private:
  Status CheckTeamReferences(TenantScope scope, const Team& team) {
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

 private:
  Status WriteSupervisors(TenantScope scope, int64_t team_id, const std::vector<int64_t>& ids) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto cleared = conn_.Execute("DELETE FROM team_supervisors WHERE tenant_id = ? AND team_id = ?",
                                 scope.tenant_id(), team_id);
    if (!cleared) return cleared.error();
    for (int64_t user_id : ids) {
      auto added = conn_.Execute(
          "INSERT INTO team_supervisors (tenant_id, team_id, user_id) VALUES (?, ?, ?)",
          scope.tenant_id(), team_id, user_id);
      if (!added) return added.error();
    }
    return Status::Ok();
  }

 private:
  Status FillSupervisors(TenantScope scope, std::vector<Team>& teams) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<int64_t> ids;
    for (const Team& t : teams) ids.push_back(t.id);
    auto links = LoadLinksOf<int64_t>(
        conn_,
        "SELECT s.team_id, s.user_id FROM team_supervisors s"
        " JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.deleted_at IS NULL"
        " WHERE s.tenant_id = ? AND " +
            Query::InIds("s.team_id") + " ORDER BY s.team_id, s.user_id",
        scope.tenant_id(), ids, Query::IdList(ids));
    if (!links) return links.error();
    for (Team& t : teams) {
      auto it = links->find(t.id);
      t.supervisor_ids = it == links->end() ? std::vector<int64_t>{} : std::move(it->second);
    }
    return Status::Ok();
  }

 public:
  Result<Team> InsertTeam(TenantScope scope, const Team& team) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(CheckTeamReferences(scope, team));
    auto done = conn_.Execute(
        std::string("INSERT INTO teams (tenant_id, name, site_id, lob_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), team.name, team.site_id, team.lob_id, team.created_at, team.updated_at);
    if (!done) return done.error();
    Team out = team;
    out.id = conn_.LastInsertId();
    out.supervisor_ids = SortedUnique(team.supervisor_ids);
    CB_RETURN_IF_ERROR(WriteSupervisors(scope, out.id, out.supervisor_ids));
    return out;
  }

 public:
  Result<Team> GetTeam(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto team = FetchOne<Team>(
        conn_, org_sql::Scoped<Query>(org_sql::kTeamColumns, scope).Where("id = ?", id),
        org_sql::ReadTeam, "team");
    if (!team) return team;
    std::vector<Team> one{std::move(*team)};
    CB_RETURN_IF_ERROR(FillSupervisors(scope, one));
    return std::move(one.front());
  }

 public:
  Result<Page<Team>> ListTeams(TenantScope scope, const OrgFilter& filter,
                               const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    if ((filter.team_ids && filter.team_ids->empty()) ||
        (filter.lob_ids && filter.lob_ids->empty())) {
      return Page<Team>{};
    }
    Query q = org_sql::Scoped<Query>(org_sql::kTeamColumns, scope);
    if (filter.team_ids) {
      q.Where(Query::InIds("id"), Query::IdList(*filter.team_ids));
    }
    if (filter.lob_ids) {
      q.Where(Query::InIds("lob_id"), Query::IdList(*filter.lob_ids));
    }
    if (filter.search) q.Where(Query::Contains("lower(name)", "lower(?)"), *filter.search);
    auto out = FetchPage<Team>(conn_, std::move(q), "id", false, page, org_sql::ReadTeam,
                               [](const Team& t) { return t.id; });
    if (!out) return out;
    CB_RETURN_IF_ERROR(FillSupervisors(scope, out->items));
    return out;
  }

 public:
  Status UpdateTeam(TenantScope scope, const Team& team) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    // Existence first, so a missing team answers kNotFound rather than a reference error.
    CB_RETURN_IF_ERROR(RequireLive("teams", "team", scope, team.id));
    CB_RETURN_IF_ERROR(CheckTeamReferences(scope, team));
    CB_RETURN_IF_ERROR(org_sql::NotFoundUnlessChanged(
        conn_.Execute("UPDATE teams SET name = ?, site_id = ?, lob_id = ?, updated_at = ?"
                      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      team.name, team.site_id, team.lob_id, team.updated_at, scope.tenant_id(),
                      team.id),
        "team"));
    return WriteSupervisors(scope, team.id, SortedUnique(team.supervisor_ids));
  }

 public:
  Status DeleteTeam(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return SoftDelete("teams", "team", scope, id, now);
  }

 public:
  Result<std::vector<int64_t>> SupervisedTeamIds(TenantScope scope, int64_t user_id) override {
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

  // ---- Users ----

 private:
  Status CheckUserReferences(TenantScope scope, const User& user) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<FieldError> errors;
    const int64_t tenant = scope.tenant_id();
    if (user.team_id) {
      CB_RETURN_IF_ERROR(CheckReference(conn_, "teams", tenant, *user.team_id, "team_id", errors));
    }
    for (int64_t id : SortedUnique(user.lob_ids)) {
      CB_RETURN_IF_ERROR(CheckReference(conn_, "lobs", tenant, id, "lob_ids", errors));
    }
    if (!errors.empty()) return Status::Invalid(std::move(errors));
    return Status::Ok();
  }

 private:
  Status WriteUserLobs(TenantScope scope, int64_t user_id, const std::vector<int64_t>& ids) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto cleared = conn_.Execute("DELETE FROM user_lobs WHERE tenant_id = ? AND user_id = ?",
                                 scope.tenant_id(), user_id);
    if (!cleared) return cleared.error();
    for (int64_t lob_id : ids) {
      auto added =
          conn_.Execute("INSERT INTO user_lobs (tenant_id, user_id, lob_id) VALUES (?, ?, ?)",
                        scope.tenant_id(), user_id, lob_id);
      if (!added) return added.error();
    }
    return Status::Ok();
  }

 private:
  Status FillUserLobs(TenantScope scope, std::vector<User>& users) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<int64_t> ids;
    for (const User& u : users) ids.push_back(u.id);
    auto links = LoadLinksOf<int64_t>(
        conn_,
        "SELECT ul.user_id, ul.lob_id FROM user_lobs ul"
        " JOIN lobs l ON l.tenant_id = ul.tenant_id AND l.id = ul.lob_id AND l.deleted_at IS NULL"
        " WHERE ul.tenant_id = ? AND " +
            Query::InIds("ul.user_id") + " ORDER BY ul.user_id, ul.lob_id",
        scope.tenant_id(), ids, Query::IdList(ids));
    if (!links) return links.error();
    for (User& u : users) {
      auto it = links->find(u.id);
      u.lob_ids = it == links->end() ? std::vector<int64_t>{} : std::move(it->second);
    }
    return Status::Ok();
  }

 public:
  Result<User> InsertUser(TenantScope scope, const User& user) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(CheckUserReferences(scope, user));
    auto done = conn_.Execute(std::string("INSERT INTO users (tenant_id, email, name, role, "
                                          "team_id, active, created_at, updated_at)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)") +
                                  Conn::kReturningId,
                              scope.tenant_id(), user.email, user.name, RoleName(user.role),
                              user.team_id, user.active, user.created_at, user.updated_at);
    if (!done) return done.error();
    User out = user;
    out.id = conn_.LastInsertId();
    out.lob_ids = SortedUnique(user.lob_ids);
    CB_RETURN_IF_ERROR(WriteUserLobs(scope, out.id, out.lob_ids));
    return out;
  }

 public:
  Result<User> GetUser(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto user = org_sql::FetchUser(
        conn_, org_sql::Scoped<Query>(org_sql::kUserColumns, "u", scope).Where("u.id = ?", id));
    if (!user) return user;
    std::vector<User> one{std::move(*user)};
    CB_RETURN_IF_ERROR(FillUserLobs(scope, one));
    return std::move(one.front());
  }

 public:
  Result<User> FindUserByEmail(TenantScope scope, const std::string& email) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto user = org_sql::FetchUser(
        conn_,
        org_sql::Scoped<Query>(org_sql::kUserColumns, "u", scope).Where("u.email = ?", email));
    if (!user) return user;
    std::vector<User> one{std::move(*user)};
    CB_RETURN_IF_ERROR(FillUserLobs(scope, one));
    return std::move(one.front());
  }

 public:
  Result<Page<User>> ListUsers(TenantScope scope, const OrgFilter& filter,
                               const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    if (org_sql::Empty(filter.team_ids) || org_sql::Empty(filter.lob_ids)) return Page<User>{};
    Query q = org_sql::Scoped<Query>(org_sql::kUserColumns, "u", scope);
    if (filter.team_ids) {
      q.Where(Query::InIds("u.team_id"), Query::IdList(*filter.team_ids));
    }
    if (filter.lob_ids) {
      q.Where(
          "EXISTS (SELECT 1 FROM user_lobs ul WHERE ul.tenant_id = u.tenant_id"
          " AND ul.user_id = u.id AND " +
              Query::InIds("ul.lob_id") + ")",
          Query::IdList(*filter.lob_ids));
    }
    if (filter.user_id) q.Where("u.id = ?", *filter.user_id);
    if (filter.search) {
      q.Where("(" + Query::Contains("lower(u.name)", "lower(?)") + " OR " +
                  Query::Contains("lower(u.email)", "lower(?)") + ")",
              *filter.search, *filter.search);
    }
    if (!filter.include_inactive) q.Where("u.active = 1");

    Status bad_row;
    auto out = FetchPage<User>(
        conn_, std::move(q), "u.id", false, page,
        [&bad_row](const auto& s) {
          auto user = org_sql::ReadUser(s);
          if (!user) {
            bad_row = user.error();
            return User{};
          }
          return std::move(*user);
        },
        [](const User& u) { return u.id; });
    if (!out) return out;
    CB_RETURN_IF_ERROR(bad_row);
    CB_RETURN_IF_ERROR(FillUserLobs(scope, out->items));
    return out;
  }

 public:
  Status UpdateUser(TenantScope scope, const User& user) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(RequireLive("users", "user", scope, user.id));
    CB_RETURN_IF_ERROR(CheckUserReferences(scope, user));
    CB_RETURN_IF_ERROR(org_sql::NotFoundUnlessChanged(
        conn_.Execute("UPDATE users SET email = ?, name = ?, role = ?, team_id = ?, active = ?,"
                      " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      user.email, user.name, RoleName(user.role), user.team_id, user.active,
                      user.updated_at, scope.tenant_id(), user.id),
        "user"));
    return WriteUserLobs(scope, user.id, SortedUnique(user.lob_ids));
  }

 public:
  Status DeleteUser(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return SoftDelete("users", "user", scope, id, now);
  }

  // ---- Agents ----

 private:
  Status CheckAgentReferences(TenantScope scope, const Agent& agent) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<FieldError> errors;
    const int64_t tenant = scope.tenant_id();
    if (agent.user_id) {
      CB_RETURN_IF_ERROR(CheckReference(conn_, "users", tenant, *agent.user_id, "user_id", errors));
    }
    if (agent.team_id) {
      CB_RETURN_IF_ERROR(CheckReference(conn_, "teams", tenant, *agent.team_id, "team_id", errors));
    }
    if (!errors.empty()) return Status::Invalid(std::move(errors));
    return Status::Ok();
  }

 private:
  Status WritePbxIds(TenantScope scope, int64_t agent_id, const std::vector<std::string>& ids) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto cleared = conn_.Execute(
        "DELETE FROM agent_pbx_ids WHERE tenant_id = ? AND agent_id = ? AND deleted_at IS NULL",
        scope.tenant_id(), agent_id);
    if (!cleared) return cleared.error();
    for (const std::string& pbx_id : ids) {
      auto added =
          conn_.Execute("INSERT INTO agent_pbx_ids (tenant_id, agent_id, pbx_id) VALUES (?, ?, ?)",
                        scope.tenant_id(), agent_id, pbx_id);
      if (!added) return added.error();
    }
    return Status::Ok();
  }

 private:
  Status FillPbxIds(TenantScope scope, std::vector<Agent>& agents) {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<int64_t> ids;
    for (const Agent& a : agents) ids.push_back(a.id);
    auto links = LoadLinksOf<std::string>(conn_,
                                          "SELECT agent_id, pbx_id FROM agent_pbx_ids"
                                          " WHERE tenant_id = ? AND " +
                                              Query::InIds("agent_id") +
                                              " AND deleted_at IS NULL ORDER BY agent_id, pbx_id",
                                          scope.tenant_id(), ids, Query::IdList(ids));
    if (!links) return links.error();
    for (Agent& a : agents) {
      auto it = links->find(a.id);
      a.pbx_ids = it == links->end() ? std::vector<std::string>{} : std::move(it->second);
    }
    return Status::Ok();
  }

 public:
  Result<Agent> InsertAgent(TenantScope scope, const Agent& agent) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(CheckAgentReferences(scope, agent));
    auto done = conn_.Execute(
        std::string(
            "INSERT INTO agents (tenant_id, name, user_id, team_id, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), agent.name, agent.user_id, agent.team_id, agent.active, agent.created_at,
        agent.updated_at);
    if (!done) return done.error();
    Agent out = agent;
    out.id = conn_.LastInsertId();
    out.pbx_ids = SortedUnique(agent.pbx_ids);
    CB_RETURN_IF_ERROR(WritePbxIds(scope, out.id, out.pbx_ids));
    return out;
  }

 public:
  Result<Agent> GetAgent(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto stmt = org_sql::Scoped<Query>(org_sql::kAgentColumns, "a", scope)
                    .Where("a.id = ?", id)
                    .Prepare(conn_);
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::NotFound("agent not found");
    std::vector<Agent> one{org_sql::ReadAgent(*stmt)};
    CB_RETURN_IF_ERROR(FillPbxIds(scope, one));
    return std::move(one.front());
  }

 public:
  Result<Page<Agent>> ListAgents(TenantScope scope, const OrgFilter& filter,
                                 const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    if (org_sql::Empty(filter.team_ids) || org_sql::Empty(filter.lob_ids)) return Page<Agent>{};
    Query q = org_sql::Scoped<Query>(org_sql::kAgentColumns, "a", scope);
    if (filter.team_ids) {
      q.Where(Query::InIds("a.team_id"), Query::IdList(*filter.team_ids));
    }
    if (filter.lob_ids) {
      q.Where(
          "a.team_id IN (SELECT t.id FROM teams t WHERE t.tenant_id = a.tenant_id"
          " AND t.deleted_at IS NULL AND " +
              Query::InIds("t.lob_id") + ")",
          Query::IdList(*filter.lob_ids));
    }
    if (filter.user_id) q.Where("a.user_id = ?", *filter.user_id);
    if (filter.search) q.Where(Query::Contains("lower(a.name)", "lower(?)"), *filter.search);
    if (!filter.include_inactive) q.Where("a.active = 1");
    auto out = FetchPage<Agent>(conn_, std::move(q), "a.id", false, page, org_sql::ReadAgent,
                                [](const Agent& a) { return a.id; });
    if (!out) return out;
    CB_RETURN_IF_ERROR(FillPbxIds(scope, out->items));
    return out;
  }

 public:
  Status UpdateAgent(TenantScope scope, const Agent& agent) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(RequireLive("agents", "agent", scope, agent.id));
    CB_RETURN_IF_ERROR(CheckAgentReferences(scope, agent));
    CB_RETURN_IF_ERROR(org_sql::NotFoundUnlessChanged(
        conn_.Execute("UPDATE agents SET name = ?, user_id = ?, team_id = ?, active = ?,"
                      " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                      agent.name, agent.user_id, agent.team_id, agent.active, agent.updated_at,
                      scope.tenant_id(), agent.id),
        "agent"));
    return WritePbxIds(scope, agent.id, SortedUnique(agent.pbx_ids));
  }

 public:
  Status DeleteAgent(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(SoftDelete("agents", "agent", scope, id, now));
    // The identities stay on record but no longer block their reuse by another agent.
    auto released = conn_.Execute(
        "UPDATE agent_pbx_ids SET deleted_at = ? WHERE tenant_id = ? AND agent_id = ?"
        " AND deleted_at IS NULL",
        now, scope.tenant_id(), id);
    if (!released) return released.error();
    return Status::Ok();
  }

 private:
  Conn& conn_;
};

}  // namespace callboard
