use adal_core::provider::{Provider, ProviderKind};
use adal_core::search::{Query, distance_km};
use adal_core::{District, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::start_draft;
use crate::i18n::t;
use crate::state::use_app;
use crate::store::providers::StoredProvider;

/// How many results are drawn at once; more follow on "show more".
const PAGE: usize = 30;
/// How many cards the first task draws when the list fills by itself (a phone's screen
/// holds three or four).
const FIRST_CARDS: usize = 6;

/// One search result: an entry of the directory in memory (shared, not copied: an empty
/// query lists all 10,000) and, when the person shared their location, how far.
#[derive(Clone)]
struct Hit {
    directory: Arc<Vec<StoredProvider>>,
    index: usize,
    km: Option<f64>,
}

impl Hit {
    fn provider(&self) -> &Provider {
        &self.directory[self.index].provider
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Hit) -> bool {
        Arc::ptr_eq(&self.directory, &other.directory)
            && self.index == other.index
            && self.km.map(f64::to_bits) == other.km.map(f64::to_bits)
    }
}

/// What the person searches for and filters by, and where they are (when shared).
#[derive(Clone, Copy)]
struct Search {
    query: RwSignal<String>,
    /// A district's code, or "" for all; likewise `kind` and `language`.
    district: RwSignal<String>,
    kind: RwSignal<String>,
    language: RwSignal<String>,
    here: RwSignal<Option<(f64, f64)>>,
}

impl Search {
    /// `?kind=lawyer&district=BUR`: where another screen sends the person (a mediation
    /// the law refuses points to the lawyers and notaries of their district).
    fn from_query() -> Search {
        let param = |name: &str| {
            let raw = leptos_router::hooks::use_query_map().with_untracked(|q| q.get(name));
            raw.unwrap_or_default()
        };
        Search {
            query: RwSignal::new(String::new()),
            district: RwSignal::new(
                Some(param("district"))
                    .filter(|d| District::from_code(d).is_some())
                    .unwrap_or_default(),
            ),
            kind: RwSignal::new(
                Some(param("kind"))
                    .filter(|k| ProviderKind::ALL.iter().any(|p| p.code() == k))
                    .unwrap_or_default(),
            ),
            language: RwSignal::new(String::new()),
            here: RwSignal::new(None),
        }
    }

    /// The entries found, nearest first once the person shared their location.
    fn hits(self) -> Memo<Vec<Hit>> {
        let app = use_app();
        Memo::new(move |_| {
            let q = Query::parse(&self.query.get());
            let (district, kind, language, here) =
                (self.district.get(), self.kind.get(), self.language.get(), self.here.get());
            let mut hits: Vec<Hit> = app.directory.with(|dir| {
                dir.iter()
                    .enumerate()
                    .map(|(index, p)| (Hit { directory: Arc::clone(dir), index, km: None }, p))
                    .filter(|(_, p)| district.is_empty() || p.district == district)
                    .filter(|(_, p)| kind.is_empty() || p.kind == kind)
                    .filter(|(_, p)| {
                        language.is_empty()
                            || p.provider.languages.iter().any(|l| l.tag() == language)
                    })
                    .filter(|(_, p)| q.matches(&p.search))
                    .map(|(hit, p)| Hit {
                        km: here.map(|(lat, lon)| {
                            distance_km(lat, lon, p.provider.lat, p.provider.lon)
                        }),
                        ..hit
                    })
                    .collect()
            });
            if here.is_some() {
                hits.sort_by(|a, b| a.km.unwrap_or(f64::MAX).total_cmp(&b.km.unwrap_or(f64::MAX)));
            }
            hits
        })
    }

    /// Asks the browser where the person is; `locating` while it answers.
    fn locate(self, locating: RwSignal<bool>) {
        let Ok(geo) = window().navigator().geolocation() else { return };
        locating.set(true);
        let here = self.here;
        let ok = Closure::once_into_js(move |position: web_sys::Position| {
            let c = position.coords();
            here.set(Some((c.latitude(), c.longitude())));
            locating.set(false);
        });
        let failed = Closure::once_into_js(move |_: wasm_bindgen::JsValue| locating.set(false));
        let _ = geo.get_current_position_with_error_callback(
            ok.unchecked_ref(),
            Some(failed.unchecked_ref()),
        );
    }
}

/// One listener for every card's "Mediate here": the card names its entry, and a
/// mediation request addressed to it is started.
fn on_card_click() -> impl Fn(leptos::ev::MouseEvent) + 'static {
    let app = use_app();
    let navigate = use_navigate();
    let start_mediation = Callback::new(move |(id, district): (String, String)| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let prefill = [
                ("district".to_owned(), Value::String(district)),
                ("preferred_provider".to_owned(), Value::String(id)),
            ]
            .into_iter()
            .collect();
            if let Some(page) = start_draft(app, "mediation_request", prefill).await {
                navigate(&page.path(), Default::default());
            }
        });
    });
    move |ev: leptos::ev::MouseEvent| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(&format!("button[{MEDIATE}]")).ok().flatten());
        let Some(id) = button.and_then(|b| b.get_attribute(MEDIATE)) else { return };
        let district = app.directory.with_untracked(|dir| {
            dir.iter().find(|p| p.provider.id == id).map(|p| p.provider.district.code().to_owned())
        });
        if let Some(district) = district {
            start_mediation.run((id, district));
        }
    }
}

/// `/directory`: every centre, mediator, notary, lawyer, imam, priest and office, searched
/// on the device (no signal needed), filtered, and sorted by distance on request.
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let search = Search::from_query();
    let locating = RwSignal::new(false);
    // The browser benchmark may ask for a longer page (`?bench&page=N`, see `bench`).
    let page = crate::bench::directory_page().unwrap_or(PAGE);
    let shown = RwSignal::new(page);
    let hits = search.hits();
    // Cards the list fills with by itself (the directory arriving on a first visit, or
    // the screen opening) are drawn a few in a task, then twice as many, up to `shown`:
    // a card takes a slow phone some 20 ms, and a page of them in one task would hold it.
    // What the person asks for (a search, "show more") is drawn at once.
    let drawn = RwSignal::new(FIRST_CARDS);
    Effect::new(move |_| {
        let (now, wanted) = (drawn.get(), shown.get().min(hits.with(Vec::len)));
        if now < wanted {
            spawn_local(async move {
                crate::state::turn().await;
                drawn.update(|n| *n = (*n).max((now * 2).min(wanted)));
            });
        }
    });
    // A new search starts from the top.
    Effect::new(move |first: Option<()>| {
        search.query.track();
        search.district.track();
        search.kind.track();
        search.language.track();
        shown.set(page);
        if first.is_some() {
            drawn.set(usize::MAX);
        }
    });
    view! {
        <main id="main" class="page">
            <a href="/" class="back">{move || t(lang.get(), "back")}</a>
            <h1>{move || t(lang.get(), "directory_title")}</h1>
            <p class="muted">{move || t(lang.get(), "directory_help")}</p>
            <SearchFields search/>
            <button type="button" class="secondary" on:click=move |_| search.locate(locating) disabled=move || locating.get()>
                {move || if search.here.get().is_some() { t(lang.get(), "sorted_by_distance") } else { t(lang.get(), "sort_by_distance") }}
            </button>
            <p role="status" class="muted" data-testid="hit-count">
                {move || t(lang.get(), "found").replace("%{count}", &hits.with(Vec::len).to_string())}
            </p>
            <Show when=move || app.directory.with(|d| d.is_empty())>
                <p class="banner warn">{move || t(lang.get(), "directory_empty")}</p>
            </Show>
            <ul class="items providers" on:click=on_card_click()>
                // Keyed by the language too: a card is drawn once, with plain text, and
                // drawn again when the language changes (rare), rather than keeping a
                // reactive binding per line of every card.
                <For
                    each=move || {
                        let lang = lang.get();
                        let n = shown.get().min(drawn.get());
                        hits.with(|h| h.iter().take(n).map(|h| (h.clone(), lang)).collect::<Vec<_>>())
                    }
                    key=|(h, lang)| (h.index, h.km.map(f64::to_bits), *lang)
                    children=move |(hit, lang)| view! { <ProviderCard hit lang/> }
                />
            </ul>
            <Show when=move || { hits.with(Vec::len) > shown.get() }>
                <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += page)>
                    {move || t(lang.get(), "show_more")}
                </button>
            </Show>
        </main>
    }
}

/// The search field, and the filters by district, kind and language spoken.
#[component]
fn SearchFields(search: Search) -> impl IntoView {
    let lang = use_app().lang;
    let Search { query, district, kind, language, .. } = search;
    view! {
        <div class="field">
            <label for="dir-q">{move || t(lang.get(), "search")}</label>
            <input id="dir-q" type="search" autocomplete="off" enterkeyhint="search"
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
        </div>
        <div class="filters">
            <div class="field">
                <label for="dir-district">{move || t(lang.get(), "district")}</label>
                <select id="dir-district" on:change=move |ev| district.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "all")}</option>
                    {District::ALL.into_iter().map(|d| view! { <option value=d.code() selected=district.get_untracked() == d.code()>{move || d.name(lang.get())}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="dir-kind">{move || t(lang.get(), "kind")}</label>
                <select id="dir-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "all")}</option>
                    {ProviderKind::ALL.into_iter().map(|k| view! { <option value=k.code() selected=kind.get_untracked() == k.code()>{move || k.label(lang.get())}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="dir-lang">{move || t(lang.get(), "speaks")}</label>
                <select id="dir-lang" on:change=move |ev| language.set(event_target_value(&ev))>
                    <option value="">{move || t(lang.get(), "all")}</option>
                    {Lang::ALL.into_iter().map(|l| view! { <option value=l.tag()>{l.native_name()}</option> }).collect_view()}
                </select>
            </div>
        </div>
    }
}

/// One entry: what it is, where, when, which languages, how to call, and (for centres
/// and mediators) a button that starts a mediation request addressed to it (handled by
/// the list, see `DirectoryPage`).
///
/// The card is plain text, drawn once per language, and a list draws up to a thousand:
/// its markup is written here, every text escaped (`html-escape`), and the browser's
/// parser builds it in one call, instead of some twenty calls from wasm per card.
#[component]
fn ProviderCard(hit: Hit, lang: Lang) -> impl IntoView {
    view! { <li class="provider" inner_html=card_html(&hit, lang)></li> }
}

fn card_html(hit: &Hit, lang: Lang) -> String {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    use std::fmt::Write;
    let p = hit.provider();
    let languages = p.languages.iter().map(|l| l.native_name()).collect::<Vec<_>>().join(", ");
    let mut html = String::with_capacity(640);
    let _ = write!(
        html,
        r#"<h2 class="provider-name">{}</h2><span class="meta">{} · {}"#,
        text(p.name.get(lang)),
        text(p.kind.label(lang)),
        text(&p.district.name(lang)),
    );
    if let Some(km) = hit.km {
        let _ = write!(html, " · {km:.1} km");
    }
    let _ = write!(
        html,
        r#"</span><span>{}</span><span class="meta">{}</span><span class="meta">{}</span><span class="meta">{}: {}</span><div class="row">"#,
        text(p.address.get(lang)),
        text(p.hours.get(lang)),
        text(p.services.get(lang)),
        text(&t(lang, "speaks")),
        text(&languages),
    );
    for phone in &p.phones {
        let phone = phone.as_str();
        let _ = write!(
            html,
            r#"<a class="button secondary" href="tel:{}">☎ {}</a>"#,
            attr(phone),
            text(phone)
        );
    }
    if matches!(p.kind, ProviderKind::ReconciliationCentre | ProviderKind::Mediator) {
        let _ = write!(
            html,
            r#"<button type="button" class="primary" {MEDIATE}="{}">{}</button>"#,
            attr(&p.id),
            text(&t(lang, "mediate_here"))
        );
    }
    html.push_str("</div>");
    html
}

/// The attribute naming the entry on a card's "Mediate here" button.
const MEDIATE: &str = "data-mediate";

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_card_shows_the_directory_text_as_text_never_as_markup() {
        let provider: Provider = serde_json::from_value(serde_json::json!({
            "id": "ura-mediator-1", "kind": "mediator",
            "name": {"kk": "", "ru": "", "en": "<img src=x onerror=alert(1)> & Co \"Law\""},
            "district": "URA",
            "address": {"kk": "", "ru": "", "en": "Dostyk St. 1 <b>"},
            "lat": 51.2, "lon": 51.4, "phones": ["+77000000101"],
            "hours": {"kk": "", "ru": "", "en": "9–18"},
            "languages": ["kk", "ru"],
            "services": {"kk": "", "ru": "", "en": "mediation"},
            "sample": false
        }))
        .unwrap();
        let directory = Arc::new(vec![StoredProvider::new(provider)]);
        let hit = Hit { directory, index: 0, km: Some(2.345) };

        let li = document().create_element("li").unwrap();
        li.set_inner_html(&card_html(&hit, Lang::En));

        let name = li.query_selector("h2").unwrap().unwrap();
        assert_eq!(name.text_content().unwrap(), "<img src=x onerror=alert(1)> & Co \"Law\"");
        assert!(li.query_selector("img").unwrap().is_none());
        assert!(li.query_selector("b").unwrap().is_none());
        let meta = li.query_selector(".meta").unwrap().unwrap().text_content().unwrap();
        assert!(meta.ends_with(" · 2.3 km"), "{meta}");
        let call = li.query_selector("a").unwrap().unwrap();
        assert_eq!(call.get_attribute("href").as_deref(), Some("tel:+77000000101"));
        let button = li.query_selector("button").unwrap().unwrap();
        assert_eq!(button.get_attribute(MEDIATE).as_deref(), Some("ura-mediator-1"));
    }
}
