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
pub mod sql;
pub mod staff;
pub mod submissions;
pub mod tasks;
pub mod triage;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use sql::{Conn, Dialect};

/// The database file inside the data directory.
pub const FILE_NAME: &str = "adal.sqlite3";

/// The name of each migration, in the order of [`MIGRATIONS`]: what `adal-server migrate
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

/// One step of the schema, for each engine (`migrations/` and `migrations/postgres/`,
/// under the same name), and what to run after it in its transaction.
struct Migration {
    sqlite: &'static str,
    postgres: &'static str,
    hook: Option<Hook>,
}

/// What a migration runs after its SQL, in its transaction.
type Hook = fn(&Conn) -> Result<(), DbError>;

macro_rules! migration {
    ($name:literal) => {
        migration!($name, None)
    };
    ($name:literal, $hook:expr) => {
        Migration {
            sqlite: include_str!(concat!("migrations/", $name, ".sql")),
            postgres: include_str!(concat!("migrations/postgres/", $name, ".sql")),
            hook: $hook,
        }
    };
}

/// Append-only: a released migration is never edited, a change is a new entry (and a
/// name in [`MIGRATION_NAMES`]). They run forward at start-up, each in a transaction.
const MIGRATIONS: [Migration; 11] = [
    migration!("0001_foundation"),
    migration!("0002_directory"),
    migration!("0003_attachments_receipts"),
    migration!("0004_staff"),
    // Only creates indexes `IF NOT EXISTS`: harmless to run again.
    migration!("0005_staff_read_indexes"),
    // The hook classifies what was stored before (conflict flag, institution key).
    migration!("0006_triage", Some(triage::classify_stored)),
    migration!("0007_mediation_reports"),
    migration!("0008_anonymous_series"),
    migration!("0009_open311"),
    migration!("0010_channel"),
    migration!("0011_identity_requisites"),
];

/// Why a database operation failed. Never shown to clients: it becomes a bare 500.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {}", postgres_detail(.0))]
    Postgres(#[from] postgres::Error),
    #[error("migration {name}: {error}")]
    Migration { name: &'static str, error: Box<DbError> },
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
    /// A query that had to find a row found none.
    #[error("no row where one was due")]
    NoRows,
    /// What only an SQLite data directory has, asked of a PostgreSQL database.
    #[error("{0}")]
    NotOnPostgres(&'static str),
}

impl DbError {
    /// Whether a unique key refused a row: another server (or request) stored the same
    /// key first, and a second try reads what it stored.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(error, _)) => matches!(
                error.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            DbError::Postgres(error) => {
                error.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}

/// The server's own message where there is one (rust-postgres says only "db error").
fn postgres_detail(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {} ({})", db.severity(), db.message(), db.code().code()),
        None => error.to_string(),
    }
}

/// Where the database is: the SQLite file in a data directory (the default), or a
/// PostgreSQL database (`--database postgres://…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `database` (a `postgres://` URL) if given, else the SQLite file in `data_dir`.
    pub fn of(data_dir: &Path, database: Option<&str>) -> Location {
        match database {
            Some(url) => Location::Postgres(url.to_owned()),
            None => Location::Sqlite(data_dir.to_owned()),
        }
    }

    /// Where it is, for messages: the directory, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(dir) => dir.display().to_string(),
            Location::Postgres(url) => without_password(url),
        }
    }
}

impl From<&Path> for Location {
    /// The SQLite file in data directory `dir`.
    fn from(dir: &Path) -> Location {
        Location::Sqlite(dir.to_owned())
    }
}

impl From<&Location> for Location {
    fn from(location: &Location) -> Location {
        location.clone()
    }
}

/// `url` with any password replaced by `***`, for logs and messages.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((userinfo, host)) = rest.split_once('@') else { return url.to_owned() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// The one writer connection, shared by all requests, and a few read-only connections.
///
/// A single connection behind a mutex serialises every write of this server, which is
/// exactly what tracking-number allocation needs on SQLite, which allows only one writer
/// anyway. On PostgreSQL the writer connection is kept too (so that one server behaves
/// the same on both), and what several servers must agree on is locked in the database
/// (the counters' rows, see `submissions`). Long reads (staff lists, the CSV export) use
/// their own read-only connections instead: in WAL mode, or in PostgreSQL's MVCC, they
/// read a consistent snapshot without ever holding up a submission.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Conn>>,
    readers: Arc<Readers>,
}

/// Idle read-only connections, reused so that a read does not pay for opening one. The
/// same few lines pool PostgreSQL's connections: a connection found closed (the server
/// restarted) is dropped and another opened.
struct Readers {
    location: Location,
    idle: Mutex<Vec<Conn>>,
}

/// Idle read connections kept open; more are opened when needed and closed after.
const IDLE_READERS: usize = 4;

impl Db {
    /// Opens (creating the directory and file if needed) and migrates the database.
    pub fn open(data_dir: &Path) -> Result<Db, DbError> {
        Db::open_at(&Location::Sqlite(data_dir.to_owned()))
    }

    /// Opens and migrates the database at `location`.
    pub fn open_at(location: &Location) -> Result<Db, DbError> {
        let conn = off_runtime(|| {
            let conn = open_writer(location)?;
            refuse_newer(&conn)?;
            migrate(&conn)?;
            Ok::<Conn, DbError>(conn)
        })?;
        let readers = Readers { location: location.clone(), idle: Mutex::new(Vec::new()) };
        Ok(Db { conn: Arc::new(Mutex::new(conn)), readers: Arc::new(readers) })
    }

    /// Opens a database that must already exist, for tools such as `export` where a
    /// mistyped directory should be an error rather than a fresh empty database.
    pub fn open_existing(data_dir: &Path) -> Result<Db, DbError> {
        Db::open_existing_at(&Location::Sqlite(data_dir.to_owned()))
    }

    /// [`Db::open_existing`] at `location` (a PostgreSQL database always exists).
    pub fn open_existing_at(location: &Location) -> Result<Db, DbError> {
        if let Location::Sqlite(data_dir) = location {
            let path = data_dir.join(FILE_NAME);
            if !path.is_file() {
                return Err(DbError::Missing(path));
            }
        }
        Db::open_at(location)
    }

    /// Which engine this database runs on.
    pub fn dialect(&self) -> Dialect {
        match self.readers.location {
            Location::Sqlite(_) => Dialect::Sqlite,
            Location::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Starts the group-commit writer (see [`writer`]) on this database's writer
    /// connection.
    pub fn start_writer(
        &self,
        metrics: crate::metrics::Metrics,
    ) -> Result<writer::Writer, DbError> {
        let checkpoints = match &self.readers.location {
            Location::Sqlite(dir) => Some(dir.join(FILE_NAME)),
            Location::Postgres(_) => None,
        };
        let location = self.readers.location.clone();
        writer::Writer::start(Arc::clone(&self.conn), location, checkpoints, metrics)
    }

    /// Runs `f` with a read-only connection on the blocking thread pool. It never waits
    /// for the writer, and sees the database as of the moment its first query runs.
    pub async fn read<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
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

    /// The size of a PostgreSQL database in bytes (0 for SQLite, whose files tell),
    /// on this thread: for the blocking pool (`metrics`).
    pub fn postgres_size(&self) -> Result<u64, DbError> {
        if self.dialect() == Dialect::Sqlite {
            return Ok(0);
        }
        let conn = self.readers.take()?;
        let size =
            conn.query_row("SELECT pg_database_size(current_database())", sql::params![], |row| {
                row.get::<u64>(0)
            });
        self.readers.give_back(conn);
        size
    }

    /// Runs `f` with the connection on the blocking thread pool, so that disk waits
    /// (`synchronous = FULL` fsyncs on every commit) never stall the async workers.
    pub async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<R, DbError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&conn);
            reconnect_if_closed(&mut conn, &readers.location)?;
            f(&mut conn)
        })
        .await?
    }

    /// [`Db::call`] for a transaction that looks a client-made key up and, if it is new,
    /// stores it: with several servers on one database, two copies of a request may both
    /// find the key new, and the second to insert it is refused by its unique index. That
    /// one's transaction is rolled back and `f` runs once more, and now finds what the
    /// first stored (and answers as to a retry).
    pub async fn call_keyed<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: Fn(&mut Conn) -> Result<R, DbError> + Send + 'static,
    {
        self.call(move |conn| match f(conn) {
            Err(error) if error.is_unique_violation() => f(conn),
            other => other,
        })
        .await
    }

    /// The blocking twin of [`Db::call`], for command-line tools and start-up. (Called
    /// from async code, a PostgreSQL query runs on a thread of its own: rust-postgres's
    /// blocking client may not run on an async worker.)
    pub fn call_blocking<R: Send>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<R, DbError> + Send,
    ) -> Result<R, DbError> {
        let run = || {
            let mut conn = lock(&self.conn);
            reconnect_if_closed(&mut conn, &self.readers.location)?;
            f(&mut conn)
        };
        match self.dialect() {
            Dialect::Sqlite => run(),
            Dialect::Postgres => off_runtime(run),
        }
    }

    /// [`Db::call_blocking`] on this very thread, for command-line tools that stream to
    /// what cannot cross threads (standard output). Never from async code: there,
    /// rust-postgres's blocking client panics.
    pub fn call_here<R>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<R, DbError>,
    ) -> Result<R, DbError> {
        let mut conn = lock(&self.conn);
        reconnect_if_closed(&mut conn, &self.readers.location)?;
        f(&mut conn)
    }
}

/// Runs `f` on a thread of its own if this thread runs async tasks, where rust-postgres's
/// blocking client would panic; else here.
fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

impl Readers {
    fn take(&self) -> Result<Conn, DbError> {
        while let Some(conn) = lock(&self.idle).pop() {
            if !conn.is_closed() {
                return Ok(conn);
            }
        }
        match &self.location {
            Location::Sqlite(dir) => {
                let conn = Connection::open_with_flags(
                    dir.join(FILE_NAME),
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(Duration::from_secs(5))?;
                Ok(Conn::sqlite(conn))
            }
            Location::Postgres(url) => {
                let conn = connect_postgres(url)?;
                conn.execute_batch("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
                Ok(conn)
            }
        }
    }

    fn give_back(&self, conn: Conn) {
        let mut idle = lock(&self.idle);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// A fresh connection in place of the writer's if PostgreSQL closed it (a restart):
/// the next request works again without restarting the server.
fn reconnect_if_closed(conn: &mut Conn, location: &Location) -> Result<(), DbError> {
    if conn.is_closed()
        && let Location::Postgres(url) = location
    {
        tracing::warn!("the database connection was closed: connecting again");
        *conn = connect_postgres(url)?;
    }
    Ok(())
}

fn connect_postgres(url: &str) -> Result<Conn, DbError> {
    let config: postgres::Config = url.parse()?;
    let client = config.connect(postgres::NoTls)?;
    let key = format!(
        "postgres:{:?}:{:?}/{}",
        config.get_hosts(),
        config.get_ports(),
        config.get_dbname().unwrap_or_default()
    );
    Ok(Conn::postgres(client, key))
}

fn open_writer(location: &Location) -> Result<Conn, DbError> {
    match location {
        Location::Sqlite(data_dir) => {
            std::fs::create_dir_all(data_dir)?;
            let conn = Connection::open(data_dir.join(FILE_NAME))?;
            configure(&conn)?;
            Ok(Conn::sqlite(conn))
        }
        Location::Postgres(url) => connect_postgres(url),
    }
}

/// The table where PostgreSQL keeps how many migrations it has had (SQLite keeps it in
/// its `user_version`).
const PG_VERSIONS: &str = "CREATE TABLE IF NOT EXISTS adal_schema_migrations (\
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// Any number, the same in every server: migrations of one database run one at a time.
const PG_MIGRATION_LOCK: i64 = 0x00ad_a15c_4e3a;

/// How many migrations the database at `conn` has had.
fn schema_version(conn: &Conn) -> Result<usize, DbError> {
    let version: i64 = match conn.as_sqlite() {
        Some(sqlite) => sqlite.pragma_query_value(None, "user_version", |row| row.get(0))?,
        None => {
            if !pg_versions_exist(conn)? {
                return Ok(0);
            }
            conn.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM adal_schema_migrations",
                sql::params![],
                |row| row.get(0),
            )?
        }
    };
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

/// Whether PostgreSQL's table of migrations is there (a database Adal never opened has none).
fn pg_versions_exist(conn: &Conn) -> Result<bool, DbError> {
    conn.query_row(
        "SELECT to_regclass('adal_schema_migrations') IS NOT NULL",
        sql::params![],
        |row| row.get::<bool>(0),
    )
}

/// Runs the migrations the database has not had, each in its own transaction.
fn migrate(conn: &Conn) -> Result<(), DbError> {
    migrate_to(conn, MIGRATION_NAMES.len())
}

/// Runs the migrations the database has not had up to the `target`-th.
fn migrate_to(conn: &Conn, target: usize) -> Result<(), DbError> {
    if conn.dialect() == Dialect::Postgres && !pg_versions_exist(conn)? {
        conn.execute_batch(PG_VERSIONS)?;
    }
    let steps = MIGRATION_NAMES.iter().zip(&MIGRATIONS).enumerate().take(target);
    for (index, (name, migration)) in steps {
        if schema_version(conn)? > index {
            continue;
        }
        let fail = |error: DbError| DbError::Migration { name, error: Box::new(error) };
        let tx = conn.transaction_with_behavior(sql::Behavior::Immediate).map_err(fail)?;
        let step = || -> Result<(), DbError> {
            match tx.dialect() {
                Dialect::Sqlite => {
                    tx.execute_batch(migration.sqlite)?;
                }
                Dialect::Postgres => {
                    // Another server may be migrating the same database right now.
                    tx.query_row(
                        "SELECT pg_advisory_xact_lock(?1)::text",
                        sql::params![PG_MIGRATION_LOCK],
                        |_| Ok(()),
                    )?;
                    if schema_version(&tx)? > index {
                        return Ok(());
                    }
                    tx.execute_batch(migration.postgres)?;
                }
            }
            if let Some(hook) = migration.hook {
                hook(&tx)?;
            }
            let version = index + 1;
            match tx.as_sqlite() {
                Some(sqlite) => sqlite.pragma_update(None, "user_version", version)?,
                None => {
                    let at = clock::format_time(time::OffsetDateTime::now_utc())?;
                    tx.execute(
                        "INSERT INTO adal_schema_migrations (version, name, applied_at) \
                         VALUES (?1, ?2, ?3)",
                        sql::params![version, name, at],
                    )?;
                }
            }
            Ok(())
        };
        step().map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

/// [`DbError::NewerSchema`] if a later release wrote the database.
fn refuse_newer(conn: &Conn) -> Result<(), DbError> {
    let found = schema_version(conn)?;
    if found > MIGRATION_NAMES.len() {
        return Err(DbError::NewerSchema { found, known: MIGRATION_NAMES.len() });
    }
    Ok(())
}

/// The migrations that opening the database in `data_dir` would run, by name, without
/// running them (all of them where there is no database yet); refuses a newer database.
pub fn pending_migrations(data_dir: &Path) -> Result<Vec<&'static str>, DbError> {
    pending_migrations_at(&Location::Sqlite(data_dir.to_owned()))
}

/// [`pending_migrations`] of the database at `location`.
pub fn pending_migrations_at(location: &Location) -> Result<Vec<&'static str>, DbError> {
    off_runtime(|| {
        let conn = match location {
            Location::Sqlite(data_dir) => {
                let path = data_dir.join(FILE_NAME);
                if !path.is_file() {
                    return Ok(MIGRATION_NAMES.to_vec());
                }
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY;
                Conn::sqlite(Connection::open_with_flags(&path, flags)?)
            }
            Location::Postgres(url) => connect_postgres(url)?,
        };
        refuse_newer(&conn)?;
        Ok(MIGRATION_NAMES[schema_version(&conn)?..].to_vec())
    })
}

/// A trivial query, to tell that the database answers.
pub fn ping(conn: &Conn) -> Result<(), DbError> {
    conn.query_row("SELECT 1", sql::params![], |row| row.get::<i64>(0))?;
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
    // ingest, and it tripled the resident memory under load.) Every statement of `db/`
    // goes through the cache now, so it is larger than the write path needs.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_has_its_name_and_a_fresh_database_has_had_them_all() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(pending_migrations(dir.path()).unwrap(), MIGRATION_NAMES);
        Db::open(dir.path()).unwrap();
        assert_eq!(pending_migrations(dir.path()).unwrap(), Vec::<&str>::new());
        let conn = Conn::sqlite(Connection::open(dir.path().join(FILE_NAME)).unwrap());
        assert_eq!(schema_version(&conn).unwrap(), MIGRATION_NAMES.len());
        // A database two releases behind would run the last two.
        conn.as_sqlite()
            .unwrap()
            .pragma_update(None, "user_version", MIGRATION_NAMES.len() - 2)
            .unwrap();
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

/// The same rules on PostgreSQL, when `scripts/pg` gives a cluster
/// (`ADAL_TEST_DATABASE_URL`); each test on a database of its own.
#[cfg(test)]
pub(crate) mod on_postgres {
    use super::*;

    /// The URL of a fresh, empty database in the cluster, or `None` (and the test says
    /// it was skipped).
    pub fn fresh_url() -> Option<String> {
        let Ok(admin) = std::env::var("ADAL_TEST_DATABASE_URL") else {
            eprintln!("skipped: no ADAL_TEST_DATABASE_URL (run under scripts/pg)");
            return None;
        };
        let name = format!("adal_unit_{}", uuid::Uuid::new_v4().simple());
        let conn = connect_postgres(&admin).unwrap();
        conn.execute_batch(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
        Some(format!("{base}/{name}"))
    }

    /// A fresh database in the cluster, opened and migrated.
    pub fn fresh() -> Option<Db> {
        Some(Db::open_at(&Location::Postgres(fresh_url()?)).unwrap())
    }

    #[test]
    fn the_0006_hook_classifies_complaints_stored_before_it_on_postgres_too() {
        let Some(url) = fresh_url() else { return };
        let conn = connect_postgres(&url).unwrap();
        migrate_to(&conn, 5).unwrap();
        for (id, answers) in [
            ("a", r#"{"category":"other","institution":"Центр примирения, Уральск"}"#),
            ("b", r#"{"category":"school","institution":"School No. 12"}"#),
        ] {
            conn.execute(
                "INSERT INTO submissions \
                 (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
                 VALUES (?1, ?1, 'complaint', 2, 'URA', ?1, ?2, '2026-03-02T05:00:00.000Z')",
                sql::params![id, answers],
            )
            .unwrap();
        }
        migrate(&conn).unwrap();
        let row = |id: &str| -> (bool, Option<String>) {
            conn.query_row(
                "SELECT conflict_district IS NOT NULL, institution_key FROM submissions \
                 WHERE id = ?1",
                sql::params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        assert_eq!(row("a"), (true, None));
        assert_eq!(row("b"), (false, Some("school:schol no 12".into())));
    }

    #[test]
    fn a_stream_reads_every_row_in_batches_and_its_reader_may_query_meanwhile() {
        let Some(db) = fresh() else { return };
        let rows = sql::STREAM_BATCH * 2 + 500;
        db.call_blocking(move |conn| {
            let mut seen = Vec::new();
            let count = conn.stream(
                "SELECT n FROM generate_series(1, ?1) AS n ORDER BY n",
                sql::params![rows],
                |row| {
                    let n: usize = row.get(0)?;
                    let twice: i64 =
                        conn.query_row("SELECT ?1 * 2", sql::params![n], |r| r.get(0))?;
                    assert_eq!(twice, 2 * n as i64);
                    seen.push(n);
                    Ok(n < rows - 10)
                },
            )?;
            assert_eq!(count as usize, rows - 10, "stopped where asked");
            assert_eq!(seen, (1..=rows - 10).collect::<Vec<_>>());
            // Stopped early, the cursor is closed and the connection as it was.
            assert_eq!(conn.query_row("SELECT 1", sql::params![], |r| r.get::<i64>(0))?, 1);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_postgres_database_written_by_a_newer_release_is_refused_with_what_to_do() {
        let Some(db) = fresh() else { return };
        let location = db.readers.location.clone();
        db.call_blocking(|conn| {
            conn.execute(
                "INSERT INTO adal_schema_migrations (version, name, applied_at) \
                 VALUES (?1, 'from the future', '2030-01-01T00:00:00.000Z')",
                sql::params![MIGRATION_NAMES.len() + 1],
            )
        })
        .unwrap();
        let Err(error) = Db::open_at(&location) else { panic!("a newer database was opened") };
        assert!(error.to_string().contains("written by a newer Adal"), "{error}");
        assert!(pending_migrations_at(&location).is_err());
    }

    #[test]
    fn a_fresh_postgres_database_has_had_every_migration_and_stores_a_submission() {
        let Some(db) = fresh() else { return };
        let location = db.readers.location.clone();
        assert_eq!(pending_migrations_at(&location).unwrap(), Vec::<&str>::new());
        db.call_blocking(|conn| {
            let new = submissions::NewSubmission {
                id: uuid::Uuid::new_v4(),
                fingerprint: "f".into(),
                form: adal_core::api::FormRef::new("complaint", 2),
                district: adal_core::District::Uralsk,
                answers: "{}".into(),
                received_at: time::OffsetDateTime::now_utc(),
                attachments: Vec::new(),
                receipt_secret_sha256: None,
                anonymous: false,
                triage: Default::default(),
            };
            let stored = submissions::store(conn, &new);
            assert!(matches!(stored, Ok(submissions::Stored::Created(_))), "{stored:?}");
            Ok(())
        })
        .unwrap();
    }
}
