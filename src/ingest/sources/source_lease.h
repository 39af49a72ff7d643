#pragma once
// SourceLeases: which node runs a long-running source when several `callboard serve` nodes
// share one database (DESIGN §2 "Storage"). A node runs a source only while it holds the
// source's lease; the lease ends when the node releases it, dies or loses its database
// connection, and another node that asks again then takes the source over and resumes from
// the checkpoint stored with the data. On PostgreSQL a lease is a session advisory lock
// (PgSourceLeases); a single-node SQLite deployment has none (every source runs locally).
//
//   auto lease = leases.TryAcquire("source:7:42");
//   if (!lease) …                      // the database could not be asked
//   else if (!*lease) …                // another node runs the source
//   else while ((*lease)->Held()) …    // run it
//
// Thread-safety: SourceLeases from any thread; one thread at a time per SourceLease.

#include <memory>
#include <string>

#include "core/status.h"

namespace callboard {

class SourceLease {
 public:
  virtual ~SourceLease() = default;  // releases the lease
  // True while this node still holds the lease (asks the database; false when it cannot).
  virtual bool Held() = 0;
};

class SourceLeases {
 public:
  virtual ~SourceLeases() = default;
  // The lease named `name` when no other node holds it; null when another node does;
  // kUnavailable when the database cannot be reached.
  virtual Result<std::unique_ptr<SourceLease>> TryAcquire(const std::string& name) = 0;
};

}  // namespace callboard
