-- Rollups of the 15-minute interval aggregates and agent state seconds per UTC hour (unit 1),
-- UTC day (unit 2) and UTC calendar month (unit 3): the PostgreSQL twin of
-- migrations/sqlite/0007_aggregate_rollups.sql (same tables, columns and keys; bigint for
-- INTEGER, agent_row smallint 0/1). They are written in the same transaction as the 15-minute
-- rows (PgKpiStore::AddAggregates, AddAgentStates), so that a report reads the largest whole
-- units that fit inside its intervals (src/kpi/aggregate_unit.h). A rollup row is the exact
-- sum of the 15-minute rows it covers; max_wait_ms is their maximum. The wait histograms are
-- one column per histogram bucket (h0 … h14), so that an upsert adds them in SQL. Row-level
-- security on the new tables is added by the migration runner.
--
-- This migration fills the rollups of an existing database from its 15-minute rows. The
-- migration runs as the table owner, whom FORCE ROW LEVEL SECURITY would show no row without
-- a tenant: the two source tables are read with FORCE lifted inside this transaction (the app
-- role is never the owner, so it is not affected) and FORCE is set again at the end.

ALTER TABLE interval_aggregates NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_state_seconds NO FORCE ROW LEVEL SECURITY;

-- agent_row = (agent_id <> 0) leads the key after the unit, so a queue report reaches the
-- queue totals of a range and an agent report the agent rows without walking the others.
CREATE TABLE aggregate_rollups (
  tenant_id         bigint   NOT NULL,
  unit              smallint NOT NULL CHECK (unit IN (1, 2, 3)),
  agent_row         smallint NOT NULL,
  bucket_start      bigint   NOT NULL,  -- the unit's UTC start, unix ms
  queue_id          bigint   NOT NULL,
  agent_id          bigint   NOT NULL,
  offered            bigint   NOT NULL,
  answered           bigint   NOT NULL,
  abandoned          bigint   NOT NULL,
  short_abandoned    bigint   NOT NULL,
  timed_out          bigint   NOT NULL,
  other_unanswered   bigint   NOT NULL,
  wait_answered_ms   bigint   NOT NULL,
  wait_abandoned_ms  bigint   NOT NULL,
  max_wait_ms        bigint   NOT NULL,
  talk_ms            bigint   NOT NULL,
  hold_ms            bigint   NOT NULL,
  acw_ms             bigint   NOT NULL,
  handled            bigint   NOT NULL,
  transfers          bigint   NOT NULL,
  fcr_yes            bigint   NOT NULL,
  fcr_known          bigint   NOT NULL,
  csat_sum           bigint   NOT NULL,
  csat_n             bigint   NOT NULL,
  wait_answered_h0   bigint   NOT NULL,
  wait_answered_h1   bigint   NOT NULL,
  wait_answered_h2   bigint   NOT NULL,
  wait_answered_h3   bigint   NOT NULL,
  wait_answered_h4   bigint   NOT NULL,
  wait_answered_h5   bigint   NOT NULL,
  wait_answered_h6   bigint   NOT NULL,
  wait_answered_h7   bigint   NOT NULL,
  wait_answered_h8   bigint   NOT NULL,
  wait_answered_h9   bigint   NOT NULL,
  wait_answered_h10  bigint   NOT NULL,
  wait_answered_h11  bigint   NOT NULL,
  wait_answered_h12  bigint   NOT NULL,
  wait_answered_h13  bigint   NOT NULL,
  wait_answered_h14  bigint   NOT NULL,
  wait_abandoned_h0  bigint   NOT NULL,
  wait_abandoned_h1  bigint   NOT NULL,
  wait_abandoned_h2  bigint   NOT NULL,
  wait_abandoned_h3  bigint   NOT NULL,
  wait_abandoned_h4  bigint   NOT NULL,
  wait_abandoned_h5  bigint   NOT NULL,
  wait_abandoned_h6  bigint   NOT NULL,
  wait_abandoned_h7  bigint   NOT NULL,
  wait_abandoned_h8  bigint   NOT NULL,
  wait_abandoned_h9  bigint   NOT NULL,
  wait_abandoned_h10 bigint   NOT NULL,
  wait_abandoned_h11 bigint   NOT NULL,
  wait_abandoned_h12 bigint   NOT NULL,
  wait_abandoned_h13 bigint   NOT NULL,
  wait_abandoned_h14 bigint   NOT NULL,
  CHECK (agent_row = (agent_id <> 0)::int),
  PRIMARY KEY (tenant_id, unit, agent_row, bucket_start, queue_id, agent_id)
);

CREATE TABLE agent_state_rollups (
  tenant_id    bigint   NOT NULL,
  unit         smallint NOT NULL CHECK (unit IN (1, 2, 3)),
  bucket_start bigint   NOT NULL,
  agent_id     bigint   NOT NULL,
  logged_in_ms bigint   NOT NULL,
  available_ms bigint   NOT NULL,
  on_call_ms   bigint   NOT NULL,
  acw_ms       bigint   NOT NULL,
  paused_ms    bigint   NOT NULL,
  PRIMARY KEY (tenant_id, unit, bucket_start, agent_id)
);

-- Paused time by reason ('' when the PBX gave none), one row per reason.
CREATE TABLE agent_pause_rollups (
  tenant_id    bigint   NOT NULL,
  unit         smallint NOT NULL CHECK (unit IN (1, 2, 3)),
  bucket_start bigint   NOT NULL,
  agent_id     bigint   NOT NULL,
  reason       text     COLLATE "C" NOT NULL,
  paused_ms    bigint   NOT NULL,
  PRIMARY KEY (tenant_id, unit, bucket_start, agent_id, reason)
);

-- Hours from the 15-minute rows (their histograms are bigint[], 1-based).
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2,
  wait_abandoned_h3, wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6,
  wait_abandoned_h7, wait_abandoned_h8, wait_abandoned_h9, wait_abandoned_h10,
  wait_abandoned_h11, wait_abandoned_h12, wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 1, (agent_id <> 0)::int, start, queue_id, agent_id,
       sum(offered), sum(answered), sum(abandoned), sum(short_abandoned), sum(timed_out),
       sum(other_unanswered), sum(wait_answered_ms), sum(wait_abandoned_ms), max(max_wait_ms),
       sum(talk_ms), sum(hold_ms), sum(acw_ms), sum(handled), sum(transfers), sum(fcr_yes),
       sum(fcr_known), sum(csat_sum), sum(csat_n), sum(coalesce(wait_answered_hist[1], 0)),
       sum(coalesce(wait_answered_hist[2], 0)), sum(coalesce(wait_answered_hist[3], 0)),
       sum(coalesce(wait_answered_hist[4], 0)), sum(coalesce(wait_answered_hist[5], 0)),
       sum(coalesce(wait_answered_hist[6], 0)), sum(coalesce(wait_answered_hist[7], 0)),
       sum(coalesce(wait_answered_hist[8], 0)), sum(coalesce(wait_answered_hist[9], 0)),
       sum(coalesce(wait_answered_hist[10], 0)), sum(coalesce(wait_answered_hist[11], 0)),
       sum(coalesce(wait_answered_hist[12], 0)), sum(coalesce(wait_answered_hist[13], 0)),
       sum(coalesce(wait_answered_hist[14], 0)), sum(coalesce(wait_answered_hist[15], 0)),
       sum(coalesce(wait_abandoned_hist[1], 0)), sum(coalesce(wait_abandoned_hist[2], 0)),
       sum(coalesce(wait_abandoned_hist[3], 0)), sum(coalesce(wait_abandoned_hist[4], 0)),
       sum(coalesce(wait_abandoned_hist[5], 0)), sum(coalesce(wait_abandoned_hist[6], 0)),
       sum(coalesce(wait_abandoned_hist[7], 0)), sum(coalesce(wait_abandoned_hist[8], 0)),
       sum(coalesce(wait_abandoned_hist[9], 0)), sum(coalesce(wait_abandoned_hist[10], 0)),
       sum(coalesce(wait_abandoned_hist[11], 0)), sum(coalesce(wait_abandoned_hist[12], 0)),
       sum(coalesce(wait_abandoned_hist[13], 0)), sum(coalesce(wait_abandoned_hist[14], 0)),
       sum(coalesce(wait_abandoned_hist[15], 0))
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 3600000) + 3600000, 3600000) AS start
      FROM interval_aggregates) AS b
GROUP BY tenant_id, start, queue_id, agent_id;
-- Days from the hours.
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2,
  wait_abandoned_h3, wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6,
  wait_abandoned_h7, wait_abandoned_h8, wait_abandoned_h9, wait_abandoned_h10,
  wait_abandoned_h11, wait_abandoned_h12, wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 2, agent_row, start, queue_id, agent_id,
       sum(offered), sum(answered), sum(abandoned), sum(short_abandoned), sum(timed_out),
       sum(other_unanswered), sum(wait_answered_ms), sum(wait_abandoned_ms), max(max_wait_ms),
       sum(talk_ms), sum(hold_ms), sum(acw_ms), sum(handled), sum(transfers), sum(fcr_yes),
       sum(fcr_known), sum(csat_sum), sum(csat_n), sum(wait_answered_h0),
       sum(wait_answered_h1), sum(wait_answered_h2), sum(wait_answered_h3),
       sum(wait_answered_h4), sum(wait_answered_h5), sum(wait_answered_h6),
       sum(wait_answered_h7), sum(wait_answered_h8), sum(wait_answered_h9),
       sum(wait_answered_h10), sum(wait_answered_h11), sum(wait_answered_h12),
       sum(wait_answered_h13), sum(wait_answered_h14), sum(wait_abandoned_h0),
       sum(wait_abandoned_h1), sum(wait_abandoned_h2), sum(wait_abandoned_h3),
       sum(wait_abandoned_h4), sum(wait_abandoned_h5), sum(wait_abandoned_h6),
       sum(wait_abandoned_h7), sum(wait_abandoned_h8), sum(wait_abandoned_h9),
       sum(wait_abandoned_h10), sum(wait_abandoned_h11), sum(wait_abandoned_h12),
       sum(wait_abandoned_h13), sum(wait_abandoned_h14)
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 86400000) + 86400000, 86400000) AS start
      FROM aggregate_rollups WHERE unit = 1) AS r
GROUP BY tenant_id, agent_row, start, queue_id, agent_id;
-- Months from the days.
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2,
  wait_abandoned_h3, wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6,
  wait_abandoned_h7, wait_abandoned_h8, wait_abandoned_h9, wait_abandoned_h10,
  wait_abandoned_h11, wait_abandoned_h12, wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 3, agent_row, start, queue_id, agent_id,
       sum(offered), sum(answered), sum(abandoned), sum(short_abandoned), sum(timed_out),
       sum(other_unanswered), sum(wait_answered_ms), sum(wait_abandoned_ms), max(max_wait_ms),
       sum(talk_ms), sum(hold_ms), sum(acw_ms), sum(handled), sum(transfers), sum(fcr_yes),
       sum(fcr_known), sum(csat_sum), sum(csat_n), sum(wait_answered_h0),
       sum(wait_answered_h1), sum(wait_answered_h2), sum(wait_answered_h3),
       sum(wait_answered_h4), sum(wait_answered_h5), sum(wait_answered_h6),
       sum(wait_answered_h7), sum(wait_answered_h8), sum(wait_answered_h9),
       sum(wait_answered_h10), sum(wait_answered_h11), sum(wait_answered_h12),
       sum(wait_answered_h13), sum(wait_answered_h14), sum(wait_abandoned_h0),
       sum(wait_abandoned_h1), sum(wait_abandoned_h2), sum(wait_abandoned_h3),
       sum(wait_abandoned_h4), sum(wait_abandoned_h5), sum(wait_abandoned_h6),
       sum(wait_abandoned_h7), sum(wait_abandoned_h8), sum(wait_abandoned_h9),
       sum(wait_abandoned_h10), sum(wait_abandoned_h11), sum(wait_abandoned_h12),
       sum(wait_abandoned_h13), sum(wait_abandoned_h14)
FROM (SELECT *, (extract(epoch FROM date_trunc('month', to_timestamp(bucket_start / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint AS start
      FROM aggregate_rollups WHERE unit = 2) AS r
GROUP BY tenant_id, agent_row, start, queue_id, agent_id;

INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 1, start, agent_id, sum(logged_in_ms), sum(available_ms), sum(on_call_ms), sum(acw_ms), sum(paused_ms)
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 3600000) + 3600000, 3600000) AS start
      FROM agent_state_seconds) AS s
GROUP BY tenant_id, start, agent_id;
INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 2, start, agent_id, sum(logged_in_ms), sum(available_ms), sum(on_call_ms), sum(acw_ms), sum(paused_ms)
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 86400000) + 86400000, 86400000) AS start
      FROM agent_state_rollups WHERE unit = 1) AS s
GROUP BY tenant_id, start, agent_id;
INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 3, start, agent_id, sum(logged_in_ms), sum(available_ms), sum(on_call_ms), sum(acw_ms), sum(paused_ms)
FROM (SELECT *, (extract(epoch FROM date_trunc('month', to_timestamp(bucket_start / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint AS start
      FROM agent_state_rollups WHERE unit = 2) AS s
GROUP BY tenant_id, start, agent_id;

-- Pause reasons: agent_state_seconds.paused_by_reason is a jsonb object {"reason": ms}.
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT s.tenant_id, 1, s.start, s.agent_id, r.key, sum(r.value::bigint)
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 3600000) + 3600000, 3600000) AS start
      FROM agent_state_seconds) AS s, jsonb_each_text(s.paused_by_reason) AS r
GROUP BY s.tenant_id, s.start, s.agent_id, r.key;
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT tenant_id, 2, start, agent_id, reason, sum(paused_ms)
FROM (SELECT *, bucket_start - mod(mod(bucket_start, 86400000) + 86400000, 86400000) AS start
      FROM agent_pause_rollups WHERE unit = 1) AS p
GROUP BY tenant_id, start, agent_id, reason;
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT tenant_id, 3, start, agent_id, reason, sum(paused_ms)
FROM (SELECT *, (extract(epoch FROM date_trunc('month', to_timestamp(bucket_start / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint AS start
      FROM agent_pause_rollups WHERE unit = 2) AS p
GROUP BY tenant_id, start, agent_id, reason;

ALTER TABLE interval_aggregates FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_state_seconds FORCE ROW LEVEL SECURITY;
