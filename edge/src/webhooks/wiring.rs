//! The webhook's wiring record behind the console's Webhook panel (`GET /api/admin/webhook`):
//! handshakes, signed deliveries (overall and per number) and signature failures, one upserted
//! row per kind in `webhook_wiring`.
//!
//! Recording runs after the answer (`ctx.wait_until`), so it never delays or fails Meta's
//! request; a failed record is only logged.

use serde::Deserialize;
use switchboard_core::webhook_wiring::{
    verdict, NumberWiring, WebhookWiring, WiringEvent, WiringMark, SUBSCRIBED_FIELD,
};
use worker::{Context, Env};

use crate::args;
use crate::config::env::Config;
use crate::config::numbers::Numbers;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::platform::clock::now_millis;
use crate::platform::d1::decode_rows;

/// A reason longer than this is cut (it is shown, never parsed).
const MAX_DETAIL_CHARS: usize = 300;

/// Records `events` once the response is on its way.
pub fn record(ctx: &Context, env: &Env, events: Vec<WiringEvent>, detail: Option<String>) {
    let env = env.clone();
    ctx.wait_until(async move {
        if let Err(e) = write(&env, &events, detail.as_deref()).await {
            worker::console_warn!("could not record the webhook's wiring (panel only): {e}");
        }
    });
}

async fn write(env: &Env, events: &[WiringEvent], detail: Option<&str>) -> Result<(), EdgeError> {
    let store = ConversationStore::new(env)?;
    let now = now_millis();
    let detail: Option<String> = detail.map(|d| d.chars().take(MAX_DETAIL_CHARS).collect());
    let statements = events
        .iter()
        .map(|event| {
            store.stmt(
                "INSERT INTO webhook_wiring (event, at, count, detail) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (event) DO UPDATE SET at = max(at, excluded.at),
                   count = count + 1, detail = excluded.detail",
                args![&event.key(), now, detail.as_deref()],
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    store.batch(statements).await?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    event: String,
    at: i64,
    count: i64,
    detail: Option<String>,
}

/// The panel's data: what was recorded, the connected numbers' last deliveries and the verdict.
pub async fn read(
    env: &Env,
    config: &Config,
    numbers: &Numbers<'_>,
    origin: &str,
) -> Result<WebhookWiring, EdgeError> {
    let store = ConversationStore::new(env)?;
    let rows: Vec<Row> = decode_rows(
        &store
            .stmt(
                "SELECT event, at, count, detail FROM webhook_wiring",
                args![],
            )?
            .all()
            .await?,
        "webhook wiring",
    )?;
    let mark = |key: &str| {
        rows.iter().find(|r| r.event == key).map(|r| WiringMark {
            at: r.at,
            count: r.count,
            detail: r.detail.clone(),
        })
    };
    let number_wiring = numbers
        .list()
        .await?
        .into_iter()
        .filter(|n| n.status == switchboard_core::api::NumberStatus::Connected)
        .map(|n| NumberWiring {
            last_delivery: mark(&WiringEvent::NumberDelivery(n.phone_number_id.clone()).key()),
            phone_number_id: n.phone_number_id,
            label: n.label,
        })
        .collect();
    let handshake = mark(&WiringEvent::Handshake.key());
    let refused = mark(&WiringEvent::HandshakeRefused.key());
    let delivery = mark(&WiringEvent::Delivery.key());
    let failure = mark(&WiringEvent::SignatureFailure.key());
    Ok(WebhookWiring {
        callback_url: format!("{origin}/webhooks/whatsapp"),
        verify_token: config.verify_token.clone(),
        field: SUBSCRIBED_FIELD.to_owned(),
        verdict: verdict(&handshake, &refused, &delivery, &failure),
        last_handshake: handshake,
        last_handshake_refused: refused,
        last_delivery: delivery,
        last_signature_failure: failure,
        numbers: number_wiring,
        meta_errors: crate::webhooks::store::WebhookStore(&store)
            .meta_errors(20)
            .await?,
    })
}
