#include "kpi/report_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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

}  // namespace
}  // namespace callboard
