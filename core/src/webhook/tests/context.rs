//! What a message replies to, how it was forwarded, and the ad it came from.

use super::*;

#[test]
fn context_says_what_a_message_quotes_or_that_it_was_forwarded() {
    let quoted = only_message(json!({
        "context": { "from": "15550783881", "id": "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA",
                     "referred_product": { "catalog_id": "194836987003835", "product_retailer_id": "di9ozbzfi4" } },
        "from": "16505551234", "id": "wamid.q", "timestamp": "1749416383", "type": "text",
        "text": { "body": "Can I get this in blue?" } }));
    let context = quoted.context.clone().unwrap();
    assert_eq!(
        quoted.reply_to(),
        Some("wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1QjJGRjI1RDY0RkE4Nzg4QzcA")
    );
    assert_eq!(context.from.as_deref(), Some("15550783881"));
    assert_eq!(
        context
            .referred_product
            .unwrap()
            .product_retailer_id
            .as_deref(),
        Some("di9ozbzfi4")
    );
    let forwarded = only_message(json!({
        "context": { "forwarded": true, "frequently_forwarded": true },
        "from": "16505551234", "id": "wamid.f", "timestamp": "1749416383", "type": "text", "text": { "body": "fwd" } }));
    let context = forwarded.context.unwrap();
    assert!(context.forwarded && context.frequently_forwarded);
    assert_eq!(context.id, None);
}

#[test]
fn a_click_to_whatsapp_ad_comes_with_its_referral() {
    let m = only_message(json!({
        "referral": { "source_url": "https://fb.me/3cr4Wqqkv", "source_id": "120226305854810726", "source_type": "ad",
                      "body": "Summer succulents are here!", "headline": "Chat with us", "media_type": "image",
                      "image_url": "https://scontent.xx.fbcdn.net/v/t45.1600-4/example.png",
                      "ctwa_clid": "Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNbEe9JsgSe",
                      "welcome_message": { "text": "Hi there! Let us know how we can help!" } },
        "from": "16505551234", "id": "wamid.ad", "timestamp": "1749416383", "type": "text",
        "text": { "body": "Can I get more info?" } }));
    let referral = m.referral.unwrap();
    assert_eq!(
        referral.source_url.as_deref(),
        Some("https://fb.me/3cr4Wqqkv")
    );
    assert_eq!(referral.source_id.as_deref(), Some("120226305854810726"));
    assert_eq!(referral.source_type.as_deref(), Some("ad"));
    assert_eq!(referral.headline.as_deref(), Some("Chat with us"));
    assert_eq!(
        referral.body.as_deref(),
        Some("Summer succulents are here!")
    );
    assert_eq!(referral.media_type.as_deref(), Some("image"));
    assert!(referral.image_url.unwrap().ends_with("example.png"));
    assert_eq!(
        referral.welcome_message.as_deref(),
        Some("Hi there! Let us know how we can help!")
    );
}
