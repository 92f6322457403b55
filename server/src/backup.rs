//! Backups an office can trust: `adal-server backup`, `restore` and `check`.
//!
//! A backup is one tar file:
//!
//! ```text
//! adal.sqlite3                         the database, as of one moment
//! attachments/files/<id[0..2]>/<id>    every attachment that database counts
//! manifest.json                        format, version, time, and each part's size and SHA-256
//! ```
//!
//! It is taken while the server runs and takes writes: `VACUUM INTO` copies the database
//! from one read snapshot (a WAL reader never blocks the writer, nor waits for it), and
//! the attachments are those the snapshot's `attachments` table counts. An attachment is
//! counted only once its file is durable and never changes after (see `attachments`), so
//! every file the snapshot names is on disk, whole. The file is written under a temporary
//! name, synced and renamed: a backup that exists is complete.
//!
//! A restore checks everything before anything is where the server would look: each part
//! against the manifest (size and SHA-256, nothing missing, nothing extra, no path outside
//! the three shapes above), then the restored database as [`check`] does, all in a
//! temporary directory beside the target that is renamed into place only at the end. A
//! damaged or truncated file is refused with what is wrong, and leaves nothing behind.
//!
//! Only attachments in the data directory are backed up. A server whose attachments are
//! in a bucket (`--attachments-url s3://…`) is not: `backup` and `check` refuse such a
//! URL with [`local_attachments_only`] rather than write a backup without its photos, and
//! the bucket is kept by the storage's own means (versioning, replication).

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::attachments::LOCAL_DIR;
use crate::db::FILE_NAME;

/// What the manifest says it is.
pub const FORMAT: &str = "adal-backup";
/// The version of the layout above; a restore refuses any other.
pub const VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";

/// The last entry of a backup: what every other entry must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Submissions in the database copied.
    pub submissions: u64,
    pub parts: Vec<Part>,
}

/// One entry of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub path: String,
    pub size: u64,
    /// 64 lowercase hex digits.
    pub sha256: String,
}

/// Refuses attachments kept anywhere but the data directory (`url` is the server's
/// `attachments-url`): a backup or a check reads the photos there only.
pub fn local_attachments_only(url: Option<&str>) -> anyhow::Result<()> {
    match url.map(str::trim).filter(|url| !url.is_empty()) {
        None => Ok(()),
        Some(url) => bail!(
            "attachments are kept in {url}, not in the data directory: `adal-server backup` \
             and `check` cover a data directory's own attachments only, so they would leave \
             out every photo. Back up the bucket with the storage's own versioning or \
             replication (see the README, Backups)"
        ),
    }
}

/// Writes a backup of the data directory `data_dir` to `to`; answers its manifest.
pub fn backup(data_dir: &Path, to: &Path) -> anyhow::Result<Manifest> {
    let database = data_dir.join(FILE_NAME);
    if !database.is_file() {
        bail!("no database at {}", database.display());
    }
    let partial = with_suffix(to, ".partial");
    let snapshot = with_suffix(to, ".sqlite3.partial");
    let _ = fs::remove_file(&snapshot);
    let written = (|| {
        // One read snapshot, copied page by page into a new, compact file.
        let conn = Connection::open_with_flags(&database, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let target = snapshot.to_str().context("a backup path that is UTF-8")?;
        conn.execute("VACUUM INTO ?1", [target]).context("copying the database")?;
        drop(conn);
        let (submissions, attachments) = counted(&snapshot)?;

        let mut tar = tar::Builder::new(BufWriter::with_capacity(1 << 20, File::create(&partial)?));
        let mut parts = vec![append(&mut tar, FILE_NAME, &snapshot)?];
        for (id, sha256) in attachments {
            let path = attachment_path(id);
            let part = append(&mut tar, &path, &data_dir.join(&path)).with_context(|| {
                format!(
                    "attachment {id}, counted by the database, in the data directory's \
                     {LOCAL_DIR}/ (a backup does not read a bucket's attachments)"
                )
            })?;
            if part.sha256 != sha256 {
                bail!(
                    "attachment {id} on disk does not match its SHA-256: run `adal-server check`"
                );
            }
            parts.push(part);
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: OffsetDateTime::now_utc(),
            submissions,
            parts,
        };
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o600);
        header.set_mtime(manifest.created_at.unix_timestamp().max(0) as u64);
        tar.append_data(&mut header, MANIFEST, json.as_slice())?;
        let file = tar.into_inner()?.into_inner().map_err(io::Error::from)?;
        file.sync_all()?;
        Ok::<_, anyhow::Error>(manifest)
    })();
    let _ = fs::remove_file(&snapshot);
    match written {
        Ok(manifest) => {
            fs::rename(&partial, to)
                .with_context(|| format!("moving the backup to {}", to.display()))?;
            sync_parent(to)?;
            Ok(manifest)
        }
        Err(error) => {
            let _ = fs::remove_file(&partial);
            Err(error)
        }
    }
}

/// Restores the backup `file` into `data_dir`, which must not exist or be empty; answers
/// the manifest. Nothing is left at `data_dir` unless the whole backup checked out.
pub fn restore(file: &Path, data_dir: &Path) -> anyhow::Result<Manifest> {
    if data_dir.exists() && fs::read_dir(data_dir)?.next().is_some() {
        bail!("{} is not empty: restore into a new directory", data_dir.display());
    }
    let staging = with_suffix(data_dir, &format!(".restoring-{}", Uuid::new_v4().simple()));
    let restored = unpack(file, &staging).and_then(|manifest| {
        // Every file was hashed as it was unpacked and matched the manifest: the
        // attachments are held to those sums rather than read a second time.
        let hashes: HashMap<String, String> =
            manifest.parts.iter().map(|p| (p.path.clone(), p.sha256.clone())).collect();
        let problems = check_with(&staging, Some(&hashes))?;
        if !problems.is_empty() {
            bail!("the restored data does not check out:\n  {}", problems.join("\n  "));
        }
        // Durable before it is where the server looks: one flush of the file system
        // rather than an fsync per file.
        nix::unistd::syncfs(File::open(&staging)?)
            .map_err(|e| anyhow!("flushing {} to disk: {e}", staging.display()))?;
        Ok(manifest)
    });
    let manifest = match restored {
        Ok(manifest) => manifest,
        Err(error) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    if data_dir.exists() {
        fs::remove_dir(data_dir)?;
    }
    fs::rename(&staging, data_dir)?;
    sync_parent(data_dir)?;
    Ok(manifest)
}

/// Verifies a data directory: SQLite's `integrity_check` and `foreign_key_check`, and
/// every counted attachment's file against its size and SHA-256. Answers what is wrong,
/// one plain sentence each; empty when all is well.
pub fn check(data_dir: &Path) -> anyhow::Result<Vec<String>> {
    check_with(data_dir, None)
}

/// [`check`], with the SHA-256 of each file already known (by its path in the data
/// directory) instead of read from disk.
fn check_with(
    data_dir: &Path,
    known: Option<&HashMap<String, String>>,
) -> anyhow::Result<Vec<String>> {
    let database = data_dir.join(FILE_NAME);
    if !database.is_file() {
        bail!("no database at {}", database.display());
    }
    let conn = Connection::open_with_flags(&database, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let mut problems = Vec::new();
    let mut integrity = conn.prepare("PRAGMA integrity_check")?;
    for line in integrity.query_map([], |row| row.get::<_, String>(0))? {
        let line = line?;
        if line != "ok" {
            problems.push(format!("database: {line}"));
        }
    }
    let mut foreign = conn.prepare("PRAGMA foreign_key_check")?;
    let broken = foreign.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?, row.get::<_, String>(2)?))
    })?;
    for row in broken {
        let (table, rowid, parent) = row?;
        let rowid = rowid.map_or_else(|| "a row".into(), |r| format!("row {r}"));
        problems.push(format!("database: {rowid} of {table} refers to a missing {parent}"));
    }
    let (_, attachments) = counted(&database)?;
    for (id, sha256) in attachments {
        let relative = attachment_path(id);
        let hashed = match known {
            Some(known) => known
                .get(&relative)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound)),
            None => hash_file(&data_dir.join(&relative)).map(|(_, sha)| sha),
        };
        match hashed {
            Ok(actual) if actual == sha256 => {}
            Ok(_) => problems.push(format!("attachment {id}: its file does not match its SHA-256")),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                problems.push(format!("attachment {id}: its file is missing"));
            }
            Err(error) => problems.push(format!("attachment {id}: cannot be read ({error})")),
        }
    }
    Ok(problems)
}

/// The submissions a database holds, and the (id, SHA-256) of every attachment it counts.
fn counted(database: &Path) -> anyhow::Result<(u64, Vec<(Uuid, String)>)> {
    let conn = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let submissions: u64 = conn.query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))?;
    let mut statement = conn.prepare("SELECT id, sha256 FROM attachments ORDER BY id")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
    let mut attachments = Vec::new();
    for row in rows {
        let (id, sha256) = row?;
        let id = id.parse().map_err(|_| anyhow!("attachment id {id:?} is not a UUID"))?;
        attachments.push((id, sha256));
    }
    Ok((submissions, attachments))
}

/// Where the local store keeps attachment `id`, relative to the data directory.
fn attachment_path(id: Uuid) -> String {
    let id = id.to_string();
    format!("{LOCAL_DIR}/files/{}/{id}", &id[..2])
}

/// Whether `path` is a place a backup may put a file: the database, or an attachment
/// where the local store keeps it (so no entry can reach outside the data directory).
fn is_allowed(path: &str) -> bool {
    if path == FILE_NAME {
        return true;
    }
    let Some(rest) = path.strip_prefix(&format!("{LOCAL_DIR}/files/")) else { return false };
    match rest.split_once('/') {
        Some((shard, id)) => {
            id.parse::<Uuid>().is_ok_and(|u| u.to_string() == id && id[..2] == *shard)
        }
        None => false,
    }
}

/// Adds the file at `source` to the archive as `path`, hashing it on the way.
fn append(tar: &mut tar::Builder<impl Write>, path: &str, source: &Path) -> anyhow::Result<Part> {
    let file = File::open(source)?;
    let size = file.metadata()?.len();
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    // Read once: hashed on its way into the archive.
    let mut hasher = Sha256::new();
    let mut reading = HashReader {
        inner: BufReader::with_capacity(256 * 1024, file),
        hasher: &mut hasher,
        read: 0,
    };
    tar.append_data(&mut header, path, &mut reading)?;
    if reading.read != size {
        bail!("{path} changed size while it was copied");
    }
    Ok(Part { path: path.to_owned(), size, sha256: hex::encode(hasher.finalize()) })
}

/// Hashes what passes through it.
struct HashReader<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
    read: u64,
}

impl<R: Read> Read for HashReader<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

fn hash_file(path: &Path) -> io::Result<(u64, String)> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut hasher = Sha256::new();
    let size = io::copy(&mut reader, &mut HashWriter(&mut hasher))?;
    Ok((size, hex::encode(hasher.finalize())))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Unpacks every entry into `staging` and holds them to the manifest.
fn unpack(file: &Path, staging: &Path) -> anyhow::Result<Manifest> {
    let damaged = |what: String| anyhow!("{}: {what}", file.display());
    let archive = File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let mut archive = tar::Archive::new(BufReader::new(archive));
    fs::create_dir_all(staging)?;
    let mut found: Vec<Part> = Vec::new();
    let mut manifest: Option<Manifest> = None;
    let entries =
        archive.entries().map_err(|e| damaged(format!("not a backup file, or truncated ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| damaged(format!("truncated or damaged ({e})")))?;
        let path = entry.path().map_err(|e| damaged(e.to_string()))?;
        let path = path.to_str().map(str::to_owned).unwrap_or_default();
        if manifest.is_some() {
            return Err(damaged(format!("an entry after the manifest: {path:?}")));
        }
        if path == MANIFEST {
            let mut json = Vec::new();
            entry.read_to_end(&mut json).map_err(|e| damaged(format!("truncated ({e})")))?;
            let read: Manifest = serde_json::from_slice(&json)
                .map_err(|e| damaged(format!("the manifest is damaged ({e})")))?;
            if read.format != FORMAT || read.version != VERSION {
                return Err(damaged(format!(
                    "a backup of format {} version {}; this server reads {FORMAT} version {VERSION}",
                    read.format, read.version
                )));
            }
            manifest = Some(read);
            continue;
        }
        if !is_allowed(&path) {
            return Err(damaged(format!("an entry that is no part of a backup: {path:?}")));
        }
        let target = staging.join(&path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut out = File::create(&target)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut buffer).map_err(|e| damaged(format!("truncated ({e})")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n])?;
            size += n as u64;
        }
        found.push(Part { path, size, sha256: hex::encode(hasher.finalize()) });
    }
    let Some(manifest) = manifest else {
        return Err(damaged("truncated: it ends before its manifest".into()));
    };
    let listed: HashMap<&str, &Part> =
        manifest.parts.iter().map(|p| (p.path.as_str(), p)).collect();
    let unpacked: HashMap<&str, &Part> = found.iter().map(|p| (p.path.as_str(), p)).collect();
    for part in &manifest.parts {
        match unpacked.get(part.path.as_str()) {
            None => return Err(damaged(format!("{} is missing", part.path))),
            Some(f) if *f != part => {
                return Err(damaged(format!("{} does not match its SHA-256", part.path)));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found.iter().find(|f| !listed.contains_key(f.path.as_str())) {
        return Err(damaged(format!("{} is not in the manifest", extra.path)));
    }
    if !unpacked.contains_key(FILE_NAME) {
        return Err(damaged("it holds no database".into()));
    }
    // The local store's working directories, as a fresh server would make them.
    fs::create_dir_all(staging.join(LOCAL_DIR).join("parts"))?;
    fs::create_dir_all(staging.join(LOCAL_DIR).join("files"))?;
    Ok(manifest)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes a rename in `path`'s directory durable.
fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(parent)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_database_and_attachments_where_the_store_keeps_them_may_be_restored() {
        let id = Uuid::new_v4();
        assert!(is_allowed(FILE_NAME));
        assert!(is_allowed(&attachment_path(id)));
        for path in [
            "../adal.sqlite3",
            "/etc/passwd",
            "attachments/files/../../x",
            "attachments/parts/x/0",
            &format!("attachments/files/zz/{id}"),
            &format!("attachments/files/{}/{}", &id.to_string()[..2], id.simple()),
            "manifest.json.bak",
        ] {
            assert!(!is_allowed(path), "{path}");
        }
    }
}
