#include "storage/postgres/pg_lock.h"

#include <utility>

#include "storage/postgres/pg_connection.h"

namespace callboard {

PgNamedLock::PgNamedLock(std::unique_ptr<PgConnection> conn, std::string name)
    : conn_(std::move(conn)), name_(std::move(name)) {}

PgNamedLock::~PgNamedLock() {
  if (conn_->Healthy()) {
    auto stmt = conn_->Prepare("SELECT pg_advisory_unlock(hashtextextended(?, 0))");
    if (stmt) (void)stmt->Bind(name_).Run();
  }
}

bool PgNamedLock::Held() {
  auto stmt = conn_->Prepare(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
      " AND granted AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(?, 0)");
  if (!stmt) return false;
  stmt->Bind(name_);
  auto row = stmt->Step();
  return row && *row && stmt->Int(0) > 0;
}

Result<std::unique_ptr<PgNamedLock>> TryPostgresLock(const PostgresOptions& options,
                                                     const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return Status::Invalid({{"name", "invalid", "must hold 1 to 200 bytes"}}, "bad lock name");
  }
  auto conn = PgConnection::Open(options.url, options.connect_timeout);
  if (!conn) return conn.error();
  // Over TCP, the server probes an idle holder after 3 s, every second, and drops it (and
  // the lock) after 3 unanswered probes, so that a holder whose machine died without closing
  // its connection frees the lock within about 6 s instead of the system default of hours.
  // Ignored on unix sockets, where the kernel reports a dead peer at once.
  CB_RETURN_IF_ERROR(
      (*conn)->Exec("SET tcp_keepalives_idle = 3; SET tcp_keepalives_interval = 1;"
                    " SET tcp_keepalives_count = 3"));
  auto stmt = (*conn)->Prepare("SELECT pg_try_advisory_lock(hashtextextended(?, 0))");
  if (!stmt) return stmt.error();
  stmt->Bind(name);
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row || stmt->Int(0) == 0) return std::unique_ptr<PgNamedLock>();
  return std::unique_ptr<PgNamedLock>(new PgNamedLock(std::move(*conn), name));
}

}  // namespace callboard
