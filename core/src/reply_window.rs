//! WhatsApp's 24-hour customer service window, as the inbox shows it: a business may reply
//! freely for 24 hours after the customer's last message; after that only an approved template.
//! A conversation whose customer's last message is unanswered and whose window closes within the
//! hour is flagged.

use serde::{Deserialize, Serialize};

use crate::api::REPLY_WINDOW_SECONDS;

/// How soon a window counts as closing.
pub const CLOSING_SOON_SECONDS: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReplyWindow {
    /// The customer never wrote, or wrote more than 24 hours ago: templates only.
    Closed,
    Open {
        closes_at: i64,
        seconds_left: i64,
        /// The customer's last message has no answer after it.
        unanswered: bool,
        /// Unanswered, and the window closes within [`CLOSING_SOON_SECONDS`].
        flagged: bool,
    },
}

pub fn reply_window(
    last_inbound_at: Option<i64>,
    last_outbound_at: Option<i64>,
    now: i64,
) -> ReplyWindow {
    let Some(inbound) = last_inbound_at else {
        return ReplyWindow::Closed;
    };
    let closes_at = inbound + REPLY_WINDOW_SECONDS;
    let seconds_left = closes_at - now;
    if seconds_left <= 0 {
        return ReplyWindow::Closed;
    }
    let unanswered = last_outbound_at.is_none_or(|out| out < inbound);
    ReplyWindow::Open {
        closes_at,
        seconds_left,
        unanswered,
        flagged: unanswered && seconds_left <= CLOSING_SOON_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    #[test]
    fn the_window_runs_24_hours_from_the_customers_last_message() {
        assert_eq!(reply_window(None, None, 100), ReplyWindow::Closed);
        assert_eq!(reply_window(Some(0), None, 24 * H), ReplyWindow::Closed);
        let ReplyWindow::Open {
            seconds_left,
            unanswered,
            flagged,
            ..
        } = reply_window(Some(0), None, 2 * H)
        else {
            panic!()
        };
        assert_eq!(seconds_left, 22 * H);
        assert!(unanswered);
        assert!(!flagged);
    }

    #[test]
    fn flagged_only_when_unanswered_and_closing_within_the_hour() {
        let at = 23 * H + 10;
        assert!(matches!(
            reply_window(Some(0), None, at),
            ReplyWindow::Open { flagged: true, .. }
        ));
        assert!(matches!(
            reply_window(Some(0), Some(5), at),
            ReplyWindow::Open {
                flagged: false,
                unanswered: false,
                ..
            }
        ));
        // An answer before the customer's last message does not count.
        assert!(matches!(
            reply_window(Some(100), Some(50), 100 + at),
            ReplyWindow::Open { flagged: true, .. }
        ));
    }
}
