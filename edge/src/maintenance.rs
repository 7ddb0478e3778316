//! The scheduled handler's work (Cron Trigger, every minute): replay deliveries that were
//! kept as unrouted while KV had not yet shown a newly connected number everywhere, and purge
//! rows that have expired (unused handoff codes a day past expiry, statuses that waited a day
//! for a send that was never recorded).

use worker::Env;

use crate::clock::now_seconds;
use crate::config_store::ConfigStore;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::Live;
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
    store
        .purge_expired(now_seconds() - KEEP_EXPIRED_SECONDS)
        .await
}
