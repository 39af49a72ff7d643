// StreamIngestor (the incremental pipeline) against Importer::Import (the same pipeline over
// a whole stream): any feeding pattern with checkpoints and reopenings gives the same data.

#include "ingest/stream_ingestor.h"

#include <gtest/gtest.h>

#include <sstream>

#include "ingest/importer.h"
#include "ingest/simulator.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/sqlite/sqlite_test_support.h"
#include "store/transaction.h"

namespace callboard {
namespace {

struct Totals {
  int64_t calls = 0, offered = 0, answered = 0, talk_ms = 0, logged_in_ms = 0, rejects = 0;
  bool operator==(const Totals&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Totals& t) {
  return out << "calls=" << t.calls << " offered=" << t.offered << " answered=" << t.answered
             << " talk_ms=" << t.talk_ms << " logged_in_ms=" << t.logged_in_ms
             << " rejects=" << t.rejects;
}

class StreamIngestorTest : public ::testing::Test {
 protected:
  StreamIngestorTest() {
    Status s = db_->Write([&](Transaction& tx) -> Status {
      auto t = tx.Org().InsertTenant("acme", clock_.Now());
      if (!t) return t.error();
      tenant_ = t->id;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    options_.format = SourceFormat::kAsteriskQueueLog;
    options_.source_name = "pbx";
    SimulationOptions sim;
    sim.agents = 5;
    sim.hours = 1.5;
    sim.seed = 3;
    std::ostringstream text;
    EXPECT_TRUE(WriteSimulation(sim, text).ok());
    text_ = text.str();
  }

  Totals TotalsOf(Database& db) {
    Totals t;
    const TenantScope scope(tenant_);
    Status s = db.Read([&](Transaction& tx) -> Status {
      CB_RETURN_IF_ERROR(
          tx.Kpi().ScanCalls(scope, TimePoint{}, TimePoint::max(), [&](const StoredCall&) {
            ++t.calls;
            return Status::Ok();
          }));
      auto rows = tx.Kpi().ReadAggregates(scope, TimePoint{}, TimePoint::max(), false);
      if (!rows) return rows.error();
      for (const AggregateRow& r : *rows) {
        t.offered += r.counters.offered;
        t.answered += r.counters.answered;
        t.talk_ms += r.counters.talk_ms;
      }
      auto states = tx.Kpi().ReadAgentStates(scope, TimePoint{}, TimePoint::max());
      if (!states) return states.error();
      for (const AgentStateRow& r : *states) t.logged_in_ms += r.seconds.logged_in_ms;
      auto rejects = tx.Kpi().ListRejects(scope, std::nullopt, PageRequest{.limit = 500});
      if (!rejects) return rejects.error();
      t.rejects = static_cast<int64_t>(rejects->items.size());
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return t;
  }

  std::vector<std::string> Lines() const {
    std::vector<std::string> out;
    std::istringstream in(text_);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  SystemClock clock_;
  std::unique_ptr<Database> db_ = TempSqliteDatabase::Open();
  int64_t tenant_ = 0;
  ImportOptions options_;
  std::string text_;
};

TEST_F(StreamIngestorTest, FedInPiecesAcrossReopeningsItStoresWhatOneImportStores) {
  // One import into a database of its own (same tenant id: the first tenant of each).
  auto other = TempSqliteDatabase::Open();
  ASSERT_TRUE(other
                  ->Write([&](Transaction& tx) -> Status {
                    return tx.Org().InsertTenant("acme", clock_.Now()).has_value()
                               ? Status::Ok()
                               : Status::Internal("tenant");
                  })
                  .ok());
  std::istringstream in(text_ + "garbage line\n");
  auto summary = Importer(*other, clock_).Import(TenantScope(tenant_), options_, in, "s");
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->rejected, 1);
  const Totals once = TotalsOf(*other);
  ASSERT_GT(once.calls, 50);

  // Here: fed a line at a time, flushed every 7 lines, reopened from the checkpoint every 50.
  std::vector<std::string> lines = Lines();
  lines.push_back("garbage line");
  size_t next = 0;
  int opened = 0;
  while (next < lines.size()) {
    auto ingestor = StreamIngestor::Open(*db_, clock_, TenantScope(tenant_), options_, "s");
    ASSERT_TRUE(ingestor.has_value()) << ingestor.error().ToString();
    ++opened;
    EXPECT_EQ((*ingestor)->resume_after(), static_cast<int64_t>(next));
    EXPECT_EQ((*ingestor)->cursor(), next == 0 ? "" : "at " + std::to_string(next));
    const auto cursor = [](int64_t position) { return "at " + std::to_string(position); };
    for (int fed = 0; fed < 50 && next < lines.size(); ++fed) {
      (*ingestor)->Feed(lines[next], static_cast<int64_t>(next) + 1);
      ++next;
      if (next % 7 == 0) {
        ASSERT_TRUE((*ingestor)->Flush(cursor).ok());
      }
    }
    ASSERT_TRUE((*ingestor)->Flush(cursor).ok());
  }
  EXPECT_GT(opened, 3);
  EXPECT_EQ(TotalsOf(*db_), once);
}

TEST_F(StreamIngestorTest, ImportingTheSameStreamTwiceAddsNothing) {
  std::istringstream first(text_);
  auto a = Importer(*db_, clock_).Import(TenantScope(tenant_), options_, first, "s");
  ASSERT_TRUE(a.has_value());
  const Totals after_first = TotalsOf(*db_);
  std::istringstream second(text_);
  auto b = Importer(*db_, clock_).Import(TenantScope(tenant_), options_, second, "s");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->accepted, 0);
  EXPECT_EQ(b->duplicates, a->accepted);
  EXPECT_EQ(b->calls, 0);
  EXPECT_EQ(TotalsOf(*db_), after_first);
}

TEST_F(StreamIngestorTest, ReportsTheNewestEventTime) {
  auto ingestor = StreamIngestor::Open(*db_, clock_, TenantScope(tenant_), options_, "s");
  ASSERT_TRUE(ingestor.has_value());
  EXPECT_FALSE((*ingestor)->newest_event().has_value());
  (*ingestor)->Feed("1795340068|1795340067.1|sales|NONE|ENTERQUEUE||+15557206817|1", 1);
  (*ingestor)->Feed("1795340059|NONE|NONE|NONE|QUEUESTART|", 2);
  ASSERT_TRUE((*ingestor)->newest_event().has_value());
  EXPECT_EQ(ToUnixMillis(*(*ingestor)->newest_event()), 1795340068000);
  EXPECT_EQ((*ingestor)->unflushed_lines(), 2);
  ASSERT_TRUE((*ingestor)->Flush().ok());
  EXPECT_EQ((*ingestor)->unflushed_lines(), 0);
}

}  // namespace
}  // namespace callboard
