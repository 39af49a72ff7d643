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

#include <atomic>
#include <chrono>
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
#include "core/serial_worker.h"
#include "core/status.h"
#include "ingest/ami/pbx_control.h"
#include "ingest/ingest_observer.h"
#include "live/alert_rules.h"
#include "live/live_board.h"
#include "live/live_feed.h"
#include "live/live_message.h"
#include "live/live_store.h"
#include "org/org_types.h"

namespace callboard {

class CallLog;
class Database;
class OrgService;
class SourceLease;
class SourceLeases;

// What a status change asks for.
struct StatusChange {
  AgentState state = AgentState::kAvailable;  // available, paused or logged_out
  std::string reason;                         // pause reason name; required when paused
  std::string override_reason;                // required when changing another agent
};

// What a supervisor asks for to listen in on an agent's call.
struct MonitorChange {
  MonitorMode mode = MonitorMode::kListen;
  std::string supervisor_extension;  // the supervisor's phone, rung first
};

// What a supervisor asks for to move an agent into or out of a queue (agent allocation).
struct QueueMembershipChange {
  bool member = true;  // true: join the queue (QueueAdd); false: leave it (QueueRemove)
  int penalty = 0;     // queue penalty when joining, 0..1000 (lower is offered calls first)
};

struct LiveOptions {
  size_t history = 4096;                 // deltas kept for resuming clients
  std::chrono::milliseconds tick{1000};  // alert evaluation period
};

class LiveService final : public IngestObserver, public PbxRegistry, public LiveFeedReceiver {
 public:
  // One message may go to many subscribers: it is shared, not copied.
  using Deliver = std::function<void(const std::shared_ptr<const LiveMessage>& message)>;

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

  // Joins the other `serve` nodes on the same database: this node's changes go out on `feed`
  // and the other nodes' changes arrive from it; alerts are evaluated (and stored) only by
  // the node holding the "live-alerts" lease of `leases`, the others learn them from the
  // feed. Call before Start(); both must outlive the service.
  void JoinNodes(LiveFeed& feed, SourceLeases& leases);

  // Starts (stops) the thread that evaluates alerts every options.tick, and the feed.
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
  // The phone system is told after the change is stored (PbxControl::Pause for each of the
  // agent's PBX identities: paused → Paused true with the reason, available → Paused false,
  // logged_out → nothing, as queue membership is the PBX's configuration), in the background
  // and in order: a slow or silent PBX does not hold the request. A PBX that is not connected
  // or refuses is logged; the change stands either way.
  Status SetStatus(const Principal& p, int64_t agent_id, const StatusChange& change,
                   const AuditContext& ctx);

  // A supervisor listens to, whispers to or barges into agent `agent_id`'s call: the PBX
  // rings `supervisor_extension` and joins it to the agent's channel (its first PBX
  // identity). Needs monitor_calls and the agent in scope (kNotFound otherwise); audited as
  // agent.monitor. kUnavailable when the tenant has no connected PBX control;
  // kFailedPrecondition (the PBX's message) when the PBX refuses.
  Status Monitor(const Principal& p, int64_t agent_id, const MonitorChange& change,
                 const AuditContext& ctx);

  // A supervisor moves agent `agent_id` into or out of queue `queue_id` at the phone system
  // (QueueAdd / QueueRemove of the agent's first PBX identity). Needs override_agent_status
  // and the agent in scope (kNotFound otherwise, and for a queue of another tenant); audited
  // as agent.queue_add / agent.queue_remove. kUnavailable when the tenant has no connected PBX
  // control; kFailedPrecondition (the PBX's message) when the PBX refuses, e.g. "Already
  // there". The live board follows from the PBX's own member events.
  Status SetQueueMembership(const Principal& p, int64_t agent_id, int64_t queue_id,
                            const QueueMembershipChange& change, const AuditContext& ctx);

  // PbxRegistry: the running PBX links of each tenant (the first attached one is used).
  void Attach(int64_t tenant_id, PbxControl* control) override;
  void Detach(int64_t tenant_id, PbxControl* control) override;

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

  void OnCommitted(TenantScope scope, const CommittedBatch& batch) override;

  // LiveFeedReceiver: another node's change, applied to this node's board (nothing stored:
  // the other node did that); a gap reloads every board from the store.
  void OnFeedItem(int64_t tenant_id, std::string_view kind, std::string_view payload) override;
  void OnFeedGap() override;

 private:
  struct Tenant;
  struct Subscriber;
  class SubscriptionImpl;

  Result<std::shared_ptr<Tenant>> Loaded(TenantScope scope);
  Status Load(TenantScope scope, Tenant& t);
  Result<LiveView> ViewOf(const Principal& p);
  // The agent `agent_id` if `p` may see it; kNotFound otherwise.
  Result<Agent> VisibleAgent(const Principal& p, int64_t agent_id);
  // REQUIRES: t.mu held.
  std::string SnapshotLocked(Tenant& t, const LiveView& view, TimePoint now);
  void PublishLocked(Tenant& t, std::vector<LiveDelta> deltas);
  void EvaluateLocked(Tenant& t, TenantScope scope, TimePoint now);
  // Applies a committed batch to the board and publishes its deltas; the state intervals it
  // closed and the agents' new current states are appended when asked for.
  void ApplyBatchLocked(TenantScope scope, Tenant& t, const CommittedBatch& batch,
                        std::vector<StateInterval>* closed, std::vector<CurrentState>* current);
  // The loaded tenant `tenant_id`, or null: feed items for a tenant nobody here watches are
  // not needed (its board is read from the store when first used).
  std::shared_ptr<Tenant> LoadedOrNull(int64_t tenant_id);
  std::vector<std::pair<int64_t, std::shared_ptr<Tenant>>> AllTenants();
  void ApplyFeedItem(TenantScope scope, Tenant& t, std::string_view kind, std::string_view payload);
  // Takes or keeps the alert lease (several nodes); true while this node evaluates alerts.
  bool HoldsAlertLease();
  void Publish(TenantScope scope, std::string_view kind, std::string payload);
  void RefreshReasons(TenantScope scope);
  void LoadMissingAgents(TenantScope scope, Tenant& t, const CommittedBatch& batch);
  // Runs `use` with the tenant's PBX control, kept attached meanwhile; kUnavailable when
  // the tenant has none.
  Status WithPbx(int64_t tenant_id, const std::function<Status(PbxControl&)>& use);
  // kUnavailable when the tenant has no PBX control attached right now.
  Status PbxAttached(int64_t tenant_id);
  // The agent `agent_id` if `p` may see it and it has a PBX identity to act on.
  Result<Agent> VisiblePbxAgent(const Principal& p, int64_t agent_id, const char* action);

  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
  OrgService& org_;
  CallLog& calls_;
  const LiveOptions options_;

  struct PbxEntry {
    PbxControl* control = nullptr;
    int users = 0;  // calls running on it; Detach waits for none
  };
  std::mutex pbx_mu_;
  std::condition_variable pbx_idle_;
  std::map<int64_t, std::vector<PbxEntry>> pbx_;  // GUARDED_BY(pbx_mu_), by tenant

  std::mutex tenants_mu_;
  std::map<int64_t, std::shared_ptr<Tenant>> tenants_;

  LiveFeed* feed_ = nullptr;                  // set by JoinNodes
  SourceLeases* leases_ = nullptr;            // set by JoinNodes
  std::unique_ptr<SourceLease> alert_lease_;  // used by the tick thread only
  std::chrono::steady_clock::time_point next_lease_check_{};
  std::atomic<bool> evaluates_alerts_{true};

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;

  // Tells the PBX of stored status changes without holding the request that made them.
  // Last member: destroyed first, after the calls already given have run.
  SerialWorker pbx_calls_{1000};
};

// The pause reasons a tenant starts with: Lunch, Bathroom, Smoke, On Leave, Case Work,
// Training, Meeting.
std::vector<PauseReason> DefaultPauseReasons(TimePoint now);

boost::json::object PauseReasonJson(const PauseReason& r);
boost::json::object AlertJson(const Alert& a);
boost::json::object AlertRuleJson(const AlertRule& r);

}  // namespace callboard
