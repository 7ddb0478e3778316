//! The linking rule: where a message of a customer is filed, given what is remembered of them.
//!
//! A phone number and a BSUID seen together are one customer, on a connected number, for good
//! (a phone number change gives a new BSUID, so a link never has to be undone; a `system`
//! number change moves the record instead). The remembered link is read with the message's
//! context; this rule then says which key the message is stored under, which keys its reset
//! neighbours may sit under, and which BSUID's rows move under the phone number.

use super::{CustomerId, CustomerKey};

/// Where a message goes and what it joins together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The key the message and a conversation it opens are stored under (`wa_id`): the phone
    /// number when the message or the remembered link knows it, else the BSUID.
    pub key: CustomerKey,
    /// Every key the customer's earlier messages and open conversation may sit under, `key`
    /// first: the reset rule reads them all, so a linked customer has one thread.
    pub history: Vec<CustomerKey>,
    /// The BSUID whose conversations and messages are filed again under the phone number `key`
    /// (in the same batch as the message, after it): set whenever both are known.
    pub refile: Option<String>,
}

impl CustomerId {
    /// Files this customer's message. `linked_phone` is the phone number remembered for the
    /// message's BSUID on this number, if any. The message's own phone number wins over the
    /// remembered one (the newer word; the link is then updated with it).
    pub fn filing(&self, linked_phone: Option<&str>) -> Filing {
        let bsuid = self.bsuid.as_deref();
        let phone = self
            .phone
            .as_deref()
            .or(linked_phone.filter(|p| bsuid.is_some() && !p.is_empty() && !p.contains('.')));
        match (phone, bsuid) {
            (Some(phone), Some(bsuid)) => Filing {
                key: CustomerKey::Phone(phone.to_owned()),
                history: vec![
                    CustomerKey::Phone(phone.to_owned()),
                    CustomerKey::Bsuid(bsuid.to_owned()),
                ],
                refile: Some(bsuid.to_owned()),
            },
            _ => Filing {
                key: self.key(),
                history: vec![self.key()],
                refile: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BSUID: &str = "US.13491208655302741918";
    const PHONE: &str = "16505551234";

    fn phone(p: &str) -> CustomerKey {
        CustomerKey::Phone(p.into())
    }

    #[test]
    fn a_phone_customer_without_a_username_is_filed_as_always() {
        let filing = CustomerId::from_phone(PHONE).unwrap().filing(None);
        assert_eq!(filing.key, phone(PHONE));
        assert_eq!(filing.history, vec![phone(PHONE)]);
        assert_eq!(filing.refile, None);
    }

    #[test]
    fn a_username_only_customer_nobody_linked_yet_is_filed_by_bsuid() {
        let filing = CustomerId::from_bsuid(BSUID).unwrap().filing(None);
        assert_eq!(filing.key, CustomerKey::Bsuid(BSUID.into()));
        assert_eq!(filing.history.len(), 1);
        assert_eq!(filing.refile, None);
    }

    #[test]
    fn both_in_one_message_file_under_the_phone_and_bring_the_bsuid_history_along() {
        let both = CustomerId::new(Some(PHONE), Some(BSUID)).unwrap();
        let filing = both.filing(None);
        assert_eq!(filing.key, phone(PHONE));
        assert_eq!(
            filing.history,
            vec![phone(PHONE), CustomerKey::Bsuid(BSUID.into())]
        );
        assert_eq!(filing.refile.as_deref(), Some(BSUID));
    }

    #[test]
    fn a_bsuid_only_message_of_a_linked_customer_lands_with_their_phone_history() {
        let filing = CustomerId::from_bsuid(BSUID).unwrap().filing(Some(PHONE));
        assert_eq!(filing.key, phone(PHONE));
        assert!(filing.history.contains(&CustomerKey::Bsuid(BSUID.into())));
        // Rows a concurrent delivery filed under the BSUID before the link was known move too.
        assert_eq!(filing.refile.as_deref(), Some(BSUID));
    }

    #[test]
    fn the_message_own_phone_number_wins_over_the_remembered_one() {
        let both = CustomerId::new(Some(PHONE), Some(BSUID)).unwrap();
        assert_eq!(both.filing(Some("447700900123")).key, phone(PHONE));
    }

    #[test]
    fn a_remembered_link_never_makes_a_phone_customer_someone_else() {
        // Without a BSUID in the message there is nothing to look up; a junk link is ignored.
        let phone_only = CustomerId::from_phone(PHONE).unwrap();
        assert_eq!(phone_only.filing(Some("447700900123")).key, phone(PHONE));
        let username_only = CustomerId::from_bsuid(BSUID).unwrap();
        for junk in ["", "US.1"] {
            assert_eq!(
                username_only.filing(Some(junk)).key,
                CustomerKey::Bsuid(BSUID.into())
            );
        }
    }
}
