//! `/api/admin/push/*`: the VAPID public key the console subscribes with, and a member's
//! browser subscriptions (stored or refreshed by endpoint; deleted by endpoint), and whom a
//! subscription belongs to.

use switchboard_core::admin_auth::admin_subscriber;
use switchboard_core::web_push::subscription::{PushKey, SubscriptionBody, UnsubscribeBody};
use worker::{Env, Request, Response};

use super::service::PushConfig;
use super::store::PushStore;
use crate::config::env::Config;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::http::{ok_json, read_json};
use crate::platform::random;
use crate::team::caller::Caller;

/// `GET /api/admin/push/key`: the public key, or 404 saying push is not configured.
pub fn key(env: &Env) -> Result<Response, EdgeError> {
    let config = PushConfig::cached(env)?;
    ok_json(&PushKey {
        public_key: config.key.public_key().to_owned(),
    })
}

/// Whom a push subscription belongs to: the signed-in member, or for the admin token a name
/// tied to the token's current value (`core::admin_auth::admin_subscriber`), so rotating the
/// token ends what the old one subscribed.
pub fn member(caller: &Caller, config: &Config) -> String {
    match caller.email() {
        Some(email) => email.to_owned(),
        None => admin_subscriber(&config.admin_token),
    }
}

/// `POST /api/admin/push/subscriptions`: stores (or refreshes) `member`'s subscription.
pub async fn subscribe(req: &mut Request, env: &Env, member: &str) -> Result<Response, EdgeError> {
    let body: SubscriptionBody = read_json(req).await?;
    let subscription = body.validate()?;
    let db = Db::new(env)?;
    PushStore(&db)
        .save(&random::id("push")?, member, &subscription, now_seconds())
        .await?;
    ok_json(&serde_json::json!({ "subscribed": true }))
}

/// `DELETE /api/admin/push/subscriptions` (body: the endpoint): forgets `member`'s
/// subscription; `removed: false` when there was none (deleting twice is harmless).
pub async fn unsubscribe(
    req: &mut Request,
    env: &Env,
    member: &str,
) -> Result<Response, EdgeError> {
    let body: UnsubscribeBody = read_json(req).await?;
    let db = Db::new(env)?;
    let removed = PushStore(&db).remove(member, body.endpoint.trim()).await?;
    ok_json(&serde_json::json!({ "removed": removed }))
}
