#include "kpi/report_json.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <variant>

#include "json/plain_json.h"

namespace callboard {

namespace {

constexpr SlFormula kFormulas[] = {SlFormula::kAbandonsCount, SlFormula::kAbandonsIgnored,
                                   SlFormula::kLateAbandonsCount, SlFormula::kAbandonsInSlSuccess};

// A field's value: a name or time, a count, or a ratio (null when absent or not finite;
// rounded to 6 decimals).
using FieldValue = std::variant<std::string_view, int64_t, std::optional<double>>;

std::optional<double> Rounded(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return std::round(*v * 1e6) / 1e6;
}

boost::json::value Ratio(const std::optional<double>& v) {
  const auto r = Rounded(v);
  if (!r) return nullptr;
  return *r;
}

boost::json::value ToJson(const FieldValue& v) {
  if (const auto* text = std::get_if<std::string_view>(&v)) return boost::json::string(*text);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  return Ratio(std::get<std::optional<double>>(v));
}

// Calls emit(key, FieldValue) for each of the row's fields in output order (without
// service_level_variants). The one list of report fields: JSON object, JSON text and CSV.
template <typename Emit>
void ForEachField(const ReportRow& row, bool agent_report, Emit&& emit) {
  const Kpis& k = row.kpis;
  emit(agent_report ? "agent" : "queue", std::string_view(row.name));
  emit(agent_report ? "agent_id" : "queue_id", agent_report ? row.agent_id : row.queue_id);
  const std::string start = FormatRfc3339(row.interval_start);
  emit("interval_start", std::string_view(start));
  emit("offered", k.offered);
  emit("answered", k.answered);
  emit("abandoned", k.abandoned);
  emit("short_abandoned", k.short_abandoned);
  emit("timed_out", k.timed_out);
  emit("other_unanswered", k.other_unanswered);
  emit("answered_in_sl", k.answered_in_sl);
  emit("abandoned_in_sl", k.abandoned_in_sl);
  emit("handled", k.handled);
  emit("transfers", k.transfers);
  emit("wait_answered_s", Rounded(k.wait_answered_s));
  emit("wait_abandoned_s", Rounded(k.wait_abandoned_s));
  emit("talk_s", Rounded(k.talk_s));
  emit("hold_s", Rounded(k.hold_s));
  emit("acw_s", Rounded(k.acw_s));
  emit("fcr_yes", k.fcr_yes);
  emit("fcr_known", k.fcr_known);
  emit("csat_sum", k.csat_sum);
  emit("csat_n", k.csat_n);
  emit("service_level", Rounded(k.service_level));
  emit("asa_s", Rounded(k.asa_s));
  emit("avg_abandon_wait_s", Rounded(k.avg_abandon_wait_s));
  emit("max_wait_s", Rounded(k.max_wait_s));
  emit("abandon_rate", Rounded(k.abandon_rate));
  emit("aht_s", Rounded(k.aht_s));
  emit("fcr_rate", Rounded(k.fcr_rate));
  if (agent_report) {
    emit("occupancy", Rounded(k.occupancy));
    emit("utilization", Rounded(k.utilization));
    emit("calls_per_hour", Rounded(k.calls_per_hour));
    const AgentTimeSeconds t = k.agent_time.value_or(AgentTimeSeconds{});
    emit("logged_in_s", Rounded(t.logged_in_s));
    emit("available_s", Rounded(t.available_s));
    emit("on_call_s", Rounded(t.on_call_s));
    emit("paused_s", Rounded(t.paused_s));
  }
}

// The row's fields in output order, as JSON values.
std::vector<std::pair<std::string, boost::json::value>> Fields(const ReportRow& row,
                                                               bool agent_report) {
  std::vector<std::pair<std::string, boost::json::value>> f;
  ForEachField(row, agent_report,
               [&](const char* key, const FieldValue& v) { f.emplace_back(key, ToJson(v)); });
  return f;
}

// A field's value as PlainJsonText writes its JSON value.
void AppendField(const FieldValue& v, std::string& out) {
  if (const auto* text = std::get_if<std::string_view>(&v)) return AppendJsonString(*text, out);
  if (const auto* n = std::get_if<int64_t>(&v)) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *n);
    out.append(buf, end);
    return;
  }
  const auto& r = std::get<std::optional<double>>(v);
  if (!r) {
    out += "null";
  } else {
    AppendPlainNumber(*r, out);
  }
}

boost::json::object Settings(const QueueSettings& s) {
  return {{"sl_threshold_s", s.sl_threshold_s},
          {"short_abandon_s", s.short_abandon_s},
          {"sl_formula", SlFormulaName(s.sl_formula)}};
}

}  // namespace

boost::json::object ReportJson(const Report& report, bool agent_report) {
  boost::json::array queues;
  for (const QueueConfig& q : report.queues) {
    boost::json::object o = Settings(q.settings);
    o["queue"] = q.name;
    o["queue_id"] = q.id;
    o["settings_version"] = q.settings_version;
    queues.push_back(std::move(o));
  }
  boost::json::object definition{
      {"from", FormatRfc3339(report.request.from)},
      {"to", FormatRfc3339(report.request.to)},
      {"tz", report.request.tz},
      {"interval", ReportIntervalName(report.request.interval)},
      {"queues", std::move(queues)},
      {"formulas",
       {{"abandons_count", "answered_in_sl / (offered - short_abandoned)"},
        {"abandons_ignored", "answered_in_sl / answered"},
        {"late_abandons_count", "answered_in_sl / (offered - abandoned_in_sl)"},
        {"abandons_in_sl_success", "(answered_in_sl + abandoned_in_sl) / offered"},
        {"abandon_rate", "(abandoned - short_abandoned) / (offered - short_abandoned)"},
        {"asa_s", "wait_answered_s / answered"},
        {"aht_s", "(talk_s + hold_s + acw_s) / handled"}}}};
  if (agent_report) definition["agent_settings"] = Settings(report.agent_settings);
  boost::json::array rows;
  for (const ReportRow& row : report.rows) {
    boost::json::object o;
    for (auto& [k, v] : Fields(row, agent_report)) o[k] = std::move(v);
    boost::json::object variants;
    for (SlFormula f : kFormulas) {
      variants[SlFormulaName(f)] = Ratio(ServiceLevelOf(row.kpis.service_level_variants, f));
    }
    o["service_level_variants"] = std::move(variants);
    rows.push_back(std::move(o));
  }
  return {{"definition", std::move(definition)}, {"rows", std::move(rows)}};
}

namespace {

// "-12", "3.5": an optional minus, digits, an optional fraction.
bool IsPlainNumber(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  const size_t dot = s.find('.');
  auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dot == std::string_view::npos ? digits(s)
                                       : digits(s.substr(0, dot)) && digits(s.substr(dot + 1));
}

}  // namespace

std::string CsvField(const boost::json::value& v) {
  if (v.is_double()) return PlainNumber(v.get_double());
  if (v.is_null()) return "";
  if (v.is_string()) {
    std::string s(v.get_string());
    // A leading =, +, - or @ (or tab, CR) would be a formula in a spreadsheet: mark the field
    // as text with a leading apostrophe, unless it is a plain number.
    if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos &&
        !IsPlainNumber(s)) {
      s.insert(0, 1, '\'');
    }
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  return boost::json::serialize(v);
}

std::string ReportJsonText(const Report& report, bool agent_report) {
  // ReportJson's text, with the rows written as they are made: a report by day of many
  // agents has thousands of rows, and building each as an object first cost more than the
  // report itself.
  boost::json::object head = ReportJson(Report{.request = report.request,
                                               .queues = report.queues,
                                               .agent_settings = report.agent_settings,
                                               .rows = {}},
                                        agent_report);
  std::string out = "{\"definition\":";
  AppendPlainJson(head["definition"], out);
  out += ",\"rows\":[";
  const size_t head_bytes = out.size();
  bool first = true;
  for (const ReportRow& row : report.rows) {
    out += first ? "{" : ",{";
    first = false;
    // The keys are fixed identifiers (no character to escape): written as they are.
    ForEachField(row, agent_report, [&](const char* key, const FieldValue& value) {
      out += '"';
      out += key;
      out += "\":";
      AppendField(value, out);
      out += ',';
    });
    out += "\"service_level_variants\":{";
    for (SlFormula f : kFormulas) {
      if (f != kFormulas[0]) out += ',';
      out += '"';
      out += SlFormulaName(f);
      out += "\":";
      AppendField(Rounded(ServiceLevelOf(row.kpis.service_level_variants, f)), out);
    }
    out += "}}";
    if (&row == &report.rows.front()) {
      // Rows have nearly the same length: room for all of them at once, so that a report of
      // tens of megabytes is not copied at every doubling (which held two copies at a time).
      const size_t row_bytes = out.size() - head_bytes;
      out.reserve(out.size() + (row_bytes + row_bytes / 8) * report.rows.size() + 2);
    }
  }
  out += "]}";
  return out;
}

std::string ReportCsv(const Report& report, bool agent_report) {
  std::string out;
  const auto names = Fields(ReportRow{}, agent_report);
  for (size_t j = 0; j < names.size(); ++j) out += (j ? "," : "") + names[j].first;
  for (SlFormula f : kFormulas) out += ",service_level_" + std::string(SlFormulaName(f));
  out += "\n";
  for (const ReportRow& row : report.rows) {
    const auto fields = Fields(row, agent_report);
    for (size_t j = 0; j < fields.size(); ++j) out += (j ? "," : "") + CsvField(fields[j].second);
    for (SlFormula f : kFormulas) {
      out += "," + CsvField(Ratio(ServiceLevelOf(row.kpis.service_level_variants, f)));
    }
    out += "\n";
  }
  return out;
}

}  // namespace callboard
