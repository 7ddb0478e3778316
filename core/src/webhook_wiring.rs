//! Whether Meta's webhook is wired up right, judged from what the edge last saw: the verify
//! handshake, signed deliveries (overall and per number) and signature failures. The console's
//! Webhook panel shows the verdict with what to fix; the edge records the events.

use serde::{Deserialize, Serialize};

/// The webhook field Switchboard needs in Meta's App Dashboard (WhatsApp › Configuration).
pub const SUBSCRIBED_FIELD: &str = "messages";

/// One kind of event the edge records (its key in storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WiringEvent {
    /// Meta's `GET` handshake with the right verify token.
    Handshake,
    /// A handshake with a wrong verify token or mode.
    HandshakeRefused,
    /// A delivery whose signature matched.
    Delivery,
    /// A signed delivery naming this phone number id.
    NumberDelivery(String),
    /// A delivery whose signature was missing or did not match.
    SignatureFailure,
}

impl WiringEvent {
    pub fn key(&self) -> String {
        match self {
            Self::Handshake => "handshake".to_owned(),
            Self::HandshakeRefused => "handshake_refused".to_owned(),
            Self::Delivery => "delivery".to_owned(),
            Self::NumberDelivery(id) => format!("delivery:{id}"),
            Self::SignatureFailure => "signature_failure".to_owned(),
        }
    }
}

/// When an event last happened (milliseconds), how often, and a detail (a failure's reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WiringMark {
    pub at: i64,
    pub count: i64,
    #[serde(default)]
    pub detail: Option<String>,
}

/// A connected number and when a signed delivery last named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberWiring {
    pub phone_number_id: String,
    pub label: String,
    #[serde(default)]
    pub last_delivery: Option<WiringMark>,
}

/// What the edge saw, as `GET /api/admin/webhook` answers it (with the verdict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookWiring {
    pub callback_url: String,
    /// Shown to the signed-in owner only (masked until revealed), to paste into Meta's dashboard.
    pub verify_token: String,
    pub field: String,
    pub last_handshake: Option<WiringMark>,
    pub last_handshake_refused: Option<WiringMark>,
    pub last_delivery: Option<WiringMark>,
    pub last_signature_failure: Option<WiringMark>,
    pub numbers: Vec<NumberWiring>,
    pub verdict: Verdict,
    /// Errors Meta reported for whole deliveries (`value.errors`), newest first.
    #[serde(default)]
    pub meta_errors: Vec<ReportedError>,
}

/// An error Meta reported for a delivery, as the Webhook page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedError {
    #[serde(default)]
    pub phone_number_id: Option<String>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
}

/// The one-glance answer: is the wiring working, and if not, what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verdict {
    /// Signed deliveries arrive and none failed its signature since.
    Working,
    /// Meta has not verified the callback URL yet (and nothing was delivered).
    NotVerified { fix: String },
    /// A handshake came with a verify token that does not match, after any good one.
    WrongVerifyToken { fix: String },
    /// Verified, but no delivery yet.
    NoDeliveryYet { fix: String },
    /// The latest delivery failed the signature check: the app secret is not this app's.
    SignatureFailing { fix: String },
}

fn after(a: &Option<WiringMark>, b: &Option<WiringMark>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.at > b.at,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Judges the wiring from the latest events: the most recent problem wins over an older success.
pub fn verdict(
    handshake: &Option<WiringMark>,
    handshake_refused: &Option<WiringMark>,
    delivery: &Option<WiringMark>,
    signature_failure: &Option<WiringMark>,
) -> Verdict {
    if after(signature_failure, delivery) {
        return Verdict::SignatureFailing {
            fix: "Meta's latest delivery did not carry a valid X-Hub-Signature-256: set the \
                  WHATSAPP_APP_SECRET secret to your Meta app's secret (App Dashboard › App \
                  settings › Basic › App secret). Meta retries the deliveries it could not make."
                .to_owned(),
        };
    }
    if after(handshake_refused, handshake) && after(handshake_refused, delivery) {
        return Verdict::WrongVerifyToken {
            fix: "Meta tried to verify the callback URL with a different verify token: paste the \
                  verify token shown here into App Dashboard › WhatsApp › Configuration."
                .to_owned(),
        };
    }
    if delivery.is_some() {
        return Verdict::Working;
    }
    if handshake.is_none() {
        return Verdict::NotVerified {
            fix:
                "In Meta's App Dashboard › WhatsApp › Configuration › Webhook, paste the callback \
                  URL and verify token shown here, then Verify and save."
                    .to_owned(),
        };
    }
    Verdict::NoDeliveryYet {
        fix: format!(
            "The callback URL is verified. Subscribe to the `{SUBSCRIBED_FIELD}` webhook field \
             (App Dashboard › WhatsApp › Configuration › Webhook fields), then send a WhatsApp \
             message to one of your numbers."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Option<WiringMark> {
        Some(WiringMark {
            at: ms,
            count: 1,
            detail: None,
        })
    }

    #[test]
    fn nothing_seen_means_not_verified() {
        assert!(matches!(
            verdict(&None, &None, &None, &None),
            Verdict::NotVerified { .. }
        ));
    }

    #[test]
    fn verified_without_delivery_asks_to_subscribe_to_messages() {
        let v = verdict(&at(10), &None, &None, &None);
        let Verdict::NoDeliveryYet { fix } = v else {
            panic!("{v:?}")
        };
        assert!(fix.contains("`messages`"));
    }

    #[test]
    fn a_signature_failure_after_the_last_good_delivery_names_the_app_secret() {
        let v = verdict(&at(1), &None, &at(10), &at(20));
        let Verdict::SignatureFailing { fix } = v else {
            panic!("{v:?}")
        };
        assert!(fix.contains("WHATSAPP_APP_SECRET"));
        // Fixed: a good delivery after the failure means it works again.
        assert_eq!(verdict(&at(1), &None, &at(30), &at(20)), Verdict::Working);
        // Failures with no good delivery ever.
        assert!(matches!(
            verdict(&None, &None, &None, &at(5)),
            Verdict::SignatureFailing { .. }
        ));
    }

    #[test]
    fn a_refused_handshake_matters_only_when_it_is_the_latest_word() {
        assert!(matches!(
            verdict(&None, &at(5), &None, &None),
            Verdict::WrongVerifyToken { .. }
        ));
        assert!(matches!(
            verdict(&at(1), &at(5), &None, &None),
            Verdict::WrongVerifyToken { .. }
        ));
        // Corrected and verified since.
        assert!(matches!(
            verdict(&at(9), &at(5), &None, &None),
            Verdict::NoDeliveryYet { .. }
        ));
        // Deliveries keep arriving after a stray wrong attempt: still working.
        assert_eq!(verdict(&at(1), &at(5), &at(9), &None), Verdict::Working);
    }

    #[test]
    fn keys_are_stable() {
        assert_eq!(
            WiringEvent::NumberDelivery("106".into()).key(),
            "delivery:106"
        );
        assert_eq!(WiringEvent::SignatureFailure.key(), "signature_failure");
    }
}
