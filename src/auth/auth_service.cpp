#include "auth/auth_service.h"

#include <algorithm>
#include <boost/json.hpp>

#include "auth/password.h"
#include "core/sha256.h"
#include "org/org_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

constexpr std::string_view kSessionPrefix = "cbs_";
constexpr std::string_view kApiTokenPrefix = "cbt_";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status BadCredentials() { return Status::Unauthenticated("invalid email or password"); }

std::string TokenJson(const ApiToken& t) {
  boost::json::array scopes;
  for (const std::string& s : t.scopes) scopes.emplace_back(s);
  return boost::json::serialize(boost::json::object{{"name", t.name}, {"scopes", scopes}});
}

}  // namespace

AuthService::AuthService(Database& db, const Clock& clock, const AuditLog& audit,
                         AuthOptions options)
    : db_(db), clock_(clock), audit_(audit), options_(options) {
  auto h = HashPassword("callboard-timing-equaliser");
  if (h) dummy_hash_ = std::move(*h);
}

Result<Principal> AuthService::LoadUserPrincipal(Transaction& tx, TenantScope scope,
                                                 int64_t user_id) {
  auto user = tx.Org().GetUser(scope, user_id);
  if (!user) return user.error();
  if (!user->active) return Status::Unauthenticated("user is deactivated");
  Principal p;
  p.tenant_id = scope.tenant_id();
  p.user_id = user->id;
  p.role = user->role;
  p.email = user->email;
  p.name = user->name;
  p.team_id = user->team_id;
  p.lob_ids = user->lob_ids;
  auto teams = tx.Org().SupervisedTeamIds(scope, user_id);
  if (!teams) return teams.error();
  p.supervised_team_ids = std::move(*teams);
  OrgFilter f;
  f.user_id = user_id;
  f.include_inactive = false;
  auto agents = tx.Org().ListAgents(scope, f, PageRequest{.limit = 1});
  if (!agents) return agents.error();
  if (!agents->items.empty()) p.agent_id = agents->items.front().id;
  return p;
}

Result<LoginResult> AuthService::Login(std::string_view email, std::string_view password,
                                       const AuditContext& ctx) {
  const std::string key = Lower(email);
  std::optional<Credentials> creds;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto c = tx.Auth().FindCredentialsByEmail(key);
    if (c) creds = std::move(*c);
    return c || c.error().code() == StatusCode::kNotFound ? Status::Ok() : c.error();
  }));
  if (!creds) {
    VerifyPassword(dummy_hash_, password);
    return BadCredentials();
  }
  const TenantScope scope(creds->tenant_id);
  const TimePoint now = clock_.Now();
  AuditContext actx = ctx;
  actx.actor_user_id = creds->user_id;
  actx.actor = "user:" + std::to_string(creds->user_id);

  if (creds->locked_until && *creds->locked_until > now) {
    CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) {
      return audit_.Record(
          tx, scope, actx,
          {.action = "auth.login_locked", .object_type = "user", .object_id = creds->user_id});
    }));
    return Status(StatusCode::kLocked,
                  "account locked after repeated failed sign-ins; try again "
                  "after " +
                      FormatRfc3339(*creds->locked_until));
  }

  if (!creds->active || !VerifyPassword(creds->password_hash, password)) {
    // A lock that has run out starts a fresh count.
    const int failures = (creds->locked_until ? 0 : creds->failed_logins) + 1;
    std::optional<TimePoint> locked;
    if (failures >= options_.max_failed_logins) locked = now + options_.lockout;
    CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
      CB_RETURN_IF_ERROR(tx.Auth().SetLoginFailures(scope, creds->user_id, failures, locked));
      return audit_.Record(tx, scope, actx,
                           {.action = locked ? "auth.locked" : "auth.login_failed",
                            .object_type = "user",
                            .object_id = creds->user_id,
                            .after_json = "{\"failed_logins\":" + std::to_string(failures) + "}"});
    }));
    return BadCredentials();
  }

  LoginResult out;
  out.token = NewSecretToken(kSessionPrefix);
  out.csrf_token = NewSecretToken("");
  out.expires_at = now + options_.session_lifetime;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto principal = LoadUserPrincipal(tx, scope, creds->user_id);
    if (!principal)
      return principal.error().code() == StatusCode::kUnauthenticated ? BadCredentials()
                                                                      : principal.error();
    if (creds->failed_logins != 0 || creds->locked_until) {
      CB_RETURN_IF_ERROR(tx.Auth().SetLoginFailures(scope, creds->user_id, 0, std::nullopt));
    }
    Session s;
    s.tenant_id = scope.tenant_id();
    s.user_id = creds->user_id;
    s.token_hash = Sha256Hex(out.token);
    s.csrf_hash = Sha256Hex(out.csrf_token);
    s.created_at = now;
    s.expires_at = out.expires_at;
    s.ip = ctx.ip;
    auto stored = tx.Auth().InsertSession(scope, s);
    if (!stored) return stored.error();
    principal->session_id = stored->id;
    out.principal = std::move(*principal);
    return audit_.Record(
        tx, scope, actx,
        {.action = "auth.login", .object_type = "session", .object_id = stored->id});
  }));
  return out;
}

Result<Authenticated> AuthService::Authenticate(std::string_view token) {
  const TimePoint now = clock_.Now();
  const std::string hash = Sha256Hex(token);
  std::optional<Authenticated> out;
  Status s = db_.Read([&](Transaction& tx) -> Status {
    if (token.starts_with(kSessionPrefix)) {
      auto session = tx.Auth().FindSessionByTokenHash(hash);
      if (!session) return Status::Unauthenticated("unknown session");
      if (session->revoked_at) return Status::Unauthenticated("session revoked");
      if (session->expires_at <= now) return Status::Unauthenticated("session expired");
      auto p = LoadUserPrincipal(tx, TenantScope(session->tenant_id), session->user_id);
      if (!p) {
        return p.error().code() == StatusCode::kNotFound ? Status::Unauthenticated("user removed")
                                                         : p.error();
      }
      p->session_id = session->id;
      out = Authenticated{std::move(*p), session->csrf_hash, session->expires_at};
      return Status::Ok();
    }
    if (token.starts_with(kApiTokenPrefix)) {
      auto t = tx.Auth().FindApiTokenByHash(hash);
      if (!t) return Status::Unauthenticated("unknown API token");
      if (t->revoked_at) return Status::Unauthenticated("API token revoked");
      Principal p;
      p.tenant_id = t->tenant_id;
      p.api_token_id = t->id;
      p.name = t->name;
      p.token_scopes = t->scopes;
      out = Authenticated{std::move(p), "", std::nullopt};
      return Status::Ok();
    }
    return Status::Unauthenticated("malformed token");
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Status AuthService::Logout(const Principal& principal, const AuditContext& ctx) {
  if (!principal.session_id) return Status::Ok();  // API tokens have nothing to end
  return db_.Write([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(
        tx.Auth().RevokeSession(principal.tenant(), *principal.session_id, clock_.Now()));
    return audit_.Record(
        tx, principal.tenant(), ctx,
        {.action = "auth.logout", .object_type = "session", .object_id = principal.session_id});
  });
}

Status AuthService::SetPassword(TenantScope scope, int64_t user_id, std::string_view new_password,
                                std::optional<std::string_view> current_password,
                                const AuditContext& ctx) {
  CB_RETURN_IF_ERROR(CheckPasswordPolicy(new_password));
  std::vector<std::string> recent;
  std::optional<Credentials> creds;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto c = tx.Auth().GetCredentials(scope, user_id);
    if (!c) return c.error();
    creds = std::move(*c);
    auto r = tx.Auth().RecentPasswordHashes(scope, user_id, options_.password_history);
    if (!r) return r.error();
    recent = std::move(*r);
    return Status::Ok();
  }));
  if (current_password && !VerifyPassword(creds->password_hash, *current_password)) {
    return Status::Invalid({{"current_password", "mismatch", "current password is wrong"}});
  }
  for (const std::string& old : recent) {
    if (VerifyPassword(old, new_password)) {
      return Status::Invalid({{"password", "reused", "must differ from the last 5 passwords"}});
    }
  }
  auto hash = HashPassword(new_password);
  if (!hash) return hash.error();
  return db_.Write([&](Transaction& tx) -> Status {
    const TimePoint now = clock_.Now();
    CB_RETURN_IF_ERROR(tx.Auth().SetPasswordHash(scope, user_id, *hash, now));
    CB_RETURN_IF_ERROR(tx.Auth().SetLoginFailures(scope, user_id, 0, std::nullopt));
    CB_RETURN_IF_ERROR(tx.Auth().RevokeUserSessions(scope, user_id, now));
    return audit_.Record(
        tx, scope, ctx,
        {.action = "user.password_set", .object_type = "user", .object_id = user_id});
  });
}

Result<NewApiToken> AuthService::CreateApiToken(TenantScope scope, const std::string& name,
                                                const std::vector<std::string>& scopes,
                                                const AuditContext& ctx) {
  std::vector<FieldError> errors;
  if (name.empty()) errors.push_back({"name", "required", "is required"});
  if (name.size() > 100) errors.push_back({"name", "too_long", "must be at most 100 characters"});
  if (scopes.empty()) errors.push_back({"scopes", "required", "name at least one scope"});
  for (const std::string& s : scopes) {
    if (std::find(std::begin(kApiTokenScopes), std::end(kApiTokenScopes), s) ==
        std::end(kApiTokenScopes)) {
      errors.push_back({"scopes", "invalid", "unknown scope '" + s + "' (ingest, read)"});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  NewApiToken out;
  out.token = NewSecretToken(kApiTokenPrefix);
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    ApiToken t;
    t.tenant_id = scope.tenant_id();
    t.name = name;
    t.token_hash = Sha256Hex(out.token);
    t.scopes = scopes;
    std::sort(t.scopes.begin(), t.scopes.end());
    t.scopes.erase(std::unique(t.scopes.begin(), t.scopes.end()), t.scopes.end());
    t.created_by = ctx.actor_user_id;
    t.created_at = clock_.Now();
    auto stored = tx.Auth().InsertApiToken(scope, t);
    if (!stored) return stored.error();
    out.record = std::move(*stored);
    return audit_.Record(tx, scope, ctx,
                         {.action = "token.create",
                          .object_type = "api_token",
                          .object_id = out.record.id,
                          .after_json = TokenJson(out.record)});
  }));
  return out;
}

Result<Page<ApiToken>> AuthService::ListApiTokens(TenantScope scope, const PageRequest& page) {
  std::optional<Page<ApiToken>> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Auth().ListApiTokens(scope, page);
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

Status AuthService::RevokeApiToken(TenantScope scope, int64_t id, const AuditContext& ctx) {
  return db_.Write([&](Transaction& tx) -> Status {
    auto t = tx.Auth().GetApiToken(scope, id);
    if (!t) return t.error();
    if (t->revoked_at) return Status::Ok();
    CB_RETURN_IF_ERROR(tx.Auth().RevokeApiToken(scope, id, clock_.Now()));
    return audit_.Record(tx, scope, ctx,
                         {.action = "token.revoke", .object_type = "api_token", .object_id = id});
  });
}

}  // namespace callboard
