#include "test/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace callboard {

std::string CallboardBinary() {
  const char* b = std::getenv("CALLBOARD_BINARY");
  return b ? b : "callboard";
}

std::filesystem::path SourceDir() {
  const char* s = std::getenv("CALLBOARD_SOURCE");
  return s ? s : ".";
}

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

pid_t SpawnCallboard(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                     const std::optional<std::string>& input) {
  const std::filesystem::path out = scratch / "stdout.txt";
  std::filesystem::path in = "/dev/null";
  if (input) {
    in = scratch / "stdin.txt";
    WriteFile(in, *input);
  }
  const std::filesystem::path err = scratch / "stderr.txt";
  const std::string binary = CallboardBinary();
  const pid_t pid = fork();
  if (pid == 0) {
    const int in_fd = open(in.c_str(), O_RDONLY);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    std::vector<std::string> all = {"callboard"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

CommandRun RunCallboard(const std::filesystem::path& scratch, const std::vector<std::string>& args,
                        const std::optional<std::string>& input) {
  const pid_t pid = SpawnCallboard(scratch, args, input);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(scratch / "stdout.txt"),
          ReadFile(scratch / "stderr.txt")};
}

}  // namespace callboard
