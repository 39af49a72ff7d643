#include "kpi/auto_fcr.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>

#include "core/call_record.h"
#include "core/intervals.h"
#include "org/org_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// Lower-case placeholders of a withheld number (Asterisk, 3CX, FreeSWITCH and SIP trunks).
constexpr std::array<std::string_view, 6> kWithheldCallers = {
    "anonymous", "unknown", "restricted", "private", "withheld", "unavailable"};

// The counters one status change adds to each row of its call.
IntervalCounters FcrDelta(FcrAuto from, FcrAuto to) {
  IntervalCounters d;
  if (from == FcrAuto::kPending) {
    d.fcr_known = 1;
    d.fcr_yes = to == FcrAuto::kYes ? 1 : 0;
  } else if (from == FcrAuto::kYes && to == FcrAuto::kNo) {
    d.fcr_yes = -1;
  }
  return d;
}

// Whether rows[i+1, end) (its caller's later calls, in start order) hold another call than
// rows[i] that started after it and before its window ends.
bool ReachedAgain(const std::vector<FcrCall>& rows, size_t end, size_t i,
                  std::chrono::milliseconds window) {
  const FcrCall& c = rows[i];
  for (size_t j = i + 1; j < end; ++j) {
    const FcrCall& r = rows[j];
    if (r.started_at >= c.started_at + window) return false;
    if (r.started_at > c.started_at && r.pbx_call_id != c.pbx_call_id) return true;
  }
  return false;
}

// Decides pending calls with started_at <= cutoff, chunk by chunk until none is left.
Result<std::vector<FcrChange>> DecideUpTo(KpiStore& store, TenantScope scope, TimePoint cutoff,
                                          std::chrono::milliseconds window,
                                          std::vector<FcrChange> changes) {
  for (;;) {
    auto decided = store.DecideFcrPending(scope, cutoff, window);
    if (!decided) return decided.error();
    const size_t n = decided->size();
    changes.insert(changes.end(), decided->begin(), decided->end());
    if (n < static_cast<size_t>(kFcrDecideLimit)) return changes;
  }
}

}  // namespace

bool IsUsableCaller(std::string_view caller) {
  const size_t first = caller.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  caller = caller.substr(first, caller.find_last_not_of(' ') - first + 1);
  std::string lower(caller);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return std::find(kWithheldCallers.begin(), kWithheldCallers.end(), lower) ==
         kWithheldCallers.end();
}

bool IsAutoFcrEligible(const CallRecord& call) {
  return call.direction == CallDirection::kInbound && !call.fcr && IsHandled(call) &&
         IsUsableCaller(call.caller);
}

std::optional<bool> EffectiveFcr(const StoredCall& call) {
  if (call.call.fcr) return call.call.fcr;
  if (call.fcr_auto == FcrAuto::kYes) return true;
  if (call.fcr_auto == FcrAuto::kNo) return false;
  return std::nullopt;
}

void AddFcrChanges(std::span<const FcrChange> changes, AggregateSums& sums) {
  for (const FcrChange& c : changes) {
    if (!c.queue_id) continue;
    const IntervalCounters d = FcrDelta(c.from, c.to);
    const TimePoint bucket = BucketStart(c.started_at);
    Add(sums[{*c.queue_id, 0, bucket}], d);
    if (c.agent_id) Add(sums[{*c.queue_id, *c.agent_id, bucket}], d);
  }
}

Result<std::vector<FcrChange>> UpdateAutoFcr(KpiStore& store, TenantScope scope,
                                             std::span<const StoredCall> batch,
                                             const std::vector<bool>& inserted, TimePoint now,
                                             std::chrono::milliseconds window) {
  std::set<std::string> callers;
  std::optional<TimePoint> first;
  std::optional<TimePoint> last;
  bool any = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!inserted[i]) continue;
    any = true;
    const CallRecord& c = batch[i].call;
    if (c.direction != CallDirection::kInbound || !IsUsableCaller(c.caller)) continue;
    callers.insert(c.caller);
    if (!first || c.started_at < *first) first = c.started_at;
    if (!last || c.started_at > *last) last = c.started_at;
  }
  if (!any) return std::vector<FcrChange>{};
  // No stored call starts after the newest: in data that arrives in time order, the lookup
  // below then ends at the batch's last call instead of a window later.
  auto newest = store.NewestCallStart(scope);
  if (!newest) return newest.error();
  if (!*newest) return std::vector<FcrChange>{};
  std::vector<FcrChange> changes;
  if (!callers.empty()) {
    // Every call of these callers that a stored call may reach again, or be reached by.
    auto rows = store.ReadInboundCallsOfCallers(
        scope, std::vector<std::string>(callers.begin(), callers.end()), *first - window,
        std::min(*last + window, **newest + std::chrono::milliseconds(1)));
    if (!rows) return rows.error();
    std::vector<int64_t> repeated;
    for (size_t begin = 0; begin < rows->size();) {
      size_t end = begin + 1;
      while (end < rows->size() && (*rows)[end].caller == (*rows)[begin].caller) ++end;
      for (size_t i = begin; i < end; ++i) {
        const FcrAuto s = (*rows)[i].fcr_auto;
        if (s != FcrAuto::kPending && s != FcrAuto::kYes) continue;
        if (ReachedAgain(*rows, end, i, window)) repeated.push_back((*rows)[i].id);
      }
      begin = end;
    }
    if (!repeated.empty()) {
      auto marked = store.MarkFcrRepeated(scope, repeated);
      if (!marked) return marked.error();
      changes = std::move(*marked);
    }
  }
  // Data time: what the tenant's calls tell, never beyond the clock (a call dated in the
  // future must not close every open window).
  return DecideUpTo(store, scope, std::min(**newest, now) - window, window, std::move(changes));
}

Result<int64_t> DecideAutoFcr(KpiStore& store, TenantScope scope, TimePoint now,
                              std::chrono::milliseconds window) {
  auto changes = DecideUpTo(store, scope, now - window, window, {});
  if (!changes) return changes.error();
  if (changes->empty()) return int64_t{0};
  AggregateSums sums;
  AddFcrChanges(*changes, sums);
  std::vector<AggregateRow> rows;
  rows.reserve(sums.size());
  for (const auto& [key, counters] : sums) {
    const auto& [queue_id, agent_id, bucket] = key;
    rows.push_back({queue_id, agent_id, bucket, counters});
  }
  CB_RETURN_IF_ERROR(store.AddAggregates(scope, rows));
  return static_cast<int64_t>(changes->size());
}

AutoFcrSweep::AutoFcrSweep(Database& db, const Clock& clock, std::chrono::milliseconds period)
    : db_(db), clock_(clock), period_(period) {}

AutoFcrSweep::~AutoFcrSweep() { Stop(); }

Result<int64_t> AutoFcrSweep::RunOnce() {
  std::vector<Tenant> tenants;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto list = tx.Org().ListTenants();
    if (!list) return list.error();
    tenants = std::move(*list);
    return Status::Ok();
  }));
  int64_t decided = 0;
  for (const Tenant& t : tenants) {
    const TenantScope scope(t.id);
    int64_t n = 0;
    CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
      auto d = DecideAutoFcr(tx.Kpi(), scope, clock_.Now());
      if (!d) return d.error();
      n = *d;
      return Status::Ok();
    }));
    decided += n;
  }
  return decided;
}

void AutoFcrSweep::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      if (auto n = RunOnce(); !n) {
        spdlog::warn("automatic FCR sweep: {}", n.error().ToString());
      } else if (*n > 0) {
        spdlog::debug("automatic FCR sweep decided {} calls", *n);
      }
      lock.lock();
    }
  });
}

void AutoFcrSweep::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace callboard
