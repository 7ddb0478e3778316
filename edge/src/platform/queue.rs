//! Sending work to the queue (core's `deferred_work` says what and why). A failed send is never a lost item: the caller does the work
//! inside its own request instead (over the free plan's CPU budget, perhaps, but stored).

use switchboard_core::deferred_work::Work;
use worker::{Env, MessageBuilder, QueueContentType, SendMessage};

use crate::error::EdgeError;

/// The queue's binding (wrangler.toml `[[queues.producers]]`).
pub const BINDING: &str = "WORK";

/// Where Cloudflare puts an item whose every attempt failed (or was stopped): its consumer keeps
/// it as "not understood" (wrangler.toml `dead_letter_queue`).
pub const DEAD_LETTERS: &str = "switchboard-work-dead";

/// Most items per `sendBatch` (Cloudflare: 100 messages and 256 KB).
const MAX_BATCH_ITEMS: usize = 100;
const MAX_BATCH_BYTES: usize = 250_000;

/// Queues these items; `Ok` once the queue holds every one of them (durably).
pub async fn send(env: &Env, items: &[Work]) -> Result<(), EdgeError> {
    if items.is_empty() {
        return Ok(());
    }
    let queue = env.queue(BINDING)?;
    // As text: the size Cloudflare counts is the item's JSON itself (a JSON-typed string would
    // be escaped once more).
    let mut batch: Vec<SendMessage<String>> = Vec::new();
    let mut bytes = 0;
    for text in items.iter().map(Work::to_json) {
        if !batch.is_empty()
            && (batch.len() == MAX_BATCH_ITEMS || bytes + text.len() > MAX_BATCH_BYTES)
        {
            queue.send_batch(std::mem::take(&mut batch)).await?;
            bytes = 0;
        }
        bytes += text.len();
        batch.push(
            MessageBuilder::new(text)
                .content_type(QueueContentType::Text)
                .build(),
        );
    }
    queue.send_batch(batch).await?;
    Ok(())
}
