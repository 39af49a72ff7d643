// SourceRunner: runs the configured sources, retries failures with backoff, follows changes.

#include "ingest/sources/source_runner.h"

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "ingest/sources/backoff.h"
#include "ingest/sources/source_service.h"
#include "ingest/sources/source_test_support.h"

namespace callboard {
namespace {

using std::chrono::milliseconds;
using testing::AcceptanceLines;
using testing::AppendFile;
using testing::SourceHarness;
using testing::TcpServer;
using testing::WaitUntil;

TEST(Backoff, DoublesFromOneSecondToAMinuteWithJitter) {
  Backoff backoff(std::chrono::seconds(1), std::chrono::seconds(60));
  const int64_t base[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
  for (int64_t b : base) {
    const int64_t d = backoff.Next().count();
    EXPECT_GE(d, b * 8 / 10) << "step of " << b;
    EXPECT_LE(d, std::min<int64_t>(b * 12 / 10, 60000)) << "step of " << b;
  }
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 1200);
}

class SourceRunnerTest : public ::testing::Test {
 protected:
  SourceRunnerTest() : audit_(h_.clock), service_(*h_.db, h_.clock, audit_, h_.policy) {}

  SourceConfig Create(SourceConfig c) {
    auto created = service_.Create(TenantScope(h_.tenant), c, AuditContext{});
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created ? *created : c;
  }

  SourceHarness h_;
  AuditLog audit_;
  SourceService service_;
};

TEST_F(SourceRunnerTest, RetriesAFailingSourceWithGrowingDelays) {
  int port = 0;
  {
    TcpServer gone;  // a port nobody listens on once this closes
    port = gone.port();
  }
  SourceConfig c;
  c.name = "3cx";
  c.kind = SourceKind::k3cxTcpConnect;
  c.format = SourceFormat::k3cxCdr;
  c.host = "127.0.0.1";
  c.port = port;
  const SourceConfig source = Create(c);
  h_.timings.backoff_initial = milliseconds(20);
  h_.timings.backoff_max = milliseconds(160);
  SourceRunner runner(*h_.db, h_.clock, service_, {.timings = h_.timings});
  runner.Start();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitUntil([&] { return runner.StatusOf(h_.tenant, source.id).restarts >= 5; }));
  // 20 + 40 + 80 + 160 ms (±20 %) of waiting at least went by before the fifth attempt.
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(240));
  const SourceStatus s = runner.StatusOf(h_.tenant, source.id);
  EXPECT_EQ(s.state, SourceState::kError);
  EXPECT_NE(s.last_error.find("Connection refused"), std::string::npos) << s.last_error;
  EXPECT_TRUE(s.last_error_at.has_value());
  runner.Stop();
}

TEST_F(SourceRunnerTest, FollowsChangesOfTheConfiguration) {
  SourceConfig c;
  c.name = "cdr";
  c.kind = SourceKind::kFileTail;
  c.format = SourceFormat::k3cxCdr;
  c.path = h_.File("cdr.log");
  AppendFile(c.path, AcceptanceLines()[0]);
  SourceConfig source = Create(c);
  SourceRunner runner(*h_.db, h_.clock, service_, {.timings = h_.timings});
  runner.Start();
  ASSERT_TRUE(WaitUntil([&] { return h_.CallCount() == 1; }));
  EXPECT_EQ(runner.StatusOf(h_.tenant, source.id).state, SourceState::kFollowing);

  // Disabled: it stops (and commits its checkpoint).
  source.enabled = false;
  ASSERT_TRUE(service_.Update(TenantScope(h_.tenant), source, AuditContext{}).has_value());
  runner.Reload();
  ASSERT_TRUE(WaitUntil(
      [&] { return runner.StatusOf(h_.tenant, source.id).state == SourceState::kStopped; }));
  AppendFile(c.path, AcceptanceLines()[1] + AcceptanceLines()[2]);

  // Enabled again: it resumes after its checkpoint and reads only the new lines.
  source.enabled = true;
  ASSERT_TRUE(service_.Update(TenantScope(h_.tenant), source, AuditContext{}).has_value());
  runner.Reload();
  ASSERT_TRUE(WaitUntil([&] { return h_.CallCount() == 3; }));
  ASSERT_TRUE(WaitUntil([&] { return runner.StatusOf(h_.tenant, source.id).calls == 2; }));
  EXPECT_EQ(runner.StatusOf(h_.tenant, source.id).lines, 2);
  EXPECT_EQ(runner.StatusOf(h_.tenant, source.id).duplicates, 0);

  // Deleted: it stops; its calls stay.
  ASSERT_TRUE(service_.Delete(TenantScope(h_.tenant), source.id, AuditContext{}).ok());
  runner.Reload();
  ASSERT_TRUE(WaitUntil(
      [&] { return runner.StatusOf(h_.tenant, source.id).state == SourceState::kStopped; }));
  EXPECT_EQ(h_.CallCount(), 3u);
  runner.Stop();
}

}  // namespace
}  // namespace callboard
