#pragma once
// Router: the route table. Each route carries what it needs (permission, parameters,
// body fields) so the dispatcher enforces it and /api/v1/openapi.json describes it from
// the same data: the documentation cannot drift from the code.
//
// Patterns are literal segments and `{name}` parameters: "/api/v1/users/{id}".
// Thread-safety: build once at start-up, then read-only.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "audit/audit_log.h"
#include "auth/permission.h"

namespace callboard {

struct ParamDoc {
  std::string name;
  std::string in = "query";     // "path" or "query"
  std::string type = "string";  // "string", "integer", "boolean"
  bool required = false;
  std::string description;
};

struct FieldDoc {
  std::string name;
  std::string type;  // "string", "integer", "boolean", "array<integer>", "array<string>"
  bool required = false;
  std::string description;
};

enum class Access {
  kPublic,         // no authentication
  kAuthenticated,  // any signed-in principal
  kPermission,     // a principal holding `permission`
};

// What a handler works with: the request, who makes it, and the audit context.
struct RequestContext {
  HttpRequest& request;
  const Principal* principal = nullptr;  // null on public routes
  AuditContext audit;
};

using Handler = std::function<HttpResponse(RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;
  std::string summary;
  Access access = Access::kPermission;
  Permission permission = Permission::kReadOrg;  // used when access == kPermission
  // Public routes that authenticate in their handler: what they take, for the OpenAPI
  // x-permission ("ingest or signature"); "" for truly public routes.
  std::string own_auth;
  std::vector<ParamDoc> params;
  std::vector<FieldDoc> body;
  int success_status = 200;
  Handler handler;
};

class Router {
 public:
  struct Match {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed_methods;  // when the path matched but not the method
  };

  // REQUIRES: no two routes with the same method and pattern.
  void Add(Route route);
  Match Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace callboard
