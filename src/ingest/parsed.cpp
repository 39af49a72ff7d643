#include "ingest/parsed.h"

#include <date/tz.h>

#include <array>
#include <chrono>
#include <exception>
#include <limits>
#include <utility>

#include "ingest/asterisk_cdr_parser.h"
#include "ingest/asterisk_queue_log_parser.h"
#include "ingest/calls_csv_parser.h"
#include "ingest/calls_json_parser.h"
#include "ingest/freeswitch_cc_parser.h"
#include "ingest/threecx_cdr_parser.h"

namespace callboard {

namespace {

constexpr std::array<std::pair<SourceFormat, std::string_view>, 6> kFormatNames = {{
    {SourceFormat::kAsteriskQueueLog, "asterisk-queue-log"},
    {SourceFormat::kAsteriskCdr, "asterisk-cdr"},
    {SourceFormat::k3cxCdr, "3cx-cdr"},
    {SourceFormat::kFreeswitchCc, "freeswitch-cc"},
    {SourceFormat::kCallsJson, "calls-json"},
    {SourceFormat::kCallsCsv, "calls-csv"},
}};

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

template <typename T>
std::unique_ptr<RecordParser> Upcast(std::unique_ptr<T> p) {
  return std::unique_ptr<RecordParser>(std::move(p));
}

}  // namespace

std::string_view SourceFormatName(SourceFormat format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return kFormatNames[0].second;
}

std::optional<SourceFormat> ParseSourceFormat(std::string_view name) {
  for (const auto& [f, n] : kFormatNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

Result<std::unique_ptr<RecordParser>> MakeParser(SourceFormat format,
                                                 const ParserOptions& options) {
  Result<ZoneConverter> zone = ZoneConverter::ForZone(options.time_zone);
  if (!zone) return zone.error();
  switch (format) {
    case SourceFormat::kAsteriskQueueLog:
      return Upcast(std::make_unique<AsteriskQueueLogParser>(*zone));
    case SourceFormat::kAsteriskCdr:
      return Upcast(std::make_unique<AsteriskCdrParser>(*zone));
    case SourceFormat::k3cxCdr: {
      Result<std::unique_ptr<ThreecxCdrParser>> parser =
          ThreecxCdrParser::Make(*zone, options.columns);
      if (!parser) return parser.error();
      return Upcast(std::move(parser).value());
    }
    case SourceFormat::kFreeswitchCc:
      return Upcast(std::make_unique<FreeswitchCcParser>());
    case SourceFormat::kCallsJson:
      return Upcast(std::make_unique<CallsJsonParser>());
    case SourceFormat::kCallsCsv:
      return Upcast(std::make_unique<CallsCsvParser>());
  }
  return Status(StatusCode::kInvalidArgument, "unknown source format");
}

// ---- LineParser ----

std::optional<std::string_view> CleanLine(std::string_view line, int64_t line_no,
                                          std::vector<ParseReject>& rejects) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_no == 1 && line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
  if (line.size() > kMaxLineBytes) {
    rejects.push_back({line_no, std::string(line.substr(0, kMaxRejectRawBytes)),
                       "line: longer than " + std::to_string(kMaxLineBytes) + " bytes (" +
                           std::to_string(line.size()) + ")"});
    return std::nullopt;
  }
  if (TrimSpace(line).empty()) return std::nullopt;
  return line;
}

void LineParser::ParseLine(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                           std::vector<ParseReject>& rejects) {
  if (const std::optional<std::string_view> clean = CleanLine(line, line_no, rejects)) {
    ParseRecord(*clean, line_no, out, rejects);
  }
}

QueueLogEventView ViewOf(const QueueLogEvent& e, std::vector<std::string_view>& data) {
  data.assign(e.data.begin(), e.data.end());
  return {e.at, e.call_id, e.queue, e.agent, e.event, data};
}

QueueLogEvent OwnedEvent(const QueueLogEventView& v) {
  QueueLogEvent e;
  e.at = v.at;
  e.call_id = v.call_id;
  e.queue = v.queue;
  e.agent = v.agent;
  e.event = v.event;
  e.data.assign(v.data.begin(), v.data.end());
  return e;
}

void LineParser::Finish(std::vector<ParsedItem>& /*out*/, std::vector<ParseReject>& /*rejects*/) {}

void AddReject(std::vector<ParseReject>& rejects, int64_t line_no, std::string_view line,
               std::string reason) {
  rejects.push_back({line_no, std::string(line.substr(0, kMaxLineBytes)), std::move(reason)});
}

// ---- Time ----

std::optional<CivilTime> ParseCivilTime(std::string_view s) {
  CivilTime t;
  if (s.size() < 19) return std::nullopt;
  const char date_sep = s[4];
  if ((date_sep != '-' && date_sep != '/') || s[7] != date_sep) return std::nullopt;
  if ((s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (!Digits(s, 0, 4, t.year) || !Digits(s, 5, 2, t.month) || !Digits(s, 8, 2, t.day) ||
      !Digits(s, 11, 2, t.hour) || !Digits(s, 14, 2, t.minute) || !Digits(s, 17, 2, t.second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) t.millis = t.millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) t.millis *= 10;
  }
  if (pos != s.size()) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{t.year},
                                        std::chrono::month{static_cast<unsigned>(t.month)},
                                        std::chrono::day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok() || t.hour > 23 || t.minute > 59 || t.second > 59) return std::nullopt;
  return t;
}

Result<ZoneConverter> ZoneConverter::ForZone(std::string_view name) {
  ZoneConverter converter;
  if (name == "UTC") return converter;
  try {
    if (!name.empty()) converter.zone_ = date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    converter.zone_ = nullptr;
  }
  if (converter.zone_ == nullptr) {
    return Status::Invalid(
        {{"time_zone", "invalid", "unknown time zone '" + std::string(name) + "'"}},
        "unknown time zone");
  }
  return converter;
}

std::optional<TimePoint> ZoneConverter::ToUtc(const CivilTime& t, bool prefer_later) const {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const date::year_month_day ymd{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  const seconds time_of_day = hours{t.hour} + minutes{t.minute} + seconds{t.second};
  if (zone_ == nullptr) {
    const date::sys_seconds s = date::sys_days{ymd} + time_of_day;
    return TimePoint(milliseconds{s.time_since_epoch()} + milliseconds{t.millis});
  }
  const date::local_seconds local = date::local_days{ymd} + time_of_day;
  const date::local_info info = zone_->get_info(local);
  seconds offset{0};
  switch (info.result) {
    case date::local_info::unique:
      offset = info.first.offset;
      break;
    case date::local_info::nonexistent:
      return std::nullopt;
    case date::local_info::ambiguous:
      offset = prefer_later ? info.second.offset : info.first.offset;
      break;
  }
  const seconds utc = local.time_since_epoch() - offset;
  return TimePoint(milliseconds{utc} + milliseconds{t.millis});
}

bool ZoneConverter::IsAmbiguous(const CivilTime& t) const {
  if (zone_ == nullptr) return false;
  const date::year_month_day ymd{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  const date::local_seconds local = date::local_days{ymd} + std::chrono::hours{t.hour} +
                                    std::chrono::minutes{t.minute} + std::chrono::seconds{t.second};
  return zone_->get_info(local).result == date::local_info::ambiguous;
}

std::string_view ZoneConverter::Name() const {
  return zone_ == nullptr ? std::string_view("UTC") : std::string_view(zone_->name());
}

std::optional<std::string> ParseZonedTime(const ZoneConverter& zone, std::string_view text,
                                          std::string_view field,
                                          std::optional<TimePoint> not_before, TimePoint& out) {
  const std::optional<CivilTime> civil = ParseCivilTime(text);
  if (!civil) {
    return std::string(field) + ": not a date and time: '" + std::string(text.substr(0, 40)) + "'";
  }
  std::optional<TimePoint> t = zone.ToUtc(*civil);
  if (!t) {
    return std::string(field) + ": '" + std::string(text) + "' does not exist in " +
           std::string(zone.Name()) + " (skipped by a DST change)";
  }
  if (not_before && *t < *not_before && zone.IsAmbiguous(*civil)) t = zone.ToUtc(*civil, true);
  out = *t;
  return std::nullopt;
}

// ---- Numbers and text ----

std::optional<int64_t> ParseInt64(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) return std::nullopt;  // 18 digits cannot overflow
  int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

std::optional<int64_t> ParseSecondsAsMillis(std::string_view s) {
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (whole.empty() || whole.front() == '-' || whole.size() > 14) return std::nullopt;
  const std::optional<int64_t> secs = ParseInt64(whole);
  if (!secs) return std::nullopt;
  int64_t ms = 0;
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty()) return std::nullopt;
    int digits = 0;
    for (const char c : frac) {
      if (c < '0' || c > '9') return std::nullopt;
      if (digits < 3) ms = ms * 10 + (c - '0');
      ++digits;
    }
    for (; digits < 3; ++digits) ms *= 10;
  }
  return *secs * 1000 + ms;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace callboard
