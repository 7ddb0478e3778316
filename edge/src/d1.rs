//! Helpers for binding values to D1 statements and telling constraint failures apart.

use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::error::EdgeError;

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
    ($($v:expr),* $(,)?) => { &[$($crate::d1::Arg::from($v)),*] };
}

/// True when D1 refused a write because of a UNIQUE (or other) constraint,
/// which for us means a concurrent writer got there first: retry the decision.
pub fn is_constraint_violation(e: &EdgeError) -> bool {
    matches!(e, EdgeError::Storage(msg) if msg.contains("constraint"))
}
