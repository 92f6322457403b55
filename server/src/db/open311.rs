//! Open311: the API keys administrators issue, and the public status of complaints.
//!
//! A status row carries nothing the person wrote but the category: the query reads the
//! answers' `category` and never returns the answers themselves.

use adal_core::open311::{KeySummary, MAX_REQUESTS, Status};
use adal_core::receipt::EventKind;
use adal_core::{District, Provider, ProviderKind};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use time::OffsetDateTime;

use super::DbError;
use super::clock::{format_time, parse_time};

/// Stores a newly issued key (its hash only); its id.
pub fn insert_key(
    conn: &Connection,
    key_sha256: &str,
    label: &str,
    created_by: &str,
    at: OffsetDateTime,
) -> Result<i64, DbError> {
    conn.execute(
        "INSERT INTO open311_keys (key_sha256, label, created_at, created_by) \
         VALUES (?1, ?2, ?3, ?4)",
        params![key_sha256, label, format_time(at)?, created_by],
    )?;
    Ok(conn.last_insert_rowid())
}

const KEY_COLUMNS: &str = "id, label, created_at, created_by, revoked_at";

fn read_key(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<KeySummary, DbError>> {
    let (id, label, created_at, created_by, revoked_at): (
        i64,
        String,
        String,
        String,
        Option<String>,
    ) = (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
    Ok((|| {
        Ok(KeySummary {
            id,
            label,
            created_at: parse_time(&created_at)?,
            created_by,
            revoked_at: revoked_at.as_deref().map(parse_time).transpose()?,
        })
    })())
}

/// Every key ever issued, newest first.
pub fn keys(conn: &Connection) -> Result<Vec<KeySummary>, DbError> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM open311_keys ORDER BY id DESC");
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([], read_key)?;
    rows.map(|row| row?).collect()
}

/// Revokes key `id` (a key revoked before keeps its first revocation); the key as it
/// now is, or `None` if there is no such key.
pub fn revoke(
    conn: &Connection,
    id: i64,
    by: &str,
    at: OffsetDateTime,
) -> Result<Option<KeySummary>, DbError> {
    conn.execute(
        "UPDATE open311_keys SET revoked_at = ?1, revoked_by = ?2 \
         WHERE id = ?3 AND revoked_at IS NULL",
        params![format_time(at)?, by, id],
    )?;
    let sql = format!("SELECT {KEY_COLUMNS} FROM open311_keys WHERE id = ?1");
    conn.query_row(&sql, params![id], read_key).optional()?.transpose()
}

/// The id of the live (issued, not revoked) key with this hash.
pub fn live_key(conn: &Connection, key_sha256: &str) -> Result<Option<i64>, DbError> {
    Ok(conn
        .prepare_cached("SELECT id FROM open311_keys WHERE key_sha256 = ?1 AND revoked_at IS NULL")?
        .query_row(params![key_sha256], |row| row.get(0))
        .optional()?)
}

/// The integrity offices of the directory: who answers in each district, and where.
pub fn offices(conn: &Connection) -> Result<Vec<Provider>, DbError> {
    let mut providers = super::directory::live(conn)?;
    providers.retain(|p| p.kind == ProviderKind::IntegrityOffice);
    Ok(providers)
}

/// Which complaints a `GET requests` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// These tracking numbers (the specification: this overrides every other filter).
    Ids(Vec<String>),
    /// Received in `from..=to`, of these categories and statuses (all when empty).
    Range {
        from: OffsetDateTime,
        to: OffsetDateTime,
        categories: Vec<String>,
        statuses: Vec<Status>,
    },
}

/// One complaint's public status, before it is put into words.
#[derive(Debug, Clone)]
pub struct Row {
    pub tracking: String,
    pub category: Option<String>,
    /// The district that holds it now.
    pub district: District,
    pub received_at: OffsetDateTime,
    /// The latest event the person sees, and when it happened.
    pub latest: Option<(EventKind, OffsetDateTime)>,
    /// Its extensions (see `db::inbox::Extensions`).
    pub extensions: super::inbox::Extensions,
}

/// The kinds of `EventKind::ALL` that `keep` keeps, quoted for SQL.
fn kinds(keep: impl Fn(EventKind) -> bool) -> String {
    let kinds: Vec<String> = EventKind::ALL
        .into_iter()
        .filter(|k| keep(*k))
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    kinds.join(", ")
}

/// The complaints `filter` asks for, newest first, at most [`MAX_REQUESTS`].
pub fn requests(conn: &Connection, filter: &Filter) -> Result<Vec<Row>, DbError> {
    let public = kinds(EventKind::is_public);
    let mut values: Vec<String> = Vec::new();
    let mut conditions = String::new();
    let placeholders = |values: &mut Vec<String>, items: &[String]| {
        let start = values.len();
        values.extend(items.iter().cloned());
        (start..values.len()).map(|i| format!("?{}", i + 1)).collect::<Vec<_>>().join(", ")
    };
    let mut outer = String::from("1 = 1");
    match filter {
        Filter::Ids(ids) => {
            let list = placeholders(&mut values, ids);
            conditions.push_str(&format!(" AND s.tracking IN ({list})"));
        }
        Filter::Range { from, to, categories, statuses } => {
            let bounds = [format_time(*from)?, format_time(*to)?];
            let list = placeholders(&mut values, &bounds);
            let (from, to) = list.split_once(", ").unwrap_or_default();
            conditions.push_str(&format!(" AND s.received_at >= {from} AND s.received_at <= {to}"));
            if !categories.is_empty() {
                let list = placeholders(&mut values, categories);
                outer.push_str(&format!(" AND category IN ({list})"));
            }
            if !statuses.is_empty() {
                let closed = kinds(EventKind::settles);
                // A complaint without any public event yet has only been received: open.
                let is_closed = format!("COALESCE(status IN ({closed}), 0)");
                let wanted: Vec<_> = statuses
                    .iter()
                    .map(|s| match s {
                        Status::Closed => format!("{is_closed} = 1"),
                        Status::Open => format!("{is_closed} = 0"),
                    })
                    .collect();
                outer.push_str(&format!(" AND ({})", wanted.join(" OR ")));
            }
        }
    }
    // `json_extract` reads the one answer that is public, the category (on Postgres:
    // `answers::json ->> 'category'`).
    let sql = format!(
        "SELECT tracking, category, district, received_at, status, updated, until FROM ( \
           SELECT s.tracking, json_extract(s.answers, '$.category') AS category, s.district, \
                  s.received_at, \
                  (SELECT e.kind FROM submission_events e WHERE e.submission_id = s.id \
                   AND e.kind IN ({public}) ORDER BY e.at DESC, e.id DESC LIMIT 1) AS status, \
                  (SELECT e.at FROM submission_events e WHERE e.submission_id = s.id \
                   AND e.kind IN ({public}) ORDER BY e.at DESC, e.id DESC LIMIT 1) AS updated, \
                  (SELECT json_group_array(json_array(e.at, e.until)) FROM submission_events e \
                   WHERE e.submission_id = s.id AND e.kind = 'extended') AS until \
           FROM submissions s WHERE s.form_id = 'complaint'{conditions} \
         ) WHERE {outer} ORDER BY received_at DESC, tracking DESC LIMIT {MAX_REQUESTS}"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values.iter()), |row| {
        Ok((
            (
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ),
            (
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
            ),
        ))
    })?;
    rows.map(|row| {
        let ((tracking, category, district, received_at), (status, updated, until)) = row?;
        let latest = match (status, updated) {
            (Some(kind), Some(at)) => {
                Some((kind.parse().unwrap_or(EventKind::Other), parse_time(&at)?))
            }
            _ => None,
        };
        Ok(Row {
            district: District::from_code(&district)
                .ok_or_else(|| DbError::Corrupt(format!("district of {tracking}")))?,
            tracking,
            category,
            received_at: parse_time(&received_at)?,
            latest,
            extensions: super::inbox::parse_extensions(until.as_deref())?,
        })
    })
    .collect()
}
