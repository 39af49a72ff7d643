#pragma once
// OrgService: the tenant's organisation (sites, LOBs, teams, users, agents) with
// validation, the caller's data scope and an audit entry for every change.
//
// Reads answer kNotFound for objects outside the principal's scope (DESIGN §1: no
// existence leak). Permission to call at all is checked by the caller (the API layer's
// route table); this service applies scope and validity.
//
//   auto team = org.Create(principal, Team{.name = "Blue"}, ctx);
//
// Thread-safety: safe from any thread.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/permission.h"
#include "core/page.h"
#include "core/status.h"
#include "org/org_store.h"

namespace callboard {

class Database;
class Transaction;

class OrgService {
 public:
  // Extra work to do in the same transaction as a creation (e.g. set the new user's
  // password hash); receives the stored object.
  template <typename T>
  using AlsoDo = std::function<Status(Transaction&, const T&)>;

  OrgService(Database& db, const Clock& clock, const AuditLog& audit);

  // Platform operator (command line only).
  Result<Tenant> CreateTenant(const std::string& name);
  Result<std::vector<Tenant>> ListTenants();
  Result<Tenant> FindTenant(const std::string& name);

  // T is one of Site, Lob, Team, User, Agent.
  template <typename T>
  Result<T> Create(const Principal& p, T value, const AuditContext& ctx, AlsoDo<T> also = {});
  template <typename T>
  Result<T> Get(const Principal& p, int64_t id);
  template <typename T>
  Result<Page<T>> List(const Principal& p, OrgFilter filter, const PageRequest& page);
  // Replaces the stored object with `value` (same id); returns the stored result.
  template <typename T>
  Result<T> Update(const Principal& p, T value, const AuditContext& ctx);
  template <typename T>
  Status Delete(const Principal& p, int64_t id, const AuditContext& ctx);

  // Teams the principal may see: nullopt for the whole tenant.
  Result<std::optional<std::vector<int64_t>>> VisibleTeams(Transaction& tx, const Principal& p);

 private:
  template <typename T>
  Status CheckVisible(Transaction& tx, const Principal& p, const T& value);

  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
};

// Validates an e-mail address the way the API accepts them (lower-cased by callers).
bool IsValidEmail(std::string_view email);

// Principal of the platform operator acting on one tenant from the command line.
Principal OperatorPrincipal(int64_t tenant_id);

}  // namespace callboard
