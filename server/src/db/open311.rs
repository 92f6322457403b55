//! Open311: the API keys administrators issue, and the public status of complaints.
//!
//! A status row carries nothing the person wrote but the category: the query reads the
//! answers' `category` and never returns the answers themselves.

use super::sql::{Conn, Row as SqlRow, params};
use adal_core::open311::{KeySummary, MAX_REQUESTS, Status};
use adal_core::receipt::EventKind;
use adal_core::{District, Provider, ProviderKind};
use time::OffsetDateTime;

use super::DbError;
use super::clock::{format_time, parse_time};

/// Stores a newly issued key (its hash only); its id.
pub fn insert_key(
    conn: &Conn,
    key_sha256: &str,
    label: &str,
    created_by: &str,
    at: OffsetDateTime,
) -> Result<i64, DbError> {
    conn.query_row(
        "INSERT INTO open311_keys (key_sha256, label, created_at, created_by) \
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
        params![key_sha256, label, format_time(at)?, created_by],
        |row| row.get(0),
    )
}

const KEY_COLUMNS: &str = "id, label, created_at, created_by, revoked_at";

fn read_key(row: &SqlRow<'_>) -> Result<KeySummary, DbError> {
    let (id, label, created_at, created_by, revoked_at): (
        i64,
        String,
        String,
        String,
        Option<String>,
    ) = (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
    Ok(KeySummary {
        id,
        label,
        created_at: parse_time(&created_at)?,
        created_by,
        revoked_at: revoked_at.as_deref().map(parse_time).transpose()?,
    })
}

/// Every key ever issued, newest first.
pub fn keys(conn: &Conn) -> Result<Vec<KeySummary>, DbError> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM open311_keys ORDER BY id DESC");
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params![], read_key)?;
    rows.collect()
}

/// Revokes key `id` (a key revoked before keeps its first revocation); the key as it
/// now is, or `None` if there is no such key.
pub fn revoke(
    conn: &Conn,
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
    conn.query_opt(&sql, params![id], read_key)
}

/// The id of the live (issued, not revoked) key with this hash.
pub fn live_key(conn: &Conn, key_sha256: &str) -> Result<Option<i64>, DbError> {
    conn.query_opt(
        "SELECT id FROM open311_keys WHERE key_sha256 = ?1 AND revoked_at IS NULL",
        params![key_sha256],
        |row| row.get(0),
    )
}

/// The integrity offices of the directory: who answers in each district, and where.
pub fn offices(conn: &Conn) -> Result<Vec<Provider>, DbError> {
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

/// What a [`Filter`] adds to the query: its values (bound as `?1`, `?2`…), conditions
/// on the submission (`inner`) and on its derived category and status (`outer`).
struct Conditions {
    values: Vec<String>,
    inner: String,
    outer: String,
}

impl Conditions {
    /// Placeholders for `items`, bound after the values already taken.
    fn bind(&mut self, items: &[String]) -> String {
        let start = self.values.len();
        self.values.extend(items.iter().cloned());
        (start..self.values.len()).map(|i| format!("?{}", i + 1)).collect::<Vec<_>>().join(", ")
    }

    fn of(filter: &Filter) -> Result<Conditions, DbError> {
        let mut c = Conditions { values: Vec::new(), inner: String::new(), outer: "1 = 1".into() };
        match filter {
            Filter::Ids(ids) => {
                let list = c.bind(ids);
                c.inner.push_str(&format!(" AND s.tracking IN ({list})"));
            }
            Filter::Range { from, to, categories, statuses } => {
                let list = c.bind(&[format_time(*from)?, format_time(*to)?]);
                let (from, to) = list.split_once(", ").unwrap_or_default();
                c.inner
                    .push_str(&format!(" AND s.received_at >= {from} AND s.received_at <= {to}"));
                if !categories.is_empty() {
                    let list = c.bind(categories);
                    c.outer.push_str(&format!(" AND category IN ({list})"));
                }
                if !statuses.is_empty() {
                    let closed = kinds(EventKind::settles);
                    // A complaint without any public event yet has only been received: open.
                    let is_closed = format!("(CASE WHEN status IN ({closed}) THEN 1 ELSE 0 END)");
                    let wanted: Vec<_> = statuses
                        .iter()
                        .map(|s| match s {
                            Status::Closed => format!("{is_closed} = 1"),
                            Status::Open => format!("{is_closed} = 0"),
                        })
                        .collect();
                    c.outer.push_str(&format!(" AND ({})", wanted.join(" OR ")));
                }
            }
        }
        Ok(c)
    }
}

/// The complaints `filter` asks for, newest first, at most [`MAX_REQUESTS`].
pub fn requests(conn: &Conn, filter: &Filter) -> Result<Vec<Row>, DbError> {
    let public = kinds(EventKind::is_public);
    let Conditions { values, inner: conditions, outer } = Conditions::of(filter)?;
    // Reads the one answer that is public, the category (`json_extract` on SQLite,
    // `->>` on Postgres).
    let dialect = conn.dialect();
    let category = dialect.json_text("s.answers", "category");
    let until = dialect.json_rows("e.at, e.until", "e.at, e.id");
    let sql = format!(
        "SELECT tracking, category, district, received_at, status, updated, until FROM ( \
           SELECT s.tracking, {category} AS category, s.district, \
                  s.received_at, \
                  (SELECT e.kind FROM submission_events e WHERE e.submission_id = s.id \
                   AND e.kind IN ({public}) ORDER BY e.at DESC, e.id DESC LIMIT 1) AS status, \
                  (SELECT e.at FROM submission_events e WHERE e.submission_id = s.id \
                   AND e.kind IN ({public}) ORDER BY e.at DESC, e.id DESC LIMIT 1) AS updated, \
                  (SELECT {until} FROM submission_events e \
                   WHERE e.submission_id = s.id AND e.kind = 'extended') AS until \
           FROM submissions s WHERE s.form_id = 'complaint'{conditions} \
         ) AS q WHERE {outer} ORDER BY received_at DESC, tracking DESC LIMIT {MAX_REQUESTS}"
    );
    let values: Vec<&dyn super::sql::Param> = values.iter().map(|v| v as _).collect();
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(&values, |row| {
        Ok((
            (
                row.get::<String>(0)?,
                row.get::<Option<String>>(1)?,
                row.get::<String>(2)?,
                row.get::<String>(3)?,
            ),
            (
                row.get::<Option<String>>(4)?,
                row.get::<Option<String>>(5)?,
                row.get::<Option<String>>(6)?,
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
