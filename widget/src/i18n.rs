//! The Messenger's words: every text a visitor reads comes from the language file the loader
//! fetched (`static/widget/i18n/<lang>.json`), looked up by a [`T`] key. The keys are listed
//! once here; a native test (`tests/translations.rs`) fails when any language file lacks one,
//! has one too many, or changes a key's placeholders, so a Portuguese panel never shows English.

use yew::virtual_dom::VText;
use yew::{AttrValue, Html};

macro_rules! keys {
    ($($variant:ident => $key:literal,)*) => {
        /// A text the Messenger (or its loader) shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $($variant,)* }

        impl T {
            /// This key's place in [`T::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }

            /// Every key, in the order of `en.json`.
            pub const ALL: &'static [T] = &[$(T::$variant,)*];

            /// The key in the language files.
            pub fn key(self) -> &'static str {
                match self { $(T::$variant => $key,)* }
            }
        }
    };
}

keys! {
    LanguageName => "language_name",
    LauncherOpen => "launcher_open",
    LauncherClose => "launcher_close",
    LoadFailed => "load_failed",
    ChatTitle => "chat_title",
    DialogLabel => "dialog_label",
    Close => "close",
    MessagesLabel => "messages_label",
    YouSaid => "you_said",
    BusinessSaid => "business_said",
    QuoteYou => "quote_you",
    QuoteBusiness => "quote_business",
    Reacted => "reacted",
    Earlier => "earlier",
    MessageLabel => "message_label",
    Placeholder => "placeholder",
    Send => "send",
    AttachLabel => "attach_label",
    FileFallbackName => "file_fallback_name",
    FileLoading => "file_loading",
    Uploading => "uploading",
    Retry => "retry",
    RetryFile => "retry_file",
    RatingLabel => "rating_label",
    RatingQuestion => "rating_question",
    StarLabel => "star_label",
    RatingThanks => "rating_thanks",
    TurnstileLabel => "turnstile_label",
    HandoffButton => "handoff_button",
    HandoffButtonClosed => "handoff_button_closed",
    HandoffPreparing => "handoff_preparing",
    HandoffOffer => "handoff_offer",
    OpenWhatsapp => "open_whatsapp",
    QrAlt => "qr_alt",
    QrCaption => "qr_caption",
    WaPrefill => "wa_prefill",
    Continued => "continued",
    OpenWhatsappNumber => "open_whatsapp_number",
    ContinuedWith => "continued_with",
    NotMe => "not_me",
    NotMeThanks => "not_me_thanks",
    ClosedNow => "closed_now",
    BackToday => "back_today",
    BackOn => "back_on",
    BackSoon => "back_soon",
    LeaveMessage => "leave_message",
    ReplyMinutes => "reply_minutes",
    ReplyHour => "reply_hour",
    ReplyHours => "reply_hours",
    ReplyDay => "reply_day",
    ErrorOffline => "error_offline",
    ErrorNotUnderstood => "error_not_understood",
    ErrorTooFast => "error_too_fast",
    ErrorSession => "error_session",
    ErrorUnavailable => "error_unavailable",
    ErrorGeneric => "error_generic",
    ErrorFileType => "error_file_type",
    ErrorFileEmpty => "error_file_empty",
    ErrorFileTooBig => "error_file_too_big",
    ErrorFileSend => "error_file_send",
    ErrorFileLoad => "error_file_load",
    ErrorCheck => "error_check",
}

/// One language's texts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Texts {
    /// The BCP 47 tag (`pt-BR`), for `lang` and `Intl`.
    pub lang: AttrValue,
    /// The texts in the order of [`T::ALL`] (a vector, not a map: no hashing code in the wasm),
    /// each shared (`Rc<str>`): putting one on the page copies nothing.
    words: Vec<AttrValue>,
}

impl Texts {
    /// A language's texts, looked up by key in `find` (the language file's object).
    pub fn new(lang: &str, find: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            lang: AttrValue::from(lang.to_owned()),
            words: T::ALL
                .iter()
                .map(|t| find(t.key()).map(AttrValue::from).unwrap_or_default())
                .collect(),
        }
    }

    /// The text for `key` (empty if the file lacks it, which the translation test forbids).
    pub fn get(&self, key: T) -> &str {
        self.words.get(key.index()).map_or("", |w| w.as_str())
    }

    /// The same text as a shared value for the page (an attribute or a text node). Not inlined:
    /// the view asks for some forty texts, and each ask stays one call.
    #[inline(never)]
    pub fn text(&self, key: T) -> AttrValue {
        self.words.get(key.index()).cloned().unwrap_or_default()
    }

    /// The same text as a text node (never parsed as HTML).
    #[inline(never)]
    pub fn html(&self, key: T) -> Html {
        Html::VText(VText::new(self.text(key)))
    }

    /// The text with its `{name}` placeholders filled in. In a right-to-left language each
    /// value is isolated (U+2068 … U+2069), so a phone number, a code or a Latin name keeps its
    /// own order inside Arabic or Hebrew text.
    pub fn fill(&self, key: T, values: &[(&str, &str)]) -> AttrValue {
        AttrValue::from(self.fill_string(key, values))
    }

    fn fill_string(&self, key: T, values: &[(&str, &str)]) -> String {
        if !self.rtl() {
            return fill(self.get(key), values);
        }
        let isolated: Vec<(&str, String)> = values
            .iter()
            .map(|(name, value)| (*name, format!("\u{2068}{value}\u{2069}")))
            .collect();
        let pairs: Vec<(&str, &str)> = isolated.iter().map(|(n, v)| (*n, v.as_str())).collect();
        fill(self.get(key), &pairs)
    }

    /// True when this is a right-to-left language.
    pub fn rtl(&self) -> bool {
        switchboard_core::language::is_rtl(&self.lang)
    }
}

/// `{name}` placeholders in `text` replaced by their values (each once, left to right; a value
/// is never scanned again, so a visitor's text holding `{code}` stays as written).
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        out.push_str(&rest[..start]);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The text split around one placeholder, to put markup (such as `<code>`) in its place.
pub fn split_at<'a>(text: &'a str, placeholder: &str) -> (&'a str, &'a str) {
    let marker = format!("{{{placeholder}}}");
    text.split_once(marker.as_str()).unwrap_or((text, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_values_are_not_rescanned() {
        assert_eq!(
            fill("Chat with {business}", &[("business", "{business} & Co")]),
            "Chat with {business} & Co"
        );
        assert_eq!(fill("{n} of 5", &[("n", "3")]), "3 of 5");
        assert_eq!(fill("a {missing} b {", &[]), "a {missing} b {");
        assert_eq!(split_at("ref {code}.", "code"), ("ref ", "."));
    }

    #[test]
    fn right_to_left_values_are_isolated() {
        let texts = Texts::new("ar", |key| {
            (key == "open_whatsapp_number").then(|| "افتح واتساب ({number})".to_owned())
        });
        assert_eq!(
            texts.fill(T::OpenWhatsappNumber, &[("number", "+1 555")]),
            "افتح واتساب (\u{2068}+1 555\u{2069})"
        );
    }

    #[test]
    fn a_missing_key_reads_empty_not_english() {
        let texts = Texts::new("pt-BR", |_| None);
        assert_eq!(texts.get(T::Send), "");
    }
}
