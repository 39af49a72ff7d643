#pragma once
// Passwords: the policy of DESIGN §6 and argon2id hashing (libsodium). Thread-safe.

#include <string>
#include <string_view>

#include "core/status.h"

namespace callboard {

inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 256;

// OK, or kInvalidArgument with field errors on `field` naming each rule broken:
// at least 12 characters, an upper-case letter, a digit and a special character.
Status CheckPasswordPolicy(std::string_view password, const std::string& field = "password");

// argon2id encoded hash ("$argon2id$v=19$m=…"), with libsodium's interactive limits.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& encoded_hash, std::string_view password);

// 32 random bytes as unpadded base64url with a prefix, e.g. "cbs_…" for sessions.
std::string NewSecretToken(std::string_view prefix);

}  // namespace callboard
