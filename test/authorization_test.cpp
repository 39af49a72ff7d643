// Every role × every route, with the expected outcome written out (false as well as
// true), and cross-tenant probes on every route that takes an id.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <sstream>

#include "app/app.h"
#include "auth/auth_service.h"
#include "ingest/importer.h"
#include "ingest/sources/source_service.h"
#include "kpi/kpi_store.h"
#include "live/live_service.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

// Roles in the column order of the table below.
constexpr Role kRoles[] = {Role::kAgent,   Role::kSupervisor, Role::kQa,
                           Role::kManager, Role::kAdmin,      Role::kClientViewer};

struct Case {
  std::string method;
  std::string pattern;
  // agent, supervisor, qa, manager, admin, client_viewer
  bool allowed[6];
  int ok_status;  // the answer when allowed
};

// Allowed means the request is performed (ok_status); denied means 403. Public routes
// answer the same to everyone.
const std::vector<Case> kTable = {
    // method  pattern                        agent  sup    qa     mgr    admin  client
    {"GET", "/healthz", {true, true, true, true, true, true}, 200},
    {"GET", "/readyz", {true, true, true, true, true, true}, 200},
    {"GET", "/metrics", {true, true, true, true, true, true}, 200},
    {"GET", "/api/v1/openapi.json", {true, true, true, true, true, true}, 200},
    {"POST", "/api/v1/auth/login", {true, true, true, true, true, true}, 401},
    {"POST", "/api/v1/auth/logout", {true, true, true, true, true, true}, 204},
    {"GET", "/api/v1/auth/me", {true, true, true, true, true, true}, 200},
    {"POST", "/api/v1/auth/password", {true, true, true, true, true, true}, 400},
    {"GET", "/api/v1/sites", {false, true, true, true, true, false}, 200},
    {"POST", "/api/v1/sites", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/sites/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/sites/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/sites/{id}", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/lobs", {false, true, true, true, true, false}, 200},
    {"POST", "/api/v1/lobs", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/lobs/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/lobs/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/lobs/{id}", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/teams", {false, true, true, true, true, false}, 200},
    {"POST", "/api/v1/teams", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/teams/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/teams/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/teams/{id}", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/users", {false, true, true, true, true, false}, 200},
    {"POST", "/api/v1/users", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/users/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/users/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/users/{id}", {false, false, false, false, true, false}, 204},
    {"POST", "/api/v1/users/{id}/password", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/agents", {false, true, true, true, true, false}, 200},
    {"POST", "/api/v1/agents", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/agents/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/agents/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/agents/{id}", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/tokens", {false, false, false, false, true, false}, 200},
    {"POST", "/api/v1/tokens", {false, false, false, false, true, false}, 201},
    {"DELETE", "/api/v1/tokens/{id}", {false, false, false, false, true, false}, 204},
    {"GET", "/api/v1/audit", {false, false, false, false, true, false}, 200},
    {"GET", "/api/v1/audit/verify", {false, false, false, false, true, false}, 200},
    {"GET", "/api/v1/reports/queues", {false, true, true, true, true, false}, 200},
    {"GET", "/api/v1/reports/agents", {false, true, true, true, true, false}, 200},
    {"GET", "/api/v1/queues", {false, true, true, true, true, false}, 200},
    {"GET", "/api/v1/queues/{id}", {false, true, true, true, true, false}, 200},
    {"PATCH", "/api/v1/queues/{id}", {false, false, false, true, true, false}, 200},
    // The call log: any of view_own/team/all_performance (qa holds view_team_performance).
    {"GET", "/api/v1/calls", {true, true, true, true, true, false}, 200},
    {"GET", "/api/v1/calls/{id}", {true, true, true, true, true, false}, 200},
    // The call log as CSV is an export: export_data (managers and administrators).
    {"GET", "/api/v1/calls.csv", {false, false, false, true, true, false}, 200},
    // Public in the router, it authenticates itself: a token (or session) holding ingest, or a
    // signature under the source's webhook secret (SignedIngest in kpi_api_test).
    {"POST", "/api/v1/ingest/{format}", {false, false, false, false, true, false}, 200},
    {"GET", "/api/v1/ingest/rejects", {false, false, false, false, true, false}, 200},
    {"GET", "/api/v1/ingest/diagnostics", {false, false, false, false, true, false}, 200},
    // Sources run inside the server (file tails, 3CX feeds): manage_sources, administrators.
    {"GET", "/api/v1/sources", {false, false, false, false, true, false}, 200},
    {"POST", "/api/v1/sources", {false, false, false, false, true, false}, 201},
    {"GET", "/api/v1/sources/{id}", {false, false, false, false, true, false}, 200},
    {"PATCH", "/api/v1/sources/{id}", {false, false, false, false, true, false}, 200},
    {"DELETE", "/api/v1/sources/{id}", {false, false, false, false, true, false}, 204},
    {"POST", "/api/v1/sources/{id}/webhook-secret", {false, false, false, false, true, false}, 200},
    // Live operations: the floor as each role may see it (an agent: own state and queue totals).
    {"GET", "/api/v1/live", {true, true, false, true, true, false}, 200},
    {"GET", "/api/v1/live/ws", {true, true, false, true, true, false}, 426},
    // Own status needs set_own_status; another agent's, override_agent_status (the victim is
    // another agent of the team, so an agent is refused).
    {"PUT", "/api/v1/agents/{id}/status", {false, true, false, true, true, false}, 204},
    // Monitoring needs monitor_calls; the test tenant runs no PBX link, so it is unavailable.
    {"POST", "/api/v1/agents/{id}/monitor", {false, true, false, true, true, false}, 503},
    // Agent allocation needs override_agent_status; unavailable without a PBX link too.
    {"PUT", "/api/v1/agents/{id}/queues/{queue_id}", {false, true, false, true, true, false}, 503},
    {"DELETE",
     "/api/v1/agents/{id}/queues/{queue_id}",
     {false, true, false, true, true, false},
     503},
    {"GET", "/api/v1/pause-reasons", {true, true, true, true, true, true}, 200},
    {"POST", "/api/v1/pause-reasons", {false, false, false, true, true, false}, 201},
    {"PATCH", "/api/v1/pause-reasons/{id}", {false, false, false, true, true, false}, 200},
    {"DELETE", "/api/v1/pause-reasons/{id}", {false, false, false, true, true, false}, 204},
    {"GET", "/api/v1/alert-rules", {false, true, false, true, true, false}, 200},
    {"PUT", "/api/v1/alert-rules/{kind}", {false, false, false, true, true, false}, 200},
    {"GET", "/api/v1/alerts", {false, true, false, true, true, false}, 200},
    {"POST", "/api/v1/alerts/{id}/ack", {false, true, false, true, true, false}, 200},
};

// A queue_log in which the org's agent (SIP/1001) answers one call in queue "support".
constexpr const char* kOneCall =
    "1795342411|c1.1|support|NONE|ENTERQUEUE||+15550000001|1\n"
    "1795342416|c1.1|support|SIP/1001|CONNECT|5|c1.2|4\n"
    "1795342476|c1.1|support|SIP/1001|COMPLETECALLER|5|60|1\n";

// One tenant's organisation: a team on a site and LOB, one user per role (agent and
// supervisor in the team, qa on the LOB), an agent linked to the agent user.
struct Org {
  int64_t tenant = 0, site = 0, lob = 0, team = 0, agent = 0, queue = 0, call = 0, source = 0;
  int64_t pause_reason = 0, alert = 0;
  std::map<Role, int64_t> users;
  std::map<Role, std::string> emails;
};

// An open alert on the org's queue, as the live service would raise it.
int64_t NewAlert(TestServer& server, const Org& o) {
  Alert alert{.kind = AlertKind::kLongWait,
              .severity = "critical",
              .subject_type = "queue",
              .subject_id = o.queue,
              .subject_name = "support",
              .detail = "a caller has waited 200 s",
              .started_at = server.clock().Now()};
  EXPECT_TRUE(server.app()
                  .db()
                  .Write([&](Transaction& tx) {
                    return tx.Live().InsertAlert(TenantScope(o.tenant), alert);
                  })
                  .ok());
  return alert.id;
}

Org Seed(TestServer& server, const std::string& name) {
  Org o;
  o.tenant = server.CreateTenant(name);
  OrgService& org = server.app().org();
  const Principal op = OperatorPrincipal(o.tenant);
  o.site = org.Create(op, Site{.name = "Site", .time_zone = "Europe/Berlin"}, {})->id;
  o.lob = org.Create(op, Lob{.name = "Billing"}, {})->id;
  o.team = org.Create(op, Team{.name = "Blue", .site_id = o.site, .lob_id = o.lob}, {})->id;
  for (Role r : kRoles) {
    const std::string email = std::string(RoleName(r)) + "@" + name + ".test";
    const bool in_team = r == Role::kAgent || r == Role::kSupervisor;
    o.users[r] = server.CreateUser(o.tenant, email, r,
                                   in_team ? std::optional<int64_t>(o.team) : std::nullopt);
    o.emails[r] = email;
  }
  User qa = *org.Get<User>(op, o.users[Role::kQa]);
  qa.lob_ids = {o.lob};
  EXPECT_TRUE(org.Update(op, qa, {}));
  Team team = *org.Get<Team>(op, o.team);
  team.supervisor_ids = {o.users[Role::kSupervisor]};
  EXPECT_TRUE(org.Update(op, team, {}));
  o.agent = org.Create(op,
                       Agent{.name = "Agent",
                             .user_id = o.users[Role::kAgent],
                             .team_id = o.team,
                             .pbx_ids = {"SIP/1001"}},
                       {})
                ->id;
  std::istringstream in(kOneCall);
  auto imported = server.app().importer().Import(op.tenant(), ImportOptions{.source_name = "pbx"},
                                                 in, StreamIdentity(kOneCall));
  EXPECT_TRUE(imported && imported->calls == 1);
  EXPECT_TRUE(server.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto calls = tx.Kpi().ListCalls(op.tenant(), {}, {});
                    if (!calls) return calls.error();
                    EXPECT_EQ(calls->items.size(), 1u);
                    if (calls->items.empty()) return Status::NotFound("no call");
                    EXPECT_EQ(calls->items[0].agent_id, o.agent);
                    o.call = calls->items[0].id;
                    o.queue = *calls->items[0].queue_id;
                    o.source = calls->items[0].source_id;
                    return Status::Ok();
                  })
                  .ok());
  o.pause_reason = server.app().live().ListPauseReasons(op, false)->front().id;
  o.alert = NewAlert(server, o);
  return o;
}

// Query parameters a route needs to succeed.
std::string QueryOf(const std::string& pattern) {
  if (pattern.starts_with("/api/v1/reports/")) return "?from=2026-11-01&to=2026-12-01";
  if (pattern == "/api/v1/ingest/{format}") return "?source=authz";
  return "";
}

std::string Noun(const std::string& pattern) {
  const std::string rest = pattern.substr(std::string("/api/v1/").size());
  return rest.substr(0, rest.find('/'));
}

// Puts `queue` in place of a route's {queue_id}.
void FillQueueId(std::string& path, int64_t queue) {
  if (const size_t at = path.find("{queue_id}"); at != std::string::npos) {
    path.replace(at, 10, std::to_string(queue));
  }
}

class Authorization : public ::testing::Test {
 protected:
  // A fresh object of the kind `noun` in the team's reach, for routes that change or
  // delete it, so every request in the table acts on an object of its own.
  int64_t Victim(const Org& o, const std::string& noun, int serial) {
    OrgService& org = server_.app().org();
    const Principal op = OperatorPrincipal(o.tenant);
    const std::string tag = std::to_string(serial);
    if (noun == "sites") return org.Create(op, Site{.name = "S" + tag, .time_zone = "UTC"}, {})->id;
    if (noun == "lobs") return org.Create(op, Lob{.name = "L" + tag}, {})->id;
    if (noun == "teams") return org.Create(op, Team{.name = "T" + tag, .lob_id = o.lob}, {})->id;
    if (noun == "users")
      return server_.CreateUser(o.tenant, "victim" + tag + "@x.test", Role::kAgent, o.team);
    if (noun == "agents")
      return org.Create(op, Agent{.name = "A" + tag, .team_id = o.team}, {})->id;
    if (noun == "tokens")
      return server_.app().auth().CreateApiToken(op.tenant(), "t" + tag, {"read"}, {})->record.id;
    if (noun == "queues") {
      int64_t id = 0;
      EXPECT_TRUE(server_.app()
                      .db()
                      .Write([&](Transaction& tx) -> Status {
                        auto q =
                            tx.Kpi().EnsureQueue(op.tenant(), "Q" + tag, server_.clock().Now());
                        if (!q) return q.error();
                        id = q->id;
                        return Status::Ok();
                      })
                      .ok());
      return id;
    }
    if (noun == "pause-reasons") {
      auto r = server_.app().live().CreatePauseReason(op, PauseReason{.name = "R" + tag}, {});
      EXPECT_TRUE(r.has_value());
      return r ? r->id : 0;
    }
    if (noun == "alerts") return NewAlert(server_, o);
    if (noun == "sources") {
      // Stored disabled: nothing connects anywhere.
      auto s = server_.app().sources().Create(op.tenant(),
                                              SourceConfig{.name = "src" + tag,
                                                           .kind = SourceKind::k3cxTcpConnect,
                                                           .format = SourceFormat::k3cxCdr,
                                                           .host = "127.0.0.1",
                                                           .port = 9,
                                                           .enabled = false},
                                              {});
      EXPECT_TRUE(s.has_value());
      return s ? s->id : 0;
    }
    ADD_FAILURE() << "no victim for " << noun;
    return 0;
  }

  std::string Body(const std::string& method, const std::string& pattern, const Org& o,
                   int serial) {
    const std::string tag = std::to_string(serial);
    if (pattern == "/api/v1/auth/login")
      return R"({"email":"nobody@nowhere.test","password":"Wrong-Password-1"})";
    if (pattern == "/api/v1/auth/password")
      return R"({"current_password":"not-it","new_password":"Another-Secret-42"})";
    if (pattern == "/api/v1/users/{id}/password") return R"({"password":"Brand-New-Secret-7"})";
    if (pattern == "/api/v1/queues/{id}") return R"({"sl_threshold_s":30})";
    if (pattern == "/api/v1/ingest/{format}")
      return "1795342401|NONE|NONE|NONE|QUEUESTART|" + tag + "\n";
    if (pattern == "/api/v1/sources/{id}" && method == "PATCH") return R"({"port":10})";
    if (pattern == "/api/v1/agents/{id}/status")
      return R"({"state":"paused","reason":"Lunch","override_reason":"covering )" + tag + R"("})";
    if (pattern == "/api/v1/agents/{id}/monitor")
      return R"({"mode":"listen","supervisor_extension":"2001"})";
    if (pattern == "/api/v1/alert-rules/{kind}") return R"({"enabled":true,"threshold_s":90})";
    if (method == "PATCH") return R"({"name":"Renamed )" + tag + R"("})";
    if (method != "POST") return "";
    const std::string noun = Noun(pattern);
    if (noun == "sites") return R"({"name":"New )" + tag + R"(","time_zone":"Asia/Tokyo"})";
    if (noun == "lobs") return R"({"name":"New )" + tag + R"("})";
    if (noun == "teams")
      return R"({"name":"New )" + tag + R"(","lob_id":)" + std::to_string(o.lob) + "}";
    if (noun == "users")
      return R"({"email":"new)" + tag + R"(@x.test","name":"New","role":"agent","team_id":)" +
             std::to_string(o.team) + "}";
    if (noun == "agents")
      return R"({"name":"New )" + tag + R"(","team_id":)" + std::to_string(o.team) + "}";
    if (noun == "tokens") return R"({"name":"n)" + tag + R"(","scopes":["read"]})";
    if (noun == "pause-reasons") return R"({"name":"New )" + tag + R"(","max_minutes":5})";
    if (noun == "sources")
      return R"({"name":"new)" + tag +
             R"(","kind":"3cx-tcp-connect","format":"3cx-cdr","host":"127.0.0.1","port":9,)"
             R"("enabled":false})";
    return "";
  }

  // The id a read of `pattern` uses: an object every reader of the org may see.
  int64_t ReadTarget(const Org& o, const std::string& noun) {
    if (noun == "sites") return o.site;
    if (noun == "lobs") return o.lob;
    if (noun == "teams") return o.team;
    if (noun == "users") return o.users.at(Role::kAgent);
    if (noun == "agents") return o.agent;
    if (noun == "queues") return o.queue;
    if (noun == "calls") return o.call;
    if (noun == "sources") return o.source;  // the push source "pbx" of the seeded import
    if (noun == "pause-reasons") return o.pause_reason;
    if (noun == "alerts") return o.alert;
    return 0;
  }

  TestServer server_;
};

TEST_F(Authorization, TableCoversEveryRoute) {
  HttpClient c = server_.Client();
  auto spec = Json(c.Request("GET", "/api/v1/openapi.json"));
  std::set<std::string> served, tabled;
  for (const auto& [path, ops] : spec.at("paths").as_object()) {
    for (const auto& [method, op] : ops.as_object()) {
      std::string m(method);
      for (char& ch : m) ch = static_cast<char>(std::toupper(ch));
      served.insert(m + " " + std::string(path));
    }
  }
  for (const Case& c2 : kTable) tabled.insert(c2.method + " " + c2.pattern);
  std::string untabled, unserved;
  for (const std::string& r : served) untabled += tabled.contains(r) ? "" : r + "; ";
  for (const std::string& r : tabled) unserved += served.contains(r) ? "" : r + "; ";
  EXPECT_EQ(served, tabled) << "served, not in kTable: " << untabled
                            << "\nin kTable, not served: " << unserved;
}

TEST_F(Authorization, EveryRoleOnEveryRoute) {
  const Org a = Seed(server_, "alpha");
  int serial = 0;
  std::map<Role, std::string> tokens;
  for (Role r : kRoles) tokens[r] = server_.Login(a.emails.at(r));
  for (const Case& c : kTable) {
    for (size_t col = 0; col < std::size(kRoles); ++col) {
      const Role role = kRoles[col];
      ++serial;
      // Signing out ends the session it is made with: give it one of its own.
      const std::string token =
          c.pattern == "/api/v1/auth/logout" ? server_.Login(a.emails.at(role)) : tokens.at(role);
      std::string path = c.pattern;
      if (const size_t at = path.find("{id}"); at != std::string::npos) {
        const std::string noun = Noun(c.pattern);
        const int64_t id = c.method == "GET" ? ReadTarget(a, noun) : Victim(a, noun, serial);
        path.replace(at, 4, std::to_string(id));
      }
      if (const size_t at = path.find("{format}"); at != std::string::npos) {
        path.replace(at, 8, "asterisk-queue-log");
      }
      if (const size_t at = path.find("{kind}"); at != std::string::npos) {
        path.replace(at, 6, "long_wait");
      }
      FillQueueId(path, a.queue);
      path += QueryOf(c.pattern);
      HttpClient client = server_.Client();
      ClientResponse r = client.Request(
          c.method, path, Body(c.method, c.pattern, a, serial),
          {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
      const int want = c.allowed[col] ? c.ok_status : 403;
      EXPECT_EQ(r.status, want) << RoleName(role) << " " << c.method << " " << path << ": "
                                << r.body;
      if (!c.allowed[col]) {
        EXPECT_EQ(Json(r).at("error").at("code").as_string(), "forbidden");
      }
    }
  }
}

TEST_F(Authorization, RequestsWithoutCredentialsAreUnauthenticated) {
  HttpClient c = server_.Client();
  for (const Case& cs : kTable) {
    if (cs.pattern.starts_with("/healthz") || cs.pattern.starts_with("/readyz") ||
        cs.pattern == "/metrics" || cs.pattern == "/api/v1/openapi.json" ||
        cs.pattern == "/api/v1/auth/login") {
      continue;
    }
    std::string path = cs.pattern;
    if (const size_t at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    if (const size_t at = path.find("{format}"); at != std::string::npos)
      path.replace(at, 8, "asterisk-queue-log");
    if (const size_t at = path.find("{kind}"); at != std::string::npos)
      path.replace(at, 6, "long_wait");
    FillQueueId(path, 1);
    ClientResponse r = c.Request(cs.method, path, "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 401) << cs.method << " " << path;
    EXPECT_EQ(Json(r).at("error").at("code").as_string(), "unauthenticated");
  }
}

TEST_F(Authorization, ScopeHidesPeopleOutsideTheTeamAsNotFound) {
  const Org a = Seed(server_, "alpha");
  const Principal op = OperatorPrincipal(a.tenant);
  const int64_t other_team = server_.app().org().Create(op, Team{.name = "Red"}, {})->id;
  const int64_t outsider =
      server_.CreateUser(a.tenant, "outsider@alpha.test", Role::kAgent, other_team);
  HttpClient c = server_.Client();
  const auto sup = Bearer(server_.Login(a.emails.at(Role::kSupervisor)));
  EXPECT_EQ(c.Request("GET", "/api/v1/users/" + std::to_string(outsider), "", sup).status, 404);
  EXPECT_EQ(c.Request("GET", "/api/v1/teams/" + std::to_string(other_team), "", sup).status, 404);
  EXPECT_EQ(
      c.Request("GET", "/api/v1/users/" + std::to_string(a.users.at(Role::kAgent)), "", sup).status,
      200);
  // The supervisor's list holds exactly the Blue team's two members.
  auto list = Json(c.Request("GET", "/api/v1/users", "", sup));
  std::set<int64_t> ids;
  for (const auto& u : list.at("items").as_array()) ids.insert(u.at("id").as_int64());
  EXPECT_EQ(ids, (std::set<int64_t>{a.users.at(Role::kAgent), a.users.at(Role::kSupervisor)}));
  // The manager sees the whole tenant, the outsider included.
  const auto mgr = Bearer(server_.Login(a.emails.at(Role::kManager)));
  EXPECT_EQ(c.Request("GET", "/api/v1/users/" + std::to_string(outsider), "", mgr).status, 200);
}

TEST_F(Authorization, OtherTenantsObjectsAreNotFoundOnEveryRouteWithAnId) {
  const Org a = Seed(server_, "alpha");
  const Org b = Seed(server_, "beta");
  const int64_t a_token =
      server_.app().auth().CreateApiToken(TenantScope(a.tenant), "pbx", {"ingest"}, {})->record.id;
  const std::map<std::string, int64_t> a_ids = {
      {"sites", a.site},     {"lobs", a.lob},
      {"teams", a.team},     {"users", a.users.at(Role::kAgent)},
      {"agents", a.agent},   {"tokens", a_token},
      {"queues", a.queue},   {"calls", a.call},
      {"sources", a.source}, {"pause-reasons", a.pause_reason},
      {"alerts", a.alert}};
  // B's administrator holds every permission, so only the tenant boundary can refuse.
  const auto admin_b = Bearer(server_.Login(b.emails.at(Role::kAdmin)));
  HttpClient c = server_.Client();
  int probes = 0;
  for (const Case& cs : kTable) {
    if (cs.pattern.find("{id}") == std::string::npos) continue;
    std::string path = cs.pattern;
    path.replace(path.find("{id}"), 4, std::to_string(a_ids.at(Noun(cs.pattern))));
    FillQueueId(path, a.queue);
    auto headers = admin_b;
    headers.emplace_back("Content-Type", "application/json");
    ClientResponse r = c.Request(cs.method, path, Body(cs.method, cs.pattern, b, 0), headers);
    EXPECT_EQ(r.status, 404) << cs.method << " " << path << ": " << r.body;
    EXPECT_EQ(Json(r).at("error").at("code").as_string(), "not_found");
    ++probes;
  }
  EXPECT_EQ(probes, 31);
  // Nothing of A changed: its objects are all still there under their names.
  const auto admin_a = Bearer(server_.Login(a.emails.at(Role::kAdmin)));
  EXPECT_EQ(Json(c.Request("GET", "/api/v1/sites/" + std::to_string(a.site), "", admin_a))
                .at("name")
                .as_string(),
            "Site");
  EXPECT_EQ(Json(c.Request("GET", "/api/v1/users/" + std::to_string(a.users.at(Role::kAgent)), "",
                           admin_a))
                .at("active")
                .as_bool(),
            true);
  EXPECT_TRUE(server_.Login(a.emails.at(Role::kAgent)).size() > 10);
  // Lists of B never contain A's rows.
  auto users = Json(c.Request("GET", "/api/v1/users?limit=500", "", admin_b));
  for (const auto& u : users.at("items").as_array()) {
    EXPECT_TRUE(std::string(u.at("email").as_string()).ends_with("@beta.test"));
  }
}

}  // namespace
}  // namespace callboard
