#pragma once
// Status and Result<T>: how expected failures travel through Callboard.
//
// A Status is OK or carries a code, a message and, for validation failures, the
// fields that were wrong. Result<T> holds a T or a non-OK Status and is shaped like
// std::expected so it can be swapped for it later.
//
//   Result<User> user = store.FindUser(scope, id);
//   if (!user) return user.error();
//   Use(user->email);
//
// Thread-safety: values; no shared state.

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace callboard {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // bad input; field_errors say which fields
  kUnauthenticated,     // no or bad credentials
  kPermissionDenied,    // visible object, forbidden action
  kNotFound,            // absent or outside the caller's scope
  kAlreadyExists,       // unique key taken
  kFailedPrecondition,  // state does not allow it (e.g. wrong version)
  kLocked,              // account locked after failed logins
  kRateLimited,         // too many requests
  kPayloadTooLarge,
  kUnavailable,  // store or dependency unreachable; retry later
  kInternal,
};

// Stable API name of a code, e.g. "not_found".
const char* StatusCodeName(StatusCode code);

struct FieldError {
  std::string field;    // dotted path of the field, e.g. "email"
  std::string code;     // machine code, e.g. "required", "invalid", "too_long"
  std::string message;  // human sentence
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::vector<FieldError> fields, std::string message = "validation failed");
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, std::move(message)};
  }
  static Status Denied(std::string message) {
    return {StatusCode::kPermissionDenied, std::move(message)};
  }
  static Status Unauthenticated(std::string message) {
    return {StatusCode::kUnauthenticated, std::move(message)};
  }
  static Status Unavailable(std::string message) {
    return {StatusCode::kUnavailable, std::move(message)};
  }
  static Status Exists(std::string message) {
    return {StatusCode::kAlreadyExists, std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& field_errors() const { return field_errors_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> field_errors_;
};

// Holds a T or a non-OK Status. REQUIRES: never constructed from an OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Status& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

// Returns early from the enclosing function when a Status is not OK.
#define CB_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::callboard::Status cb_status_ = (expr); \
    if (!cb_status_.ok()) return cb_status_; \
  } while (0)

}  // namespace callboard
