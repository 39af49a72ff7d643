#pragma once
// What every command-line command shares: the data directory option, the App opened from
// it, and how failures are printed. Used by cli.cpp and the command groups beside it.

#include <memory>
#include <string>

#include "app/app.h"
#include "core/status.h"
#include "org/org_types.h"

namespace CLI {
class App;
}

namespace callboard {

// Everything a command needs, opened lazily from --data or --db.
struct CommandContext {
  AppConfig config;
  SystemClock clock;
  std::unique_ptr<App> app;

  Status Open();
  Result<Tenant> FindTenant(const std::string& name);
};

// Adds --data (and CALLBOARD_DATA) and --db (and CALLBOARD_DB) to a command.
void AddDataOption(CLI::App* cmd, CommandContext& s);

// Prints "callboard: <what>: <message>" and each field error to stderr; returns the exit
// code: 2 for invalid input, 1 otherwise.
int Fail(const std::string& what, const Status& s);

// import, report, simulate, rejects (telephony_commands.cpp).
void AddTelephonyCommands(CLI::App& cli, CommandContext& s, int& rc);

// --tail-root (and CALLBOARD_TAIL_ROOTS, ':'-separated): directories file tails may read.
void AddTailRootOption(CLI::App* cmd, CommandContext& s);
// source add, source list (source_commands.cpp).
void AddSourceCommands(CLI::App& cli, CommandContext& s, int& rc);

}  // namespace callboard
