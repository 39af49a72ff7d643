#pragma once
// PgNamedLock: a lock shared by every callboard node on one PostgreSQL database, for work
// that one node at a time must do (running a source, a periodic job). It is a session-level
// advisory lock (pg_try_advisory_lock on a 64-bit hash of the name) held on a connection of
// its own: released by destroying the PgNamedLock, and by the server when the holding node
// dies or loses its connection (over TCP within about 6 s: the connection sets short
// keep-alives), so that another node can take the work over.
//
//   auto lock = TryPostgresLock(options, "source:42");
//   if (!lock) return lock.error();      // the database could not be asked
//   if (!*lock) return Status::Ok();     // another node holds it
//   ... while (*lock)->Held() ...
//
// Thread-safety: one thread at a time per PgNamedLock.

#include <memory>
#include <string>

#include "core/status.h"
#include "storage/postgres/pg_database.h"

namespace callboard {

class PgConnection;

class PgNamedLock {
 public:
  PgNamedLock(const PgNamedLock&) = delete;
  PgNamedLock& operator=(const PgNamedLock&) = delete;
  ~PgNamedLock();

  const std::string& name() const { return name_; }
  // True while the holding connection is alive and still holds the lock (asks the server).
  bool Held();

 private:
  friend Result<std::unique_ptr<PgNamedLock>> TryPostgresLock(const PostgresOptions& options,
                                                              const std::string& name);
  PgNamedLock(std::unique_ptr<PgConnection> conn, std::string name);

  std::unique_ptr<PgConnection> conn_;
  std::string name_;
};

// The lock named `name` (1 to 200 bytes) if no other session holds it; null when one does.
// kUnavailable when the server cannot be reached.
Result<std::unique_ptr<PgNamedLock>> TryPostgresLock(const PostgresOptions& options,
                                                     const std::string& name);

}  // namespace callboard
