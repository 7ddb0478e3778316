use super::*;

fn member(email: &str, name: &str, role: Role) -> Member {
    Member {
        email: email.to_owned(),
        display_name: name.to_owned(),
        role,
    }
}

fn team() -> Vec<Member> {
    vec![
        member("olga@example.com", "Olga", Role::Owner),
        member("ana@example.com", "Ana", Role::Agent),
    ]
}

#[test]
fn owners_may_do_what_agents_may_and_more() {
    assert!(Role::Owner.allows(Role::Owner));
    assert!(Role::Owner.allows(Role::Agent));
    assert!(Role::Agent.allows(Role::Agent));
    assert!(!Role::Agent.allows(Role::Owner));
    assert_eq!(serde_json::to_string(&Role::Agent).unwrap(), "\"agent\"");
    assert_eq!(
        serde_json::from_str::<Role>("\"owner\"").unwrap(),
        Role::Owner
    );
    assert!(serde_json::from_str::<Role>("\"admin\"").is_err());
    assert_eq!(Role::Owner.as_str(), "owner");
}

#[test]
fn a_member_is_kept_with_a_lower_case_email_and_a_trimmed_name() {
    let m = member("  Ana.Silva@Example.COM ", "  Ana Silva ", Role::Agent)
        .validate()
        .unwrap();
    assert_eq!(m.email, "ana.silva@example.com");
    assert_eq!(m.display_name, "Ana Silva");
    assert_eq!(normalize_email(" Ana@Example.com"), "ana@example.com");
}

#[test]
fn only_ascii_letters_are_folded_so_look_alikes_never_match_a_member() {
    // U+212A KELVIN SIGN lower-cases to an ASCII `k` under Unicode rules.
    let kelvin = "\u{212A}im@example.com";
    assert_ne!(normalize_email(kelvin), "kim@example.com");
    assert_eq!(normalize_email("KIM@example.com"), "kim@example.com");
    assert_eq!(normalize_email("ÉLODIE@example.com"), "Élodie@example.com");
}

#[test]
fn emails_of_odd_shape_are_refused() {
    for bad in [
        "",
        "ana",
        "@example.com",
        "ana@",
        "ana@example",
        "ana@@example.com",
        "ana@exa mple.com",
        "an a@example.com",
        "ana@-example.com",
        "ana@example..com",
        "<ana@example.com>",
        "ana\t@example.com",
    ] {
        let err = member(bad, "Ana", Role::Agent).validate().unwrap_err();
        assert_eq!(err.field, "email", "{bad:?}");
    }
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert!(check_email(&long_local).is_err());
    assert!(check_email("ana+support@mail.example.co.uk").is_ok());
}

#[test]
fn display_names_are_one_short_line() {
    for bad in ["", "   ", "Ana\nSilva", &"x".repeat(MAX_DISPLAY_NAME + 1)] {
        let err = member("ana@example.com", bad, Role::Agent)
            .validate()
            .unwrap_err();
        assert_eq!(err.field, "display_name", "{bad:?}");
    }
    let longest = "é".repeat(MAX_DISPLAY_NAME);
    assert!(member("ana@example.com", &longest, Role::Agent)
        .validate()
        .is_ok());
}

#[test]
fn the_first_owner_is_claimed_once_with_the_admin_token() {
    let owner = claim_first_owner(&[], true, "Olga@Example.com", "Olga").unwrap();
    assert_eq!(owner, member("olga@example.com", "Olga", Role::Owner));
    // Without the token: refused, whatever the team.
    assert_eq!(
        claim_first_owner(&[], false, "olga@example.com", "Olga"),
        Err(ClaimRefusal::WrongAdminToken)
    );
    assert_eq!(
        claim_first_owner(&team(), false, "eve@example.com", "Eve"),
        Err(ClaimRefusal::WrongAdminToken)
    );
    // Once there is an owner, never again, even with the token.
    assert_eq!(
        claim_first_owner(&[owner], true, "eve@example.com", "Eve"),
        Err(ClaimRefusal::AlreadyClaimed)
    );
    assert!(matches!(
        claim_first_owner(&[], true, "olga@example.com", " "),
        Err(ClaimRefusal::Invalid(e)) if e.field == "display_name"
    ));
}

#[test]
fn owners_add_rename_promote_and_remove_members() {
    let added = TeamChange::Add(member("Bo@Example.com", "Bo", Role::Agent))
        .apply(&team())
        .unwrap();
    assert_eq!(added.team.len(), 3);
    assert_eq!(added.before, None);
    assert_eq!(
        added.after,
        Some(member("bo@example.com", "Bo", Role::Agent))
    );

    let again = TeamChange::Add(member("ANA@example.com", "Ana 2", Role::Agent)).apply(&team());
    assert_eq!(
        again,
        Err(TeamRefusal::AlreadyMember("ana@example.com".into()))
    );

    let promoted = TeamChange::Update {
        email: "Ana@Example.com".into(),
        display_name: Some("Ana Silva".into()),
        role: Some(Role::Owner),
    }
    .apply(&team())
    .unwrap();
    assert_eq!(promoted.before, Some(team()[1].clone()));
    assert_eq!(
        promoted.after,
        Some(member("ana@example.com", "Ana Silva", Role::Owner))
    );

    let removed = TeamChange::Remove {
        email: "ana@example.com".into(),
    }
    .apply(&team())
    .unwrap();
    assert_eq!(removed.team, vec![team()[0].clone()]);
    assert_eq!(removed.after, None);

    let nobody = TeamChange::Remove {
        email: "eve@example.com".into(),
    };
    assert_eq!(
        nobody.apply(&team()),
        Err(TeamRefusal::NotAMember("eve@example.com".into()))
    );
}

#[test]
fn the_last_owner_can_be_neither_removed_nor_demoted() {
    let remove = TeamChange::Remove {
        email: "olga@example.com".into(),
    };
    assert_eq!(remove.clone().apply(&team()), Err(TeamRefusal::LastOwner));
    let demote = TeamChange::Update {
        email: "olga@example.com".into(),
        display_name: None,
        role: Some(Role::Agent),
    };
    assert_eq!(demote.clone().apply(&team()), Err(TeamRefusal::LastOwner));
    // With a second owner, either is fine.
    let mut two_owners = team();
    two_owners[1].role = Role::Owner;
    assert!(demote.apply(&two_owners).is_ok());
    assert!(remove.apply(&two_owners).is_ok());
}
