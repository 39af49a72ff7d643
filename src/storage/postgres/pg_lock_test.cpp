// PgNamedLock: one holder per name across connections (nodes), released on destruction and
// when the holder's connection dies.
#include "storage/postgres/pg_lock.h"

#include <gtest/gtest.h>

#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

class PgLock : public testing::Test {
 protected:
  void SetUp() override { db_ = PgTestCluster::Get().CreateDatabase(); }
  void TearDown() override { PgTestCluster::Get().DropDatabase(db_); }
  PostgresOptions Options() const { return {.url = PgTestCluster::Get().AppUrl(db_)}; }
  std::string db_;
};

TEST_F(PgLock, OneHolderPerNameUntilReleased) {
  auto first = TryPostgresLock(Options(), "source:42");
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_NE(*first, nullptr);
  EXPECT_TRUE((*first)->Held());
  auto second = TryPostgresLock(Options(), "source:42");
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(*second, nullptr);  // held by the first "node"
  auto other = TryPostgresLock(Options(), "source:43");
  ASSERT_TRUE(other);
  EXPECT_NE(*other, nullptr);  // another name is independent
  first->reset();
  auto third = TryPostgresLock(Options(), "source:42");
  ASSERT_TRUE(third);
  EXPECT_NE(*third, nullptr);
}

TEST_F(PgLock, ADeadHolderLosesTheLock) {
  auto holder = TryPostgresLock(Options(), "source:7");
  ASSERT_TRUE(holder && *holder);
  PgTestCluster::Get().Super(
      "postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ +
                      "' AND usename = 'callboard_app'");
  EXPECT_FALSE((*holder)->Held());
  auto next = TryPostgresLock(Options(), "source:7");
  ASSERT_TRUE(next) << next.error().ToString();
  EXPECT_NE(*next, nullptr);
}

TEST_F(PgLock, BadNamesAndUnreachableServersAreErrors) {
  auto empty = TryPostgresLock(Options(), "");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), StatusCode::kInvalidArgument);
  auto away = TryPostgresLock({.url = "postgresql://x@/y?host=/nonexistent-dir&port=1",
                               .connect_timeout = std::chrono::seconds(1)},
                              "source:1");
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace callboard
