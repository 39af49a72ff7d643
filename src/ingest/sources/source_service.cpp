#include "ingest/sources/source_service.h"

#include <boost/json.hpp>
#include <map>

#include "ingest/sources/source_json.h"
#include "ingest/sources/source_store.h"
#include "org/org_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

std::string Json(const SourceConfig& c) { return boost::json::serialize(ToJson(c)); }

Result<IngestSource> FindIngestSource(Transaction& tx, TenantScope scope, int64_t id) {
  auto sources = tx.Kpi().ListSources(scope);
  if (!sources) return sources.error();
  for (const IngestSource& s : *sources) {
    if (s.id == id) return s;
  }
  return Status::NotFound("source not found");
}

// The configuration of source `id`; kFailedPrecondition when it has none (it receives its
// data by import or webhook), kNotFound when there is no such source.
Result<SourceConfig> ConfigOf(Transaction& tx, TenantScope scope, int64_t id) {
  auto config = tx.Sources().GetSourceConfig(scope, id);
  if (config || config.error().code() != StatusCode::kNotFound) return config;
  auto source = FindIngestSource(tx, scope, id);
  if (!source) return source.error();
  return Status(StatusCode::kFailedPrecondition,
                "source '" + source->name +
                    "' receives its data by import or webhook; create a running source with POST");
}

}  // namespace

SourceService::SourceService(Database& db, const Clock& clock, const AuditLog& audit,
                             SourcePolicy policy)
    : db_(db), clock_(clock), audit_(audit), policy_(std::move(policy)) {}

Result<SourceConfig> SourceService::Create(TenantScope scope, SourceConfig config,
                                           const AuditContext& ctx) {
  config = WithKindDefaults(std::move(config));
  CB_RETURN_IF_ERROR(ValidateSourceConfig(config, policy_));
  std::optional<SourceConfig> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    const TimePoint now = clock_.Now();
    auto source = tx.Kpi().EnsureSource(scope, config.name,
                                        std::string(SourceFormatName(config.format)), now);
    if (!source) return source.error();
    SourceConfig c = config;
    c.id = source->id;
    c.updated_at = now;
    CB_RETURN_IF_ERROR(tx.Sources().InsertSourceConfig(scope, c));
    auto stored = tx.Sources().GetSourceConfig(scope, c.id);
    if (!stored) return stored.error();
    out = *stored;
    return audit_.Record(tx, scope, ctx,
                         {.action = "source.create",
                          .object_type = "source",
                          .object_id = stored->id,
                          .after_json = Json(*stored)});
  }));
  return std::move(*out);
}

Result<SourceView> SourceService::Get(TenantScope scope, int64_t id) {
  std::optional<SourceView> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto source = FindIngestSource(tx, scope, id);
    if (!source) return source.error();
    out = SourceView{*source, std::nullopt};
    auto config = tx.Sources().GetSourceConfig(scope, id);
    if (config) {
      out->config = *config;
    } else if (config.error().code() != StatusCode::kNotFound) {
      return config.error();
    }
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<SourceView>> SourceService::List(TenantScope scope) {
  std::vector<SourceView> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto sources = tx.Kpi().ListSources(scope);
    if (!sources) return sources.error();
    auto configs = tx.Sources().ListSourceConfigs(scope);
    if (!configs) return configs.error();
    std::map<int64_t, SourceConfig> by_id;
    for (SourceConfig& c : *configs) by_id.emplace(c.id, std::move(c));
    for (IngestSource& s : *sources) {
      SourceView v{std::move(s), std::nullopt};
      if (auto it = by_id.find(v.source.id); it != by_id.end()) v.config = std::move(it->second);
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<SourceConfig> SourceService::Update(TenantScope scope, SourceConfig config,
                                           const AuditContext& ctx) {
  std::optional<SourceConfig> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = ConfigOf(tx, scope, config.id);
    if (!before) return before.error();
    std::vector<FieldError> fixed;
    if (config.name != before->name) {
      fixed.push_back({"name", "read_only", "cannot change; it names the source's data"});
    }
    if (config.format != before->format) {
      fixed.push_back({"format", "read_only", "cannot change; create a source of another name"});
    }
    if (!fixed.empty()) return Status::Invalid(std::move(fixed));
    // The AMI secret is write-only: an update without one keeps the stored secret.
    if (config.kind == SourceKind::kAsteriskAmi && config.secret.empty() &&
        before->kind == SourceKind::kAsteriskAmi) {
      config.secret = before->secret;
    }
    config = WithKindDefaults(std::move(config));
    CB_RETURN_IF_ERROR(ValidateSourceConfig(config, policy_));
    SourceConfig c = config;
    c.updated_at = clock_.Now();
    CB_RETURN_IF_ERROR(tx.Sources().UpdateSourceConfig(scope, c));
    auto after = tx.Sources().GetSourceConfig(scope, c.id);
    if (!after) return after.error();
    out = *after;
    return audit_.Record(tx, scope, ctx,
                         {.action = "source.update",
                          .object_type = "source",
                          .object_id = c.id,
                          .before_json = Json(*before),
                          .after_json = Json(*after)});
  }));
  return std::move(*out);
}

Status SourceService::Delete(TenantScope scope, int64_t id, const AuditContext& ctx) {
  return db_.Write([&](Transaction& tx) -> Status {
    auto before = ConfigOf(tx, scope, id);
    if (!before) return before.error();
    CB_RETURN_IF_ERROR(tx.Sources().DeleteSourceConfig(scope, id, clock_.Now()));
    return audit_.Record(tx, scope, ctx,
                         {.action = "source.delete",
                          .object_type = "source",
                          .object_id = id,
                          .before_json = Json(*before)});
  });
}

Status SourceService::SetWebhookSecret(TenantScope scope, int64_t id, const std::string& secret,
                                       const AuditContext& ctx) {
  return db_.Write([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(tx.Sources().SetWebhookSecret(scope, id, secret));
    return audit_.Record(
        tx, scope, ctx,
        {.action = "source.webhook_secret", .object_type = "source", .object_id = id});
  });
}

Result<std::string> SourceService::WebhookSecret(TenantScope scope, const std::string& name) {
  std::string out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto secret = tx.Sources().GetWebhookSecret(scope, name);
    if (!secret) return secret.error();
    out = std::move(*secret);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TenantSource>> SourceService::ListEnabled() {
  std::vector<TenantSource> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto tenants = tx.Org().ListTenants();
    if (!tenants) return tenants.error();
    for (const Tenant& t : *tenants) {
      auto list = tx.Sources().ListSourceConfigs(TenantScope(t.id));
      if (!list) return list.error();
      for (SourceConfig& c : *list) {
        if (c.enabled) out.push_back({t.id, std::move(c)});
      }
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace callboard
