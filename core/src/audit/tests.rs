use serde_json::json;

use super::*;
use crate::csat::CsatSettings;
use crate::messenger_texts::OwnerTexts;
use crate::reset::ResetDays;
use crate::team::Role;

const AT: i64 = 1_795_996_800;
const SEALED: &str = "v2:k1:c2VhbGVkLXRva2VuLWJ5dGVz";
const RESEALED: &str = "v2:k2:b3RoZXItc2VhbGVkLWJ5dGVz";

fn ana() -> Actor {
    Actor::from(&Member {
        email: "ana@example.com".into(),
        display_name: "Ana".into(),
        role: Role::Owner,
    })
}

fn number(sealed: Option<&str>) -> NumberRecord {
    NumberRecord {
        phone_number_id: "106540352242922".into(),
        waba_id: "102290129340398".into(),
        label: "Support EU".into(),
        display_phone_number: "+1 555-0100".into(),
        verified_name: Some("Acme".into()),
        quality_rating: Some("GREEN".into()),
        sealed_access_token: sealed.map(str::to_owned),
        handoff_enabled: true,
        read_receipts: true,
        reset_days: None,
        csat: CsatSettings::default(),
        connected: sealed.is_some(),
        connected_at: AT - 86_400,
        disconnected_at: None,
        version: 3,
    }
}

fn change(field: &str, old: Value, new: Value) -> FieldChange {
    FieldChange {
        field: field.into(),
        old,
        new,
    }
}

/// The serialized entry must not hold any of these.
fn assert_no_secret(entry: &AuditEntry) {
    let text = serde_json::to_string(entry).unwrap();
    for secret in [SEALED, RESEALED, "EAAG", "hunter2"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn a_settings_change_lists_each_changed_field_old_and_new() {
    let old = ProjectSettings::default();
    let mut new = old.clone();
    new.business_name = "Acme".into();
    new.allowed_origins = vec!["https://shop.example".into()];
    new.reset_days = ResetDays::OFF;
    new.turnstile_site_key = Some("0x4AAAAAAABkMYinukE8nzY".into());
    new.translations.insert(
        "pt".into(),
        OwnerTexts {
            greeting: Some("Olá!".into()),
            ..OwnerTexts::default()
        },
    );
    let entry = AuditEntry::settings(AT, ana(), &old, &new).unwrap();
    assert_eq!(entry.target, AuditTarget::Settings);
    assert_eq!(entry.action, AuditAction::Changed);
    assert_eq!(
        entry.changes,
        [
            change(
                "allowed_origins",
                json!([]),
                json!(["https://shop.example"])
            ),
            change("business_name", json!("Switchboard demo"), json!("Acme")),
            change("reset_days", json!(7), json!("off")),
            change("translations.pt.greeting", Value::Null, json!("Olá!")),
            // The Turnstile site key is public: it is shown.
            change(
                "turnstile_site_key",
                Value::Null,
                json!("0x4AAAAAAABkMYinukE8nzY")
            ),
        ]
    );
    assert_eq!(AuditEntry::settings(AT, ana(), &old, &old), None);
}

#[test]
fn nested_settings_are_named_by_their_path() {
    let old = ProjectSettings::default();
    let mut new = old.clone();
    new.language.always_default = true;
    new.messenger_csat.enabled = !old.messenger_csat.enabled;
    let fields: Vec<String> = AuditEntry::settings(AT, Actor::AdminToken, &old, &new)
        .unwrap()
        .changes
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert_eq!(
        fields,
        ["language.always_default", "messenger_csat.enabled"]
    );
}

#[test]
fn a_number_connected_changed_and_disconnected_never_shows_its_token() {
    let connected = AuditEntry::number(AT, ana(), None, Some(&number(Some(SEALED)))).unwrap();
    assert_eq!(connected.action, AuditAction::Connected);
    assert_eq!(
        connected.target,
        AuditTarget::Number {
            phone_number_id: "106540352242922".into()
        }
    );
    let token = connected
        .changes
        .iter()
        .find(|c| c.field == "sealed_access_token")
        .unwrap();
    assert_eq!((&token.old, &token.new), (&Value::Null, &json!(REDACTED)));
    assert!(connected.changes.iter().all(|c| c.field != "version"));
    assert_no_secret(&connected);

    // A new token (and a new label): the token is listed as replaced, its values hidden.
    let mut relabelled = number(Some(RESEALED));
    relabelled.label = "Support".into();
    relabelled.version = 4;
    let patched =
        AuditEntry::number(AT, ana(), Some(&number(Some(SEALED))), Some(&relabelled)).unwrap();
    assert_eq!(patched.action, AuditAction::Changed);
    assert_eq!(
        patched.changes,
        [
            change("label", json!("Support EU"), json!("Support")),
            change("sealed_access_token", json!(REDACTED), json!(REDACTED)),
        ]
    );
    assert_no_secret(&patched);

    let mut gone = number(None);
    gone.disconnected_at = Some(AT);
    let disconnected =
        AuditEntry::number(AT, ana(), Some(&number(Some(SEALED))), Some(&gone)).unwrap();
    assert_eq!(disconnected.action, AuditAction::Disconnected);
    assert_no_secret(&disconnected);

    // Only the version moved: nothing to log.
    let mut bumped = number(Some(SEALED));
    bumped.version = 9;
    assert_eq!(
        AuditEntry::number(AT, ana(), Some(&number(Some(SEALED))), Some(&bumped)),
        None
    );
}

#[test]
fn a_member_added_promoted_and_removed() {
    let bo = Member {
        email: "bo@example.com".into(),
        display_name: "Bo".into(),
        role: Role::Agent,
    };
    let added = AuditEntry::member(AT, ana(), None, Some(&bo)).unwrap();
    assert_eq!(added.action, AuditAction::Added);
    assert_eq!(
        added.target,
        AuditTarget::Member {
            email: "bo@example.com".into()
        }
    );
    assert_eq!(added.changes.len(), 3);
    let owner = Member {
        role: Role::Owner,
        ..bo.clone()
    };
    let promoted = AuditEntry::member(AT, ana(), Some(&bo), Some(&owner)).unwrap();
    assert_eq!(
        promoted.changes,
        [change("role", json!("agent"), json!("owner"))]
    );
    let removed = AuditEntry::member(AT, ana(), Some(&owner), None).unwrap();
    assert_eq!(removed.action, AuditAction::Removed);
    assert_eq!(AuditEntry::member(AT, ana(), None, None), None);
}

#[test]
fn secrets_are_redacted_wherever_they_sit() {
    let old = json!({ "access_token": "EAAGold", "label": "a",
                      "graph": { "app_secret": "hunter2", "api_key": "k1", "site_key": "public" } });
    let new = json!({ "access_token": "EAAGnew", "label": "b", "graph": null,
                      "extra": { "password": "hunter2", "name": "x" } });
    let changes = diff_values(&old, &new);
    assert_eq!(
        changes,
        [
            change("access_token", json!(REDACTED), json!(REDACTED)),
            change("extra.name", Value::Null, json!("x")),
            change("extra.password", Value::Null, json!(REDACTED)),
            change("graph.api_key", json!(REDACTED), Value::Null),
            change("graph.app_secret", json!(REDACTED), Value::Null),
            change("graph.site_key", json!("public"), Value::Null),
            change("label", json!("a"), json!("b")),
        ]
    );
    // Inside a value compared whole (an array, a type change), secrets are redacted too.
    let old = json!({ "numbers": [{ "label": "a", "access_token": "EAAG1" }], "x": 1 });
    let new = json!({ "numbers": [], "x": { "token": "EAAG2" } });
    let changes = diff_values(&old, &new);
    assert_eq!(
        changes,
        [
            change(
                "numbers",
                json!([{ "label": "a", "access_token": REDACTED }]),
                json!([])
            ),
            change("x", json!(1), json!({ "token": REDACTED })),
        ]
    );
    let unchanged = json!({ "access_token": "EAAG" });
    assert_eq!(diff_values(&unchanged, &unchanged), []);
}

#[test]
fn secret_field_names() {
    for secret in [
        "access_token",
        "sealed_access_token",
        "app_secret",
        "TURNSTILE_SECRET_KEY",
        "password",
        "private_key",
        "api_key",
        "master_key",
    ] {
        assert!(is_secret_field(secret), "{secret}");
    }
    for public in [
        "turnstile_site_key",
        "label",
        "phone_number_id",
        "business_name",
        "keyword",
    ] {
        assert!(!is_secret_field(public), "{public}");
    }
}

#[test]
fn no_field_of_the_settings_is_a_secret_today() {
    // Should a secret ever join ProjectSettings, its name must say so (or this list grows).
    let settings = serde_json::to_value(ProjectSettings::default()).unwrap();
    let names: Vec<&String> = settings.as_object().unwrap().keys().collect();
    assert!(names.iter().all(|n| !is_secret_field(n)), "{names:?}");
    let record = serde_json::to_value(number(Some(SEALED))).unwrap();
    let secret: Vec<&String> = record
        .as_object()
        .unwrap()
        .keys()
        .filter(|n| is_secret_field(n))
        .collect();
    assert_eq!(secret, ["sealed_access_token"]);
}

#[test]
fn a_config_change_lists_the_settings_and_each_number_it_touched() {
    let old = ConfigDocument {
        settings: ProjectSettings::default(),
        settings_version: 1,
        numbers: vec![number(Some(SEALED))],
    };
    let mut new = old.clone();
    new.settings.business_name = "Acme".to_owned();
    new.numbers[0].connected = false;
    new.numbers[0].sealed_access_token = None;
    let entries = config_changes(5, &ana(), &old, &new);
    assert_eq!(entries.len(), 2, "{entries:#?}");
    assert_eq!(entries[0].target, AuditTarget::Settings);
    assert_eq!(entries[1].action, AuditAction::Disconnected);
    entries.iter().for_each(assert_no_secret);
    assert!(config_changes(6, &ana(), &old, &old).is_empty());
}
