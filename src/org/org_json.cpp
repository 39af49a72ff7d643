#include "org/org_json.h"

#include <boost/json.hpp>

namespace callboard {

namespace {

boost::json::value Opt(const std::optional<int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

template <typename T>
boost::json::array Array(const std::vector<T>& v) {
  boost::json::array out;
  for (const T& x : v) out.emplace_back(x);
  return out;
}

void Stamp(boost::json::object& o, TimePoint created, TimePoint updated) {
  o["created_at"] = FormatRfc3339(created);
  o["updated_at"] = FormatRfc3339(updated);
}

}  // namespace

boost::json::object ToJson(const Tenant& t) {
  return {{"id", t.id}, {"name", t.name}, {"created_at", FormatRfc3339(t.created_at)}};
}

boost::json::object ToJson(const Site& s) {
  boost::json::object o{{"id", s.id}, {"name", s.name}, {"time_zone", s.time_zone}};
  Stamp(o, s.created_at, s.updated_at);
  return o;
}

boost::json::object ToJson(const Lob& l) {
  boost::json::object o{{"id", l.id}, {"name", l.name}, {"description", l.description}};
  Stamp(o, l.created_at, l.updated_at);
  return o;
}

boost::json::object ToJson(const Team& t) {
  boost::json::object o{{"id", t.id},
                        {"name", t.name},
                        {"site_id", Opt(t.site_id)},
                        {"lob_id", Opt(t.lob_id)},
                        {"supervisor_ids", Array(t.supervisor_ids)}};
  Stamp(o, t.created_at, t.updated_at);
  return o;
}

boost::json::object ToJson(const User& u) {
  boost::json::object o{{"id", u.id},
                        {"email", u.email},
                        {"name", u.name},
                        {"role", RoleName(u.role)},
                        {"team_id", Opt(u.team_id)},
                        {"lob_ids", Array(u.lob_ids)},
                        {"active", u.active}};
  Stamp(o, u.created_at, u.updated_at);
  return o;
}

boost::json::object ToJson(const Agent& a) {
  boost::json::object o{{"id", a.id},
                        {"name", a.name},
                        {"user_id", Opt(a.user_id)},
                        {"team_id", Opt(a.team_id)},
                        {"pbx_ids", Array(a.pbx_ids)},
                        {"active", a.active}};
  Stamp(o, a.created_at, a.updated_at);
  return o;
}

}  // namespace callboard
