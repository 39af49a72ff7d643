// StoreConformance: KpiStore (queues and their settings versions, agents by PBX identity,
// sources and checkpoints, idempotent calls (with recording and ring attempts), additive
// aggregates and agent state seconds with their hour, day and month rollups, rejects, the
// automatic FCR status and its decisions) and its tenant isolation.
#include <map>

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
  auto inserted =
      Write<std::vector<bool>>([&](Transaction& tx) { return tx.Kpi().InsertCalls(a_, batch); });
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
  auto nothing =
      Write<std::vector<bool>>([&](Transaction& tx) { return tx.Kpi().InsertCalls(a_, none); });
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
    auto calls = Read<Page<StoredCall>>([&](Transaction& tx) {
      return tx.Kpi().ListCalls(a_, recorded, PageRequest{.limit = 10});
    });
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

namespace {

// The rows a scan of `ranges` visits, in visiting order.
Result<std::vector<AggregateRow>> ScanRows(Transaction& tx, TenantScope scope,
                                           const std::vector<UnitRange>& ranges, bool agent_rows) {
  std::vector<AggregateRow> rows;
  CB_RETURN_IF_ERROR(tx.Kpi().ScanAggregates(scope, ranges, agent_rows, [&](const AggregateRow& r) {
    rows.push_back(r);
    return Status::Ok();
  }));
  return rows;
}

Result<std::vector<AgentStateRow>> ScanStateRows(Transaction& tx, TenantScope scope,
                                                 const std::vector<UnitRange>& ranges) {
  std::vector<AgentStateRow> rows;
  CB_RETURN_IF_ERROR(tx.Kpi().ScanAgentStates(scope, ranges, [&](const AgentStateRow& r) {
    rows.push_back(r);
    return Status::Ok();
  }));
  return rows;
}

IntervalCounters Counters(int64_t offered, int64_t max_wait_ms, size_t answered_bucket) {
  IntervalCounters c;
  c.offered = offered;
  c.answered = offered;
  c.wait_answered_ms = offered * 1000;
  c.max_wait_ms = max_wait_ms;
  c.talk_ms = offered * 60000;
  c.csat_n = 1;
  c.wait_answered_histogram[answered_bucket] = offered;
  c.wait_abandoned_histogram[14] = 1;
  return c;
}

}  // namespace

TEST_P(StoreConformance, KpiRollupsSumTheBucketsTheyCoverPerUtcHourDayAndMonth) {
  constexpr AggregateUnit kBucket = AggregateUnit::kBucket, kHour = AggregateUnit::kHour,
                          kDay = AggregateUnit::kDay, kMonth = AggregateUnit::kMonth;
  const TimePoint december = At(9 * 24 * 60);  // 2026-12-01T00:00Z
  // One batch: two deltas share the 01:15 row; an agent row beside the queue totals.
  const std::vector<AggregateRow> batch = {
      {7, 0, At(60), Counters(2, 40000, 1)},   // 01:00
      {7, 0, At(75), Counters(1, 4000, 0)},    // 01:15
      {7, 0, At(75), Counters(3, 5000, 0)},    // 01:15 again
      {7, 0, At(120), Counters(4, 30000, 3)},  // 02:00
      {7, 5, At(60), Counters(1, 2000, 2)},    // agent 5, 01:00
      {7, 0, december + std::chrono::minutes(15), Counters(6, 1000, 0)},
  };
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Kpi().AddAggregates(a_, batch); }).ok());

  auto hours = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kHour, At(0), At(1440)}}, false);
  });
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 2u);
  EXPECT_EQ((*hours)[0].bucket, At(60));
  EXPECT_EQ((*hours)[0].queue_id, 7);
  EXPECT_EQ((*hours)[0].agent_id, 0);
  EXPECT_EQ((*hours)[0].counters.offered, 6);
  EXPECT_EQ((*hours)[0].counters.wait_answered_ms, 6000);
  EXPECT_EQ((*hours)[0].counters.talk_ms, 360000);
  EXPECT_EQ((*hours)[0].counters.csat_n, 3);
  EXPECT_EQ((*hours)[0].counters.max_wait_ms, 40000);
  EXPECT_EQ((*hours)[0].counters.wait_answered_histogram[0], 4);
  EXPECT_EQ((*hours)[0].counters.wait_answered_histogram[1], 2);
  EXPECT_EQ((*hours)[0].counters.wait_abandoned_histogram[14], 3);
  EXPECT_EQ((*hours)[1].bucket, At(120));
  EXPECT_EQ((*hours)[1].counters, Counters(4, 30000, 3));

  auto days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kDay, At(0), december}}, false);
  });
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].bucket, At(0));
  EXPECT_EQ((*days)[0].counters.offered, 10);
  EXPECT_EQ((*days)[0].counters.max_wait_ms, 40000);
  EXPECT_EQ((*days)[0].counters.wait_answered_histogram[3], 4);

  // Months are calendar months: November from the 1st, December on its own.
  const TimePoint november = FromUnixMillis(1793491200000);  // 2026-11-01T00:00Z
  auto months = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kMonth, november, december + std::chrono::days(31)}}, false);
  });
  ASSERT_TRUE(months);
  ASSERT_EQ(months->size(), 2u);
  EXPECT_EQ((*months)[0].bucket, november);
  EXPECT_EQ((*months)[0].counters.offered, 10);
  EXPECT_EQ((*months)[1].bucket, december);
  EXPECT_EQ((*months)[1].counters.offered, 6);

  // Agent rows and queue totals apart; several units in one scan, range by range.
  auto agents = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kDay, At(0), At(1440)}}, true);
  });
  ASSERT_TRUE(agents);
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].agent_id, 5);
  EXPECT_EQ((*agents)[0].counters, Counters(1, 2000, 2));
  auto mixed = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(
        tx, a_, {{kBucket, At(75), At(90)}, {kHour, At(120), At(180)}, {kBucket, At(60), At(75)}},
        false);
  });
  ASSERT_TRUE(mixed);
  ASSERT_EQ(mixed->size(), 3u);
  EXPECT_EQ((*mixed)[0].bucket, At(75));
  EXPECT_EQ((*mixed)[0].counters.offered, 4);  // the two 01:15 deltas in one row
  EXPECT_EQ((*mixed)[1].bucket, At(120));
  EXPECT_EQ((*mixed)[2].bucket, At(60));
  auto other = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, b_, {{kDay, At(0), december}}, false);
  });
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());

  // Deleting buckets brings the rollups back to the sum of what is left: the 01:00 bucket held
  // the longest wait, so the day's maximum falls to the 02:00 bucket's (not a subtraction).
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().DeleteAggregates(a_, At(60), At(75));
              }).ok());
  hours = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kHour, At(0), At(1440)}}, false);
  });
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 2u);
  EXPECT_EQ((*hours)[0].counters.offered, 4);
  EXPECT_EQ((*hours)[0].counters.max_wait_ms, 5000);
  days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kDay, At(0), december}}, false);
  });
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].counters.offered, 8);
  EXPECT_EQ((*days)[0].counters.max_wait_ms, 30000);
  months = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kMonth, november, december}}, false);
  });
  ASSERT_TRUE(months);
  ASSERT_EQ(months->size(), 1u);
  EXPECT_EQ((*months)[0].counters.offered, 8);
  agents = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kMonth, november, december}}, true);
  });
  ASSERT_TRUE(agents);
  EXPECT_TRUE(agents->empty());  // the agent's only bucket was deleted
  // An hour with no bucket left has no rollup row.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().DeleteAggregates(a_, At(60), At(120));
              }).ok());
  hours = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return ScanRows(tx, a_, {{kHour, At(0), At(1440)}}, false);
  });
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ((*hours)[0].bucket, At(120));
}

TEST_P(StoreConformance, KpiAgentStateRollupsSumTheBucketsTheyCover) {
  AgentStateSeconds s;
  s.logged_in_ms = 900000;
  s.available_ms = 300000;
  s.on_call_ms = 500000;
  s.acw_ms = 40000;
  s.paused_ms = 60000;
  s.paused_by_reason_ms = {{"Lunch", 60000}};
  AgentStateSeconds t = s;
  t.paused_by_reason_ms = {{"Lunch", 20000}, {"", 40000}};
  const std::vector<AgentStateRow> batch = {
      {5, At(0), s}, {5, At(15), t}, {5, At(15), s}, {6, At(15), s}, {5, At(1440), t}};
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Kpi().AddAgentStates(a_, batch); }).ok());
  auto hours = Read<std::vector<AgentStateRow>>([&](Transaction& tx) {
    return ScanStateRows(tx, a_, {{AggregateUnit::kHour, At(0), At(2880)}});
  });
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->size(), 3u);  // agents 5 and 6 at 00:00, agent 5 the next day
  const AgentStateRow& first = (*hours)[0].agent_id == 5 ? (*hours)[0] : (*hours)[1];
  EXPECT_EQ(first.bucket, At(0));
  EXPECT_EQ(first.seconds.logged_in_ms, 2700000);
  EXPECT_EQ(first.seconds.on_call_ms, 1500000);
  EXPECT_EQ(first.seconds.paused_ms, 180000);
  EXPECT_EQ(first.seconds.paused_by_reason_ms,
            (std::map<std::string, int64_t>{{"", 40000}, {"Lunch", 140000}}));
  EXPECT_EQ((*hours)[2].bucket, At(1440));
  EXPECT_EQ((*hours)[2].seconds, t);
  auto month = Read<std::vector<AgentStateRow>>([&](Transaction& tx) {
    return ScanStateRows(tx, a_,
                         {{AggregateUnit::kMonth, FromUnixMillis(1793491200000), At(9 * 1440)}});
  });
  ASSERT_TRUE(month);
  ASSERT_EQ(month->size(), 2u);
  const AgentStateRow& five = (*month)[0].agent_id == 5 ? (*month)[0] : (*month)[1];
  EXPECT_EQ(five.seconds.logged_in_ms, 3600000);
  EXPECT_EQ(five.seconds.paused_by_reason_ms,
            (std::map<std::string, int64_t>{{"", 80000}, {"Lunch", 160000}}));
  // Interval aggregates are deleted without touching agent state seconds or their rollups.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().DeleteAggregates(a_, At(0), At(2880));
              }).ok());
  auto days = Read<std::vector<AgentStateRow>>([&](Transaction& tx) {
    return ScanStateRows(tx, a_, {{AggregateUnit::kDay, At(0), At(2880)}});
  });
  ASSERT_TRUE(days);
  EXPECT_EQ(days->size(), 3u);
  auto other = Read<std::vector<AgentStateRow>>([&](Transaction& tx) {
    return ScanStateRows(tx, b_, {{AggregateUnit::kDay, At(0), At(2880)}});
  });
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
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

namespace callboard {

// Automatic FCR (kpi/auto_fcr.h) with a 60-minute window: the status round-trips, callers'
// inbound calls are found by range, and decisions are taken once, by repeat or by time.
TEST_P(StoreConformance, KpiAutomaticFcrIsDecidedOnceByRepeatOrByTime) {
  const std::chrono::milliseconds window = std::chrono::minutes(60);
  const std::string x = "+15550000001";
  const std::string y = "+15550000002";
  const std::string z = "+15550000003";
  auto source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(a_, "pbx", "calls-json", At(0)); });
  auto sales =
      Write<QueueConfig>([&](Transaction& tx) { return tx.Kpi().EnsureQueue(a_, "sales", At(0)); });
  auto agent = Write<int64_t>(
      [&](Transaction& tx) { return tx.Kpi().EnsureAgentByPbxId(a_, "SIP/1001", At(0)); });
  ASSERT_TRUE(source && sales && agent);
  std::vector<StoredCall> batch(7);
  auto set = [&](size_t i, const std::string& id, const std::string& queue, int minute,
                 CallOutcome outcome, const std::string& caller, FcrAuto status) {
    StoredCall& c = batch[i];
    c.source_id = source->id;
    c.call = Call(id, queue, At(minute), outcome, 5000);
    c.call.caller = caller;
    c.call.fcr.reset();
    c.fcr_auto = status;
    if (queue == "sales") c.queue_id = sales->id;
    if (outcome == CallOutcome::kAnswered) c.agent_id = *agent;
  };
  set(0, "c1", "sales", 0, CallOutcome::kAnswered, x, FcrAuto::kPending);
  set(1, "c2", "sales", 30, CallOutcome::kAnswered, x, FcrAuto::kPending);  // reaches c1 again
  // c2's second queue visit: the same PBX call, so not a repeat of c2.
  set(2, "c2", "support", 31, CallOutcome::kAnswered, x, FcrAuto::kNone);
  set(3, "c4", "sales", 10, CallOutcome::kAnswered, y, FcrAuto::kPending);
  set(4, "c5", "", 40, CallOutcome::kAnswered, y, FcrAuto::kNone);
  batch[4].call.direction = CallDirection::kOutbound;  // not reaching the tenant
  set(5, "c6", "sales", 5, CallOutcome::kAnswered, z, FcrAuto::kPending);
  set(6, "c7", "sales", 65, CallOutcome::kAbandoned, z, FcrAuto::kNone);  // at c6's window end
  ASSERT_TRUE(
      Write<std::vector<bool>>([&](Transaction& tx) { return tx.Kpi().InsertCalls(a_, batch); }));
  // Another tenant's call from y inside c4's window changes nothing for tenant a.
  auto b_source = Write<IngestSource>(
      [&](Transaction& tx) { return tx.Kpi().EnsureSource(b_, "pbx", "calls-json", At(0)); });
  ASSERT_TRUE(b_source);
  StoredCall b_call;
  b_call.source_id = b_source->id;
  b_call.call = Call("b1", "", At(20), CallOutcome::kAbandoned, 1000);
  b_call.call.caller = y;
  ASSERT_TRUE(Write<bool>([&](Transaction& tx) { return tx.Kpi().InsertCall(b_, b_call); }));

  auto status = [&](size_t i) {
    auto got = Read<StoredCall>([&](Transaction& tx) { return tx.Kpi().GetCall(a_, batch[i].id); });
    return got ? got->fcr_auto : FcrAuto::kNone;
  };
  EXPECT_EQ(status(0), FcrAuto::kPending);
  EXPECT_EQ(status(2), FcrAuto::kNone);

  // Inbound calls of x and y: by caller, then start; the outbound c5 and tenant b are not.
  auto rows = Read<std::vector<FcrCall>>([&](Transaction& tx) {
    return tx.Kpi().ReadInboundCallsOfCallers(a_, {y, x}, At(0), At(100));
  });
  ASSERT_TRUE(rows);
  std::vector<std::pair<std::string, TimePoint>> seen;
  for (const FcrCall& r : *rows) seen.emplace_back(r.pbx_call_id, r.started_at);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, TimePoint>>{
                      {"c1", At(0)}, {"c2", At(30)}, {"c2", At(31)}, {"c4", At(10)}}));
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].caller, x);
  EXPECT_EQ((*rows)[0].fcr_auto, FcrAuto::kPending);
  EXPECT_EQ((*rows)[2].fcr_auto, FcrAuto::kNone);
  auto later = Read<std::vector<FcrCall>>(
      [&](Transaction& tx) { return tx.Kpi().ReadInboundCallsOfCallers(a_, {x}, At(1), At(31)); });
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);  // [from, to): c1 before, the visit at 31 at the end
  EXPECT_EQ((*later)[0].id, batch[1].id);

  auto newest =
      Read<std::optional<TimePoint>>([&](Transaction& tx) { return tx.Kpi().NewestCallStart(a_); });
  ASSERT_TRUE(newest);
  EXPECT_EQ(*newest, At(65));

  // By time, up to minute 5: c1 was reached again at 30 (no); c6 only at its window's end (yes).
  auto decided = Write<std::vector<FcrChange>>(
      [&](Transaction& tx) { return tx.Kpi().DecideFcrPending(a_, At(5), window); });
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->size(), 2u);
  EXPECT_EQ((*decided)[0].id, batch[0].id);
  EXPECT_EQ((*decided)[0].from, FcrAuto::kPending);
  EXPECT_EQ((*decided)[0].to, FcrAuto::kNo);
  EXPECT_EQ((*decided)[0].queue_id, sales->id);
  EXPECT_EQ((*decided)[0].agent_id, *agent);
  EXPECT_EQ((*decided)[0].started_at, At(0));
  EXPECT_EQ((*decided)[1].id, batch[5].id);
  EXPECT_EQ((*decided)[1].to, FcrAuto::kYes);
  auto again = Write<std::vector<FcrChange>>(
      [&](Transaction& tx) { return tx.Kpi().DecideFcrPending(a_, At(5), window); });
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());

  // Marked repeated: c6 yes → no, c2 pending → no; c1 (already no) and the second visit (not
  // eligible) are left; another tenant marks nothing of tenant a.
  auto none = Write<std::vector<FcrChange>>(
      [&](Transaction& tx) { return tx.Kpi().MarkFcrRepeated(b_, {batch[3].id}); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto marked = Write<std::vector<FcrChange>>([&](Transaction& tx) {
    return tx.Kpi().MarkFcrRepeated(a_, {batch[5].id, batch[0].id, batch[2].id, batch[1].id});
  });
  ASSERT_TRUE(marked);
  ASSERT_EQ(marked->size(), 2u);
  std::map<int64_t, std::pair<FcrAuto, FcrAuto>> moves;
  for (const FcrChange& c : *marked) moves[c.id] = {c.from, c.to};
  EXPECT_EQ(moves, (std::map<int64_t, std::pair<FcrAuto, FcrAuto>>{
                       {batch[1].id, {FcrAuto::kPending, FcrAuto::kNo}},
                       {batch[5].id, {FcrAuto::kYes, FcrAuto::kNo}}}));
  EXPECT_EQ(status(0), FcrAuto::kNo);
  EXPECT_EQ(status(1), FcrAuto::kNo);
  EXPECT_EQ(status(2), FcrAuto::kNone);
  EXPECT_EQ(status(3), FcrAuto::kPending);
  EXPECT_EQ(status(5), FcrAuto::kNo);

  // c4: neither the outbound call nor tenant b's call reaches it again.
  auto rest = Write<std::vector<FcrChange>>(
      [&](Transaction& tx) { return tx.Kpi().DecideFcrPending(a_, At(100), window); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, batch[3].id);
  EXPECT_EQ((*rest)[0].to, FcrAuto::kYes);
  EXPECT_EQ(status(3), FcrAuto::kYes);
}

}  // namespace callboard
