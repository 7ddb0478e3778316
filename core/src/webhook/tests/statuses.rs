//! Failed statuses: Meta's errors kept whole, and a hint for the agent.

use super::*;

#[test]
fn a_failed_status_keeps_metas_errors_and_explains_them() {
    // Meta, Status messages webhook reference: a failed status carries `errors[]` and no
    // conversation or pricing.
    let change = only_change(&change_delivery(
        "messages",
        json!({ "statuses": [{
            "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA", "status": "failed",
            "timestamp": "1750263774", "recipient_id": "16505551234",
            "errors": [{ "code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                         "error_data": { "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
                         "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/" }] }] }),
    ));
    let status = &change.statuses[0];
    assert_eq!(status.status, DeliveryStatus::Failed);
    let error = status.error.as_ref().unwrap();
    assert_eq!(
        error,
        &StatusError {
            code: 131047,
            title: "Re-engagement message".into()
        }
    );
    let explained = error.explain();
    assert_eq!(explained.title, "Re-engagement message");
    assert!(explained.hint.unwrap().contains("template"));
    assert_eq!(
        status.errors[0].details.as_deref(),
        Some("Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
    );
}

#[test]
fn a_status_error_without_a_title_gets_the_known_one() {
    let change = only_change(&change_delivery(
        "messages",
        json!({ "statuses": [
            { "id": "wamid.a", "status": "failed", "timestamp": "1750263774", "recipient_id": "16505551234",
              "errors": [{ "code": 131026 }] },
            { "id": "wamid.b", "status": "failed", "timestamp": "1750263775", "recipient_id": "16505551234",
              "errors": [{ "code": 131049, "message": "This message was not delivered to maintain healthy ecosystem engagement." }] }] }),
    ));
    let undeliverable = change.statuses[0].error.as_ref().unwrap().explain();
    assert_eq!(undeliverable.title, "Message Undeliverable");
    assert!(undeliverable.hint.is_some());
    let limited = change.statuses[1].error.as_ref().unwrap().explain();
    assert_eq!(
        limited.title,
        "This message was not delivered to maintain healthy ecosystem engagement."
    );
    assert!(limited.hint.unwrap().contains("marketing"));
}

#[test]
fn statuses_with_errors() {
    let body = delivery(
        json!([]),
        json!([
            { "id": "wamid.s1", "status": "read", "timestamp": "1750263773", "recipient_id": "16505551234" },
            { "id": "wamid.s2", "status": "failed", "timestamp": "1750263774", "recipient_id": "16505551234",
              "errors": [{ "code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                           "error_data": { "details": "Message failed to send because more than 24 hours have passed" } }] }
        ]),
    );
    let statuses = &parse(&body).unwrap().changes[0].statuses;
    assert_eq!(statuses[0].status, DeliveryStatus::Read);
    assert_eq!(statuses[1].status, DeliveryStatus::Failed);
    assert_eq!(
        statuses[1].error,
        Some(StatusError {
            code: 131047,
            title: "Re-engagement message".into()
        })
    );
}

#[test]
fn delivery_level_errors_are_kept_as_meta_reported_them() {
    // Meta's reference: `value.errors` beside (or instead of) messages, e.g. an unsupported
    // message type, with `error_data.details`.
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
            "errors": [{
                "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                "error_data": { "details": "Message type is currently not supported." }
            }, { "unexpected": true }]
        } }] }]
    })
    .to_string();
    let parsed = parse(body.as_bytes()).unwrap();
    let errors = &parsed.changes[0].meta_errors;
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].code, Some(131051));
    assert_eq!(errors[0].title.as_deref(), Some("Message type unknown"));
    assert_eq!(
        errors[0].details.as_deref(),
        Some("Message type is currently not supported.")
    );
    assert_eq!(
        errors[1].code, None,
        "kept even when it says nothing we know"
    );
    assert_eq!(errors[1].raw, json!({ "unexpected": true }));
    assert_eq!(parsed.all_not_understood().count(), 0);
}

#[test]
fn a_played_voice_message_is_a_status_not_a_mystery() {
    let parsed = parse(&delivery(
        json!([]),
        json!([{ "id": "wamid.played", "status": "played", "timestamp": (NOW - 5).to_string(), "recipient_id": "16505551234" }]),
    ))
    .unwrap();
    assert_eq!(parsed.changes[0].statuses[0].status, DeliveryStatus::Played);
    assert_eq!(parsed.all_not_understood().count(), 0);
}
