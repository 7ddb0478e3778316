//! The configuration document (project settings and every number) and the commands that change
//! it: the rules of its one writer, the `ConfigWriter` Durable Object, which applies commands
//! one at a time to the current document and writes the result through to KV.
//!
//! Each number and the settings carry a version that every change bumps. A command may name the
//! version it was made from (`If-Match`); when that is no longer current it is refused as
//! [`ConfigRefusal::StaleVersion`] with the current one, so an owner's edit based on an old view
//! never silently overwrites a newer change. Without a version a command applies to whatever is
//! current, field by field, so concurrent edits of different fields or numbers all land.

use serde::{Deserialize, Serialize};

use crate::api::{NumberStatus, NumberView};
use crate::csat::CsatSettings;
use crate::handoff_routing::{choose_number, RoutableNumber};
use crate::manager_links::ManagerLinks;
use crate::reset::ResetDays;
use crate::settings::ProjectSettings;

/// A number as stored: what Graph told us at connect time, the owner's settings, and the
/// access token sealed with AES-GCM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRecord {
    pub phone_number_id: String,
    pub waba_id: String,
    pub label: String,
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub quality_rating: Option<String>,
    /// `None` once disconnected: the token is forgotten.
    pub sealed_access_token: Option<String>,
    pub handoff_enabled: bool,
    pub reset_days: Option<ResetDays>,
    /// This number's survey and auto-resolve settings.
    #[serde(default)]
    pub csat: CsatSettings,
    /// Opening a conversation marks the customer's last message read (blue ticks).
    #[serde(default = "crate::api::on")]
    pub read_receipts: bool,
    pub connected: bool,
    pub connected_at: i64,
    pub disconnected_at: Option<i64>,
    /// Bumped by every change; 0 for records written before versions existed.
    #[serde(default)]
    pub version: u64,
}

/// The number "Continue on WhatsApp" goes to ([`choose_number`] over the records), if any.
pub fn handoff_number<'a>(
    settings: &ProjectSettings,
    numbers: &'a [NumberRecord],
    requested: Option<&str>,
    country: Option<&str>,
) -> Option<&'a NumberRecord> {
    let routable: Vec<RoutableNumber<'_>> = numbers
        .iter()
        .map(|n| RoutableNumber {
            phone_number_id: &n.phone_number_id,
            label: &n.label,
            connected: n.connected,
            handoff_enabled: n.handoff_enabled,
        })
        .collect();
    let id = choose_number(settings, &routable, requested, country)?;
    numbers.iter().find(|n| n.phone_number_id == id)
}

impl NumberRecord {
    pub fn effective_reset_days(&self, settings: &ProjectSettings) -> ResetDays {
        self.reset_days.unwrap_or(settings.reset_days)
    }

    pub fn view(&self, settings: &ProjectSettings) -> NumberView {
        NumberView {
            phone_number_id: self.phone_number_id.clone(),
            waba_id: self.waba_id.clone(),
            label: self.label.clone(),
            display_phone_number: self.display_phone_number.clone(),
            verified_name: self.verified_name.clone(),
            quality_rating: self.quality_rating.clone(),
            status: if self.connected {
                NumberStatus::Connected
            } else {
                NumberStatus::Disconnected
            },
            handoff_enabled: self.handoff_enabled,
            csat: self.csat.clone(),
            read_receipts: self.read_receipts,
            reset_days: self.reset_days,
            effective_reset_days: self.effective_reset_days(settings),
            manager_links: ManagerLinks::for_number(&self.waba_id, &self.phone_number_id),
            connected_at: self.connected_at,
            disconnected_at: self.disconnected_at,
            version: self.version,
        }
    }
}

/// Everything the one writer owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigDocument {
    pub settings: ProjectSettings,
    #[serde(default)]
    pub settings_version: u64,
    pub numbers: Vec<NumberRecord>,
}

/// What Graph said when a token was checked, with the token sealed for storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedToken {
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub quality_rating: Option<String>,
    pub sealed_access_token: String,
}

/// The fields of a number an owner changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberChanges {
    pub label: Option<String>,
    pub handoff_enabled: Option<bool>,
    /// `Some(None)` returns the number to the project default. In JSON: absent leaves it,
    /// `null` returns it to the default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub reset_days: Option<Option<ResetDays>>,
    pub token: Option<VerifiedToken>,
    #[serde(default)]
    pub csat: Option<CsatSettings>,
    #[serde(default)]
    pub read_receipts: Option<bool>,
}

/// One change to the document, as the writer receives it. Everything that needs the network
/// (checking a token with Graph) or randomness (sealing it) is done before, by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum ConfigCommand {
    /// Reads the document; changes nothing.
    Read,
    SaveSettings {
        /// Boxed: the settings (with their languages and hours) dwarf the other commands.
        settings: Box<ProjectSettings>,
        if_version: Option<u64>,
    },
    /// Connects a number (or connects it again: conversations are keyed by its id and resume).
    Connect { record: NumberRecord },
    Patch {
        phone_number_id: String,
        changes: NumberChanges,
        if_version: Option<u64>,
    },
    Disconnect {
        phone_number_id: String,
        at: i64,
        if_version: Option<u64>,
    },
}

/// Why a command was not applied; each maps to one HTTP status at the edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum ConfigRefusal {
    #[error("no number {phone_number_id}")]
    UnknownNumber { phone_number_id: String },
    #[error("number {phone_number_id} is already connected")]
    AlreadyConnected { phone_number_id: String },
    #[error("number {phone_number_id} is already disconnected")]
    AlreadyDisconnected { phone_number_id: String },
    #[error(
        "number {phone_number_id} is disconnected: connect it again to give it a new access token"
    )]
    TokenForDisconnected { phone_number_id: String },
    #[error("this was changed meanwhile (now version {current}, you edited version {yours}); reload and try again")]
    StaleVersion { current: u64, yours: u64 },
}

/// The writer's answer to a command: the document after it, or why it was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigAnswer {
    Applied(Box<ConfigDocument>),
    /// A command that wrote: the document before it too, for the audit log.
    Changed {
        previous: Box<ConfigDocument>,
        document: Box<ConfigDocument>,
    },
    Refused(ConfigRefusal),
}

impl ConfigCommand {
    /// Whether applying it can change the document.
    pub fn writes(&self) -> bool {
        !matches!(self, Self::Read)
    }
}

impl ConfigDocument {
    /// Applies `command` to the document; on refusal the document is unchanged.
    pub fn apply(&mut self, command: ConfigCommand) -> Result<(), ConfigRefusal> {
        match command {
            ConfigCommand::Read => Ok(()),
            ConfigCommand::SaveSettings {
                settings,
                if_version,
            } => {
                check_version(self.settings_version, if_version)?;
                self.settings = *settings;
                self.settings_version += 1;
                Ok(())
            }
            ConfigCommand::Connect { mut record } => {
                // The first number connected becomes the handoff default: one number just works.
                if self.settings.default_handoff_number.is_none()
                    && !self.numbers.iter().any(|n| n.connected)
                {
                    self.settings.default_handoff_number = Some(record.phone_number_id.clone());
                    self.settings_version += 1;
                }
                let previous = self
                    .numbers
                    .iter()
                    .position(|n| n.phone_number_id == record.phone_number_id);
                if let Some(i) = previous {
                    if self.numbers[i].connected {
                        return Err(ConfigRefusal::AlreadyConnected {
                            phone_number_id: record.phone_number_id,
                        });
                    }
                    record.version = self.numbers[i].version + 1;
                    self.numbers[i] = record;
                } else {
                    record.version = 1;
                    self.numbers.push(record);
                }
                Ok(())
            }
            ConfigCommand::Patch {
                phone_number_id,
                changes,
                if_version,
            } => {
                let number = self.number_mut(&phone_number_id)?;
                check_version(number.version, if_version)?;
                if let Some(token) = changes.token {
                    // A disconnect forgot the token; only a connect gives one back.
                    if !number.connected {
                        return Err(ConfigRefusal::TokenForDisconnected { phone_number_id });
                    }
                    number.display_phone_number = token.display_phone_number;
                    number.verified_name = token.verified_name;
                    number.quality_rating = token.quality_rating;
                    number.sealed_access_token = Some(token.sealed_access_token);
                }
                if let Some(label) = changes.label {
                    number.label = label;
                }
                if let Some(csat) = &changes.csat {
                    number.csat = csat.clone();
                }
                if let Some(handoff) = changes.handoff_enabled {
                    number.handoff_enabled = handoff;
                }
                if let Some(receipts) = changes.read_receipts {
                    number.read_receipts = receipts;
                }
                if let Some(reset_days) = changes.reset_days {
                    number.reset_days = reset_days;
                }
                number.version += 1;
                Ok(())
            }
            ConfigCommand::Disconnect {
                phone_number_id,
                at,
                if_version,
            } => {
                let number = self.number_mut(&phone_number_id)?;
                check_version(number.version, if_version)?;
                if !number.connected {
                    return Err(ConfigRefusal::AlreadyDisconnected { phone_number_id });
                }
                number.connected = false;
                number.sealed_access_token = None;
                number.disconnected_at = Some(at);
                number.version += 1;
                Ok(())
            }
        }
    }

    pub fn number(&self, phone_number_id: &str) -> Option<&NumberRecord> {
        self.numbers
            .iter()
            .find(|n| n.phone_number_id == phone_number_id)
    }

    fn number_mut(&mut self, phone_number_id: &str) -> Result<&mut NumberRecord, ConfigRefusal> {
        self.numbers
            .iter_mut()
            .find(|n| n.phone_number_id == phone_number_id)
            .ok_or_else(|| ConfigRefusal::UnknownNumber {
                phone_number_id: phone_number_id.to_owned(),
            })
    }
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn check_version(current: u64, yours: Option<u64>) -> Result<(), ConfigRefusal> {
    match yours {
        Some(yours) if yours != current => Err(ConfigRefusal::StaleVersion { current, yours }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> NumberRecord {
        NumberRecord {
            phone_number_id: id.into(),
            waba_id: "w".into(),
            label: "Support".into(),
            display_phone_number: "+1 555".into(),
            verified_name: None,
            quality_rating: None,
            sealed_access_token: Some("sealed".into()),
            handoff_enabled: true,
            read_receipts: true,
            csat: CsatSettings::default(),
            reset_days: None,
            connected: true,
            connected_at: 1,
            disconnected_at: None,
            version: 0,
        }
    }

    fn with(ids: &[&str]) -> ConfigDocument {
        let mut doc = ConfigDocument::default();
        for id in ids {
            doc.apply(ConfigCommand::Connect { record: record(id) })
                .unwrap();
        }
        doc
    }

    fn patch(id: &str, changes: NumberChanges, if_version: Option<u64>) -> ConfigCommand {
        ConfigCommand::Patch {
            phone_number_id: id.into(),
            changes,
            if_version,
        }
    }

    #[test]
    fn every_change_bumps_the_version_and_a_stale_one_is_refused() {
        let mut doc = with(&["a"]);
        assert_eq!(doc.number("a").unwrap().version, 1);
        let label = |l: &str| NumberChanges {
            label: Some(l.into()),
            ..Default::default()
        };
        doc.apply(patch("a", label("One"), Some(1))).unwrap();
        assert_eq!(doc.number("a").unwrap().version, 2);
        assert_eq!(
            doc.apply(patch("a", label("Two"), Some(1))),
            Err(ConfigRefusal::StaleVersion {
                current: 2,
                yours: 1
            })
        );
        assert_eq!(doc.number("a").unwrap().label, "One");
        // Without a version it applies to what is current.
        doc.apply(patch("a", label("Three"), None)).unwrap();
        assert_eq!(doc.number("a").unwrap().label, "Three");
    }

    #[test]
    fn a_disconnect_holds_against_a_later_token_refresh() {
        let mut doc = with(&["a"]);
        doc.apply(ConfigCommand::Disconnect {
            phone_number_id: "a".into(),
            at: 5,
            if_version: None,
        })
        .unwrap();
        let refresh = NumberChanges {
            token: Some(VerifiedToken {
                display_phone_number: "+1".into(),
                verified_name: None,
                quality_rating: None,
                sealed_access_token: "new".into(),
            }),
            label: Some("Renamed".into()),
            ..Default::default()
        };
        assert!(matches!(
            doc.apply(patch("a", refresh, None)),
            Err(ConfigRefusal::TokenForDisconnected { .. })
        ));
        let a = doc.number("a").unwrap();
        assert!(!a.connected);
        assert_eq!(a.sealed_access_token, None);
        assert_eq!(a.label, "Support", "a refused command changes nothing");
    }

    #[test]
    fn edits_of_different_numbers_and_fields_all_land() {
        let mut doc = with(&["a", "b"]);
        doc.apply(patch(
            "a",
            NumberChanges {
                label: Some("A".into()),
                ..Default::default()
            },
            None,
        ))
        .unwrap();
        doc.apply(patch(
            "b",
            NumberChanges {
                handoff_enabled: Some(false),
                ..Default::default()
            },
            None,
        ))
        .unwrap();
        doc.apply(patch(
            "a",
            NumberChanges {
                reset_days: Some(ResetDays::days(3)),
                ..Default::default()
            },
            None,
        ))
        .unwrap();
        assert_eq!(doc.number("a").unwrap().label, "A");
        assert_eq!(doc.number("a").unwrap().reset_days, ResetDays::days(3));
        assert!(!doc.number("b").unwrap().handoff_enabled);
    }

    #[test]
    fn the_first_number_connected_becomes_the_default_and_a_chosen_default_stays() {
        let doc = with(&["a", "b"]);
        assert_eq!(doc.settings.default_handoff_number.as_deref(), Some("a"));
        let mut chosen = ConfigDocument::default();
        chosen.settings.default_handoff_number = Some("b".into());
        chosen
            .apply(ConfigCommand::Connect {
                record: record("a"),
            })
            .unwrap();
        assert_eq!(chosen.settings.default_handoff_number.as_deref(), Some("b"));
    }

    #[test]
    fn connect_refuses_a_connected_number_and_reconnects_a_disconnected_one() {
        let mut doc = with(&["a"]);
        assert!(matches!(
            doc.apply(ConfigCommand::Connect {
                record: record("a")
            }),
            Err(ConfigRefusal::AlreadyConnected { .. })
        ));
        doc.apply(ConfigCommand::Disconnect {
            phone_number_id: "a".into(),
            at: 5,
            if_version: None,
        })
        .unwrap();
        doc.apply(ConfigCommand::Connect {
            record: record("a"),
        })
        .unwrap();
        assert!(doc.number("a").unwrap().connected);
        assert_eq!(doc.number("a").unwrap().version, 3);
        assert!(matches!(
            doc.apply(ConfigCommand::Disconnect {
                phone_number_id: "x".into(),
                at: 5,
                if_version: None
            }),
            Err(ConfigRefusal::UnknownNumber { .. })
        ));
    }

    #[test]
    fn commands_and_documents_round_trip_as_json() {
        let doc = with(&["a"]);
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(serde_json::from_str::<ConfigDocument>(&text).unwrap(), doc);
        for reset_days in [None, Some(None), Some(ResetDays::days(3))] {
            let changes = NumberChanges {
                reset_days,
                ..Default::default()
            };
            let command = patch("a", changes, Some(4));
            let text = serde_json::to_string(&command).unwrap();
            assert_eq!(
                serde_json::from_str::<ConfigCommand>(&text).unwrap(),
                command,
                "{text}"
            );
        }
        // Records stored before versions existed still read.
        let old = r#"{"phone_number_id":"a","waba_id":"w","label":"L","display_phone_number":"1","verified_name":null,
            "quality_rating":null,"sealed_access_token":null,"handoff_enabled":true,"reset_days":null,"connected":true,
            "connected_at":1,"disconnected_at":null}"#;
        assert_eq!(
            serde_json::from_str::<NumberRecord>(old).unwrap().version,
            0
        );
    }
}
