//! Staff actions wait in IndexedDB (`store::staff`) until the server accepted them, and
//! are sent in the order they were taken: on the `online` event, at start, on a timer and
//! when "Send now" is tapped. Each carries the UUID made when it was queued as its
//! idempotency key (a channel post, as its own id), so sending it twice (a lost answer,
//! two tabs) does it once.
//!
//! A channel post's photos wait on the device beside it (the citizen app's `attachments`
//! store, scaled down by `adal_app::photos`); they are uploaded, resuming part by part,
//! just before the post is sent, and forgotten once the server holds the post.

use adal_core::api::ProblemCode;
use adal_core::staff::StaffAction;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::StaffState;
use adal_app::api::staff::{StaffError, post_channel, post_event};
use adal_app::store;
use adal_app::store::staff::{CHANNEL, QueuedAction};
use adal_core::attachment::parts_to_send;
use adal_core::channel::NewPost;
use adal_core::form::AttachmentRef;

/// Keeps `action` on `tracking` on the device, then tries to send the queue.
pub async fn enqueue(st: StaffState, tracking: &str, action: StaffAction) -> store::Result<()> {
    let queued = QueuedAction {
        id: uuid::Uuid::new_v4().to_string(),
        tracking: tracking.to_owned(),
        action: Some(action),
        post: None,
        queued_at: js_sys::Date::now(),
    };
    store::staff::queue(&queued).await?;
    reload(st).await;
    flush(st);
    Ok(())
}

/// Keeps a channel post (its id made on the device) until the server has it, then tries
/// to send the queue.
pub async fn enqueue_post(st: StaffState, post: NewPost) -> store::Result<()> {
    let queued = QueuedAction {
        id: post.id.to_string(),
        tracking: CHANNEL.to_owned(),
        action: None,
        post: Some(post),
        queued_at: js_sys::Date::now(),
    };
    store::staff::queue(&queued).await?;
    reload(st).await;
    flush(st);
    Ok(())
}

/// Re-reads the queue from the device into the screen's state.
pub async fn reload(st: StaffState) {
    if let Ok(queue) = store::staff::queued().await {
        st.queue.set(queue);
    }
}

/// Sends what waits, oldest first, unless a round is already running.
pub fn flush(st: StaffState) {
    if st.sending.get_untracked() {
        return;
    }
    st.sending.set(true);
    spawn_local(async move {
        send_all(st).await;
        reload(st).await;
        st.sending.set(false);
    });
}

async fn send_all(st: StaffState) {
    if st.expired.get_untracked() {
        return;
    }
    let Some(csrf) = st.csrf() else { return };
    let lang = st.lang.get_untracked();
    let Ok(queued) = store::staff::queued().await else { return };
    for action in queued {
        let sent = match (&action.post, &action.action) {
            (Some(post), _) => match upload(&post.photos).await {
                Ok(()) => post_channel(post, &csrf, lang).await.map(|_| ()),
                // No signal, or an upload broke off: the queue waits and resumes later.
                Err(Upload::Wait) => return,
                Err(Upload::Gone) => Err(StaffError::Refused(photo_gone(lang))),
            },
            (None, Some(step)) => post_event(&action.tracking, step, &action.id, &csrf, lang).await,
            // Neither: nothing this app can send; let it go.
            (None, None) => Ok(()),
        };
        match st.ask(async { sent }).await {
            Ok(()) => {
                let _ = store::staff::dequeue(&action.id).await;
                forget_photos(&action).await;
                st.online.set(true);
                st.synced.update(|n| *n += 1);
            }
            // The session is over (`StaffState::ask` asks to log in again): keep everything.
            Err(StaffError::Unauthenticated) => return,
            Err(StaffError::Refused(p)) if p.code == ProblemCode::CsrfRejected => {
                st.expired.set(true);
                return;
            }
            // No signal or a server in trouble: the whole queue waits, in order.
            Err(e) if e.is_transient() => return,
            // Refused for a reason: only this action is dropped, and the reason shown.
            Err(e) => {
                let reason = match e {
                    // The title says why in the person's language (a late extension:
                    // the answer day has passed); the detail, which day or field.
                    StaffError::Refused(p) => match p.detail {
                        Some(detail) => format!("{} ({detail})", p.title),
                        None => p.title,
                    },
                    _ => String::new(),
                };
                let _ = store::staff::dequeue(&action.id).await;
                forget_photos(&action).await;
                // A post names the channel in the person's language; a step, its item.
                let what = match action.post {
                    Some(_) => crate::i18n::t(lang, "staff_channel"),
                    None => action.tracking.clone(),
                };
                st.refusals.update(|r| r.push(format!("{what}: {reason}")));
                st.synced.update(|n| *n += 1);
            }
        }
    }
}

/// Why a post's photos are not all on the server yet.
enum Upload {
    /// No signal or a broken upload: try again later, from where it stopped.
    Wait,
    /// A photo's file is no longer on this device (its storage was cleared).
    Gone,
}

/// Uploads what the server lacks of `photos`, in the citizen app's resumable parts.
async fn upload(photos: &[AttachmentRef]) -> Result<(), Upload> {
    use adal_app::api::{attachment_status, complete_attachment, put_part};
    for photo in photos {
        let status = attachment_status(photo).await.map_err(|_| Upload::Wait)?;
        if status.holds(photo) {
            continue;
        }
        let file = store::attachments::blob(&photo.id.to_string())
            .await
            .ok()
            .flatten()
            .ok_or(Upload::Gone)?;
        for part in parts_to_send(photo.size, &status.received_parts) {
            put_part(photo, &part, &file).await.map_err(|_| Upload::Wait)?;
        }
        complete_attachment(photo).await.map_err(|_| Upload::Wait)?;
    }
    Ok(())
}

/// The device's copies of a sent (or refused) post's photos are no longer needed.
async fn forget_photos(action: &QueuedAction) {
    for photo in action.post.iter().flat_map(|p| &p.photos) {
        let _ = store::attachments::delete(&photo.id.to_string()).await;
    }
}

/// The refusal shown when a waiting post's photo was lost from the device.
fn photo_gone(lang: adal_core::Lang) -> adal_core::api::Problem {
    let mut problem = adal_core::api::Problem::new(ProblemCode::AttachmentsIncomplete, lang);
    problem.title = crate::i18n::t(lang, "staff_channel_photo_gone");
    problem
}
