#include "auth/password.h"

#include <sodium.h>

#include <cctype>
#include <cstdlib>

namespace callboard {

namespace {

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no secure randomness: nothing can be done safely
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password, const std::string& field) {
  std::vector<FieldError> errors;
  bool upper = false, digit = false, special = false;
  for (unsigned char c : password) {
    upper |= std::isupper(c) != 0;
    digit |= std::isdigit(c) != 0;
    special |= !std::isalnum(c) && c != ' ';
  }
  if (password.size() < kMinPasswordLength)
    errors.push_back({field, "too_short", "must be at least 12 characters"});
  if (password.size() > kMaxPasswordLength)
    errors.push_back({field, "too_long", "must be at most 256 characters"});
  if (!upper) errors.push_back({field, "needs_upper", "must contain an upper-case letter"});
  if (!digit) errors.push_back({field, "needs_digit", "must contain a digit"});
  if (!special) errors.push_back({field, "needs_special", "must contain a special character"});
  if (errors.empty()) return Status::Ok();
  return Status::Invalid(std::move(errors), "password does not meet the policy");
}

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("argon2id hashing failed (out of memory)");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& encoded_hash, std::string_view password) {
  EnsureSodium();
  if (encoded_hash.empty()) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewSecretToken(std::string_view prefix) {
  EnsureSodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(prefix) + b64;
}

}  // namespace callboard
