// Routes: API tokens (for PBX webhooks, scripts and integrations).

#include <boost/json.hpp>

#include "api/api.h"
#include "api/json_body.h"
#include "api/responses.h"
#include "auth/auth_service.h"

namespace callboard {

namespace {

boost::json::object TokenJson(const ApiToken& t) {
  boost::json::array scopes;
  for (const auto& s : t.scopes) scopes.emplace_back(s);
  auto when = [](const std::optional<TimePoint>& tp) {
    return tp ? boost::json::value(FormatRfc3339(*tp)) : boost::json::value(nullptr);
  };
  return {{"id", t.id},
          {"name", t.name},
          {"scopes", scopes},
          {"created_by", t.created_by ? boost::json::value(*t.created_by) : nullptr},
          {"created_at", FormatRfc3339(t.created_at)},
          {"revoked_at", when(t.revoked_at)},
          {"last_used_at", when(t.last_used_at)}};
}

}  // namespace

void AddTokenRoutes(Router& router, ApiDeps& deps) {
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/tokens",
      .summary = "List the tenant's API tokens (never their secrets).",
      .permission = Permission::kManageTokens,
      .params = {{"limit", "query", "integer", false, "page size, 1..500"},
                 {"cursor", "query", "string", false, "next_cursor of the previous page"}},
      .handler =
          [&deps](RequestContext& ctx) {
            auto page = ReadPage(ctx.request);
            if (!page) return ErrorResponse(page.error(), ctx.request.request_id);
            auto r = deps.auth.ListApiTokens(ctx.principal->tenant(), *page);
            if (!r) return ErrorResponse(r.error(), ctx.request.request_id);
            return JsonResponse(200, PageJson(*r, TokenJson));
          },
  });
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/tokens",
      .summary = "Create an API token; the secret is in this answer only.",
      .permission = Permission::kManageTokens,
      .body = {{"name", "string", true, "what the token is for"},
               {"scopes", "array<string>", true, "ingest and/or read"}},
      .success_status = 201,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            auto name = body->String("name", kRequired, 100);
            auto scopes = body->StringArray("scopes", kRequired, 10, 32);
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            auto r = deps.auth.CreateApiToken(ctx.principal->tenant(), *name, *scopes, ctx.audit);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            boost::json::object out = TokenJson(r->record);
            out["token"] = r->token;
            return JsonResponse(201, out);
          },
  });
  router.Add({
      .method = "DELETE",
      .pattern = "/api/v1/tokens/{id}",
      .summary = "Revoke an API token; it stops working at once.",
      .permission = Permission::kManageTokens,
      .params = {{"id", "path", "integer", true, "token id"}},
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            auto id = PathId(ctx.request);
            if (!id) return ErrorResponse(id.error(), ctx.request.request_id);
            Status s = deps.auth.RevokeApiToken(ctx.principal->tenant(), *id, ctx.audit);
            if (!s.ok()) return ErrorResponse(s, ctx.request.request_id);
            return NoContent();
          },
  });
}

}  // namespace callboard
