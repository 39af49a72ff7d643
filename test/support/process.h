#pragma once
// Running the real `callboard` binary from tests: the binary ctest names in
// CALLBOARD_BINARY, started with arguments, stdin from /dev/null and its output captured
// in files of a scratch directory; and small file helpers.
// Thread-safety: plain functions; each call forks its own child.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace callboard {

// The binary under test (CALLBOARD_BINARY, else "callboard" on PATH).
std::string CallboardBinary();
// The source tree (CALLBOARD_SOURCE, else ".").
std::filesystem::path SourceDir();

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& bytes);

struct CommandRun {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// A TCP port on 127.0.0.1 that was free a moment ago (for a server told its port up front).
uint16_t FreePort();

// Starts the binary with `args`; stdout and stderr go to scratch/stdout.txt and stderr.txt,
// stdin reads `input` (nothing when absent).
pid_t SpawnCallboard(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                     const std::optional<std::string>& input = std::nullopt);
// Runs the binary to its end and returns its exit code and output.
CommandRun RunCallboard(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                        const std::optional<std::string>& input = std::nullopt);

}  // namespace callboard
