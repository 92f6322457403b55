-- Staff accounts, their sessions, and the append-only audit log. Plain types and standard
-- syntax as in 0001, except the two triggers that make the log append-only (SQLite's
-- syntax; Postgres would use a rule or revoked privileges).

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    -- Lowercase, unique (adal_core::staff::check_login).
    login TEXT NOT NULL UNIQUE,
    -- adal_core::staff::Role, snake_case.
    role TEXT NOT NULL,
    -- District code; NULL exactly for front_office and administrator.
    district TEXT,
    -- PHC string of Argon2id: the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- 0 or 1: a disabled account cannot log in.
    disabled INTEGER NOT NULL DEFAULT 0
);

-- One row per login. Only hashes: a stolen database opens no session.
CREATE TABLE sessions (
    -- SHA-256 (hex) of the 256-bit token in the cookie.
    token_sha256 TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- SHA-256 (hex) of the CSRF token handed out at login.
    csrf_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Who did what, when, from which device; every refusal of a staff request too. Never
-- anything a citizen wrote: `target` is a tracking number or a staff login.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    -- NULL for a request without a session (a failed login).
    account_id INTEGER REFERENCES accounts (id),
    -- The actor's login and role when it happened (accounts may change later).
    login TEXT,
    role TEXT,
    action TEXT NOT NULL,
    target TEXT,
    district TEXT,
    -- allowed, denied, csrf_rejected, login_failed
    outcome TEXT NOT NULL,
    -- SHA-256 (hex) of the User-Agent header.
    device_sha256 TEXT
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
