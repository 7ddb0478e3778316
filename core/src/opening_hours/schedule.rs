//! Reading opening hours with the IANA time zone database (jiff, behind core's `opening-hours`
//! feature): checking and normalising them, and the status at an instant.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;

use super::{
    Exception, HoursStatus, OpeningHours, Span, MAX_EXCEPTIONS, MAX_SPANS_PER_DAY, SEARCH_DAYS,
};
use crate::settings::{field_error, FieldError};

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

/// Minutes after local midnight, 0 to 1440 (`24:00`).
pub(super) type Minute = u16;
const END_OF_DAY: Minute = 24 * 60;

impl Span {
    fn from_minutes((start, end): (Minute, Minute)) -> Self {
        Self {
            start: clock(start),
            end: clock(end),
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

    /// Whether the launcher is hidden now: closed, and the owner chose to hide it then.
    pub fn hides_launcher_at(&self, now_ms: i64) -> bool {
        self.hide_launcher_when_closed && !self.is_open_at(now_ms)
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
