// StoreConformance: KpiStore (queues and their settings versions, agents by PBX identity,
// sources and checkpoints, idempotent calls (with recording and ring attempts), additive aggregates and agent state seconds,
// rejects) and its tenant isolation.
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int KpiConformanceLinkAnchor() { return 1; }

namespace {

CallRecord Call(const std::string& id, const std::string& queue, TimePoint started,
                CallOutcome outcome, int64_t wait_ms) {
  CallRecord c;
  c.pbx_call_id = id;
  c.queue = queue;
  c.agent = outcome == CallOutcome::kAnswered ? "SIP/1001" : "";
  c.caller = "+15550001111";
  c.callee = "+18005550100";
  c.started_at = started;
  if (outcome == CallOutcome::kAnswered)
    c.answered_at = started + std::chrono::milliseconds(wait_ms);
  c.ended_at = started + std::chrono::minutes(3);
  c.wait_ms = wait_ms;
  c.talk_ms = outcome == CallOutcome::kAnswered ? 170000 : 0;
  c.hold_ms = 1500;
  c.acw_ms = 2500;
  c.outcome = outcome;
  c.transfer_count = 1;
  c.transferred_to = "185";
  c.disposition = "sale";
  c.call_type = "new";
  c.fcr = true;
  c.csat = 4;
  return c;
}

}  // namespace

TEST_P(StoreConformance, KpiQueuesAreCreatedOnceAndSettingsAreVersioned) {
  auto q1 =
      Write<QueueConfig>([&](Transaction& tx) { return tx.Kpi().EnsureQueue(a_, "sales", At(0)); });
  auto q2 =
      Write<QueueConfig>([&](Transaction& tx) { return tx.Kpi().EnsureQueue(a_, "sales", At(1)); });
  ASSERT_TRUE(q1 && q2);
  EXPECT_EQ(q1->id, q2->id);
  EXPECT_EQ(q1->settings, QueueSettings{});
  EXPECT_EQ(q1->settings_version, 1);
  QueueConfig changed = *q1;
  changed.settings = {
      .sl_threshold_s = 30, .short_abandon_s = 3, .sl_formula = SlFormula::kAbandonsInSlSuccess};
  changed.target_sl = 0.8;
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Kpi().UpdateQueue(a_, changed, At(2)); }).ok());
  auto got = Read<QueueConfig>([&](Transaction& tx) { return tx.Kpi().GetQueue(a_, q1->id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->settings, changed.settings);
  EXPECT_EQ(got->settings_version, 2);
  ASSERT_TRUE(got->target_sl);
  EXPECT_DOUBLE_EQ(*got->target_sl, 0.8);
  // Another tenant neither sees nor changes it.
  EXPECT_EQ(
      ReadStatus([&](Transaction& tx) { return tx.Kpi().GetQueue(b_, q1->id).error(); }).code(),
      StatusCode::kNotFound);
  EXPECT_EQ(
      WriteStatus([&](Transaction& tx) { return tx.Kpi().UpdateQueue(b_, changed, At(3)); }).code(),
      StatusCode::kNotFound);
  auto b_queues =
      Read<std::vector<QueueConfig>>([&](Transaction& tx) { return tx.Kpi().ListQueues(b_); });
  ASSERT_TRUE(b_queues);
  EXPECT_TRUE(b_queues->empty());
}

TEST_P(StoreConformance, KpiAgentsArePerTenantPbxIdentities) {
  auto a1 = Write<int64_t>(
      [&](Transaction& tx) { return tx.Kpi().EnsureAgentByPbxId(a_, "SIP/1001", At(0)); });
  auto a2 = Write<int64_t>(
      [&](Transaction& tx) { return tx.Kpi().EnsureAgentByPbxId(a_, "SIP/1001", At(1)); });
  auto b1 = Write<int64_t>(
      [&](Transaction& tx) { return tx.Kpi().EnsureAgentByPbxId(b_, "SIP/1001", At(1)); });
  ASSERT_TRUE(a1 && a2 && b1);
  EXPECT_EQ(*a1, *a2);
  EXPECT_NE(*a1, *b1);
  auto agent = Read<Agent>([&](Transaction& tx) { return tx.Org().GetAgent(a_, *a1); });
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->name, "SIP/1001");
  EXPECT_EQ(agent->pbx_ids, std::vector<std::string>{"SIP/1001"});
}

TEST_P(StoreConformance, KpiCallBatchesInsertEachNewCallOnce) {
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "calls-json", At(0)); });
  ASSERT_TRUE(source);
  StoredCall old;
  old.source_id = source->id;
  old.call = Call("call-1", "sales", At(10), CallOutcome::kAnswered, 12000);
  ASSERT_TRUE(Write<bool>([&](Transaction& tx) { return tx.Kpi().InsertCall(a_, old); }));
  // Stored before, new, new with quotes and a backslash, a repeat of the batch's second call,
  // and the same call id in another queue (another queue visit: new).
  std::vector<StoredCall> batch(5);
  for (StoredCall& c : batch) c.source_id = source->id;
  batch[0].call = old.call;
  batch[1].call = Call("call-2", "sales", At(11), CallOutcome::kAbandoned, 3000);
  batch[2].call = Call("call-\"3\"\\", "sales", At(12), CallOutcome::kAnswered, 4000);
  batch[2].call.caller = "{\"odd\", caller}";
  batch[2].call.recording = "https://pbx.example/rec/\"3\".wav";
  batch[2].call.ring_attempts = {{"Local/a 1003\\x@agents", 15000, At(12)},
                                 {"SIP/1002", 0, At(12) + std::chrono::seconds(20)}};
  batch[3].call = batch[1].call;
  batch[4].call = Call("call-2", "support", At(11), CallOutcome::kAnswered, 1000);
  batch[4].call.csat.reset();
  batch[4].call.fcr.reset();
  auto inserted = Write<std::vector<bool>>(
      [&](Transaction& tx) { return tx.Kpi().InsertCalls(a_, batch); });
  ASSERT_TRUE(inserted);
  EXPECT_EQ(*inserted, (std::vector<bool>{false, true, true, false, true}));
  for (int i : {1, 2, 4}) {
    auto got = Read<StoredCall>([&](Transaction& tx) { return tx.Kpi().GetCall(a_, batch[i].id); });
    ASSERT_TRUE(got) << i;
    EXPECT_EQ(got->call.pbx_call_id, batch[i].call.pbx_call_id);
    EXPECT_EQ(got->call.queue, batch[i].call.queue);
    EXPECT_EQ(got->call.caller, batch[i].call.caller);
    EXPECT_EQ(got->call.started_at, batch[i].call.started_at);
    EXPECT_EQ(got->call.outcome, batch[i].call.outcome);
    EXPECT_EQ(got->call.wait_ms, batch[i].call.wait_ms);
    EXPECT_EQ(got->call.fcr, batch[i].call.fcr);
    EXPECT_EQ(got->call.csat, batch[i].call.csat);
    EXPECT_EQ(got->call.recording, batch[i].call.recording);
    EXPECT_EQ(got->call.ring_attempts, batch[i].call.ring_attempts);
  }
  auto all = Read<Page<StoredCall>>(
      [&](Transaction& tx) { return tx.Kpi().ListCalls(a_, {}, PageRequest{.limit = 10}); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items.size(), 4u);
  // An empty batch is no work.
  std::vector<StoredCall> none;
  auto nothing = Write<std::vector<bool>>(
      [&](Transaction& tx) { return tx.Kpi().InsertCalls(a_, none); });
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
}

TEST_P(StoreConformance, KpiCallsAreIdempotentByNaturalKeyAndRoundTrip) {
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "calls-json", At(0)); });
  ASSERT_TRUE(source);
  StoredCall c;
  c.source_id = source->id;
  c.call = Call("call-1", "sales", At(10), CallOutcome::kAnswered, 12000);
  c.call.recording = "https://pbx.example/rec/call-1.wav";
  c.call.ring_attempts = {{"SIP/1002", 15000, At(10) + std::chrono::seconds(5)},
                          {"Local/a 1003\\x@agents", 0, At(10) + std::chrono::seconds(9)}};
  auto inserted = Write<bool>([&](Transaction& tx) { return tx.Kpi().InsertCall(a_, c); });
  ASSERT_TRUE(inserted);
  EXPECT_TRUE(*inserted);
  StoredCall again = c;
  auto second = Write<bool>([&](Transaction& tx) { return tx.Kpi().InsertCall(a_, again); });
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  auto got = Read<StoredCall>([&](Transaction& tx) { return tx.Kpi().GetCall(a_, c.id); });
  ASSERT_TRUE(got);
  const CallRecord& r = got->call;
  EXPECT_EQ(r.pbx_call_id, "call-1");
  EXPECT_EQ(r.queue, "sales");
  EXPECT_EQ(r.agent, "SIP/1001");
  EXPECT_EQ(r.started_at, At(10));
  EXPECT_EQ(r.answered_at, At(10) + std::chrono::milliseconds(12000));
  EXPECT_EQ(r.wait_ms, 12000);
  EXPECT_EQ(r.talk_ms, 170000);
  EXPECT_EQ(r.hold_ms, 1500);
  EXPECT_EQ(r.acw_ms, 2500);
  EXPECT_EQ(r.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(r.transferred_to, "185");
  EXPECT_EQ(r.fcr, true);
  EXPECT_EQ(r.csat, 4);
  EXPECT_EQ(r.recording, "https://pbx.example/rec/call-1.wav");
  EXPECT_EQ(r.ring_attempts, c.call.ring_attempts);
  EXPECT_EQ(ReadStatus([&](Transaction& tx) { return tx.Kpi().GetCall(b_, c.id).error(); }).code(),
            StatusCode::kNotFound);
  // Filters and newest-first keyset pages.
  for (int i = 2; i <= 5; ++i) {
    StoredCall more;
    more.source_id = source->id;
    more.call = Call("call-" + std::to_string(i), "sales", At(10 + i),
                     i % 2 ? CallOutcome::kAbandoned : CallOutcome::kAnswered, i * 1000);
    ASSERT_TRUE(Write<bool>([&](Transaction& tx) { return tx.Kpi().InsertCall(a_, more); }));
  }
  CallFilter abandoned;
  abandoned.outcome = CallOutcome::kAbandoned;
  auto page = Read<Page<StoredCall>>(
      [&](Transaction& tx) { return tx.Kpi().ListCalls(a_, abandoned, PageRequest{.limit = 10}); });
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].call.pbx_call_id, "call-5");
  EXPECT_EQ(page->items[1].call.pbx_call_id, "call-3");
  auto first = Read<Page<StoredCall>>([&](Transaction& tx) {
    return tx.Kpi().ListCalls(a_, CallFilter{}, PageRequest{.limit = 3});
  });
  ASSERT_TRUE(first && first->next_after);
  auto rest = Read<Page<StoredCall>>([&](Transaction& tx) {
    return tx.Kpi().ListCalls(a_, CallFilter{},
                              PageRequest{.limit = 3, .after_id = first->next_after});
  });
  ASSERT_TRUE(rest);
  EXPECT_EQ(first->items.size() + rest->items.size(), 5u);
  for (const bool with : {true, false}) {
    CallFilter recorded;
    recorded.has_recording = with;
    auto calls = Read<Page<StoredCall>>(
        [&](Transaction& tx) { return tx.Kpi().ListCalls(a_, recorded, PageRequest{.limit = 10}); });
    ASSERT_TRUE(calls);
    ASSERT_EQ(calls->items.size(), with ? 1u : 4u);
    EXPECT_EQ(calls->items.back().call.pbx_call_id, with ? "call-1" : "call-2");
    EXPECT_TRUE(calls->items.back().call.ring_attempts.empty() != with);
  }
  auto other = Read<Page<StoredCall>>([&](Transaction& tx) {
    return tx.Kpi().ListCalls(b_, CallFilter{}, PageRequest{.limit = 10});
  });
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->items.empty());
}

TEST_P(StoreConformance, KpiAggregatesAndAgentSecondsAdd) {
  IntervalCounters c;
  c.offered = 3;
  c.answered = 2;
  c.max_wait_ms = 9000;
  c.wait_answered_histogram[2] = 2;
  const AggregateRow row{7, 0, At(0), c};
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Kpi().AddAggregate(a_, row); }).ok());
  IntervalCounters d;
  d.offered = 1;
  d.max_wait_ms = 4000;
  d.wait_answered_histogram[2] = 1;
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddAggregate(a_, {7, 0, At(0), d});
              }).ok());
  auto rows = Read<std::vector<AggregateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAggregates(a_, At(0), At(15), false); });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].counters.offered, 4);
  EXPECT_EQ((*rows)[0].counters.max_wait_ms, 9000);
  EXPECT_EQ((*rows)[0].counters.wait_answered_histogram[2], 3);
  auto agent_rows = Read<std::vector<AggregateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAggregates(a_, At(0), At(15), true); });
  ASSERT_TRUE(agent_rows);
  EXPECT_TRUE(agent_rows->empty());
  auto b_rows = Read<std::vector<AggregateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAggregates(b_, At(0), At(15), false); });
  ASSERT_TRUE(b_rows);
  EXPECT_TRUE(b_rows->empty());

  AgentStateSeconds s;
  s.logged_in_ms = 900000;
  s.paused_ms = 60000;
  s.paused_by_reason_ms["Lunch"] = 60000;
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddAgentState(a_, {5, At(0), s});
              }).ok());
  s.paused_by_reason_ms = {{"Smoke", 1000}};
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddAgentState(a_, {5, At(0), s});
              }).ok());
  auto states = Read<std::vector<AgentStateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAgentStates(a_, At(0), At(15)); });
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].seconds.logged_in_ms, 1800000);
  EXPECT_EQ((*states)[0].seconds.paused_by_reason_ms,
            (std::map<std::string, int64_t>{{"Lunch", 60000}, {"Smoke", 1000}}));
  // Reaggregation removes interval aggregates only.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().DeleteAggregates(a_, At(0), At(15));
              }).ok());
  rows = Read<std::vector<AggregateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAggregates(a_, At(0), At(15), false); });
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
  states = Read<std::vector<AgentStateRow>>(
      [&](Transaction& tx) { return tx.Kpi().ReadAgentStates(a_, At(0), At(15)); });
  ASSERT_TRUE(states);
  EXPECT_EQ(states->size(), 1u);
}

TEST_P(StoreConformance, KpiCheckpointsAndRejectsArePerSourceAndStream) {
  auto source = Write<IngestSource>([&](Transaction& tx) {
    return tx.Kpi().EnsureSource(a_, "pbx", "asterisk-queue-log", At(0));
  });
  ASSERT_TRUE(source);
  EXPECT_EQ(WriteStatus([&](Transaction& tx) {
              return tx.Kpi().EnsureSource(a_, "pbx", "3cx-cdr", At(0)).error();
            }).code(),
            StatusCode::kInvalidArgument);
  auto none = Read<std::optional<Checkpoint>>(
      [&](Transaction& tx) { return tx.Kpi().GetCheckpoint(a_, source->id, "s1"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) {
        return tx.Kpi().PutCheckpoint(a_, source->id, {"s1", 120, "state\nwith lines", At(1)});
      }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().PutCheckpoint(a_, source->id, {"s1", 240, "later", At(2)});
              }).ok());
  auto cp = Read<std::optional<Checkpoint>>(
      [&](Transaction& tx) { return tx.Kpi().GetCheckpoint(a_, source->id, "s1"); });
  ASSERT_TRUE(cp && *cp);
  EXPECT_EQ((*cp)->position, 240);
  EXPECT_EQ((*cp)->state, "later");
  for (int line : {3, 9, 9}) {  // a replayed line is stored once
    ASSERT_TRUE(
        WriteStatus([&](Transaction& tx) {
          return tx.Kpi().InsertReject(a_, {0, source->id, "s1", line, "raw", "bad time", At(3)});
        }).ok());
  }
  auto rejects = Read<Page<StoredReject>>(
      [&](Transaction& tx) { return tx.Kpi().ListRejects(a_, source->id, PageRequest{}); });
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->items.size(), 2u);
  EXPECT_EQ(rejects->items[0].line, 9);
  EXPECT_EQ(rejects->items[1].line, 3);
  EXPECT_EQ(rejects->items[1].reason, "bad time");
  auto b_rejects = Read<Page<StoredReject>>(
      [&](Transaction& tx) { return tx.Kpi().ListRejects(b_, std::nullopt, PageRequest{}); });
  ASSERT_TRUE(b_rejects);
  EXPECT_TRUE(b_rejects->items.empty());
}

}  // namespace callboard
