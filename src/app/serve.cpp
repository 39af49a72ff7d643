#include "app/serve.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "app/demo.h"
#include "auth/auth_service.h"
#include "auth/password.h"
#include "ingest/sources/source_runner.h"
#include "ingest/sources/source_service.h"
#include "kpi/auto_fcr.h"
#include "live/live_service.h"
#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

bool ParseListen(const std::string& listen, std::string& address, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) return false;
  address = listen.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  if (address.empty()) address = "0.0.0.0";
  unsigned long p = 0;
  try {
    size_t used = 0;
    p = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  if (p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

int RunServe(App& app, const ServeOptions& options) {
  HttpServerOptions http;
  if (!ParseListen(options.listen, http.address, http.port)) {
    std::cerr << "callboard: --listen must be ADDR:PORT, got '" << options.listen << "'\n";
    return 2;
  }
  http.threads = options.threads;
  http.tls_cert_file = options.tls_cert;
  http.tls_key_file = options.tls_key;
  app.EnableLive();
  std::unique_ptr<DemoTraffic> demo;
  if (options.demo) {
    if (Status s = EnsureDemoTenant(app); !s.ok()) {
      std::cerr << "callboard: demo tenant: " << s.ToString() << "\n";
      return 1;
    }
    auto tenant = app.org().FindTenant("demo");
    if (!tenant) return 1;
    demo = std::make_unique<DemoTraffic>(app, TenantScope(tenant->id));
    if (Status s = demo->Backfill(30); !s.ok()) {
      std::cerr << "callboard: demo history: " << s.ToString() << "\n";
      return 1;
    }
  }

  // Stop signals are taken by this thread alone (sigwait), never by the io threads.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  HttpMetrics metrics;
  ApiOptions api_options;
  api_options.web_root = options.web_root;
  // Long-running sources (file tails, 3CX feeds): threads created here inherit the blocked
  // stop signals.
  SourceRunnerOptions source_options;
  source_options.observer = &app.live();
  source_options.pbx = &app.live();  // asterisk-ami sources offer PBX control to live operations
  source_options.leases = app.source_leases();  // PostgreSQL: one node runs each source
  SourceRunner sources(app.db(), app.clock(), app.sources(), source_options);
  Api api(ApiDeps{app.db(), app.clock(), app.auth(), app.org(), app.audit(), metrics, app.reports(),
                  app.importer(), &app.sources(), &sources, &app.live()},
          api_options);
  http.websocket = [&api](HttpRequest& req) { return api.Upgrade(req); };
  HttpServer server(
      http, [&api](HttpRequest& req) { return api.Dispatch(req); }, metrics);
  if (Status s = server.Start(); !s.ok()) {
    std::cerr << "callboard: cannot serve: " << s.message() << "\n";
    return 1;
  }
  spdlog::info("callboard listening on {}:{}{}", http.address, server.port(),
               http.tls_cert_file ? " (TLS)" : "");
  if (demo) demo->Start();
  sources.Start();
  app.live().Start();
  // Pending automatic FCR decided by wall-clock time too, once a minute (idempotent on every
  // node), so a tenant whose data stopped arriving still sees its calls resolved.
  AutoFcrSweep fcr_sweep(app.db(), app.clock());
  fcr_sweep.Start();
  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: finishing in-flight requests", sig);
  if (demo) demo->Stop();
  sources.Stop();  // each source commits what it read, with its checkpoint
  fcr_sweep.Stop();
  app.live().Stop();
  server.Shutdown(options.grace);
  server.Wait();
  spdlog::info("stopped");
  return 0;
}

Status EnsureDemoTenant(App& app) {
  if (app.org().FindTenant("demo")) return Status::Ok();
  auto tenant = app.org().CreateTenant("demo");
  if (!tenant) return tenant.error();
  const Principal op = OperatorPrincipal(tenant->id);
  AuditContext ctx;
  auto site = app.org().Create(op, Site{.name = "Main floor", .time_zone = "Europe/Berlin"}, ctx);
  if (!site) return site.error();
  auto team = app.org().Create(op, Team{.name = "Blue", .site_id = site->id}, ctx);
  if (!team) return team.error();
  const std::string password = "Demo-Callboard-1";
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  std::printf("Demo tenant 'demo' — sign in with password %s as:\n", password.c_str());
  for (Role role : kAllRoles) {
    User u;
    u.email = std::string(RoleName(role)) + "@demo.callboard.test";
    u.name = "Demo " + std::string(RoleName(role));
    u.role = role;
    if (role == Role::kAgent || role == Role::kSupervisor) u.team_id = team->id;
    auto user = app.org().Create<User>(op, u, ctx, [&](Transaction& tx, const User& stored) {
      return tx.Auth().SetPasswordHash(op.tenant(), stored.id, *hash, app.clock().Now());
    });
    if (!user) return user.error();
    std::printf("  %-14s %s\n", std::string(RoleName(role)).c_str(), u.email.c_str());
    if (role == Role::kSupervisor) {
      Team t = *team;
      t.supervisor_ids = {user->id};
      auto updated = app.org().Update(op, t, ctx);
      if (!updated) return updated.error();
    }
    if (role == Role::kAgent) {
      auto agent = app.org().Create(op,
                                    Agent{.name = u.name,
                                          .user_id = user->id,
                                          .team_id = team->id,
                                          .pbx_ids = {"Local/a1001@agents/n"}},
                                    ctx);
      if (!agent) return agent.error();
    }
  }
  // The rest of the simulated floor (Local/a1002 … a1012 in the demo traffic), named, in two
  // teams: the supervisor leads Blue, the manager sees both.
  auto orange = app.org().Create(op, Team{.name = "Orange", .site_id = site->id}, ctx);
  if (!orange) return orange.error();
  static constexpr const char* kNames[] = {
      "Maria Lopez", "James Okafor", "Sofia Rossi",  "Liam Becker", "Aisha Khan", "Noah Fischer",
      "Emma Dubois", "Lukas Novak",  "Chloe Martin", "Mateo Silva", "Hana Sato"};
  int number = 1002;
  for (const char* name : kNames) {
    const int64_t team_id = number <= 1006 ? team->id : orange->id;
    auto agent =
        app.org().Create(op,
                         Agent{.name = name,
                               .team_id = team_id,
                               .pbx_ids = {"Local/a" + std::to_string(number++) + "@agents/n"}},
                         ctx);
    if (!agent) return agent.error();
  }
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace callboard
