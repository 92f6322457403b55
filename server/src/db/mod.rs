//! The SQLite database: opening, migrating, and running queries off the async threads.
//!
//! Architecture invariant: every SQL statement of the server lives under `db/`.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod channel;
pub mod clock;
pub mod directory;
pub mod events;
pub mod inbox;
pub mod mediation;
pub mod open311;
pub mod reports;
pub mod requests;
pub mod sessions;
pub mod staff;
pub mod submissions;
pub mod tasks;
pub mod triage;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

/// The database file inside the data directory.
pub const FILE_NAME: &str = "adal.sqlite3";

/// The name of each migration, in the order of [`migrations`]: what `adal-server migrate
/// --dry-run` lists.
pub const MIGRATION_NAMES: [&str; 11] = [
    "0001_foundation",
    "0002_directory",
    "0003_attachments_receipts",
    "0004_staff",
    "0005_staff_read_indexes",
    "0006_triage",
    "0007_mediation_reports",
    "0008_anonymous_series",
    "0009_open311",
    "0010_channel",
    "0011_identity_requisites",
];

/// Append-only: a released migration is never edited, a change is a new entry (and a
/// name in [`MIGRATION_NAMES`]). They run forward at start-up, in a transaction.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_foundation.sql")),
        M::up(include_str!("migrations/0002_directory.sql")),
        M::up(include_str!("migrations/0003_attachments_receipts.sql")),
        M::up(include_str!("migrations/0004_staff.sql")),
        // Only creates indexes `IF NOT EXISTS`: harmless to run again.
        M::up(include_str!("migrations/0005_staff_read_indexes.sql")),
        // The hook classifies what was stored before (conflict flag, institution key).
        M::up_with_hook(include_str!("migrations/0006_triage.sql"), triage::classify_stored),
        M::up(include_str!("migrations/0007_mediation_reports.sql")),
        M::up(include_str!("migrations/0008_anonymous_series.sql")),
        M::up(include_str!("migrations/0009_open311.sql")),
        M::up(include_str!("migrations/0010_channel.sql")),
        M::up(include_str!("migrations/0011_identity_requisites.sql")),
    ])
}

/// Why a database operation failed. Never shown to clients: it becomes a bare 500.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A stored row that does not read back, e.g. an unparsable timestamp.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("no database at {0}")]
    Missing(PathBuf),
    /// Written by a later release: migrating it back is not possible, and running on it
    /// would misread it.
    #[error(
        "the database was written by a newer Adal (schema {found}; this adal-server knows \
         up to {known}): run the newer adal-server, or restore a backup this one made"
    )]
    NewerSchema { found: usize, known: usize },
    /// The writer thread is gone (it panicked): nothing more can be stored.
    #[error("the writer thread is gone")]
    WriterGone,
    /// The commit of a whole group failed: none of it is stored.
    #[error("group commit failed: {0}")]
    GroupFailed(String),
}

/// The one writer connection, shared by all requests, and a few read-only connections.
///
/// A single connection behind a mutex serialises every write, which is exactly what
/// tracking-number allocation needs, and SQLite allows only one writer anyway. Long reads
/// (staff lists, the CSV export) use their own read-only connections instead: in WAL mode
/// they read a consistent snapshot without ever holding up a submission.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
}

/// Idle read-only connections, reused so that a read does not pay for opening one.
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Idle read connections kept open; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

impl Db {
    /// Opens (creating the directory and file if needed) and migrates the database.
    pub fn open(data_dir: &Path) -> Result<Db, DbError> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(FILE_NAME);
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        refuse_newer(&conn)?;
        migrations().to_latest(&mut conn)?;
        let readers = Readers { path, idle: Mutex::new(Vec::new()) };
        Ok(Db { conn: Arc::new(Mutex::new(conn)), readers: Arc::new(readers) })
    }

    /// Starts the group-commit writer (see [`writer`]) on this database's writer
    /// connection.
    pub fn start_writer(
        &self,
        metrics: crate::metrics::Metrics,
    ) -> Result<writer::Writer, DbError> {
        writer::Writer::start(Arc::clone(&self.conn), self.readers.path.clone(), metrics)
    }

    /// Runs `f` with a read-only connection on the blocking thread pool. It never waits
    /// for the writer, and sees the database as of the moment its first query runs.
    pub async fn read<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, DbError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let conn = readers.take()?;
            let result = f(&conn);
            readers.give_back(conn);
            result
        })
        .await?
    }

    /// Opens a database that must already exist, for tools such as `export` where a
    /// mistyped directory should be an error rather than a fresh empty database.
    pub fn open_existing(data_dir: &Path) -> Result<Db, DbError> {
        let path = data_dir.join(FILE_NAME);
        if !path.is_file() {
            return Err(DbError::Missing(path));
        }
        Db::open(data_dir)
    }

    /// Runs `f` with the connection on the blocking thread pool, so that disk waits
    /// (`synchronous = FULL` fsyncs on every commit) never stall the async workers.
    pub async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, DbError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || f(&mut lock(&conn))).await?
    }

    /// The blocking twin of [`Db::call`], for command-line tools without a runtime.
    pub fn call_blocking<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, DbError>,
    ) -> Result<R, DbError> {
        f(&mut lock(&self.conn))
    }
}

impl Readers {
    fn take(&self) -> Result<Connection, DbError> {
        if let Some(conn) = lock(&self.idle).pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = lock(&self.idle);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// How many migrations the database at `conn` has had (SQLite's `user_version`).
fn schema_version(conn: &Connection) -> Result<usize, DbError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// [`DbError::NewerSchema`] if a later release wrote the database.
fn refuse_newer(conn: &Connection) -> Result<(), DbError> {
    let found = schema_version(conn)?;
    if found > MIGRATION_NAMES.len() {
        return Err(DbError::NewerSchema { found, known: MIGRATION_NAMES.len() });
    }
    Ok(())
}

/// The migrations that opening the database in `data_dir` would run, by name, without
/// running them (all of them where there is no database yet); refuses a newer database.
pub fn pending_migrations(data_dir: &Path) -> Result<Vec<&'static str>, DbError> {
    let path = data_dir.join(FILE_NAME);
    if !path.is_file() {
        return Ok(MIGRATION_NAMES.to_vec());
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    refuse_newer(&conn)?;
    Ok(MIGRATION_NAMES[schema_version(&conn)?..].to_vec())
}

/// A trivial query, to tell that the database answers.
pub fn ping(conn: &Connection) -> Result<(), DbError> {
    conn.query_row("SELECT 1", [], |row| row.get::<_, i64>(0))?;
    Ok(())
}

/// A panic while holding the lock leaves no half-done write behind (an open transaction
/// rolls back when dropped), so a poisoned mutex is safe to keep using.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection) -> Result<(), DbError> {
    // WAL lets `export` and health checks read while a submission is being written.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(DbError::Corrupt(format!("journal_mode is {mode}, not wal")));
    }
    // A receipt promises the submission is stored: it must be on disk before we answer.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // This is the writer connection: room for every statement of the write path (see
    // `submissions::store_one`) and the staff writes besides, each compiled once. (A
    // larger page cache than SQLite's 2 MiB was measured too: it made no difference to
    // ingest, and it tripled the resident memory under load.)
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn every_migration_has_its_name_and_a_fresh_database_has_had_them_all() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(pending_migrations(dir.path()).unwrap(), MIGRATION_NAMES);
        Db::open(dir.path()).unwrap();
        assert_eq!(pending_migrations(dir.path()).unwrap(), Vec::<&str>::new());
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), MIGRATION_NAMES.len());
        // A database two releases behind would run the last two.
        conn.pragma_update(None, "user_version", MIGRATION_NAMES.len() - 2).unwrap();
        assert_eq!(
            pending_migrations(dir.path()).unwrap(),
            MIGRATION_NAMES[MIGRATION_NAMES.len() - 2..]
        );
    }

    #[test]
    fn a_database_written_by_a_newer_release_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        Db::open(dir.path()).unwrap();
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.pragma_update(None, "user_version", MIGRATION_NAMES.len() + 1).unwrap();
        drop(conn);
        let Err(error) = Db::open(dir.path()) else { panic!("a newer database was opened") };
        let message = error.to_string();
        assert!(message.contains("written by a newer Adal"), "{message}");
        assert!(message.contains("restore a backup"), "{message}");
        assert!(pending_migrations(dir.path()).is_err());
    }

    #[test]
    fn opening_creates_the_directory_and_is_repeatable() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested").join("data");
        Db::open(&data).unwrap();
        assert!(data.join(FILE_NAME).is_file());
        Db::open(&data).unwrap();
    }

    #[test]
    fn open_existing_refuses_a_directory_without_a_database() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(Db::open_existing(dir.path()), Err(DbError::Missing(_))));
    }
}
