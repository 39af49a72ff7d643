-- Long-running sources (issue 3): how `serve` runs an ingest source — a file tail, or a 3CX
-- CDR feed over TCP in either 3CX socket mode. The PostgreSQL twin of
-- migrations/sqlite/0003_sources.sql: one row per ingest source that runs, soft deleted.

CREATE TABLE source_configs (
  tenant_id  bigint   NOT NULL,
  source_id  bigint   NOT NULL,
  kind       text     NOT NULL,  -- file-tail, 3cx-tcp-listen, 3cx-tcp-connect
  path       text     NOT NULL DEFAULT '',  -- file-tail
  host       text     NOT NULL DEFAULT '',  -- connect: the PBX; listen: bind address
  port       integer,                       -- 3cx-tcp-*
  time_zone  text     NOT NULL DEFAULT 'UTC',
  columns    text     NOT NULL DEFAULT '',  -- 3CX field list, comma-separated
  enabled    smallint NOT NULL DEFAULT 1,
  created_at bigint   NOT NULL,
  updated_at bigint   NOT NULL,
  deleted_at bigint,
  PRIMARY KEY (tenant_id, source_id),
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id)
);
