#include "app/app.h"

#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "ingest/importer.h"
#include "ingest/sources/source_service.h"
#include "kpi/call_log.h"
#include "kpi/report_service.h"
#include "live/live_service.h"
#include "org/org_service.h"
#include "storage/postgres/pg_database.h"
#include "storage/postgres/pg_live_feed.h"
#include "storage/postgres/pg_source_leases.h"
#include "storage/sqlite/sqlite_database.h"
#include "store/transaction.h"

namespace callboard {

namespace {

Result<std::unique_ptr<Database>> OpenDatabase(const AppConfig& config) {
  if (config.db_url.empty()) {
    SqliteOptions options;
    options.path = config.data_dir / "callboard.db";
    return OpenSqliteDatabase(options);
  }
  if (!IsPostgresUrl(config.db_url)) {
    return Status::Invalid({{"db", "invalid", "must be a postgresql:// URL"}},
                           "--db names no PostgreSQL database");
  }
  PostgresOptions options;
  options.url = config.db_url;
  options.app_role = config.app_role;
  options.app_password = config.app_password;
  return OpenPostgresDatabase(options);
}

}  // namespace

std::string ServingRoleWarning(const AppConfig& config) {
  if (config.db_url.empty()) return {};
  PostgresOptions options;
  options.url = config.db_url;
  auto privilege = PostgresPrivilege(options);
  if (!privilege)
    return "cannot tell the database role's privileges: " + privilege.error().message();
  if (privilege->empty()) return {};
  return "SERVING AS " + *privilege +
         ": row-level security does not isolate tenants for this role. Serve as the app role"
         " created by `callboard migrate --app-role` (docs/operations.md).";
}

Result<std::unique_ptr<App>> App::Open(const AppConfig& config, const Clock& clock) {
  std::unique_ptr<App> app(new App(clock));
  auto db = OpenDatabase(config);
  if (!db) return db.error();
  app->db_ = std::move(*db);
  auto applied = app->db_->Migrate();
  if (!applied) return applied.error();
  app->migrations_applied_ = *applied;
  if (!config.db_url.empty()) {
    PostgresOptions leases;
    leases.url = config.db_url;
    app->source_leases_ = std::make_unique<PgSourceLeases>(leases);
    app->live_feed_ = std::make_unique<PgLiveFeed>(leases);
  }
  app->audit_ = std::make_unique<AuditLog>(clock);
  app->auth_ = std::make_unique<AuthService>(*app->db_, clock, *app->audit_);
  app->org_ = std::make_unique<OrgService>(*app->db_, clock, *app->audit_);
  app->reports_ = std::make_unique<ReportService>(*app->db_, *app->org_);
  app->importer_ = std::make_unique<Importer>(*app->db_, clock);
  SourcePolicy policy;
  policy.tail_roots = config.tail_roots;
  if (policy.tail_roots.empty()) policy.tail_roots.push_back(config.data_dir / "tail");
  app->sources_ = std::make_unique<SourceService>(*app->db_, clock, *app->audit_, policy);
  app->call_log_ = std::make_unique<CallLog>(*app->db_, *app->org_, *app->audit_);
  app->live_ =
      std::make_unique<LiveService>(*app->db_, clock, *app->audit_, *app->org_, *app->call_log_);
  return app;
}

void App::EnableLive() {
  importer_->set_observer(live_.get());
  if (live_feed_) live_->JoinNodes(*live_feed_, *source_leases_);
}

App::App(const Clock& clock) : clock_(clock) {}
App::~App() {
  if (live_) live_->Stop();  // absent when Open failed before making it
}

}  // namespace callboard
