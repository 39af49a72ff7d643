#pragma once
// PgSourceStore: SourceStore over one PostgreSQL connection (schema 0003_sources.sql,
// 0010_ami_sources.sql).
// Thread-safety: as its connection.

#include "ingest/sources/source_store.h"

namespace callboard {

class PgConnection;

class PgSourceStore final : public SourceStore {
 public:
  explicit PgSourceStore(PgConnection& conn) : conn_(conn) {}

  Status InsertSourceConfig(TenantScope scope, const SourceConfig& c) override;
  Result<SourceConfig> GetSourceConfig(TenantScope scope, int64_t source_id) override;
  Result<std::vector<SourceConfig>> ListSourceConfigs(TenantScope scope) override;
  Status UpdateSourceConfig(TenantScope scope, const SourceConfig& c) override;
  Status DeleteSourceConfig(TenantScope scope, int64_t source_id, TimePoint now) override;
  Status SetWebhookSecret(TenantScope scope, int64_t source_id, const std::string& secret) override;
  Result<std::string> GetWebhookSecret(TenantScope scope, const std::string& name) override;

 private:
  PgConnection& conn_;
};

}  // namespace callboard
