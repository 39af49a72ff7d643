// PgOrgStore: users and agents (pg_org_store.cpp has the rest).
#include <string>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_org_store.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

constexpr const char* kUserColumns =
    "SELECT id, email, name, role, team_id, active, created_at, updated_at FROM users u";
constexpr const char* kAgentColumns =
    "SELECT id, name, user_id, team_id, active, created_at, updated_at FROM agents a";

// Rows are read through a Result because a stored role may be unknown to this binary.
Result<User> ReadUser(const PgStatement& s) {
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
}

Agent ReadAgent(const PgStatement& s) {
  return {.id = s.Int(0),
          .name = s.Text(1),
          .user_id = s.OptInt(2),
          .team_id = s.OptInt(3),
          .pbx_ids = {},
          .active = s.Bool(4),
          .created_at = s.Time(5),
          .updated_at = s.Time(6)};
}

// Live rows of the tenant; `alias` is the table alias of `select`.
PgQuery Scoped(const char* select, const char* alias, TenantScope scope) {
  PgQuery q(select);
  q.Where(std::string(alias) + ".tenant_id = ?", scope.tenant_id())
      .Where(std::string(alias) + ".deleted_at IS NULL");
  return q;
}

// The single row `query` selects, or kNotFound.
Result<User> FetchUser(PgConnection& conn, const PgQuery& query) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("user not found");
  return ReadUser(*stmt);
}

Status NotFoundUnlessChanged(const Result<int>& changed, const char* what) {
  if (!changed) return changed.error();
  if (*changed == 0) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();
}

bool Empty(const std::optional<std::vector<int64_t>>& ids) { return ids && ids->empty(); }

}  // namespace

// ---- Users ----

Status PgOrgStore::CheckUserReferences(TenantScope scope, const User& user) {
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

Status PgOrgStore::WriteUserLobs(TenantScope scope, int64_t user_id,
                                 const std::vector<int64_t>& ids) {
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

Status PgOrgStore::FillUserLobs(TenantScope scope, std::vector<User>& users) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<int64_t> ids;
  for (const User& u : users) ids.push_back(u.id);
  auto links = LoadLinks<int64_t>(
      conn_,
      "SELECT ul.user_id, ul.lob_id FROM user_lobs ul"
      " JOIN lobs l ON l.tenant_id = ul.tenant_id AND l.id = ul.lob_id AND l.deleted_at IS NULL"
      " WHERE ul.tenant_id = ? AND ul.user_id = ANY(?::bigint[])"
      " ORDER BY ul.user_id, ul.lob_id",
      scope.tenant_id(), ids);
  if (!links) return links.error();
  for (User& u : users) {
    auto it = links->find(u.id);
    u.lob_ids = it == links->end() ? std::vector<int64_t>{} : std::move(it->second);
  }
  return Status::Ok();
}

Result<User> PgOrgStore::InsertUser(TenantScope scope, const User& user) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(CheckUserReferences(scope, user));
  auto done = conn_.Execute(
      "INSERT INTO users (tenant_id, email, name, role, team_id, active, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), user.email, user.name, RoleName(user.role), user.team_id, user.active,
      user.created_at, user.updated_at);
  if (!done) return done.error();
  User out = user;
  out.id = conn_.LastInsertId();
  out.lob_ids = SortedUnique(user.lob_ids);
  CB_RETURN_IF_ERROR(WriteUserLobs(scope, out.id, out.lob_ids));
  return out;
}

Result<User> PgOrgStore::GetUser(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto user = FetchUser(conn_, Scoped(kUserColumns, "u", scope).Where("u.id = ?", id));
  if (!user) return user;
  std::vector<User> one{std::move(*user)};
  CB_RETURN_IF_ERROR(FillUserLobs(scope, one));
  return std::move(one.front());
}

Result<User> PgOrgStore::FindUserByEmail(TenantScope scope, const std::string& email) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto user = FetchUser(conn_, Scoped(kUserColumns, "u", scope).Where("u.email = ?", email));
  if (!user) return user;
  std::vector<User> one{std::move(*user)};
  CB_RETURN_IF_ERROR(FillUserLobs(scope, one));
  return std::move(one.front());
}

Result<Page<User>> PgOrgStore::ListUsers(TenantScope scope, const OrgFilter& filter,
                                         const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (Empty(filter.team_ids) || Empty(filter.lob_ids)) return Page<User>{};
  PgQuery q = Scoped(kUserColumns, "u", scope);
  if (filter.team_ids) {
    q.Where("u.team_id = ANY(?::bigint[])", IdArray(*filter.team_ids));
  }
  if (filter.lob_ids) {
    q.Where(
        "EXISTS (SELECT 1 FROM user_lobs ul WHERE ul.tenant_id = u.tenant_id"
        " AND ul.user_id = u.id AND ul.lob_id = ANY(?::bigint[]))",
        IdArray(*filter.lob_ids));
  }
  if (filter.user_id) q.Where("u.id = ?", *filter.user_id);
  if (filter.search) {
    q.Where("(strpos(lower(u.name), lower(?)) > 0 OR strpos(lower(u.email), lower(?)) > 0)",
            *filter.search, *filter.search);
  }
  if (!filter.include_inactive) q.Where("u.active = 1");

  Status bad_row;
  auto out = FetchPage<User>(
      conn_, std::move(q), "u.id", false, page,
      [&bad_row](const PgStatement& s) {
        auto user = ReadUser(s);
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

Status PgOrgStore::UpdateUser(TenantScope scope, const User& user) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(RequireLive("users", "user", scope, user.id));
  CB_RETURN_IF_ERROR(CheckUserReferences(scope, user));
  CB_RETURN_IF_ERROR(NotFoundUnlessChanged(
      conn_.Execute("UPDATE users SET email = ?, name = ?, role = ?, team_id = ?, active = ?,"
                    " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    user.email, user.name, RoleName(user.role), user.team_id, user.active,
                    user.updated_at, scope.tenant_id(), user.id),
      "user"));
  return WriteUserLobs(scope, user.id, SortedUnique(user.lob_ids));
}

Status PgOrgStore::DeleteUser(TenantScope scope, int64_t id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return SoftDelete("users", "user", scope, id, now);
}

// ---- Agents ----

Status PgOrgStore::CheckAgentReferences(TenantScope scope, const Agent& agent) {
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

Status PgOrgStore::WritePbxIds(TenantScope scope, int64_t agent_id,
                               const std::vector<std::string>& ids) {
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

Status PgOrgStore::FillPbxIds(TenantScope scope, std::vector<Agent>& agents) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<int64_t> ids;
  for (const Agent& a : agents) ids.push_back(a.id);
  auto links = LoadLinks<std::string>(conn_,
                                      "SELECT agent_id, pbx_id FROM agent_pbx_ids"
                                      " WHERE tenant_id = ? AND agent_id = ANY(?::bigint[])"
                                      " AND deleted_at IS NULL ORDER BY agent_id, pbx_id",
                                      scope.tenant_id(), ids);
  if (!links) return links.error();
  for (Agent& a : agents) {
    auto it = links->find(a.id);
    a.pbx_ids = it == links->end() ? std::vector<std::string>{} : std::move(it->second);
  }
  return Status::Ok();
}

Result<Agent> PgOrgStore::InsertAgent(TenantScope scope, const Agent& agent) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(CheckAgentReferences(scope, agent));
  auto done = conn_.Execute(
      "INSERT INTO agents (tenant_id, name, user_id, team_id, active, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), agent.name, agent.user_id, agent.team_id, agent.active, agent.created_at,
      agent.updated_at);
  if (!done) return done.error();
  Agent out = agent;
  out.id = conn_.LastInsertId();
  out.pbx_ids = SortedUnique(agent.pbx_ids);
  CB_RETURN_IF_ERROR(WritePbxIds(scope, out.id, out.pbx_ids));
  return out;
}

Result<Agent> PgOrgStore::GetAgent(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto stmt = Scoped(kAgentColumns, "a", scope).Where("a.id = ?", id).Prepare(conn_);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound("agent not found");
  std::vector<Agent> one{ReadAgent(*stmt)};
  CB_RETURN_IF_ERROR(FillPbxIds(scope, one));
  return std::move(one.front());
}

Result<Page<Agent>> PgOrgStore::ListAgents(TenantScope scope, const OrgFilter& filter,
                                           const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (Empty(filter.team_ids) || Empty(filter.lob_ids)) return Page<Agent>{};
  PgQuery q = Scoped(kAgentColumns, "a", scope);
  if (filter.team_ids) {
    q.Where("a.team_id = ANY(?::bigint[])", IdArray(*filter.team_ids));
  }
  if (filter.lob_ids) {
    q.Where(
        "a.team_id IN (SELECT t.id FROM teams t WHERE t.tenant_id = a.tenant_id"
        " AND t.deleted_at IS NULL AND t.lob_id = ANY(?::bigint[]))",
        IdArray(*filter.lob_ids));
  }
  if (filter.user_id) q.Where("a.user_id = ?", *filter.user_id);
  if (filter.search) q.Where("strpos(lower(a.name), lower(?)) > 0", *filter.search);
  if (!filter.include_inactive) q.Where("a.active = 1");
  auto out = FetchPage<Agent>(conn_, std::move(q), "a.id", false, page, ReadAgent,
                              [](const Agent& a) { return a.id; });
  if (!out) return out;
  CB_RETURN_IF_ERROR(FillPbxIds(scope, out->items));
  return out;
}

Status PgOrgStore::UpdateAgent(TenantScope scope, const Agent& agent) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(RequireLive("agents", "agent", scope, agent.id));
  CB_RETURN_IF_ERROR(CheckAgentReferences(scope, agent));
  CB_RETURN_IF_ERROR(NotFoundUnlessChanged(
      conn_.Execute("UPDATE agents SET name = ?, user_id = ?, team_id = ?, active = ?,"
                    " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
                    agent.name, agent.user_id, agent.team_id, agent.active, agent.updated_at,
                    scope.tenant_id(), agent.id),
      "agent"));
  return WritePbxIds(scope, agent.id, SortedUnique(agent.pbx_ids));
}

Status PgOrgStore::DeleteAgent(TenantScope scope, int64_t id, TimePoint now) {
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

}  // namespace callboard
