#include "ingest/sources/source_json.h"

#include <boost/json.hpp>

#include "ingest/sources/source_service.h"
#include "ingest/sources/source_status.h"

namespace callboard {

namespace {

boost::json::value When(const std::optional<TimePoint>& t) {
  return t ? boost::json::value(FormatRfc3339(*t)) : boost::json::value(nullptr);
}

}  // namespace

boost::json::object ToJson(const SourceConfig& c) {
  boost::json::array columns;
  for (const std::string& col : c.columns) columns.emplace_back(col);
  return {{"id", c.id},
          {"name", c.name},
          {"kind", SourceKindName(c.kind)},
          {"format", SourceFormatName(c.format)},
          {"path", c.path.empty() ? boost::json::value(nullptr) : boost::json::value(c.path)},
          {"host", c.host.empty() ? boost::json::value(nullptr) : boost::json::value(c.host)},
          {"port", c.port ? boost::json::value(*c.port) : boost::json::value(nullptr)},
          {"time_zone", c.time_zone},
          {"columns", columns},
          // asterisk-ami: who it logs in as and whether a secret is stored — never the secret.
          {"username",
           c.username.empty() ? boost::json::value(nullptr) : boost::json::value(c.username)},
          {"secret_set", c.kind == SourceKind::kAsteriskAmi ? boost::json::value(!c.secret.empty())
                                                            : boost::json::value(nullptr)},
          {"channel_template", c.channel_template.empty() ? boost::json::value(nullptr)
                                                          : boost::json::value(c.channel_template)},
          {"enabled", c.enabled},
          {"created_at", FormatRfc3339(c.created_at)},
          {"updated_at", FormatRfc3339(c.updated_at)}};
}

boost::json::object ToJson(const SourceView& v, const SourceStatus* status, TimePoint now) {
  boost::json::object out;
  if (v.config) {
    out = ToJson(*v.config);
    out["status"] = status ? boost::json::value(ToJson(*status, now)) : nullptr;
  } else {
    out = {{"kind", "push"},      {"path", nullptr},       {"host", nullptr},
           {"port", nullptr},     {"time_zone", nullptr},  {"columns", boost::json::array()},
           {"username", nullptr}, {"secret_set", nullptr}, {"channel_template", nullptr},
           {"enabled", nullptr},  {"updated_at", nullptr}, {"status", nullptr}};
  }
  out["id"] = v.source.id;
  out["name"] = v.source.name;
  out["format"] = v.source.format;
  out["created_at"] = FormatRfc3339(v.source.created_at);
  return out;
}

boost::json::object ToJson(const SourceStatus& s, TimePoint now) {
  boost::json::value lag = nullptr;
  if (s.newest_event) {
    lag = std::chrono::duration_cast<std::chrono::seconds>(now - *s.newest_event).count();
  }
  return {{"state", SourceStateName(s.state)},
          {"connected", s.state == SourceState::kConnected},
          {"since", When(s.since)},
          {"detail", s.detail},
          {"last_event_at", When(s.last_event_at)},
          {"newest_event_time", When(s.newest_event)},
          {"lag_s", lag},
          {"last_error",
           s.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(s.last_error)},
          {"last_error_at", When(s.last_error_at)},
          {"lines", s.lines},
          {"calls", s.calls},
          {"rejects", s.rejects},
          {"duplicates", s.duplicates},
          {"restarts", s.restarts}};
}

}  // namespace callboard
