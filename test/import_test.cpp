// `callboard import` and `callboard report` through the real binary (issue 3, acceptance
// 1, 2, 4 and 5): a real Asterisk run gives Asterisk's own counters, a re-import is a
// no-op, bad lines are rejected with their numbers while the good ones count, the 3CX
// acceptance lines become the stated calls, binary and damaged gzip input is refused or
// stops cleanly, and simulated traffic in two formats agrees, per queue and local day,
// with the DESIGN §3.4 formulas computed afresh here from the simulator's ground truth.

#include <date/tz.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/call_record.h"
#include "core/clock.h"
#include "ingest/simulator.h"
#include "test/support/process.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;

// Writes `bytes` gzip-compressed to `path`.
void WriteGzip(const fs::path& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// A data directory with tenant "acme".
class DataDir {
 public:
  explicit DataDir(const fs::path& root, const std::string& name) : dir_(root / name) {
    fs::create_directories(dir_);
    CommandRun t = RunCallboard(root, {"tenant", "add", "acme", "--data", dir_.string()});
    EXPECT_EQ(t.exit_code, 0) << t.err;
  }
  const fs::path& path() const { return dir_; }

  CommandRun Import(const fs::path& scratch, const std::string& format,
                    const fs::path& file) const {
    return RunCallboard(scratch, {"import", "--data", dir_.string(), "--tenant", "acme", "--format",
                                  format, "--source", "pbx", file.string()});
  }
  CommandRun Report(const fs::path& scratch, const std::string& kind, const std::string& from,
                    const std::string& to, const std::string& interval,
                    const std::string& tz = "UTC") const {
    return RunCallboard(
        scratch, {"report", kind, "--data", dir_.string(), "--tenant", "acme", "--from", from,
                  "--to", to, "--interval", interval, "--tz", tz, "--format", "json"});
  }

 private:
  fs::path dir_;
};

class Import : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("callboard-import-" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // The run2 queue report over its day (2026-11-22 UTC).
  std::string Run2Report(const DataDir& d) {
    CommandRun r = d.Report(root_, "queues", "2026-11-22", "2026-11-23", "total");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  fs::path root_;
};

const fs::path kRun2 = "testdata/ingest/asterisk/run2.queue_log";

boost::json::object RowOf(const std::string& report_json, const std::string& queue) {
  const boost::json::value v = boost::json::parse(report_json);
  for (const boost::json::value& row : v.at("rows").as_array()) {
    if (row.at("queue").as_string() == queue) return row.as_object();
  }
  ADD_FAILURE() << "no row for " << queue << " in " << report_json;
  return {};
}

double Number(const boost::json::value& v) {
  return v.is_double() ? v.as_double() : v.to_number<double>();
}

void ExpectRun2Numbers(const std::string& report_json) {
  // Asterisk's `queue show` after run2 (fixtures/asterisk/run2.queue-show.txt):
  // sales C:9 A:6 SL:77.8% SL2:73.3%; support C:15 A:10 SL:53.3% SL2:60.0%.
  const boost::json::object sales = RowOf(report_json, "sales");
  EXPECT_EQ(sales.at("offered").as_int64(), 15);
  EXPECT_EQ(sales.at("answered").as_int64(), 9);
  EXPECT_EQ(sales.at("abandoned").as_int64(), 6);
  const auto& sv = sales.at("service_level_variants");
  EXPECT_DOUBLE_EQ(Number(sv.at("abandons_ignored")), 0.777778);
  EXPECT_DOUBLE_EQ(Number(sv.at("abandons_in_sl_success")), 0.733333);
  const boost::json::object support = RowOf(report_json, "support");
  EXPECT_EQ(support.at("offered").as_int64(), 25);
  EXPECT_EQ(support.at("answered").as_int64(), 15);
  EXPECT_EQ(support.at("abandoned").as_int64(), 10);
  const auto& pv = support.at("service_level_variants");
  EXPECT_DOUBLE_EQ(Number(pv.at("abandons_ignored")), 0.533333);
  EXPECT_DOUBLE_EQ(Number(pv.at("abandons_in_sl_success")), 0.6);
}

TEST_F(Import, RealAsteriskRunGivesQueueShowNumbersAndReimportIsANoOp) {
  DataDir d(root_, "data");
  CommandRun first = d.Import(root_, "asterisk-queue-log", SourceDir() / kRun2);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, R"({"accepted":122,"duplicates":0,"rejected":0,"calls":40})"
                       "\n");
  const std::string report = Run2Report(d);
  ExpectRun2Numbers(report);

  CommandRun again = d.Import(root_, "asterisk-queue-log", SourceDir() / kRun2);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, R"({"accepted":0,"duplicates":122,"rejected":0,"calls":0})"
                       "\n");
  EXPECT_EQ(Run2Report(d), report);  // byte for byte
}

TEST_F(Import, BadLinesAreRejectedWithTheirNumbersAndTheGoodOnesCount) {
  std::vector<std::string> lines;
  {
    std::istringstream in(ReadFile(SourceDir() / kRun2));
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 122u);
  // Inserted after run2's lines 10, 60 and 100: they become lines 11, 62 and 103; and a
  // line over the 64 KiB limit after line 121 becomes line 125.
  const std::map<int64_t, std::pair<std::string, std::string>> bad = {
      {11, {"this is not a queue_log line", "field count: 1 fields"}},
      {62, {"17953424xx|1795342431.17|sales|NONE|INFO|x", "time:"}},
      {103, {"1795342500|1795342431.99|sales|NONE|", "event: empty"}},
      {125, {std::string(70000, 'x'), ""}}};
  std::string text;
  int64_t line_no = 0;
  size_t next = 0;
  while (next < lines.size()) {
    if (auto it = bad.find(line_no + 1); it != bad.end()) {
      text += it->second.first + "\n";
    } else {
      text += lines[next++] + "\n";
    }
    ++line_no;
  }
  ASSERT_EQ(line_no, 126);
  const fs::path file = root_ / "run2-with-bad-lines.queue_log";
  WriteFile(file, text);

  DataDir d(root_, "data");
  CommandRun r = d.Import(root_, "asterisk-queue-log", file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"accepted":122,"duplicates":0,"rejected":4,"calls":40})"
                   "\n");
  EXPECT_NE(r.err.find("run2-with-bad-lines.queue_log:11: rejected: field count"),
            std::string::npos)
      << r.err;
  ExpectRun2Numbers(Run2Report(d));

  CommandRun list =
      RunCallboard(root_, {"rejects", "list", "--data", d.path().string(), "--tenant", "acme"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::map<int64_t, boost::json::object> listed;
  std::istringstream in(list.out);
  for (std::string l; std::getline(in, l);) {
    boost::json::object o = boost::json::parse(l).as_object();
    listed[o.at("line").as_int64()] = o;
  }
  ASSERT_EQ(listed.size(), bad.size()) << list.out;
  for (const auto& [line, want] : bad) {
    ASSERT_TRUE(listed.contains(line)) << line << "\n" << list.out;
    const boost::json::object& o = listed[line];
    EXPECT_EQ(o.at("source").as_string(), "pbx");
    const std::string reason(o.at("reason").as_string());
    EXPECT_FALSE(reason.empty());
    EXPECT_TRUE(reason.starts_with(want.second)) << line << ": " << reason;
    const std::string raw(o.at("raw").as_string());
    if (want.first.size() < 1024) {
      EXPECT_EQ(raw, want.first);
    } else {
      EXPECT_EQ(raw, want.first.substr(0, 1024));  // kMaxRejectRawBytes of an over-long line
    }
  }
}

// Issue 3, acceptance item 5 (default field order), checked in the database itself.
TEST_F(Import, TheFour3cxAcceptanceLinesBecomeTheStatedCalls) {
  const fs::path file = root_ / "cdr.csv";
  WriteFile(
      file,
      "Call 512,00000188AB01C2D3_101,,2026/03/02 09:14:05,,2026/03/02 "
      "09:14:21,Failed_Cancelled,Ext.201,Ext.305,201,305,305,,,,,,,,,Internal,Internal,Internal,"
      "Reception 201,Desk 305,Desk 305,\n"
      "Call 513,00000188AB02F0A1_102,00:05:15,2026/03/02 09:20:43,2026/03/02 09:20:43,2026/03/02 "
      "09:25:58,TerminatedByDst,07700900123,Ext.610,10000,610,610,ReplacedDst,Ext.185,185,,,,,"
      "\"Chain: 07700900123,Ext.610,Ext.185,\",External,Internal,Internal,Caller,Queue 610,Desk "
      "185,\n"
      "Call 514,00000188AB03AA10_103,00:02:07,2026/03/02 09:31:58,2026/03/02 09:32:03,2026/03/02 "
      "09:34:10,TerminatedBySrc,Ext.114,02079460000,114,10001,02079460000,,,,,1,5.12,default,"
      "\"Chain: Ext.114,02079460000,\",Internal,External,External,Desk 114,,,\n"
      "Call 515,00000188AB04BB20_104,,2026/03/02 09:40:12,,2026/03/02 "
      "09:40:49,Failed,Ext.195,0033144556677,195,0033144556677,0033144556677,,,,,,,,,Internal,"
      "External,External,Desk 195,,,\n");
  DataDir d(root_, "data");
  CommandRun r = d.Import(root_, "3cx-cdr", file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"accepted":4,"duplicates":0,"rejected":0,"calls":4})"
                   "\n");

  sqlite3* db = nullptr;
  ASSERT_EQ(
      sqlite3_open_v2((d.path() / "callboard.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
      SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT pbx_call_id, direction, outcome, talk_ms, transfer_count, "
                               "transferred_to FROM calls ORDER BY started_at",
                               -1, &st, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  std::vector<std::string> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < 6; ++i) {
      const unsigned char* text = sqlite3_column_text(st, i);
      row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  const std::vector<std::string> want = {
      // An unanswered internal call.
      "00000188AB01C2D3_101|internal|missed|0|0|",
      // An answered external call transferred from extension 610 to 185, 5 min 15 s.
      "00000188AB02F0A1_102|inbound|answered|315000|1|185",
      // An answered outbound call (2:07 of talk).
      "00000188AB03AA10_103|outbound|answered|127000|0|",
      // A failed outbound call.
      "00000188AB04BB20_104|outbound|failed|0|0|"};
  EXPECT_EQ(rows, want);
}

TEST_F(Import, ABinaryFileIsRefusedAsNotText) {
  std::string bytes =
      "\x7f"
      "ELF";
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>(i % 256);
  const fs::path file = root_ / "callboard.bin";
  WriteFile(file, bytes);
  DataDir d(root_, "data");
  CommandRun r = d.Import(root_, "asterisk-queue-log", file);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is not a text file"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(Import, GzipImportsLikeThePlainFile) {
  const fs::path gz = root_ / "run2.queue_log.gz";
  WriteGzip(gz, ReadFile(SourceDir() / kRun2));
  DataDir plain(root_, "plain");
  DataDir zipped(root_, "zipped");
  CommandRun a = plain.Import(root_, "asterisk-queue-log", SourceDir() / kRun2);
  CommandRun b = zipped.Import(root_, "asterisk-queue-log", gz);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out, a.out);
  const std::string report = Run2Report(zipped);
  ExpectRun2Numbers(report);
  EXPECT_EQ(report, Run2Report(plain));
}

// Counts the complete ('\n'-terminated) lines that zlib can recover from a damaged file.
int64_t RecoverableLines(const fs::path& gz) {
  gzFile f = gzopen(gz.c_str(), "rb");
  std::string text;
  char buf[4096];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return std::count(text.begin(), text.end(), '\n');
}

TEST_F(Import, ATruncatedGzipImportsTheLinesBeforeTheDamageAndFails) {
  // A simulated queue_log big enough that the cut falls beyond the first 64 KiB (the
  // stream's identity), so that the whole file later resumes where the cut one stopped.
  SimulationOptions options{
      .format = SourceFormat::kAsteriskQueueLog, .agents = 10, .hours = 12, .seed = 11};
  std::ostringstream sim;
  ASSERT_TRUE(WriteSimulation(options, sim).ok());
  const std::string text = sim.str();
  const int64_t total_lines = std::count(text.begin(), text.end(), '\n');
  const fs::path whole = root_ / "day.queue_log.gz";
  WriteGzip(whole, text);
  const std::string compressed = ReadFile(whole);
  const fs::path cut = root_ / "day-cut.queue_log.gz";
  WriteFile(cut, compressed.substr(0, compressed.size() * 6 / 10));
  const int64_t recoverable = RecoverableLines(cut);
  ASSERT_GT(recoverable * 64, 2 * 65536);  // well past the identity block
  ASSERT_LT(recoverable, total_lines);

  DataDir d(root_, "data");
  CommandRun r = d.Import(root_, "asterisk-queue-log", cut);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("day-cut.queue_log.gz: unexpected end of file"), std::string::npos) << r.err;
  // Every complete line before the damage was read and committed; the fragment of the line
  // the damage cut through was not taken for a line.
  EXPECT_EQ(r.out, R"({"accepted":)" + std::to_string(recoverable) +
                       R"(,"duplicates":0,"rejected":0,"calls":)" +
                       std::to_string(boost::json::parse(r.out).at("calls").as_int64()) + "}\n");
  EXPECT_GT(boost::json::parse(r.out).at("calls").as_int64(), 100);

  // The whole file then resumes after the last good line: nothing lost, nothing twice.
  CommandRun rest = d.Import(root_, "asterisk-queue-log", whole);
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  const boost::json::object summary = boost::json::parse(rest.out).as_object();
  EXPECT_EQ(summary.at("duplicates").as_int64(), recoverable);
  EXPECT_EQ(summary.at("accepted").as_int64(), total_lines - recoverable);
  DataDir clean(root_, "clean");
  ASSERT_EQ(clean.Import(root_, "asterisk-queue-log", whole).exit_code, 0);
  for (const char* kind : {"queues", "agents"}) {
    CommandRun a = d.Report(root_, kind, "2026-11-01", "2026-11-04", "1h");
    CommandRun b = clean.Report(root_, kind, "2026-11-01", "2026-11-04", "1h");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_GT(a.out.size(), 1000u);
    EXPECT_EQ(a.out, b.out) << kind;
  }
}

// ---- Acceptance 1: the reports against the DESIGN §3.4 formulas, computed afresh ----

constexpr int64_t kSlThresholdMs = 20000;  // default sl_threshold_s
constexpr int64_t kShortAbandonMs = 5000;  // default short_abandon_s
constexpr const char* kZone = "America/New_York";

// What the test itself counts per queue and local day, straight from the call records.
struct Expected {
  int64_t offered = 0;
  int64_t answered = 0;
  int64_t abandoned = 0;
  int64_t short_abandoned = 0;
  int64_t timed_out = 0;
  int64_t answered_in_sl = 0;
  int64_t abandoned_in_sl = 0;
  int64_t handled = 0;
  int64_t wait_answered_ms = 0;
  int64_t work_ms = 0;  // talk + hold + acw of handled calls
  int64_t max_wait_ms = 0;
};

std::optional<double> Ratio(double num, double den) {
  if (den == 0) return std::nullopt;
  return num / den;
}

// Local midnight (America/New_York) of the day containing `t`, as UTC.
TimePoint LocalDayStart(TimePoint t) {
  const date::time_zone* zone = date::locate_zone(kZone);
  const auto local = date::zoned_time<std::chrono::milliseconds>(zone, t).get_local_time();
  const date::local_days day = date::floor<date::days>(local);
  return TimePoint(date::zoned_time<std::chrono::milliseconds>(zone, day, date::choose::earliest)
                       .get_sys_time());
}

std::map<std::pair<std::string, TimePoint>, Expected> ComputeByHand(
    const std::vector<CallRecord>& calls) {
  std::map<std::pair<std::string, TimePoint>, Expected> out;
  for (const CallRecord& c : calls) {
    if (c.queue.empty()) continue;
    Expected& e = out[{c.queue, LocalDayStart(c.started_at)}];  // the day it entered the queue
    const int64_t wait = std::max<int64_t>(0, c.wait_ms);
    ++e.offered;
    e.max_wait_ms = std::max(e.max_wait_ms, wait);
    if (c.outcome == CallOutcome::kAnswered) {
      ++e.answered;
      e.wait_answered_ms += wait;
      if (wait <= kSlThresholdMs) ++e.answered_in_sl;
      // Handled: the talk has ended (DESIGN §3.4, aht_s).
      if (c.ended_at >= c.answered_at.value_or(c.started_at)) {
        ++e.handled;
        e.work_ms += c.talk_ms + c.hold_ms + c.acw_ms;
      }
    } else if (c.outcome == CallOutcome::kAbandoned) {
      ++e.abandoned;
      if (wait < kShortAbandonMs) ++e.short_abandoned;
      if (wait <= kSlThresholdMs) ++e.abandoned_in_sl;
    } else if (c.outcome == CallOutcome::kTimeout) {
      ++e.timed_out;
    }
  }
  return out;
}

void ExpectRatio(const boost::json::value& got, std::optional<double> want,
                 const std::string& what) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << what << ": " << boost::json::serialize(got);
    return;
  }
  ASSERT_FALSE(got.is_null()) << what;
  EXPECT_NEAR(Number(got), *want, 1e-6) << what;
}

// Imports `format` traffic from the simulator and compares the daily queue report with the
// hand computation from SimulateCalls (the ground truth the file encodes).
void CheckAgainstGroundTruth(const fs::path& root, SourceFormat format, const std::string& name) {
  // Two days of traffic across the New York fall-back change (1 Nov 2026 has 25 hours).
  const SimulationOptions options{.format = format,
                                  .queues = 2,
                                  .agents = 12,
                                  .hours = 48,
                                  .seed = 20261031,
                                  .start = *ParseRfc3339("2026-10-31T10:00:00Z"),
                                  .time_zone = kZone};
  const fs::path file = root / ("traffic." + name);
  {
    std::ofstream out(file, std::ios::binary);
    ASSERT_TRUE(WriteSimulation(options, out).ok());
  }
  const std::vector<CallRecord> truth = SimulateCalls(options);
  ASSERT_GT(truth.size(), 2000u);
  const auto expected = ComputeByHand(truth);

  DataDir d(root, name);
  CommandRun imported = d.Import(root, name, file);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const boost::json::object summary = boost::json::parse(imported.out).as_object();
  EXPECT_EQ(summary.at("rejected").as_int64(), 0);
  EXPECT_EQ(summary.at("calls").as_int64(), static_cast<int64_t>(truth.size()));

  CommandRun report = d.Report(root, "queues", "2026-10-30", "2026-11-04", "day", kZone);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const boost::json::value v = boost::json::parse(report.out);
  const auto& rows = v.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u * 5u);  // 2 queues × 5 local days
  size_t days_with_calls = 0;
  for (const boost::json::value& row : rows) {
    const std::string queue(row.at("queue").as_string());
    const TimePoint day = *ParseRfc3339(row.at("interval_start").as_string());
    EXPECT_EQ(day, LocalDayStart(day)) << "interval_start is not a New York midnight";
    const auto it = expected.find({queue, day});
    const Expected e = it == expected.end() ? Expected{} : it->second;
    if (it != expected.end()) ++days_with_calls;
    const std::string what = name + " " + queue + " " + FormatRfc3339(day);
    EXPECT_EQ(row.at("offered").as_int64(), e.offered) << what;
    EXPECT_EQ(row.at("answered").as_int64(), e.answered) << what;
    EXPECT_EQ(row.at("abandoned").as_int64(), e.abandoned) << what;
    EXPECT_EQ(row.at("short_abandoned").as_int64(), e.short_abandoned) << what;
    EXPECT_EQ(row.at("timed_out").as_int64(), e.timed_out) << what;
    EXPECT_EQ(row.at("answered_in_sl").as_int64(), e.answered_in_sl) << what;
    EXPECT_EQ(row.at("abandoned_in_sl").as_int64(), e.abandoned_in_sl) << what;
    const double offered = static_cast<double>(e.offered);
    const double answered = static_cast<double>(e.answered);
    const double abandoned = static_cast<double>(e.abandoned);
    const double shorts = static_cast<double>(e.short_abandoned);
    const double ans_sl = static_cast<double>(e.answered_in_sl);
    const double ab_sl = static_cast<double>(e.abandoned_in_sl);
    const auto& sl = row.at("service_level_variants");
    ExpectRatio(sl.at("abandons_count"), Ratio(ans_sl, offered - shorts), what + " abandons_count");
    ExpectRatio(sl.at("abandons_ignored"), Ratio(ans_sl, answered), what + " abandons_ignored");
    ExpectRatio(sl.at("late_abandons_count"), Ratio(ans_sl, offered - ab_sl),
                what + " late_abandons_count");
    ExpectRatio(sl.at("abandons_in_sl_success"), Ratio(ans_sl + ab_sl, offered),
                what + " abandons_in_sl_success");
    // The queues' default formula is abandons_count.
    ExpectRatio(row.at("service_level"), Ratio(ans_sl, offered - shorts), what + " service_level");
    ExpectRatio(row.at("asa_s"), Ratio(static_cast<double>(e.wait_answered_ms) / 1000, answered),
                what + " asa_s");
    ExpectRatio(row.at("abandon_rate"), Ratio(abandoned - shorts, offered - shorts),
                what + " abandon_rate");
    ExpectRatio(row.at("aht_s"),
                Ratio(static_cast<double>(e.work_ms) / 1000, static_cast<double>(e.handled)),
                what + " aht_s");
    ExpectRatio(
        row.at("max_wait_s"),
        e.offered ? std::optional<double>(static_cast<double>(e.max_wait_ms) / 1000) : std::nullopt,
        what + " max_wait_s");
  }
  EXPECT_EQ(days_with_calls, expected.size()) << "calls fell outside the reported days";
  EXPECT_GE(expected.size(), 2u * 3u);  // both queues on at least three local days
}

TEST_F(Import, SimulatedCallsJsonAgreesWithTheFormulasByLocalDay) {
  CheckAgainstGroundTruth(root_, SourceFormat::kCallsJson, "calls-json");
}

TEST_F(Import, SimulatedQueueLogAgreesWithTheFormulasByLocalDay) {
  CheckAgainstGroundTruth(root_, SourceFormat::kAsteriskQueueLog, "asterisk-queue-log");
}

}  // namespace
}  // namespace callboard
