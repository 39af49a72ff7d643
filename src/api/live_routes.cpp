// Routes: live operations — the live snapshot, agent status (own and override), monitoring,
// queue membership (agent allocation), pause reasons, alert rules and alerts. The WebSocket at
// /api/v1/live/ws is in live_socket.cpp.

#include <algorithm>
#include <boost/json.hpp>
#include <functional>

#include "api/api.h"
#include "api/json_body.h"
#include "api/responses.h"
#include "live/live_service.h"

namespace callboard {

namespace {

HttpResponse TextJson(std::string body) {
  HttpResponse res;
  res.body = std::move(body);
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

// A pause reason from a JSON body: every field for create, the given ones for update.
Result<PauseReason> ReadReason(std::string_view text, PauseReason base, bool create) {
  auto body = JsonBody::Parse(text);
  if (!body) return body.error();
  if (auto v = body->String("name", create, 64)) base.name = *v;
  if (auto v = body->String("colour", false, 7)) base.colour = *v;
  if (auto v = body->Bool("productive", false)) base.productive = *v;
  if (auto v = body->NullableInt("max_minutes")) {
    base.max_minutes = *v ? std::optional<int>(static_cast<int>(**v)) : std::nullopt;
  }
  CB_RETURN_IF_ERROR(body->Finish());
  return base;
}

// `fn` with the live service; 503 while live operations are not running.
Handler WhenLive(LiveService* live, std::function<HttpResponse(RequestContext&, LiveService&)> fn) {
  return [live, fn = std::move(fn)](RequestContext& ctx) {
    if (live == nullptr) {
      return ErrorResponse(Status::Unavailable("live operations are not running"),
                           ctx.request.request_id);
    }
    return fn(ctx, *live);
  };
}

}  // namespace

void AddLiveRoutes(Router& router, ApiDeps& deps) {
  LiveService* live = deps.live;
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/live",
      .summary = "The live floor as the caller may see it: agents (state, reason, since, current "
                 "call, today), queues (waiting callers, longest wait, agents by state, today's "
                 "and this interval's KPIs) and open alerts, with the sequence number the "
                 "WebSocket /api/v1/live/ws continues from. An agent sees their own state and "
                 "queue totals; a supervisor their teams; a manager or administrator everyone.",
      .permission = Permission::kViewOwnPerformance,
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            auto snapshot = live.Snapshot(*ctx.principal);
                            if (!snapshot)
                              return ErrorResponse(snapshot.error(), ctx.request.request_id);
                            return TextJson(std::move(*snapshot));
                          }),
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/live/ws",
      .summary = "WebSocket (upgrade only): the live snapshot, then {\"type\":\"deltas\",\"seq\":N,"
                 "\"items\":[…]} as things change. Authenticated by the session cookie, a bearer "
                 "header, or a first message {\"type\":\"auth\",\"token\":\"…\"}; ?after=SEQ "
                 "resumes. A plain GET answers 426.",
      .permission = Permission::kViewOwnPerformance,
      .params = {{"after", "query", "integer", false, "resume after this sequence number"}},
      .handler =
          [](RequestContext& ctx) {
            HttpResponse r = ErrorResponse(
                Status(StatusCode::kFailedPrecondition, "this endpoint speaks WebSocket only"),
                ctx.request.request_id);
            r.status = 426;
            r.SetHeader("Upgrade", "websocket");
            return r;
          },
  });
  router.Add({
      .method = "PUT",
      .pattern = "/api/v1/agents/{id}/status",
      .summary = "Set an agent's status: the agent's own (set_own_status), or a supervisor's "
                 "override of another agent (override_agent_status, override_reason required, "
                 "audited). Paused needs one of the tenant's pause reasons.",
      .access = Access::kAuthenticated,
      .params = {{"id", "path", "integer", true, "agent id"}},
      .body = {{"state", "string", true, "available, paused or logged_out"},
               {"reason", "string", false, "pause reason name (paused only)"},
               {"override_reason", "string", false, "why; required for another agent"}},
      .success_status = 204,
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto id = PathId(req);
                            if (!id) return ErrorResponse(id.error(), req.request_id);
                            auto body = JsonBody::Parse(req.body);
                            if (!body) return ErrorResponse(body.error(), req.request_id);
                            StatusChange change;
                            auto state = body->String("state", true, 20);
                            if (state) {
                              if (auto s = ParseAgentState(*state)) {
                                change.state = *s;
                              } else {
                                body->AddError("state", "invalid",
                                               "one of available, paused, logged_out");
                              }
                            }
                            if (auto v = body->String("reason", false, 64)) change.reason = *v;
                            if (auto v = body->String("override_reason", false, 500))
                              change.override_reason = *v;
                            if (Status s = body->Finish(); !s.ok())
                              return ErrorResponse(s, req.request_id);
                            Status s = live.SetStatus(*ctx.principal, *id, change, ctx.audit);
                            if (!s.ok()) return ErrorResponse(s, req.request_id);
                            return NoContent();
                          }),
  });
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/agents/{id}/monitor",
      .summary = "Listen to, whisper to or barge into the agent's call: the phone system rings "
                 "the supervisor's extension and joins it to the agent's channel (ChanSpy). "
                 "Audited (agent.monitor). 503 when no asterisk-ami source of the tenant is "
                 "running; 409 with the phone system's message when it refuses.",
      .permission = Permission::kMonitorCalls,
      .params = {{"id", "path", "integer", true, "agent id"}},
      .body = {{"mode", "string", true, "listen, whisper or barge"},
               {"supervisor_extension", "string", true, "the supervisor's phone, e.g. 2001"}},
      .success_status = 204,
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto id = PathId(req);
                            if (!id) return ErrorResponse(id.error(), req.request_id);
                            auto body = JsonBody::Parse(req.body);
                            if (!body) return ErrorResponse(body.error(), req.request_id);
                            MonitorChange change;
                            if (auto mode = body->String("mode", true, 20)) {
                              if (auto m = ParseMonitorMode(*mode)) {
                                change.mode = *m;
                              } else {
                                body->AddError("mode", "invalid", "one of listen, whisper, barge");
                              }
                            }
                            if (auto v = body->String("supervisor_extension", true, 40)) {
                              change.supervisor_extension = *v;
                            }
                            if (Status s = body->Finish(); !s.ok())
                              return ErrorResponse(s, req.request_id);
                            Status s = live.Monitor(*ctx.principal, *id, change, ctx.audit);
                            if (!s.ok()) return ErrorResponse(s, req.request_id);
                            return NoContent();
                          }),
  });
  // Agent allocation: PUT joins the queue, DELETE leaves it.
  const auto membership = [live](bool member) {
    return WhenLive(live, [member](RequestContext& ctx, LiveService& live) {
      const HttpRequest& req = ctx.request;
      auto id = PathId(req);
      if (!id) return ErrorResponse(id.error(), req.request_id);
      auto queue = PathId(req, "queue_id");
      if (!queue) return ErrorResponse(queue.error(), req.request_id);
      QueueMembershipChange change{.member = member};
      if (member && !req.body.empty()) {
        auto body = JsonBody::Parse(req.body);
        if (!body) return ErrorResponse(body.error(), req.request_id);
        if (auto v = body->Int("penalty", false)) change.penalty = static_cast<int>(*v);
        if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
      }
      Status s = live.SetQueueMembership(*ctx.principal, *id, *queue, change, ctx.audit);
      if (!s.ok()) return ErrorResponse(s, req.request_id);
      return NoContent();
    });
  };
  const std::vector<ParamDoc> membership_params = {
      {"id", "path", "integer", true, "agent id"},
      {"queue_id", "path", "integer", true, "queue id (GET /api/v1/queues)"}};
  router.Add({
      .method = "PUT",
      .pattern = "/api/v1/agents/{id}/queues/{queue_id}",
      .summary = "Add the agent to the queue at the phone system (QueueAdd of the agent's first "
                 "PBX identity). Audited (agent.queue_add). 503 when no asterisk-ami source of "
                 "the tenant is running; 409 with the phone system's message when it refuses.",
      .permission = Permission::kOverrideAgentStatus,
      .params = membership_params,
      .body = {{"penalty", "integer", false, "0..1000, default 0 (lower gets calls first)"}},
      .success_status = 204,
      .handler = membership(true),
  });
  router.Add({
      .method = "DELETE",
      .pattern = "/api/v1/agents/{id}/queues/{queue_id}",
      .summary = "Remove the agent from the queue at the phone system (QueueRemove). Audited "
                 "(agent.queue_remove); 503 and 409 as for PUT.",
      .permission = Permission::kOverrideAgentStatus,
      .params = membership_params,
      .success_status = 204,
      .handler = membership(false),
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/pause-reasons",
      .summary = "The tenant's pause reasons (name, colour, productive, max_minutes).",
      .access = Access::kAuthenticated,
      .params = {{"include_inactive", "query", "boolean", false, "deleted ones too"}},
      .handler =
          WhenLive(live,
                   [](RequestContext& ctx, LiveService& live) {
                     const bool inactive = ctx.request.Query("include_inactive") == "true";
                     auto reasons = live.ListPauseReasons(*ctx.principal, inactive);
                     if (!reasons) return ErrorResponse(reasons.error(), ctx.request.request_id);
                     boost::json::array items;
                     for (const PauseReason& r : *reasons) items.push_back(PauseReasonJson(r));
                     return JsonResponse(200, boost::json::object{{"items", std::move(items)}});
                   }),
  });
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/pause-reasons",
      .summary = "Add a pause reason (audited).",
      .permission = Permission::kConfigureMetrics,
      .body = {{"name", "string", true, "1..64 characters, unique among active reasons"},
               {"colour", "string", false, "#rrggbb"},
               {"productive", "boolean", false, "counts as productive time"},
               {"max_minutes", "integer", false, "a longer pause raises an alert; null: none"}},
      .success_status = 201,
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto reason = ReadReason(req.body, PauseReason{}, true);
                            if (!reason) return ErrorResponse(reason.error(), req.request_id);
                            auto created =
                                live.CreatePauseReason(*ctx.principal, *reason, ctx.audit);
                            if (!created) return ErrorResponse(created.error(), req.request_id);
                            return JsonResponse(201, PauseReasonJson(*created));
                          }),
  });
  router.Add({
      .method = "PATCH",
      .pattern = "/api/v1/pause-reasons/{id}",
      .summary = "Change a pause reason (audited).",
      .permission = Permission::kConfigureMetrics,
      .params = {{"id", "path", "integer", true, "pause reason id"}},
      .body = {{"name", "string", false, ""},
               {"colour", "string", false, "#rrggbb"},
               {"productive", "boolean", false, ""},
               {"max_minutes", "integer", false, "null: none"}},
      .handler = WhenLive(
          live,
          [](RequestContext& ctx, LiveService& live) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto all = live.ListPauseReasons(*ctx.principal, false);
            if (!all) return ErrorResponse(all.error(), req.request_id);
            auto it = std::find_if(all->begin(), all->end(),
                                   [&](const PauseReason& r) { return r.id == *id; });
            if (it == all->end()) {
              return ErrorResponse(Status::NotFound("pause reason not found"), req.request_id);
            }
            auto reason = ReadReason(req.body, *it, false);
            if (!reason) return ErrorResponse(reason.error(), req.request_id);
            auto updated = live.UpdatePauseReason(*ctx.principal, *reason, ctx.audit);
            if (!updated) return ErrorResponse(updated.error(), req.request_id);
            return JsonResponse(200, PauseReasonJson(*updated));
          }),
  });
  router.Add({
      .method = "DELETE",
      .pattern = "/api/v1/pause-reasons/{id}",
      .summary = "Retire a pause reason (audited); past pauses keep their reason.",
      .permission = Permission::kConfigureMetrics,
      .params = {{"id", "path", "integer", true, "pause reason id"}},
      .success_status = 204,
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto id = PathId(req);
                            if (!id) return ErrorResponse(id.error(), req.request_id);
                            Status s = live.DeletePauseReason(*ctx.principal, *id, ctx.audit);
                            if (!s.ok()) return ErrorResponse(s, req.request_id);
                            return NoContent();
                          }),
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/alert-rules",
      .summary = "The tenant's alert rules, one per kind (pause_overrun, long_wait, sl_breach, "
                 "long_acw, no_agents).",
      .permission = Permission::kViewWallboard,
      .handler =
          WhenLive(live,
                   [](RequestContext& ctx, LiveService& live) {
                     auto rules = live.ListAlertRules(*ctx.principal);
                     if (!rules) return ErrorResponse(rules.error(), ctx.request.request_id);
                     boost::json::array items;
                     for (const AlertRule& r : *rules) items.push_back(AlertRuleJson(r));
                     return JsonResponse(200, boost::json::object{{"items", std::move(items)}});
                   }),
  });
  router.Add({
      .method = "PUT",
      .pattern = "/api/v1/alert-rules/{kind}",
      .summary = "Set one alert rule (audited).",
      .permission = Permission::kConfigureMetrics,
      .params = {{"kind", "path", "string", true,
                  "pause_overrun, long_wait, sl_breach, long_acw "
                  "or no_agents"}},
      .body = {{"enabled", "boolean", true, ""},
               {"threshold_s", "integer", false, "long_wait, long_acw: seconds"},
               {"severity", "string", false, "info, warning or critical"}},
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto kind = ParseAlertKind(req.PathParam("kind").value_or(""));
                            if (!kind)
                              return ErrorResponse(Status::NotFound("no such alert kind"),
                                                   req.request_id);
                            AlertRule rule;
                            auto rules = live.ListAlertRules(*ctx.principal);
                            if (!rules) return ErrorResponse(rules.error(), req.request_id);
                            for (const AlertRule& r : *rules) {
                              if (r.kind == *kind) rule = r;
                            }
                            auto body = JsonBody::Parse(req.body);
                            if (!body) return ErrorResponse(body.error(), req.request_id);
                            if (auto v = body->Bool("enabled", true)) rule.enabled = *v;
                            if (auto v = body->Int("threshold_s", false)) rule.threshold_s = *v;
                            if (auto v = body->String("severity", false, 10)) rule.severity = *v;
                            if (Status s = body->Finish(); !s.ok())
                              return ErrorResponse(s, req.request_id);
                            Status s = live.PutAlertRule(*ctx.principal, rule, ctx.audit);
                            if (!s.ok()) return ErrorResponse(s, req.request_id);
                            return JsonResponse(200, AlertRuleJson(rule));
                          }),
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/alerts",
      .summary = "Alerts, newest first; ?open=true for those still going on. Agent alerts are "
                 "scoped like the agents.",
      .permission = Permission::kViewWallboard,
      .params = {{"open", "query", "boolean", false, "only alerts without an end"},
                 {"limit", "query", "integer", false, "page size, 1..500"},
                 {"cursor", "query", "string", false, "next_cursor of the previous page"}},
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto page = ReadPage(req);
                            if (!page) return ErrorResponse(page.error(), req.request_id);
                            auto alerts =
                                live.ListAlerts(*ctx.principal, req.Query("open") == "true", *page);
                            if (!alerts) return ErrorResponse(alerts.error(), req.request_id);
                            return JsonResponse(200, PageJson(*alerts, AlertJson));
                          }),
  });
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/alerts/{id}/ack",
      .summary = "Acknowledge an alert (audited); the acknowledgement is pushed live.",
      .permission = Permission::kViewWallboard,
      .params = {{"id", "path", "integer", true, "alert id"}},
      .handler = WhenLive(live,
                          [](RequestContext& ctx, LiveService& live) {
                            const HttpRequest& req = ctx.request;
                            auto id = PathId(req);
                            if (!id) return ErrorResponse(id.error(), req.request_id);
                            auto alert = live.AckAlert(*ctx.principal, *id, ctx.audit);
                            if (!alert) return ErrorResponse(alert.error(), req.request_id);
                            return JsonResponse(200, AlertJson(*alert));
                          }),
  });
}

}  // namespace callboard
