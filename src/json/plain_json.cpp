#include "json/plain_json.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

namespace callboard {

// As printf's "%.10g" (to_chars is specified so), without its locale and varargs cost, and
// "0" for zero.
void AppendPlainNumber(double d, std::string& out) {
  if (d == 0) {
    out += '0';
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general, 10);
  if (ec == std::errc()) {
    out.append(buf, end);
  } else {
    std::snprintf(buf, sizeof buf, "%.10g", d);
    out += buf;
  }
}

namespace {

// A JSON string: runs of common characters copied at once, the rest as Boost.JSON escapes
// them (without a serializer per string: reports write tens of thousands of keys and names).
void WriteString(std::string_view s, std::string& out) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (s[i] != '"' && s[i] != '\\' && u >= 0x20) continue;
    out.append(s, start, i - start);
    const std::string escaped = boost::json::serialize(boost::json::string_view(&s[i], 1));
    out.append(escaped, 1, escaped.size() - 2);
    start = i + 1;
  }
  out.append(s, start, std::string_view::npos);
  out += '"';
}

void WriteJson(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      AppendPlainNumber(v.get_double(), out);
      return;
    case boost::json::kind::int64:
    case boost::json::kind::uint64: {
      char buf[24];
      const auto [end, ec] = v.is_int64() ? std::to_chars(buf, buf + sizeof buf, v.get_int64())
                                          : std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out.append(buf, ec == std::errc() ? end : buf);
      return;
    }
    case boost::json::kind::string:
      WriteString(std::string_view(v.get_string()), out);
      return;
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        WriteString(std::string_view(kv.key()), out);
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
  }
}

}  // namespace

std::string PlainNumber(double d) {
  std::string out;
  AppendPlainNumber(d, out);
  return out;
}

std::string PlainJsonText(const boost::json::value& value) {
  std::string out;
  WriteJson(value, out);
  return out;
}

void AppendPlainJson(const boost::json::value& value, std::string& out) { WriteJson(value, out); }

void AppendJsonString(std::string_view text, std::string& out) { WriteString(text, out); }

}  // namespace callboard
