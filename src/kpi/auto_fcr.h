#pragma once
// Automatic first-contact resolution (DESIGN §3.4, docs/kpi-definitions.md "fcr_rate"): a
// handled inbound queued call whose fcr the source did not give is resolved when the same
// caller does not reach the same tenant again within the FCR window (kFcrWindow). Its status
// (StoredCall::fcr_auto) starts pending and is decided by the data: not resolved as soon as a
// later inbound call from the caller within the window is stored; resolved once the window
// has passed — by data time at each ingest batch (UpdateAutoFcr) and by wall-clock time in the
// periodic sweep of `serve` (AutoFcrSweep). Every decision adds its counters (fcr_known,
// fcr_yes) to the rows the call counts in, in the transaction that stores it, so a decision is
// counted exactly once however often data is replayed.
//
//   // In an ingest batch's transaction, after InsertCalls and before AddAggregates:
//   auto changes = UpdateAutoFcr(store, scope, batch, inserted, clock.Now());
//   if (!changes) return changes.error();
//   AddFcrChanges(*changes, sums);
//
// Thread-safety: the functions are stateless (they act through the caller's store);
// AutoFcrSweep runs one thread of its own, Start/Stop from one thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "core/clock.h"
#include "core/interval_counters.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "kpi/kpi_store.h"

namespace callboard {

class Database;
struct CallRecord;

// fcr_window_h of DESIGN §3.4 (default 72 h; not yet a per-tenant setting).
inline constexpr std::chrono::milliseconds kFcrWindow = std::chrono::hours(72);

// Whether `caller` identifies a caller: not empty (after spaces) and not one of the
// placeholders PBXs write for a withheld number — anonymous, unknown, restricted, private,
// withheld, unavailable — in any letter case.
bool IsUsableCaller(std::string_view caller);

// Whether a queued call gets an automatic FCR status: inbound, handled (answered and its talk
// ended, as CountCall counts handled), a usable caller and no fcr given by the source.
bool IsAutoFcrEligible(const CallRecord& call);

// The fcr a stored call counts with: the given one, else its decided automatic status; empty
// while pending or when neither applies.
std::optional<bool> EffectiveFcr(const StoredCall& call);

// Interval aggregate sums by (queue, agent (0 = queue total), bucket start).
using AggregateSums = std::map<std::tuple<int64_t, int64_t, TimePoint>, IntervalCounters>;

// Adds the counters of each decision into the rows its call counts in (its queue-entry bucket,
// the queue total and its agent): pending → yes: fcr_known and fcr_yes +1; pending → no:
// fcr_known +1; yes → no: fcr_yes −1. Changes of calls without a queue add nothing.
void AddFcrChanges(std::span<const FcrChange> changes, AggregateSums& sums);

// The automatic FCR decisions that the calls just stored bring: every eligible call (pending,
// or decided yes) from one of their callers that one of them reaches again — or that reaches
// an already stored call — becomes no; then pending calls whose window ended by data time
// (the newest start of the tenant's calls, at most `now`) are decided. The calls stored are
// those batch[i] with inserted[i] (InsertCalls' answer; their ids set). Nothing is done when
// none was stored. In the caller's transaction; returns the changes for AddFcrChanges.
// REQUIRES: inserted.size() == batch.size().
Result<std::vector<FcrChange>> UpdateAutoFcr(KpiStore& store, TenantScope scope,
                                             std::span<const StoredCall> batch,
                                             const std::vector<bool>& inserted, TimePoint now,
                                             std::chrono::milliseconds window = kFcrWindow);

// Decides the tenant's pending calls whose window ended by `now` and adds their counters to
// the aggregates, in the caller's transaction; returns how many were decided.
Result<int64_t> DecideAutoFcr(KpiStore& store, TenantScope scope, TimePoint now,
                              std::chrono::milliseconds window = kFcrWindow);

// The wall-clock sweep of `serve`: every `period`, DecideAutoFcr for every tenant, one write
// transaction per tenant (so a tenant whose data stopped arriving still sees its calls
// resolved). Idempotent: several nodes on one PostgreSQL database may run it at once.
class AutoFcrSweep {
 public:
  AutoFcrSweep(Database& db, const Clock& clock,
               std::chrono::milliseconds period = std::chrono::minutes(1));
  ~AutoFcrSweep();
  AutoFcrSweep(const AutoFcrSweep&) = delete;
  AutoFcrSweep& operator=(const AutoFcrSweep&) = delete;

  // One sweep of every tenant now; returns the number of calls decided.
  Result<int64_t> RunOnce();
  // Starts (stops and joins) the thread that runs RunOnce every period.
  void Start();
  void Stop();

 private:
  Database& db_;
  const Clock& clock_;
  const std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace callboard
