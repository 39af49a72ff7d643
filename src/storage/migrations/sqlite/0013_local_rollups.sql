-- Local-day and local-month rollups (DESIGN §3.3: daily rollups in the tenant's or site's time
-- zone), kept per zone the tenant registered in rollup_zones, beside the UTC rollups of 0007.
-- A local day of zone Z starts at the first 15-minute bucket at or after local midnight in Z
-- (as a report's day, src/core/intervals.h), so DST days hold 23 or 25 hours of buckets, and
-- an Asia/Kolkata day starts at 18:30Z; a local month likewise. A row is the exact sum of the
-- 15-minute rows from its start up to the next local unit's start (max_wait_ms: their
-- maximum), so a report by day, week or month in Z reads one row per local day or month
-- instead of the UTC hours inside it (src/kpi/aggregate_unit.h).
--
-- A zone's rows are built from the stored UTC days, hours and buckets when it is registered
-- (KpiStore::AddRollupZone, done for every site zone by the next ingest batch, or by
-- `callboard rollups add`), and from then on written in the same transaction as the
-- 15-minute rows (SqliteKpiStore::AddAggregates, AddAgentStates). Nothing is filled here.

-- The zones whose local rollups are complete and maintained.
CREATE TABLE rollup_zones (
  tenant_id  INTEGER NOT NULL,
  zone       TEXT    NOT NULL,  -- IANA name, e.g. America/New_York
  PRIMARY KEY (tenant_id, zone)
) WITHOUT ROWID;

-- unit 4 = local day, 5 = local month (AggregateUnit); bucket_start is the unit's UTC start.
CREATE TABLE local_aggregate_rollups (
  tenant_id        INTEGER NOT NULL,
  zone             TEXT    NOT NULL,
  unit             INTEGER NOT NULL CHECK (unit IN (4, 5)),
  agent_row        INTEGER NOT NULL,
  bucket_start     INTEGER NOT NULL,
  queue_id         INTEGER NOT NULL,
  agent_id         INTEGER NOT NULL,
  offered            INTEGER NOT NULL,
  answered           INTEGER NOT NULL,
  abandoned          INTEGER NOT NULL,
  short_abandoned    INTEGER NOT NULL,
  timed_out          INTEGER NOT NULL,
  other_unanswered   INTEGER NOT NULL,
  wait_answered_ms   INTEGER NOT NULL,
  wait_abandoned_ms  INTEGER NOT NULL,
  max_wait_ms        INTEGER NOT NULL,
  talk_ms            INTEGER NOT NULL,
  hold_ms            INTEGER NOT NULL,
  acw_ms             INTEGER NOT NULL,
  handled            INTEGER NOT NULL,
  transfers          INTEGER NOT NULL,
  fcr_yes            INTEGER NOT NULL,
  fcr_known          INTEGER NOT NULL,
  csat_sum           INTEGER NOT NULL,
  csat_n             INTEGER NOT NULL,
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
  PRIMARY KEY (tenant_id, zone, unit, agent_row, bucket_start, queue_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE local_agent_state_rollups (
  tenant_id    INTEGER NOT NULL,
  zone         TEXT    NOT NULL,
  unit         INTEGER NOT NULL CHECK (unit IN (4, 5)),
  bucket_start INTEGER NOT NULL,
  agent_id     INTEGER NOT NULL,
  logged_in_ms INTEGER NOT NULL,
  available_ms INTEGER NOT NULL,
  on_call_ms   INTEGER NOT NULL,
  acw_ms       INTEGER NOT NULL,
  paused_ms    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, zone, unit, bucket_start, agent_id)
) WITHOUT ROWID;

CREATE TABLE local_agent_pause_rollups (
  tenant_id    INTEGER NOT NULL,
  zone         TEXT    NOT NULL,
  unit         INTEGER NOT NULL CHECK (unit IN (4, 5)),
  bucket_start INTEGER NOT NULL,
  agent_id     INTEGER NOT NULL,
  reason       TEXT    NOT NULL,
  paused_ms    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, zone, unit, bucket_start, agent_id, reason)
) WITHOUT ROWID;
