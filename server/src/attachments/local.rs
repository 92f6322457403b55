//! The default store: a directory on the server's own disk.
//!
//! ```text
//! <root>/parts/<id>/<n>        part n of an upload in progress
//! <root>/files/<id[0..2]>/<id> assembled files, spread over 256 subdirectories
//! ```
//!
//! Every file is written under a temporary name, fsynced, renamed into place, and its
//! directory fsynced: after a crash a part or file is either whole or absent.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use async_trait::async_trait;
use axum::body::Bytes;
use uuid::Uuid;

use super::{Assembled, AttachmentStore, Hashing, StoreError};

/// Attachments in a local directory.
#[derive(Debug, Clone)]
pub struct LocalDirectory {
    root: PathBuf,
}

impl LocalDirectory {
    /// Uses `root`, creating it if needed.
    pub fn open(root: &Path) -> io::Result<LocalDirectory> {
        fs::create_dir_all(root.join("parts"))?;
        fs::create_dir_all(root.join("files"))?;
        Ok(LocalDirectory { root: root.to_owned() })
    }

    fn parts_dir(&self, id: Uuid) -> PathBuf {
        self.root.join("parts").join(id.to_string())
    }

    fn file_path(&self, id: Uuid) -> PathBuf {
        let id = id.to_string();
        self.root.join("files").join(&id[..2]).join(id)
    }

    /// Runs blocking file work off the async threads.
    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(LocalDirectory) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(this)).await?
    }
}

#[async_trait]
impl AttachmentStore for LocalDirectory {
    async fn put_part(&self, id: Uuid, n: u32, bytes: Bytes) -> Result<(), StoreError> {
        self.blocking(move |this| {
            let dir = this.parts_dir(id);
            fs::create_dir_all(&dir)?;
            write_durably(&dir.join(n.to_string()), |file| file.write_all(&bytes))?;
            Ok(())
        })
        .await
    }

    async fn parts(&self, id: Uuid) -> Result<BTreeMap<u32, u64>, StoreError> {
        self.blocking(move |this| {
            let mut parts = BTreeMap::new();
            let entries = match fs::read_dir(this.parts_dir(id)) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(parts),
                Err(e) => return Err(e.into()),
            };
            for entry in entries {
                let entry = entry?;
                // Temporary files of writes in progress have a dot in their name.
                let Some(n) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                    continue;
                };
                parts.insert(n, entry.metadata()?.len());
            }
            Ok(parts)
        })
        .await
    }

    async fn assemble(&self, id: Uuid, count: u32) -> Result<Assembled, StoreError> {
        self.blocking(move |this| {
            let dir = this.parts_dir(id);
            let path = this.file_path(id);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let mut hashing = Hashing::default();
            let mut buffer = Vec::new();
            let written = write_durably(&path, |file| {
                for n in 0..count {
                    buffer.clear();
                    match File::open(dir.join(n.to_string())) {
                        Ok(mut part) => part.read_to_end(&mut buffer)?,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {
                            return Err(io::Error::other(MissingPart(n)));
                        }
                        Err(e) => return Err(e),
                    };
                    hashing.update(&buffer);
                    file.write_all(&buffer)?;
                }
                Ok(())
            });
            match written {
                Ok(()) => Ok(hashing.finish()),
                Err(e) => match e.get_ref().and_then(|inner| inner.downcast_ref::<MissingPart>()) {
                    Some(MissingPart(n)) => Err(StoreError::MissingPart(*n)),
                    None => Err(e.into()),
                },
            }
        })
        .await
    }

    async fn read(&self, id: Uuid) -> Result<Option<Bytes>, StoreError> {
        self.blocking(move |this| match fs::read(this.file_path(id)) {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn delete_parts(&self, id: Uuid) -> Result<(), StoreError> {
        self.blocking(move |this| match fs::remove_dir_all(this.parts_dir(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        })
        .await
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        self.blocking(move |this| match fs::remove_file(this.file_path(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        })
        .await
    }

    async fn expire_parts(&self, idle_since: SystemTime) -> Result<Vec<Uuid>, StoreError> {
        self.blocking(move |this| {
            let mut expired = Vec::new();
            for entry in fs::read_dir(this.root.join("parts"))? {
                let dir = entry?.path();
                let Some(id) = dir.file_name().and_then(|n| n.to_str()?.parse::<Uuid>().ok())
                else {
                    continue;
                };
                // Gone meanwhile (completed, or deleted by a concurrent request): skip it.
                let newest = match newest_write(&dir) {
                    Ok(newest) => newest,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e.into()),
                };
                if newest >= idle_since {
                    continue;
                }
                match fs::remove_dir_all(&dir) {
                    Ok(()) => expired.push(id),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(expired)
        })
        .await
    }

    fn describe(&self) -> String {
        "local directory".into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("part {0} is missing")]
struct MissingPart(u32);

/// When an upload's directory or any of its parts was last written.
fn newest_write(dir: &Path) -> io::Result<SystemTime> {
    let mut newest = fs::metadata(dir)?.modified()?;
    for part in fs::read_dir(dir)? {
        newest = newest.max(part?.metadata()?.modified()?);
    }
    Ok(newest)
}

/// Writes `path` whole or not at all: into a uniquely named temporary file beside it,
/// fsynced, renamed over `path`, and the directory fsynced so the rename itself survives
/// a crash. Concurrent writers of one path each use their own temporary file.
fn write_durably(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = path.with_file_name(format!("{name}.{}.tmp", Uuid::new_v4().simple()));
    let result = File::create(&temporary).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_directory_behaves_as_a_store() {
        let dir = tempfile::tempdir().unwrap();
        super::super::check_store(&LocalDirectory::open(dir.path()).unwrap()).await;
    }

    #[tokio::test]
    async fn a_failed_write_leaves_neither_the_file_nor_a_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let failed = write_durably(&path, |file| {
            file.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
