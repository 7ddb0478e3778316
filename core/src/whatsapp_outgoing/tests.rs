//! The exact bodies, as Meta's request examples show them.

use super::*;
use crate::customer_identity::CustomerId;
use serde_json::json;

const WAMID: &str = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA";
const BSUID: &str = "US.13491208655302741918";

fn phone() -> Recipient {
    CustomerId::from_phone("+16505551234").unwrap().recipient()
}

fn username_only() -> Recipient {
    CustomerId::from_bsuid(BSUID).unwrap().recipient()
}

#[test]
fn mark_read_is_metas_body() {
    assert_eq!(
        mark_read(WAMID).unwrap(),
        json!({ "messaging_product": "whatsapp", "status": "read", "message_id": WAMID })
    );
    assert_eq!(mark_read(" "), Err(OutgoingError::NoMessageId));
}

#[test]
fn typing_marks_read_and_shows_typing() {
    assert_eq!(
        typing_indicator(WAMID).unwrap(),
        json!({ "messaging_product": "whatsapp", "status": "read", "message_id": WAMID,
                "typing_indicator": { "type": "text" } })
    );
}

#[test]
fn a_reaction_and_its_removal() {
    assert_eq!(
        reaction(&phone(), WAMID, Some("\u{1F600}")).unwrap(),
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234",
                "type": "reaction", "reaction": { "message_id": WAMID, "emoji": "\u{1F600}" } })
    );
    assert_eq!(
        reaction(&username_only(), WAMID, None).unwrap(),
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "recipient": BSUID,
                "type": "reaction", "reaction": { "message_id": WAMID, "emoji": "" } })
    );
    assert_eq!(
        reaction(&phone(), WAMID, Some(" ")),
        Err(OutgoingError::EmptyEmoji)
    );
}

#[test]
fn a_reply_quotes_the_message_in_context() {
    assert_eq!(
        text(&phone(), "You're welcome, Pablo!", Some(WAMID), false).unwrap(),
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234",
                "context": { "message_id": WAMID },
                "type": "text", "text": { "preview_url": false, "body": "You're welcome, Pablo!" } })
    );
}

#[test]
fn a_username_only_customer_is_written_to_by_recipient_never_to() {
    let body = text(&username_only(), "Hello", None, true).unwrap();
    assert_eq!(
        body,
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "recipient": BSUID,
                "type": "text", "text": { "preview_url": true, "body": "Hello" } })
    );
    assert!(body.get("to").is_none());
    // A customer known by both is written to by phone number, as before.
    let both = CustomerId::new(Some("16505551234"), Some(BSUID)).unwrap();
    let body = text(&both.recipient(), "Hello", None, false).unwrap();
    assert_eq!(body["to"], "16505551234");
    assert!(body.get("recipient").is_none());
}

#[test]
fn text_bodies_are_bounded() {
    assert_eq!(
        text(&phone(), "  ", None, false),
        Err(OutgoingError::TextLength)
    );
    let longest = "é".repeat(MAX_TEXT_BODY_CHARS);
    assert!(text(&phone(), &longest, None, false).is_ok());
    assert_eq!(
        text(&phone(), &format!("{longest}é"), None, false),
        Err(OutgoingError::TextLength)
    );
    assert_eq!(
        text(&phone(), "hi", Some(""), false),
        Err(OutgoingError::NoMessageId)
    );
}
