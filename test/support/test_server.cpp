#include "test/support/test_server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <random>
#include <string_view>

#include "api/api.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "app/app.h"
#include "auth/auth_store.h"
#include "auth/password.h"
#include "ingest/sources/source_runner.h"
#include "ingest/sources/source_service.h"
#include "live/live_service.h"
#include "org/org_service.h"
#include "storage/postgres/pg_test_support.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// 2026-11-22T09:00:00Z: a fixed start so that session expiry is exact.
constexpr int64_t kStartMs = 1795338000000;

std::filesystem::path MakeTempDir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("callboard-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

bool TestServerOnPostgres() {
  const char* backend = std::getenv("CALLBOARD_TEST_DB");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

TestServer::TestServer(TestServerOptions options)
    : dir_(MakeTempDir()), clock_(FromUnixMillis(kStartMs)) {
  AppConfig config{.data_dir = dir_};
  if (TestServerOnPostgres()) {  // a fresh database of the test cluster, as the app role
    pg_database_ = PgTestCluster::Get().CreateDatabase();
    config.db_url = PgTestCluster::Get().AppUrl(pg_database_);
  }
  auto app = App::Open(config, clock_);
  if (!app) throw std::runtime_error("App::Open: " + app.error().ToString());
  app_ = std::move(*app);
  app_->EnableLive();
  SourceRunnerOptions sources;
  sources.observer = &app_->live();
  sources.pbx = &app_->live();
  sources.timings.flush_after = std::chrono::milliseconds(100);
  sources.timings.poll = std::chrono::milliseconds(50);
  sources.timings.backoff_initial = std::chrono::milliseconds(300);
  sources.leases = app_->source_leases();  // PostgreSQL: sources run under their leases
  sources.lease_retry = std::chrono::milliseconds(300);
  sources_ = std::make_unique<SourceRunner>(app_->db(), clock_, app_->sources(), sources);
  metrics_ = std::make_unique<HttpMetrics>();
  ApiOptions api_options;
  api_options.login_per_minute = options.login_per_minute;
  api_options.login_burst = options.login_burst;
  api_options.web_root = dir_ / "no-web";
  api_ = std::make_unique<Api>(
      ApiDeps{app_->db(), clock_, app_->auth(), app_->org(), app_->audit(), *metrics_,
              app_->reports(), app_->importer(), &app_->sources(), sources_.get(), &app_->live()},
      api_options);
  HttpServerOptions http;
  http.port = 0;
  http.threads = 2;
  http.access_log = [](std::string_view) {};
  http.websocket = [this](HttpRequest& req) { return api_->Upgrade(req); };
  http.websocket_queue_limit = options.websocket_queue_limit;
  http.websocket_send_buffer = options.websocket_send_buffer;
  server_ = std::make_unique<HttpServer>(
      http, [this](HttpRequest& req) { return api_->Dispatch(req); }, *metrics_);
  Status s = server_->Start();
  if (!s.ok()) throw std::runtime_error("HttpServer::Start: " + s.ToString());
  sources_->Start();
}

TestServer::~TestServer() {
  sources_->Stop();
  server_->Shutdown(std::chrono::seconds(2));
  server_.reset();
  api_.reset();
  sources_.reset();
  app_.reset();
  if (!pg_database_.empty()) PgTestCluster::Get().DropDatabase(pg_database_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

uint16_t TestServer::port() const { return server_->port(); }

int64_t TestServer::CreateTenant(const std::string& name) {
  auto t = app_->org().CreateTenant(name);
  if (!t) throw std::runtime_error("CreateTenant: " + t.error().ToString());
  return t->id;
}

int64_t TestServer::CreateUser(int64_t tenant_id, const std::string& email, Role role,
                               std::optional<int64_t> team_id) {
  static const std::string hash = *HashPassword(kTestPassword);
  const Principal op = OperatorPrincipal(tenant_id);
  User u{
      .email = email, .name = email.substr(0, email.find('@')), .role = role, .team_id = team_id};
  auto created =
      app_->org().Create<User>(op, u, AuditContext{}, [&](Transaction& tx, const User& stored) {
        return tx.Auth().SetPasswordHash(op.tenant(), stored.id, hash, clock_.Now());
      });
  if (!created) throw std::runtime_error("CreateUser: " + created.error().ToString());
  return created->id;
}

std::string TestServer::Login(const std::string& email, const std::string& password) {
  HttpClient c = Client();
  const std::string body =
      boost::json::serialize(boost::json::object{{"email", email}, {"password", password}});
  ClientResponse r =
      c.Request("POST", "/api/v1/auth/login", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << email << ": " << r.body;
  if (r.status != 200) return "";
  return std::string(Json(r).at("token").as_string());
}

std::vector<std::pair<std::string, std::string>> Bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

boost::json::value Json(const ClientResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

}  // namespace callboard
