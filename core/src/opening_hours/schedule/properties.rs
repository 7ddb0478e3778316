//! Property test: for random weeks, exceptions and instants near 2026's clock changes in eight
//! zones, the status agrees with the local clock and the announced next change is real.

use proptest::prelude::*;

use super::*;
use crate::opening_hours::Week;

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
