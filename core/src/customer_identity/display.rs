//! How the inbox names a WhatsApp customer beside their profile name: `@username` when they
//! adopted one, and `+phone` when their phone number is known. A business-scoped user ID is
//! never shown as if it were a phone number.

/// `@sheena.nelson · +16505551234`, `@sheena.nelson`, `+16505551234`, or nothing. Both parts are
/// the customer's own words or Meta's: shown as text, never as markup.
pub fn customer_handle(username: Option<&str>, phone: Option<&str>) -> Option<String> {
    let username = username
        .map(|u| u.trim().trim_start_matches('@'))
        .filter(|u| !u.is_empty())
        .map(|u| format!("@{u}"));
    let phone = phone
        .map(|p| p.trim().trim_start_matches('+'))
        .filter(|p| !p.is_empty() && !p.contains('.'))
        .map(|p| format!("+{p}"));
    match (username, phone) {
        (Some(u), Some(p)) => Some(format!("{u} · {p}")),
        (one, other) => one.or(other),
    }
}

#[cfg(test)]
mod tests {
    use super::customer_handle;

    #[test]
    fn the_username_and_the_phone_number_when_known() {
        assert_eq!(
            customer_handle(Some("sheena.nelson"), Some("16505551234")).as_deref(),
            Some("@sheena.nelson · +16505551234")
        );
        assert_eq!(
            customer_handle(Some("@sheena.nelson"), None).as_deref(),
            Some("@sheena.nelson")
        );
        assert_eq!(
            customer_handle(None, Some("+16505551234")).as_deref(),
            Some("+16505551234")
        );
        assert_eq!(customer_handle(Some(" "), None), None);
        // A BSUID is no phone number.
        assert_eq!(customer_handle(None, Some("US.13491208655302741918")), None);
    }
}
