-- Twin of migrations/postgres/0014_inbound_caller_index.sql, which changes an index of
-- PostgreSQL's planner only: SQLite keeps calls_inbound_caller of 0012 (day first), which its
-- queries probe day by day. Nothing changes here.
SELECT 1;
