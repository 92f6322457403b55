//! Monitoring tasks as staff read them (they are written by `db::triage`).

use super::sql::{Conn, params};
use adal_core::District;
use adal_core::api::FormRef;
use adal_core::staff::MonitoringTask;

use super::DbError;
use super::clock::parse_time;

/// The tasks of `district`: open ones first, then done ones, newest first.
pub fn of_district(conn: &Conn, district: District) -> Result<Vec<MonitoringTask>, DbError> {
    let rows = conn.query_map(
        "SELECT id, institution, form_id, form_version, complaints, created_at, done_by \
         FROM monitoring_tasks WHERE district = ?1 \
         ORDER BY done_by IS NOT NULL, created_at DESC, id DESC",
        params![district.code()],
        |row| {
            Ok((
                row.get::<i64>(0)?,
                row.get::<String>(1)?,
                FormRef { id: row.get(2)?, version: row.get(3)? },
                row.get::<u32>(4)?,
                row.get::<String>(5)?,
                row.get::<Option<String>>(6)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(id, institution, form, complaints, created_at, done_by)| {
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
