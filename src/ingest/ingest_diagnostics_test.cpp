// Data-quality diagnostics of the call-level formats and the clock checks (DESIGN §3.4a):
// real-format fixtures with known quirks (testdata/ingest/diagnostics/README.md lists them,
// line by line), imported as a source would be, and the findings stored for the source.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/importer.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/sqlite/sqlite_test_support.h"
#include "store/transaction.h"

namespace callboard {
namespace {

using ::testing::ElementsAre;

struct Imported {
  ImportSummary summary;
  std::vector<std::string> findings;    // "<line> <kind> <call id>", in line order
  std::vector<std::string> recordings;  // of the stored calls, newest first, non-empty only
};

class IngestDiagnostics : public ::testing::Test {
 protected:
  IngestDiagnostics() {
    Status s = db_->Write([&](Transaction& tx) -> Status {
      auto t = tx.Org().InsertTenant("acme", clock_.Now());
      if (!t) return t.error();
      tenant_ = t->id;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  Imported Import(const std::string& fixture, SourceFormat format) {
    const char* root = std::getenv("CALLBOARD_SOURCE");
    const std::string path =
        std::string(root ? root : ".") + "/testdata/ingest/diagnostics/" + fixture;
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << path;
    ImportOptions options;
    options.format = format;
    options.source_name = fixture;
    Imported out;
    auto summary = Importer(*db_, clock_).Import(TenantScope(tenant_), options, in, fixture);
    EXPECT_TRUE(summary.has_value());
    if (summary) out.summary = *summary;
    Status s = db_->Read([&](Transaction& tx) -> Status {
      auto page =
          tx.Kpi().ListDiagnostics(TenantScope(tenant_), std::nullopt, PageRequest{.limit = 500});
      if (!page) return page.error();
      std::vector<StoredDiagnostic> items = page->items;
      std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
        return std::tie(a.line, a.id) < std::tie(b.line, b.id);
      });
      for (const StoredDiagnostic& d : items) {
        out.findings.push_back(std::to_string(d.line) + " " + d.kind + " " + d.call_id);
        EXPECT_FALSE(d.detail.empty());
      }
      CallFilter recorded;
      recorded.has_recording = true;
      auto calls = tx.Kpi().ListCalls(TenantScope(tenant_), recorded, PageRequest{.limit = 500});
      if (!calls) return calls.error();
      for (const StoredCall& c : calls->items) out.recordings.push_back(c.call.recording);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  FakeClock clock_{*ParseRfc3339("2026-11-22T12:00:00Z")};
  std::unique_ptr<Database> db_ = TempSqliteDatabase::Open();
  int64_t tenant_ = 0;
};

TEST_F(IngestDiagnostics, AsteriskCdrAnswerWithoutTimeAndRepeatedLegs) {
  const Imported r = Import("quirks.Master.csv", SourceFormat::kAsteriskCdr);
  EXPECT_EQ(r.summary.accepted, 5);
  EXPECT_EQ(r.summary.calls, 3);
  EXPECT_THAT(r.findings,
              ElementsAre("1 answered_without_answer_time 1795341600.1",
                          "2 duplicate_leg 1795341600.1", "3 conflicting_duplicate 1795341600.1"));
  EXPECT_THAT(r.recordings, ElementsAre("/var/spool/asterisk/monitor/1795341600.1.wav"));
}

TEST_F(IngestDiagnostics, CallsJsonQuirksDuplicatesAndClockSkew) {
  const Imported r = Import("quirks.jsonl", SourceFormat::kCallsJson);
  EXPECT_EQ(r.summary.calls, 8);
  EXPECT_EQ(r.summary.duplicates, 2);
  EXPECT_THAT(r.findings,
              ElementsAre("1 answered_without_agent q-1", "2 answered_without_answer_time q-2",
                          "3 queue_outcome_without_queue q-3", "4 talk_exceeds_call q-4",
                          "5 conflicting_duplicate q-1", "7 clock_skew_backwards q-7",
                          "9 clock_skew_future q-9"));
  EXPECT_THAT(r.recordings, ElementsAre("https://pbx.example/rec/q-1.wav"));
}

TEST_F(IngestDiagnostics, ThreecxTalkLongerThanTheCall) {
  const Imported r = Import("quirks.3cx.csv", SourceFormat::k3cxCdr);
  EXPECT_EQ(r.summary.calls, 2);
  EXPECT_THAT(r.findings, ElementsAre("1 talk_exceeds_call 3CXQ1"));
}

TEST_F(IngestDiagnostics, FreeswitchAnsweredWithoutAgentAndItsRecording) {
  const Imported r = Import("quirks.freeswitch.csv", SourceFormat::kFreeswitchCc);
  EXPECT_EQ(r.summary.calls, 2);
  EXPECT_THAT(r.findings, ElementsAre("2 answered_without_agent f1"));
  EXPECT_THAT(r.recordings, ElementsAre("/recordings/f1.wav"));
}

TEST_F(IngestDiagnostics, QueueLogFromTheFutureIsOneFindingPerEpisode) {
  // The receiving clock says 12:00: three events an hour ahead, one in its past, then ahead
  // again.
  const std::string text =
      "1795352400|1.1|sales|NONE|ENTERQUEUE||+15550001|1\n"     // 13:00:00
      "1795352410|1.1|sales|SIP/1001|CONNECT|10|1.2|5\n"        // 13:00:10
      "1795352500|1.1|sales|SIP/1001|COMPLETECALLER|10|90|1\n"  // 13:01:40
      "1795342400|2.1|sales|NONE|ENTERQUEUE||+15550002|1\n"     // 10:13:20
      "1795352600|3.1|sales|NONE|ENTERQUEUE||+15550003|1\n";    // 13:03:20
  std::istringstream in(text);
  ImportOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.source_name = "ahead";
  ASSERT_TRUE(Importer(*db_, clock_).Import(TenantScope(tenant_), options, in, "ahead"));
  std::vector<std::string> kinds;
  ASSERT_TRUE(db_->Read([&](Transaction& tx) -> Status {
                   auto page = tx.Kpi().ListDiagnostics(TenantScope(tenant_), std::nullopt,
                                                        PageRequest{.limit = 50});
                   if (!page) return page.error();
                   for (auto it = page->items.rbegin(); it != page->items.rend(); ++it) {
                     kinds.push_back(std::to_string(it->line) + " " + it->kind);
                   }
                   return Status::Ok();
                 })
                  .ok());
  // Line 4 is 2:48:20 h before line 3 (backwards) and not in the future; line 5 starts a new
  // episode ahead.
  EXPECT_THAT(kinds,
              ElementsAre("1 clock_skew_future", "4 clock_skew_backwards", "5 clock_skew_future"));
}

}  // namespace
}  // namespace callboard
