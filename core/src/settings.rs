//! Project settings and per-number settings, with their validation.
//!
//! Validation turns a request body into a value that is known to be good, or
//! into a [`FieldError`] that names the field and says what is wrong with it.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::messenger_texts::{LanguageSettings, OwnerTexts};
use crate::reset::ResetDays;

/// A request field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

pub(crate) fn field_error(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Project-wide defaults and the widget's look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    /// Master switch for "Continue on WhatsApp".
    pub handoff_enabled: bool,
    pub reset_days: ResetDays,
    /// Origins (`https://shop.example`) whose pages may embed the widget.
    pub allowed_origins: Vec<String>,
    pub business_name: String,
    pub greeting: String,
    /// The widget's accent colour, `#rrggbb`.
    pub accent_color: String,
    /// Number used for handoff when neither the script tag nor the country map picks one.
    pub default_handoff_number: Option<String>,
    /// ISO 3166-1 alpha-2 country → phone number id.
    pub country_numbers: BTreeMap<String, String>,
    /// Cloudflare Turnstile site key. When set (and the `TURNSTILE_SECRET_KEY` secret is), a
    /// visitor's first message needs a passed Turnstile challenge.
    #[serde(default)]
    pub turnstile_site_key: Option<String>,
    /// The survey (and auto-resolve) for Messenger conversations; per number for WhatsApp.
    #[serde(default)]
    pub messenger_csat: crate::csat::CsatSettings,
    /// The Messenger's default language, and whether every visitor gets it.
    #[serde(default)]
    pub language: LanguageSettings,
    /// The texts above (and the rating question, the away message) in other languages.
    #[serde(default)]
    pub translations: BTreeMap<String, OwnerTexts>,
    /// Shown in the Messenger outside opening hours, under its own "we're away" line.
    #[serde(default)]
    pub away_message: Option<String>,
    /// Show "usually replies within …" (from the measured median first response in opening
    /// hours) under the business name.
    #[serde(default)]
    pub show_reply_time: bool,
    /// When the team answers; outside them the Messenger says when it is back.
    #[serde(default)]
    pub opening_hours: crate::opening_hours::OpeningHours,
    /// Visitors see the agent's display name on replies in the Messenger unless this is set.
    #[serde(default)]
    pub hide_agent_names: bool,
}

impl Default for ProjectSettings {
    fn default() -> Self {
        Self {
            handoff_enabled: false,
            reset_days: ResetDays::days(7).expect("7 is within 1–365"),
            allowed_origins: Vec::new(),
            business_name: "Switchboard demo".to_owned(),
            greeting: "Hi! How can we help you today?".to_owned(),
            accent_color: "#0b7a5c".to_owned(),
            default_handoff_number: None,
            country_numbers: BTreeMap::new(),
            messenger_csat: crate::csat::CsatSettings::default(),
            turnstile_site_key: None,
            language: LanguageSettings::default(),
            translations: BTreeMap::new(),
            away_message: None,
            show_reply_time: false,
            opening_hours: crate::opening_hours::OpeningHours::default(),
            hide_agent_names: false,
        }
    }
}

impl ProjectSettings {
    /// Checks every field; the first problem found is returned.
    pub fn validate(mut self) -> Result<Self, FieldError> {
        self.messenger_csat = self
            .messenger_csat
            .clone()
            .validate()
            .map_err(|reason| field_error("messenger_csat", reason))?;
        self.allowed_origins = self
            .allowed_origins
            .iter()
            .map(|o| normalize_origin(o).ok_or_else(|| field_error("allowed_origins", format!("{o:?} is not an origin like https://shop.example (scheme and host, optional port, no path)"))))
            .collect::<Result<_, _>>()?;
        self.business_name = bounded_text("business_name", &self.business_name, 1, 80)?;
        self.greeting = bounded_text("greeting", &self.greeting, 1, 280)?;
        self.away_message = self
            .away_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| {
                bounded_text(
                    "away_message",
                    m,
                    1,
                    crate::messenger_texts::MAX_AWAY_MESSAGE,
                )
            })
            .transpose()?;
        let (language, translations) = crate::messenger_texts::normalize(
            &self.language,
            std::mem::take(&mut self.translations),
        )
        .map_err(|(field, reason)| field_error(&field, reason))?;
        (self.language, self.translations) = (language, translations);
        // The hours are read with the time zone database, which only the edge carries (the
        // console leaves the check to the edge's answer).
        #[cfg(feature = "opening-hours")]
        {
            self.opening_hours = self.opening_hours.normalized()?;
        }
        if !is_hex_color(&self.accent_color) {
            return Err(field_error("accent_color", "must look like #0b7a5c"));
        }
        if let Some(id) = &self.default_handoff_number {
            check_id("default_handoff_number", id)?;
        }
        self.turnstile_site_key = self
            .turnstile_site_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| bounded_text("turnstile_site_key", k, 10, 100))
            .transpose()?;
        if let Some(key) = &self.turnstile_site_key {
            if !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(field_error(
                    "turnstile_site_key",
                    "is the site key from Cloudflare's Turnstile page (letters, digits, - and _)",
                ));
            }
        }
        for (country, id) in &self.country_numbers {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(field_error(
                    "country_numbers",
                    format!("{country:?} is not a two-letter country code such as DE"),
                ));
            }
            check_id("country_numbers", id)?;
        }
        Ok(self)
    }

    pub fn allows_origin(&self, origin: &str) -> bool {
        normalize_origin(origin).is_some_and(|o| self.allowed_origins.contains(&o))
    }
}

/// `https://Shop.Example:443/` → `https://shop.example`; `None` when it is not an origin.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.is_empty() {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !host_ok {
        return None;
    }
    let default_port = if scheme == "https" { "443" } else { "80" };
    Some(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn bounded_text(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min || len > max {
        return Err(field_error(
            field,
            format!("must be {min}–{max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Meta's ids (phone number id, WABA id) are decimal digits.
pub fn check_id(field: &str, id: &str) -> Result<(), FieldError> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field_error(
            field,
            "must be Meta's numeric id (digits only)",
        ));
    }
    Ok(())
}

/// `POST /api/admin/numbers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectNumber {
    pub phone_number_id: String,
    pub waba_id: String,
    pub access_token: String,
    pub label: String,
    #[serde(default)]
    pub handoff_enabled: Option<bool>,
    #[serde(default)]
    pub reset_days: Option<ResetDays>,
}

impl ConnectNumber {
    pub fn validate(mut self) -> Result<Self, FieldError> {
        self.phone_number_id = self.phone_number_id.trim().to_owned();
        self.waba_id = self.waba_id.trim().to_owned();
        check_id("phone_number_id", &self.phone_number_id)?;
        check_id("waba_id", &self.waba_id)?;
        self.access_token = check_token(&self.access_token)?;
        self.label = bounded_text("label", &self.label, 1, 80)?;
        Ok(self)
    }
}

fn check_token(token: &str) -> Result<String, FieldError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 2048 || token.chars().any(char::is_whitespace) {
        return Err(field_error(
            "access_token",
            "must be a non-empty access token without spaces",
        ));
    }
    Ok(token.to_owned())
}

/// `PATCH /api/admin/numbers/<id>`: absent fields stay as they are;
/// `"reset_days": null` returns the number to the project default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberPatch {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub handoff_enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub reset_days: Option<Option<ResetDays>>,
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub csat: Option<crate::csat::CsatSettings>,
    #[serde(default)]
    pub read_receipts: Option<bool>,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl NumberPatch {
    pub fn validate(mut self) -> Result<Self, FieldError> {
        if let Some(label) = &self.label {
            self.label = Some(bounded_text("label", label, 1, 80)?);
        }
        if let Some(token) = &self.access_token {
            self.access_token = Some(check_token(token)?);
        }
        if let Some(csat) = self.csat.take() {
            self.csat = Some(csat.validate().map_err(|reason| FieldError {
                field: "csat".to_owned(),
                reason,
            })?);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_valid() {
        assert!(ProjectSettings::default().validate().is_ok());
    }

    #[test]
    fn origins_are_normalized_and_checked() {
        assert_eq!(
            normalize_origin("https://Shop.Example/").as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(
            normalize_origin("https://shop.example:443").as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:8787").as_deref(),
            Some("http://127.0.0.1:8787")
        );
        for bad in [
            "shop.example",
            "ftp://x",
            "https://",
            "https://a/b",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
        let s = ProjectSettings {
            allowed_origins: vec!["https://a.example".into(), "nope".into()],
            ..Default::default()
        };
        let err = s.validate().unwrap_err();
        assert_eq!(err.field, "allowed_origins");
        assert!(err.reason.contains("\"nope\""));
    }

    #[test]
    fn each_field_is_checked() {
        let bad = |f: fn(&mut ProjectSettings)| {
            let mut s = ProjectSettings::default();
            f(&mut s);
            s.validate().unwrap_err().field
        };
        assert_eq!(bad(|s| s.accent_color = "green".into()), "accent_color");
        assert_eq!(bad(|s| s.greeting = " ".into()), "greeting");
        assert_eq!(bad(|s| s.greeting = "x".repeat(281)), "greeting");
        assert_eq!(
            bad(|s| s.default_handoff_number = Some("12a".into())),
            "default_handoff_number"
        );
        assert_eq!(
            bad(|s| {
                s.country_numbers.insert("de".into(), "1".into());
            }),
            "country_numbers"
        );
    }

    #[test]
    fn settings_refuse_unknown_fields_and_bad_reset_days() {
        let mut v = serde_json::to_value(ProjectSettings::default()).unwrap();
        v["reset_days"] = json!(400);
        assert!(serde_json::from_value::<ProjectSettings>(v.clone()).is_err());
        v["reset_days"] = json!("off");
        v["colour"] = json!("#fff");
        assert!(serde_json::from_value::<ProjectSettings>(v).is_err());
    }

    #[test]
    fn connect_requests_are_validated() {
        let ok = json!({ "phone_number_id": " 106540352242922 ", "waba_id": "102290129340398",
                         "access_token": "EAAG123", "label": "Support EU", "reset_days": 30 });
        let c: ConnectNumber = serde_json::from_value(ok.clone()).unwrap();
        let c = c.validate().unwrap();
        assert_eq!(c.phone_number_id, "106540352242922");
        assert_eq!(c.reset_days, ResetDays::days(30));
        let mut bad = ok.clone();
        bad["phone_number_id"] = json!("+1 555");
        let c: ConnectNumber = serde_json::from_value(bad).unwrap();
        assert_eq!(c.validate().unwrap_err().field, "phone_number_id");
        let mut bad = ok;
        bad["access_token"] = json!("two words");
        let c: ConnectNumber = serde_json::from_value(bad).unwrap();
        assert_eq!(c.validate().unwrap_err().field, "access_token");
    }

    #[test]
    fn patch_distinguishes_absent_from_null_reset_days() {
        let absent: NumberPatch = serde_json::from_value(json!({ "label": "x" })).unwrap();
        assert_eq!(absent.reset_days, None);
        let inherit: NumberPatch = serde_json::from_value(json!({ "reset_days": null })).unwrap();
        assert_eq!(inherit.reset_days, Some(None));
        let off: NumberPatch = serde_json::from_value(json!({ "reset_days": "off" })).unwrap();
        assert_eq!(off.reset_days, Some(Some(ResetDays::OFF)));
    }
}
