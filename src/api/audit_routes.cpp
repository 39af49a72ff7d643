// Routes: the audit log browser and chain verification.

#include <boost/json.hpp>

#include "api/api.h"
#include "api/responses.h"
#include "audit/audit_log.h"
#include "store/transaction.h"

namespace callboard {

namespace {

boost::json::value JsonText(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : v;
}

boost::json::object EntryJson(const AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", FormatRfc3339(e.at)},
          {"actor", e.actor},
          {"actor_user_id", e.actor_user_id ? boost::json::value(*e.actor_user_id) : nullptr},
          {"action", e.action},
          {"object_type", e.object_type},
          {"object_id", e.object_id ? boost::json::value(*e.object_id) : nullptr},
          {"before", JsonText(e.before_json)},
          {"after", JsonText(e.after_json)},
          {"request_id", e.request_id},
          {"ip", e.ip},
          {"hash", e.hash}};
}

Result<AuditFilter> ReadAuditFilter(const HttpRequest& req) {
  AuditFilter f;
  auto actor = QueryInt(req, "actor_user_id");
  if (!actor) return actor.error();
  f.actor_user_id = *actor;
  auto object = QueryInt(req, "object_id");
  if (!object) return object.error();
  f.object_id = *object;
  if (auto a = req.Query("action"); a && !a->empty()) f.action = std::string(*a);
  if (auto t = req.Query("object_type"); t && !t->empty()) f.object_type = std::string(*t);
  std::vector<FieldError> errors;
  for (const char* name : {"from", "to"}) {
    auto raw = req.Query(name);
    if (!raw) continue;
    auto tp = ParseRfc3339(*raw);
    if (!tp) {
      errors.push_back({name, "invalid", "must be an RFC 3339 time, e.g. 2026-11-22T10:00:00Z"});
      continue;
    }
    (std::string_view(name) == "from" ? f.from : f.to) = *tp;
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return f;
}

}  // namespace

void AddAuditRoutes(Router& router, ApiDeps& deps) {
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/audit",
      .summary = "The tenant's audit log, newest first, with filters.",
      .permission = Permission::kViewAudit,
      .params = {{"limit", "query", "integer", false, "page size, 1..500"},
                 {"cursor", "query", "string", false, "next_cursor of the previous page"},
                 {"actor_user_id", "query", "integer", false, "who did it"},
                 {"action", "query", "string", false, "exact action, or a prefix ending in '.'"},
                 {"object_type", "query", "string", false, "e.g. user, team"},
                 {"object_id", "query", "integer", false, "id of the object"},
                 {"from", "query", "string", false, "RFC 3339; entries at or after"},
                 {"to", "query", "string", false, "RFC 3339; entries before"}},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto page = ReadPage(req);
            if (!page) return ErrorResponse(page.error(), req.request_id);
            auto filter = ReadAuditFilter(req);
            if (!filter) return ErrorResponse(filter.error(), req.request_id);
            std::optional<Page<AuditEntry>> out;
            Status s = deps.db.Read([&](Transaction& tx) -> Status {
              auto r = tx.Audit().List(ctx.principal->tenant(), *filter, *page);
              if (!r) return r.error();
              out = std::move(*r);
              return Status::Ok();
            });
            if (!s.ok()) return ErrorResponse(s, req.request_id);
            return JsonResponse(200, PageJson(*out, EntryJson));
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/audit/verify",
      .summary = "Walk the tenant's audit hash chain and report the first broken entry.",
      .permission = Permission::kViewAudit,
      .handler =
          [&deps](RequestContext& ctx) {
            auto v = deps.audit.Verify(deps.db, ctx.principal->tenant());
            if (!v) return ErrorResponse(v.error(), ctx.request.request_id);
            return JsonResponse(
                200,
                boost::json::object{
                    {"intact", v->intact},
                    {"entries_checked", v->entries_checked},
                    {"broken_seq", v->broken_seq ? boost::json::value(*v->broken_seq) : nullptr},
                    {"reason", v->reason}});
          },
  });
}

}  // namespace callboard
