// FileTail on real files: lines written in pieces, rotation (rename + new file), truncation,
// and restarts that resume from the checkpoint without counting anything twice.

#include "ingest/sources/file_tail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "ingest/importer.h"
#include "ingest/simulator.h"
#include "ingest/sources/source_test_support.h"

namespace callboard {
namespace {

using testing::AcceptanceLines;
using testing::AppendFile;
using testing::RunningSource;
using testing::SourceHarness;
using testing::WaitUntil;

SourceConfig TailConfig(const SourceHarness& h, const std::string& file, SourceFormat format) {
  SourceConfig c;
  c.name = "pbx";
  c.kind = SourceKind::kFileTail;
  c.format = format;
  c.path = h.File(file);
  return c;
}

std::vector<std::string> CallIds(SourceHarness& h) {
  std::vector<std::string> ids;
  for (const StoredCall& c : h.Calls()) ids.push_back(c.call.pbx_call_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

const std::vector<std::string> kAllFour = {"00000188AB01C2D3_101", "00000188AB02F0A1_102",
                                           "00000188AB03AA10_103", "00000188AB04BB20_104"};

TEST(FileTail, HoldsAPartialLastLineUntilItsNewline) {
  SourceHarness h;
  const std::string path = h.File("cdr.log");
  RunningSource<FileTail> tail(h, TailConfig(h, "cdr.log", SourceFormat::k3cxCdr));
  // The file does not exist yet: the tail waits for it.
  ASSERT_TRUE(WaitUntil([&] { return tail.status().state == SourceState::kWaiting; }));
  const std::string& second = AcceptanceLines()[1];
  const size_t cut = second.size() / 2;
  // Line 1 and the first half of line 2 in one write: both are read together.
  AppendFile(path, AcceptanceLines()[0] + second.substr(0, cut));
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 1; }));
  EXPECT_EQ(tail.status().lines, 1);
  EXPECT_EQ(tail.status().state, SourceState::kFollowing);
  AppendFile(path, second.substr(cut));
  AppendFile(path, AcceptanceLines()[2].substr(0, 10));
  AppendFile(path, AcceptanceLines()[2].substr(10) + AcceptanceLines()[3]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }));
  EXPECT_EQ(CallIds(h), kAllFour);
  EXPECT_TRUE(h.Rejects().empty());  // no half line was ever parsed
  EXPECT_TRUE(tail.Stop().ok());
  const SourceStatus s = tail.status();
  EXPECT_EQ(s.lines, 4);
  EXPECT_EQ(s.calls, 4);
  EXPECT_EQ(s.rejects, 0);
  ASSERT_TRUE(s.newest_event.has_value());
  EXPECT_EQ(FormatRfc3339(*s.newest_event), "2026-03-02T09:40:49.000Z");  // call 515's end
}

TEST(FileTail, FollowsRotationToTheNewFile) {
  SourceHarness h;
  const std::string path = h.File("cdr.log");
  AppendFile(path, AcceptanceLines()[0] + AcceptanceLines()[1]);
  RunningSource<FileTail> tail(h, TailConfig(h, "cdr.log", SourceFormat::k3cxCdr));
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 2; }));
  // logrotate: rename, the PBX writes on into the old file until it reopens, then a new file.
  std::filesystem::rename(path, path + ".1");
  AppendFile(path + ".1", AcceptanceLines()[2]);
  AppendFile(path, AcceptanceLines()[3]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }));
  EXPECT_EQ(CallIds(h), kAllFour);
  EXPECT_TRUE(h.Rejects().empty());
  // The new file is followed on.
  AppendFile(path, AcceptanceLines()[0]);  // a replay: a duplicate, not a fifth call
  ASSERT_TRUE(WaitUntil([&] { return tail.status().duplicates == 1; }));
  EXPECT_EQ(h.CallCount(), 4u);
  EXPECT_EQ(tail.status().lines, 5);
  EXPECT_TRUE(tail.Stop().ok());
}

TEST(FileTail, ReadsATruncatedFileAgainFromTheStart) {
  SourceHarness h;
  const std::string path = h.File("cdr.log");
  AppendFile(path, AcceptanceLines()[0] + AcceptanceLines()[1]);
  RunningSource<FileTail> tail(h, TailConfig(h, "cdr.log", SourceFormat::k3cxCdr));
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 2; }));
  // copytruncate: the file is emptied in place, then written from its start.
  ASSERT_EQ(truncate(path.c_str(), 0), 0);
  AppendFile(path, AcceptanceLines()[2]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 3; }));
  // Rewritten in place to the same length or longer: recognised by its first bytes.
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << AcceptanceLines()[3] << AcceptanceLines()[3];
  }
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }))
      << "lines " << tail.status().lines << ", rejects " << tail.status().rejects;
  EXPECT_EQ(CallIds(h), kAllFour);
  EXPECT_TRUE(h.Rejects().empty());
  EXPECT_TRUE(tail.Stop().ok());
}

TEST(FileTail, RefusesAPathOutsideTheTailRoots) {
  SourceHarness h;
  SourceConfig c = TailConfig(h, "x", SourceFormat::k3cxCdr);
  c.path = "/etc/passwd";
  RunningSource<FileTail> tail(h, c);
  const Status s = tail.Stop();  // Run returns at once with the refusal
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("must lie under one of the allowed directories"), std::string::npos)
      << s.message();
  EXPECT_EQ(h.CallCount(), 0u);
}

// Sums a report needs, over every queue total and every agent's state seconds.
struct Totals {
  int64_t calls = 0, offered = 0, answered = 0, abandoned = 0, wait_ms = 0, talk_ms = 0;
  int64_t logged_in_ms = 0, on_call_ms = 0, paused_ms = 0;
  bool operator==(const Totals&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Totals& t) {
  return out << "calls=" << t.calls << " offered=" << t.offered << " answered=" << t.answered
             << " abandoned=" << t.abandoned << " wait_ms=" << t.wait_ms << " talk_ms=" << t.talk_ms
             << " logged_in_ms=" << t.logged_in_ms << " on_call_ms=" << t.on_call_ms
             << " paused_ms=" << t.paused_ms;
}

Totals TotalsOf(SourceHarness& h) {
  Totals t;
  t.calls = static_cast<int64_t>(h.CallCount());
  Status s = h.db->Read([&](Transaction& tx) -> Status {
    const TenantScope scope(h.tenant);
    auto rows = tx.Kpi().ReadAggregates(scope, TimePoint{}, TimePoint::max(), false);
    if (!rows) return rows.error();
    for (const AggregateRow& r : *rows) {
      t.offered += r.counters.offered;
      t.answered += r.counters.answered;
      t.abandoned += r.counters.abandoned;
      t.wait_ms += r.counters.wait_answered_ms + r.counters.wait_abandoned_ms;
      t.talk_ms += r.counters.talk_ms;
    }
    auto states = tx.Kpi().ReadAgentStates(scope, TimePoint{}, TimePoint::max());
    if (!states) return states.error();
    for (const AgentStateRow& r : *states) {
      t.logged_in_ms += r.seconds.logged_in_ms;
      t.on_call_ms += r.seconds.on_call_ms;
      t.paused_ms += r.seconds.paused_ms;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return t;
}

int64_t CheckpointLine(SourceHarness& h, const std::string& stream) {
  int64_t position = -1;
  Status s = h.db->Read([&](Transaction& tx) -> Status {
    auto sources = tx.Kpi().ListSources(TenantScope(h.tenant));
    if (!sources) return sources.error();
    for (const IngestSource& src : *sources) {
      auto c = tx.Kpi().GetCheckpoint(TenantScope(h.tenant), src.id, stream);
      if (!c) return c.error();
      if (*c) position = (*c)->position;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return position;
}

std::string SimulatedQueueLog() {
  SimulationOptions o;
  o.format = SourceFormat::kAsteriskQueueLog;
  o.queues = 2;
  o.agents = 6;
  o.hours = 2;
  o.seed = 11;
  std::ostringstream text;
  EXPECT_TRUE(WriteSimulation(o, text).ok());
  return text.str();
}

Totals ImportedOnce(const std::string& text) {
  SourceHarness ref;
  std::istringstream in(text);
  ImportOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.source_name = "pbx";
  auto summary = Importer(*ref.db, ref.clock).Import(TenantScope(ref.tenant), options, in, "whole");
  EXPECT_TRUE(summary.has_value());
  if (summary) {
    EXPECT_EQ(summary->rejected, 0);
  }
  return TotalsOf(ref);
}

int64_t LinesIn(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(FileTail, RestartsResumeFromTheCheckpointWithoutDuplicates) {
  const std::string text = SimulatedQueueLog();
  const Totals once = ImportedOnce(text);
  ASSERT_GT(once.calls, 100);

  SourceHarness h;
  const SourceConfig config = TailConfig(h, "queue_log", SourceFormat::kAsteriskQueueLog);
  const std::string stream = "tail:" + config.path;
  // Three runs over a growing file, each cut off in the middle of a line; every run stops
  // (as serve does on SIGTERM) once it has committed every complete line.
  const size_t cuts[] = {text.size() * 35 / 100, text.size() * 70 / 100, text.size()};
  size_t written = 0;
  for (size_t cut : cuts) {
    AppendFile(config.path, std::string_view(text).substr(written, cut - written));
    written = cut;
    const int64_t complete = LinesIn(std::string_view(text).substr(0, cut));
    RunningSource<FileTail> tail(h, config);
    ASSERT_TRUE(WaitUntil([&] { return CheckpointLine(h, stream) == complete; }))
        << "checkpoint at " << CheckpointLine(h, stream) << ", want " << complete;
    ASSERT_TRUE(tail.Stop().ok());
    EXPECT_EQ(tail.status().rejects, 0);
  }
  EXPECT_EQ(TotalsOf(h), once);
}

TEST(FileTail, AfterARestartFinishesTheRotatedFileFirst) {
  SourceHarness h;
  const SourceConfig config = TailConfig(h, "cdr.log", SourceFormat::k3cxCdr);
  AppendFile(config.path, AcceptanceLines()[0]);
  {
    RunningSource<FileTail> tail(h, config);
    ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 1; }));
    ASSERT_TRUE(tail.Stop().ok());
  }
  // While Callboard is down the file is rotated: more lines went into the old file first.
  AppendFile(config.path, AcceptanceLines()[1]);
  std::filesystem::rename(config.path, config.path + ".1");
  AppendFile(config.path, AcceptanceLines()[2] + AcceptanceLines()[3]);
  RunningSource<FileTail> tail(h, config);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }));
  EXPECT_EQ(CallIds(h), kAllFour);
  ASSERT_TRUE(tail.Stop().ok());
  // Nothing was read twice: line 1 was behind the checkpoint.
  EXPECT_EQ(tail.status().lines, 3);
  EXPECT_EQ(tail.status().duplicates, 0);
}

}  // namespace
}  // namespace callboard
