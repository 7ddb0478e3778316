//! Customer satisfaction: the survey a resolved conversation's customer is asked, once, and how
//! their answer finds the conversation it rates.
//!
//! On WhatsApp the survey is an interactive message with three reply buttons (WhatsApp allows at
//! most three), scored 5, 3 and 1; in the Messenger a row of five. Each button's id names the
//! survey and the score (`csat:<survey id>:<score>`), so an answer rates the conversation it was
//! asked for — even after that conversation closed or a new one started — and never opens a
//! conversation or counts as a reset. A second answer replaces the first.
//!
//! WhatsApp only allows free-form (non-template) messages within 24 hours of the customer's last
//! message: outside that window the survey is not sent, and that is recorded.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The question when the owner has not written one.
pub const DEFAULT_QUESTION: &str = "How would you rate the help you got?";
/// The longest question (WhatsApp's interactive body allows 1,024 characters).
pub const MAX_QUESTION_CHARS: usize = 300;

/// A channel's survey settings: per WhatsApp number, and the project's for the Messenger.
/// Off by default.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CsatSettings {
    #[serde(default)]
    pub enabled: bool,
    /// The question; the default when `None`.
    #[serde(default)]
    pub question: Option<String>,
    /// Resolve a conversation by itself after this many hours without a customer message
    /// (1–720); off when `None`.
    #[serde(default)]
    pub auto_resolve_hours: Option<u32>,
}

impl CsatSettings {
    /// Trims the question (empty means the default) and bounds the auto-resolve delay.
    pub fn validate(mut self) -> Result<Self, String> {
        if let Some(q) = &self.question {
            let q = q.trim();
            if q.chars().count() > MAX_QUESTION_CHARS {
                return Err(format!(
                    "the question is over {MAX_QUESTION_CHARS} characters"
                ));
            }
            self.question = (!q.is_empty()).then(|| q.to_owned());
        }
        if let Some(h) = self.auto_resolve_hours {
            if !(1..=720).contains(&h) {
                return Err("auto-resolve must be 1–720 hours, or off".to_owned());
            }
        }
        Ok(self)
    }
}

/// A rating: 1 (worst) to 5 (best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Score(u8);

impl Score {
    pub fn new(value: u8) -> Option<Self> {
        (1..=5).contains(&value).then_some(Self(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// 4 or 5: counted as satisfied in the CSAT share.
    pub fn satisfied(self) -> bool {
        self.0 >= 4
    }
}

/// What became of a resolved conversation's survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyOutcome {
    /// Sent (WhatsApp) or shown (Messenger); answered or not.
    Asked,
    /// Not sent: WhatsApp's 24-hour window had closed (no template is sent instead).
    WindowClosed,
    /// Graph refused the send.
    SendFailed,
}

impl SurveyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asked => "asked",
            Self::WindowClosed => "window_closed",
            Self::SendFailed => "send_failed",
        }
    }
}

/// The reply id of a survey button.
pub fn answer_id(survey_id: &str, score: Score) -> String {
    format!("csat:{survey_id}:{}", score.value())
}

/// The survey and score a reply id names, if it is a survey answer.
pub fn parse_answer(reply_id: &str) -> Option<(String, Score)> {
    let rest = reply_id.strip_prefix("csat:")?;
    let (survey, score) = rest.rsplit_once(':')?;
    let valid_id = !survey.is_empty()
        && survey.len() <= 64
        && survey
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let score = Score::new(score.parse().ok()?)?;
    valid_id.then(|| (survey.to_owned(), score))
}

/// The three WhatsApp buttons: (score, title ≤ 20 characters).
pub const WHATSAPP_BUTTONS: [(u8, &str); 3] = [(5, "Great"), (3, "Okay"), (1, "Poor")];

/// The Graph API body of the survey (an interactive `button` message).
pub fn whatsapp_survey(to: &str, survey_id: &str, question: &str) -> Value {
    let buttons: Vec<Value> = WHATSAPP_BUTTONS
        .iter()
        .filter_map(|(score, title)| {
            Some(json!({
                "type": "reply",
                "reply": { "id": answer_id(survey_id, Score::new(*score)?), "title": title },
            }))
        })
        .collect();
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": { "text": question },
            "action": { "buttons": buttons },
        },
    })
}

/// The question to ask: the owner's, trimmed, or the default.
pub fn question(configured: Option<&str>) -> String {
    configured
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().take(MAX_QUESTION_CHARS).collect())
        .unwrap_or_else(|| DEFAULT_QUESTION.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_name_their_survey_and_score() {
        let id = answer_id("srv_abc123", Score::new(5).unwrap());
        assert_eq!(id, "csat:srv_abc123:5");
        assert_eq!(
            parse_answer(&id),
            Some(("srv_abc123".to_owned(), Score::new(5).unwrap()))
        );
    }

    #[test]
    fn anything_else_is_not_an_answer() {
        for id in [
            "",
            "csat:",
            "csat:srv:0",
            "csat:srv:6",
            "csat::5",
            "csat:srv:five",
            "menu:srv:5",
            "csat:a b:5",
            "csat:srv:5:extra",
        ] {
            assert_eq!(parse_answer(id), None, "{id}");
        }
        let long = format!("csat:{}:4", "a".repeat(65));
        assert_eq!(parse_answer(&long), None);
    }

    #[test]
    fn the_whatsapp_survey_is_three_reply_buttons_within_limits() {
        let body = whatsapp_survey("15145551111", "srv_1", "How did we do?");
        assert_eq!(body["type"], "interactive");
        assert_eq!(body["interactive"]["type"], "button");
        let buttons = body["interactive"]["action"]["buttons"].as_array().unwrap();
        assert_eq!(buttons.len(), 3);
        for b in buttons {
            assert!(b["reply"]["title"].as_str().unwrap().chars().count() <= 20);
            assert!(parse_answer(b["reply"]["id"].as_str().unwrap()).is_some());
        }
        assert_eq!(buttons[0]["reply"]["id"], "csat:srv_1:5");
    }

    #[test]
    fn settings_are_off_by_default_and_validated() {
        assert!(!CsatSettings::default().enabled);
        let ok = CsatSettings {
            enabled: true,
            question: Some("  ".into()),
            auto_resolve_hours: Some(24),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.question, None);
        assert!(CsatSettings {
            auto_resolve_hours: Some(0),
            ..CsatSettings::default()
        }
        .validate()
        .is_err());
        assert!(CsatSettings {
            question: Some("x".repeat(301)),
            ..CsatSettings::default()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn satisfied_means_four_or_five() {
        assert!(Score::new(4).unwrap().satisfied());
        assert!(!Score::new(3).unwrap().satisfied());
        assert!(Score::new(0).is_none());
    }

    #[test]
    fn the_question_defaults_and_is_bounded() {
        assert_eq!(question(None), DEFAULT_QUESTION);
        assert_eq!(question(Some("  ")), DEFAULT_QUESTION);
        assert_eq!(question(Some(" Happy? ")), "Happy?");
        assert_eq!(
            question(Some(&"x".repeat(500))).chars().count(),
            MAX_QUESTION_CHARS
        );
    }
}
