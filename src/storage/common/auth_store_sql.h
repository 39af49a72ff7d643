#pragma once
// AuthStoreSql: the AuthStore over one connection, written once for both backends (see
// SourceStoreSql). Lookups by e-mail or token hash run before the tenant is known: on
// PostgreSQL, row-level security admits them through SetLocal("app.lookup_…"), a no-op on
// SQLite. Schema: 0001_foundation.sql of either backend.
// Thread-safety: as its connection.

#include <cstdio>
#include <string>
#include <vector>

#include "auth/auth_store.h"
#include "storage/common/sql_helpers.h"

namespace callboard {

// The JSON array text of `values`, e.g. ["ingest","read"]. Exposed for tests.
inline std::string JsonStringArray(const std::vector<std::string>& values) {
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

namespace auth_sql {

inline constexpr const char* kCredentialColumns =
    "SELECT tenant_id, id, active, password_hash, failed_logins, locked_until FROM users";
inline constexpr const char* kSessionColumns =
    "SELECT id, tenant_id, user_id, token_hash, csrf_hash, created_at, expires_at, revoked_at,"
    " ip FROM sessions";
inline constexpr const char* kTokenColumns =
    "SELECT id, tenant_id, name, token_hash, scopes, created_by, created_at, revoked_at,"
    " last_used_at FROM api_tokens";
inline constexpr int kTokenScopesColumn = 4;

inline constexpr auto ReadCredentials = [](const auto& s) -> Credentials {
  return {.tenant_id = s.Int(0),
          .user_id = s.Int(1),
          .active = s.Bool(2),
          .password_hash = s.Text(3),
          .failed_logins = static_cast<int>(s.Int(4)),
          .locked_until = s.OptTime(5)};
};

inline constexpr auto ReadSession = [](const auto& s) -> Session {
  return {.id = s.Int(0),
          .tenant_id = s.Int(1),
          .user_id = s.Int(2),
          .token_hash = s.Text(3),
          .csrf_hash = s.Text(4),
          .created_at = s.Time(5),
          .expires_at = s.Time(6),
          .revoked_at = s.OptTime(7),
          .ip = s.Text(8)};
};

// Everything but the scopes, which FillScopes decodes from column kTokenScopesColumn.
inline constexpr auto ReadToken = [](const auto& s) -> ApiToken {
  return {.id = s.Int(0),
          .tenant_id = s.Int(1),
          .name = s.Text(2),
          .token_hash = s.Text(3),
          .scopes = {},
          .created_by = s.OptInt(5),
          .created_at = s.Time(6),
          .revoked_at = s.OptTime(7),
          .last_used_at = s.OptTime(8)};
};

template <class Query>
Query LiveUser(TenantScope scope, int64_t user_id) {
  Query q(kCredentialColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", user_id).Where("deleted_at IS NULL");
  return q;
}

// Revokes the row `id` of `table` (a constant) unless already revoked; kNotFound naming
// `what` when the tenant has no such row.
template <class Conn>
Status Revoke(Conn& conn, const char* table, const char* what, TenantScope scope, int64_t id,
              TimePoint now) {
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

template <class Conn>
Status CheckUser(Conn& conn, TenantScope scope, int64_t user_id, const char* field) {
  std::vector<FieldError> errors;
  CB_RETURN_IF_ERROR(CheckReference(conn, "users", scope.tenant_id(), user_id, field, errors));
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

}  // namespace auth_sql

template <class Conn, class Query>
class AuthStoreSql : public AuthStore {
 public:
  explicit AuthStoreSql(Conn& conn) : conn_(conn) {}

  // ---- Credentials ----

 public:
  Result<Credentials> FindCredentialsByEmail(const std::string& email) override {
    // Row-level security lets this one lookup see the users row with this e-mail.
    CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_email", email));
    Query q(auth_sql::kCredentialColumns);
    q.Where("email = ?", email).Where("deleted_at IS NULL");
    return FetchOne<Credentials>(conn_, q, auth_sql::ReadCredentials, "user");
  }

 public:
  Result<Credentials> GetCredentials(TenantScope scope, int64_t user_id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return FetchOne<Credentials>(conn_, auth_sql::LiveUser<Query>(scope, user_id),
                                 auth_sql::ReadCredentials, "user");
  }

 public:
  Status SetLoginFailures(TenantScope scope, int64_t user_id, int failed_logins,
                          std::optional<TimePoint> locked_until) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto changed = conn_.Execute(
        "UPDATE users SET failed_logins = ?, locked_until = ?"
        " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
        failed_logins, locked_until, scope.tenant_id(), user_id);
    if (!changed) return changed.error();
    if (*changed == 0) return Status::NotFound("user not found");
    return Status::Ok();
  }

 public:
  Status SetPasswordHash(TenantScope scope, int64_t user_id, const std::string& hash,
                         TimePoint now) override {
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

 public:
  Result<std::vector<std::string>> RecentPasswordHashes(TenantScope scope, int64_t user_id,
                                                        int n) override {
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

 public:
  Result<Session> InsertSession(TenantScope scope, const Session& session) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    CB_RETURN_IF_ERROR(auth_sql::CheckUser(conn_, scope, session.user_id, "user_id"));
    auto done =
        conn_.Execute(std::string("INSERT INTO sessions (tenant_id, user_id, token_hash, "
                                  "csrf_hash, created_at, expires_at,"
                                  " revoked_at, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") +
                          Conn::kReturningId,
                      scope.tenant_id(), session.user_id, session.token_hash, session.csrf_hash,
                      session.created_at, session.expires_at, session.revoked_at, session.ip);
    if (!done) return done.error();
    Session out = session;
    out.id = conn_.LastInsertId();
    out.tenant_id = scope.tenant_id();
    return out;
  }

 public:
  Result<Session> FindSessionByTokenHash(const std::string& token_hash) override {
    // Row-level security lets this one lookup see the sessions row with this hash.
    CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_token_hash", token_hash));
    Query q(auth_sql::kSessionColumns);
    q.Where("token_hash = ?", token_hash);
    return FetchOne<Session>(conn_, q, auth_sql::ReadSession, "session");
  }

 public:
  Status RevokeSession(TenantScope scope, int64_t session_id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return auth_sql::Revoke(conn_, "sessions", "session", scope, session_id, now);
  }

 public:
  Status RevokeUserSessions(TenantScope scope, int64_t user_id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto changed = conn_.Execute(
        "UPDATE sessions SET revoked_at = ? WHERE tenant_id = ? AND user_id = ?"
        " AND revoked_at IS NULL",
        now, scope.tenant_id(), user_id);
    if (!changed) return changed.error();
    return Status::Ok();
  }

  // ---- API tokens ----

 private:
  Status FillScopes(ApiToken& token, const std::string& scopes_json) {
    auto stmt = conn_.Prepare(Query::JsonArrayTexts());
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

 public:
  Result<ApiToken> InsertApiToken(TenantScope scope, const ApiToken& token) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    if (token.created_by)
      CB_RETURN_IF_ERROR(auth_sql::CheckUser(conn_, scope, *token.created_by, "created_by"));
    auto done = conn_.Execute(
        std::string(
            "INSERT INTO api_tokens (tenant_id, name, token_hash, scopes, created_by, created_at,"
            " revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), token.name, token.token_hash, JsonStringArray(token.scopes),
        token.created_by, token.created_at, token.revoked_at, token.last_used_at);
    if (!done) return done.error();
    ApiToken out = token;
    out.id = conn_.LastInsertId();
    out.tenant_id = scope.tenant_id();
    return out;
  }

 public:
  Result<ApiToken> FindApiTokenByHash(const std::string& token_hash) override {
    // Row-level security lets this one lookup see the api_tokens row with this hash.
    CB_RETURN_IF_ERROR(conn_.SetLocal("app.lookup_token_hash", token_hash));
    Query q(auth_sql::kTokenColumns);
    q.Where("token_hash = ?", token_hash);
    std::string scopes;
    auto token = FetchOne<ApiToken>(
        conn_, q,
        [&scopes](const auto& s) {
          scopes = s.Text(auth_sql::kTokenScopesColumn);
          return auth_sql::ReadToken(s);
        },
        "api token");
    if (!token) return token;
    CB_RETURN_IF_ERROR(FillScopes(*token, scopes));
    return token;
  }

 public:
  Result<ApiToken> GetApiToken(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(auth_sql::kTokenColumns);
    q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
    std::string scopes;
    auto token = FetchOne<ApiToken>(
        conn_, q,
        [&scopes](const auto& s) {
          scopes = s.Text(auth_sql::kTokenScopesColumn);
          return auth_sql::ReadToken(s);
        },
        "api token");
    if (!token) return token;
    CB_RETURN_IF_ERROR(FillScopes(*token, scopes));
    return token;
  }

 public:
  Result<Page<ApiToken>> ListApiTokens(TenantScope scope, const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(auth_sql::kTokenColumns);
    q.Where("tenant_id = ?", scope.tenant_id());
    std::vector<std::string> scopes;
    auto out = FetchPage<ApiToken>(
        conn_, std::move(q), "id", false, page,
        [&scopes](const auto& s) {
          scopes.push_back(s.Text(auth_sql::kTokenScopesColumn));
          return auth_sql::ReadToken(s);
        },
        [](const ApiToken& t) { return t.id; });
    if (!out) return out;
    for (size_t i = 0; i < out->items.size(); ++i) {
      CB_RETURN_IF_ERROR(FillScopes(out->items[i], scopes[i]));
    }
    return out;
  }

 public:
  Status RevokeApiToken(TenantScope scope, int64_t id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    return auth_sql::Revoke(conn_, "api_tokens", "api token", scope, id, now);
  }

 private:
  Conn& conn_;
};

}  // namespace callboard
