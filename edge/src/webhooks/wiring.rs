//! The webhook's wiring record behind the console's Webhook panel (`GET /api/admin/webhook`):
//! handshakes, signed deliveries (overall and per number) and signature failures, one upserted
//! row per kind in `webhook_wiring`.
//!
//! Recording runs after the answer (`ctx.wait_until`), so it never delays or fails Meta's
//! request; a failed record is only logged. Signed deliveries are the hot path: an isolate
//! counts them in memory and writes them at most every [`FLUSH_MS`] (the first one at once),
//! instead of one D1 write per delivery, and what it counted is written when that window ends;
//! handshakes and failures are written at once. The panel may so show a delivery up to ten
//! seconds late, and an isolate that dies loses at most that much of the count.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

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

/// How often an isolate writes the deliveries it counted.
const FLUSH_MS: i64 = 10_000;

/// Marks counted in this isolate and not written yet: event key → (count, last at, detail).
type Pending = BTreeMap<String, (i64, i64, Option<String>)>;

thread_local! {
    static PENDING: RefCell<Pending> = const { RefCell::new(BTreeMap::new()) };
    /// When this isolate last wrote each mark.
    static WRITTEN: RefCell<BTreeMap<String, i64>> = const { RefCell::new(BTreeMap::new()) };
    /// A delayed write of the counted marks is waiting.
    static FLUSH_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

fn is_delivery(event: &WiringEvent) -> bool {
    matches!(
        event,
        WiringEvent::Delivery | WiringEvent::NumberDelivery(_)
    )
}

/// Records `events` once the response is on its way.
pub fn record(ctx: &Context, env: &Env, events: Vec<WiringEvent>, detail: Option<String>) {
    let now = now_millis();
    let detail: Option<String> = detail.map(|d| d.chars().take(MAX_DETAIL_CHARS).collect());
    // A handshake or a failure is written at once; a delivery mark when this isolate has not
    // written it in the last FLUSH_MS (so the first one at once), else counted for later.
    let urgent = events.iter().any(|e| !is_delivery(e));
    let due = urgent
        || events.iter().any(|e| {
            WRITTEN.with(|w| {
                w.borrow()
                    .get(&e.key())
                    .is_none_or(|at| now - at >= FLUSH_MS)
            })
        });
    PENDING.with(|pending| {
        let mut pending = pending.borrow_mut();
        for event in &events {
            let mark = pending.entry(event.key()).or_insert((0, now, None));
            mark.0 += 1;
            mark.1 = now;
            mark.2.clone_from(&detail);
        }
    });
    if due {
        let marks = take_pending(now, urgent);
        let env = env.clone();
        ctx.wait_until(async move { write_logged(&env, &marks).await });
    } else if !FLUSH_SCHEDULED.with(|s| s.replace(true)) {
        // Counted for later: written when the window is over even if no delivery follows, so
        // the panel is never more than FLUSH_MS behind (the wait costs no CPU).
        let env = env.clone();
        ctx.wait_until(async move {
            worker::Delay::from(std::time::Duration::from_millis(FLUSH_MS as u64)).await;
            FLUSH_SCHEDULED.with(|s| s.set(false));
            let marks = take_pending(now_millis(), false);
            if !marks.is_empty() {
                write_logged(&env, &marks).await;
            }
        });
    }
}

/// What was counted and not written yet, noting it as written at `now`. After a handshake or a
/// failure (`urgent`) the next delivery is written at once (the owner who just fixed the app
/// secret sees "working" without waiting).
fn take_pending(now: i64, urgent: bool) -> Pending {
    let marks = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
    WRITTEN.with(|written| {
        let mut written = written.borrow_mut();
        if urgent {
            written.clear();
        } else {
            for key in marks.keys() {
                written.insert(key.clone(), now);
            }
        }
    });
    marks
}

async fn write_logged(env: &Env, marks: &Pending) {
    if let Err(e) = write(env, marks).await {
        worker::console_warn!("could not record the webhook's wiring (panel only): {e}");
    }
}

async fn write(env: &Env, marks: &Pending) -> Result<(), EdgeError> {
    let store = ConversationStore::new(env)?;
    let statements = marks
        .iter()
        .map(|(key, (count, at, detail))| {
            store.stmt(
                "INSERT INTO webhook_wiring (event, at, count, detail) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (event) DO UPDATE SET at = max(at, excluded.at),
                   count = count + excluded.count, detail = excluded.detail",
                args![key, *at, *count, detail.as_deref()],
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
