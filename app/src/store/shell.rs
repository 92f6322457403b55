//! `adal-shell`: drafts typed into the static shell's form before the app started. The
//! shell's script (`app/shell.js`) cannot open `adal` (creating it would skip this
//! module's upgrade), so it writes to a database of its own; the app moves each record
//! into `drafts`, exactly as typed, and empties it.
//!
//! The record format is defined once, in `app/shell.js`'s header, and mirrored by
//! [`ShellDraft`]: database `adal-shell` version 1, object store `drafts`, key path
//! `id`; `{ id, form: { id, version }, answers, created_at, updated_at }`.

use adal_core::api::FormRef;
use adal_core::form::Answers;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde::{Deserialize, Serialize};

use super::{DRAFTS, Draft, OUTBOX, Result, SENT, collect, with_db};

const DB_NAME: &str = "adal-shell";
const DB_VERSION: u8 = 1;
const STORE: &str = "drafts";

/// A draft as the shell's script writes it: the app's [`Draft`] without `problem`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShellDraft {
    pub id: String,
    pub form: FormRef,
    pub answers: Answers,
    pub created_at: f64,
    pub updated_at: f64,
}

/// Tells the shell's script to stop writing: from now on the app owns what is typed.
/// Called before [`adopt`], so no record is written after the app has read them.
pub fn stop_shell_writes() {
    let _ = js_sys::Reflect::set(
        &web_sys::window().expect("a window").into(),
        &"adalShellAdopted".into(),
        &true.into(),
    );
}

async fn open_shell() -> Result<Database> {
    Ok(Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store(STORE).with_key_path("id".into()).build()?;
            Ok(())
        })
        .await?)
}

/// Moves every draft the shell saved into `drafts` (one already queued or sent is left
/// alone; a stored draft newer than the shell's record is kept), then empties the shell's
/// store. Returns the newest adopted draft of form `form_id`, if any.
///
/// Safe to repeat: a record is copied under its own id before it is deleted, so a tab
/// closed between the two steps copies the same record again next time.
pub async fn adopt(form_id: &str) -> Result<Option<Draft>> {
    stop_shell_writes();
    let shell = open_shell().await?;
    let tx = shell.transaction(STORE).build()?;
    let records: Vec<ShellDraft> = collect(tx.object_store(STORE)?.get_all().serde()?.await?)?;
    drop(tx);
    let mut newest: Option<Draft> = None;
    for record in &records {
        let draft = Draft {
            id: record.id.clone(),
            form: record.form.clone(),
            answers: record.answers.clone(),
            created_at: record.created_at,
            updated_at: record.updated_at,
            problem: None,
        };
        let kept = with_db(|db| {
            let draft = draft.clone();
            async move {
                let tx = db
                    .transaction([DRAFTS, OUTBOX, SENT])
                    .with_mode(TransactionMode::Readwrite)
                    .build()?;
                let id = draft.id.as_str();
                let gone = tx.object_store(OUTBOX)?.count().with_query(id).primitive()?.await? > 0
                    || tx.object_store(SENT)?.count().with_query(id).primitive()?.await? > 0;
                let stored: Option<Draft> = tx.object_store(DRAFTS)?.get(id).serde()?.await?;
                let kept = match stored {
                    _ if gone => None,
                    Some(stored) if stored.updated_at >= draft.updated_at => Some(stored),
                    _ => {
                        tx.object_store(DRAFTS)?.put(&draft).serde()?;
                        Some(draft)
                    }
                };
                tx.commit().await?;
                Ok(kept)
            }
        })
        .await?;
        if let Some(kept) = kept.filter(|d| d.form.id == form_id)
            && newest.as_ref().is_none_or(|n| n.updated_at < kept.updated_at)
        {
            newest = Some(kept);
        }
    }
    if !records.is_empty() {
        let tx = shell.transaction(STORE).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(STORE)?;
        for record in &records {
            store.delete(record.id.as_str()).build()?;
        }
        tx.commit().await?;
    }
    shell.close();
    Ok(newest)
}
