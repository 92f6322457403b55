//! Administrators: new accounts, and the audit log, newest first.

use adal_core::District;
use adal_core::staff::{AuditEntry, NewAccountRequest, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{local_time, online_view, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{StaffError, audit, create_user};

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_staff().lang;
    view! {
        <main id="main" class="page staff-page">
            <h1>{move || t(lang.get(), "staff_admin")}</h1>
            <super::accounts::Accounts/>
            <NewAccount/>
            <super::calendar::CalendarEditor/>
            <AuditLog/>
        </main>
    }
}

/// A role's name in the interface's language.
pub fn role_label(role: Role, lang: adal_core::Lang) -> String {
    match role {
        Role::Volunteer => t(lang, "role_volunteer"),
        Role::OfficeStaff => t(lang, "role_office_staff"),
        Role::Mediator => t(lang, "role_mediator"),
        Role::Curator => t(lang, "role_curator"),
        Role::FrontOffice => t(lang, "role_front_office"),
        Role::Administrator => t(lang, "role_administrator"),
    }
}

#[component]
fn NewAccount() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::OfficeStaff);
    let district = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewAccountRequest {
            login: login.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            district: District::from_code(&district.get_untracked())
                .filter(|_| role.get_untracked().has_district()),
            password: password.get_untracked(),
        };
        let lang = lang.get_untracked();
        if request.check().is_err() {
            message.set(Some((false, t(lang, "staff_account_invalid"))));
            return;
        }
        let Some(csrf) = st.csrf() else { return };
        spawn_local(async move {
            match st.ask(create_user(&request, &csrf, lang)).await {
                Ok(me) => {
                    message.set(Some((
                        true,
                        t(lang, "staff_account_created").replace("%{login}", &me.login),
                    )));
                    login.set(String::new());
                    password.set(String::new());
                    // The list of accounts and the audit log read the server again.
                    st.synced.update(|n| *n += 1);
                }
                Err(StaffError::Refused(p)) => {
                    message.set(Some((false, p.detail.unwrap_or(p.title))))
                }
                Err(_) => message.set(Some((false, t(lang, "needs_signal")))),
            }
        });
    };
    view! {
        <section aria-labelledby="new-account-h">
            <h2 id="new-account-h">{move || t(lang.get(), "staff_new_account")}</h2>
            <form novalidate class="action" on:submit=submit>
                <div class="field">
                    <label for="acc-login">{move || t(lang.get(), "staff_login_name")}</label>
                    <p class="help">{move || t(lang.get(), "staff_login_rules")}</p>
                    <input id="acc-login" type="text" autocapitalize="none" spellcheck="false" autocomplete="off"
                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </div>
                <RoleFields role_id="acc-role".into() district_id="acc-district".into() role district/>
                <div class="field">
                    <label for="acc-password">{move || t(lang.get(), "staff_password")}</label>
                    <p class="help">{move || t(lang.get(), "staff_password_rules")}</p>
                    <input id="acc-password" type="password" autocomplete="new-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </div>
                <p role="status" class:error-text=move || message.with(|m| m.as_ref().is_some_and(|(ok, _)| !ok))>
                    {move || message.get().map(|(_, m)| m)}
                </p>
                <button type="submit" class="primary">{move || t(lang.get(), "staff_create_account")}</button>
            </form>
        </section>
    }
}

/// The role, and the district for the roles that have one.
#[component]
pub fn RoleFields(
    role_id: String,
    district_id: String,
    role: RwSignal<Role>,
    district: RwSignal<String>,
) -> impl IntoView {
    let lang = use_staff().lang;
    view! {
        <div class="field">
            <label for=role_id.clone()>{move || t(lang.get(), "staff_role")}</label>
            <select id=role_id on:change=move |ev| {
                if let Ok(r) = event_target_value(&ev).parse::<Role>() { role.set(r) }
            }>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=move || role.get() == r>{move || role_label(r, lang.get())}</option>
                }).collect_view()}
            </select>
        </div>
        <Show when=move || role.get().has_district()>
            <div class="field">
                <label for=district_id.clone()>{move || t(lang.get(), "district")}</label>
                <select id=district_id.clone() on:change=move |ev| district.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "choose_one")}</option>
                    {District::ALL.into_iter().map(|d| view! {
                        <option value=d.code() selected=move || district.get() == d.code()>{move || d.name(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
        </Show>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let entries = st.online(move |lang| {
        st.synced.track();
        async move { audit(lang).await.map(|r| r.entries) }
    });
    view! {
        <section aria-labelledby="audit-h">
            <h2 id="audit-h">{move || t(lang.get(), "staff_audit")}</h2>
            {online_view(entries, move |list| view! {
                <ol class="items audit" data-testid="audit">
                    {list.into_iter().map(|e| view! { <AuditRow entry=e/> }).collect_view()}
                </ol>
            }.into_any())}
        </section>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let lang = use_staff().lang;
    let at = entry.at;
    let line = format!(
        "{} · {} · {} · {}",
        entry.login.unwrap_or_else(|| "—".into()),
        entry.action,
        entry.target.unwrap_or_default(),
        entry.outcome,
    );
    view! { <li><span>{line}</span><span class="meta">{move || local_time(at, lang.get())}</span></li> }
}
