//! Routes under `/api/admin/numbers` and `/api/admin/settings`.

use switchboard_core::api::{median, NumberStats};
use switchboard_core::config_document::ConfigCommand;
use switchboard_core::manager_links::{two_step_guidance, DisconnectIntent};
use switchboard_core::settings::{ConnectNumber, NumberPatch, ProjectSettings};
use worker::{Method, Request, Response};

use crate::config::numbers::Numbers;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::graph::BusinessProfile;
use crate::platform::http::{header, json_response, ok_json, query, read_json};
use crate::webhooks::replay::replay_number;

/// Settings, read from and saved through the one writer. The answer's `ETag` is the settings'
/// version; a `PUT` carrying it as `If-Match` is refused with 409 if they changed meanwhile.
const GET_PUT: EdgeError = EdgeError::MethodNotAllowed { allow: "GET, PUT" };
const GET_POST: EdgeError = EdgeError::MethodNotAllowed { allow: "GET, POST" };
const GET_PATCH_DELETE: EdgeError = EdgeError::MethodNotAllowed {
    allow: "GET, PATCH, DELETE",
};

pub async fn settings(req: &mut Request, numbers: &Numbers<'_>) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => {
            let document = numbers.store.document().await?;
            with_etag(ok_json(&document.settings)?, document.settings_version)
        }
        Method::Put => {
            // A whole-document write is never blind: without the version it was made from it
            // could silently undo a change made meanwhile (another tab, a teammate, a script).
            let Some(if_version) = if_match(req)? else {
                let current = numbers.store.document().await?.settings_version;
                return Err(EdgeError::PreconditionRequired {
                    current_version: current,
                });
            };
            let if_version = Some(if_version);
            let settings: ProjectSettings = read_json(req).await?;
            let settings = settings.validate()?;
            let document = numbers
                .store
                .command(&ConfigCommand::SaveSettings {
                    settings: Box::new(settings),
                    if_version,
                })
                .await?;
            with_etag(ok_json(&document.settings)?, document.settings_version)
        }
        _ => Err(GET_PUT),
    }
}

pub async fn collection(
    req: &mut Request,
    numbers: &Numbers<'_>,
    conversations: &ConversationStore,
    live: &Live,
) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => ok_json(&numbers.list().await?),
        Method::Post => {
            let request: ConnectNumber = read_json(req).await?;
            let connected = numbers.connect(request).await?;
            // Deliveries kept as unrouted before (or while) the number was connected join their
            // conversations now. The connect itself has succeeded either way: a replay that
            // fails here is logged and done again by the scheduled handler.
            if let Err(e) = replay_number(
                &numbers.store,
                conversations,
                &connected.phone_number_id,
                live,
            )
            .await
            {
                worker::console_error!("replaying unrouted deliveries after a connect: {e}");
            }
            Ok(json_response(&connected, 201))
        }
        _ => Err(GET_POST),
    }
}

pub async fn item(
    req: &mut Request,
    numbers: &Numbers<'_>,
    conversations: &ConversationStore,
    id: &str,
) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => ok_json(&numbers.get(id).await?),
        Method::Patch => {
            let if_version = if_match(req)?;
            let patch: NumberPatch = read_json(req).await?;
            ok_json(&numbers.patch(id, patch, if_version).await?)
        }
        Method::Delete => {
            let intent = intent(req)?;
            // An unknown id counts 0 here and is refused with 404 by `disconnect`.
            let kept = conversations.count_for_number(id).await?;
            ok_json(&numbers.disconnect(id, intent, kept, if_match(req)?).await?)
        }
        _ => Err(GET_PATCH_DELETE),
    }
}

/// `GET /api/admin/numbers/<id>/disconnect?intent=…`: the guidance the console shows before the owner confirms.
pub async fn disconnect_preview(
    req: &Request,
    numbers: &Numbers<'_>,
    id: &str,
) -> Result<Response, EdgeError> {
    let intent = intent(req)?;
    let number = numbers.get(id).await?;
    ok_json(&two_step_guidance(intent, &number.manager_links))
}

/// `If-Match: "<version>"` (or a bare number): the version the owner's change was made from.
fn if_match(req: &Request) -> Result<Option<u64>, EdgeError> {
    let Some(value) = header(req, "if-match") else {
        return Ok(None);
    };
    let version = value.trim().trim_start_matches("W/").trim_matches('"');
    version.parse::<u64>().map(Some).map_err(|_| {
        EdgeError::BadRequest(format!(
            "If-Match must be a version this API gave you (ETag or \"version\"), not {value:?}"
        ))
    })
}

fn with_etag(mut response: Response, version: u64) -> Result<Response, EdgeError> {
    response
        .headers_mut()
        .set("etag", &format!("\"{version}\""))?;
    Ok(response)
}

fn intent(req: &Request) -> Result<DisconnectIntent, EdgeError> {
    query(req, "intent")
        .as_deref()
        .and_then(DisconnectIntent::parse)
        .ok_or_else(|| {
            EdgeError::BadRequest(
                "intent must be reuse (connect it here again) or migrate (move to another tool or provider)"
                    .to_owned(),
            )
        })
}

/// `GET /api/admin/stats?from=&to=` (unix seconds; default: the last 30 days).
pub async fn stats(
    req: &Request,
    numbers: &Numbers<'_>,
    conversations: &ConversationStore,
) -> Result<Response, EdgeError> {
    let seconds = |name: &str| -> Result<Option<i64>, EdgeError> {
        query(req, name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| EdgeError::BadRequest(format!("{name} must be unix seconds")))
            })
            .transpose()
    };
    let to = seconds("to")?.unwrap_or_else(|| crate::platform::clock::now_seconds() + 1);
    let from = seconds("from")?.unwrap_or(to - 30 * 86_400);
    if from >= to {
        return Err(EdgeError::BadRequest("from must be before to".to_owned()));
    }
    let mut out = Vec::new();
    for number in numbers.list().await? {
        let (opened, resets, responses) = conversations
            .stats(&number.phone_number_id, from, to)
            .await?;
        out.push(NumberStats {
            phone_number_id: number.phone_number_id,
            conversations_opened: opened,
            resets_applied: resets,
            median_first_response_seconds: median(responses),
        });
    }
    ok_json(&out)
}

pub async fn profile(
    req: &mut Request,
    numbers: &Numbers<'_>,
    id: &str,
) -> Result<Response, EdgeError> {
    let (_, graph) = numbers.graph_for(id).await?;
    match req.method() {
        Method::Get => ok_json(&graph.business_profile(id).await?),
        Method::Post => {
            let update: BusinessProfile = read_json(req).await?;
            if update.email.as_deref().is_some_and(|e| !e.contains('@')) {
                return Err(EdgeError::BadRequest(
                    "email must be an email address".to_owned(),
                ));
            }
            graph.update_business_profile(id, &update).await?;
            ok_json(&graph.business_profile(id).await?)
        }
        _ => Err(GET_POST),
    }
}

pub async fn templates(numbers: &Numbers<'_>, id: &str) -> Result<Response, EdgeError> {
    let (record, graph) = numbers.graph_for(id).await?;
    ok_json(&graph.templates(&record.waba_id).await?)
}
