//! Files through the Graph API: uploading and sending media, and downloading an inbound file
//! (its URL and redirects checked, so the token only goes where it may).

use serde::Deserialize;
use serde_json::Value;
use switchboard_core::media_source::{first_hop, next_hop, Hop, MAX_REDIRECTS};
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

use super::{GraphClient, GraphError};

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

/// A downloaded file's body: a stream of a known length (the usual case, never read into wasm
/// memory), or the bytes when the server did not say how many there are (read, up to the cap).
pub enum DownloadedBody {
    Stream {
        stream: web_sys::ReadableStream,
        length: u64,
    },
    Bytes(Vec<u8>),
}

/// A downloaded file and the type the server gave it.
pub struct Downloaded {
    pub body: DownloadedBody,
    pub content_type: Option<String>,
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

impl GraphClient<'_> {
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
    /// bytes (by its `Content-Length`; without one, by what arrived). With a length, the body is
    /// handed back as a stream, unread. The bearer goes only where
    /// [`switchboard_core::media_source`] allows (Meta's media host, or Graph's own origin), and
    /// redirects are followed by hand, each hop checked, the bearer kept to its own origin.
    pub async fn download(&self, url: &str, max: u64) -> Result<Downloaded, DownloadError> {
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
            if let (Some(length), worker::ResponseBody::Stream(stream)) =
                (declared, response.body())
            {
                return Ok(Downloaded {
                    body: DownloadedBody::Stream {
                        stream: stream.clone(),
                        length,
                    },
                    content_type,
                });
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| DownloadError::Failed(format!("the download broke off: {e}")))?;
            if bytes.len() as u64 > max {
                return Err(too_large());
            }
            return Ok(Downloaded {
                body: DownloadedBody::Bytes(bytes),
                content_type,
            });
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
}
