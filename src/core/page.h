#pragma once
// Keyset pagination shared by every list: rows come in ascending id order; a page's
// next_after is the last id returned when more rows may follow.

#include <cstdint>
#include <optional>
#include <vector>

namespace callboard {

inline constexpr int kMaxPageLimit = 500;
inline constexpr int kDefaultPageLimit = 100;

struct PageRequest {
  int limit = kDefaultPageLimit;    // 1..kMaxPageLimit
  std::optional<int64_t> after_id;  // return rows with id > after_id
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next_after;  // set when the page is full
};

}  // namespace callboard
