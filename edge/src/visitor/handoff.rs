//! `POST /api/widget/handoff` (a code for the visitor's open Messenger conversation, in one
//! batch with opening it), the handoff codes and the links a visitor follows to WhatsApp.

use qrcode::render::svg;
use qrcode::QrCode;
use switchboard_core::api::{HandoffOffer, HandoffRequest};
use switchboard_core::handoff::{prefilled_in, wa_me_link, HandoffCode};
use worker::{Request, Response};

use super::service::{
    country, first_contact_check, handed_off, handoff_number, open_conversation, visitor_id,
    Context,
};
use crate::config::store::NumberRecord;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::returned_a_row;
use crate::platform::http::{ok_json, read_json};
use crate::platform::random;
use crate::platform::rate_limits::{self, Limit};

/// A new random code.
pub fn new_code() -> Result<HandoffCode, EdgeError> {
    Ok(HandoffCode::from_random(random::bytes::<5>()?))
}

/// The wa.me link with the code in its prefilled text (in the visitor's language when the
/// Messenger sent its template), and its QR code.
pub fn offer(
    code: &HandoffCode,
    number: &NumberRecord,
    prefill: Option<&str>,
    expires_at: i64,
) -> Result<HandoffOffer, EdgeError> {
    let wa_link = wa_me_link(&number.display_phone_number, &prefilled_in(prefill, code));
    Ok(HandoffOffer {
        qr_svg: qr_svg(&wa_link)?,
        code: code.as_str().to_owned(),
        wa_link,
        expires_at,
    })
}

fn qr_svg(link: &str) -> Result<String, EdgeError> {
    let code =
        QrCode::new(link.as_bytes()).map_err(|e| EdgeError::Internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(176, 176)
        .quiet_zone(true)
        .build())
}

/// A handoff code for the visitor's open Messenger conversation (opened now if there is none),
/// in one batch; 409 once the conversation continues on WhatsApp.
pub(super) async fn start(req: &mut Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let visitor = visitor_id(req, ctx.config)?;
    rate_limits::check(ctx.env, Limit::Handoff, &visitor).await?;
    let body: HandoffRequest = read_json(req).await?;
    first_contact_check(req, ctx, &visitor, body.turnstile_token.as_deref()).await?;
    let country = country(req, ctx.config);
    let number =
        handoff_number(ctx, body.number.as_deref(), country.as_deref()).ok_or_else(|| {
            EdgeError::Conflict("Continue on WhatsApp is not available here".to_owned())
        })?;
    let now = now_seconds();
    let code = new_code()?;
    let expires_at = now + ctx.config.handoff_code_lifetime;
    let results = ctx
        .store
        .batch(vec![
            open_conversation(&ctx.store, &visitor, now, &ctx.settings.opening_hours)?,
            ctx.store.insert_visitor_handoff_code(
                code.as_str(),
                &visitor,
                &number.phone_number_id,
                now,
                expires_at,
            )?,
        ])
        .await?;
    if !returned_a_row(results.get(1))? {
        return Err(handed_off());
    }
    ok_json(&offer(&code, number, body.prefill.as_deref(), expires_at)?)
}
