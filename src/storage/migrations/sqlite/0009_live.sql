-- Live operations (issue 4): pause reasons, every agent state interval, the current state of
-- each agent (so a restart keeps the floor as it was), alert rules and alerts.

CREATE TABLE pause_reasons (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  colour      TEXT    NOT NULL DEFAULT '#888888',
  productive  INTEGER NOT NULL DEFAULT 0,
  max_minutes INTEGER,             -- NULL: no maximum
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX pause_reasons_name ON pause_reasons (tenant_id, name) WHERE active = 1;

-- One row per closed state interval: [started_at, ended_at) in milliseconds since the epoch.
CREATE TABLE agent_state_log (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL,
  agent_id   INTEGER NOT NULL,
  state      TEXT    NOT NULL,
  reason     TEXT    NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  ended_at   INTEGER NOT NULL,
  origin     TEXT    NOT NULL,    -- pbx, agent, override
  actor      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX agent_state_log_agent ON agent_state_log (tenant_id, agent_id, started_at);

CREATE TABLE agent_live_states (
  tenant_id INTEGER NOT NULL,
  agent_id  INTEGER NOT NULL,
  state     TEXT    NOT NULL,
  reason    TEXT    NOT NULL DEFAULT '',
  since     INTEGER NOT NULL,
  origin    TEXT    NOT NULL,
  PRIMARY KEY (tenant_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE alert_rules (
  tenant_id   INTEGER NOT NULL,
  kind        TEXT    NOT NULL,   -- pause_overrun, long_wait, sl_breach, long_acw, no_agents
  enabled     INTEGER NOT NULL,
  threshold_s INTEGER NOT NULL,
  severity    TEXT    NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind)
) WITHOUT ROWID;

CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  severity     TEXT    NOT NULL,
  subject_type TEXT    NOT NULL,  -- agent, queue
  subject_id   INTEGER NOT NULL,
  subject_name TEXT    NOT NULL,
  detail       TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  acked_at     INTEGER,
  acked_by     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX alerts_open ON alerts (tenant_id, ended_at, id);
