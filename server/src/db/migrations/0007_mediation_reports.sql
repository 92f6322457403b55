-- Mediation sessions, signed reconciliation acts, and published report snapshots.
-- Plain types and standard syntax as in 0001, except the triggers that make acts and
-- snapshots append-only (SQLite's syntax; Postgres would use a rule or revoked privileges).

-- One row per scheduled session of a mediation request. The outcome is filled in once
-- (`outcome IS NULL` guards the update); the timeline keeps the same facts as events.
CREATE TABLE mediation_sessions (
    id INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    -- Local date (YYYY-MM-DD) and time (HH:MM) in the region.
    session_date TEXT NOT NULL,
    session_time TEXT NOT NULL,
    place TEXT NOT NULL,
    mediator TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    -- adal_core::staff::SessionOutcome, snake_case; NULL until the session is held.
    outcome TEXT,
    outcome_note TEXT,
    held_at TEXT
);
CREATE INDEX mediation_sessions_by_submission ON mediation_sessions (submission_id, id);

-- The act the parties signed: at most one per submission, never changed.
CREATE TABLE reconciliation_acts (
    submission_id TEXT PRIMARY KEY REFERENCES submissions (id),
    number TEXT NOT NULL,
    -- adal_core::act::ActInput as JSON: what was typed, to print the same page again.
    input TEXT NOT NULL,
    -- The canonical text (adal_core::act) and its SHA-256 (hex), computed when signed.
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

CREATE TRIGGER reconciliation_acts_no_update BEFORE UPDATE ON reconciliation_acts
BEGIN
    SELECT RAISE(ABORT, 'reconciliation_acts is append-only');
END;

CREATE TRIGGER reconciliation_acts_no_delete BEFORE DELETE ON reconciliation_acts
BEGIN
    SELECT RAISE(ABORT, 'reconciliation_acts is append-only');
END;

-- A published two-weekly report: the exact bytes of its canonical JSON and their hash.
-- One per period and scope, ever: publishing again returns this row.
CREATE TABLE report_snapshots (
    sha256 TEXT PRIMARY KEY,
    -- The period's first day, YYYY-MM-DD.
    period_start TEXT NOT NULL,
    -- A district code, or 'region'.
    scope TEXT NOT NULL,
    content TEXT NOT NULL,
    published_at TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    UNIQUE (period_start, scope)
);

CREATE TRIGGER report_snapshots_no_update BEFORE UPDATE ON report_snapshots
BEGIN
    SELECT RAISE(ABORT, 'report_snapshots is append-only');
END;

CREATE TRIGGER report_snapshots_no_delete BEFORE DELETE ON report_snapshots
BEGIN
    SELECT RAISE(ABORT, 'report_snapshots is append-only');
END;
