//! Business-scoped user IDs and usernames, with payloads shaped as Meta's 2026 references show
//! them: `contacts[].user_id`, `contacts[].profile.username`, `wa_id`/`from` omitted when the
//! phone number is unavailable, `messages[].from_user_id`, `statuses[].recipient_user_id`, and
//! the `system` messages of a changed number or BSUID.

use super::*;
use crate::customer_identity::{CustomerKey, IdentityLink};

const BSUID: &str = "US.13491208655302741918";
const PARENT: &str = "US.ENT.11815799212886844830";
const NEW_BSUID: &str = "US.80001234567890123456";

#[test]
fn a_username_only_customer_sends_an_ordinary_message() {
    let change = only_change(&change_delivery(
        "messages",
        json!({
            "contacts": [{ "profile": { "name": "Sheena Nelson", "username": "sheena.nelson" },
                           "user_id": BSUID }],
            "messages": [{ "from_user_id": BSUID, "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                           "timestamp": "1749416383", "type": "text", "text": { "body": "Does it come in another color?" } }]
        }),
    ));
    let m = &change.messages[0];
    assert_eq!(m.customer.phone(), None);
    assert_eq!(m.customer.bsuid(), Some(BSUID));
    assert_eq!(m.customer.key(), CustomerKey::Bsuid(BSUID.into()));
    assert_eq!(
        m.content.text().as_deref(),
        Some("Does it come in another color?")
    );
    let contact = change.contact_for(&m.customer).unwrap();
    assert_eq!(contact.username.as_deref(), Some("sheena.nelson"));
    assert_eq!(contact.profile_name.as_deref(), Some("Sheena Nelson"));
}

#[test]
fn phone_and_bsuid_together_link_the_customer() {
    let change = only_change(&change_delivery(
        "messages",
        json!({
            "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234",
                           "user_id": BSUID, "parent_user_id": PARENT }],
            "messages": [{ "from": "16505551234", "from_user_id": BSUID, "from_parent_user_id": PARENT,
                           "id": "wamid.a", "timestamp": "1749416383", "type": "text", "text": { "body": "hi" } }]
        }),
    ));
    let m = &change.messages[0];
    assert_eq!(
        m.customer.link(),
        Some(IdentityLink {
            phone: "16505551234".into(),
            bsuid: BSUID.into()
        })
    );
    assert_eq!(m.customer.parent_bsuid(), Some(PARENT));
    assert_eq!(m.customer.key(), CustomerKey::Phone("16505551234".into()));
}

#[test]
fn the_contacts_complete_what_a_message_names() {
    // Libraries released before April 2026 read the BSUID from contacts only: a message that
    // names the phone number still links through its contact.
    let change = only_change(&change_delivery(
        "messages",
        json!({
            "contacts": [{ "profile": { "name": "Test Name" }, "wa_id": "972987654321", "user_id": BSUID }],
            "messages": [{ "from": "972987654321", "id": "wamid.xyzxyz", "timestamp": "1697043223",
                           "type": "text", "text": { "body": "Body Text" } }]
        }),
    ));
    assert_eq!(change.messages[0].customer.bsuid(), Some(BSUID));
    // A contact of someone else never lends its ids.
    let change = only_change(&change_delivery(
        "messages",
        json!({
            "contacts": [{ "wa_id": "447700900123", "user_id": NEW_BSUID },
                         { "wa_id": "16505551234" }],
            "messages": [{ "from": "16505551234", "id": "wamid.b", "timestamp": "1697043223",
                           "type": "text", "text": { "body": "x" } }]
        }),
    ));
    assert_eq!(change.messages[0].customer.bsuid(), None);
}

#[test]
fn a_message_naming_nobody_is_kept_aside_with_the_reason() {
    let parsed = parse(&change_delivery(
        "messages",
        json!({ "messages": [{ "id": "wamid.nobody", "timestamp": "1749416383", "type": "text", "text": { "body": "?" } }] }),
    ))
    .unwrap();
    assert!(parsed.changes[0].messages.is_empty());
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert_eq!(kept.len(), 1);
    assert!(
        kept[0].reason.contains("from: missing"),
        "{}",
        kept[0].reason
    );
    assert!(
        kept[0].reason.contains("from_user_id: missing"),
        "{}",
        kept[0].reason
    );
}

#[test]
fn a_malformed_id_gives_way_to_a_good_one_and_alone_is_kept_aside() {
    let change = only_change(&change_delivery(
        "messages",
        json!({ "messages": [{ "from": "16505551234", "from_user_id": "not-a-bsuid", "id": "wamid.a",
                               "timestamp": "1749416383", "type": "text", "text": { "body": "x" } }] }),
    ));
    assert_eq!(change.messages[0].customer.phone(), Some("16505551234"));
    assert_eq!(change.messages[0].customer.bsuid(), None);

    let parsed = parse(&change_delivery(
        "messages",
        json!({ "messages": [{ "from_user_id": "not-a-bsuid", "id": "wamid.a",
                               "timestamp": "1749416383", "type": "text", "text": { "body": "x" } }] }),
    ))
    .unwrap();
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert!(
        kept[0].reason.contains("is not a business-scoped user id"),
        "{}",
        kept[0].reason
    );
}

#[test]
fn a_contact_without_a_phone_is_kept_by_its_bsuid_and_one_without_either_is_not() {
    let parsed = parse(&change_delivery(
        "messages",
        json!({ "contacts": [{ "profile": { "name": "A", "username": "a" }, "user_id": BSUID },
                             { "profile": { "name": "B" }, "wa_id": "" }] }),
    ))
    .unwrap();
    let change = &parsed.changes[0];
    assert_eq!(change.contacts.len(), 1);
    assert_eq!(change.contacts[0].customer.bsuid(), Some(BSUID));
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert_eq!(kept[0].path, "entry[0].changes[0].value.contacts[1]");
}

#[test]
fn statuses_name_the_recipient_by_bsuid() {
    let change = only_change(&change_delivery(
        "messages",
        json!({
            "contacts": [{ "profile": { "name": "Sheena Nelson", "username": "sheena.nelson" }, "user_id": BSUID }],
            "statuses": [
                { "id": "wamid.s1", "status": "delivered", "timestamp": "1750263773",
                  "recipient_user_id": BSUID, "recipient_parent_user_id": PARENT },
                { "id": "wamid.s2", "status": "read", "timestamp": "1750263774",
                  "recipient_id": "16505551234", "recipient_user_id": BSUID, "parent_recipient_user_id": PARENT },
                { "id": "wamid.s3", "status": "sent", "timestamp": "1750263775", "recipient_id": "16505551234" }
            ]
        }),
    ));
    let [delivered, read, sent] = &change.statuses[..] else {
        panic!("three statuses")
    };
    let to_bsuid = delivered.recipient().unwrap();
    assert_eq!((to_bsuid.phone(), to_bsuid.bsuid()), (None, Some(BSUID)));
    assert_eq!(to_bsuid.parent_bsuid(), Some(PARENT));
    assert_eq!(read.recipient_parent_user_id.as_deref(), Some(PARENT));
    assert_eq!(read.recipient().unwrap().link().unwrap().bsuid, BSUID);
    assert_eq!(
        sent.recipient().unwrap().key(),
        CustomerKey::Phone("16505551234".into())
    );
}

#[test]
fn a_number_change_moves_the_customer_to_the_new_number_and_bsuid() {
    // Meta's system messages webhook reference (updated Aug 11, 2026): no contacts array.
    let change = only_change(&change_delivery(
        "messages",
        json!({ "messages": [{
            "from": "16505551234", "id": "wamid.system", "timestamp": "1749416383", "type": "system",
            "system": { "body": "User Sheena Nelson changed from 16505551234 to 16505550000",
                        "wa_id": "16505550000", "user_id": NEW_BSUID, "type": "user_changed_number",
                        "previous_user_id": BSUID } }] }),
    ));
    let m = &change.messages[0];
    assert_eq!(m.content.type_name(), "system");
    assert_eq!(
        m.content.text().as_deref(),
        Some("User Sheena Nelson changed from 16505551234 to 16505550000")
    );
    let moved = m.identity_move().unwrap();
    assert_eq!(
        moved.from,
        CustomerId::new(Some("16505551234"), Some(BSUID)).unwrap()
    );
    assert_eq!(
        moved.to,
        CustomerId::new(Some("16505550000"), Some(NEW_BSUID)).unwrap()
    );
}

#[test]
fn the_older_customer_changed_number_shape_still_moves_the_customer() {
    let m = only_message(json!({
        "from": "16505551234", "id": "wamid.old", "timestamp": "1749416383", "type": "system",
        "system": { "body": "NAME changed from 16505551234 to 16505550000", "new_wa_id": 16505550000_i64,
                    "type": "customer_changed_number", "customer": "16505551234" } }));
    let moved = m.identity_move().unwrap();
    assert_eq!(moved.to.phone(), Some("16505550000"));
    assert_eq!(moved.from.phone(), Some("16505551234"));
}

#[test]
fn a_bsuid_change_without_a_phone_number_is_still_understood() {
    let change = only_change(&change_delivery(
        "messages",
        json!({ "messages": [{
            "id": "wamid.uid", "timestamp": "1749416383", "type": "system",
            "system": { "body": "User changed", "type": "user_changed_user_id",
                        "user_id": NEW_BSUID, "previous_user_id": BSUID } }] }),
    ));
    let m = &change.messages[0];
    assert_eq!(m.customer.bsuid(), Some(BSUID));
    let moved = m.identity_move().unwrap();
    assert_eq!(moved.to, CustomerId::from_bsuid(NEW_BSUID).unwrap());
}

#[test]
fn an_identity_change_is_a_warning_not_a_move() {
    let m = only_message(json!({
        "from": "16505551234", "id": "wamid.identity", "timestamp": "1749416383", "type": "system",
        "identity": { "acknowledged": true, "created_timestamp": 1749416000, "hash": "Sjvjlx8G6Z0=" },
        "system": { "body": "User A changed their identity", "type": "customer_identity_changed",
                    "customer": "16505551234" } }));
    let MessageContent::System(system) = &m.content else {
        panic!("{:?}", m.content)
    };
    assert_eq!(
        system.change,
        SystemChange::IdentityChanged {
            hash: Some("Sjvjlx8G6Z0=".into()),
            acknowledged: Some(true),
            created_timestamp: Some(1_749_416_000)
        }
    );
    assert_eq!(m.identity_move(), None);
}
