#pragma once
// LiveStoreSql: the LiveStore over one connection, written once for both backends (see
// SourceStoreSql): `Conn` is SqliteConnection or PgConnection, `Query` their query builder.
// Inserts that need the new id end with Conn::kReturningId (" RETURNING id" on PostgreSQL);
// LastInsertId reads it on both. Schema: 0009_live.sql of either backend.
// Thread-safety: as its connection.

#include <optional>
#include <string>
#include <vector>

#include "live/live_store.h"
#include "storage/common/sql_helpers.h"

namespace callboard {

namespace live_sql {

inline constexpr const char* kReasonColumns =
    "SELECT id, name, colour, productive, max_minutes, active, created_at, updated_at"
    " FROM pause_reasons";

inline constexpr auto ReadReason = [](const auto& s) {
  PauseReason r;
  r.id = s.Int(0);
  r.name = s.Text(1);
  r.colour = s.Text(2);
  r.productive = s.Bool(3);
  if (auto m = s.OptInt(4)) r.max_minutes = static_cast<int>(*m);
  r.active = s.Bool(5);
  r.created_at = s.Time(6);
  r.updated_at = s.Time(7);
  return r;
};

inline std::optional<int64_t> MaxMinutes(const PauseReason& r) {
  if (!r.max_minutes) return std::nullopt;
  return static_cast<int64_t>(*r.max_minutes);
}

template <class Row>
AgentState StateOf(const Row& s, int column) {
  return ParseAgentState(s.Text(column)).value_or(AgentState::kLoggedOut);
}

template <class Row>
StateOrigin OriginOf(const Row& s, int column) {
  return ParseStateOrigin(s.Text(column)).value_or(StateOrigin::kPbx);
}

inline constexpr const char* kAlertColumns =
    "SELECT id, kind, severity, subject_type, subject_id, subject_name, detail, started_at,"
    " ended_at, acked_at, acked_by FROM alerts";

inline constexpr auto ReadAlert = [](const auto& s) {
  Alert a;
  a.id = s.Int(0);
  a.kind = ParseAlertKind(s.Text(1)).value_or(AlertKind::kPauseOverrun);
  a.severity = s.Text(2);
  a.subject_type = s.Text(3);
  a.subject_id = s.Int(4);
  a.subject_name = s.Text(5);
  a.detail = s.Text(6);
  a.started_at = s.Time(7);
  a.ended_at = s.OptTime(8);
  a.acked_at = s.OptTime(9);
  a.acked_by = s.Text(10);
  return a;
};

}  // namespace live_sql

template <class Conn, class Query>
class LiveStoreSql : public LiveStore {
 public:
  explicit LiveStoreSql(Conn& conn) : conn_(conn) {}

  Result<std::vector<PauseReason>> ListPauseReasons(TenantScope scope,
                                                    bool include_inactive) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(live_sql::kReasonColumns);
    q.Where("tenant_id = ?", scope.tenant_id());
    if (!include_inactive) q.Where("active = 1");
    q.Append(" ORDER BY name, id");
    return FetchAll<PauseReason>(conn_, q, live_sql::ReadReason);
  }

  Result<PauseReason> GetPauseReason(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(live_sql::kReasonColumns);
    q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
    auto found = FetchAll<PauseReason>(conn_, q, live_sql::ReadReason);
    if (!found) return found.error();
    if (found->empty()) return Status::NotFound("pause reason not found");
    return found->front();
  }

  Status InsertPauseReason(TenantScope scope, PauseReason& r) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        std::string("INSERT INTO pause_reasons (tenant_id, name, colour, productive, max_minutes,"
                    " active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), r.name, r.colour, r.productive, live_sql::MaxMinutes(r), r.active,
        r.created_at, r.updated_at);
    if (!done) return done.error();
    r.id = conn_.LastInsertId();
    return Status::Ok();
  }

  Status UpdatePauseReason(TenantScope scope, const PauseReason& r) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "UPDATE pause_reasons SET name = ?, colour = ?, productive = ?, max_minutes = ?,"
        " active = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
        r.name, r.colour, r.productive, live_sql::MaxMinutes(r), r.active, r.updated_at,
        scope.tenant_id(), r.id);
    if (!done) return done.error();
    if (*done == 0) return Status::NotFound("pause reason not found");
    return Status::Ok();
  }

  Status InsertStateInterval(TenantScope scope, const StateInterval& i) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "INSERT INTO agent_state_log (tenant_id, agent_id, state, reason, started_at, ended_at,"
        " origin, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        scope.tenant_id(), i.agent_id, AgentStateName(i.state), i.reason, i.started_at, i.ended_at,
        StateOriginName(i.origin), i.actor);
    return done ? Status::Ok() : done.error();
  }

  Result<std::vector<StateInterval>> ListStateIntervals(TenantScope scope, int64_t agent_id,
                                                        TimePoint from, TimePoint to) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(
        "SELECT id, agent_id, state, reason, started_at, ended_at, origin, actor"
        " FROM agent_state_log");
    q.Where("tenant_id = ?", scope.tenant_id())
        .Where("agent_id = ?", agent_id)
        .Where("started_at < ?", to)
        .Where("ended_at > ?", from)
        .Append(" ORDER BY started_at, id");
    return FetchAll<StateInterval>(conn_, q, [](const auto& s) {
      return StateInterval{s.Int(0),  s.Int(1),  live_sql::StateOf(s, 2),  s.Text(3),
                           s.Time(4), s.Time(5), live_sql::OriginOf(s, 6), s.Text(7)};
    });
  }

  Status PutCurrentState(TenantScope scope, const CurrentState& c) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "INSERT INTO agent_live_states (tenant_id, agent_id, state, reason, since, origin)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, agent_id) DO UPDATE SET"
        " state = excluded.state, reason = excluded.reason, since = excluded.since,"
        " origin = excluded.origin",
        scope.tenant_id(), c.agent_id, AgentStateName(c.state), c.reason, c.since,
        StateOriginName(c.origin));
    return done ? Status::Ok() : done.error();
  }

  Result<std::vector<CurrentState>> ListCurrentStates(TenantScope scope) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q("SELECT agent_id, state, reason, since, origin FROM agent_live_states");
    q.Where("tenant_id = ?", scope.tenant_id()).Append(" ORDER BY agent_id");
    return FetchAll<CurrentState>(conn_, q, [](const auto& s) {
      return CurrentState{s.Int(0), live_sql::StateOf(s, 1), s.Text(2), s.Time(3),
                          live_sql::OriginOf(s, 4)};
    });
  }

  Result<std::vector<AlertRule>> ListAlertRules(TenantScope scope) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q("SELECT kind, enabled, threshold_s, severity FROM alert_rules");
    q.Where("tenant_id = ?", scope.tenant_id()).Append(" ORDER BY kind");
    auto rows =
        FetchAll<std::optional<AlertRule>>(conn_, q, [](const auto& s) -> std::optional<AlertRule> {
          auto kind = ParseAlertKind(s.Text(0));
          if (!kind) return std::nullopt;  // a kind this version does not know
          return AlertRule{*kind, s.Bool(1), s.Int(2), s.Text(3)};
        });
    if (!rows) return rows.error();
    std::vector<AlertRule> out;
    for (auto& r : *rows) {
      if (r) out.push_back(*r);
    }
    return out;
  }

  Status PutAlertRule(TenantScope scope, const AlertRule& r, TimePoint now) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "INSERT INTO alert_rules (tenant_id, kind, enabled, threshold_s, severity, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, kind) DO UPDATE SET"
        " enabled = excluded.enabled, threshold_s = excluded.threshold_s,"
        " severity = excluded.severity, updated_at = excluded.updated_at",
        scope.tenant_id(), AlertKindName(r.kind), r.enabled, r.threshold_s, r.severity, now);
    return done ? Status::Ok() : done.error();
  }

  Status InsertAlert(TenantScope scope, Alert& a) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        std::string("INSERT INTO alerts (tenant_id, kind, severity, subject_type, subject_id,"
                    " subject_name, detail, started_at, ended_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), AlertKindName(a.kind), a.severity, a.subject_type, a.subject_id,
        a.subject_name, a.detail, a.started_at, a.ended_at);
    if (!done) return done.error();
    a.id = conn_.LastInsertId();
    return Status::Ok();
  }

  Status EndAlert(TenantScope scope, int64_t id, TimePoint at) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        "UPDATE alerts SET ended_at = ? WHERE tenant_id = ? AND id = ? AND ended_at IS NULL", at,
        scope.tenant_id(), id);
    return done ? Status::Ok() : done.error();
  }

  Status AckAlert(TenantScope scope, int64_t id, const std::string& actor, TimePoint at) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    // The SET expressions read the row as it was: the first acknowledgement is kept.
    auto done = conn_.Execute(
        "UPDATE alerts SET acked_at = COALESCE(acked_at, ?), acked_by = CASE WHEN acked_at IS NULL"
        " THEN ? ELSE acked_by END WHERE tenant_id = ? AND id = ?",
        at, actor, scope.tenant_id(), id);
    if (!done) return done.error();
    if (*done == 0) return Status::NotFound("alert not found");
    return Status::Ok();
  }

  Result<Alert> GetAlert(TenantScope scope, int64_t id) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(live_sql::kAlertColumns);
    q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
    auto found = FetchAll<Alert>(conn_, q, live_sql::ReadAlert);
    if (!found) return found.error();
    if (found->empty()) return Status::NotFound("alert not found");
    return found->front();
  }

  Result<Page<Alert>> ListAlerts(TenantScope scope, bool open_only,
                                 const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(live_sql::kAlertColumns);
    q.Where("tenant_id = ?", scope.tenant_id());
    if (open_only) q.Where("ended_at IS NULL");
    return FetchPage<Alert>(conn_, q, "id", true, page, live_sql::ReadAlert,
                            [](const Alert& a) { return a.id; });
  }

 private:
  Conn& conn_;
};

}  // namespace callboard
