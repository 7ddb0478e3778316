//! Readable colours on the owner's accent: the owner may pick any colour, and the Messenger
//! still shows its buttons and bubbles with a text contrast of at least 4.5:1 (WCAG 2.2 AA,
//! success criterion 1.4.3), by choosing white or near-black text and, when neither reaches it,
//! by darkening the accent until white does.

/// The contrast every text on the accent must reach.
pub const MIN_CONTRAST: f64 = 4.5;

/// Near-black text (the Messenger's body colour).
pub const DARK_TEXT: &str = "#111111";
/// White text.
pub const LIGHT_TEXT: &str = "#ffffff";

/// The accent to paint and the text colour on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccentPair {
    pub background: String,
    pub text: String,
}

/// `#rrggbb` → (r, g, b); `None` for anything else.
fn parse(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Relative luminance, as WCAG defines it.
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// The contrast ratio of two colours (1–21).
pub fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The accent as painted and its text: the accent itself with whichever of white or
/// near-black reads better when that reaches 4.5:1, else the accent darkened step by step
/// until white text on it does. An unreadable colour string gives the default green.
pub fn accent_pair(accent: &str) -> AccentPair {
    let rgb = parse(accent).unwrap_or([0x0b, 0x7a, 0x5c]);
    let (light, dark) = (parse(LIGHT_TEXT).unwrap(), parse(DARK_TEXT).unwrap());
    let (on_light, on_dark) = (ratio(rgb, light), ratio(rgb, dark));
    if on_light.max(on_dark) >= MIN_CONTRAST {
        let text = if on_light >= on_dark {
            LIGHT_TEXT
        } else {
            DARK_TEXT
        };
        return AccentPair {
            background: hex(rgb),
            text: text.to_owned(),
        };
    }
    // Mid-tones (neither text reaches 4.5): darken in 5 % steps; black reaches 21:1, so this ends.
    let mut shade = rgb;
    for step in 1..=20u32 {
        let keep = 1.0 - f64::from(step) * 0.05;
        shade = rgb.map(|c| (f64::from(c) * keep).round() as u8);
        if ratio(shade, light) >= MIN_CONTRAST {
            break;
        }
    }
    AccentPair {
        background: hex(shade),
        text: LIGHT_TEXT.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contrast(pair: &AccentPair) -> f64 {
        ratio(parse(&pair.background).unwrap(), parse(&pair.text).unwrap())
    }

    #[test]
    fn the_default_green_keeps_white_text() {
        let pair = accent_pair("#0b7a5c");
        assert_eq!(pair.background, "#0b7a5c");
        assert_eq!(pair.text, LIGHT_TEXT);
        assert!(contrast(&pair) >= 4.5);
    }

    #[test]
    fn a_light_accent_gets_dark_text_unchanged() {
        let pair = accent_pair("#ffd400");
        assert_eq!(
            pair,
            AccentPair {
                background: "#ffd400".into(),
                text: DARK_TEXT.into()
            }
        );
    }

    #[test]
    fn a_mid_tone_is_darkened_until_white_reads() {
        // WhatsApp green: white on it is 1.98:1, near-black 9.6:1 → dark text, no change.
        assert_eq!(accent_pair("#25d366").text, DARK_TEXT);
        // Pure mid grey and a mid red reach neither with both texts… check all of a sweep.
        for r in (0..=255u32).step_by(17) {
            for g in (0..=255u32).step_by(17) {
                for b in (0..=255u32).step_by(51) {
                    let accent = format!("#{r:02x}{g:02x}{b:02x}");
                    let pair = accent_pair(&accent);
                    assert!(contrast(&pair) >= MIN_CONTRAST, "{accent} → {pair:?}");
                }
            }
        }
    }

    #[test]
    fn known_ratios() {
        assert!((ratio([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((ratio([0x76, 0x76, 0x76], [255, 255, 255]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn nonsense_colours_fall_back_to_the_default() {
        assert_eq!(accent_pair("red").background, "#0b7a5c");
        assert_eq!(accent_pair("#12345").background, "#0b7a5c");
    }
}
