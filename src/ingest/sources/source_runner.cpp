#include "ingest/sources/source_runner.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <exception>
#include <vector>

#include "ingest/sources/ami_source.h"
#include "ingest/sources/backoff.h"
#include "ingest/sources/file_tail.h"
#include "ingest/sources/source_lease.h"
#include "ingest/sources/source_service.h"
#include "ingest/sources/stop_signal.h"
#include "ingest/sources/threecx_tcp.h"

namespace callboard {

namespace {

Status RunOnce(const SourceContext& ctx) {
  try {
    switch (ctx.config.kind) {
      case SourceKind::kFileTail:
        return FileTail(ctx).Run();
      case SourceKind::k3cxTcpListen:
        return ThreeCxListener(ctx).Run();
      case SourceKind::k3cxTcpConnect:
        return ThreeCxClient(ctx).Run();
      case SourceKind::kAsteriskAmi:
        return AmiSource(ctx).Run();
    }
    return Status::Internal("unknown source kind");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected exception: ") + e.what());
  }
}

// Triggers `run_stop` when `stop` is triggered or the lease is lost (then `lost` is set);
// returns when either is done or `run_stop` is triggered by the caller.
void WatchLease(SourceLease& lease, const StopSignal& stop, StopSignal& run_stop,
                std::atomic<bool>& lost, std::chrono::milliseconds every) {
  pollfd fds[2] = {{stop.fd(), POLLIN, 0}, {run_stop.fd(), POLLIN, 0}};
  while (!run_stop.triggered()) {
    const int n = poll(fds, 2, static_cast<int>(every.count()));
    if (n < 0 && errno != EINTR) break;
    if (stop.triggered()) break;
    if (n == 0 && !lease.Held()) {
      lost = true;
      break;
    }
  }
  run_stop.Trigger();
}

}  // namespace

struct SourceRunner::Worker {
  int64_t tenant_id = 0;
  SourceConfig config;
  StopSignal stop;
  SourceStatusCell status;
  std::thread thread;

  // Runs the source until stopped, retrying failures with backoff; with leases, only while
  // holding the source's lease.
  void Loop(Database& db, const Clock& clock, const SourcePolicy& policy,
            const SourceRunnerOptions& options) {
    const SourceTimings& timings = options.timings;
    Backoff backoff(timings.backoff_initial, timings.backoff_max);
    while (!stop.triggered()) {
      std::unique_ptr<SourceLease> lease;
      if (options.leases != nullptr) {
        lease = AcquireLease(*options.leases, clock, options.lease_retry);
        if (!lease) continue;  // another node runs it: asked again after lease_retry
      }
      // This run ends when the worker stops or, with a lease, when the lease is lost.
      StopSignal run_stop;
      std::atomic<bool> lost{false};
      std::thread watch;
      if (lease) {
        watch = std::thread([&] { WatchLease(*lease, stop, run_stop, lost, options.lease_retry); });
      }
      const SourceContext ctx{db,
                              clock,
                              TenantScope(tenant_id),
                              config,
                              policy,
                              timings,
                              lease ? run_stop : stop,
                              status,
                              options.observer,
                              options.pbx};
      const auto started = std::chrono::steady_clock::now();
      const int64_t lines_before = status.Get().lines;
      Status s = RunOnce(ctx);
      if (watch.joinable()) {
        run_stop.Trigger();
        watch.join();
      }
      lease.reset();  // released before any wait, so that another node may take the source
      if (stop.triggered()) break;
      const TimePoint now = clock.Now();
      if (lost) {
        const std::string message =
            "this node lost the source's lease (its database session ended); another node "
            "may run it now";
        status.Update([&](SourceStatus& st) {
          if (st.state != SourceState::kWaiting) st.since = now;
          st.state = SourceState::kWaiting;
          st.last_error = message;
          st.last_error_at = now;
          st.detail = "asking for the lease again";
        });
        spdlog::warn("source {} (tenant {}): {}", config.name, tenant_id, message);
        stop.WaitFor(options.lease_retry);
        continue;
      }
      if (s.ok()) s = Status::Unavailable("the source ended");
      const bool healthy = status.Get().lines > lines_before ||
                           std::chrono::steady_clock::now() - started >= timings.healthy_after;
      if (healthy) backoff.Reset();
      const auto delay = backoff.Next();
      const std::string message = s.message();
      status.Update([&](SourceStatus& st) {
        const SourceState state = healthy ? SourceState::kWaiting : SourceState::kError;
        if (st.state != state) st.since = now;
        st.state = state;
        st.last_error = message;
        st.last_error_at = now;
        st.detail = "retrying in " + std::to_string((delay.count() + 999) / 1000) + " s";
        ++st.restarts;
      });
      spdlog::warn("source {} (tenant {}): {}; retrying in {} ms", config.name, tenant_id, message,
                   delay.count());
      stop.WaitFor(delay);
    }
    const TimePoint now = clock.Now();
    status.Update([&](SourceStatus& st) {
      st.state = SourceState::kStopped;
      st.since = now;
      st.detail.clear();
    });
  }

  // The source's lease, or null after showing why not and waiting `retry` (or a stop).
  std::unique_ptr<SourceLease> AcquireLease(SourceLeases& leases, const Clock& clock,
                                            std::chrono::milliseconds retry) {
    auto got =
        leases.TryAcquire("source:" + std::to_string(tenant_id) + ":" + std::to_string(config.id));
    if (got && *got) {
      spdlog::info("source {} (tenant {}): runs on this node (it holds the source's lease)",
                   config.name, tenant_id);
      return std::move(*got);
    }
    const TimePoint now = clock.Now();
    const std::string seconds = std::to_string((retry.count() + 999) / 1000);
    status.Update([&](SourceStatus& st) {
      if (st.state != SourceState::kWaiting) st.since = now;
      st.state = SourceState::kWaiting;
      if (got) {
        st.detail = "running on another node; asking again every " + seconds + " s";
      } else {
        st.detail = "asking again in " + seconds + " s";
        st.last_error = "cannot ask the database for the source's lease: " + got.error().message();
        st.last_error_at = now;
      }
    });
    stop.WaitFor(retry);
    return nullptr;
  }
};

SourceRunner::SourceRunner(Database& db, const Clock& clock, SourceService& service,
                           SourceRunnerOptions options)
    : db_(db), clock_(clock), service_(service), options_(options) {}

SourceRunner::~SourceRunner() { Stop(); }

void SourceRunner::Start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  supervisor_ = std::thread([this] { Supervise(); });
}

void SourceRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  std::map<Key, std::unique_ptr<Worker>> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& [key, w] : workers) w->stop.Trigger();  // all at once: they stop in parallel
  for (auto& [key, w] : workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void SourceRunner::Reload() {
  {
    std::lock_guard lock(mutex_);
    reload_ = true;
  }
  wake_.notify_all();
}

SourceStatus SourceRunner::StatusOf(int64_t tenant_id, int64_t source_id) const {
  std::lock_guard lock(mutex_);
  auto it = workers_.find({tenant_id, source_id});
  if (it == workers_.end()) return SourceStatus{};
  return it->second->status.Get();
}

void SourceRunner::Supervise() {
  for (;;) {
    Reconcile();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.rescan, [this] { return stopping_ || reload_; });
    if (stopping_) return;
    reload_ = false;
  }
}

void SourceRunner::Reconcile() {
  auto enabled = service_.ListEnabled();
  if (!enabled) {
    spdlog::error("sources: cannot read the configuration: {}", enabled.error().ToString());
    return;
  }
  std::map<Key, SourceConfig> desired;
  for (TenantSource& t : *enabled) desired[{t.tenant_id, t.config.id}] = std::move(t.config);

  // Changed and removed sources stop (and commit) before their successors start, as both
  // would write the same checkpoint.
  std::vector<std::unique_ptr<Worker>> retired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      auto want = desired.find(it->first);
      if (want == desired.end() || want->second.updated_at != it->second->config.updated_at) {
        retired.push_back(std::move(it->second));
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : retired) w->stop.Trigger();
  for (auto& w : retired) {
    if (w->thread.joinable()) w->thread.join();
  }

  std::lock_guard lock(mutex_);
  if (stopping_) return;
  for (auto& [key, config] : desired) {
    if (workers_.contains(key)) continue;
    auto w = std::make_unique<Worker>();
    w->tenant_id = key.first;
    w->config = std::move(config);
    Worker* raw = w.get();
    w->thread = std::thread([this, raw] { raw->Loop(db_, clock_, service_.policy(), options_); });
    workers_.emplace(key, std::move(w));
  }
}

}  // namespace callboard
