#include "api/json_body.h"

#include <boost/json.hpp>

namespace callboard {

namespace {

// 1-based line and column of byte `offset` in `text`.
std::string Position(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

JsonBody::JsonBody() : object_(std::make_unique<boost::json::object>()) {}
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::Parse(std::string_view text) {
  JsonBody body;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return body;
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return Status::Invalid({{"body", "malformed_json",
                             "malformed JSON at " + Position(text, used) + ": " + ec.message()}},
                           "request body is not valid JSON");
  }
  boost::json::value v = parser.release();
  if (!v.is_object()) {
    return Status::Invalid({{"body", "not_an_object", "request body must be a JSON object"}},
                           "request body must be a JSON object");
  }
  *body.object_ = std::move(v.as_object());
  return body;
}

bool JsonBody::Has(std::string_view name) const { return object_->contains(name); }

const boost::json::value* JsonBody::Field(std::string_view name, bool required) {
  read_.emplace(name);
  const boost::json::value* v = object_->if_contains(name);
  if (!v && required) AddError(std::string(name), "required", "is required");
  return v;
}

void JsonBody::WrongType(std::string_view name, const char* expected) {
  AddError(std::string(name), "wrong_type", std::string("must be ") + expected);
}

std::optional<std::string> JsonBody::String(std::string_view name, bool required, size_t max_len) {
  const boost::json::value* v = Field(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    WrongType(name, "a string");
    return std::nullopt;
  }
  const auto& s = v->get_string();
  if (s.size() > max_len) {
    AddError(std::string(name), "too_long",
             "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<int64_t> JsonBody::Int(std::string_view name, bool required) {
  const boost::json::value* v = Field(name, required);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v->get_uint64());
  WrongType(name, "an integer");
  return std::nullopt;
}

std::optional<std::optional<int64_t>> JsonBody::NullableInt(std::string_view name) {
  const boost::json::value* v = Field(name, false);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  WrongType(name, "an integer or null");
  return std::nullopt;
}

std::optional<std::optional<double>> JsonBody::NullableNumber(std::string_view name) {
  const boost::json::value* v = Field(name, false);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<double>();
  if (v->is_number()) return std::optional<double>(v->to_number<double>());
  WrongType(name, "a number or null");
  return std::nullopt;
}

std::optional<bool> JsonBody::Bool(std::string_view name, bool required) {
  const boost::json::value* v = Field(name, required);
  if (!v) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  WrongType(name, "true or false");
  return std::nullopt;
}

std::optional<std::vector<int64_t>> JsonBody::IntArray(std::string_view name, bool required,
                                                       size_t max_items) {
  const boost::json::value* v = Field(name, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    WrongType(name, "an array of integers");
    return std::nullopt;
  }
  if (v->get_array().size() > max_items) {
    AddError(std::string(name), "too_many", "at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<int64_t> out;
  for (const auto& x : v->get_array()) {
    if (!x.is_int64()) {
      WrongType(name, "an array of integers");
      return std::nullopt;
    }
    out.push_back(x.get_int64());
  }
  return out;
}

std::optional<std::vector<std::string>> JsonBody::StringArray(std::string_view name, bool required,
                                                              size_t max_items, size_t max_len) {
  const boost::json::value* v = Field(name, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    WrongType(name, "an array of strings");
    return std::nullopt;
  }
  if (v->get_array().size() > max_items) {
    AddError(std::string(name), "too_many", "at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& x : v->get_array()) {
    if (!x.is_string()) {
      WrongType(name, "an array of strings");
      return std::nullopt;
    }
    if (x.get_string().size() > max_len) {
      AddError(std::string(name), "too_long",
               "items must be at most " + std::to_string(max_len) + " characters");
      return std::nullopt;
    }
    out.emplace_back(x.get_string());
  }
  return out;
}

void JsonBody::AddError(std::string field, std::string code, std::string message) {
  errors_.push_back({std::move(field), std::move(code), std::move(message)});
}

Status JsonBody::Finish() {
  for (const auto& kv : *object_) {
    if (!read_.contains(std::string_view(kv.key())))
      AddError(std::string(kv.key()), "unknown_field", "is not a field of this request");
  }
  if (errors_.empty()) return Status::Ok();
  return Status::Invalid(std::move(errors_));
}

}  // namespace callboard
