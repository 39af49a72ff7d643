#pragma once
// StoreConformance: one GoogleTest suite that every storage backend passes, so that the
// domain can rely on the same behaviour from SQLite and PostgreSQL. A backend instantiates
// it with a factory returning a fresh, empty, migrated database:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//                            testing::Values(DatabaseFactory([] { return OpenTempDb(); })));
//
// The suite covers every store method (org, auth, audit, kpi, sources, live), tenant
// isolation, pagination, filters, Write rollback, group commit under concurrency, reads in
// parallel with writes and Ping. Its tests live in store_conformance.cpp (database-level) and
// one <store>_conformance.cpp per store.
//
// Thread-safety: a test fixture; one per test.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "org/org_types.h"
#include "store/transaction.h"

namespace callboard {

// Returns a fresh, empty, migrated database; never null.
using DatabaseFactory = std::function<std::unique_ptr<Database>()>;

class StoreConformance : public testing::TestWithParam<DatabaseFactory> {
 protected:
  // Opens the database and creates two tenants, a_ ("Acme") and b_ ("Globex").
  void SetUp() override;
  void TearDown() override;

  Database& db() { return *db_; }

  // Runs `fn` in a write (or read) transaction and returns its value; a failure is a
  // test failure (ADD_FAILURE) and yields an empty optional.
  template <typename T>
  std::optional<T> Write(const std::function<Result<T>(Transaction&)>& fn) {
    return Run<T>(true, fn);
  }
  template <typename T>
  std::optional<T> Read(const std::function<Result<T>(Transaction&)>& fn) {
    return Run<T>(false, fn);
  }
  // The Status of `fn` run in a write (or read) transaction.
  Status WriteStatus(const std::function<Status(Transaction&)>& fn) { return db_->Write(fn); }
  Status ReadStatus(const std::function<Status(Transaction&)>& fn) { return db_->Read(fn); }

  // Inserts a row with plausible values for every field; ADD_FAILURE on error.
  Site MakeSite(TenantScope scope, const std::string& name);
  Lob MakeLob(TenantScope scope, const std::string& name);
  Team MakeTeam(TenantScope scope, const std::string& name, std::optional<int64_t> lob_id = {});
  User MakeUser(TenantScope scope, const std::string& email, std::optional<int64_t> team_id = {});
  Agent MakeAgent(TenantScope scope, const std::string& name, std::optional<int64_t> team_id = {});

  // A time on 2026-11-22 plus `minutes`, so stored times are distinguishable.
  static TimePoint At(int minutes);

  std::unique_ptr<Database> db_;
  TenantScope a_{0};
  TenantScope b_{0};

 private:
  template <typename T>
  std::optional<T> Run(bool write, const std::function<Result<T>(Transaction&)>& fn) {
    std::optional<T> out;
    const auto work = [&](Transaction& tx) -> Status {
      auto r = fn(tx);
      if (!r) return r.error();
      out = std::move(*r);
      return Status::Ok();
    };
    const Status status = write ? db_->Write(work) : db_->Read(work);
    if (!status.ok()) {
      ADD_FAILURE() << status.ToString();
      return std::nullopt;
    }
    return out;
  }
};

// Defined in store_conformance.cpp. Referenced below so that every test binary including this
// header links the suite's object files out of the static library (otherwise the linker
// would drop them and the tests would silently not exist).
int StoreConformanceLinkAnchor();
namespace {
[[maybe_unused]] const int kStoreConformanceLinked = StoreConformanceLinkAnchor();
}  // namespace

}  // namespace callboard
