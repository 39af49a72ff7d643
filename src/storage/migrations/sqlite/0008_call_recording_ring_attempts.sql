-- The call record's recording (DESIGN §3.2: a URL or path) and the unanswered ring attempts of
-- a queue visit (queue_log RINGNOANSWER), as EncodeRingAttempts (core/call_record.h) writes
-- them: one "<at ms> <ring ms> <agent>" line per attempt, '' when none.
ALTER TABLE calls ADD COLUMN recording TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN ring_attempts TEXT NOT NULL DEFAULT '';
