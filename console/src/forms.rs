//! Pure helpers behind the console's forms and thread view: text fields to
//! settings values and back, how each message type reads, durations. Tested natively.

use std::collections::BTreeMap;

use serde_json::Value;
use switchboard_core::api::MessageView;
use switchboard_core::reset::ResetDays;

/// What the reset does, beside both reset fields (a number's and the project's).
pub const RESET_EXPLANATION: &str = "A customer's message opens a new conversation when the last message between you and them — theirs, or one of yours that was not refused, such as a template — is more than this many days older. So each conversation measures one request (response times, resolution KPIs and CSAT stay clean), and a customer answering your template continues that conversation.";

/// One origin per line (blank lines ignored).
pub fn parse_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `DE = 106540352242922` per line → country map; the line that does not parse is named.
pub fn parse_country_map(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for line in parse_lines(text) {
        let (country, id) = line
            .split_once('=')
            .ok_or_else(|| format!("“{line}” should look like DE = <phone number id>"))?;
        map.insert(country.trim().to_ascii_uppercase(), id.trim().to_owned());
    }
    Ok(map)
}

pub fn format_country_map(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(c, id)| format!("{c} = {id}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The reset-days field: `inherit` (number only), `off`, or a number of days.
pub fn reset_days_label(days: Option<ResetDays>) -> String {
    match days {
        None => "project default".to_owned(),
        Some(d) => match d.get() {
            None => "off".to_owned(),
            Some(1) => "1 day".to_owned(),
            Some(n) => format!("{n} days"),
        },
    }
}

/// Parses what the owner typed into the reset-days box: a number, `off`, or empty for the default.
pub fn parse_reset_days(text: &str, allow_inherit: bool) -> Result<Option<ResetDays>, String> {
    let text = text.trim();
    if text.is_empty() && allow_inherit {
        return Ok(None);
    }
    if text.eq_ignore_ascii_case("off") {
        return Ok(Some(ResetDays::OFF));
    }
    text.parse::<u16>()
        .ok()
        .and_then(ResetDays::days)
        .map(Some)
        .ok_or_else(|| "reset days must be 1–365, or off".to_owned())
}

pub fn reset_days_input(days: Option<ResetDays>) -> String {
    match days {
        None => String::new(),
        Some(d) => d.get().map_or_else(|| "off".to_owned(), |n| n.to_string()),
    }
}

/// How a message reads in the thread: text as is; media, locations, reactions and others labelled.
pub fn describe(message: &MessageView) -> String {
    let content = message.content.as_ref();
    let field = |key: &str| {
        content
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let with_text = |label: String| match &message.text {
        Some(t) if !t.is_empty() => format!("{label} — {t}"),
        _ => label,
    };
    match message.kind.as_str() {
        "text" => message.text.clone().unwrap_or_default(),
        "image" | "audio" | "video" | "document" | "sticker" => {
            let mut label = format!("[{}", capitalize(&message.kind));
            if let Some(name) = field("filename") {
                label.push_str(&format!(": {name}"));
            }
            if let Some(mime) = field("mime_type") {
                label.push_str(&format!(", {mime}"));
            }
            label.push(']');
            with_text(label)
        }
        "location" => {
            let lat = content
                .and_then(|c| c.get("latitude"))
                .and_then(Value::as_f64)
                .unwrap_or_default();
            let lon = content
                .and_then(|c| c.get("longitude"))
                .and_then(Value::as_f64)
                .unwrap_or_default();
            with_text(format!("[Location {lat:.5}, {lon:.5}]"))
        }
        "reaction" => format!(
            "Reacted {} to a message",
            field("emoji").unwrap_or_else(|| "(removed)".to_owned())
        ),
        "contacts" => with_text("[Shared contact]".to_owned()),
        "interactive" | "button" => with_text("[Button reply]".to_owned()),
        "template" => message
            .text
            .clone()
            .unwrap_or_else(|| "[Template]".to_owned()),
        other => format!("[Unsupported message type: {other}]"),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `95` → `1 min 35 s`; `7260` → `2 h 1 min`.
pub fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// The KPI table's lines: (metric, with the reset, without it).
pub fn kpi_lines(
    with: &switchboard_core::kpi::Kpis,
    without: &switchboard_core::kpi::Kpis,
) -> Vec<(&'static str, String, String)> {
    use switchboard_core::kpi::Kpis;
    let dash = || "—".to_owned();
    let secs = |v: Option<i64>| v.map(duration).unwrap_or_else(dash);
    let pct = |v: Option<f64>| v.map(|p| format!("{p:.0} %")).unwrap_or_else(dash);
    let line = |name: &'static str, f: &dyn Fn(&Kpis) -> String| (name, f(with), f(without));
    vec![
        line("Conversations opened", &|k| {
            k.conversations_opened.to_string()
        }),
        line("Resets applied", &|k| k.resets_applied.to_string()),
        line("Median first response", &|k| {
            secs(k.median_first_response_seconds)
        }),
        line("Median resolution time", &|k| {
            secs(k.median_resolution_seconds)
        }),
        line("CSAT (rated 4–5)", &|k| {
            format!("{} of {} rated", pct(k.csat_percent), k.surveys_answered)
        }),
        line("Survey response rate", &|k| {
            format!(
                "{} of {} asked",
                pct(k.survey_response_percent),
                k.surveys_asked
            )
        }),
        line("Conversations per customer", &|k| {
            k.conversations_per_customer
                .map(|c| format!("{c:.2}"))
                .unwrap_or_else(dash)
        }),
    ]
}

/// How long ago `then_ms` was, at `now_ms`, for the Webhook panel: `just now`, `3 min ago`.
pub fn ago(now_ms: i64, then_ms: i64) -> String {
    let seconds = (now_ms - then_ms).max(0) / 1000;
    if seconds < 10 {
        "just now".to_owned()
    } else {
        format!("{} ago", duration(seconds))
    }
}

/// A secret shown masked until revealed: its first four characters, then dots.
pub fn masked(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    format!(
        "{shown}{}",
        "•".repeat(secret.chars().count().saturating_sub(4).min(12))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchboard_core::api::{Channel, Direction};

    fn message(kind: &str, text: Option<&str>, content: Value) -> MessageView {
        MessageView {
            id: "m".into(),
            wamid: None,
            channel: Channel::Whatsapp,
            direction: Direction::Inbound,
            kind: kind.into(),
            text: text.map(str::to_owned),
            content: Some(content),
            reply_to: None,
            sent_at: 0,
            received_at: 0,
            status: None,
            error: None,
            detached: false,
            cursor: String::new(),
            media: None,
            author_name: None,
            author_email: None,
            edited_at: None,
            edit_history: Vec::new(),
            revoked_at: None,
            reactions: Default::default(),
        }
    }

    #[test]
    fn country_map_round_trips_and_names_the_bad_line() {
        let map = parse_country_map("de = 1\n\n FR=2 ").unwrap();
        assert_eq!(format_country_map(&map), "DE = 1\nFR = 2");
        assert!(parse_country_map("DE 1").unwrap_err().contains("DE 1"));
    }

    #[test]
    fn reset_days_input_accepts_days_off_and_default() {
        assert_eq!(parse_reset_days("", true), Ok(None));
        assert!(parse_reset_days("", false).is_err());
        assert_eq!(parse_reset_days("OFF", false), Ok(Some(ResetDays::OFF)));
        assert_eq!(
            parse_reset_days("30", false),
            Ok(ResetDays::days(30).map(Some).unwrap())
        );
        assert!(parse_reset_days("400", true).is_err());
        assert_eq!(reset_days_input(Some(ResetDays::OFF)), "off");
        assert_eq!(reset_days_label(ResetDays::days(1)), "1 day");
    }

    #[test]
    fn messages_read_sensibly_by_type() {
        assert_eq!(describe(&message("text", Some("hi"), json!({}))), "hi");
        assert_eq!(
            describe(&message(
                "document",
                Some("see attached"),
                json!({"filename": "invoice.pdf", "mime_type": "application/pdf"})
            )),
            "[Document: invoice.pdf, application/pdf] — see attached"
        );
        assert_eq!(
            describe(&message("reaction", Some("👍"), json!({"emoji": "👍"}))),
            "Reacted 👍 to a message"
        );
        assert_eq!(
            describe(&message("hologram", None, json!({}))),
            "[Unsupported message type: hologram]"
        );
        assert!(describe(&message(
            "location",
            Some("Beach"),
            json!({"latitude": 37.5, "longitude": -122.1})
        ))
        .starts_with("[Location 37.50000"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(95), "1 min 35 s");
        assert_eq!(duration(7260), "2 h 1 min");
        assert_eq!(duration(90_000), "1 d 1 h");
    }

    #[test]
    fn kpi_lines_show_both_countings_side_by_side() {
        use switchboard_core::kpi::Kpis;
        let with = Kpis {
            conversations_opened: 4,
            resets_applied: 1,
            median_resolution_seconds: Some(95),
            csat_percent: Some(66.666),
            surveys_answered: 3,
            surveys_asked: 4,
            survey_response_percent: Some(75.0),
            conversations_per_customer: Some(2.0),
            ..Kpis::default()
        };
        let lines = kpi_lines(&with, &Kpis::default());
        assert_eq!(lines[0], ("Conversations opened", "4".into(), "0".into()));
        assert_eq!(lines[3].1, "1 min 35 s");
        assert_eq!(lines[3].2, "—");
        assert_eq!(lines[4].1, "67 % of 3 rated");
        assert_eq!(lines[5].1, "75 % of 4 asked");
        assert_eq!(lines[6].1, "2.00");
    }

    #[test]
    fn ago_reads_like_a_person_would_say_it() {
        assert_eq!(ago(100_000, 95_000), "just now");
        assert_eq!(ago(200_000, 5_000), "3 min 15 s ago");
        assert_eq!(ago(0, 5_000), "just now");
    }

    #[test]
    fn a_masked_secret_shows_only_its_start() {
        assert_eq!(masked("verify-abcdef"), "veri•••••••••");
        assert_eq!(masked("abc"), "abc");
        assert!(!masked("verify-abcdef").contains("abcdef"));
    }
}
