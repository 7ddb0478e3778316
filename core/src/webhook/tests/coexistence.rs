//! Numbers in coexistence: what the business sends from the WhatsApp Business app
//! (`smb_message_echoes`) and the app's chat history (`history`), as Meta's references show them.

use super::*;

const BSUID: &str = "US.13491208655302741918";

#[test]
fn an_echo_is_an_outbound_message_to_the_customer() {
    // Meta, smb_message_echoes webhook reference (updated May 21, 2026), its example.
    let change = only_change(&change_delivery(
        "smb_message_echoes",
        json!({ "message_echoes": [{
            "from": "15550783881", "to": "16505551234",
            "id": "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA", "timestamp": "1739321024",
            "type": "text", "text": { "body": "Here's the info you requested! https://www.meta.com/quest/quest-3/" } }] }),
    ));
    assert_eq!(change.field, ChangeField::SmbMessageEchoes);
    assert!(change.messages.is_empty());
    let echo = &change.echoes[0];
    assert_eq!(
        echo.wamid,
        "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA"
    );
    assert_eq!(echo.customer.phone(), Some("16505551234"));
    assert_eq!(echo.business_number.as_deref(), Some("15550783881"));
    assert_eq!(echo.timestamp, 1_739_321_024);
    assert_eq!(
        echo.content.text().as_deref(),
        Some("Here's the info you requested! https://www.meta.com/quest/quest-3/")
    );
}

#[test]
fn echoes_to_a_username_customer_and_of_deletions_are_read() {
    let change = only_change(&change_delivery(
        "smb_message_echoes",
        json!({
            "contacts": [{ "profile": { "name": "Test Name" }, "user_id": BSUID }],
            "message_echoes": [
                { "from": "15550783881", "to_user_id": BSUID, "id": "wamid.e1", "timestamp": "1739321024",
                  "type": "image", "image": { "id": "1003383421387256", "mime_type": "image/jpeg", "caption": "Our menu" } },
                { "from": "15550783881", "to": "+16505551234", "id": "wamid.e2", "timestamp": "1739321030",
                  "type": "revoke", "revoke": { "original_message_id": "wamid.e0" } }
            ]
        }),
    ));
    let [image, revoke] = &change.echoes[..] else {
        panic!("two echoes")
    };
    assert_eq!(image.customer.bsuid(), Some(BSUID));
    assert!(matches!(
        image.content,
        MessageContent::Media {
            kind: MediaKind::Image,
            ..
        }
    ));
    assert_eq!(revoke.customer.phone(), Some("16505551234"));
    assert_eq!(
        revoke.content,
        MessageContent::Revoke {
            original_message_id: "wamid.e0".into()
        }
    );
}

#[test]
fn an_echo_naming_nobody_is_kept_aside() {
    let parsed = parse(&change_delivery(
        "smb_message_echoes",
        json!({ "message_echoes": [{ "from": "15550783881", "id": "wamid.e", "timestamp": "1739321024",
                                     "type": "text", "text": { "body": "to whom?" } }] }),
    ))
    .unwrap();
    let kept: Vec<_> = parsed.all_not_understood().collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].path, "entry[0].changes[0].value.message_echoes[0]");
    assert!(kept[0].reason.contains("to: missing"), "{}", kept[0].reason);
}

#[test]
fn the_business_app_history_is_kept_thread_by_thread() {
    // Meta, history webhook reference: its first example, two threads.
    let change = only_change(&change_delivery(
        "history",
        json!({ "history": [{
            "metadata": { "phase": 0, "chunk_order": 1, "progress": 55 },
            "threads": [
                { "id": "16505551234", "messages": [
                    { "from": "15550783881", "id": "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA",
                      "timestamp": "1739230955", "type": "text",
                      "text": { "body": "Here's the info you requested! https://www.meta.com/quest/quest-3/" },
                      "history_context": { "status": "READ" } },
                    { "from": "15550783881", "id": "wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA",
                      "timestamp": "1739230970", "type": "media_placeholder", "history_context": { "status": "PLAYED" } },
                    { "from": "16505551234", "id": "wamid.N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0",
                      "timestamp": "1739230970", "type": "text", "text": { "body": "Thanks!" },
                      "history_context": { "status": "READ" } } ] },
                { "id": "12125557890", "messages": [
                    { "from": "15550783881", "id": "wamid.BIyNDlBOEI5N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGQUQ4NDc0",
                      "timestamp": "1739230970", "type": "text",
                      "text": { "body": "Thanks for your order! As a thank you, use code THANKS30 to get 30% of your next order." },
                      "history_context": { "status": "DELIVERED" } } ] }
            ] }] }),
    ));
    assert_eq!(change.field, ChangeField::History);
    let chunk = &change.history[0];
    assert_eq!(
        (chunk.phase, chunk.chunk_order, chunk.progress),
        (Some(0), Some(1), Some(55))
    );
    let [first, second] = &chunk.threads[..] else {
        panic!("two threads")
    };
    assert_eq!(first.customer.phone(), Some("16505551234"));
    let directions: Vec<_> = first.messages.iter().map(|m| m.direction).collect();
    assert_eq!(
        directions,
        [Direction::Outbound, Direction::Outbound, Direction::Inbound]
    );
    assert_eq!(first.messages[0].status.as_deref(), Some("READ"));
    assert_eq!(first.messages[1].content.type_name(), "media_placeholder");
    assert_eq!(first.messages[2].content.text().as_deref(), Some("Thanks!"));
    assert_eq!(second.customer.phone(), Some("12125557890"));
    assert_eq!(second.messages[0].direction, Direction::Outbound);
}

#[test]
fn a_history_media_change_and_a_declined_history_are_kept() {
    // The media contents of a placeholder come in a `history` change with `messages[]`.
    let media = only_change(&change_delivery(
        "history",
        json!({ "messages": [{ "from": "16505551234", "id": "wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA",
                               "timestamp": "1738796547", "type": "image",
                               "image": { "caption": "Black Prince echeveria", "mime_type": "image/jpeg",
                                          "sha256": "3f9d94d399fa61c191bc1d4ca71375a035cd9b9f5b1128e1f0963a415c16b0cc",
                                          "id": "24230790383178626" } }] }),
    ));
    assert_eq!(media.field, ChangeField::History);
    assert_eq!(
        media.messages[0].content.text().as_deref(),
        Some("Black Prince echeveria")
    );

    let declined = only_change(&change_delivery(
        "history",
        json!({ "history": [{ "errors": [{
            "code": 2593109, "title": "History sync is turned off by the business from the WhatsApp Business App",
            "message": "History sync is turned off by the business from the WhatsApp Business App",
            "error_data": { "details": "History sharing is turned off by the business" } }] }] }),
    ));
    let chunk = &declined.history[0];
    assert!(chunk.threads.is_empty());
    assert_eq!(chunk.errors[0].code, Some(2593109));
    assert_eq!(
        chunk.errors[0].details.as_deref(),
        Some("History sharing is turned off by the business")
    );
}

#[test]
fn odd_threads_and_messages_of_a_history_are_kept_aside_one_by_one() {
    let parsed = parse(&change_delivery(
        "history",
        json!({ "history": [
            { "metadata": { "phase": 1 }, "threads": [
                { "id": "16505551234", "messages": [
                    { "from": "16505551234", "timestamp": "1739230970", "type": "text", "text": { "body": "no id" } },
                    { "from": "16505551234", "id": "wamid.ok", "timestamp": "1739230971", "type": "text", "text": { "body": "ok" } } ] },
                { "id": "16505551234" },
                "not a thread" ] },
            "not a chunk" ] }),
    ))
    .unwrap();
    let change = &parsed.changes[0];
    assert_eq!(change.history.len(), 1);
    assert_eq!(change.history[0].threads[0].messages.len(), 1);
    let paths: Vec<_> = parsed
        .all_not_understood()
        .map(|n| n.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "entry[0].changes[0].value.history[0].threads[0].messages[0]",
            "entry[0].changes[0].value.history[0].threads[1]",
            "entry[0].changes[0].value.history[0].threads[2]",
            "entry[0].changes[0].value.history[1]",
        ]
    );
}

#[test]
fn other_fields_are_still_skipped() {
    let parsed = parse(&change_delivery(
        "smb_app_state_sync",
        json!({ "state_sync": [{ "type": "contact", "contact": { "full_name": "A", "phone_number": "16505551234" },
                                 "action": "add", "metadata": { "timestamp": "1739321024" } }] }),
    ))
    .unwrap();
    assert!(parsed.changes.is_empty());
    assert_eq!(parsed.all_not_understood().count(), 0);
}
