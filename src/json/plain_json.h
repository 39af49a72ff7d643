#pragma once
// JSON text with numbers in plain decimal notation (0.25, not Boost.JSON's 2.5E-1), for API
// answers, the access log and command-line output. Thread-safe (pure functions).

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

namespace callboard {

std::string PlainJsonText(const boost::json::value& value);
// PlainJsonText appended to `out`; a JSON string (with quotes) appended to `out`. For writers
// of long answers that write their own rows (reports) instead of building a value first.
void AppendPlainJson(const boost::json::value& value, std::string& out);
void AppendJsonString(std::string_view text, std::string& out);
// A number as PlainJsonText writes it ("%.10g", "0" for zero); appended to `out`.
std::string PlainNumber(double d);
void AppendPlainNumber(double d, std::string& out);

}  // namespace callboard
