-- Attachments, receipts (the device-held secret), status timelines and identities added
-- to anonymous submissions. Plain types and standard syntax, as in 0001.

-- One row per attachment whose bytes were assembled and verified: only these count.
-- Uploads in progress live in the attachment store alone.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    -- 64 lowercase hex digits, of the assembled file.
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    completed_at TEXT NOT NULL
);

-- Which attachments a submission lists, in the order it lists them. Written in the
-- transaction that stores the submission.
CREATE TABLE submission_attachments (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    attachment_id TEXT NOT NULL REFERENCES attachments (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (submission_id, attachment_id)
);

-- One row per submission stored since this migration. `secret_sha256` is the SHA-256
-- (hex) of the receipt secret the device made; the secret itself is never stored.
-- Nothing here, or anywhere, records who sent a submission: no address, no user agent.
CREATE TABLE receipts (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id),
    secret_sha256 TEXT,
    -- Sent without name and phone (an identity may be added later, see below).
    anonymous INTEGER NOT NULL
);

-- The status timeline. `note` is public: the person who sent the submission reads it.
CREATE TABLE submission_events (
    id INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX submission_events_by_submission ON submission_events (submission_id, at, id);

-- A name and phone that the sender of an anonymous submission added later, by the
-- receipt secret. Kept apart from the answers, whose shape belongs to the form.
CREATE TABLE submission_identities (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id),
    name TEXT NOT NULL,
    -- +7XXXXXXXXXX
    phone TEXT NOT NULL,
    added_at TEXT NOT NULL
);
