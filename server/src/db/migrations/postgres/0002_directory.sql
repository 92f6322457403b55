-- PostgreSQL's twin of ../0002_directory.sql: the same tables, BIGINT for every integer, TEXT in
-- byte order (COLLATE "C", as SQLite compares text), BYTEA for blobs.
-- The provider directory. Kept to plain types and standard syntax (see 0001).

-- One row per provider ever known, keyed by its stable slug. Rows are never removed:
-- a deletion is a tombstone (`deleted` = 1, with the version it was deleted in), so a
-- device that synced before the deletion learns of it from `?since=`.
--
-- The directory's version is the largest `version` of any row: every import (and the
-- first seeding) writes its changed rows with the next version, so "what changed since
-- N" is `version > N`.
CREATE TABLE providers (
    id TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL,
    -- 0 or 1.
    deleted BIGINT NOT NULL DEFAULT 0,
    -- 0 or 1: sample data shipped with Adal, retired by the first real import.
    sample BIGINT NOT NULL DEFAULT 0,
    -- JSON of adal_core::Provider, as sent to devices; the last one before a deletion.
    data TEXT COLLATE "C" NOT NULL
);

CREATE INDEX providers_by_version ON providers (version);
