// Source ownership across nodes on PostgreSQL: two SourceRunners ("nodes", each with its own
// connection pool) on one database with the same file-tail source. Exactly one runs it; when
// that node stops, or loses the database session that holds the source's lease, the other
// takes the source over within 10 s and resumes from the stored checkpoint, so that every
// line is read once and counted once.
#include "storage/postgres/pg_source_leases.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "audit/audit_log.h"
#include "ingest/sources/source_runner.h"
#include "ingest/sources/source_service.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

using std::chrono::milliseconds;

bool WaitUntil(const std::function<bool()>& condition, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// Calls i in [from, to) as calls-json lines: answered calls of queue "sales", one a minute.
std::string CallLines(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) {
    const TimePoint start = FromUnixMillis(1795305600000) + std::chrono::minutes(i);
    out += "{\"pbx_call_id\":\"c-" + std::to_string(i) +
           "\",\"queue\":\"sales\",\"agent\":\"1001\",\"started_at\":\"" + FormatRfc3339(start) +
           "\",\"answered_at\":\"" + FormatRfc3339(start + std::chrono::seconds(10)) +
           "\",\"ended_at\":\"" + FormatRfc3339(start + std::chrono::seconds(70)) +
           "\",\"outcome\":\"answered\"}\n";
  }
  return out;
}

void Append(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

// One callboard node: its own pool on the shared database, its sources and their runner.
struct Node {
  Node(Database& database, const std::string& url, const SourcePolicy& policy)
      : db(database), audit(clock), service(db, clock, audit, policy), leases({.url = url}) {
    SourceRunnerOptions options;
    options.timings.poll = milliseconds(20);
    options.timings.flush_after = milliseconds(50);
    options.timings.backoff_initial = milliseconds(200);
    options.rescan = milliseconds(300);
    options.leases = &leases;
    options.lease_retry = milliseconds(300);
    runner = std::make_unique<SourceRunner>(db, clock, service, options);
  }

  Database& db;
  SystemClock clock;
  AuditLog audit;
  SourceService service;
  PgSourceLeases leases;
  std::unique_ptr<SourceRunner> runner;
};

class PgSourceLeasesTest : public testing::Test {
 protected:
  void SetUp() override {
    auto opened = TempPgDatabase::Open();
    ASSERT_NE(opened, nullptr);
    db_a_.reset(static_cast<TempPgDatabase*>(opened.release()));
    const std::string url = PgTestCluster::Get().AppUrl(db_a_->name());
    auto b = OpenPostgresDatabase({.url = url});
    ASSERT_TRUE(b) << b.error().ToString();
    db_b_ = std::move(*b);
    const Status st = db_a_->Write([&](Transaction& tx) -> Status {
      auto t = tx.Org().InsertTenant("acme", FromUnixMillis(1795305600000));
      if (!t) return t.error();
      tenant_ = t->id;
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    dir_ = std::filesystem::temp_directory_path() /
           ("cb_leases_" + std::to_string(getpid()) + "_" + db_a_->name());
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "calls.jsonl";
    std::ofstream(file_).flush();  // empty: the owner follows it at once
    SourcePolicy policy;
    policy.tail_roots = {dir_};
    a_ = std::make_unique<Node>(*db_a_, url, policy);
    b_ = std::make_unique<Node>(*db_b_, url, policy);
    SourceConfig c;
    c.name = "pbx";
    c.kind = SourceKind::kFileTail;
    c.format = SourceFormat::kCallsJson;
    c.path = file_.string();
    auto created = a_->service.Create(TenantScope(tenant_), c, AuditContext{});
    ASSERT_TRUE(created) << created.error().ToString();
    source_ = created->id;
  }

  void TearDown() override {
    if (a_) a_->runner->Stop();
    if (b_) b_->runner->Stop();
    a_.reset();
    b_.reset();
    db_b_.reset();
    db_a_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  SourceStatus StatusOn(Node& n) { return n.runner->StatusOf(tenant_, source_); }
  bool Runs(Node& n) { return StatusOn(n).state == SourceState::kFollowing; }

  // Calls stored, and the offered count of the queue totals (each call counted once).
  std::pair<int64_t, int64_t> Stored() {
    int64_t calls = 0, offered = 0;
    const Status st = db_b_->Read([&](Transaction& tx) -> Status {
      CB_RETURN_IF_ERROR(tx.Kpi().ScanCalls(TenantScope(tenant_), TimePoint{}, TimePoint::max(),
                                            [&](const StoredCall&) {
                                              ++calls;
                                              return Status::Ok();
                                            }));
      auto rows =
          tx.Kpi().ReadAggregates(TenantScope(tenant_), TimePoint{},
                                  FromUnixMillis(1795305600000) + std::chrono::hours(48), false);
      if (!rows) return rows.error();
      for (const AggregateRow& r : *rows) offered += r.counters.offered;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return {calls, offered};
  }

  // Both nodes run; exactly one follows the file, the other waits for the lease. Returns
  // the owner.
  Node* StartBoth() {
    a_->runner->Start();
    b_->runner->Start();
    EXPECT_TRUE(WaitUntil([&] { return Runs(*a_) || Runs(*b_); }, milliseconds(10000)));
    Node* owner = Runs(*a_) ? a_.get() : b_.get();
    Node* other = owner == a_.get() ? b_.get() : a_.get();
    EXPECT_TRUE(WaitUntil(
        [&] {
          const SourceStatus s = StatusOn(*other);
          return s.state == SourceState::kWaiting &&
                 s.detail.find("running on another node") != std::string::npos;
        },
        milliseconds(5000)))
        << StatusOn(*other).detail;
    // Several rounds of asking later, still only one node runs it.
    std::this_thread::sleep_for(milliseconds(1000));
    EXPECT_TRUE(Runs(*owner));
    EXPECT_FALSE(Runs(*other));
    return owner;
  }

  std::unique_ptr<TempPgDatabase> db_a_;
  std::unique_ptr<Database> db_b_;
  int64_t tenant_ = 0;
  int64_t source_ = 0;
  std::filesystem::path dir_, file_;
  std::unique_ptr<Node> a_, b_;
};

TEST_F(PgSourceLeasesTest, TheOtherNodeTakesOverWhenTheOwnerStops) {
  Node* owner = StartBoth();
  Node* other = owner == a_.get() ? b_.get() : a_.get();
  Append(file_, CallLines(0, 40));
  ASSERT_TRUE(WaitUntil([&] { return Stored().first == 40; }, milliseconds(10000)));
  EXPECT_EQ(StatusOn(*other).lines, 0);

  const auto stopped = std::chrono::steady_clock::now();
  owner->runner->Stop();  // commits what it read, releases the lease
  ASSERT_TRUE(WaitUntil([&] { return Runs(*other); }, milliseconds(10000)));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(10));
  Append(file_, CallLines(40, 100));
  ASSERT_TRUE(WaitUntil([&] { return Stored().first == 100; }, milliseconds(10000)));
  // Read once: the new owner resumed at the checkpoint (the 60 new lines only).
  EXPECT_EQ(StatusOn(*other).lines, 60);
  EXPECT_EQ(StatusOn(*other).duplicates, 0);
  EXPECT_EQ(Stored(), std::make_pair(int64_t{100}, int64_t{100}));
}

TEST_F(PgSourceLeasesTest, AnOwnerThatLosesItsLeaseSessionStopsAndTheOtherResumes) {
  Node* owner = StartBoth();
  Node* other = owner == a_.get() ? b_.get() : a_.get();
  Append(file_, CallLines(0, 30));
  ASSERT_TRUE(WaitUntil([&] { return Stored().first == 30; }, milliseconds(10000)));

  // The owner's lease session ends (as when its node dies or its connection drops): the
  // server releases the advisory lock.
  auto super =
      PgConnection::Open(PgTestCluster::Get().SuperUrl(db_a_->name()), std::chrono::seconds(10));
  ASSERT_TRUE(super) << super.error().ToString();
  auto ended = (*super)->Prepare(
      "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_database d"
      " ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted"
      " AND d.datname = current_database()");
  ASSERT_TRUE(ended) << ended.error().ToString();
  auto row = ended->Step();
  ASSERT_TRUE(row && *row);
  ASSERT_EQ(ended->Int(0), 1);  // exactly one session held a lease: the owner's
  const auto lost = std::chrono::steady_clock::now();

  ASSERT_TRUE(WaitUntil([&] { return Runs(*other); }, milliseconds(10000)));
  EXPECT_LT(std::chrono::steady_clock::now() - lost, std::chrono::seconds(10));
  ASSERT_TRUE(WaitUntil([&] { return !Runs(*owner); }, milliseconds(5000)));
  const SourceStatus former = StatusOn(*owner);
  EXPECT_EQ(former.state, SourceState::kWaiting);
  EXPECT_NE(former.last_error.find("lost the source's lease"), std::string::npos)
      << former.last_error;

  Append(file_, CallLines(30, 75));
  ASSERT_TRUE(WaitUntil([&] { return Stored().first == 75; }, milliseconds(10000)));
  EXPECT_EQ(StatusOn(*other).lines, 45);
  EXPECT_EQ(StatusOn(*owner).lines, 30);
  EXPECT_EQ(StatusOn(*other).duplicates + StatusOn(*owner).duplicates, 0);
  EXPECT_EQ(Stored(), std::make_pair(int64_t{75}, int64_t{75}));
  // The former owner keeps asking and keeps out while the other holds the lease.
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_FALSE(Runs(*owner));
  EXPECT_TRUE(Runs(*other));
}

}  // namespace
}  // namespace callboard
