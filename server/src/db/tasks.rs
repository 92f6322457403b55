//! Monitoring tasks as staff read them (they are written by `db::triage`).

use adal_core::District;
use adal_core::api::FormRef;
use adal_core::staff::MonitoringTask;
use rusqlite::{Connection, params};

use super::DbError;
use super::clock::parse_time;

/// The tasks of `district`: open ones first, then done ones, newest first.
pub fn of_district(conn: &Connection, district: District) -> Result<Vec<MonitoringTask>, DbError> {
    let mut statement = conn.prepare(
        "SELECT id, institution, form_id, form_version, complaints, created_at, done_by \
         FROM monitoring_tasks WHERE district = ?1 \
         ORDER BY done_by IS NOT NULL, created_at DESC, id DESC",
    )?;
    let rows = statement.query_map(params![district.code()], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            FormRef { id: row.get(2)?, version: row.get(3)? },
            row.get::<_, u32>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, Option<String>>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (id, institution, form, complaints, created_at, done_by) = row?;
        Ok(MonitoringTask {
            id,
            district,
            institution,
            form,
            complaints,
            created_at: parse_time(&created_at)?,
            done_by,
        })
    })
    .collect()
}
