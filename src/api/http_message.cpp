#include "api/http_message.h"

namespace callboard {

namespace {

std::optional<std::string_view> Find(const std::vector<std::pair<std::string, std::string>>& v,
                                     std::string_view name) {
  for (const auto& [k, val] : v) {
    if (k == name) return std::string_view(val);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  return Find(headers, name);
}
std::optional<std::string_view> HttpRequest::Query(std::string_view name) const {
  return Find(query, name);
}
std::optional<std::string_view> HttpRequest::PathParam(std::string_view name) const {
  return Find(path_params, name);
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace callboard
