#pragma once
// PgTransaction: the PostgreSQL stores over one connection, handed to a Database::Work. It
// opens and ends nothing itself; PgDatabase brackets each use with BEGIN … COMMIT.
//
// Thread-safety: as its connection (one thread at a time).

#include "storage/postgres/pg_audit_store.h"
#include "storage/postgres/pg_auth_store.h"
#include "storage/postgres/pg_kpi_store.h"
#include "storage/postgres/pg_live_store.h"
#include "storage/postgres/pg_org_store.h"
#include "storage/postgres/pg_source_store.h"
#include "store/transaction.h"

namespace callboard {

class PgTransaction final : public Transaction {
 public:
  explicit PgTransaction(PgConnection& conn)
      : org_(conn), auth_(conn), audit_(conn), kpi_(conn), sources_(conn), live_(conn) {}

  OrgStore& Org() override { return org_; }
  AuthStore& Auth() override { return auth_; }
  AuditStore& Audit() override { return audit_; }
  KpiStore& Kpi() override { return kpi_; }
  SourceStore& Sources() override { return sources_; }
  LiveStore& Live() override { return live_; }

 private:
  PgOrgStore org_;
  PgAuthStore auth_;
  PgAuditStore audit_;
  PgKpiStore kpi_;
  PgSourceStore sources_;
  PgLiveStore live_;
};

}  // namespace callboard
