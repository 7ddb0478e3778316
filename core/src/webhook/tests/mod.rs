//! Parser tests over payloads shaped exactly as Meta's webhook reference shows them.

use super::*;
use crate::customer_identity::CustomerId;
use crate::delivery_status::DeliveryStatus;
use serde_json::json;

/// "Now" for these tests: 2026-11-29.
const NOW: i64 = 1_795_996_800;

fn parse(body: &[u8]) -> Result<Delivery, ParseError> {
    parse_delivery(body, NOW)
}

fn delivery(messages: Value, statuses: Value) -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
                    "contacts": [{ "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234" }],
                    "messages": messages,
                    "statuses": statuses
                },
                "field": "messages"
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

/// A delivery of one change on `field` whose value holds `items` beside Meta's usual
/// `messaging_product` and `metadata`.
fn change_delivery(field: &str, items: Value) -> Vec<u8> {
    let mut value = json!({
        "messaging_product": "whatsapp",
        "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" }
    });
    for (key, item) in items.as_object().expect("items are an object") {
        value[key] = item.clone();
    }
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "value": value, "field": field }] }]
    })
    .to_string()
    .into_bytes()
}

/// The one change of a delivery, with nothing kept aside.
fn only_change(body: &[u8]) -> Change {
    let parsed = parse(body).unwrap();
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert!(kept.is_empty(), "kept aside: {kept:?}");
    assert_eq!(parsed.changes.len(), 1);
    parsed.changes[0].clone()
}

fn only_message(m: Value) -> InboundMessage {
    let parsed = parse(&delivery(json!([m]), json!([]))).unwrap();
    parsed.changes[0].messages[0].clone()
}

#[test]
fn text_message_with_contact_and_metadata() {
    let body = delivery(
        json!([{ "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                 "timestamp": "1749416383", "type": "text", "text": { "body": "Does it come in another color?" } }]),
        json!([]),
    );
    let parsed = parse(&body).unwrap();
    assert_eq!(parsed.changes.len(), 1);
    let change = &parsed.changes[0];
    assert_eq!(change.waba_id, "102290129340398");
    assert_eq!(change.phone_number_id, "106540352242922");
    assert_eq!(change.display_phone_number.as_deref(), Some("15550783881"));
    assert_eq!(
        change.contacts,
        vec![Contact {
            customer: CustomerId::from_phone("16505551234").unwrap(),
            profile_name: Some("Sheena Nelson".into()),
            username: None,
            identity_key_hash: None,
        }]
    );
    let m = &change.messages[0];
    assert_eq!(m.customer.phone(), Some("16505551234"));
    assert_eq!(m.timestamp, 1_749_416_383);
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Does it come in another color?".into(),
            link: None,
            preview_url: None
        }
    );
    assert_eq!(m.content.type_name(), "text");
}

#[test]
fn media_types_keep_id_mime_caption_and_filename() {
    let image = only_message(
        json!({ "from": "1", "id": "wamid.a", "timestamp": "1749416383", "type": "image",
        "image": { "caption": "Chair", "mime_type": "image/jpeg", "sha256": "abc", "id": "1003383421387256" } }),
    );
    assert_eq!(
        image.content,
        MessageContent::Media {
            kind: MediaKind::Image,
            media_id: "1003383421387256".into(),
            mime_type: Some("image/jpeg".into()),
            caption: Some("Chair".into()),
            filename: None
        }
    );
    let document = only_message(
        json!({ "from": "1", "id": "wamid.b", "timestamp": "1749416383", "type": "document",
        "document": { "filename": "invoice.pdf", "mime_type": "application/pdf", "sha256": "x", "id": "55" } }),
    );
    assert!(matches!(document.content,
        MessageContent::Media { kind: MediaKind::Document, ref filename, .. } if filename.as_deref() == Some("invoice.pdf")));
    for kind in ["audio", "video", "sticker"] {
        let m = only_message(
            json!({ "from": "1", "id": "wamid.c", "timestamp": "1749416383", "type": kind,
            kind: { "mime_type": "x/y", "sha256": "x", "id": "77" } }),
        );
        assert_eq!(m.content.type_name(), kind);
    }
}

#[test]
fn location_contacts_interactive_button_reaction_and_context() {
    let location = only_message(
        json!({ "from": "1", "id": "wamid.l", "timestamp": "1749416383", "type": "location",
        "location": { "address": "1 Hacker Way, Menlo Park, CA 94025", "latitude": 37.483307, "longitude": -122.148981, "name": "Main Street Beach" } }),
    );
    assert!(
        matches!(location.content, MessageContent::Location { latitude, .. } if (latitude - 37.483307).abs() < 1e-9)
    );

    let contacts = only_message(
        json!({ "from": "1", "id": "wamid.k", "timestamp": "1749416383", "type": "contacts",
        "contacts": [{ "name": { "formatted_name": "Barbara J. Johnson", "first_name": "Barbara" }, "phones": [{ "phone": "+1 (940) 555-1234" }] }] }),
    );
    assert_eq!(
        contacts.content.text().as_deref(),
        Some("Barbara J. Johnson")
    );

    let list = only_message(
        json!({ "from": "1", "id": "wamid.i", "timestamp": "1749416383", "type": "interactive",
        "context": { "from": "15550783881", "id": "wamid.original" },
        "interactive": { "type": "list_reply", "list_reply": { "id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days" } } }),
    );
    assert_eq!(
        list.content,
        MessageContent::Interactive {
            reply_kind: "list_reply".into(),
            reply_id: "priority_express".into(),
            title: "Priority Mail Express".into(),
            description: Some("Next Day to 2 Days".into())
        }
    );
    assert_eq!(list.reply_to(), Some("wamid.original"));

    let button_reply = only_message(
        json!({ "from": "1", "id": "wamid.br", "timestamp": "1749416383", "type": "interactive",
        "interactive": { "type": "button_reply", "button_reply": { "id": "yes", "title": "Yes" } } }),
    );
    assert_eq!(button_reply.content.text().as_deref(), Some("Yes"));

    let button = only_message(
        json!({ "from": "1", "id": "wamid.bt", "timestamp": "1749416383", "type": "button",
        "context": { "from": "15550783881", "id": "wamid.template" }, "button": { "payload": "Unsubscribe", "text": "Stop promotions" } }),
    );
    assert_eq!(
        button.content,
        MessageContent::Button {
            text: "Stop promotions".into(),
            payload: Some("Unsubscribe".into())
        }
    );

    let reaction = only_message(
        json!({ "from": "1", "id": "wamid.r", "timestamp": "1749416383", "type": "reaction",
        "reaction": { "message_id": "wamid.target", "emoji": "\u{1F600}" } }),
    );
    assert_eq!(
        reaction.content,
        MessageContent::Reaction {
            message_id: "wamid.target".into(),
            emoji: Some("\u{1F600}".into())
        }
    );
}

#[test]
fn unsupported_and_unknown_types_are_kept_with_raw_json() {
    let unsupported = only_message(
        json!({ "from": "1", "id": "wamid.u", "timestamp": "1749416383", "type": "unsupported",
        "errors": [{ "code": 131051, "title": "Message type unknown" }] }),
    );
    // Since the typed foundation of issue 23: Meta's error comes with the content.
    assert_eq!(
        unsupported.content,
        MessageContent::Unsupported {
            original_type: "unsupported".into(),
            unsupported_type: None,
            errors: vec![ErrorSummary {
                code: Some(131051),
                title: Some("Message type unknown".into()),
                details: None
            }]
        }
    );
    assert_eq!(unsupported.content.type_name(), "unsupported");
    assert_eq!(unsupported.raw["errors"][0]["code"], 131051);

    let future = only_message(
        json!({ "from": "1", "id": "wamid.f", "timestamp": "1749416383", "type": "hologram", "hologram": {} }),
    );
    assert_eq!(future.content.type_name(), "hologram");

    // A known type whose object is incomplete is still kept, not dropped.
    let broken_text = only_message(
        json!({ "from": "1", "id": "wamid.t", "timestamp": "1749416383", "type": "text" }),
    );
    assert_eq!(broken_text.content.type_name(), "text");
}

#[test]
fn every_entry_change_and_message_is_parsed() {
    let change = |number: &str, wamid: &str| {
        json!({ "field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": { "phone_number_id": number },
        "messages": [{ "from": "1", "id": wamid, "timestamp": "1749416385", "type": "text", "text": { "body": "hi" } },
                     { "from": "2", "id": format!("{wamid}-2"), "timestamp": "1749416386", "type": "text", "text": { "body": "yo" } }] } })
    };
    let body = json!({ "object": "whatsapp_business_account", "entry": [
        { "id": "w1", "changes": [change("n1", "a"), change("n2", "b"),
            { "field": "account_update", "value": { "event": "VERIFIED_ACCOUNT" } }] },
        { "id": "w2", "changes": [change("n3", "c")] } ] });
    let parsed = parse(body.to_string().as_bytes()).unwrap();
    let numbers: Vec<_> = parsed
        .changes
        .iter()
        .map(|c| c.phone_number_id.as_str())
        .collect();
    assert_eq!(numbers, ["n1", "n2", "n3"]);
    assert_eq!(
        parsed
            .changes
            .iter()
            .map(|c| c.messages.len())
            .sum::<usize>(),
        6
    );
}

#[test]
fn bodies_that_are_not_deliveries_say_what_is_wrong() {
    assert!(matches!(parse(b"{nope"), Err(ParseError::NotJson(_))));
    assert_eq!(
        parse(br#"{"object":"page","entry":[]}"#),
        Err(ParseError::WrongObject("\"page\"".into()))
    );
    let err = parse(br#"{"object":"whatsapp_business_account"}"#).unwrap_err();
    assert_eq!(err.to_string(), "entry: missing or not an array");
}

#[test]
fn one_odd_item_is_kept_aside_and_the_rest_still_parse() {
    let good = json!({ "from": "16505551234", "id": "wamid.good", "timestamp": "1749416383", "type": "text", "text": { "body": "still here" } });
    let no_id =
        json!({ "from": "1", "timestamp": "1749416383", "type": "text", "text": { "body": "x" } });
    let deleted = json!({ "id": "wamid.s", "status": "deleted", "timestamp": "1749416383" });
    let read = json!({ "id": "wamid.r", "status": "read", "timestamp": "1749416383" });
    let parsed = parse(&delivery(json!([no_id, good]), json!([deleted, read]))).unwrap();
    let change = &parsed.changes[0];
    assert_eq!(change.messages.len(), 1);
    assert_eq!(change.messages[0].wamid, "wamid.good");
    assert_eq!(change.statuses.len(), 1);
    assert_eq!(change.statuses[0].wamid, "wamid.r");
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].path, "entry[0].changes[0].value.messages[0]");
    assert_eq!(kept[0].reason, "id: missing or not a string");
    assert_eq!(kept[0].raw, no_id);
    assert_eq!(kept[0].phone_number_id.as_deref(), Some("106540352242922"));
    assert_eq!(kept[1].path, "entry[0].changes[0].value.statuses[0]");
    assert!(kept[1].reason.contains("\"deleted\""), "{}", kept[1].reason);
}

#[test]
fn absurd_timestamps_are_kept_aside_not_stored() {
    for (timestamp, why) in [
        (json!("9223372036854775807"), "outside"),
        (json!("99999999999999999999"), "not whole unix seconds"),
        (json!("-5"), "outside"),
        (json!("1"), "outside"),
        (json!(1.5e18), "not whole unix seconds"),
        (json!(NOW + 2 * 86_400), "outside"),
        (json!(null), "not whole unix seconds"),
    ] {
        let m = json!({ "from": "1", "id": "wamid.t", "timestamp": timestamp, "type": "text", "text": { "body": "x" } });
        let parsed = parse(&delivery(json!([m]), json!([]))).unwrap();
        assert!(parsed.changes[0].messages.is_empty(), "{timestamp}");
        let kept: Vec<_> = parsed.all_not_understood().collect();
        assert_eq!(kept.len(), 1, "{timestamp}");
        assert!(
            kept[0].reason.contains(why),
            "{timestamp}: {}",
            kept[0].reason
        );
    }
    let window = TimestampWindow::around(NOW);
    assert!(window.contains(TimestampWindow::EARLIEST));
    assert!(window.contains(NOW + 86_400));
    assert!(!window.contains(NOW + 86_401));
}

#[test]
fn entries_and_changes_without_a_number_are_kept_aside() {
    let body = json!({ "object": "whatsapp_business_account", "entry": [
        { "changes": [] },
        { "id": "w", "changes": "nope" },
        { "id": "w", "changes": [{ "field": "messages", "value": { "messages": [] } },
                                 { "field": "messages" }] } ] });
    let parsed = parse(body.to_string().as_bytes()).unwrap();
    assert!(parsed.changes.is_empty());
    let paths: Vec<_> = parsed
        .all_not_understood()
        .map(|n| n.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "entry[0]",
            "entry[1]",
            "entry[2].changes[0].value",
            "entry[2].changes[1]"
        ]
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(s in "\\{\"object\":\"whatsapp_business_account\",\"entry\":\\[\\{\"id\":\"1\",\"changes\":\\[\\{\"field\":\"messages\",\"value\":[ -~]{0,200}\\}\\]\\}\\]\\}") {
        let _ = parse(s.as_bytes());
    }
}

mod coexistence;
mod context;
mod identity;
mod order;
mod statuses;
mod types;
