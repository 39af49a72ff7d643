-- Data-quality diagnostics per source (DESIGN §3.4a): what the call assembler noticed —
-- CONNECT without ENTERQUEUE, calls without a terminal event, duplicated legs, negative or
-- absurd durations, out-of-order lines — so a manager can trust or question a number.
CREATE TABLE ingest_diagnostics (
  id        INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL,
  source_id INTEGER NOT NULL,
  stream    TEXT    NOT NULL,
  kind      TEXT    NOT NULL,
  call_id   TEXT    NOT NULL DEFAULT '',
  line      INTEGER NOT NULL,
  detail    TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, source_id) REFERENCES ingest_sources (tenant_id, id)
);
CREATE INDEX ingest_diagnostics_source ON ingest_diagnostics (tenant_id, source_id, id);
-- A replayed line is diagnosed once.
CREATE UNIQUE INDEX ingest_diagnostics_line
  ON ingest_diagnostics (tenant_id, source_id, stream, line, kind, call_id);
