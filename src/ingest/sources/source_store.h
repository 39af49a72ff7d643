#pragma once
// SourceStore: how `serve` runs the tenants' ingest sources (schema 0003_sources.sql): one
// configuration per running ingest source, read with the source's name and format. Owned by
// the ingest sources component, implemented by each storage backend. Every call takes the
// TenantScope; deleted configurations are soft deleted and invisible.
//
// Thread-safety: used only through a Transaction (store/transaction.h).

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tenant_scope.h"
#include "ingest/sources/source_config.h"

namespace callboard {

class SourceStore {
 public:
  virtual ~SourceStore() = default;

  // Stores the configuration of ingest source `c.id` (which must exist), taking over a
  // deleted one. kAlreadyExists (field "name") when the source has a live configuration.
  // created_at and updated_at are set from c.updated_at.
  virtual Status InsertSourceConfig(TenantScope scope, const SourceConfig& c) = 0;
  // kNotFound when the source has no live configuration (or is another tenant's).
  virtual Result<SourceConfig> GetSourceConfig(TenantScope scope, int64_t source_id) = 0;
  // Live configurations, by source id.
  virtual Result<std::vector<SourceConfig>> ListSourceConfigs(TenantScope scope) = 0;
  // Replaces kind, path, host, port, time_zone, columns, enabled, username, secret,
  // channel_template (schema 0010_ami_sources.sql) and updated_at.
  virtual Status UpdateSourceConfig(TenantScope scope, const SourceConfig& c) = 0;
  virtual Status DeleteSourceConfig(TenantScope scope, int64_t source_id, TimePoint now) = 0;

  // Signed webhooks (schema 0005_webhook_secret.sql), for any ingest source, configured or
  // not. Sets the HMAC key of ingest source `source_id`; kNotFound when the tenant has none.
  virtual Status SetWebhookSecret(TenantScope scope, int64_t source_id,
                                  const std::string& secret) = 0;
  // The HMAC key of the ingest source named `name`: "" when it has none; kNotFound when the
  // tenant has no such source.
  virtual Result<std::string> GetWebhookSecret(TenantScope scope, const std::string& name) = 0;
};

}  // namespace callboard
