#pragma once
// Building responses: JSON bodies, the one Status → HTTP mapping (DESIGN §5 error
// shape), list pages with keyset cursors, and reading ids and paging from requests.
// Thread-safety: pure functions.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string_view>

#include "api/http_message.h"
#include "core/page.h"
#include "core/status.h"

namespace callboard {

int HttpStatusOf(StatusCode code);

HttpResponse JsonResponse(int status, const boost::json::value& body);
HttpResponse NoContent();  // 204
// {"error":{"code","message","trace_id","field_errors":[…]}} with the status's HTTP code.
HttpResponse ErrorResponse(const Status& status, std::string_view request_id);

// Opaque cursors for keyset pages.
std::string EncodeCursor(int64_t after_id);
// ?limit= (1..500, default 100) and ?cursor=; kInvalidArgument naming the parameter.
Result<PageRequest> ReadPage(const HttpRequest& req);
// Path parameter `name` as a positive id; kNotFound when it is not one (no such object).
Result<int64_t> PathId(const HttpRequest& req, std::string_view name = "id");
// Optional integer query parameter; kInvalidArgument naming it when malformed.
Result<std::optional<int64_t>> QueryInt(const HttpRequest& req, std::string_view name);

// {"items":[…],"next_cursor":"…"|null}
template <typename T, typename ToJsonFn>
boost::json::object PageJson(const Page<T>& page, ToJsonFn to_json);

}  // namespace callboard

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace callboard {

template <typename T, typename ToJsonFn>
boost::json::object PageJson(const Page<T>& page, ToJsonFn to_json) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const T& item : page.items) items.emplace_back(to_json(item));
  boost::json::object out;
  out["items"] = std::move(items);
  if (page.next_after)
    out["next_cursor"] = EncodeCursor(*page.next_after);
  else
    out["next_cursor"] = nullptr;
  return out;
}

}  // namespace callboard
