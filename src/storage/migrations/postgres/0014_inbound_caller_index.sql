-- The inbound calls of a caller led by the caller on PostgreSQL (automatic FCR, kpi/auto_fcr.h).
-- The day-first index of 0012 serves a lookup only when the planner probes it day by day; an
-- import grows the calls table faster than autovacuum's statistics follow, and with statistics
-- of a nearly empty table the planner kept only tenant_id as the index condition and compared
-- every caller of a batch against every row of the tenant (seconds per ingest batch). Led by
-- (tenant_id, caller), equality on both columns is the index condition at any size.
CREATE INDEX calls_inbound_caller_start ON calls (tenant_id, caller, started_at)
  WHERE direction = 'inbound';
DROP INDEX calls_inbound_caller;
