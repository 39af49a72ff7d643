#include "storage/postgres/pg_database.h"

#include <libpq-fe.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_migrations.h"
#include "storage/postgres/pg_pool.h"
#include "storage/postgres/pg_transaction.h"

namespace callboard {

namespace {

class PgDatabase;

// The transaction this thread is inside, for nested calls.
struct Inside {
  const PgDatabase* db = nullptr;
  PgTransaction* tx = nullptr;
  bool write = false;
};
thread_local Inside inside;

// Runs `work`, turning an escaping exception into kInternal (never thrown across the
// Database interface).
Status RunPgWork(const Database::Work& work, Transaction& tx) {
  try {
    return work(tx);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected exception in database work: ") + e.what());
  } catch (...) {
    return Status::Internal("unexpected exception in database work");
  }
}

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(const PostgresOptions& options)
      : options_(options),
        pool_(options.url, options.connections, options.connect_timeout, options.acquire_timeout) {}

  Status Write(const Work& work) override {
    if (inside.db == this && inside.write) {
      return Status(StatusCode::kFailedPrecondition, "Write() called inside a Write()");
    }
    return Run(work, "BEGIN", true);
  }

  Status Read(const Work& work) override {
    if (inside.db == this && !inside.write) return RunPgWork(work, *inside.tx);  // same snapshot
    return Run(work, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false);
  }

  Status Ping() override {
    auto conn = pool_.Acquire();
    if (!conn) return conn.error();
    return (*conn)->Exec("SELECT 1");
  }

  Result<int> Migrate() override {
    auto conn = pool_.Acquire();
    if (!conn) return conn.error();
    return RunPgMigrations(**conn, PostgresMigrations(),
                           PgRoleSetup{options_.app_role, options_.app_password});
  }

 private:
  Status Run(const Work& work, const char* begin, bool write) {
    auto conn = pool_.Acquire();
    if (!conn) return conn.error();
    PgConnection& c = **conn;
    CB_RETURN_IF_ERROR(c.Exec(begin));
    c.BeginTransaction();
    PgTransaction tx(c);
    const Inside outer = inside;
    inside = Inside{this, &tx, write};
    Status status = RunPgWork(work, tx);
    inside = outer;
    if (status.ok()) {
      Status committed = c.Commit();
      if (!committed.ok()) {
        if (c.Healthy()) (void)c.Exec("ROLLBACK");
        return committed;
      }
      return status;
    }
    c.EndTransaction();
    (void)c.Flush();  // the work's pipelined writes, if any: their errors no longer matter
    if (c.Healthy()) (void)c.Exec("ROLLBACK");
    return status;
  }

  const PostgresOptions options_;
  PgPool pool_;
};

Status CheckOptions(const PostgresOptions& options) {
  std::vector<FieldError> errors;
  if (options.url.empty()) errors.push_back({"url", "required", "is required"});
  if (options.connections < 1) {
    errors.push_back({"connections", "invalid", "must be at least 1"});
  }
  if (options.connect_timeout.count() < 1) {
    errors.push_back({"connect_timeout", "invalid", "must be at least 1 s"});
  }
  if (options.acquire_timeout.count() < 1) {
    errors.push_back({"acquire_timeout", "invalid", "must be positive"});
  }
  if (!options.app_role.empty() && options.app_role.size() > 63) {
    errors.push_back({"app_role", "invalid", "must be at most 63 bytes"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "invalid PostgreSQL options");
  return Status::Ok();
}

}  // namespace

bool IsPostgresUrl(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const PostgresOptions& options) {
  CB_RETURN_IF_ERROR(CheckOptions(options));
  auto db = std::make_unique<PgDatabase>(options);
  CB_RETURN_IF_ERROR(db->Ping());  // fail at start, not at the first request
  return std::unique_ptr<Database>(std::move(db));
}

Result<std::string> PostgresPrivilege(const PostgresOptions& options) {
  auto conn = PgConnection::Open(options.url, options.connect_timeout);
  if (!conn) return conn.error();
  auto stmt = (*conn)->Prepare(
      "SELECT r.rolsuper OR r.rolbypassrls,"
      " (SELECT count(*) || ' tables, e.g. ' || min(c.relname) FROM pg_class c"
      "   JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relowner = r.oid"
      "  HAVING count(*) > 0)"
      " FROM pg_roles r WHERE r.rolname = current_user");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return std::string();
  if (stmt->Int(0) != 0) return std::string("a superuser (or has BYPASSRLS)");
  if (!stmt->IsNull(1)) return "the owner of the tables (" + stmt->Text(1) + ")";
  return std::string();
}

}  // namespace callboard
