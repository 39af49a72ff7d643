#pragma once
// SHA-256 and HMAC-SHA-256 as lower-case hex. Thread-safe.

#include <string>
#include <string_view>

namespace callboard {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace callboard
