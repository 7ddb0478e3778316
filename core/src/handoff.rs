//! Handoff codes: the one-time reference that carries a Messenger conversation to WhatsApp.
//!
//! The widget opens `https://wa.me/<digits>?text=<prefilled message>`; the
//! prefilled message carries a code such as `SB-7K3M-Q9TD`. When the first
//! WhatsApp message with a valid, unused, unexpired code arrives, the edge links
//! that WhatsApp user to the Messenger conversation the code was issued for.
//! Codes use Crockford's base32 (no I, L, O, U) so they survive being retyped.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

/// How long an issued code stays valid.
pub const CODE_LIFETIME_SECONDS: i64 = 30 * 60;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "SB-";

/// A handoff code in its canonical form, `SB-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HandoffCode(String);

impl HandoffCode {
    /// Builds a code from 5 random bytes (40 bits) supplied by the caller's CSPRNG.
    pub fn from_random(bytes: [u8; 5]) -> Self {
        let bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars: String = (0..8)
            .map(|i| ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize] as char)
            .collect();
        Self(format!("{PREFIX}{}-{}", &chars[..4], &chars[4..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The codes a message may carry, in order of appearance, at most
    /// [`MAX_CANDIDATES`]: every `SB` followed by eight code characters once the
    /// separators people type (spaces, hyphens, en and em dashes, underscores, dots)
    /// are taken out, in any case, with the letters people confuse with digits
    /// (`O` → `0`, `I`/`L` → `1`), glued to other words or not. A candidate that is
    /// not a real code is harmless: it matches no stored code (40 random bits each).
    pub fn candidates_in(text: &str) -> Vec<Self> {
        let mut found: Vec<Self> = Vec::new();
        let mut add = |code: Self| {
            if found.len() < MAX_CANDIDATES && !found.contains(&code) {
                found.push(code);
            }
        };
        // First the codes written as issued (`SB-XXXX-XXXX`, any case), so that words that merely
        // contain "sb" ("USB", "website") can never crowd out a code the visitor pasted.
        let upper: Vec<char> = text.chars().map(|c| c.to_ascii_uppercase()).collect();
        for start in 0..upper.len() {
            if let Some(code) = Self::canonical_at(&upper[start..]) {
                add(code);
            }
        }
        // Then the same as people retype it: separators dropped, glued to other words.
        let squeezed: Vec<char> = upper.into_iter().filter(|c| !is_separator(*c)).collect();
        for start in 0..squeezed.len() {
            if squeezed[start] != 'S' || squeezed.get(start + 1) != Some(&'B') {
                continue;
            }
            let body: Option<String> = squeezed
                .get(start + 2..start + 10)
                .and_then(|chars| chars.iter().map(|c| canonical_char(*c)).collect());
            if let Some(body) = body {
                add(Self(format!("{PREFIX}{}-{}", &body[..4], &body[4..])));
            }
        }
        found
    }

    /// `SB-XXXX-XXXX` at the start of `chars` (already upper-case).
    fn canonical_at(chars: &[char]) -> Option<Self> {
        let shape = chars.get(..12)?;
        if shape[..3] != ['S', 'B', '-'] || shape[7] != '-' {
            return None;
        }
        let body: String = shape[3..7]
            .iter()
            .chain(&shape[8..12])
            .map(|c| canonical_char(*c))
            .collect::<Option<_>>()?;
        Some(Self(format!("{PREFIX}{}-{}", &body[..4], &body[4..])))
    }

    /// The first candidate in a message, if any.
    pub fn find_in(text: &str) -> Option<Self> {
        Self::candidates_in(text).into_iter().next()
    }

    /// Parses a code as a person would type it on its own (`sb 7k3m q9td`).
    pub fn parse(text: &str) -> Option<Self> {
        let squeezed: String = text.chars().filter(|c| !is_separator(*c)).collect();
        (squeezed.chars().count() == 10)
            .then(|| Self::find_in(&squeezed))
            .flatten()
    }
}

/// How many codes one message is checked for.
pub const MAX_CANDIDATES: usize = 4;

/// Characters people put inside a code as they retype it.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '.' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
        )
}

fn canonical_char(c: char) -> Option<char> {
    let c = match c {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .contains(&(c as u8))
        .then_some(c)
        .filter(char::is_ascii)
}

/// The message the visitor's WhatsApp opens with, in English.
pub fn prefilled_message(code: &HandoffCode) -> String {
    format!(
        "Hi! I'd like to continue my website chat here. (ref {})",
        code.as_str()
    )
}

/// The longest prepared message a Messenger may ask for (characters, before the code).
pub const MAX_PREFILL_CHARS: usize = 300;

/// The message the visitor's WhatsApp opens with, in their language: the Messenger's template
/// with the code where `{code}` is. A template that is too long, holds control characters or
/// does not hold `{code}` exactly once gives the English message, so the code always travels.
pub fn prefilled_in(template: Option<&str>, code: &HandoffCode) -> String {
    let usable = |t: &&str| {
        t.matches("{code}").count() == 1
            && t.chars().count() <= MAX_PREFILL_CHARS
            && !t.chars().any(char::is_control)
    };
    match template.map(str::trim).filter(usable) {
        Some(template) => template.replace("{code}", code.as_str()),
        None => prefilled_message(code),
    }
}

/// Digits only, as wa.me wants them: `+1 (555) 078-3881` → `15550783881`.
pub fn wa_me_digits(display_phone_number: &str) -> String {
    display_phone_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// A WhatsApp number shown without giving it away: `4915112345634` → `+49 ••• ••34`.
pub fn mask_wa_id(wa_id: &str) -> String {
    let digits = wa_me_digits(wa_id);
    if digits.len() < 6 {
        return "•••".to_owned();
    }
    format!("+{} ••• ••{}", &digits[..2], &digits[digits.len() - 2..])
}

/// `https://wa.me/<digits>?text=<prefilled message>`.
pub fn wa_me_link(display_phone_number: &str, text: &str) -> String {
    format!(
        "https://wa.me/{}?text={}",
        wa_me_digits(display_phone_number),
        utf8_percent_encode(text, NON_ALPHANUMERIC)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_have_the_canonical_shape() {
        assert_eq!(HandoffCode::from_random([0; 5]).as_str(), "SB-0000-0000");
        assert_eq!(HandoffCode::from_random([0xff; 5]).as_str(), "SB-ZZZZ-ZZZZ");
    }

    #[test]
    fn the_code_is_found_in_every_language_of_prepared_message() {
        let code = HandoffCode::from_random([7, 3, 200, 41, 99]);
        // The shipped templates, whatever script or direction surrounds the code.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/widget/i18n");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("the Messenger's translation files") {
            let path = entry.unwrap().path();
            let file: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let template = file["wa_prefill"].as_str().expect("wa_prefill");
            let message = prefilled_in(Some(template), &code);
            if !path.ends_with("en.json") {
                assert_ne!(
                    message,
                    prefilled_message(&code),
                    "{path:?} fell back to English"
                );
            }
            assert_eq!(
                HandoffCode::find_in(&message),
                Some(code.clone()),
                "{path:?}: {message}"
            );
            checked += 1;
        }
        assert!(checked >= 16, "only {checked} languages");
        for text in [
            "مرحبا، أريد متابعة المحادثة هنا (المرجع {code})",
            "ウェブサイトのチャットの続きです。参照番号：{code}です",
            "{code}",
        ] {
            let message = prefilled_in(Some(text), &code);
            assert_eq!(
                HandoffCode::find_in(&message),
                Some(code.clone()),
                "{message}"
            );
        }
    }

    #[test]
    fn an_unusable_template_gives_the_english_message() {
        let code = HandoffCode::from_random([1, 2, 3, 4, 5]);
        let long = format!("{} {{code}}", "a".repeat(MAX_PREFILL_CHARS));
        for bad in [
            None,
            Some("no code here"),
            Some("{code} {code}"),
            Some("a\u{0}{code}"),
            Some(long.as_str()),
        ] {
            assert_eq!(
                prefilled_in(bad, &code),
                prefilled_message(&code),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn finds_the_code_in_the_prefilled_message_and_retyped_variants() {
        let code = HandoffCode::from_random([1, 2, 3, 4, 5]);
        assert_eq!(
            HandoffCode::find_in(&prefilled_message(&code)),
            Some(code.clone())
        );
        let retyped = code.as_str().to_ascii_lowercase().replace('-', "");
        let retyped = format!("sb-{}", &retyped[2..]);
        assert_eq!(
            HandoffCode::find_in(&format!("hello {retyped} thanks")),
            Some(code)
        );
        assert_eq!(
            HandoffCode::find_in("ref sb-7k3m-q9td"),
            Some(HandoffCode("SB-7K3M-Q9TD".into()))
        );
        assert_eq!(
            HandoffCode::find_in("ref SB-7K3M-Q9T0"),
            HandoffCode::find_in("ref SB-7K3M-Q9TO")
        );
    }

    #[test]
    fn codes_are_found_as_people_retype_them() {
        let want = Some(HandoffCode("SB-7K3M-Q9TD".into()));
        for text in [
            "SB 7K3M-Q9TD",
            "sb7k3mq9td",
            "SB–7K3M–Q9TD",
            "SB—7K3M—Q9TD",
            "my code is sb 7k3m q9td thanks",
            "ref:SB-7K3M-Q9TD.",
            "codeSB-7K3M-Q9TDplease",
            "(ref sb_7k3m_q9td)",
            "S B - 7 K 3 M - Q 9 T D",
        ] {
            assert_eq!(HandoffCode::find_in(text), want, "{text}");
        }
        assert_eq!(HandoffCode::parse(" sb 7k3m–q9td "), want);
        assert_eq!(HandoffCode::parse("sb 7k3m q9td x"), None);
    }

    #[test]
    fn text_without_a_code_has_no_candidates() {
        for text in [
            "hello",
            "SB-",
            "SB-12",
            "SB-ABCD-EFG",
            "SB-ABCU-EFGH",
            "SB-ÄBCD-EFGH",
            "",
        ] {
            assert_eq!(HandoffCode::candidates_in(text), vec![], "{text}");
        }
    }

    #[test]
    fn words_containing_sb_never_crowd_out_a_pasted_code() {
        let text = "usb cable, website, usbhub, absolutely: SB-7K3M-Q9TD";
        assert_eq!(
            HandoffCode::find_in(text),
            Some(HandoffCode("SB-7K3M-Q9TD".into()))
        );
        assert_eq!(
            HandoffCode::find_in("sbaaaaaa Hi! (ref SB-0000-0000)"),
            Some(HandoffCode("SB-0000-0000".into()))
        );
    }

    #[test]
    fn every_candidate_is_checked_up_to_the_limit() {
        let text = "SB-AAAA-AAAA or sb-bbbb-bbbb, SB-AAAA-AAAA again, SB-CCCC-CCCC SB-DDDD-DDDD SB-EEEE-EEEE";
        let found: Vec<_> = HandoffCode::candidates_in(text)
            .into_iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(
            found,
            [
                "SB-AAAA-AAAA",
                "SB-BBBB-BBBB",
                "SB-CCCC-CCCC",
                "SB-DDDD-DDDD"
            ]
        );
    }

    #[test]
    fn masked_numbers_show_only_their_ends() {
        assert_eq!(mask_wa_id("4915112345634"), "+49 ••• ••34");
        assert_eq!(mask_wa_id("15145550001"), "+15 ••• ••01");
        assert_eq!(mask_wa_id("123"), "•••");
        assert!(!mask_wa_id("4915112345634").contains("151123456"));
    }

    #[test]
    fn wa_me_link_is_digits_and_percent_encoded_text() {
        let code = HandoffCode("SB-7K3M-Q9TD".into());
        let link = wa_me_link("+1 (555) 078-3881", &prefilled_message(&code));
        assert_eq!(
            link,
            "https://wa.me/15550783881?text=Hi%21%20I%27d%20like%20to%20continue%20my%20website%20chat%20here%2E%20%28ref%20SB%2D7K3M%2DQ9TD%29"
        );
    }

    proptest! {
        #[test]
        fn every_code_round_trips_through_its_message(bytes in any::<[u8; 5]>(), noise in "[a-z ]{0,20}") {
            let code = HandoffCode::from_random(bytes);
            let text = format!("{noise} {}", prefilled_message(&code));
            prop_assert_eq!(HandoffCode::find_in(&text), Some(code));
        }

        #[test]
        fn a_retyped_code_is_found(
            bytes in any::<[u8; 5]>(),
            seps in proptest::collection::vec(prop::sample::select(vec!["", " ", "-", "–", "—", "_", "  "]), 3),
            lower in any::<bool>(),
            before in "[a-z ]{0,12}",
            after in "[ .,!?]{0,3}[a-z ]{0,12}",
        ) {
            let code = HandoffCode::from_random(bytes);
            let body = code.as_str().replace('-', "");
            let typed = format!("{}{}{}{}{}{}", &body[..2], seps[0], &body[2..6], seps[1], &body[6..], seps[2]);
            let typed = if lower { typed.to_lowercase() } else { typed };
            let text = format!("{before}{typed}{after}");
            prop_assert!(HandoffCode::candidates_in(&text).contains(&code), "{}", text);
        }

        #[test]
        fn any_text_is_safe_to_scan(text in ".{0,400}") {
            let found = HandoffCode::candidates_in(&text);
            prop_assert!(found.len() <= MAX_CANDIDATES);
            let _ = HandoffCode::parse(&text);
        }
    }
}
