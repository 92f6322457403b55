//! What the device keeps to follow a submission after it is sent: a receipt secret made
//! here, sent with the submission, and shown to no one. With the tracking number it opens
//! the submission's status, anonymous ones included.

use adal_core::receipt::ReceiptSecret;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A new secret: 32 random bytes from the browser's cryptographic generator.
pub fn new_secret() -> Option<ReceiptSecret> {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes)?;
    ReceiptSecret::parse(&URL_SAFE_NO_PAD.encode(bytes)).ok()
}

/// Fills `buf` from the browser's cryptographic generator (Web Crypto); `None` where
/// there is none. Receipt secrets, backup salts and the random bits of submission ids.
pub fn fill_random(buf: &mut [u8]) -> Option<()> {
    leptos::prelude::window().crypto().ok()?.get_random_values_with_u8_array(buf).ok()?;
    Some(())
}
