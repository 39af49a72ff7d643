// Commands: source add, source list, source remove — the long-running sources `serve` runs
// (a running server picks changes up within seconds).

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "app/command_context.h"
#include "ingest/sources/source_json.h"
#include "ingest/sources/source_service.h"

namespace callboard {

void AddTailRootOption(CLI::App* cmd, CommandContext& s) {
  cmd->add_option("--tail-root", s.config.tail_roots,
                  "directory whose files tenants may tail (repeatable; default <data>/tail)")
      ->envname("CALLBOARD_TAIL_ROOTS")
      ->delimiter(':');
}

void AddSourceCommands(CLI::App& cli, CommandContext& s, int& rc) {
  auto* source_cmd = cli.add_subcommand("source", "long-running sources run by serve");
  source_cmd->require_subcommand(1);

  // source add
  static std::string a_tenant, a_name, a_kind, a_format, a_path, a_host, a_tz = "UTC", a_columns;
  static std::string a_username, a_secret_env, a_channel_template;
  static int a_port = 0;
  static bool a_disabled = false;
  auto* add = source_cmd->add_subcommand(
      "add", "configure a file tail, a 3CX TCP feed or an Asterisk Manager Interface link");
  AddDataOption(add, s);
  AddTailRootOption(add, s);
  add->add_option("--tenant", a_tenant, "tenant name")->required();
  add->add_option("--name", a_name, "source name (names its calls and rejects)")->required();
  add->add_option("--kind", a_kind, "file-tail, 3cx-tcp-listen, 3cx-tcp-connect or asterisk-ami")
      ->required();
  add->add_option("--format", a_format,
                  "asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json, calls-csv "
                  "(asterisk-ami: asterisk-queue-log, the default)");
  add->add_option("--path", a_path, "file-tail: the file to follow (absolute)");
  add->add_option("--host", a_host, "3cx-tcp-connect: 3CX's address; listen: bind address");
  add->add_option("--port", a_port, "3CX TCP: the CDR socket's port; asterisk-ami: default 5038")
      ->check(CLI::Range(1, 65535));
  add->add_option("--username", a_username, "asterisk-ami: the manager.conf user");
  add->add_option("--secret-env", a_secret_env,
                  "asterisk-ami: the environment variable holding the manager.conf secret "
                  "(kept out of the command line; never printed)");
  add->add_option("--channel-template", a_channel_template,
                  "asterisk-ami: the supervisor's phone for monitoring (default PJSIP/{ext})");
  add->add_option("--tz", a_tz, "time zone of the PBX's timestamps")->capture_default_str();
  add->add_option("--columns", a_columns, "3CX: the configured CDR fields, comma-separated");
  add->add_flag("--disabled", a_disabled, "store it without starting it");
  add->callback([&] {
    SourceConfig c;
    std::vector<FieldError> errors;
    if (auto kind = ParseSourceKind(a_kind)) {
      c.kind = *kind;
    } else {
      errors.push_back({"kind", "invalid",
                        "must be file-tail, 3cx-tcp-listen, 3cx-tcp-connect or asterisk-ami"});
    }
    if (a_format.empty() && c.kind == SourceKind::kAsteriskAmi) {
      c.format = SourceFormat::kAsteriskQueueLog;
    } else if (auto format = ParseSourceFormat(a_format)) {
      c.format = *format;
    } else {
      errors.push_back(
          {"format", "invalid",
           a_format.empty() ? "required for this kind" : "unknown format '" + a_format + "'"});
    }
    if (!a_secret_env.empty()) {
      const char* secret = std::getenv(a_secret_env.c_str());
      if (secret == nullptr) {
        errors.push_back(
            {"secret", "required", "environment variable " + a_secret_env + " is not set"});
      } else {
        c.secret = secret;
      }
    }
    c.username = a_username;
    c.channel_template = a_channel_template;
    if (!errors.empty()) return void(rc = Fail("source add", Status::Invalid(errors)));
    c.name = a_name;
    c.path = a_path;
    c.host = a_host;
    if (a_port != 0) c.port = a_port;
    c.time_zone = a_tz;
    std::stringstream in(a_columns);
    for (std::string col; std::getline(in, col, ',');) c.columns.push_back(col);
    c.enabled = !a_disabled;
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(a_tenant);
    if (!tenant) return void(rc = Fail("source add", tenant.error()));
    auto created = s.app->sources().Create(TenantScope(tenant->id), c, AuditContext{});
    if (!created) return void(rc = Fail("source add", created.error()));
    std::cout << boost::json::serialize(ToJson(*created)) << "\n";
  });

  // source list
  static std::string l_tenant;
  auto* list = source_cmd->add_subcommand("list", "the tenant's sources, one JSON per line");
  AddDataOption(list, s);
  list->add_option("--tenant", l_tenant, "tenant name")->required();
  list->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(l_tenant);
    if (!tenant) return void(rc = Fail("source list", tenant.error()));
    auto sources = s.app->sources().List(TenantScope(tenant->id));
    if (!sources) return void(rc = Fail("source list", sources.error()));
    for (const SourceView& v : *sources) {
      std::cout << boost::json::serialize(ToJson(v, nullptr, s.clock.Now())) << "\n";
    }
  });

  // source remove
  static std::string r_tenant, r_name;
  auto* remove = source_cmd->add_subcommand("remove", "delete a source (its data stays)");
  AddDataOption(remove, s);
  remove->add_option("--tenant", r_tenant, "tenant name")->required();
  remove->add_option("--name", r_name, "source name")->required();
  remove->callback([&] {
    if (Status st = s.Open(); !st.ok()) return void(rc = Fail("cannot open", st));
    auto tenant = s.FindTenant(r_tenant);
    if (!tenant) return void(rc = Fail("source remove", tenant.error()));
    const TenantScope scope(tenant->id);
    auto sources = s.app->sources().List(scope);
    if (!sources) return void(rc = Fail("source remove", sources.error()));
    for (const SourceView& v : *sources) {
      if (v.source.name != r_name) continue;
      if (Status st = s.app->sources().Delete(scope, v.source.id, AuditContext{}); !st.ok())
        rc = Fail("source remove", st);
      return;
    }
    rc = Fail("source remove", Status::NotFound("no source named '" + r_name + "'"));
  });
}

}  // namespace callboard
