-- 0001 foundation: tenants, their organisation, credentials, sessions, API tokens and the
-- audit log.
--
-- Conventions (DESIGN §2 "Storage"):
--   * times are INTEGER unix milliseconds (UTC);
--   * every tenant-owned table has tenant_id NOT NULL and every index leads with tenant_id,
--     except the global-lookup unique indexes users(email), sessions(token_hash) and
--     api_tokens(token_hash), which find the tenant from a credential;
--   * parents carry UNIQUE (tenant_id, id) so that children reference them with a composite
--     foreign key (tenant_id, x_id): a row can never point at another tenant's row;
--   * people and configuration are soft deleted (deleted_at); unique names are partial
--     indexes WHERE deleted_at IS NULL so a deleted row never blocks a name;
--   * names and e-mail addresses compare case-insensitively (COLLATE NOCASE, ASCII);
--   * audit_log is append-only: triggers abort every UPDATE and DELETE.

CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
);

CREATE TABLE tenants (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL COLLATE NOCASE,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tenants_name ON tenants (name);

CREATE TABLE sites (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
  name       TEXT    NOT NULL COLLATE NOCASE,
  time_zone  TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX sites_name ON sites (tenant_id, name) WHERE deleted_at IS NULL;

CREATE TABLE lobs (
  id          INTEGER PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
  name        TEXT    NOT NULL COLLATE NOCASE,
  description TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  deleted_at  INTEGER,
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX lobs_name ON lobs (tenant_id, name) WHERE deleted_at IS NULL;

CREATE TABLE teams (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
  name       TEXT    NOT NULL COLLATE NOCASE,
  site_id    INTEGER,
  lob_id     INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
  FOREIGN KEY (tenant_id, lob_id) REFERENCES lobs (tenant_id, id)
);
CREATE UNIQUE INDEX teams_name ON teams (tenant_id, name) WHERE deleted_at IS NULL;
CREATE INDEX teams_site ON teams (tenant_id, site_id);
CREATE INDEX teams_lob ON teams (tenant_id, lob_id);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
  email         TEXT    NOT NULL COLLATE NOCASE,
  name          TEXT    NOT NULL,
  role          TEXT    NOT NULL
                CHECK (role IN ('agent', 'supervisor', 'qa', 'manager', 'admin', 'client_viewer')),
  team_id       INTEGER,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  password_hash TEXT    NOT NULL DEFAULT '',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  deleted_at    INTEGER,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id)
);
-- Global: the tenant is found from the e-mail address at login.
CREATE UNIQUE INDEX users_email ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_team ON users (tenant_id, team_id);

CREATE TABLE team_supervisors (
  tenant_id INTEGER NOT NULL,
  team_id   INTEGER NOT NULL,
  user_id   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, team_id, user_id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX team_supervisors_user ON team_supervisors (tenant_id, user_id);

CREATE TABLE user_lobs (
  tenant_id INTEGER NOT NULL,
  user_id   INTEGER NOT NULL,
  lob_id    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id, lob_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
  FOREIGN KEY (tenant_id, lob_id) REFERENCES lobs (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX user_lobs_lob ON user_lobs (tenant_id, lob_id);

CREATE TABLE agents (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
  name       TEXT    NOT NULL,
  user_id    INTEGER,
  team_id    INTEGER,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id)
);
-- A user is at most one (live) agent.
CREATE UNIQUE INDEX agents_user ON agents (tenant_id, user_id)
  WHERE deleted_at IS NULL AND user_id IS NOT NULL;
CREATE INDEX agents_team ON agents (tenant_id, team_id);

-- PBX identities of an agent. deleted_at mirrors the agent's so that a deleted agent's
-- identities stay on record without blocking their reuse.
CREATE TABLE agent_pbx_ids (
  tenant_id  INTEGER NOT NULL,
  agent_id   INTEGER NOT NULL,
  pbx_id     TEXT    NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (tenant_id, agent_id, pbx_id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX agent_pbx_ids_pbx ON agent_pbx_ids (tenant_id, pbx_id) WHERE deleted_at IS NULL;

CREATE TABLE password_history (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL,
  user_id       INTEGER NOT NULL,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX password_history_user ON password_history (tenant_id, user_id, id);

CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  token_hash TEXT    NOT NULL,
  csrf_hash  TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  ip         TEXT    NOT NULL DEFAULT '',
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
-- Global: the tenant is found from the bearer token on every request.
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL,
  scopes       TEXT    NOT NULL DEFAULT '[]',  -- JSON array of strings
  created_by   INTEGER,
  created_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  last_used_at INTEGER,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
-- Global: the tenant is found from the token on every request.
CREATE UNIQUE INDEX api_tokens_token_hash ON api_tokens (token_hash);

-- Append-only, hash-chained per tenant by seq. actor_user_id deliberately has no foreign
-- key: the log must stand on its own.
CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenants (id),
  seq           INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  actor_user_id INTEGER,
  actor         TEXT    NOT NULL,
  action        TEXT    NOT NULL,
  object_type   TEXT    NOT NULL DEFAULT '',
  object_id     INTEGER,
  before_json   TEXT    NOT NULL DEFAULT '',
  after_json    TEXT    NOT NULL DEFAULT '',
  request_id    TEXT    NOT NULL DEFAULT '',
  ip            TEXT    NOT NULL DEFAULT '',
  prev_hash     TEXT    NOT NULL,
  hash          TEXT    NOT NULL,
  UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, seq);
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_type, object_id, seq);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_user_id, seq);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
