// Behaviour of the SQLite backend beyond the store conformance suite: migrations, file
// handling, pragmas, the append-only audit table and the writer's edge cases.
#include "storage/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "audit/audit_store.h"
#include "auth/auth_store.h"
#include "org/org_store.h"
#include "storage/sqlite/embedded_migrations.h"
#include "storage/sqlite/sqlite_auth_store.h"
#include "storage/sqlite/sqlite_error.h"
#include "storage/sqlite/sqlite_test_support.h"

namespace callboard {
namespace {

// A plain sqlite3 connection to a database file, to look behind the backend's back.
class RawSqlite {
 public:
  explicit RawSqlite(const std::filesystem::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawSqlite() { sqlite3_close(db_); }
  // The error message of running `sql`, empty when it succeeded.
  std::string Exec(const std::string& sql) {
    char* error = nullptr;
    sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    std::string out = error != nullptr ? error : "";
    sqlite3_free(error);
    return out;
  }
  // The first column of every row of `sql`, as text.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      out.push_back(text != nullptr ? text : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteDatabaseTest : public testing::Test {
 protected:
  std::filesystem::path DbPath() const { return dir_.path() / "data" / "callboard.db"; }

  std::unique_ptr<Database> Open(SqliteOptions options = {}) {
    options.path = DbPath();
    auto db = OpenSqliteDatabase(options);
    EXPECT_TRUE(db) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }

  // Opens and migrates, failing the test when either fails.
  std::unique_ptr<Database> OpenMigrated(SqliteOptions options = {}) {
    auto db = Open(std::move(options));
    if (!db) return nullptr;
    auto applied = db->Migrate();
    EXPECT_TRUE(applied) << applied.error().ToString();
    return db;
  }

  static Result<Tenant> AddTenant(Database& db, const std::string& name) {
    Result<Tenant> out = Status::Internal("not run");
    const Status s = db.Write([&](Transaction& tx) -> Status {
      out = tx.Org().InsertTenant(name, FromUnixMillis(1000));
      return out ? Status::Ok() : out.error();
    });
    if (!s.ok()) return s;
    return out;
  }

  TempDir dir_;
};

TEST_F(SqliteDatabaseTest, MigrateAppliesEveryEmbeddedMigrationOnceAndRecordsIt) {
  const auto migrations = SqliteMigrations();
  ASSERT_FALSE(migrations.empty());
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto first = db->Migrate();
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(*first, static_cast<int>(migrations.size()));
  auto second = db->Migrate();
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(*second, 0);

  RawSqlite raw(DbPath());
  std::vector<std::string> expected;
  for (const EmbeddedMigration& m : migrations) {
    expected.push_back(std::to_string(m.version) + ":" + m.name);
  }
  EXPECT_EQ(raw.Column("SELECT version || ':' || name FROM schema_migrations ORDER BY version"),
            expected);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM schema_migrations WHERE applied_at > 1700000000000"),
            std::vector<std::string>{std::to_string(migrations.size())});
  EXPECT_EQ(raw.Column("PRAGMA foreign_key_check"), std::vector<std::string>{});
}

TEST_F(SqliteDatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  {
    auto db = OpenMigrated();
    ASSERT_NE(db, nullptr);
  }
  {
    RawSqlite raw(DbPath());
    ASSERT_EQ(raw.Exec("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 1)"), "");
  }
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto applied = db->Migrate();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(applied.error().message().find("9999"), std::string::npos) << applied.error().message();
  EXPECT_NE(applied.error().message().find("newer"), std::string::npos)
      << applied.error().message();
}

TEST_F(SqliteDatabaseTest, CreatesTheFileAndItsDirectoryInWalMode) {
  ASSERT_FALSE(std::filesystem::exists(DbPath().parent_path()));
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(DbPath()));
  RawSqlite raw(DbPath());
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_TRUE(db->Ping().ok());
}

TEST_F(SqliteDatabaseTest, ForeignKeysAreEnforced) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  // A site of a tenant that does not exist: only the database's foreign key can catch it.
  const Status s = db->Write([](Transaction& tx) -> Status {
    auto r = tx.Org().InsertSite(TenantScope(424242), {.name = "Nowhere", .time_zone = "UTC"});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_FALSE(s.field_errors().empty());
}

TEST_F(SqliteDatabaseTest, AuditLogRefusesUpdateAndDelete) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  auto tenant = AddTenant(*db, "Acme");
  ASSERT_TRUE(tenant);
  const Status appended = db->Write([&](Transaction& tx) -> Status {
    auto r = tx.Audit().Append(TenantScope(tenant->id), {.seq = 1,
                                                         .at = FromUnixMillis(5),
                                                         .actor = "cli",
                                                         .action = "tenant.create",
                                                         .prev_hash = std::string(64, '0'),
                                                         .hash = std::string(64, 'a')});
    return r ? Status::Ok() : r.error();
  });
  ASSERT_TRUE(appended.ok()) << appended.ToString();

  RawSqlite raw(DbPath());
  EXPECT_NE(raw.Exec("UPDATE audit_log SET action = 'forged'").find("append-only"),
            std::string::npos);
  EXPECT_NE(raw.Exec("DELETE FROM audit_log").find("append-only"), std::string::npos);
  EXPECT_EQ(raw.Column("SELECT action FROM audit_log"), std::vector<std::string>{"tenant.create"});
}

TEST_F(SqliteDatabaseTest, DataSurvivesReopen) {
  int64_t id = 0;
  {
    auto db = OpenMigrated();
    ASSERT_NE(db, nullptr);
    auto tenant = AddTenant(*db, "Acme");
    ASSERT_TRUE(tenant);
    id = tenant->id;
  }
  auto db = Open();
  ASSERT_NE(db, nullptr);
  auto applied = db->Migrate();
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, 0);
  std::string name;
  const Status read = db->Read([&](Transaction& tx) -> Status {
    auto t = tx.Org().GetTenant(id);
    if (!t) return t.error();
    name = t->name;
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(name, "Acme");
}

TEST_F(SqliteDatabaseTest, BadOptionsAndUnopenablePathsAreErrors) {
  auto bad = OpenSqliteDatabase({.path = DbPath(), .readers = 0, .max_group = 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field_errors().size(), 2u);

  std::filesystem::create_directories(dir_.path() / "a_directory");
  auto dir = OpenSqliteDatabase({.path = dir_.path() / "a_directory"});
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), StatusCode::kUnavailable) << dir.error().ToString();

  std::ofstream(dir_.path() / "a_file") << "x";
  auto under_file = OpenSqliteDatabase({.path = dir_.path() / "a_file" / "callboard.db"});
  ASSERT_FALSE(under_file);
  EXPECT_EQ(under_file.error().code(), StatusCode::kUnavailable) << under_file.error().ToString();
}

TEST_F(SqliteDatabaseTest, WriteInsideAWriteIsRefusedRatherThanDeadlocking) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  Status inner;
  const Status outer = db->Write([&](Transaction&) -> Status {
    inner = db->Write([](Transaction&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDatabaseTest, NestedReadReusesTheSnapshotWithASingleReader) {
  auto db = OpenMigrated({.readers = 1});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(AddTenant(*db, "Acme"));
  size_t inner_count = 0;
  const Status outer = db->Read([&](Transaction&) -> Status {
    return db->Read([&](Transaction& tx) -> Status {
      auto all = tx.Org().ListTenants();
      if (!all) return all.error();
      inner_count = all->size();
      return Status::Ok();
    });
  });
  ASSERT_TRUE(outer.ok()) << outer.ToString();
  EXPECT_EQ(inner_count, 1u);
}

TEST_F(SqliteDatabaseTest, ReadTransactionsCannotWrite) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  const Status s = db->Read([](Transaction& tx) -> Status {
    auto t = tx.Org().InsertTenant("Sneaky", FromUnixMillis(1));
    return t ? Status::Ok() : t.error();
  });
  EXPECT_FALSE(s.ok());
  std::vector<Tenant> all;
  ASSERT_TRUE(db->Read([&](Transaction& tx) -> Status {
                  auto r = tx.Org().ListTenants();
                  if (!r) return r.error();
                  all = *r;
                  return Status::Ok();
                }).ok());
  EXPECT_TRUE(all.empty());
}

TEST_F(SqliteDatabaseTest, TinyQueueAndGroupStillCompleteEveryWrite) {
  auto db = OpenMigrated({.readers = 1, .max_group = 1, .max_queue = 1});
  ASSERT_NE(db, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!AddTenant(*db, "T" + std::to_string(t) + "-" + std::to_string(i))) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  RawSqlite raw(DbPath());
  EXPECT_EQ(raw.Column("SELECT count(*) FROM tenants"), std::vector<std::string>{"100"});
}

TEST_F(SqliteDatabaseTest, ApiTokenScopesRoundTripAnyCharacters) {
  auto db = OpenMigrated();
  ASSERT_NE(db, nullptr);
  auto tenant = AddTenant(*db, "Acme");
  ASSERT_TRUE(tenant);
  const std::vector<std::string> scopes{"quo\"te", "back\\slash", "new\nline", "ünïcode", ""};
  EXPECT_EQ(JsonStringArray({"a", "b\"c"}), R"(["a","b\"c"])");
  std::vector<std::string> back;
  const Status s = db->Write([&](Transaction& tx) -> Status {
    auto t = tx.Auth().InsertApiToken(TenantScope(tenant->id),
                                      {.name = "odd", .token_hash = "h", .scopes = scopes});
    if (!t) return t.error();
    auto found = tx.Auth().FindApiTokenByHash("h");
    if (!found) return found.error();
    back = found->scopes;
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(back, scopes);
}

TEST(SqliteError, UniqueMessagesNameTheApiField) {
  EXPECT_EQ(UniqueFieldFromMessage("UNIQUE constraint failed: users.email"), "email");
  EXPECT_EQ(UniqueFieldFromMessage("UNIQUE constraint failed: sites.tenant_id, sites.name"),
            "name");
  EXPECT_EQ(UniqueFieldFromMessage("UNIQUE constraint failed: agent_pbx_ids.tenant_id, "
                                   "agent_pbx_ids.pbx_id"),
            "pbx_ids");
  EXPECT_EQ(UniqueFieldFromMessage("UNIQUE constraint failed: index 'x'"), "value");
  const Status busy = SqliteError(nullptr, SQLITE_BUSY);
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_IOERR_FSYNC).code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_FULL).code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(nullptr, SQLITE_MISMATCH).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace callboard
