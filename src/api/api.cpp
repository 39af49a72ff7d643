#include "api/api.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "api/rate_limiter.h"
#include "api/responses.h"
#include "api/static_files.h"
#include "auth/auth_service.h"
#include "core/sha256.h"
#include "kpi/call_log.h"
#include "kpi/queue_service.h"

namespace callboard {

namespace {

constexpr std::string_view kPlaceholderPage =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Callboard</title></head><body><h1>Callboard</h1>"
    "<p>The server is running. The web app has not been built into web/dist yet.</p>"
    "<p>API: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a></p></body></html>\n";

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

// The session token from the __Host-cb_session cookie, if any.
std::optional<std::string_view> SessionCookie(const HttpRequest& req) {
  auto cookies = req.Header("cookie");
  if (!cookies) return std::nullopt;
  std::string_view rest = *cookies;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(kSessionCookie) && part.size() > kSessionCookie.size() &&
        part[kSessionCookie.size()] == '=') {
      return part.substr(kSessionCookie.size() + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

Api::Api(ApiDeps deps, ApiOptions options)
    : deps_(deps),
      options_(std::move(options)),
      login_limiter_(std::make_unique<RateLimiter>(deps.clock, options_.login_per_minute,
                                                   options_.login_burst)),
      ingest_limiter_(std::make_unique<RateLimiter>(deps.clock, options_.ingest_per_minute,
                                                    options_.ingest_burst)),
      queues_(std::make_unique<QueueService>(deps.db, deps.clock, deps.audit)),
      calls_(std::make_unique<CallLog>(deps.db, deps.org)),
      static_files_(std::make_unique<StaticFiles>(options_.web_root)) {
  AddSystemRoutes(router_, deps_);
  AddAuthRoutes(router_, deps_, *login_limiter_);
  AddOrgRoutes(router_, deps_);
  AddTokenRoutes(router_, deps_);
  AddAuditRoutes(router_, deps_);
  AddKpiRoutes(router_, deps_, *queues_, *calls_);
  AddIngestRoutes(router_, deps_, *ingest_limiter_);
  AddSourceRoutes(router_, deps_);
  AddLiveRoutes(router_, deps_);
}

Api::~Api() = default;

HttpResponse Api::Dispatch(HttpRequest& req) {
  Router::Match match = router_.Find(req.method, req.path);
  if (!match.route) {
    if (!match.allowed_methods.empty()) {
      HttpResponse r = ErrorResponse(
          Status(StatusCode::kFailedPrecondition, req.method + " is not allowed here"),
          req.request_id);
      r.status = 405;
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      r.SetHeader("Allow", allow);
      return r;
    }
    const bool is_read = req.method == "GET" || req.method == "HEAD";
    if (is_read && !req.path.starts_with("/api/")) {
      if (static_files_->available()) {
        if (auto r = static_files_->Serve(req)) return std::move(*r);
      } else if (req.path == "/" || req.path == "/index.html") {
        HttpResponse r;
        r.content_type = "text/html; charset=utf-8";
        r.body = kPlaceholderPage;
        r.route = "/";
        return r;
      }
    }
    return ErrorResponse(Status::NotFound("no route for " + req.method + " " + req.path),
                         req.request_id);
  }
  const Route& route = *match.route;
  req.path_params = std::move(match.params);
  RequestContext ctx{req};
  ctx.audit.request_id = req.request_id;
  ctx.audit.ip = req.remote_ip;
  ctx.audit.actor = "anonymous";
  HttpResponse resp;
  try {
    resp = route.access == Access::kPublic ? route.handler(ctx) : Authenticated(ctx, route);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.path, e.what());
    resp = ErrorResponse(Status::Internal(e.what()), req.request_id);
  }
  resp.route = route.pattern;
  return resp;
}

Result<Authenticated> AuthenticateRequest(AuthService& auth, const HttpRequest& req) {
  std::optional<std::string_view> token;
  bool via_cookie = false;
  if (auto header = req.Header("authorization")) {
    if (header->size() > 7 && (header->starts_with("Bearer ") || header->starts_with("bearer ")))
      token = header->substr(7);
  } else if ((token = SessionCookie(req))) {
    via_cookie = true;
  }
  if (!token) return Status::Unauthenticated("sign in required");
  auto who = auth.Authenticate(*token);
  if (!who) {
    const Status& s = who.error();
    if (s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kInternal) return s;
    return Status::Unauthenticated(s.message());
  }
  if (via_cookie && IsUnsafe(req.method)) {
    auto csrf = req.Header("x-csrf-token");
    if (!csrf || who->csrf_hash.empty() || Sha256Hex(*csrf) != who->csrf_hash) {
      return Status::Denied("missing or wrong X-CSRF-Token header");
    }
  }
  return who;
}

HttpResponse Api::Authenticated(RequestContext& ctx, const Route& route) {
  const HttpRequest& req = ctx.request;
  auto who = AuthenticateRequest(deps_.auth, req);
  if (!who) return ErrorResponse(who.error(), req.request_id);
  const Principal& p = who->principal;
  ctx.principal = &p;
  ctx.audit.actor_user_id = p.user_id;
  ctx.audit.actor = p.actor();
  HttpResponse resp;
  if (route.access == Access::kPermission && !Can(p, route.permission)) {
    resp =
        ErrorResponse(Status::Denied("requires the " +
                                     std::string(PermissionName(route.permission)) + " permission"),
                      req.request_id);
  } else {
    resp = route.handler(ctx);
  }
  resp.user_id = p.user_id;
  ctx.principal = nullptr;  // `who` goes out of scope with this frame
  return resp;
}

}  // namespace callboard
