//! The widget's API under `/api/widget`: session, conversation, messages, handoff.
//!
//! Only origins in the project settings (and the edge's own) may call it.
//! A visitor proves who they are with the token issued by `session`; a visitor
//! can only ever read and write their own conversation.

use switchboard_core::api::{
    checked_text, Author, HandoffTarget, RatingRequest, ThreadCursor, VisitorMessage,
    WidgetConversation, WidgetHours, WidgetMessage, WidgetSession, WidgetSessionRequest,
    WidgetSurvey,
};
use switchboard_core::contrast::accent_pair;
use switchboard_core::csat::Score;
use switchboard_core::language::{self, Asked};
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use switchboard_core::messenger_texts::{self, DefaultTexts};
use switchboard_core::settings::normalize_origin;
use switchboard_core::visitor_token;
use switchboard_core::web_push::payload::{Customer, CustomerMessage};
use worker::{Env, Method, Request, Response};

use super::files;
use super::handoff;
use super::service::{
    continued_on_whatsapp, country, first_contact_check, handed_off, handoff_number,
    open_conversation, returned_conversation, visitor_id, Context,
};
use crate::config::env::Config;
use crate::config::store::ConfigStore;
use crate::conversations::messenger_view::widget_page;
use crate::conversations::rows::NewMessage;
use crate::conversations::store::{ConversationStore, PageRange, ThreadPage};
use crate::csat::store::SurveyStore;
use crate::error::EdgeError;
use crate::kpis;
use crate::live::{self, publish::Live};
use crate::platform::clock::{now_millis, now_seconds};
use crate::platform::d1::Db;
use crate::platform::http::{error_response, header, json_response, ok_json, query, read_json};
use crate::platform::random;
use crate::platform::rate_limits::{self, Limit};
use crate::platform::turnstile;

pub async fn handle(
    req: &mut Request,
    env: &Env,
    config: &Config,
    route: &[&str],
    live: &Live,
) -> Result<Response, EdgeError> {
    let cross_origin = cross_origin(req);
    let result = answer(req, env, config, route, cross_origin.as_deref(), live).await;
    let mut response = result.unwrap_or_else(error_response);
    // CORS headers go on every answer to a cross-origin caller, refusals included, so that a
    // Messenger on a site that is not allowed can show why instead of a bare network error.
    // What a refused origin can read is only that refusal.
    if let Some(origin) = cross_origin {
        let headers = response.headers_mut();
        headers.set("access-control-allow-origin", &origin)?;
        headers.set(
            "access-control-allow-headers",
            "authorization, content-type, x-filename, x-turnstile-token",
        )?;
        headers.set("access-control-allow-methods", "GET, POST, OPTIONS")?;
        headers.set("access-control-max-age", "600")?;
        headers.set("vary", "Origin")?;
    }
    Ok(response)
}

async fn answer(
    req: &mut Request,
    env: &Env,
    config: &Config,
    route: &[&str],
    cross_origin: Option<&str>,
    live: &Live,
) -> Result<Response, EdgeError> {
    if req.method() == Method::Options {
        return Ok(Response::empty()?.with_status(204));
    }
    let config_store = ConfigStore::new(env)?;
    let settings = config_store.settings().await?;
    if let Some(origin) = cross_origin.filter(|o| !settings.allows_origin(o)) {
        return Err(EdgeError::Forbidden(format!(
            "origin {origin} may not embed this widget; add it to allowed_origins in the settings"
        )));
    }
    rate_limits::check(
        env,
        Limit::AnyCall,
        &rate_limits::client_key(req, config.trust_test_country_header),
    )
    .await?;
    let ctx = Context {
        env,
        live,
        config,
        settings,
        numbers: config_store.numbers().await?,
        store: ConversationStore::new(env)?,
    };
    match (req.method(), route) {
        (Method::Post, ["session"]) => session(req, &ctx).await,
        (Method::Get, ["conversation"]) => conversation(req, &ctx).await,
        (Method::Post, ["messages"]) => post_message(req, &ctx).await,
        (Method::Post, ["handoff"]) => handoff::start(req, &ctx).await,
        (Method::Post, ["not-me"]) => not_me(req, &ctx).await,
        (Method::Post, ["rating"]) => rate(req, &ctx).await,
        (Method::Post, ["attachments"]) => {
            let visitor = visitor_id(req, ctx.config)?;
            rate_limits::check(ctx.env, Limit::Message, &visitor).await?;
            let turnstile = header(req, "x-turnstile-token");
            first_contact_check(req, &ctx, &visitor, turnstile.as_deref()).await?;
            files::upload(
                req,
                ctx.env,
                &ctx.store,
                &visitor,
                ctx.live,
                &ctx.settings.opening_hours,
            )
            .await
        }
        (Method::Get, ["media", message_id]) => {
            let visitor = visitor_id(req, ctx.config)?;
            files::serve(req, ctx.env, &ctx.store, &visitor, message_id).await
        }
        (Method::Post, ["live"]) => {
            let visitor = visitor_id(req, ctx.config)?;
            rate_limits::check(ctx.env, Limit::Live, &format!("ticket:{visitor}")).await?;
            ok_json(&live::api::ticket(ctx.config, &visitor_room(&visitor))?)
        }
        (
            _,
            ["session" | "messages" | "handoff" | "not-me" | "live" | "rating" | "attachments"],
        ) => Err(EdgeError::MethodNotAllowed {
            allow: "POST, OPTIONS",
        }),
        (_, ["conversation"] | ["media", _]) => Err(EdgeError::MethodNotAllowed {
            allow: "GET, OPTIONS",
        }),
        _ => Err(EdgeError::NotFound("no such widget route".to_owned())),
    }
}

/// The caller's origin when it is not the edge's own (the demo page and console are same-origin).
fn cross_origin(req: &Request) -> Option<String> {
    let origin = header(req, "origin")?;
    let own = req.url().ok().map(|u| u.origin().ascii_serialization());
    (normalize_origin(&origin) != own.as_deref().and_then(normalize_origin)).then_some(origin)
}

async fn session(req: &mut Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let body: WidgetSessionRequest = read_json(req).await?;
    let (keys, now) = (&ctx.config.keys, now_seconds());
    // A valid token is issued again with a fresh expiry (and the current key).
    let visitor_token = match body
        .visitor_token
        .as_deref()
        .and_then(|t| visitor_token::verify(keys, t, now))
    {
        Some(id) => visitor_token::issue(keys, &id, now),
        // A new visitor: these are limited per IP (a returning one is not, beyond any call's limit).
        None => {
            let client = rate_limits::client_key(req, ctx.config.trust_test_country_header);
            rate_limits::check(ctx.env, Limit::Session, &client).await?;
            let id = visitor_token::new_visitor_id(random::bytes::<16>()?);
            visitor_token::issue(keys, &id, now)
        }
    };
    let country = country(req, ctx.config);
    let handoff =
        handoff_number(ctx, body.number.as_deref(), country.as_deref()).map(|n| HandoffTarget {
            phone_number_id: n.phone_number_id.clone(),
            label: n.label.clone(),
        });
    let settings = &ctx.settings;
    let language = language::choose(
        Asked {
            script: body.lang.as_deref(),
            browser: &body.languages[..body.languages.len().min(language::MAX_ASKED)],
        },
        settings.language.owner_choice(),
    );
    let texts = messenger_texts::resolve(
        language,
        DefaultTexts {
            business_name: &settings.business_name,
            greeting: &settings.greeting,
            rating_question: settings.messenger_csat.question.as_deref(),
            away_message: settings.away_message.as_deref(),
        },
        &settings.translations,
    );
    let accent = accent_pair(&settings.accent_color);
    let hours = WidgetHours::from_status(settings.opening_hours.status_at(now_millis()));
    // The promise is shown while the team is in (outside hours the Messenger says when it is back).
    let reply_time = match (settings.show_reply_time, hours) {
        (true, None) | (true, Some(WidgetHours { open: true, .. })) => {
            kpis::reply_time::current(&Db::new(ctx.env)?).await?
        }
        _ => None,
    };
    ok_json(&WidgetSession {
        hours,
        reply_time,
        visitor_token,
        business_name: texts.business_name,
        greeting: texts.greeting,
        language: language.to_owned(),
        rating_question: texts.rating_question,
        away_message: texts.away_message,
        accent_color: accent.background,
        accent_text: accent.text,
        handoff,
        turnstile_site_key: ctx
            .settings
            .turnstile_site_key
            .clone()
            .filter(|key| turnstile::enforced(&ctx.config.turnstile, Some(key))),
    })
}

/// The visitor's conversation: its newest Messenger messages (100), or those before `?before=`.
async fn conversation(req: &Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let visitor = visitor_id(req, ctx.config)?;
    let Some(conversation) = ctx.store.visitor_conversation(&visitor).await? else {
        return ok_json(&WidgetConversation {
            messages: Vec::new(),
            older: None,
            continued_on_whatsapp: None,
            survey: None,
            handoff_offered: false,
        });
    };
    let range = match query(req, "before") {
        Some(c) => PageRange::Before(ThreadCursor::parse(&c).ok_or_else(|| {
            EdgeError::BadRequest(format!("before must be a message's cursor, not {c:?}"))
        })?),
        None => PageRange::Newest,
    };
    let page = ctx
        .store
        .messages_page(&ThreadPage {
            conversation_id: &conversation.id,
            channel: Some("messenger"),
            range,
            limit: 100,
        })
        .await?;
    let messages = widget_page(
        &ctx.store,
        &conversation.id,
        &page.messages,
        !ctx.settings.hide_agent_names,
    )
    .await?;
    let continued_on_whatsapp = continued_on_whatsapp(ctx, &conversation);
    let survey = if conversation.status == "closed" && conversation.handed_off_at.is_none() {
        SurveyStore(&ctx.store)
            .of_conversation(&conversation.id)
            .await?
            .map(|s| WidgetSurvey {
                id: s.id,
                question: s.question,
                score: s.score,
            })
    } else {
        None
    };
    // An agent's offer stands while the conversation is open and stays on the website.
    let handoff_offered = conversation.handoff_offered_at.is_some()
        && conversation.status == "open"
        && conversation.handed_off_at.is_none();
    ok_json(&WidgetConversation {
        messages,
        older: page.older.map(|c| c.to_string()),
        continued_on_whatsapp,
        survey,
        handoff_offered,
    })
}

/// A visitor's message, in one batch: open a conversation if the visitor has none open (and
/// never handed one off), insert the message into their open Messenger conversation, move its
/// clocks. Each step resolves the conversation inside its statement, so two first messages at
/// once share one conversation (invariant "one open Messenger conversation per visitor") and a
/// message racing the handoff link is refused instead of landing in the WhatsApp conversation.
async fn post_message(req: &mut Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let visitor = visitor_id(req, ctx.config)?;
    rate_limits::check(ctx.env, Limit::Message, &visitor).await?;
    let body: VisitorMessage = read_json(req).await?;
    let text = checked_text(&body.text)
        .ok_or_else(|| EdgeError::BadRequest("text must be 1–4096 characters".to_owned()))?;
    first_contact_check(req, ctx, &visitor, body.turnstile_token.as_deref()).await?;
    let now = now_seconds();
    let message =
        NewMessage::from_visitor(random::id("msg")?, "text", text, None, now, now_millis());
    let results = ctx
        .store
        .batch(vec![
            open_conversation(&ctx.store, &visitor, now, &ctx.settings.opening_hours)?,
            ctx.store.insert_visitor_message(&message, &visitor)?,
            ctx.store.touch(&message.id, now, true, None)?,
        ])
        .await?;
    let Some(conversation_id) = returned_conversation(results.get(1))? else {
        return Err(handed_off());
    };
    let shown = WidgetMessage {
        agent: None,
        id: message.id.clone(),
        author: Author::Visitor,
        text: text.to_owned(),
        sent_at: now,
        attachment: None,
        quote: None,
        reaction: None,
    };
    // The visitor's other tabs show it; the inbox reads it; members' browsers are told.
    ctx.live.customer_wrote(CustomerMessage::new(
        Customer::Messenger,
        Some(text),
        &conversation_id,
    ));
    ctx.live.publish(
        &visitor_room(&visitor),
        &LiveEvent::message(conversation_id.clone(), shown.clone()),
    );
    ctx.live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(conversation_id), Change::Message),
    );
    Ok(json_response(&shown, 201))
}

/// The visitor rates their resolved conversation (again: the new rating replaces the old).
async fn rate(req: &mut Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let visitor = visitor_id(req, ctx.config)?;
    rate_limits::check(ctx.env, Limit::Message, &visitor).await?;
    let body: RatingRequest = read_json(req).await?;
    let score = Score::new(body.score)
        .ok_or_else(|| EdgeError::BadRequest("score must be 1–5".to_owned()))?;
    let rated = SurveyStore(&ctx.store)
        .answer(&body.survey_id, score, "messenger", &visitor, now_seconds())
        .await?
        .ok_or_else(|| EdgeError::NotFound("no survey of yours with that id".to_owned()))?;
    ctx.live
        .publish(INBOX_ROOM, &LiveEvent::changed(Some(rated), Change::State));
    conversation(req, ctx).await
}

/// "Not me?": the visitor says the WhatsApp account their conversation continued with is not
/// theirs. The business sees it in the inbox and can undo the link; the visitor cannot (handoff
/// stays one-way for them).
async fn not_me(req: &mut Request, ctx: &Context<'_>) -> Result<Response, EdgeError> {
    let visitor = visitor_id(req, ctx.config)?;
    if !ctx.store.dispute_link(&visitor, now_seconds()).await? {
        return Err(EdgeError::Conflict(
            "this conversation has not continued on WhatsApp".to_owned(),
        ));
    }
    ctx.live
        .publish(INBOX_ROOM, &LiveEvent::changed(None, Change::Handoff));
    conversation(req, ctx).await
}
