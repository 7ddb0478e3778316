//! What the owner writes for visitors (business name, greeting, rating question, away message),
//! in the default language and, optionally, per language; and the choice of the default
//! language. A visitor served in a language the owner wrote nothing for gets the default
//! language's texts; a text the owner never wrote (the rating question, the away message) is
//! left to the Messenger's own translation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::language::{self, OwnerChoice, DEFAULT_LANGUAGE};

/// The Messenger's language settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettings {
    /// The language the owner's own texts are written in, and the one visitors get when their
    /// browser asks for nothing the Messenger ships.
    pub default: String,
    /// Serve every visitor in `default`, whatever their browser asks for (`data-lang` on the
    /// script tag still wins).
    #[serde(default)]
    pub always_default: bool,
}

impl LanguageSettings {
    /// These settings as `language::choose` reads them.
    pub fn owner_choice(&self) -> OwnerChoice<'_> {
        OwnerChoice {
            default: &self.default,
            always_default: self.always_default,
        }
    }
}

impl Default for LanguageSettings {
    fn default() -> Self {
        Self {
            default: DEFAULT_LANGUAGE.to_owned(),
            always_default: false,
        }
    }
}

/// The owner's texts in one language other than the default; each is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerTexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_message: Option<String>,
}

/// The longest of each text (characters).
pub const MAX_BUSINESS_NAME: usize = 80;
pub const MAX_GREETING: usize = 280;
pub const MAX_RATING_QUESTION: usize = crate::csat::MAX_QUESTION_CHARS;
pub const MAX_AWAY_MESSAGE: usize = 280;

/// Why a language's texts were refused: the field (`translations.pt-BR.greeting`) and reason.
pub type TextsError = (String, String);

impl OwnerTexts {
    /// Trims every text (empty means "not written") and bounds its length.
    pub fn normalized(self, lang: &str) -> Result<Self, TextsError> {
        let field = |name: &str, value: Option<String>, max: usize| {
            let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
            match value {
                Some(v) if v.chars().count() > max => Err((
                    format!("translations.{lang}.{name}"),
                    format!("must be at most {max} characters"),
                )),
                v => Ok(v),
            }
        };
        Ok(Self {
            business_name: field("business_name", self.business_name, MAX_BUSINESS_NAME)?,
            greeting: field("greeting", self.greeting, MAX_GREETING)?,
            rating_question: field("rating_question", self.rating_question, MAX_RATING_QUESTION)?,
            away_message: field("away_message", self.away_message, MAX_AWAY_MESSAGE)?,
        })
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Checks the language settings and every language's texts: only languages the Messenger
/// ships, none for the default language itself (its texts are the main fields), none empty.
pub fn normalize(
    settings: &LanguageSettings,
    translations: BTreeMap<String, OwnerTexts>,
) -> Result<(LanguageSettings, BTreeMap<String, OwnerTexts>), TextsError> {
    let default = language::supported(&settings.default)
        .filter(|l| l.eq_ignore_ascii_case(settings.default.trim()))
        .ok_or_else(|| {
            (
                "language.default".to_owned(),
                format!(
                    "{:?} is not one of the Messenger's languages ({})",
                    settings.default,
                    language::LANGUAGES.join(", ")
                ),
            )
        })?;
    let mut kept = BTreeMap::new();
    for (tag, texts) in translations {
        let lang = language::supported(&tag)
            .filter(|l| l.eq_ignore_ascii_case(tag.trim()))
            .ok_or_else(|| {
                (
                    "translations".to_owned(),
                    format!("{tag:?} is not one of the Messenger's languages"),
                )
            })?;
        let texts = texts.normalized(lang)?;
        if lang != default && !texts.is_empty() {
            kept.insert(lang.to_owned(), texts);
        }
    }
    Ok((
        LanguageSettings {
            default: default.to_owned(),
            always_default: settings.always_default,
        },
        kept,
    ))
}

/// The owner's texts as a visitor in `lang` reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub business_name: String,
    pub greeting: String,
    /// `None`: the Messenger asks its own (translated) question.
    pub rating_question: Option<String>,
    /// `None`: nothing beyond the Messenger's own "we're away" line.
    pub away_message: Option<String>,
}

/// The default language's texts, as the main settings fields hold them.
#[derive(Debug, Clone, Copy)]
pub struct DefaultTexts<'a> {
    pub business_name: &'a str,
    pub greeting: &'a str,
    pub rating_question: Option<&'a str>,
    pub away_message: Option<&'a str>,
}

/// Each text in `lang` when the owner wrote it, else the default language's.
pub fn resolve(
    lang: &str,
    defaults: DefaultTexts<'_>,
    translations: &BTreeMap<String, OwnerTexts>,
) -> Resolved {
    let own = translations.get(lang);
    let pick = |get: fn(&OwnerTexts) -> &Option<String>, fallback: Option<&str>| {
        own.and_then(|t| get(t).clone())
            .or_else(|| fallback.filter(|f| !f.trim().is_empty()).map(str::to_owned))
    };
    Resolved {
        business_name: pick(|t| &t.business_name, Some(defaults.business_name)).unwrap_or_default(),
        greeting: pick(|t| &t.greeting, Some(defaults.greeting)).unwrap_or_default(),
        rating_question: pick(|t| &t.rating_question, defaults.rating_question),
        away_message: pick(|t| &t.away_message, defaults.away_message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> DefaultTexts<'static> {
        DefaultTexts {
            business_name: "Loja Azul",
            greeting: "Olá! Como podemos ajudar?",
            rating_question: None,
            away_message: Some("Respondemos em breve."),
        }
    }

    #[test]
    fn a_written_translation_wins_and_the_rest_falls_back_to_the_default_language() {
        let mut translations = BTreeMap::new();
        translations.insert(
            "en".to_owned(),
            OwnerTexts {
                greeting: Some("Hi! How can we help?".into()),
                ..OwnerTexts::default()
            },
        );
        let en = resolve("en", defaults(), &translations);
        assert_eq!(en.greeting, "Hi! How can we help?");
        assert_eq!(en.business_name, "Loja Azul");
        assert_eq!(en.away_message.as_deref(), Some("Respondemos em breve."));
        assert_eq!(en.rating_question, None);
        let de = resolve("de", defaults(), &translations);
        assert_eq!(de.greeting, "Olá! Como podemos ajudar?");
    }

    #[test]
    fn normalizing_refuses_unknown_languages_and_long_texts_and_drops_empty_ones() {
        let settings = LanguageSettings {
            default: "pt-BR".into(),
            always_default: false,
        };
        let mut translations = BTreeMap::new();
        translations.insert("xx".to_owned(), OwnerTexts::default());
        let err = normalize(&settings, translations).unwrap_err();
        assert_eq!(err.0, "translations");

        let mut translations = BTreeMap::new();
        translations.insert(
            "de".to_owned(),
            OwnerTexts {
                greeting: Some("x".repeat(281)),
                ..OwnerTexts::default()
            },
        );
        let err = normalize(&settings, translations).unwrap_err();
        assert_eq!(err.0, "translations.de.greeting");

        let mut translations = BTreeMap::new();
        translations.insert(
            "de".to_owned(),
            OwnerTexts {
                greeting: Some("   ".into()),
                ..OwnerTexts::default()
            },
        );
        translations.insert(
            "pt-BR".to_owned(),
            OwnerTexts {
                greeting: Some("Oi".into()),
                ..OwnerTexts::default()
            },
        );
        let (_, kept) = normalize(&settings, translations).unwrap();
        assert!(
            kept.is_empty(),
            "empty texts and the default language's own are dropped"
        );
    }

    #[test]
    fn the_default_must_be_a_shipped_language_as_written() {
        for bad in ["xx", "pt", "EN-us"] {
            let settings = LanguageSettings {
                default: bad.into(),
                always_default: false,
            };
            assert_eq!(
                normalize(&settings, BTreeMap::new()).unwrap_err().0,
                "language.default",
                "{bad}"
            );
        }
    }
}
