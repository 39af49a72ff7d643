#pragma once
// JsonBody: reads a request's JSON object field by field, collecting every problem
// (malformed JSON with line and column, wrong types, over-long strings, unknown fields)
// as field errors, so one 400 answer names them all.
//
//   auto body = JsonBody::Parse(req.body);
//   if (!body) return Error(body.error());
//   auto name = body->String("name", kRequired);
//   auto team = body->NullableInt("team_id");
//   CB_RETURN_IF_ERROR(body->Finish());   // unknown fields → errors
//
// Thread-safety: a value used by one handler.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace callboard {

inline constexpr bool kRequired = true;
inline constexpr bool kOptional = false;

class JsonBody {
 public:
  // An empty body reads as {}. Anything but a JSON object is an error.
  static Result<JsonBody> Parse(std::string_view text);

  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;
  ~JsonBody();

  bool Has(std::string_view name) const;
  std::optional<std::string> String(std::string_view name, bool required, size_t max_len = 200);
  std::optional<int64_t> Int(std::string_view name, bool required);
  // Present as a number → value; present as null → nullopt inside; absent → nullopt outside.
  std::optional<std::optional<int64_t>> NullableInt(std::string_view name);
  // A number (integer or decimal): present → value; null → nullopt inside; absent → outside.
  std::optional<std::optional<double>> NullableNumber(std::string_view name);
  std::optional<bool> Bool(std::string_view name, bool required);
  std::optional<std::vector<int64_t>> IntArray(std::string_view name, bool required,
                                               size_t max_items = 100);
  std::optional<std::vector<std::string>> StringArray(std::string_view name, bool required,
                                                      size_t max_items = 100, size_t max_len = 200);

  void AddError(std::string field, std::string code, std::string message);
  // OK when every field was known and well-typed; otherwise kInvalidArgument.
  Status Finish();

 private:
  JsonBody();
  const boost::json::value* Field(std::string_view name, bool required);
  void WrongType(std::string_view name, const char* expected);

  std::unique_ptr<boost::json::object> object_;
  std::set<std::string, std::less<>> read_;
  std::vector<FieldError> errors_;
};

}  // namespace callboard
