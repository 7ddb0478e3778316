//! vCards of the cards a customer shared, from the contacts of Meta's webhook example.

use super::*;
use crate::webhook::{
    ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl,
};

/// The card of Meta's *Contacts messages webhook reference* example.
fn barbara() -> SharedContact {
    SharedContact {
        name: ContactName {
            formatted_name: Some("Barbara J. Johnson".into()),
            first_name: Some("Barbara".into()),
            last_name: Some("Johnson".into()),
            middle_name: Some("Joana".into()),
            prefix: Some("Dr.".into()),
            suffix: Some("Esq.".into()),
        },
        phones: vec![
            ContactPhone {
                phone: Some("+1 (940) 555-1234".into()),
                wa_id: None,
                kind: Some("HOME".into()),
            },
            ContactPhone {
                phone: Some("+1 (650) 555-1234".into()),
                wa_id: Some("16505551234".into()),
                kind: Some("WORK".into()),
            },
        ],
        emails: vec![ContactEmail {
            email: "bjohnson@example.com".into(),
            kind: Some("HOME".into()),
        }],
        urls: vec![ContactUrl {
            url: "https://www.meta.com".into(),
            kind: Some("WORK".into()),
        }],
        addresses: vec![ContactAddress {
            street: Some("1 Hacker Way".into()),
            city: Some("Menlo Park".into()),
            state: Some("CA".into()),
            zip: Some("94025".into()),
            country: Some("United States".into()),
            country_code: Some("us".into()),
            kind: Some("HOME".into()),
        }],
        org: Some(ContactOrg {
            company: Some("Social Tsunami".into()),
            department: Some("Engineering".into()),
            title: Some("Manager".into()),
        }),
        birthday: Some("1999-01-23".into()),
    }
}

#[test]
fn metas_example_card_as_vcard_4() {
    assert_eq!(
        vcard(&[barbara()], VCardVersion::V4),
        "BEGIN:VCARD\r\n\
         VERSION:4.0\r\n\
         FN:Barbara J. Johnson\r\n\
         N:Johnson;Barbara;Joana;Dr.;Esq.\r\n\
         TEL;TYPE=home:+1 (940) 555-1234\r\n\
         TEL;TYPE=work:+1 (650) 555-1234\r\n\
         EMAIL;TYPE=home:bjohnson@example.com\r\n\
         URL;TYPE=work:https://www.meta.com\r\n\
         ADR;TYPE=home:;;1 Hacker Way;Menlo Park;CA;94025;United States\r\n\
         ORG:Social Tsunami;Engineering\r\n\
         TITLE:Manager\r\n\
         BDAY:19990123\r\n\
         END:VCARD\r\n"
    );
}

#[test]
fn vcard_3_differs_only_in_version_and_birthday() {
    let v3 = vcard(&[barbara()], VCardVersion::V3);
    assert!(v3.contains("\r\nVERSION:3.0\r\n"));
    assert!(v3.contains("\r\nBDAY:1999-01-23\r\n"));
    let odd_birthday = SharedContact {
        birthday: Some("around 1999".into()),
        ..barbara()
    };
    assert!(!vcard(std::slice::from_ref(&odd_birthday), VCardVersion::V3).contains("BDAY"));
    assert!(
        vcard(&[odd_birthday], VCardVersion::V4).contains("\r\nBDAY;VALUE=text:around 1999\r\n")
    );
}

#[test]
fn text_is_escaped_so_no_value_can_start_a_property() {
    let sneaky = SharedContact {
        name: ContactName {
            formatted_name: Some("Ann, \\ \"the\"; boss\r\nEND:VCARD\nBEGIN:VCARD\u{7}".into()),
            last_name: Some("O;Neil".into()),
            ..ContactName::default()
        },
        urls: vec![ContactUrl {
            url: "https://x.test/a,b\r\nNOTE:hi".into(),
            kind: Some("WORK\r\nX:".into()),
        }],
        ..SharedContact::default()
    };
    let card = vcard(&[sneaky], VCardVersion::V4);
    assert_eq!(
        card,
        "BEGIN:VCARD\r\n\
         VERSION:4.0\r\n\
         FN:Ann\\, \\\\ \"the\"\\; boss\\nEND:VCARD\\nBEGIN:VCARD\r\n\
         N:O\\;Neil;;;;\r\n\
         URL;TYPE=workx:https://x.test/a,bNOTE:hi\r\n\
         END:VCARD\r\n"
    );
    let lines: Vec<&str> = card.split("\r\n").collect();
    assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VCARD").count(), 1);
    assert_eq!(lines.iter().filter(|l| l.starts_with("NOTE")).count(), 0);
}

#[test]
fn long_lines_fold_at_75_octets_without_splitting_a_character() {
    let long = SharedContact {
        name: ContactName {
            formatted_name: Some("é".repeat(60)),
            ..ContactName::default()
        },
        ..SharedContact::default()
    };
    let card = vcard(&[long], VCardVersion::V4);
    for line in card.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = card.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("\r\nFN:{}\r\n", "é".repeat(60))));
}

#[test]
fn several_cards_and_file_names() {
    let card = SharedContact {
        name: ContactName {
            first_name: Some("Chandler".into()),
            last_name: Some("Bing".into()),
            ..ContactName::default()
        },
        ..SharedContact::default()
    };
    let both = vcard(&[barbara(), card.clone()], VCardVersion::V3);
    assert_eq!(both.matches("BEGIN:VCARD").count(), 2);
    assert!(both.contains("\r\nFN:Chandler Bing\r\n"));
    assert_eq!(vcard_filename(&[barbara()]), "Barbara J. Johnson.vcf");
    assert_eq!(vcard_filename(&[barbara(), card]), "contacts.vcf");
    let odd = SharedContact {
        name: ContactName {
            formatted_name: Some("../../etc/passwd".into()),
            ..ContactName::default()
        },
        ..SharedContact::default()
    };
    assert_eq!(vcard_filename(&[odd]), "_.._etc_passwd.vcf");
    assert_eq!(vcard(&[], VCardVersion::V4), "");
}

proptest::proptest! {
    #[test]
    fn any_text_stays_inside_its_property(name in "\\PC{0,200}|[\\r\\n,;\\\\a-z]{0,40}", url in "\\PC{0,80}", kind in "\\PC{0,20}") {
        let card = SharedContact {
            name: ContactName { formatted_name: Some(name.clone()), last_name: Some(name), ..ContactName::default() },
            urls: vec![ContactUrl { url, kind: Some(kind) }],
            ..SharedContact::default()
        };
        for version in [VCardVersion::V3, VCardVersion::V4] {
            let text = vcard(std::slice::from_ref(&card), version);
            proptest::prop_assert!(text.ends_with("\r\n"));
            let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
            proptest::prop_assert_eq!(lines[0], "BEGIN:VCARD");
            proptest::prop_assert_eq!(*lines.last().unwrap(), "END:VCARD");
            for line in &lines {
                proptest::prop_assert!(line.len() <= 75);
                proptest::prop_assert!(!line.contains(['\r', '\n']));
            }
            // Every line is a property or a fold; none but the first and last opens or closes a card.
            let unfolded = text.replace("\r\n ", "");
            let props: Vec<&str> = unfolded.trim_end_matches("\r\n").split("\r\n").collect();
            proptest::prop_assert_eq!(props.iter().filter(|p| p.starts_with("BEGIN:") || p.starts_with("END:")).count(), 2);
            proptest::prop_assert_eq!(props.len(), 6);
        }
    }
}
