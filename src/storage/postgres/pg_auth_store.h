#pragma once
// AuthStore over one PostgreSQL connection (auth/auth_store.h states the contract).
//
// Details of this backend: e-mail lookups are case-insensitive; credentials are those of live
// (not deleted) users; RevokeSession and RevokeApiToken of an already revoked row succeed
// and keep the first revocation time; RevokeUserSessions succeeds whether or not the user
// has sessions (or still exists), touching only the scope's rows; API token scopes are kept
// in the order given.
//
// Thread-safety: as its connection; lives inside a PgTransaction.

#include "auth/auth_store.h"

namespace callboard {

class PgConnection;

class PgAuthStore final : public AuthStore {
 public:
  explicit PgAuthStore(PgConnection& conn) : conn_(conn) {}

  Result<Credentials> FindCredentialsByEmail(const std::string& email) override;
  Result<Credentials> GetCredentials(TenantScope scope, int64_t user_id) override;
  Status SetLoginFailures(TenantScope scope, int64_t user_id, int failed_logins,
                          std::optional<TimePoint> locked_until) override;
  Status SetPasswordHash(TenantScope scope, int64_t user_id, const std::string& hash,
                         TimePoint now) override;
  Result<std::vector<std::string>> RecentPasswordHashes(TenantScope scope, int64_t user_id,
                                                        int n) override;

  Result<Session> InsertSession(TenantScope scope, const Session& session) override;
  Result<Session> FindSessionByTokenHash(const std::string& token_hash) override;
  Status RevokeSession(TenantScope scope, int64_t session_id, TimePoint now) override;
  Status RevokeUserSessions(TenantScope scope, int64_t user_id, TimePoint now) override;

  Result<ApiToken> InsertApiToken(TenantScope scope, const ApiToken& token) override;
  Result<ApiToken> FindApiTokenByHash(const std::string& token_hash) override;
  Result<ApiToken> GetApiToken(TenantScope scope, int64_t id) override;
  Result<Page<ApiToken>> ListApiTokens(TenantScope scope, const PageRequest& page) override;
  Status RevokeApiToken(TenantScope scope, int64_t id, TimePoint now) override;

 private:
  // Sets token.scopes from the JSON array stored for it.
  Status FillScopes(ApiToken& token, const std::string& scopes_json);

  PgConnection& conn_;
};

// The JSON array text of `values`, e.g. ["ingest","read"]. Exposed for tests.
namespace pg {
std::string JsonStringArray(const std::vector<std::string>& values);
}  // namespace pg

}  // namespace callboard
