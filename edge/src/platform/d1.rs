//! The D1 database handle every feature's store uses ([`Db`]), and helpers for binding values
//! to statements and decoding rows one by one.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use crate::error::EdgeError;

/// The `DB` binding: each feature's store holds a reference to it and prepares its own statements.
pub struct Db {
    db: D1Database,
}

impl Db {
    pub fn new(env: &Env) -> Result<Self, EdgeError> {
        Ok(Self { db: env.d1("DB")? })
    }

    pub fn stmt(&self, sql: &str, args: &[Arg<'_>]) -> Result<D1PreparedStatement, EdgeError> {
        statement(&self.db, sql, args)
    }

    /// Runs statements atomically (a D1 batch is one transaction, and D1 runs one at a time),
    /// with each statement's result.
    pub async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> Result<Vec<D1Result>, EdgeError> {
        Ok(self.db.batch(statements).await?)
    }
}

/// One bound value.
pub enum Arg<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

impl From<bool> for Arg<'_> {
    fn from(b: bool) -> Self {
        Arg::Int(i64::from(b))
    }
}

impl<'a, T: Into<Arg<'a>>> From<Option<T>> for Arg<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Arg::Null, Into::into)
    }
}

impl Arg<'_> {
    fn js(&self) -> JsValue {
        match self {
            Arg::Text(s) => JsValue::from_str(s),
            // D1 numbers are JS numbers: exact up to 2^53, far beyond any timestamp or count here.
            Arg::Int(n) => JsValue::from_f64(*n as f64),
            Arg::Null => JsValue::null(),
        }
    }
}

/// `db.prepare(sql).bind(args)`.
pub fn statement(
    db: &D1Database,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<D1PreparedStatement, EdgeError> {
    let values: Vec<JsValue> = args.iter().map(Arg::js).collect();
    Ok(db.prepare(sql).bind(&values)?)
}

/// Builds an argument list: `args![a, b, None::<&str>]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::platform::d1::Arg::from($v)),*] };
}

/// The rows of a result, each decoded on its own: a row that does not decode (a value stored
/// before it was validated, say) is logged with its id and skipped, so one bad row never fails
/// a whole list or a later delivery.
pub fn decode_rows<T: DeserializeOwned>(
    result: &D1Result,
    what: &str,
) -> Result<Vec<T>, EdgeError> {
    let rows: Vec<serde_json::Value> = result.results()?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match serde_json::from_value::<T>(row.clone()) {
            Ok(decoded) => Some(decoded),
            Err(e) => {
                let id = row
                    .get("id")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("?");
                worker::console_error!("skipped an undecodable {what} row {id}: {e}");
                None
            }
        })
        .collect())
}

/// Whether a statement of a batch (`None`: not there) returned a row — how a conditional
/// `INSERT … SELECT … RETURNING` or `UPDATE … RETURNING` says it acted.
pub fn returned_a_row(result: Option<&D1Result>) -> Result<bool, EdgeError> {
    Ok(match result {
        Some(r) => !r.results::<serde_json::Value>()?.is_empty(),
        None => false,
    })
}
