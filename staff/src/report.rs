//! The two-weekly report: a period's figures for the district (office staff, curators)
//! or the region and each district (the front office), as tables and bar charts, the
//! CSV download, and publishing the frozen snapshot (curators, the front office).
//!
//! The figures are the server's (`core::report::compute`); this screen only shows them.
//! The last report seen for a period and scope stays readable offline from the staff
//! cache; publishing needs the server.

use adal_core::District;
use adal_core::district::region_date;
use adal_core::report::{Period, PublishedList, PublishedReport, Report};
use adal_core::staff::Role;
use adal_core::staff::policy::{self, Action};
use leptos::prelude::*;
use leptos::task::spawn_local;
use time::OffsetDateTime;

use super::{StaffState, local_time, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{self as api, StaffError};
use adal_app::components::Loading;
use adal_app::components::report::ReportView;
use adal_app::store;

/// Who reads the report, as the policy says.
pub fn may_read(role: Role) -> bool {
    policy::allows(role, Action::ReadReport, false)
}

/// Who publishes it, as the policy says.
fn may_publish(role: Role) -> bool {
    policy::allows(role, Action::PublishReport, false)
}

/// A scope in the staff cache's keys: a district's code, or `region`.
fn scope_code(scope: Option<District>) -> &'static str {
    scope.map_or("region", District::code)
}

/// The staff cache's key of a scope's published snapshots.
fn published_key(scope: Option<District>) -> String {
    format!("published:{}", scope_code(scope))
}

fn today() -> time::Date {
    region_date(OffsetDateTime::now_utc())
}

/// A refusal, in the person's language.
fn refusal_text(error: &StaffError, lang: adal_core::Lang) -> String {
    match error {
        StaffError::Offline => t(lang, "staff_report_offline"),
        StaffError::Unauthenticated => t(lang, "staff_session_expired"),
        StaffError::Refused(p) => p.code.title(lang).to_owned(),
        StaffError::Failed(_) => t(lang, "staff_report_failed"),
    }
}

/// What the report screen holds: the period and scope on screen, their figures, the
/// published snapshots, and where publishing stands. Every field is a `Copy` handle.
#[derive(Clone, Copy)]
struct ReportScreen {
    st: StaffState,
    period: RwSignal<Period>,
    scope: RwSignal<Option<District>>,
    shown: RwSignal<Option<Report>>,
    stale: RwSignal<bool>,
    failure: RwSignal<Option<StaffError>>,
    published: RwSignal<Vec<PublishedReport>>,
    /// The period and scope on screen: coming back online reloads them without a blank.
    on_screen: StoredValue<String>,
    confirming: RwSignal<bool>,
    publishing: RwSignal<bool>,
    just_published: RwSignal<Option<PublishedReport>>,
    publish_error: RwSignal<Option<StaffError>>,
}

impl ReportScreen {
    /// The last finished period, of the person's district (the region for the front office).
    fn new(st: StaffState, own: Option<District>) -> ReportScreen {
        ReportScreen {
            st,
            period: RwSignal::new(Period::containing(today()).previous()),
            scope: RwSignal::new(own),
            shown: RwSignal::new(None),
            stale: RwSignal::new(false),
            failure: RwSignal::new(None),
            published: RwSignal::new(Vec::new()),
            on_screen: StoredValue::new(String::new()),
            confirming: RwSignal::new(false),
            publishing: RwSignal::new(false),
            just_published: RwSignal::new(None),
            publish_error: RwSignal::new(None),
        }
    }

    /// Loads the figures of the period and scope chosen whenever they change, or the
    /// connection comes back; a new choice starts from a blank screen.
    fn watch(self) {
        Effect::new(move |_| {
            let (period, scope) = (self.period.get(), self.scope.get());
            self.st.online.track();
            let key = format!("report:{}:{}", period.start(), scope_code(scope));
            if self.on_screen.get_value() != key {
                self.on_screen.set_value(key.clone());
                self.shown.set(None);
                self.failure.set(None);
                self.confirming.set(false);
                self.just_published.set(None);
                self.publish_error.set(None);
            }
            spawn_local(self.load(key, period, scope));
        });
    }

    /// The copy on the device first, then the server's, and the published list; an answer
    /// for a period or scope no longer on screen is dropped.
    async fn load(self, key: String, period: Period, scope: Option<District>) {
        let lang = self.st.lang.get_untracked();
        let current = || self.on_screen.with_value(|k| *k == key);
        if let Ok(Some(cached)) = store::staff::get_cached::<Report>(&key).await
            && current()
        {
            self.shown.set(Some(cached));
        }
        let fresh = self.st.ask(api::report(period, scope, lang)).await;
        if !current() {
            return;
        }
        match fresh {
            Ok(fresh) => {
                let _ = store::staff::put_cached(&key, &fresh).await;
                self.shown.set(Some(fresh));
                self.stale.set(false);
                self.failure.set(None);
            }
            Err(e) => {
                self.stale.set(true);
                self.failure.set(Some(e));
            }
        }
        // The published list too is kept for reading offline.
        let listed = published_key(scope);
        match api::published_reports(scope, lang).await {
            Ok(list) => {
                let _ = store::staff::put_cached(&listed, &list).await;
                self.published.set(list.reports);
            }
            Err(_) => {
                let cached = store::staff::get_cached::<PublishedList>(&listed).await;
                if let Ok(Some(list)) = cached
                    && current()
                {
                    self.published.set(list.reports);
                }
            }
        }
    }

    /// Publishes the period and scope on screen, and keeps the published list with it.
    fn publish(self) {
        let (st, period, scope) =
            (self.st, self.period.get_untracked(), self.scope.get_untracked());
        let Some(csrf) = st.csrf() else { return };
        let lang = st.lang.get_untracked();
        self.publishing.set(true);
        self.publish_error.set(None);
        spawn_local(async move {
            match st.ask(api::publish_report(period, scope, &csrf, lang)).await {
                Ok(snapshot) => {
                    self.published.update(|list| {
                        if !list.iter().any(|r| r.hash == snapshot.hash) {
                            list.insert(0, snapshot.clone());
                        }
                    });
                    self.just_published.set(Some(snapshot));
                    self.confirming.set(false);
                    let reports = self.published.get_untracked();
                    let _ =
                        store::staff::put_cached(&published_key(scope), &PublishedList { reports })
                            .await;
                }
                Err(e) => self.publish_error.set(Some(e)),
            }
            self.publishing.set(false);
        });
    }

    fn scope_name(self) -> String {
        let lang = self.st.lang.get();
        match self.scope.get() {
            Some(d) => d.name(lang).to_owned(),
            None => t(lang, "report_region"),
        }
    }

    fn period_text(self) -> String {
        let p = self.period.get();
        t(self.st.lang.get(), "staff_report_period_dates")
            .replace("%{start}", &p.start().to_string())
            .replace("%{end}", &p.end().to_string())
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let me = st.me();
    let role = me.as_ref().map(|m| m.role);
    let own = me.as_ref().and_then(|m| m.district);
    let screen = ReportScreen::new(st, own);
    screen.watch();
    let period_over = move || screen.period.get().end() < today();
    view! {
        <main id="main" class="page staff-page report">
            <h1>{move || t(lang.get(), "staff_report")} " · " {move || screen.scope_name()}</h1>
            <ReportControls screen regional=own.is_none()/>
            <Show when=move || !period_over()>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_running")}</p>
            </Show>
            <ReportFigures screen/>
            <section class="report-actions" aria-labelledby="report-actions-title">
                <h2 id="report-actions-title">{move || t(lang.get(), "staff_report_download_publish")}</h2>
                <a class="button secondary" download=""
                    href=move || api::report_csv_url(screen.period.get(), screen.scope.get())>
                    {move || t(lang.get(), "staff_report_csv")}
                </a>
                {role.is_some_and(may_publish).then(|| view! { <PublishPanel screen/> })}
                <h3>{move || t(lang.get(), "staff_report_published_list")}</h3>
                <PublishedList published=screen.published/>
            </section>
        </main>
    }
}

/// The scope (for the region's readers) and the period: back, forward, or any day in it.
#[component]
fn ReportControls(screen: ReportScreen, regional: bool) -> impl IntoView {
    let lang = screen.st.lang;
    let ReportScreen { period, scope, .. } = screen;
    view! {
        <form class="report-controls" on:submit=|ev| ev.prevent_default()>
            <Show when=move || regional>
                <div class="field">
                    <label for="report-scope">{move || t(lang.get(), "staff_report_scope")}</label>
                    <select id="report-scope" on:change=move |ev| scope.set(District::from_code(&event_target_value(&ev)))>
                        <option value="" selected=move || scope.get().is_none()>{move || t(lang.get(), "report_region")}</option>
                        {District::ALL.into_iter().map(|d| view! {
                            <option value=d.code() selected=move || scope.get() == Some(d)>{move || d.name(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <fieldset class="period-picker">
                <legend>{move || t(lang.get(), "staff_report_period")}</legend>
                <p class="period-dates" data-testid="report-period" aria-live="polite">{move || screen.period_text()}</p>
                <div class="period-buttons">
                    <button type="button" class="secondary" on:click=move |_| period.update(|p| *p = p.previous())>
                        "← " {move || t(lang.get(), "staff_report_previous")}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| period.update(|p| *p = p.next())
                        disabled=move || { period.get().next().start() > today() }>
                        {move || t(lang.get(), "staff_report_next")} " →"
                    </button>
                </div>
                <div class="field">
                    <label for="report-day">{move || t(lang.get(), "staff_report_day")}</label>
                    <input id="report-day" type="date" max=move || today().to_string()
                        prop:value=move || period.get().start().to_string()
                        on:change=move |ev| {
                            if let Ok(p) = Period::parse(&event_target_value(&ev))
                                && p.start() <= today() { period.set(p) }
                        }/>
                </div>
            </fieldset>
        </form>
    }
}

/// The figures as tables and charts; the saved copy said as such; why there are none.
#[component]
fn ReportFigures(screen: ReportScreen) -> impl IntoView {
    let lang = screen.st.lang;
    let ReportScreen { shown, stale, failure, .. } = screen;
    view! {
        <Show when=move || stale.get() && shown.with(Option::is_some)>
            <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_saved_copy")}</p>
        </Show>
        {move || match shown.get() {
            None => match failure.get() {
                Some(e) => view! { <p class="banner error" role="alert">{refusal_text(&e, lang.get())}</p> }.into_any(),
                None => view! { <Loading/> }.into_any(),
            },
            Some(report) => view! { <ReportView report lang/> }.into_any(),
        }}
    }
}

/// Publishing the snapshot: asked, confirmed, then its hash and public link.
#[component]
fn PublishPanel(screen: ReportScreen) -> impl IntoView {
    let st = screen.st;
    let lang = st.lang;
    let ReportScreen { confirming, publishing, publish_error, just_published, .. } = screen;
    view! {
        <div class="publish">
            <p class="muted">{move || t(lang.get(), "staff_report_publish_help")}</p>
            <Show when=move || !st.online.get()>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_report_publish_offline")}</p>
            </Show>
            <Show when=move || !confirming.get()
                fallback=move || view! {
                    <div class="confirm" role="group" aria-labelledby="publish-confirm">
                        <p id="publish-confirm"><strong>{move || t(lang.get(), "staff_report_confirm")
                            .replace("%{scope}", &screen.scope_name())
                            .replace("%{period}", &screen.period_text())}</strong></p>
                        <div class="action-buttons">
                            <button type="button" class="primary" on:click=move |_| screen.publish() disabled=move || publishing.get() || !st.online.get()>
                                {move || t(lang.get(), "staff_report_publish_now")}
                            </button>
                            <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                                {move || t(lang.get(), "staff_report_cancel")}
                            </button>
                        </div>
                    </div>
                }>
                <button type="button" class="primary" on:click=move |_| { publish_error.set(None); confirming.set(true) }
                    disabled=move || !st.online.get()>
                    {move || t(lang.get(), "staff_report_publish")}
                </button>
            </Show>
            {move || publish_error.get().map(|e| view! {
                <p class="banner error" role="alert" data-testid="publish-error">{refusal_text(&e, lang.get())}</p>
            })}
            {move || just_published.get().map(|s| view! {
                <div class="banner ok" role="status" data-testid="published">
                    <p>{move || t(lang.get(), "staff_report_published")}</p>
                    <p>{move || t(lang.get(), "staff_report_hash")} " "
                        <code class="hash" data-testid="report-hash">{s.hash.clone()}</code></p>
                    <p><a href=s.url.clone() rel="external">{move || t(lang.get(), "staff_report_public_link")}</a>
                        " " <code class="hash">{s.url.clone()}</code></p>
                </div>
            })}
        </div>
    }
}

/// The snapshots published for the scope, newest first.
#[component]
fn PublishedList(published: RwSignal<Vec<PublishedReport>>) -> impl IntoView {
    let lang = use_staff().lang;
    move || {
        let list = published.get();
        if list.is_empty() {
            view! { <p class="muted">{move || t(lang.get(), "staff_report_none_published")}</p> }
                .into_any()
        } else {
            view! {
                <ul class="items" data-testid="published-list">
                    {list.into_iter().map(|r| view! { <PublishedRow snapshot=r/> }).collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}

#[component]
fn PublishedRow(snapshot: PublishedReport) -> impl IntoView {
    let lang = use_staff().lang;
    let (period, district, at) = (snapshot.period, snapshot.district, snapshot.published_at);
    view! {
        <li>
            <strong>{move || match district {
                Some(d) => d.name(lang.get()).to_owned(),
                None => t(lang.get(), "report_region"),
            }}</strong>
            <span>{move || t(lang.get(), "staff_report_period_dates")
                .replace("%{start}", &period.start().to_string())
                .replace("%{end}", &period.end().to_string())}</span>
            <span class="meta">{move || t(lang.get(), "staff_report_published_at")} " " {move || local_time(at, lang.get())}</span>
            <a href=snapshot.url.clone() rel="external"><code class="hash">{snapshot.hash.clone()}</code></a>
        </li>
    }
}
