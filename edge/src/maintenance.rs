//! The scheduled handler's work (Cron Trigger, every minute): replay deliveries that were
//! kept as unrouted while KV had not yet shown a newly connected number everywhere, and purge
//! rows that have expired (unused handoff codes a day past expiry, statuses that waited a day
//! for a send that was never recorded), and auto-resolve conversations whose customer has been
//! quiet for their number's auto-resolve delay (asking their surveys), and delete R2 files
//! that no row references, and Web Push's coalescing state a day old.

use switchboard_core::admin_auth::admin_subscriber;
use worker::Env;

use crate::config::env::Config;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::conversations::service::auto_resolve;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::webhooks::replay::replay_all;

/// How long an expired, unused handoff code and an unmatched status are kept.
const KEEP_EXPIRED_SECONDS: i64 = 86_400;

pub async fn run(env: &Env) -> Result<(), EdgeError> {
    let config = ConfigStore::new(env)?;
    let store = ConversationStore::new(env)?;
    let live = Live::default();
    let replayed = replay_all(&config, &store, &live).await;
    live.send_now(env).await;
    let replayed = replayed?;
    if replayed.messages_stored + replayed.statuses > 0 {
        worker::console_log!(
            "replayed unrouted deliveries: {} messages, {} statuses",
            replayed.messages_stored,
            replayed.statuses
        );
    }
    // Media whose fetch failed or died with its isolate, when their next attempt is due.
    let fetched = crate::media::fetch::retry_due(env, &store).await?;
    if fetched > 0 {
        worker::console_log!("retried {fetched} media fetches");
    }
    // Files in R2 that no row references (an isolate died between the write and the row).
    let swept = crate::media::sweep::sweep_orphans(
        env,
        &store,
        crate::platform::clock::now_millis() as u64,
        crate::config::env::media_orphan_grace_seconds(env),
    )
    .await?;
    if swept > 0 {
        worker::console_log!("deleted {swept} media files no message references");
    }
    // Auto-resolve (per number, off by default) needs the secrets: skipped while not set up.
    if let Ok(secrets) = Config::from_env(env) {
        // Web Push subscriptions made with an admin token since rotated.
        if !secrets.admin_token.is_empty() {
            crate::push::store::PushStore(&store)
                .purge_stale_admin(&admin_subscriber(&secrets.admin_token))
                .await?;
        }
        let numbers = Numbers {
            config: &secrets,
            store: ConfigStore::new(env)?,
        };
        let resolved = auto_resolve(&config, &numbers, &store, now_seconds(), 100).await?;
        if resolved > 0 {
            worker::console_log!("auto-resolved {resolved} quiet conversations");
        }
    }
    // Web Push's coalescing state of conversations quiet for a day.
    crate::push::store::PushStore(&store)
        .purge_coalescing(now_seconds() - KEEP_EXPIRED_SECONDS)
        .await?;
    store
        .purge_expired(now_seconds() - KEEP_EXPIRED_SECONDS)
        .await
}
