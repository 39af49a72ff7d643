#pragma once
// Api: everything between the transport and the domain. Routes a request, authenticates
// it (bearer token, or session cookie plus X-CSRF-Token on unsafe methods), checks the
// route's permission, runs the handler and maps any failure to the error shape.
//
// Thread-safety: Dispatch is called concurrently from the server's io threads.

#include <filesystem>
#include <memory>

#include "api/http_message.h"
#include "api/router.h"
#include "api/websocket.h"

namespace callboard {

class AuthService;
struct Authenticated;
class CallLog;
class Clock;
class Database;
class HttpMetrics;
class Importer;
class LiveService;
class OrgService;
class AuditLog;
class QueueService;
class RateLimiter;
class ReportService;
class SourceRunner;
class SourceService;
class StaticFiles;

struct ApiDeps {
  Database& db;
  const Clock& clock;
  AuthService& auth;
  OrgService& org;
  const AuditLog& audit;
  HttpMetrics& metrics;
  ReportService& reports;
  Importer& importer;
  SourceService* sources = nullptr;       // null: the /sources routes answer 503
  SourceRunner* source_runner = nullptr;  // null: every source's status reads "stopped"
  LiveService* live = nullptr;            // null: the live routes answer 503
};

struct ApiOptions {
  double login_per_minute = 30;  // per client IP
  double login_burst = 30;
  double ingest_per_minute = 600;  // per API token (or user) posting to /api/v1/ingest/…
  double ingest_burst = 600;
  std::filesystem::path web_root = "web/dist";
};

inline constexpr std::string_view kSessionCookie = "__Host-cb_session";

// Authenticates `req` by its bearer token, or by its session cookie plus X-CSRF-Token on
// unsafe methods. Errors: kUnauthenticated, kPermissionDenied (CSRF), kUnavailable,
// kInternal. For Dispatch and for public routes that authenticate themselves.
Result<Authenticated> AuthenticateRequest(AuthService& auth, const HttpRequest& req);

class Api {
 public:
  Api(ApiDeps deps, ApiOptions options);
  ~Api();

  HttpResponse Dispatch(HttpRequest& request);
  // For HttpServerOptions::websocket: accepts /api/v1/live/ws (live_socket.cpp).
  WebSocketAccept Upgrade(HttpRequest& request);
  const Router& router() const { return router_; }

 private:
  HttpResponse Authenticated(RequestContext& ctx, const Route& route);

  ApiDeps deps_;
  ApiOptions options_;
  Router router_;
  std::unique_ptr<RateLimiter> login_limiter_;
  std::unique_ptr<RateLimiter> ingest_limiter_;
  std::unique_ptr<QueueService> queues_;
  std::unique_ptr<CallLog> calls_;
  std::unique_ptr<StaticFiles> static_files_;
};

// Route groups, one file each.
void AddSystemRoutes(Router& router, ApiDeps& deps);
void AddAuthRoutes(Router& router, ApiDeps& deps, RateLimiter& login_limiter);
void AddOrgRoutes(Router& router, ApiDeps& deps);
void AddTokenRoutes(Router& router, ApiDeps& deps);
void AddAuditRoutes(Router& router, ApiDeps& deps);
void AddKpiRoutes(Router& router, ApiDeps& deps, QueueService& queues, CallLog& calls);
void AddIngestRoutes(Router& router, ApiDeps& deps, RateLimiter& ingest_limiter);
void AddSourceRoutes(Router& router, ApiDeps& deps);
void AddLiveRoutes(Router& router, ApiDeps& deps);

}  // namespace callboard
