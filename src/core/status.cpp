#include "core/status.h"

namespace callboard {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "validation_failed";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "forbidden";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kLocked:
      return "account_locked";
    case StatusCode::kRateLimited:
      return "rate_limited";
    case StatusCode::kPayloadTooLarge:
      return "payload_too_large";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

Status Status::Invalid(std::vector<FieldError> fields, std::string message) {
  Status s(StatusCode::kInvalidArgument, std::move(message));
  s.field_errors_ = std::move(fields);
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = std::string(StatusCodeName(code_)) + ": " + message_;
  for (const auto& f : field_errors_) out += "; " + f.field + ": " + f.message;
  return out;
}

}  // namespace callboard
