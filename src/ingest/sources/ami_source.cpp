#include "ingest/sources/ami_source.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ingest/ami/ami_client.h"
#include "ingest/ami/ami_config.h"
#include "ingest/ami/ami_pbx_control.h"
#include "ingest/sources/stop_signal.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

constexpr size_t kMaxBatchEvents = 2000;  // events per database write

AmiLiveItem StateItem(const AmiQueueMember& m, AgentState state, TimePoint now) {
  AmiLiveItem item;
  item.queue = m.queue;
  item.interface = m.interface;
  AgentStateChange change;
  change.at = now;
  change.agent = m.interface;
  change.state = state;
  change.reason = state == AgentState::kPaused ? m.paused_reason : "";
  change.queue = m.queue;
  item.state = std::move(change);
  return item;
}

AmiLiveItem EventItem(std::string name, const std::string& queue, const std::string& call_id,
                      std::string interface, std::vector<std::string> data, TimePoint now) {
  AmiLiveItem item;
  item.queue = queue;
  item.interface = std::move(interface);
  CommittedEvent e;
  e.at = now;
  e.call_id = call_id;
  e.event = std::move(name);
  e.queue = queue;
  e.data = std::move(data);
  item.event = std::move(e);
  return item;
}

std::string N(int64_t v) { return std::to_string(v); }

// The member of a QueueStatus answer (Event: QueueMember, which names the interface
// "Location"); nullopt without a queue or interface. An unreadable Status reads as unknown.
std::optional<AmiQueueMember> StatusMember(const AmiMessage& m) {
  AmiQueueMember member;
  member.queue = std::string(m.Value("Queue"));
  member.interface = std::string(m.Value("Location"));
  if (member.interface.empty()) member.interface = std::string(m.Value("Interface"));
  if (member.queue.empty() || member.interface.empty()) return std::nullopt;
  member.member_name = std::string(m.Value("Name"));
  member.paused = m.Value("Paused") == "1";
  member.paused_reason = std::string(m.Value("PausedReason"));
  member.in_call = m.Value("InCall") == "1";
  const std::string_view status = m.Value("Status");
  int code = 0;
  std::from_chars(status.data(), status.data() + status.size(), code);
  if (code >= 0 && code <= static_cast<int>(AmiDeviceState::kOnHold)) {
    member.status = static_cast<AmiDeviceState>(code);
  }
  return member;
}

SourceState SourceStateOf(AmiLinkState s) {
  switch (s) {
    case AmiLinkState::kConnected:
      return SourceState::kConnected;
    case AmiLinkState::kWaitingRetry:
      return SourceState::kError;
    case AmiLinkState::kStopped:
      return SourceState::kStopped;
    case AmiLinkState::kConnecting:
    case AmiLinkState::kLoggingIn:
      return SourceState::kStarting;
  }
  return SourceState::kStarting;
}

}  // namespace

AgentState AmiMemberState(const AmiQueueMember& m) {
  if (m.paused) return AgentState::kPaused;
  switch (m.status) {
    case AmiDeviceState::kUnavailable:
    case AmiDeviceState::kInvalid:
      return AgentState::kLoggedOut;
    case AmiDeviceState::kRinging:
    case AmiDeviceState::kRingInUse:
      return AgentState::kRinging;
    case AmiDeviceState::kOnHold:
      return AgentState::kOnHold;
    case AmiDeviceState::kInUse:
    case AmiDeviceState::kBusy:
      return AgentState::kOnCall;
    case AmiDeviceState::kNotInUse:
    case AmiDeviceState::kUnknown:
      break;
  }
  return m.in_call ? AgentState::kOnCall : AgentState::kAvailable;
}

std::optional<AmiLiveItem> MapAmiEvent(const AmiEvent& event, TimePoint now) {
  return std::visit(
      [&](const auto& e) -> std::optional<AmiLiveItem> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, QueueMemberStatusEvent> ||
                      std::is_same_v<T, QueueMemberPauseEvent> ||
                      std::is_same_v<T, QueueMemberAddedEvent>) {
          return StateItem(e.member, AmiMemberState(e.member), now);
        } else if constexpr (std::is_same_v<T, QueueMemberRemovedEvent>) {
          AmiLiveItem item = StateItem(e.member, AgentState::kLoggedOut, now);
          item.removed = true;
          return item;
        } else if constexpr (std::is_same_v<T, QueueCallerJoinEvent>) {
          return EventItem("ENTERQUEUE", e.queue, e.caller.uniqueid, "",
                           {"", e.caller.caller_id_num, N(e.position)}, now);
        } else if constexpr (std::is_same_v<T, QueueCallerAbandonEvent>) {
          return EventItem("ABANDON", e.queue, e.caller.uniqueid, "",
                           {N(e.position), N(e.original_position), N(e.hold_time)}, now);
        } else if constexpr (std::is_same_v<T, QueueCallerLeaveEvent>) {
          return EventItem("LEAVEQUEUE", e.queue, e.caller.uniqueid, "",
                           {N(e.position), N(e.count)}, now);
        } else if constexpr (std::is_same_v<T, AgentConnectEvent>) {
          return EventItem(
              "CONNECT", e.call.queue, e.call.caller.uniqueid, e.call.interface,
              {N(e.hold_time), e.call.dest_uniqueid, N(e.ring_time), e.call.caller.caller_id_num},
              now);
        } else if constexpr (std::is_same_v<T, AgentCompleteEvent>) {
          const char* name = e.reason == "agent"      ? "COMPLETEAGENT"
                             : e.reason == "transfer" ? "TRANSFER"
                                                      : "COMPLETECALLER";
          return EventItem(name, e.call.queue, e.call.caller.uniqueid, e.call.interface,
                           {N(e.hold_time), N(e.talk_time)}, now);
        } else if constexpr (std::is_same_v<T, AmiGenericEvent>) {
          if (e.name != "QueueMember") return std::nullopt;
          auto member = StatusMember(e.message);
          if (!member) return std::nullopt;
          return StateItem(*member, AmiMemberState(*member), now);
        } else {
          return std::nullopt;
        }
      },
      event);
}

bool AmiMemberships::Keep(const AmiLiveItem& item) {
  if (!item.state || item.interface.empty() || item.queue.empty()) return true;
  if (!item.removed) {
    queues_[item.interface].insert(item.queue);
    return true;
  }
  auto it = queues_.find(item.interface);
  if (it == queues_.end()) return true;
  it->second.erase(item.queue);
  if (!it->second.empty()) return false;
  queues_.erase(it);
  return true;
}

namespace {

// Events handed from the client's I/O thread to the source's thread.
class EventInbox {
 public:
  // I/O thread: never waits for more than the lock.
  void Push(AmiEvent e) {
    {
      std::lock_guard lock(mu_);
      if (events_.size() >= kMaxAmiBacklog) {
        ++dropped_;
        return;
      }
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }
  // Waits up to `timeout` for a first event, then `window` more for the rest of its batch.
  std::vector<AmiEvent> Take(std::chrono::milliseconds timeout, std::chrono::milliseconds window,
                             int64_t& dropped) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !events_.empty(); })) return {};
    lock.unlock();
    std::this_thread::sleep_for(window);
    lock.lock();
    std::vector<AmiEvent> out;
    while (!events_.empty() && out.size() < kMaxBatchEvents) {
      out.push_back(std::move(events_.front()));
      events_.pop_front();
    }
    dropped = std::exchange(dropped_, 0);
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<AmiEvent> events_;  // GUARDED_BY(mu_)
  int64_t dropped_ = 0;          // GUARDED_BY(mu_)
};

// Resolves the batch's queues and members to ids in one write and builds what the observer
// is told.
Result<CommittedBatch> Resolve(const SourceContext& ctx, const std::vector<AmiLiveItem>& items) {
  CommittedBatch batch;
  Status s = ctx.db.Write([&](Transaction& tx) -> Status {
    batch = CommittedBatch{};
    const TimePoint now = ctx.clock.Now();
    std::map<std::string, int64_t> queues;
    std::map<std::string, int64_t> agents;
    for (const AmiLiveItem& item : items) {
      std::optional<int64_t> queue_id;
      if (!item.queue.empty()) {
        auto it = queues.find(item.queue);
        if (it == queues.end()) {
          auto q = tx.Kpi().EnsureQueue(ctx.scope, item.queue, now);
          if (!q) return q.error();
          it = queues.emplace(item.queue, q->id).first;
        }
        queue_id = it->second;
      }
      std::optional<int64_t> agent_id;
      if (!item.interface.empty()) {
        auto it = agents.find(item.interface);
        if (it == agents.end()) {
          auto a = tx.Kpi().EnsureAgentByPbxId(ctx.scope, item.interface, now);
          if (!a) return a.error();
          it = agents.emplace(item.interface, *a).first;
        }
        agent_id = it->second;
      }
      if (item.event) {
        CommittedEvent e = *item.event;
        e.queue_id = queue_id;
        e.agent_id = agent_id;
        batch.events.push_back(std::move(e));
      } else if (item.state && agent_id) {
        batch.states.push_back({*agent_id, queue_id, *item.state});
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return batch;
}

}  // namespace

Status AmiSource::Run() {
  const SourceConfig c = WithKindDefaults(ctx_.config);
  const AmiLinkConfig link{.host = c.host,
                           .port = c.port.value_or(kDefaultAmiPort),
                           .username = c.username,
                           .secret = c.secret,
                           .channel_template = c.channel_template};
  CB_RETURN_IF_ERROR(ValidateAmiLinkConfig(link));
  AmiClientOptions options = ClientOptionsOf(link);
  options.connect_timeout = ctx_.timings.connect_timeout;
  options.backoff_initial = ctx_.timings.backoff_initial;
  options.backoff_max = ctx_.timings.backoff_max;
  options.healthy_after = ctx_.timings.healthy_after;
  const std::string where = c.host + ":" + std::to_string(link.port);

  EventInbox inbox;
  AmiMemberships memberships;         // source thread only
  std::atomic<bool> relogged{false};  // set on the I/O thread at each login
  AmiLinkState last_state = AmiLinkState::kStopped;
  AmiClient* link_client = nullptr;  // set before Start; used on the I/O thread
  SourceStatusCell& status = ctx_.status;
  const Clock& clock = ctx_.clock;
  // Runs on the client's I/O thread: only quick, lock-bounded work.
  auto on_status = [&](const AmiLinkStatus& s) {
    const TimePoint now = clock.Now();
    const bool failed = s.state == AmiLinkState::kWaitingRetry && last_state != s.state;
    const bool logged_in = s.state == AmiLinkState::kConnected && last_state != s.state;
    last_state = s.state;
    // After each login, the members' current states (QueueMember events) for the board;
    // later changes arrive as events.
    if (logged_in) relogged = true;
    if (logged_in && link_client != nullptr) {
      link_client->Send(AmiAction{"QueueStatus"}, [where](Result<AmiMessage> r) {
        if (!r) spdlog::warn("AMI {}: QueueStatus not answered: {}", where, r.error().ToString());
      });
    }
    status.Update([&](SourceStatus& st) {
      const SourceState state = SourceStateOf(s.state);
      if (st.state != state) st.since = now;
      st.state = state;
      std::string detail = "asterisk-ami " + where + ", logins " + std::to_string(s.logins);
      if (!s.banner.empty()) detail += ", " + s.banner;
      if (s.state == AmiLinkState::kWaitingRetry) {
        detail += ", retrying in " + std::to_string((s.retry_in.count() + 999) / 1000) + " s";
      }
      st.detail = std::move(detail);
      if (failed && !s.error.empty()) {
        st.last_error = s.error;
        st.last_error_at = now;
        ++st.restarts;
      }
    });
  };
  AmiClient client(
      options, [&](const AmiEvent& e) { inbox.Push(e); }, on_status);
  link_client = &client;
  AmiPbxControl control(client, ChanSpyOptionsOf(link));
  status.Update([&](SourceStatus& st) {
    st.state = SourceState::kStarting;
    st.since = clock.Now();
    st.detail = "asterisk-ami " + where;
  });
  client.Start();
  if (ctx_.pbx != nullptr) ctx_.pbx->Attach(ctx_.scope.tenant_id(), &control);

  while (!ctx_.stop.triggered()) {
    int64_t dropped = 0;
    std::vector<AmiEvent> events =
        inbox.Take(std::chrono::milliseconds(100), kAmiBatchWindow, dropped);
    if (events.empty() && dropped == 0) continue;
    const TimePoint now = clock.Now();
    std::vector<AmiLiveItem> items;
    if (relogged.exchange(false)) memberships.Clear();
    for (const AmiEvent& e : events) {
      auto item = MapAmiEvent(e, now);
      if (item && memberships.Keep(*item)) items.push_back(std::move(*item));
    }
    status.Update([&](SourceStatus& st) {
      st.lines += static_cast<int64_t>(events.size());
      if (!events.empty()) {
        st.last_event_at = now;
        st.newest_event = now;
      }
      if (dropped > 0) {
        st.last_error = std::to_string(dropped) + " AMI events dropped: the database fell behind";
        st.last_error_at = now;
      }
    });
    if (items.empty()) continue;
    auto batch = Resolve(ctx_, items);
    if (!batch) {
      spdlog::warn("source {}: AMI events not applied: {}", ctx_.config.name,
                   batch.error().ToString());
      status.Update([&](SourceStatus& st) {
        st.last_error = "AMI events not applied: " + batch.error().message();
        st.last_error_at = now;
      });
      continue;
    }
    if (ctx_.observer != nullptr && !batch->empty()) ctx_.observer->OnCommitted(ctx_.scope, *batch);
  }
  // The client first: stopping fails its unanswered actions at once, so a call on the control
  // waiting for a silent PBX returns and Detach (which waits for such calls) does not wait
  // out the action timeout. Calls after it are answered "not running".
  client.Stop();
  if (ctx_.pbx != nullptr) ctx_.pbx->Detach(ctx_.scope.tenant_id(), &control);
  return Status::Ok();
}

}  // namespace callboard
