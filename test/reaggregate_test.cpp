// The import pipeline in-process: a real Asterisk run gives Asterisk's own counters, a
// replay adds nothing, and reaggregation rebuilds the same aggregates — or new ones after
// a queue's settings changed.

#include "kpi/reaggregate.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "app/app.h"
#include "core/intervals.h"
#include "ingest/importer.h"
#include "kpi/kpi_store.h"
#include "kpi/report_service.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

std::string Run2Path() {
  const char* src = std::getenv("CALLBOARD_SOURCE");
  return std::string(src ? src : ".") + "/testdata/ingest/asterisk/run2.queue_log";
}

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = server_.CreateTenant("acme"); }

  ImportSummary Import() {
    std::ifstream in(Run2Path());
    EXPECT_TRUE(in.good()) << Run2Path();
    ImportOptions options;
    options.format = SourceFormat::kAsteriskQueueLog;
    options.source_name = "pbx";
    options.batch_lines = 7;  // many batches, each with its own checkpoint
    auto s = server_.app().importer().Import(TenantScope(tenant_), options, in, "run2");
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? *s : ImportSummary{};
  }

  std::map<std::string, Kpis> QueueTotals() {
    ReportRequest req;
    req.from = *ParseRfc3339("2026-11-01T00:00:00Z");
    req.to = *ParseRfc3339("2026-12-01T00:00:00Z");
    auto report = server_.app().reports().Queues(OperatorPrincipal(tenant_), req);
    EXPECT_TRUE(report);
    std::map<std::string, Kpis> out;
    for (const ReportRow& row : report->rows) out[row.name] = row.kpis;
    return out;
  }

  TestServer server_;
  int64_t tenant_ = 0;
};

TEST_F(Pipeline, RealAsteriskRunAgreesWithQueueShow) {
  ImportSummary s = Import();
  EXPECT_EQ(s.accepted, 122);
  EXPECT_EQ(s.rejected, 0);
  EXPECT_EQ(s.calls, 40);
  auto q = QueueTotals();
  // run2.queue-show.txt: sales C:9 A:6 SL:77.8% SL2:73.3%; support C:15 A:10 SL:53.3% SL2:60.0%
  EXPECT_EQ(q["sales"].answered, 9);
  EXPECT_EQ(q["sales"].abandoned + q["sales"].timed_out, 6);
  EXPECT_NEAR(*q["sales"].service_level_variants.abandons_ignored, 7.0 / 9, 1e-9);
  EXPECT_NEAR(*q["sales"].service_level_variants.abandons_in_sl_success, 11.0 / 15, 1e-9);
  EXPECT_EQ(q["support"].answered, 15);
  EXPECT_EQ(q["support"].abandoned + q["support"].timed_out, 10);
  EXPECT_NEAR(*q["support"].service_level_variants.abandons_ignored, 8.0 / 15, 1e-9);
  EXPECT_NEAR(*q["support"].service_level_variants.abandons_in_sl_success, 15.0 / 25, 1e-9);
}

TEST_F(Pipeline, ReplayAddsNothing) {
  Import();
  const auto before = QueueTotals();
  ImportSummary again = Import();
  EXPECT_EQ(again.accepted, 0);
  EXPECT_EQ(again.duplicates, 122);
  EXPECT_EQ(again.calls, 0);
  const auto after = QueueTotals();
  EXPECT_EQ(after.at("sales").offered, before.at("sales").offered);
  EXPECT_EQ(after.at("support").handled, before.at("support").handled);
  EXPECT_EQ(after.at("support").talk_s, before.at("support").talk_s);
}

TEST_F(Pipeline, ReaggregateRebuildsTheSameNumbersAndAppliesNewSettings) {
  Import();
  const auto before = QueueTotals();
  auto r =
      Reaggregate(server_.app().db(), TenantScope(tenant_), *ParseRfc3339("2026-11-01T00:00:00Z"),
                  *ParseRfc3339("2026-12-01T00:00:00Z"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->calls, 40);
  auto after = QueueTotals();
  for (const char* q : {"sales", "support"}) {
    EXPECT_EQ(after[q].offered, before.at(q).offered) << q;
    EXPECT_EQ(after[q].short_abandoned, before.at(q).short_abandoned) << q;
    EXPECT_EQ(after[q].wait_answered_s, before.at(q).wait_answered_s) << q;
    EXPECT_EQ(after[q].service_level, before.at(q).service_level) << q;
  }
  // short_abandon_s 0 turns short abandons off once the range is rebuilt.
  ASSERT_GT(before.at("sales").short_abandoned, 0);
  ASSERT_TRUE(server_.app()
                  .db()
                  .Write([&](Transaction& tx) -> Status {
                    auto queues = tx.Kpi().ListQueues(TenantScope(tenant_));
                    if (!queues) return queues.error();
                    for (QueueConfig q : *queues) {
                      q.settings.short_abandon_s = 0;
                      CB_RETURN_IF_ERROR(
                          tx.Kpi().UpdateQueue(TenantScope(tenant_), q, server_.clock().Now()));
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(Reaggregate(server_.app().db(), TenantScope(tenant_),
                          *ParseRfc3339("2026-11-01T00:00:00Z"),
                          *ParseRfc3339("2026-12-01T00:00:00Z")));
  after = QueueTotals();
  EXPECT_EQ(after["sales"].short_abandoned, 0);
  EXPECT_EQ(after["sales"].offered, before.at("sales").offered);
}

TEST_F(Pipeline, AssemblerFindingsAreStoredPerSourceOnce) {
  const std::string path =
      std::string(std::getenv("CALLBOARD_SOURCE") ? std::getenv("CALLBOARD_SOURCE") : ".") +
      "/testdata/ingest/assembler/quirks.queue_log";
  for (int run = 0; run < 2; ++run) {  // the replay adds no second copy
    std::ifstream in(path);
    ASSERT_TRUE(in.good()) << path;
    ImportOptions options;
    options.format = SourceFormat::kAsteriskQueueLog;
    options.source_name = "quirky";
    ASSERT_TRUE(server_.app().importer().Import(TenantScope(tenant_), options, in, "quirks"));
  }
  std::map<std::string, int64_t> counts;
  std::vector<StoredDiagnostic> recent;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto c = tx.Kpi().CountDiagnostics(TenantScope(tenant_));
                    if (!c) return c.error();
                    for (const DiagnosticCount& d : *c) counts[d.kind] += d.count;
                    auto page =
                        tx.Kpi().ListDiagnostics(TenantScope(tenant_), std::nullopt, PageRequest{});
                    if (!page) return page.error();
                    recent = page->items;
                    return Status::Ok();
                  })
                  .ok());
  // The fixture's 2027 times are weeks ahead of the test clock: one clock_skew_future.
  EXPECT_EQ(counts, (std::map<std::string, int64_t>{{"absurd_duration", 1},
                                                    {"call_event_without_callid", 1},
                                                    {"clock_skew_future", 1},
                                                    {"connect_without_enterqueue", 1},
                                                    {"duplicate_terminal", 1},
                                                    {"negative_duration", 1},
                                                    {"terminal_without_enterqueue", 1}}));
  ASSERT_EQ(recent.size(), 7u);
  EXPECT_EQ(recent.back().kind, "clock_skew_future");  // the first line's finding
  EXPECT_EQ(recent.back().line, 1);
  EXPECT_EQ(recent.front().kind, "terminal_without_enterqueue");  // newest first
  EXPECT_EQ(recent.front().line, 16);
  EXPECT_EQ(recent.front().call_id, "1800002410.9");
  // The same over HTTP for an administrator: counts per source and kind, findings newest first.
  server_.CreateUser(tenant_, "admin@acme.test", Role::kAdmin);
  HttpClient http = server_.Client();
  ClientResponse r = http.Request("GET", "/api/v1/ingest/diagnostics?limit=2", "",
                                  Bearer(server_.Login("admin@acme.test")));
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value body = Json(r);
  EXPECT_EQ(body.at("counts").as_array().size(), 7u);
  EXPECT_EQ(body.at("counts").at(0).at("source").as_string(), "quirky");
  EXPECT_EQ(body.at("items").as_array().size(), 2u);
  EXPECT_EQ(body.at("items").at(0).at("line").as_int64(), 16);
  EXPECT_FALSE(body.at("next_cursor").is_null());
  // Another tenant sees none of them.
  const int64_t other = server_.CreateTenant("other");
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto c = tx.Kpi().CountDiagnostics(TenantScope(other));
                    if (!c) return c.error();
                    EXPECT_TRUE(c->empty());
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace callboard
