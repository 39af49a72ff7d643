// StoreConformance: LiveStore — pause reasons, state intervals, current states, alert rules
// and alerts, each within its tenant.
#include "live/live_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int LiveConformanceLinkAnchor() { return 1; }

namespace {

// The status of a lookup: Ok when found, its error otherwise.
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r ? Status::Ok() : r.error();
}

PauseReason Reason(const std::string& name, TimePoint at) {
  PauseReason r;
  r.name = name;
  r.created_at = at;
  r.updated_at = at;
  return r;
}

std::vector<std::string> Names(const std::vector<PauseReason>& reasons) {
  std::vector<std::string> out;
  for (const PauseReason& r : reasons) out.push_back(r.name);
  return out;
}

Alert MakeAlertAt(AlertKind kind, int64_t subject_id, TimePoint at) {
  Alert a;
  a.kind = kind;
  a.severity = "critical";
  a.subject_type = "queue";
  a.subject_id = subject_id;
  a.subject_name = "Sales";
  a.detail = "caller waiting 130 s";
  a.started_at = at;
  return a;
}

}  // namespace

TEST_P(StoreConformance, PauseReasonsRoundTripWithUniqueActiveNames) {
  PauseReason lunch = Reason("Lunch", At(1));
  lunch.colour = "#ff8800";
  lunch.max_minutes = 45;
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().InsertPauseReason(a_, lunch); }).ok());
  EXPECT_GT(lunch.id, 0);
  PauseReason casework = Reason("Case work", At(2));
  casework.productive = true;
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().InsertPauseReason(a_, casework); }).ok());

  auto got =
      Read<PauseReason>([&](Transaction& tx) { return tx.Live().GetPauseReason(a_, lunch.id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Lunch");
  EXPECT_EQ(got->colour, "#ff8800");
  EXPECT_FALSE(got->productive);
  EXPECT_EQ(got->max_minutes, 45);
  EXPECT_TRUE(got->active);
  EXPECT_EQ(got->created_at, At(1));
  EXPECT_EQ(got->updated_at, At(1));

  // A second active reason with the name is a conflict; another tenant may use it.
  PauseReason again = Reason("Lunch", At(3));
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.Live().InsertPauseReason(a_, again); }).code(),
      StatusCode::kAlreadyExists);
  PauseReason other = Reason("Lunch", At(3));
  EXPECT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().InsertPauseReason(b_, other); }).ok());
  EXPECT_EQ(ReadStatus([&](Transaction& tx) {
              return StatusOf(tx.Live().GetPauseReason(b_, lunch.id));
            }).code(),
            StatusCode::kNotFound);

  // Retiring a reason frees its name and hides it unless inactive ones are asked for.
  PauseReason retired = *got;
  retired.active = false;
  retired.max_minutes.reset();
  retired.updated_at = At(4);
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().UpdatePauseReason(a_, retired); }).ok());
  PauseReason renewed = Reason("Lunch", At(5));
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().InsertPauseReason(a_, renewed); }).ok());
  auto active = Read<std::vector<PauseReason>>(
      [&](Transaction& tx) { return tx.Live().ListPauseReasons(a_, false); });
  ASSERT_TRUE(active);
  EXPECT_EQ(Names(*active), (std::vector<std::string>{"Case work", "Lunch"}));
  EXPECT_EQ((*active)[1].id, renewed.id);
  EXPECT_TRUE((*active)[0].productive);
  auto all = Read<std::vector<PauseReason>>(
      [&](Transaction& tx) { return tx.Live().ListPauseReasons(a_, true); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].id, lunch.id);  // same name: by id
  EXPECT_FALSE((*all)[1].active);
  EXPECT_FALSE((*all)[1].max_minutes.has_value());
  EXPECT_EQ((*all)[1].updated_at, At(4));
  EXPECT_EQ((*all)[2].id, renewed.id);

  // Reactivating the retired one while its name is taken is a conflict.
  retired.active = true;
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.Live().UpdatePauseReason(a_, retired); }).code(),
      StatusCode::kAlreadyExists);
  PauseReason missing = retired;
  missing.id = renewed.id + 1000;
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.Live().UpdatePauseReason(a_, missing); }).code(),
      StatusCode::kNotFound);
  // Another tenant cannot update it.
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.Live().UpdatePauseReason(b_, *got); }).code(),
      StatusCode::kNotFound);
}

TEST_P(StoreConformance, StateIntervalsListThoseOverlappingTheRange) {
  const Agent agent = MakeAgent(a_, "Ann");
  const Agent other = MakeAgent(a_, "Bob");
  const auto interval = [&](int64_t agent_id, AgentState state, int from, int to) {
    return StateInterval{0,
                         agent_id,
                         state,
                         state == AgentState::kPaused ? "Lunch" : "",
                         At(from),
                         At(to),
                         state == AgentState::kPaused ? StateOrigin::kAgent : StateOrigin::kPbx,
                         state == AgentState::kPaused ? "user:12" : ""};
  };
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) -> Status {
                LiveStore& live = tx.Live();
                CB_RETURN_IF_ERROR(
                    live.InsertStateInterval(a_, interval(agent.id, AgentState::kOnCall, 20, 30)));
                CB_RETURN_IF_ERROR(live.InsertStateInterval(
                    a_, interval(agent.id, AgentState::kAvailable, 0, 10)));
                CB_RETURN_IF_ERROR(
                    live.InsertStateInterval(a_, interval(agent.id, AgentState::kPaused, 10, 20)));
                CB_RETURN_IF_ERROR(
                    live.InsertStateInterval(a_, interval(agent.id, AgentState::kAcw, 30, 35)));
                return live.InsertStateInterval(a_,
                                                interval(other.id, AgentState::kOnCall, 10, 20));
              }).ok());

  // [10, 30) overlaps the paused and on-call intervals; touching ends do not overlap.
  auto list = Read<std::vector<StateInterval>>(
      [&](Transaction& tx) { return tx.Live().ListStateIntervals(a_, agent.id, At(10), At(30)); });
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, AgentState::kPaused);
  EXPECT_EQ((*list)[0].agent_id, agent.id);
  EXPECT_EQ((*list)[0].reason, "Lunch");
  EXPECT_EQ((*list)[0].started_at, At(10));
  EXPECT_EQ((*list)[0].ended_at, At(20));
  EXPECT_EQ((*list)[0].origin, StateOrigin::kAgent);
  EXPECT_EQ((*list)[0].actor, "user:12");
  EXPECT_GT((*list)[0].id, 0);
  EXPECT_EQ((*list)[1].state, AgentState::kOnCall);
  EXPECT_EQ((*list)[1].origin, StateOrigin::kPbx);
  EXPECT_EQ((*list)[1].actor, "");

  // A range inside one interval finds it; oldest first over the whole day.
  auto inside = Read<std::vector<StateInterval>>(
      [&](Transaction& tx) { return tx.Live().ListStateIntervals(a_, agent.id, At(31), At(32)); });
  ASSERT_TRUE(inside);
  ASSERT_EQ(inside->size(), 1u);
  EXPECT_EQ((*inside)[0].state, AgentState::kAcw);
  auto day = Read<std::vector<StateInterval>>([&](Transaction& tx) {
    return tx.Live().ListStateIntervals(a_, agent.id, At(0), At(24 * 60));
  });
  ASSERT_TRUE(day);
  ASSERT_EQ(day->size(), 4u);
  EXPECT_EQ((*day)[0].started_at, At(0));
  EXPECT_EQ((*day)[3].started_at, At(30));
  // Another tenant sees none of them.
  auto foreign = Read<std::vector<StateInterval>>([&](Transaction& tx) {
    return tx.Live().ListStateIntervals(b_, agent.id, At(0), At(24 * 60));
  });
  ASSERT_TRUE(foreign);
  EXPECT_TRUE(foreign->empty());
}

TEST_P(StoreConformance, CurrentStatesAreOnePerAgentAndReplaced) {
  const Agent ann = MakeAgent(a_, "Ann");
  const Agent bob = MakeAgent(a_, "Bob");
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) -> Status {
                CB_RETURN_IF_ERROR(tx.Live().PutCurrentState(
                    a_, {bob.id, AgentState::kAvailable, "", At(1), StateOrigin::kPbx}));
                return tx.Live().PutCurrentState(
                    a_, {ann.id, AgentState::kOnCall, "", At(2), StateOrigin::kPbx});
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Live().PutCurrentState(
                    a_, {ann.id, AgentState::kPaused, "Lunch", At(3), StateOrigin::kOverride});
              }).ok());
  auto states = Read<std::vector<CurrentState>>(
      [&](Transaction& tx) { return tx.Live().ListCurrentStates(a_); });
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), 2u);
  const CurrentState& first = (*states)[0];
  const CurrentState& second = (*states)[1];
  EXPECT_EQ(first.agent_id, std::min(ann.id, bob.id));
  const CurrentState& a = first.agent_id == ann.id ? first : second;
  const CurrentState& b = first.agent_id == ann.id ? second : first;
  EXPECT_EQ(a.state, AgentState::kPaused);
  EXPECT_EQ(a.reason, "Lunch");
  EXPECT_EQ(a.since, At(3));
  EXPECT_EQ(a.origin, StateOrigin::kOverride);
  EXPECT_EQ(b.state, AgentState::kAvailable);
  EXPECT_EQ(b.since, At(1));
  auto foreign = Read<std::vector<CurrentState>>(
      [&](Transaction& tx) { return tx.Live().ListCurrentStates(b_); });
  ASSERT_TRUE(foreign);
  EXPECT_TRUE(foreign->empty());
}

TEST_P(StoreConformance, AlertRulesAreStoredPerKindAndReplaced) {
  auto none =
      Read<std::vector<AlertRule>>([&](Transaction& tx) { return tx.Live().ListAlertRules(a_); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) -> Status {
        CB_RETURN_IF_ERROR(
            tx.Live().PutAlertRule(a_, {AlertKind::kLongWait, true, 120, "critical"}, At(1)));
        return tx.Live().PutAlertRule(a_, {AlertKind::kLongAcw, true, 180, "warning"}, At(1));
      }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Live().PutAlertRule(a_, {AlertKind::kLongWait, false, 90, "info"}, At(2));
              }).ok());
  auto rules =
      Read<std::vector<AlertRule>>([&](Transaction& tx) { return tx.Live().ListAlertRules(a_); });
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 2u);
  // By kind name: long_acw before long_wait.
  EXPECT_EQ((*rules)[0].kind, AlertKind::kLongAcw);
  EXPECT_TRUE((*rules)[0].enabled);
  EXPECT_EQ((*rules)[0].threshold_s, 180);
  EXPECT_EQ((*rules)[0].severity, "warning");
  EXPECT_EQ((*rules)[1].kind, AlertKind::kLongWait);
  EXPECT_FALSE((*rules)[1].enabled);
  EXPECT_EQ((*rules)[1].threshold_s, 90);
  EXPECT_EQ((*rules)[1].severity, "info");
  auto foreign =
      Read<std::vector<AlertRule>>([&](Transaction& tx) { return tx.Live().ListAlertRules(b_); });
  ASSERT_TRUE(foreign);
  EXPECT_TRUE(foreign->empty());
}

TEST_P(StoreConformance, AlertsEndOnceKeepTheFirstAckAndPageNewestFirst) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    Alert a =
        MakeAlertAt(i % 2 == 0 ? AlertKind::kLongWait : AlertKind::kNoAgents, 40 + i, At(10 + i));
    ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Live().InsertAlert(a_, a); }).ok());
    ASSERT_GT(a.id, 0);
    ids.push_back(a.id);
  }
  auto got = Read<Alert>([&](Transaction& tx) { return tx.Live().GetAlert(a_, ids[0]); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->kind, AlertKind::kLongWait);
  EXPECT_EQ(got->severity, "critical");
  EXPECT_EQ(got->subject_type, "queue");
  EXPECT_EQ(got->subject_id, 40);
  EXPECT_EQ(got->subject_name, "Sales");
  EXPECT_EQ(got->detail, "caller waiting 130 s");
  EXPECT_EQ(got->started_at, At(10));
  EXPECT_FALSE(got->ended_at.has_value());
  EXPECT_FALSE(got->acked_at.has_value());
  EXPECT_EQ(got->acked_by, "");

  // Ending is once: a second end keeps the first time.
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().EndAlert(a_, ids[1], At(20)); }).ok());
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().EndAlert(a_, ids[1], At(25)); }).ok());
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Live().EndAlert(a_, ids[3], At(21)); }).ok());
  // The first acknowledgement is kept.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Live().AckAlert(a_, ids[1], "user:7", At(22));
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Live().AckAlert(a_, ids[1], "user:9", At(23));
              }).ok());
  auto ended = Read<Alert>([&](Transaction& tx) { return tx.Live().GetAlert(a_, ids[1]); });
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->ended_at, At(20));
  EXPECT_EQ(ended->acked_at, At(22));
  EXPECT_EQ(ended->acked_by, "user:7");
  EXPECT_EQ(ended->kind, AlertKind::kNoAgents);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Live().AckAlert(a_, ids.back() + 1000, "user:7", At(22));
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Live().AckAlert(b_, ids[0], "user:7", At(22));
            }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      ReadStatus([&](Transaction& tx) { return StatusOf(tx.Live().GetAlert(b_, ids[0])); }).code(),
      StatusCode::kNotFound);

  // Open ones, newest first: 4, 2, 0.
  auto open = Read<Page<Alert>>([&](Transaction& tx) {
    return tx.Live().ListAlerts(a_, true, PageRequest{10, std::nullopt});
  });
  ASSERT_TRUE(open);
  ASSERT_EQ(open->items.size(), 3u);
  EXPECT_EQ(open->items[0].id, ids[4]);
  EXPECT_EQ(open->items[1].id, ids[2]);
  EXPECT_EQ(open->items[2].id, ids[0]);
  EXPECT_FALSE(open->next_after.has_value());

  // All of them in pages of two: 4, 3 | 2, 1 | 0.
  std::vector<int64_t> seen;
  std::optional<int64_t> after;
  int pages = 0;
  do {
    auto page = Read<Page<Alert>>([&](Transaction& tx) {
      return tx.Live().ListAlerts(a_, false, PageRequest{2, after});
    });
    ASSERT_TRUE(page);
    ASSERT_LE(page->items.size(), 2u);
    for (const Alert& a : page->items) seen.push_back(a.id);
    after = page->next_after;
    ++pages;
  } while (after && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<int64_t>{ids[4], ids[3], ids[2], ids[1], ids[0]}));

  auto foreign = Read<Page<Alert>>([&](Transaction& tx) {
    return tx.Live().ListAlerts(b_, false, PageRequest{10, std::nullopt});
  });
  ASSERT_TRUE(foreign);
  EXPECT_TRUE(foreign->items.empty());
}

}  // namespace callboard
