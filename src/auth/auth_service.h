#pragma once
// AuthService: sign-in with lockout, sessions, API tokens and password changes
// (DESIGN §6), and turning a bearer token into the Principal a request acts as.
//
// Thread-safety: safe from any thread; all state is in the Database.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/auth_store.h"
#include "auth/permission.h"
#include "core/clock.h"
#include "core/status.h"

namespace callboard {

class Database;

struct AuthOptions {
  std::chrono::milliseconds session_lifetime = std::chrono::hours(8);
  int max_failed_logins = 5;
  std::chrono::milliseconds lockout = std::chrono::minutes(15);
  int password_history = 5;  // a new password may not equal any of the last N
};

struct LoginResult {
  std::string token;       // bearer token; shown once, stored hashed
  std::string csrf_token;  // for cookie-authenticated browsers
  TimePoint expires_at;
  Principal principal;
};

struct Authenticated {
  Principal principal;
  std::string csrf_hash;  // sessions only: hash of the session's CSRF token
  std::optional<TimePoint> expires_at;
};

struct NewApiToken {
  std::string token;  // shown once
  ApiToken record;
};

inline constexpr std::string_view kApiTokenScopes[] = {"ingest", "read"};

class AuthService {
 public:
  AuthService(Database& db, const Clock& clock, const AuditLog& audit, AuthOptions options = {});

  // kUnauthenticated for an unknown e-mail, a wrong password or an inactive user (one
  // message for all three); kLocked while the account is locked, whatever the password.
  Result<LoginResult> Login(std::string_view email, std::string_view password,
                            const AuditContext& ctx);
  // The principal of a live session token ("cbs_…") or API token ("cbt_…").
  Result<Authenticated> Authenticate(std::string_view bearer_token);
  Status Logout(const Principal& principal, const AuditContext& ctx);

  // Sets a user's password (policy and history checked) and revokes their sessions.
  // When `current_password` is given it must match (self-service change).
  Status SetPassword(TenantScope scope, int64_t user_id, std::string_view new_password,
                     std::optional<std::string_view> current_password, const AuditContext& ctx);

  Result<NewApiToken> CreateApiToken(TenantScope scope, const std::string& name,
                                     const std::vector<std::string>& scopes,
                                     const AuditContext& ctx);
  Result<Page<ApiToken>> ListApiTokens(TenantScope scope, const PageRequest& page);
  Status RevokeApiToken(TenantScope scope, int64_t id, const AuditContext& ctx);

  // Builds the principal of a user: role, teams, LOBs, linked agent.
  Result<Principal> LoadUserPrincipal(Transaction& tx, TenantScope scope, int64_t user_id);

 private:
  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
  AuthOptions options_;
  std::string dummy_hash_;  // verified against for unknown e-mails, to equalise timing
};

}  // namespace callboard
