#pragma once
// HttpRequest / HttpResponse: the server's view of one exchange, free of Beast so that
// handlers compile fast. The transport (http_server.cpp) fills the request and writes
// the response; everything between is plain C++.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callboard {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string path;    // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_ip;
  std::string request_id;  // X-Request-Id: the client's when well-formed, else generated
  bool tls = false;
  std::vector<std::pair<std::string, std::string>> path_params;  // set by the router

  // First header / query / path parameter with this name (header names lower-case).
  std::optional<std::string_view> Header(std::string_view name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  std::optional<std::string_view> PathParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  // When set, the transport sends this file as the body (static files) instead of `body`.
  std::optional<std::string> file_path;

  // Filled by the dispatcher for the access log and metrics.
  std::string route;  // route pattern, e.g. "/api/v1/users/{id}"; "" when none matched
  std::optional<int64_t> user_id;

  void SetHeader(std::string name, std::string value);
};

}  // namespace callboard
