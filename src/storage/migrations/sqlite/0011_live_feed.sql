-- The live feed between `serve` nodes on one database. Only PostgreSQL deployments have
-- several nodes (src/storage/postgres/pg_live_feed.h); one SQLite process has none, so this
-- table stays empty. It exists so that both backends keep the same schema, migration for
-- migration (see migrations/postgres/0011_live_feed.sql).

CREATE TABLE live_feed (
  id         INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants (id),
  node       TEXT    NOT NULL,
  kind       TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX live_feed_age ON live_feed (tenant_id, created_at);
