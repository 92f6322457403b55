use adal_core::FieldErrors;
use adal_core::act::SignedAct;
use adal_core::calendar::ExtensionNotice;
use adal_core::receipt::{EventKind, IdentityRequest, SubmissionStatus};
use adal_core::staff::SessionRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::act::ActDocument;
use super::{Page, summary, title};
use crate::api;
use crate::components::receipt::local_time;
use crate::components::{ReceiptCard, ReceiptFacts};
use crate::i18n::{event_label, t};
use crate::state::{AppState, use_app};
use crate::store::replies::Reply;
use crate::store::{self, SentItem};

/// `/item/:id`: a submission after "Send". While it waits, it says so; once the server
/// has it, the tracking number appears, live, and then its status timeline and public
/// answer, fetched when online and kept for reading offline.
#[component]
pub fn ItemPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let waiting = move || app.snapshot.with(|s| s.outbox.iter().find(|i| i.id == id()).cloned());
    let sent =
        Memo::new(move |_| app.snapshot.with(|s| s.sent.iter().find(|i| i.id == id()).cloned()));
    // Fetch the status once the item is known as sent, and whenever signal returns.
    Effect::new(move |_| {
        if app.online.get()
            && let Some(item) = sent.get_untracked()
        {
            refresh_status(app, item);
        }
    });
    Effect::new(move |previous: Option<u32>| {
        let sent_replies = app.replies_sent.get();
        if previous.is_some_and(|p| p != sent_replies)
            && let Some(item) = sent.get_untracked()
        {
            refresh_status(app, item);
        }
        sent_replies
    });
    Effect::new(move |previous: Option<bool>| {
        let known = sent.with(Option::is_some);
        if known
            && previous == Some(false)
            && let Some(item) = sent.get_untracked()
        {
            refresh_status(app, item);
        }
        known
    });
    view! {
        <main id="main" class="page">
            <a href="/" class="back">{move || t(lang.get(), "back")}</a>
            {move || {
                if let Some(item) = sent.get() {
                    view! { <Sent item/> }.into_any()
                } else if let Some(item) = waiting() {
                    let (form, version) = (item.request.form.id.clone(), item.request.form.version);
                    let form2 = form.clone();
                    let answers = StoredValue::new(item.request.answers);
                    view! {
                        <h1>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</h1>
                        <p class="muted">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</p>
                        <div class="receipt pending">
                            <p><strong>{move || t(lang.get(), "waiting")}</strong></p>
                            <p>{move || t(lang.get(), "waiting_help")}</p>
                        </div>
                    }
                    .into_any()
                } else if app.snapshot.with(|s| s.complete) {
                    view! { <p>{move || t(lang.get(), "not_found")}</p> }.into_any()
                } else {
                    // The lists are still being read: "not found" could be wrong.
                    ().into_any()
                }
            }}
        </main>
    }
}

/// Asks the server for the item's status and keeps it on the device.
fn refresh_status(app: AppState, item: SentItem) {
    let Some(secret) = item.request.receipt_secret.clone() else { return };
    spawn_local(async move {
        if let Some(status) = api::get_status(&item.receipt.tracking, secret.expose()).await
            && item.status.as_ref() != Some(&status)
        {
            let updated = SentItem { status: Some(status), ..item };
            if store::ops::put_sent(&updated).await.is_ok() {
                app.refresh();
            }
        }
    });
}

#[component]
fn Sent(item: SentItem) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let (form, version) = (item.request.form.id.clone(), item.request.form.version);
    let form2 = form.clone();
    let answers = StoredValue::new(item.request.answers.clone());
    let anonymous = item.status.as_ref().map(|s| s.anonymous).unwrap_or_else(|| {
        item.request.answers.get("anonymous") == Some(&serde_json::Value::Bool(true))
    });
    let status = item.status.clone();
    // The status is the newer word; a receipt from before it still has its own terms.
    let facts = ReceiptFacts {
        tracking: item.receipt.tracking.clone(),
        received_at: item.receipt.received_at,
        anonymous: item.request.answers.get("anonymous") == Some(&serde_json::Value::Bool(true)),
        terms: status.as_ref().and_then(|s| s.terms.clone()).or_else(|| item.receipt.terms.clone()),
    };
    let public_answer = status.as_ref().and_then(|s| s.public_answer.clone());
    let identified = status
        .as_ref()
        .is_some_and(|s| s.timeline.iter().any(|e| e.kind == EventKind::IdentityAdded));
    // Named (when sent or later), but not yet a formal appeal: the IIN and address may
    // still be added, with the same name and phone (those it was sent with, filled in).
    let completable =
        status.as_ref().and_then(|s| s.terms.as_ref()).is_some_and(|t| !t.missing.is_empty());
    let text = |key: &str| {
        item.request.answers.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
    };
    let sent_as = (text("name"), text("phone"));
    view! {
        <h1>{move || answers.with_value(|a| title(app, &form, version, a, lang.get()))}</h1>
        <p class="muted">{move || answers.with_value(|a| summary(app, &form2, version, a, lang.get()))}</p>
        <ReceiptCard facts/>
        {public_answer.map(|answer| view! {
            <section aria-labelledby="answer-h" class="answer">
                <h2 id="answer-h">{move || t(lang.get(), "public_answer")}</h2>
                <p data-testid="public-answer">{answer}</p>
            </section>
        })}
        {status.as_ref().and_then(|s| s.extension.clone()).map(|extension| view! { <Extension extension/> })}
        {identified.then(|| view! { <p class="banner ok" role="status">{move || if completable { t(lang.get(), "identity_added") } else { t(lang.get(), "identity_added_formal") }}</p> })}
        {status.as_ref().and_then(open_question).map(|question| view! { <Question item=item.clone() question/> })}
        {status.as_ref().and_then(|s| s.sessions.last().cloned()).map(|record| view! { <Session record/> })}
        {status.as_ref().and_then(|s| s.act.clone()).map(|act| view! { <ActSigned act item_id=item.id.clone()/> })}
        {status.map(|status| view! { <Timeline status/> })}
        {(anonymous || completable).then(|| view! { <AddIdentity item=item.clone() named=!anonymous sent_as/> })}
    }
}

/// The extension in force, as the law wants the person told: why, and the new day the
/// answer is due by.
#[component]
fn Extension(extension: ExtensionNotice) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <section aria-labelledby="extension-h" class="extension" data-testid="extension">
            <h2 id="extension-h">{move || t(lang.get(), "extension_title")}</h2>
            <p>
                {move || t(lang.get(), "extension_answer_by")} ": "
                <time data-testid="extension-answer-by">{extension.answer_by.to_string()}</time>
            </p>
            {extension.reason.map(|reason| view! {
                <p>{move || t(lang.get(), "extension_reason")} ": " <span data-testid="extension-reason">{reason}</span></p>
            })}
        </section>
    }
}

#[component]
fn Timeline(status: SubmissionStatus) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{move || t(lang.get(), "timeline")}</h2>
            <ol class="timeline">
                {status.timeline.into_iter().filter(|e| e.kind.is_public()).map(|event| {
                    let at = event.at;
                    let kind = event.kind;
                    view! {
                        <li>
                            <strong>{move || event_label(kind, lang.get())}</strong>
                            " · " <time>{move || local_time(at, lang.get())}</time>
                            {event.note.clone().map(|n| view! { <p>{n}</p> })}
                            {event.until.map(|day| view! {
                                <p>{move || t(lang.get(), "extension_answer_by")} ": " <time>{day.to_string()}</time></p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The office's latest question, unless the person has answered it since.
fn open_question(status: &SubmissionStatus) -> Option<String> {
    let asked = status.timeline.iter().rposition(|e| e.kind == EventKind::InfoRequested)?;
    let answered = status.timeline[asked..].iter().any(|e| e.kind == EventKind::InfoProvided);
    (!answered).then(|| status.timeline[asked].note.clone().unwrap_or_default())
}

/// The office's question and the person's reply. The reply is kept on the device the
/// moment "Send" is tapped and goes with the outbox (now, or when signal returns).
#[component]
fn Question(item: SentItem, question: String) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let text = RwSignal::new(String::new());
    let empty = RwSignal::new(false);
    let item_id = item.id.clone();
    let tracking = item.receipt.tracking.clone();
    let waiting = Memo::new(move |_| {
        app.snapshot.with(|s| {
            s.replies.iter().filter(|r| r.item == item_id).cloned().collect::<Vec<Reply>>()
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let written = text.get_untracked().trim().to_owned();
        if written.is_empty() {
            empty.set(true);
            return;
        }
        empty.set(false);
        let reply = Reply {
            id: uuid::Uuid::new_v4().to_string(),
            item: item.id.clone(),
            tracking: tracking.clone(),
            text: written,
            queued_at: js_sys::Date::now(),
            refused: None,
        };
        spawn_local(async move {
            if store::replies::put(&reply).await.is_err() {
                app.storage_failed.set(true);
                return;
            }
            text.set(String::new());
            app.refresh();
            app.drain(true);
        });
    };
    view! {
        <section aria-labelledby="question-h" class="question">
            <h2 id="question-h">{move || t(lang.get(), "office_question")}</h2>
            <p data-testid="office-question">{question}</p>
            <For each=move || waiting.get() key=|r| (r.id.clone(), r.refused.clone()) let:reply>
                <div class="reply-waiting">
                    <p>{reply.text.clone()}</p>
                    {match reply.refused.clone() {
                        Some(reason) => view! { <p class="error-text" role="alert">{move || t(lang.get(), "reply_refused")} ": " {reason.clone()}</p> }.into_any(),
                        None => view! { <p class="muted" data-testid="reply-waiting">{move || t(lang.get(), "reply_waiting")}</p> }.into_any(),
                    }}
                </div>
            </For>
            <form novalidate on:submit=submit>
                <div class="field">
                    <label for="reply-text">{move || t(lang.get(), "reply_label")}</label>
                    <textarea id="reply-text" rows="4" aria-describedby="reply-error"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p id="reply-error" class="error-text">{move || empty.get().then(|| t(lang.get(), "reply_empty"))}</p>
                </div>
                <button type="submit" class="primary">{move || t(lang.get(), "reply_send")}</button>
            </form>
        </section>
    }
}

/// The latest mediation session: when, where, with whom, and what it came to.
#[component]
fn Session(record: SessionRecord) -> impl IntoView {
    let lang = use_app().lang;
    let session = record.session;
    let outcome = record.outcome;
    view! {
        <section aria-labelledby="session-h" class="answer" data-testid="session">
            <h2 id="session-h">{move || t(lang.get(), "session_title")}</h2>
            <dl class="facts">
                <dt>{move || t(lang.get(), "session_when")}</dt>
                <dd>{format!("{} {}", session.date, session.time)}</dd>
                <dt>{move || t(lang.get(), "session_place")}</dt>
                <dd>{session.place.clone()}</dd>
                <dt>{move || t(lang.get(), "session_mediator")}</dt>
                <dd>{session.mediator.clone()}</dd>
                {outcome.map(|o| view! {
                    <dt>{move || t(lang.get(), "session_outcome")}</dt>
                    <dd>{move || o.label(lang.get()).to_owned()}</dd>
                })}
            </dl>
        </section>
    }
}

/// The signed reconciliation act: its number and hash, where to print it again and
/// where anyone can check it.
#[component]
fn ActSigned(act: SignedAct, item_id: String) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <section aria-labelledby="act-signed-h" class="answer" data-testid="act-signed">
            <h2 id="act-signed-h">{move || t(lang.get(), "event_act_signed")}</h2>
            <dl class="facts">
                <dt>{move || t(lang.get(), "act_number")}</dt>
                <dd>{act.number.clone()}</dd>
                <dt>{move || t(lang.get(), "act_hash")}</dt>
                <dd class="tracking" data-testid="act-short-hash">{act.short_hash.clone()}</dd>
            </dl>
            <p>
                <a href=Page::ItemAct(item_id).path()>{move || t(lang.get(), "act_print")}</a>
                " · "
                <a href=format!("/verify#{}", act.hash)>{move || t(lang.get(), "open_verify")}</a>
            </p>
        </section>
    }
}

/// `/item/:id/act`: the signed act of a mediation request, printable again on A4.
#[component]
pub fn ItemActPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let params = use_params_map();
    let act = Memo::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        app.snapshot.with(|s| {
            s.sent.iter().find(|i| i.id == id).and_then(|i| i.status.as_ref()?.act.clone())
        })
    });
    view! {
        <main id="main" class="page act-page">
            {move || match act.get().map(|a| a.input.parse()) {
                Some(Ok(parsed)) => view! { <ActDocument act=parsed lang=lang/> }.into_any(),
                None if !app.snapshot.with(|s| s.complete) => ().into_any(),
                _ => view! { <p>{move || t(lang.get(), "not_found")}</p> }.into_any(),
            }}
        </main>
    }
}

/// One labelled field of [`AddIdentity`], with its error line under it.
#[component]
fn IdentityField(
    id: &'static str,
    /// The key of the label's sentence.
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<&'static str>,
) -> impl IntoView {
    let lang = use_app().lang;
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{move || t(lang.get(), label)}</label>
            <input id=id type=kind inputmode=inputmode autocomplete=autocomplete maxlength=maxlength
                aria-describedby=error_id.clone()
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <p id=error_id class="error-text">{move || error.get()}</p>
        </div>
    }
}

/// An anonymous complaint is a signal for monitoring; a name and phone let the office
/// reach the person, but only the content the law requires of an appeal (IIN, postal
/// address, APC Art. 63) would make it one, and the screen says so. The person decides,
/// here, at any time. `named`: a name and phone were given (when sent, `sent_as`, or
/// added since) and the IIN or the address is still missing; given again with the same
/// name and phone, they complete it.
#[component]
fn AddIdentity(item: SentItem, named: bool, sent_as: (String, String)) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let name = RwSignal::new(sent_as.0);
    let phone = RwSignal::new(sent_as.1);
    let iin = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let item = StoredValue::new(item);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = IdentityRequest {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            iin: iin.get_untracked(),
            postal_address: address.get_untracked(),
        };
        if let Err(e) = request.validate() {
            errors.set(e);
            return;
        }
        errors.set(FieldErrors::default());
        let item = item.get_value();
        let Some(secret) = item.request.receipt_secret.clone() else { return };
        spawn_local(async move {
            let lang = lang.get_untracked();
            match api::post_identity(&item.receipt.tracking, secret.expose(), &request, lang).await
            {
                Ok(status) => {
                    let updated = SentItem { status: Some(status), ..item };
                    // The receipt re-renders from the stored status, which now says so.
                    let _ = store::ops::put_sent(&updated).await;
                    app.refresh();
                }
                Err(Some(problem)) => {
                    errors.set(problem.field_errors());
                    message.set(Some(problem.title));
                }
                Err(None) => message.set(Some(t(lang, "identity_offline"))),
            }
        });
    };
    let error = move |field: &'static str| {
        Signal::derive(move || errors.with(|e| e.get(field)).map(|c| c.message(lang.get())))
    };
    view! {
        <section aria-labelledby="identity-h" class="identity">
            <h2 id="identity-h">{move || if named { t(lang.get(), "identity_complete_title") } else { t(lang.get(), "anonymous_title") }}</h2>
            {(!named).then(|| view! { <p class="muted">{move || t(lang.get(), "anonymous_law")}</p> })}
            <p class="muted" data-testid="formal-appeal-needs">{move || t(lang.get(), "anonymous_formal_appeal_needs")}</p>
            {(!named).then(|| view! { <p class="muted">{move || t(lang.get(), "anonymous_explained")}</p> })}
            <form novalidate on:submit=submit>
                <IdentityField id="id-name" label="identity_name" value=name error=error("name") kind="text" autocomplete="name"/>
                <IdentityField id="id-phone" label="identity_phone" value=phone error=error("phone") kind="tel" autocomplete="tel" inputmode="tel"/>
                <IdentityField id="id-iin" label="identity_iin" value=iin error=error("iin") kind="text" autocomplete="off" inputmode="numeric" maxlength="20"/>
                <IdentityField id="id-address" label="identity_postal_address" value=address error=error("postal_address") kind="text" autocomplete="street-address"/>
                <button type="submit" class="secondary">{move || if named { t(lang.get(), "identity_complete_submit") } else { t(lang.get(), "identity_submit") }}</button>
            </form>
            <p role="status">{move || message.get()}</p>
        </section>
    }
}
