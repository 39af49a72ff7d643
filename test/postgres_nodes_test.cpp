// Two `callboard serve` nodes (the real binary) on one PostgreSQL database with one file-tail
// source: exactly one node runs it; after `kill -9` of that node while lines keep arriving,
// the other node takes the source over within 10 s, resumes from the stored checkpoint, and
// the stored calls and aggregates equal those of one clean import of the whole file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "storage/postgres/pg_test_support.h"
#include "test/support/process.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr int kCalls = 12000;

bool WaitUntil(const std::function<bool()>& condition, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

// Call i as a calls-json line: an answered call of queue "sales", one every 20 s.
std::string CallLine(int i) {
  const TimePoint start = FromUnixMillis(1795305600000) + std::chrono::seconds(20 * i);
  return "{\"pbx_call_id\":\"c-" + std::to_string(i) + "\",\"queue\":\"sales\",\"agent\":\"10" +
         std::to_string(i % 7) + "\",\"started_at\":\"" + FormatRfc3339(start) +
         "\",\"answered_at\":\"" + FormatRfc3339(start + std::chrono::seconds(5 + i % 30)) +
         "\",\"ended_at\":\"" + FormatRfc3339(start + std::chrono::seconds(100 + i % 200)) +
         "\",\"outcome\":\"answered\"}\n";
}

class PostgresNodes : public testing::Test {
 protected:
  void SetUp() override {
    const PgTestCluster& c = PgTestCluster::Get();
    db_ = c.CreateDatabase();
    root_ = fs::temp_directory_path() / ("callboard-nodes-" + std::to_string(getpid()));
    fs::create_directories(root_ / "tail");
    for (const char* node : {"n1", "n2", "cli"}) fs::create_directories(root_ / node);
    file_ = root_ / "tail" / "calls.jsonl";
    std::ofstream(file_).flush();
    const CommandRun tenant = RunCallboard(root_ / "cli", {"tenant", "add", "acme", "--db", Url()});
    ASSERT_EQ(tenant.exit_code, 0) << tenant.err;
    const CommandRun source = RunCallboard(
        root_ / "cli", {"source", "add", "--tenant", "acme", "--name", "pbx", "--kind", "file-tail",
                        "--format", "calls-json", "--path", file_.string(), "--tail-root",
                        (root_ / "tail").string(), "--db", Url()});
    ASSERT_EQ(source.exit_code, 0) << source.err;
  }
  void TearDown() override {
    for (pid_t& pid : pids_) {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
    PgTestCluster::Get().DropDatabase(db_);
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::string Url() const { return PgTestCluster::Get().AppUrl(db_); }
  std::string Log(int node) const {
    const fs::path dir = root_ / (node == 0 ? "n1" : "n2");
    return ReadFile(dir / "stdout.txt") + ReadFile(dir / "stderr.txt");
  }
  bool RunsTheSource(int node) const {
    return Log(node).find("source pbx (tenant ") != std::string::npos &&
           Log(node).find("runs on this node") != std::string::npos;
  }
  void Serve(int node) {
    const fs::path dir = root_ / (node == 0 ? "n1" : "n2");
    pids_[node] =
        SpawnCallboard(dir, {"serve", "--db", Url(), "--listen", "127.0.0.1:0", "--data",
                             (dir / "data").string(), "--tail-root", (root_ / "tail").string()});
  }

  // Superuser counts over the whole database (row-level security does not apply).
  int64_t Count(const std::string& sql) const {
    auto conn = PgConnection::Open(PgTestCluster::Get().SuperUrl(db_), std::chrono::seconds(10));
    EXPECT_TRUE(conn) << conn.error().ToString();
    if (!conn) return -1;
    auto stmt = (*conn)->Prepare(sql);
    EXPECT_TRUE(stmt) << sql;
    if (!stmt) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row && *row) << sql;
    return row && *row ? stmt->Int(0) : -1;
  }

  std::string db_;
  fs::path root_, file_;
  pid_t pids_[2] = {-1, -1};
};

TEST_F(PostgresNodes, AKilledOwnersSourceMovesToTheOtherNodeWithNothingLostOrCountedTwice) {
  Serve(0);
  Serve(1);
  ASSERT_TRUE(WaitUntil([&] { return RunsTheSource(0) || RunsTheSource(1); }, milliseconds(20000)))
      << Log(0) << Log(1);
  const int owner = RunsTheSource(0) ? 0 : 1;
  const int other = 1 - owner;
  // Both started: the other node asks in vain for several seconds.
  std::this_thread::sleep_for(milliseconds(4000));
  ASSERT_FALSE(RunsTheSource(other)) << Log(other);

  // The PBX writes the file in pieces; the owner is killed mid-stream.
  std::atomic<int> written{0};
  std::thread writer([&] {
    std::ofstream out(file_, std::ios::binary | std::ios::app);
    for (int i = 0; i < kCalls; ++i) {
      out << CallLine(i);
      if (i % 200 == 199) {
        out.flush();
        written = i + 1;
        std::this_thread::sleep_for(milliseconds(25));
      }
    }
    out.flush();
    written = kCalls;
  });
  const bool some = WaitUntil([&] { return Count("SELECT count(*) FROM calls") >= kCalls / 4; },
                              milliseconds(30000));
  kill(pids_[owner], SIGKILL);
  waitpid(pids_[owner], nullptr, 0);
  pids_[owner] = -1;
  const auto killed = std::chrono::steady_clock::now();
  const int64_t at_kill = Count("SELECT count(*) FROM calls");
  ASSERT_TRUE(some) << Log(owner);

  ASSERT_TRUE(WaitUntil([&] { return RunsTheSource(other); }, milliseconds(10000))) << Log(other);
  const auto takeover = std::chrono::steady_clock::now() - killed;
  EXPECT_LT(takeover, std::chrono::seconds(10));
  std::printf("owner killed with %lld of %d calls stored; taken over after %lld ms\n",
              static_cast<long long>(at_kill), kCalls,
              static_cast<long long>(std::chrono::duration_cast<milliseconds>(takeover).count()));
  writer.join();
  ASSERT_TRUE(
      WaitUntil([&] { return Count("SELECT count(*) FROM calls") == kCalls; }, milliseconds(30000)))
      << Count("SELECT count(*) FROM calls") << " calls\n"
      << Log(other);
  EXPECT_LT(at_kill, kCalls) << "the owner was killed after the whole file was stored";

  // What one clean import of the file stores: every call once, counted once in the
  // 15-minute queue totals and in the hour, day and month rollups.
  EXPECT_EQ(Count("SELECT count(DISTINCT pbx_call_id) FROM calls"), kCalls);
  EXPECT_EQ(Count("SELECT sum(offered) FROM interval_aggregates WHERE agent_id = 0"), kCalls);
  EXPECT_EQ(Count("SELECT sum(answered) FROM interval_aggregates WHERE agent_id <> 0"), kCalls);
  for (int unit = 1; unit <= 3; ++unit) {
    EXPECT_EQ(Count("SELECT sum(offered) FROM aggregate_rollups WHERE agent_row = 0 AND unit = " +
                    std::to_string(unit)),
              kCalls)
        << "unit " << unit;
  }
  int64_t wait_ms = 0;
  for (int i = 0; i < kCalls; ++i) wait_ms += (5 + i % 30) * 1000;
  EXPECT_EQ(Count("SELECT sum(wait_answered_ms) FROM interval_aggregates WHERE agent_id = 0"),
            wait_ms);
  EXPECT_EQ(Count("SELECT count(*) FROM ingest_rejects"), 0);
}

}  // namespace
}  // namespace callboard
