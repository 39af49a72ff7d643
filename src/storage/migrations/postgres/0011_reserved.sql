-- Version 11 is reserved for the automatic first-contact-resolution migration, which is
-- developed alongside 0012; this statement keeps the versions contiguous until it lands, and
-- the file is replaced by it.
SELECT 1;
