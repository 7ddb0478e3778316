//! Every message type, with the objects of Meta's messages webhook references.

use super::*;

fn message_of(type_name: &str, object: Value) -> InboundMessage {
    let mut m = json!({ "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                        "timestamp": "1749416383", "type": type_name });
    m[type_name] = object;
    only_message(m)
}

#[test]
fn a_text_keeps_its_first_link_for_a_preview() {
    let m = message_of(
        "text",
        json!({ "body": "Here's the info you requested! https://www.meta.com/quest/quest-3/." }),
    );
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Here's the info you requested! https://www.meta.com/quest/quest-3/.".into(),
            link: Some("https://www.meta.com/quest/quest-3/".into()),
            preview_url: None
        }
    );
    let plain = message_of(
        "text",
        json!({ "body": "see www.example.com or ftp://x.y" }),
    );
    assert!(matches!(
        plain.content,
        MessageContent::Text { link: None, .. }
    ));
    let off = message_of(
        "text",
        json!({ "body": "https://example.com", "preview_url": false }),
    );
    assert!(matches!(
        off.content,
        MessageContent::Text {
            link: None,
            preview_url: Some(false),
            ..
        }
    ));
    assert_eq!(
        first_link("(see http://example.com/a?b=1), thanks").as_deref(),
        Some("http://example.com/a?b=1")
    );
}

#[test]
fn a_location_has_coordinates_name_address_url_and_a_geo_link() {
    let m = message_of(
        "location",
        json!({ "address": "1 Hacker Way, Menlo Park, CA 94025", "latitude": 37.483307,
                "longitude": -122.148981, "name": "Main Street Beach", "url": "https://www.facebook.com/" }),
    );
    assert_eq!(
        m.content,
        MessageContent::Location {
            latitude: 37.483307,
            longitude: -122.148981,
            name: Some("Main Street Beach".into()),
            address: Some("1 Hacker Way, Menlo Park, CA 94025".into()),
            url: Some("https://www.facebook.com/".into())
        }
    );
    assert_eq!(
        m.content.geo_uri().as_deref(),
        Some("geo:37.483307,-122.148981")
    );
    // Out of range or not a number: kept as a message, with the reason.
    for bad in [
        json!({ "latitude": 91, "longitude": 0 }),
        json!({ "latitude": "x", "longitude": 0 }),
    ] {
        let m = message_of("location", bad);
        assert!(
            matches!(&m.content, MessageContent::Other { original_type, reason: Some(r) }
                if original_type == "location" && r.contains("latitude")),
            "{:?}",
            m.content
        );
    }
}

#[test]
fn shared_contacts_keep_names_phones_emails_urls_addresses_and_org() {
    let m = message_of(
        "contacts",
        json!([{
            "addresses": [{ "city": "Menlo Park", "country": "United States", "country_code": "us",
                            "state": "CA", "street": "1 Hacker Way", "type": "HOME", "zip": "94025" }],
            "birthday": "1999-01-23",
            "emails": [{ "email": "bjohnson@example.com", "type": "HOME" }],
            "name": { "first_name": "Barbara", "formatted_name": "Barbara J. Johnson", "last_name": "Johnson",
                      "middle_name": "Joana", "prefix": "Dr.", "suffix": "Esq." },
            "org": { "company": "Social Tsunami", "department": "Engineering", "title": "Manager" },
            "phones": [{ "phone": "+1 (940) 555-1234", "type": "HOME" },
                       { "phone": "+1 (650) 555-1234", "type": "WORK", "wa_id": "16505551234" }],
            "urls": [{ "url": "https://www.meta.com", "type": "WORK" }]
        }, "not a card"]),
    );
    let MessageContent::Contacts { contacts } = &m.content else {
        panic!("{:?}", m.content)
    };
    assert_eq!(contacts.len(), 1);
    let card = &contacts[0];
    assert_eq!(card.display_name(), "Barbara J. Johnson");
    assert_eq!(card.name.prefix.as_deref(), Some("Dr."));
    assert_eq!(card.phones[1].wa_id.as_deref(), Some("16505551234"));
    assert_eq!(card.phones[1].kind.as_deref(), Some("WORK"));
    assert_eq!(card.emails[0].email, "bjohnson@example.com");
    assert_eq!(card.urls[0].url, "https://www.meta.com");
    assert_eq!(card.addresses[0].zip.as_deref(), Some("94025"));
    assert_eq!(
        card.org.as_ref().unwrap().company.as_deref(),
        Some("Social Tsunami")
    );
    assert_eq!(card.birthday.as_deref(), Some("1999-01-23"));
}

#[test]
fn a_completed_flow_reads_as_key_value_pairs() {
    // Meta, Receiving Flow Response: `response_json` is a JSON text of the Flow's own shape.
    let m = message_of(
        "interactive",
        json!({ "type": "nfm_reply", "nfm_reply": {
            "name": "flow", "body": "Sent",
            "response_json": "{\"flow_token\": \"AQAAAAACS5FpgQ_cAAAAAD0QI3s.\", \"screen_0_Appointment_0\": \"Tuesday\", \"contact\": {\"email\": \"a@b.c\", \"opt_in\": true}, \"services\": [\"haircut\", \"wash\"], \"rooms\": [{\"n\": 1}], \"note\": null}"
        } }),
    );
    let MessageContent::FlowReply { name, fields, .. } = &m.content else {
        panic!("{:?}", m.content)
    };
    assert_eq!(name.as_deref(), Some("flow"));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.key.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("screen_0_Appointment_0", "Tuesday"),
            ("contact.email", "a@b.c"),
            ("contact.opt_in", "true"),
            ("services", "haircut, wash"),
            ("rooms[0].n", "1"),
            ("note", "")
        ]
    );
    assert_eq!(m.content.type_name(), "interactive");
    assert!(m
        .content
        .text()
        .unwrap()
        .starts_with("screen_0_Appointment_0: Tuesday\n"));
}

#[test]
fn flow_answers_that_are_not_an_object_are_still_shown() {
    let keys = |json: &str| -> Vec<(String, String)> {
        flow_fields(json)
            .into_iter()
            .map(|f| (f.key, f.value))
            .collect()
    };
    assert_eq!(
        keys("not json {"),
        [("response".into(), "not json {".into())]
    );
    assert_eq!(keys("[1, 2]"), [("response".into(), "1, 2".into())]);
    assert_eq!(keys("\"Sent\""), [("response".into(), "Sent".into())]);
    assert!(keys("{\"flow_token\": \"t\"}").is_empty());
    let many = format!(
        "{{{}}}",
        (0..500)
            .map(|i| format!("\"k{i}\": {i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(flow_fields(&many).len(), MAX_FLOW_FIELDS);
}

#[test]
fn button_and_list_replies_and_call_permission_answers() {
    let list = message_of(
        "interactive",
        json!({ "type": "list_reply", "list_reply": { "id": "priority_express", "title": "Priority Mail Express",
                                                      "description": "Next Day to 2 Days" } }),
    );
    assert!(
        matches!(&list.content, MessageContent::Interactive { reply_kind, .. } if reply_kind == "list_reply")
    );
    let call = message_of(
        "interactive",
        json!({ "type": "call_permission_reply", "call_permission_reply": {
            "response": "accept", "is_permanent": false, "expiration_timestamp": 1749416383, "response_source": "user_action" } }),
    );
    assert_eq!(
        call.content,
        MessageContent::CallPermissionReply {
            response: "accept".into(),
            is_permanent: Some(false),
            expiration_timestamp: Some(1_749_416_383),
            response_source: Some("user_action".into())
        }
    );
    let unknown = message_of(
        "interactive",
        json!({ "type": "carousel_reply", "carousel_reply": {} }),
    );
    assert!(matches!(
        unknown.content,
        MessageContent::Other {
            reason: Some(_),
            ..
        }
    ));
}

#[test]
fn a_template_quick_reply_keeps_payload_and_text() {
    let m = message_of(
        "button",
        json!({ "payload": "Unsubscribe from Promos", "text": "Unsubscribe from Promos" }),
    );
    assert_eq!(
        m.content,
        MessageContent::Button {
            text: "Unsubscribe from Promos".into(),
            payload: Some("Unsubscribe from Promos".into())
        }
    );
}

#[test]
fn an_empty_or_missing_emoji_removes_a_reaction() {
    for reaction in [
        json!({ "message_id": "wamid.target", "emoji": "" }),
        json!({ "message_id": "wamid.target" }),
    ] {
        let m = message_of("reaction", reaction);
        assert_eq!(
            m.content,
            MessageContent::Reaction {
                message_id: "wamid.target".into(),
                emoji: None
            }
        );
    }
}

#[test]
fn an_edit_names_the_original_and_says_what_it_says_now() {
    // Meta, Edit messages webhook reference (updated Jul 20, 2026).
    let m = message_of(
        "edit",
        json!({ "original_message_id": "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=",
                "message": { "context": { "id": "M0" }, "type": "image",
                             "image": { "caption": "Updated image caption", "mime_type": "image/jpeg",
                                        "sha256": "a1b2c3d4e5f6...", "id": "1234567890" } } }),
    );
    let MessageContent::Edit {
        original_message_id,
        content,
    } = &m.content
    else {
        panic!("{:?}", m.content)
    };
    assert_eq!(
        original_message_id,
        "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="
    );
    assert!(matches!(
        **content,
        MessageContent::Media {
            kind: MediaKind::Image,
            ..
        }
    ));
    assert_eq!(m.content.text().as_deref(), Some("Updated image caption"));
    let text = message_of(
        "edit",
        json!({ "original_message_id": "wamid.o", "message": { "type": "text", "text": { "body": "fixed typo" } } }),
    );
    assert_eq!(text.content.text().as_deref(), Some("fixed typo"));
    let broken = message_of(
        "edit",
        json!({ "message": { "type": "text", "text": { "body": "x" } } }),
    );
    assert!(
        matches!(&broken.content, MessageContent::Other { reason: Some(r), .. } if r.contains("original_message_id"))
    );
}

#[test]
fn a_revoke_names_the_deleted_message() {
    // Meta, Revoke messages webhook reference (updated May 21, 2026).
    let m = message_of("revoke", json!({ "original_message_id": "wamid.original" }));
    assert_eq!(
        m.content,
        MessageContent::Revoke {
            original_message_id: "wamid.original".into()
        }
    );
    assert_eq!(m.content.text(), None);
}

#[test]
fn unsupported_messages_carry_metas_error_and_kind() {
    let m = only_message(json!({
        "from": "16505551234", "id": "wamid.u", "timestamp": "1749416383", "type": "unsupported",
        "unsupported": { "type": "edit" },
        "errors": [{ "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                     "error_data": { "details": "Message type is currently not supported." } }] }));
    assert_eq!(
        m.content,
        MessageContent::Unsupported {
            original_type: "unsupported".into(),
            unsupported_type: Some("edit".into()),
            errors: vec![ErrorSummary {
                code: Some(131051),
                title: Some("Message type unknown".into()),
                details: Some("Message type is currently not supported.".into())
            }]
        }
    );
    assert_eq!(m.errors[0].code, Some(131051));
    let unknown = only_message(json!({
        "from": "1", "id": "wamid.k", "timestamp": "1749416383", "type": "unknown",
        "errors": [{ "code": 131051, "details": "Message type is not currently supported", "title": "Unsupported message type" }] }));
    assert!(
        matches!(&unknown.content, MessageContent::Unsupported { errors, .. }
        if errors[0].title.as_deref() == Some("Unsupported message type"))
    );
}

#[test]
fn a_first_visit_is_a_welcome_request_and_content_round_trips() {
    let m = only_message(
        json!({ "from": "1", "id": "wamid.w", "timestamp": "1749416383", "type": "request_welcome" }),
    );
    assert_eq!(m.content, MessageContent::RequestWelcome);
    // Stored content reads back, and content stored before these types still reads.
    let stored = serde_json::to_string(&m.content).unwrap();
    assert_eq!(stored, r#"{"type":"request_welcome"}"#);
    let old: MessageContent = serde_json::from_str(r#"{"type":"contacts","names":["A"]}"#).unwrap();
    assert_eq!(old, MessageContent::Contacts { contacts: vec![] });
    let old: MessageContent =
        serde_json::from_str(r#"{"type":"other","original_type":"order"}"#).unwrap();
    assert_eq!(old.type_name(), "order");
}

#[test]
fn a_message_without_a_type_is_kept_as_unknown_with_the_reason() {
    let m = only_message(
        json!({ "from": "1", "id": "wamid.n", "timestamp": "1749416383", "text": { "body": "?" } }),
    );
    assert_eq!(
        m.content,
        MessageContent::Other {
            original_type: "unknown".into(),
            reason: Some("type: missing".into())
        }
    );
}

#[test]
fn every_kind_of_content_is_stored_and_read_back_unchanged() {
    let contents = [
        message_of("text", json!({ "body": "see https://example.com" })).content,
        message_of("location", json!({ "latitude": 1.5, "longitude": -2.25, "name": "Here" })).content,
        message_of("contacts", json!([{ "name": { "formatted_name": "A" }, "phones": [{ "phone": "+1 555" }] }])).content,
        message_of("interactive", json!({ "type": "nfm_reply", "nfm_reply": { "name": "flow", "response_json": "{\"a\": 1}" } })).content,
        message_of("interactive", json!({ "type": "call_permission_reply", "call_permission_reply": { "response": "reject" } })).content,
        message_of("order", json!({ "product_items": [{ "product_retailer_id": "p", "quantity": 1, "item_price": 7.99, "currency": "USD" }] })).content,
        message_of("system", json!({ "type": "user_changed_user_id", "user_id": "US.1", "previous_user_id": "US.2" })).content,
        message_of("edit", json!({ "original_message_id": "wamid.o", "message": { "type": "text", "text": { "body": "x" } } })).content,
        message_of("revoke", json!({ "original_message_id": "wamid.o" })).content,
        message_of("reaction", json!({ "message_id": "wamid.o" })).content,
        message_of("location", json!({})).content,
    ];
    for content in contents {
        let stored = serde_json::to_string(&content).unwrap();
        let read: MessageContent = serde_json::from_str(&stored).unwrap();
        assert_eq!(read, content, "{stored}");
    }
}
