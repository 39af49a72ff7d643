#include "json/plain_json.h"

#include <boost/json.hpp>
#include <cstdio>

namespace callboard {

namespace {

void WriteJson(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      out += PlainNumber(v.get_double());
      return;
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::value(kv.key()));
        out += ':';
        WriteJson(kv.value(), out);
      }
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        WriteJson(item, out);
      }
      out += ']';
      return;
    }
    default:
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string PlainNumber(double d) {
  if (d == 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", d);
  return buf;
}

std::string PlainJsonText(const boost::json::value& value) {
  std::string out;
  WriteJson(value, out);
  return out;
}

}  // namespace callboard
