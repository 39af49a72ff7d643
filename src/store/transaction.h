#pragma once
// Database and Transaction: the unit of work through which domain services read and
// write. A Transaction exposes every domain's store interface over one backend
// transaction; a Database runs functions inside one. Backends (src/storage/*) implement
// both; only src/app names a concrete backend.
//
//   Status s = db.Write([&](Transaction& tx) -> Status {
//     auto user = tx.Org().InsertUser(scope, u);
//     if (!user) return user.error();
//     return audit.Record(tx, scope, ...);
//   });
//
// Thread-safety: Database is safe to use from any thread. A Transaction is valid only
// inside the function it was passed to, on that thread.

#include <functional>

#include "core/status.h"

namespace callboard {

class OrgStore;
class AuthStore;
class AuditStore;
class KpiStore;
class SourceStore;
class LiveStore;

class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual OrgStore& Org() = 0;
  virtual AuthStore& Auth() = 0;
  virtual AuditStore& Audit() = 0;
  virtual KpiStore& Kpi() = 0;
  virtual SourceStore& Sources() = 0;
  virtual LiveStore& Live() = 0;
};

class Database {
 public:
  using Work = std::function<Status(Transaction&)>;
  virtual ~Database() = default;

  // Runs `work` in a write transaction: committed durably when it returns OK, rolled back
  // entirely otherwise; returns what `work` returned, or the commit error. Concurrent
  // writes may share one commit (group commit) but never see each other's rollback.
  virtual Status Write(const Work& work) = 0;
  // Runs `work` in a read-only snapshot; may run in parallel with other reads and writes.
  virtual Status Read(const Work& work) = 0;
  // OK when the database answers a trivial query.
  virtual Status Ping() = 0;
  // Applies pending schema migrations; returns how many were applied.
  virtual Result<int> Migrate() = 0;
};

}  // namespace callboard
