//! What a WhatsApp message says, by type, as the agent reads it: text with its link, a location
//! with a map link (OpenStreetMap, opened in a new tab: no map tiles load in the console), shared
//! contacts with a vCard download (a `data:` URL built here from `core::vcard`), button, list
//! and Flow replies, a template's quick reply, an order with its total, a number or identity
//! change, a message WhatsApp could not pass on, and the reaction, edit and deletion events.
//!
//! Everything a customer sent is text in the DOM, never markup; the only links made from it are
//! `http(s)` ones (checked again here), opened with `rel="noopener noreferrer"`.

use switchboard_core::api::MessageView;
use switchboard_core::vcard::{vcard, vcard_filename, VCardVersion, VCARD_MEDIA_TYPE};
use switchboard_core::webhook::{MessageContent, Order, SystemChange, SystemMessage};
use yew::prelude::*;

pub use crate::links::is_web_link;
use crate::links::{host_of, map_link};

/// The message's typed content, when it has one this console reads.
pub fn typed(m: &MessageView) -> Option<MessageContent> {
    serde_json::from_value(m.content.clone()?).ok()
}

/// The body of a WhatsApp message of a type with its own view; `None` for media and for types
/// the plain description covers.
pub fn content_view(content: &MessageContent) -> Option<Html> {
    Some(match content {
        MessageContent::Text { body, link, .. } => html! {
            <span class="body">{ body.clone() }
                if let Some(href) = link.as_deref().filter(|l| is_web_link(l)) {
                    <a class="link-preview" href={href.to_owned()} target="_blank" rel="noopener noreferrer">{ format!("Open link: {}", host_of(href)) }</a>
                }
            </span>
        },
        MessageContent::Location {
            latitude,
            longitude,
            name,
            address,
            url,
        } => html! {
            <span class="body typed location">
                <strong>{ name.clone().unwrap_or_else(|| "Location".to_owned()) }</strong>
                if let Some(a) = address { <span>{ a.clone() }</span> }
                <span class="meta">{ format!("{latitude:.5}, {longitude:.5}") }</span>
                <a href={map_link(*latitude, *longitude)} target="_blank" rel="noopener noreferrer">{ "Open in OpenStreetMap" }</a>
                if let Some(href) = url.as_deref().filter(|l| is_web_link(l)) {
                    <a href={href.to_owned()} target="_blank" rel="noopener noreferrer">{ format!("Place link: {}", host_of(href)) }</a>
                }
            </span>
        },
        MessageContent::Contacts { contacts } => html! {
            <span class="body typed contacts">
                { for contacts.iter().map(|c| html! {
                    <span class="shared-contact">
                        <strong>{ c.display_name() }</strong>
                        { for c.phones.iter().filter_map(|p| p.phone.clone().or_else(|| p.wa_id.clone())).map(|p| html! { <span>{ format!("Phone: {p}") }</span> }) }
                        { for c.emails.iter().map(|e| html! { <span>{ format!("Email: {}", e.email) }</span> }) }
                    </span>
                }) }
                <a href={vcard_data_url(contacts)} download={vcard_filename(contacts)}>{ "Download vCard" }</a>
            </span>
        },
        MessageContent::Interactive {
            reply_kind,
            title,
            description,
            ..
        } => html! {
            <span class="body typed">
                <span class="label">{ if reply_kind == "list_reply" { "Chose from a list" } else { "Tapped a button" } }</span>
                <strong>{ title.clone() }</strong>
                if let Some(d) = description { <span class="meta">{ d.clone() }</span> }
            </span>
        },
        MessageContent::FlowReply {
            name, body, fields, ..
        } => html! {
            <span class="body typed flow">
                <span class="label">{ if name.as_deref() == Some("address_message") { "Sent an address" } else { "Completed a form" } }</span>
                if let Some(b) = body { <span>{ b.clone() }</span> }
                <dl>{ for fields.iter().map(|f| html! { <><dt>{ f.key.clone() }</dt><dd>{ f.value.clone() }</dd></> }) }</dl>
            </span>
        },
        MessageContent::CallPermissionReply { response, .. } => html! {
            <span class="body typed"><span class="label">{ "Call permission" }</span>
                { if response == "accept" { "The customer allows calls" } else { "The customer declined calls" } }</span>
        },
        MessageContent::Button { text, .. } => html! {
            <span class="body typed"><span class="label">{ "Quick reply" }</span><strong>{ text.clone() }</strong></span>
        },
        MessageContent::Order(order) => order_view(order),
        MessageContent::System(system) => system_view(system),
        MessageContent::Unsupported {
            unsupported_type,
            errors,
            ..
        } => html! {
            <span class="body typed unsupported">
                <span class="label">{ match unsupported_type { Some(t) => format!("A {t} message WhatsApp could not pass on"), None => "A message WhatsApp could not pass on".to_owned() } }</span>
                { for errors.iter().map(|e| html! { <span>{ format!("{}{}", e.title.clone().unwrap_or_else(|| "No reason given".to_owned()), e.code.map(|c| format!(" (code {c})")).unwrap_or_default()) }</span> }) }
            </span>
        },
        MessageContent::RequestWelcome => html! {
            <span class="body typed"><span class="label">{ "Opened the chat for the first time" }</span></span>
        },
        // Shown apart when the message they act on is not in view (see `event_view`).
        MessageContent::Reaction { .. }
        | MessageContent::Edit { .. }
        | MessageContent::Revoke { .. } => event_view(content),
        MessageContent::Media { .. } | MessageContent::Other { .. } => return None,
    })
}

/// A reaction, edit or deletion whose message is not in the loaded thread: said on its own line.
fn event_view(content: &MessageContent) -> Html {
    let said = match content {
        MessageContent::Reaction { emoji: Some(e), .. } => {
            format!("Reacted {e} to an earlier message")
        }
        MessageContent::Reaction { emoji: None, .. } => {
            "Removed a reaction from an earlier message".to_owned()
        }
        MessageContent::Edit { content, .. } => format!(
            "Edited an earlier message: {}",
            content.text().unwrap_or_default()
        ),
        _ => "Deleted an earlier message".to_owned(),
    };
    html! { <span class="body typed event">{ said }</span> }
}

fn order_view(order: &Order) -> Html {
    let total = order
        .total()
        .map(|t| format!("{} {}", t.amount(), t.currency));
    html! {
        <span class="body typed order">
            <span class="label">{ "Order" }</span>
            <table>
                <thead><tr><th scope="col">{ "Item" }</th><th scope="col">{ "Qty" }</th><th scope="col">{ "Price" }</th></tr></thead>
                <tbody>{ for order.items.iter().map(|i| html! {
                    <tr><td>{ i.product_retailer_id.clone() }</td><td>{ i.quantity }</td><td>{ format!("{} {}", i.item_price, i.currency) }</td></tr>
                }) }</tbody>
                <tfoot><tr><th scope="row" colspan="2">{ "Total" }</th><td>{ total.unwrap_or_else(|e| format!("— ({e})")) }</td></tr></tfoot>
            </table>
            if let Some(note) = &order.text { <span>{ note.clone() }</span> }
        </span>
    }
}

fn system_view(system: &SystemMessage) -> Html {
    let body = system.body.clone();
    match &system.change {
        SystemChange::IdentityChanged { .. } => html! {
            <span class="body typed warning-note">
                <strong>{ "Security code changed" }</strong>
                <span>{ "The customer's WhatsApp security code changed: they may have reinstalled WhatsApp or moved to a new phone — or someone else may now use this number. Check before sharing anything personal." }</span>
            </span>
        },
        SystemChange::NumberChanged { new_phone, .. } => html! {
            <span class="body typed"><span class="label">{ "Changed their number" }</span>
                { match new_phone { Some(p) => format!("Now +{p}; this conversation follows the new number."), None => body.unwrap_or_default() } }</span>
        },
        _ => {
            html! { <span class="body typed"><span class="label">{ "WhatsApp notice" }</span>{ body.unwrap_or_default() }</span> }
        }
    }
}

/// A reaction, edit or deletion: the wamid of the message it acts on.
pub fn acts_on(m: &MessageView) -> Option<String> {
    match typed(m)? {
        MessageContent::Reaction { message_id, .. } => Some(message_id),
        MessageContent::Edit {
            original_message_id,
            ..
        }
        | MessageContent::Revoke {
            original_message_id,
        } => Some(original_message_id),
        _ => None,
    }
}

/// A few words of a quoted message, for the quote above a reply.
pub fn snippet(m: &MessageView) -> String {
    let text = m.text.clone().unwrap_or_else(|| format!("[{}]", m.kind));
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The contacts as a vCard 3.0 file (the version phones' address books read best) in a `data:`
/// URL, for a download link (no request, nothing stored).
pub fn vcard_data_url(contacts: &[switchboard_core::webhook::SharedContact]) -> String {
    let card = vcard(contacts, VCardVersion::V3);
    let encoded: String = js_sys::encode_uri_component(&card).into();
    format!("data:{VCARD_MEDIA_TYPE};charset=utf-8,{encoded}")
}
