//! Where the photos ended up, read back to be hashed again: the server's attachment
//! directory, or an S3 bucket (read with the same object-store client the server's `s3`
//! feature writes with, configured from the same `AWS_*` variables).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use object_store::ObjectStore;
use object_store::ObjectStoreExt;
use object_store::path::Path as Key;
use uuid::Uuid;

use crate::photos;

/// The size and SHA-256 (hex) of each stored photo found, by id.
pub type Fingerprints = HashMap<Uuid, (u64, String)>;

/// The store the servers put assembled photos in.
pub enum Photos {
    /// `<data>/attachments/files/<id[0..2]>/<id>` (the server's default).
    Dir(PathBuf),
    /// `<prefix>/files/<id>` in a bucket.
    Bucket { store: Arc<dyn ObjectStore>, prefix: Key },
}

impl Photos {
    /// The store for the servers' `--attachments-url` (`s3://bucket/prefix`), or their
    /// data directory's when there is none.
    pub fn new(data: &Path, attachments_url: Option<&str>) -> anyhow::Result<Photos> {
        let Some(url) = attachments_url else { return Ok(Photos::Dir(data.to_owned())) };
        let rest = url.strip_prefix("s3://").context("attachments URL is not s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .context("configuring the S3 client from AWS_* variables")?;
        let prefix = Key::parse(prefix).context("attachments URL prefix")?;
        Ok(Photos::Bucket { store: Arc::new(store), prefix })
    }

    /// Reads each of `ids` that is stored and fingerprints it; absent ones are left out.
    pub async fn fingerprints(
        &self,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> anyhow::Result<Fingerprints> {
        let mut found = Fingerprints::new();
        for id in ids {
            let bytes = match self {
                Photos::Dir(data) => std::fs::read(file_in(data, id)).ok(),
                Photos::Bucket { store, prefix } => {
                    let key = prefix.clone().join("files").join(id.to_string());
                    match store.get(&key).await {
                        Ok(object) => Some(object.bytes().await?.to_vec()),
                        Err(object_store::Error::NotFound { .. }) => None,
                        Err(e) => return Err(e).context("reading a photo from the bucket"),
                    }
                }
            };
            if let Some(bytes) = bytes {
                found.insert(id, (bytes.len() as u64, photos::sha256_hex(&bytes)));
            }
        }
        Ok(found)
    }
}

/// Where the server's default (local directory) store keeps the assembled file of
/// attachment `id`: `<data>/attachments/files/<id[0..2]>/<id>`.
pub fn file_in(data: &Path, id: Uuid) -> PathBuf {
    let id = id.to_string();
    data.join("attachments").join("files").join(&id[..2]).join(id)
}
