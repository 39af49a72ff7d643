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
// One CSV field (RFC 4180): null empty, numbers in plain decimals, text quoted when it holds
// a comma, quote or line break; text that a spreadsheet would run as a formula (leading =, +,
// -, @) gets a leading apostrophe, e.g. "+15551234" → "'+15551234".
std::string CsvField(const boost::json::value& v);

}  // namespace callboard
