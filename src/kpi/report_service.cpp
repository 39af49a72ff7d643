#include "kpi/report_service.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

bool Wanted(const ReportRequest& r, int64_t queue_id) {
  return !r.queue_ids ||
         std::find(r.queue_ids->begin(), r.queue_ids->end(), queue_id) != r.queue_ids->end();
}

// The aggregate rows a report reads: its buckets [BucketStart(from), to) as the largest
// stored units that lie inside its intervals (aggregate_unit.h) — the local days and months
// of the report's zone too when the store keeps them for the tenant.
Result<std::vector<UnitRange>> Plan(Transaction& tx, TenantScope tenant, const ReportRequest& r,
                                    const std::vector<TimePoint>& starts) {
  auto zones = tx.Kpi().ListRollupZones(tenant);
  if (!zones) return zones.error();
  const bool local = std::find(zones->begin(), zones->end(), r.tz) != zones->end();
  std::vector<UnitRange> plan =
      PlanUnitRanges(BucketStart(r.from), r.to, starts, local ? r.tz : std::string_view());
  MarkSummable(plan, starts);
  return plan;
}

}  // namespace

Status ValidateReportRequest(const ReportRequest& request) {
  std::vector<FieldError> errors;
  if (request.to <= request.from) errors.push_back({"to", "invalid", "must be after from"});
  if (!LocateTimeZone(request.tz)) {
    errors.push_back({"tz", "invalid", "must be an IANA time zone such as Europe/Berlin"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return Status::Ok();
}

Result<TimePoint> ParseReportTime(std::string_view text, std::string_view tz,
                                  std::string_view field) {
  if (auto t = ParseRfc3339(text)) return *t;
  // Parsed by hand: date::parse trips GCC 12's -Wmaybe-uninitialized in release builds.
  int y = 0;
  unsigned m = 0, d = 0;
  int consumed = 0;
  const std::string date_text(text.substr(0, 16));
  const date::year_month_day ymd =
      std::sscanf(date_text.c_str(), "%4d-%2u-%2u%n", &y, &m, &d, &consumed) == 3 &&
              text.size() == 10 && consumed == 10
          ? date::year{y} / date::month{m} / date::day{d}
          : date::year_month_day{};
  if (ymd.ok()) {
    const date::local_days day{ymd};
    auto zone = LocateTimeZone(tz);
    if (!zone) return zone.error();
    return TimePoint(date::zoned_time<std::chrono::milliseconds>(*zone, day, date::choose::earliest)
                         .get_sys_time());
  }
  return Status::Invalid({{std::string(field), "invalid",
                           "must be an RFC 3339 time or a date (YYYY-MM-DD), got '" +
                               std::string(text.substr(0, 64)) + "'"}});
}

ReportService::ReportService(Database& db, OrgService& org) : db_(db), org_(org) {}

Result<Report> ReportService::Queues(const Principal& p, const ReportRequest& request) {
  CB_RETURN_IF_ERROR(ValidateReportRequest(request));
  auto starts = IntervalStarts(request.from, request.to, request.interval, request.tz);
  if (!starts) return starts.error();
  Report report;
  report.request = request;
  // Sum counters per queue and interval as the rows stream by, then compute each row's KPIs
  // from the sums.
  std::map<int64_t, std::vector<IntervalCounters>> sums;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto queues = tx.Kpi().ListQueues(p.tenant());
    if (!queues) return queues.error();
    for (const QueueConfig& q : *queues) {
      if (!Wanted(request, q.id)) continue;
      report.queues.push_back(q);
      sums[q.id].resize(starts->size());
    }
    auto plan = Plan(tx, p.tenant(), request, *starts);
    if (!plan) return plan.error();
    return tx.Kpi().ScanAggregates(p.tenant(), *plan, false, [&](const AggregateRow& row) {
      auto it = sums.find(row.queue_id);
      if (it != sums.end()) {
        Add(it->second[IntervalIndexOf(*starts, row.bucket)], row.counters);
      }
      return Status::Ok();
    });
  }));
  std::sort(report.queues.begin(), report.queues.end(),
            [](const QueueConfig& a, const QueueConfig& b) { return a.name < b.name; });
  for (const QueueConfig& q : report.queues) {
    const auto& per_interval = sums[q.id];
    for (size_t i = 0; i < starts->size(); ++i) {
      report.rows.push_back(
          {q.id, 0, q.name, (*starts)[i], ComputeKpis(per_interval[i], q.settings)});
    }
  }
  return report;
}

Result<Report> ReportService::Agents(const Principal& p, const ReportRequest& request) {
  CB_RETURN_IF_ERROR(ValidateReportRequest(request));
  auto starts = IntervalStarts(request.from, request.to, request.interval, request.tz);
  if (!starts) return starts.error();
  Report report;
  report.request = request;
  std::map<int64_t, std::string> names;  // visible agents
  std::set<int64_t> selected;            // queues
  struct Sums {
    std::vector<IntervalCounters> counters;
    std::vector<AgentStateSeconds> states;
    bool active = false;
  };
  std::map<int64_t, Sums> sums;
  auto sums_of = [&](int64_t agent) -> Sums* {
    if (!names.contains(agent)) return nullptr;
    Sums& s = sums[agent];
    if (s.counters.empty()) {
      s.counters.resize(starts->size());
      s.states.resize(starts->size());
    }
    return &s;
  };
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto queues = tx.Kpi().ListQueues(p.tenant());
    if (!queues) return queues.error();
    for (const QueueConfig& q : *queues) {
      if (Wanted(request, q.id)) report.queues.push_back(q);
    }
    auto visible = org_.VisibleTeams(tx, p);
    if (!visible) return visible.error();
    OrgFilter filter;
    filter.team_ids = *visible;
    PageRequest page{.limit = kMaxPageLimit};
    for (;;) {
      auto agents = tx.Org().ListAgents(p.tenant(), filter, page);
      if (!agents) return agents.error();
      for (const Agent& a : agents->items) names[a.id] = a.name;
      if (!agents->next_after) break;
      page.after_id = agents->next_after;
    }
    for (const QueueConfig& q : report.queues) selected.insert(q.id);
    auto plan = Plan(tx, p.tenant(), request, *starts);
    if (!plan) return plan.error();
    CB_RETURN_IF_ERROR(
        tx.Kpi().ScanAggregates(p.tenant(), *plan, true, [&](const AggregateRow& row) {
          if (!selected.contains(row.queue_id)) return Status::Ok();
          if (Sums* s = sums_of(row.agent_id)) {
            Add(s->counters[IntervalIndexOf(*starts, row.bucket)], row.counters);
            s->active = true;
          }
          return Status::Ok();
        }));
    return tx.Kpi().ScanAgentStates(p.tenant(), *plan, [&](const AgentStateRow& row) {
      if (Sums* s = sums_of(row.agent_id)) {
        Add(s->states[IntervalIndexOf(*starts, row.bucket)], row.seconds);
        s->active = true;
      }
      return Status::Ok();
    });
  }));
  // With one queue selected its settings apply; otherwise the defaults.
  if (report.queues.size() == 1) report.agent_settings = report.queues.front().settings;
  std::vector<std::pair<std::string, int64_t>> order;
  for (const auto& [id, s] : sums) {
    if (s.active) order.emplace_back(names[id], id);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [name, id] : order) {
    const Sums& s = sums[id];
    for (size_t i = 0; i < starts->size(); ++i) {
      report.rows.push_back({0, id, name, (*starts)[i],
                             ComputeKpis(s.counters[i], report.agent_settings, &s.states[i])});
    }
  }
  return report;
}

}  // namespace callboard
