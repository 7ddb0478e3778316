//! The panel's sections below the conversation: a notice, the rating row, the handoff button
//! and offer, and the note once the conversation continues on WhatsApp.

use switchboard_core::api::{ContinuedOnWhatsapp, HandoffOffer};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::ChatState;
use crate::api::Edge;
use crate::i18n::{split_at, Texts, T};
use crate::state::{Action, Chat, Handoff, Notice};

/// The words for a notice.
pub fn notice_text(notice: Notice, texts: &Texts) -> String {
    let key = match notice {
        Notice::Offline => T::ErrorOffline,
        Notice::NotUnderstood => T::ErrorNotUnderstood,
        Notice::TooFast => T::ErrorTooFast,
        Notice::Session => T::ErrorSession,
        Notice::Unavailable => T::ErrorUnavailable,
        Notice::Check => T::ErrorCheck,
        Notice::Generic => T::ErrorGeneric,
        Notice::FileType => T::ErrorFileType,
        Notice::FileEmpty => T::ErrorFileEmpty,
        Notice::FileTooBig => T::ErrorFileTooBig,
        Notice::FileSend => T::ErrorFileSend,
        Notice::FileLoad => T::ErrorFileLoad,
    };
    texts.fill(key, &[("mb", &visitor_file_mb())])
}

/// The largest file a visitor may send, in MB.
pub fn visitor_file_mb() -> String {
    (switchboard_core::media::MAX_VISITOR_FILE_BYTES / 1000 / 1000).to_string()
}

/// The business asks for a rating of the resolved conversation: five buttons; a new choice
/// replaces the old one.
pub fn rating(
    chat: &Chat,
    edge: Edge,
    dispatch: UseReducerDispatcher<ChatState>,
    texts: &Texts,
) -> Html {
    let Some(survey) = &chat.survey else {
        return html! {};
    };
    let question = chat
        .session
        .as_ref()
        .and_then(|s| s.rating_question.clone())
        .unwrap_or_else(|| texts.get(T::RatingQuestion).to_owned());
    let star = |n: u8| {
        let (edge, dispatch, id) = (edge.clone(), dispatch.clone(), survey.id.clone());
        let onclick = Callback::from(move |_| {
            let (edge, dispatch, id) = (edge.clone(), dispatch.clone(), id.clone());
            spawn_local(async move {
                match edge.rate(id, n).await {
                    Ok(c) => dispatch.dispatch(Action::ConversationLoaded(c)),
                    Err(e) => dispatch.dispatch(Action::Problem(e)),
                }
            });
        });
        let on = survey.score.is_some_and(|s| s >= n);
        html! {
            <button type="button" class={classes!("sb-star", on.then_some("sb-on"))} {onclick}
                aria-label={texts.fill(T::StarLabel, &[("n", &n.to_string())])}
                aria-pressed={(survey.score == Some(n)).to_string()}>{ "★" }</button>
        }
    };
    html! {
        <div class="sb-rating" role="group" aria-label={texts.get(T::RatingLabel).to_owned()}>
            <p>{ question }</p>
            <div class="sb-stars">{ for (1..=5).map(star) }</div>
            if survey.score.is_some() {
                <p class="sb-thanks" role="status">{ texts.get(T::RatingThanks) }</p>
            }
        </div>
    }
}

/// "Continue on WhatsApp" (with "we'll answer there" outside opening hours), or the offer.
pub fn handoff(chat: &Chat, start: Callback<MouseEvent>, texts: &Texts, closed: bool) -> Html {
    match &chat.handoff {
        Handoff::Offered(offer) => offered(offer, texts),
        _ if !chat.handoff_available() => html! {},
        Handoff::Requesting => html! {
            <button type="button" class="sb-handoff-btn" disabled=true>{ texts.get(T::HandoffPreparing) }</button>
        },
        Handoff::Idle => html! {
            <button type="button" class="sb-handoff-btn" onclick={start}>
                { texts.get(if closed { T::HandoffButtonClosed } else { T::HandoffButton }) }
            </button>
        },
    }
}

fn offered(offer: &HandoffOffer, texts: &Texts) -> Html {
    let qr = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&offer.qr_svg)
    );
    let (before, after) = split_at(texts.get(T::HandoffOffer), "code");
    html! {
        <div class="sb-handoff" role="status">
            <p>{ before }<code dir="ltr">{ offer.code.clone() }</code>{ after }</p>
            <a class="sb-wa" href={offer.wa_link.clone()} target="_blank" rel="noopener noreferrer">{ texts.get(T::OpenWhatsapp) }</a>
            <figure class="sb-qr">
                <img src={qr} alt={texts.fill(T::QrAlt, &[("link", &offer.wa_link)])} width="176" height="176" />
                <figcaption>{ texts.get(T::QrCaption) }</figcaption>
            </figure>
        </div>
    }
}

/// Once the conversation continues on WhatsApp: the link there, and "Not me?" when the number
/// it continued with may not be the visitor's.
pub fn continued(
    continued: &ContinuedOnWhatsapp,
    not_me: Callback<MouseEvent>,
    texts: &Texts,
) -> Html {
    html! {
        <div class="sb-continued" role="status">
            <p>{ texts.get(T::Continued) }</p>
            <a class="sb-wa" href={continued.wa_link.clone()} target="_blank" rel="noopener noreferrer">
                { texts.fill(T::OpenWhatsappNumber, &[("number", &continued.display_phone_number)]) }
            </a>
            if let Some(who) = &continued.continued_with {
                <p class="sb-who">
                    { texts.fill(T::ContinuedWith, &[("number", who)]) }{ " " }
                    if continued.reported_not_me {
                        { texts.get(T::NotMeThanks) }
                    } else {
                        <button type="button" class="sb-not-me" onclick={not_me}>{ texts.get(T::NotMe) }</button>
                    }
                </p>
            }
        </div>
    }
}
