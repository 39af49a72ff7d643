// Routes: liveness, readiness, metrics and the OpenAPI description of every route.

#include <boost/json.hpp>

#include "api/api.h"
#include "api/metrics.h"
#include "api/responses.h"
#include "store/transaction.h"

namespace callboard {

namespace {

boost::json::object Schema(const std::string& type) {
  if (type.starts_with("array<")) {
    return {{"type", "array"}, {"items", Schema(type.substr(6, type.size() - 7))}};
  }
  return {{"type", type}};
}

boost::json::object ErrorSchema() {
  return {{"type", "object"},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"properties",
               {{"code", {{"type", "string"}}},
                {"message", {{"type", "string"}}},
                {"trace_id", {{"type", "string"}}},
                {"field_errors", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}};
}

boost::json::object Operation(const Route& r) {
  boost::json::object op;
  op["summary"] = r.summary;
  std::string id = r.method;
  for (char c : r.pattern) id += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  op["operationId"] = id;
  if (r.access == Access::kPublic && r.own_auth.empty()) {
    op["security"] = boost::json::array{};
    op["x-permission"] = "public";
  } else {
    op["security"] = boost::json::array{boost::json::object{{"bearer", boost::json::array{}}},
                                        boost::json::object{{"cookie", boost::json::array{}}}};
    op["x-permission"] = !r.own_auth.empty() ? r.own_auth
                         : r.access == Access::kAuthenticated
                             ? std::string("authenticated")
                             : std::string(PermissionName(r.permission));
  }
  boost::json::array params;
  for (const ParamDoc& p : r.params) {
    params.push_back({{"name", p.name},
                      {"in", p.in},
                      {"required", p.required},
                      {"description", p.description},
                      {"schema", Schema(p.type)}});
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (!r.body.empty()) {
    boost::json::object props;
    boost::json::array required;
    for (const FieldDoc& f : r.body) {
      boost::json::object s = Schema(f.type);
      s["description"] = f.description;
      props[f.name] = std::move(s);
      if (f.required) required.emplace_back(f.name);
    }
    boost::json::object schema{
        {"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
    if (!required.empty()) schema["required"] = std::move(required);
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
  }
  boost::json::object responses;
  responses[std::to_string(r.success_status)] = {{"description", "success"}};
  responses["default"] = {{"description", "error"},
                          {"content", {{"application/json", {{"schema", ErrorSchema()}}}}}};
  op["responses"] = std::move(responses);
  return op;
}

boost::json::object OpenApi(const Router& router) {
  boost::json::object paths;
  for (const Route& r : router.routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    boost::json::value& path = paths[r.pattern];
    if (!path.is_object()) path = boost::json::object{};
    path.as_object()[method] = Operation(r);
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Callboard API"},
            {"version", "1"},
            {"description",
             "Contact-center operations. Errors share one shape; lists use keyset cursors."}}},
          {"servers", boost::json::array{boost::json::object{{"url", "/"}}}},
          {"components",
           {{"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}}}},
          {"paths", std::move(paths)}};
}

}  // namespace

void AddSystemRoutes(Router& router, ApiDeps& deps) {
  router.Add({
      .method = "GET",
      .pattern = "/healthz",
      .summary = "Liveness: the process answers.",
      .access = Access::kPublic,
      .handler =
          [](RequestContext&) {
            return JsonResponse(200, boost::json::object{{"status", "ok"}});
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/readyz",
      .summary = "Readiness: the database answers; 503 otherwise.",
      .access = Access::kPublic,
      .handler =
          [&deps](RequestContext& ctx) {
            Status s = deps.db.Ping();
            if (!s.ok())
              return ErrorResponse(Status::Unavailable(s.message()), ctx.request.request_id);
            return JsonResponse(200, boost::json::object{{"status", "ready"}});
          },
  });
  router.Add({
      .method = "GET",
      .pattern = "/metrics",
      .summary = "Prometheus metrics (text format 0.0.4).",
      .access = Access::kPublic,
      .handler =
          [&deps](RequestContext&) {
            HttpResponse r;
            r.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r.body = deps.metrics.RenderPrometheus();
            return r;
          },
  });
  const Router* table = &router;
  router.Add({
      .method = "GET",
      .pattern = "/api/v1/openapi.json",
      .summary = "This description, generated from the route table.",
      .access = Access::kPublic,
      .handler = [table](RequestContext&) { return JsonResponse(200, OpenApi(*table)); },
  });
}

}  // namespace callboard
