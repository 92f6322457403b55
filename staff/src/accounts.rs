//! Administrators' list of accounts: disable or enable one, set a new password, or move
//! it to another role or district. Each change goes to the server at once (it needs
//! signal: an account change made offline could lock someone out unseen).

use adal_core::District;
use adal_core::staff::{AccountChange, AccountSummary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::admin::{RoleFields, role_label};
use super::{online_view, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{StaffError, change_user, users};

#[component]
pub fn Accounts() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let reloads = RwSignal::new(0u32);
    let list = st.online(move |lang| {
        reloads.track();
        st.synced.track();
        async move { users(lang).await.map(|r| r.accounts) }
    });
    view! {
        <section aria-labelledby="accounts-h">
            <h2 id="accounts-h">{move || t(lang.get(), "staff_accounts")}</h2>
            {online_view(list, move |accounts| view! {
                <ul class="items accounts" data-testid="accounts">
                    {accounts.into_iter().map(|a| view! { <AccountRow account=a reloads/> }).collect_view()}
                </ul>
            }.into_any())}
        </section>
    }
}

#[component]
fn AccountRow(account: AccountSummary, reloads: RwSignal<u32>) -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let login = account.login.clone();
    let role = RwSignal::new(account.role);
    let district = RwSignal::new(account.district.map(|d| d.code().to_owned()).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let id = |what: &str| format!("acc-{}-{what}", account.login);
    let apply = move |change: AccountChange, login: String| {
        let lang = lang.get_untracked();
        let Some(csrf) = st.csrf() else { return };
        spawn_local(async move {
            match st.ask(change_user(&login, &change, &csrf, lang)).await {
                Ok(()) => {
                    message.set(Some(t(lang, "staff_saved")));
                    password.set(String::new());
                    reloads.update(|n| *n += 1);
                }
                Err(StaffError::Refused(p)) => message.set(Some(p.detail.unwrap_or(p.title))),
                Err(_) => message.set(Some(t(lang, "needs_signal"))),
            }
        });
    };
    let disabled = account.disabled;
    let toggle_login = login.clone();
    let save_login = login.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_password = password.get_untracked();
        let change = AccountChange {
            disabled: None,
            password: (!new_password.is_empty()).then_some(new_password),
            role: Some(role.get_untracked()),
            district: District::from_code(&district.get_untracked())
                .filter(|_| role.get_untracked().has_district()),
        };
        apply(change, save_login.clone());
    };
    let (role_id, district_id, password_id) = (id("role"), id("district"), id("password"));
    view! {
        <li class:disabled=disabled>
            <details>
                <summary>
                    <strong>{login.clone()}</strong> " · " {move || role_label(account.role, lang.get())}
                    {account.district.map(|d| view! { " · " {move || d.name(lang.get())} })}
                    {disabled.then(|| view! { " · " <span class="tag">{move || t(lang.get(), "staff_disabled")}</span> })}
                </summary>
                <form novalidate class="action" on:submit=save>
                    <RoleFields role_id district_id role district/>
                    <div class="field">
                        <label for=password_id.clone()>{move || t(lang.get(), "staff_new_password")}</label>
                        <p class="help">{move || t(lang.get(), "staff_password_rules")}</p>
                        <input id=password_id type="password" autocomplete="new-password"
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    </div>
                    <p role="status">{move || message.get()}</p>
                    <div class="action-buttons">
                        <button type="submit" class="primary">{move || t(lang.get(), "staff_save")}</button>
                        <button type="button" class="secondary" on:click=move |_| apply(
                            AccountChange { disabled: Some(!disabled), ..AccountChange::default() },
                            toggle_login.clone(),
                        )>
                            {move || if disabled { t(lang.get(), "staff_enable") } else { t(lang.get(), "staff_disable") }}
                        </button>
                    </div>
                </form>
            </details>
        </li>
    }
}
