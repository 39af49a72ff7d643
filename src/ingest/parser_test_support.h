#pragma once
// Test support for the parser tests: fixture paths and feeding text to a parser line by line.
// Fixtures live in testdata/ingest/ under $CALLBOARD_SOURCE (set by ctest), or relative to this
// file when run by hand.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/parsed.h"

namespace callboard::testing {

inline std::string TestDataPath(std::string_view relative) {
  const char* root = std::getenv("CALLBOARD_SOURCE");
  std::string base =
      root != nullptr && *root != '\0'
          ? std::string(root)
          : std::string(__FILE__).substr(0, std::string(__FILE__).rfind('/')) + "/../..";
  return base + "/testdata/ingest/" + std::string(relative);
}

inline std::string ReadTestData(std::string_view relative) {
  std::ifstream in(TestDataPath(relative), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << TestDataPath(relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct ParseOutput {
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  std::vector<int64_t>
      pending_after_line;  // OldestPendingLine() after each line (index 0 = line 1)
};

// Feeds `text` split on '\n' (a final line without newline included), then Finish().
inline ParseOutput ParseText(RecordParser& parser, std::string_view text) {
  ParseOutput out;
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    parser.ParseLine(text.substr(pos, nl - pos), ++line_no, out.items, out.rejects);
    out.pending_after_line.push_back(parser.OldestPendingLine());
    pos = nl + 1;
  }
  parser.Finish(out.items, out.rejects);
  return out;
}

inline std::unique_ptr<RecordParser> NewParser(SourceFormat format, ParserOptions options = {}) {
  Result<std::unique_ptr<RecordParser>> parser = MakeParser(format, options);
  EXPECT_TRUE(parser.has_value()) << (parser ? "" : parser.error().ToString());
  return parser ? std::move(parser).value() : nullptr;
}

inline ParseOutput ParseFixture(SourceFormat format, std::string_view relative,
                                ParserOptions options = {}) {
  std::unique_ptr<RecordParser> parser = NewParser(format, std::move(options));
  if (parser == nullptr) return {};
  return ParseText(*parser, ReadTestData(relative));
}

template <typename T>
std::vector<T> ItemsOf(const std::vector<ParsedItem>& items) {
  std::vector<T> out;
  for (const ParsedItem& item : items) {
    if (const T* t = std::get_if<T>(&item)) out.push_back(*t);
  }
  return out;
}

// "2026-11-22T09:34:27Z" → TimePoint; fails the test on malformed text.
inline TimePoint Utc(std::string_view rfc3339) {
  const std::optional<TimePoint> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(TimePoint{});
}

}  // namespace callboard::testing
