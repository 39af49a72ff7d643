#include "live/live_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <regex>
#include <set>

#include "core/intervals.h"
#include "ingest/sources/source_lease.h"
#include "json/plain_json.h"
#include "kpi/agent_state_tracker.h"
#include "kpi/call_log.h"
#include "kpi/kpi_store.h"
#include "live/live_feed_codec.h"
#include "org/org_service.h"
#include "org/org_store.h"
#include "store/transaction.h"

namespace callboard {

namespace json = boost::json;

namespace {

Status NoPbx() {
  return Status::Unavailable("no phone system link (asterisk-ami source) runs for the tenant");
}

// A status change a person may ask for.
bool IsSettableState(AgentState s) {
  return s == AgentState::kAvailable || s == AgentState::kPaused || s == AgentState::kLoggedOut;
}

json::value OptionalTime(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::value(FormatRfc3339(*t));
}

// The local midnight that starts the day holding `now` in `zone`.
TimePoint DayStart(TimePoint now, const date::time_zone* zone) {
  return IntervalStartOf(BucketStart(now), ReportInterval::kDay, zone);
}

std::vector<AlertRule> WithDefaults(const std::vector<AlertRule>& stored) {
  std::vector<AlertRule> out = DefaultAlertRules();
  for (AlertRule& r : out) {
    for (const AlertRule& s : stored) {
      if (s.kind == r.kind) r = s;
    }
  }
  return out;
}

Status ValidateReason(const PauseReason& r) {
  std::vector<FieldError> errors;
  if (r.name.empty() || r.name.size() > 64) {
    errors.push_back({"name", "invalid", "1 to 64 characters"});
  }
  static const std::regex kColour("#[0-9a-fA-F]{6}");
  if (!std::regex_match(r.colour, kColour)) {
    errors.push_back({"colour", "invalid", "a colour like #1f77b4"});
  }
  if (r.max_minutes && (*r.max_minutes < 1 || *r.max_minutes > 24 * 60)) {
    errors.push_back({"max_minutes", "out_of_range", "1 to 1440 minutes, or null"});
  }
  if (errors.empty()) return Status::Ok();
  return Status::Invalid(std::move(errors));
}

std::string JsonText(const json::object& o) { return PlainJsonText(o); }

// Adds the agent state seconds of one closed interval, split over its 15-minute buckets.
Status AddStateSeconds(Transaction& tx, TenantScope scope, const StateInterval& closed) {
  AgentStateTracker tracker;
  AgentSecondsByBucket seconds;
  tracker.Apply(closed.agent_id, {closed.started_at, "", closed.state, closed.reason, ""}, seconds);
  tracker.Apply(closed.agent_id, {closed.ended_at, "", AgentState::kLoggedOut, "", ""}, seconds);
  for (const auto& [key, s] : seconds) {
    CB_RETURN_IF_ERROR(tx.Kpi().AddAgentState(scope, {key.first, key.second, s}));
  }
  return Status::Ok();
}

}  // namespace

std::vector<PauseReason> DefaultPauseReasons(TimePoint now) {
  struct Default {
    const char* name;
    const char* colour;
    bool productive;
    std::optional<int> max_minutes;
  };
  static const Default kDefaults[] = {
      {"Lunch", "#2f7ed8", false, 60},    {"Bathroom", "#8bbc21", false, 10},
      {"Smoke", "#910000", false, 15},    {"On Leave", "#492970", false, std::nullopt},
      {"Case Work", "#0d7a5f", true, 30}, {"Training", "#1aadce", true, std::nullopt},
      {"Meeting", "#c46500", true, 90},
  };
  std::vector<PauseReason> out;
  for (const Default& d : kDefaults) {
    PauseReason r;
    r.name = d.name;
    r.colour = d.colour;
    r.productive = d.productive;
    r.max_minutes = d.max_minutes;
    r.created_at = now;
    r.updated_at = now;
    out.push_back(std::move(r));
  }
  return out;
}

json::object PauseReasonJson(const PauseReason& r) {
  json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  o["colour"] = r.colour;
  o["productive"] = r.productive;
  o["max_minutes"] = r.max_minutes ? json::value(*r.max_minutes) : json::value(nullptr);
  o["active"] = r.active;
  o["created_at"] = FormatRfc3339(r.created_at);
  o["updated_at"] = FormatRfc3339(r.updated_at);
  return o;
}

json::object AlertJson(const Alert& a) {
  json::object o;
  o["id"] = a.id;
  o["kind"] = AlertKindName(a.kind);
  o["severity"] = a.severity;
  o["subject"] = {{"type", a.subject_type}, {"id", a.subject_id}, {"name", a.subject_name}};
  o["detail"] = a.detail;
  o["started_at"] = FormatRfc3339(a.started_at);
  o["ended_at"] = OptionalTime(a.ended_at);
  o["acked_at"] = OptionalTime(a.acked_at);
  o["acked_by"] = a.acked_by;
  return o;
}

json::object AlertRuleJson(const AlertRule& r) {
  json::object o;
  o["kind"] = AlertKindName(r.kind);
  o["enabled"] = r.enabled;
  o["threshold_s"] = r.threshold_s;
  o["severity"] = r.severity;
  return o;
}

namespace {

// An alert as a delta; an agent's alert is seen by those who see the agent.
LiveDelta AlertDelta(const Alert& a) {
  LiveDelta d;
  d.type = "alert";
  if (a.subject_type == "agent") d.agent_id = a.subject_id;
  d.full["alert"] = AlertJson(a);
  d.restricted = d.full;
  return d;
}

Status ReadOpenAlerts(Transaction& tx, TenantScope scope, std::vector<Alert>& out) {
  PageRequest page{.limit = kMaxPageLimit};
  for (;;) {
    auto list = tx.Live().ListAlerts(scope, /*open_only=*/true, page);
    if (!list) return list.error();
    for (Alert& a : list->items) out.push_back(std::move(a));
    if (!list->next_after) return Status::Ok();
    page.after_id = list->next_after;
  }
}

// How often a node asks whether it (still) holds the alert lease.
constexpr std::chrono::seconds kLeaseCheckPeriod{3};

}  // namespace

struct LiveService::Subscriber {
  LiveView view;
  Deliver deliver;
};

struct LiveService::Tenant {
  std::mutex mu;
  bool loaded = false;
  const date::time_zone* zone = nullptr;
  LiveBoard board;
  int64_t seq = 0;
  std::deque<LiveDelta> history;
  std::vector<AlertRule> rules;
  std::vector<PauseReason> reasons;
  // Open alerts by condition key.
  std::map<std::tuple<AlertKind, std::string, int64_t>, Alert> open;
  std::vector<Subscriber*> subscribers;
};

class LiveService::SubscriptionImpl final : public Subscription {
 public:
  SubscriptionImpl(LiveService& service, std::shared_ptr<Tenant> tenant, LiveView view,
                   Deliver deliver)
      : service_(service),
        tenant_(std::move(tenant)),
        subscriber_{std::move(view), std::move(deliver)} {}
  ~SubscriptionImpl() override {
    std::lock_guard lock(tenant_->mu);
    std::erase(tenant_->subscribers, &subscriber_);
  }
  std::string Snapshot() override {
    std::lock_guard lock(tenant_->mu);
    return service_.SnapshotLocked(*tenant_, subscriber_.view, service_.clock_.Now());
  }
  Subscriber& subscriber() { return subscriber_; }

 private:
  LiveService& service_;
  std::shared_ptr<Tenant> tenant_;
  Subscriber subscriber_;
};

LiveService::LiveService(Database& db, const Clock& clock, const AuditLog& audit, OrgService& org,
                         CallLog& calls, LiveOptions options)
    : db_(db), clock_(clock), audit_(audit), org_(org), calls_(calls), options_(options) {}

LiveService::~LiveService() { Stop(); }

void LiveService::JoinNodes(LiveFeed& feed, SourceLeases& leases) {
  feed_ = &feed;
  leases_ = &leases;
  evaluates_alerts_ = false;  // until the tick takes the lease
}

void LiveService::Start() {
  std::lock_guard lock(run_mu_);
  if (thread_.joinable()) return;
  if (feed_ != nullptr) feed_->Start(*this);
  stop_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(run_mu_);
    while (!wake_.wait_for(lock, options_.tick, [this] { return stop_; })) {
      lock.unlock();
      Tick();
      lock.lock();
    }
  });
}

void LiveService::Stop() {
  {
    std::lock_guard lock(run_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (feed_ != nullptr) feed_->Stop();
  alert_lease_.reset();
}

Result<std::shared_ptr<LiveService::Tenant>> LiveService::Loaded(TenantScope scope) {
  std::shared_ptr<Tenant> t;
  {
    std::lock_guard lock(tenants_mu_);
    auto& slot = tenants_[scope.tenant_id()];
    if (!slot) slot = std::make_shared<Tenant>();
    t = slot;
  }
  std::lock_guard lock(t->mu);
  if (!t->loaded) {
    CB_RETURN_IF_ERROR(Load(scope, *t));
    t->loaded = true;
  }
  return t;
}

// Reads what the board starts from: agents, queues, current states, today's counters,
// pause reasons (created with the defaults on first use), alert rules and open alerts.
Status LiveService::Load(TenantScope scope, Tenant& t) {
  const TimePoint now = clock_.Now();
  std::string zone_name = "UTC";
  std::vector<Agent> agents;
  std::vector<QueueConfig> queues;
  std::vector<CurrentState> states;
  std::vector<AggregateRow> queue_rows;
  std::vector<AggregateRow> agent_rows;
  std::vector<AlertRule> rules;
  std::vector<Alert> open;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    agents.clear();
    open.clear();
    auto sites = tx.Org().ListSites(scope, PageRequest{.limit = 1});
    if (!sites) return sites.error();
    if (!sites->items.empty() && !sites->items.front().time_zone.empty()) {
      zone_name = sites->items.front().time_zone;
    }
    PageRequest page{.limit = kMaxPageLimit};
    for (;;) {
      auto list = tx.Org().ListAgents(scope, OrgFilter{}, page);
      if (!list) return list.error();
      for (Agent& a : list->items) agents.push_back(std::move(a));
      if (!list->next_after) break;
      page.after_id = list->next_after;
    }
    auto q = tx.Kpi().ListQueues(scope);
    if (!q) return q.error();
    queues = std::move(*q);
    auto s = tx.Live().ListCurrentStates(scope);
    if (!s) return s.error();
    states = std::move(*s);
    auto r = tx.Live().ListAlertRules(scope);
    if (!r) return r.error();
    rules = std::move(*r);
    auto reasons = tx.Live().ListPauseReasons(scope, /*include_inactive=*/true);
    if (!reasons) return reasons.error();
    if (reasons->empty()) {
      for (PauseReason& d : DefaultPauseReasons(now)) {
        CB_RETURN_IF_ERROR(tx.Live().InsertPauseReason(scope, d));
        reasons->push_back(std::move(d));
      }
    }
    t.reasons = std::move(*reasons);
    return ReadOpenAlerts(tx, scope, open);
  }));
  auto zone = LocateTimeZone(zone_name);
  if (!zone) zone = LocateTimeZone("UTC");
  t.zone = *zone;
  t.board.StartDay(DayStart(now, t.zone));
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto qr = tx.Kpi().ReadAggregates(scope, t.board.day_start(), now + std::chrono::minutes(15),
                                      /*agent_rows=*/false);
    if (!qr) return qr.error();
    queue_rows = std::move(*qr);
    auto ar = tx.Kpi().ReadAggregates(scope, t.board.day_start(), now + std::chrono::minutes(15),
                                      /*agent_rows=*/true);
    if (!ar) return ar.error();
    agent_rows = std::move(*ar);
    return Status::Ok();
  }));
  for (const Agent& a : agents) t.board.PutAgent(a.id, a.name, a.team_id);
  for (const QueueConfig& q : queues) t.board.PutQueue(q.id, q.name, q.settings, q.target_sl);
  for (const CurrentState& s : states) t.board.RestoreState(s.agent_id, s.state, s.reason, s.since);
  for (const AggregateRow& r : queue_rows) {
    if (r.agent_id == 0) t.board.RestoreToday(r.queue_id, std::nullopt, r.bucket, r.counters);
  }
  for (const AggregateRow& r : agent_rows) {
    if (r.agent_id != 0) t.board.RestoreToday(std::nullopt, r.agent_id, r.bucket, r.counters);
  }
  t.rules = WithDefaults(rules);
  t.open.clear();
  for (Alert& a : open) {
    t.open[std::tuple(a.kind, a.subject_type, a.subject_id)] = std::move(a);
  }
  return Status::Ok();
}

Result<LiveView> LiveService::ViewOf(const Principal& p) {
  LiveView view;
  std::optional<std::vector<int64_t>> visible;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto v = calls_.VisibleAgents(tx, p);
    if (!v) return v.error();
    visible = std::move(*v);
    return Status::Ok();
  }));
  if (visible) view.agents.emplace(visible->begin(), visible->end());
  // Callers' numbers are for those who run the floor; an agent sees queue totals.
  view.caller_details = Can(p, Permission::kViewWallboard);
  return view;
}

std::string LiveService::SnapshotLocked(Tenant& t, const LiveView& view, TimePoint now) {
  json::object o = t.board.Snapshot(view, now, t.seq);
  json::array alerts;
  for (const auto& [key, a] : t.open) {
    if (a.subject_type == "agent" && !view.SeesAgent(a.subject_id)) continue;
    if (!view.caller_details) continue;  // alerts are for supervisors and up
    alerts.push_back(AlertJson(a));
  }
  o["alerts"] = std::move(alerts);
  return JsonText(o);
}

Result<std::string> LiveService::Snapshot(const Principal& p) {
  auto view = ViewOf(p);
  if (!view) return view.error();
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  std::lock_guard lock((*t)->mu);
  return SnapshotLocked(**t, *view, clock_.Now());
}

namespace {

// The deltas of `items` a viewer may see, as one message; empty when none.
std::string DeltasMessage(const LiveView& view, const std::deque<LiveDelta>& items,
                          int64_t after_seq) {
  std::string body;
  int64_t last = 0;
  for (const LiveDelta& d : items) {
    if (d.seq <= after_seq) continue;
    if (d.agent_id && !view.SeesAgent(*d.agent_id)) continue;
    if (d.type == "alert" && !view.caller_details) continue;
    json::object item = view.caller_details ? d.full : d.restricted;
    item["type"] = d.type;
    item["seq"] = d.seq;
    if (!body.empty()) body += ',';
    body += PlainJsonText(item);
    last = d.seq;
  }
  if (body.empty()) return body;
  return "{\"type\":\"deltas\",\"seq\":" + std::to_string(last) + ",\"items\":[" + body + "]}";
}

}  // namespace

Result<std::unique_ptr<LiveService::Subscription>> LiveService::Subscribe(
    const Principal& p, Deliver deliver, std::optional<int64_t> resume_after) {
  auto view = ViewOf(p);
  if (!view) return view.error();
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  auto sub = std::make_unique<SubscriptionImpl>(*this, *t, std::move(*view), std::move(deliver));
  Tenant& tenant = **t;
  std::lock_guard lock(tenant.mu);
  const int64_t oldest = tenant.history.empty() ? tenant.seq + 1 : tenant.history.front().seq;
  Subscriber& s = sub->subscriber();
  if (resume_after && *resume_after <= tenant.seq && *resume_after >= oldest - 1) {
    std::string missed = DeltasMessage(s.view, tenant.history, *resume_after);
    if (!missed.empty()) s.deliver(std::make_shared<const LiveMessage>(std::move(missed)));
  } else {
    s.deliver(std::make_shared<const LiveMessage>(SnapshotLocked(tenant, s.view, clock_.Now())));
  }
  tenant.subscribers.push_back(&s);
  return std::unique_ptr<Subscription>(std::move(sub));
}

void LiveService::PublishLocked(Tenant& t, std::vector<LiveDelta> deltas) {
  if (deltas.empty()) return;
  std::deque<LiveDelta> batch;
  const int64_t before = t.seq;
  for (LiveDelta& d : deltas) {
    d.seq = ++t.seq;
    t.history.push_back(d);
    batch.push_back(std::move(d));
  }
  while (t.history.size() > options_.history) t.history.pop_front();
  // Viewers with the same view get the same text: built once per distinct view, shared.
  std::vector<std::pair<const LiveView*, std::shared_ptr<const LiveMessage>>> built;
  for (Subscriber* s : t.subscribers) {
    const std::shared_ptr<const LiveMessage>* message = nullptr;
    for (auto& [view, text] : built) {
      if (view->caller_details == s->view.caller_details && view->agents == s->view.agents) {
        message = &text;
        break;
      }
    }
    if (message == nullptr) {
      built.emplace_back(
          &s->view, std::make_shared<const LiveMessage>(DeltasMessage(s->view, batch, before)));
      message = &built.back().second;
    }
    if (!(*message)->text()->empty()) s->deliver(*message);
  }
}

void LiveService::LoadMissingAgents(TenantScope scope, Tenant& t, const CommittedBatch& batch) {
  std::set<int64_t> missing;
  auto note = [&](std::optional<int64_t> id) {
    if (id && t.board.agent(*id) == nullptr) missing.insert(*id);
  };
  for (const CommittedState& s : batch.states) note(s.agent_id);
  for (const CommittedEvent& e : batch.events) note(e.agent_id);
  for (const CommittedCall& c : batch.calls) note(c.agent_id);
  if (missing.empty()) return;
  Status s = db_.Read([&](Transaction& tx) -> Status {
    for (int64_t id : missing) {
      auto a = tx.Org().GetAgent(scope, id);
      if (a) t.board.PutAgent(a->id, a->name, a->team_id);
    }
    return Status::Ok();
  });
  if (!s.ok()) spdlog::warn("live: agent names unavailable: {}", s.ToString());
}

void LiveService::ApplyBatchLocked(TenantScope scope, Tenant& t, const CommittedBatch& batch,
                                   std::vector<StateInterval>* closed,
                                   std::vector<CurrentState>* current) {
  LoadMissingAgents(scope, t, batch);
  for (const CommittedCall& c : batch.calls) {
    if (c.queue_id && t.board.queue(*c.queue_id) == nullptr) {
      t.board.PutQueue(*c.queue_id, c.call.queue, c.settings, std::nullopt);
    }
  }
  std::vector<LiveDelta> deltas;
  std::vector<StateInterval> ignored;
  t.board.Apply(batch, clock_.Now(), deltas, closed != nullptr ? *closed : ignored);
  if (current != nullptr) {
    std::set<int64_t> changed;
    for (const LiveDelta& d : deltas) {
      if (d.agent_id) changed.insert(*d.agent_id);
    }
    for (int64_t id : changed) {
      const LiveAgent* a = t.board.agent(id);
      current->push_back({id, a->state, a->reason, a->since, StateOrigin::kPbx});
    }
  }
  PublishLocked(t, std::move(deltas));
}

void LiveService::OnCommitted(TenantScope scope, const CommittedBatch& batch) {
  auto t = Loaded(scope);
  if (!t) {
    spdlog::warn("live: tenant {} not loaded: {}", scope.tenant_id(), t.error().ToString());
    return;
  }
  Tenant& tenant = **t;
  std::vector<StateInterval> closed;
  std::vector<CurrentState> current;
  {
    std::lock_guard lock(tenant.mu);
    ApplyBatchLocked(scope, tenant, batch, &closed, &current);
  }
  if (feed_ != nullptr) Publish(scope, kFeedBatch, EncodeCommittedBatch(batch));
  if (closed.empty() && current.empty()) return;
  Status s = db_.Write([&](Transaction& tx) -> Status {
    for (const StateInterval& i : closed)
      CB_RETURN_IF_ERROR(tx.Live().InsertStateInterval(scope, i));
    for (const CurrentState& c : current) CB_RETURN_IF_ERROR(tx.Live().PutCurrentState(scope, c));
    return Status::Ok();
  });
  if (!s.ok()) spdlog::warn("live: state log not stored: {}", s.ToString());
}

void LiveService::Publish(TenantScope scope, std::string_view kind, std::string payload) {
  if (feed_ != nullptr) feed_->Publish(scope, kind, std::move(payload));
}

std::shared_ptr<LiveService::Tenant> LiveService::LoadedOrNull(int64_t tenant_id) {
  std::lock_guard lock(tenants_mu_);
  auto it = tenants_.find(tenant_id);
  return it == tenants_.end() ? nullptr : it->second;
}

std::vector<std::pair<int64_t, std::shared_ptr<LiveService::Tenant>>> LiveService::AllTenants() {
  std::lock_guard lock(tenants_mu_);
  return {tenants_.begin(), tenants_.end()};
}

void LiveService::OnFeedItem(int64_t tenant_id, std::string_view kind, std::string_view payload) {
  std::shared_ptr<Tenant> t = LoadedOrNull(tenant_id);
  if (!t) return;
  const TenantScope scope(tenant_id);
  if (kind == kFeedConfig) {
    RefreshReasons(scope);
    std::vector<AlertRule> rules;
    Status s = db_.Read([&](Transaction& tx) -> Status {
      auto r = tx.Live().ListAlertRules(scope);
      if (!r) return r.error();
      rules = std::move(*r);
      return Status::Ok();
    });
    if (!s.ok()) spdlog::warn("live: alert rules not read: {}", s.ToString());
    std::lock_guard lock(t->mu);
    if (s.ok()) t->rules = WithDefaults(rules);
    return;
  }
  std::vector<Alert> alerts;
  if (kind == kFeedAlerts) {  // read outside the tenant's lock
    auto ids = DecodeAlertIds(payload);
    if (!ids) {
      spdlog::warn("live: feed item not applied: {}", ids.error().ToString());
      return;
    }
    Status s = db_.Read([&](Transaction& tx) -> Status {
      for (int64_t id : *ids) {
        auto a = tx.Live().GetAlert(scope, id);
        if (!a) return a.error();
        alerts.push_back(std::move(*a));
      }
      return Status::Ok();
    });
    if (!s.ok()) {
      spdlog::warn("live: alerts of another node not read: {}", s.ToString());
      return;
    }
  }
  std::lock_guard lock(t->mu);
  if (!t->loaded) return;
  if (kind == kFeedAlerts) {
    std::vector<LiveDelta> deltas;
    for (Alert& a : alerts) {
      deltas.push_back(AlertDelta(a));
      auto key = std::tuple(a.kind, a.subject_type, a.subject_id);
      if (a.ended_at) {
        t->open.erase(key);
      } else {
        t->open[key] = std::move(a);
      }
    }
    PublishLocked(*t, std::move(deltas));
  } else if (kind == kFeedBatch) {
    auto batch = DecodeCommittedBatch(payload);
    if (!batch) {
      spdlog::warn("live: feed item not applied: {}", batch.error().ToString());
      return;
    }
    ApplyBatchLocked(scope, *t, *batch, nullptr, nullptr);
  } else if (kind == kFeedStatus) {
    auto item = DecodeStatusItem(payload);
    if (!item) {
      spdlog::warn("live: feed item not applied: {}", item.error().ToString());
      return;
    }
    CommittedBatch named;  // loads the agent's name when this board has not seen it yet
    named.states.push_back({item->agent_id, std::nullopt, {}});
    LoadMissingAgents(scope, *t, named);
    std::vector<LiveDelta> deltas;
    t->board.SetState(item->agent_id, item->state, item->reason, item->at, deltas);
    PublishLocked(*t, std::move(deltas));
    EvaluateLocked(*t, scope, clock_.Now());
  }
}

void LiveService::OnFeedGap() {
  const TimePoint now = clock_.Now();
  for (auto& [id, t] : AllTenants()) {
    std::lock_guard lock(t->mu);
    if (!t->loaded) continue;
    t->board = LiveBoard();
    if (Status s = Load(TenantScope(id), *t); !s.ok()) {
      spdlog::warn("live: tenant {} not reloaded: {}", id, s.ToString());
      t->loaded = false;  // read again on next use
    }
    for (Subscriber* s : t->subscribers) {
      s->deliver(std::make_shared<const LiveMessage>(SnapshotLocked(*t, s->view, now)));
    }
  }
}

Result<Agent> LiveService::VisibleAgent(const Principal& p, int64_t agent_id) {
  std::optional<Agent> agent;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto visible = calls_.VisibleAgents(tx, p);
    if (!visible) return visible.error();
    if (*visible &&
        std::find((*visible)->begin(), (*visible)->end(), agent_id) == (*visible)->end()) {
      return Status::NotFound("agent not found");
    }
    auto a = tx.Org().GetAgent(p.tenant(), agent_id);
    if (!a) return a.error();
    agent = std::move(*a);
    return Status::Ok();
  }));
  return std::move(*agent);
}

Status LiveService::SetStatus(const Principal& p, int64_t agent_id, const StatusChange& change,
                              const AuditContext& ctx) {
  const bool own = p.agent_id && *p.agent_id == agent_id;
  if (own && !Can(p, Permission::kSetOwnStatus)) {
    return Status::Denied("setting your status needs set_own_status");
  }
  if (!own && !Can(p, Permission::kOverrideAgentStatus)) {
    return Status::Denied("changing another agent's status needs override_agent_status");
  }
  std::vector<FieldError> errors;
  if (!IsSettableState(change.state)) {
    errors.push_back({"state", "invalid", "one of available, paused, logged_out"});
  }
  if (!own && change.override_reason.empty()) {
    errors.push_back({"override_reason", "required", "say why you change this agent's status"});
  }
  if (change.override_reason.size() > 500) {
    errors.push_back({"override_reason", "too_long", "at most 500 characters"});
  }
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  Tenant& tenant = **t;
  if (change.state == AgentState::kPaused) {
    std::lock_guard lock(tenant.mu);
    const bool known =
        std::any_of(tenant.reasons.begin(), tenant.reasons.end(),
                    [&](const PauseReason& r) { return r.active && r.name == change.reason; });
    if (!known) errors.push_back({"reason", "unknown", "one of the tenant's pause reasons"});
  } else if (!change.reason.empty()) {
    errors.push_back({"reason", "not_allowed", "a reason goes with the paused state only"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));

  const TimePoint now = clock_.Now();
  const StateOrigin origin = own ? StateOrigin::kAgent : StateOrigin::kOverride;
  auto agent = VisibleAgent(p, agent_id);
  if (!agent) return agent.error();
  LiveAgent before;
  {
    std::lock_guard lock(tenant.mu);
    tenant.board.PutAgent(agent->id, agent->name, agent->team_id);
    before = *tenant.board.agent(agent_id);
  }
  const std::string reason = change.state == AgentState::kPaused ? change.reason : "";
  // The writer never waits for a tenant's lock: the board is updated after the commit.
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    json::object before_json = {{"state", AgentStateName(before.state)}, {"reason", before.reason}};
    if (before.since != TimePoint{} && now > before.since) {
      StateInterval closed{0,   agent_id, before.state, before.reason, before.since,
                           now, origin,   p.actor()};
      CB_RETURN_IF_ERROR(tx.Live().InsertStateInterval(p.tenant(), closed));
      // An agent without PBX identities has its states only from people: the closed interval
      // feeds the agent state seconds here. (With a PBX, the PBX's own state events do,
      // through ingest; counting both would count a pause twice.)
      if (agent->pbx_ids.empty()) {
        CB_RETURN_IF_ERROR(AddStateSeconds(tx, p.tenant(), closed));
      }
    }
    CB_RETURN_IF_ERROR(
        tx.Live().PutCurrentState(p.tenant(), {agent_id, change.state, reason, now, origin}));
    json::object after_json = {{"state", AgentStateName(change.state)}, {"reason", reason}};
    if (!own) after_json["override_reason"] = change.override_reason;
    return audit_.Record(tx, p.tenant(), ctx,
                         {own ? "agent.status" : "agent.status_override", "agent", agent_id,
                          JsonText(before_json), JsonText(after_json)});
  }));
  {
    std::lock_guard lock(tenant.mu);
    std::vector<LiveDelta> deltas;
    tenant.board.SetState(agent_id, change.state, reason, now, deltas);
    PublishLocked(tenant, std::move(deltas));
    EvaluateLocked(tenant, p.tenant(), now);
  }
  Publish(p.tenant(), kFeedStatus, EncodeStatusItem({agent_id, change.state, reason, now}));
  // After the commit, outside the tenant's lock and off the request: the PBX may take
  // seconds to answer.
  if (change.state == AgentState::kPaused || change.state == AgentState::kAvailable) {
    const bool paused = change.state == AgentState::kPaused;
    const int64_t tenant_id = p.tenant_id;
    const bool queued =
        pbx_calls_.Post([this, tenant_id, agent_id, paused, reason, interfaces = agent->pbx_ids] {
          for (const std::string& interface : interfaces) {
            Status s = WithPbx(tenant_id, [&](PbxControl& pbx) {
              return pbx.Pause({.interface = interface, .paused = paused, .reason = reason});
            });
            if (!s.ok()) {
              spdlog::warn("live: the phone system was not told that agent {} ({}) is {}: {}",
                           agent_id, interface, paused ? "paused" : "available", s.ToString());
            }
          }
        });
    if (!queued) {
      spdlog::warn("live: the phone system was not told that agent {} is {}: too many waiting",
                   agent_id, paused ? "paused" : "available");
    }
  }
  return Status::Ok();
}

Status LiveService::Monitor(const Principal& p, int64_t agent_id, const MonitorChange& change,
                            const AuditContext& ctx) {
  if (!Can(p, Permission::kMonitorCalls)) {
    return Status::Denied("listening in on calls needs monitor_calls");
  }
  const std::string& ext = change.supervisor_extension;
  if (ext.empty() || ext.size() > 40 ||
      ext.find_first_not_of(
          "0123456789*#+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.") !=
          std::string::npos) {
    return Status::Invalid({{"supervisor_extension", "invalid",
                             "the supervisor's extension: 1 to 40 letters, digits, *, #, +, _, "
                             "- or ."}});
  }
  auto agent = VisiblePbxAgent(p, agent_id, "monitor");
  if (!agent) return agent.error();
  // The attempt is audited before the PBX is asked: listening in is what must be on record.
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    json::object after = {{"mode", MonitorModeName(change.mode)},
                          {"supervisor_extension", ext},
                          {"agent_channel", agent->pbx_ids.front()}};
    return audit_.Record(tx, p.tenant(), ctx,
                         {"agent.monitor", "agent", agent_id, "", JsonText(after)});
  }));
  return WithPbx(p.tenant_id, [&](PbxControl& pbx) {
    return pbx.Monitor({.supervisor_extension = ext,
                        .agent_channel = agent->pbx_ids.front(),
                        .mode = change.mode});
  });
}

Status LiveService::SetQueueMembership(const Principal& p, int64_t agent_id, int64_t queue_id,
                                       const QueueMembershipChange& change,
                                       const AuditContext& ctx) {
  if (!Can(p, Permission::kOverrideAgentStatus)) {
    return Status::Denied("moving agents between queues needs override_agent_status");
  }
  if (change.member && (change.penalty < 0 || change.penalty > 1000)) {
    return Status::Invalid({{"penalty", "out_of_range", "0 to 1000"}});
  }
  auto agent = VisiblePbxAgent(p, agent_id, "move between queues");
  if (!agent) return agent.error();
  std::optional<QueueConfig> queue;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto q = tx.Kpi().GetQueue(p.tenant(), queue_id);
    if (!q) return q.error();
    queue = std::move(*q);
    return Status::Ok();
  }));
  const std::string& interface = agent->pbx_ids.front();
  // Audited before the PBX is asked, like monitoring: the attempt is what must be on record.
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    json::object after = {{"queue_id", queue_id}, {"queue", queue->name}, {"interface", interface}};
    if (change.member) after["penalty"] = change.penalty;
    return audit_.Record(tx, p.tenant(), ctx,
                         {change.member ? "agent.queue_add" : "agent.queue_remove", "agent",
                          agent_id, "", JsonText(after)});
  }));
  return WithPbx(p.tenant_id, [&](PbxControl& pbx) {
    if (!change.member) return pbx.RemoveMember({.queue = queue->name, .interface = interface});
    return pbx.AddMember({.queue = queue->name,
                          .interface = interface,
                          .penalty = change.penalty,
                          .member_name = agent->name});
  });
}

Result<Agent> LiveService::VisiblePbxAgent(const Principal& p, int64_t agent_id,
                                           const char* action) {
  auto agent = VisibleAgent(p, agent_id);
  if (!agent) return agent.error();
  CB_RETURN_IF_ERROR(PbxAttached(p.tenant_id));
  if (agent->pbx_ids.empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "agent " + std::to_string(agent_id) + " has no PBX identity to " + action);
  }
  return agent;
}

Status LiveService::PbxAttached(int64_t tenant_id) {
  std::lock_guard lock(pbx_mu_);
  auto it = pbx_.find(tenant_id);
  if (it == pbx_.end() || it->second.empty()) return NoPbx();
  return Status::Ok();
}

void LiveService::Attach(int64_t tenant_id, PbxControl* control) {
  std::lock_guard lock(pbx_mu_);
  pbx_[tenant_id].push_back({control, 0});
}

void LiveService::Detach(int64_t tenant_id, PbxControl* control) {
  std::unique_lock lock(pbx_mu_);
  auto& list = pbx_[tenant_id];
  auto find = [&] {
    return std::find_if(list.begin(), list.end(),
                        [&](const PbxEntry& e) { return e.control == control; });
  };
  // Each call is bounded by the control's own timeout, so this wait is too.
  pbx_idle_.wait(lock, [&] { return find() == list.end() || find()->users == 0; });
  if (auto it = find(); it != list.end()) list.erase(it);
  if (list.empty()) pbx_.erase(tenant_id);
}

Status LiveService::WithPbx(int64_t tenant_id, const std::function<Status(PbxControl&)>& use) {
  PbxControl* control = nullptr;
  {
    std::lock_guard lock(pbx_mu_);
    auto it = pbx_.find(tenant_id);
    if (it == pbx_.end() || it->second.empty()) return NoPbx();
    PbxEntry& e = it->second.front();
    ++e.users;
    control = e.control;
  }
  Status s = use(*control);
  {
    std::lock_guard lock(pbx_mu_);
    for (PbxEntry& e : pbx_[tenant_id]) {
      if (e.control == control) --e.users;
    }
  }
  pbx_idle_.notify_all();
  return s;
}

void LiveService::Tick() {
  std::vector<std::pair<int64_t, std::shared_ptr<Tenant>>> tenants;
  {
    std::lock_guard lock(tenants_mu_);
    for (auto& [id, t] : tenants_) tenants.emplace_back(id, t);
  }
  const bool was_evaluating = evaluates_alerts_;
  evaluates_alerts_ = HoldsAlertLease();
  const bool took_over = evaluates_alerts_ && !was_evaluating;
  const TimePoint now = clock_.Now();
  for (auto& [id, t] : tenants) {
    std::lock_guard lock(t->mu);
    if (!t->loaded) continue;
    if (took_over) {  // the open alerts as stored, in case a feed item was missed
      std::vector<Alert> open;
      Status s =
          db_.Read([&](Transaction& tx) { return ReadOpenAlerts(tx, TenantScope(id), open); });
      if (!s.ok()) {
        spdlog::warn("live: open alerts of tenant {} not read: {}", id, s.ToString());
        continue;
      }
      t->open.clear();
      for (Alert& a : open)
        t->open[std::tuple(a.kind, a.subject_type, a.subject_id)] = std::move(a);
    }
    if (DayStart(now, t->zone) != t->board.day_start()) {
      t->board.StartDay(DayStart(now, t->zone));
    }
    EvaluateLocked(*t, TenantScope(id), now);
  }
}

bool LiveService::HoldsAlertLease() {
  if (leases_ == nullptr) return true;
  const auto steady = std::chrono::steady_clock::now();
  if (steady < next_lease_check_) return alert_lease_ != nullptr;
  next_lease_check_ = steady + kLeaseCheckPeriod;
  if (alert_lease_ && !alert_lease_->Held()) {
    spdlog::warn("live: this node no longer evaluates alerts (lease lost)");
    alert_lease_.reset();
  }
  if (!alert_lease_) {
    auto lease = leases_->TryAcquire("live-alerts");
    if (!lease) {
      spdlog::warn("live: alert lease not asked for: {}", lease.error().ToString());
    } else if (*lease) {
      spdlog::info("live: this node evaluates alerts");
      alert_lease_ = std::move(*lease);
    }
  }
  return alert_lease_ != nullptr;
}

void LiveService::EvaluateLocked(Tenant& t, TenantScope scope, TimePoint now) {
  if (!evaluates_alerts_) return;  // another node does, and its alerts come in on the feed
  std::vector<AlertCondition> conditions = EvaluateAlerts(t.board, t.rules, t.reasons, now);
  std::vector<Alert> opened;
  std::vector<Alert> ended;
  std::set<std::tuple<AlertKind, std::string, int64_t>> present;
  for (AlertCondition& c : conditions) {
    present.insert(c.key());
    if (t.open.contains(c.key())) continue;
    Alert a;
    a.kind = c.kind;
    a.severity = c.severity;
    a.subject_type = c.subject_type;
    a.subject_id = c.subject_id;
    a.subject_name = c.subject_name;
    a.detail = c.detail;
    a.started_at = now;
    opened.push_back(std::move(a));
  }
  for (auto& [key, a] : t.open) {
    if (!present.contains(key)) ended.push_back(a);
  }
  if (opened.empty() && ended.empty()) return;
  Status s = db_.Write([&](Transaction& tx) -> Status {
    for (Alert& a : opened) CB_RETURN_IF_ERROR(tx.Live().InsertAlert(scope, a));
    for (Alert& a : ended) CB_RETURN_IF_ERROR(tx.Live().EndAlert(scope, a.id, now));
    return Status::Ok();
  });
  if (!s.ok()) {
    spdlog::warn("live: alerts not stored: {}", s.ToString());
    return;
  }
  std::vector<int64_t> ids;
  for (const Alert& a : opened) ids.push_back(a.id);
  for (const Alert& a : ended) ids.push_back(a.id);
  Publish(scope, kFeedAlerts, EncodeAlertIds(ids));
  std::vector<LiveDelta> deltas;
  auto emit = [&](const Alert& a) { deltas.push_back(AlertDelta(a)); };
  for (Alert& a : opened) {
    emit(a);
    t.open[std::tuple(a.kind, a.subject_type, a.subject_id)] = std::move(a);
  }
  for (Alert& a : ended) {
    a.ended_at = now;
    emit(a);
    t.open.erase(std::tuple(a.kind, a.subject_type, a.subject_id));
  }
  PublishLocked(t, std::move(deltas));
}

Result<std::vector<PauseReason>> LiveService::ListPauseReasons(const Principal& p,
                                                               bool include_inactive) {
  auto t = Loaded(p.tenant());  // creates the defaults on first use
  if (!t) return t.error();
  std::vector<PauseReason> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Live().ListPauseReasons(p.tenant(), include_inactive);
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  return out;
}

void LiveService::RefreshReasons(TenantScope scope) {
  auto t = Loaded(scope);
  if (!t) return;
  std::vector<PauseReason> reasons;
  Status s = db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Live().ListPauseReasons(scope, true);
    if (!r) return r.error();
    reasons = std::move(*r);
    return Status::Ok();
  });
  if (!s.ok()) return;
  std::lock_guard lock((*t)->mu);
  (*t)->reasons = std::move(reasons);
}

Result<PauseReason> LiveService::CreatePauseReason(const Principal& p, PauseReason reason,
                                                   const AuditContext& ctx) {
  CB_RETURN_IF_ERROR(ValidateReason(reason));
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  reason.id = 0;
  reason.active = true;
  reason.created_at = reason.updated_at = clock_.Now();
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(tx.Live().InsertPauseReason(p.tenant(), reason));
    return audit_.Record(
        tx, p.tenant(), ctx,
        {"pause_reason.create", "pause_reason", reason.id, "", JsonText(PauseReasonJson(reason))});
  }));
  RefreshReasons(p.tenant());
  Publish(p.tenant(), kFeedConfig, "");
  return reason;
}

Result<PauseReason> LiveService::UpdatePauseReason(const Principal& p, PauseReason reason,
                                                   const AuditContext& ctx) {
  CB_RETURN_IF_ERROR(ValidateReason(reason));
  std::optional<PauseReason> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = tx.Live().GetPauseReason(p.tenant(), reason.id);
    if (!before) return before.error();
    if (!before->active) return Status::NotFound("pause reason not found");
    reason.active = true;
    reason.created_at = before->created_at;
    reason.updated_at = clock_.Now();
    CB_RETURN_IF_ERROR(tx.Live().UpdatePauseReason(p.tenant(), reason));
    out = reason;
    return audit_.Record(tx, p.tenant(), ctx,
                         {"pause_reason.update", "pause_reason", reason.id,
                          JsonText(PauseReasonJson(*before)), JsonText(PauseReasonJson(reason))});
  }));
  RefreshReasons(p.tenant());
  Publish(p.tenant(), kFeedConfig, "");
  return *out;
}

Status LiveService::DeletePauseReason(const Principal& p, int64_t id, const AuditContext& ctx) {
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = tx.Live().GetPauseReason(p.tenant(), id);
    if (!before) return before.error();
    if (!before->active) return Status::NotFound("pause reason not found");
    PauseReason after = *before;
    after.active = false;
    after.updated_at = clock_.Now();
    CB_RETURN_IF_ERROR(tx.Live().UpdatePauseReason(p.tenant(), after));
    return audit_.Record(
        tx, p.tenant(), ctx,
        {"pause_reason.delete", "pause_reason", id, JsonText(PauseReasonJson(*before)), ""});
  }));
  RefreshReasons(p.tenant());
  Publish(p.tenant(), kFeedConfig, "");
  return Status::Ok();
}

Result<std::vector<AlertRule>> LiveService::ListAlertRules(const Principal& p) {
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  std::lock_guard lock((*t)->mu);
  return (*t)->rules;
}

Status LiveService::PutAlertRule(const Principal& p, const AlertRule& rule,
                                 const AuditContext& ctx) {
  std::vector<FieldError> errors;
  if (!IsSeverity(rule.severity)) {
    errors.push_back({"severity", "invalid", "one of info, warning, critical"});
  }
  if (rule.threshold_s < 0 || rule.threshold_s > 86400) {
    errors.push_back({"threshold_s", "out_of_range", "0 to 86400 seconds"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  auto t = Loaded(p.tenant());
  if (!t) return t.error();
  const TimePoint now = clock_.Now();
  std::lock_guard lock((*t)->mu);
  AlertRule before;
  for (const AlertRule& r : (*t)->rules) {
    if (r.kind == rule.kind) before = r;
  }
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    CB_RETURN_IF_ERROR(tx.Live().PutAlertRule(p.tenant(), rule, now));
    return audit_.Record(tx, p.tenant(), ctx,
                         {"alert_rule.update", "alert_rule", std::nullopt,
                          JsonText(AlertRuleJson(before)), JsonText(AlertRuleJson(rule))});
  }));
  for (AlertRule& r : (*t)->rules) {
    if (r.kind == rule.kind) r = rule;
  }
  EvaluateLocked(**t, p.tenant(), now);
  Publish(p.tenant(), kFeedConfig, "");
  return Status::Ok();
}

Result<Page<Alert>> LiveService::ListAlerts(const Principal& p, bool open_only,
                                            const PageRequest& page) {
  auto view = ViewOf(p);
  if (!view) return view.error();
  std::optional<Page<Alert>> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto r = tx.Live().ListAlerts(p.tenant(), open_only, page);
    if (!r) return r.error();
    out = std::move(*r);
    return Status::Ok();
  }));
  // An agent alert outside the viewer's scope is not theirs to see.
  std::erase_if(out->items, [&](const Alert& a) {
    return a.subject_type == "agent" && !view->SeesAgent(a.subject_id);
  });
  return std::move(*out);
}

Result<Alert> LiveService::AckAlert(const Principal& p, int64_t id, const AuditContext& ctx) {
  auto view = ViewOf(p);
  if (!view) return view.error();
  const TimePoint now = clock_.Now();
  std::optional<Alert> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = tx.Live().GetAlert(p.tenant(), id);
    if (!before) return before.error();
    if (before->subject_type == "agent" && !view->SeesAgent(before->subject_id)) {
      return Status::NotFound("alert not found");
    }
    CB_RETURN_IF_ERROR(tx.Live().AckAlert(p.tenant(), id, p.actor(), now));
    auto after = tx.Live().GetAlert(p.tenant(), id);
    if (!after) return after.error();
    out = *after;
    return audit_.Record(
        tx, p.tenant(), ctx,
        {"alert.ack", "alert", id, JsonText(AlertJson(*before)), JsonText(AlertJson(*after))});
  }));
  auto t = Loaded(p.tenant());
  if (t) {
    std::lock_guard lock((*t)->mu);
    for (auto& [key, a] : (*t)->open) {
      if (a.id == id) {
        a.acked_at = out->acked_at;
        a.acked_by = out->acked_by;
        std::vector<LiveDelta> deltas;
        deltas.push_back(AlertDelta(a));
        PublishLocked(**t, std::move(deltas));
        break;
      }
    }
  }
  Publish(p.tenant(), kFeedAlerts, EncodeAlertIds({id}));
  return *out;
}

}  // namespace callboard
