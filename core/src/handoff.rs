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

    /// Finds the first well-formed code in a message, tolerant of case, a
    /// missing dash and the letters people confuse with digits.
    pub fn find_in(text: &str) -> Option<Self> {
        let upper = text.to_ascii_uppercase();
        let mut rest = upper.as_str();
        while let Some(at) = rest.find(PREFIX) {
            let candidate = &rest[at + PREFIX.len()..];
            if let Some(code) = Self::parse_body(candidate) {
                return Some(code);
            }
            rest = &rest[at + PREFIX.len()..];
        }
        None
    }

    fn parse_body(s: &str) -> Option<Self> {
        let mut chars = s.chars().peekable();
        let mut body = String::with_capacity(8);
        while body.len() < 8 {
            if body.len() == 4 && chars.peek() == Some(&'-') {
                chars.next();
            }
            body.push(canonical_char(chars.next()?)?);
        }
        // The code must end there: `SB-ABCD-EFGHX` is not a code.
        if chars.next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        Some(Self(format!("{PREFIX}{}-{}", &body[..4], &body[4..])))
    }
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

/// The message the visitor's WhatsApp opens with.
pub fn prefilled_message(code: &HandoffCode) -> String {
    format!(
        "Hi! I'd like to continue my website chat here. (ref {})",
        code.as_str()
    )
}

/// Digits only, as wa.me wants them: `+1 (555) 078-3881` → `15550783881`.
pub fn wa_me_digits(display_phone_number: &str) -> String {
    display_phone_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
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
    fn text_without_a_well_formed_code_has_none() {
        for text in [
            "hello",
            "SB-",
            "SB-12",
            "SB-ABCD-EFG",
            "SB-ABCD-EFGHJ",
            "SB-ABCU-EFGH",
            "SB-ÄBCD-EFGH",
        ] {
            assert_eq!(HandoffCode::find_in(text), None, "{text}");
        }
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
        fn any_text_is_safe_to_scan(text in ".{0,200}") {
            let _ = HandoffCode::find_in(&text);
        }
    }
}
