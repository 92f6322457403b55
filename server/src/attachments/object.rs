//! Attachments in an object store (S3 or compatible), for deployments that outgrow one
//! machine. Built only with the `s3` feature.
//!
//! ```text
//! <prefix>/parts/<id>/<n>   part n of an upload in progress
//! <prefix>/files/<id>       assembled files
//! ```
//!
//! An object store's `put` is atomic and durable when it returns, which is what the
//! trait promises. A file is assembled in memory from its parts (at most
//! `MAX_FILE_BYTES`, without copying them) and written with one `put`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;
use async_trait::async_trait;
use axum::body::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayloadMut};
use uuid::Uuid;

use super::{Assembled, AttachmentStore, Hashing, StoreError};

/// Attachments in any [`ObjectStore`], under a prefix.
#[derive(Debug, Clone)]
pub struct ObjectStoreAttachments {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    label: String,
}

impl ObjectStoreAttachments {
    /// Wraps `store`, keeping every object under `prefix`.
    pub fn new(store: Arc<dyn ObjectStore>, prefix: &str, label: String) -> anyhow::Result<Self> {
        let prefix = Path::parse(prefix).context("attachments URL prefix")?;
        Ok(ObjectStoreAttachments { store, prefix, label })
    }

    /// An S3 bucket, configured from the `AWS_*` environment variables (credentials,
    /// `AWS_REGION`, `AWS_ENDPOINT` for S3-compatible services, `AWS_ALLOW_HTTP`).
    pub fn s3(bucket: &str, prefix: &str) -> anyhow::Result<Self> {
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .context("configuring the S3 attachment store")?;
        let label = format!("s3://{bucket}/{prefix}");
        ObjectStoreAttachments::new(Arc::new(store), prefix, label)
    }

    fn parts_dir(&self, id: Uuid) -> Path {
        self.prefix.clone().join("parts").join(id.to_string())
    }

    fn part_path(&self, id: Uuid, n: u32) -> Path {
        self.parts_dir(id).join(n.to_string())
    }

    fn file_path(&self, id: Uuid) -> Path {
        self.prefix.clone().join("files").join(id.to_string())
    }
}

#[async_trait]
impl AttachmentStore for ObjectStoreAttachments {
    async fn put_part(&self, id: Uuid, n: u32, bytes: Bytes) -> Result<(), StoreError> {
        self.store.put(&self.part_path(id, n), bytes.into()).await?;
        Ok(())
    }

    async fn parts(&self, id: Uuid) -> Result<BTreeMap<u32, u64>, StoreError> {
        let listed = self.store.list_with_delimiter(Some(&self.parts_dir(id))).await?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|meta| {
                let n = meta.location.filename()?.parse().ok()?;
                Some((n, meta.size))
            })
            .collect())
    }

    async fn assemble(&self, id: Uuid, count: u32) -> Result<Assembled, StoreError> {
        let mut hashing = Hashing::default();
        let mut payload = PutPayloadMut::new();
        for n in 0..count {
            let part = match self.store.get(&self.part_path(id, n)).await {
                Ok(part) => part.bytes().await?,
                Err(object_store::Error::NotFound { .. }) => {
                    return Err(StoreError::MissingPart(n));
                }
                Err(e) => return Err(e.into()),
            };
            hashing.update(&part);
            payload.push(part);
        }
        self.store.put(&self.file_path(id), payload.freeze()).await?;
        Ok(hashing.finish())
    }

    async fn read(&self, id: Uuid) -> Result<Option<Bytes>, StoreError> {
        match self.store.get(&self.file_path(id)).await {
            Ok(file) => Ok(Some(file.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete_parts(&self, id: Uuid) -> Result<(), StoreError> {
        for n in self.parts(id).await?.into_keys() {
            match self.store.delete(&self.part_path(id, n)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        match self.store.delete(&self.file_path(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn expire_parts(&self, idle_since: SystemTime) -> Result<Vec<Uuid>, StoreError> {
        let root = self.prefix.clone().join("parts");
        let objects: Vec<_> = self.store.list(Some(&root)).try_collect().await?;
        let mut newest: BTreeMap<Uuid, SystemTime> = BTreeMap::new();
        for meta in objects {
            let id = meta
                .location
                .prefix_match(&root)
                .and_then(|mut parts| parts.next())
                .and_then(|part| part.as_ref().parse::<Uuid>().ok());
            let Some(id) = id else {
                continue;
            };
            let written = SystemTime::from(meta.last_modified);
            let entry = newest.entry(id).or_insert(written);
            *entry = (*entry).max(written);
        }
        let mut expired = Vec::new();
        for (id, written) in newest {
            if written < idle_since {
                self.delete_parts(id).await?;
                expired.push(id);
            }
        }
        Ok(expired)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

#[cfg(test)]
mod tests {
    use object_store::local::LocalFileSystem;
    use object_store::memory::InMemory;

    use super::*;

    #[tokio::test]
    async fn an_in_memory_object_store_behaves_as_a_store() {
        let store =
            ObjectStoreAttachments::new(Arc::new(InMemory::new()), "adal/photos", "memory".into())
                .unwrap();
        super::super::check_store(&store).await;
    }

    #[tokio::test]
    async fn a_local_file_system_object_store_behaves_as_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let fs = LocalFileSystem::new_with_prefix(dir.path()).unwrap();
        let store = ObjectStoreAttachments::new(Arc::new(fs), "", "file system".into()).unwrap();
        super::super::check_store(&store).await;
    }

    /// A new, empty bucket on the S3-compatible server that `ADAL_TEST_S3_ENDPOINT` names
    /// (`scripts/test` starts moto there). A build with the `s3` feature is tested against
    /// a real server: without one the test fails and says so, it is never skipped.
    async fn a_fresh_bucket() -> (String, String) {
        let endpoint = std::env::var("ADAL_TEST_S3_ENDPOINT").expect(
            "ADAL_TEST_S3_ENDPOINT names the S3-compatible server the s3 tests run against \
             (scripts/test starts one: moto_server on a free port)",
        );
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        let bucket = format!("adal-test-{}", Uuid::new_v4().simple());
        let created = reqwest::Client::new()
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .expect("the S3 server answers");
        assert!(created.status().is_success(), "creating a bucket: {}", created.status());
        (endpoint, bucket)
    }

    #[tokio::test]
    async fn a_real_s3_server_behaves_as_a_store() {
        let (endpoint, bucket) = a_fresh_bucket().await;
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("adal-test")
            .with_secret_access_key("adal-test")
            .with_bucket_name(&bucket)
            .build()
            .unwrap();
        let label = format!("s3://{bucket}/photos");
        let store = ObjectStoreAttachments::new(Arc::new(s3), "photos", label).unwrap();
        super::super::check_store(&store).await;
    }

    #[test]
    fn an_s3_url_configures_a_bucket_and_prefix_without_network() {
        let store = super::super::open(std::path::Path::new("."), Some("s3://adal-bucket/photos/"))
            .unwrap();
        assert_eq!(store.describe(), "s3://adal-bucket/photos");
    }
}
