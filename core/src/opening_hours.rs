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
//! opening. The module is behind core's `opening-hours` feature, so the visitor's Messenger, which
//! compiles core too, carries no time zone database.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::settings::{field_error, FieldError};

pub const MAX_SPANS_PER_DAY: usize = 4;
pub const MAX_EXCEPTIONS: usize = 200;
/// How far ahead [`OpeningHours::status_at`] looks for the next opening or closing.
pub const SEARCH_DAYS: u16 = 370;

/// Minutes after local midnight, 0 to 1440 (`24:00`).
type Minute = u16;
const END_OF_DAY: Minute = 24 * 60;

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

    fn from_minutes((start, end): (Minute, Minute)) -> Self {
        Self {
            start: clock(start),
            end: clock(end),
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

impl OpeningHours {
    /// Checks every field (the first problem found is returned, its field named as
    /// `opening_hours.…`), and returns the hours in their one stored form: the zone's canonical
    /// name, each day's spans in order, the exceptions by date.
    pub fn normalized(mut self) -> Result<Self, FieldError> {
        let schedule = Schedule::compile(&self)?;
        if let Some(name) = schedule.zone.iana_name() {
            self.time_zone = name.to_owned();
        }
        for (day, spans) in self.week.days_mut().into_iter().zip(&schedule.week) {
            *day = spans.iter().copied().map(Span::from_minutes).collect();
        }
        self.exceptions = schedule
            .exceptions
            .iter()
            .map(|(date, spans)| Exception {
                date: date.to_string(),
                spans: spans.iter().copied().map(Span::from_minutes).collect(),
            })
            .collect();
        Ok(self)
    }

    /// Open or closed at `now_ms`, and until when. Hours that do not pass [`Self::normalized`]
    /// (only a document that skipped it) read as [`HoursStatus::AlwaysOpen`], as do instants
    /// outside the years ±9999: the widget then behaves as it would without opening hours rather
    /// than turn visitors away on a guess.
    pub fn status_at(&self, now_ms: i64) -> HoursStatus {
        if !self.enabled {
            return HoursStatus::AlwaysOpen;
        }
        match Schedule::compile(self) {
            Ok(schedule) => schedule.status_at(now_ms),
            Err(_) => HoursStatus::AlwaysOpen,
        }
    }

    pub fn is_open_at(&self, now_ms: i64) -> bool {
        !matches!(self.status_at(now_ms), HoursStatus::Closed { .. })
    }
}

/// The hours read and checked: the zone found, the times in minutes, each day's spans sorted.
struct Schedule {
    zone: TimeZone,
    /// Monday first.
    week: [Vec<(Minute, Minute)>; 7],
    exceptions: BTreeMap<Date, Vec<(Minute, Minute)>>,
}

impl Schedule {
    fn compile(hours: &OpeningHours) -> Result<Self, FieldError> {
        // `Etc/Unknown` is found too (jiff's zone for "no idea"), but it has no IANA name.
        let zone = TimeZone::get(hours.time_zone.trim())
            .ok()
            .filter(|zone| zone.iana_name().is_some())
            .ok_or_else(|| {
                field_error(
                    "opening_hours.time_zone",
                    format!(
                        "{:?} is not an IANA time zone name such as Europe/Lisbon",
                        hours.time_zone
                    ),
                )
            })?;
        let mut week: [Vec<(Minute, Minute)>; 7] = Default::default();
        for (slot, (name, spans)) in week.iter_mut().zip(hours.week.days()) {
            *slot = day_spans(spans)
                .map_err(|reason| field_error(&format!("opening_hours.week.{name}"), reason))?;
        }
        if hours.exceptions.len() > MAX_EXCEPTIONS {
            return Err(field_error(
                "opening_hours.exceptions",
                format!("at most {MAX_EXCEPTIONS} dates"),
            ));
        }
        let mut exceptions = BTreeMap::new();
        for (i, exception) in hours.exceptions.iter().enumerate() {
            let field = |name: &str| format!("opening_hours.exceptions[{i}].{name}");
            let date = parse_date(&exception.date).ok_or_else(|| {
                field_error(
                    &field("date"),
                    format!("{:?} is not a date like 2026-12-25", exception.date),
                )
            })?;
            let spans = day_spans(&exception.spans)
                .map_err(|reason| field_error(&field("spans"), format!("{date}: {reason}")))?;
            if exceptions.insert(date, spans).is_some() {
                return Err(field_error(
                    &field("date"),
                    format!("{date} is listed twice; one date has one entry"),
                ));
            }
        }
        Ok(Self {
            zone,
            week,
            exceptions,
        })
    }

    fn spans_on(&self, date: Date) -> &[(Minute, Minute)] {
        self.exceptions.get(&date).map_or_else(
            || &self.week[date.weekday().to_monday_zero_offset() as usize][..],
            Vec::as_slice,
        )
    }

    /// The instant (Unix ms) a local wall-clock time happens: the first instant after the jump
    /// when a spring-forward skips it, the earlier one when a fall-back repeats it.
    fn instant(&self, date: Date, minute: Minute) -> Option<i64> {
        let (date, minute) = if minute >= END_OF_DAY {
            (date.tomorrow().ok()?, 0)
        } else {
            (date, minute)
        };
        // Both below 60 and 24, so they fit an i8 and make a valid time.
        let local = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        let instant = match self.zone.to_ambiguous_timestamp(local).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(local).ok()?,
            AmbiguousOffset::Fold { before, .. } => before.to_timestamp(local).ok()?,
            AmbiguousOffset::Gap { after, .. } => {
                // Read with the offset after the jump, the time falls before the jump; the
                // jump is the next transition.
                let before_the_jump = after.to_timestamp(local).ok()?;
                self.zone.following(before_the_jump).next()?.timestamp()
            }
        };
        Some(instant.as_millisecond())
    }

    /// Walks the openings as instants, day by day from `now_ms`'s local date (an earlier day's
    /// openings end by that date's midnight, which is not later than `now_ms`), joining those that
    /// touch, until the one that holds `now_ms` ends or the next one starts.
    fn status_at(&self, now_ms: i64) -> HoursStatus {
        let Ok(now) = Timestamp::from_millisecond(now_ms) else {
            return HoursStatus::AlwaysOpen;
        };
        let mut day = Some(self.zone.to_datetime(now).date());
        let holds_now = |(start, end): (i64, i64)| start <= now_ms && now_ms < end;
        // The opening being joined: [start, end) in Unix ms.
        let mut joined: Option<(i64, i64)> = None;
        for _ in 0..=SEARCH_DAYS {
            let Some(today) = day else { break };
            for &(start, end) in self.spans_on(today) {
                let (Some(start), Some(end)) =
                    (self.instant(today, start), self.instant(today, end))
                else {
                    continue;
                };
                if start >= end {
                    // Both ends in one spring-forward jump: never open.
                    continue;
                }
                match joined {
                    Some((joined_start, joined_end)) if start <= joined_end => {
                        joined = Some((joined_start, joined_end.max(end)));
                    }
                    _ => {
                        if let Some(opening) = joined.filter(|&o| holds_now(o)) {
                            return HoursStatus::Open {
                                closes_at_ms: Some(opening.1),
                            };
                        }
                        if start > now_ms {
                            return HoursStatus::Closed {
                                opens_at_ms: Some(start),
                            };
                        }
                        joined = Some((start, end));
                    }
                }
            }
            day = today.tomorrow().ok();
        }
        // Every day before `day` is searched: an opening that ends before `day` begins is over,
        // one that reaches it may go on, beyond what we looked at.
        let searched_until = day.and_then(|day| self.instant(day, 0));
        match joined {
            Some(opening @ (_, end)) if holds_now(opening) => HoursStatus::Open {
                closes_at_ms: searched_until
                    .is_some_and(|until| end < until)
                    .then_some(end),
            },
            _ => HoursStatus::Closed { opens_at_ms: None },
        }
    }
}

/// A day's spans in minutes, checked and sorted; the reason when they are not good.
fn day_spans(spans: &[Span]) -> Result<Vec<(Minute, Minute)>, String> {
    if spans.len() > MAX_SPANS_PER_DAY {
        return Err(format!("at most {MAX_SPANS_PER_DAY} spans a day"));
    }
    let mut minutes = spans
        .iter()
        .map(|span| {
            let start = parse_clock(&span.start)?;
            let end = parse_clock(&span.end)?;
            if start >= end {
                return Err(format!(
                    "{}–{} must end after it starts (hours past midnight go on the next day: \
                     22:00–24:00, then 00:00–02:00)",
                    span.start, span.end
                ));
            }
            Ok((start, end))
        })
        .collect::<Result<Vec<_>, _>>()?;
    minutes.sort_unstable();
    if let Some(pair) = minutes.windows(2).find(|pair| pair[1].0 < pair[0].1) {
        return Err(format!(
            "{}–{} overlaps {}–{}",
            clock(pair[0].0),
            clock(pair[0].1),
            clock(pair[1].0),
            clock(pair[1].1)
        ));
    }
    Ok(minutes)
}

/// `HH:MM` from 00:00 to 24:00, exactly five characters.
fn parse_clock(text: &str) -> Result<Minute, String> {
    let bad = || format!("{text:?} is not a time like 09:00 (00:00 to 24:00)");
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(bad());
    }
    let two = |hi: u8, lo: u8| -> Option<Minute> {
        (hi.is_ascii_digit() && lo.is_ascii_digit())
            .then(|| Minute::from(hi - b'0') * 10 + Minute::from(lo - b'0'))
    };
    let (Some(hours), Some(minutes)) = (two(b[0], b[1]), two(b[3], b[4])) else {
        return Err(bad());
    };
    let minute = hours * 60 + minutes;
    if minutes >= 60 || minute > END_OF_DAY {
        return Err(bad());
    }
    Ok(minute)
}

fn clock(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `YYYY-MM-DD`, a real calendar date.
fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i16> {
        let part = &text[range];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let year = digits(0..4)?;
    let month = i8::try_from(digits(5..7)?).ok()?;
    let day = i8::try_from(digits(8..10)?).ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    /// Unix ms of a UTC instant written `2026-01-12T09:00Z`.
    fn utc(text: &str) -> i64 {
        text.parse::<Timestamp>()
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .as_millisecond()
    }

    fn spans(list: &[(&str, &str)]) -> Vec<Span> {
        list.iter()
            .map(|(start, end)| Span::new(start, end))
            .collect()
    }

    /// Enabled, in `zone`, `weekdays` on Monday to Friday, weekends closed.
    fn hours(zone: &str, weekdays: &[(&str, &str)]) -> OpeningHours {
        let day = || spans(weekdays);
        OpeningHours {
            enabled: true,
            time_zone: zone.to_owned(),
            week: Week {
                mon: day(),
                tue: day(),
                wed: day(),
                thu: day(),
                fri: day(),
                sat: Vec::new(),
                sun: Vec::new(),
            },
            exceptions: Vec::new(),
            hide_launcher_when_closed: false,
        }
    }

    fn closed_week() -> Week {
        Week {
            mon: Vec::new(),
            tue: Vec::new(),
            wed: Vec::new(),
            thu: Vec::new(),
            fri: Vec::new(),
            sat: Vec::new(),
            sun: Vec::new(),
        }
    }

    fn opens(at: &str) -> HoursStatus {
        HoursStatus::Closed {
            opens_at_ms: Some(utc(at)),
        }
    }

    fn closes(at: &str) -> HoursStatus {
        HoursStatus::Open {
            closes_at_ms: Some(utc(at)),
        }
    }

    fn field_of(hours: OpeningHours) -> String {
        hours.normalized().expect_err("should be refused").field
    }

    #[test]
    fn a_lisbon_office_seen_on_saturday_opens_on_monday_morning() {
        let office = hours("Europe/Lisbon", &[("09:00", "18:00")]);
        // January: Lisbon is on UTC (WET).
        assert_eq!(
            office.status_at(utc("2026-01-10T12:00Z")),
            opens("2026-01-12T09:00Z")
        );
        assert!(!office.is_open_at(utc("2026-01-10T12:00Z")));
        assert_eq!(
            office.status_at(utc("2026-01-09T17:59Z")),
            closes("2026-01-09T18:00Z")
        );
        assert!(office.is_open_at(utc("2026-01-09T17:59Z")));
        // Closing and opening instants themselves: closed at 18:00, open at 09:00.
        assert_eq!(
            office.status_at(utc("2026-01-09T18:00Z")),
            opens("2026-01-12T09:00Z")
        );
        assert_eq!(
            office.status_at(utc("2026-01-12T09:00Z")),
            closes("2026-01-12T18:00Z")
        );
        assert_eq!(
            office.status_at(utc("2026-01-12T09:00Z") - 1),
            opens("2026-01-12T09:00Z")
        );
        // The local date decides the day: Monday 00:30 Lisbon in summer is Sunday 23:30 UTC.
        assert_eq!(
            office.status_at(utc("2026-07-12T23:30Z")),
            opens("2026-07-13T08:00Z")
        );
    }

    #[test]
    fn the_eu_clock_changes_move_the_next_opening_by_an_hour_in_utc() {
        let lisbon = hours("Europe/Lisbon", &[("09:00", "18:00")]);
        let berlin = hours("Europe/Berlin", &[("09:00", "18:00")]);
        // Spring forward on Sunday 2026-03-29: Friday closes on winter time, Monday opens on summer time.
        assert_eq!(
            lisbon.status_at(utc("2026-03-27T12:00Z")),
            closes("2026-03-27T18:00Z")
        );
        assert_eq!(
            lisbon.status_at(utc("2026-03-27T19:00Z")),
            opens("2026-03-30T08:00Z")
        );
        assert_eq!(
            utc("2026-03-30T08:00Z") - utc("2026-03-27T18:00Z"),
            62 * HOUR
        );
        assert_eq!(
            berlin.status_at(utc("2026-03-27T12:00Z")),
            closes("2026-03-27T17:00Z")
        );
        assert_eq!(
            berlin.status_at(utc("2026-03-28T12:00Z")),
            opens("2026-03-30T07:00Z")
        );
        // Fall back on Sunday 2026-10-25: the weekend is an hour longer.
        assert_eq!(
            lisbon.status_at(utc("2026-10-23T12:00Z")),
            closes("2026-10-23T17:00Z")
        );
        assert_eq!(
            lisbon.status_at(utc("2026-10-23T18:00Z")),
            opens("2026-10-26T09:00Z")
        );
        assert_eq!(
            utc("2026-10-26T09:00Z") - utc("2026-10-23T17:00Z"),
            64 * HOUR
        );
        assert_eq!(
            berlin.status_at(utc("2026-10-24T12:00Z")),
            opens("2026-10-26T08:00Z")
        );
    }

    #[test]
    fn a_new_york_office_follows_the_us_clock_changes_not_the_eu_ones() {
        let office = hours("America/New_York", &[("09:00", "17:00")]);
        // Spring forward on Sunday 2026-03-08: EST (−5) before, EDT (−4) after.
        assert_eq!(
            office.status_at(utc("2026-03-06T15:00Z")),
            closes("2026-03-06T22:00Z")
        );
        assert_eq!(
            office.status_at(utc("2026-03-07T17:00Z")),
            opens("2026-03-09T13:00Z")
        );
        // Between the US and the EU change, New York is on summer time and Europe is not.
        assert_eq!(
            office.status_at(utc("2026-03-20T23:00Z")),
            opens("2026-03-23T13:00Z")
        );
        // Fall back on Sunday 2026-11-01.
        assert_eq!(
            office.status_at(utc("2026-10-31T17:00Z")),
            opens("2026-11-02T14:00Z")
        );
        // Between the EU change (Oct 25) and the US one, New York is still on EDT.
        assert_eq!(
            office.status_at(utc("2026-10-27T12:00Z")),
            opens("2026-10-27T13:00Z")
        );
    }

    #[test]
    fn an_opening_time_skipped_by_spring_forward_opens_when_the_clocks_have_jumped() {
        // Berlin skips 02:00–03:00 on 2026-03-29: 01:00 UTC is 03:00 CEST.
        let mut night = hours("Europe/Berlin", &[]);
        night.week.sun = spans(&[("02:30", "05:00")]);
        assert_eq!(
            night.status_at(utc("2026-03-28T23:00Z")),
            opens("2026-03-29T01:00Z")
        );
        assert!(!night.is_open_at(utc("2026-03-29T01:00Z") - 1));
        assert_eq!(
            night.status_at(utc("2026-03-29T01:00Z")),
            closes("2026-03-29T03:00Z")
        );
        // A week later it is an ordinary 02:30 CEST.
        assert_eq!(
            night.status_at(utc("2026-03-29T04:00Z")),
            opens("2026-04-05T00:30Z")
        );

        // A span wholly inside the jump never happens that day.
        night.week.sun = spans(&[("02:10", "02:50")]);
        assert_eq!(
            night.status_at(utc("2026-03-28T23:00Z")),
            opens("2026-04-05T00:10Z")
        );
    }

    #[test]
    fn a_time_repeated_by_fall_back_counts_the_first_time() {
        // New York repeats 01:00–02:00 on 2026-11-01: first EDT (05:00–06:00 UTC), then EST.
        let mut night = hours("America/New_York", &[]);
        night.week.sun = spans(&[("00:00", "01:30")]);
        assert_eq!(
            night.status_at(utc("2026-11-01T04:30Z")),
            closes("2026-11-01T05:30Z")
        );
        night.week.sun = spans(&[("01:30", "03:00")]);
        assert_eq!(
            night.status_at(utc("2026-11-01T04:30Z")),
            opens("2026-11-01T05:30Z")
        );
        assert_eq!(
            night.status_at(utc("2026-11-01T06:00Z")),
            closes("2026-11-01T08:00Z")
        );
    }

    #[test]
    fn a_whole_day_covers_a_23_and_a_25_hour_sunday() {
        let mut sundays = hours("Europe/Berlin", &[]);
        sundays.week.sun = spans(&[("00:00", "24:00")]);
        // 2026-03-29 runs 23 hours: 23:00Z Saturday to 22:00Z Sunday.
        assert_eq!(
            sundays.status_at(utc("2026-03-28T22:59Z")),
            opens("2026-03-28T23:00Z")
        );
        assert_eq!(
            sundays.status_at(utc("2026-03-29T21:59Z")),
            closes("2026-03-29T22:00Z")
        );
        // 2026-10-25 runs 25 hours: 22:00Z Saturday to 23:00Z Sunday.
        assert_eq!(
            sundays.status_at(utc("2026-10-24T21:00Z")),
            opens("2026-10-24T22:00Z")
        );
        assert_eq!(
            sundays.status_at(utc("2026-10-25T22:30Z")),
            closes("2026-10-25T23:00Z")
        );
    }

    #[test]
    fn spans_that_touch_across_midnight_are_one_opening() {
        let mut late = hours("Europe/Lisbon", &[]);
        late.week.fri = spans(&[("22:00", "24:00")]);
        late.week.sat = spans(&[("00:00", "02:00")]);
        assert_eq!(
            late.status_at(utc("2026-01-09T22:30Z")),
            closes("2026-01-10T02:00Z")
        );
        assert_eq!(
            late.status_at(utc("2026-01-10T00:00Z")),
            closes("2026-01-10T02:00Z")
        );
        // Within a day too.
        let split = hours("Europe/Lisbon", &[("09:00", "12:00"), ("12:00", "17:00")]);
        assert_eq!(
            split.status_at(utc("2026-01-12T10:00Z")),
            closes("2026-01-12T17:00Z")
        );
        // A real break is a closing.
        let lunch = hours("Europe/Lisbon", &[("09:00", "12:00"), ("13:00", "17:00")]);
        assert_eq!(
            lunch.status_at(utc("2026-01-12T10:00Z")),
            closes("2026-01-12T12:00Z")
        );
        assert_eq!(
            lunch.status_at(utc("2026-01-12T12:30Z")),
            opens("2026-01-12T13:00Z")
        );
    }

    #[test]
    fn a_holiday_closes_a_weekday_and_a_short_day_closes_early() {
        let mut office = hours("Europe/Lisbon", &[("09:00", "18:00")]);
        office.exceptions = vec![
            Exception {
                date: "2026-12-25".to_owned(),
                spans: Vec::new(),
            },
            Exception {
                date: "2026-12-24".to_owned(),
                spans: spans(&[("09:00", "13:00")]),
            },
        ];
        assert_eq!(
            office.status_at(utc("2026-12-24T12:00Z")),
            closes("2026-12-24T13:00Z")
        );
        // Christmas is a Friday: after the short Thursday, next is Monday.
        assert_eq!(
            office.status_at(utc("2026-12-24T14:00Z")),
            opens("2026-12-28T09:00Z")
        );
        assert_eq!(
            office.status_at(utc("2026-12-25T10:00Z")),
            opens("2026-12-28T09:00Z")
        );
        // The weeks around stay as they are.
        assert_eq!(
            office.status_at(utc("2026-12-18T10:00Z")),
            closes("2026-12-18T18:00Z")
        );
    }

    #[test]
    fn an_exception_is_the_businesss_local_date() {
        // Auckland is UTC+13 in December: its 25th starts at 11:00 UTC on the 24th.
        let mut office = hours("Pacific/Auckland", &[("09:00", "17:00")]);
        office.exceptions = vec![Exception {
            date: "2026-12-25".to_owned(),
            spans: Vec::new(),
        }];
        // Thursday the 24th, 09:00 local, is open; Friday the 25th, 09:00 local, is not.
        assert_eq!(
            office.status_at(utc("2026-12-23T20:00Z")),
            closes("2026-12-24T04:00Z")
        );
        assert_eq!(
            office.status_at(utc("2026-12-24T20:00Z")),
            opens("2026-12-27T20:00Z")
        );
    }

    #[test]
    fn off_is_always_open_and_no_hours_at_all_never_opens() {
        let mut off = hours("Europe/Lisbon", &[("09:00", "18:00")]);
        off.enabled = false;
        assert_eq!(
            off.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::AlwaysOpen
        );
        assert!(off.is_open_at(utc("2026-01-10T12:00Z")));
        assert_eq!(
            OpeningHours::default().status_at(0),
            HoursStatus::AlwaysOpen
        );

        let never = OpeningHours {
            enabled: true,
            week: closed_week(),
            ..OpeningHours::default()
        };
        assert_eq!(
            never.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::Closed { opens_at_ms: None }
        );
        assert!(!never.is_open_at(utc("2026-01-10T12:00Z")));

        // Open around the clock: it never closes within the search.
        let all = || spans(&[("00:00", "24:00")]);
        let always = OpeningHours {
            enabled: true,
            week: Week {
                mon: all(),
                tue: all(),
                wed: all(),
                thu: all(),
                fri: all(),
                sat: all(),
                sun: all(),
            },
            ..OpeningHours::default()
        };
        assert_eq!(
            always.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::Open { closes_at_ms: None }
        );

        // A closed day 370 days ahead is found; one a day further is beyond the search.
        let mut always_but = always.clone();
        always_but.exceptions = vec![Exception {
            date: "2027-01-15".to_owned(),
            spans: Vec::new(),
        }];
        assert_eq!(
            always_but.status_at(utc("2026-01-10T12:00Z")),
            closes("2027-01-15T00:00Z")
        );
        always_but.exceptions[0].date = "2027-01-16".to_owned();
        assert_eq!(
            always_but.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::Open { closes_at_ms: None }
        );
    }

    #[test]
    fn a_single_opening_in_the_year_closes_and_opens_on_time() {
        // A pop-up: closed every week, open on one date only.
        let popup = OpeningHours {
            enabled: true,
            time_zone: "Europe/Lisbon".to_owned(),
            week: closed_week(),
            exceptions: vec![Exception {
                date: "2026-06-13".to_owned(),
                spans: spans(&[("10:00", "16:00")]),
            }],
            hide_launcher_when_closed: true,
        };
        assert_eq!(
            popup.status_at(utc("2026-01-10T12:00Z")),
            opens("2026-06-13T09:00Z")
        );
        assert_eq!(
            popup.status_at(utc("2026-06-13T12:00Z")),
            closes("2026-06-13T15:00Z")
        );
        assert_eq!(
            popup.status_at(utc("2026-06-13T15:00Z")),
            HoursStatus::Closed { opens_at_ms: None }
        );
    }

    #[test]
    fn a_document_that_skipped_validation_reads_as_always_open() {
        let mut broken = hours("Mars/Olympus_Mons", &[("09:00", "18:00")]);
        assert_eq!(
            broken.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::AlwaysOpen
        );
        broken.time_zone = "UTC".to_owned();
        broken.week.mon = spans(&[("18:00", "09:00")]);
        assert_eq!(
            broken.status_at(utc("2026-01-10T12:00Z")),
            HoursStatus::AlwaysOpen
        );
    }

    #[test]
    fn validation_names_the_field_that_is_wrong() {
        let good = || hours("Europe/Lisbon", &[("09:00", "18:00")]);

        let mut bad = good();
        bad.time_zone = "Europe/Lisbn".to_owned();
        let error = bad.normalized().unwrap_err();
        assert_eq!(error.field, "opening_hours.time_zone");
        assert!(error.reason.contains("Europe/Lisbn"), "{error}");
        for zone in ["", "Etc/Unknown", "+01:00", "Lisbon"] {
            let mut bad = good();
            bad.time_zone = zone.to_owned();
            assert_eq!(field_of(bad), "opening_hours.time_zone", "{zone:?}");
        }

        let mut bad = good();
        bad.week.tue = spans(&[("18:00", "09:00")]);
        assert_eq!(field_of(bad), "opening_hours.week.tue");
        let mut bad = good();
        bad.week.tue = spans(&[("09:00", "09:00")]);
        assert_eq!(field_of(bad), "opening_hours.week.tue");

        let mut bad = good();
        bad.week.wed = spans(&[("13:00", "17:00"), ("09:00", "13:30")]);
        let error = bad.normalized().unwrap_err();
        assert_eq!(error.field, "opening_hours.week.wed");
        assert_eq!(error.reason, "09:00–13:30 overlaps 13:00–17:00");

        let mut bad = good();
        bad.week.sat = spans(&[
            ("08:00", "09:00"),
            ("10:00", "11:00"),
            ("12:00", "13:00"),
            ("14:00", "15:00"),
            ("16:00", "17:00"),
        ]);
        assert_eq!(field_of(bad), "opening_hours.week.sat");

        for time in [
            "9:00", "24:30", "25:00", "12:60", "12.00", "", " 09:00", "０9:00",
        ] {
            let mut bad = good();
            bad.week.sun = spans(&[(time, "24:00")]);
            assert_eq!(field_of(bad), "opening_hours.week.sun", "{time:?}");
        }

        for date in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-05",
            "26-01-05",
            "2026/01/05",
            "+026-01-05",
        ] {
            let mut bad = good();
            bad.exceptions = vec![
                Exception {
                    date: "2026-01-01".to_owned(),
                    spans: Vec::new(),
                },
                Exception {
                    date: date.to_owned(),
                    spans: Vec::new(),
                },
            ];
            assert_eq!(
                field_of(bad),
                "opening_hours.exceptions[1].date",
                "{date:?}"
            );
        }

        let mut bad = good();
        bad.exceptions = vec![
            Exception {
                date: "2026-12-24".to_owned(),
                spans: Vec::new(),
            },
            Exception {
                date: "2026-12-24".to_owned(),
                spans: spans(&[("09:00", "12:00")]),
            },
        ];
        assert_eq!(field_of(bad), "opening_hours.exceptions[1].date");

        let mut bad = good();
        bad.exceptions = vec![Exception {
            date: "2026-12-24".to_owned(),
            spans: spans(&[("12:00", "11:00")]),
        }];
        assert_eq!(field_of(bad), "opening_hours.exceptions[0].spans");

        let mut bad = good();
        let day = Date::new(2026, 1, 1).unwrap();
        bad.exceptions = (0..=MAX_EXCEPTIONS as i32)
            .map(|n| Exception {
                date: day
                    .checked_add(jiff::Span::new().days(n))
                    .unwrap()
                    .to_string(),
                spans: Vec::new(),
            })
            .collect();
        assert_eq!(field_of(bad.clone()), "opening_hours.exceptions");
        bad.exceptions.pop();
        assert!(bad.normalized().is_ok());
    }

    #[test]
    fn normalizing_sorts_and_names_the_zone_as_the_database_does() {
        let mut messy = hours(
            "  europe/lisbon ",
            &[("14:00", "18:00"), ("09:00", "12:00")],
        );
        messy.exceptions = vec![
            Exception {
                date: "2026-12-31".to_owned(),
                spans: spans(&[("15:00", "16:00"), ("10:00", "12:00")]),
            },
            Exception {
                date: "2026-12-24".to_owned(),
                spans: Vec::new(),
            },
        ];
        let clean = messy.normalized().unwrap();
        assert_eq!(clean.time_zone, "Europe/Lisbon");
        assert_eq!(
            clean.week.mon,
            spans(&[("09:00", "12:00"), ("14:00", "18:00")])
        );
        let dates: Vec<&str> = clean.exceptions.iter().map(|e| e.date.as_str()).collect();
        assert_eq!(dates, ["2026-12-24", "2026-12-31"]);
        assert_eq!(
            clean.exceptions[1].spans,
            spans(&[("10:00", "12:00"), ("15:00", "16:00")])
        );
        assert_eq!(clean.clone().normalized(), Ok(clean));
        assert_eq!(
            OpeningHours::default().normalized(),
            Ok(OpeningHours::default())
        );
    }

    #[test]
    fn the_json_shape_round_trips_and_unknown_fields_are_refused() {
        let json = serde_json::json!({
            "enabled": true,
            "time_zone": "Europe/Lisbon",
            "week": {
                "mon": [["09:00", "12:30"], ["14:00", "18:00"]],
                "tue": [["09:00", "18:00"]],
                "wed": [["09:00", "18:00"]],
                "thu": [["09:00", "18:00"]],
                "fri": [["09:00", "18:00"], ["22:00", "24:00"]],
                "sat": [["00:00", "02:00"]],
                "sun": []
            },
            "exceptions": [
                {"date": "2026-12-24", "spans": [["09:00", "13:00"]]},
                {"date": "2026-12-25", "spans": []}
            ],
            "hide_launcher_when_closed": true
        });
        let parsed: OpeningHours = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(parsed.week.mon[1], Span::new("14:00", "18:00"));
        assert_eq!(parsed.exceptions[1].date, "2026-12-25");
        assert!(parsed.hide_launcher_when_closed);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json);
        assert_eq!(parsed.clone().normalized(), Ok(parsed));

        // The two optional fields may be left out.
        let short = serde_json::json!({
            "enabled": false,
            "time_zone": "UTC",
            "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
                     "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
                     "fri": [["09:00", "17:00"]], "sat": [], "sun": []}
        });
        assert_eq!(
            serde_json::from_value::<OpeningHours>(short.clone()).unwrap(),
            OpeningHours::default()
        );

        let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut value = json.clone();
            edit(&mut value);
            serde_json::from_value::<OpeningHours>(value).is_err()
        };
        assert!(refused(&|v| v["open_on_holidays"] = true.into()));
        assert!(refused(&|v| v["week"]["hol"] = serde_json::json!([])));
        assert!(refused(&|v| v["exceptions"][0]["note"] = "Xmas".into()));
        assert!(refused(
            &|v| v["week"]["mon"][0] = serde_json::json!(["09:00"])
        ));
        assert!(refused(
            &|v| v["week"]["mon"][0] = serde_json::json!(["09:00", "10:00", "11:00"])
        ));
        assert!(refused(&|v| {
            v["week"].as_object_mut().unwrap().remove("sun");
        }));

        assert_eq!(
            serde_json::to_value(HoursStatus::Closed {
                opens_at_ms: Some(5)
            })
            .unwrap(),
            serde_json::json!({"state": "closed", "opens_at_ms": 5})
        );
        assert_eq!(
            serde_json::to_value(HoursStatus::Open { closes_at_ms: None }).unwrap(),
            serde_json::json!({"state": "open", "closes_at_ms": null})
        );
        assert_eq!(
            serde_json::to_value(HoursStatus::AlwaysOpen).unwrap(),
            serde_json::json!({"state": "always_open"})
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// Zones with the usual changes, one with a 30-minute change (Lord Howe), ones that change
        /// at midnight (Santiago, Havana), the southern hemisphere, and one that never changes.
        const ZONES: [&str; 8] = [
            "Europe/Berlin",
            "Europe/Lisbon",
            "America/New_York",
            "Australia/Lord_Howe",
            "America/Santiago",
            "America/Havana",
            "Pacific/Auckland",
            "Asia/Kolkata",
        ];
        const START_2026: i64 = 1_767_225_600_000;
        const START_2027: i64 = 1_798_761_600_000;
        const MINUTE: i64 = 60_000;

        /// Up to four spans on the quarter hour, sorted; some touch.
        fn day() -> impl Strategy<Value = Vec<Span>> {
            prop::collection::vec(0..=96u16, 0..=8).prop_map(|mut marks| {
                marks.sort_unstable();
                marks
                    .chunks_exact(2)
                    .filter(|pair| pair[0] < pair[1])
                    .map(|pair| Span::from_minutes((pair[0] * 15, pair[1] * 15)))
                    .collect()
            })
        }

        /// Hours in one of the zones above, and an instant in 2026: half the time within six
        /// hours of one of the zone's clock changes, with exceptions on the days around it.
        fn hours_and_instant() -> impl Strategy<Value = (OpeningHours, i64)> {
            let week = [day(), day(), day(), day(), day(), day(), day()];
            let exceptions = prop::collection::btree_map(-3..=3i64, day(), 0..3);
            let near_a_change = (any::<prop::sample::Index>(), -360..=360i64);
            (
                prop::sample::select(&ZONES[..]),
                week,
                exceptions,
                prop::option::of(near_a_change),
                START_2026..START_2027,
            )
                .prop_map(|(zone_name, week, exceptions, near, anywhere)| {
                    let zone = TimeZone::get(zone_name).unwrap();
                    let changes: Vec<i64> = zone
                        .following(Timestamp::from_millisecond(START_2026).unwrap())
                        .map(|change| change.timestamp().as_millisecond())
                        .take_while(|&at| at < START_2027)
                        .collect();
                    let now = match near {
                        Some((which, minutes)) if !changes.is_empty() => {
                            changes[which.index(changes.len())] + minutes * MINUTE
                        }
                        _ => anywhere,
                    };
                    let today = zone
                        .to_datetime(Timestamp::from_millisecond(now).unwrap())
                        .date();
                    let [mon, tue, wed, thu, fri, sat, sun] = week;
                    let hours = OpeningHours {
                        enabled: true,
                        time_zone: zone_name.to_owned(),
                        week: Week {
                            mon,
                            tue,
                            wed,
                            thu,
                            fri,
                            sat,
                            sun,
                        },
                        exceptions: exceptions
                            .into_iter()
                            .map(|(offset, spans)| Exception {
                                date: today
                                    .checked_add(jiff::Span::new().days(offset))
                                    .unwrap()
                                    .to_string(),
                                spans,
                            })
                            .collect(),
                        hide_launcher_when_closed: false,
                    };
                    (hours, now)
                })
        }

        /// Open by the wall clock: the local time falls in one of the local date's spans.
        fn open_by_wall_clock(hours: &OpeningHours, now_ms: i64) -> bool {
            let schedule = Schedule::compile(hours).unwrap();
            let local = schedule
                .zone
                .to_datetime(Timestamp::from_millisecond(now_ms).unwrap());
            let minute = local.hour() as u16 * 60 + local.minute() as u16;
            schedule
                .spans_on(local.date())
                .iter()
                .any(|&(start, end)| start <= minute && minute < end)
        }

        /// In an hour a fall-back repeats, the first pass decides, so the wall clock alone cannot.
        fn in_a_repeated_hour(hours: &OpeningHours, now_ms: i64) -> bool {
            let zone = TimeZone::get(&hours.time_zone).unwrap();
            let local = zone.to_datetime(Timestamp::from_millisecond(now_ms).unwrap());
            matches!(
                zone.to_ambiguous_timestamp(local).offset(),
                AmbiguousOffset::Fold { .. }
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            /// Outside a repeated hour, open means what the wall clock says; the announced change
            /// happens exactly then, and nothing changes before it.
            #[test]
            fn status_agrees_with_the_wall_clock_and_its_next_change_is_real(
                (hours, now) in hours_and_instant(),
                probes in prop::collection::vec(0.0..1.0f64, 6),
            ) {
                let hours = hours.normalized().unwrap();
                let status = hours.status_at(now);
                if !in_a_repeated_hour(&hours, now) {
                    prop_assert_eq!(hours.is_open_at(now), open_by_wall_clock(&hours, now));
                }
                let (open, change) = match status {
                    HoursStatus::Open { closes_at_ms } => (true, closes_at_ms),
                    HoursStatus::Closed { opens_at_ms } => (false, opens_at_ms),
                    HoursStatus::AlwaysOpen => panic!("enabled hours are never always open"),
                };
                if let Some(change) = change {
                    prop_assert!(change > now);
                    prop_assert_eq!(hours.status_at(change - 1), status);
                    prop_assert_eq!(hours.is_open_at(change), !open);
                    for probe in probes {
                        let between = now + ((change - now) as f64 * probe) as i64;
                        prop_assert_eq!(hours.status_at(between), status);
                    }
                }
            }
        }
    }
}
