#include "app/demo.h"

#include <spdlog/spdlog.h>

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

Status DemoTraffic::FeedHour(int64_t hour_start_s) {
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
  CB_RETURN_IF_ERROR(WriteSimulation(options, text));
  const int64_t now_s = ToUnixMillis(app_.clock().Now()) / 1000;
  std::istringstream in(LinesUntil(text.str(), now_s));
  ImportOptions import;
  import.format = SourceFormat::kAsteriskQueueLog;
  import.source_name = kDemoSource;
  // One stream per hour: each run re-reads the hour's due lines and ingests the new ones.
  auto summary =
      app_.importer().Import(tenant_, import, in, "demo-live-" + std::to_string(hour_start_s));
  return summary ? Status::Ok() : summary.error();
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
    const int64_t hour = HourStart(app_.clock().Now());
    // The previous hour's calls may still be draining.
    for (int64_t h : {hour - 3600, hour}) {
      if (Status s = FeedHour(h); !s.ok()) spdlog::warn("demo feed: {}", s.ToString());
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
  }
}

}  // namespace callboard
