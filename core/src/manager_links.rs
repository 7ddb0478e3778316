//! Links into WhatsApp Manager and the two-step-verification guidance for disconnecting.

use serde::{Deserialize, Serialize};

const MANAGER: &str = "https://business.facebook.com/latest/whatsapp_manager";

/// One-click links for a number, built from its WhatsApp Business Account id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerLinks {
    /// All phone numbers of the account: phone details, display name, business information.
    pub phone_numbers: String,
    /// This number's own settings page.
    pub number_settings: String,
    /// This number's two-step verification (PIN) settings.
    pub two_step_verification: String,
}

impl ManagerLinks {
    pub fn for_number(waba_id: &str, phone_number_id: &str) -> Self {
        let numbers = format!("{MANAGER}/phone_numbers/?asset_id={waba_id}");
        let settings = format!("{numbers}&phone_number_id={phone_number_id}");
        Self {
            phone_numbers: numbers,
            two_step_verification: format!("{settings}&tab=two-step-verification"),
            number_settings: settings,
        }
    }
}

/// Why the owner disconnects a number; decides the 2FA guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisconnectIntent {
    /// Connect it again here (this or another Switchboard project).
    Reuse,
    /// Move it to another tool (Intercom, Zendesk…) or provider.
    Migrate,
}

impl DisconnectIntent {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "reuse" => Some(Self::Reuse),
            "migrate" => Some(Self::Migrate),
            _ => None,
        }
    }
}

/// What the owner must do next about two-step verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepGuidance {
    pub must_disable_two_step_verification: bool,
    pub summary: String,
    pub steps: Vec<String>,
    pub link: Option<String>,
}

pub fn two_step_guidance(intent: DisconnectIntent, links: &ManagerLinks) -> TwoStepGuidance {
    match intent {
        DisconnectIntent::Reuse => TwoStepGuidance {
            must_disable_two_step_verification: false,
            summary: "Nothing to do: to connect this number here again, two-step verification can stay on."
                .to_owned(),
            steps: Vec::new(),
            link: None,
        },
        DisconnectIntent::Migrate => TwoStepGuidance {
            must_disable_two_step_verification: true,
            summary: "Before another tool or provider can register this number, disable its two-step verification in WhatsApp Manager."
                .to_owned(),
            steps: vec![
                "Open WhatsApp Manager".to_owned(),
                "Choose this phone number".to_owned(),
                "Open Two-step verification".to_owned(),
                "Select Disable and confirm".to_owned(),
            ],
            link: Some(links.two_step_verification.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_account_and_the_number() {
        let links = ManagerLinks::for_number("102290129340398", "106540352242922");
        assert!(links.phone_numbers.ends_with("asset_id=102290129340398"));
        assert!(links
            .number_settings
            .contains("phone_number_id=106540352242922"));
        assert!(links
            .two_step_verification
            .starts_with(&links.number_settings));
    }

    #[test]
    fn only_migrating_needs_two_step_verification_disabled() {
        let links = ManagerLinks::for_number("1", "2");
        let reuse = two_step_guidance(DisconnectIntent::Reuse, &links);
        assert!(!reuse.must_disable_two_step_verification && reuse.link.is_none());
        let migrate = two_step_guidance(DisconnectIntent::Migrate, &links);
        assert!(migrate.must_disable_two_step_verification);
        assert_eq!(
            migrate.link.as_deref(),
            Some(links.two_step_verification.as_str())
        );
        assert_eq!(migrate.steps.len(), 4);
        assert_eq!(
            DisconnectIntent::parse("migrate"),
            Some(DisconnectIntent::Migrate)
        );
        assert_eq!(DisconnectIntent::parse("delete"), None);
    }
}
