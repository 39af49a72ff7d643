#pragma once
// DemoTraffic: keeps the demo tenant alive for `serve --demo` — 30 days of simulated
// history on first start, then live simulated queue_log traffic fed into the ingest
// pipeline as its events come due, so wallboards and reports keep moving.
// Thread-safety: Start/Stop from one thread; the feed runs on its own thread.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

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
  void Run();
  Status FeedHour(int64_t hour_start_s);

  App& app_;
  TenantScope tenant_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // GUARDED_BY(mutex_)
};

}  // namespace callboard
