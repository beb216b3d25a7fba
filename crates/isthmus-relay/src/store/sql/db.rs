//! One way to run a statement on either engine: SQLite through rusqlite, PostgreSQL through sqlx.
//!
//! Every op in this module's siblings is written once, against [`Conn`], and runs on both. The
//! engines are reached differently on purpose. PostgreSQL is a server: sqlx's asynchronous driver
//! waits on the network without holding a thread. SQLite is a library call of a few
//! microseconds: rusqlite runs it right where it is called, where sqlx's SQLite driver hands
//! each statement to a thread of its own and back (measured: two thread wake-ups per statement
//! took most of a busy relay's CPU, and SQLite itself under 1%). So a SQLite [`Conn`] never
//! waits: a future built on one completes the first time it is polled.
//!
//! Statements use `$1, $2, ...` for their arguments on both engines (SQLite reads `$1` as a
//! named parameter; arguments are bound by that name, so one may appear more than once).

use std::sync::{Arc, Mutex};

use rusqlite::types::{ToSqlOutput, ValueRef};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Arguments as _, PgConnection, Row as _};

use super::{Result, StoreError};

/// A connection an op runs on: the SQLite writer's or a reader's, or a PostgreSQL transaction's.
pub(crate) enum Conn<'c> {
    Lite(&'c mut rusqlite::Connection),
    Pg(&'c mut PgConnection),
}

/// A value bound to a statement (no statement binds a NULL; one that needs to would add a
/// typed NULL here, as PostgreSQL checks the type).
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&[u8]> for Value {
    fn from(value: &[u8]) -> Self {
        Value::Blob(value.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(value: Vec<u8>) -> Self {
        Value::Blob(value)
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Int(value) => ValueRef::Integer(*value),
            Value::Text(value) => ValueRef::Text(value.as_bytes()),
            Value::Blob(value) => ValueRef::Blob(value),
        }))
    }
}

fn pg_arguments(values: Vec<Value>) -> Result<PgArguments> {
    let mut arguments = PgArguments::default();
    for value in values {
        let added = match value {
            Value::Int(value) => arguments.add(value),
            Value::Text(value) => arguments.add(value),
            Value::Blob(value) => arguments.add(value),
        };
        added.map_err(|error| StoreError::Backend(format!("binding an argument: {error}")))?;
    }
    Ok(arguments)
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Backend(error.to_string())
    }
}

/// A row read: columns by position, as SQLite's values on both engines, so that a column reads
/// the same whichever engine wrote it (an `INT4` from PostgreSQL reads as an `i64`, as SQLite's
/// integers do).
pub(crate) struct Row(Vec<rusqlite::types::Value>);

impl Row {
    pub(crate) fn try_get<T: rusqlite::types::FromSql>(&self, index: usize) -> Result<T> {
        let value = self.0.get(index).ok_or_else(|| StoreError::Backend(format!("no column {index}")))?;
        T::column_result(ValueRef::from(value))
            .map_err(|error| StoreError::Backend(format!("reading column {index}: {error}")))
    }
}

fn pg_row(row: &PgRow) -> Result<Row> {
    use rusqlite::types::Value as Lite;
    use sqlx::{TypeInfo as _, ValueRef as _};
    let mut values = Vec::with_capacity(row.len());
    for index in 0..row.len() {
        let raw = row.try_get_raw(index)?;
        if raw.is_null() {
            values.push(Lite::Null);
            continue;
        }
        let kind = raw.type_info().name().to_owned();
        values.push(match kind.as_str() {
            "INT2" => Lite::Integer(row.try_get::<i16, _>(index)?.into()),
            "INT4" => Lite::Integer(row.try_get::<i32, _>(index)?.into()),
            "INT8" => Lite::Integer(row.try_get::<i64, _>(index)?),
            "BOOL" => Lite::Integer(row.try_get::<bool, _>(index)?.into()),
            "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Lite::Text(row.try_get::<String, _>(index)?),
            "BYTEA" => Lite::Blob(row.try_get::<Vec<u8>, _>(index)?),
            other => {
                return Err(StoreError::Backend(format!("column {index} has a type the store does not read: {other}")))
            }
        });
    }
    Ok(Row(values))
}

/// What a statement changed.
pub(crate) struct Done {
    rows: u64,
}

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.rows
    }
}

/// A statement with its arguments, run by one of the `fetch`/`execute` calls.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query<'q> {
    sql: &'q str,
    arguments: Vec<Value>,
}

pub(crate) fn query(sql: &str) -> Query<'_> {
    Query { sql, arguments: Vec::new() }
}

/// Prepares (from the connection's cache), binds by `$n` name, and reads every row.
fn lite_rows(conn: &rusqlite::Connection, sql: &str, arguments: &[Value]) -> Result<Vec<Row>> {
    let mut statement = conn.prepare_cached(sql)?;
    bind_lite(&mut statement, arguments)?;
    let columns = statement.column_count();
    let mut rows = statement.raw_query();
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        let values = (0..columns)
            .map(|index| row.get_ref(index).map(rusqlite::types::Value::from))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        read.push(Row(values));
    }
    Ok(read)
}

/// `$1` to `$512`, spelled once: every bind looks its argument's name up.
static NAMES: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (1..=512).map(|number| format!("${number}")).collect());

fn bind_lite(statement: &mut rusqlite::CachedStatement<'_>, arguments: &[Value]) -> Result<()> {
    let mut bound = 0;
    for (position, value) in arguments.iter().enumerate() {
        let spelled;
        let name = match NAMES.get(position) {
            Some(name) => name.as_str(),
            None => {
                spelled = format!("${}", position + 1);
                spelled.as_str()
            }
        };
        if let Some(index) = statement.parameter_index(name)? {
            statement.raw_bind_parameter(index, value)?;
            bound += 1;
        }
    }
    if bound != statement.parameter_count() {
        return Err(StoreError::Backend(format!(
            "a statement takes {} arguments, {bound} were given",
            statement.parameter_count()
        )));
    }
    Ok(())
}

fn lite_execute(conn: &rusqlite::Connection, sql: &str, arguments: &[Value]) -> Result<Done> {
    let mut statement = conn.prepare_cached(sql)?;
    bind_lite(&mut statement, arguments)?;
    // Stepped to the end, rows or not, so RETURNING and plain statements run alike.
    let mut rows = statement.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(Done { rows: conn.changes() })
}

impl<'q> Query<'q> {
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.arguments.push(value.into());
        self
    }

    pub(crate) async fn fetch_all(self, conn: &mut Conn<'_>) -> Result<Vec<Row>> {
        match conn {
            Conn::Lite(conn) => lite_rows(conn, self.sql, &self.arguments),
            Conn::Pg(conn) => {
                let rows = sqlx::query_with(self.sql, pg_arguments(self.arguments)?).fetch_all(&mut **conn).await?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    pub(crate) async fn fetch_optional(self, conn: &mut Conn<'_>) -> Result<Option<Row>> {
        match conn {
            Conn::Lite(conn) => Ok(lite_rows(conn, self.sql, &self.arguments)?.into_iter().next()),
            Conn::Pg(conn) => {
                let row = sqlx::query_with(self.sql, pg_arguments(self.arguments)?).fetch_optional(&mut **conn).await?;
                row.as_ref().map(pg_row).transpose()
            }
        }
    }

    pub(crate) async fn fetch_one(self, conn: &mut Conn<'_>) -> Result<Row> {
        self.fetch_optional(conn).await?.ok_or_else(|| StoreError::Backend("a statement returned no row".into()))
    }

    pub(crate) async fn execute(self, conn: &mut Conn<'_>) -> Result<Done> {
        match conn {
            Conn::Lite(conn) => lite_execute(conn, self.sql, &self.arguments),
            Conn::Pg(conn) => {
                let done = sqlx::query_with(self.sql, pg_arguments(self.arguments)?).execute(&mut **conn).await?;
                Ok(Done { rows: done.rows_affected() })
            }
        }
    }
}

/// SQLite connections that read beside the writer (WAL lets them), opened as needed and kept.
/// A read holds one only while it runs, which is never across a wait.
pub(crate) struct LiteReaders {
    open: Box<dyn Fn() -> Result<rusqlite::Connection> + Send + Sync>,
    idle: Mutex<Vec<rusqlite::Connection>>,
    keep: usize,
}

impl LiteReaders {
    pub(crate) fn new(
        keep: usize,
        open: impl Fn() -> Result<rusqlite::Connection> + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self { open: Box::new(open), idle: Mutex::new(Vec::new()), keep })
    }

    pub(crate) fn take(self: &Arc<Self>) -> Result<LiteReader> {
        let idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => (self.open)()?,
        };
        Ok(LiteReader { conn: Some(conn), readers: self.clone() })
    }

    /// Closes the idle connections (a connection in use closes when it is given back).
    pub(crate) fn close(&self) {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

/// A reader's connection, given back when dropped.
pub(crate) struct LiteReader {
    conn: Option<rusqlite::Connection>,
    readers: Arc<LiteReaders>,
}

impl LiteReader {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        Conn::Lite(self.conn.as_mut().expect("a reader holds its connection until dropped"))
    }
}

impl Drop for LiteReader {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.readers.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if idle.len() < self.readers.keep {
                idle.push(conn);
            }
        }
    }
}
