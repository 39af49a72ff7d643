#include "ingest/simulator.h"

#include <date/tz.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_zone.h"
#include "ingest/simulator_engine.h"
#include "ingest/simulator_model.h"
#include "ingest/threecx_cdr_parser.h"

namespace callboard {

namespace {

constexpr int kMaxQueues = 100;
constexpr int kMaxAgents = 50000;
constexpr double kMaxHours = 24.0 * 400;
constexpr double kMaxCallsPerHour = 1e7;

void AppendNumber(std::string& out, int64_t n) { out += std::to_string(n); }

// ---- asterisk-queue-log ----

// epoch|callid|queue|agent|EVENT|data… ("EVENT|" when there is no data, as Asterisk writes).
void AppendQueueLogLine(std::string& out, const QueueLogEvent& e) {
  AppendNumber(out, std::chrono::floor<std::chrono::seconds>(e.at).time_since_epoch().count());
  out += '|';
  out += e.call_id;
  out += '|';
  out += e.queue;
  out += '|';
  out += e.agent;
  out += '|';
  out += e.event;
  if (e.data.empty()) out += '|';
  for (const std::string& d : e.data) {
    out += '|';
    out += d;
  }
  out += '\n';
}

// ---- 3cx-cdr ----

// "YYYY/MM/DD HH:MM:SS" in `zone` (nullptr = UTC).
std::string ThreecxTime(const date::time_zone* zone, TimePoint t) {
  const auto utc = std::chrono::floor<std::chrono::seconds>(t);
  const std::chrono::seconds offset =
      zone == nullptr ? std::chrono::seconds{0} : zone->get_info(utc).offset;
  const auto local = utc.time_since_epoch() + offset;
  const auto days = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{std::chrono::sys_days{days}};
  const std::chrono::hh_mm_ss hms{local - days};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string Hms(int64_t ms) {
  const int64_t s = ms / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

// One row in k3cxDefaultColumns order. Queue calls come in on the trunk to the queue's DN; an
// answered call ends at the agent's DN (final-dn, so the parser credits the queue agent) and a
// transfer adds the target as the chain's last entry; a queue timeout ends in voicemail.
void AppendThreecxLine(std::string& out, const SimulatedCall& call,
                       const std::vector<SimQueue>& queues, const std::vector<SimAgent>& agents,
                       const date::time_zone* zone) {
  const CallRecord& r = call.record;
  const SimQueue& queue = queues[static_cast<size_t>(call.queue)];
  const bool answered = r.answered_at.has_value();
  const bool voicemail = r.outcome == CallOutcome::kVoicemail;
  const SimAgent* agent = answered ? &agents[static_cast<size_t>(call.agent)] : nullptr;
  std::string chain = "Chain: " + r.caller + ",Ext." + (answered ? agent->dn : queue.dn) + ",";
  if (!r.transferred_to.empty()) chain += "Ext." + r.transferred_to + ",";
  const std::string final_dn = answered    ? agent->dn
                               : voicemail ? std::string(k3cxVoicemailDn)
                                           : queue.dn;
  const std::string fields[] = {
      "Call " + std::to_string(call.index + 1),
      r.pbx_call_id,
      answered ? Hms(r.talk_ms) : "",
      ThreecxTime(zone, r.started_at),
      answered ? ThreecxTime(zone, *r.answered_at) : "",
      ThreecxTime(zone, r.ended_at),
      answered && call.agent_hung_up ? "TerminatedByDst" : "TerminatedBySrc",
      r.caller,                                       // from-no
      "Ext." + queue.dn,                              // to-no
      std::string(k3cxTrunkDn),                       // from-dn
      queue.dn,                                       // to-dn
      queue.dn,                                       // dial-no
      r.transferred_to.empty() ? "" : "ReplacedDst",  // reason-changed
      "Ext." + final_dn,                              // final-number
      final_dn,                                       // final-dn
      "",                                             // bill-code
      "",                                             // bill-rate
      "",                                             // bill-cost
      "",                                             // bill-name
      chain,
      "External",  // from-type
      "Queue",     // to-type
      answered    ? "Internal"
      : voicemail ? "VoiceMail"
                  : "Queue",  // final-type
      "",                     // from-dispname
      queue.display,          // to-dispname
      answered    ? agent->display
      : voicemail ? "Voicemail"
                  : queue.display,
      "",  // missed-queue-calls
  };
  static_assert(std::size(fields) == k3cxDefaultColumns.size());
  for (size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(out, fields[i]);
  }
  out += '\n';
}

// ---- calls-json ----

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(ch));
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void AppendSeconds(std::string& out, int64_t ms) {
  AppendNumber(out, ms / 1000);
  if (ms % 1000 != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms % 1000));
    out += buf;
  }
}

void AppendCallJson(std::string& out, const CallRecord& r) {
  auto key = [&](std::string_view name) {
    out += out.back() == '{' ? "\"" : ",\"";
    out += name;
    out += "\":";
  };
  auto text = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    key(name);
    AppendJsonString(out, value);
  };
  out += '{';
  text("pbx_call_id", r.pbx_call_id);
  text("direction", CallDirectionName(r.direction));
  text("queue", r.queue);
  text("agent", r.agent);
  text("caller", r.caller);
  text("callee", r.callee);
  text("started_at", FormatRfc3339(r.started_at));
  if (r.answered_at) text("answered_at", FormatRfc3339(*r.answered_at));
  text("ended_at", FormatRfc3339(r.ended_at));
  for (const auto& [name, ms] : {std::pair<std::string_view, int64_t>{"wait_s", r.wait_ms},
                                 {"talk_s", r.talk_ms},
                                 {"hold_s", r.hold_ms},
                                 {"acw_s", r.acw_ms}}) {
    key(name);
    AppendSeconds(out, ms);
  }
  text("outcome", CallOutcomeName(r.outcome));
  key("transfer_count");
  AppendNumber(out, r.transfer_count);
  text("transferred_to", r.transferred_to);
  text("disposition", r.disposition);
  text("call_type", r.call_type);
  if (r.fcr) {
    key("fcr");
    out += *r.fcr ? "true" : "false";
  }
  if (r.csat) {
    key("csat");
    AppendNumber(out, *r.csat);
  }
  out += "}\n";
}

}  // namespace

Status ValidateSimulationOptions(const SimulationOptions& o) {
  std::vector<FieldError> errors;
  if (o.format != SourceFormat::kAsteriskQueueLog && o.format != SourceFormat::k3cxCdr &&
      o.format != SourceFormat::kCallsJson) {
    errors.push_back({"format", "invalid",
                      "the simulator writes asterisk-queue-log, 3cx-cdr or calls-json, not " +
                          std::string(SourceFormatName(o.format))});
  }
  if (o.queues < 1 || o.queues > kMaxQueues) {
    errors.push_back({"queues", "invalid", "queues must be 1.." + std::to_string(kMaxQueues)});
  }
  if (o.agents < 1 || o.agents > kMaxAgents) {
    errors.push_back({"agents", "invalid", "agents must be 1.." + std::to_string(kMaxAgents)});
  }
  if (!std::isfinite(o.hours) || o.hours <= 0 || o.hours > kMaxHours) {
    errors.push_back({"hours", "invalid", "hours must be more than 0 and at most 9600"});
  }
  if (!std::isfinite(o.calls_per_hour) || o.calls_per_hour < 0 ||
      o.calls_per_hour > kMaxCallsPerHour) {
    errors.push_back({"calls_per_hour", "invalid", "calls_per_hour must be 0..10000000"});
  }
  if (!IsValidTimeZone(o.time_zone)) {
    errors.push_back({"time_zone", "invalid", "unknown time zone '" + o.time_zone + "'"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "invalid simulation options");
  return Status::Ok();
}

Status WriteSimulation(const SimulationOptions& options, std::ostream& out) {
  CB_RETURN_IF_ERROR(ValidateSimulationOptions(options));
  constexpr size_t kFlushBytes = size_t{64} * 1024;
  std::string buffer;
  buffer.reserve(kFlushBytes + 1024);
  bool failed = false;
  auto flush_if_full = [&](bool force) {
    if (failed || (!force && buffer.size() < kFlushBytes)) return;
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    failed = !out.good();
    buffer.clear();
  };
  TrafficSinks sinks;
  const std::vector<SimQueue> queues = SimulationQueues(options.queues);
  const std::vector<SimAgent> agents = SimulationAgents(options.agents);
  const date::time_zone* zone =
      options.time_zone == "UTC" ? nullptr : date::locate_zone(options.time_zone);
  switch (options.format) {
    case SourceFormat::kAsteriskQueueLog:
      sinks.on_event = [&](const QueueLogEvent& e) {
        AppendQueueLogLine(buffer, e);
        flush_if_full(false);
      };
      break;
    case SourceFormat::k3cxCdr:
      sinks.on_call = [&](const SimulatedCall& call) {
        AppendThreecxLine(buffer, call, queues, agents, zone);
        flush_if_full(false);
      };
      break;
    default:
      sinks.on_call = [&](const SimulatedCall& call) {
        AppendCallJson(buffer, call.record);
        flush_if_full(false);
      };
      break;
  }
  RunTrafficSimulation(options, sinks);
  flush_if_full(true);
  if (!failed) out.flush();
  if (failed || !out.good()) return Status::Unavailable("simulation: writing the output failed");
  return Status::Ok();
}

std::vector<CallRecord> SimulateCalls(const SimulationOptions& options) {
  std::vector<CallRecord> calls;
  SimulateCallsStreaming(options, [&](const CallRecord& call) { calls.push_back(call); });
  return calls;
}

void SimulateCallsStreaming(const SimulationOptions& options,
                            const std::function<void(const CallRecord&)>& emit) {
  if (!ValidateSimulationOptions(options).ok()) return;
  TrafficSinks sinks;
  sinks.on_call = [&](const SimulatedCall& call) { emit(call.record); };
  RunTrafficSimulation(options, sinks);
}

}  // namespace callboard
