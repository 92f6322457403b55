-- Kept to plain types and standard syntax so that the same schema runs on Postgres.

-- One row per accepted submission. `id` is the UUID the device made when the person
-- tapped "Send": it is the idempotency key of every resend of that submission.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    -- sha256 of the canonical JSON of form and normalised answers: tells an honest
    -- resend (same fingerprint) from a different submission reusing an id.
    fingerprint TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    district TEXT NOT NULL,
    tracking TEXT NOT NULL UNIQUE,
    -- JSON of the normalised answers; anonymous complaints carry no name or phone.
    answers TEXT NOT NULL,
    -- RFC 3339, UTC.
    received_at TEXT NOT NULL
);

-- The next tracking sequence number per district and year.
CREATE TABLE tracking_counters (
    district TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (district, year)
);
