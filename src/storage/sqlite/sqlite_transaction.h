#pragma once
// SqliteTransaction: the SQLite stores over one connection, handed to a Database::Work.
// It opens and ends nothing itself; the writer or the reader pool brackets each use with
// BEGIN/SAVEPOINT … COMMIT/RELEASE.
//
// Thread-safety: as its connection (one thread at a time).

#include "storage/sqlite/sqlite_audit_store.h"
#include "storage/sqlite/sqlite_auth_store.h"
#include "storage/sqlite/sqlite_kpi_store.h"
#include "storage/sqlite/sqlite_live_store.h"
#include "storage/sqlite/sqlite_org_store.h"
#include "storage/sqlite/sqlite_source_store.h"
#include "store/transaction.h"

namespace callboard {

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(SqliteConnection& conn)
      : org_(conn), auth_(conn), audit_(conn), kpi_(conn), sources_(conn), live_(conn) {}

  OrgStore& Org() override { return org_; }
  AuthStore& Auth() override { return auth_; }
  AuditStore& Audit() override { return audit_; }
  KpiStore& Kpi() override { return kpi_; }
  SourceStore& Sources() override { return sources_; }
  LiveStore& Live() override { return live_; }

 private:
  SqliteOrgStore org_;
  SqliteAuthStore auth_;
  SqliteAuditStore audit_;
  SqliteKpiStore kpi_;
  SqliteSourceStore sources_;
  SqliteLiveStore live_;
};

// Runs `work`, turning an escaping exception into kInternal (never thrown across the
// Database interface).
Status RunWork(const Database::Work& work, Transaction& tx);

}  // namespace callboard
