// Two `callboard serve` nodes (the real binary) on one PostgreSQL database with one file-tail
// source: exactly one node runs it; after `kill -9` of that node while lines keep arriving,
// the other node takes the source over within 10 s, resumes from the stored checkpoint, and
// the stored calls and aggregates equal those of one clean import of the whole file. And the
// live feed: an event ingested through one node, and a status change made on it, reach a
// WebSocket client of the other node within 1 s; one node evaluates alerts.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "storage/postgres/pg_test_support.h"
#include "test/support/http_client.h"
#include "test/support/process.h"
#include "test/support/ws_client.h"

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
  void Serve(int node, uint16_t port = 0) {
    const fs::path dir = root_ / (node == 0 ? "n1" : "n2");
    pids_[node] = SpawnCallboard(
        dir, {"serve", "--db", Url(), "--listen", "127.0.0.1:" + std::to_string(port), "--data",
              (dir / "data").string(), "--tail-root", (root_ / "tail").string()});
  }

  // What one clean import of the file stores: every call once, counted once in the
  // 15-minute queue totals and in the hour, day and month rollups.
  void ExpectOneCleanImport() const {
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

  // Appends the kCalls lines to the tailed file in pieces, as a PBX would.
  std::thread WriteCalls() const {
    return std::thread([this] {
      std::ofstream out(file_, std::ios::binary | std::ios::app);
      for (int i = 0; i < kCalls; ++i) {
        out << CallLine(i);
        if (i % 200 == 199) {
          out.flush();
          std::this_thread::sleep_for(milliseconds(25));
        }
      }
    });
  }

  // A manager of tenant acme, m@acme.test (SignIn).
  void AddManager() const {
    const CommandRun user =
        RunCallboard(root_ / "cli",
                     {"user", "add", "--db", Url(), "--tenant", "acme", "--email", "m@acme.test",
                      "--name", "Mia", "--role", "manager", "--password-stdin"},
                     "Nodes-Password-1\n");
    ASSERT_EQ(user.exit_code, 0) << user.err;
  }
  // The manager's session token from the node on `port`; empty when sign-in failed.
  static std::string SignIn(uint16_t port) {
    HttpClient c("127.0.0.1", port);
    ClientResponse login = c.Request("POST", "/api/v1/auth/login",
                                     R"({"email":"m@acme.test","password":"Nodes-Password-1"})");
    EXPECT_EQ(login.status, 200) << login.body;
    if (login.status != 200) return {};
    return std::string(boost::json::parse(login.body).at("token").as_string());
  }

  // Runs `sql` as the superuser on the cluster's maintenance database.
  void Admin(const std::string& sql) const {
    auto conn =
        PgConnection::Open(PgTestCluster::Get().SuperUrl("postgres"), std::chrono::seconds(10));
    ASSERT_TRUE(conn) << conn.error().ToString();
    Status s = (*conn)->Exec(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
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
  std::thread writer = WriteCalls();
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

  ExpectOneCleanImport();
}

// Reads messages until one contains every one of `texts`; the time it took, or nullopt.
std::optional<milliseconds> NextContaining(WsClient& ws, const std::vector<std::string>& texts,
                                           std::chrono::steady_clock::time_point since) {
  const auto deadline = since + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = ws.Next(milliseconds(200));
    if (!m) continue;
    bool all = true;
    for (const std::string& t : texts) all = all && m->find(t) != std::string::npos;
    if (all) {
      return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - since);
    }
  }
  return std::nullopt;
}

TEST_F(PostgresNodes, ALiveChangeOnOneNodeReachesAWebSocketClientOfTheOtherWithinASecond) {
  ASSERT_NO_FATAL_FAILURE(AddManager());
  const CommandRun token =
      RunCallboard(root_ / "cli", {"token", "create", "--db", Url(), "--tenant", "acme", "--name",
                                   "pbx", "--scopes", "ingest"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string ingest_token = token.out.substr(0, token.out.find('\n'));

  const uint16_t ports[2] = {FreePort(), FreePort()};
  Serve(0, ports[0]);
  Serve(1, ports[1]);
  for (int node : {0, 1}) {
    ASSERT_TRUE(WaitUntil(
        [&] {
          return Log(node).find("listening for the other nodes' changes") != std::string::npos;
        },
        std::chrono::seconds(20)))
        << Log(node);
  }
  const std::string session[2] = {SignIn(ports[0]), SignIn(ports[1])};
  ASSERT_FALSE(session[0].empty() || session[1].empty());
  WsClient ws;
  ASSERT_TRUE(
      ws.Connect(ports[1], "/api/v1/live/ws", {{"Authorization", "Bearer " + session[1]}}).ok());
  auto snapshot = ws.Next(std::chrono::seconds(5));
  ASSERT_TRUE(snapshot && snapshot->find("\"type\":\"snapshot\"") != std::string::npos);

  // A caller joins a queue: the queue_log line goes in through node 1 only.
  HttpClient node1("127.0.0.1", ports[0]);
  const int64_t now_s = ToUnixMillis(SystemClock().Now()) / 1000;
  const std::string lines =
      std::to_string(now_s - 5) + "|1795.7|support|PJSIP/2001|AGENTLOGIN|PJSIP/2001\n" +
      std::to_string(now_s) + "|1795.8|support|NONE|ENTERQUEUE||07700900555|1\n";
  auto sent = std::chrono::steady_clock::now();
  ClientResponse posted =
      node1.Request("POST", "/api/v1/ingest/asterisk-queue-log?source=pbx-http", lines,
                    {{"Authorization", "Bearer " + ingest_token}, {"Content-Type", "text/plain"}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto waited = NextContaining(ws, {"07700900555"}, sent);
  ASSERT_TRUE(waited) << "node 2 never showed the waiting caller\n" << Log(0) << Log(1);
  EXPECT_LT(waited->count(), 1000);
  std::printf("  the waiting caller reached node 2's WebSocket %lld ms after node 1's ingest\n",
              static_cast<long long>(waited->count()));

  // A manager pauses the agent on node 1; node 2's client sees it.
  ClientResponse agents =
      node1.Request("GET", "/api/v1/agents", "", {{"Authorization", "Bearer " + session[0]}});
  ASSERT_EQ(agents.status, 200) << agents.body;
  const auto items = boost::json::parse(agents.body).at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << agents.body;
  const int64_t agent_id = items[0].at("id").as_int64();
  sent = std::chrono::steady_clock::now();
  ClientResponse paused = node1.Request(
      "PUT", "/api/v1/agents/" + std::to_string(agent_id) + "/status",
      R"({"state":"paused","reason":"Training","override_reason":"floor meeting"})",
      {{"Authorization", "Bearer " + session[0]}, {"Content-Type", "application/json"}});
  ASSERT_EQ(paused.status, 204) << paused.body;
  waited = NextContaining(ws, {"\"paused\"", "Training"}, sent);
  ASSERT_TRUE(waited) << "node 2 never showed the pause\n" << Log(1);
  EXPECT_LT(waited->count(), 1000);

  // Exactly one node evaluates (and stores) alerts.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Log(0).find("this node evaluates alerts") != std::string::npos ||
               Log(1).find("this node evaluates alerts") != std::string::npos;
      },
      std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::seconds(4));  // a lease check period of the other
  EXPECT_NE(Log(0).find("this node evaluates alerts") != std::string::npos,
            Log(1).find("this node evaluates alerts") != std::string::npos);
}

TEST_F(PostgresNodes, ADatabaseOutageAnswers503ThenIngestionResumesWithNothingLostOrCountedTwice) {
  ASSERT_NO_FATAL_FAILURE(AddManager());
  const uint16_t port = FreePort();
  Serve(0, port);
  ASSERT_TRUE(WaitUntil([&] { return RunsTheSource(0); }, milliseconds(20000))) << Log(0);
  HttpClient c("127.0.0.1", port);
  const std::string session = SignIn(port);
  ASSERT_FALSE(session.empty());
  const std::vector<std::pair<std::string, std::string>> auth = {
      {"Authorization", "Bearer " + session}};

  std::thread writer = WriteCalls();
  const bool some = WaitUntil([&] { return Count("SELECT count(*) FROM calls") >= kCalls / 4; },
                              milliseconds(30000));
  const int64_t before = Count("SELECT count(*) FROM calls");
  // The database goes away: no new connections, every open one ended.
  Admin("ALTER DATABASE " + db_ + " WITH ALLOW_CONNECTIONS false");
  Admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ + "'");
  ASSERT_TRUE(some) << Log(0);
  ASSERT_LT(before, kCalls) << "the whole file was stored before the outage";
  ClientResponse down = c.Request("GET", "/api/v1/calls?limit=5", "", auth);
  EXPECT_EQ(down.status, 503) << down.body;
  const auto error = boost::json::parse(down.body).at("error");
  EXPECT_EQ(error.at("code").as_string(), "unavailable") << down.body;
  std::this_thread::sleep_for(milliseconds(3000));  // lines keep arriving meanwhile
  EXPECT_EQ(c.Request("GET", "/api/v1/calls?limit=5", "", auth).status, 503);

  Admin("ALTER DATABASE " + db_ + " WITH ALLOW_CONNECTIONS true");
  ASSERT_TRUE(
      WaitUntil([&] { return c.Request("GET", "/api/v1/calls?limit=5", "", auth).status == 200; },
                milliseconds(10000)))
      << Log(0);
  writer.join();
  ASSERT_TRUE(
      WaitUntil([&] { return Count("SELECT count(*) FROM calls") == kCalls; }, milliseconds(40000)))
      << Count("SELECT count(*) FROM calls") << " calls\n"
      << Log(0);
  std::printf("database away with %lld of %d calls stored; all stored after it came back\n",
              static_cast<long long>(before), kCalls);
  EXPECT_NE(Log(0).find("source pbx (tenant "), Log(0).rfind("source pbx (tenant "))
      << "the source did not stop and start again:\n"
      << Log(0);
  ExpectOneCleanImport();
}

}  // namespace
}  // namespace callboard
