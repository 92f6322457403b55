//! One file per screen. `Page` owns every path, so a link is never a hand-typed string.

mod act;
mod directory;
mod form;
mod home;
mod item;
mod reports;
mod start;
mod verify;

pub use act::{ActEditor, ActPage};
pub use directory::DirectoryPage;
pub use form::FormPage;
pub use home::HomePage;
pub use item::{ItemActPage, ItemPage};
pub use reports::{PublishedReportPage, ReportsPage};
pub use start::StartPage;
pub use verify::VerifyPage;

use adal_core::form::Answers;
use adal_core::{District, Lang};
use leptos::prelude::Set;

use crate::state::AppState;
use crate::store::{self, Draft};

/// The screens of the app and their addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home,
    /// Editing a draft of any form.
    Draft(String),
    /// A sent item: waiting for signal, or delivered with its tracking number.
    Item(String),
    /// The signed reconciliation act of a sent mediation request, to print again.
    ItemAct(String),
    /// The directory of centres, mediators, notaries and offices.
    Directory,
    /// A mediator prepares a printable reconciliation act.
    Act,
    /// Checks a printed act's text against its hash, offline.
    Verify,
    /// Every published two-weekly report (the press conference's page).
    Reports,
    /// One published report, by its SHA-256.
    Report(String),
}

impl Page {
    pub fn path(&self) -> String {
        match self {
            Page::Home => "/".to_owned(),
            Page::Draft(id) => format!("/draft/{id}"),
            Page::Item(id) => format!("/item/{id}"),
            Page::ItemAct(id) => format!("/item/{id}/act"),
            Page::Directory => "/directory".to_owned(),
            Page::Act => "/act".to_owned(),
            Page::Verify => "/verify".to_owned(),
            Page::Reports => "/reports".to_owned(),
            Page::Report(hash) => format!("/reports/{hash}"),
        }
    }
}

/// Starts a draft of the newest version of form `form_id`, stores it, and returns the
/// page to open. The first draft is also when persistent storage is asked for.
pub async fn start_draft(app: AppState, form_id: &str, prefill: Answers) -> Option<Page> {
    let schema = app.current_schema(form_id)?;
    let now = js_sys::Date::now();
    let draft = Draft {
        id: crate::sync::new_submission_id().to_string(),
        form: schema.form_ref(),
        answers: prefill,
        created_at: now,
        updated_at: now,
        problem: None,
    };
    match store::ops::put_draft(&draft).await {
        Ok(()) => Some(Page::Draft(draft.id)),
        Err(_) => {
            app.storage_failed.set(true);
            None
        }
    }
}

/// What a person recognises an item by: the institution they wrote about, else the form.
pub fn title(app: AppState, form_id: &str, version: u32, answers: &Answers, lang: Lang) -> String {
    match answers.get("institution").and_then(|v| v.as_str()).map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => app.form_title(form_id, version, lang).unwrap_or_else(|| form_id.to_owned()),
    }
}

/// The form's title and the district, where chosen, in the person's language.
pub fn summary(
    app: AppState,
    form_id: &str,
    version: u32,
    answers: &Answers,
    lang: Lang,
) -> String {
    let form = app.form_title(form_id, version, lang);
    let district = answers
        .get("district")
        .and_then(|v| v.as_str())
        .and_then(District::from_code)
        .map(|d| d.name(lang).to_owned());
    [form, district].into_iter().flatten().collect::<Vec<_>>().join(" · ")
}
