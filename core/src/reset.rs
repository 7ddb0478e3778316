//! The conversation-reset rule.
//!
//! A new WhatsApp message from a user opens a new conversation when the previous
//! message between that user and the number is more than `reset_days` days older
//! (by the messages' own timestamps). "Previous message" counts both directions:
//! the user's own messages and the business's messages to them that were not
//! refused (`failed`). So a customer answering a template the business sent after
//! a long silence continues that conversation instead of opening a new one.
//! Exactly `reset_days` days later still joins. A late message (one older than a
//! message already stored) joins the conversation of its own time and never
//! causes a reset; when Meta's multi-day retries reorder messages by more than the
//! window, a late message joins the conversation it arrives next to.

use serde::{Deserialize, Serialize};

pub const SECONDS_PER_DAY: i64 = 86_400;

/// `reset_days` for a number: 1–365 days, or off. In JSON: a number of days or `"off"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetDays(Option<u16>);

impl Serialize for ResetDays {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(days) => s.serialize_u16(days),
            None => s.serialize_str("off"),
        }
    }
}

impl<'de> Deserialize<'de> for ResetDays {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Days(i64),
            Word(String),
        }
        let invalid = || {
            serde::de::Error::custom(
                "reset_days must be a whole number of days from 1 to 365, or \"off\"",
            )
        };
        match Raw::deserialize(d).map_err(|_| invalid())? {
            Raw::Word(w) if w == "off" => Ok(Self::OFF),
            Raw::Days(n) => u16::try_from(n)
                .ok()
                .and_then(Self::days)
                .ok_or_else(invalid),
            Raw::Word(_) => Err(invalid()),
        }
    }
}

impl ResetDays {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 365;
    pub const OFF: Self = Self(None);

    pub fn days(days: u16) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&days)
            .then_some(Self(Some(days)))
    }

    pub fn get(self) -> Option<u16> {
        self.0
    }

    fn window_seconds(self) -> Option<i64> {
        self.0.map(|d| i64::from(d) * SECONDS_PER_DAY)
    }
}

/// A stored message of the user, with the conversation it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour<C> {
    pub timestamp: i64,
    pub conversation: C,
}

/// What storage knows about the user on this number when a message at `timestamp` arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserHistory<C> {
    /// The latest stored message with the user (theirs, or the business's that did not fail)
    /// at or before the new one's timestamp.
    pub previous: Option<Neighbour<C>>,
    /// The earliest such message after the new one's timestamp (present for late deliveries).
    pub next: Option<Neighbour<C>>,
    /// The user's open conversation on this number, if any.
    pub open: Option<C>,
}

/// Where the new message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement<C> {
    /// Join this existing conversation.
    Join(C),
    /// Open a new conversation; close `close` (if any) with reason `reset`.
    OpenAfterReset { close: Option<C> },
    /// Open a new conversation with no reset (first contact, or the last one was closed).
    Open,
}

/// Decides where a message at `timestamp` belongs.
pub fn place<C: Clone>(
    timestamp: i64,
    reset_days: ResetDays,
    history: &UserHistory<C>,
) -> Placement<C> {
    let within_window = |previous: &Neighbour<C>| match reset_days.window_seconds() {
        None => true,
        Some(window) => timestamp - previous.timestamp <= window,
    };
    if let Some(next) = &history.next {
        // A late delivery: never a reset; it belongs with the message before it
        // when that one is close enough, otherwise it opened what came after it.
        return match &history.previous {
            Some(previous) if within_window(previous) => {
                Placement::Join(previous.conversation.clone())
            }
            _ => Placement::Join(next.conversation.clone()),
        };
    }
    match (&history.previous, &history.open) {
        (Some(previous), open) if !within_window(previous) => Placement::OpenAfterReset {
            close: open.clone(),
        },
        (_, Some(open)) => Placement::Join(open.clone()),
        (_, None) => Placement::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = SECONDS_PER_DAY;

    fn history(
        previous: Option<(i64, u32)>,
        next: Option<(i64, u32)>,
        open: Option<u32>,
    ) -> UserHistory<u32> {
        let n = |(timestamp, conversation)| Neighbour {
            timestamp,
            conversation,
        };
        UserHistory {
            previous: previous.map(n),
            next: next.map(n),
            open,
        }
    }

    #[test]
    fn reset_days_accepts_1_to_365() {
        assert_eq!(ResetDays::days(0), None);
        assert_eq!(ResetDays::days(1).unwrap().get(), Some(1));
        assert_eq!(ResetDays::days(365).unwrap().get(), Some(365));
        assert_eq!(ResetDays::days(366), None);
    }

    #[test]
    fn reset_days_json_is_days_or_off() {
        assert_eq!(
            serde_json::to_string(&ResetDays::days(30).unwrap()).unwrap(),
            "30"
        );
        assert_eq!(serde_json::to_string(&ResetDays::OFF).unwrap(), "\"off\"");
        assert_eq!(
            serde_json::from_str::<ResetDays>("\"off\"").unwrap(),
            ResetDays::OFF
        );
        assert_eq!(
            serde_json::from_str::<ResetDays>("365").unwrap().get(),
            Some(365)
        );
        for bad in ["0", "366", "-1", "7.5", "\"7\"", "null", "true"] {
            assert!(serde_json::from_str::<ResetDays>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn first_message_opens_a_conversation() {
        assert_eq!(
            place(100, ResetDays::days(7).unwrap(), &history(None, None, None)),
            Placement::Open
        );
    }

    #[test]
    fn exactly_reset_days_later_still_joins_one_second_more_resets() {
        let seven = ResetDays::days(7).unwrap();
        let h = history(Some((0, 1)), None, Some(1));
        assert_eq!(place(7 * DAY, seven, &h), Placement::Join(1));
        assert_eq!(
            place(7 * DAY + 1, seven, &h),
            Placement::OpenAfterReset { close: Some(1) }
        );
    }

    #[test]
    fn off_never_resets() {
        let h = history(Some((0, 1)), None, Some(1));
        assert_eq!(place(10_000 * DAY, ResetDays::OFF, &h), Placement::Join(1));
    }

    #[test]
    fn a_closed_conversation_within_the_window_opens_without_reset() {
        let h = history(Some((0, 1)), None, None);
        assert_eq!(place(DAY, ResetDays::days(7).unwrap(), &h), Placement::Open);
    }

    #[test]
    fn late_redelivery_joins_the_conversation_of_its_time_and_never_resets() {
        let seven = ResetDays::days(7).unwrap();
        // Conversation 1 around day 0, conversation 2 opened by a reset at day 30 and still open.
        let late_in_first = history(Some((0, 1)), Some((30 * DAY, 2)), Some(2));
        assert_eq!(place(DAY, seven, &late_in_first), Placement::Join(1));
        // A late message that is far from both neighbours joins the later one: it opened it.
        let late_opening_second = history(Some((0, 1)), Some((30 * DAY, 2)), Some(2));
        assert_eq!(
            place(29 * DAY, seven, &late_opening_second),
            Placement::Join(2)
        );
        // Older than everything stored.
        assert_eq!(
            place(-5, seven, &history(None, Some((0, 1)), Some(1))),
            Placement::Join(1)
        );
    }

    proptest! {
        #[test]
        fn a_late_message_never_resets(
            prev in proptest::option::of(0i64..1_000_000_000),
            gap in 1i64..1_000_000_000,
            offset in 0i64..1_000_000_000,
            days in 1u16..=365,
        ) {
            let next_ts = prev.unwrap_or(0) + gap;
            let ts = prev.map_or(next_ts - 1 - offset % gap, |p| p + offset % gap);
            let h = history(prev.map(|p| (p, 1)), Some((next_ts, 2)), Some(2));
            let placement = place(ts, ResetDays::days(days).unwrap(), &h);
            prop_assert!(matches!(placement, Placement::Join(_)));
        }

        #[test]
        fn newest_message_resets_exactly_when_gap_exceeds_window(
            prev in 0i64..1_000_000_000, gap in 0i64..(400 * DAY), days in 1u16..=365,
        ) {
            let h = history(Some((prev, 1)), None, Some(1));
            let placement = place(prev + gap, ResetDays::days(days).unwrap(), &h);
            let should_reset = gap > i64::from(days) * DAY;
            prop_assert_eq!(matches!(placement, Placement::OpenAfterReset { .. }), should_reset);
        }
    }
}
