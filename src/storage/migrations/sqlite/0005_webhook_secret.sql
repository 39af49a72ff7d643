-- Signed webhooks (issue 3): a source may post to /api/v1/ingest/{format} without an API
-- token, signing each request with HMAC-SHA256 under its own secret. The secret itself is
-- kept (it is the HMAC key); NULL: the source takes no signed posts. Never read back by a GET.

ALTER TABLE ingest_sources ADD COLUMN webhook_secret TEXT;
