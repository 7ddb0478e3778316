//! Opening hours as the owner types them: a day's spans as `09:00–12:30, 14:00–18:00` (empty:
//! closed), and exceptions one per line as `2026-12-25 closed` or `2026-12-24 09:00–13:00`.
//! The edge checks the times themselves (shape, order, overlaps, the time zone) and names the
//! field of any problem; this only turns text into spans and back.

use switchboard_core::opening_hours::{Exception, Span};

/// `09:00–12:30, 14:00–18:00` → spans; a hyphen or an en dash between the two times.
pub fn parse_spans(text: &str) -> Result<Vec<Span>, String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (start, end) = part
                .split_once(['–', '-'])
                .ok_or_else(|| format!("{part:?} should look like 09:00–17:00"))?;
            Ok(Span::new(start.trim(), end.trim()))
        })
        .collect()
}

/// Spans → `09:00–12:30, 14:00–18:00`.
pub fn format_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}–{}", s.start, s.end))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One exception per line: `YYYY-MM-DD closed` or `YYYY-MM-DD 09:00–13:00, 15:00–17:00`.
pub fn parse_exceptions(text: &str) -> Result<Vec<Exception>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (date, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            let spans = if rest.is_empty() || rest.eq_ignore_ascii_case("closed") {
                Vec::new()
            } else {
                parse_spans(rest)?
            };
            Ok(Exception {
                date: date.to_owned(),
                spans,
            })
        })
        .collect()
}

/// Exceptions → one per line.
pub fn format_exceptions(exceptions: &[Exception]) -> String {
    exceptions
        .iter()
        .map(|e| {
            if e.spans.is_empty() {
                format!("{} closed", e.date)
            } else {
                format!("{} {}", e.date, format_spans(&e.spans))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_exceptions_read_as_typed_and_write_back_the_same() {
        let spans = parse_spans("09:00-12:30, 14:00–18:00").unwrap();
        assert_eq!(
            spans,
            vec![Span::new("09:00", "12:30"), Span::new("14:00", "18:00")]
        );
        assert_eq!(format_spans(&spans), "09:00–12:30, 14:00–18:00");
        assert!(parse_spans("").unwrap().is_empty());
        assert!(parse_spans("nine to five").is_err());
        let exceptions =
            parse_exceptions("2026-12-25 closed\n\n2026-12-24 09:00-13:00\n2027-01-01").unwrap();
        assert_eq!(exceptions.len(), 3);
        assert!(exceptions[0].spans.is_empty() && exceptions[2].spans.is_empty());
        assert_eq!(
            format_exceptions(&exceptions),
            "2026-12-25 closed\n2026-12-24 09:00–13:00\n2027-01-01 closed"
        );
    }
}
