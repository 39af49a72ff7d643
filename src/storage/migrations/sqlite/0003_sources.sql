-- Long-running sources (issue 3): how `serve` runs an ingest source — a file tail, or a 3CX
-- CDR feed over TCP in either 3CX socket mode. One row per ingest source that runs (the
-- source's name and format are those of ingest_sources); sources that receive data by import
-- or webhook have none. Soft deleted: deleting stops the source, its data stays, and
-- configuring it again continues after its checkpoints.

CREATE TABLE source_configs (
  tenant_id  INTEGER NOT NULL,
  source_id  INTEGER NOT NULL,
  kind       TEXT    NOT NULL,  -- file-tail, 3cx-tcp-listen, 3cx-tcp-connect
  path       TEXT    NOT NULL DEFAULT '',  -- file-tail
  host       TEXT    NOT NULL DEFAULT '',  -- connect: the PBX; listen: bind address
  port       INTEGER,                      -- 3cx-tcp-*
  time_zone  TEXT    NOT NULL DEFAULT 'UTC',
  columns    TEXT    NOT NULL DEFAULT '',  -- 3CX field list, comma-separated
  enabled    INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (tenant_id, source_id),
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id)
) WITHOUT ROWID;
