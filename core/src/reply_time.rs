//! How soon the business usually answers, as the widget words it ("usually replies within an
//! hour"): the median first response time rounded up to one of four promises, none when there
//! is no median yet or it is longer than a day.

use serde::{Deserialize, Serialize};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyTime {
    /// Within 15 minutes.
    Minutes,
    /// Within an hour.
    Hour,
    /// Within 6 hours.
    Hours,
    /// Within a day.
    Day,
}

pub fn reply_time(median_first_response_seconds: Option<u64>) -> Option<ReplyTime> {
    match median_first_response_seconds? {
        s if s <= 15 * MINUTE => Some(ReplyTime::Minutes),
        s if s <= HOUR => Some(ReplyTime::Hour),
        s if s <= 6 * HOUR => Some(ReplyTime::Hours),
        s if s <= 24 * HOUR => Some(ReplyTime::Day),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_promise_holds_up_to_its_bound_inclusive() {
        assert_eq!(reply_time(None), None);
        assert_eq!(reply_time(Some(0)), Some(ReplyTime::Minutes));
        assert_eq!(reply_time(Some(15 * MINUTE)), Some(ReplyTime::Minutes));
        assert_eq!(reply_time(Some(15 * MINUTE + 1)), Some(ReplyTime::Hour));
        assert_eq!(reply_time(Some(HOUR)), Some(ReplyTime::Hour));
        assert_eq!(reply_time(Some(HOUR + 1)), Some(ReplyTime::Hours));
        assert_eq!(reply_time(Some(6 * HOUR)), Some(ReplyTime::Hours));
        assert_eq!(reply_time(Some(6 * HOUR + 1)), Some(ReplyTime::Day));
        assert_eq!(reply_time(Some(24 * HOUR)), Some(ReplyTime::Day));
        assert_eq!(reply_time(Some(24 * HOUR + 1)), None);
        assert_eq!(reply_time(Some(u64::MAX)), None);
    }

    #[test]
    fn in_json_a_promise_is_a_snake_case_word() {
        let words: Vec<String> = [
            ReplyTime::Minutes,
            ReplyTime::Hour,
            ReplyTime::Hours,
            ReplyTime::Day,
        ]
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
        assert_eq!(
            words,
            [r#""minutes""#, r#""hour""#, r#""hours""#, r#""day""#]
        );
        assert_eq!(
            serde_json::from_str::<ReplyTime>(r#""hours""#).unwrap(),
            ReplyTime::Hours
        );
    }
}
