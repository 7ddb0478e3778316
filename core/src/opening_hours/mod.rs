//! A business's opening hours, and whether it is open at an instant.
//!
//! The owner writes the hours in the business's local time: a week of spans (`["09:00","17:30"]`,
//! up to four a day, `24:00` for the end of a day, none across midnight: 22:00–24:00 and then
//! 00:00–02:00 on the next day), and dated exceptions that replace the week on their local date
//! (no spans: closed all day). [`OpeningHours::status_at`] answers for an instant given as Unix
//! milliseconds, with the real instant of the next change.
//!
//! Local times become instants through the IANA time zone database that jiff bundles: a time that
//! a spring-forward skips opens at the first instant after the jump, a time that a fall-back
//! repeats counts the first time it happens, `24:00` is the next day's midnight (so 00:00–24:00
//! covers a 23- or a 25-hour day whole), and spans that touch, across midnight too, are one
//! opening. The types (what the settings document holds) are always here; the reading of them
//! ([`OpeningHours::normalized`], [`OpeningHours::status_at`], in `schedule`) is behind core's
//! `opening-hours` feature, so the visitor's Messenger and the console, which compile core too,
//! carry no time zone database.

use serde::{Deserialize, Serialize};

#[cfg(feature = "opening-hours")]
mod schedule;

pub const MAX_SPANS_PER_DAY: usize = 4;
pub const MAX_EXCEPTIONS: usize = 200;
/// How far ahead [`OpeningHours::status_at`] looks for the next opening or closing.
pub const SEARCH_DAYS: u16 = 370;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// Off: always open, whatever the rest says.
    pub enabled: bool,
    /// IANA name, such as `Europe/Lisbon`.
    pub time_zone: String,
    pub week: Week,
    /// Dates whose hours replace the week's; at most [`MAX_EXCEPTIONS`], one per date.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
    /// The widget hides its launcher while closed (else it stays, saying when the business opens).
    #[serde(default)]
    pub hide_launcher_when_closed: bool,
}

/// The weekly hours, at most [`MAX_SPANS_PER_DAY`] spans a day; a day without spans is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Week {
    pub mon: Vec<Span>,
    pub tue: Vec<Span>,
    pub wed: Vec<Span>,
    pub thu: Vec<Span>,
    pub fri: Vec<Span>,
    pub sat: Vec<Span>,
    pub sun: Vec<Span>,
}

/// From `start` to `end`, local wall-clock times `HH:MM`; `end` may be `24:00`.
/// In JSON: `["09:00","17:30"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[String; 2]", into = "[String; 2]")]
pub struct Span {
    pub start: String,
    pub end: String,
}

/// One local date's hours in place of the week's: `{"date":"2026-12-25","spans":[]}` closes the
/// business that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// `YYYY-MM-DD`, in the business's time zone.
    pub date: String,
    pub spans: Vec<Span>,
}

/// Whether the business is open, and the instant (Unix milliseconds) that changes it: `None`
/// when nothing changes within [`SEARCH_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HoursStatus {
    /// Opening hours are off (or cannot be read: see [`OpeningHours::status_at`]).
    AlwaysOpen,
    Open {
        closes_at_ms: Option<i64>,
    },
    Closed {
        opens_at_ms: Option<i64>,
    },
}

impl Span {
    pub fn new(start: &str, end: &str) -> Self {
        Self {
            start: start.to_owned(),
            end: end.to_owned(),
        }
    }
}

impl From<[String; 2]> for Span {
    fn from([start, end]: [String; 2]) -> Self {
        Self { start, end }
    }
}

impl From<Span> for [String; 2] {
    fn from(span: Span) -> Self {
        [span.start, span.end]
    }
}

impl Week {
    /// Monday first, with each day's JSON name.
    #[cfg_attr(not(feature = "opening-hours"), allow(dead_code))]
    fn days(&self) -> [(&'static str, &[Span]); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }

    #[cfg_attr(not(feature = "opening-hours"), allow(dead_code))]
    fn days_mut(&mut self) -> [&mut Vec<Span>; 7] {
        [
            &mut self.mon,
            &mut self.tue,
            &mut self.wed,
            &mut self.thu,
            &mut self.fri,
            &mut self.sat,
            &mut self.sun,
        ]
    }
}

impl Default for OpeningHours {
    /// Off; when switched on, Monday to Friday 09:00–17:00 UTC.
    fn default() -> Self {
        let office = || vec![Span::new("09:00", "17:00")];
        Self {
            enabled: false,
            time_zone: "UTC".to_owned(),
            week: Week {
                mon: office(),
                tue: office(),
                wed: office(),
                thu: office(),
                fri: office(),
                sat: Vec::new(),
                sun: Vec::new(),
            },
            exceptions: Vec::new(),
            hide_launcher_when_closed: false,
        }
    }
}
