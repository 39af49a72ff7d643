// Automatic first-contact resolution end to end (DESIGN §3.4, docs/kpi-definitions.md): calls
// imported as calls-json, their automatic status decided by repeats, by data time and by the
// wall-clock sweep, the queue and agent reports' fcr counters, a replay that changes nothing,
// late data that turns a resolved call around, reaggregation, and the call API. Runs on SQLite
// and (auto_fcr_test_postgres) PostgreSQL.

#include "kpi/auto_fcr.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>
#include <string>

#include "app/app.h"
#include "ingest/importer.h"
#include "kpi/kpi_store.h"
#include "kpi/reaggregate.h"
#include "kpi/report_service.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

// t0 = 2026-11-02T09:00:00Z; hour h of the scenario as RFC 3339.
std::string Hour(int h, int minute = 0) {
  return FormatRfc3339(*ParseRfc3339("2026-11-02T09:00:00Z") + std::chrono::hours(h) +
                       std::chrono::minutes(minute));
}

// One calls-json line: a call of `caller` entering "sales" (or none, `queue` empty) at hour h;
// answered calls wait 10 s and talk 5 minutes, abandoned ones wait 30 s.
std::string Line(const std::string& id, const std::string& caller, int h, bool answered,
                 const std::string& agent = "SIP/1", const std::string& direction = "inbound",
                 const std::string& queue = "sales") {
  boost::json::object o{{"pbx_call_id", id},
                        {"direction", direction},
                        {"caller", caller},
                        {"callee", "800"},
                        {"started_at", Hour(h)},
                        {"outcome", answered ? "answered" : "abandoned"},
                        {"wait_s", answered ? 10 : 30}};
  if (!queue.empty()) o["queue"] = queue;
  const auto at = *ParseRfc3339(Hour(h));
  if (answered) {
    o["agent"] = agent;
    o["answered_at"] = FormatRfc3339(at + std::chrono::seconds(10));
    o["ended_at"] = FormatRfc3339(at + std::chrono::seconds(310));
    o["talk_s"] = 300;
  } else {
    o["ended_at"] = FormatRfc3339(at + std::chrono::seconds(30));
  }
  return boost::json::serialize(o) + "\n";
}

constexpr const char* kA = "+15550000001";
constexpr const char* kB = "+15550000002";
constexpr const char* kC = "+15550000003";
constexpr const char* kD = "+15550000004";
constexpr const char* kE = "+15550000005";
constexpr const char* kF = "+15550000006";

class AutoFcr : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    server_.clock().Set(*ParseRfc3339("2026-11-08T00:00:00Z"));  // after every call below
  }

  ImportSummary Import(const std::string& text, const std::string& stream) {
    std::istringstream in(text);
    ImportOptions options;
    options.format = SourceFormat::kCallsJson;
    options.source_name = "crm";
    auto s = server_.app().importer().Import(TenantScope(tenant_), options, in, stream);
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? *s : ImportSummary{};
  }

  // fcr_yes and fcr_known of the sales queue (queue report) or of one agent (agent report).
  std::pair<int64_t, int64_t> Fcr(const std::string& agent = "") {
    ReportRequest req;
    req.from = *ParseRfc3339("2026-11-01T00:00:00Z");
    req.to = *ParseRfc3339("2026-12-01T00:00:00Z");
    const Principal op = OperatorPrincipal(tenant_);
    auto report = agent.empty() ? server_.app().reports().Queues(op, req)
                                : server_.app().reports().Agents(op, req);
    EXPECT_TRUE(report) << report.error().ToString();
    if (!report) return {-1, -1};
    for (const ReportRow& row : report->rows) {
      if (row.name == (agent.empty() ? "sales" : agent))
        return {row.kpis.fcr_yes, row.kpis.fcr_known};
    }
    return {0, 0};
  }

  // Automatic status by PBX call id.
  std::map<std::string, FcrAuto> Statuses() {
    std::map<std::string, FcrAuto> out;
    EXPECT_TRUE(server_.app()
                    .db()
                    .Read([&](Transaction& tx) -> Status {
                      auto page = tx.Kpi().ListCalls(TenantScope(tenant_), CallFilter{},
                                                     PageRequest{.limit = 100});
                      if (!page) return page.error();
                      for (const StoredCall& c : page->items) out[c.call.pbx_call_id] = c.fcr_auto;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  TestServer server_;
  int64_t tenant_ = 0;
};

// Day 1: a1 is reached again by a2 ten hours later (not resolved); d1 by d2, abandoned (not
// resolved); b1 is alone but its 72 h have not passed (pending); c1 has fcr=false given; the
// anonymous and the outbound calls are not eligible. Day 4 (h73) moves data time past b1's
// window end (h1 + 72 h): resolved. A late call of B at h50 turns b1 around. The sweep at
// 2026-11-08 (h135) resolves a2 (h10); f1 (h73) stays pending.
TEST_F(AutoFcr, RepeatsDataTimeLateDataAndTheSweepDecideOnce) {
  std::string c1 = Line("c1", kC, 2, true, "SIP/2");
  c1.insert(c1.size() - 2, ",\"fcr\":false");
  const std::string day1 =
      Line("a1", kA, 0, true, "SIP/1") + Line("b1", kB, 1, true, "SIP/1") + c1 +
      Line("d1", kD, 3, true, "SIP/2") + Line("x1", "Anonymous", 4, true, "SIP/1") +
      Line("o1", kE, 5, true, "SIP/1", "outbound") +
      Line("o2", kB, 6, true, "SIP/1", "outbound", "") + Line("a2", kA, 10, true, "SIP/2") +
      Line("d2", kD, 20, false) + Line("x2", "anonymous", 21, true, "SIP/1");
  ImportSummary s = Import(day1, "day1");
  EXPECT_EQ(s.calls, 10);
  using enum FcrAuto;
  EXPECT_EQ(Statuses(), (std::map<std::string, FcrAuto>{{"a1", kNo},
                                                        {"a2", kPending},
                                                        {"b1", kPending},
                                                        {"c1", kNone},
                                                        {"d1", kNo},
                                                        {"d2", kNone},
                                                        {"o1", kNone},
                                                        {"o2", kNone},
                                                        {"x1", kNone},
                                                        {"x2", kNone}}));
  // Known: a1 (no), d1 (no), c1 (given no).
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{0}, int64_t{3}));
  EXPECT_EQ(Fcr("SIP/1"), std::make_pair(int64_t{0}, int64_t{1}));  // a1; b1 pending
  EXPECT_EQ(Fcr("SIP/2"), std::make_pair(int64_t{0}, int64_t{2}));  // c1, d1; a2 pending

  const std::string day4 = Line("f1", kF, 73, true, "SIP/1");
  EXPECT_EQ(Import(day4, "day4").calls, 1);
  auto st = Statuses();
  EXPECT_EQ(st["b1"], kYes);  // h1 + 72 h = h73, the newest start
  EXPECT_EQ(st["a2"], kPending);
  EXPECT_EQ(st["f1"], kPending);
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{1}, int64_t{4}));
  EXPECT_EQ(Fcr("SIP/1"), std::make_pair(int64_t{1}, int64_t{2}));

  // Importing both files again: all duplicates, nothing changes.
  ImportSummary again = Import(day1, "day1");
  EXPECT_EQ(again.calls, 0);
  EXPECT_EQ(again.duplicates, 10);
  EXPECT_EQ(Import(day4, "day4").calls, 0);
  EXPECT_EQ(Statuses(), st);
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{1}, int64_t{4}));

  // Late data: B called again at h50, inside b1's window: resolved turns not resolved.
  EXPECT_EQ(Import(Line("b2", kB, 50, false), "late").calls, 1);
  EXPECT_EQ(Statuses()["b1"], kNo);
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{0}, int64_t{4}));
  EXPECT_EQ(Fcr("SIP/1"), std::make_pair(int64_t{0}, int64_t{2}));

  // The wall-clock sweep: now (h135) − 72 h = h63 passed a2's start (h10), not f1's (h73).
  AutoFcrSweep sweep(server_.app().db(), server_.clock());
  auto decided = sweep.RunOnce();
  ASSERT_TRUE(decided) << decided.error().ToString();
  EXPECT_EQ(*decided, 1);
  auto again_decided = sweep.RunOnce();
  ASSERT_TRUE(again_decided);
  EXPECT_EQ(*again_decided, 0);
  st = Statuses();
  EXPECT_EQ(st["a2"], kYes);
  EXPECT_EQ(st["f1"], kPending);
  // fcr_rate = 1 / 5: a2 resolved; a1, b1, d1 not resolved; c1 given not resolved.
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{1}, int64_t{5}));
  EXPECT_EQ(Fcr("SIP/2"), std::make_pair(int64_t{1}, int64_t{3}));
  ReportRequest req;
  req.from = *ParseRfc3339("2026-11-01T00:00:00Z");
  req.to = *ParseRfc3339("2026-12-01T00:00:00Z");
  auto report = server_.app().reports().Queues(OperatorPrincipal(tenant_), req);
  ASSERT_TRUE(report && report->rows.size() == 1u);
  ASSERT_TRUE(report->rows[0].kpis.fcr_rate);
  EXPECT_DOUBLE_EQ(*report->rows[0].kpis.fcr_rate, 0.2);

  // Each decision counts in its call's queue-entry bucket: a1's at h0 (known, not yes), a2's
  // at h10 (known and yes), b1's at h1 (known; yes added, then taken back).
  std::map<TimePoint, std::pair<int64_t, int64_t>> buckets;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto rows =
                        tx.Kpi().ReadAggregates(TenantScope(tenant_), *ParseRfc3339(Hour(0)),
                                                *ParseRfc3339(Hour(11)), false);
                    if (!rows) return rows.error();
                    for (const AggregateRow& r : *rows)
                      buckets[r.bucket] = {r.counters.fcr_yes, r.counters.fcr_known};
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(buckets[*ParseRfc3339(Hour(0))], std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(buckets[*ParseRfc3339(Hour(1))], std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(buckets[*ParseRfc3339(Hour(10))], std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(buckets[*ParseRfc3339(Hour(4))], std::make_pair(int64_t{0}, int64_t{0}));  // x1

  // Reaggregation counts the effective fcr: the same numbers.
  auto r = Reaggregate(server_.app().db(), TenantScope(tenant_), req.from, req.to);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(Fcr(), std::make_pair(int64_t{1}, int64_t{5}));
  EXPECT_EQ(Fcr("SIP/1"), std::make_pair(int64_t{0}, int64_t{2}));
  EXPECT_EQ(Fcr("SIP/2"), std::make_pair(int64_t{1}, int64_t{3}));
}

// The call API shows the effective fcr and where it comes from.
TEST_F(AutoFcr, TheCallApiShowsTheEffectiveFcrAndItsSource) {
  std::string c1 = Line("c1", kC, 2, true, "SIP/2");
  c1.insert(c1.size() - 2, ",\"fcr\":false");
  Import(Line("a1", kA, 0, true) + Line("b1", kB, 1, true) + c1 + Line("a2", kA, 10, true) +
             Line("o1", kE, 5, true, "SIP/1", "outbound") + Line("f1", kF, 73, true),
         "calls");
  server_.CreateUser(tenant_, "manager@acme.test", Role::kManager);
  HttpClient http = server_.Client();
  const auto auth = Bearer(server_.Login("manager@acme.test"));
  ClientResponse list = http.Request("GET", "/api/v1/calls?limit=50", "", auth);
  ASSERT_EQ(list.status, 200) << list.body;
  std::map<std::string, std::pair<std::string, std::string>> got;  // id → (fcr, fcr_source)
  const boost::json::value body = Json(list);
  for (const boost::json::value& v : body.at("items").as_array()) {
    const boost::json::object& c = v.as_object();
    got[std::string(c.at("pbx_call_id").as_string())] = {
        boost::json::serialize(c.at("fcr")), boost::json::serialize(c.at("fcr_source"))};
  }
  EXPECT_EQ(got, (std::map<std::string, std::pair<std::string, std::string>>{
                     {"a1", {"false", "\"automatic\""}},
                     {"a2", {"null", "\"pending\""}},  // h10 + 72 h is after f1 (h73)
                     {"b1", {"true", "\"automatic\""}},
                     {"c1", {"false", "\"given\""}},
                     {"f1", {"null", "\"pending\""}},
                     {"o1", {"null", "null"}}}));
  const std::string csv = http.Request("GET", "/api/v1/calls.csv", "", auth).body;
  EXPECT_NE(csv.find(",fcr,fcr_source,csat\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",true,automatic,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",,pending,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace callboard
