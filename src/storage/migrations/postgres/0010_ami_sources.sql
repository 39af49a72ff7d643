-- Asterisk Manager Interface sources: the PostgreSQL twin of
-- migrations/sqlite/0010_ami_sources.sql. A source of kind asterisk-ami connects to host:port
-- (the existing columns) and logs in as a manager.conf user. The secret is kept because the
-- server must log in with it; it is never read back by the API or the command line.
-- channel_template: the supervisor's phone for monitoring, with "{ext}" for the supervisor's
-- extension. Empty for the other kinds.

ALTER TABLE source_configs ADD COLUMN username text NOT NULL DEFAULT '';
ALTER TABLE source_configs ADD COLUMN secret text NOT NULL DEFAULT '';
ALTER TABLE source_configs ADD COLUMN channel_template text NOT NULL DEFAULT '';
