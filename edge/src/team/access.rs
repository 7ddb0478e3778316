//! Cloudflare Access at the edge: the team's signing keys, fetched from
//! `<ACCESS_TEAM_DOMAIN>/cdn-cgi/access/certs` and kept per isolate, and the verification of the
//! token a request carries (`core::access_jwt::verify` does every check).
//!
//! The keys are kept for `ACCESS_KEYS_REFRESH_SECONDS` (an hour), then asked for again. A token
//! whose `kid` is unknown makes the isolate fetch them once more (Access rotated its key) unless
//! the keys it holds are younger than `ACCESS_KEYS_MIN_REFETCH_SECONDS` (30 s): forged `kid`s
//! cost at most one fetch per 30 s, and cannot hold back a real rotation longer than that
//! (the throttle counts the keys' age, not the forgeries).
//! When Access cannot be reached, the last good keys serve for `ACCESS_KEYS_GRACE_SECONDS` (a
//! day) after they were fetched; after that sign-in fails closed with a 503 that says why.

use std::cell::RefCell;
use std::rc::Rc;

use switchboard_core::access_jwt::{verify, AccessClaims, AccessRefusal, AccessTeam, Jwks};
use worker::{Fetch, Method, Request, RequestInit};

use crate::error::EdgeError;
use crate::platform::clock::now_millis;

/// A failed fetch is not tried again for this long (the last good keys serve meanwhile).
const FAILED_FETCH_BACKOFF_MS: i64 = 5_000;
const FETCH_TIMEOUT_MS: u64 = 5_000;

#[derive(Default)]
struct Kept {
    keys: Option<(Rc<Jwks>, i64)>,
    last_attempt_failed_at: Option<i64>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// Verifies Access tokens for one team.
pub struct AccessGate<'a> {
    pub team: &'a AccessTeam,
    pub refresh_seconds: i64,
    pub grace_seconds: i64,
    pub min_refetch_seconds: i64,
}

impl AccessGate<'_> {
    /// The token's claims, or a 401 with a short reason, or a 503 when the keys are unavailable.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, EdgeError> {
        let now_ms = now_millis();
        let now = (now_ms / 1000) as u64;
        let keys = self.keys(now_ms).await?;
        match verify(token, &keys, self.team, now) {
            Err(AccessRefusal::UnknownKey) if self.may_fetch_for_unknown_kid(now_ms) => {
                let keys = self.fetch(now_ms).await?;
                verify(token, &keys, self.team, now).map_err(refused)
            }
            other => other.map_err(refused),
        }
    }

    /// The kept keys while fresh; otherwise fetched again, or the last good ones in their grace.
    async fn keys(&self, now_ms: i64) -> Result<Rc<Jwks>, EdgeError> {
        let (kept, failed_recently) = KEPT.with(|k| {
            let k = k.borrow();
            (
                k.keys.clone(),
                k.last_attempt_failed_at
                    .is_some_and(|at| now_ms - at < FAILED_FETCH_BACKOFF_MS),
            )
        });
        let fresh = |fetched_at: i64| now_ms - fetched_at < self.refresh_seconds * 1000;
        let in_grace = |fetched_at: i64| now_ms - fetched_at < self.grace_seconds * 1000;
        match kept {
            Some((keys, at)) if fresh(at) => Ok(keys),
            Some((keys, at)) if failed_recently && in_grace(at) => Ok(keys),
            kept => match self.fetch(now_ms).await {
                Ok(keys) => Ok(keys),
                Err(e) => match kept {
                    Some((keys, at)) if in_grace(at) => {
                        worker::console_warn!("using the last good Access keys: {e}");
                        Ok(keys)
                    }
                    _ => Err(e),
                },
            },
        }
    }

    /// An unknown `kid` fetches the keys again when the ones held are old enough.
    /// While Access is failing, forged kids get no fetch either (each would wait for a timeout).
    fn may_fetch_for_unknown_kid(&self, now_ms: i64) -> bool {
        KEPT.with(|k| {
            let k = k.borrow();
            let failing = k
                .last_attempt_failed_at
                .is_some_and(|at| now_ms - at < FAILED_FETCH_BACKOFF_MS);
            !failing
                && k.keys
                    .as_ref()
                    .is_none_or(|(_, at)| now_ms - at >= self.min_refetch_seconds * 1000)
        })
    }

    /// Fetches and keeps the keys; a failure is remembered (and answered 503).
    async fn fetch(&self, now_ms: i64) -> Result<Rc<Jwks>, EdgeError> {
        let url = self.team.certs_url();
        match fetch_keys(&url).await {
            Ok(keys) => {
                let keys = Rc::new(keys);
                KEPT.with(|k| {
                    let mut k = k.borrow_mut();
                    k.keys = Some((keys.clone(), now_ms));
                    k.last_attempt_failed_at = None;
                });
                Ok(keys)
            }
            Err(why) => {
                KEPT.with(|k| k.borrow_mut().last_attempt_failed_at = Some(now_ms));
                Err(EdgeError::SignInUnavailable(format!(
                    "sign-in with Cloudflare Access is unavailable: its keys could not be read from {url} ({why})"
                )))
            }
        }
    }
}

fn refused(refusal: AccessRefusal) -> EdgeError {
    EdgeError::SignInRefused(refusal.reason())
}

async fn fetch_keys(url: &str) -> Result<Jwks, String> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get);
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let fetch = Fetch::Request(request);
    let send = fetch.send();
    let timeout = worker::Delay::from(std::time::Duration::from_millis(FETCH_TIMEOUT_MS));
    futures_util::pin_mut!(send, timeout);
    let mut response = match futures_util::future::select(send, timeout).await {
        futures_util::future::Either::Left((response, _)) => response.map_err(|e| e.to_string())?,
        futures_util::future::Either::Right(_) => {
            return Err(format!("no answer within {} s", FETCH_TIMEOUT_MS / 1000))
        }
    };
    let status = response.status_code();
    if status != 200 {
        return Err(format!("it answered {status}"));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    Jwks::from_json(&text).map_err(|e| e.to_string())
}
