#pragma once
// LiveService: live operations (DESIGN §3.5, issue 4). Keeps a LiveBoard per tenant,
// follows every committed ingest batch (IngestObserver), takes status changes from people
// (an agent's own, a supervisor's audited override), raises and ends alerts, and pushes
// sequenced deltas to subscribers filtered by what each viewer may see.
//
//   LiveService live(db, clock, audit, org, calls);
//   Importer importer(db, clock, &live);  // ingest feeds the board
//   live.Start();                         // alert ticks
//   auto sub = live.Subscribe(principal, [&](std::string message) { socket.Send(message); });
//
// Messages (JSON text): {"type":"snapshot","seq":N,"agents":[…],"queues":[…],"alerts":[…]};
// then {"type":"deltas","seq":N,"items":[{"type":"agent|queue|alert","seq":n,…}]} where N is
// the last item's seq. Sequence numbers grow per tenant; a viewer sees gaps where items were
// not for them. A client applies a message only when its seq is greater than the last one it
// applied: after a resync snapshot, deltas it already contains may still arrive.
//
// Thread-safety: every method may be called from any thread. Deliver functions are called
// while the tenant's lock is held and must not block or call back into the service.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "auth/permission.h"
#include "core/clock.h"
#include "core/status.h"
#include "ingest/ingest_observer.h"
#include "live/alert_rules.h"
#include "live/live_board.h"
#include "live/live_store.h"

namespace callboard {

class CallLog;
class Database;
class OrgService;

// What a status change asks for.
struct StatusChange {
  AgentState state = AgentState::kAvailable;  // available, paused or logged_out
  std::string reason;                         // pause reason name; required when paused
  std::string override_reason;                // required when changing another agent
};

// Tells the phone system about a status change made in Callboard (e.g. AMI QueuePause), so a
// paused agent stops receiving calls. Implemented by PBX connections; may be absent.
class PbxStatusSink {
 public:
  virtual ~PbxStatusSink() = default;
  // `pbx_ids`: the agent's PBX identities (interfaces). Errors are reported, not fatal.
  virtual Status AgentStatusChanged(TenantScope scope, const std::vector<std::string>& pbx_ids,
                                    AgentState state, const std::string& reason) = 0;
};

struct LiveOptions {
  size_t history = 4096;                 // deltas kept for resuming clients
  std::chrono::milliseconds tick{1000};  // alert evaluation period
};

class LiveService final : public IngestObserver {
 public:
  using Deliver = std::function<void(const std::string& message)>;

  class Subscription {
   public:
    virtual ~Subscription() = default;
    // A fresh snapshot for this subscriber (e.g. after its queue overflowed); its later
    // deltas follow on from it.
    virtual std::string Snapshot() = 0;
  };

  LiveService(Database& db, const Clock& clock, const AuditLog& audit, OrgService& org,
              CallLog& calls, LiveOptions options = {});
  ~LiveService() override;
  LiveService(const LiveService&) = delete;
  LiveService& operator=(const LiveService&) = delete;

  // Starts (stops) the thread that evaluates alerts every options.tick.
  void Start();
  void Stop();
  // One alert evaluation of every loaded tenant now (the thread calls it; tests too).
  void Tick();

  // The snapshot `p` may see, as JSON text.
  Result<std::string> Snapshot(const Principal& p);
  // Subscribes `p`: delivers a snapshot — or, when `resume_after` is given and still in the
  // history, the missed deltas — then every later delta `p` may see.
  Result<std::unique_ptr<Subscription>> Subscribe(const Principal& p, Deliver deliver,
                                                  std::optional<int64_t> resume_after = {});

  // An agent's own status change, or a supervisor's override of another agent's (needs
  // override_agent_status and the agent in scope; override_reason required; audited).
  // Errors: kPermissionDenied, kNotFound, kInvalidArgument (state, unknown reason).
  Status SetStatus(const Principal& p, int64_t agent_id, const StatusChange& change,
                   const AuditContext& ctx);

  Result<std::vector<PauseReason>> ListPauseReasons(const Principal& p, bool include_inactive);
  Result<PauseReason> CreatePauseReason(const Principal& p, PauseReason reason,
                                        const AuditContext& ctx);
  Result<PauseReason> UpdatePauseReason(const Principal& p, PauseReason reason,
                                        const AuditContext& ctx);
  Status DeletePauseReason(const Principal& p, int64_t id, const AuditContext& ctx);

  // One rule per kind (defaults where the tenant has none).
  Result<std::vector<AlertRule>> ListAlertRules(const Principal& p);
  Status PutAlertRule(const Principal& p, const AlertRule& rule, const AuditContext& ctx);

  Result<Page<Alert>> ListAlerts(const Principal& p, bool open_only, const PageRequest& page);
  Result<Alert> AckAlert(const Principal& p, int64_t id, const AuditContext& ctx);

  void set_pbx(PbxStatusSink* pbx) { pbx_ = pbx; }

  void OnCommitted(TenantScope scope, const CommittedBatch& batch) override;

 private:
  struct Tenant;
  struct Subscriber;
  class SubscriptionImpl;

  Result<std::shared_ptr<Tenant>> Loaded(TenantScope scope);
  Status Load(TenantScope scope, Tenant& t);
  Result<LiveView> ViewOf(const Principal& p);
  // REQUIRES: t.mu held.
  std::string SnapshotLocked(Tenant& t, const LiveView& view, TimePoint now);
  void PublishLocked(Tenant& t, std::vector<LiveDelta> deltas);
  void EvaluateLocked(Tenant& t, TenantScope scope, TimePoint now);
  void RefreshReasons(TenantScope scope);
  void LoadMissingAgents(TenantScope scope, Tenant& t, const CommittedBatch& batch);

  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
  OrgService& org_;
  CallLog& calls_;
  const LiveOptions options_;
  PbxStatusSink* pbx_ = nullptr;

  std::mutex tenants_mu_;
  std::map<int64_t, std::shared_ptr<Tenant>> tenants_;

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// The pause reasons a tenant starts with: Lunch, Bathroom, Smoke, On Leave, Case Work,
// Training, Meeting.
std::vector<PauseReason> DefaultPauseReasons(TimePoint now);

boost::json::object PauseReasonJson(const PauseReason& r);
boost::json::object AlertJson(const Alert& a);
boost::json::object AlertRuleJson(const AlertRule& r);

}  // namespace callboard
