-- Local-day and local-month rollups per registered zone: the PostgreSQL twin of
-- migrations/sqlite/0013_local_rollups.sql (same tables, columns and keys; bigint for INTEGER,
-- agent_row and unit smallint). A zone's rows are built when it is registered
-- (KpiStore::AddRollupZone) and from then on written in the same transaction as the 15-minute
-- rows (PgKpiStore::AddAggregates, AddAgentStates). Row-level security (ENABLE, FORCE and the
-- tenant policy) on the new tables is added by the migration runner, the app role's grants by
-- its role set-up, as for every table with a tenant_id.

CREATE TABLE rollup_zones (
  tenant_id  bigint NOT NULL,
  zone       text   COLLATE "C" NOT NULL,
  PRIMARY KEY (tenant_id, zone)
);

CREATE TABLE local_aggregate_rollups (
  tenant_id          bigint   NOT NULL,
  zone               text     COLLATE "C" NOT NULL,
  unit               smallint NOT NULL CHECK (unit IN (4, 5)),
  agent_row          smallint NOT NULL,
  bucket_start       bigint   NOT NULL,
  queue_id           bigint   NOT NULL,
  agent_id           bigint   NOT NULL,
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
  PRIMARY KEY (tenant_id, zone, unit, agent_row, bucket_start, queue_id, agent_id)
);

CREATE TABLE local_agent_state_rollups (
  tenant_id    bigint   NOT NULL,
  zone         text     COLLATE "C" NOT NULL,
  unit         smallint NOT NULL CHECK (unit IN (4, 5)),
  bucket_start bigint   NOT NULL,
  agent_id     bigint   NOT NULL,
  logged_in_ms bigint   NOT NULL,
  available_ms bigint   NOT NULL,
  on_call_ms   bigint   NOT NULL,
  acw_ms       bigint   NOT NULL,
  paused_ms    bigint   NOT NULL,
  PRIMARY KEY (tenant_id, zone, unit, bucket_start, agent_id)
);

CREATE TABLE local_agent_pause_rollups (
  tenant_id    bigint   NOT NULL,
  zone         text     COLLATE "C" NOT NULL,
  unit         smallint NOT NULL CHECK (unit IN (4, 5)),
  bucket_start bigint   NOT NULL,
  agent_id     bigint   NOT NULL,
  reason       text     COLLATE "C" NOT NULL,
  paused_ms    bigint   NOT NULL,
  PRIMARY KEY (tenant_id, zone, unit, bucket_start, agent_id, reason)
);
