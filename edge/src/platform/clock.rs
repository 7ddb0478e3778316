//! The current time, from the Workers runtime.

/// Unix seconds now.
pub fn now_seconds() -> i64 {
    (worker::Date::now().as_millis() / 1000) as i64
}

/// Unix milliseconds now.
pub fn now_millis() -> i64 {
    worker::Date::now().as_millis() as i64
}
