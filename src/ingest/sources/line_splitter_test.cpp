#include "ingest/sources/line_splitter.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "ingest/parsed.h"

namespace callboard {
namespace {

using Lines = std::vector<std::pair<std::string, int64_t>>;

LineSplitter::OnLine Collect(Lines& out) {
  return [&out](std::string_view line, int64_t end) { out.emplace_back(std::string(line), end); };
}

TEST(LineSplitter, HoldsAnUnterminatedLineUntilItsNewline) {
  Lines lines;
  LineSplitter split;
  split.Append("Call 1,a\r\nCall 2", Collect(lines));
  EXPECT_EQ(lines, (Lines{{"Call 1,a\r", 10}}));
  EXPECT_EQ(split.offset(), 10);
  EXPECT_EQ(split.partial_bytes(), 6);
  split.Append(",b\r", Collect(lines));
  EXPECT_EQ(lines.size(), 1u);
  split.Append("\n\n", Collect(lines));
  EXPECT_EQ(lines, (Lines{{"Call 1,a\r", 10}, {"Call 2,b\r", 20}, {"", 21}}));
  EXPECT_EQ(split.partial_bytes(), 0);
}

TEST(LineSplitter, CountsOffsetsFromTheStartOffset) {
  Lines lines;
  LineSplitter split(1000);
  split.Append("ab\ncd\n", Collect(lines));
  EXPECT_EQ(lines, (Lines{{"ab", 1003}, {"cd", 1006}}));
}

TEST(LineSplitter, CutsAnOverlongLineAndDropsItsRest) {
  Lines lines;
  LineSplitter split;
  const std::string huge(kMaxLineBytes + 5000, 'x');
  split.Append(huge.substr(0, 30000), Collect(lines));
  split.Append(huge.substr(30000), Collect(lines));
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(split.partial_bytes(), static_cast<int64_t>(huge.size()));
  split.Append("yy\nok\n", Collect(lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].first.size(), kMaxLineBytes + 1);  // long enough to be rejected as such
  EXPECT_EQ(lines[0].second, static_cast<int64_t>(huge.size()) + 3);
  EXPECT_EQ(lines[1],
            (std::pair<std::string, int64_t>{"ok", static_cast<int64_t>(huge.size()) + 6}));
}

TEST(LineSplitter, AnOverlongLineInsideOneChunkIsCutToo) {
  Lines lines;
  LineSplitter split;
  split.Append(std::string(kMaxLineBytes + 10, 'z') + "\nnext\n", Collect(lines));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].first.size(), kMaxLineBytes + 1);
  EXPECT_EQ(lines[1].first, "next");
}

TEST(LineSplitter, FlushPartialDeliversTheRest) {
  Lines lines;
  LineSplitter split;
  split.Append("one\ntwo", Collect(lines));
  split.FlushPartial(Collect(lines));
  EXPECT_EQ(lines, (Lines{{"one", 4}, {"two", 7}}));
  split.FlushPartial(Collect(lines));  // nothing more
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(split.offset(), 7);
}

}  // namespace
}  // namespace callboard
