#include "kpi/report_json.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "json/plain_json.h"

namespace callboard {

namespace {

constexpr SlFormula kFormulas[] = {SlFormula::kAbandonsCount, SlFormula::kAbandonsIgnored,
                                   SlFormula::kLateAbandonsCount, SlFormula::kAbandonsInSlSuccess};

boost::json::value Ratio(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return std::round(*v * 1e6) / 1e6;
}

// The row's fields in output order, as JSON values.
std::vector<std::pair<std::string, boost::json::value>> Fields(const ReportRow& row,
                                                               bool agent_report) {
  const Kpis& k = row.kpis;
  std::vector<std::pair<std::string, boost::json::value>> f;
  f.emplace_back(agent_report ? "agent" : "queue", row.name);
  f.emplace_back(agent_report ? "agent_id" : "queue_id",
                 agent_report ? row.agent_id : row.queue_id);
  f.emplace_back("interval_start", FormatRfc3339(row.interval_start));
  f.emplace_back("offered", k.offered);
  f.emplace_back("answered", k.answered);
  f.emplace_back("abandoned", k.abandoned);
  f.emplace_back("short_abandoned", k.short_abandoned);
  f.emplace_back("timed_out", k.timed_out);
  f.emplace_back("other_unanswered", k.other_unanswered);
  f.emplace_back("answered_in_sl", k.answered_in_sl);
  f.emplace_back("abandoned_in_sl", k.abandoned_in_sl);
  f.emplace_back("handled", k.handled);
  f.emplace_back("transfers", k.transfers);
  f.emplace_back("wait_answered_s", Ratio(k.wait_answered_s));
  f.emplace_back("wait_abandoned_s", Ratio(k.wait_abandoned_s));
  f.emplace_back("talk_s", Ratio(k.talk_s));
  f.emplace_back("hold_s", Ratio(k.hold_s));
  f.emplace_back("acw_s", Ratio(k.acw_s));
  f.emplace_back("fcr_yes", k.fcr_yes);
  f.emplace_back("fcr_known", k.fcr_known);
  f.emplace_back("csat_sum", k.csat_sum);
  f.emplace_back("csat_n", k.csat_n);
  f.emplace_back("service_level", Ratio(k.service_level));
  f.emplace_back("asa_s", Ratio(k.asa_s));
  f.emplace_back("avg_abandon_wait_s", Ratio(k.avg_abandon_wait_s));
  f.emplace_back("max_wait_s", Ratio(k.max_wait_s));
  f.emplace_back("abandon_rate", Ratio(k.abandon_rate));
  f.emplace_back("aht_s", Ratio(k.aht_s));
  f.emplace_back("fcr_rate", Ratio(k.fcr_rate));
  if (agent_report) {
    f.emplace_back("occupancy", Ratio(k.occupancy));
    f.emplace_back("utilization", Ratio(k.utilization));
    f.emplace_back("calls_per_hour", Ratio(k.calls_per_hour));
    const AgentTimeSeconds t = k.agent_time.value_or(AgentTimeSeconds{});
    f.emplace_back("logged_in_s", Ratio(t.logged_in_s));
    f.emplace_back("available_s", Ratio(t.available_s));
    f.emplace_back("on_call_s", Ratio(t.on_call_s));
    f.emplace_back("paused_s", Ratio(t.paused_s));
  }
  return f;
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
    for (const auto& [key, value] : Fields(row, agent_report)) {
      out += '"';
      out += key;
      out += "\":";
      AppendPlainJson(value, out);
      out += ',';
    }
    out += "\"service_level_variants\":{";
    for (SlFormula f : kFormulas) {
      if (f != kFormulas[0]) out += ',';
      out += '"';
      out += SlFormulaName(f);
      out += "\":";
      AppendPlainJson(Ratio(ServiceLevelOf(row.kpis.service_level_variants, f)), out);
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
