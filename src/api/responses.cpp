#include "api/responses.h"

#include <boost/json.hpp>
#include <charconv>

#include "json/plain_json.h"

namespace callboard {

namespace {

std::optional<int64_t> ParsePositive(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

constexpr std::string_view kCursorPrefix = "c1.";

}  // namespace

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPayloadTooLarge:
      return 413;
    case StatusCode::kLocked:
      return 423;
    case StatusCode::kRateLimited:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse JsonResponse(int status, const boost::json::value& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = PlainJsonText(body);  // 0.25, not 2.5E-1
  return r;
}

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse ErrorResponse(const Status& status, std::string_view request_id) {
  boost::json::object err;
  err["code"] = StatusCodeName(status.code());
  // Internal details stay in the log, never in the answer.
  err["message"] = status.code() == StatusCode::kInternal ? "internal error" : status.message();
  err["trace_id"] = request_id;
  if (!status.field_errors().empty()) {
    boost::json::array fields;
    for (const FieldError& f : status.field_errors()) {
      fields.push_back(
          boost::json::object{{"field", f.field}, {"code", f.code}, {"message", f.message}});
    }
    err["field_errors"] = std::move(fields);
  }
  HttpResponse r = JsonResponse(HttpStatusOf(status.code()), boost::json::object{{"error", err}});
  if (status.code() == StatusCode::kUnauthenticated) r.SetHeader("WWW-Authenticate", "Bearer");
  return r;
}

std::string EncodeCursor(int64_t after_id) {
  return std::string(kCursorPrefix) + std::to_string(after_id);
}

Result<PageRequest> ReadPage(const HttpRequest& req) {
  PageRequest page;
  if (auto limit = req.Query("limit")) {
    auto v = ParsePositive(*limit);
    if (!v || *v > kMaxPageLimit) {
      return Status::Invalid({{"limit", "invalid", "must be an integer from 1 to 500"}});
    }
    page.limit = static_cast<int>(*v);
  }
  if (auto cursor = req.Query("cursor"); cursor && !cursor->empty()) {
    std::optional<int64_t> id;
    if (cursor->starts_with(kCursorPrefix))
      id = ParsePositive(cursor->substr(kCursorPrefix.size()));
    if (!id) return Status::Invalid({{"cursor", "invalid", "is not a cursor this API issued"}});
    page.after_id = id;
  }
  return page;
}

Result<int64_t> PathId(const HttpRequest& req, std::string_view name) {
  auto raw = req.PathParam(name);
  auto id = raw ? ParsePositive(*raw) : std::nullopt;
  if (!id) return Status::NotFound("no such object");
  return *id;
}

Result<std::optional<int64_t>> QueryInt(const HttpRequest& req, std::string_view name) {
  auto raw = req.Query(name);
  if (!raw) return std::optional<int64_t>();
  auto v = ParsePositive(*raw);
  if (!v) return Status::Invalid({{std::string(name), "invalid", "must be a positive integer"}});
  return std::optional<int64_t>(*v);
}

}  // namespace callboard
