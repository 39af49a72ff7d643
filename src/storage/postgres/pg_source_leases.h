#pragma once
// PgSourceLeases: SourceLeases on PostgreSQL, for several `callboard serve` nodes on one
// database. A lease is a PgNamedLock (a session advisory lock on a connection of its own), so
// the server releases it when the holding node dies or loses that connection.
// Thread-safety: TryAcquire from any thread (each call opens its own connection).

#include <memory>
#include <string>

#include "ingest/sources/source_lease.h"
#include "storage/postgres/pg_database.h"

namespace callboard {

class PgSourceLeases final : public SourceLeases {
 public:
  explicit PgSourceLeases(PostgresOptions options) : options_(std::move(options)) {}
  Result<std::unique_ptr<SourceLease>> TryAcquire(const std::string& name) override;

 private:
  PostgresOptions options_;
};

}  // namespace callboard
