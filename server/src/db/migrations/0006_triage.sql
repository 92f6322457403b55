-- Triage of the staff workspace: who recorded each event and what it carried, the
-- conflict-of-interest flag and the institution key set at ingest, idempotent staff
-- actions, monitoring tasks, and calendar years edited by administrators. Plain types
-- and standard syntax, as in 0001 (partial indexes exist in Postgres too).

-- Staff events: the login that recorded it (NULL for the server or the citizen), the
-- district a forward went to, the login an assignment went to, the day an extension
-- moved the answer to (YYYY-MM-DD). None of these is shown to the citizen.
ALTER TABLE submission_events ADD COLUMN by_login TEXT;
ALTER TABLE submission_events ADD COLUMN to_district TEXT;
ALTER TABLE submission_events ADD COLUMN assignee TEXT;
ALTER TABLE submission_events ADD COLUMN until TEXT;

-- 1 when a complaint names its district's own integrity office or reconciliation
-- centre (adal_core::staff::names_an_office): only the curator and the front office see it.
ALTER TABLE submissions ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;
-- `school:<folded name>` or `clinic:<folded name>` for complaints about a school or a
-- clinic and for monitoring checklists (adal_core::staff::monitoring_key).
ALTER TABLE submissions ADD COLUMN institution_key TEXT;
CREATE INDEX submissions_by_institution ON submissions (district, institution_key, received_at);

-- One row per idempotency key of `POST /api/v1/staff/submissions/{t}/events`: the
-- request's hash, and the answer given, to give again to a retry.
CREATE TABLE staff_requests (
    idempotency_key TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- SHA-256 (hex) of the tracking number and the action as JSON.
    request_sha256 TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Monitoring visits for a district's volunteers, raised by repeated complaints.
CREATE TABLE monitoring_tasks (
    id INTEGER PRIMARY KEY,
    district TEXT NOT NULL,
    institution_key TEXT NOT NULL,
    -- As the latest complaint wrote it.
    institution TEXT NOT NULL,
    form_id TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    complaints INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    -- Tracking number of the checklist that did it; NULL while open.
    done_by TEXT
);
-- At most one open task per institution.
CREATE UNIQUE INDEX monitoring_tasks_one_open ON monitoring_tasks (district, institution_key)
    WHERE done_by IS NULL;

-- Calendar years replaced by an administrator: JSON of adal_core::calendar::Year. They
-- override the shipped years of the same number.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
