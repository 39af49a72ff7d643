-- The call record's recording (DESIGN §3.2: a URL or path) and the unanswered ring attempts of
-- a queue visit, as EncodeRingAttempts (core/call_record.h) writes them; '' when none. The
-- PostgreSQL twin of migrations/sqlite/0008_call_recording_ring_attempts.sql.
ALTER TABLE calls ADD COLUMN recording text NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN ring_attempts text NOT NULL DEFAULT '';
