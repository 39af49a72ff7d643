#include "org/org_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "auth/auth_store.h"
#include "core/time_zone.h"
#include "org/org_json.h"
#include "store/transaction.h"

namespace callboard {

namespace {

constexpr size_t kMaxName = 100;
constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxPbxId = 64;
constexpr size_t kMaxPbxIds = 20;

void CheckName(std::vector<FieldError>& errors, const std::string& name) {
  if (name.empty()) errors.push_back({"name", "required", "is required"});
  if (name.size() > kMaxName)
    errors.push_back({"name", "too_long", "must be at most 100 characters"});
}

// Checks that an optional reference names an existing object of the tenant.
template <typename Getter>
Status CheckRef(std::vector<FieldError>& errors, const std::string& field,
                const std::optional<int64_t>& id, Getter get) {
  if (!id) return Status::Ok();
  auto found = get(*id);
  if (found) return Status::Ok();
  if (found.error().code() != StatusCode::kNotFound) return found.error();
  errors.push_back({field, "not_found", "no such object: " + std::to_string(*id)});
  return Status::Ok();
}

std::string Json(const auto& value) { return boost::json::serialize(ToJson(value)); }

template <typename T>
struct Traits;

template <>
struct Traits<Site> {
  static constexpr const char* kName = "site";
  static Result<Site> Insert(OrgStore& s, TenantScope t, const Site& v) {
    return s.InsertSite(t, v);
  }
  static Result<Site> Get(OrgStore& s, TenantScope t, int64_t id) { return s.GetSite(t, id); }
  static Result<Page<Site>> List(OrgStore& s, TenantScope t, const OrgFilter&,
                                 const PageRequest& p) {
    return s.ListSites(t, p);
  }
  static Status Update(OrgStore& s, TenantScope t, const Site& v) { return s.UpdateSite(t, v); }
  static Status Delete(OrgStore& s, TenantScope t, int64_t id, TimePoint now) {
    return s.DeleteSite(t, id, now);
  }
  static Status Validate(Transaction&, TenantScope, const Site& v, std::vector<FieldError>& e) {
    CheckName(e, v.name);
    if (!IsValidTimeZone(v.time_zone))
      e.push_back({"time_zone", "invalid", "must be an IANA time zone such as Europe/Berlin"});
    return Status::Ok();
  }
};

template <>
struct Traits<Lob> {
  static constexpr const char* kName = "lob";
  static Result<Lob> Insert(OrgStore& s, TenantScope t, const Lob& v) { return s.InsertLob(t, v); }
  static Result<Lob> Get(OrgStore& s, TenantScope t, int64_t id) { return s.GetLob(t, id); }
  static Result<Page<Lob>> List(OrgStore& s, TenantScope t, const OrgFilter& f,
                                const PageRequest& p) {
    return s.ListLobs(t, f, p);
  }
  static Status Update(OrgStore& s, TenantScope t, const Lob& v) { return s.UpdateLob(t, v); }
  static Status Delete(OrgStore& s, TenantScope t, int64_t id, TimePoint now) {
    return s.DeleteLob(t, id, now);
  }
  static Status Validate(Transaction&, TenantScope, const Lob& v, std::vector<FieldError>& e) {
    CheckName(e, v.name);
    if (v.description.size() > kMaxDescription)
      e.push_back({"description", "too_long", "must be at most 2000 characters"});
    return Status::Ok();
  }
};

template <>
struct Traits<Team> {
  static constexpr const char* kName = "team";
  static Result<Team> Insert(OrgStore& s, TenantScope t, const Team& v) {
    return s.InsertTeam(t, v);
  }
  static Result<Team> Get(OrgStore& s, TenantScope t, int64_t id) { return s.GetTeam(t, id); }
  static Result<Page<Team>> List(OrgStore& s, TenantScope t, const OrgFilter& f,
                                 const PageRequest& p) {
    return s.ListTeams(t, f, p);
  }
  static Status Update(OrgStore& s, TenantScope t, const Team& v) { return s.UpdateTeam(t, v); }
  static Status Delete(OrgStore& s, TenantScope t, int64_t id, TimePoint now) {
    return s.DeleteTeam(t, id, now);
  }
  static Status Validate(Transaction& tx, TenantScope t, const Team& v,
                         std::vector<FieldError>& e) {
    CheckName(e, v.name);
    OrgStore& s = tx.Org();
    CB_RETURN_IF_ERROR(
        CheckRef(e, "site_id", v.site_id, [&](int64_t id) { return s.GetSite(t, id); }));
    CB_RETURN_IF_ERROR(
        CheckRef(e, "lob_id", v.lob_id, [&](int64_t id) { return s.GetLob(t, id); }));
    for (int64_t id : v.supervisor_ids) {
      CB_RETURN_IF_ERROR(
          CheckRef(e, "supervisor_ids", id, [&](int64_t u) { return s.GetUser(t, u); }));
    }
    return Status::Ok();
  }
};

template <>
struct Traits<User> {
  static constexpr const char* kName = "user";
  static Result<User> Insert(OrgStore& s, TenantScope t, const User& v) {
    return s.InsertUser(t, v);
  }
  static Result<User> Get(OrgStore& s, TenantScope t, int64_t id) { return s.GetUser(t, id); }
  static Result<Page<User>> List(OrgStore& s, TenantScope t, const OrgFilter& f,
                                 const PageRequest& p) {
    return s.ListUsers(t, f, p);
  }
  static Status Update(OrgStore& s, TenantScope t, const User& v) { return s.UpdateUser(t, v); }
  static Status Delete(OrgStore& s, TenantScope t, int64_t id, TimePoint now) {
    return s.DeleteUser(t, id, now);
  }
  static Status Validate(Transaction& tx, TenantScope t, const User& v,
                         std::vector<FieldError>& e) {
    CheckName(e, v.name);
    if (!IsValidEmail(v.email)) e.push_back({"email", "invalid", "must be a valid e-mail address"});
    OrgStore& s = tx.Org();
    CB_RETURN_IF_ERROR(
        CheckRef(e, "team_id", v.team_id, [&](int64_t id) { return s.GetTeam(t, id); }));
    for (int64_t id : v.lob_ids) {
      CB_RETURN_IF_ERROR(CheckRef(e, "lob_ids", id, [&](int64_t l) { return s.GetLob(t, l); }));
    }
    return Status::Ok();
  }
};

template <>
struct Traits<Agent> {
  static constexpr const char* kName = "agent";
  static Result<Agent> Insert(OrgStore& s, TenantScope t, const Agent& v) {
    return s.InsertAgent(t, v);
  }
  static Result<Agent> Get(OrgStore& s, TenantScope t, int64_t id) { return s.GetAgent(t, id); }
  static Result<Page<Agent>> List(OrgStore& s, TenantScope t, const OrgFilter& f,
                                  const PageRequest& p) {
    return s.ListAgents(t, f, p);
  }
  static Status Update(OrgStore& s, TenantScope t, const Agent& v) { return s.UpdateAgent(t, v); }
  static Status Delete(OrgStore& s, TenantScope t, int64_t id, TimePoint now) {
    return s.DeleteAgent(t, id, now);
  }
  static Status Validate(Transaction& tx, TenantScope t, const Agent& v,
                         std::vector<FieldError>& e) {
    CheckName(e, v.name);
    OrgStore& s = tx.Org();
    CB_RETURN_IF_ERROR(
        CheckRef(e, "user_id", v.user_id, [&](int64_t id) { return s.GetUser(t, id); }));
    CB_RETURN_IF_ERROR(
        CheckRef(e, "team_id", v.team_id, [&](int64_t id) { return s.GetTeam(t, id); }));
    if (v.pbx_ids.size() > kMaxPbxIds)
      e.push_back({"pbx_ids", "too_many", "at most 20 PBX identities"});
    std::set<std::string> seen;
    for (const std::string& id : v.pbx_ids) {
      if (id.empty() || id.size() > kMaxPbxId)
        e.push_back({"pbx_ids", "invalid", "each PBX identity has 1 to 64 characters"});
      else if (!seen.insert(id).second)
        e.push_back({"pbx_ids", "duplicate", "'" + id + "' is listed twice"});
    }
    return Status::Ok();
  }
};

void Normalise(User& u) {
  std::transform(u.email.begin(), u.email.end(), u.email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::sort(u.lob_ids.begin(), u.lob_ids.end());
  u.lob_ids.erase(std::unique(u.lob_ids.begin(), u.lob_ids.end()), u.lob_ids.end());
}
void Normalise(Team& t) {
  std::sort(t.supervisor_ids.begin(), t.supervisor_ids.end());
  t.supervisor_ids.erase(std::unique(t.supervisor_ids.begin(), t.supervisor_ids.end()),
                         t.supervisor_ids.end());
}
void Normalise(Agent& a) { std::sort(a.pbx_ids.begin(), a.pbx_ids.end()); }
void Normalise(Site&) {}
void Normalise(Lob&) {}

bool Contains(const std::vector<int64_t>& v, std::optional<int64_t> id) {
  return id && std::find(v.begin(), v.end(), *id) != v.end();
}

}  // namespace

bool IsValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > kMaxEmail) return false;
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : email) {
    if (c <= ' ' || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>' || c == '"')
      return false;
  }
  return true;
}

Principal OperatorPrincipal(int64_t tenant_id) {
  Principal p;
  p.tenant_id = tenant_id;
  p.role = Role::kAdmin;
  p.name = "operator";
  return p;
}

OrgService::OrgService(Database& db, const Clock& clock, const AuditLog& audit)
    : db_(db), clock_(clock), audit_(audit) {}

Result<Tenant> OrgService::CreateTenant(const std::string& name) {
  std::vector<FieldError> errors;
  CheckName(errors, name);
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  std::optional<Tenant> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto t = tx.Org().InsertTenant(name, clock_.Now());
    if (!t) return t.error();
    out = *t;
    return audit_.Record(tx, TenantScope(t->id), AuditContext{},
                         {.action = "tenant.create",
                          .object_type = "tenant",
                          .object_id = t->id,
                          .after_json = Json(*t)});
  }));
  return std::move(*out);
}

Result<std::vector<Tenant>> OrgService::ListTenants() {
  std::optional<std::vector<Tenant>> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Org().ListTenants();
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<Tenant> OrgService::FindTenant(const std::string& name) {
  std::optional<Tenant> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Org().FindTenantByName(name);
    if (!r)
      return r.error().code() == StatusCode::kNotFound
                 ? Status::NotFound("no tenant named '" + name + "'")
                 : r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::optional<std::vector<int64_t>>> OrgService::VisibleTeams(Transaction& tx,
                                                                     const Principal& p) {
  switch (ScopeOf(p)) {
    case DataScope::kTenant:
      return std::optional<std::vector<int64_t>>();
    case DataScope::kTeam:
    case DataScope::kOwn:
      return std::optional<std::vector<int64_t>>(VisibleTeamIds(p));
    case DataScope::kLob: {
      OrgFilter f;
      f.lob_ids = p.lob_ids;
      std::vector<int64_t> ids;
      PageRequest page{.limit = kMaxPageLimit};
      for (;;) {
        auto r = tx.Org().ListTeams(p.tenant(), f, page);
        if (!r) return r.error();
        for (const Team& t : r->items) ids.push_back(t.id);
        if (!r->next_after) break;
        page.after_id = r->next_after;
      }
      return std::optional<std::vector<int64_t>>(std::move(ids));
    }
  }
  return std::optional<std::vector<int64_t>>(std::vector<int64_t>{});
}

template <typename T>
Status OrgService::CheckVisible(Transaction& tx, const Principal& p, const T& value) {
  if constexpr (std::is_same_v<T, Site> || std::is_same_v<T, Lob>) {
    return Status::Ok();  // structure, not people: visible to every reader of the org
  } else {
    auto teams = VisibleTeams(tx, p);
    if (!teams) return teams.error();
    if (!*teams) return Status::Ok();
    bool visible;
    if constexpr (std::is_same_v<T, Team>) {
      visible = Contains(**teams, value.id);
    } else if constexpr (std::is_same_v<T, User>) {
      visible = Contains(**teams, value.team_id) || p.user_id == value.id;
    } else {
      visible = Contains(**teams, value.team_id) || (p.user_id && value.user_id == p.user_id);
    }
    if (visible) return Status::Ok();
    return Status::NotFound(std::string(Traits<T>::kName) + " not found");
  }
}

template <typename T>
Result<T> OrgService::Create(const Principal& p, T value, const AuditContext& ctx, AlsoDo<T> also) {
  const TenantScope scope = p.tenant();
  Normalise(value);
  const TimePoint now = clock_.Now();
  value.id = 0;
  value.created_at = now;
  value.updated_at = now;
  std::optional<T> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    std::vector<FieldError> errors;
    CB_RETURN_IF_ERROR(Traits<T>::Validate(tx, scope, value, errors));
    if (!errors.empty()) return Status::Invalid(std::move(errors));
    auto stored = Traits<T>::Insert(tx.Org(), scope, value);
    if (!stored) return stored.error();
    if (also) CB_RETURN_IF_ERROR(also(tx, *stored));
    out = *stored;
    return audit_.Record(tx, scope, ctx,
                         {.action = std::string(Traits<T>::kName) + ".create",
                          .object_type = Traits<T>::kName,
                          .object_id = stored->id,
                          .after_json = Json(*stored)});
  }));
  return std::move(*out);
}

template <typename T>
Result<T> OrgService::Get(const Principal& p, int64_t id) {
  std::optional<T> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = Traits<T>::Get(tx.Org(), p.tenant(), id);
    if (!r) return r.error();
    CB_RETURN_IF_ERROR(CheckVisible(tx, p, *r));
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

template <typename T>
Result<Page<T>> OrgService::List(const Principal& p, OrgFilter filter, const PageRequest& page) {
  std::optional<Page<T>> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    if constexpr (!std::is_same_v<T, Site> && !std::is_same_v<T, Lob>) {
      auto teams = VisibleTeams(tx, p);
      if (!teams) return teams.error();
      if (*teams) {
        // Intersect the caller's filter with what the scope allows.
        std::vector<int64_t> allowed = **teams;
        if (filter.team_ids) {
          std::vector<int64_t> both;
          for (int64_t id : *filter.team_ids)
            if (Contains(allowed, id)) both.push_back(id);
          allowed = std::move(both);
        }
        filter.team_ids = std::move(allowed);
      }
    }
    auto r = Traits<T>::List(tx.Org(), p.tenant(), filter, page);
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return std::move(*out);
}

template <typename T>
Result<T> OrgService::Update(const Principal& p, T value, const AuditContext& ctx) {
  const TenantScope scope = p.tenant();
  Normalise(value);
  std::optional<T> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = Traits<T>::Get(tx.Org(), scope, value.id);
    if (!before) return before.error();
    CB_RETURN_IF_ERROR(CheckVisible(tx, p, *before));
    value.created_at = before->created_at;
    value.updated_at = clock_.Now();
    std::vector<FieldError> errors;
    CB_RETURN_IF_ERROR(Traits<T>::Validate(tx, scope, value, errors));
    if (!errors.empty()) return Status::Invalid(std::move(errors));
    CB_RETURN_IF_ERROR(Traits<T>::Update(tx.Org(), scope, value));
    auto after = Traits<T>::Get(tx.Org(), scope, value.id);
    if (!after) return after.error();
    out = *after;
    return audit_.Record(tx, scope, ctx,
                         {.action = std::string(Traits<T>::kName) + ".update",
                          .object_type = Traits<T>::kName,
                          .object_id = value.id,
                          .before_json = Json(*before),
                          .after_json = Json(*after)});
  }));
  return std::move(*out);
}

template <typename T>
Status OrgService::Delete(const Principal& p, int64_t id, const AuditContext& ctx) {
  const TenantScope scope = p.tenant();
  return db_.Write([&](Transaction& tx) -> Status {
    auto before = Traits<T>::Get(tx.Org(), scope, id);
    if (!before) return before.error();
    CB_RETURN_IF_ERROR(CheckVisible(tx, p, *before));
    CB_RETURN_IF_ERROR(Traits<T>::Delete(tx.Org(), scope, id, clock_.Now()));
    if constexpr (std::is_same_v<T, User>) {
      CB_RETURN_IF_ERROR(tx.Auth().RevokeUserSessions(scope, id, clock_.Now()));
    }
    return audit_.Record(tx, scope, ctx,
                         {.action = std::string(Traits<T>::kName) + ".delete",
                          .object_type = Traits<T>::kName,
                          .object_id = id,
                          .before_json = Json(*before)});
  });
}

#define CB_ORG_INSTANTIATE(T)                                                                    \
  template Result<T> OrgService::Create<T>(const Principal&, T, const AuditContext&, AlsoDo<T>); \
  template Result<T> OrgService::Get<T>(const Principal&, int64_t);                              \
  template Result<Page<T>> OrgService::List<T>(const Principal&, OrgFilter, const PageRequest&); \
  template Result<T> OrgService::Update<T>(const Principal&, T, const AuditContext&);            \
  template Status OrgService::Delete<T>(const Principal&, int64_t, const AuditContext&);

CB_ORG_INSTANTIATE(Site)
CB_ORG_INSTANTIATE(Lob)
CB_ORG_INSTANTIATE(Team)
CB_ORG_INSTANTIATE(User)
CB_ORG_INSTANTIATE(Agent)

}  // namespace callboard
