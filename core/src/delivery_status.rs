//! Delivery status of an outbound message, and the rule that it never moves backwards.

use serde::{Deserialize, Serialize};

/// Where an outbound message stands. The order of the variants is the order of progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Stored by us, not yet accepted by the Graph API.
    Pending,
    Sent,
    Delivered,
    Read,
    /// Terminal: Meta reported that the message could not be delivered.
    Failed,
}

impl DeliveryStatus {
    pub fn from_meta(name: &str) -> Option<Self> {
        Some(match name {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// Rank stored beside the status so storage can refuse a backwards move in one statement.
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// The status after `update` arrives: a late `delivered` after `read` stays `read`.
    pub fn advance(self, update: Self) -> Self {
        self.max(update)
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
    }

    #[test]
    fn parses_meta_names() {
        assert_eq!(
            DeliveryStatus::from_meta("delivered"),
            Some(DeliveryStatus::Delivered)
        );
        assert_eq!(DeliveryStatus::from_meta("deleted"), None);
        for s in ["sent", "delivered", "read", "failed"] {
            assert_eq!(DeliveryStatus::from_meta(s).unwrap().as_str(), s);
        }
    }
}
