#include "ingest/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace callboard {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Split(std::string_view line, char delimiter = ',') {
  std::vector<std::string> fields;
  const Status s = SplitCsv(line, fields, delimiter);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return fields;
}

TEST(Csv, SplitsPlainFields) {
  EXPECT_THAT(Split("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Split("1795340067.0"), ElementsAre("1795340067.0"));
}

TEST(Csv, KeepsEmptyUnquotedFieldsIncludingTheLast) {
  EXPECT_THAT(Split("a,,c"), ElementsAre("a", "", "c"));
  EXPECT_THAT(Split(",a,"), ElementsAre("", "a", ""));
  EXPECT_THAT(Split(""), ElementsAre(""));
  EXPECT_THAT(Split(",,"), ElementsAre("", "", ""));
}

TEST(Csv, UnquotesAndUndoublesQuotes) {
  // cdr_csv's clid column: `"" <+15557206817>` written as """"" <+15557206817>".
  EXPECT_THAT(Split(R"("",""""" <+15557206817>","x")"),
              ElementsAre("", "\"\" <+15557206817>", "x"));
  EXPECT_THAT(Split(R"("say ""hi""")"), ElementsAre("say \"hi\""));
}

TEST(Csv, KeepsDelimitersInsideQuotes) {
  EXPECT_THAT(Split(R"(Call 513,"Chain: 07700900123,Ext.610,Ext.185,",External)"),
              ElementsAre("Call 513", "Chain: 07700900123,Ext.610,Ext.185,", "External"));
  EXPECT_THAT(Split(R"("sales,t,,,60",4)"), ElementsAre("sales,t,,,60", "4"));
}

TEST(Csv, SplitsOnAnotherDelimiter) {
  EXPECT_THAT(Split("a|\"b|c\"|", '|'), ElementsAre("a", "b|c", ""));
}

TEST(Csv, TreatsAQuoteInsideAnUnquotedFieldAsText) {
  EXPECT_THAT(Split(R"(12" monitor,b)"), ElementsAre("12\" monitor", "b"));
}

TEST(Csv, ReusesTheCallersVector) {
  std::vector<std::string> fields = {"old1", "old2", "old3", "old4"};
  ASSERT_TRUE(SplitCsv("x,y", fields).ok());
  EXPECT_THAT(fields, ElementsAre("x", "y"));
}

TEST(Csv, RejectsAnUnterminatedQuote) {
  std::vector<std::string> fields;
  const Status s = SplitCsv(R"(a,"Chain: 1,2,)", fields);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("unterminated quote in field 2"));
}

TEST(Csv, RejectsTextAfterAClosingQuote) {
  std::vector<std::string> fields;
  const Status s = SplitCsv(R"("a"b,c)", fields);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("after closing quote in field 1"));
}

}  // namespace
}  // namespace callboard
