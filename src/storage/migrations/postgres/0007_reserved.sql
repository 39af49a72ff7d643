-- Version 7 is reserved for the aggregate rollup tables developed on another branch, as on
-- SQLite (migrations/sqlite/0007_reserved.sql); this placeholder keeps the version sequence
-- gapless and one-to-one with SQLite's until that migration replaces it. It changes nothing.
SELECT 1;
