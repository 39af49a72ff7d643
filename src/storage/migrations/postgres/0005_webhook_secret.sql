-- Signed webhooks (issue 3): the HMAC key of a source; NULL: the source takes no signed
-- posts. Never read back by a GET (migrations/sqlite/0005_webhook_secret.sql).
ALTER TABLE ingest_sources ADD COLUMN webhook_secret text;
