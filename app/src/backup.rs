//! Backup files: the unsent items as JSON, optionally sealed with a passphrase
//! (PBKDF2-SHA-256 → AES-256-GCM, by the browser's WebCrypto), saved and loaded by the
//! person. Reading and writing the device store is `store::backup`'s job.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, Pbkdf2Params};

use crate::store::backup::{Backup, FORMAT, VERSION};

/// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
const PBKDF2_ITERATIONS: u32 = 600_000;
const ENCRYPTED_FORMAT: &str = "adal-backup-encrypted";

/// Why a file could not be read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error("not an Adal backup file")]
    NotABackup,
    #[error("the file is sealed with a passphrase")]
    PassphraseNeeded,
    #[error("wrong passphrase, or the file was changed")]
    WrongPassphrase,
    #[error("the browser's cryptography failed")]
    Crypto,
}

/// The sealed envelope. Everything needed to open it, except the passphrase, is inside.
#[derive(Serialize, Deserialize)]
struct Sealed {
    format: String,
    version: u32,
    kdf: String,
    iterations: u32,
    salt: String,
    cipher: String,
    iv: String,
    data: String,
}

/// The file's text: plain JSON, or sealed when a passphrase is given.
pub async fn seal(backup: &Backup, passphrase: Option<&str>) -> Result<String, BackupError> {
    let json = to_json(backup)?;
    let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
        return Ok(json);
    };
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 12];
    random(&mut salt)?;
    random(&mut iv)?;
    let key = derive_key(passphrase, &salt, PBKDF2_ITERATIONS).await?;
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&iv[..]));
    let promise = subtle()?
        .encrypt_with_object_and_u8_array(&params, &key, json.as_bytes())
        .map_err(|_| BackupError::Crypto)?;
    let sealed = JsFuture::from(promise).await.map_err(|_| BackupError::Crypto)?;
    let envelope = Sealed {
        format: ENCRYPTED_FORMAT.into(),
        version: VERSION,
        kdf: "PBKDF2-SHA-256".into(),
        iterations: PBKDF2_ITERATIONS,
        salt: B64.encode(salt),
        cipher: "AES-256-GCM".into(),
        iv: B64.encode(iv),
        data: B64.encode(Uint8Array::new(&sealed).to_vec()),
    };
    to_json(&envelope)
}

/// Reads a file's text back into a backup, opening it with `passphrase` if sealed.
pub async fn open(text: &str, passphrase: Option<&str>) -> Result<Backup, BackupError> {
    let value = js_sys::JSON::parse(text).map_err(|_| BackupError::NotABackup)?;
    let format = js_sys::Reflect::get(&value, &"format".into()).ok().and_then(|f| f.as_string());
    match format.as_deref() {
        Some(FORMAT) => from_js(value),
        Some(ENCRYPTED_FORMAT) => {
            let envelope: Sealed = from_js(value)?;
            let passphrase =
                passphrase.filter(|p| !p.is_empty()).ok_or(BackupError::PassphraseNeeded)?;
            let decode = |s: &str| B64.decode(s).map_err(|_| BackupError::NotABackup);
            let (salt, iv, data) =
                (decode(&envelope.salt)?, decode(&envelope.iv)?, decode(&envelope.data)?);
            let key = derive_key(passphrase, &salt, envelope.iterations).await?;
            let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(&iv[..]));
            let promise = subtle()?
                .decrypt_with_object_and_u8_array(&params, &key, &data)
                .map_err(|_| BackupError::Crypto)?;
            // AES-GCM authenticates: a wrong passphrase or a changed byte fails here.
            let plain = JsFuture::from(promise).await.map_err(|_| BackupError::WrongPassphrase)?;
            let plain = String::from_utf8(Uint8Array::new(&plain).to_vec())
                .map_err(|_| BackupError::NotABackup)?;
            from_js(js_sys::JSON::parse(&plain).map_err(|_| BackupError::NotABackup)?)
        }
        _ => Err(BackupError::NotABackup),
    }
}

// JSON goes through the browser's `JSON` and the same `serde-wasm-bindgen` code that
// reads and writes these items in IndexedDB, so the wasm carries one (de)serialiser of
// each type, not a second one from `serde_json`.

fn to_json(value: &impl Serialize) -> Result<String, BackupError> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| BackupError::Crypto)?;
    js_sys::JSON::stringify(&value).map(String::from).map_err(|_| BackupError::Crypto)
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, BackupError> {
    serde_wasm_bindgen::from_value(value).map_err(|_| BackupError::NotABackup)
}

async fn derive_key(
    passphrase: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<CryptoKey, BackupError> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(passphrase.as_bytes());
    let usages = Array::of1(&"deriveKey".into());
    let material = subtle
        .import_key_with_str("raw", &raw, "PBKDF2", false, &usages)
        .map_err(|_| BackupError::Crypto)?;
    let material: CryptoKey =
        JsFuture::from(material).await.map_err(|_| BackupError::Crypto)?.unchecked_into();
    let params =
        Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt));
    let aes = AesKeyGenParams::new("AES-GCM", 256);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = subtle
        .derive_key_with_object_and_object(&params, &material, &aes, false, &usages)
        .map_err(|_| BackupError::Crypto)?;
    Ok(JsFuture::from(key).await.map_err(|_| BackupError::Crypto)?.unchecked_into())
}

fn subtle() -> Result<web_sys::SubtleCrypto, BackupError> {
    Ok(leptos::prelude::window().crypto().map_err(|_| BackupError::Crypto)?.subtle())
}

fn random(buf: &mut [u8]) -> Result<(), BackupError> {
    crate::receipts::fill_random(buf).ok_or(BackupError::Crypto)
}

/// Offers `text` to the person as a file download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = leptos::prelude::document();
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)
}
