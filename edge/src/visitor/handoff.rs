//! Handoff codes and the links a visitor follows to WhatsApp (stored by the visitor API).

use qrcode::render::svg;
use qrcode::QrCode;
use switchboard_core::api::HandoffOffer;
use switchboard_core::handoff::{prefilled_in, wa_me_link, HandoffCode};

use crate::config::store::NumberRecord;
use crate::error::EdgeError;
use crate::platform::random;

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

/// The plain link shown once a conversation continues on WhatsApp.
pub fn chat_link(number: &NumberRecord) -> String {
    format!(
        "https://wa.me/{}",
        switchboard_core::handoff::wa_me_digits(&number.display_phone_number)
    )
}
