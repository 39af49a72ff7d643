#pragma once
// ReportService: queue and agent reports over any range from the interval aggregates
// (never raw calls), in the report's time zone and interval, with every KPI of DESIGN
// §3.4 computed from the summed counters and all four service-level variants.
//
// Thread-safety: safe from any thread.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/permission.h"
#include "core/intervals.h"
#include "core/kpi.h"
#include "kpi/kpi_store.h"

namespace callboard {

class Database;
class OrgService;

struct ReportRequest {
  TimePoint from;
  TimePoint to;
  std::string tz = "UTC";
  ReportInterval interval = ReportInterval::kTotal;
  std::optional<std::vector<int64_t>> queue_ids;  // unset: every queue
};

struct ReportRow {
  int64_t queue_id = 0;  // 0 in agent reports
  int64_t agent_id = 0;  // 0 in queue reports
  std::string name;      // the queue's or the agent's name
  TimePoint interval_start;
  Kpis kpis;
};

struct Report {
  ReportRequest request;
  std::vector<QueueConfig> queues;  // the queues reported on, with their settings versions
  QueueSettings agent_settings;     // settings the agent rows were computed with
  std::vector<ReportRow> rows;      // by name, then interval
};

class ReportService {
 public:
  ReportService(Database& db, OrgService& org);

  // One row per queue and interval.
  Result<Report> Queues(const Principal& principal, const ReportRequest& request);
  // One row per agent (within the principal's scope) and interval; an agent's counters
  // sum over the selected queues. Agents without activity in the range are left out.
  Result<Report> Agents(const Principal& principal, const ReportRequest& request);

 private:
  Database& db_;
  OrgService& org_;
};

// Checks a request: from < to, known zone; kInvalidArgument naming the field.
Status ValidateReportRequest(const ReportRequest& request);

// A report bound: an RFC 3339 time, or a date (YYYY-MM-DD) meaning local midnight in `tz`.
// kInvalidArgument naming `field` (or "tz" when the zone is unknown) otherwise.
Result<TimePoint> ParseReportTime(std::string_view text, std::string_view tz,
                                  std::string_view field);

}  // namespace callboard
