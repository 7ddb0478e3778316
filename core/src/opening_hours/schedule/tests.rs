//! What a visitor and an owner would see of opening hours: open or closed at an instant and the
//! real instant of the next change, across daylight-saving changes, holidays and midnight.

use super::*;
use crate::opening_hours::Week;

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
    // The owner hides the launcher while closed: hidden before and after, shown during.
    assert!(popup.hides_launcher_at(utc("2026-01-10T12:00Z")));
    assert!(!popup.hides_launcher_at(utc("2026-06-13T12:00Z")));
    assert!(popup.hides_launcher_at(utc("2026-06-13T15:00Z")));
    let shown = OpeningHours {
        hide_launcher_when_closed: false,
        ..popup
    };
    assert!(!shown.hides_launcher_at(utc("2026-01-10T12:00Z")));
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
