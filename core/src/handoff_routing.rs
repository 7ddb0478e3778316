//! Which number a visitor hands off to: the script tag's choice, else the
//! country map, else the project's default — and only if handoff is on for the
//! project and that number, and the number is connected. When the default is not
//! available (never chosen, disconnected, its handoff off), the first available
//! number stands in for it, so one connected number just works.

use crate::settings::ProjectSettings;

/// What routing needs to know about a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutableNumber<'a> {
    pub phone_number_id: &'a str,
    pub label: &'a str,
    pub connected: bool,
    pub handoff_enabled: bool,
}

/// The phone number id to offer, if "Continue on WhatsApp" may be shown.
/// `requested` is the script tag's `data-number`: a phone number id or a label.
pub fn choose_number<'a>(
    settings: &ProjectSettings,
    numbers: &[RoutableNumber<'a>],
    requested: Option<&str>,
    country: Option<&str>,
) -> Option<&'a str> {
    if !settings.handoff_enabled {
        return None;
    }
    let by_id = |id: &str| numbers.iter().find(|n| n.phone_number_id == id);
    let chosen = match requested.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => by_id(r).or_else(|| numbers.iter().find(|n| n.label.eq_ignore_ascii_case(r))),
        None => country
            .map(str::to_ascii_uppercase)
            .and_then(|c| settings.country_numbers.get(&c))
            .and_then(|id| by_id(id))
            .filter(|n| n.connected && n.handoff_enabled)
            .or_else(|| effective_default(settings, numbers).and_then(by_id)),
    }?;
    (chosen.connected && chosen.handoff_enabled).then_some(chosen.phone_number_id)
}

/// The number offered when neither the script tag nor the country map picks one: the project's
/// default if it is available, else the first available number (in the order they were connected).
pub fn effective_default<'a>(
    settings: &ProjectSettings,
    numbers: &[RoutableNumber<'a>],
) -> Option<&'a str> {
    let available = |n: &&RoutableNumber<'a>| n.connected && n.handoff_enabled;
    settings
        .default_handoff_number
        .as_deref()
        .and_then(|id| numbers.iter().find(|n| n.phone_number_id == id))
        .filter(available)
        .or_else(|| numbers.iter().find(available))
        .map(|n| n.phone_number_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number<'a>(
        id: &'a str,
        label: &'a str,
        connected: bool,
        handoff: bool,
    ) -> RoutableNumber<'a> {
        RoutableNumber {
            phone_number_id: id,
            label,
            connected,
            handoff_enabled: handoff,
        }
    }

    fn settings() -> ProjectSettings {
        let mut s = ProjectSettings {
            handoff_enabled: true,
            ..Default::default()
        };
        s.default_handoff_number = Some("1".into());
        s.country_numbers.insert("DE".into(), "2".into());
        s
    }

    #[test]
    fn script_tag_then_country_then_default() {
        let numbers = [
            number("1", "Support", true, true),
            number("2", "Germany", true, true),
            number("3", "Sales", true, true),
        ];
        assert_eq!(
            choose_number(&settings(), &numbers, Some("3"), Some("DE")),
            Some("3")
        );
        assert_eq!(
            choose_number(&settings(), &numbers, Some("sales"), None),
            Some("3")
        );
        assert_eq!(
            choose_number(&settings(), &numbers, None, Some("de")),
            Some("2")
        );
        assert_eq!(
            choose_number(&settings(), &numbers, None, Some("FR")),
            Some("1")
        );
        assert_eq!(choose_number(&settings(), &numbers, None, None), Some("1"));
    }

    #[test]
    fn without_an_available_default_the_first_available_number_stands_in() {
        let mut no_default = settings();
        no_default.default_handoff_number = None;
        let one = [number("7", "Only", true, true)];
        assert_eq!(choose_number(&no_default, &one, None, None), Some("7"));
        // The chosen default is disconnected: the next available number, in connect order.
        let numbers = [
            number("1", "Support", false, true),
            number("3", "Sales", true, false),
            number("4", "EU", true, true),
        ];
        assert_eq!(effective_default(&settings(), &numbers), Some("4"));
        assert_eq!(choose_number(&settings(), &numbers, None, None), Some("4"));
        assert_eq!(effective_default(&settings(), &numbers[..2]), None);
    }

    #[test]
    fn nothing_is_offered_when_handoff_is_off_or_the_number_is_unavailable() {
        let numbers = [
            number("1", "Support", true, false),
            number("2", "Germany", false, true),
        ];
        let mut off = settings();
        off.handoff_enabled = false;
        assert_eq!(
            choose_number(&off, &[number("1", "x", true, true)], None, None),
            None
        );
        assert_eq!(choose_number(&settings(), &numbers, Some("1"), None), None);
        // The German number is disconnected: fall back to the default, whose handoff is off.
        assert_eq!(choose_number(&settings(), &numbers, None, Some("DE")), None);
        assert_eq!(
            choose_number(&settings(), &numbers, Some("unknown"), None),
            None
        );
    }
}
