#pragma once
// The rollup zones of a tenant (migration 0013), written once for both backends as templates
// on the connection type: which zones are registered, (re)building a zone's local rows from
// the stored UTC months, and dropping a zone. The caller holds whatever lock its backend
// needs around a build or a drop (PostgreSQL: the tenant's exclusive zone lock).
//
// Thread-safety: as the connection (one transaction, one thread).

#include <date/tz.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/intervals.h"
#include "core/status.h"
#include "storage/common/local_rollups.h"

namespace callboard {

// The LocalRollupBackend of a rebuild of zone `zone` on `conn`, from the backend's own
// functions: scan(conn, tenant, range, agent_rows, visit), scan_states(conn, tenant, range,
// visit), upsert(conn, tenant, sums, &zone), upsert_states(conn, tenant, sums, &zone).
// REQUIRES: `conn` and `zone` outlive the backend.
template <typename Conn, typename Scan, typename ScanStates, typename Upsert, typename UpsertStates>
LocalRollupBackend LocalRollupSql(Conn& conn, int64_t tenant, const std::string& zone, Scan scan,
                                  ScanStates scan_states, Upsert upsert,
                                  UpsertStates upsert_states) {
  LocalRollupBackend b;
  b.scan_aggregates = [&conn, tenant, scan](
                          const std::vector<UnitRange>& ranges, bool agent_rows,
                          const std::function<Status(const AggregateRow&)>& visit) -> Status {
    for (const UnitRange& r : ranges) CB_RETURN_IF_ERROR(scan(conn, tenant, r, agent_rows, visit));
    return Status::Ok();
  };
  b.scan_states = [&conn, tenant, scan_states](
                      const std::vector<UnitRange>& ranges,
                      const std::function<Status(const AgentStateRow&)>& visit) -> Status {
    for (const UnitRange& r : ranges) CB_RETURN_IF_ERROR(scan_states(conn, tenant, r, visit));
    return Status::Ok();
  };
  b.erase = [&conn, tenant, &zone](TimePoint from, TimePoint to, bool states) -> Status {
    std::vector<const char*> tables = {"local_aggregate_rollups"};
    if (states) {
      tables.insert(tables.end(), {"local_agent_state_rollups", "local_agent_pause_rollups"});
    }
    for (const char* table : tables) {
      auto done = conn.Execute(std::string("DELETE FROM ") + table +
                                   " WHERE tenant_id = ? AND zone = ? AND unit IN (4, 5) AND"
                                   " bucket_start >= ? AND bucket_start < ?",
                               tenant, zone, from, to);
      if (!done) return done.error();
    }
    return Status::Ok();
  };
  b.upsert_aggregates = [&conn, tenant, &zone, upsert](const LocalRollupSums& sums) {
    return upsert(conn, tenant, sums, &zone);
  };
  b.upsert_states = [&conn, tenant, &zone, upsert_states](const LocalStateSums& sums) {
    return upsert_states(conn, tenant, sums, &zone);
  };
  return b;
}

template <typename Conn>
Result<std::vector<std::string>> RegisteredRollupZones(Conn& conn, int64_t tenant) {
  auto stmt = conn.Prepare("SELECT zone FROM rollup_zones WHERE tenant_id = ? ORDER BY zone");
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(stmt->Text(0));
  }
}

// The time zones of the tenant's sites that are not in `registered` and have local rollups
// (RollupZone: not UTC, known to the tz database): the zones a write registers and builds.
template <typename Conn>
Result<std::vector<std::string>> UnregisteredSiteZones(Conn& conn, int64_t tenant,
                                                       const std::vector<std::string>& registered) {
  auto stmt = conn.Prepare(
      "SELECT DISTINCT time_zone FROM sites WHERE tenant_id = ? AND deleted_at IS NULL");
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return out;
    std::string name = stmt->Text(0);
    if (std::find(registered.begin(), registered.end(), name) == registered.end() &&
        RollupZone(name)) {
      out.push_back(std::move(name));
    }
  }
}

// Each registered zone name with its zone, for the writes that keep their local rows.
inline Result<std::vector<std::pair<std::string, const date::time_zone*>>> ZonesOfNames(
    const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, const date::time_zone*>> out;
  for (const std::string& name : names) {
    auto zone = RollupZone(name);
    if (!zone) return zone.error();
    out.emplace_back(name, *zone);
  }
  return out;
}

// Deletes every local row of zone `name` (aggregates, agent states, pauses).
template <typename Conn>
Status DeleteLocalZoneRows(Conn& conn, int64_t tenant, const std::string& name) {
  for (const char* table :
       {"local_aggregate_rollups", "local_agent_state_rollups", "local_agent_pause_rollups"}) {
    auto done = conn.Execute(
        std::string("DELETE FROM ") + table + " WHERE tenant_id = ? AND zone = ?", tenant, name);
    if (!done) return done.error();
  }
  return Status::Ok();
}

// Deletes every local row of zone `name`, builds them again with `backend` over the months
// that hold stored UTC rollups, and registers the zone.
template <typename Conn>
Status BuildRollupZone(Conn& conn, int64_t tenant, const std::string& name,
                       const date::time_zone* zone, const LocalRollupBackend& backend) {
  CB_RETURN_IF_ERROR(DeleteLocalZoneRows(conn, tenant, name));
  std::optional<int64_t> first;
  std::optional<int64_t> last;
  {
    auto range = conn.Prepare(
        "SELECT min(bucket_start), max(bucket_start) FROM (SELECT bucket_start FROM"
        " aggregate_rollups WHERE tenant_id = ? AND unit = 3 UNION ALL SELECT bucket_start FROM"
        " agent_state_rollups WHERE tenant_id = ? AND unit = 3) AS m");
    if (!range) return range.error();
    range->Bind(tenant, tenant);
    auto row = range->Step();
    if (!row) return row.error();
    if (*row) {
      first = range->OptInt(0);
      last = range->OptInt(1);
    }
  }
  if (first && last) {
    CB_RETURN_IF_ERROR(RebuildLocalRollups(
        zone, FromUnixMillis(*first), NextUnitStart(AggregateUnit::kMonth, FromUnixMillis(*last)),
        true, backend));
  }
  auto registered = conn.Execute(
      "INSERT INTO rollup_zones (tenant_id, zone) VALUES (?, ?) ON CONFLICT DO NOTHING", tenant,
      name);
  if (!registered) return registered.error();
  return Status::Ok();
}

// Forgets zone `name` and deletes its rows; kNotFound when it was not registered.
template <typename Conn>
Status DropRollupZoneRows(Conn& conn, int64_t tenant, const std::string& name) {
  auto dropped =
      conn.Execute("DELETE FROM rollup_zones WHERE tenant_id = ? AND zone = ?", tenant, name);
  if (!dropped) return dropped.error();
  if (*dropped == 0) {
    return Status::NotFound("no local rollups kept for zone '" + name.substr(0, 64) + "'");
  }
  return DeleteLocalZoneRows(conn, tenant, name);
}

}  // namespace callboard
