//! What a failed WhatsApp message means to an agent: Meta's title, and a short hint for the
//! codes a support inbox meets most.
//!
//! Titles and meanings follow Meta's *WhatsApp error codes* page,
//! <https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/>
//! (updated Jun 18, 2026; its opening read directly, the rows of these codes through the copies
//! kept by solution providers, e.g. achieveapex.com, manychat and convrs.io, 2025–2026). Meta says
//! to act on the `code`, not the title ("titles will eventually be deprecated"), so the hint
//! is chosen by code, and Meta's own title is shown when it sent one.
use serde::Serialize;

/// A status error made readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorExplanation {
    pub code: i64,
    /// Meta's title, or the code's known title when Meta sent none.
    pub title: String,
    /// What the agent can do, for a common code.
    pub hint: Option<&'static str>,
}

/// (code, Meta's title, hint).
const KNOWN: [(i64, &str, &str); 8] = [
    (
        131047,
        "Re-engagement message",
        "More than 24 hours have passed since the customer last wrote. Send an approved template, \
         or wait for them to write again.",
    ),
    (
        131026,
        "Message Undeliverable",
        "The customer cannot receive it: the number may not be on WhatsApp, their app may be too \
         old, or they have not accepted WhatsApp's latest terms. Reach them another way.",
    ),
    (
        131049,
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "Meta limits how many marketing messages a person receives. Do not resend at once; try \
         again later, with growing gaps.",
    ),
    (
        131051,
        "Unsupported message type",
        "WhatsApp does not support this kind of message. Send it as text or another type.",
    ),
    (
        131053,
        "Media upload error",
        "Meta could not process the file. Check its type and size, then send it again.",
    ),
    (
        130472,
        "User's number is part of an experiment",
        "Meta held this marketing message back for an experiment. It goes through once the \
         customer writes to you; resending now fails the same way.",
    ),
    (
        131000,
        "Something went wrong",
        "An error on Meta's side. Try again in a while.",
    ),
    (
        131016,
        "Service unavailable",
        "WhatsApp was briefly unavailable. Try again in a few minutes.",
    ),
];

/// The hint for `code`, if it is a common one.
pub fn hint(code: i64) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, h)| *h)
}

/// Meta's `title` (when it sent a non-blank one, else the code's known title, else "Error
/// <code>") with the hint for the code.
pub fn explain(code: i64, title: Option<&str>) -> ErrorExplanation {
    let known = KNOWN.iter().find(|(c, _, _)| *c == code);
    let title = title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or_else(|| known.map(|(_, t, _)| (*t).to_owned()))
        .unwrap_or_else(|| format!("Error {code}"));
    ErrorExplanation {
        code,
        title,
        hint: known.map(|(_, _, h)| *h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_have_a_hint_and_keep_metas_title() {
        let e = explain(131047, Some("Re-engagement message"));
        assert_eq!(e.title, "Re-engagement message");
        assert!(e.hint.unwrap().contains("24 hours"), "{e:?}");
        for code in [
            131047, 131026, 131049, 131051, 131053, 130472, 131000, 131016,
        ] {
            assert!(hint(code).is_some(), "{code}");
        }
        assert!(hint(131026).unwrap().contains("not be on WhatsApp"));
        assert!(hint(131049).unwrap().contains("marketing"));
        assert!(hint(131053).unwrap().contains("file"));
    }

    #[test]
    fn metas_own_title_wins_and_a_missing_one_is_filled_in() {
        assert_eq!(
            explain(131026, Some("Message undeliverable (new wording)")).title,
            "Message undeliverable (new wording)"
        );
        assert_eq!(explain(131026, Some("  ")).title, "Message Undeliverable");
        assert_eq!(explain(131016, None).title, "Service unavailable");
    }

    #[test]
    fn other_codes_keep_their_title_without_a_hint() {
        let e = explain(368, Some("Temporarily blocked for policies violations"));
        assert_eq!(e.title, "Temporarily blocked for policies violations");
        assert_eq!(e.hint, None);
        assert_eq!(explain(1, None).title, "Error 1");
    }
}
