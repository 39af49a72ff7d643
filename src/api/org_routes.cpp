// Routes: CRUD for sites, LOBs, teams, users and agents, one generic set per type.

#include <boost/json.hpp>

#include "api/api.h"
#include "api/json_body.h"
#include "api/responses.h"
#include "auth/auth_service.h"
#include "auth/password.h"
#include "org/org_json.h"
#include "org/org_service.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// Reads the fields of T present in `body` onto `v`. On creation, required fields must be
// present; on update (PATCH) every field is optional.
void Apply(JsonBody& b, Site& v, bool create) {
  if (auto x = b.String("name", create)) v.name = *x;
  if (auto x = b.String("time_zone", create, 64)) v.time_zone = *x;
}

void Apply(JsonBody& b, Lob& v, bool create) {
  if (auto x = b.String("name", create)) v.name = *x;
  if (auto x = b.String("description", kOptional, 2000)) v.description = *x;
}

void Apply(JsonBody& b, Team& v, bool create) {
  if (auto x = b.String("name", create)) v.name = *x;
  if (auto x = b.NullableInt("site_id")) v.site_id = *x;
  if (auto x = b.NullableInt("lob_id")) v.lob_id = *x;
  if (auto x = b.IntArray("supervisor_ids", kOptional)) v.supervisor_ids = *x;
}

void Apply(JsonBody& b, User& v, bool create) {
  if (auto x = b.String("email", create, 254)) v.email = *x;
  if (auto x = b.String("name", create)) v.name = *x;
  if (auto x = b.String("role", create, 32)) {
    if (auto role = ParseRole(*x)) {
      v.role = *role;
    } else {
      b.AddError("role", "invalid",
                 "must be one of agent, supervisor, qa, manager, admin, client_viewer");
    }
  }
  if (auto x = b.NullableInt("team_id")) v.team_id = *x;
  if (auto x = b.IntArray("lob_ids", kOptional)) v.lob_ids = *x;
  if (auto x = b.Bool("active", kOptional)) v.active = *x;
}

void Apply(JsonBody& b, Agent& v, bool create) {
  if (auto x = b.String("name", create)) v.name = *x;
  if (auto x = b.NullableInt("user_id")) v.user_id = *x;
  if (auto x = b.NullableInt("team_id")) v.team_id = *x;
  if (auto x = b.StringArray("pbx_ids", kOptional, 20, 64)) v.pbx_ids = *x;
  if (auto x = b.Bool("active", kOptional)) v.active = *x;
}

template <typename T>
struct Resource;
template <>
struct Resource<Site> {
  static constexpr const char* kPath = "/api/v1/sites";
  static constexpr const char* kNoun = "site";
  static constexpr Permission kWrite = Permission::kManageOrg;
  static std::vector<FieldDoc> Fields() {
    return {{"name", "string", true, "unique within the tenant"},
            {"time_zone", "string", true, "IANA time zone, e.g. Europe/Berlin"}};
  }
};
template <>
struct Resource<Lob> {
  static constexpr const char* kPath = "/api/v1/lobs";
  static constexpr const char* kNoun = "line of business";
  static constexpr Permission kWrite = Permission::kManageOrg;
  static std::vector<FieldDoc> Fields() {
    return {{"name", "string", true, "unique within the tenant"},
            {"description", "string", false, "up to 2000 characters"}};
  }
};
template <>
struct Resource<Team> {
  static constexpr const char* kPath = "/api/v1/teams";
  static constexpr const char* kNoun = "team";
  static constexpr Permission kWrite = Permission::kManageOrg;
  static std::vector<FieldDoc> Fields() {
    return {{"name", "string", true, "unique within the tenant"},
            {"site_id", "integer", false, "site the team works at, or null"},
            {"lob_id", "integer", false, "line of business, or null"},
            {"supervisor_ids", "array<integer>", false, "user ids of the team's supervisors"}};
  }
};
template <>
struct Resource<User> {
  static constexpr const char* kPath = "/api/v1/users";
  static constexpr const char* kNoun = "user";
  static constexpr Permission kWrite = Permission::kManageUsers;
  static std::vector<FieldDoc> Fields() {
    return {{"email", "string", true, "sign-in e-mail, unique"},
            {"name", "string", true, "display name"},
            {"role", "string", true, "agent, supervisor, qa, manager, admin or client_viewer"},
            {"team_id", "integer", false, "the user's team, or null"},
            {"lob_ids", "array<integer>", false, "lines of business (QA scope)"},
            {"active", "boolean", false, "false deactivates the user and ends their sessions"},
            {"password", "string", false, "initial password (creation only); policy applies"}};
  }
};
template <>
struct Resource<Agent> {
  static constexpr const char* kPath = "/api/v1/agents";
  static constexpr const char* kNoun = "agent";
  static constexpr Permission kWrite = Permission::kManageOrg;
  static std::vector<FieldDoc> Fields() {
    return {{"name", "string", true, "display name"},
            {"user_id", "integer", false, "the user this agent signs in as, or null"},
            {"team_id", "integer", false, "the agent's team, or null"},
            {"pbx_ids", "array<string>", false, "PBX identities, e.g. SIP/1001 or a 3CX extension"},
            {"active", "boolean", false, "false hides the agent from live views"}};
  }
};

// Reads the list filters a type supports from the query string.
Result<OrgFilter> ReadFilter(const HttpRequest& req) {
  OrgFilter f;
  auto team = QueryInt(req, "team_id");
  if (!team) return team.error();
  if (*team) f.team_ids = std::vector<int64_t>{**team};
  auto lob = QueryInt(req, "lob_id");
  if (!lob) return lob.error();
  if (*lob) f.lob_ids = std::vector<int64_t>{**lob};
  auto user = QueryInt(req, "user_id");
  if (!user) return user.error();
  f.user_id = *user;
  if (auto s = req.Query("search")) {
    if (s->size() > 100) return Status::Invalid({{"search", "too_long", "at most 100 characters"}});
    if (!s->empty()) f.search = std::string(*s);
  }
  if (auto a = req.Query("active")) {
    if (*a == "true") {
      f.include_inactive = false;
    } else if (*a != "false" && *a != "any") {
      return Status::Invalid({{"active", "invalid", "must be true or any"}});
    }
  }
  return f;
}

std::vector<ParamDoc> ListParams() {
  return {{"limit", "query", "integer", false, "page size, 1..500 (default 100)"},
          {"cursor", "query", "string", false, "next_cursor of the previous page"},
          {"team_id", "query", "integer", false, "only members of this team (teams: this team)"},
          {"lob_id", "query", "integer", false, "teams of this line of business"},
          {"user_id", "query", "integer", false, "agents linked to this user"},
          {"search", "query", "string", false, "case-insensitive part of the name or e-mail"},
          {"active", "query", "string", false, "true: only active users/agents"}};
}

template <typename T>
void AddCrud(Router& router, ApiDeps& deps) {
  using R = Resource<T>;
  const std::string path = R::kPath;
  const std::string item = path + "/{id}";
  const std::string noun = R::kNoun;
  const ParamDoc id_param{"id", "path", "integer", true, noun + " id"};

  router.Add({
      .method = "GET",
      .pattern = path,
      .summary = "List " + noun + "s visible to the caller, oldest first, by keyset pages.",
      .permission = Permission::kReadOrg,
      .params = ListParams(),
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto page = ReadPage(req);
            if (!page) return ErrorResponse(page.error(), req.request_id);
            auto filter = ReadFilter(req);
            if (!filter) return ErrorResponse(filter.error(), req.request_id);
            auto r = deps.org.List<T>(*ctx.principal, *filter, *page);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            return JsonResponse(200, PageJson(*r, [](const T& v) { return ToJson(v); }));
          },
  });

  std::vector<FieldDoc> create_fields = R::Fields();
  router.Add({
      .method = "POST",
      .pattern = path,
      .summary = "Create a " + noun + ".",
      .permission = R::kWrite,
      .body = create_fields,
      .success_status = 201,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            T value;
            Apply(*body, value, true);
            std::optional<std::string> password_hash;
            if constexpr (std::is_same_v<T, User>) {
              if (auto pw = body->String("password", kOptional, 256)) {
                Status policy = CheckPasswordPolicy(*pw);
                for (const FieldError& f : policy.field_errors())
                  body->AddError(f.field, f.code, f.message);
                if (policy.ok()) {
                  auto h = HashPassword(*pw);
                  if (!h) return ErrorResponse(h.error(), req.request_id);
                  password_hash = std::move(*h);
                }
              }
            }
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            OrgService::AlsoDo<T> also;
            if (password_hash) {
              also = [&](Transaction& tx, const T& stored) {
                return tx.Auth().SetPasswordHash(ctx.principal->tenant(), stored.id, *password_hash,
                                                 deps.clock.Now());
              };
            }
            auto r = deps.org.Create<T>(*ctx.principal, std::move(value), ctx.audit, also);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            HttpResponse resp = JsonResponse(201, ToJson(*r));
            resp.SetHeader("Location", std::string(R::kPath) + "/" + std::to_string(r->id));
            return resp;
          },
  });

  router.Add({
      .method = "GET",
      .pattern = item,
      .summary = "One " + noun + " by id (404 when outside the caller's scope).",
      .permission = Permission::kReadOrg,
      .params = {id_param},
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto r = deps.org.Get<T>(*ctx.principal, *id);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            return JsonResponse(200, ToJson(*r));
          },
  });

  std::vector<FieldDoc> patch_fields = R::Fields();
  if constexpr (std::is_same_v<T, User>) patch_fields.pop_back();  // no password in PATCH
  for (auto& f : patch_fields) f.required = false;
  router.Add({
      .method = "PATCH",
      .pattern = item,
      .summary = "Change some fields of a " + noun + "; the others keep their values.",
      .permission = R::kWrite,
      .params = {id_param},
      .body = patch_fields,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto current = deps.org.Get<T>(*ctx.principal, *id);
            if (!current) return ErrorResponse(current.error(), req.request_id);
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            T value = *current;
            Apply(*body, value, false);
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            auto r = deps.org.Update<T>(*ctx.principal, std::move(value), ctx.audit);
            if (!r) return ErrorResponse(r.error(), req.request_id);
            return JsonResponse(200, ToJson(*r));
          },
  });

  router.Add({
      .method = "DELETE",
      .pattern = item,
      .summary = "Delete a " + noun + " (soft delete: kept for history, hidden everywhere).",
      .permission = R::kWrite,
      .params = {id_param},
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            if (Status s = deps.org.Delete<T>(*ctx.principal, *id, ctx.audit); !s.ok())
              return ErrorResponse(s, req.request_id);
            return NoContent();
          },
  });
}

}  // namespace

void AddOrgRoutes(Router& router, ApiDeps& deps) {
  AddCrud<Site>(router, deps);
  AddCrud<Lob>(router, deps);
  AddCrud<Team>(router, deps);
  AddCrud<User>(router, deps);
  AddCrud<Agent>(router, deps);

  router.Add({
      .method = "POST",
      .pattern = "/api/v1/users/{id}/password",
      .summary = "Set a user's password (administrator reset); the user's sessions end.",
      .permission = Permission::kManageUsers,
      .params = {{"id", "path", "integer", true, "user id"}},
      .body = {{"password", "string", true, "new password; policy and history apply"}},
      .success_status = 204,
      .handler =
          [&deps](RequestContext& ctx) {
            const HttpRequest& req = ctx.request;
            auto id = PathId(req);
            if (!id) return ErrorResponse(id.error(), req.request_id);
            auto user = deps.org.Get<User>(*ctx.principal, *id);
            if (!user) return ErrorResponse(user.error(), req.request_id);
            auto body = JsonBody::Parse(req.body);
            if (!body) return ErrorResponse(body.error(), req.request_id);
            auto pw = body->String("password", kRequired, 256);
            if (Status s = body->Finish(); !s.ok()) return ErrorResponse(s, req.request_id);
            Status s =
                deps.auth.SetPassword(ctx.principal->tenant(), *id, *pw, std::nullopt, ctx.audit);
            if (!s.ok()) return ErrorResponse(s, req.request_id);
            return NoContent();
          },
  });
}

}  // namespace callboard
