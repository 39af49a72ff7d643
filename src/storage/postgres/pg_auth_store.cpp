#include "storage/postgres/pg_auth_store.h"

#include <cstdio>
#include <string>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

constexpr const char* kCredentialColumns =
    "SELECT tenant_id, id, active, password_hash, failed_logins, locked_until FROM users";
constexpr const char* kSessionColumns =
    "SELECT id, tenant_id, user_id, token_hash, csrf_hash, created_at, expires_at, revoked_at,"
    " ip FROM sessions";
constexpr const char* kTokenColumns =
    "SELECT id, tenant_id, name, token_hash, scopes, created_by, created_at, revoked_at,"
    " last_used_at FROM api_tokens";
constexpr int kTokenScopesColumn = 4;

Credentials ReadCredentials(const PgStatement& s) {
  return {.tenant_id = s.Int(0),
          .user_id = s.Int(1),
          .active = s.Bool(2),
          .password_hash = s.Text(3),
          .failed_logins = static_cast<int>(s.Int(4)),
          .locked_until = s.OptTime(5)};
}

Session ReadSession(const PgStatement& s) {
  return {.id = s.Int(0),
          .tenant_id = s.Int(1),
          .user_id = s.Int(2),
          .token_hash = s.Text(3),
          .csrf_hash = s.Text(4),
          .created_at = s.Time(5),
          .expires_at = s.Time(6),
          .revoked_at = s.OptTime(7),
          .ip = s.Text(8)};
}

// Everything but the scopes, which FillScopes decodes from column kTokenScopesColumn.
ApiToken ReadToken(const PgStatement& s) {
  return {.id = s.Int(0),
          .tenant_id = s.Int(1),
          .name = s.Text(2),
          .token_hash = s.Text(3),
          .scopes = {},
          .created_by = s.OptInt(5),
          .created_at = s.Time(6),
          .revoked_at = s.OptTime(7),
          .last_used_at = s.OptTime(8)};
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

PgQuery LiveUser(TenantScope scope, int64_t user_id) {
  PgQuery q(kCredentialColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", user_id).Where("deleted_at IS NULL");
  return q;
}

// Revokes the row `id` of `table` (a constant) unless already revoked; kNotFound naming
// `what` when the tenant has no such row.
Status Revoke(PgConnection& conn, const char* table, const char* what, TenantScope scope,
              int64_t id, TimePoint now) {
  const std::string t(table);
  auto changed = conn.Execute("UPDATE " + t +
                                  " SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND "
                                  "revoked_at IS NULL",
                              now, scope.tenant_id(), id);
  if (!changed) return changed.error();
  if (*changed > 0) return Status::Ok();
  auto stmt = conn.Prepare("SELECT 1 FROM " + t + " WHERE tenant_id = ? AND id = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(scope.tenant_id(), id);
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound(std::string(what) + " not found");
  return Status::Ok();  // already revoked
}

Status CheckUser(PgConnection& conn, TenantScope scope, int64_t user_id, const char* field) {
  std::vector<FieldError> errors;
  CB_RETURN_IF_ERROR(CheckReference(conn, "users", scope.tenant_id(), user_id, field, errors));
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

}  // namespace

std::string pg::JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (const char c : values[i]) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
        out += escaped;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// ---- Credentials ----

Result<Credentials> PgAuthStore::FindCredentialsByEmail(const std::string& email) {
  // Row-level security lets this one lookup see the users row with this e-mail.
  CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_email", email));
  PgQuery q(kCredentialColumns);
  q.Where("email = ?", email).Where("deleted_at IS NULL");
  return FetchOne<Credentials>(conn_, q, ReadCredentials, "user");
}

Result<Credentials> PgAuthStore::GetCredentials(TenantScope scope, int64_t user_id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return FetchOne<Credentials>(conn_, LiveUser(scope, user_id), ReadCredentials, "user");
}

Status PgAuthStore::SetLoginFailures(TenantScope scope, int64_t user_id, int failed_logins,
                                     std::optional<TimePoint> locked_until) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto changed = conn_.Execute(
      "UPDATE users SET failed_logins = ?, locked_until = ?"
      " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      failed_logins, locked_until, scope.tenant_id(), user_id);
  if (!changed) return changed.error();
  if (*changed == 0) return Status::NotFound("user not found");
  return Status::Ok();
}

Status PgAuthStore::SetPasswordHash(TenantScope scope, int64_t user_id, const std::string& hash,
                                    TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto current = GetCredentials(scope, user_id);
  if (!current) return current.error();
  if (!current->password_hash.empty()) {
    auto kept = conn_.Execute(
        "INSERT INTO password_history (tenant_id, user_id, password_hash, created_at)"
        " VALUES (?, ?, ?, ?)",
        scope.tenant_id(), user_id, current->password_hash, now);
    if (!kept) return kept.error();
  }
  auto changed = conn_.Execute(
      "UPDATE users SET password_hash = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      hash, scope.tenant_id(), user_id);
  if (!changed) return changed.error();
  return Status::Ok();
}

Result<std::vector<std::string>> PgAuthStore::RecentPasswordHashes(TenantScope scope,
                                                                   int64_t user_id, int n) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto current = GetCredentials(scope, user_id);
  if (!current) return current.error();
  std::vector<std::string> out;
  if (n <= 0) return out;
  if (!current->password_hash.empty()) out.push_back(current->password_hash);
  if (static_cast<int>(out.size()) == n) return out;
  auto stmt = conn_.Prepare(
      "SELECT password_hash FROM password_history WHERE tenant_id = ? AND user_id = ?"
      " ORDER BY id DESC LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->Bind(scope.tenant_id(), user_id, n - static_cast<int>(out.size()));
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(stmt->Text(0));
  }
}

// ---- Sessions ----

Result<Session> PgAuthStore::InsertSession(TenantScope scope, const Session& session) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  CB_RETURN_IF_ERROR(CheckUser(conn_, scope, session.user_id, "user_id"));
  auto done = conn_.Execute(
      "INSERT INTO sessions (tenant_id, user_id, token_hash, csrf_hash, created_at, expires_at,"
      " revoked_at, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), session.user_id, session.token_hash, session.csrf_hash, session.created_at,
      session.expires_at, session.revoked_at, session.ip);
  if (!done) return done.error();
  Session out = session;
  out.id = conn_.LastInsertId();
  out.tenant_id = scope.tenant_id();
  return out;
}

Result<Session> PgAuthStore::FindSessionByTokenHash(const std::string& token_hash) {
  // Row-level security lets this one lookup see the sessions row with this hash.
  CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_token_hash", token_hash));
  PgQuery q(kSessionColumns);
  q.Where("token_hash = ?", token_hash);
  return FetchOne<Session>(conn_, q, ReadSession, "session");
}

Status PgAuthStore::RevokeSession(TenantScope scope, int64_t session_id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return Revoke(conn_, "sessions", "session", scope, session_id, now);
}

Status PgAuthStore::RevokeUserSessions(TenantScope scope, int64_t user_id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto changed = conn_.Execute(
      "UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ?"
      " AND revoked_at IS NULL",
      now, scope.tenant_id(), user_id);
  if (!changed) return changed.error();
  return Status::Ok();
}

// ---- API tokens ----

Status PgAuthStore::FillScopes(ApiToken& token, const std::string& scopes_json) {
  auto stmt = conn_.Prepare(
      "SELECT value FROM json_array_elements_text(?::json) WITH ORDINALITY AS t (value, key) ORDER "
      "BY key");
  if (!stmt) return stmt.error();
  stmt->Bind(scopes_json);
  token.scopes.clear();
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    token.scopes.push_back(stmt->Text(0));
  }
}

Result<ApiToken> PgAuthStore::InsertApiToken(TenantScope scope, const ApiToken& token) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (token.created_by)
    CB_RETURN_IF_ERROR(CheckUser(conn_, scope, *token.created_by, "created_by"));
  auto done = conn_.Execute(
      "INSERT INTO api_tokens (tenant_id, name, token_hash, scopes, created_by, created_at,"
      " revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      scope.tenant_id(), token.name, token.token_hash, JsonStringArray(token.scopes),
      token.created_by, token.created_at, token.revoked_at, token.last_used_at);
  if (!done) return done.error();
  ApiToken out = token;
  out.id = conn_.LastInsertId();
  out.tenant_id = scope.tenant_id();
  return out;
}

Result<ApiToken> PgAuthStore::FindApiTokenByHash(const std::string& token_hash) {
  // Row-level security lets this one lookup see the api_tokens row with this hash.
  CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_token_hash", token_hash));
  PgQuery q(kTokenColumns);
  q.Where("token_hash = ?", token_hash);
  std::string scopes;
  auto token = FetchOne<ApiToken>(
      conn_, q,
      [&scopes](const PgStatement& s) {
        scopes = s.Text(kTokenScopesColumn);
        return ReadToken(s);
      },
      "api token");
  if (!token) return token;
  CB_RETURN_IF_ERROR(FillScopes(*token, scopes));
  return token;
}

Result<ApiToken> PgAuthStore::GetApiToken(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kTokenColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
  std::string scopes;
  auto token = FetchOne<ApiToken>(
      conn_, q,
      [&scopes](const PgStatement& s) {
        scopes = s.Text(kTokenScopesColumn);
        return ReadToken(s);
      },
      "api token");
  if (!token) return token;
  CB_RETURN_IF_ERROR(FillScopes(*token, scopes));
  return token;
}

Result<Page<ApiToken>> PgAuthStore::ListApiTokens(TenantScope scope, const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kTokenColumns);
  q.Where("tenant_id = ?", scope.tenant_id());
  std::vector<std::string> scopes;
  auto out = FetchPage<ApiToken>(
      conn_, std::move(q), "id", false, page,
      [&scopes](const PgStatement& s) {
        scopes.push_back(s.Text(kTokenScopesColumn));
        return ReadToken(s);
      },
      [](const ApiToken& t) { return t.id; });
  if (!out) return out;
  for (size_t i = 0; i < out->items.size(); ++i) {
    CB_RETURN_IF_ERROR(FillScopes(out->items[i], scopes[i]));
  }
  return out;
}

Status PgAuthStore::RevokeApiToken(TenantScope scope, int64_t id, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return Revoke(conn_, "api_tokens", "api token", scope, id, now);
}

}  // namespace callboard
