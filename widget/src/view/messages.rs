//! The conversation's items: a message (with who said it, for screen readers, and when), the
//! message a reply quotes (a button that moves focus to it when it is loaded), the business's
//! reaction on the visitor's message, a file in it, and a message on its way.

use std::rc::Rc;

use switchboard_core::api::{Author, WidgetAttachment, WidgetMessage};
use switchboard_core::messenger_quote::WidgetQuote;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::intl;
use super::{icon, post, text, ChatState};
use crate::api::Edge;
use crate::i18n::{Texts, T};
use crate::state::{Action, Outgoing};

/// One message of the history; `quote_loaded`: the message it quotes is in the log.
pub fn message(
    m: &WidgetMessage,
    edge: Edge,
    texts: &Texts,
    business: &str,
    quote_loaded: bool,
) -> Html {
    let mine = m.author == Author::Visitor;
    // A reply carries the agent's name (unless the owner hides names): shown above the text,
    // and said in place of the business's name to a screen reader ("Ana said:").
    let agent = m.agent.as_deref().filter(|a| !mine && !a.is_empty());
    let who = if mine {
        texts.text(T::YouSaid)
    } else {
        texts.fill(T::BusinessSaid, &[("business", agent.unwrap_or(business))])
    };
    let at = (m.sent_at as f64) * 1000.0;
    let body = html! {
        <>
            <span class="sb-sr">{ text(who) }{ " " }</span>
            if let Some(name) = agent {
                <span class="sb-by" aria-hidden="true">{ text(AttrValue::from(name.to_owned())) }</span>
            }
            if let Some(q) = &m.quote {
                { quote(q, quote_loaded, texts, business) }
            }
            if let Some(a) = &m.attachment {
                <AttachmentView edge={edge} message_id={m.id.clone()} attachment={a.clone()} texts={texts.clone()} />
            }
            if !m.text.is_empty() {
                <span class="sb-text">{ text(AttrValue::from(m.text.clone())) }</span>
            }
            if let Some(emoji) = &m.reaction {
                <span class="sb-reaction" role="img"
                    aria-label={texts.fill(T::Reacted, &[("business", business), ("emoji", emoji)])}>
                    { text(AttrValue::from(emoji.clone())) }
                </span>
            }
            if m.sent_at > 0 {
                <time class="sb-time">{ text(AttrValue::from(intl::time_of_day(&texts.lang, at))) }</time>
            }
        </>
    };
    // Constant classes, one element per spelling: a computed class would bring `classes!`'s
    // set and hashing code into the bundle for three elements. `data-m` lets a quote find it.
    let (key, id) = (m.id.clone(), m.id.clone());
    if mine {
        html! { <li {key} data-m={id} tabindex="-1" class="sb-msg sb-visitor">{ body }</li> }
    } else {
        html! { <li {key} data-m={id} tabindex="-1" class="sb-msg sb-business">{ body }</li> }
    }
}

/// Above a reply: who wrote the message it quotes, and its first words. When that message is
/// in the log, the quote is a button that moves focus to it.
fn quote(q: &WidgetQuote, loaded: bool, texts: &Texts, business: &str) -> Html {
    let who = if q.author == Author::Visitor {
        texts.text(T::QuoteYou)
    } else {
        texts.fill(T::QuoteBusiness, &[("business", business)])
    };
    let body = html! {
        <>
            <span class="sb-quote-by">{ text(who) }</span>
            <span class="sb-quote-text">{ text(AttrValue::from(q.excerpt.clone())) }</span>
        </>
    };
    if !loaded {
        return html! { <span class="sb-quote">{ body }</span> };
    }
    let target = format!("[data-m=\"{}\"]", q.id);
    let onclick = Callback::from(move |e: MouseEvent| {
        let found = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|button| button.closest("ol").ok().flatten())
            .and_then(|list| list.query_selector(&target).ok().flatten())
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(quoted) = found {
            let _ = quoted.focus();
        }
    });
    html! { <button type="button" class="sb-quote" {onclick}>{ body }</button> }
}

#[derive(Properties, PartialEq)]
struct AttachmentProps {
    edge: Edge,
    message_id: String,
    attachment: WidgetAttachment,
    texts: Texts,
}

/// A file in the conversation: a picture shown, a PDF or other file as a download.
#[function_component(AttachmentView)]
fn attachment_view(props: &AttachmentProps) -> Html {
    let url = use_state(|| None::<String>);
    {
        let (edge, id, mime, url) = (
            props.edge.clone(),
            props.message_id.clone(),
            props.attachment.mime_type.clone(),
            url.clone(),
        );
        use_effect_with(props.message_id.clone(), move |_| {
            let made = Rc::new(std::cell::RefCell::new(None::<String>));
            let keep = made.clone();
            spawn_local(async move {
                if let Ok(u) = edge.media_url(&id, &mime).await {
                    *keep.borrow_mut() = Some(u.clone());
                    url.set(Some(u));
                }
            });
            move || {
                if let Some(u) = made.borrow().as_ref() {
                    let _ = web_sys::Url::revoke_object_url(u);
                }
            }
        });
    }
    let a = &props.attachment;
    let name = a
        .filename
        .clone()
        .map_or_else(|| props.texts.text(T::FileFallbackName), AttrValue::from);
    match (&*url, a.kind.as_str()) {
        (Some(u), "image") => html! { <img class="sb-img" src={u.clone()} alt={name} /> },
        (Some(u), _) => html! {
            <a class="sb-file" href={u.clone()} download={name.clone()}>{ icon(DOC_ICON) }{ text(name) }</a>
        },
        (None, _) => html! {
            <span class="sb-file">{ icon(DOC_ICON) }{ text(props.texts.fill(T::FileLoading, &[("name", &name)])) }</span>
        },
    }
}

const DOC_ICON: &str = r#"<svg class="sb-doc" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5z"/></svg>"#;

/// A message the edge has not confirmed yet, or that failed (with a retry).
pub fn outgoing(
    o: &Outgoing,
    edge: Edge,
    dispatch: UseReducerDispatcher<ChatState>,
    texts: &Texts,
) -> Html {
    let retry = {
        let (local_id, text) = (o.local_id, o.text.clone());
        Callback::from(move |_| {
            dispatch.dispatch(Action::Retry { local_id });
            post(edge.clone(), dispatch.clone(), local_id, text.clone());
        })
    };
    let body = html! {
        <>
            <span class="sb-sr">{ texts.html(T::YouSaid) }{ " " }</span>
            <span class="sb-text">{ text(AttrValue::from(o.text.clone())) }</span>
            if let (Some(percent), false) = (o.upload, o.failed) {
                <progress class="sb-progress" max="100" value={percent.to_string()}
                    aria-label={texts.fill(T::Uploading, &[("name", &o.text)])} />
            }
            if o.failed && o.upload.is_none() {
                <button type="button" class="sb-retry" onclick={retry}>{ texts.html(T::Retry) }</button>
            } else if o.failed {
                <span class="sb-retry-note">{ texts.html(T::RetryFile) }</span>
            }
        </>
    };
    let key = format!("local-{}", o.local_id);
    if o.failed {
        html! { <li {key} class="sb-msg sb-visitor sb-failed">{ body }</li> }
    } else {
        html! { <li {key} class="sb-msg sb-visitor sb-pending">{ body }</li> }
    }
}
