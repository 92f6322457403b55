//! Logging in: the session cookie is set by the server; what the app keeps is the account
//! and the CSRF token. Each failure says what happened and what to do.

use adal_core::api::ProblemCode;
use adal_core::staff::LoginRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::use_staff;
use crate::i18n::t;
use adal_app::api::staff::{StaffError, login};

#[component]
pub fn LoginPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let user = RwSignal::new(st.me().map(|m| m.login).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = LoginRequest {
            login: user.get_untracked().trim().to_lowercase(),
            password: password.get_untracked(),
        };
        if request.login.is_empty() || request.password.is_empty() {
            message.set(Some(t(lang.get_untracked(), "staff_login_empty")));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = login(&request, lang.get_untracked()).await;
            busy.set(false);
            match answer {
                Ok(session) => {
                    password.set(String::new());
                    message.set(None);
                    st.logged_in(session);
                }
                Err(StaffError::Offline) => {
                    message.set(Some(t(lang.get_untracked(), "staff_login_offline")))
                }
                Err(StaffError::Refused(p)) if p.code == ProblemCode::RateLimited => {
                    message.set(Some(t(lang.get_untracked(), "staff_login_rate_limited")))
                }
                Err(StaffError::Refused(_) | StaffError::Unauthenticated) => {
                    message.set(Some(t(lang.get_untracked(), "staff_login_failed")))
                }
                Err(StaffError::Failed(_)) => {
                    message.set(Some(t(lang.get_untracked(), "staff_login_server")))
                }
            }
        });
    };
    view! {
        <main id="main" class="page narrow">
            <h1>{move || t(lang.get(), "staff_login_title")}</h1>
            <Show when=move || st.queue.with(|q| !q.is_empty())>
                <p class="banner warn">{move || t(lang.get(), "staff_login_queue_kept")}</p>
            </Show>
            <form novalidate on:submit=submit>
                <div class="field">
                    <label for="staff-login">{move || t(lang.get(), "staff_login_name")}</label>
                    <input id="staff-login" name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required
                        prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="staff-password">{move || t(lang.get(), "staff_password")}</label>
                    <input id="staff-password" name="password" type="password" autocomplete="current-password" required
                        aria-describedby="login-error"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </div>
                <p id="login-error" class="error-text" role="alert" data-testid="login-error">
                    {move || message.get()}
                </p>
                <button type="submit" class="primary big" disabled=move || busy.get()>{move || t(lang.get(), "staff_login_submit")}</button>
            </form>
        </main>
    }
}
