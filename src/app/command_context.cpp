#include "app/command_context.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "org/org_service.h"

namespace callboard {

Status CommandContext::Open() {
  auto a = App::Open(config, clock);
  if (!a) return a.error();
  app = std::move(*a);
  return Status::Ok();
}

Result<Tenant> CommandContext::FindTenant(const std::string& name) {
  return app->org().FindTenant(name);
}

void AddDataOption(CLI::App* cmd, CommandContext& s) {
  cmd->add_option("--data", s.config.data_dir, "data directory (SQLite database)")
      ->envname("CALLBOARD_DATA")
      ->default_str("./data");
  cmd->add_option("--db", s.config.db_url,
                  "postgresql://user:password@host:port/database: use PostgreSQL, not --data")
      ->envname("CALLBOARD_DB");
}

int Fail(const std::string& what, const Status& s) {
  std::cerr << "callboard: " << what << ": " << s.message() << "\n";
  for (const FieldError& f : s.field_errors()) {
    std::cerr << "  " << f.field << ": " << f.message << "\n";
  }
  return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace callboard
