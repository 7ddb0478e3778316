//! Delivery status of an outbound message, and the rule that it never moves backwards.

use serde::{Deserialize, Serialize};

/// Where an outbound message stands. The order of the variants is the order of progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Stored by us, not yet accepted by the Graph API.
    Pending,
    /// The Graph API did not answer in time: Meta may or may not have taken it. A status webhook
    /// (matched by the callback data we send) or an explicit retry settles it.
    Unconfirmed,
    Sent,
    Delivered,
    Read,
    /// A voice message we sent was played (Meta's `played`; it follows `read`).
    Played,
    /// Terminal: Meta reported that the message could not be delivered.
    Failed,
}

impl DeliveryStatus {
    pub fn from_meta(name: &str) -> Option<Self> {
        Some(match name {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "played" => Self::Played,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    /// Our own statuses as stored, and Meta's.
    pub fn from_stored(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(Self::Pending),
            "unconfirmed" => Some(Self::Unconfirmed),
            other => Self::from_meta(other),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Unconfirmed => "unconfirmed",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Played => "played",
            Self::Failed => "failed",
        }
    }

    /// Rank stored beside the status so storage can refuse a backwards move in one statement.
    /// Explicit (not the variant's position): stored ranks must never shift. `Unconfirmed`
    /// ranks with `Pending`, so any word from Meta moves it on.
    pub fn rank(self) -> i64 {
        match self {
            Self::Pending | Self::Unconfirmed => 0,
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Read => 3,
            Self::Failed => 4,
            // Added after the others: stored ranks never shift, so it takes the next free one.
            // Meta sends `played` only for a delivered voice message, never after `failed`.
            Self::Played => 5,
        }
    }

    /// The status after `update` arrives: a late `delivered` after `read` stays `read`. By
    /// rank, the same order storage applies.
    pub fn advance(self, update: Self) -> Self {
        if update.rank() > self.rank() {
            update
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_moves_backwards() {
        use DeliveryStatus::*;
        assert_eq!(Read.advance(Delivered), Read);
        assert_eq!(Sent.advance(Read), Read);
        assert_eq!(Delivered.advance(Sent), Delivered);
        assert_eq!(Pending.advance(Sent), Sent);
        assert_eq!(Read.advance(Failed), Failed);
        assert_eq!(Failed.advance(Delivered), Failed);
        assert!(Sent.rank() < Delivered.rank() && Delivered.rank() < Read.rank());
        // Stored ranks never shift; not confirmed is moved on by any word from Meta.
        assert_eq!(
            [Pending, Sent, Delivered, Read, Failed].map(DeliveryStatus::rank),
            [0, 1, 2, 3, 4]
        );
        assert!(Unconfirmed.rank() < Sent.rank());
        assert_eq!(
            DeliveryStatus::from_stored("unconfirmed"),
            Some(Unconfirmed)
        );
        assert_eq!(
            DeliveryStatus::from_meta("unconfirmed"),
            None,
            "Meta never says it"
        );
    }

    #[test]
    fn parses_meta_names() {
        assert_eq!(
            DeliveryStatus::from_meta("delivered"),
            Some(DeliveryStatus::Delivered)
        );
        assert_eq!(DeliveryStatus::from_meta("deleted"), None);
        assert_eq!(
            DeliveryStatus::Read.advance(DeliveryStatus::Played),
            DeliveryStatus::Played
        );
        assert_eq!(
            DeliveryStatus::Played.advance(DeliveryStatus::Read),
            DeliveryStatus::Played
        );
        for s in ["sent", "delivered", "read", "played", "failed"] {
            assert_eq!(DeliveryStatus::from_meta(s).unwrap().as_str(), s);
        }
    }
}
