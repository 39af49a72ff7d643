-- Queue reports read only the queue-total rows (agent_id = 0): this index reaches the total
-- rows of a range directly (migrations/sqlite/0004_aggregate_totals_index.sql).
CREATE INDEX interval_aggregates_totals ON interval_aggregates (tenant_id, agent_id, bucket_start);
