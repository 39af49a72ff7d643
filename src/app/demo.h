#pragma once
// DemoTraffic: keeps the demo tenant alive for `serve --demo` — 30 days of simulated
// history on first start, then live simulated queue_log traffic fed into the ingest
// pipeline as its events come due, so wallboards and reports keep moving. The feed wakes at
// each due second (queue_log times are whole seconds), so an event is ingested and pushed to
// live views within milliseconds of its own time.
// Thread-safety: Start/Stop from one thread; the feed runs on its own thread.

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

class App;

class DemoTraffic {
 public:
  DemoTraffic(App& app, TenantScope tenant) : app_(app), tenant_(tenant) {}
  ~DemoTraffic() { Stop(); }

  // Imports `days` of history ending at the current hour (once: a second call finds the
  // stream's checkpoint and adds nothing).
  Status Backfill(int days);
  // Starts the live feed thread.
  void Start();
  void Stop();

 private:
  // One hour of simulated queue_log, generated once.
  struct Hour {
    std::string text;
    std::vector<int64_t> times;  // each line's time (epoch s)
    std::vector<size_t> ends;    // offset just past each line
    size_t fed = 0;              // bytes given to the importer so far
  };

  void Run();
  Hour& HourAt(int64_t hour_start_s);
  // Imports the hour's lines due by `now_s`; returns the time of its next line, if any.
  Result<std::optional<int64_t>> FeedHour(int64_t hour_start_s, int64_t now_s);

  App& app_;
  TenantScope tenant_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;              // GUARDED_BY(mutex_)
  std::map<int64_t, Hour> hours_;  // feed thread only: the current and the previous hour
};

}  // namespace callboard
