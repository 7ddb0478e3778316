//! A vCard of the contact cards a customer shared, for agents to download.
//!
//! vCard 4.0 follows RFC 6350 and 3.0 follows RFC 2426. Both escape text the same way (RFC 6350
//! §3.4): a backslash, a comma and a semicolon get a backslash before them, a line break becomes
//! `\n`, other control characters are dropped; so a value can never end its line or start a
//! property of its own. Lines longer than 75 octets are folded (§3.2) with CRLF and a space,
//! never inside a UTF-8 character. `TYPE` values keep only letters, digits and `-`. URLs are URI
//! values, not text: only control characters and spaces are dropped from them. Birthdays are
//! written as RFC 6350 dates (`19990123`) in 4.0, ISO dates in 3.0; one in another shape is
//! kept as text in 4.0 and left out of 3.0, which has no text birthday.
use crate::webhook::SharedContact;

/// The media type of a vCard file.
pub const VCARD_MEDIA_TYPE: &str = "text/vcard";

/// Longest line before folding, in octets (RFC 6350 §3.2).
const LINE_OCTETS: usize = 75;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VCardVersion {
    /// RFC 2426, the version most address books import.
    V3,
    /// RFC 6350.
    V4,
}

/// One vCard per shared contact, one after the other, CRLF line ends.
pub fn vcard(contacts: &[SharedContact], version: VCardVersion) -> String {
    let mut out = String::new();
    for contact in contacts {
        for line in card_lines(contact, version) {
            fold_into(&mut out, &line);
        }
    }
    out
}

/// A file name for the download: the contact's name (or "contacts" for several), safe on every
/// system, with `.vcf`.
pub fn vcard_filename(contacts: &[SharedContact]) -> String {
    let name = match contacts {
        [one] => one.display_name(),
        _ => "contacts".to_owned(),
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let safe = safe.trim_matches(|c: char| c == '.' || c.is_whitespace());
    format!("{}.vcf", if safe.is_empty() { "contact" } else { safe })
}

fn card_lines(c: &SharedContact, version: VCardVersion) -> Vec<String> {
    let n = &c.name;
    let part = |v: &Option<String>| v.as_deref().map(text).unwrap_or_default();
    let mut lines = vec![
        "BEGIN:VCARD".to_owned(),
        match version {
            VCardVersion::V3 => "VERSION:3.0".to_owned(),
            VCardVersion::V4 => "VERSION:4.0".to_owned(),
        },
        format!("FN:{}", text(&c.display_name())),
        format!(
            "N:{};{};{};{};{}",
            part(&n.last_name),
            part(&n.first_name),
            part(&n.middle_name),
            part(&n.prefix),
            part(&n.suffix)
        ),
    ];
    for phone in &c.phones {
        if let Some(number) = phone.phone.as_ref().or(phone.wa_id.as_ref()) {
            lines.push(format!("TEL{}:{}", kind(&phone.kind), text(number)));
        }
    }
    for email in &c.emails {
        lines.push(format!("EMAIL{}:{}", kind(&email.kind), text(&email.email)));
    }
    for url in &c.urls {
        lines.push(format!("URL{}:{}", kind(&url.kind), uri(&url.url)));
    }
    for a in &c.addresses {
        lines.push(format!(
            "ADR{}:;;{};{};{};{};{}",
            kind(&a.kind),
            part(&a.street),
            part(&a.city),
            part(&a.state),
            part(&a.zip),
            part(&a.country)
        ));
    }
    if let Some(org) = &c.org {
        if org.company.is_some() || org.department.is_some() {
            lines.push(format!(
                "ORG:{};{}",
                part(&org.company),
                part(&org.department)
            ));
        }
        if let Some(title) = &org.title {
            lines.push(format!("TITLE:{}", text(title)));
        }
    }
    if let Some(birthday) = &c.birthday {
        let iso = is_iso_date(birthday);
        match version {
            VCardVersion::V4 if iso => lines.push(format!("BDAY:{}", birthday.replace('-', ""))),
            VCardVersion::V4 => lines.push(format!("BDAY;VALUE=text:{}", text(birthday))),
            VCardVersion::V3 if iso => lines.push(format!("BDAY:{birthday}")),
            VCardVersion::V3 => {}
        }
    }
    lines.push("END:VCARD".to_owned());
    lines
}

/// A text value escaped as RFC 6350 §3.4 says.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value: no control characters or spaces, nothing else touched.
fn uri(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// `;TYPE=work` from Meta's `type` (`WORK`, `CELL`…), or nothing.
fn kind(kind: &Option<String>) -> String {
    let safe: String = kind
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    if safe.is_empty() {
        String::new()
    } else {
        format!(";TYPE={safe}")
    }
}

fn is_iso_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Appends `line` folded at 75 octets, each piece ended by CRLF, continuations led by a space.
fn fold_into(out: &mut String, line: &str) {
    let mut room = LINE_OCTETS;
    let mut piece_start = true;
    for c in line.chars() {
        if c.len_utf8() > room && !piece_start {
            out.push_str("\r\n ");
            room = LINE_OCTETS - 1;
        }
        out.push(c);
        room = room.saturating_sub(c.len_utf8());
        piece_start = false;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests;
