//! Sending pushes after the answer: for each new customer message the request queued (see
//! [`crate::live::publish::Live::customer_wrote`]), every subscription of a member who should
//! hear of it gets one push — unless that conversation was pushed to it less than a minute ago,
//! in which case the message is counted into the next push. Runs in `ctx.wait_until`, so it
//! never delays nor fails the webhook's or the widget's answer; a push service that answers 404
//! or 410 has forgotten the subscription, and so do we. Failures are logged with the push
//! service's origin only (an endpoint's path is a capability, like a password).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{join_all, select, Either};
use switchboard_core::admin_auth::admin_subscriber;
use switchboard_core::web_push::coalesce::{on_new_message, Decision, WINDOW_SECONDS};
use switchboard_core::web_push::encryption::{encrypt, EncryptError};
use switchboard_core::web_push::payload::{topic, CustomerMessage, PushPayload};
use switchboard_core::web_push::recipient::should_notify;
use switchboard_core::web_push::vapid::{audience, check_subject, VapidKey};
use switchboard_core::web_push::{from_base64url, TTL_SECONDS, URGENCY};
use worker::{Context, Env, Fetch, Headers, Method, Request, RequestInit};

use super::store::{PushStore, Recipient};
use crate::config::env::value;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::random;

/// How long a push service has to answer one push.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The deployment's push settings: `VAPID_PRIVATE_KEY` (secret) and `VAPID_SUBJECT` (var).
pub struct PushConfig {
    pub key: VapidKey,
    pub subject: String,
    /// The coalescing window (`PUSH_COALESCE_SECONDS`, a test seam; 60 s otherwise).
    pub window: i64,
    /// Whom subscriptions made with the current admin token belong to (none while the token is
    /// not set: then no such subscription is current).
    pub admin_member: Option<String>,
}

impl PushConfig {
    /// The settings, or why push is off (never a key's value).
    pub fn from_env(env: &Env) -> Result<Self, EdgeError> {
        let not_configured = |why: &str| {
            EdgeError::NotFound(format!(
                "push is not configured: {why} (README › Deploy says how to make a VAPID key)"
            ))
        };
        let private = value(env, "VAPID_PRIVATE_KEY")
            .ok_or_else(|| not_configured("the secret VAPID_PRIVATE_KEY is not set"))?;
        let key = VapidKey::from_base64url(&private).map_err(|e| not_configured(&e.to_string()))?;
        let subject = value(env, "VAPID_SUBJECT").ok_or_else(|| {
            not_configured("the var VAPID_SUBJECT (mailto: of the owner) is not set")
        })?;
        let subject = check_subject(&subject)
            .map_err(|e| not_configured(&e.to_string()))?
            .to_owned();
        let window = value(env, "PUSH_COALESCE_SECONDS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(WINDOW_SECONDS);
        let admin_member = crate::config::env::Config::from_env(env)
            .ok()
            .filter(|c| !c.admin_token.is_empty())
            .map(|c| admin_subscriber(&c.admin_token));
        Ok(Self {
            key,
            subject,
            window,
            admin_member,
        })
    }
}

thread_local! {
    /// The push settings this isolate read: secrets and vars do not change under a running
    /// isolate, and deriving the public key is a scalar multiplication.
    static READ: RefCell<Option<Rc<PushConfig>>> = const { RefCell::new(None) };
}

impl PushConfig {
    /// [`PushConfig::from_env`], read once per isolate.
    pub fn cached(env: &Env) -> Result<Rc<Self>, EdgeError> {
        if let Some(config) = READ.with(|read| read.borrow().clone()) {
            return Ok(config);
        }
        let config = Rc::new(Self::from_env(env)?);
        READ.with(|read| *read.borrow_mut() = Some(config.clone()));
        Ok(config)
    }
}

/// Sends the pushes for `messages` after the answer: everything, reading the settings
/// included, happens inside `wait_until`. Nothing happens without messages, or when push is not
/// configured (nobody can have subscribed then).
pub fn send_after(env: &Env, ctx: &Context, messages: Vec<CustomerMessage>) {
    if messages.is_empty() {
        return;
    }
    let env = env.clone();
    ctx.wait_until(async move {
        let Ok(config) = PushConfig::cached(&env) else {
            return;
        };
        let db = match Db::new(&env) {
            Ok(db) => db,
            Err(e) => return worker::console_error!("push: no database: {e}"),
        };
        let store = PushStore(&db);
        // A batch asks once whether anyone subscribed, not once per message (a Worker's CPU per
        // D1 call is small but not nothing: issue 25).
        if messages.len() > 1 {
            match store.any().await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => return worker::console_error!("push: subscriptions not read: {e}"),
            }
        }
        // One after the other: a second message in the same conversation sees the first's state.
        for message in &messages {
            if let Err(e) = notify(&store, &config, message).await {
                worker::console_error!("push for a new message not sent: {e}");
            }
        }
    });
}

/// The pushes for one message: decide per subscription, record the decisions, send.
async fn notify(
    store: &PushStore<'_>,
    config: &PushConfig,
    message: &CustomerMessage,
) -> Result<(), EdgeError> {
    let now = now_seconds();
    let recipients: Vec<Recipient> = store
        .recipients(&message.conversation_id, config.admin_member.as_deref())
        .await?
        .into_iter()
        .filter(|r| should_notify(r.assignee.as_deref(), &r.member))
        .collect();
    let decisions: Vec<_> = recipients
        .iter()
        .map(|r| {
            let before = r.state();
            let (decision, after) = on_new_message(before, now, config.window);
            (r.id.as_str(), before, after, decision)
        })
        .collect();
    let moves: Vec<_> = decisions
        .iter()
        .map(|(id, b, a, _)| (*id, *b, *a))
        .collect();
    let moved = store.advance(&message.conversation_id, &moves).await?;
    let sends = recipients
        .iter()
        .zip(&decisions)
        .zip(moved)
        .filter_map(|((recipient, (_, _, _, decision)), moved)| match decision {
            Decision::Send { count } if moved => Some((recipient, *count)),
            _ => None,
        })
        .map(|(recipient, count)| send_one(store, config, recipient, message, count, now));
    join_all(sends).await;
    Ok(())
}

/// One push to one subscription; what went wrong is logged, a gone subscription deleted.
async fn send_one(
    store: &PushStore<'_>,
    config: &PushConfig,
    recipient: &Recipient,
    message: &CustomerMessage,
    count: u32,
    now: i64,
) {
    let origin = audience(&recipient.endpoint).unwrap_or_else(|_| "?".to_owned());
    match post(config, recipient, message, count, now).await {
        Ok(status) if (200..300).contains(&status) => {}
        Ok(404 | 410) => {
            worker::console_log!("push: {origin} no longer knows a subscription; deleted");
            if let Err(e) = store.remove_gone(&recipient.id).await {
                worker::console_error!("push: a gone subscription was not deleted: {e}");
            }
        }
        Ok(status) => worker::console_warn!("push: {origin} answered HTTP {status}"),
        Err(e) => worker::console_warn!("push: to {origin} not sent: {e}"),
    }
}

/// Encrypts the payload for the subscription, signs the request and posts it; the status.
async fn post(
    config: &PushConfig,
    recipient: &Recipient,
    message: &CustomerMessage,
    count: u32,
    now: i64,
) -> Result<u16, EdgeError> {
    let payload = serde_json::to_vec(&PushPayload::new(message, count))
        .map_err(|e| EdgeError::Internal(format!("payload: {e}")))?;
    let body = encrypted(&payload, recipient)?;
    let authorization = config
        .key
        .authorization(&recipient.endpoint, &config.subject, now)
        .map_err(|e| EdgeError::Internal(e.to_string()))?;
    let headers = Headers::new();
    headers.set("authorization", &authorization)?;
    headers.set("content-encoding", "aes128gcm")?;
    headers.set("content-type", "application/octet-stream")?;
    headers.set("ttl", &TTL_SECONDS.to_string())?;
    headers.set("urgency", URGENCY)?;
    if let Some(topic) = topic(&message.conversation_id) {
        headers.set("topic", topic)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    let request = Request::new_with_init(&recipient.endpoint, &init)?;
    let fetch = Fetch::Request(request);
    let fetch = fetch.send();
    let timeout = worker::Delay::from(SEND_TIMEOUT);
    futures_util::pin_mut!(fetch, timeout);
    match select(fetch, timeout).await {
        Either::Left((response, _)) => Ok(response?.status_code()),
        Either::Right(_) => Err(EdgeError::Unavailable(format!(
            "no answer within {} s",
            SEND_TIMEOUT.as_secs()
        ))),
    }
}

/// The `aes128gcm` body, with a fresh ephemeral key and salt from the CSPRNG.
fn encrypted(payload: &[u8], recipient: &Recipient) -> Result<Vec<u8>, EdgeError> {
    let p256dh: [u8; 65] = from_base64url(&recipient.p256dh)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| EdgeError::Internal("a stored p256dh does not decode".to_owned()))?;
    let auth: [u8; 16] = from_base64url(&recipient.auth)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| EdgeError::Internal("a stored auth does not decode".to_owned()))?;
    // A random 32 bytes is a valid P-256 scalar but for a chance of about 2^-32: draw again.
    for _ in 0..4 {
        let secret = random::bytes::<32>()?;
        let salt = random::bytes::<16>()?;
        match encrypt(payload, &p256dh, &auth, &secret, &salt) {
            Err(EncryptError::BadEphemeralKey) => continue,
            other => return other.map_err(|e| EdgeError::Internal(e.to_string())),
        }
    }
    Err(EdgeError::Internal(
        "no valid ephemeral key drawn".to_owned(),
    ))
}
