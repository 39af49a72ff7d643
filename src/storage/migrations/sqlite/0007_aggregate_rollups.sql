-- Rollups of the 15-minute interval aggregates and agent state seconds per UTC hour (unit 1),
-- UTC day (unit 2) and UTC calendar month (unit 3), written in the same transaction as the
-- 15-minute rows (SqliteKpiStore::AddAggregates, AddAgentStates), so that a report reads the
-- largest whole units that fit inside its intervals instead of every 15-minute row of the
-- range (src/kpi/aggregate_unit.h). A rollup row is the exact sum of the 15-minute rows it
-- covers; max_wait_ms is their maximum. The wait histograms are one column per histogram
-- bucket (h0 … h14, edges in src/core/interval_counters.h), so that an upsert adds them in SQL.
-- This migration fills the rollups of an existing database from its 15-minute rows (about
-- 20 s of CPU per million 15-minute rows; docs/operations.md).

-- agent_row = (agent_id != 0) leads the key after the unit, so a queue report reaches the
-- queue totals of a range and an agent report the agent rows without walking the others.
CREATE TABLE aggregate_rollups (
  tenant_id        INTEGER NOT NULL,
  unit             INTEGER NOT NULL CHECK (unit IN (1, 2, 3)),
  agent_row        INTEGER NOT NULL,
  bucket_start     INTEGER NOT NULL,  -- the unit's UTC start, unix ms
  queue_id         INTEGER NOT NULL,
  agent_id         INTEGER NOT NULL,
  offered          INTEGER NOT NULL,
  answered         INTEGER NOT NULL,
  abandoned        INTEGER NOT NULL,
  short_abandoned  INTEGER NOT NULL,
  timed_out        INTEGER NOT NULL,
  other_unanswered INTEGER NOT NULL,
  wait_answered_ms INTEGER NOT NULL,
  wait_abandoned_ms INTEGER NOT NULL,
  max_wait_ms      INTEGER NOT NULL,
  talk_ms          INTEGER NOT NULL,
  hold_ms          INTEGER NOT NULL,
  acw_ms           INTEGER NOT NULL,
  handled          INTEGER NOT NULL,
  transfers        INTEGER NOT NULL,
  fcr_yes          INTEGER NOT NULL,
  fcr_known        INTEGER NOT NULL,
  csat_sum         INTEGER NOT NULL,
  csat_n           INTEGER NOT NULL,
  wait_answered_h0   INTEGER NOT NULL,
  wait_answered_h1   INTEGER NOT NULL,
  wait_answered_h2   INTEGER NOT NULL,
  wait_answered_h3   INTEGER NOT NULL,
  wait_answered_h4   INTEGER NOT NULL,
  wait_answered_h5   INTEGER NOT NULL,
  wait_answered_h6   INTEGER NOT NULL,
  wait_answered_h7   INTEGER NOT NULL,
  wait_answered_h8   INTEGER NOT NULL,
  wait_answered_h9   INTEGER NOT NULL,
  wait_answered_h10  INTEGER NOT NULL,
  wait_answered_h11  INTEGER NOT NULL,
  wait_answered_h12  INTEGER NOT NULL,
  wait_answered_h13  INTEGER NOT NULL,
  wait_answered_h14  INTEGER NOT NULL,
  wait_abandoned_h0  INTEGER NOT NULL,
  wait_abandoned_h1  INTEGER NOT NULL,
  wait_abandoned_h2  INTEGER NOT NULL,
  wait_abandoned_h3  INTEGER NOT NULL,
  wait_abandoned_h4  INTEGER NOT NULL,
  wait_abandoned_h5  INTEGER NOT NULL,
  wait_abandoned_h6  INTEGER NOT NULL,
  wait_abandoned_h7  INTEGER NOT NULL,
  wait_abandoned_h8  INTEGER NOT NULL,
  wait_abandoned_h9  INTEGER NOT NULL,
  wait_abandoned_h10 INTEGER NOT NULL,
  wait_abandoned_h11 INTEGER NOT NULL,
  wait_abandoned_h12 INTEGER NOT NULL,
  wait_abandoned_h13 INTEGER NOT NULL,
  wait_abandoned_h14 INTEGER NOT NULL,
  CHECK (agent_row = (agent_id != 0)),
  PRIMARY KEY (tenant_id, unit, agent_row, bucket_start, queue_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE agent_state_rollups (
  tenant_id    INTEGER NOT NULL,
  unit         INTEGER NOT NULL CHECK (unit IN (1, 2, 3)),
  bucket_start INTEGER NOT NULL,
  agent_id     INTEGER NOT NULL,
  logged_in_ms INTEGER NOT NULL,
  available_ms INTEGER NOT NULL,
  on_call_ms   INTEGER NOT NULL,
  acw_ms       INTEGER NOT NULL,
  paused_ms    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, unit, bucket_start, agent_id)
) WITHOUT ROWID;

-- Paused time by reason ('' when the PBX gave none), one row per reason: agent_state_seconds
-- keeps them as text, which an upsert cannot add.
CREATE TABLE agent_pause_rollups (
  tenant_id    INTEGER NOT NULL,
  unit         INTEGER NOT NULL CHECK (unit IN (1, 2, 3)),
  bucket_start INTEGER NOT NULL,
  agent_id     INTEGER NOT NULL,
  reason       TEXT    NOT NULL,
  paused_ms    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, unit, bucket_start, agent_id, reason)
) WITHOUT ROWID;

-- Hours from the 15-minute rows (their histograms are comma-separated text).
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2, wait_abandoned_h3,
  wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6, wait_abandoned_h7, wait_abandoned_h8,
  wait_abandoned_h9, wait_abandoned_h10, wait_abandoned_h11, wait_abandoned_h12,
  wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 1, agent_id != 0, start, queue_id, agent_id,
       SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), SUM(timed_out),
       SUM(other_unanswered), SUM(wait_answered_ms), SUM(wait_abandoned_ms), MAX(max_wait_ms),
       SUM(talk_ms), SUM(hold_ms), SUM(acw_ms), SUM(handled), SUM(transfers), SUM(fcr_yes),
       SUM(fcr_known), SUM(csat_sum), SUM(csat_n), SUM(ifnull(json_extract(ha, '$[0]'), 0)),
       SUM(ifnull(json_extract(ha, '$[1]'), 0)), SUM(ifnull(json_extract(ha, '$[2]'), 0)),
       SUM(ifnull(json_extract(ha, '$[3]'), 0)), SUM(ifnull(json_extract(ha, '$[4]'), 0)),
       SUM(ifnull(json_extract(ha, '$[5]'), 0)), SUM(ifnull(json_extract(ha, '$[6]'), 0)),
       SUM(ifnull(json_extract(ha, '$[7]'), 0)), SUM(ifnull(json_extract(ha, '$[8]'), 0)),
       SUM(ifnull(json_extract(ha, '$[9]'), 0)), SUM(ifnull(json_extract(ha, '$[10]'), 0)),
       SUM(ifnull(json_extract(ha, '$[11]'), 0)), SUM(ifnull(json_extract(ha, '$[12]'), 0)),
       SUM(ifnull(json_extract(ha, '$[13]'), 0)), SUM(ifnull(json_extract(ha, '$[14]'), 0)),
       SUM(ifnull(json_extract(hb, '$[0]'), 0)), SUM(ifnull(json_extract(hb, '$[1]'), 0)),
       SUM(ifnull(json_extract(hb, '$[2]'), 0)), SUM(ifnull(json_extract(hb, '$[3]'), 0)),
       SUM(ifnull(json_extract(hb, '$[4]'), 0)), SUM(ifnull(json_extract(hb, '$[5]'), 0)),
       SUM(ifnull(json_extract(hb, '$[6]'), 0)), SUM(ifnull(json_extract(hb, '$[7]'), 0)),
       SUM(ifnull(json_extract(hb, '$[8]'), 0)), SUM(ifnull(json_extract(hb, '$[9]'), 0)),
       SUM(ifnull(json_extract(hb, '$[10]'), 0)), SUM(ifnull(json_extract(hb, '$[11]'), 0)),
       SUM(ifnull(json_extract(hb, '$[12]'), 0)), SUM(ifnull(json_extract(hb, '$[13]'), 0)),
       SUM(ifnull(json_extract(hb, '$[14]'), 0))
FROM (SELECT *, bucket_start - ((bucket_start % 3600000) + 3600000) % 3600000 AS start,
             '[' || wait_answered_hist || ']' AS ha, '[' || wait_abandoned_hist || ']' AS hb
      FROM interval_aggregates)
GROUP BY tenant_id, start, queue_id, agent_id;
-- Days from the hours.
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2, wait_abandoned_h3,
  wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6, wait_abandoned_h7, wait_abandoned_h8,
  wait_abandoned_h9, wait_abandoned_h10, wait_abandoned_h11, wait_abandoned_h12,
  wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 2, agent_row, start, queue_id, agent_id,
       SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), SUM(timed_out),
       SUM(other_unanswered), SUM(wait_answered_ms), SUM(wait_abandoned_ms), MAX(max_wait_ms),
       SUM(talk_ms), SUM(hold_ms), SUM(acw_ms), SUM(handled), SUM(transfers), SUM(fcr_yes),
       SUM(fcr_known), SUM(csat_sum), SUM(csat_n), SUM(wait_answered_h0), SUM(wait_answered_h1),
       SUM(wait_answered_h2), SUM(wait_answered_h3), SUM(wait_answered_h4),
       SUM(wait_answered_h5), SUM(wait_answered_h6), SUM(wait_answered_h7),
       SUM(wait_answered_h8), SUM(wait_answered_h9), SUM(wait_answered_h10),
       SUM(wait_answered_h11), SUM(wait_answered_h12), SUM(wait_answered_h13),
       SUM(wait_answered_h14), SUM(wait_abandoned_h0), SUM(wait_abandoned_h1),
       SUM(wait_abandoned_h2), SUM(wait_abandoned_h3), SUM(wait_abandoned_h4),
       SUM(wait_abandoned_h5), SUM(wait_abandoned_h6), SUM(wait_abandoned_h7),
       SUM(wait_abandoned_h8), SUM(wait_abandoned_h9), SUM(wait_abandoned_h10),
       SUM(wait_abandoned_h11), SUM(wait_abandoned_h12), SUM(wait_abandoned_h13),
       SUM(wait_abandoned_h14)
FROM (SELECT *, bucket_start - ((bucket_start % 86400000) + 86400000) % 86400000 AS start FROM aggregate_rollups WHERE unit = 1)
GROUP BY tenant_id, agent_row, start, queue_id, agent_id;
-- Months from the days.
INSERT INTO aggregate_rollups (
  tenant_id, unit, agent_row, bucket_start, queue_id, agent_id, offered, answered, abandoned,
  short_abandoned, timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms,
  max_wait_ms, talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,
  csat_n, wait_answered_h0, wait_answered_h1, wait_answered_h2, wait_answered_h3,
  wait_answered_h4, wait_answered_h5, wait_answered_h6, wait_answered_h7, wait_answered_h8,
  wait_answered_h9, wait_answered_h10, wait_answered_h11, wait_answered_h12, wait_answered_h13,
  wait_answered_h14, wait_abandoned_h0, wait_abandoned_h1, wait_abandoned_h2, wait_abandoned_h3,
  wait_abandoned_h4, wait_abandoned_h5, wait_abandoned_h6, wait_abandoned_h7, wait_abandoned_h8,
  wait_abandoned_h9, wait_abandoned_h10, wait_abandoned_h11, wait_abandoned_h12,
  wait_abandoned_h13, wait_abandoned_h14)
SELECT tenant_id, 3, agent_row, start, queue_id, agent_id,
       SUM(offered), SUM(answered), SUM(abandoned), SUM(short_abandoned), SUM(timed_out),
       SUM(other_unanswered), SUM(wait_answered_ms), SUM(wait_abandoned_ms), MAX(max_wait_ms),
       SUM(talk_ms), SUM(hold_ms), SUM(acw_ms), SUM(handled), SUM(transfers), SUM(fcr_yes),
       SUM(fcr_known), SUM(csat_sum), SUM(csat_n), SUM(wait_answered_h0), SUM(wait_answered_h1),
       SUM(wait_answered_h2), SUM(wait_answered_h3), SUM(wait_answered_h4),
       SUM(wait_answered_h5), SUM(wait_answered_h6), SUM(wait_answered_h7),
       SUM(wait_answered_h8), SUM(wait_answered_h9), SUM(wait_answered_h10),
       SUM(wait_answered_h11), SUM(wait_answered_h12), SUM(wait_answered_h13),
       SUM(wait_answered_h14), SUM(wait_abandoned_h0), SUM(wait_abandoned_h1),
       SUM(wait_abandoned_h2), SUM(wait_abandoned_h3), SUM(wait_abandoned_h4),
       SUM(wait_abandoned_h5), SUM(wait_abandoned_h6), SUM(wait_abandoned_h7),
       SUM(wait_abandoned_h8), SUM(wait_abandoned_h9), SUM(wait_abandoned_h10),
       SUM(wait_abandoned_h11), SUM(wait_abandoned_h12), SUM(wait_abandoned_h13),
       SUM(wait_abandoned_h14)
FROM (SELECT *, CAST(strftime('%s', bucket_start / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 AS start FROM aggregate_rollups WHERE unit = 2)
GROUP BY tenant_id, agent_row, start, queue_id, agent_id;

INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 1, start, agent_id, SUM(logged_in_ms), SUM(available_ms), SUM(on_call_ms), SUM(acw_ms), SUM(paused_ms)
FROM (SELECT *, bucket_start - ((bucket_start % 3600000) + 3600000) % 3600000 AS start FROM agent_state_seconds)
GROUP BY tenant_id, start, agent_id;
INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 2, start, agent_id, SUM(logged_in_ms), SUM(available_ms), SUM(on_call_ms), SUM(acw_ms), SUM(paused_ms)
FROM (SELECT *, bucket_start - ((bucket_start % 86400000) + 86400000) % 86400000 AS start FROM agent_state_rollups WHERE unit = 1)
GROUP BY tenant_id, start, agent_id;
INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)
SELECT tenant_id, 3, start, agent_id, SUM(logged_in_ms), SUM(available_ms), SUM(on_call_ms), SUM(acw_ms), SUM(paused_ms)
FROM (SELECT *, CAST(strftime('%s', bucket_start / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 AS start FROM agent_state_rollups WHERE unit = 2)
GROUP BY tenant_id, start, agent_id;

-- Pause reasons: agent_state_seconds.paused_by_reason holds "reason=ms" lines separated by
-- '\n' (the milliseconds are digits, so the reason is what rtrim leaves before the last '=').
WITH RECURSIVE lines (tenant_id, agent_id, bucket_start, line, rest) AS (
  SELECT tenant_id, agent_id, bucket_start, NULL, paused_by_reason || char(10)
  FROM agent_state_seconds WHERE paused_by_reason != ''
  UNION ALL
  SELECT tenant_id, agent_id, bucket_start, substr(rest, 1, instr(rest, char(10)) - 1),
         substr(rest, instr(rest, char(10)) + 1)
  FROM lines WHERE rest != ''
)
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT tenant_id, 1, start, agent_id, reason, SUM(ms)
FROM (SELECT tenant_id, agent_id, bucket_start - ((bucket_start % 3600000) + 3600000) % 3600000 AS start,
             substr(line, 1, length(rtrim(line, '0123456789')) - 1) AS reason,
             CAST(substr(line, length(rtrim(line, '0123456789')) + 1) AS INTEGER) AS ms
      FROM lines WHERE line IS NOT NULL AND instr(line, '=') > 0)
GROUP BY tenant_id, start, agent_id, reason;
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT tenant_id, 2, start, agent_id, reason, SUM(paused_ms)
FROM (SELECT *, bucket_start - ((bucket_start % 86400000) + 86400000) % 86400000 AS start FROM agent_pause_rollups WHERE unit = 1)
GROUP BY tenant_id, start, agent_id, reason;
INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason, paused_ms)
SELECT tenant_id, 3, start, agent_id, reason, SUM(paused_ms)
FROM (SELECT *, CAST(strftime('%s', bucket_start / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000 AS start FROM agent_pause_rollups WHERE unit = 2)
GROUP BY tenant_id, start, agent_id, reason;
