//! Property-based fuzzing of everything that parses input from outside: webhook deliveries,
//! handoff codes, visitor tokens, and Cloudflare Access tokens and keys. The test command runs a bounded number of cases
//! (proptest's default, 256 per target); `scripts/fuzz` runs many more (`PROPTEST_CASES`).
//!
//! Invariants: nothing panics; a delivery is refused only when it is not a delivery at all
//! (not JSON, another object, no `entry` array), and otherwise every item it carries is
//! either understood or kept as not understood — none vanishes. That holds for every field
//! read (`messages`, `smb_message_echoes`, `history`) and every item kind: contacts, messages of
//! every type, statuses, echoes, history chunks and the threads and messages inside them.
//! The pure helpers that read what those items hold (order totals, Flow answers) never panic
//! and keep their promises on any input. An Access token is accepted only when it is signed by
//! the team's key and every claim rule holds.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use switchboard_core::access_jwt::{self, AccessTeam, Jwks};
use switchboard_core::customer_identity::CustomerId;
use switchboard_core::handoff::{HandoffCode, MAX_CANDIDATES};
use switchboard_core::keys::{KeyRing, MasterKey};
use switchboard_core::visitor_token;
use switchboard_core::webhook::{
    decimal_to_minor_units, flow_fields, parse_delivery, Money, ParseError, MAX_FLOW_FIELDS,
};

const NOW: i64 = 1_795_996_800;

/// Any JSON value, a few levels deep, with the strings and numbers webhooks tend to carry.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            "text",
            "image",
            "read",
            "deleted",
            "messages",
            "1749416383",
            "9223372036854775807",
            "",
            "wamid.x",
            "whatsapp_business_account",
            "order",
            "system",
            "interactive",
            "nfm_reply",
            "edit",
            "revoke",
            "unsupported",
            "media_placeholder",
            "user_changed_number",
            "US.13491208655302741918",
            "16505551234",
            "7.99",
            "USD",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "id",
                        "from",
                        "timestamp",
                        "type",
                        "text",
                        "body",
                        "status",
                        "errors",
                        "metadata",
                        "phone_number_id",
                        "messages",
                        "statuses",
                        "contacts",
                        "wa_id",
                        "value",
                        "field",
                        "changes",
                        "context",
                        "from_user_id",
                        "user_id",
                        "to",
                        "to_user_id",
                        "message_echoes",
                        "history",
                        "threads",
                        "product_items",
                        "item_price",
                        "quantity",
                        "response_json",
                        "original_message_id",
                        "message",
                        "recipient_user_id",
                    ]),
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

/// A well-formed delivery as Meta sends it: a `messages` change with a message of each kind
/// (one from a customer known only by BSUID) and statuses, an echo change and a history change.
fn valid_delivery() -> Value {
    let metadata =
        json!({ "display_phone_number": "15550783881", "phone_number_id": "106540352242922" });
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": metadata,
                    "contacts": [{ "profile": { "name": "Sheena" }, "wa_id": "16505551234", "user_id": "US.13491208655302741918" },
                                 { "profile": { "name": "Kim", "username": "kim" }, "user_id": "US.42" }],
                    "messages": [
                        { "from": "16505551234", "id": "wamid.a", "timestamp": "1749416383", "type": "text", "text": { "body": "hi SB-7K3M-Q9TD https://example.com" } },
                        { "from": "16505551234", "id": "wamid.b", "timestamp": "1749416384", "type": "image", "image": { "id": "1", "mime_type": "image/jpeg" } },
                        { "from_user_id": "US.42", "id": "wamid.c", "timestamp": "1749416385", "type": "order", "context": { "id": "wamid.q", "referred_product": { "catalog_id": "1", "product_retailer_id": "p" } },
                          "order": { "catalog_id": "1", "product_items": [{ "product_retailer_id": "p", "quantity": 2, "item_price": 7.99, "currency": "USD" }] } },
                        { "from": "16505551234", "id": "wamid.d", "timestamp": "1749416386", "type": "interactive",
                          "interactive": { "type": "nfm_reply", "nfm_reply": { "name": "flow", "body": "Sent", "response_json": "{\"a\": {\"b\": [1, 2]}}" } } },
                        { "from": "16505551234", "id": "wamid.e", "timestamp": "1749416387", "type": "system",
                          "system": { "body": "changed", "type": "user_changed_number", "wa_id": "16505550000", "user_id": "US.43" } },
                        { "from": "16505551234", "id": "wamid.f", "timestamp": "1749416388", "type": "edit",
                          "edit": { "original_message_id": "wamid.a", "message": { "type": "text", "text": { "body": "hello" } } } },
                        { "from": "16505551234", "id": "wamid.g", "timestamp": "1749416389", "type": "contacts",
                          "contacts": [{ "name": { "formatted_name": "A; B" }, "phones": [{ "phone": "+1 555", "type": "CELL" }] }],
                          "referral": { "source_url": "https://fb.me/x", "source_type": "ad", "headline": "Hi" } },
                        { "from": "16505551234", "id": "wamid.h", "timestamp": "1749416390", "type": "location", "location": { "latitude": 1.5, "longitude": 2.5 } }
                    ],
                    "statuses": [
                        { "id": "wamid.c", "status": "read", "timestamp": "1749416385", "recipient_id": "16505551234", "recipient_user_id": "US.13491208655302741918" },
                        { "id": "wamid.d", "status": "failed", "timestamp": "1749416386", "errors": [{ "code": 131047, "title": "Re-engagement" }] }
                    ]
                }
            }, {
                "field": "smb_message_echoes",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": metadata,
                    "message_echoes": [{ "from": "15550783881", "to": "16505551234", "id": "wamid.i", "timestamp": "1749416391",
                                         "type": "reaction", "reaction": { "message_id": "wamid.a", "emoji": "" } }]
                }
            }, {
                "field": "history",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": metadata,
                    "history": [{ "metadata": { "phase": 0, "chunk_order": 1, "progress": 100 },
                                  "threads": [{ "id": "16505551234", "messages": [
                                      { "from": "15550783881", "id": "wamid.j", "timestamp": "1749416392", "type": "text", "text": { "body": "old" }, "history_context": { "status": "READ" } },
                                      { "from": "16505551234", "id": "wamid.k", "timestamp": "1749416393", "type": "media_placeholder" }] }] },
                                { "errors": [{ "code": 2593109, "title": "History sync is turned off" }] }]
                }
            }]
        }]
    })
}

/// Every JSON pointer to a node of `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, child)| pointers(child, format!("{at}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, child)| pointers(child, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// How many items the changes of the fields we read hold: each `contacts`, `messages`,
/// `statuses` and `message_echoes` entry, and each history chunk with its threads' messages
/// (a thread we cannot read, and a `threads` that is no array, count as one). A change that
/// names no number (or is no object) counts as one item.
fn items_in(root: &Value) -> usize {
    let Some(entries) = root.get("entry").and_then(Value::as_array) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries {
        let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
            n += 1;
            continue;
        };
        if entry.get("id").and_then(Value::as_str).is_none() {
            n += 1;
            continue;
        }
        for change in changes {
            let field = change.get("field").and_then(Value::as_str);
            if !matches!(field, Some("messages" | "smb_message_echoes" | "history")) {
                continue;
            }
            let Some(value) = change.get("value").filter(|v| v.is_object()) else {
                n += 1;
                continue;
            };
            if value
                .pointer("/metadata/phone_number_id")
                .and_then(Value::as_str)
                .is_none()
            {
                n += 1;
                continue;
            }
            for key in ["messages", "statuses", "contacts", "message_echoes"] {
                n += match value.get(key) {
                    None | Some(Value::Null) => 0,
                    Some(Value::Array(items)) => items.len(),
                    Some(_) => 1,
                };
            }
            n += match value.get("history") {
                None | Some(Value::Null) => 0,
                Some(Value::Array(chunks)) => chunks.iter().map(chunk_items).sum(),
                Some(_) => 1,
            };
        }
    }
    n
}

fn chunk_items(chunk: &Value) -> usize {
    if !chunk.is_object() {
        return 1;
    }
    1 + match chunk.get("threads") {
        None | Some(Value::Null) => 0,
        Some(Value::Array(threads)) => threads.iter().map(thread_items).sum(),
        Some(_) => 1,
    }
}

/// A thread is read when it is an object with a `messages` array and names its customer (a
/// phone number or BSUID in `id`, or a BSUID in `user_id`); then each message is an item.
fn thread_items(thread: &Value) -> usize {
    let text = |key: &str| {
        thread
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let named = text("id")
        .is_some_and(|id| CustomerId::from_phone(id).is_ok() || CustomerId::from_bsuid(id).is_ok())
        || text("user_id").is_some_and(|id| CustomerId::from_bsuid(id).is_ok());
    match thread.get("messages").and_then(Value::as_array) {
        Some(messages) if thread.is_object() && named => messages.len(),
        _ => 1,
    }
}

fn is_a_delivery(root: &Value) -> bool {
    root.get("object").and_then(Value::as_str) == Some("whatsapp_business_account")
        && root.get("entry").is_some_and(Value::is_array)
}

/// The invariant: refused only if not a delivery; otherwise every item accounted for.
fn check(root: &Value) -> Result<(), TestCaseError> {
    let body = serde_json::to_vec(root).unwrap();
    match parse_delivery(&body, NOW) {
        Err(e) => {
            prop_assert!(!is_a_delivery(root), "a delivery was refused: {e}");
        }
        Ok(delivery) => {
            prop_assert!(is_a_delivery(root));
            let understood: usize = delivery
                .changes
                .iter()
                .map(|c| {
                    let history: usize = c
                        .history
                        .iter()
                        .map(|h| 1 + h.threads.iter().map(|t| t.messages.len()).sum::<usize>())
                        .sum();
                    c.messages.len()
                        + c.statuses.len()
                        + c.contacts.len()
                        + c.echoes.len()
                        + history
                })
                .sum();
            let kept = delivery.all_not_understood().count();
            prop_assert_eq!(understood + kept, items_in(root));
            for change in &delivery.changes {
                for m in &change.messages {
                    prop_assert!(m.timestamp >= 1_230_768_000 && m.timestamp <= NOW + 86_400);
                    // A message always names its customer, and its filing key is one of theirs.
                    prop_assert!(m.customer.keys().contains(&m.customer.key()));
                }
                for e in &change.echoes {
                    prop_assert!(e.timestamp >= 1_230_768_000 && e.timestamp <= NOW + 86_400);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_refused_or_parsed_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(root) => check(&root)?,
            Err(_) => {
                let refused = matches!(parse_delivery(&bytes, NOW), Err(ParseError::NotJson(_)));
                prop_assert!(refused, "bytes that are not JSON were not refused as such");
            }
        }
    }

    #[test]
    fn arbitrary_json_keeps_every_item(entry in any_json(), object_is_right in any::<bool>()) {
        let object = if object_is_right { "whatsapp_business_account" } else { "page" };
        check(&json!({ "object": object, "entry": entry }))?;
        check(&json!({ "object": object, "entry": [entry] }))?;
    }

    #[test]
    fn a_delivery_with_any_field_replaced_keeps_every_item(pick in any::<prop::sample::Index>(), replacement in any_json()) {
        let mut root = valid_delivery();
        let mut all = Vec::new();
        pointers(&root, String::new(), &mut all);
        let target = pick.get(&all).clone();
        if target.is_empty() {
            root = replacement;
        } else {
            *root.pointer_mut(&target).unwrap() = replacement;
        }
        check(&root)?;
    }

    #[test]
    fn a_delivery_with_any_field_removed_keeps_every_item(pick in any::<prop::sample::Index>()) {
        let mut root = valid_delivery();
        let mut all = Vec::new();
        pointers(&root, String::new(), &mut all);
        let target = pick.get(&all[1..]).clone();
        let (parent, key) = target.rsplit_once('/').unwrap();
        match root.pointer_mut(parent).unwrap() {
            Value::Object(map) => { map.remove(key); }
            Value::Array(items) => { items.remove(key.parse::<usize>().unwrap()); }
            _ => unreachable!("a parent holds children"),
        }
        check(&root)?;
    }

    #[test]
    fn prices_read_back_exactly_in_minor_units(units in any::<u64>(), exponent in 0u8..=4) {
        let money = Money { currency: "XXX".into(), minor_units: units, exponent };
        prop_assert_eq!(decimal_to_minor_units(&money.amount(), exponent), Ok(units));
    }

    #[test]
    fn price_text_never_panics(text in "[0-9eE.+-]{0,30}|\\PC{0,30}", exponent in 0u8..=4) {
        let _ = decimal_to_minor_units(&text, exponent);
    }

    #[test]
    fn flow_answers_never_panic_and_are_bounded(answers in any_json(), text in "\\PC{0,200}") {
        prop_assert!(flow_fields(&answers.to_string()).len() <= MAX_FLOW_FIELDS);
        prop_assert!(flow_fields(&text).len() <= MAX_FLOW_FIELDS);
    }

    #[test]
    fn handoff_code_scanning_never_panics_and_is_bounded(text in "\\PC{0,300}") {
        prop_assert!(HandoffCode::candidates_in(&text).len() <= MAX_CANDIDATES);
        if let Some(code) = HandoffCode::parse(&text) {
            prop_assert_eq!(HandoffCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn visitor_tokens_verify_only_when_issued(token in "\\PC{0,120}", id in any::<[u8; 16]>()) {
        let keys = KeyRing { current: MasterKey::from_base64("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4eHg=").unwrap(), previous: None };
        prop_assert_eq!(visitor_token::verify(&keys, &token, NOW), None);
        let issued = visitor_token::issue(&keys, &visitor_token::new_visitor_id(id), NOW);
        prop_assert!(visitor_token::verify(&keys, &issued, NOW).is_some());
        let mut tampered = issued.clone();
        tampered.push_str(&token);
        if !token.trim().is_empty() {
            prop_assert_eq!(visitor_token::verify(&keys, &tampered, NOW), None);
        }
    }

    #[test]
    fn access_tokens_from_any_text_are_refused(token in "\\PC{0,400}") {
        prop_assert!(access_jwt::verify(&token, &access_keys().1, &access_team(), NOW as u64).is_err());
    }

    #[test]
    fn access_tokens_with_any_header_claims_and_signature_are_refused(
        header in any_json(), claims in any_claims(), signature in prop::collection::vec(any::<u8>(), 0..300), rs256 in any::<bool>(),
    ) {
        let header = if rs256 { json!({ "alg": "RS256", "kid": "k1" }) } else { header };
        let token = format!("{}.{}.{}", b64(&header), b64(&claims), URL_SAFE_NO_PAD.encode(signature));
        prop_assert!(access_jwt::verify(&token, &access_keys().1, &access_team(), NOW as u64).is_err());
    }

    #[test]
    fn signed_access_tokens_pass_only_when_every_claim_holds(claims in any_claims()) {
        let input = format!("{}.{}", b64(&json!({ "alg": "RS256", "kid": "k1" })), b64(&claims));
        let digest = Sha256::digest(input.as_bytes());
        let signature = access_keys().0.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature));
        let now = NOW as u64;
        let verified = access_jwt::verify(&token, &access_keys().1, &access_team(), now);
        let aud_ok = match &claims["aud"] {
            Value::String(one) => one == ACCESS_AUD,
            Value::Array(many) => many.iter().all(Value::is_string) && many.contains(&json!(ACCESS_AUD)),
            _ => false,
        };
        let time = |name: &str| claims[name].as_u64();
        let holds = claims["iss"] == json!(ACCESS_ISSUER)
            && aud_ok
            && time("exp").is_some_and(|exp| now < exp.saturating_add(60))
            && time("iat").is_some_and(|iat| iat <= now + 60)
            && (claims.get("nbf").is_none() || time("nbf").is_some_and(|nbf| nbf <= now + 60))
            && claims["email"].as_str().is_some_and(|e| e.contains('@'));
        prop_assert_eq!(verified.is_ok(), holds, "{}: {:?}", claims, verified);
    }

    #[test]
    fn access_keys_documents_never_panic(key in any_json(), keys in any_json()) {
        for doc in [json!({ "keys": [key.clone()] }), json!({ "keys": keys.clone() }), key.clone()] {
            prop_assert!(Jwks::from_json(&doc.to_string()).is_err());
        }
    }
}

const ACCESS_ISSUER: &str = "https://acme.cloudflareaccess.com";
const ACCESS_AUD: &str = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228";

fn access_team() -> AccessTeam {
    AccessTeam::new(ACCESS_ISSUER, ACCESS_AUD).unwrap()
}

/// One 2048-bit key (from a fixed seed) and the JWKS that publishes it as `k1`.
fn access_keys() -> &'static (RsaPrivateKey, Jwks) {
    static KEYS: OnceLock<(RsaPrivateKey, Jwks)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut rand_chacha::ChaCha8Rng::seed_from_u64(7), 2048).unwrap();
        let jwk = json!({ "kid": "k1", "kty": "RSA", "alg": "RS256", "use": "sig",
                          "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                          "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()) });
        let jwks = Jwks::from_json(&json!({ "keys": [jwk] }).to_string()).unwrap();
        (key, jwks)
    })
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Claims near the rules' edges: each one mostly present and right (so that about one case in
/// ten passes), else absent, wrong or of the wrong type.
fn any_claims() -> impl Strategy<Value = Value> {
    let now = NOW;
    let time = prop_oneof![
        12 => (-120i64..120).prop_map(move |d| json!(now + d)),
        1 => Just(json!(0)),
        1 => Just(json!(-1)),
        1 => Just(json!(1.5)),
        1 => Just(json!("1795996800")),
        1 => Just(json!(u64::MAX)),
    ];
    let iss = prop_oneof![
        12 => Just(json!(ACCESS_ISSUER)),
        1 => Just(json!(format!("{ACCESS_ISSUER}/"))),
        1 => Just(json!("https://other.cloudflareaccess.com")),
        1 => Just(json!(7)),
        1 => Just(Value::Null),
    ];
    let aud = prop_oneof![
        4 => Just(json!(ACCESS_AUD)),
        4 => Just(json!([ACCESS_AUD])),
        4 => Just(json!(["other", ACCESS_AUD])),
        1 => Just(json!(["other"])),
        1 => Just(json!([])),
        1 => Just(json!([ACCESS_AUD, 7])),
        1 => Just(json!(&ACCESS_AUD[1..])),
    ];
    let email = prop_oneof![
        12 => Just(json!("ana@example.com")),
        1 => Just(json!("ana")),
        1 => Just(json!("")),
        1 => Just(json!(["ana@example.com"])),
    ];
    let mostly = 0.95;
    (
        prop::option::weighted(mostly, iss),
        prop::option::weighted(mostly, aud),
        prop::option::weighted(mostly, time.clone()),
        prop::option::weighted(mostly, time.clone()),
        prop::option::of(time),
        prop::option::weighted(mostly, email),
    )
        .prop_map(|(iss, aud, exp, iat, nbf, email)| {
            let mut claims = Map::new();
            for (name, value) in [
                ("iss", iss),
                ("aud", aud),
                ("exp", exp),
                ("iat", iat),
                ("nbf", nbf),
                ("email", email),
            ] {
                if let Some(value) = value {
                    claims.insert(name.to_owned(), value);
                }
            }
            Value::Object(claims)
        })
}
