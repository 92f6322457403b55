//! Reading stored submissions for staff: pages by keyset, and every row in order for
//! the CSV export. Read-only; runs on the read connections.

use adal_core::District;
use adal_core::api::{FormRef, SubmissionRow};
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbError;
use super::clock::{format_time, parse_time};
use super::sql::{Conn, Param, Row};

/// Which submissions to read. Empty filters read everything but conflict items.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub district: Option<District>,
    pub form: Option<String>,
    /// Whether the items that name their own district's office (`conflict_district =
    /// district`) are read too: only for whom the policy lets read them
    /// (`adal_core::staff::policy::scope`).
    pub conflict_items: bool,
}

impl Filter {
    /// The SQL conditions of the filter; their parameters are pushed onto `values`.
    fn conditions(&self, values: &mut Vec<Box<dyn Param>>) -> Vec<String> {
        let mut conditions = Vec::new();
        if let Some(district) = self.district {
            values.push(Box::new(district.code()));
            conditions.push(format!("district = ?{}", values.len()));
        }
        if let Some(form) = &self.form {
            values.push(Box::new(form.clone()));
            conditions.push(format!("form_id = ?{}", values.len()));
        }
        if !self.conflict_items {
            conditions.push("(conflict_district IS NULL OR conflict_district <> district)".into());
        }
        conditions
    }
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        return String::new();
    }
    format!(" WHERE {}", conditions.join(" AND "))
}

/// Where a page starts: strictly older than this submission, in list order
/// (`received_at` then `id`, both descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub received_at: OffsetDateTime,
    pub id: Uuid,
}

impl Cursor {
    /// `<received_at>_<id>`: opaque to clients, readable in a log.
    pub fn encode(&self) -> Result<String, DbError> {
        Ok(format!("{}_{}", format_time(self.received_at)?, self.id))
    }

    pub fn decode(raw: &str) -> Option<Cursor> {
        let (at, id) = raw.split_once('_')?;
        Some(Cursor { received_at: parse_time(at).ok()?, id: id.parse().ok()? })
    }
}

const COLUMNS: &str = "id, tracking, form_id, form_version, district, received_at, answers";

/// Up to `limit` submissions older than `after`, newest first, and the cursor of the
/// next page when there may be one. Every query walks one index of migration 0005
/// backwards and stops after `limit` rows, so a page costs the same at any depth.
pub fn page(
    conn: &Conn,
    filter: &Filter,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<(Vec<SubmissionRow>, Option<Cursor>), DbError> {
    let mut values = Vec::new();
    let mut conditions = filter.conditions(&mut values);
    if let Some(after) = after {
        values.push(Box::new(format_time(after.received_at)?));
        values.push(Box::new(after.id.to_string()));
        let (at, id) = (values.len() - 1, values.len());
        // `received_at <= ?` bounds the index range; the rest only sorts out the rows of
        // the same millisecond. (A row value would do as well on SQLite, but this form
        // is planned well by every SQLite and Postgres version.)
        conditions.push(format!("received_at <= ?{at} AND (received_at < ?{at} OR id < ?{id})"));
    }
    values.push(Box::new(limit));
    let sql = format!(
        "SELECT {COLUMNS} FROM submissions{} ORDER BY received_at DESC, id DESC LIMIT ?{}",
        where_clause(&conditions),
        values.len()
    );

    let page = conn.query_map(&sql, &refs(&values), read)?;
    let next = match page.last() {
        Some(last) if page.len() == limit as usize => {
            Some(Cursor { received_at: last.received_at, id: last.id })
        }
        _ => None,
    };
    Ok((page, next))
}

/// One row of the CSV export: the stored columns as text, answers as their JSON.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub tracking: String,
    pub id: String,
    pub form_id: String,
    pub form_version: u32,
    pub district: String,
    pub received_at: String,
    pub answers: String,
}

/// Calls `each` with every submission matching `filter`, oldest first, reading one row
/// at a time (nothing is collected); stops early when `each` returns `false`. Returns
/// how many rows were passed.
pub fn for_each_row(
    conn: &Conn,
    filter: &Filter,
    mut each: impl FnMut(ExportRow) -> bool,
) -> Result<u64, DbError> {
    let mut values = Vec::new();
    let conditions = filter.conditions(&mut values);
    let sql = format!(
        "SELECT {COLUMNS} FROM submissions{} ORDER BY received_at, id",
        where_clause(&conditions)
    );
    conn.stream(&sql, &refs(&values), |row| {
        let row = ExportRow {
            id: row.get(0)?,
            tracking: row.get(1)?,
            form_id: row.get(2)?,
            form_version: row.get(3)?,
            district: row.get(4)?,
            received_at: row.get(5)?,
            answers: row.get(6)?,
        };
        Ok(each(row))
    })
}

fn refs(values: &[Box<dyn Param>]) -> Vec<&dyn Param> {
    values.iter().map(|value| &**value).collect()
}

fn read(row: &Row<'_>) -> Result<SubmissionRow, DbError> {
    let id: String = row.get(0)?;
    let district: String = row.get(4)?;
    let answers: String = row.get(6)?;
    Ok(SubmissionRow {
        id: id.parse().map_err(|_| DbError::Corrupt(format!("submission id {id}")))?,
        tracking: row.get(1)?,
        form: FormRef { id: row.get(2)?, version: row.get(3)? },
        district: District::from_code(&district)
            .ok_or_else(|| DbError::Corrupt(format!("district {district} of {id}")))?,
        received_at: parse_time(&row.get::<String>(5)?)?,
        answers: serde_json::from_str(&answers)
            .map_err(|e| DbError::Corrupt(format!("answers of submission {id}: {e}")))?,
    })
}
