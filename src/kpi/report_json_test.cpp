#include "kpi/report_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "json/plain_json.h"

namespace callboard {
namespace {

TEST(CsvField, QuotesOnlyWhatNeedsQuotingAndDefusesFormulas) {
  EXPECT_EQ(CsvField(nullptr), "");
  EXPECT_EQ(CsvField(42), "42");
  EXPECT_EQ(CsvField(0.25), "0.25");
  EXPECT_EQ(CsvField("support"), "support");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "\"two\r\nlines\"");
  // What a spreadsheet would run: marked as text.
  EXPECT_EQ(CsvField("+15551234"), "'+15551234");
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvField("@sum"), "'@sum");
  EXPECT_EQ(CsvField("-x"), "'-x");
  // Numbers written as text stay as they are.
  EXPECT_EQ(CsvField("-12"), "-12");
  EXPECT_EQ(CsvField("-3.5"), "-3.5");
}

TEST(ReportJsonText, IsTheTextOfReportJson) {
  Report report;
  report.request.from = ParseRfc3339("2026-03-01T05:00:00Z").value();
  report.request.to = ParseRfc3339("2026-03-03T05:00:00Z").value();
  report.request.tz = "America/New_York";
  report.request.interval = ReportInterval::kDay;
  QueueConfig q;
  q.id = 7;
  q.name = "sales \"east\"";
  report.queues = {q};
  IntervalCounters c;
  c.offered = 11;
  c.answered = 8;
  c.abandoned = 3;
  c.wait_answered_ms = 52000;
  c.wait_answered_histogram[1] = 8;
  c.talk_ms = 1234567;
  AgentStateSeconds s;
  s.logged_in_ms = 3600000;
  s.on_call_ms = 1234567;
  s.paused_by_reason_ms["Lunch"] = 60000;
  report.rows = {{0, 3, "Ann\tLee", report.request.from, ComputeKpis(c, q.settings, &s)},
                 {0, 4, "Bo", report.request.from, ComputeKpis(IntervalCounters{}, q.settings)}};
  for (bool agents : {true, false}) {
    const std::string text = ReportJsonText(report, agents);
    EXPECT_EQ(text, PlainJsonText(ReportJson(report, agents)));
    EXPECT_NE(text.find(R"("asa_s":6.5,)"), std::string::npos) << text;
    EXPECT_NE(text.find(agents ? R"("agent":"Ann\tLee")" : R"("queue":"Ann\tLee")"),
              std::string::npos)
        << text;
  }
  EXPECT_EQ(ReportJsonText(Report{}, false), PlainJsonText(ReportJson(Report{}, false)));
}

}  // namespace
}  // namespace callboard
