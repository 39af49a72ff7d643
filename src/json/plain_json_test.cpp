#include "json/plain_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>

namespace callboard {
namespace {

TEST(PlainJson, EverythingButDoublesIsWrittenAsBoostJsonWritesIt) {
  const boost::json::value v = {
      {"plain", "sales"},
      {"quote \" and \\ backslash", "line\nbreak\ttab\x01\x1f end"},
      {"unicode", "Zürich – 東京"},
      {"ints", {0, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}},
      {"uint", std::numeric_limits<uint64_t>::max()},
      {"flags", {true, false, nullptr}},
      {"nested", {{"empty_object", boost::json::object{}}, {"empty_array", boost::json::array{}}}},
  };
  EXPECT_EQ(PlainJsonText(v), boost::json::serialize(v));
}

TEST(PlainJson, DoublesArePlainDecimals) {
  const boost::json::value v = {
      {"a", 0.25}, {"b", 0.0}, {"c", 1e-7}, {"d", -12.5}, {"e", 636.363636}};
  EXPECT_EQ(PlainJsonText(v), R"({"a":0.25,"b":0,"c":1e-07,"d":-12.5,"e":636.363636})");
}

}  // namespace
}  // namespace callboard
