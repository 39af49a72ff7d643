#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "app/command_context.h"
#include "app/serve.h"
#include "audit/audit_log.h"
#include "auth/auth_service.h"
#include "auth/auth_store.h"
#include "auth/password.h"
#include "org/org_json.h"
#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

constexpr const char* kVersion = "0.1.0";

std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// The first line of a small file (a password), without its line end.
Result<std::string> ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return Status::Invalid({{"path", "unreadable", "cannot read " + path}}, "cannot read " + path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.empty() || line.size() > 1024) {
    return Status::Invalid(
        {{"path", "invalid", path + ": the first line must hold 1 to 1024 bytes"}},
        "bad password file " + path);
  }
  return line;
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

Result<std::optional<int64_t>> ResolveTeam(App& app, const Principal& op, const std::string& team) {
  if (team.empty()) return std::optional<int64_t>();
  if (team.find_first_not_of("0123456789") == std::string::npos) {
    auto t = app.org().Get<Team>(op, std::stoll(team));
    if (!t) return t.error();
    return std::optional<int64_t>(t->id);
  }
  OrgFilter f;
  f.search = team;
  auto teams = app.org().List<Team>(op, f, PageRequest{.limit = kMaxPageLimit});
  if (!teams) return teams.error();
  for (const Team& t : teams->items) {
    if (t.name == team) return std::optional<int64_t>(t.id);
  }
  return Status::NotFound("no team named '" + team + "'");
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App cli{"Callboard: contact-center operations and quality platform"};
  cli.require_subcommand(1);
  CommandContext s;
  int rc = 0;

  // serve, and demo (= serve --demo)
  ServeOptions serve;
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP server (migrates first)");
  auto* demo_cmd = cli.add_subcommand(
      "demo", "serve with the demo tenant: users per role, 30 days of history, live traffic");
  for (CLI::App* cmd : {serve_cmd, demo_cmd}) {
    AddDataOption(cmd, s);
    AddTailRootOption(cmd, s);
    cmd->add_option("--listen", serve.listen, "ADDR:PORT to listen on")->capture_default_str();
    cmd->add_option("--threads", serve.threads, "io threads (0: one per core)")
        ->check(CLI::Range(0, 256));
    cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve HTTPS");
    cmd->add_option("--tls-key", serve.tls_key, "PEM private key for --tls-cert");
    cmd->add_option("--web-root", serve.web_root, "built web app to serve")->capture_default_str();
    cmd->callback([&, cmd] {
      if (cmd == demo_cmd) serve.demo = true;
      if (serve.tls_cert.has_value() != serve.tls_key.has_value()) {
        std::cerr << "callboard: --tls-cert and --tls-key go together\n";
        rc = 2;
        return;
      }
      if (Status st = s.Open(); !st.ok()) {
        rc = Fail("cannot open the database", st);
        return;
      }
      if (const std::string warning = ServingRoleWarning(s.config); !warning.empty()) {
        std::cerr << "callboard: WARNING: " << warning << "\n";
      }
      rc = RunServe(*s.app, serve);
    });
  }
  serve_cmd->add_flag("--demo", serve.demo, "create the demo tenant and users when missing");

  // migrate
  auto* migrate_cmd = cli.add_subcommand("migrate", "apply pending schema migrations");
  AddDataOption(migrate_cmd, s);
  std::string app_password_file;
  migrate_cmd
      ->add_option("--app-role", s.config.app_role,
                   "PostgreSQL: create or update this login role for serve, with its grants")
      ->envname("CALLBOARD_APP_ROLE");
  migrate_cmd
      ->add_option("--app-password-file", app_password_file,
                   "PostgreSQL: file whose first line is the app role's password")
      ->envname("CALLBOARD_APP_PASSWORD_FILE");
  migrate_cmd->callback([&] {
    if ((!s.config.app_role.empty() || !app_password_file.empty()) && s.config.db_url.empty()) {
      std::cerr << "callboard: --app-role and --app-password-file need --db postgresql://…\n";
      rc = 2;
      return;
    }
    if (!app_password_file.empty()) {
      if (s.config.app_role.empty()) {
        std::cerr << "callboard: --app-password-file needs --app-role\n";
        rc = 2;
        return;
      }
      auto password = ReadFirstLine(app_password_file);
      if (!password) return void(rc = Fail("--app-password-file", password.error()));
      s.config.app_password = *password;
    }
    if (Status st = s.Open(); !st.ok()) {
      rc = Fail("migration failed", st);
      return;
    }
    std::cout << "{\"applied\":" << s.app->migrations_applied() << "}\n";
  });

  // tenant
  auto* tenant_cmd = cli.add_subcommand("tenant", "manage tenants (platform operator)");
  tenant_cmd->require_subcommand(1);
  std::string tenant_name;
  auto* tenant_add = tenant_cmd->add_subcommand("add", "create a tenant");
  AddDataOption(tenant_add, s);
  tenant_add->add_option("name", tenant_name, "tenant name")->required();
  tenant_add->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto t = s.app->org().CreateTenant(tenant_name);
    if (!t) return void(rc = Fail("tenant add", t.error()));
    std::cout << boost::json::serialize(ToJson(*t)) << "\n";
  });
  auto* tenant_list = tenant_cmd->add_subcommand("list", "list tenants");
  AddDataOption(tenant_list, s);
  tenant_list->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto ts = s.app->org().ListTenants();
    if (!ts) return void(rc = Fail("tenant list", ts.error()));
    for (const Tenant& t : *ts) std::cout << boost::json::serialize(ToJson(t)) << "\n";
  });

  // user
  auto* user_cmd = cli.add_subcommand("user", "manage users of a tenant");
  user_cmd->require_subcommand(1);
  std::string u_tenant, u_email, u_name, u_role, u_team;
  bool password_stdin = false;
  auto* user_add = user_cmd->add_subcommand("add", "create a user");
  AddDataOption(user_add, s);
  user_add->add_option("--tenant", u_tenant, "tenant name")->required();
  user_add->add_option("--email", u_email, "sign-in e-mail")->required();
  user_add->add_option("--name", u_name, "display name")->required();
  user_add->add_option("--role", u_role, "agent|supervisor|qa|manager|admin|client_viewer")
      ->required();
  user_add->add_option("--team", u_team, "team name or id");
  user_add->add_flag("--password-stdin", password_stdin, "read the password from stdin");
  user_add->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(u_tenant);
    if (!tenant) return void(rc = Fail("user add", tenant.error()));
    const Principal op = OperatorPrincipal(tenant->id);
    auto role = ParseRole(u_role);
    if (!role) {
      return void(rc = Fail("user add", Status::Invalid({{"role", "invalid",
                                                          "unknown role '" + u_role + "'"}})));
    }
    auto team = ResolveTeam(*s.app, op, u_team);
    if (!team) return void(rc = Fail("user add", team.error()));
    std::optional<std::string> hash;
    if (password_stdin) {
      const std::string pw = ReadPasswordLine();
      if (Status st = CheckPasswordPolicy(pw); !st.ok()) return void(rc = Fail("user add", st));
      auto h = HashPassword(pw);
      if (!h) return void(rc = Fail("user add", h.error()));
      hash = *h;
    }
    User u{.email = u_email, .name = u_name, .role = *role, .team_id = *team};
    auto created = s.app->org().Create<User>(
        op, u, AuditContext{}, [&](Transaction& tx, const User& stored) -> Status {
          if (!hash) return Status::Ok();
          return tx.Auth().SetPasswordHash(op.tenant(), stored.id, *hash, s.clock.Now());
        });
    if (!created) return void(rc = Fail("user add", created.error()));
    std::cout << boost::json::serialize(ToJson(*created)) << "\n";
  });
  auto* user_list = user_cmd->add_subcommand("list", "list the users of a tenant");
  AddDataOption(user_list, s);
  user_list->add_option("--tenant", u_tenant, "tenant name")->required();
  user_list->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(u_tenant);
    if (!tenant) return void(rc = Fail("user list", tenant.error()));
    PageRequest page{.limit = kMaxPageLimit};
    for (;;) {
      auto users = s.app->org().List<User>(OperatorPrincipal(tenant->id), {}, page);
      if (!users) return void(rc = Fail("user list", users.error()));
      for (const User& u : users->items) std::cout << boost::json::serialize(ToJson(u)) << "\n";
      if (!users->next_after) break;
      page.after_id = users->next_after;
    }
  });
  auto* user_passwd = user_cmd->add_subcommand("passwd", "set a user's password (from stdin)");
  AddDataOption(user_passwd, s);
  user_passwd->add_option("--tenant", u_tenant, "tenant name")->required();
  user_passwd->add_option("--email", u_email, "the user's e-mail")->required();
  user_passwd->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(u_tenant);
    if (!tenant) return void(rc = Fail("user passwd", tenant.error()));
    OrgFilter f;
    f.search = u_email;
    auto users = s.app->org().List<User>(OperatorPrincipal(tenant->id), f, {});
    if (!users) return void(rc = Fail("user passwd", users.error()));
    std::optional<int64_t> id;
    for (const User& u : users->items) {
      if (u.email == u_email) id = u.id;
    }
    if (!id) return void(rc = Fail("user passwd", Status::NotFound("no user " + u_email)));
    Status st = s.app->auth().SetPassword(TenantScope(tenant->id), *id, ReadPasswordLine(),
                                          std::nullopt, AuditContext{});
    if (!st.ok()) return void(rc = Fail("user passwd", st));
    std::cout << "password set; the user's sessions have ended\n";
  });

  // token
  auto* token_cmd = cli.add_subcommand("token", "API tokens");
  token_cmd->require_subcommand(1);
  std::string t_tenant, t_name, t_scopes;
  auto* token_create = token_cmd->add_subcommand("create", "create an API token (printed once)");
  AddDataOption(token_create, s);
  token_create->add_option("--tenant", t_tenant, "tenant name")->required();
  token_create->add_option("--name", t_name, "what the token is for")->required();
  token_create->add_option("--scopes", t_scopes, "comma-separated: ingest,read")->required();
  token_create->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(t_tenant);
    if (!tenant) return void(rc = Fail("token create", tenant.error()));
    auto t = s.app->auth().CreateApiToken(TenantScope(tenant->id), t_name, SplitCommas(t_scopes),
                                          AuditContext{});
    if (!t) return void(rc = Fail("token create", t.error()));
    std::cout << t->token << "\n";
  });

  // audit
  auto* audit_cmd = cli.add_subcommand("audit", "audit log");
  audit_cmd->require_subcommand(1);
  std::string a_tenant;
  auto* audit_verify = audit_cmd->add_subcommand("verify", "verify a tenant's audit hash chain");
  AddDataOption(audit_verify, s);
  audit_verify->add_option("--tenant", a_tenant, "tenant name")->required();
  audit_verify->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(a_tenant);
    if (!tenant) return void(rc = Fail("audit verify", tenant.error()));
    auto v = s.app->audit().Verify(s.app->db(), TenantScope(tenant->id));
    if (!v) return void(rc = Fail("audit verify", v.error()));
    if (v->intact) {
      std::cout << "audit chain intact: " << v->entries_checked << " entries\n";
    } else {
      std::cout << "audit chain BROKEN at entry seq " << *v->broken_seq << ": " << v->reason << " ("
                << v->entries_checked << " entries before it are intact)\n";
      rc = 3;
    }
  });

  AddTelephonyCommands(cli, s, rc);
  AddSourceCommands(cli, s, rc);

  auto* version_cmd = cli.add_subcommand("version", "print the version");
  version_cmd->callback([&] { std::cout << "callboard " << kVersion << "\n"; });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return rc;
}

}  // namespace callboard
