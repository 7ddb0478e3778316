//! Splitting a delivery into queued messages and the rest, and reading a queued message back.

use super::*;
use crate::webhook::{parse_delivery, MessageContent};
use serde_json::json;

/// "Now" for these tests: 2026-11-29.
const NOW: i64 = 1_795_996_800;

fn text(from: &str, id: &str, body: &str) -> Value {
    json!({ "from": from, "id": id, "timestamp": (NOW - 60).to_string(), "type": "text", "text": { "body": body } })
}

fn status(id: &str) -> Value {
    json!({ "id": id, "status": "delivered", "timestamp": (NOW - 30).to_string(), "recipient_id": "16505551234" })
}

/// A delivery of two changes: three messages and a status on one number, one message with a
/// message we cannot read (no id) on another.
fn body() -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
                    "contacts": [
                        { "profile": { "name": "Sheena Nelson" }, "wa_id": "16505551234" },
                        { "profile": { "name": "Ana" }, "wa_id": "5511999990000" }
                    ],
                    "messages": [text("16505551234", "wamid.A", "one"), text("5511999990000", "wamid.B", "two"), text("16505551234", "wamid.C", "three")],
                    "statuses": [status("wamid.OUT1")]
                }
            }, {
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": { "display_phone_number": "15550783882", "phone_number_id": "106540352242999" },
                    "contacts": [{ "profile": { "name": "Bob" }, "wa_id": "4915112345678" }],
                    "messages": [text("4915112345678", "wamid.D", "four"), { "from": "4915112345678", "type": "text" }]
                }
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

fn wamids(delivery: &Delivery) -> Vec<String> {
    delivery
        .changes
        .iter()
        .flat_map(|c| &c.messages)
        .map(|m| m.wamid.clone())
        .collect()
}

#[test]
fn up_to_two_messages_stay_in_the_request_and_three_go_to_the_queue() {
    let one = parse_delivery(&body(), NOW).unwrap();
    assert!(should_defer(&one), "four messages");
    let mut two = one.clone();
    two.changes[0].messages.truncate(1);
    assert!(
        !should_defer(&two),
        "two messages: stored inside the request"
    );
}

#[test]
fn each_message_is_queued_alone_and_reads_back_as_the_webhook_read_it() {
    let original = parse_delivery(&body(), NOW).unwrap();
    let mut rest = original.clone();
    let work = take_messages(&mut rest, NOW).expect("small items");
    let chains: Vec<Vec<QueuedMessage>> = work
        .iter()
        .map(|w| match Work::from_json(&w.to_json()).unwrap() {
            Work::Messages {
                received_at,
                messages,
            } => {
                assert_eq!(received_at, NOW);
                messages
            }
            Work::Media { .. } | Work::MediaFile { .. } => panic!("a messages item"),
        })
        .collect();
    let wamids_of = |chain: &Vec<QueuedMessage>| -> Vec<String> {
        chain
            .iter()
            .flat_map(|q| q.delivery(NOW).changes)
            .flat_map(|c| c.messages)
            .map(|m| m.wamid)
            .collect()
    };
    assert_eq!(
        chains.iter().map(wamids_of).collect::<Vec<_>>(),
        [vec!["wamid.A", "wamid.C"], vec!["wamid.B"], vec!["wamid.D"]],
        "one chain per number and customer, each in Meta's order"
    );
    let received_at = NOW;
    let mut seen = Vec::new();
    for queued in chains.iter().flatten() {
        assert!(
            queued.value.get("statuses").is_none(),
            "a status is applied once, by the request"
        );
        assert_eq!(
            queued.value["contacts"].as_array().map(Vec::len),
            Some(1),
            "only the sender's contact travels"
        );
        let alone = queued.delivery(received_at);
        assert_eq!(alone.all_not_understood().count(), 0);
        assert_eq!(alone.changes.len(), 1);
        let change = &alone.changes[0];
        assert_eq!(change.messages.len(), 1);
        assert!(change.statuses.is_empty());
        let message = &change.messages[0];
        let before = original
            .changes
            .iter()
            .flat_map(|c| &c.messages)
            .find(|m| m.wamid == message.wamid)
            .unwrap();
        assert_eq!(message, before, "same message, same content, same sender");
        let source = original
            .changes
            .iter()
            .find(|c| c.messages.iter().any(|m| m.wamid == message.wamid))
            .unwrap();
        assert_eq!(change.phone_number_id, source.phone_number_id);
        assert_eq!(
            change
                .contact_for(&message.customer)
                .and_then(|c| c.profile_name.clone()),
            source
                .contact_for(&message.customer)
                .and_then(|c| c.profile_name.clone()),
            "the sender's name travels with the message"
        );
        seen.push(message.wamid.clone());
    }
    seen.sort();
    let mut all = wamids(&original);
    all.sort();
    assert_eq!(seen, all, "every message, once");
}

#[test]
fn the_rest_keeps_statuses_and_what_was_not_understood_and_no_message() {
    let original = parse_delivery(&body(), NOW).unwrap();
    let kept_before = original.all_not_understood().count();
    assert_eq!(kept_before, 1, "the message without an id");
    let mut rest = original.clone();
    take_messages(&mut rest, NOW).unwrap();
    assert!(wamids(&rest).is_empty());
    assert_eq!(rest.all_not_understood().count(), kept_before);
    assert_eq!(rest.changes[0].statuses.len(), 1);
    assert!(
        rest.changes
            .iter()
            .all(|c| c.value.get("messages").is_none()),
        "a change kept for replay holds no message twice"
    );
}

#[test]
fn a_change_left_with_nothing_is_dropped() {
    let mut original = parse_delivery(&body(), NOW).unwrap();
    original.changes[1].not_understood.clear();
    let mut rest = original.clone();
    take_messages(&mut rest, NOW).unwrap();
    assert_eq!(
        rest.changes.len(),
        1,
        "only the change with a status is left"
    );
    assert_eq!(rest.changes[0].phone_number_id, "106540352242922");
}

#[test]
fn messages_over_the_queue_size_stay_in_the_request() {
    let huge = "x".repeat(MAX_ITEM_BYTES / 2);
    let big = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": {
            "metadata": { "phone_number_id": "106540352242922" },
            "messages": [text("16505551234", "wamid.A", "a"), text("16505551234", "wamid.B", &huge), text("16505551234", "wamid.C", &huge)]
        }}]}]
    });
    let original = parse_delivery(big.to_string().as_bytes(), NOW).unwrap();
    let mut rest = original.clone();
    assert!(take_messages(&mut rest, NOW).is_none());
    assert_eq!(rest, original, "nothing taken");
}

#[test]
fn a_queued_message_that_no_longer_parses_is_kept_not_lost() {
    let queued = QueuedMessage {
        waba_id: "1".into(),
        path: "changes[0].value".into(),
        value: json!({ "messages": [] }),
    };
    let alone = queued.delivery(NOW);
    assert!(alone.changes.is_empty());
    assert_eq!(alone.all_not_understood().count(), 1);
    assert!(Work::from_json("{\"kind\":\"nonsense\"}").is_err());
    let media = Work::Media {
        wamids: vec!["wamid.X".into()],
    };
    assert_eq!(Work::from_json(&media.to_json()).unwrap(), media);
    assert!(matches!(
        parse_delivery(&body(), NOW).unwrap().changes[0].messages[0].content,
        MessageContent::Text { .. }
    ));
}

#[test]
fn retries_back_off_from_five_seconds_to_an_hour() {
    assert_eq!(retry_delay_seconds(0), 5);
    assert_eq!(retry_delay_seconds(40), 40);
    assert_eq!(retry_delay_seconds(86_400), 3600);
    assert_eq!(retry_delay_seconds(-3), 5);
}
