-- Automatic first-contact resolution (DESIGN §3.4, docs/kpi-definitions.md). fcr_auto is the
-- automatic status of a call: NULL when the call is not eligible (not an inbound, queued,
-- handled call with a usable caller number, or its fcr was given by the source), -1 pending
-- (the caller's window is still open), 1 resolved, 0 not resolved (the caller reached the
-- tenant again within the window). The effective fcr of a call is its given fcr, else fcr_auto
-- once decided.
ALTER TABLE calls ADD COLUMN fcr_auto INTEGER;
-- A tenant's inbound calls by UTC day of start, caller and start: the calls that reach a
-- caller's earlier call again, and the earlier calls they reach, looked up day by day. The
-- day leads so that new calls (recent days) change few index pages per batch, where an index
-- led by the caller would touch pages all over it. Queries name the same expression,
-- started_at / 86400000.
CREATE INDEX calls_inbound_caller ON calls (tenant_id, started_at / 86400000, caller, started_at)
  WHERE direction = 'inbound';
-- The pending calls by start: each batch and the periodic sweep decide those whose window ended.
CREATE INDEX calls_fcr_pending ON calls (tenant_id, started_at) WHERE fcr_auto = -1;
