//! The audit log as administrators read it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Role;

use crate::District;

/// One line of the audit log. Says who did what to which item, never what a citizen
/// wrote: `target` is a tracking number or a staff login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    pub action: String,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub district: Option<District>,
    /// `allowed`, `denied`, `refused` (the law refused the step: a late extension),
    /// `csrf_rejected`, `login_failed`.
    pub outcome: String,
    /// SHA-256 (hex) of the User-Agent: tells devices apart without naming them.
    #[serde(default)]
    pub device: Option<String>,
}

/// `GET /api/v1/staff/audit` (administrators), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditResponse {
    pub entries: Vec<AuditEntry>,
}
