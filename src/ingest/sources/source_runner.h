#pragma once
// SourceRunner: runs every enabled source of every tenant inside `serve`, one thread each.
// It re-reads the configuration every `rescan` (and at once on Reload, which the API calls
// after a change): new sources start, changed ones restart, deleted or disabled ones stop.
// A source that fails is retried with backoff (1 s doubling to 60 s, with jitter; back to
// 1 s after a healthy run), and its status says why. Stop ends every source cleanly: each
// commits what it has read, with its checkpoint, before its thread ends.
//
// With several nodes on one database (options.leases set), a source runs only on the node
// that holds its lease (source_lease.h): the others show it as waiting and ask again every
// lease_retry, so that a dead owner's source is taken over within about that time plus the
// database noticing the lost session. The owner checks every lease_retry that it still holds
// the lease and stops the source (committing what it read) when it does not.
//
//   SourceRunner runner(db, clock, service, {});
//   runner.Start();
//   …  runner.StatusOf(tenant, id)  …
//   runner.Stop();  // before the database closes
//
// Thread-safety: every method is safe from any thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "core/clock.h"
#include "ingest/sources/source_feed.h"
#include "ingest/sources/source_status.h"

namespace callboard {

class Database;
class PbxRegistry;
class SourceLeases;
class SourceService;

struct SourceRunnerOptions {
  SourceTimings timings;
  std::chrono::milliseconds rescan{5000};
  IngestObserver* observer = nullptr;  // told about every committed batch (live views)
  PbxRegistry* pbx = nullptr;          // offered the PbxControl of each asterisk-ami source
  SourceLeases* leases = nullptr;      // several nodes: run a source only under its lease
  std::chrono::milliseconds lease_retry{3000};
};

class SourceRunner {
 public:
  SourceRunner(Database& db, const Clock& clock, SourceService& service,
               SourceRunnerOptions options = {});
  ~SourceRunner();  // Stop()
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;

  void Start();
  void Stop();
  // Re-reads the configuration now (asynchronously).
  void Reload();

  // The status of the source with configuration id `source_id`; state kStopped when it is
  // not running (disabled, or the runner is not started).
  SourceStatus StatusOf(int64_t tenant_id, int64_t source_id) const;

 private:
  struct Worker;
  using Key = std::pair<int64_t, int64_t>;  // tenant, source configuration id

  void Supervise();
  void Reconcile();

  Database& db_;
  const Clock& clock_;
  SourceService& service_;
  SourceRunnerOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;                            // GUARDED_BY(mutex_)
  bool stopping_ = false;                           // GUARDED_BY(mutex_)
  bool reload_ = false;                             // GUARDED_BY(mutex_)
  std::map<Key, std::unique_ptr<Worker>> workers_;  // GUARDED_BY(mutex_)
  std::thread supervisor_;
};

}  // namespace callboard
