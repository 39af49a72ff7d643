#include "app/demo.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "app/app.h"
#include "ingest/importer.h"
#include "ingest/simulator.h"

namespace callboard {

namespace {

constexpr int kDemoQueues = 3;
constexpr int kDemoAgents = 12;
constexpr const char* kDemoSource = "demo-pbx";
// Half the team's nominal capacity: with pauses and the day profile that is a well-run floor
// (service level around 80 %, abandon rate around 6 %).
constexpr double kDemoLoad = 0.5;

int64_t HourStart(TimePoint t) {
  return std::chrono::floor<std::chrono::hours>(t).time_since_epoch().count() * 3600;
}

// The lines of `text` whose queue_log time (first field, epoch seconds) is ≤ until_s.
std::string LinesUntil(const std::string& text, int64_t until_s) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const int64_t t = std::atoll(line.c_str());
    if (t > until_s) break;  // queue_log lines are in time order
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace

Status DemoTraffic::Backfill(int days) {
  const int64_t end_s = HourStart(app_.clock().Now());
  SimulationOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.queues = kDemoQueues;
  options.agents = kDemoAgents;
  options.calls_per_hour = DerivedCallsPerHour(kDemoAgents) * kDemoLoad;
  options.hours = days * 24.0;
  options.seed = 20261122;
  options.start = FromUnixMillis((end_s - days * 86400) * 1000);
  options.time_zone = "Europe/Berlin";
  std::ostringstream text;
  CB_RETURN_IF_ERROR(WriteSimulation(options, text));
  // Only what has happened by now: the simulated queue drains a little past the end.
  std::istringstream in(LinesUntil(text.str(), end_s));
  ImportOptions import;
  import.format = SourceFormat::kAsteriskQueueLog;
  import.source_name = kDemoSource;
  auto summary = app_.importer().Import(tenant_, import, in, "demo-backfill");
  if (!summary) return summary.error();
  spdlog::info("demo: {} days of history, {} calls", days, summary->calls);
  return Status::Ok();
}

DemoTraffic::Hour& DemoTraffic::HourAt(int64_t hour_start_s) {
  auto it = hours_.find(hour_start_s);
  if (it != hours_.end()) return it->second;
  std::erase_if(hours_, [&](const auto& h) { return h.first < hour_start_s - 3600; });
  Hour& hour = hours_[hour_start_s];
  SimulationOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.queues = kDemoQueues;
  options.agents = kDemoAgents;
  options.calls_per_hour = DerivedCallsPerHour(kDemoAgents) * kDemoLoad;
  options.hours = 1;
  options.seed = static_cast<uint64_t>(hour_start_s);
  options.start = FromUnixMillis(hour_start_s * 1000);
  options.time_zone = "Europe/Berlin";
  std::ostringstream text;
  if (Status s = WriteSimulation(options, text); !s.ok()) {
    spdlog::warn("demo feed: {}", s.ToString());
    return hour;
  }
  hour.text = std::move(text).str();
  for (size_t at = 0; at < hour.text.size();) {
    size_t end = hour.text.find('\n', at);
    end = end == std::string::npos ? hour.text.size() : end + 1;
    hour.times.push_back(std::atoll(hour.text.c_str() + at));
    hour.ends.push_back(end);
    at = end;
  }
  return hour;
}

Result<std::optional<int64_t>> DemoTraffic::FeedHour(int64_t hour_start_s, int64_t now_s) {
  Hour& hour = HourAt(hour_start_s);
  // queue_log lines are in time order: the first line not yet due.
  const auto next = std::upper_bound(hour.times.begin(), hour.times.end(), now_s);
  const size_t due = next == hour.times.begin() ? 0 : hour.ends[next - hour.times.begin() - 1];
  if (due > hour.fed) {
    // One stream per hour, given the whole due prefix: the importer resumes from the
    // stream's checkpoint, so after a restart nothing is ingested twice.
    std::istringstream in(hour.text.substr(0, due));
    ImportOptions import;
    import.format = SourceFormat::kAsteriskQueueLog;
    import.source_name = kDemoSource;
    auto summary =
        app_.importer().Import(tenant_, import, in, "demo-live-" + std::to_string(hour_start_s));
    if (!summary) return summary.error();
    hour.fed = due;
  }
  if (next == hour.times.end()) return std::optional<int64_t>();
  return std::optional<int64_t>(*next);
}

void DemoTraffic::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DemoTraffic::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoTraffic::Run() {
  for (;;) {
    const TimePoint now = app_.clock().Now();
    const int64_t now_s = ToUnixMillis(now) / 1000;
    const int64_t hour = HourStart(now);
    int64_t next_s = now_s + 1;  // at least once a second
    // The previous hour's calls may still be draining.
    for (int64_t h : {hour - 3600, hour}) {
      auto next = FeedHour(h, now_s);
      if (!next) spdlog::warn("demo feed: {}", next.error().ToString());
      if (next && *next) next_s = std::min(next_s, **next);
    }
    // Until the next line comes due: queue_log times are whole seconds.
    const auto wait = std::chrono::milliseconds(
        std::clamp<int64_t>(next_s * 1000 - ToUnixMillis(app_.clock().Now()), 1, 1000));
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, wait, [this] { return stop_; })) return;
  }
}

}  // namespace callboard
