//! Who is calling the admin API, and whether their role allows the route.
//!
//! In order: an `Authorization: Bearer` header must be the `ADMIN_TOKEN` (an owner's powers, the
//! way in without Access and the way back in when Access breaks); otherwise, with Access
//! configured, the Access token (the `Cf-Access-Jwt-Assertion` header, else the
//! `CF_Authorization` cookie) must verify and its email must be a member's. An email header
//! alone is never believed. A member removed from the team is refused at their next request,
//! whatever their Access session says: membership is read from D1 on every request.

use switchboard_core::admin_auth::bearer_matches;
use switchboard_core::audit::Actor;
use switchboard_core::team::session::{SignedInVia, ADMIN_TOKEN_NAME};
use switchboard_core::team::{normalize_email, required_role, Member, Role};
use worker::{Method, Request};

use super::access::AccessGate;
use super::store::TeamStore;
use crate::config::env::{AccessConfig, Config};
use crate::error::EdgeError;
use crate::platform::d1::Db;
use crate::platform::http::header;

/// Someone the admin API let in.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The member; `None` for the admin token.
    pub member: Option<Member>,
}

impl Caller {
    pub const ADMIN_TOKEN: Caller = Caller { member: None };

    pub fn role(&self) -> Role {
        self.member.as_ref().map_or(Role::Owner, |m| m.role)
    }

    pub fn via(&self) -> SignedInVia {
        match self.member {
            Some(_) => SignedInVia::Access,
            None => SignedInVia::AdminToken,
        }
    }

    pub fn email(&self) -> Option<&str> {
        self.member.as_ref().map(|m| m.email.as_str())
    }

    /// The name on what they do: their display name, or "Admin".
    pub fn name(&self) -> &str {
        self.member
            .as_ref()
            .map_or(ADMIN_TOKEN_NAME, |m| m.display_name.as_str())
    }

    pub fn actor(&self) -> Actor {
        self.member.as_ref().map_or(Actor::AdminToken, Actor::from)
    }

    /// Refuses a route the caller's role does not allow, naming the role it needs.
    pub fn may(&self, method: &str, path: &str) -> Result<(), EdgeError> {
        let needed = required_role(method, path);
        if self.role().allows(needed) {
            Ok(())
        } else {
            Err(EdgeError::RoleNeeded(needed.as_str()))
        }
    }
}

/// Who a request is from: a member (or the admin token), or someone Access signed in who is not
/// a member (only the first-owner claim takes them).
pub enum Identity {
    Caller(Caller),
    NotAMember { email: String },
}

/// Identifies the request's sender, or refuses it (401 with a reason; 503 when Access cannot be
/// checked now).
pub async fn identify(req: &Request, config: &Config, db: &Db) -> Result<Identity, EdgeError> {
    if let Some(authorization) = header(req, "authorization") {
        return if bearer_matches(Some(&authorization), &config.admin_token) {
            Ok(Identity::Caller(Caller::ADMIN_TOKEN))
        } else {
            Err(EdgeError::Unauthorized)
        };
    }
    let (team, refresh_seconds, grace_seconds, min_refetch_seconds) = match &config.access {
        AccessConfig::Off => return Err(EdgeError::Unauthorized),
        AccessConfig::Broken(problem) => {
            // What is wrong names the deployment's settings: for the owner's logs, not for
            // whoever knocks.
            worker::console_error!("sign-in with Cloudflare Access is set up wrongly: {problem}");
            return Err(EdgeError::SignInUnavailable(
                "sign-in with Cloudflare Access is not set up correctly on this deployment; its owner finds why in the Worker's logs"
                    .to_owned(),
            ));
        }
        AccessConfig::On {
            team,
            refresh_seconds,
            grace_seconds,
            min_refetch_seconds,
        } => (team, *refresh_seconds, *grace_seconds, *min_refetch_seconds),
    };
    let Some(token) = access_token(req) else {
        return Err(EdgeError::SignInRefused(
            "sign in through Cloudflare Access (this request did not come through it)",
        ));
    };
    let gate = AccessGate {
        team,
        refresh_seconds,
        grace_seconds,
        min_refetch_seconds,
    };
    let claims = gate.verify(&token).await?;
    let email = normalize_email(&claims.email);
    Ok(match TeamStore(db).member(&email).await? {
        Some(member) => Identity::Caller(Caller {
            member: Some(member),
        }),
        None => Identity::NotAMember { email },
    })
}

/// Refuses a change a browser was made to send from another site (CSRF): with Access, the
/// console's credential is a cookie the browser attaches by itself, so a page elsewhere could
/// post a form to an admin route. A write must come from the console's own origin (`Origin`, and
/// `Sec-Fetch-Site` when the browser says it). Reads are left alone (another site cannot read the
/// answer), and so are requests with an `Authorization` header (a browser never adds one on its
/// own) and clients that send neither header (scripts: not a browser carrying a cookie).
pub fn refuse_cross_site(req: &Request) -> Result<(), EdgeError> {
    if matches!(req.method(), Method::Get | Method::Head) || header(req, "authorization").is_some()
    {
        return Ok(());
    }
    let own = req.url()?.origin().ascii_serialization();
    let origin_ok = header(req, "origin").is_none_or(|origin| origin == own);
    let site_ok =
        header(req, "sec-fetch-site").is_none_or(|site| site == "same-origin" || site == "none");
    if origin_ok && site_ok {
        Ok(())
    } else {
        Err(EdgeError::Forbidden(
            "cross-site request refused: changes are made from the console's own pages".to_owned(),
        ))
    }
}

/// The Access token: the header Access adds, else its cookie.
fn access_token(req: &Request) -> Option<String> {
    header(req, "cf-access-jwt-assertion")
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            header(req, "cookie")?
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(name, _)| *name == "CF_Authorization")
                .map(|(_, value)| value.trim().to_owned())
                .filter(|t| !t.is_empty())
        })
}
