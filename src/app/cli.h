#pragma once
// The command line: `callboard <command> …` (CLI11). Returns the process exit code.

namespace callboard {

int RunCli(int argc, char** argv);

}  // namespace callboard
