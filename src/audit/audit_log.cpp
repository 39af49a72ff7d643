#include "audit/audit_log.h"

#include "core/sha256.h"
#include "store/transaction.h"

namespace callboard {

namespace {

void Put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

void Put(std::string& out, std::optional<int64_t> v) { Put(out, v ? std::to_string(*v) : "-"); }

constexpr int kVerifyBatch = 1000;

}  // namespace

std::string AuditEntryHash(int64_t tenant_id, const AuditEntry& e) {
  std::string s;
  s.reserve(256 + e.before_json.size() + e.after_json.size());
  Put(s, tenant_id);
  Put(s, e.seq);
  Put(s, ToUnixMillis(e.at));
  Put(s, e.actor_user_id);
  Put(s, e.actor);
  Put(s, e.action);
  Put(s, e.object_type);
  Put(s, e.object_id);
  Put(s, e.before_json);
  Put(s, e.after_json);
  Put(s, e.request_id);
  Put(s, e.ip);
  Put(s, e.prev_hash);
  return Sha256Hex(s);
}

Status AuditLog::Record(Transaction& tx, TenantScope scope, const AuditContext& ctx,
                        const AuditRecord& record) const {
  auto last = tx.Audit().LastEntry(scope);
  if (!last) return last.error();
  AuditEntry e;
  e.seq = *last ? (*last)->seq + 1 : 1;
  e.prev_hash = *last ? (*last)->hash : kAuditGenesisHash;
  e.at = clock_.Now();
  e.actor_user_id = ctx.actor_user_id;
  e.actor = ctx.actor;
  e.action = record.action;
  e.object_type = record.object_type;
  e.object_id = record.object_id;
  e.before_json = record.before_json;
  e.after_json = record.after_json;
  e.request_id = ctx.request_id;
  e.ip = ctx.ip;
  e.hash = AuditEntryHash(scope.tenant_id(), e);
  auto stored = tx.Audit().Append(scope, e);
  return stored ? Status::Ok() : stored.error();
}

Result<AuditVerification> AuditLog::Verify(Database& db, TenantScope scope) const {
  AuditVerification v;
  std::string prev_hash = kAuditGenesisHash;
  int64_t expected_seq = 1;
  for (;;) {
    std::vector<AuditEntry> batch;
    CB_RETURN_IF_ERROR(db.Read([&](Transaction& tx) -> Status {
      auto r = tx.Audit().Scan(scope, expected_seq - 1, kVerifyBatch);
      if (!r) return r.error();
      batch = std::move(*r);
      return Status::Ok();
    }));
    for (const AuditEntry& e : batch) {
      std::string reason;
      if (e.seq != expected_seq) {
        reason = "sequence gap: expected " + std::to_string(expected_seq) + ", found " +
                 std::to_string(e.seq);
      } else if (e.prev_hash != prev_hash) {
        reason = "prev_hash does not match the hash of entry " + std::to_string(e.seq - 1);
      } else if (AuditEntryHash(scope.tenant_id(), e) != e.hash) {
        reason = "content does not match its hash (entry altered)";
      }
      if (!reason.empty()) {
        v.intact = false;
        v.broken_seq = e.seq;
        v.reason = reason;
        return v;
      }
      ++v.entries_checked;
      prev_hash = e.hash;
      ++expected_seq;
    }
    if (batch.size() < static_cast<size_t>(kVerifyBatch)) return v;
  }
}

}  // namespace callboard
