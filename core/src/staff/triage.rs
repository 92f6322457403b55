//! Two rules of triage: the conflict of interest (a complaint naming its district's own
//! office) and the monitoring key that ties repeated complaints about one school or
//! clinic to each other and to a checklist.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::District;
use crate::form::FormRef;

/// A monitoring visit the district's volunteers are asked to make: the third complaint
/// within [`REPEATED_COMPLAINT_DAYS`] days about one school or clinic raises it, with the
/// checklist form to fill there. Done when a checklist about that institution arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitoringTask {
    pub id: i64,
    pub district: District,
    /// The institution's name as the latest complaint wrote it.
    pub institution: String,
    /// The checklist to fill: `monitoring_school` or `monitoring_clinic`, current version.
    pub form: FormRef,
    /// Complaints about it in the window when the task was raised.
    pub complaints: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The tracking number of the checklist that did it; none while the task is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
}

/// The phrases that name an integrity office or a reconciliation centre in general, as
/// people write them in Kazakh, Russian or English (folded before comparing).
const OFFICE_PHRASES: [&str; 8] = [
    "адалдық алаңы",
    "адалдык аланы",
    "adaldyq alany",
    "integrity office",
    "татуластыру орталығы",
    "центр примирения",
    "reconciliation centre",
    "reconciliation center",
];

/// Whether a complaint's `institution` names the district's own integrity office or
/// reconciliation centre, or one of their mediators: then that office must not handle
/// it (conflict of interest). `own` are the [`office_name_key`]s of the names (in every
/// language) of the district's directory entries of those kinds and of the mediators
/// working there. Matched folded (any script, case, accents): the institution contains
/// a name, or a name contains the institution (at least five letters), or it uses one
/// of the general phrases.
pub fn names_an_office<'a>(institution: &str, own: impl IntoIterator<Item = &'a str>) -> bool {
    let institution = crate::search::fold(institution);
    if institution.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        return false;
    }
    let names = own.into_iter().filter(|n| n.len() >= 5);
    OFFICE_PHRASE_KEYS.iter().map(String::as_str).chain(names).any(|name| {
        institution.contains(name) || (institution.len() >= 5 && name.contains(&institution))
    })
}

/// A directory name as [`names_an_office`] compares it: folded, and without what it
/// says in brackets ("(sample)", "(образец)").
pub fn office_name_key(name: &str) -> String {
    crate::search::fold(&without_brackets(name))
}

static OFFICE_PHRASE_KEYS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| OFFICE_PHRASES.iter().map(|p| crate::search::fold(p)).collect());

fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// The key that ties complaints about one school or clinic to each other and to the
/// monitoring checklist done there: `school:<folded name>` or `clinic:<folded name>`.
/// `None` for other forms, other categories, or no institution.
pub fn monitoring_key(form_id: &str, answers: &crate::form::Answers) -> Option<String> {
    let kind = match form_id {
        "complaint" => match answers.get("category")?.as_str()? {
            kind @ ("school" | "clinic") => kind,
            _ => return None,
        },
        "monitoring_school" => "school",
        "monitoring_clinic" => "clinic",
        _ => return None,
    };
    let name = crate::search::fold(answers.get("institution")?.as_str()?);
    let name = name.trim();
    (!name.is_empty()).then(|| format!("{kind}:{name}"))
}

/// The checklist form a monitoring task of `key` ([`monitoring_key`]) asks for.
pub fn monitoring_form(key: &str) -> Option<&'static str> {
    match key.split_once(':')?.0 {
        "school" => Some("monitoring_school"),
        "clinic" => Some("monitoring_clinic"),
        _ => None,
    }
}

/// The number of complaints about one institution that raises a monitoring task…
pub const REPEATED_COMPLAINTS: u32 = 3;

/// …within this many days.
pub const REPEATED_COMPLAINT_DAYS: i64 = 30;

/// `GET /api/v1/staff/tasks?district=`: open tasks first, then done ones, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TasksResponse {
    pub district: District,
    pub tasks: Vec<MonitoringTask>,
}
