//! The channel between districts (migration 0010): posts and replies, their photos, pins
//! and hides, and the FTS5 index of their folded text.

use super::sql::{Conn, Dialect, Optional, Row, params};
use adal_core::channel::{Moderation, NewPost, Post, PostLink, Thread, Topic};
use adal_core::search::Query;
use adal_core::staff::Role;
use adal_core::{AttachmentRef, District};
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbError;
use super::clock::{format_time, parse_time};

/// Who posts, as the post keeps it.
#[derive(Debug, Clone)]
pub struct Author {
    pub account_id: i64,
    pub login: String,
    pub role: Role,
    pub district: Option<District>,
}

/// A post already stored under a device's id: its row and what was sent.
pub fn by_client_id(conn: &Conn, id: Uuid) -> Result<Option<(i64, String)>, DbError> {
    conn.query_opt(
        "SELECT id, request_sha256 FROM channel_posts WHERE client_id = ?1",
        params![id.to_string()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// The topic of thread `id` if it is a thread (not a reply) that `hidden_too` lets the
/// caller see.
pub fn thread_topic(conn: &Conn, id: i64, hidden_too: bool) -> Result<Option<Topic>, DbError> {
    let topic: Option<String> = conn
        .query_row(
            "SELECT topic FROM channel_posts WHERE id = ?1 AND parent_id IS NULL \
             AND (hidden = 0 OR ?2 = 1)",
            params![id, hidden_too],
            |row| row.get(0),
        )
        .optional()?;
    topic
        .map(|t| Topic::parse(&t).ok_or_else(|| DbError::Corrupt(format!("topic of {id}"))))
        .transpose()
}

/// Stores `post` (checked, its photos verified, `topic` its own or its thread's), its
/// photos and its search text, and moves its thread up the list. In the caller's
/// transaction.
pub fn insert(
    conn: &Conn,
    post: &NewPost,
    topic: Topic,
    request_sha256: &str,
    author: &Author,
    at: OffsetDateTime,
) -> Result<i64, DbError> {
    let link = post
        .link
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DbError::Corrupt(format!("link: {e}")))?;
    let at = format_time(at)?;
    let id: i64 = conn.query_row(
        "INSERT INTO channel_posts (client_id, request_sha256, parent_id, topic, account_id, \
         author, role, district, body, link, created_at, last_activity_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) RETURNING id",
        params![
            post.id.to_string(),
            request_sha256,
            post.parent,
            topic.as_str(),
            author.account_id,
            author.login,
            author.role.as_str(),
            author.district.map(District::code),
            post.text,
            link,
            at,
        ],
        |row| row.get(0),
    )?;
    for (position, photo) in post.photos.iter().enumerate() {
        conn.execute(
            "INSERT INTO channel_photos (post_id, attachment_id, position) VALUES (?1, ?2, ?3)",
            params![id, photo.id.to_string(), position as i64],
        )?;
    }
    if let Some(parent) = post.parent {
        conn.execute(
            "UPDATE channel_posts SET last_activity_at = ?2 WHERE id = ?1",
            params![parent, at],
        )?;
    }
    let stored = get(conn, id, true)?.ok_or_else(|| DbError::Corrupt(format!("post {id}")))?;
    conn.execute(
        "INSERT INTO channel_search (rowid, folded) VALUES (?1, ?2)",
        params![id, stored.search_text()],
    )?;
    Ok(id)
}

/// The columns `raw` reads, in `dialect`.
fn columns(dialect: Dialect) -> String {
    let photos = dialect.json_rows("a.id, a.sha256, a.size, a.content_type", "f.position");
    format!(
        "p.id, p.client_id, p.parent_id, p.topic, p.author, p.role, p.district, \
         p.body, p.link, p.created_at, p.pinned, p.hidden, \
         (SELECT count(*) FROM channel_posts r WHERE r.parent_id = p.id AND r.hidden = 0), \
         (SELECT {photos} \
          FROM channel_photos f JOIN attachments a ON a.id = f.attachment_id \
          WHERE f.post_id = p.id)"
    )
}

/// Post or reply `id`; a hidden one only if `hidden_too`.
pub fn get(conn: &Conn, id: i64, hidden_too: bool) -> Result<Option<Post>, DbError> {
    conn.query_row(
        &format!(
            "SELECT {} FROM channel_posts p WHERE p.id = ?1 AND (p.hidden = 0 OR ?2 = 1)",
            columns(conn.dialect())
        ),
        params![id, hidden_too],
        raw,
    )
    .optional()?
    .map(read)
    .transpose()
}

/// Threads, pinned first, then by their last activity, newest first: of `topic` if
/// given, and only those where the thread or a reply matches `query` if it has tokens.
pub fn threads(
    conn: &Conn,
    topic: Option<Topic>,
    query: &Query,
    hidden_too: bool,
    limit: u32,
) -> Result<Vec<Post>, DbError> {
    // Every token is a prefix of a word, as the directory's search: `"tok"*` in FTS5,
    // `tok:*` in PostgreSQL's text search. Tokens are folded to Latin letters and digits,
    // so quoting them is all either needs.
    let tokens = query.tokens();
    let (search, matches) = match conn.dialect() {
        Dialect::Sqlite => (
            tokens.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "),
            "channel_search MATCH ?3",
        ),
        Dialect::Postgres => (
            tokens.iter().map(|t| format!("'{t}':*")).collect::<Vec<_>>().join(" & "),
            "to_tsvector('simple', s.folded) @@ to_tsquery('simple', ?3)",
        ),
    };
    let sql = format!(
        "SELECT {} FROM channel_posts p \
         WHERE p.parent_id IS NULL AND (p.hidden = 0 OR ?1 = 1) \
         AND (CAST(?2 AS TEXT) IS NULL OR p.topic = ?2) \
         AND (?3 = '' OR p.id IN ( \
             SELECT coalesce(m.parent_id, m.id) FROM channel_search s \
             JOIN channel_posts m ON m.id = s.rowid \
             WHERE {matches} AND (m.hidden = 0 OR ?1 = 1))) \
         ORDER BY p.pinned DESC, p.last_activity_at DESC, p.id DESC LIMIT ?4",
        columns(conn.dialect())
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement
        .query_map(params![hidden_too, topic.map(Topic::as_str), search, limit], raw)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(read).collect()
}

/// Thread `id` with its replies, oldest first; hidden ones only if `hidden_too`.
pub fn thread(conn: &Conn, id: i64, hidden_too: bool) -> Result<Option<Thread>, DbError> {
    let Some(post) = get(conn, id, hidden_too)? else { return Ok(None) };
    if post.parent.is_some() {
        return Ok(None);
    }
    let mut statement = conn.prepare(&format!(
        "SELECT {} FROM channel_posts p WHERE p.parent_id = ?1 AND (p.hidden = 0 OR ?2 = 1) \
         ORDER BY p.id",
        columns(conn.dialect())
    ))?;
    let rows = statement.query_map(params![id, hidden_too], raw)?.collect::<Result<Vec<_>, _>>()?;
    let replies = rows.into_iter().map(read).collect::<Result<_, _>>()?;
    Ok(Some(Thread { post, replies }))
}

/// Pins, unpins, hides or shows post `id` (a reply is hidden or shown, never pinned);
/// `None` if there is no such post or `step` does not apply to it.
pub fn moderate(conn: &Conn, id: i64, step: Moderation) -> Result<Option<Post>, DbError> {
    let sql = match step {
        Moderation::Pin => {
            "UPDATE channel_posts SET pinned = 1 WHERE id = ?1 AND parent_id IS NULL"
        }
        Moderation::Unpin => {
            "UPDATE channel_posts SET pinned = 0 WHERE id = ?1 AND parent_id IS NULL"
        }
        Moderation::Hide => "UPDATE channel_posts SET hidden = 1 WHERE id = ?1",
        Moderation::Unhide => "UPDATE channel_posts SET hidden = 0 WHERE id = ?1",
    };
    if conn.execute(sql, params![id])? == 0 {
        return Ok(None);
    }
    get(conn, id, true)
}

/// Whether attachment `id` is a photo of a post the caller may see.
pub fn shows_photo(conn: &Conn, id: Uuid, hidden_too: bool) -> Result<bool, DbError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM channel_photos f JOIN channel_posts p ON p.id = f.post_id \
             WHERE f.attachment_id = ?1 AND (p.hidden = 0 OR ?2 = 1) LIMIT 1",
            params![id.to_string(), hidden_too],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The district of post `id`'s author (what a curator's moderation reaches), if it exists.
pub fn author_district(conn: &Conn, id: i64) -> Result<Option<Option<District>>, DbError> {
    let district: Option<Option<String>> = conn
        .query_row("SELECT district FROM channel_posts WHERE id = ?1", params![id], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(district.map(|d| d.as_deref().and_then(District::from_code)))
}

type Raw = (
    i64,
    String,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    bool,
    bool,
    u32,
    String,
);

fn raw(row: &Row<'_>) -> Result<Raw, DbError> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
        row.get(12)?,
        row.get(13)?,
    ))
}

fn read(raw: Raw) -> Result<Post, DbError> {
    let (
        id,
        client_id,
        parent,
        topic,
        author,
        role,
        district,
        text,
        link,
        at,
        pinned,
        hidden,
        replies,
        photos,
    ) = raw;
    let corrupt = |what: &str| DbError::Corrupt(format!("{what} of channel post {id}"));
    let photos: Vec<(String, String, u64, String)> =
        serde_json::from_str(&photos).map_err(|_| corrupt("photos"))?;
    let photos = photos
        .into_iter()
        .map(|(pid, sha256, size, content_type)| {
            Ok(AttachmentRef {
                id: Uuid::parse_str(&pid).map_err(|_| corrupt("photo"))?,
                sha256,
                size,
                content_type,
            })
        })
        .collect::<Result<_, DbError>>()?;
    let link: Option<PostLink> =
        link.map(|l| serde_json::from_str(&l)).transpose().map_err(|_| corrupt("link"))?;
    Ok(Post {
        id,
        client_id: Uuid::parse_str(&client_id).map_err(|_| corrupt("client id"))?,
        parent,
        topic: Topic::parse(&topic).ok_or_else(|| corrupt("topic"))?,
        author,
        role: role.parse().map_err(|_| corrupt("role"))?,
        district: district.as_deref().and_then(District::from_code),
        text,
        link,
        photos,
        created_at: parse_time(&at)?,
        pinned,
        hidden,
        replies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn the_bundled_sqlite_has_fts5_and_finds_every_script_by_its_folded_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.call_blocking(|conn| {
            conn.execute(
                "INSERT INTO channel_search (rowid, folded) VALUES (1, ?1)",
                params![adal_core::search::fold("Ақжайық мектебі")],
            )?;
            let q = Query::parse("акжаик");
            let fts = format!("\"{}\"*", q.tokens()[0]);
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM channel_search WHERE channel_search MATCH ?1",
                params![fts],
                |r| r.get(0),
            )?;
            assert_eq!(n, 1);
            Ok(())
        })
        .unwrap();
    }
}
