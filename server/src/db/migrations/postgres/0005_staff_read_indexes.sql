-- PostgreSQL's twin of ../0005_staff_read_indexes.sql: the same tables, BIGINT for every integer, TEXT in
-- byte order (COLLATE "C", as SQLite compares text), BYTEA for blobs.
-- Indexes for the staff read API: lists are newest first, by keyset on
-- (received_at, id), over everything or over one district or one form. Each list query
-- walks one of these backwards and stops after `limit` rows, however many are stored.
--
-- `IF NOT EXISTS`: 0003 and 0004 are written on other branches, and this file may run
-- again when the migration list is put back in file order; it must then change nothing.
-- Plain standard syntax, as in 0001.
CREATE INDEX IF NOT EXISTS submissions_by_received ON submissions (received_at, id);
CREATE INDEX IF NOT EXISTS submissions_by_district ON submissions (district, received_at, id);
CREATE INDEX IF NOT EXISTS submissions_by_form ON submissions (form_id, received_at, id);
