//! The one channel between districts: every district's staff post what worked, reply in
//! threads, filter by topic and search. Readable offline (the last list and each opened
//! thread are kept on the device) and written offline (a post waits in the staff queue
//! with its own id and is sent once). Online, the server's event stream brings new posts
//! in without a reload; without it the page still reads and posts.

use adal_core::channel::{
    ChannelPage as Page, ChannelStep, MAX_PHOTOS, Moderation, NewPost, Post, PostLink, Thread,
    Topic,
};
use adal_core::form::AttachmentRef;
use adal_core::search::Query;
use adal_core::{Lang, TrackingNumber};
use gloo::events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::{StaffPage, StaffState, local_time, queue, use_staff};
use crate::i18n::t;
use adal_app::api::staff::{StaffError, channel_posts, channel_thread, moderate_channel};
use adal_app::components::{Loading, NeedsSignal};
use adal_app::{photos, store};

const LIST_KEY: &str = "channel:list";

fn thread_key(id: i64) -> String {
    format!("channel:thread:{id}")
}

/// Whether this account is in the channel at all (the header's link).
pub fn may_read(role: adal_core::staff::Role) -> bool {
    role.may_channel(ChannelStep::Read)
}

/// Calls `on_post` with each post the server's event stream announces (and with `None`
/// when the stream (re)opens, so the caller reads again what it may have missed), while
/// the calling view lives. Nothing happens where the browser has no `EventSource`.
fn live(on_post: impl Fn(Option<Post>) + 'static) {
    let Ok(source) = web_sys::EventSource::new("/api/v1/staff/channel/events") else { return };
    let on_post = std::rc::Rc::new(on_post);
    let opened = {
        let on_post = on_post.clone();
        EventListener::new(&source, "open", move |_| on_post(None))
    };
    let reload = EventListener::new(&source, "reload", {
        let on_post = on_post.clone();
        move |_| on_post(None)
    });
    let posted = EventListener::new(&source, "post", move |event| {
        let data = wasm_bindgen::JsCast::dyn_ref::<web_sys::MessageEvent>(event)
            .and_then(|m| m.data().as_string());
        if let Some(post) = data.and_then(|d| serde_json::from_str::<Post>(&d).ok()) {
            on_post(Some(post));
        }
    });
    let held = send_wrapper::SendWrapper::new((source, opened, posted, reload));
    on_cleanup(move || held.take().0.close());
}

/// What a link in the compose form means: a tracking number is a case, 64 hex digits a
/// published report; anything else is left for the rule in core to refuse.
fn parse_link(raw: &str) -> Option<PostLink> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if raw.parse::<TrackingNumber>().is_ok() {
        return Some(PostLink::Case { tracking: raw.to_owned() });
    }
    Some(PostLink::Report { sha256: raw.to_owned() })
}

/// The posts of the topic and search chosen, from the server (the unfiltered list is kept
/// on the device); without signal, the last list kept, filtered here by the same folding.
async fn load_posts(
    st: super::StaffState,
    topic: Option<Topic>,
    q: String,
    shown: RwSignal<Option<Page>>,
    stale: RwSignal<bool>,
) {
    let lang = st.lang.get_untracked();
    let filtered = topic.is_some() || !q.trim().is_empty();
    match st.ask(channel_posts(topic, &q, lang)).await {
        Ok(page) => {
            if !filtered {
                let _ = store::staff::put_cached(LIST_KEY, &page).await;
            }
            shown.set(Some(page));
            stale.set(false);
        }
        Err(_) => {
            // Offline: the last list read, filtered here by the same folding.
            let cached: Option<Page> = store::staff::get_cached(LIST_KEY).await.ok().flatten();
            let query = Query::parse(&q);
            shown.set(cached.map(|mut page| {
                page.posts.retain(|p| {
                    topic.is_none_or(|t| p.topic == t) && query.matches(&p.search_text())
                });
                page
            }));
            stale.set(true);
        }
    }
}

#[component]
pub fn ChannelPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let topic = RwSignal::new(None::<Topic>);
    let q = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<Page>);
    let stale = RwSignal::new(false);
    let fresh = RwSignal::new(0u32);
    Effect::new(move |_| {
        let (topic, q) = (topic.get(), q.get());
        st.online.track();
        st.synced.track();
        fresh.track();
        spawn_local(load_posts(st, topic, q, shown, stale));
    });
    live(move |_| fresh.update(|n| *n += 1));
    let waiting = move || {
        st.queue.with(|q| {
            q.iter()
                .filter_map(|a| a.post.clone())
                .filter(|p| p.parent.is_none())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <main id="main" class="page staff-page channel">
            <h1>{move || t(lang.get(), "staff_channel")}</h1>
            <p class="muted">{move || t(lang.get(), "staff_channel_help")}</p>
            <Compose parent=None/>
            <ChannelFilters topic q/>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_inbox_saved_copy")}</p>
            </Show>
            <ul class="items channel-posts" data-testid="channel-posts" aria-live="polite">
                <For each=waiting key=|p| p.id let:post>
                    <li class="waiting" data-testid="channel-waiting">
                        <span class="meta">{move || post.topic.map(|tp| tp.label(lang.get()))} " · " <em>{move || t(lang.get(), "staff_waiting_to_send")}</em></span>
                        <p class="post-text">{post.text.clone()}</p>
                        <WaitingPhotos photos=post.photos.clone()/>
                    </li>
                </For>
                {move || match shown.get() {
                    None if stale.get() => view! { <NeedsSignal item=true/> }.into_any(),
                    None => view! { <Loading item=true/> }.into_any(),
                    Some(page) if page.posts.is_empty() => view! { <li class="muted">{move || t(lang.get(), "staff_channel_none")}</li> }.into_any(),
                    Some(page) => page.posts.into_iter().map(|post| view! { <PostCard post open=true/> }).collect_view().into_any(),
                }}
            </ul>
        </main>
    }
}

/// The channel's filters: a topic, and words to search for.
#[component]
fn ChannelFilters(topic: RwSignal<Option<Topic>>, q: RwSignal<String>) -> impl IntoView {
    let lang = use_staff().lang;
    view! {
    <div class="filters" role="search">
        <div class="field">
            <label for="channel-topic">{move || t(lang.get(), "staff_channel_filter_topic")}</label>
            <select id="channel-topic" on:change=move |ev| topic.set(Topic::parse(&event_target_value(&ev)))>
                <option value="">{move || t(lang.get(), "staff_channel_all_topics")}</option>
                {Topic::ALL.into_iter().map(|tp| view! {
                    <option value=tp.as_str()>{move || tp.label(lang.get())}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="channel-search">{move || t(lang.get(), "staff_channel_search")}</label>
            <input id="channel-search" type="search" maxlength="200" autocomplete="off"
                prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
        </div>
    </div>
    }
}

/// One post: topic, pinned or hidden, who and when, the text, its link and photos; with
/// `open`, a link to its thread.
#[component]
fn PostCard(post: Post, open: bool) -> impl IntoView {
    let lang = use_staff().lang;
    let at = post.created_at;
    let district = post.district;
    let replies = post.replies;
    let href = StaffPage::ChannelThread(post.id).path();
    view! {
        <li class="post" class:pinned=post.pinned class:hidden-post=post.hidden data-testid="channel-post">
            <span class="meta">
                {post.parent.is_none().then(|| view! { <span class="tag">{move || post.topic.label(lang.get())}</span> " " })}
                {post.pinned.then(|| view! { <strong class="tag pin">{move || t(lang.get(), "staff_channel_pinned")}</strong> " " })}
                {post.hidden.then(|| view! { <strong class="tag">{move || t(lang.get(), "staff_channel_hidden")}</strong> " " })}
                {post.author.clone()} " · "
                {move || district.map_or_else(|| t(lang.get(), "role_front_office"), |d| d.name(lang.get()).to_owned())}
                " · " {move || local_time(at, lang.get())}
            </span>
            <p class="post-text">{post.text.clone()}</p>
            {post.link.clone().map(|link| view! { <LinkLine link/> })}
            {(!post.photos.is_empty()).then(|| {
                let of = post.photos.len();
                view! {
                    <ul class="photos post-photos">
                        {post.photos.iter().enumerate().map(|(i, p)| {
                            let src = format!("/api/v1/staff/channel/photos/{}", p.id);
                            let href = src.clone();
                            let author = post.author.clone();
                            let alt = move || t(lang.get(), "staff_channel_photo_alt")
                                .replace("%{n}", &(i + 1).to_string())
                                .replace("%{of}", &of.to_string())
                                .replace("%{author}", &author);
                            view! {
                                <li class="photo">
                                    <a href=href target="_blank" rel="noopener">
                                        <img src=src alt=alt loading="lazy" width="96" height="96"/>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            {open.then(|| view! {
                <a href=href.clone()>{move || t(lang.get(), "staff_channel_open").replace("%{n}", &replies.to_string())}</a>
            })}
        </li>
    }
}

#[component]
fn LinkLine(link: PostLink) -> impl IntoView {
    let lang = use_staff().lang;
    match link {
        PostLink::Report { sha256 } => view! {
            <p><a href=format!("/api/v1/reports/{sha256}") rel="external">{move || t(lang.get(), "staff_channel_report_link")}</a></p>
        }
        .into_any(),
        PostLink::Case { tracking } => view! {
            <p class="meta">{move || t(lang.get(), "staff_channel_case")} " " {tracking.clone()}</p>
        }
        .into_any(),
    }
}

/// What a compose form holds as typed.
#[derive(Clone, Copy)]
struct Typed {
    topic: RwSignal<String>,
    text: RwSignal<String>,
    link: RwSignal<String>,
    photos: RwSignal<Vec<AttachmentRef>>,
}

impl Typed {
    fn new() -> Typed {
        Typed {
            topic: RwSignal::new(String::new()),
            text: RwSignal::new(String::new()),
            link: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
        }
    }

    /// Checks the post as core does (`NewPost::check`): every problem under its field, or
    /// the post in the device's queue and the form emptied.
    fn send(
        self,
        st: super::StaffState,
        parent: Option<i64>,
        errors: RwSignal<Vec<(String, String)>>,
    ) {
        let post = NewPost {
            id: uuid::Uuid::new_v4(),
            parent,
            topic: if parent.is_some() { None } else { Topic::parse(&self.topic.get_untracked()) },
            text: self.text.get_untracked(),
            link: parse_link(&self.link.get_untracked()),
            photos: self.photos.get_untracked(),
        };
        let lang = st.lang.get_untracked();
        match post.check() {
            Err(found) => errors
                .set(found.0.iter().map(|e| (e.field.to_string(), e.code.message(lang))).collect()),
            Ok(post) => {
                errors.set(Vec::new());
                spawn_local(async move {
                    if queue::enqueue_post(st, post).await.is_ok() {
                        self.text.set(String::new());
                        self.link.set(String::new());
                        // The queue holds them now; their files stay until sent.
                        self.photos.set(Vec::new());
                    }
                });
            }
        }
    }
}

/// The form of a new thread (`parent` none: with a topic and a link) or of a reply.
/// What was typed stays until the post is in the device's queue.
#[component]
fn Compose(parent: Option<i64>) -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    // The session's role is fixed while the screen lives (a new login draws it anew).
    let may = move || st.me().is_some_and(|m| m.role.may_channel(ChannelStep::Post));
    let typed = Typed::new();
    let Typed { topic, text, link, photos } = typed;
    // Photos chosen but never posted leave the device with the form (as its text does).
    on_cleanup(move || {
        let left = photos.try_get_untracked().unwrap_or_default();
        spawn_local(async move {
            for photo in left {
                let _ = store::attachments::delete(&photo.id.to_string()).await;
            }
        });
    });
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let error = move |field: &'static str| {
        move || errors.with(|e| e.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        typed.send(st, parent, errors);
    };
    let id = |name: &str| format!("{name}-{}", parent.map_or("new".to_owned(), |p| p.to_string()));
    let (topic_id, text_id, link_id) = (id("post-topic"), id("post-text"), id("post-link"));
    let photos_id = id("post-photos");
    let form = view! {
            <form novalidate class="action compose" on:submit=submit data-testid="channel-compose">
                {parent.is_none().then(|| view! {
                    <div class="field">
                        <label for=topic_id.clone()>{move || t(lang.get(), "staff_channel_topic")}</label>
                        <select id=topic_id.clone() on:change=move |ev| topic.set(event_target_value(&ev))>
                            <option value="">{move || t(lang.get(), "staff_channel_choose_topic")}</option>
                            {Topic::ALL.into_iter().map(|tp| view! {
                                <option value=tp.as_str()>{move || tp.label(lang.get())}</option>
                            }).collect_view()}
                        </select>
                        <p class="error-text">{error("topic")}</p>
                    </div>
                })}
                <div class="field">
                    <label for=text_id.clone()>{move || if parent.is_some() { t(lang.get(), "staff_channel_your_reply") } else { t(lang.get(), "staff_channel_text") }}</label>
                    <textarea id=text_id.clone() rows="4" maxlength="4000" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p class="error-text">{error("text")}</p>
                </div>
                {parent.is_none().then(|| view! {
                    <div class="field">
                        <label for=link_id.clone()>{move || t(lang.get(), "staff_channel_link")}</label>
                        <p class="help">{move || t(lang.get(), "staff_channel_link_help")}</p>
                        <input id=link_id.clone() type="text" autocomplete="off" prop:value=move || link.get() on:input=move |ev| link.set(event_target_value(&ev))/>
                        <p class="error-text">{error("link")}</p>
                    </div>
                })}
                <PhotoPicker id=photos_id photos error=Signal::derive(error("photos"))/>
                <button type="submit" class="primary">{move || if parent.is_some() { t(lang.get(), "staff_channel_reply") } else { t(lang.get(), "staff_channel_post") }}</button>
            </form>
    };
    // A new thread's form waits folded above the list, which is what people come to read;
    // a reply's stands open below its thread.
    let form = match parent {
        None => view! {
            <details class="compose-box">
                <summary>{move || t(lang.get(), "staff_channel_new")}</summary>
                {form}
            </details>
        }
        .into_any(),
        Some(_) => form.into_any(),
    };
    if may() { form } else { ().into_any() }
}

/// Take or choose up to four photos for a post: each is scaled down and kept on this
/// device at once (the citizen app's `photos::keep`), so a post written without signal
/// keeps its photos until the queue sends them.
#[component]
fn PhotoPicker(
    id: String,
    photos: RwSignal<Vec<AttachmentRef>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let lang = use_staff().lang;
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let lang = lang.get_untracked();
            for file in files {
                if photos.with_untracked(Vec::len) >= MAX_PHOTOS {
                    let max = MAX_PHOTOS.to_string();
                    problem.set(Some(t(lang, "too_many_photos").replace("%{max}", &max)));
                    break;
                }
                match photos::keep(&file).await {
                    Ok(reference) => photos.update(|list| list.push(reference)),
                    Err(photos::PhotoError::NotAnImage) => {
                        problem.set(Some(t(lang, "photo_unreadable")))
                    }
                    Err(photos::PhotoError::Storage) => {
                        problem.set(Some(t(lang, "staff_channel_photo_storage")))
                    }
                }
            }
            busy.set(false);
        });
    };
    let remove = move |gone: uuid::Uuid| {
        photos.update(|list| list.retain(|r| r.id != gone));
        spawn_local(async move {
            let _ = store::attachments::delete(&gone.to_string()).await;
        });
    };
    let label_id = format!("{id}-label");
    let help_id = format!("{id}-help");
    let described = format!("{help_id} {id}-error");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <span class="label" id=label_id.clone()>{move || t(lang.get(), "staff_channel_photos")}</span>
            <p class="help" id=help_id>{move || t(lang.get(), "photo_help")}</p>
            <ul class="photos" aria-labelledby=label_id>
                <For each=move || photos.get() key=|r| r.id let:reference>
                    <Thumbnail reference on_remove=remove/>
                </For>
            </ul>
            <Show when=move || photos.with(Vec::len) < MAX_PHOTOS>
                <label class="secondary file">
                    {move || if busy.get() { t(lang.get(), "photo_working") } else { t(lang.get(), "photo_add") }}
                    <input id=id.clone() type="file" accept="image/*" capture="environment" multiple
                        class="visually-hidden" aria-describedby=described.clone() on:change=add/>
                </label>
            </Show>
            <p class="error-text" role="status">{move || problem.get()}</p>
            <p class="error-text" id=error_id>{move || error.get()}</p>
        </div>
    }
}

/// A photo chosen for a post, read back from the device, with a button to take it off.
#[component]
fn Thumbnail(
    reference: AttachmentRef,
    on_remove: impl Fn(uuid::Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_staff().lang;
    let id = reference.id;
    let url = photos::kept_url(id);
    let kb = reference.size.div_ceil(1024);
    view! {
        <li class="photo">
            <img src=move || url.get().unwrap_or_default() alt=move || format!("{} ({kb} KB)", t(lang.get(), "photo")) width="96" height="96"/>
            <button type="button" class="link danger" on:click=move |_| on_remove(id)>
                {move || t(lang.get(), "remove_photo")}
            </button>
        </li>
    }
}

/// How many photos a waiting post carries (they are on this device, not yet sent).
#[component]
fn WaitingPhotos(photos: Vec<AttachmentRef>) -> impl IntoView {
    let lang = use_staff().lang;
    let n = photos.len();
    (n > 0).then(|| view! {
        <p class="meta">{move || t(lang.get(), "staff_channel_photos_waiting").replace("%{n}", &n.to_string())}</p>
    })
}

/// A thread: the copy kept on the device first (unless one is shown), then the server's,
/// kept in its place.
async fn load_thread(
    st: super::StaffState,
    id: i64,
    shown: RwSignal<Option<Thread>>,
    stale: RwSignal<bool>,
) {
    let lang = st.lang.get_untracked();
    if shown.with_untracked(Option::is_none)
        && let Ok(Some(cached)) = store::staff::get_cached::<Thread>(&thread_key(id)).await
    {
        shown.set(Some(cached));
    }
    match st.ask(channel_thread(id, lang)).await {
        Ok(thread) => {
            let _ = store::staff::put_cached(&thread_key(id), &thread).await;
            shown.set(Some(thread));
            stale.set(false);
        }
        Err(_) => stale.set(true),
    }
}

#[component]
pub fn ChannelThreadPage() -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let shown = RwSignal::new(None::<Thread>);
    let stale = RwSignal::new(false);
    let fresh = RwSignal::new(0u32);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(id) = id() else { return };
        st.online.track();
        st.synced.track();
        fresh.track();
        spawn_local(load_thread(st, id, shown, stale));
    });
    live(move |post| {
        let mine = id();
        if post.is_none_or(|p| Some(p.id) == mine || p.parent == mine) {
            fresh.update(|n| *n += 1);
        }
    });
    let waiting = move || {
        st.queue.with(|q| {
            q.iter()
                .filter_map(|a| a.post.clone())
                .filter(|p| p.parent.is_some() && p.parent == id())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <main id="main" class="page staff-page channel">
            <p><a href=StaffPage::Channel.path()>{move || t(lang.get(), "staff_channel_back")}</a></p>
            <Show when=move || stale.get() && shown.with(Option::is_some)>
                <p class="banner warn" role="status">{move || t(lang.get(), "staff_inbox_saved_copy")}</p>
            </Show>
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            {move || match shown.get() {
                None if stale.get() => view! { <NeedsSignal/> }.into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(thread) => {
                    let post = thread.post.clone();
                    let first = thread.post.clone();
                    view! {
                        <h1 class="thread-title">{move || post.topic.label(lang.get())}</h1>
                        <ul class="items channel-posts" data-testid="channel-thread">
                            <PostCard post=first.clone() open=false/>
                            <Moderate post=first.clone() problem shown/>
                            {thread.replies.into_iter().map(|reply| view! {
                                <PostCard post=reply.clone() open=false/>
                                <Moderate post=reply problem shown/>
                            }).collect_view()}
                            <For each=waiting key=|p| p.id let:reply>
                                <li class="waiting" data-testid="channel-waiting">
                                    <em>{move || t(lang.get(), "staff_waiting_to_send")}</em>
                                    <p class="post-text">{reply.text.clone()}</p>
                                    <WaitingPhotos photos=reply.photos.clone()/>
                                </li>
                            </For>
                        </ul>
                        <Compose parent=Some(first.id)/>
                    }.into_any()
                }
            }}
        </main>
    }
}

/// Pin and hide (and undo either), for whom the policy lets moderate this post: the
/// front office any, a curator their own district's. Needs the server: no queue.
#[component]
fn Moderate(
    post: Post,
    problem: RwSignal<Option<String>>,
    shown: RwSignal<Option<Thread>>,
) -> impl IntoView {
    let st = use_staff();
    let lang = st.lang;
    let Some(me) = st.me() else { return ().into_any() };
    let reaches = me.district.is_none() || me.district == post.district;
    if !(me.role.may_channel(ChannelStep::Moderate) && reaches) {
        return ().into_any();
    }
    let steps: Vec<Moderation> = [
        (post.parent.is_none() && !post.pinned).then_some(Moderation::Pin),
        (post.parent.is_none() && post.pinned).then_some(Moderation::Unpin),
        (!post.hidden).then_some(Moderation::Hide),
        post.hidden.then_some(Moderation::Unhide),
    ]
    .into_iter()
    .flatten()
    .collect();
    let id = post.id;
    view! {
        <li class="moderate">
            {steps.into_iter().map(|step| {
                let act = move |_| moderate(st, id, step, problem, shown);
                view! { <button type="button" class="secondary" on:click=act>{move || step_label(step, lang.get())}</button> }
            }).collect_view()}
        </li>
    }
    .into_any()
}

fn step_label(step: Moderation, lang: Lang) -> String {
    match step {
        Moderation::Pin => t(lang, "staff_channel_pin"),
        Moderation::Unpin => t(lang, "staff_channel_unpin"),
        Moderation::Hide => t(lang, "staff_channel_hide"),
        Moderation::Unhide => t(lang, "staff_channel_unhide"),
    }
}

fn moderate(
    st: StaffState,
    id: i64,
    step: Moderation,
    problem: RwSignal<Option<String>>,
    shown: RwSignal<Option<Thread>>,
) {
    let Some(csrf) = st.csrf() else { return };
    let lang = st.lang.get_untracked();
    spawn_local(async move {
        match st.ask(moderate_channel(id, step, &csrf, lang)).await {
            Ok(post) => {
                problem.set(None);
                shown.update(|thread| {
                    let Some(thread) = thread else { return };
                    if thread.post.id == post.id {
                        thread.post = post;
                    } else if let Some(r) = thread.replies.iter_mut().find(|r| r.id == post.id) {
                        *r = post;
                    }
                });
            }
            Err(StaffError::Refused(p)) => problem.set(Some(p.title)),
            Err(_) => problem.set(Some(t(lang, "needs_signal"))),
        }
    });
}
