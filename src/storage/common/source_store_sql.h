#pragma once
// SourceStoreSql: the SourceStore over one connection, written once for both backends. `Conn`
// is SqliteConnection or PgConnection and `Query` their query builder (SqlQuery, pg::PgQuery):
// both take `?` placeholders and bind, step and read rows alike, and every statement here
// means the same in both dialects. Each method starts with UseTenant (PostgreSQL's row-level
// security setting; a no-op on SQLite) and still filters by tenant itself.
// Schema: 0003_sources.sql and 0010_ami_sources.sql of either backend.
// Thread-safety: as its connection.

#include <optional>
#include <string>
#include <vector>

#include "ingest/sources/source_store.h"

namespace callboard {

namespace source_sql {

inline constexpr const char* kColumns =
    "SELECT c.source_id, s.name, c.kind, s.format, c.path, c.host, c.port, c.time_zone,"
    " c.columns, c.enabled, c.created_at, c.updated_at, c.username, c.secret,"
    " c.channel_template FROM source_configs c"
    " JOIN ingest_sources s ON s.tenant_id = c.tenant_id AND s.id = c.source_id";

inline std::string JoinColumns(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ",") + c;
  return out;
}

inline std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

template <class Row>
SourceConfig ReadConfig(const Row& s) {
  SourceConfig c;
  c.id = s.Int(0);
  c.name = s.Text(1);
  c.kind = ParseSourceKind(s.Text(2)).value_or(SourceKind::kFileTail);
  c.format = ParseSourceFormat(s.Text(3)).value_or(SourceFormat::kAsteriskQueueLog);
  c.path = s.Text(4);
  c.host = s.Text(5);
  if (auto p = s.OptInt(6)) c.port = static_cast<int>(*p);
  c.time_zone = s.Text(7);
  c.columns = SplitColumns(s.Text(8));
  c.enabled = s.Int(9) != 0;
  c.created_at = s.Time(10);
  c.updated_at = s.Time(11);
  c.username = s.Text(12);
  c.secret = s.Text(13);
  c.channel_template = s.Text(14);
  return c;
}

inline std::optional<int64_t> PortValue(const SourceConfig& c) {
  if (!c.port) return std::nullopt;
  return static_cast<int64_t>(*c.port);
}

}  // namespace source_sql

template <class Conn, class Query>
class SourceStoreSql : public SourceStore {
 public:
  explicit SourceStoreSql(Conn& conn) : conn_(conn) {}

  Status InsertSourceConfig(TenantScope scope, const SourceConfig& c) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    // A deleted configuration of the source is taken over; a live one is a conflict.
    auto done = conn_.Execute(
        "INSERT INTO source_configs (tenant_id, source_id, kind, path, host, port, time_zone,"
        " columns, enabled, created_at, updated_at, username, secret, channel_template)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (tenant_id, source_id) DO UPDATE SET kind = excluded.kind,"
        " path = excluded.path, host = excluded.host, port = excluded.port,"
        " time_zone = excluded.time_zone, columns = excluded.columns, enabled = excluded.enabled,"
        " created_at = excluded.created_at, updated_at = excluded.updated_at,"
        " username = excluded.username, secret = excluded.secret,"
        " channel_template = excluded.channel_template, deleted_at = NULL"
        " WHERE source_configs.deleted_at IS NOT NULL",
        scope.tenant_id(), c.id, std::string(SourceKindName(c.kind)), c.path, c.host,
        source_sql::PortValue(c), c.time_zone, source_sql::JoinColumns(c.columns),
        int64_t{c.enabled ? 1 : 0}, c.updated_at, c.updated_at, c.username, c.secret,
        c.channel_template);
    if (!done) return done.error();
    if (*done == 0) return Status::Exists("name already in use");
    return Status::Ok();
  }

  Result<SourceConfig> GetSourceConfig(TenantScope scope, int64_t source_id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(source_sql::kColumns);
    q.Where("c.tenant_id = ?", scope.tenant_id())
        .Where("c.source_id = ?", source_id)
        .Where("c.deleted_at IS NULL");
    auto stmt = q.Prepare(conn_);
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::NotFound("source not found");
    return source_sql::ReadConfig(*stmt);
  }

  Result<std::vector<SourceConfig>> ListSourceConfigs(TenantScope scope) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(source_sql::kColumns);
    q.Where("c.tenant_id = ?", scope.tenant_id())
        .Where("c.deleted_at IS NULL")
        .Append(" ORDER BY c.source_id");
    auto stmt = q.Prepare(conn_);
    if (!stmt) return stmt.error();
    std::vector<SourceConfig> out;
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) return out;
      out.push_back(source_sql::ReadConfig(*stmt));
    }
  }

  Status UpdateSourceConfig(TenantScope scope, const SourceConfig& c) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "UPDATE source_configs SET kind = ?, path = ?, host = ?, port = ?, time_zone = ?,"
        " columns = ?, enabled = ?, updated_at = ?, username = ?, secret = ?,"
        " channel_template = ? WHERE tenant_id = ? AND source_id = ? AND deleted_at IS NULL",
        std::string(SourceKindName(c.kind)), c.path, c.host, source_sql::PortValue(c), c.time_zone,
        source_sql::JoinColumns(c.columns), int64_t{c.enabled ? 1 : 0}, c.updated_at, c.username,
        c.secret, c.channel_template, scope.tenant_id(), c.id);
    if (!done) return done.error();
    if (*done == 0) return Status::NotFound("source not found");
    return Status::Ok();
  }

  Status DeleteSourceConfig(TenantScope scope, int64_t source_id, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "UPDATE source_configs SET deleted_at = ?, updated_at = ?"
        " WHERE tenant_id = ? AND source_id = ? AND deleted_at IS NULL",
        now, now, scope.tenant_id(), source_id);
    if (!done) return done.error();
    if (*done == 0) return Status::NotFound("source not found");
    return Status::Ok();
  }

  Status SetWebhookSecret(TenantScope scope, int64_t source_id,
                          const std::string& secret) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done =
        conn_.Execute("UPDATE ingest_sources SET webhook_secret = ? WHERE tenant_id = ? AND id = ?",
                      secret, scope.tenant_id(), source_id);
    if (!done) return done.error();
    if (*done == 0) return Status::NotFound("source not found");
    return Status::Ok();
  }

  Result<std::string> GetWebhookSecret(TenantScope scope, const std::string& name) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto stmt = conn_.Prepare(
        "SELECT COALESCE(webhook_secret, '') FROM ingest_sources WHERE tenant_id = ? AND name = ?");
    if (!stmt) return stmt.error();
    stmt->Bind(scope.tenant_id(), name);
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::NotFound("source not found");
    return stmt->Text(0);
  }

 private:
  Conn& conn_;
};

}  // namespace callboard
