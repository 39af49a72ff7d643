// Routes: the tenant's long-running sources (file tails, 3CX TCP feeds, Asterisk Manager
// Interface links) run inside `serve`, each with its live status.

#include <algorithm>
#include <boost/json.hpp>

#include "api/api.h"
#include "api/json_body.h"
#include "api/responses.h"
#include "auth/password.h"
#include "core/clock.h"
#include "ingest/sources/source_json.h"
#include "ingest/sources/source_runner.h"
#include "ingest/sources/source_service.h"

namespace callboard {

namespace {

constexpr size_t kMaxPathChars = 4096;
constexpr size_t kMaxHostChars = 253;

std::vector<FieldDoc> SourceFields(bool create) {
  return {{"name", "string", create, "unique within the tenant; names the data (calls, rejects)"},
          {"kind", "string", create, "file-tail, 3cx-tcp-listen, 3cx-tcp-connect or asterisk-ami"},
          {"format", "string", create,
           "asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json or calls-csv "
           "(3CX TCP kinds: 3cx-cdr; asterisk-ami: asterisk-queue-log, which it defaults to)"},
          {"path", "string", false,
           "file-tail: absolute path under a directory the operator allows; \"\" clears"},
          {"host", "string", false,
           "3cx-tcp-connect: the 3CX server; 3cx-tcp-listen: address to listen on (\"\" = all)"},
          {"port", "integer", false,
           "3CX TCP kinds: the CDR socket's port (listening: 1024..65535); asterisk-ami: the "
           "manager port (default 5038)"},
          {"username", "string", false, "asterisk-ami: the manager.conf user"},
          {"secret", "string", false,
           "asterisk-ami: the manager.conf secret; write-only (never returned; omit to keep it)"},
          {"channel_template", "string", false,
           "asterisk-ami: the supervisor's phone for monitoring, with {ext} (default PJSIP/{ext})"},
          {"time_zone", "string", false, "IANA zone of the PBX's timestamps (default UTC)"},
          {"columns", "array<string>", false, "3cx-cdr: the CDR output fields in 3CX's order"},
          {"enabled", "boolean", false, "false stops the source (default true)"}};
}

// Reads the fields present in `b` onto `c`; on creation the required ones must be present.
void Apply(JsonBody& b, SourceConfig& c, bool create) {
  if (auto x = b.String("name", create, 100)) c.name = *x;
  if (auto x = b.String("kind", create, 32)) {
    if (auto kind = ParseSourceKind(*x)) {
      c.kind = *kind;
    } else {
      b.AddError("kind", "invalid",
                 "must be file-tail, 3cx-tcp-listen, 3cx-tcp-connect or asterisk-ami");
    }
  }
  if (auto x = b.String("format", create && c.kind != SourceKind::kAsteriskAmi, 32)) {
    if (auto format = ParseSourceFormat(*x)) {
      c.format = *format;
    } else {
      b.AddError("format", "invalid",
                 "must be asterisk-queue-log, asterisk-cdr, 3cx-cdr, freeswitch-cc, calls-json "
                 "or calls-csv");
    }
  }
  if (auto x = b.String("path", kOptional, kMaxPathChars)) c.path = *x;
  if (auto x = b.String("host", kOptional, kMaxHostChars)) c.host = *x;
  if (auto x = b.NullableInt("port")) {
    if (!*x) {
      c.port.reset();
    } else {
      c.port = **x >= 0 && **x <= 65535 ? static_cast<int>(**x) : -1;  // -1: out of range
    }
  }
  if (auto x = b.String("time_zone", kOptional, 64)) c.time_zone = *x;
  if (auto x = b.StringArray("columns", kOptional, 64, 32)) c.columns = *x;
  if (auto x = b.String("username", kOptional, 100)) c.username = *x;
  if (auto x = b.String("secret", kOptional, 200)) c.secret = *x;
  if (auto x = b.String("channel_template", kOptional, 200)) c.channel_template = *x;
  if (auto x = b.Bool("enabled", kOptional)) c.enabled = *x;
}

boost::json::object SourceJson(const ApiDeps& deps, int64_t tenant_id, const SourceView& v) {
  SourceStatus status;
  if (v.config && deps.source_runner) status = deps.source_runner->StatusOf(tenant_id, v.source.id);
  return ToJson(v, &status, deps.clock.Now());
}

// The body's own errors (types, unknown fields) together with what validation says of the
// fields that were readable, so one answer names every problem.
Status WithValidation(Status shape, const SourceConfig& c, const SourcePolicy& policy) {
  if (shape.ok()) return shape;
  std::vector<FieldError> errors = shape.field_errors();
  const auto has_error = [&](std::string_view field) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const FieldError& e) { return e.field == field; });
  };
  // Without a readable kind and format, only the fields that do not depend on them.
  const bool unknown_kind = has_error("kind") || has_error("format");
  const Status semantic = ValidateSourceConfig(c, policy);
  for (const FieldError& f : semantic.field_errors()) {
    if (has_error(f.field)) continue;
    if (unknown_kind && f.field != "name" && f.field != "time_zone") continue;
    errors.push_back(f);
  }
  return Status::Invalid(std::move(errors));
}

HttpResponse NotConfigured(const HttpRequest& req) {
  return ErrorResponse(Status::Unavailable("sources are not available in this process"),
                       req.request_id);
}

}  // namespace

void AddSourceRoutes(Router& router, ApiDeps& deps) {
  const ParamDoc id_param{"id", "path", "integer", true, "source id"};

  router.Add({
      .method = "GET",
      .pattern = "/api/v1/sources",
      .summary = "List the tenant's sources — running ones (file tails, 3CX feeds) with their "
                 "live status, and push ones (import, webhook) — by id; one page holds them all.",
      .permission = Permission::kManageSources,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            const int64_t tenant = ctx.principal->tenant_id;
            auto list = deps.sources->List(ctx.principal->tenant());
            if (!list) return ErrorResponse(list.error(), req.request_id);
            boost::json::array items;
            for (const SourceView& v : *list) items.push_back(SourceJson(deps, tenant, v));
            return JsonResponse(
                200, boost::json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
          },
  });

  router.Add({
      .method = "POST",
      .pattern = "/api/v1/sources",
      .summary = "Run a source inside the server (a push source of the same name and format "
                 "becomes a running one); an enabled source starts at once.",
      .permission = Permission::kManageSources,
      .body = SourceFields(true),
      .success_status = 201,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            SourceConfig config;
            Apply(*body, config, true);
            if (Status s = WithValidation(body->Finish(), config, deps.sources->policy()); !s.ok())
              return ErrorResponse(s, req.request_id);
            auto r = deps.sources->Create(ctx.principal->tenant(), std::move(config), ctx.audit);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            if (deps.source_runner) deps.source_runner->Reload();
            HttpResponse resp = JsonResponse(
                201,
                SourceJson(deps, ctx.principal->tenant_id,
                           SourceView{{r->id, r->name, std::string(SourceFormatName(r->format)),
                                       r->created_at},
                                      *r}));
            resp.SetHeader("Location", "/api/v1/sources/" + std::to_string(r->id));
            return resp;
          },
  });

  router.Add({
      .method = "GET",
      .pattern = "/api/v1/sources/{id}",
      .summary = "One source, with its live status when it runs inside the server.",
      .permission = Permission::kManageSources,
      .params = {id_param},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto r = deps.sources->Get(ctx.principal->tenant(), *id);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            return JsonResponse(200, SourceJson(deps, ctx.principal->tenant_id, *r));
          },
  });

  router.Add({
      .method = "PATCH",
      .pattern = "/api/v1/sources/{id}",
      .summary = "Change how a source runs (name and format are fixed); it restarts with the "
                 "change. 409 for push sources.",
      .permission = Permission::kManageSources,
      .params = {id_param},
      .body = SourceFields(false),
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto current = deps.sources->Get(ctx.principal->tenant(), *id);
            if (!current) return ErrorResponse(current.error(), req.request_id);
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            // A push source has no configuration: Update refuses it (409).
            SourceConfig config = current->config.value_or(SourceConfig{});
            config.id = current->source.id;
            config.name = current->source.name;
            config.format = ParseSourceFormat(current->source.format).value_or(config.format);
            Apply(*body, config, false);
            if (Status s = WithValidation(body->Finish(), config, deps.sources->policy()); !s.ok())
              return ErrorResponse(s, req.request_id);
            auto r = deps.sources->Update(ctx.principal->tenant(), std::move(config), ctx.audit);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            if (deps.source_runner) deps.source_runner->Reload();
            current->config = *r;
            return JsonResponse(200, SourceJson(deps, ctx.principal->tenant_id, *current));
          },
  });

  router.Add({
      .method = "DELETE",
      .pattern = "/api/v1/sources/{id}",
      .summary = "Stop running a source and delete its configuration; its calls, rejects and "
                 "checkpoints stay. 409 for push sources.",
      .permission = Permission::kManageSources,
      .params = {id_param},
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            if (Status s = deps.sources->Delete(ctx.principal->tenant(), *id, ctx.audit); !s.ok())
              return ErrorResponse(s, req.request_id);
            if (deps.source_runner) deps.source_runner->Reload();
            return NoContent();
          },
  });

  router.Add({
      .method = "POST",
      .pattern = "/api/v1/sources/{id}/webhook-secret",
      .summary = "Create or rotate the webhook secret of ingest source {id} (configured or push), "
                 "the HMAC-SHA256 key of signed posts to /api/v1/ingest/{format}. The answer is "
                 "the only place the secret is ever shown; the previous one stops working.",
      .permission = Permission::kManageSources,
      .params = {id_param},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            if (!deps.sources) return NotConfigured(req);
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            const std::string secret = NewSecretToken("cbwh_");
            if (Status s =
                    deps.sources->SetWebhookSecret(ctx.principal->tenant(), *id, secret, ctx.audit);
                !s.ok())
              return ErrorResponse(s, req.request_id);
            return JsonResponse(200, boost::json::object{{"source_id", *id}, {"secret", secret}});
          },
  });
}

}  // namespace callboard
