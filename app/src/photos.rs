//! Photos taken or chosen offline: scaled down in the browser (longest side at most
//! 1600 px, JPEG), hashed (SHA-256, which the server checks on upload), and stored as a
//! Blob in IndexedDB under a new UUID. What a form's answer holds is the reference.

use adal_core::form::AttachmentRef;
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, ImageBitmap, ImageEncodeOptions, OffscreenCanvas, OffscreenCanvasRenderingContext2d,
};

use crate::store;

/// The longest side of a stored photo, in pixels: enough to read a price list.
pub const MAX_SIDE: u32 = 1600;
const JPEG_QUALITY: f64 = 0.82;

/// Why a photo could not be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("not a picture this browser can read")]
    NotAnImage,
    #[error("the device did not store the photo")]
    Storage,
}

/// Scales, hashes and stores `file`; returns the reference for the form's answer.
pub async fn keep(file: &Blob) -> Result<AttachmentRef, PhotoError> {
    let jpeg = scale(file).await?;
    let bytes = Uint8Array::new(
        &JsFuture::from(jpeg.array_buffer()).await.map_err(|_| PhotoError::NotAnImage)?,
    )
    .to_vec();
    let sha256 = sha256_hex(&bytes).await.map_err(|_| PhotoError::NotAnImage)?;
    let reference = AttachmentRef {
        id: uuid::Uuid::new_v4(),
        sha256,
        size: bytes.len() as u64,
        content_type: "image/jpeg".to_owned(),
    };
    store::attachments::put(&reference, &jpeg).await.map_err(|_| PhotoError::Storage)?;
    Ok(reference)
}

async fn scale(file: &Blob) -> Result<Blob, PhotoError> {
    let window = leptos::prelude::window();
    let bitmap = window.create_image_bitmap_with_blob(file).map_err(|_| PhotoError::NotAnImage)?;
    let bitmap: ImageBitmap =
        JsFuture::from(bitmap).await.map_err(|_| PhotoError::NotAnImage)?.unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let scale = (MAX_SIDE as f64 / w.max(h) as f64).min(1.0);
    let (tw, th) = (
        ((w as f64) * scale).round().max(1.0) as u32,
        ((h as f64) * scale).round().max(1.0) as u32,
    );
    let canvas = OffscreenCanvas::new(tw, th).map_err(|_| PhotoError::NotAnImage)?;
    let context: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or(PhotoError::NotAnImage)?.unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw as f64, th as f64)
        .map_err(|_| PhotoError::NotAnImage)?;
    bitmap.close();
    let options = ImageEncodeOptions::new();
    options.set_type("image/jpeg");
    options.set_quality(JPEG_QUALITY);
    let blob = canvas.convert_to_blob_with_options(&options).map_err(|_| PhotoError::NotAnImage)?;
    Ok(JsFuture::from(blob).await.map_err(|_| PhotoError::NotAnImage)?.unchecked_into())
}

/// Lowercase hex SHA-256, by the browser's WebCrypto.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, JsValue> {
    let subtle = leptos::prelude::window().crypto()?.subtle();
    let digest = JsFuture::from(subtle.digest_with_str_and_u8_array("SHA-256", bytes)?).await?;
    Ok(Uint8Array::new(&digest).to_vec().iter().map(|b| format!("{b:02x}")).collect())
}

/// An address for a photo kept on this device (`blob:`), for an `<img>` of it: `None`
/// until the store has read it, and revoked when the calling view goes.
pub fn kept_url(id: uuid::Uuid) -> leptos::prelude::RwSignal<Option<String>> {
    use leptos::prelude::*;
    let url = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(Some(blob)) = store::attachments::blob(&id.to_string()).await
            && let Ok(u) = web_sys::Url::create_object_url_with_blob(&blob)
        {
            url.set(Some(u));
        }
    });
    on_cleanup(move || {
        if let Some(u) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    url
}
