#pragma once
// TestServer: the real Callboard server in-process for integration tests — the same
// App, Api and HttpServer that `callboard serve` wires, on 127.0.0.1 port 0 with a
// temporary data directory and a FakeClock — plus helpers to seed tenants and users.
// With CALLBOARD_TEST_DB=postgres the App uses a fresh database of the PostgreSQL test cluster
// (storage/postgres/pg_test_support.h) as the app role instead of SQLite; ctest registers the
// HTTP tests a second time that way (test/CMakeLists.txt).
// Thread-safety: use from the test's thread; the server runs its own io threads.

#include <boost/json/fwd.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/role.h"
#include "test/support/http_client.h"

namespace callboard {

class App;
class Api;
class HttpMetrics;
class HttpServer;
class SourceRunner;

inline constexpr const char* kTestPassword = "Correct-Horse-9";

struct TestServerOptions {
  double login_per_minute = 600;
  double login_burst = 600;
  size_t websocket_queue_limit = 256;
  int websocket_send_buffer = 0;
};

// True when CALLBOARD_TEST_DB=postgres.
bool TestServerOnPostgres();

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  uint16_t port() const;
  App& app() { return *app_; }
  // The long-running sources, started with the server (short flush delay and backoff).
  SourceRunner& sources() { return *sources_; }
  FakeClock& clock() { return clock_; }
  const std::filesystem::path& data_dir() const { return dir_; }
  HttpClient Client() const { return HttpClient("127.0.0.1", port()); }

  int64_t CreateTenant(const std::string& name);
  // A user with kTestPassword; returns the user id.
  int64_t CreateUser(int64_t tenant_id, const std::string& email, Role role,
                     std::optional<int64_t> team_id = std::nullopt);
  // Signs in over HTTP; returns the bearer token (fails the test otherwise).
  std::string Login(const std::string& email, const std::string& password = kTestPassword);

 private:
  std::filesystem::path dir_;
  std::string pg_database_;  // on PostgreSQL: the test's database, dropped at the end
  FakeClock clock_;
  std::unique_ptr<App> app_;
  std::unique_ptr<SourceRunner> sources_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
};

// "Authorization: Bearer <token>" as a header list for HttpClient::Request.
std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token);
// Parses a response body as JSON (fails the test when it is not).
boost::json::value Json(const ClientResponse& r);

}  // namespace callboard
