#pragma once
// StringHash: hashes std::string, std::string_view and C strings alike, so that an
// unordered_map<std::string, T, StringHash, std::equal_to<>> is searched by a string_view
// without building a std::string key (e.g. a statement cache looked up by SQL text for every
// row a store writes).
//
//   std::unordered_map<std::string, int, StringHash, std::equal_to<>> m;
//   auto it = m.find(std::string_view(sql));

#include <cstddef>
#include <functional>
#include <string_view>

namespace callboard {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

}  // namespace callboard
