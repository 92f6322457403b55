-- The one channel between districts: staff posts, replies in threads, pins and hides.
-- Plain types and standard syntax, as in 0001, except the search index (SQLite's FTS5).

-- One row per post or reply. A reply has its thread's id in `parent_id` and its topic.
CREATE TABLE channel_posts (
    id INTEGER PRIMARY KEY,
    -- The device's UUID of the post: a resend finds this row and posts nothing again.
    client_id TEXT NOT NULL UNIQUE,
    -- SHA-256 (hex) of what was sent, so a resend of other content under the same id is
    -- told apart (409) from a retry.
    request_sha256 TEXT NOT NULL,
    parent_id INTEGER REFERENCES channel_posts (id),
    -- adal_core::channel::Topic, snake_case.
    topic TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- The author's login, role and district when they posted.
    author TEXT NOT NULL,
    role TEXT NOT NULL,
    district TEXT,
    body TEXT NOT NULL,
    -- adal_core::channel::PostLink as JSON, or NULL.
    link TEXT,
    created_at TEXT NOT NULL,
    -- A thread's last post or reply: the list's order after the pinned threads.
    last_activity_at TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX channel_posts_by_thread ON channel_posts (parent_id, id);
CREATE INDEX channel_threads_by_activity ON channel_posts (pinned, last_activity_at)
    WHERE parent_id IS NULL;

-- The photos of a post, verified attachments, in the order the post lists them.
CREATE TABLE channel_photos (
    post_id INTEGER NOT NULL REFERENCES channel_posts (id),
    attachment_id TEXT NOT NULL REFERENCES attachments (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (post_id, attachment_id)
);
CREATE INDEX channel_photos_by_attachment ON channel_photos (attachment_id);

-- Search: each post's text, author, district and topic folded to one Latin skeleton by
-- adal_core::search::fold (so Cyrillic, Kazakh and Latin spellings meet), keyed by the
-- post's id.
CREATE VIRTUAL TABLE channel_search USING fts5 (folded, tokenize = 'unicode61');
