//! The panel's sections below the conversation: a notice, the rating row, the handoff button
//! and offer, and the note once the conversation continues on WhatsApp.

use switchboard_core::api::{ContinuedOnWhatsapp, HandoffOffer, WidgetSession};
use switchboard_core::reply_time::ReplyTime;
use yew::prelude::*;

use super::{apply, intl, text, ChatState};
use crate::api::Edge;
use crate::i18n::{split_at, Texts, T};
use crate::state::{Action, Chat, Handoff, Notice};

/// Under the business name: "usually replies within …" when the owner shows it.
pub fn reply_time(session: Option<&WidgetSession>, texts: &Texts) -> Html {
    let Some(promise) = session.and_then(|s| s.reply_time) else {
        return html! {};
    };
    let key = match promise {
        ReplyTime::Minutes => T::ReplyMinutes,
        ReplyTime::Hour => T::ReplyHour,
        ReplyTime::Hours => T::ReplyHours,
        ReplyTime::Day => T::ReplyDay,
    };
    html! { <p class="sb-sub">{ texts.html(key) }</p> }
}

/// Outside opening hours: that the team is away, when it is back in the visitor's own time
/// zone and language, and that a message is still welcome (or the owner's away message).
pub fn away(session: Option<&WidgetSession>, texts: &Texts) -> Html {
    let Some(session) = session.filter(|s| s.hours.is_some_and(|h| !h.open)) else {
        return html! {};
    };
    let back = match session.hours.and_then(|h| h.changes_at_ms) {
        Some(at) => {
            let at = at as f64;
            let time = intl::time_of_day(&texts.lang, at);
            match intl::back_day(&texts.lang, js_sys::Date::now(), at) {
                None => texts.fill(T::BackToday, &[("time", &time)]),
                Some(day) => texts.fill(T::BackOn, &[("day", &day), ("time", &time)]),
            }
        }
        None => texts.text(T::BackSoon),
    };
    let welcome = session
        .away_message
        .clone()
        .map_or_else(|| texts.text(T::LeaveMessage), AttrValue::from);
    html! {
        <div class="sb-hours" role="note">
            <p><strong>{ texts.html(T::ClosedNow) }</strong>{ " " }{ text(back) }</p>
            <p>{ text(welcome) }</p>
        </div>
    }
}

/// The words for a notice.
pub fn notice_text(notice: Notice, texts: &Texts) -> AttrValue {
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
        .map_or_else(|| texts.text(T::RatingQuestion), AttrValue::from);
    let star = |n: u8| {
        let (edge, dispatch, id) = (edge.clone(), dispatch.clone(), survey.id.clone());
        let onclick = Callback::from(move |_| {
            apply(
                dispatch.clone(),
                edge.rate(id.clone(), n),
                Action::ConversationLoaded,
            );
        });
        let label = texts.fill(T::StarLabel, &[("n", &n.to_string())]);
        let pressed = if survey.score == Some(n) {
            "true"
        } else {
            "false"
        };
        // A lit star up to the score; constant classes, as in `messages::message`.
        if survey.score.is_some_and(|s| s >= n) {
            html! {
                <button type="button" class="sb-star sb-on" {onclick} aria-label={label}
                    aria-pressed={pressed}>{ "★" }</button>
            }
        } else {
            html! {
                <button type="button" class="sb-star" {onclick} aria-label={label}
                    aria-pressed={pressed}>{ "★" }</button>
            }
        }
    };
    html! {
        <div class="sb-rating" role="group" aria-label={texts.text(T::RatingLabel)}>
            <p>{ text(question) }</p>
            <div class="sb-stars">{ for (1..=5).map(star) }</div>
            if survey.score.is_some() {
                <p class="sb-thanks" role="status">{ texts.html(T::RatingThanks) }</p>
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
            <button type="button" class="sb-handoff-btn" disabled=true>{ texts.html(T::HandoffPreparing) }</button>
        },
        Handoff::Idle => html! {
            <button type="button" class="sb-handoff-btn" onclick={start}>
                { texts.html(if closed { T::HandoffButtonClosed } else { T::HandoffButton }) }
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
            <p>{ before }<code dir="ltr">{ text(AttrValue::from(offer.code.clone())) }</code>{ after }</p>
            <a class="sb-wa" href={offer.wa_link.clone()} target="_blank" rel="noopener noreferrer">{ texts.html(T::OpenWhatsapp) }</a>
            <figure class="sb-qr">
                <img src={qr} alt={texts.fill(T::QrAlt, &[("link", &offer.wa_link)])} width="176" height="176" />
                <figcaption>{ texts.html(T::QrCaption) }</figcaption>
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
            <p>{ texts.html(T::Continued) }</p>
            <a class="sb-wa" href={continued.wa_link.clone()} target="_blank" rel="noopener noreferrer">
                { text(texts.fill(T::OpenWhatsappNumber, &[("number", &continued.display_phone_number)])) }
            </a>
            if let Some(who) = &continued.continued_with {
                <p class="sb-who">
                    { text(texts.fill(T::ContinuedWith, &[("number", who)])) }{ " " }
                    if continued.reported_not_me {
                        { texts.html(T::NotMeThanks) }
                    } else {
                        <button type="button" class="sb-not-me" onclick={not_me}>{ texts.html(T::NotMe) }</button>
                    }
                </p>
            }
        </div>
    }
}
