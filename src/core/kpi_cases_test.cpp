// Runs the declarative KPI cases of testdata/kpi/*.case. One file is one test; its lines:
//
//   # a comment (hand computations go here)
//   settings sl_threshold_s=20 short_abandon_s=5 sl_formula=abandons_count
//   calls <outcome> [wait=S] [talk=S] [hold=S] [acw=S] [transfers=N] [fcr=yes|no] [csat=N]
//         [at=RFC3339] [ended=no] [count=N]      (count copies of one call; seconds may have
//                                                 decimals; `at` is when it entered the queue)
//   agent [logged_in=S] [available=S] [on_call=S] [acw=S] [paused=S] [paused.REASON=S]
//   expect KEY=VALUE…     the KPIs of every call (and of the sum of every agent line, if any)
//   report interval=I tz=ZONE from=T to=T
//   expect_starts T…      the interval starts of the last report
//   expect_row T KEY=VALUE…   the row of the last report that starts at T (calls counted in
//                             the row holding their bucket); `hours` is the row's length
//                             (to the next start, or to `to` for the last row)
//
// KEY is a Kpis field name (service_level.<formula> for the variants, agent.<field> and
// agent.paused.<reason> for agent time); VALUE is a number (tolerance 1e-6) or `null`.

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/call_record.h"
#include "core/interval_counters.h"
#include "core/intervals.h"
#include "core/kpi.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;

constexpr double kTolerance = 1e-6;

fs::path CaseDir() {
  if (const char* source = std::getenv("CALLBOARD_SOURCE"); source != nullptr && *source) {
    return fs::path(source) / "testdata" / "kpi";
  }
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "testdata" / "kpi";
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(CaseDir(), ec)) {
    if (entry.path().extension() == ".case") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The values a case may name, from one Kpis.
std::map<std::string, std::optional<double>> KpiValues(const Kpis& k) {
  auto n = [](int64_t v) { return std::optional<double>(static_cast<double>(v)); };
  std::map<std::string, std::optional<double>> v = {
      {"offered", n(k.offered)},
      {"answered", n(k.answered)},
      {"abandoned", n(k.abandoned)},
      {"short_abandoned", n(k.short_abandoned)},
      {"timed_out", n(k.timed_out)},
      {"other_unanswered", n(k.other_unanswered)},
      {"answered_in_sl", n(k.answered_in_sl)},
      {"abandoned_in_sl", n(k.abandoned_in_sl)},
      {"handled", n(k.handled)},
      {"transfers", n(k.transfers)},
      {"fcr_yes", n(k.fcr_yes)},
      {"fcr_known", n(k.fcr_known)},
      {"csat_sum", n(k.csat_sum)},
      {"csat_n", n(k.csat_n)},
      {"wait_answered_s", k.wait_answered_s},
      {"wait_abandoned_s", k.wait_abandoned_s},
      {"talk_s", k.talk_s},
      {"hold_s", k.hold_s},
      {"acw_s", k.acw_s},
      {"service_level", k.service_level},
      {"asa_s", k.asa_s},
      {"avg_abandon_wait_s", k.avg_abandon_wait_s},
      {"max_wait_s", k.max_wait_s},
      {"abandon_rate", k.abandon_rate},
      {"aht_s", k.aht_s},
      {"occupancy", k.occupancy},
      {"utilization", k.utilization},
      {"calls_per_hour", k.calls_per_hour},
      {"fcr_rate", k.fcr_rate},
  };
  for (SlFormula f : {SlFormula::kAbandonsCount, SlFormula::kAbandonsIgnored,
                      SlFormula::kLateAbandonsCount, SlFormula::kAbandonsInSlSuccess}) {
    v["service_level." + std::string(SlFormulaName(f))] =
        ServiceLevelOf(k.service_level_variants, f);
  }
  if (k.agent_time) {
    v["agent.logged_in_s"] = k.agent_time->logged_in_s;
    v["agent.available_s"] = k.agent_time->available_s;
    v["agent.on_call_s"] = k.agent_time->on_call_s;
    v["agent.acw_s"] = k.agent_time->acw_s;
    v["agent.paused_s"] = k.agent_time->paused_s;
    for (const auto& [reason, s] : k.agent_time->paused_by_reason_s) {
      v["agent.paused." + reason] = s;
    }
  }
  return v;
}

struct Report {
  std::vector<TimePoint> starts;
  TimePoint to;
};

// Reads one case file and checks its expectations as it goes.
class CaseRunner {
 public:
  explicit CaseRunner(std::string file) : file_(std::move(file)) {}

  void Run() {
    std::ifstream in(file_);
    ASSERT_TRUE(in) << "cannot open " << file_;
    std::string line;
    int line_count = 0;
    while (std::getline(in, line)) {
      ++line_count;
      where_ = file_ + ":" + std::to_string(line_count);
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string verb;
      words >> verb;
      std::vector<std::string> args;
      for (std::string w; words >> w;) args.push_back(w);
      Dispatch(verb, args);
    }
    EXPECT_LE(line_count, 40) << file_ << ": a case stays short";
    EXPECT_GT(expectations_, 0) << file_ << ": a case that checks nothing";
  }

 private:
  void Dispatch(const std::string& verb, const std::vector<std::string>& args) {
    if (verb == "settings") return Settings(args);
    if (verb == "calls") return Calls(args);
    if (verb == "agent") return Agent(args);
    if (verb == "expect") return ExpectKpis(ComputeKpis(Total(), settings_, AgentPtr()), args, 0);
    if (verb == "report") return MakeReport(args);
    if (verb == "expect_starts") return ExpectStarts(args);
    if (verb == "expect_row") return ExpectRow(args);
    ADD_FAILURE() << where_ << ": unknown verb " << verb;
  }

  // Splits "key=value"; fails the test on anything else.
  std::pair<std::string, std::string> KeyValue(const std::string& arg) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      ADD_FAILURE() << where_ << ": expected key=value, got " << arg;
      return {arg, ""};
    }
    return {arg.substr(0, eq), arg.substr(eq + 1)};
  }

  double Number(const std::string& text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      ADD_FAILURE() << where_ << ": not a number: " << text;
    }
    return v;
  }
  int64_t Millis(const std::string& seconds) { return std::llround(Number(seconds) * 1000); }

  TimePoint Time(const std::string& text) {
    const std::optional<TimePoint> t = ParseRfc3339(text);
    if (!t) ADD_FAILURE() << where_ << ": not an RFC 3339 time: " << text;
    return t.value_or(TimePoint{});
  }

  void Settings(const std::vector<std::string>& args) {
    for (const auto& arg : args) {
      const auto [key, value] = KeyValue(arg);
      if (key == "sl_threshold_s") {
        settings_.sl_threshold_s = static_cast<int>(Number(value));
      } else if (key == "short_abandon_s") {
        settings_.short_abandon_s = static_cast<int>(Number(value));
      } else if (key == "sl_formula") {
        const std::optional<SlFormula> f = ParseSlFormula(value);
        if (!f) ADD_FAILURE() << where_ << ": unknown sl_formula " << value;
        settings_.sl_formula = f.value_or(SlFormula::kAbandonsCount);
      } else {
        ADD_FAILURE() << where_ << ": unknown setting " << key;
      }
    }
    const Status valid = ValidateQueueSettings(settings_);
    ASSERT_TRUE(valid.ok()) << where_ << ": " << valid.ToString();
  }

  void Calls(const std::vector<std::string>& args) {
    ASSERT_FALSE(args.empty()) << where_ << ": calls needs an outcome";
    CallRecord call;
    const std::optional<CallOutcome> outcome = ParseCallOutcome(args[0]);
    ASSERT_TRUE(outcome) << where_ << ": unknown outcome " << args[0];
    call.outcome = *outcome;
    call.started_at = *ParseRfc3339("2026-03-02T09:00:00Z");
    int64_t count = 1;
    bool ended = true;
    for (std::size_t i = 1; i < args.size(); ++i) {
      const auto [key, value] = KeyValue(args[i]);
      if (key == "wait")
        call.wait_ms = Millis(value);
      else if (key == "talk")
        call.talk_ms = Millis(value);
      else if (key == "hold")
        call.hold_ms = Millis(value);
      else if (key == "acw")
        call.acw_ms = Millis(value);
      else if (key == "transfers")
        call.transfer_count = static_cast<int>(Number(value));
      else if (key == "fcr")
        call.fcr = value == "yes";
      else if (key == "csat")
        call.csat = static_cast<int>(Number(value));
      else if (key == "at")
        call.started_at = Time(value);
      else if (key == "ended")
        ended = value != "no";
      else if (key == "count")
        count = static_cast<int64_t>(Number(value));
      else
        ADD_FAILURE() << where_ << ": unknown call field " << key;
    }
    const TimePoint left_queue = call.started_at + std::chrono::milliseconds(call.wait_ms);
    call.ended_at = left_queue;
    if (call.outcome == CallOutcome::kAnswered) {
      call.answered_at = left_queue;
      call.ended_at = ended ? left_queue + std::chrono::milliseconds(call.talk_ms + call.hold_ms)
                            : TimePoint{};  // still talking
    }
    for (int64_t i = 0; i < count; ++i) calls_.push_back(call);
  }

  void Agent(const std::vector<std::string>& args) {
    AgentStateSeconds s;
    for (const auto& arg : args) {
      const auto [key, value] = KeyValue(arg);
      if (key == "logged_in")
        s.logged_in_ms = Millis(value);
      else if (key == "available")
        s.available_ms = Millis(value);
      else if (key == "on_call")
        s.on_call_ms = Millis(value);
      else if (key == "acw")
        s.acw_ms = Millis(value);
      else if (key == "paused")
        s.paused_ms = Millis(value);
      else if (key.starts_with("paused."))
        s.paused_by_reason_ms[key.substr(7)] = Millis(value);
      else
        ADD_FAILURE() << where_ << ": unknown agent field " << key;
    }
    if (!agent_) agent_.emplace();
    Add(*agent_, s);
  }

  const AgentStateSeconds* AgentPtr() const { return agent_ ? &*agent_ : nullptr; }

  IntervalCounters Total() const {
    IntervalCounters total;
    for (const CallRecord& call : calls_) CountCall(total, call, settings_);
    return total;
  }

  void ExpectKpis(const Kpis& kpis, const std::vector<std::string>& args, std::size_t first,
                  std::optional<double> hours = std::nullopt) {
    std::map<std::string, std::optional<double>> actual = KpiValues(kpis);
    if (hours) actual["hours"] = hours;
    for (std::size_t i = first; i < args.size(); ++i) {
      const auto [key, value] = KeyValue(args[i]);
      ++expectations_;
      const auto it = actual.find(key);
      if (it == actual.end()) {
        ADD_FAILURE() << where_ << ": no value named " << key;
        continue;
      }
      if (value == "null") {
        EXPECT_FALSE(it->second.has_value()) << where_ << ": " << key << " = " << *it->second;
      } else if (!it->second) {
        ADD_FAILURE() << where_ << ": " << key << " is null, expected " << value;
      } else {
        EXPECT_NEAR(*it->second, Number(value), kTolerance) << where_ << ": " << key;
      }
    }
  }

  void MakeReport(const std::vector<std::string>& args) {
    std::optional<ReportInterval> interval;
    std::string tz;
    TimePoint from;
    TimePoint to;
    for (const auto& arg : args) {
      const auto [key, value] = KeyValue(arg);
      if (key == "interval")
        interval = ParseReportInterval(value);
      else if (key == "tz")
        tz = value;
      else if (key == "from")
        from = Time(value);
      else if (key == "to")
        to = Time(value);
      else
        ADD_FAILURE() << where_ << ": unknown report field " << key;
    }
    ASSERT_TRUE(interval) << where_ << ": report needs a known interval";
    Result<std::vector<TimePoint>> starts = IntervalStarts(from, to, *interval, tz);
    ASSERT_TRUE(starts) << where_ << ": " << starts.error().ToString();
    report_ = Report{*starts, to};
    interval_ = *interval;
    zone_ = *LocateTimeZone(tz);
  }

  void ExpectStarts(const std::vector<std::string>& args) {
    ASSERT_TRUE(report_) << where_ << ": no report yet";
    std::vector<std::string> expected;
    std::vector<std::string> actual;
    for (const auto& arg : args) expected.push_back(FormatRfc3339(Time(arg)));
    for (TimePoint t : report_->starts) actual.push_back(FormatRfc3339(t));
    ++expectations_;
    EXPECT_EQ(actual, expected) << where_;
  }

  void ExpectRow(const std::vector<std::string>& args) {
    ASSERT_TRUE(report_) << where_ << ": no report yet";
    ASSERT_FALSE(args.empty()) << where_ << ": expect_row needs the row start";
    const std::vector<TimePoint>& starts = report_->starts;
    const TimePoint row = Time(args[0]);
    const auto it = std::find(starts.begin(), starts.end(), row);
    ASSERT_NE(it, starts.end()) << where_ << ": no row starts at " << args[0];
    const auto index = static_cast<std::size_t>(it - starts.begin());
    IntervalCounters counters;
    for (const CallRecord& call : calls_) {
      const TimePoint bucket = BucketStart(call.started_at);
      if (bucket < starts.front() || bucket >= report_->to) continue;
      if (interval_ != ReportInterval::kTotal) {
        // The per-bucket mapping and the list of starts must agree.
        EXPECT_EQ(FormatRfc3339(IntervalStartOf(bucket, interval_, zone_)),
                  FormatRfc3339(starts[IntervalIndexOf(starts, bucket)]))
            << where_ << ": bucket " << FormatRfc3339(bucket);
      }
      if (IntervalIndexOf(starts, bucket) == index) CountCall(counters, call, settings_);
    }
    const TimePoint end = index + 1 < starts.size() ? starts[index + 1] : report_->to;
    const double hours = std::chrono::duration<double, std::ratio<3600>>(end - row).count();
    ExpectKpis(ComputeKpis(counters, settings_), args, 1, hours);
  }

  std::string file_;
  std::string where_;
  QueueSettings settings_;
  std::vector<CallRecord> calls_;
  std::optional<AgentStateSeconds> agent_;
  std::optional<Report> report_;
  ReportInterval interval_ = ReportInterval::kTotal;
  const date::time_zone* zone_ = nullptr;
  int expectations_ = 0;
};

class KpiCase : public testing::TestWithParam<std::string> {};

TEST_P(KpiCase, MatchesHandCheckedNumbers) {
  CaseRunner((CaseDir() / (GetParam() + ".case")).string()).Run();
}

INSTANTIATE_TEST_SUITE_P(Cases, KpiCase, testing::ValuesIn(CaseNames()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST(KpiCases, AreThere) { EXPECT_GE(CaseNames().size(), 8U) << "looked in " << CaseDir(); }

}  // namespace
}  // namespace callboard
