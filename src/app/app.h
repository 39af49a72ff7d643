#pragma once
// App: the wiring. Opens the configured backend, applies migrations and builds the
// domain services on it. The only code that names concrete backend classes.
// Thread-safety: construct once; the services it owns are thread-safe.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace callboard {

class AuditLog;
class AuthService;
class Database;
class OrgService;
class ReportService;
class Importer;
class CallLog;
class LiveFeed;
class LiveService;
class SourceLeases;
class SourceService;

struct AppConfig {
  std::filesystem::path data_dir = "data";
  // postgresql://… : the PostgreSQL database to use instead of SQLite in data_dir.
  std::string db_url;
  // PostgreSQL migrate: the login role the application serves as, created or updated with
  // its grants (empty: roles untouched), and its new password (unset: unchanged).
  std::string app_role;
  std::optional<std::string> app_password;
  // Directories whose files tenants may tail (file-tail sources); empty: <data_dir>/tail.
  std::vector<std::filesystem::path> tail_roots;
};

// For serve on PostgreSQL: a loud warning when config.db_url logs in as a superuser or as the
// owner of the tables (row-level security would not isolate tenants); empty otherwise.
std::string ServingRoleWarning(const AppConfig& config);

class App {
 public:
  // Opens the database (PostgreSQL at config.db_url, otherwise SQLite under config.data_dir,
  // created if needed) and migrates it.
  static Result<std::unique_ptr<App>> Open(const AppConfig& config, const Clock& clock);
  ~App();

  Database& db() { return *db_; }
  const Clock& clock() const { return clock_; }
  AuditLog& audit() { return *audit_; }
  AuthService& auth() { return *auth_; }
  OrgService& org() { return *org_; }
  ReportService& reports() { return *reports_; }
  Importer& importer() { return *importer_; }
  SourceService& sources() { return *sources_; }
  LiveService& live() { return *live_; }
  // Several nodes on one PostgreSQL database: the leases that give each long-running source
  // to one node at a time. Null on SQLite (one node runs every source).
  SourceLeases* source_leases() { return source_leases_.get(); }
  // Live operations follow every import from now on (serve); the command line leaves them off
  // so that bulk imports do not pay for them. On PostgreSQL the live service also joins the
  // other nodes (a LISTEN/NOTIFY feed, one node evaluating alerts).
  void EnableLive();
  int migrations_applied() const { return migrations_applied_; }

 private:
  explicit App(const Clock& clock);

  const Clock& clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<OrgService> org_;
  std::unique_ptr<ReportService> reports_;
  std::unique_ptr<Importer> importer_;
  std::unique_ptr<SourceService> sources_;
  std::unique_ptr<SourceLeases> source_leases_;
  std::unique_ptr<CallLog> call_log_;
  std::unique_ptr<LiveFeed> live_feed_;  // PostgreSQL only; outlives live_
  std::unique_ptr<LiveService> live_;
  int migrations_applied_ = 0;
};

}  // namespace callboard
