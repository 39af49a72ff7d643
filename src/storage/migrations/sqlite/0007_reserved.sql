-- Version 7 is reserved for the aggregate rollup tables developed on another branch; this
-- placeholder keeps the version sequence gapless (cmake/embed_migrations.cmake) until that
-- migration replaces it. It changes nothing.
SELECT 1;
