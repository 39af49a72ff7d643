-- Telephony data and the KPI engine (DESIGN §3): queues with versioned KPI settings,
-- ingest sources with checkpoints, calls (append-only, idempotent by natural key),
-- 15-minute interval aggregates, agent state seconds and rejected lines.

CREATE TABLE queues (
  id               INTEGER PRIMARY KEY,
  tenant_id        INTEGER NOT NULL REFERENCES tenants (id),
  name             TEXT    NOT NULL,
  sl_threshold_s   INTEGER NOT NULL DEFAULT 20,
  short_abandon_s  INTEGER NOT NULL DEFAULT 5,
  sl_formula       TEXT    NOT NULL DEFAULT 'abandons_count',
  target_sl        REAL,
  settings_version INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  deleted_at       INTEGER,
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX queues_name ON queues (tenant_id, name) WHERE deleted_at IS NULL;

CREATE TABLE ingest_sources (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
  name       TEXT    NOT NULL,
  format     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE ingest_checkpoints (
  tenant_id  INTEGER NOT NULL,
  source_id  INTEGER NOT NULL,
  stream     TEXT    NOT NULL,
  position   INTEGER NOT NULL,
  state      TEXT    NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, source_id, stream),
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id)
) WITHOUT ROWID;

CREATE TABLE calls (
  id             INTEGER PRIMARY KEY,
  tenant_id      INTEGER NOT NULL,
  source_id      INTEGER NOT NULL,
  pbx_call_id    TEXT    NOT NULL,
  queue_id       INTEGER,
  agent_id       INTEGER,
  direction      TEXT    NOT NULL,
  queue_name     TEXT    NOT NULL DEFAULT '',
  agent_pbx_id   TEXT    NOT NULL DEFAULT '',
  caller         TEXT    NOT NULL DEFAULT '',
  callee         TEXT    NOT NULL DEFAULT '',
  started_at     INTEGER NOT NULL,
  answered_at    INTEGER,
  ended_at       INTEGER NOT NULL,
  wait_ms        INTEGER NOT NULL,
  talk_ms        INTEGER NOT NULL,
  hold_ms        INTEGER NOT NULL,
  acw_ms         INTEGER NOT NULL,
  outcome        TEXT    NOT NULL,
  transfer_count INTEGER NOT NULL DEFAULT 0,
  transferred_to TEXT    NOT NULL DEFAULT '',
  disposition    TEXT    NOT NULL DEFAULT '',
  call_type      TEXT    NOT NULL DEFAULT '',
  fcr            INTEGER,
  csat           INTEGER,
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id),
  FOREIGN KEY (tenant_id, queue_id) REFERENCES queues (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
-- The natural key: replaying a source never stores a call twice.
CREATE UNIQUE INDEX calls_natural ON calls (tenant_id, source_id, pbx_call_id, queue_name, started_at);
CREATE INDEX calls_started ON calls (tenant_id, started_at);
CREATE INDEX calls_agent ON calls (tenant_id, agent_id, started_at);

-- Additive counters per queue × agent (0 = queue total) × 15-minute bucket (UTC start, ms).
-- Histograms are 15 comma-separated counts (edges 5 … 600 s, then > 600 s).
CREATE TABLE interval_aggregates (
  tenant_id        INTEGER NOT NULL,
  queue_id         INTEGER NOT NULL,
  agent_id         INTEGER NOT NULL,
  bucket_start     INTEGER NOT NULL,
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
  wait_answered_hist  TEXT NOT NULL,
  wait_abandoned_hist TEXT NOT NULL,
  PRIMARY KEY (tenant_id, bucket_start, queue_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE agent_state_seconds (
  tenant_id     INTEGER NOT NULL,
  agent_id      INTEGER NOT NULL,
  bucket_start  INTEGER NOT NULL,
  logged_in_ms  INTEGER NOT NULL,
  available_ms  INTEGER NOT NULL,
  on_call_ms    INTEGER NOT NULL,
  acw_ms        INTEGER NOT NULL,
  paused_ms     INTEGER NOT NULL,
  paused_by_reason TEXT NOT NULL DEFAULT '',  -- "reason=ms" pairs separated by '\n'
  PRIMARY KEY (tenant_id, bucket_start, agent_id)
) WITHOUT ROWID;

CREATE TABLE ingest_rejects (
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  source_id INTEGER NOT NULL,
  stream    TEXT    NOT NULL,
  line      INTEGER NOT NULL,
  raw       TEXT    NOT NULL,
  reason    TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id)
);
CREATE INDEX ingest_rejects_source ON ingest_rejects (tenant_id, source_id, id);
-- A replayed line is rejected once.
CREATE UNIQUE INDEX ingest_rejects_line ON ingest_rejects (tenant_id, source_id, stream, line);
