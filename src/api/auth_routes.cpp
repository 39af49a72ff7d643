// Routes: sign-in, sign-out, who am I, password change.

#include <boost/json.hpp>

#include "api/api.h"
#include "api/json_body.h"
#include "api/rate_limiter.h"
#include "api/responses.h"
#include "auth/auth_service.h"
#include "org/org_json.h"
#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

boost::json::object PrincipalJson(const Principal& p) {
  boost::json::array perms;
  for (int i = 0; i < kPermissionCount; ++i) {
    const auto perm = static_cast<Permission>(i);
    if (Can(p, perm)) perms.emplace_back(PermissionName(perm));
  }
  boost::json::array teams, lobs;
  for (int64_t id : VisibleTeamIds(p)) teams.emplace_back(id);
  for (int64_t id : p.lob_ids) lobs.emplace_back(id);
  boost::json::object out;
  out["permissions"] = std::move(perms);
  out["scope"] = boost::json::object{
      {"kind", DataScopeName(ScopeOf(p))}, {"team_ids", teams}, {"lob_ids", lobs}};
  return out;
}

std::string SessionCookieHeader(std::string_view token, int64_t max_age_s) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
}

}  // namespace

void AddAuthRoutes(Router& router, ApiDeps& deps, RateLimiter& login_limiter) {
  router.Add({
      .method = "POST",
      .pattern = "/api/v1/auth/login",
      .summary = "Sign in with e-mail and password; returns a session token and sets the "
                 "session cookie. Five failures in a row lock the account for 15 minutes.",
      .access = Access::kPublic,
      .body = {{"email", "string", true, "e-mail address"},
               {"password", "string", true, "password"}},
      .handler =
          [&deps, &login_limiter](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!login_limiter.Allow(req.remote_ip)) {
              HttpResponse r = ErrorResponse(
                  Status(StatusCode::kRateLimited, "too many sign-in attempts from this address"),
                  req.request_id);
              r.SetHeader("Retry-After", "60");
              return r;
            }
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            auto email = body->String("email", kRequired, 254);
            auto password = body->String("password", kRequired, 256);
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            auto login = deps.auth.Login(*email, *password, ctx.audit);
            if (!login) return ErrorResponse(login.error(), req.request_id);
            const Principal& p = login->principal;
            boost::json::object out = PrincipalJson(p);
            out["token"] = login->token;
            out["csrf_token"] = login->csrf_token;
            out["expires_at"] = FormatRfc3339(login->expires_at);
            out["user"] = boost::json::object{{"id", *p.user_id},
                                              {"email", p.email},
                                              {"name", p.name},
                                              {"role", RoleName(p.role)}};
            HttpResponse r = JsonResponse(200, out);
            const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(
                login->expires_at - deps.clock.Now());
            r.SetHeader("Set-Cookie", SessionCookieHeader(login->token, max_age.count()));
            r.user_id = p.user_id;
            return r;
          },
  });

  router.Add({
      .method = "POST",
      .pattern = "/api/v1/auth/logout",
      .summary = "End the current session (its token stops working at once).",
      .access = Access::kAuthenticated,
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            if (Status s = deps.auth.Logout(*ctx.principal, ctx.audit); !s.ok())
              return ErrorResponse(s, ctx.request.request_id);
            HttpResponse r = NoContent();
            r.SetHeader("Set-Cookie", SessionCookieHeader("", 0));
            return r;
          },
  });

  router.Add({
      .method = "GET",
      .pattern = "/api/v1/auth/me",
      .summary = "The signed-in user (or API token), role, tenant, permissions and scope.",
      .access = Access::kAuthenticated,
      .handler =
          [&deps](RequestContext& ctx) {
            const Principal& p = *ctx.principal;
            boost::json::object out = PrincipalJson(p);
            std::optional<Tenant> tenant;
            std::optional<User> user;
            Status s = deps.db.Read([&](Transaction& tx) -> Status {
              auto t = tx.Org().GetTenant(p.tenant_id);
              if (!t) return t.error();
              tenant = *t;
              if (p.user_id) {
                auto u = tx.Org().GetUser(p.tenant(), *p.user_id);
                if (!u) return u.error();
                user = *u;
              }
              return Status::Ok();
            });
            if (!s.ok()) return ErrorResponse(s, ctx.request.request_id);
            out["tenant"] = ToJson(*tenant);
            if (user) {
              out["user"] = ToJson(*user);
              out["role"] = RoleName(p.role);
              out["agent_id"] = p.agent_id ? boost::json::value(*p.agent_id) : nullptr;
            } else {
              boost::json::array scopes;
              for (const auto& sc : p.token_scopes) scopes.emplace_back(sc);
              out["token"] = boost::json::object{
                  {"id", *p.api_token_id}, {"name", p.name}, {"scopes", scopes}};
              out["role"] = nullptr;
            }
            return JsonResponse(200, out);
          },
  });

  router.Add({
      .method = "POST",
      .pattern = "/api/v1/auth/password",
      .summary = "Change the signed-in user's password; every session of the user ends.",
      .access = Access::kAuthenticated,
      .body = {{"current_password", "string", true, "the password now"},
               {"new_password", "string", true,
                "at least 12 characters with an upper-case letter, a digit and a special "
                "character; not one of the last 5"}},
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            const Principal& p = *ctx.principal;
            if (!p.user_id) {
              return ErrorResponse(Status::Denied("API tokens have no password"), req.request_id);
            }
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            auto current = body->String("current_password", kRequired, 256);
            auto next = body->String("new_password", kRequired, 256);
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            Status s = deps.auth.SetPassword(p.tenant(), *p.user_id, *next,
                                             std::string_view(*current), ctx.audit);
            if (!s.ok()) {
              if (!s.field_errors().empty() && s.field_errors()[0].field == "password") {
                std::vector<FieldError> renamed = s.field_errors();
                for (auto& f : renamed) f.field = "new_password";
                s = Status::Invalid(std::move(renamed), s.message());
              }
              return ErrorResponse(s, req.request_id);
            }
            HttpResponse r = NoContent();
            r.SetHeader("Set-Cookie", SessionCookieHeader("", 0));
            return r;
          },
  });
}

}  // namespace callboard
