#pragma once
// SourceService: the tenants' source configurations (issue 3: file tails and 3CX TCP feeds
// run inside `serve`) with validation and an audit entry for every change. Permission to
// call is checked by the caller (the API's route table, or the operator's command line).
//
//   auto source = sources.Create(scope, SourceConfig{...}, ctx);
//   if (!source) return source.error();  // field errors name what is wrong
//
// Thread-safety: safe from any thread.

#include <cstdint>
#include <optional>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "ingest/sources/source_config.h"
#include "kpi/kpi_store.h"

namespace callboard {

class Database;

// An ingest source as the API shows it: its identity (its data — calls, rejects — is stored
// under its id), and how `serve` runs it; no configuration: its data arrives by import or
// webhook.
struct SourceView {
  IngestSource source;
  std::optional<SourceConfig> config;
};

// A configuration with the tenant it belongs to.
struct TenantSource {
  int64_t tenant_id = 0;
  SourceConfig config;
};

class SourceService {
 public:
  SourceService(Database& db, const Clock& clock, const AuditLog& audit, SourcePolicy policy);

  const SourcePolicy& policy() const { return policy_; }

  // Validates `config` (ValidateSourceConfig), finds or creates the ingest source of its
  // name and format (kInvalidArgument when the name exists with another format) and stores
  // how it runs. kAlreadyExists when the source already runs.
  Result<SourceConfig> Create(TenantScope scope, SourceConfig config, const AuditContext& ctx);
  // kNotFound when the tenant has no ingest source `id`.
  Result<SourceView> Get(TenantScope scope, int64_t id);
  // Every ingest source of the tenant, by id.
  Result<std::vector<SourceView>> List(TenantScope scope);
  // Replaces how source `config.id` runs, validated as on creation; name and format cannot
  // change (kInvalidArgument). kFailedPrecondition when the source has no configuration.
  Result<SourceConfig> Update(TenantScope scope, SourceConfig config, const AuditContext& ctx);
  // Soft delete of the configuration: the source stops; its data and checkpoints stay.
  // kFailedPrecondition when the source has no configuration.
  Status Delete(TenantScope scope, int64_t id, const AuditContext& ctx);

  // Sets (creates or rotates) the webhook secret of ingest source `id`, configured or not;
  // audited as source.webhook_secret without the secret. kNotFound when the tenant has no
  // ingest source `id`.
  Status SetWebhookSecret(TenantScope scope, int64_t id, const std::string& secret,
                          const AuditContext& ctx);
  // The webhook secret of the source named `name`, "" when it has none; kNotFound when the
  // tenant has no such source.
  Result<std::string> WebhookSecret(TenantScope scope, const std::string& name);

  // Every enabled source of every tenant, for the runner inside `serve`.
  Result<std::vector<TenantSource>> ListEnabled();

 private:
  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
  SourcePolicy policy_;
};

}  // namespace callboard
