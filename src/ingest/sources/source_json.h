#pragma once
// JSON form of a source configuration and of a running source's status: the API's
// representation and the before/after state in audit entries. Thread-safe (pure functions).

#include <boost/json/fwd.hpp>

#include "core/clock.h"
#include "ingest/sources/source_config.h"

namespace callboard {

struct SourceStatus;
struct SourceView;

boost::json::object ToJson(const SourceConfig& c);
// A source as the API lists it: its id, name and format, then how it runs (kind "push", and
// null fields, for a source whose data arrives by import or webhook) and `status` (null for
// push sources).
boost::json::object ToJson(const SourceView& v, const SourceStatus* status, TimePoint now);
// `now` gives lag_s (now − newest event time).
boost::json::object ToJson(const SourceStatus& s, TimePoint now);

}  // namespace callboard
