//! The identity rules, with identifiers shaped as Meta's documents show them.

use super::*;

const BSUID: &str = "US.13491208655302741918";
const PARENT: &str = "US.ENT.11815799212886844830";
const PHONE: &str = "16505551234";

#[test]
fn a_customer_is_filed_under_the_phone_when_there_is_one_else_the_bsuid() {
    let both = CustomerId::new(Some(PHONE), Some(BSUID)).unwrap();
    assert_eq!(both.key(), CustomerKey::Phone(PHONE.into()));
    let phone_only = CustomerId::from_phone(PHONE).unwrap();
    assert_eq!(phone_only.key(), CustomerKey::Phone(PHONE.into()));
    let username_only = CustomerId::from_bsuid(BSUID).unwrap();
    assert_eq!(username_only.key(), CustomerKey::Bsuid(BSUID.into()));
    assert_eq!(username_only.phone(), None);
}

#[test]
fn both_known_means_linked_and_both_keys_lead_to_the_history() {
    let both = CustomerId::new(Some(PHONE), Some(BSUID)).unwrap();
    assert_eq!(
        both.link(),
        Some(IdentityLink {
            phone: PHONE.into(),
            bsuid: BSUID.into()
        })
    );
    assert_eq!(
        both.keys(),
        vec![
            CustomerKey::Phone(PHONE.into()),
            CustomerKey::Bsuid(BSUID.into())
        ]
    );
    assert_eq!(CustomerId::from_phone(PHONE).unwrap().link(), None);
    assert_eq!(CustomerId::from_bsuid(BSUID).unwrap().link(), None);
    assert_eq!(CustomerId::from_bsuid(BSUID).unwrap().keys().len(), 1);
}

#[test]
fn stored_keys_are_told_apart_by_the_dot() {
    for key in [
        CustomerKey::Bsuid(BSUID.into()),
        CustomerKey::Phone(PHONE.into()),
    ] {
        assert_eq!(CustomerKey::from_stored(key.as_str()), key);
    }
    // A phone number is never mistaken for a BSUID: it cannot hold a dot.
    assert!(matches!(
        CustomerId::from_phone("1650.555"),
        Err(IdentityError::NotAPhoneNumber(_))
    ));
}

#[test]
fn nobody_and_malformed_identifiers_are_refused() {
    assert_eq!(CustomerId::new(None, None), Err(IdentityError::Nobody));
    for bad in [
        "",
        "US",
        "US.",
        "us.123",
        "USA.123",
        "US.12 3",
        "US.ENT.123",
        "US.1-2",
        &format!("US.{}", "1".repeat(129)),
    ] {
        assert!(
            matches!(
                CustomerId::from_bsuid(bad),
                Err(IdentityError::NotABsuid(_))
            ),
            "{bad:?}"
        );
    }
    for bad in ["", " ", "+", "1 650", "1\n"] {
        assert!(CustomerId::from_phone(bad).is_err(), "{bad:?}");
    }
    assert!(CustomerId::from_bsuid(&format!("BR.{}", "a1".repeat(64))).is_ok());
}

#[test]
fn a_leading_plus_is_not_part_of_the_number() {
    let id = CustomerId::from_phone("+16505551234").unwrap();
    assert_eq!(id.phone(), Some(PHONE));
}

#[test]
fn parents_are_kept_but_never_the_key() {
    let id = CustomerId::from_bsuid(BSUID)
        .unwrap()
        .with_parent(Some(PARENT))
        .unwrap();
    assert_eq!(id.parent_bsuid(), Some(PARENT));
    assert_eq!(id.key(), CustomerKey::Bsuid(BSUID.into()));
    assert!(CustomerId::from_bsuid(BSUID)
        .unwrap()
        .with_parent(Some("XX"))
        .is_err());
}

#[test]
fn merging_fills_gaps_and_never_joins_two_customers() {
    let phone = CustomerId::from_phone(PHONE).unwrap();
    let bsuid = CustomerId::from_bsuid(BSUID).unwrap();
    let merged = phone.merge(&bsuid).unwrap();
    assert_eq!(merged.link().unwrap().bsuid, BSUID);
    assert!(!phone.same_customer(&bsuid));
    assert!(merged.same_customer(&phone) && merged.same_customer(&bsuid));
    let other_phone = CustomerId::new(Some("447700900123"), Some(BSUID)).unwrap();
    assert!(matches!(
        merged.merge(&other_phone),
        Err(IdentityError::PhoneConflict(_, _))
    ));
    let other_bsuid = CustomerId::new(Some(PHONE), Some("US.999")).unwrap();
    assert!(matches!(
        merged.merge(&other_bsuid),
        Err(IdentityError::BsuidConflict(_, _))
    ));
}

#[test]
fn replies_go_to_the_phone_when_known_else_to_the_bsuid() {
    let both = CustomerId::new(Some(PHONE), Some(BSUID)).unwrap();
    assert_eq!(both.recipient(), Recipient::Phone(PHONE.into()));
    assert_eq!(both.recipient().field(), ("to", PHONE));
    let username_only = CustomerId::from_bsuid(BSUID).unwrap();
    assert_eq!(username_only.recipient().field(), ("recipient", BSUID));
}

#[test]
fn a_stored_customer_reads_back_and_is_checked_again() {
    let id = CustomerId::new(Some(PHONE), Some(BSUID))
        .unwrap()
        .with_parent(Some(PARENT))
        .unwrap();
    let stored = serde_json::to_string(&id).unwrap();
    assert_eq!(
        stored,
        format!(r#"{{"phone":"{PHONE}","bsuid":"{BSUID}","parent_bsuid":"{PARENT}"}}"#)
    );
    assert_eq!(serde_json::from_str::<CustomerId>(&stored).unwrap(), id);
    assert!(serde_json::from_str::<CustomerId>("{}").is_err());
    assert!(serde_json::from_str::<CustomerId>(r#"{"bsuid":"nope"}"#).is_err());
}
