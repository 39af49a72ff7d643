#pragma once
// JSON text with numbers in plain decimal notation (0.25, not Boost.JSON's 2.5E-1), for API
// answers, the access log and command-line output. Thread-safe (pure functions).

#include <boost/json/fwd.hpp>
#include <string>

namespace callboard {

std::string PlainJsonText(const boost::json::value& value);
// A number as PlainJsonText writes it ("%.10g", "0" for zero).
std::string PlainNumber(double d);

}  // namespace callboard
