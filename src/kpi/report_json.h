#pragma once
// Reports as JSON (DESIGN §3.4 field names, null for a zero denominator) and as CSV.
// Thread-safe (pure functions).

#include <boost/json/fwd.hpp>
#include <string>

#include "kpi/report_service.h"

namespace callboard {

// {"definition":{…settings used…},"rows":[{"queue"|"agent", "interval_start", …}]}
boost::json::object ReportJson(const Report& report, bool agent_report);
// ReportJson as text, numbers in plain decimal notation (0.636364, not 6.36364E-1).
std::string ReportJsonText(const Report& report, bool agent_report);
// One header line, one line per row; the same fields as the JSON rows, variants flattened
// as service_level_<formula>.
std::string ReportCsv(const Report& report, bool agent_report);

}  // namespace callboard
