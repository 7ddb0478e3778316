//! The widget API's steps between HTTP and D1: who the visitor is (token, country), which
//! number a handoff goes to, what the visitor is told of a conversation continued on WhatsApp
//! (and its link), reading what a conditional insert did, and Turnstile on a visitor's first
//! contact.

use switchboard_core::api::ContinuedOnWhatsapp;
use switchboard_core::config_document;
use switchboard_core::handoff::mask_wa_id;
use switchboard_core::opening_hours::OpeningHours;
use switchboard_core::settings::ProjectSettings;
use switchboard_core::visitor_token;
use worker::{D1PreparedStatement, Env, Request};

use crate::config::env::Config;
use crate::config::store::NumberRecord;
use crate::conversations::rows::ConversationRow;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::d1::decode_rows;
use crate::platform::http::header;
use crate::platform::random;
use crate::platform::rate_limits;
use crate::platform::turnstile;

/// What a widget call has at hand: the environment, the settings and numbers from KV, and D1.
pub(super) struct Context<'a> {
    pub env: &'a Env,
    pub live: &'a Live,
    pub config: &'a Config,
    pub settings: ProjectSettings,
    pub numbers: Vec<NumberRecord>,
    pub store: ConversationStore,
}

/// The statement opening the visitor's Messenger conversation if they have none (a new id;
/// marked when it opens outside the opening hours), for the batch of their first message,
/// file or handoff.
pub(super) fn open_conversation(
    store: &ConversationStore,
    visitor: &str,
    now: i64,
    hours: &OpeningHours,
) -> Result<D1PreparedStatement, EdgeError> {
    let after_hours = !hours.is_open_at(now.saturating_mul(1000));
    store.open_visitor_conversation(&random::id("conv")?, visitor, now, after_hours)
}

pub(super) fn handoff_number<'a>(
    ctx: &'a Context<'_>,
    requested: Option<&str>,
    country: Option<&str>,
) -> Option<&'a NumberRecord> {
    config_document::handoff_number(&ctx.settings, &ctx.numbers, requested, country)
}

pub(super) fn continued_on_whatsapp(
    ctx: &Context<'_>,
    conversation: &ConversationRow,
) -> Option<ContinuedOnWhatsapp> {
    conversation.handed_off_at?;
    let number = ctx
        .numbers
        .iter()
        .find(|n| Some(&n.phone_number_id) == conversation.phone_number_id.as_ref())?;
    Some(ContinuedOnWhatsapp {
        wa_link: chat_link(number),
        display_phone_number: number.display_phone_number.clone(),
        continued_with: conversation.wa_id.as_deref().map(mask_wa_id),
        reported_not_me: conversation.link_disputed_at.is_some(),
    })
}

/// The conversation a conditional insert's `RETURNING conversation_id` names (none: it did not act).
pub fn returned_conversation(
    result: Option<&worker::D1Result>,
) -> Result<Option<String>, EdgeError> {
    #[derive(serde::Deserialize)]
    struct Returned {
        conversation_id: String,
    }
    Ok(match result {
        Some(r) => decode_rows::<Returned>(r, "inserted message")?
            .into_iter()
            .next()
            .map(|r| r.conversation_id),
        None => None,
    })
}

pub fn handed_off() -> EdgeError {
    EdgeError::Conflict(
        "this conversation continues on WhatsApp; the Messenger no longer takes messages for it"
            .to_owned(),
    )
}

/// With Turnstile on, a visitor who has no conversation yet must pass its challenge first.
pub(super) async fn first_contact_check(
    req: &Request,
    ctx: &Context<'_>,
    visitor: &str,
    token: Option<&str>,
) -> Result<(), EdgeError> {
    if !turnstile::enforced(
        &ctx.config.turnstile,
        ctx.settings.turnstile_site_key.as_deref(),
    ) {
        return Ok(());
    }
    if ctx.store.visitor_conversation(visitor).await?.is_some() {
        return Ok(());
    }
    turnstile::check(
        &ctx.config.turnstile,
        token,
        &rate_limits::client_ip(req, ctx.config.trust_test_country_header),
    )
    .await
}

/// The visitor a request's bearer token names (401 without a valid one).
pub(super) fn visitor_id(req: &Request, config: &Config) -> Result<String, EdgeError> {
    header(req, "authorization")
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .and_then(|token| visitor_token::verify(&config.keys, token, now_seconds()))
        .ok_or(EdgeError::BadVisitorToken)
}

/// The visitor's country: Cloudflare's, or the test seam's header when trusted.
pub(super) fn country(req: &Request, config: &Config) -> Option<String> {
    if config.trust_test_country_header {
        if let Some(country) = header(req, "x-test-country") {
            return Some(country);
        }
    }
    req.cf().and_then(|cf| cf.country())
}

/// The plain link shown once a conversation continues on WhatsApp.
pub fn chat_link(number: &NumberRecord) -> String {
    format!(
        "https://wa.me/{}",
        switchboard_core::handoff::wa_me_digits(&number.display_phone_number)
    )
}
