// The command line on PostgreSQL, with the real binary: migrate as the owner creating the app
// role, commands as the app role, and serve's warning when it connects as the owner.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/postgres/embedded_migrations.h"
#include "storage/postgres/pg_test_support.h"
#include "test/support/process.h"

namespace callboard {
namespace {

class PostgresCli : public testing::Test {
 protected:
  void SetUp() override {
    const PgTestCluster& c = PgTestCluster::Get();
    const std::string id = std::to_string(getpid());
    db_ = "cb_cli_" + id;
    role_ = "cb_cli_app_" + id;
    c.Super("postgres", "CREATE DATABASE " + db_ + " OWNER callboard_owner");
    c.Super(db_, "ALTER SCHEMA public OWNER TO callboard_owner");
    scratch_ = std::filesystem::temp_directory_path() / ("callboard-pgcli-" + id);
    std::filesystem::create_directories(scratch_);
    WriteFile(scratch_ / "password", "S3cret-app-" + id + "\n");
  }
  void TearDown() override {
    const PgTestCluster& c = PgTestCluster::Get();
    c.DropDatabase(db_);
    c.Super("postgres", "DROP ROLE IF EXISTS " + role_);
    std::filesystem::remove_all(scratch_);
  }
  std::string OwnerUrl() const { return PgTestCluster::Get().OwnerUrl(db_); }
  std::string AppUrl() const {
    return "postgresql://" + role_ + ":S3cret-app-" + std::to_string(getpid()) + "@/" + db_ +
           "?host=" + PgTestCluster::Get().host() + "&port=" + PgTestCluster::Get().port();
  }
  CommandRun Migrate() {
    return RunCallboard(scratch_, {"migrate", "--db", OwnerUrl(), "--app-role", role_,
                                   "--app-password-file", (scratch_ / "password").string()});
  }
  // Starts serve, waits (20 s at most) until it listens, stops it; returns its stderr.
  std::string ServeStderr(const std::string& url) {
    std::filesystem::remove(scratch_ / "stdout.txt");  // not the previous run's output
    std::filesystem::remove(scratch_ / "stderr.txt");
    const pid_t pid = SpawnCallboard(scratch_, {"serve", "--db", url, "--listen", "127.0.0.1:0",
                                                "--data", (scratch_ / "data").string()});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (ReadFile(scratch_ / "stdout.txt").find("listening") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_NE(ReadFile(scratch_ / "stdout.txt").find("listening"), std::string::npos)
        << ReadFile(scratch_ / "stderr.txt");
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    return ReadFile(scratch_ / "stderr.txt");
  }

  std::string db_, role_;
  std::filesystem::path scratch_;
};

TEST_F(PostgresCli, MigrateAsOwnerThenWorkAsTheAppRole) {
  const CommandRun first = Migrate();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "{\"applied\":" + std::to_string(PostgresMigrations().size()) + "}\n");
  const CommandRun again = Migrate();  // idempotent; the role and grants are refreshed
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "{\"applied\":0}\n");

  const CommandRun add = RunCallboard(scratch_, {"tenant", "add", "acme", "--db", AppUrl()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("\"name\":\"acme\""), std::string::npos) << add.out;
  const CommandRun list = RunCallboard(scratch_, {"tenant", "list", "--db", AppUrl()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\"name\":\"acme\""), std::string::npos) << list.out;
}

TEST_F(PostgresCli, ServeWarnsWhenConnectedAsTheOwnerOnly) {
  ASSERT_EQ(Migrate().exit_code, 0);
  const std::string owner = ServeStderr(OwnerUrl());
  EXPECT_NE(owner.find("WARNING: SERVING AS the owner of the tables"), std::string::npos) << owner;
  const std::string app = ServeStderr(AppUrl());
  EXPECT_EQ(app.find("WARNING"), std::string::npos) << app;
}

TEST_F(PostgresCli, BadStorageOptionsAreRefused) {
  const CommandRun role_without_db = RunCallboard(
      scratch_, {"migrate", "--data", (scratch_ / "data").string(), "--app-role", "x"});
  EXPECT_EQ(role_without_db.exit_code, 2);
  EXPECT_NE(role_without_db.err.find("need --db"), std::string::npos) << role_without_db.err;
  const CommandRun not_a_url = RunCallboard(scratch_, {"tenant", "list", "--db", "/var/lib/x"});
  EXPECT_EQ(not_a_url.exit_code, 2);
  EXPECT_NE(not_a_url.err.find("--db names no PostgreSQL database"), std::string::npos)
      << not_a_url.err;
  const CommandRun app_before_migrate =
      RunCallboard(scratch_, {"tenant", "list", "--db", PgTestCluster::Get().AppUrl(db_)});
  EXPECT_EQ(app_before_migrate.exit_code, 1);
  EXPECT_NE(app_before_migrate.err.find("callboard migrate --db"), std::string::npos)
      << app_before_migrate.err;
}

}  // namespace
}  // namespace callboard
