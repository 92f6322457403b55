//! The reconciliation act: a mediator fills it in, and gets a printable A4 page with
//! Kazakh and Russian side by side, signature lines, the short hash and a QR code that
//! leads to "verify an act". Everything is computed on the device, also offline.

use adal_core::act::{self, ActInput, PartyInput, ReconciliationAct, TermDetail};
use adal_core::district::region_date;
use adal_core::validation::FieldErrors;
use adal_core::{District, Lang};
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::components::Qr;
use crate::i18n::UiLang;
use crate::i18n::t;
use crate::store::meta;

/// `/act`: the act form and, once it checks, the printable act.
#[component]
pub fn ActPage() -> impl IntoView {
    view! { <ActEditor draft_key=meta::ACT_DRAFT.to_owned()/> }
}

/// The act form, its input kept as a draft on the device (under `draft_key`) at every
/// change, so leaving the page loses nothing. With `on_sign` (the staff workspace), a
/// prepared act can also be signed: the callback gets what was typed.
#[component]
pub fn ActEditor(
    draft_key: String,
    #[prop(optional)] on_sign: Option<Callback<ActInput>>,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let input = RwSignal::new(ActInput {
        date: region_date(OffsetDateTime::now_utc()).to_string(),
        mediator_status: "professional".to_owned(),
        parties: vec![PartyInput::default(), PartyInput::default()],
        terms: vec![String::new()],
        term_details: vec![TermDetail::default()],
        version: act::ART_27,
        ..Default::default()
    });
    let draft_key = StoredValue::new(draft_key);
    keep_draft(draft_key, input);
    let errors = RwSignal::new(FieldErrors::default());
    let prepared = RwSignal::new(None::<ReconciliationAct>);
    // Once the errors are shown, each change checks again, so a fixed field loses its
    // message at once and a new slip gets one.
    Effect::new(move |_| {
        let found = input.with(|a| a.parse().err()).unwrap_or_default();
        if errors.with_untracked(|e| !e.is_empty()) {
            errors.set(found);
        }
    });
    let prepare = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match input.with(ActInput::parse) {
            Ok(act) => {
                errors.set(FieldErrors::default());
                prepared.set(Some(act));
            }
            Err(found) => {
                errors.set(found);
                prepared.set(None);
            }
        }
    });
    view! {
        <main id="main" class="page act-page">
            <div class="no-print">
                <h1>{move || t(lang.get(), "act_title")}</h1>
                <p class="muted">{move || t(lang.get(), "act_help")}</p>
                <ActForm input errors prepare/>
            </div>
            {move || prepared.get().map(|act| view! {
                {on_sign.map(|sign| view! { <SignAct input draft_key sign/> })}
                <ActDocument act=act lang=lang/>
            })}
        </main>
    }
}

/// The saved draft first; only then is every change written back.
fn keep_draft(draft_key: StoredValue<String>, input: RwSignal<ActInput>) {
    let restored = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(Some(mut saved)) = meta::get::<ActInput>(&draft_key.get_value()).await {
            // A draft is not signed yet: one typed before Art. 27 was asked for becomes an
            // act of that version, keeping every word, with room for what it lacks.
            saved.version = saved.version.max(act::ART_27);
            input.set(saved);
        }
        restored.set(true);
    });
    Effect::new(move |_| {
        let typed = input.get();
        if restored.get() {
            leptos::task::spawn_local(async move {
                let _ = meta::put(&draft_key.get_value(), &typed).await;
            });
        }
    });
}

/// "The act is signed": hands what was typed to `sign`, and forgets the draft.
#[component]
fn SignAct(
    input: RwSignal<ActInput>,
    draft_key: StoredValue<String>,
    sign: Callback<ActInput>,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    view! {
        <section class="no-print act-sign">
            <p class="help">{move || t(lang.get(), "act_sign_help")}</p>
            <button type="button" class="primary big" on:click=move |_| {
                sign.run(input.get_untracked());
                leptos::task::spawn_local(async move { let _ = meta::delete(&draft_key.get_value()).await; });
            }>{move || t(lang.get(), "act_sign")}</button>
        </section>
    }
}

/// One text of the act as a field reads and writes it, and its error message.
#[derive(Clone, Copy)]
struct Bind {
    input: RwSignal<ActInput>,
    errors: RwSignal<FieldErrors>,
}

impl Bind {
    fn get(self, read: fn(&ActInput) -> String) -> Signal<String> {
        let input = self.input;
        Signal::derive(move || input.with(read))
    }

    fn set(self, edit: fn(&mut ActInput, String)) -> Callback<String> {
        let input = self.input;
        Callback::new(move |v| input.update(|a| edit(a, v)))
    }

    fn error(self, path: &'static str) -> Signal<Option<String>> {
        let (lang, errors) = (expect_context::<UiLang>().0, self.errors);
        Signal::derive(move || errors.with(|e| e.get(path)).map(|c| c.message(lang.get())))
    }
}

/// The act's form: who, where and when, the mediator, the parties, the dispute, the terms
/// and what follows if they are not kept.
#[component]
fn ActForm(
    input: RwSignal<ActInput>,
    errors: RwSignal<FieldErrors>,
    prepare: Callback<leptos::ev::SubmitEvent>,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let bind = Bind { input, errors };
    view! {
        <form class="act-form" novalidate on:submit=move |ev| prepare.run(ev)>
            <Row label="act_number" id="act-number" value=bind.get(|a| a.number.clone()) on_input=bind.set(|a, v| a.number = v) error=bind.error("number")/>
            <div class="field">
                <label for="act-district">{move || t(lang.get(), "district")}</label>
                <select id="act-district" on:change=move |ev| input.update(|a| a.district = event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "choose_one")}</option>
                    {District::ALL.into_iter().map(|d| view! {
                        <option value=d.code() selected=move || input.with(|a| a.district == d.code())>{move || d.name(lang.get())}</option>
                    }).collect_view()}
                </select>
                <p class="error-text">{bind.error("district")}</p>
            </div>
            <Row label="act_date" id="act-date" kind="date" value=bind.get(|a| a.date.clone()) on_input=bind.set(|a, v| a.date = v) error=bind.error("date")/>
            <Row label="act_place" id="act-place" value=bind.get(|a| a.place.clone()) on_input=bind.set(|a, v| a.place = v) error=bind.error("place")/>
            <MediatorFields input errors/>
            <Row label="act_agreement" id="act-agreement" value=bind.get(|a| a.agreement.clone()) on_input=bind.set(|a, v| a.agreement = v) error=bind.error("agreement")/>
            <fieldset class="field">
                <legend>{move || t(lang.get(), "act_parties")}</legend>
                <p class="error-text">{bind.error("parties")}</p>
                <For each=move || 0..input.with(|a| a.parties.len()) key=|i| *i let:i>
                    <PartyRows input=input errors=errors index=i/>
                </For>
                <button type="button" class="secondary" on:click=move |_| input.update(|a| a.parties.push(PartyInput::default()))>
                    {move || t(lang.get(), "add_party")}
                </button>
            </fieldset>
            <Row label="act_dispute" id="act-dispute" multiline=true value=bind.get(|a| a.dispute.clone()) on_input=bind.set(|a, v| a.dispute = v) error=bind.error("dispute")/>
            <fieldset class="field">
                <legend>{move || t(lang.get(), "act_terms")}</legend>
                <p class="help">{move || t(lang.get(), "act_terms_help")}</p>
                <p class="error-text">{bind.error("terms")}</p>
                <For each=move || 0..input.with(|a| a.terms.len()) key=|i| *i let:i>
                    <TermRows input=input errors=errors index=i/>
                </For>
                <button type="button" class="secondary" on:click=move |_| input.update(|a| {
                    a.terms.push(String::new());
                    a.term_details.resize(a.terms.len(), TermDetail::default());
                })>
                    {move || t(lang.get(), "add_term")}
                </button>
            </fieldset>
            <Row label="act_non_fulfilment" id="act-non-fulfilment" multiline=true value=bind.get(|a| a.non_fulfilment.clone()) on_input=bind.set(|a, v| a.non_fulfilment = v) error=bind.error("non_fulfilment")/>
            <Row label="language_note" id="act-language-note" value=bind.get(|a| a.language_note.clone()) on_input=bind.set(|a, v| a.language_note = v) error=bind.error("language_note")/>
            <Show when=move || errors.with(|e| !e.is_empty())>
                <p class="banner error" role="alert">{move || t(lang.get(), "act_fix_errors")}</p>
            </Show>
            <button type="submit" class="primary big">{move || t(lang.get(), "act_prepare")}</button>
        </form>
    }
}

/// The mediator: name, status, organisation and registration.
#[component]
fn MediatorFields(input: RwSignal<ActInput>, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let bind = Bind { input, errors };
    view! {
        <Row label="mediator_name" id="act-mediator" value=bind.get(|a| a.mediator_name.clone()) on_input=bind.set(|a, v| a.mediator_name = v) error=bind.error("mediator_name")/>
        <fieldset class="field">
            <legend>{move || t(lang.get(), "mediator_status")}</legend>
            {[
                ("professional", (|l| t(l, "mediator_professional")) as fn(Lang) -> String),
                ("public", |l| t(l, "mediator_public")),
            ].into_iter().map(|(value, text)| view! {
                <label class="choice">
                    <input type="radio" name="mediator-status" value=value
                        prop:checked=move || input.with(|a| a.mediator_status == value)
                        on:change=move |_| input.update(|a| a.mediator_status = value.to_owned())/>
                    {move || text(lang.get())}
                </label>
            }).collect_view()}
        </fieldset>
        <Row label="mediator_organisation" id="act-organisation" value=bind.get(|a| a.mediator_organisation.clone()) on_input=bind.set(|a, v| a.mediator_organisation = v) error=bind.error("mediator_organisation")/>
        <Row label="mediator_registration" id="act-mediator-registration" value=bind.get(|a| a.mediator_registration.clone()) on_input=bind.set(|a, v| a.mediator_registration = v) error=bind.error("mediator_registration")/>
    }
}

/// One text input (or text area) with its label and error, for the act's form.
#[component]
fn Row(
    label: &'static str,
    id: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let eid = format!("{id}-error");
    let invalid = move || error.with(Option::is_some).to_string();
    let control = if multiline {
        view! {
            <textarea id=id rows="4" aria-invalid=invalid aria-describedby=eid.clone()
                prop:value=value on:input=move |ev| on_input.run(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id type=kind.unwrap_or("text") autocomplete="off" aria-invalid=invalid aria-describedby=eid.clone()
                prop:value=value on:input=move |ev| on_input.run(event_target_value(&ev))/>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{move || t(lang.get(), label)}</label>
            {control}
            <p id=eid class="error-text">{move || error.get()}</p>
        </div>
    }
}

/// Name, IIN or BIN, signatory and address of party `index`.
#[component]
fn PartyRows(
    input: RwSignal<ActInput>,
    errors: RwSignal<FieldErrors>,
    index: usize,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    type Text = fn(Lang) -> String;
    type Slot = fn(&mut PartyInput) -> &mut String;
    let rows: [(&'static str, Text, Slot); 5] = [
        ("name", |l| t(l, "party_name"), |p| &mut p.name),
        ("iin", |l| t(l, "party_iin"), |p| &mut p.iin),
        ("bin", |l| t(l, "party_bin"), |p| &mut p.bin),
        ("signatory", |l| t(l, "party_signatory"), |p| &mut p.signatory),
        ("address", |l| t(l, "party_address"), |p| &mut p.address),
    ];
    view! {
        <div class="party">
            <p class="label">{move || format!("{} {}", t(lang.get(), "act_party"), index + 1)}</p>
            {rows.into_iter().map(|(key, text, field)| {
                let id = format!("act-party-{index}-{key}");
                let path = format!("parties.{index}.{key}");
                let eid = format!("{id}-error");
                let message = Signal::derive(move || errors.with(|e| e.get(&path)).map(|c| c.message(lang.get())));
                let numeric = matches!(key, "iin" | "bin");
                view! {
                    <div class="field">
                        <label for=id.clone()>{move || text(lang.get())}</label>
                        <input id=id type="text" autocomplete="off" inputmode=numeric.then_some("numeric")
                            aria-invalid=move || message.with(Option::is_some).to_string() aria-describedby=eid.clone()
                            prop:value=move || input.with(|a| a.parties.get(index).map(|p| field(&mut p.clone()).clone()).unwrap_or_default())
                            on:input=move |ev| input.update(|a| *field(&mut a.parties[index]) = event_target_value(&ev))/>
                        <p id=eid class="error-text">{move || message.get()}</p>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// Term `index`: what is agreed, and its time limit and manner of fulfilment, each with
/// its label and its error.
#[component]
fn TermRows(
    input: RwSignal<ActInput>,
    errors: RwSignal<FieldErrors>,
    index: usize,
) -> impl IntoView {
    let lang = expect_context::<UiLang>().0;
    let message = move |path: String| {
        Signal::derive(move || errors.with(|e| e.get(&path)).map(|c| c.message(lang.get())))
    };
    let term_error = message(format!("terms.{index}"));
    let id = format!("act-term-{index}");
    type Slot = fn(&mut TermDetail) -> &mut String;
    type Text = fn(Lang) -> String;
    let details: [(&'static str, Text, Slot); 2] = [
        ("due", |l| t(l, "act_term_due"), |d| &mut d.due),
        ("manner", |l| t(l, "act_term_manner"), |d| &mut d.manner),
    ];
    view! {
        <div class="term">
            <label for=id.clone() class="label">{move || format!("{} {}", t(lang.get(), "act_term"), index + 1)}</label>
            <textarea id=id.clone() rows="3"
                aria-invalid=move || term_error.with(Option::is_some).to_string() aria-describedby=format!("{id}-error")
                prop:value=move || input.with(|a| a.terms.get(index).cloned().unwrap_or_default())
                on:input=move |ev| input.update(|a| a.terms[index] = event_target_value(&ev))></textarea>
            <p id=format!("{id}-error") class="error-text">{move || term_error.get()}</p>
            {details.into_iter().map(|(key, label, slot)| {
                let id = format!("act-term-{index}-{key}");
                let eid = format!("{id}-error");
                let error = message(format!("term_details.{index}.{key}"));
                view! {
                    <div class="field">
                        <label for=id.clone()>{move || label(lang.get())}</label>
                        <input id=id type="text" autocomplete="off"
                            aria-invalid=move || error.with(Option::is_some).to_string() aria-describedby=eid.clone()
                            prop:value=move || input.with(|a| a.term_details.get(index).map(|d| slot(&mut d.clone()).clone()).unwrap_or_default())
                            on:input=move |ev| input.update(|a| {
                                a.term_details.resize(a.terms.len().max(index + 1), TermDetail::default());
                                *slot(&mut a.term_details[index]) = event_target_value(&ev);
                            })/>
                        <p id=eid class="error-text">{move || error.get()}</p>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// The act as it is printed: the two columns, the signature lines, the hash and the QR
/// code; below it (not printed), the canonical text to copy for verification.
#[component]
pub fn ActDocument(act: ReconciliationAct, lang: RwSignal<Lang>) -> impl IntoView {
    let text = act.text();
    let short = act.short_hash();
    let hash = act.hash();
    let origin = window().location().origin().unwrap_or_default();
    let url = format!("{origin}{}", act.verify_path());
    let signers: Vec<(String, String)> = act
        .parties()
        .iter()
        .map(|p| (p.name.clone(), String::new()))
        .chain(std::iter::once((
            act.mediator().name.clone(),
            format!("{} / {}", act::MEDIATOR.0, act::MEDIATOR.1),
        )))
        .collect();
    view! {
        <section class="act-actions no-print">
            <h2>{move || t(lang.get(), "act_ready")}</h2>
            <button type="button" class="primary" on:click=move |_| { let _ = window().print(); }>
                {move || t(lang.get(), "act_print")}
            </button>
        </section>
        <article class="act-doc" data-testid="act-doc">
            <table class="act-columns">
                <tbody>
                    {act.paragraphs().into_iter().map(|p| view! {
                        <tr><td lang="kk">{p.kk}</td><td lang="ru">{p.ru}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="signatures">
                {signers.into_iter().map(|(name, role)| view! {
                    <div class="signature">
                        <span class="signer">{name}<small>{role}</small></span>
                        <span class="sign-line"></span>
                        <small>{format!("{} / {}", act::SIGNATURE.0, act::SIGNATURE.1)}</small>
                    </div>
                }).collect_view()}
            </div>
            <footer class="act-proof">
                <Qr data=url label=Signal::derive(move || t(lang.get(), "act_qr"))/>
                <div>
                    <p>{format!("{} / {}", act::CHECK_CODE.0, act::CHECK_CODE.1)}</p>
                    <p class="tracking big-hash" data-testid="short-hash">{short}</p>
                    <p class="full-hash" data-testid="full-hash">{hash}</p>
                    <p><small>{act::CHECK_HOW.0}<br/>{act::CHECK_HOW.1}</small></p>
                </div>
            </footer>
        </article>
        <section class="no-print">
            <h2>{move || t(lang.get(), "act_text")}</h2>
            <p class="help">{move || t(lang.get(), "act_text_help")}</p>
            <pre class="act-text" data-testid="act-text">{text}</pre>
        </section>
    }
}
