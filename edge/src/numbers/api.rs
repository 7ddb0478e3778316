//! Routes under `/api/admin/numbers` and `/api/admin/settings`.

use switchboard_core::manager_links::DisconnectIntent;
use switchboard_core::settings::{ConnectNumber, NumberPatch, ProjectSettings};
use worker::{Method, Request, Response};

use super::service::Numbers;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::graph::BusinessProfile;
use crate::http::{json_response, ok_json, query, read_json};

pub async fn settings(req: &mut Request, numbers: &Numbers<'_>) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => ok_json(&numbers.store.settings().await?),
        Method::Put => {
            let settings: ProjectSettings = read_json(req).await?;
            let settings = settings.validate()?;
            numbers.store.save_settings(&settings).await?;
            ok_json(&settings)
        }
        _ => Err(method_not_allowed()),
    }
}

pub async fn collection(req: &mut Request, numbers: &Numbers<'_>) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => ok_json(&numbers.list().await?),
        Method::Post => {
            let request: ConnectNumber = read_json(req).await?;
            Ok(json_response(&numbers.connect(request).await?, 201))
        }
        _ => Err(method_not_allowed()),
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
            let patch: NumberPatch = read_json(req).await?;
            ok_json(&numbers.patch(id, patch).await?)
        }
        Method::Delete => {
            let intent = query(req, "intent")
                .as_deref()
                .and_then(DisconnectIntent::parse)
                .ok_or_else(|| {
                    EdgeError::BadRequest(
                        "intent must be reuse (connect it here again) or migrate (move to another tool or provider)".to_owned(),
                    )
                })?;
            numbers.get(id).await?;
            let kept = conversations.count_for_number(id).await?;
            ok_json(&numbers.disconnect(id, intent, kept).await?)
        }
        _ => Err(method_not_allowed()),
    }
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
        _ => Err(method_not_allowed()),
    }
}

pub async fn templates(numbers: &Numbers<'_>, id: &str) -> Result<Response, EdgeError> {
    let (record, graph) = numbers.graph_for(id).await?;
    ok_json(&graph.templates(&record.waba_id).await?)
}

pub fn method_not_allowed() -> EdgeError {
    EdgeError::NotFound("no such route for this method".to_owned())
}
