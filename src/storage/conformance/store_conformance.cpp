#include "storage/conformance/store_conformance.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "audit/audit_store.h"
#include "auth/auth_store.h"
#include "org/org_store.h"

namespace callboard {

// Each conformance source defines one of these so the anchor pulls it into the test binary.
int OrgConformanceLinkAnchor();
int AuthConformanceLinkAnchor();
int AuditConformanceLinkAnchor();
int KpiConformanceLinkAnchor();
int SourceConformanceLinkAnchor();
int LiveConformanceLinkAnchor();
int RollupConformanceLinkAnchor();

int StoreConformanceLinkAnchor() {
  return OrgConformanceLinkAnchor() + AuthConformanceLinkAnchor() + AuditConformanceLinkAnchor() +
         KpiConformanceLinkAnchor() + SourceConformanceLinkAnchor() + LiveConformanceLinkAnchor() +
         RollupConformanceLinkAnchor();
}

// ---- Fixture ----

void StoreConformance::SetUp() {
  db_ = GetParam()();
  ASSERT_NE(db_, nullptr);
  auto a = Write<Tenant>([](Transaction& tx) { return tx.Org().InsertTenant("Acme", At(0)); });
  auto b = Write<Tenant>([](Transaction& tx) { return tx.Org().InsertTenant("Globex", At(0)); });
  ASSERT_TRUE(a && b);
  a_ = TenantScope(a->id);
  b_ = TenantScope(b->id);
}

void StoreConformance::TearDown() { db_.reset(); }

TimePoint StoreConformance::At(int minutes) {
  // 2026-11-22T00:00:00Z
  return FromUnixMillis(1795305600000) + std::chrono::minutes(minutes);
}

Site StoreConformance::MakeSite(TenantScope scope, const std::string& name) {
  auto site = Write<Site>([&](Transaction& tx) {
    return tx.Org().InsertSite(
        scope,
        {.name = name, .time_zone = "Europe/Berlin", .created_at = At(1), .updated_at = At(1)});
  });
  return site.value_or(Site{});
}

Lob StoreConformance::MakeLob(TenantScope scope, const std::string& name) {
  auto lob = Write<Lob>([&](Transaction& tx) {
    return tx.Org().InsertLob(scope, {.name = name,
                                      .description = name + " programme",
                                      .created_at = At(1),
                                      .updated_at = At(1)});
  });
  return lob.value_or(Lob{});
}

Team StoreConformance::MakeTeam(TenantScope scope, const std::string& name,
                                std::optional<int64_t> lob_id) {
  auto team = Write<Team>([&](Transaction& tx) {
    return tx.Org().InsertTeam(scope, {.name = name,
                                       .site_id = std::nullopt,
                                       .lob_id = lob_id,
                                       .supervisor_ids = {},
                                       .created_at = At(1),
                                       .updated_at = At(1)});
  });
  return team.value_or(Team{});
}

User StoreConformance::MakeUser(TenantScope scope, const std::string& email,
                                std::optional<int64_t> team_id) {
  auto user = Write<User>([&](Transaction& tx) {
    return tx.Org().InsertUser(scope, {.email = email,
                                       .name = "User " + email,
                                       .role = Role::kAgent,
                                       .team_id = team_id,
                                       .lob_ids = {},
                                       .active = true,
                                       .created_at = At(1),
                                       .updated_at = At(1)});
  });
  return user.value_or(User{});
}

Agent StoreConformance::MakeAgent(TenantScope scope, const std::string& name,
                                  std::optional<int64_t> team_id) {
  auto agent = Write<Agent>([&](Transaction& tx) {
    return tx.Org().InsertAgent(scope, {.name = name,
                                        .user_id = std::nullopt,
                                        .team_id = team_id,
                                        .pbx_ids = {},
                                        .active = true,
                                        .created_at = At(1),
                                        .updated_at = At(1)});
  });
  return agent.value_or(Agent{});
}

namespace {

// Every live site name of the tenant, across pages.
Result<std::set<std::string>> SiteNames(Transaction& tx, TenantScope scope) {
  std::set<std::string> names;
  PageRequest page{.limit = kMaxPageLimit};
  for (;;) {
    auto r = tx.Org().ListSites(scope, page);
    if (!r) return r.error();
    for (const Site& s : r->items) names.insert(s.name);
    if (!r->next_after) return names;
    page.after_id = r->next_after;
  }
}

Site NewSite(const std::string& name) {
  return {.name = name, .time_zone = "UTC", .created_at = {}, .updated_at = {}};
}

// Waits until `done()` holds or the deadline passes; true when it holds.
bool WaitFor(std::mutex& mutex, std::condition_variable& cv, const std::function<bool()>& done) {
  std::unique_lock lock(mutex);
  return cv.wait_for(lock, std::chrono::seconds(20), done);
}

}  // namespace

// ---- Database ----

TEST_P(StoreConformance, PingAnswersOk) { EXPECT_TRUE(db().Ping().ok()); }

TEST_P(StoreConformance, MigrateAgainAppliesNothing) {
  auto applied = db().Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, 0);
}

TEST_P(StoreConformance, WriteCommitsWhatReadsThenSee) {
  const Status status = WriteStatus([&](Transaction& tx) -> Status {
    auto site = tx.Org().InsertSite(a_, NewSite("Lisbon"));
    return site ? Status::Ok() : site.error();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  EXPECT_EQ(names, (std::set<std::string>{"Lisbon"}));
}

TEST_P(StoreConformance, WriteRollsBackEverythingWhenWorkFails) {
  const Status status = WriteStatus([&](Transaction& tx) -> Status {
    auto site = tx.Org().InsertSite(a_, NewSite("Lisbon"));
    if (!site) return site.error();
    auto lob = tx.Org().InsertLob(a_, {.name = "Retail"});
    if (!lob) return lob.error();
    return Status(StatusCode::kFailedPrecondition, "changed my mind");
  });
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "changed my mind");
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  EXPECT_EQ(names, std::set<std::string>{});
  auto lobs = Read<Page<Lob>>([&](Transaction& tx) { return tx.Org().ListLobs(a_, {}, {}); });
  ASSERT_TRUE(lobs);
  EXPECT_TRUE(lobs->items.empty());
}

TEST_P(StoreConformance, WorkThatThrowsIsReportedNotPropagated) {
  const Status write = WriteStatus([&](Transaction& tx) -> Status {
    (void)tx.Org().InsertSite(a_, NewSite("Lisbon"));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(write.code(), StatusCode::kInternal);
  const Status read = ReadStatus([](Transaction&) -> Status { throw std::runtime_error("bang"); });
  EXPECT_EQ(read.code(), StatusCode::kInternal);
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  EXPECT_EQ(names, std::set<std::string>{});
}

TEST_P(StoreConformance, GroupCommitPersistsExactlyTheSuccessfulWrites) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 200;
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const bool fail = i % 10 == 9;
        const Status status = db().Write([&](Transaction& tx) -> Status {
          auto site =
              tx.Org().InsertSite(a_, NewSite("t" + std::to_string(t) + "-" + std::to_string(i)));
          if (!site) return site.error();
          if (fail) return Status(StatusCode::kFailedPrecondition, "deliberate failure");
          return Status::Ok();
        });
        const StatusCode expected = fail ? StatusCode::kFailedPrecondition : StatusCode::kOk;
        if (status.code() != expected) ++unexpected;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);

  std::set<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kWritesPerThread; ++i) {
      if (i % 10 != 9) expected.insert("t" + std::to_string(t) + "-" + std::to_string(i));
    }
  }
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 1440u);
  EXPECT_EQ(*names, expected);
}

TEST_P(StoreConformance, ReadKeepsItsSnapshotWhileAWriteCommits) {
  ASSERT_NE(MakeSite(a_, "Before").id, 0);
  Status written;
  const Status read = ReadStatus([&](Transaction& tx) -> Status {
    auto before = SiteNames(tx, a_);
    if (!before) return before.error();
    EXPECT_EQ(before->size(), 1u);
    // Another thread writes and commits while this read is open: it must not wait for the
    // read, and the read must not see its row.
    std::thread writer([&] {
      written = db().Write([&](Transaction& wtx) -> Status {
        auto site = wtx.Org().InsertSite(a_, NewSite("During"));
        return site ? Status::Ok() : site.error();
      });
    });
    writer.join();
    auto after = SiteNames(tx, a_);
    if (!after) return after.error();
    EXPECT_EQ(*after, std::set<std::string>{"Before"});
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_TRUE(written.ok()) << written.ToString();
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  EXPECT_EQ(names, (std::set<std::string>{"Before", "During"}));
}

TEST_P(StoreConformance, ReadsRunInParallelWithEachOther) {
  std::mutex mutex;
  std::condition_variable cv;
  int inside = 0;
  bool both_inside[2] = {false, false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      const Status status = db().Read([&](Transaction& tx) -> Status {
        auto tenant = tx.Org().GetTenant(a_.tenant_id());
        if (!tenant) return tenant.error();
        {
          std::lock_guard lock(mutex);
          ++inside;
        }
        cv.notify_all();
        both_inside[i] = WaitFor(mutex, cv, [&] { return inside == 2; });
        return Status::Ok();
      });
      EXPECT_TRUE(status.ok()) << status.ToString();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(both_inside[0]);
  EXPECT_TRUE(both_inside[1]);
}

TEST_P(StoreConformance, ConcurrentReadsSeeOnlyWholeTransactions) {
  // Each write adds two sites in one transaction: a read that saw half of one would count
  // an odd number.
  std::atomic<bool> stop{false};
  std::atomic<int> odd_counts{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        const Status status = db().Read([&](Transaction& tx) -> Status {
          auto all = SiteNames(tx, a_);
          if (!all) return all.error();
          if (all->size() % 2 != 0) ++odd_counts;
          return Status::Ok();
        });
        if (!status.ok()) ++odd_counts;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    const Status status = WriteStatus([&](Transaction& tx) -> Status {
      for (const char* half : {"-a", "-b"}) {
        auto site = tx.Org().InsertSite(a_, NewSite("pair" + std::to_string(i) + half));
        if (!site) return site.error();
      }
      return Status::Ok();
    });
    if (!status.ok()) {
      ADD_FAILURE() << status.ToString();
      break;
    }
  }
  stop = true;
  for (std::thread& thread : readers) thread.join();
  EXPECT_EQ(odd_counts.load(), 0);
  EXPECT_GT(reads.load(), 0);
  auto names = Read<std::set<std::string>>([&](Transaction& tx) { return SiteNames(tx, a_); });
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 100u);
}

}  // namespace callboard
