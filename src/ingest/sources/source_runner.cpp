#include "ingest/sources/source_runner.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <vector>

#include "ingest/sources/ami_source.h"
#include "ingest/sources/backoff.h"
#include "ingest/sources/file_tail.h"
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

}  // namespace

struct SourceRunner::Worker {
  int64_t tenant_id = 0;
  SourceConfig config;
  StopSignal stop;
  SourceStatusCell status;
  std::thread thread;

  // Runs the source until stopped, retrying failures with backoff.
  void Loop(Database& db, const Clock& clock, const SourcePolicy& policy,
            const SourceTimings& timings, IngestObserver* observer, PbxRegistry* pbx) {
    Backoff backoff(timings.backoff_initial, timings.backoff_max);
    const SourceContext ctx{
        db, clock, TenantScope(tenant_id), config, policy, timings, stop, status, observer, pbx};
    while (!stop.triggered()) {
      const auto started = std::chrono::steady_clock::now();
      const int64_t lines_before = status.Get().lines;
      Status s = RunOnce(ctx);
      if (stop.triggered()) break;
      if (s.ok()) s = Status::Unavailable("the source ended");
      const bool healthy = status.Get().lines > lines_before ||
                           std::chrono::steady_clock::now() - started >= timings.healthy_after;
      if (healthy) backoff.Reset();
      const auto delay = backoff.Next();
      const TimePoint now = clock.Now();
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
    w->thread = std::thread([this, raw] {
      raw->Loop(db_, clock_, service_.policy(), options_.timings, options_.observer, options_.pbx);
    });
    workers_.emplace(key, std::move(w));
  }
}

}  // namespace callboard
