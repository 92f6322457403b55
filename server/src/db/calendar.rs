//! Calendar years replaced by administrators.

use super::sql::{Conn, params};
use adal_core::calendar::Year;
use time::OffsetDateTime;

use super::DbError;
use super::clock::format_time;

/// Every edited year, oldest first.
pub fn edited_years(conn: &Conn) -> Result<Vec<Year>, DbError> {
    let rows =
        conn.query_map("SELECT year, data FROM calendar_years ORDER BY year", params![], |row| {
            Ok((row.get::<i32>(0)?, row.get::<String>(1)?))
        })?;
    rows.into_iter()
        .map(|(year, data)| {
            serde_json::from_str(&data)
                .map_err(|e| DbError::Corrupt(format!("calendar year {year}: {e}")))
        })
        .collect()
}

/// Stores `year` in place of any earlier version of it.
pub fn put_year(conn: &Conn, year: &Year, by: &str, at: OffsetDateTime) -> Result<(), DbError> {
    let data = serde_json::to_string(year)
        .map_err(|e| DbError::Corrupt(format!("calendar year {}: {e}", year.year)))?;
    conn.execute(
        "INSERT INTO calendar_years (year, data, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (year) DO UPDATE SET data = excluded.data, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![year.year, data, format_time(at)?, by],
    )?;
    Ok(())
}
