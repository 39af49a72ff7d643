#pragma once
// AuthStore: credentials, login-failure counters, sessions and API tokens, owned by the
// auth domain and implemented by each storage backend. Secrets are never stored: only
// password hashes (argon2id strings) and SHA-256 hashes of tokens.
//
// The two lookups that find the tenant from a credential (by e-mail at login, by token
// hash on every request) are the only calls without a TenantScope: they run before the
// tenant is known.
//
// Thread-safety: used only through a Transaction (store/transaction.h).

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

struct Credentials {
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  bool active = true;
  std::string password_hash;  // argon2id encoded; empty when no password set
  int failed_logins = 0;      // consecutive failures since the last success
  std::optional<TimePoint> locked_until;
};

struct Session {
  int64_t id = 0;
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string token_hash;  // hex SHA-256 of the bearer token
  std::string csrf_hash;   // hex SHA-256 of the CSRF token
  TimePoint created_at;
  TimePoint expires_at;
  std::optional<TimePoint> revoked_at;
  std::string ip;
};

struct ApiToken {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string name;
  std::string token_hash;             // hex SHA-256
  std::vector<std::string> scopes;    // e.g. "ingest", "read"
  std::optional<int64_t> created_by;  // user id; empty when made on the command line
  TimePoint created_at;
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // Any tenant: the active or inactive (but not deleted) user with this e-mail.
  virtual Result<Credentials> FindCredentialsByEmail(const std::string& email) = 0;
  virtual Result<Credentials> GetCredentials(TenantScope scope, int64_t user_id) = 0;
  // Sets failed_logins and locked_until of a user.
  virtual Status SetLoginFailures(TenantScope scope, int64_t user_id, int failed_logins,
                                  std::optional<TimePoint> locked_until) = 0;
  // Replaces the password hash and appends the old one to the history.
  virtual Status SetPasswordHash(TenantScope scope, int64_t user_id, const std::string& hash,
                                 TimePoint now) = 0;
  // The last `n` password hashes of the user, newest first, including the current one.
  virtual Result<std::vector<std::string>> RecentPasswordHashes(TenantScope scope, int64_t user_id,
                                                                int n) = 0;

  virtual Result<Session> InsertSession(TenantScope scope, const Session& session) = 0;
  // Any tenant: the session with this token hash, revoked or expired ones included.
  virtual Result<Session> FindSessionByTokenHash(const std::string& token_hash) = 0;
  virtual Status RevokeSession(TenantScope scope, int64_t session_id, TimePoint now) = 0;
  // Revokes every live session of the user (password change, deactivation).
  virtual Status RevokeUserSessions(TenantScope scope, int64_t user_id, TimePoint now) = 0;

  virtual Result<ApiToken> InsertApiToken(TenantScope scope, const ApiToken& token) = 0;
  // Any tenant: the token with this hash, revoked ones included.
  virtual Result<ApiToken> FindApiTokenByHash(const std::string& token_hash) = 0;
  virtual Result<ApiToken> GetApiToken(TenantScope scope, int64_t id) = 0;
  virtual Result<Page<ApiToken>> ListApiTokens(TenantScope scope, const PageRequest& page) = 0;
  virtual Status RevokeApiToken(TenantScope scope, int64_t id, TimePoint now) = 0;
};

}  // namespace callboard
