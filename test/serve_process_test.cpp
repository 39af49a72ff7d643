// The real `callboard` binary: the command line (tenant, user, token, audit verify) and
// `serve` stopping gracefully on SIGTERM with a request in flight.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "test/support/http_client.h"
#include "test/support/process.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct CommandResult {
  int exit_code;
  std::string output;
};

// Runs the binary with `args` (and `input` on stdin); captures stdout and stderr.
CommandResult RunCommand(const std::string& args, const std::string& input = "") {
  const fs::path in = fs::temp_directory_path() / ("cb-in-" + std::to_string(getpid()));
  {
    FILE* f = std::fopen(in.c_str(), "w");
    std::fputs(input.c_str(), f);
    std::fclose(f);
  }
  const std::string cmd = CallboardBinary() + " " + args + " < " + in.string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  fs::remove(in);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class Process : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("callboard-proc-" + std::to_string(rd()));
    fs::create_directories(dir_);
    data_ = "--data " + dir_.string();
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }

  // Starts `serve` and waits (up to 10 s) until /healthz answers.
  void Serve() {
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl(CallboardBinary().c_str(), "callboard", "serve", "--data", dir_.c_str(), "--listen",
            listen.c_str(), "--threads", "2", static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Healthy()) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "serve did not come up";
  }

  // True when GET /healthz answers 200; false when nothing listens.
  bool Healthy() {
    try {
      HttpClient c("127.0.0.1", port_);
      return c.Request("GET", "/healthz").status == 200;
    } catch (const std::system_error&) {
      return false;
    }
  }

  // Waits up to `limit` for the server to exit; its exit code, or -1 on timeout.
  int WaitExit(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  fs::path dir_;
  std::string data_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST_F(Process, CommandLineCreatesTenantUserTokenAndVerifiesTheAudit) {
  EXPECT_EQ(RunCommand("version").output, "callboard 0.1.0\n");
  CommandResult t = RunCommand("tenant add acme " + data_);
  ASSERT_EQ(t.exit_code, 0) << t.output;
  EXPECT_EQ(boost::json::parse(t.output).at("name").as_string(), "acme");
  EXPECT_NE(RunCommand("tenant list " + data_).output.find("\"acme\""), std::string::npos);

  CommandResult weak = RunCommand("user add " + data_ +
                                      " --tenant acme --email a@acme.test --name A --role admin "
                                      "--password-stdin",
                                  "password\n");
  EXPECT_EQ(weak.exit_code, 2);
  EXPECT_NE(weak.output.find("at least 12 characters"), std::string::npos) << weak.output;
  CommandResult bad_role = RunCommand("user add " + data_ +
                                      " --tenant acme --email a@acme.test --name A --role emperor");
  EXPECT_EQ(bad_role.exit_code, 2);
  CommandResult u = RunCommand("user add " + data_ +
                                   " --tenant acme --email a@acme.test --name Ann --role admin "
                                   "--password-stdin",
                               "Strong-Password-1\n");
  ASSERT_EQ(u.exit_code, 0) << u.output;
  EXPECT_EQ(boost::json::parse(u.output).at("role").as_string(), "admin");
  EXPECT_NE(RunCommand("user list --tenant acme " + data_).output.find("a@acme.test"),
            std::string::npos);

  CommandResult tok =
      RunCommand("token create " + data_ + " --tenant acme --name pbx --scopes ingest,read");
  ASSERT_EQ(tok.exit_code, 0) << tok.output;
  EXPECT_TRUE(tok.output.starts_with("cbt_")) << tok.output;

  Serve();
  HttpClient c("127.0.0.1", port_);
  ClientResponse login = c.Request("POST", "/api/v1/auth/login",
                                   R"({"email":"a@acme.test","password":"Strong-Password-1"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token(boost::json::parse(login.body).at("token").as_string());
  ClientResponse me =
      c.Request("GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(boost::json::parse(me.body).at("user").at("email").as_string(), "a@acme.test");
  std::string api_token = tok.output.substr(0, tok.output.find('\n'));
  ClientResponse by_token =
      c.Request("GET", "/api/v1/auth/me", "", {{"Authorization", "Bearer " + api_token}});
  EXPECT_EQ(boost::json::parse(by_token.body).at("token").at("name").as_string(), "pbx");

  // The audit chain verifies while the server runs …
  CommandResult ok = RunCommand("audit verify --tenant acme " + data_);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("intact: 4 entries"), std::string::npos) << ok.output;
  // … and fails, naming the entry, once a row is edited directly.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "callboard.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  std::string sql;
  auto collect = [](void* out, int, char** v, char**) {
    *static_cast<std::string*>(out) += std::string("DROP TRIGGER \"") + v[0] + "\";";
    return 0;
  };
  sqlite3_exec(db, "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'",
               collect, &sql, nullptr);
  sql += "UPDATE audit_log SET action = 'user.nothing' WHERE seq = 2;";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  CommandResult broken = RunCommand("audit verify --tenant acme " + data_);
  EXPECT_EQ(broken.exit_code, 3);
  EXPECT_NE(broken.output.find("BROKEN at entry seq 2"), std::string::npos) << broken.output;
}

TEST_F(Process, SigtermLetsTheRequestInFlightFinishAndExitsZero) {
  ASSERT_EQ(RunCommand("tenant add acme " + data_).exit_code, 0);
  Serve();
  // A slow client: headers and half of a body, then SIGTERM, then the rest.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string body = R"({"email":"nobody@acme.test","password":"Some-Password-1"})";
  const std::string head =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  const std::string first = head + body.substr(0, 10);
  ASSERT_EQ(send(fd, first.data(), first.size(), 0), static_cast<ssize_t>(first.size()));
  std::this_thread::sleep_for(200ms);
  const auto t0 = std::chrono::steady_clock::now();
  kill(pid_, SIGTERM);
  std::this_thread::sleep_for(500ms);
  // Stopped accepting: a new connection is refused.
  EXPECT_FALSE(Healthy());
  const std::string rest = body.substr(10);
  ASSERT_EQ(send(fd, rest.data(), rest.size(), 0), static_cast<ssize_t>(rest.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, n);
  close(fd);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 401")) << response;
  EXPECT_NE(response.find("invalid email or password"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  const int code = WaitExit(5s);
  EXPECT_EQ(code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

}  // namespace
}  // namespace callboard
