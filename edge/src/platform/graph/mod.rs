//! The WhatsApp Cloud API (Meta's Graph API) client.
//!
//! Base URL and version come from configuration: production uses
//! `https://graph.facebook.com`, tests a local stand-in that speaks the same
//! formats. Graph's error object (`error.message`, `type`, `code`, `fbtrace_id`)
//! is passed on to the caller in [`GraphError`]. Tokens never appear in errors.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::api::TemplateChoice;
use switchboard_core::media_source::{first_hop, next_hop, Hop, MAX_REDIRECTS};
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use crate::error::EdgeError;

/// `GET /<version>/<media id>`.
#[derive(Debug, Deserialize)]
pub struct MediaInfo {
    pub url: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    /// A number, or a string of digits (Meta's documents show both).
    #[serde(default)]
    pub file_size: Option<Value>,
}

impl MediaInfo {
    pub fn size(&self) -> Option<u64> {
        match &self.file_size {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
    }
}

/// Why a media download gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The URL (or a redirect) points somewhere the token may not go: trying again cannot help.
    Refused(String),
    /// Over the size cap: trying again cannot help.
    TooLarge(String),
    /// Unreachable, timed out, expired, broken off: worth trying again later.
    Failed(String),
}

/// A refusal or failure from the Graph API.
#[derive(Debug, Clone, thiserror::Error)]
#[error("WhatsApp Cloud API: {message}{}", code.map(|c| format!(" (code {c})")).unwrap_or_default())]
pub struct GraphError {
    /// Graph's HTTP status; 0 when Graph could not be reached.
    pub http_status: u16,
    pub message: String,
    pub code: Option<i64>,
    pub fbtrace_id: Option<String>,
    /// No answer within the timeout: what was asked may or may not have happened.
    pub timed_out: bool,
}

impl GraphError {
    /// Graph refusing what we asked (bad id, bad token) is the owner's input: 400.
    /// Graph failing or unreachable: 502.
    pub fn our_status(&self) -> u16 {
        match self.http_status {
            400..=499 => 400,
            _ => 502,
        }
    }

    fn unreachable(e: impl std::fmt::Display) -> Self {
        Self::plain(0, format!("could not reach the Graph API: {e}"))
    }

    pub fn plain(http_status: u16, message: String) -> Self {
        Self {
            http_status,
            message,
            code: None,
            fbtrace_id: None,
            timed_out: false,
        }
    }
}

/// Where Graph is called from the edge, its errors become the edge's: the same status
/// ([`GraphError::our_status`]) and text. The error module itself knows nothing of Graph.
impl From<GraphError> for EdgeError {
    fn from(e: GraphError) -> Self {
        EdgeError::Upstream {
            status: e.our_status(),
            message: e.to_string(),
        }
    }
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorObject,
}

#[derive(Deserialize)]
struct ErrorObject {
    message: String,
    code: Option<i64>,
    fbtrace_id: Option<String>,
}

/// `GET /<phone_number_id>`.
#[derive(Debug, Clone, Deserialize)]
pub struct PhoneNumberInfo {
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub quality_rating: Option<String>,
}

/// The editable fields of a WhatsApp business profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BusinessProfile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub websites: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vertical: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_picture_url: Option<String>,
}

#[derive(Deserialize)]
struct DataList<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct SendResult {
    messages: Vec<SentMessage>,
}

#[derive(Deserialize)]
struct SentMessage {
    id: String,
}

/// Where the Graph API is and how long to wait for it (read from the environment by `config`).
pub struct GraphApi {
    /// `GRAPH_API_BASE`, without a trailing `/`.
    pub base: String,
    /// `GRAPH_API_VERSION`.
    pub version: String,
    /// How long to wait for the Graph API (`GRAPH_TIMEOUT_MS`, default 15 s).
    pub timeout_ms: u64,
}

pub struct GraphClient<'a> {
    api: &'a GraphApi,
    access_token: String,
}

impl<'a> GraphClient<'a> {
    pub fn new(api: &'a GraphApi, access_token: String) -> Self {
        Self { api, access_token }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}/{}", self.api.base, self.api.version, path)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, GraphError> {
        let headers = Headers::new();
        headers
            .set("authorization", &format!("Bearer {}", self.access_token))
            .map_err(GraphError::unreachable)?;
        let mut init = RequestInit::new();
        init.with_method(method);
        if let Some(body) = body {
            headers
                .set("content-type", "application/json")
                .map_err(GraphError::unreachable)?;
            init.with_body(Some(JsValue::from_str(&body.to_string())));
        }
        init.with_headers(headers);
        let request =
            Request::new_with_init(&self.url(path), &init).map_err(GraphError::unreachable)?;
        self.answer(Fetch::Request(request)).await
    }

    /// Sends a request with the timeout and reads Graph's answer or its error object.
    async fn answer<T: DeserializeOwned>(&self, request: Fetch) -> Result<T, GraphError> {
        let fetch = request.send();
        let timeout = worker::Delay::from(std::time::Duration::from_millis(self.api.timeout_ms));
        futures_util::pin_mut!(fetch, timeout);
        let mut response = match futures_util::future::select(fetch, timeout).await {
            futures_util::future::Either::Left((response, _)) => {
                response.map_err(GraphError::unreachable)?
            }
            futures_util::future::Either::Right(_) => {
                return Err(GraphError {
                    timed_out: true,
                    ..GraphError::plain(
                        504,
                        format!(
                            "the Graph API did not answer within {} s; WhatsApp may still have taken the message",
                            self.api.timeout_ms / 1000
                        ),
                    )
                })
            }
        };
        let status = response.status_code();
        let text = response.text().await.map_err(GraphError::unreachable)?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text).map_err(|e| {
                GraphError::plain(502, format!("unexpected answer from the Graph API: {e}"))
            });
        }
        Err(match serde_json::from_str::<ErrorEnvelope>(&text) {
            Ok(ErrorEnvelope { error }) => GraphError {
                http_status: status,
                message: error.message,
                code: error.code,
                fbtrace_id: error.fbtrace_id,
                timed_out: false,
            },
            Err(_) => GraphError::plain(status, format!("HTTP {status}")),
        })
    }

    /// `POST /<version>/<phone number id>/media` (multipart: `messaging_product`, `type`,
    /// `file`): the uploaded file's media id.
    pub async fn upload_media(
        &self,
        phone_number_id: &str,
        bytes: &[u8],
        mime: &str,
        filename: &str,
    ) -> Result<String, GraphError> {
        #[derive(Deserialize)]
        struct Uploaded {
            id: String,
        }
        let form =
            web_sys::FormData::new().map_err(|_| GraphError::plain(500, "form".to_owned()))?;
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| GraphError::plain(500, "blob".to_owned()))?;
        let filled = form
            .append_with_str("messaging_product", "whatsapp")
            .and_then(|()| form.append_with_str("type", mime))
            .and_then(|()| form.append_with_blob_and_filename("file", &blob, filename));
        filled.map_err(|_| GraphError::plain(500, "form".to_owned()))?;
        let headers = Headers::new();
        headers
            .set("authorization", &format!("Bearer {}", self.access_token))
            .map_err(GraphError::unreachable)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(form.into()));
        let request = Request::new_with_init(&self.url(&format!("{phone_number_id}/media")), &init)
            .map_err(GraphError::unreachable)?;
        let uploaded: Uploaded = self.answer(Fetch::Request(request)).await?;
        Ok(uploaded.id)
    }

    /// Sends an uploaded file (`kind`: image, audio, video, document) by its media id.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_media(
        &self,
        phone_number_id: &str,
        to: &str,
        kind: &str,
        media_id: &str,
        caption: Option<&str>,
        filename: Option<&str>,
        callback: &str,
    ) -> Result<String, GraphError> {
        let mut media = serde_json::json!({ "id": media_id });
        if let Some(c) = caption.filter(|c| !c.is_empty() && kind != "audio") {
            media["caption"] = Value::from(c);
        }
        if let (Some(f), "document") = (filename, kind) {
            media["filename"] = Value::from(f);
        }
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": kind,
            kind: media,
            "biz_opaque_callback_data": callback,
        });
        self.send(phone_number_id, &body).await
    }

    /// `GET /<version>/<media id>`: the file's type, size, hash and a short-lived URL.
    pub async fn media_info(&self, media_id: &str) -> Result<MediaInfo, GraphError> {
        self.call(Method::Get, media_id, None).await
    }

    /// Downloads a media file from the `url` Graph's metadata named, refusing more than `max`
    /// bytes (by its `Content-Length`, then by what arrived). The bearer goes only where
    /// [`switchboard_core::media_source`] allows (Meta's media host, or Graph's own origin), and
    /// redirects are followed by hand, each hop checked, the bearer kept to its own origin.
    pub async fn download(
        &self,
        url: &str,
        max: u64,
    ) -> Result<(Vec<u8>, Option<String>), DownloadError> {
        let base = &self.api.base;
        let mut hop = first_hop(url, base).map_err(DownloadError::Refused)?;
        for _ in 0..=MAX_REDIRECTS {
            let mut response = self.get_hop(&hop).await?;
            let status = response.status_code();
            if (300..400).contains(&status) {
                let location = response
                    .headers()
                    .get("location")
                    .ok()
                    .flatten()
                    .ok_or_else(|| {
                        DownloadError::Failed(format!(
                            "the media URL answered {status} with nowhere to go"
                        ))
                    })?;
                hop = next_hop(&hop, &location, base).map_err(DownloadError::Refused)?;
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(DownloadError::Failed(format!(
                    "the media URL answered {status} (expired, or not ours)"
                )));
            }
            let too_large =
                || DownloadError::TooLarge(format!("the file is over {} MiB", max / 1024 / 1024));
            let declared = response
                .headers()
                .get("content-length")
                .ok()
                .flatten()
                .and_then(|l| l.parse::<u64>().ok());
            if declared.is_some_and(|l| l > max) {
                return Err(too_large());
            }
            let content_type = response.headers().get("content-type").ok().flatten();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| DownloadError::Failed(format!("the download broke off: {e}")))?;
            if bytes.len() as u64 > max {
                return Err(too_large());
            }
            return Ok((bytes, content_type));
        }
        Err(DownloadError::Refused(format!(
            "the media URL redirected more than {MAX_REDIRECTS} times: not followed"
        )))
    }

    /// One `GET` of a download, redirects not followed, with the bearer only if `hop` says so.
    async fn get_hop(&self, hop: &Hop) -> Result<worker::Response, DownloadError> {
        let failed =
            |e: worker::Error| DownloadError::Failed(format!("could not reach the media URL: {e}"));
        let headers = Headers::new();
        if hop.with_bearer {
            headers
                .set("authorization", &format!("Bearer {}", self.access_token))
                .map_err(failed)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Get)
            .with_headers(headers)
            .with_redirect(RequestRedirect::Manual);
        let request = Request::new_with_init(&hop.url, &init).map_err(failed)?;
        let fetch = Fetch::Request(request);
        let fetch = fetch.send();
        let timeout = worker::Delay::from(std::time::Duration::from_millis(
            self.api.timeout_ms.max(60_000),
        ));
        futures_util::pin_mut!(fetch, timeout);
        match futures_util::future::select(fetch, timeout).await {
            futures_util::future::Either::Left((r, _)) => r.map_err(failed),
            futures_util::future::Either::Right(_) => Err(DownloadError::Failed(
                "the media download did not finish in time".to_owned(),
            )),
        }
    }

    pub async fn phone_number(&self, phone_number_id: &str) -> Result<PhoneNumberInfo, GraphError> {
        let path =
            format!("{phone_number_id}?fields=display_phone_number,verified_name,quality_rating");
        self.call(Method::Get, &path, None).await
    }

    pub async fn business_profile(
        &self,
        phone_number_id: &str,
    ) -> Result<BusinessProfile, GraphError> {
        let path = format!(
            "{phone_number_id}/whatsapp_business_profile?fields=about,address,description,email,profile_picture_url,websites,vertical"
        );
        let list: DataList<BusinessProfile> = self.call(Method::Get, &path, None).await?;
        Ok(list.data.into_iter().next().unwrap_or_default())
    }

    pub async fn update_business_profile(
        &self,
        phone_number_id: &str,
        profile: &BusinessProfile,
    ) -> Result<(), GraphError> {
        let mut body = serde_json::to_value(profile).unwrap_or_default();
        body["messaging_product"] = Value::from("whatsapp");
        let path = format!("{phone_number_id}/whatsapp_business_profile");
        let _: Value = self.call(Method::Post, &path, Some(&body)).await?;
        Ok(())
    }

    /// Sends a free-form text; returns the new message's wamid. `callback` (our message id) goes
    /// as `biz_opaque_callback_data`, which Meta echoes in the message's status webhooks.
    pub async fn send_text(
        &self,
        phone_number_id: &str,
        to: &str,
        text: &str,
        callback: &str,
    ) -> Result<String, GraphError> {
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": { "preview_url": false, "body": text },
            "biz_opaque_callback_data": callback,
        });
        self.send(phone_number_id, &body).await
    }

    /// Sends a message body built elsewhere (the CSAT survey's interactive message).
    pub async fn send_json(
        &self,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, GraphError> {
        self.send(phone_number_id, body).await
    }

    /// Sends an approved template (for replies outside the 24-hour window).
    pub async fn send_template(
        &self,
        phone_number_id: &str,
        to: &str,
        template: &TemplateChoice,
        callback: &str,
    ) -> Result<String, GraphError> {
        let mut body = serde_json::json!({
            "messaging_product": "whatsapp",
            "to": to,
            "type": "template",
            "template": { "name": template.name, "language": { "code": template.language } },
            "biz_opaque_callback_data": callback,
        });
        if !template.parameters.is_empty() {
            let parameters: Vec<Value> = template
                .parameters
                .iter()
                .map(|text| serde_json::json!({ "type": "text", "text": text }))
                .collect();
            body["template"]["components"] =
                serde_json::json!([{ "type": "body", "parameters": parameters }]);
        }
        self.send(phone_number_id, &body).await
    }

    async fn send(&self, phone_number_id: &str, body: &Value) -> Result<String, GraphError> {
        let result: SendResult = self
            .call(
                Method::Post,
                &format!("{phone_number_id}/messages"),
                Some(body),
            )
            .await?;
        result
            .messages
            .into_iter()
            .next()
            .map(|m| m.id)
            .ok_or_else(|| {
                GraphError::plain(
                    502,
                    "the Graph API accepted the message but returned no id".to_owned(),
                )
            })
    }

    /// The account's approved message templates.
    pub async fn templates(&self, waba_id: &str) -> Result<Vec<Value>, GraphError> {
        let path = format!("{waba_id}/message_templates?fields=name,language,status,category,components&status=APPROVED");
        let list: DataList<Value> = self.call(Method::Get, &path, None).await?;
        Ok(list.data)
    }
}
