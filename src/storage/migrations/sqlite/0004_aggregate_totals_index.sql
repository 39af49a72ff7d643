-- Queue reports read only the queue-total rows (agent_id = 0). With the primary key leading
-- with the bucket, a year's report walked every agent row of the year too; this index reaches
-- the total rows of a range directly.
CREATE INDEX interval_aggregates_totals ON interval_aggregates (tenant_id, agent_id, bucket_start);
