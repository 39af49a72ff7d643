// Routes: queue and agent reports (JSON or CSV), queues with their KPI settings, and the
// call log.

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>

#include "api/api.h"
#include "api/json_body.h"
#include "api/responses.h"
#include "kpi/auto_fcr.h"
#include "kpi/call_log.h"
#include "kpi/queue_service.h"
#include "kpi/report_json.h"
#include "kpi/report_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

std::optional<int64_t> PositiveId(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

// Every `queue_id` parameter, each a single id or a comma-separated list.
Result<std::optional<std::vector<int64_t>>> ReadQueueIds(const HttpRequest& req) {
  std::optional<std::vector<int64_t>> ids;
  for (const auto& [name, value] : req.query) {
    if (name != "queue_id") continue;
    if (!ids) ids.emplace();
    std::string_view rest = value;
    while (true) {
      const size_t comma = rest.find(',');
      const std::string_view part = rest.substr(0, comma);
      auto id = PositiveId(part);
      if (!id) {
        return Status::Invalid(
            {{"queue_id", "invalid", "must be queue ids, repeated or comma-separated"}});
      }
      ids->push_back(*id);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return ids;
}

Result<ReportRequest> ReadReportRequest(const HttpRequest& req) {
  ReportRequest r;
  std::vector<FieldError> errors;
  if (auto tz = req.Query("tz"); tz && !tz->empty()) r.tz = std::string(*tz);
  const bool tz_known = LocateTimeZone(r.tz).has_value();
  if (!tz_known) {
    errors.push_back({"tz", "invalid", "must be an IANA time zone such as Europe/Berlin"});
  }
  for (const char* name : {"from", "to"}) {
    TimePoint& out = std::string_view(name) == "from" ? r.from : r.to;
    auto raw = req.Query(name);
    if (!raw || raw->empty()) {
      errors.push_back({name, "required", "is required (RFC 3339 time or YYYY-MM-DD)"});
      continue;
    }
    if (!tz_known) continue;  // a date needs the zone
    auto t = ParseReportTime(*raw, r.tz, name);
    if (!t) {
      for (const FieldError& e : t.error().field_errors()) errors.push_back(e);
      continue;
    }
    out = *t;
  }
  if (auto interval = req.Query("interval"); interval && !interval->empty()) {
    if (auto parsed = ParseReportInterval(*interval)) {
      r.interval = *parsed;
    } else {
      errors.push_back({"interval", "invalid", "must be 15m, 30m, 1h, day, week, month or total"});
    }
  }
  auto queues = ReadQueueIds(req);
  if (!queues) {
    for (const FieldError& e : queues.error().field_errors()) errors.push_back(e);
  } else {
    r.queue_ids = std::move(*queues);
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return r;
}

// CSV when ?format=csv, or when no format is given and the Accept header asks for text/csv.
Result<bool> WantsCsv(const HttpRequest& req) {
  if (auto f = req.Query("format"); f && !f->empty()) {
    if (*f == "csv") return true;
    if (*f == "json") return false;
    return Status::Invalid({{"format", "invalid", "must be json or csv"}});
  }
  auto accept = req.Header("accept");
  return accept && accept->find("text/csv") != std::string_view::npos;
}

std::vector<ParamDoc> ReportParams() {
  return {
      {"from", "query", "string", true, "start: RFC 3339, or YYYY-MM-DD = local midnight in tz"},
      {"to", "query", "string", true, "end (exclusive): RFC 3339, or YYYY-MM-DD in tz"},
      {"tz", "query", "string", false, "IANA time zone of the intervals (default UTC)"},
      {"interval", "query", "string", false, "15m, 30m, 1h, day, week, month or total (default)"},
      {"queue_id", "query", "integer", false, "only these queues; repeat or comma-separate"},
      {"format", "query", "string", false, "json (default) or csv; Accept: text/csv also works"}};
}

HttpResponse ReportResponse(ApiDeps& deps, RequestContext& ctx, bool agents) {
  const HttpRequest& req = ctx.request;
  auto request = ReadReportRequest(req);
  auto csv = WantsCsv(req);
  if (!request || !csv) {  // one answer naming every bad parameter
    std::vector<FieldError> errors;
    if (!request) errors = request.error().field_errors();
    if (!csv) errors.push_back(csv.error().field_errors().front());
    return ErrorResponse(Status::Invalid(std::move(errors)), req.request_id);
  }
  const Principal& p = *ctx.principal;
  auto report = agents ? deps.reports.Agents(p, *request) : deps.reports.Queues(p, *request);
  if (!report) return ErrorResponse(report.error(), req.request_id);
  const char* kind = agents ? "agents" : "queues";
  HttpResponse r;
  if (!*csv) {
    r.body = ReportJsonText(*report, agents);
    return r;
  }
  // An export is a sensitive read (DESIGN §6): audited before it leaves.
  boost::json::array queue_ids;
  if (request->queue_ids) {
    for (int64_t id : *request->queue_ids) queue_ids.push_back(id);
  }
  const boost::json::object what{{"report", kind},
                                 {"format", "csv"},
                                 {"from", FormatRfc3339(request->from)},
                                 {"to", FormatRfc3339(request->to)},
                                 {"tz", request->tz},
                                 {"interval", ReportIntervalName(request->interval)},
                                 {"queue_ids", std::move(queue_ids)},
                                 {"rows", report->rows.size()}};
  Status audited = deps.db.Write([&](Transaction& tx) {
    return deps.audit.Record(tx, p.tenant(), ctx.audit,
                             {.action = "report.export",
                              .object_type = "report",
                              .after_json = boost::json::serialize(what)});
  });
  if (!audited.ok()) return ErrorResponse(audited, req.request_id);
  r.content_type = "text/csv; charset=utf-8";
  r.body = ReportCsv(*report, agents);
  r.SetHeader("Content-Disposition",
              std::string("attachment; filename=\"") + kind + "-report.csv\"");
  return r;
}

// ---- Calls ----

constexpr size_t kMaxExportCalls = 100000;
// The columns of GET /api/v1/calls.csv: fields of the call JSON.
constexpr const char* kCallCsvColumns[] = {
    "id",         "started_at", "answered_at",    "ended_at",       "direction",   "queue",
    "agent",      "caller",     "callee",         "wait_s",         "talk_s",      "hold_s",
    "acw_s",      "outcome",    "transfer_count", "transferred_to", "disposition", "fcr",
    "fcr_source", "csat"};

boost::json::value Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

boost::json::value OptionalTime(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return boost::json::value(FormatRfc3339(*t));
}

boost::json::value OptionalId(const std::optional<int64_t>& id) {
  if (!id) return nullptr;
  return *id;
}

boost::json::value OptionalText(const std::string& s) {
  if (s.empty()) return nullptr;
  return boost::json::value(s);
}

boost::json::array RingAttemptsJson(const CallRecord& c) {
  boost::json::array out;
  for (const RingAttempt& a : c.ring_attempts) {
    out.push_back({{"agent", a.agent}, {"ring_ms", a.ring_ms}, {"at", FormatRfc3339(a.at)}});
  }
  return out;
}

// Where the call's fcr comes from: "given" by the source, "automatic" (decided), "pending"
// (automatic, window still open; fcr null), or null when it has none.
boost::json::value FcrSource(const StoredCall& sc) {
  if (sc.call.fcr) return "given";
  if (sc.fcr_auto == FcrAuto::kPending) return "pending";
  if (sc.fcr_auto == FcrAuto::kYes || sc.fcr_auto == FcrAuto::kNo) return "automatic";
  return nullptr;
}

boost::json::object CallJson(const StoredCall& sc) {
  const CallRecord& c = sc.call;
  const std::optional<bool> fcr = EffectiveFcr(sc);
  return {{"id", sc.id},
          {"source_id", sc.source_id},
          {"pbx_call_id", c.pbx_call_id},
          {"direction", CallDirectionName(c.direction)},
          {"queue_id", OptionalId(sc.queue_id)},
          {"queue", OptionalText(c.queue)},
          {"agent_id", OptionalId(sc.agent_id)},
          {"agent", OptionalText(c.agent)},
          {"caller", c.caller},
          {"callee", c.callee},
          {"started_at", FormatRfc3339(c.started_at)},
          {"answered_at", OptionalTime(c.answered_at)},
          {"ended_at", FormatRfc3339(c.ended_at)},
          {"wait_s", Seconds(c.wait_ms)},
          {"talk_s", Seconds(c.talk_ms)},
          {"hold_s", Seconds(c.hold_ms)},
          {"acw_s", Seconds(c.acw_ms)},
          {"outcome", CallOutcomeName(c.outcome)},
          {"transfer_count", c.transfer_count},
          {"transferred_to", OptionalText(c.transferred_to)},
          {"disposition", OptionalText(c.disposition)},
          {"call_type", OptionalText(c.call_type)},
          {"fcr", fcr ? boost::json::value(*fcr) : nullptr},
          {"fcr_source", FcrSource(sc)},
          {"csat", c.csat ? boost::json::value(*c.csat) : nullptr},
          {"recording", OptionalText(c.recording)},
          {"ring_no_answer", RingAttemptsJson(c)}};
}

// The call's timeline as far as the call record tells it. Raw PBX events per call are
// stored by a later issue; until then the timeline is derived.
boost::json::array DerivedTimeline(const StoredCall& sc) {
  const CallRecord& c = sc.call;
  boost::json::array events;
  if (!c.queue.empty()) {
    events.push_back({{"at", FormatRfc3339(c.started_at)},
                      {"event", "entered_queue"},
                      {"queue_id", OptionalId(sc.queue_id)},
                      {"queue", c.queue},
                      {"caller", c.caller}});
  } else {
    events.push_back({{"at", FormatRfc3339(c.started_at)},
                      {"event", "started"},
                      {"caller", c.caller},
                      {"callee", c.callee}});
  }
  for (const RingAttempt& a : c.ring_attempts) {
    events.push_back({{"at", FormatRfc3339(a.at)},
                      {"event", "ring_no_answer"},
                      {"agent", a.agent},
                      {"ring_ms", a.ring_ms}});
  }
  if (c.answered_at) {
    events.push_back({{"at", FormatRfc3339(*c.answered_at)},
                      {"event", "answered"},
                      {"agent_id", OptionalId(sc.agent_id)},
                      {"agent", OptionalText(c.agent)},
                      {"wait_s", Seconds(c.wait_ms)}});
  }
  events.push_back({{"at", FormatRfc3339(c.ended_at)},
                    {"event", "ended"},
                    {"outcome", CallOutcomeName(c.outcome)},
                    {"transfer_count", c.transfer_count},
                    {"transferred_to", OptionalText(c.transferred_to)}});
  return events;
}

// The call log is performance data: own, team or all (DESIGN §1).
Status CheckMayReadCalls(const Principal& p) {
  if (Can(p, Permission::kViewOwnPerformance) || Can(p, Permission::kViewTeamPerformance) ||
      Can(p, Permission::kViewAllPerformance)) {
    return Status::Ok();
  }
  return Status::Denied(
      "requires the view_own_performance, view_team_performance or view_all_performance "
      "permission");
}

Result<CallFilter> ReadCallFilter(const HttpRequest& req) {
  CallFilter f;
  std::vector<FieldError> errors;
  for (const char* name : {"from", "to"}) {
    auto raw = req.Query(name);
    if (!raw || raw->empty()) continue;
    auto t = ParseReportTime(*raw, "UTC", name);
    if (!t) {
      for (const FieldError& e : t.error().field_errors()) errors.push_back(e);
      continue;
    }
    (std::string_view(name) == "from" ? f.from : f.to) = *t;
  }
  for (const char* name : {"queue_id", "agent_id", "min_wait_s"}) {
    auto v = QueryInt(req, name);
    if (!v) {
      for (const FieldError& e : v.error().field_errors()) errors.push_back(e);
      continue;
    }
    if (!*v) continue;
    const std::string_view n = name;
    if (n == "queue_id") f.queue_id = **v;
    if (n == "agent_id") f.agent_ids = std::vector<int64_t>{**v};
    if (n == "min_wait_s") f.min_wait_ms = **v * 1000;
  }
  if (auto d = req.Query("direction"); d && !d->empty()) {
    if (auto parsed = ParseCallDirection(*d)) {
      f.direction = *parsed;
    } else {
      errors.push_back({"direction", "invalid", "must be inbound, outbound or internal"});
    }
  }
  if (auto o = req.Query("outcome"); o && !o->empty()) {
    if (auto parsed = ParseCallOutcome(*o)) {
      f.outcome = *parsed;
    } else {
      errors.push_back({"outcome", "invalid",
                        "must be answered, abandoned, timeout, exit_key, exit_empty, voicemail, "
                        "missed or failed"});
    }
  }
  if (auto c = req.Query("caller"); c && !c->empty()) {
    if (c->size() > 64) {
      errors.push_back({"caller", "too_long", "at most 64 characters"});
    } else {
      f.caller = std::string(*c);
    }
  }
  if (auto h = req.Query("has_recording"); h && !h->empty()) {
    if (*h == "true" || *h == "false") {
      f.has_recording = *h == "true";
    } else {
      errors.push_back({"has_recording", "invalid", "must be true or false"});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return f;
}

}  // namespace

void AddKpiRoutes(Router& router, ApiDeps& deps, QueueService& queues, CallLog& calls) {
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/ingest/diagnostics",
      .summary = "Data-quality findings of the ingest pipeline (DESIGN 3.4a): counts per source "
                 "and kind, and the findings themselves newest first (CONNECT without "
                 "ENTERQUEUE, calls without a terminal event, duplicated events, negative or "
                 "absurd durations, out-of-order lines).",
      .permission = Permission::kManageSources,
      .params = {{"limit", "query", "integer", false, "page size, 1..500 (default 100)"},
                 {"cursor", "query", "string", false, "next_cursor of the previous page"},
                 {"source_id", "query", "integer", false, "only this source"}},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto page = ReadPage(req);
            if (!page) return ErrorResponse(page.error(), req.request_id);
            auto source_id = QueryInt(req, "source_id");
            if (!source_id) return ErrorResponse(source_id.error(), req.request_id);
            const TenantScope scope = ctx.principal->tenant();
            std::optional<Page<StoredDiagnostic>> findings;
            std::vector<DiagnosticCount> counts;
            std::map<int64_t, std::string> names;
            Status s = deps.db.Read([&](Transaction& tx) -> Status {
              auto sources = tx.Kpi().ListSources(scope);
              if (!sources) return sources.error();
              for (const IngestSource& src : *sources) names[src.id] = src.name;
              auto c = tx.Kpi().CountDiagnostics(scope);
              if (!c) return c.error();
              counts = std::move(*c);
              auto f = tx.Kpi().ListDiagnostics(scope, *source_id, *page);
              if (!f) return f.error();
              findings = std::move(*f);
              return Status::Ok();
            });
            if (!s.ok()) return ErrorResponse(s, req.request_id);
            boost::json::array by_source;
            for (const DiagnosticCount& c : counts) {
              if (*source_id && c.source_id != **source_id) continue;
              by_source.push_back(boost::json::object{{"source_id", c.source_id},
                                                      {"source", names[c.source_id]},
                                                      {"kind", c.kind},
                                                      {"count", c.count}});
            }
            boost::json::object out = PageJson(*findings, [&](const StoredDiagnostic& d) {
              return boost::json::object{
                  {"id", d.id},         {"source_id", d.source_id}, {"source", names[d.source_id]},
                  {"stream", d.stream}, {"kind", d.kind},           {"call_id", d.call_id},
                  {"line", d.line},     {"detail", d.detail},       {"at", FormatRfc3339(d.at)}};
            });
            out["counts"] = std::move(by_source);
            return JsonResponse(200, out);
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/reports/queues",
      .summary = "Queue report from the interval aggregates: one row per queue and interval with "
                 "every KPI and the four service-level variants. JSON {definition, rows}, or CSV "
                 "(an audited export) with ?format=csv or Accept: text/csv.",
      .permission = Permission::kGenerateReports,
      .params = ReportParams(),
      .handler = [&deps](RequestContext& ctx) { return ReportResponse(deps, ctx, false); },
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/reports/agents",
      .summary = "Agent report: one row per agent within the caller's scope and interval, "
                 "summed over the selected queues. JSON {definition, rows}, or CSV (an audited "
                 "export) with ?format=csv or Accept: text/csv.",
      .permission = Permission::kGenerateReports,
      .params = ReportParams(),
      .handler = [&deps](RequestContext& ctx) { return ReportResponse(deps, ctx, true); },
  });

  router.Add({
      .method = "GET",
      .pattern = "/api/v1/queues",
      .summary = "The tenant's queues with their KPI settings, by id; one page holds them all.",
      .permission = Permission::kReadOrg,
      .handler =
          [&queues](RequestContext& ctx) {
            auto list = queues.List(*ctx.principal);
            if (!list) return ErrorResponse(list.error(), ctx.request.request_id);
            return JsonResponse(200,
                                PageJson(Page<QueueConfig>{.items = std::move(*list)}, QueueJson));
          },
  });
  const ParamDoc queue_id{"id", "path", "integer", true, "queue id"};
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/queues/{id}",
      .summary = "One queue with its KPI settings and settings_version.",
      .permission = Permission::kReadOrg,
      .params = {queue_id},
      .handler =
          [&queues](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto q = queues.Get(*ctx.principal, *id);
            if (!q) return ErrorResponse(q.error(), req.request_id);
            return JsonResponse(200, QueueJson(*q));
          },
  });
  router.Add({
      .method = "PATCH",
      .pattern = "/api/v1/queues/{id}",
      .summary = "Change a queue's KPI settings: a new settings version, audited with before and "
                 "after. Absent fields keep their values.",
      .permission = Permission::kConfigureMetrics,
      .params = {queue_id},
      .body = {{"sl_threshold_s", "integer", false,
                "service-level threshold T: 5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300 "
                "or 600"},
               {"short_abandon_s", "integer", false,
                "abandons under this many seconds are short (0..sl_threshold_s); applies to calls "
                "counted afterwards"},
               {"sl_formula", "string", false,
                "abandons_count, abandons_ignored, late_abandons_count or abandons_in_sl_success"},
               {"target_sl", "number", false, "service-level target 0..1, or null"}},
      .handler =
          [&queues](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            // An unknown id answers 404 whatever the body holds.
            auto current = queues.Get(*ctx.principal, *id);
            if (!current) return ErrorResponse(current.error(), req.request_id);
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            QueueSettingsPatch patch;
            if (auto v = body->Int("sl_threshold_s", kOptional)) {
              patch.sl_threshold_s = static_cast<int>(std::clamp<int64_t>(*v, -1, 86400));
            }
            if (auto v = body->Int("short_abandon_s", kOptional)) {
              patch.short_abandon_s = static_cast<int>(std::clamp<int64_t>(*v, -1, 86400));
            }
            if (auto v = body->String("sl_formula", kOptional, 64)) {
              if (auto f = ParseSlFormula(*v)) {
                patch.sl_formula = *f;
              } else {
                body->AddError("sl_formula", "invalid",
                               "must be abandons_count, abandons_ignored, late_abandons_count or "
                               "abandons_in_sl_success");
              }
            }
            if (auto v = body->NullableNumber("target_sl")) patch.target_sl = *v;
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            auto q = queues.Update(*ctx.principal, *id, patch, ctx.audit);
            if (!q) return ErrorResponse(q.error(), req.request_id);
            return JsonResponse(200, QueueJson(*q));
          },
  });

  const std::vector<ParamDoc> filter_params = {
      {"from", "query", "string", false, "started at or after (RFC 3339 or date, UTC)"},
      {"to", "query", "string", false, "started before (RFC 3339 or date, UTC)"},
      {"queue_id", "query", "integer", false, "only this queue"},
      {"agent_id", "query", "integer", false, "only calls this agent answered"},
      {"direction", "query", "string", false, "inbound, outbound or internal"},
      {"outcome", "query", "string", false,
       "answered, abandoned, timeout, exit_key, exit_empty, voicemail, missed, failed"},
      {"caller", "query", "string", false, "part of the caller's number"},
      {"min_wait_s", "query", "integer", false, "waited at least this many seconds"},
      {"has_recording", "query", "boolean", false,
       "true: only calls with a recording; false: only calls without"}};
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/calls",
      .summary = "The call log, newest first, by keyset pages. Needs view_own_performance, "
                 "view_team_performance or view_all_performance; scoped: an agent sees its own "
                 "calls, a supervisor or QA those of the agents in its teams, a manager or "
                 "administrator every call.",
      .access = Access::kAuthenticated,
      .params =
          [&] {
            std::vector<ParamDoc> params = {
                {"limit", "query", "integer", false, "page size, 1..500 (default 100)"},
                {"cursor", "query", "string", false, "next_cursor of the previous page"}};
            for (const ParamDoc& d : filter_params) params.push_back(d);
            return params;
          }(),
      .handler =
          [&calls](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (Status s = CheckMayReadCalls(*ctx.principal); !s.ok())
              return ErrorResponse(s, req.request_id);
            auto page = ReadPage(req);
            if (!page) return ErrorResponse(page.error(), req.request_id);
            auto filter = ReadCallFilter(req);
            if (!filter) return ErrorResponse(filter.error(), req.request_id);
            auto r = calls.List(*ctx.principal, std::move(*filter), *page);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            return JsonResponse(200, PageJson(*r, CallJson));
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/calls.csv",
      .summary = "The call log as CSV (RFC 4180, CRLF lines): every call of the filters in the "
                 "caller's scope, newest first, at most 100,000 (400 naming \"filters\" when "
                 "more match). Needs export_data; audited as calls.export.",
      .permission = Permission::kExportData,
      .params = filter_params,
      .handler =
          [&calls](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto filter = ReadCallFilter(req);
            if (!filter) return ErrorResponse(filter.error(), req.request_id);
            std::string described;
            for (const auto& [k, v] : req.query) {
              described += (described.empty() ? "" : "&") + k + "=" + v;
            }
            auto rows =
                calls.Export(*ctx.principal, *filter, kMaxExportCalls, described, ctx.audit);
            if (!rows) return ErrorResponse(rows.error(), req.request_id);
            HttpResponse r;
            r.content_type = "text/csv; charset=utf-8";
            for (size_t i = 0; i < std::size(kCallCsvColumns); ++i) {
              r.body += (i ? "," : "") + std::string(kCallCsvColumns[i]);
            }
            r.body += "\r\n";
            for (const StoredCall& c : *rows) {
              const boost::json::object o = CallJson(c);
              for (size_t i = 0; i < std::size(kCallCsvColumns); ++i) {
                r.body += (i ? "," : "") + CsvField(o.at(kCallCsvColumns[i]));
              }
              r.body += "\r\n";
            }
            r.SetHeader("Content-Disposition", "attachment; filename=\"calls.csv\"");
            return r;
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/calls/{id}",
      .summary = "One call (404 when outside the caller's scope) with its timeline. For now the "
                 "timeline is derived from the call record (entered queue, unanswered rings, "
                 "answered, ended); the raw PBX events arrive with a later issue.",
      .access = Access::kAuthenticated,
      .params = {{"id", "path", "integer", true, "call id"}},
      .handler =
          [&calls](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (Status s = CheckMayReadCalls(*ctx.principal); !s.ok())
              return ErrorResponse(s, req.request_id);
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto call = calls.Get(*ctx.principal, *id);
            if (!call) return ErrorResponse(call.error(), req.request_id);
            boost::json::object out = CallJson(*call);
            out["timeline_source"] = "call_record";
            out["timeline"] = DerivedTimeline(*call);
            return JsonResponse(200, out);
          },
  });
}

}  // namespace callboard
