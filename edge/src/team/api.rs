//! Routes of the team: `GET /api/admin/me`, `GET|POST /api/admin/team`,
//! `PATCH|DELETE /api/admin/team/<email>`, `POST /api/admin/team/claim`, and the owner's
//! `GET /api/admin/audit`. Every change to the team is written to the audit log.

use switchboard_core::audit::AuditEntry;
use switchboard_core::live::INBOX_ROOM;
use switchboard_core::team::session::{AccessStatus, ClaimRequest, Me, MemberPatch};
use switchboard_core::team::{
    claim_first_owner, normalize_email, ClaimRefusal, Member, TeamChange, TeamRefusal,
};
use worker::{Env, Method, Request, Response};

use super::caller::Caller;
use super::store::TeamStore;
use crate::audit::{self, store::AuditStore};
use crate::config::env::{AccessConfig, Config};
use crate::error::EdgeError;
use crate::live;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::http::{json_response, ok_json, query, read_json};

/// `GET /api/admin/me`: who is signed in, how, with which role, and how Access stands.
pub fn me(caller: &Caller, config: &Config) -> Result<Response, EdgeError> {
    ok_json(&Me {
        email: caller.email().map(str::to_owned),
        display_name: caller.name().to_owned(),
        role: caller.role(),
        via: caller.via(),
        access: access_status(config),
    })
}

pub fn access_status(config: &Config) -> AccessStatus {
    match &config.access {
        AccessConfig::Off => AccessStatus {
            configured: false,
            team_domain: None,
            problem: None,
        },
        AccessConfig::On { team, .. } => AccessStatus {
            configured: true,
            team_domain: Some(team.issuer().to_owned()),
            problem: None,
        },
        AccessConfig::Broken(problem) => AccessStatus {
            configured: true,
            team_domain: None,
            problem: Some(problem.clone()),
        },
    }
}

/// `GET /api/admin/team` (any member: the inbox assigns to them) and `POST` (owners: add one).
pub async fn collection(
    req: &mut Request,
    db: &Db,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let store = TeamStore(db);
    match req.method() {
        Method::Get => ok_json(&store.list().await?),
        Method::Post => {
            let member: Member = read_json(req).await?;
            let changed = TeamChange::Add(member)
                .apply(&store.list().await?)
                .map_err(refusal)?;
            let added = changed.after.clone().expect("an add has the member after");
            store
                .add(&added, now_seconds())
                .await
                .map_err(|e| match e {
                    EdgeError::ConcurrentWrite(_) => {
                        refusal(TeamRefusal::AlreadyMember(added.email.clone()))
                    }
                    other => other,
                })?;
            record(db, caller, &changed.before, &changed.after).await;
            Ok(json_response(&added, 201))
        }
        _ => Err(EdgeError::MethodNotAllowed { allow: "GET, POST" }),
    }
}

/// `PATCH /api/admin/team/<email>` (rename, change role) and `DELETE` (remove). A removal
/// closes the inbox's sockets: the others reconnect and catch up; the removed member's socket,
/// which would otherwise go on hearing which conversations change, cannot get a ticket again.
pub async fn item(
    req: &mut Request,
    env: &Env,
    db: &Db,
    caller: &Caller,
    email: &str,
) -> Result<Response, EdgeError> {
    let store = TeamStore(db);
    let email = normalize_email(&percent_decoded(email));
    let (change, renamed, new_role) = match req.method() {
        Method::Patch => {
            let patch: MemberPatch = read_json(req).await?;
            let (renamed, role) = (patch.display_name.is_some(), patch.role);
            (
                TeamChange::Update {
                    email: email.clone(),
                    display_name: patch.display_name,
                    role: patch.role,
                },
                renamed,
                role,
            )
        }
        Method::Delete => (
            TeamChange::Remove {
                email: email.clone(),
            },
            false,
            None,
        ),
        _ => {
            return Err(EdgeError::MethodNotAllowed {
                allow: "PATCH, DELETE",
            })
        }
    };
    let removing = matches!(change, TeamChange::Remove { .. });
    let changed = change.apply(&store.list().await?).map_err(refusal)?;
    // The statements guard the last owner themselves: a concurrent change may have made this
    // one the last since the list above was read.
    let done = match &changed.after {
        Some(after) if !removing => {
            let name = renamed.then_some(after.display_name.as_str());
            store.update(&email, name, new_role).await?
        }
        _ => store.remove(&email).await?,
    };
    if !done {
        let now = store.list().await?;
        return Err(refusal(if now.iter().any(|m| m.email == email) {
            TeamRefusal::LastOwner
        } else {
            TeamRefusal::NotAMember(email)
        }));
    }
    record(db, caller, &changed.before, &changed.after).await;
    if removing {
        if let Err(e) = live::publish::disconnect(env, INBOX_ROOM).await {
            worker::console_error!("inbox sockets not closed after removing a member: {e}");
        }
    }
    match changed.after {
        Some(after) => ok_json(&after),
        None => ok_json(&serde_json::json!({ "removed": email })),
    }
}

/// `POST /api/admin/team/claim`: the first owner, by someone signed in with Access who also
/// holds the admin token — once.
pub async fn claim(
    req: &mut Request,
    db: &Db,
    config: &Config,
    access_email: &str,
) -> Result<Response, EdgeError> {
    let body: ClaimRequest = read_json(req).await?;
    let store = TeamStore(db);
    let token_matches = switchboard_core::admin_auth::bearer_matches(
        Some(&format!("Bearer {}", body.admin_token)),
        &config.admin_token,
    );
    let team = store.list().await?;
    let owner =
        claim_first_owner(&team, token_matches, access_email, &body.display_name).map_err(|e| {
            match e {
                ClaimRefusal::WrongAdminToken => {
                    EdgeError::Forbidden("that admin token is not right".to_owned())
                }
                ClaimRefusal::AlreadyClaimed => EdgeError::Conflict(e.to_string()),
                ClaimRefusal::Invalid(field) => EdgeError::InvalidField(field),
            }
        })?;
    if !store.claim(&owner, now_seconds()).await? {
        return Err(EdgeError::Conflict(
            ClaimRefusal::AlreadyClaimed.to_string(),
        ));
    }
    let before = team.iter().find(|m| m.email == owner.email).cloned();
    audit::record(
        db,
        &AuditEntry::member(
            now_seconds(),
            (&owner).into(),
            before.as_ref(),
            Some(&owner),
        )
        .into_iter()
        .collect::<Vec<_>>(),
    )
    .await;
    Ok(json_response(&owner, 201))
}

/// `POST /api/admin/team/claim` by someone already let in: a member (the team has its owner),
/// or the admin token alone (the claim names the person Access signed in).
pub fn claim_as_caller(caller: &Caller) -> Result<Response, EdgeError> {
    Err(match caller.member {
        Some(_) => {
            EdgeError::Conflict("this team already has an owner: you are a member".to_owned())
        }
        None => EdgeError::BadRequest(
            "the first owner is claimed signed in with Cloudflare Access (it names you), with the admin token in the body"
                .to_owned(),
        ),
    })
}

/// `GET /api/admin/audit?limit=`: the newest changes (100, at most 500).
pub async fn log(req: &Request, db: &Db) -> Result<Response, EdgeError> {
    let limit = match query(req, "limit") {
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=500).contains(l))
            .ok_or_else(|| EdgeError::BadRequest("limit must be 1–500".to_owned()))?,
        None => 100,
    };
    ok_json(&AuditStore(db).newest(limit).await?)
}

async fn record(db: &Db, caller: &Caller, before: &Option<Member>, after: &Option<Member>) {
    let entries: Vec<AuditEntry> = AuditEntry::member(
        now_seconds(),
        caller.actor(),
        before.as_ref(),
        after.as_ref(),
    )
    .into_iter()
    .collect();
    audit::record(db, &entries).await;
}

fn refusal(e: TeamRefusal) -> EdgeError {
    match e {
        TeamRefusal::AlreadyMember(_) | TeamRefusal::LastOwner => {
            EdgeError::Conflict(e.to_string())
        }
        TeamRefusal::NotAMember(_) => EdgeError::NotFound(e.to_string()),
        TeamRefusal::Invalid(field) => EdgeError::InvalidField(field),
    }
}

/// An email in a path arrives percent-encoded (`ana%40example.com`) or not.
fn percent_decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}
