-- Automatic first-contact resolution: the PostgreSQL twin of migrations/sqlite/0012_auto_fcr.sql.
-- fcr_auto: NULL not eligible (or fcr given), -1 pending, 1 resolved, 0 not resolved. The
-- column is covered by the table's existing grants and row-level security.
ALTER TABLE calls ADD COLUMN fcr_auto smallint;
-- By UTC day of start first, so new calls change few index pages (see the SQLite twin).
CREATE INDEX calls_inbound_caller
  ON calls (tenant_id, (started_at / 86400000), caller, started_at)
  WHERE direction = 'inbound';
CREATE INDEX calls_fcr_pending ON calls (tenant_id, started_at) WHERE fcr_auto = -1;
