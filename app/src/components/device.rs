use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::backup::{self, BackupError};
use crate::i18n::t;
use crate::pwa::use_pwa;
use crate::state::use_app;
use crate::store;

/// "This device": whether the browser will keep what is stored, installing the app, and
/// saving unsent items to a file (or loading them on another phone).
#[component]
pub fn DeviceSection() -> impl IntoView {
    let app = use_app();
    let pwa = use_pwa();
    let lang = app.lang;
    let has_items = move || app.snapshot.with(|s| !s.is_empty());
    let storage_line = move || {
        let lang = lang.get();
        let kept = match pwa.persisted.get() {
            Some(true) => t(lang, "storage_persistent"),
            _ => t(lang, "storage_not_persistent"),
        };
        match pwa.usage.get() {
            Some((used, _)) => format!("{kept} {} {}", t(lang, "storage_used"), megabytes(used)),
            None => kept,
        }
    };
    view! {
        <section aria-labelledby="device-h" class="device">
            <h2 id="device-h">{move || t(lang.get(), "device_title")}</h2>
            <p class:warn=move || pwa.persisted.get() != Some(true) data-testid="storage">{storage_line}</p>
            <Show when=move || pwa.can_install.get() && has_items()>
                <p class="muted">{move || t(lang.get(), "install_help")}</p>
                <button type="button" class="primary" on:click=move |_| pwa.install()>
                    {move || t(lang.get(), "install")}
                </button>
            </Show>
            <Backup/>
            <p class="muted" data-testid="app-version">
                {move || t(lang.get(), "app_version")} " " {env!("CARGO_PKG_VERSION")}
            </p>
        </section>
    }
}

/// Save unsent items to a file, optionally sealed with a passphrase; load such a file.
#[component]
fn Backup() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let passphrase = RwSignal::new(String::new());
    let message: RwSignal<Option<(bool, String)>> = RwSignal::new(None);

    let save = move |_| {
        let pass = passphrase.get_untracked();
        spawn_local(
            async move { message.set(Some(save_unsent(pass, lang.get_untracked()).await)) },
        );
    };
    let load = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        let pass = passphrase.get_untracked();
        spawn_local(async move {
            message.set(Some(restore_file(file, pass, lang.get_untracked()).await));
            app.refresh();
            app.drain(true);
        });
    };

    view! {
        <h3>{move || t(lang.get(), "backup_title")}</h3>
        <p class="muted">{move || t(lang.get(), "backup_help")}</p>
        <div class="field">
            <label for="backup-pass">{move || t(lang.get(), "passphrase")}</label>
            <p id="backup-pass-help" class="help">{move || t(lang.get(), "passphrase_help")}</p>
            <input
                id="backup-pass"
                type="password"
                autocomplete="new-password"
                aria-describedby="backup-pass-help"
                prop:value=move || passphrase.get()
                on:input=move |ev| passphrase.set(event_target_value(&ev))
            />
        </div>
        <div class="row">
            <button type="button" class="secondary" on:click=save>{move || t(lang.get(), "backup_save")}</button>
            <label class="secondary file">
                {move || t(lang.get(), "backup_load")}
                <input type="file" accept="application/json,.json" class="visually-hidden" on:change=load/>
            </label>
        </div>
        {move || message.get().map(|(ok, text)| view! {
            <p class=if ok { "banner ok" } else { "banner error" } role="status">{text}</p>
        })}
    }
}

/// Saves the unsent drafts and outbox to a file sealed with `pass`; what to tell the
/// person, and whether it went well.
async fn save_unsent(pass: String, lang: adal_core::Lang) -> (bool, String) {
    let result = async {
        let backup = store::backup::unsent().await.map_err(|_| BackupError::Crypto)?;
        if backup.drafts.is_empty() && backup.outbox.is_empty() {
            return Ok(None);
        }
        let text = backup::seal(&backup, Some(pass.as_str())).await?;
        let stamp = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
        let name = format!("adal-unsent-{}.json", stamp.get(..10).unwrap_or("backup"));
        backup::download(&name, &text).map_err(|_| BackupError::Crypto)?;
        Ok(Some(backup.drafts.len() + backup.outbox.len()))
    }
    .await;
    match result {
        Ok(None) => (true, t(lang, "backup_nothing")),
        Ok(Some(n)) => (true, t(lang, "backup_saved").replace("%{count}", &n.to_string())),
        Err(e) => (false, error_text(e, lang)),
    }
}

/// Opens a backup file with `pass` and puts back what the device lacks; what to tell the
/// person, and whether it went well.
async fn restore_file(file: web_sys::File, pass: String, lang: adal_core::Lang) -> (bool, String) {
    let result = async {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .map_err(|_| BackupError::NotABackup)?;
        let text = text.as_string().ok_or(BackupError::NotABackup)?;
        let backup = backup::open(&text, Some(pass.as_str())).await?;
        store::backup::restore(&backup).await.map_err(|_| BackupError::Crypto)
    }
    .await;
    match result {
        Ok(done) => (
            true,
            t(lang, "backup_restored")
                .replace("%{drafts}", &done.drafts.to_string())
                .replace("%{outbox}", &done.outbox.to_string())
                .replace("%{skipped}", &done.skipped.to_string()),
        ),
        Err(e) => (false, error_text(e, lang)),
    }
}

fn error_text(error: BackupError, lang: adal_core::Lang) -> String {
    match error {
        BackupError::NotABackup => t(lang, "backup_not_a_backup"),
        BackupError::PassphraseNeeded => t(lang, "backup_passphrase_needed"),
        BackupError::WrongPassphrase => t(lang, "backup_wrong_passphrase"),
        BackupError::Crypto => t(lang, "backup_failed"),
    }
}

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_000_000.0)
}
