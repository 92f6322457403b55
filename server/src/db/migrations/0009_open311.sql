-- Open311 API keys, issued by administrators to civic-reporting clients (FixMyStreet and
-- the like) that post complaints through `/open311/v2/requests.json`. Plain types and
-- standard syntax, as in 0001.
CREATE TABLE open311_keys (
    id INTEGER PRIMARY KEY,
    -- SHA-256 (hex) of the key: the key itself (256 random bits) is shown once, when it
    -- is issued, and never stored.
    key_sha256 TEXT NOT NULL UNIQUE,
    -- Who the key is for, as the administrator wrote it ("FixMyStreet Uralsk").
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- The administrator's login.
    created_by TEXT NOT NULL,
    -- NULL while the key opens; a revoked key never opens again.
    revoked_at TEXT,
    revoked_by TEXT
);
