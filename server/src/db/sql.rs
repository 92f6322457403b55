//! One connection type for both engines, so that every query of `db/` is written once.
//!
//! [`Conn`] is either a rusqlite connection (the default, embedded) or a client of
//! rust-postgres (`--database postgres://…`). Both are blocking and run on the same
//! blocking threads, which keeps the group-commit writer, the savepoint fallback and every
//! handler's `db.call(|conn| …)` as they are. Queries are written with numbered
//! placeholders (`?1`), which PostgreSQL reads as `$1`; parameters are [`Param`]s and cells
//! are read with [`Row::get`] into plain Rust types. The few fragments the engines spell
//! differently (JSON aggregation, text search) come from [`Dialect`].
//!
//! Both engines keep their statements prepared: rusqlite's statement cache, and a map of
//! prepared statements per PostgreSQL connection.

use std::borrow::Cow;
use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::DbError;

/// The engine a connection talks to, for the fragments they spell differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A JSON array with one array of `values` per row, as text (`[]` without rows),
    /// ordered by `order_by`: for a correlated subquery's select list.
    pub fn json_rows(self, values: &str, order_by: &str) -> String {
        match self {
            Dialect::Sqlite => {
                format!("json_group_array(json_array({values}) ORDER BY {order_by})")
            }
            Dialect::Postgres => format!(
                "coalesce(json_agg(json_build_array({values}) ORDER BY {order_by})::text, '[]')"
            ),
        }
    }

    /// The text of member `key` of the JSON object stored (as text) in `column`.
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Dialect::Postgres => format!("({column}::jsonb ->> '{key}')"),
        }
    }
}

/// A parameter's value as both engines take it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What may be bound to a placeholder.
pub trait Param {
    fn value(&self) -> Value<'_>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, i16, u32, u16, u8, u64, usize);

impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl Param for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}
impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl Param for Cow<'_, str> {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl Param for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl Param for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl Param for Value<'_> {
    fn value(&self) -> Value<'_> {
        *self
    }
}
impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}
impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

/// The parameters of a statement, in placeholder order: `params![a, b]`.
#[macro_export]
macro_rules! sql_params {
    () => { &[] as &[&dyn $crate::db::sql::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::db::sql::Param),+] as &[&dyn $crate::db::sql::Param] };
}
pub use crate::sql_params as params;

/// The parameters of a statement.
pub type Params<'a> = &'a [&'a dyn Param];

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Real(f) => ValueRef::Real(f),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl PgToSql for Value<'_> {
    /// Converts to the type PostgreSQL inferred for the placeholder: the schema uses
    /// BIGINT for every integer and flag, TEXT, BYTEA; an expression may want a boolean.
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxError> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => {
                    i.to_string().as_str().to_sql(ty, out)
                }
                _ => Err(format!("an integer for a parameter of type {ty}").into()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (f as f32).to_sql(ty, out),
                _ => Err(format!("a real for a parameter of type {ty}").into()),
            },
            Value::Text(t) => t.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A cell of a result row, as read from either engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What a cell can be read as.
pub trait FromCell: Sized {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String>;
}

fn wrong(cell: Cell<'_>, want: &str) -> String {
    format!("{cell:?} is not {want}")
}

macro_rules! int_cell {
    ($($t:ty),*) => {$(
        impl FromCell for $t {
            fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
                match cell {
                    Cell::Int(i) => <$t>::try_from(i).map_err(|_| format!("{i} out of range")),
                    other => Err(wrong(other, stringify!($t))),
                }
            }
        }
    )*};
}
int_cell!(i64, i32, i16, u32, u16, u8, u64, usize);

impl FromCell for bool {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Int(i) => Ok(i != 0),
            other => Err(wrong(other, "a flag")),
        }
    }
}
impl FromCell for f64 {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Real(f) => Ok(f),
            Cell::Int(i) => Ok(i as f64),
            other => Err(wrong(other, "a number")),
        }
    }
}
impl FromCell for String {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Text(t) => Ok(t.to_owned()),
            other => Err(wrong(other, "text")),
        }
    }
}
impl FromCell for Vec<u8> {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Blob(b) => Ok(b.to_vec()),
            Cell::Text(t) => Ok(t.as_bytes().to_vec()),
            other => Err(wrong(other, "bytes")),
        }
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            cell => T::from_cell(cell).map(Some),
        }
    }
}

/// One row of a result.
pub struct Row<'r> {
    inner: RowInner<'r>,
}

enum RowInner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
    Owned(&'r [Owned]),
}

/// A cell read out of its row, for [`Rows`].
#[derive(Debug, Clone)]
enum Owned {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Owned {
    fn cell(&self) -> Cell<'_> {
        match self {
            Owned::Null => Cell::Null,
            Owned::Int(i) => Cell::Int(*i),
            Owned::Real(f) => Cell::Real(*f),
            Owned::Text(t) => Cell::Text(t),
            Owned::Blob(b) => Cell::Blob(b),
        }
    }
}

impl From<Cell<'_>> for Owned {
    fn from(cell: Cell<'_>) -> Owned {
        match cell {
            Cell::Null => Owned::Null,
            Cell::Int(i) => Owned::Int(i),
            Cell::Real(f) => Owned::Real(f),
            Cell::Text(t) => Owned::Text(t.to_owned()),
            Cell::Blob(b) => Owned::Blob(b.to_vec()),
        }
    }
}

/// Every row of a query, read out (see [`Statement::query`]).
pub struct Rows {
    rows: std::vec::IntoIter<Vec<Owned>>,
    current: Vec<Owned>,
}

impl Rows {
    /// The next row, as rusqlite's `Rows::next`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>, DbError> {
        let Some(row) = self.rows.next() else { return Ok(None) };
        self.current = row;
        Ok(Some(Row { inner: RowInner::Owned(&self.current) }))
    }
}

/// A cell of any row, read out.
struct AnyCell(Owned);

impl FromCell for AnyCell {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        Ok(AnyCell(cell.into()))
    }
}

impl Row<'_> {
    /// How many cells the row has.
    pub fn width(&self) -> usize {
        match &self.inner {
            RowInner::Sqlite(row) => row.as_ref().column_count(),
            RowInner::Postgres(row) => row.len(),
            RowInner::Owned(cells) => cells.len(),
        }
    }

    /// Cell `index` (from 0) as a `T`; a cell that is not one is a corrupt row.
    pub fn get<T: FromCell>(&self, index: usize) -> Result<T, DbError> {
        let read = match &self.inner {
            RowInner::Sqlite(row) => {
                let cell = match row.get_ref(index)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(i) => Cell::Int(i),
                    ValueRef::Real(f) => Cell::Real(f),
                    ValueRef::Text(t) => Cell::Text(
                        std::str::from_utf8(t)
                            .map_err(|e| DbError::Corrupt(format!("column {index}: {e}")))?,
                    ),
                    ValueRef::Blob(b) => Cell::Blob(b),
                };
                T::from_cell(cell)
            }
            RowInner::Postgres(row) => pg_cell(row, index, T::from_cell)?,
            RowInner::Owned(cells) => match cells.get(index) {
                Some(cell) => T::from_cell(cell.cell()),
                None => return Err(DbError::Corrupt(format!("no column {index}"))),
            },
        };
        read.map_err(|e| DbError::Corrupt(format!("column {index}: {e}")))
    }
}

fn pg_cell<T>(
    row: &postgres::Row,
    index: usize,
    read: impl FnOnce(Cell<'_>) -> Result<T, String>,
) -> Result<Result<T, String>, DbError> {
    let Some(column) = row.columns().get(index) else {
        return Err(DbError::Corrupt(format!("no column {index}")));
    };
    let ty = column.type_().clone();
    let cell = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Cell::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map(|i| Cell::Int(i.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map(|i| Cell::Int(i.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map(|b| Cell::Int(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(Cell::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(index)?.map(|f| Cell::Real(f.into())),
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(index)?.map(Cell::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            row.try_get::<_, Option<&str>>(index)?.map(Cell::Text)
        }
        other => {
            return Err(DbError::Corrupt(format!(
                "column {index} is of type {other}: cast it to BIGINT or TEXT in the query"
            )));
        }
    };
    Ok(read(cell.unwrap_or(Cell::Null)))
}

/// A connection to either engine. Every method takes `&self`, as rusqlite's do: a
/// transaction or savepoint is a guard that derefs to the connection it runs on.
pub struct Conn {
    engine: Engine,
    /// Tells databases apart, for caches of what was read from one (see `db::triage`).
    key: String,
    /// Open transactions and savepoints, to name savepoints.
    depth: StdCell<u32>,
    /// Cursors opened, to name them (see [`Conn::stream`]).
    cursors: StdCell<u32>,
}

/// Rows a PostgreSQL cursor reads at a time (see [`Conn::stream`]).
pub const STREAM_BATCH: usize = 1000;

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<Pg>>),
}

struct Pg {
    /// `None` only once dropped (see `Drop for Pg`).
    client: Option<postgres::Client>,
    statements: HashMap<String, postgres::Statement>,
}

impl Pg {
    fn client(&mut self) -> &mut postgres::Client {
        self.client.as_mut().expect("a connection is open until dropped")
    }
}

impl Drop for Pg {
    /// rust-postgres's client says goodbye to the server when dropped, blocking: where
    /// this thread runs async tasks (a server's state dropped at shutdown), it may not,
    /// so the client is dropped on a thread of its own.
    fn drop(&mut self) {
        if tokio::runtime::Handle::try_current().is_ok()
            && let Some(client) = self.client.take()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

/// Prepared statements kept per PostgreSQL connection: as many as SQLite's writer keeps.
const PG_STATEMENTS: usize = 256;

/// The most rows one statement of [`Conn::rows`] takes on PostgreSQL: with ten values a
/// row, far below its 65,535 parameters.
pub const MAX_ROWS: usize = 256;

impl Conn {
    pub fn sqlite(conn: rusqlite::Connection) -> Conn {
        let key = conn.path().unwrap_or_default().to_owned();
        Conn { engine: Engine::Sqlite(conn), key, depth: StdCell::new(0), cursors: StdCell::new(0) }
    }

    pub fn postgres(client: postgres::Client, key: String) -> Conn {
        let pg = Pg { client: Some(client), statements: HashMap::new() };
        let (depth, cursors) = (StdCell::new(0), StdCell::new(0));
        Conn { engine: Engine::Postgres(Box::new(RefCell::new(pg))), key, depth, cursors }
    }

    pub fn dialect(&self) -> Dialect {
        match self.engine {
            Engine::Sqlite(_) => Dialect::Sqlite,
            Engine::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Which database this is (the SQLite file's path, PostgreSQL's host, port and name).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The rusqlite connection, for what only SQLite has (pragmas, checkpoints, backups).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.engine {
            Engine::Sqlite(conn) => Some(conn),
            Engine::Postgres(_) => None,
        }
    }

    /// Whether the server closed this connection (PostgreSQL restarted, say).
    pub fn is_closed(&self) -> bool {
        match &self.engine {
            Engine::Sqlite(_) => false,
            Engine::Postgres(pg) => pg.borrow_mut().client().is_closed(),
        }
    }

    /// Runs `sql`, one or more statements without parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<(), DbError> {
        match &self.engine {
            Engine::Sqlite(conn) => conn.execute_batch(sql)?,
            Engine::Postgres(pg) => pg.borrow_mut().client().batch_execute(sql)?,
        }
        Ok(())
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: Params<'_>) -> Result<usize, DbError> {
        let values: Vec<Value<'_>> = params.iter().map(|p| p.value()).collect();
        match &self.engine {
            Engine::Sqlite(conn) => {
                Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(values))?)
            }
            Engine::Postgres(pg) => {
                let mut pg = pg.borrow_mut();
                let statement = pg.prepare(sql)?;
                let refs = pg_refs(&values);
                Ok(usize::try_from(pg.client().execute(&statement, &refs)?).unwrap_or(usize::MAX))
            }
        }
    }

    /// Calls `each` with every row of `sql`, in order, until it returns `false`; returns
    /// how many rows it was given. (On PostgreSQL the rows are read first, so that `each`
    /// may query too.)
    pub fn for_each(
        &self,
        sql: &str,
        params: Params<'_>,
        mut each: impl FnMut(&Row<'_>) -> Result<bool, DbError>,
    ) -> Result<u64, DbError> {
        let values: Vec<Value<'_>> = params.iter().map(|p| p.value()).collect();
        let mut count = 0;
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(values))?;
                while let Some(row) = rows.next()? {
                    count += 1;
                    if !each(&Row { inner: RowInner::Sqlite(row) })? {
                        break;
                    }
                }
            }
            Engine::Postgres(pg) => {
                let rows = {
                    let mut pg = pg.borrow_mut();
                    let statement = pg.prepare(sql)?;
                    let refs = pg_refs(&values);
                    pg.client().query(&statement, &refs)?
                };
                for row in &rows {
                    count += 1;
                    if !each(&Row { inner: RowInner::Postgres(row) })? {
                        break;
                    }
                }
            }
        }
        Ok(count)
    }

    /// [`Conn::for_each`] for reads of any size (an export): SQLite steps through the
    /// rows anyway; PostgreSQL reads them through a cursor, [`STREAM_BATCH`] at a time,
    /// so that memory stays bounded, in a snapshot of its own unless in a transaction.
    pub fn stream(
        &self,
        sql: &str,
        params: Params<'_>,
        mut each: impl FnMut(&Row<'_>) -> Result<bool, DbError>,
    ) -> Result<u64, DbError> {
        let Engine::Postgres(pg) = &self.engine else {
            return self.for_each(sql, params, each);
        };
        let snapshot = if self.depth.get() == 0 { Some(self.snapshot()?) } else { None };
        self.cursors.set(self.cursors.get() + 1);
        let name = format!("adal_rows{}", self.cursors.get());
        self.execute(&format!("DECLARE {name} NO SCROLL CURSOR FOR {sql}"), params)?;
        let fetch = format!("FETCH {STREAM_BATCH} FROM {name}");
        let mut count = 0;
        'rows: loop {
            let rows = pg.borrow_mut().client().query(fetch.as_str(), &[])?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                count += 1;
                if !each(&Row { inner: RowInner::Postgres(row) })? {
                    break 'rows;
                }
            }
        }
        self.execute_batch(&format!("CLOSE {name}"))?;
        if let Some(snapshot) = snapshot {
            snapshot.commit()?;
        }
        Ok(count)
    }

    /// Every row of `sql`, each read by `read`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        mut read: impl FnMut(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        let mut all = Vec::new();
        self.for_each(sql, params, |row| {
            all.push(read(row)?);
            Ok(true)
        })?;
        Ok(all)
    }

    /// Runs `head`, then `row` (a parenthesised list with a `?` for each value) once for
    /// every row of `rows`, joined by commas, then `tail`; calls `each` with every row the
    /// statement returns. For multi-row `INSERT … VALUES`, `IN (…)` and `FROM (VALUES …)`.
    ///
    /// On PostgreSQL many rows go to one statement, one round trip each, in chunks of a
    /// power of two rows (at most [`MAX_ROWS`]), so that a handful of statements are
    /// prepared whatever the number of rows. SQLite, in process, runs the cached one-row
    /// statement for each row, which is as fast there and prepares nothing new.
    pub fn rows(
        &self,
        head: &str,
        row: &str,
        tail: &str,
        rows: &[Vec<Value<'_>>],
        mut each: impl FnMut(&Row<'_>) -> Result<(), DbError>,
    ) -> Result<(), DbError> {
        let most = match self.dialect() {
            Dialect::Sqlite => 1,
            Dialect::Postgres => MAX_ROWS,
        };
        let mut rest = rows;
        // The statement of the last chunk's size: on SQLite, the same for every row.
        let mut sql = (0, String::new());
        while !rest.is_empty() {
            // The largest power of two that fits.
            let take = 1 << (rest.len().min(most).ilog2());
            let (chunk, after) = rest.split_at(take);
            if sql.0 != take {
                sql = (take, format!("{head}{}{tail}", vec![row; take].join(", ")));
            }
            let sql = &sql.1;
            let params: Vec<&dyn Param> =
                chunk.iter().flatten().map(|value| value as &dyn Param).collect();
            self.for_each(sql, &params, |found| {
                each(found)?;
                Ok(true)
            })?;
            rest = after;
        }
        Ok(())
    }

    /// The first row of `sql`, read by `read`, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        read: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<Option<T>, DbError> {
        let values: Vec<Value<'_>> = params.iter().map(|p| p.value()).collect();
        match &self.engine {
            Engine::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let mut rows = statement.query(rusqlite::params_from_iter(values))?;
                match rows.next()? {
                    Some(row) => read(&Row { inner: RowInner::Sqlite(row) }).map(Some),
                    None => Ok(None),
                }
            }
            Engine::Postgres(pg) => {
                let row = {
                    let mut pg = pg.borrow_mut();
                    let statement = pg.prepare(sql)?;
                    let refs = pg_refs(&values);
                    pg.client().query_opt(&statement, &refs)?
                };
                row.map(|row| read(&Row { inner: RowInner::Postgres(&row) })).transpose()
            }
        }
    }

    /// The first row of `sql`; [`DbError::NoRows`] if there is none (see [`Optional`]).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        read: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.query_opt(sql, params, read)?.ok_or(DbError::NoRows)
    }

    /// A statement to run once or more, as rusqlite's `prepare` (both engines keep it
    /// prepared in their cache).
    pub fn prepare<'c>(&'c self, sql: &str) -> Result<Statement<'c>, DbError> {
        Ok(Statement { conn: self, sql: sql.to_owned() })
    }

    /// [`Conn::prepare`]: every statement is cached.
    pub fn prepare_cached<'c>(&'c self, sql: &str) -> Result<Statement<'c>, DbError> {
        self.prepare(sql)
    }

    /// Begins a transaction (rolled back when the guard drops uncommitted). `Immediate`
    /// takes SQLite's write lock at once; PostgreSQL locks the rows a statement writes.
    pub fn transaction_with_behavior(&self, behavior: Behavior) -> Result<Tx<'_>, DbError> {
        let begin = match (self.dialect(), behavior) {
            (Dialect::Sqlite, Behavior::Immediate) => "BEGIN IMMEDIATE",
            (Dialect::Sqlite, Behavior::Deferred) => "BEGIN DEFERRED",
            (Dialect::Postgres, Behavior::Snapshot) => {
                "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            }
            (_, _) => "BEGIN",
        };
        self.execute_batch(begin)?;
        self.depth.set(self.depth.get() + 1);
        Ok(Tx { conn: self, open: true })
    }

    /// [`Conn::transaction_with_behavior`], deferred.
    pub fn transaction(&self) -> Result<Tx<'_>, DbError> {
        self.transaction_with_behavior(Behavior::Deferred)
    }

    /// A read transaction: every query in it sees the database as of one moment.
    pub fn snapshot(&self) -> Result<Tx<'_>, DbError> {
        self.transaction_with_behavior(Behavior::Snapshot)
    }
}

/// What [`Statement::query_map`] gives: each row read, in a result as rusqlite's.
pub type RowsOf<T> = std::iter::Map<std::vec::IntoIter<T>, fn(T) -> Result<T, DbError>>;

/// A statement of one connection (see [`Conn::prepare`]).
pub struct Statement<'c> {
    conn: &'c Conn,
    sql: String,
}

impl Statement<'_> {
    pub fn execute(&mut self, params: Params<'_>) -> Result<usize, DbError> {
        self.conn.execute(&self.sql, params)
    }

    /// Every row, read out before the first is returned (so that the connection may
    /// run other queries meanwhile, on both engines).
    pub fn query(&mut self, params: Params<'_>) -> Result<Rows, DbError> {
        let rows = self.conn.query_map(&self.sql, params, |row| {
            let width = row.width();
            (0..width).map(|i| row.get::<AnyCell>(i).map(|c| c.0)).collect()
        })?;
        Ok(Rows { rows: rows.into_iter(), current: Vec::new() })
    }

    /// Every row, read by `read`, as an iterator of results (each `Ok`).
    pub fn query_map<T>(
        &mut self,
        params: Params<'_>,
        read: impl FnMut(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<RowsOf<T>, DbError> {
        let rows = self.conn.query_map(&self.sql, params, read)?;
        Ok(rows.into_iter().map(Ok as fn(T) -> Result<T, DbError>))
    }

    pub fn query_row<T>(
        &mut self,
        params: Params<'_>,
        read: impl FnOnce(&Row<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.conn.query_row(&self.sql, params, read)
    }
}

/// `None` for [`DbError::NoRows`], as rusqlite's `OptionalExtension`.
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>, DbError>;
}

impl<T> Optional<T> for Result<T, DbError> {
    fn optional(self) -> Result<Option<T>, DbError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(DbError::NoRows) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

fn pg_refs<'v>(values: &'v [Value<'v>]) -> Vec<&'v (dyn PgToSql + Sync)> {
    values.iter().map(|v| v as &(dyn PgToSql + Sync)).collect()
}

impl Pg {
    fn prepare(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client().prepare(&numbered(sql))?;
        if self.statements.len() >= PG_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// `sql` with SQLite's placeholders (`?1`, or `?` for the next) as PostgreSQL's (`$1`);
/// quoted text and names are left alone.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut next = 0;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&next.to_string());
                } else {
                    next = digits.parse().unwrap_or(next);
                    out.push_str(&digits);
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

/// How a transaction begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    Deferred,
    Immediate,
    /// Read only, one snapshot (REPEATABLE READ on PostgreSQL).
    Snapshot,
}

/// An open transaction: derefs to its connection; rolls back unless committed.
pub struct Tx<'c> {
    conn: &'c Conn,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.conn.depth.set(self.conn.depth.get().saturating_sub(1));
        self.conn.execute_batch("COMMIT")
    }

    /// A savepoint inside this transaction: rolled back alone unless committed.
    pub fn savepoint(&self) -> Result<Savepoint<'_>, DbError> {
        let depth = self.conn.depth.get() + 1;
        let name = format!("adal_sp{depth}");
        self.conn.execute_batch(&format!("SAVEPOINT {name}"))?;
        self.conn.depth.set(depth);
        Ok(Savepoint { conn: self.conn, name, open: true })
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.depth.set(self.conn.depth.get().saturating_sub(1));
            if let Err(error) = self.conn.execute_batch("ROLLBACK") {
                tracing::warn!(%error, "rollback failed");
            }
        }
    }
}

/// A savepoint: derefs to its connection; rolls back to where it began unless committed.
pub struct Savepoint<'c> {
    conn: &'c Conn,
    name: String,
    open: bool,
}

impl Savepoint<'_> {
    pub fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.conn.depth.set(self.conn.depth.get().saturating_sub(1));
        self.conn.execute_batch(&format!("RELEASE {}", self.name))
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.depth.set(self.conn.depth.get().saturating_sub(1));
            let undo = format!("ROLLBACK TO {0}; RELEASE {0}", self.name);
            if let Err(error) = self.conn.execute_batch(&undo) {
                tracing::warn!(%error, "rollback to a savepoint failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_outside_quotes() {
        assert_eq!(numbered("SELECT ?1, ?2 WHERE a = ?1"), "SELECT $1, $2 WHERE a = $1");
        assert_eq!(numbered("SELECT ?, ? FROM t"), "SELECT $1, $2 FROM t");
        assert_eq!(numbered("SELECT '?1' || \"a?\" , ?3"), "SELECT '?1' || \"a?\" , $3");
    }

    #[test]
    fn a_transaction_rolls_back_unless_committed_and_a_savepoint_alone() {
        let conn = Conn::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        let count = || conn.query_row("SELECT count(*) FROM t", params![], |r| r.get::<i64>(0));
        {
            let tx = conn.transaction().unwrap();
            tx.execute("INSERT INTO t VALUES (?1)", params![1]).unwrap();
        }
        assert_eq!(count().unwrap(), 0);
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO t VALUES (?1)", params![1]).unwrap();
        {
            let savepoint = tx.savepoint().unwrap();
            savepoint.execute("INSERT INTO t VALUES (?1)", params![2]).unwrap();
        }
        let kept = tx.savepoint().unwrap();
        kept.execute("INSERT INTO t VALUES (?1)", params![3]).unwrap();
        kept.commit().unwrap();
        tx.commit().unwrap();
        let all = conn.query_map("SELECT n FROM t ORDER BY n", params![], |r| r.get::<u8>(0));
        assert_eq!(all.unwrap(), [1, 3]);
    }
}
