//! `meta`: small facts about the cached data, by name: the directory version the
//! device holds, the forms' ETag.

use serde::de::DeserializeOwned;

use super::{Result, get_in};

pub(super) const STORE: &str = "meta";

pub const DIRECTORY_VERSION: &str = "directory_version";
pub const FORMS_ETAG: &str = "forms_etag";

pub async fn get<T: DeserializeOwned>(name: &str) -> Result<Option<T>> {
    get_in(STORE, name).await
}
