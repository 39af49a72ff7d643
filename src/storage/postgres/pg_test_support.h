#pragma once
// Test support for the PostgreSQL backend: the throwaway cluster that
// scripts/pg-test-cluster.sh starts for ctest (fixture "postgres"), and a Database on a fresh
// copy of its migrated template database, connected as the app role (row-level security
// applies) and dropped when destroyed. For tests only.
//
// The cluster is found through CALLBOARD_PG_TEST_STATE (the state directory whose env file
// the script wrote); ctest sets it for every test that needs the fixture.
//
// Thread-safety: as Database; PgTestCluster is immutable once loaded.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_database.h"

namespace callboard {

class PgTestCluster {
 public:
  // The cluster of this test run; throws when CALLBOARD_PG_TEST_STATE is unset or its env
  // file is missing (the fixture did not run).
  static const PgTestCluster& Get() {
    static const PgTestCluster cluster = Load();
    return cluster;
  }

  std::string SuperUrl(const std::string& db) const { return Url("postgres", "", db); }
  std::string OwnerUrl(const std::string& db) const {
    return Url("callboard_owner", owner_password_, db);
  }
  std::string AppUrl(const std::string& db) const {
    return Url("callboard_app", app_password_, db);
  }
  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }

  // Runs `sql` as the superuser on database `db`; throws on failure.
  void Super(const std::string& db, const std::string& sql) const {
    auto conn = PgConnection::Open(SuperUrl(db), std::chrono::seconds(10));
    if (!conn) throw std::runtime_error("connect: " + conn.error().ToString());
    const Status st = (*conn)->Exec(sql);
    if (!st.ok()) throw std::runtime_error(sql + ": " + st.ToString());
  }

  // A new database copied from the migrated template; returns its name.
  std::string CreateDatabase() const {
    static std::atomic<int> counter{0};
    const std::string name =
        "cb_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    Super("postgres", "CREATE DATABASE " + name + " TEMPLATE cb_template OWNER callboard_owner");
    return name;
  }
  void DropDatabase(const std::string& name) const {
    Super("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

 private:
  static PgTestCluster Load() {
    const char* state = std::getenv("CALLBOARD_PG_TEST_STATE");
    if (state == nullptr) {
      throw std::runtime_error(
          "CALLBOARD_PG_TEST_STATE is unset: run PostgreSQL tests through ctest (fixture "
          "postgres, scripts/pg-test-cluster.sh)");
    }
    std::ifstream in(std::string(state) + "/env");
    if (!in) throw std::runtime_error(std::string("no cluster: cannot read ") + state + "/env");
    std::map<std::string, std::string> env;
    for (std::string line; std::getline(in, line);) {
      const size_t eq = line.find('=');
      if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    PgTestCluster c;
    c.host_ = env["CB_PG_HOST"];
    c.port_ = env["CB_PG_PORT"];
    c.owner_password_ = env["CB_PG_OWNER_PASSWORD"];
    c.app_password_ = env["CB_PG_APP_PASSWORD"];
    if (c.host_.empty() || c.port_.empty()) throw std::runtime_error("incomplete cluster env");
    return c;
  }

  std::string Url(const std::string& user, const std::string& password,
                  const std::string& db) const {
    return "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@/" + db +
           "?host=" + host_ + "&port=" + port_;
  }

  std::string host_, port_, owner_password_, app_password_;
};

// A migrated database of its own, connected as the app role, dropped after it is closed.
class TempPgDatabase final : public Database {
 public:
  // Returns null (after printing why) when creating or opening fails.
  static std::unique_ptr<Database> Open(PostgresOptions options = {}) {
    try {
      const PgTestCluster& cluster = PgTestCluster::Get();
      auto out = std::unique_ptr<TempPgDatabase>(new TempPgDatabase());
      out->name_ = cluster.CreateDatabase();
      options.url = cluster.AppUrl(out->name_);
      auto db = OpenPostgresDatabase(options);
      if (!db) {
        std::fprintf(stderr, "open: %s\n", db.error().ToString().c_str());
        return nullptr;
      }
      out->db_ = std::move(*db);
      return out;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "PostgreSQL test database: %s\n", e.what());
      return nullptr;
    }
  }
  ~TempPgDatabase() override {
    db_.reset();
    try {
      if (!name_.empty()) PgTestCluster::Get().DropDatabase(name_);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "drop %s: %s\n", name_.c_str(), e.what());
    }
  }

  const std::string& name() const { return name_; }
  Status Write(const Work& work) override { return db_->Write(work); }
  Status Read(const Work& work) override { return db_->Read(work); }
  Status Ping() override { return db_->Ping(); }
  Result<int> Migrate() override { return db_->Migrate(); }

 private:
  TempPgDatabase() = default;
  std::string name_;
  std::unique_ptr<Database> db_;
};

}  // namespace callboard
