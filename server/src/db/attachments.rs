//! Which attachments count (were assembled and verified), and which submission lists
//! which.

use super::sql::{Conn, params};
use adal_core::AttachmentRef;
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbError;
use super::clock::format_time;

/// What recording a verified attachment came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completed {
    /// Recorded now, or recorded before with the same hash, size and type.
    Stored(AttachmentRef),
    /// The id is taken by another file.
    Conflict(AttachmentRef),
}

/// The attachment `id`, if it counts.
pub fn get(conn: &Conn, id: Uuid) -> Result<Option<AttachmentRef>, DbError> {
    conn.query_opt(
        "SELECT sha256, size, content_type FROM attachments WHERE id = ?1",
        params![id.to_string()],
        |row| {
            Ok(AttachmentRef {
                id,
                sha256: row.get(0)?,
                size: row.get(1)?,
                content_type: row.get(2)?,
            })
        },
    )
}

/// Records that `attachment` was verified, unless its id is already recorded.
pub fn complete(
    conn: &Conn,
    attachment: &AttachmentRef,
    at: OffsetDateTime,
) -> Result<Completed, DbError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO attachments (id, sha256, size, content_type, completed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
        params![
            attachment.id.to_string(),
            attachment.sha256,
            attachment.size,
            attachment.content_type,
            format_time(at)?
        ],
    )?;
    let stored = get(&tx, attachment.id)?
        .ok_or_else(|| DbError::Corrupt(format!("attachment {} vanished", attachment.id)))?;
    tx.commit()?;
    Ok(if stored == *attachment { Completed::Stored(stored) } else { Completed::Conflict(stored) })
}

/// The listed attachments that do not count with exactly this hash, size and type, in
/// the order listed.
pub fn not_complete(conn: &Conn, listed: &[AttachmentRef]) -> Result<Vec<Uuid>, DbError> {
    let mut missing = Vec::new();
    for attachment in listed {
        if get(conn, attachment.id)?.as_ref() != Some(attachment) {
            missing.push(attachment.id);
        }
    }
    Ok(missing)
}

/// Links a submission to the attachments it lists, in their order. Part of the
/// transaction that stores the submission.
pub fn link(conn: &Conn, submission: Uuid, listed: &[AttachmentRef]) -> Result<(), DbError> {
    for (position, attachment) in listed.iter().enumerate() {
        conn.execute(
            "INSERT INTO submission_attachments (submission_id, attachment_id, position) \
             VALUES (?1, ?2, ?3)",
            params![submission.to_string(), attachment.id.to_string(), position as i64],
        )?;
    }
    Ok(())
}

/// The attachments a submission lists, in order.
pub fn of_submission(conn: &Conn, submission: Uuid) -> Result<Vec<AttachmentRef>, DbError> {
    let rows = conn.query_map(
        "SELECT a.id, a.sha256, a.size, a.content_type \
         FROM submission_attachments l JOIN attachments a ON a.id = l.attachment_id \
         WHERE l.submission_id = ?1 ORDER BY l.position",
        params![submission.to_string()],
        |row| Ok((row.get::<String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    rows.into_iter()
        .map(|(id, sha256, size, content_type)| {
            let id = id.parse().map_err(|_| DbError::Corrupt(format!("attachment id {id}")))?;
            Ok(AttachmentRef { id, sha256, size, content_type })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::db::Db;

    fn photo(sha: char) -> AttachmentRef {
        AttachmentRef {
            id: Uuid::from_u128(1),
            sha256: sha.to_string().repeat(64),
            size: 10,
            content_type: "image/png".into(),
        }
    }

    #[test]
    fn completing_is_idempotent_and_an_id_keeps_its_first_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.call_blocking(|conn| {
            let at = datetime!(2026-11-25 10:00 UTC);
            assert_eq!(get(conn, photo('a').id)?, None);
            assert_eq!(not_complete(conn, &[photo('a')])?, [photo('a').id]);
            assert_eq!(complete(conn, &photo('a'), at)?, Completed::Stored(photo('a')));
            assert_eq!(complete(conn, &photo('a'), at)?, Completed::Stored(photo('a')));
            assert_eq!(complete(conn, &photo('b'), at)?, Completed::Conflict(photo('a')));
            assert!(not_complete(conn, &[photo('a')])?.is_empty());
            assert_eq!(not_complete(conn, &[photo('b')])?, [photo('b').id]);
            Ok(())
        })
        .unwrap();
    }
}
