//! Issuing handoff codes and the links a visitor follows to WhatsApp.

use qrcode::render::svg;
use qrcode::QrCode;
use switchboard_core::api::HandoffOffer;
use switchboard_core::handoff::{prefilled_message, wa_me_link, HandoffCode};

use crate::clock::now_seconds;
use crate::config_store::NumberRecord;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::random;

/// Stores a new single-use code for the conversation and returns the wa.me link and its QR code.
pub async fn issue(
    store: &ConversationStore,
    conversation_id: &str,
    number: &NumberRecord,
    lifetime_seconds: i64,
) -> Result<HandoffOffer, EdgeError> {
    let now = now_seconds();
    let code = HandoffCode::from_random(random::bytes::<5>()?);
    let expires_at = now + lifetime_seconds;
    store
        .insert_handoff_code(
            code.as_str(),
            conversation_id,
            &number.phone_number_id,
            now,
            expires_at,
        )
        .await?;
    let wa_link = wa_me_link(&number.display_phone_number, &prefilled_message(&code));
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
