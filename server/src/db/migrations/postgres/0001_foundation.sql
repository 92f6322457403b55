-- PostgreSQL's twin of ../0001_foundation.sql: the same tables, BIGINT for every integer, TEXT in
-- byte order (COLLATE "C", as SQLite compares text), BYTEA for blobs.
-- Kept to plain types and standard syntax so that the same schema runs on Postgres.

-- One row per accepted submission. `id` is the UUID the device made when the person
-- tapped "Send": it is the idempotency key of every resend of that submission.
CREATE TABLE submissions (
    id TEXT COLLATE "C" PRIMARY KEY,
    -- sha256 of the canonical JSON of form and normalised answers: tells an honest
    -- resend (same fingerprint) from a different submission reusing an id.
    fingerprint TEXT COLLATE "C" NOT NULL,
    form_id TEXT COLLATE "C" NOT NULL,
    form_version BIGINT NOT NULL,
    district TEXT COLLATE "C" NOT NULL,
    tracking TEXT COLLATE "C" NOT NULL UNIQUE,
    -- JSON of the normalised answers; anonymous complaints carry no name or phone.
    answers TEXT COLLATE "C" NOT NULL,
    -- RFC 3339, UTC.
    received_at TEXT COLLATE "C" NOT NULL
);

-- The next tracking sequence number per district and year.
CREATE TABLE tracking_counters (
    district TEXT COLLATE "C" NOT NULL,
    year BIGINT NOT NULL,
    next BIGINT NOT NULL,
    PRIMARY KEY (district, year)
);
