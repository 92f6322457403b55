-- PostgreSQL's twin of ../0008_anonymous_series.sql: the same tables, BIGINT for every integer, TEXT in
-- byte order (COLLATE "C", as SQLite compares text), BYTEA for blobs.
-- Anonymous reports are numbered in a register of their own (`URA-2026-A00007`), so that
-- no number ties one to the named items a phone sent beside it (see core's
-- `tracking::Series`). The next sequence number per district and year of that register.
CREATE TABLE anonymous_counters (
    district TEXT COLLATE "C" NOT NULL,
    year BIGINT NOT NULL,
    next BIGINT NOT NULL,
    PRIMARY KEY (district, year)
);
