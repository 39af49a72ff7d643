#pragma once
// JSON form of the organisation types: the API's representation and the before/after
// state in audit entries, so both always agree. Thread-safe (pure functions).

#include <boost/json/fwd.hpp>

#include "org/org_types.h"

namespace callboard {

boost::json::object ToJson(const Tenant& t);
boost::json::object ToJson(const Site& s);
boost::json::object ToJson(const Lob& l);
boost::json::object ToJson(const Team& t);
boost::json::object ToJson(const User& u);
boost::json::object ToJson(const Agent& a);

}  // namespace callboard
