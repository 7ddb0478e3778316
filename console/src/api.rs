//! The admin API client: every call carries the admin token and turns the edge's
//! JSON errors into [`ApiError`]s the forms can show next to the right field.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::{ErrorBody, HealthReport};
use switchboard_core::media::blob_type;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub field: Option<String>,
    /// A 409 because what was edited changed meanwhile (a stale `If-Match`): reload.
    pub changed_meanwhile: bool,
    /// The kind of refusal, when the edge names one (sign-in: `core::team::session`'s codes).
    pub code: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The console's credential: the admin token, or none when Cloudflare Access signed the member
/// in (the browser then sends Access's cookie with every same-origin call).
#[derive(Debug, Clone, PartialEq)]
pub struct Admin {
    pub token: String,
}

impl Admin {
    /// Signed in through Cloudflare Access: no token.
    pub fn access() -> Self {
        Self {
            token: String::new(),
        }
    }

    fn request(&self, builder: RequestBuilder) -> RequestBuilder {
        if self.token.is_empty() {
            builder
        } else {
            builder.header("authorization", &format!("Bearer {}", self.token))
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: Option<&impl Serialize>,
    ) -> Result<T, ApiError> {
        self.send_versioned(builder, body)
            .await
            .map(|(value, _)| value)
    }

    /// Sends, and returns the answer with the version its `ETag` names.
    async fn send_versioned<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: Option<&impl Serialize>,
    ) -> Result<(T, Option<u64>), ApiError> {
        let network = |e: gloo_net::Error| ApiError {
            status: 0,
            message: format!("network error: {e}"),
            field: None,
            changed_meanwhile: false,
            code: None,
        };
        let builder = self.request(builder);
        let request = match body {
            Some(b) => builder.json(b).map_err(network)?,
            None => builder.build().map_err(network)?,
        };
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if response.ok() {
            let version = response
                .headers()
                .get("etag")
                .and_then(|v| v.trim_matches('"').parse().ok());
            return Ok((response.json().await.map_err(network)?, version));
        }
        Err(match response.json::<ErrorBody>().await {
            Ok(body) => ApiError {
                status,
                message: body.error,
                field: body.field,
                changed_meanwhile: body.current_version.is_some(),
                code: body.code,
            },
            Err(_) => ApiError {
                status,
                message: format!("HTTP {status}"),
                field: None,
                changed_meanwhile: false,
                code: None,
            },
        })
    }

    fn url(path: &str) -> String {
        format!("/api/admin{path}")
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(Request::get(&Self::url(path)), None::<&()>).await
    }

    /// A GET with the version of what it read (its `ETag`).
    pub async fn get_versioned<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, Option<u64>), ApiError> {
        self.send_versioned(Request::get(&Self::url(path)), None::<&()>)
            .await
    }

    /// A PUT that only applies if what it replaces is still at `version` (`If-Match`).
    pub async fn put_if<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        version: Option<u64>,
    ) -> Result<T, ApiError> {
        let mut builder = Request::put(&Self::url(path));
        if let Some(v) = version {
            builder = builder.header("if-match", &format!("\"{v}\""));
        }
        self.send(builder, Some(body)).await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::post(&Self::url(path)), Some(body)).await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::patch(&Self::url(path)), Some(body))
            .await
    }

    /// Sends a file to a conversation (`POST …/attachments`, the body is the file).
    pub async fn post_file<T: DeserializeOwned>(
        &self,
        path: &str,
        file: &web_sys::File,
        caption: &str,
    ) -> Result<T, ApiError> {
        let local = |message: String| ApiError {
            status: 0,
            message,
            field: None,
            changed_meanwhile: false,
            code: None,
        };
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| local("could not read the file".to_owned()))?;
        let bytes = js_sys::Uint8Array::new(&buffer);
        let encode = |v: &str| String::from(js_sys::encode_uri_component(v));
        let request = self
            .request(Request::post(&Self::url(path)))
            .header("content-type", &file.type_())
            .header("x-filename", &encode(&file.name()))
            .header("x-caption", &encode(caption))
            .body(bytes)
            .map_err(|e| local(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| local(format!("network error: {e}")))?;
        let status = response.status();
        if response.ok() {
            return response.json().await.map_err(|e| local(e.to_string()));
        }
        Err(match response.json::<ErrorBody>().await {
            Ok(body) => ApiError {
                status,
                message: body.error,
                field: body.field,
                changed_meanwhile: false,
                code: body.code,
            },
            Err(_) => ApiError {
                status,
                ..local(format!("HTTP {status}"))
            },
        })
    }

    /// A file from the admin API, stored as type `mime`, as a `blob:` URL (revoke it when done).
    /// The blob's type is [`blob_type`]`(mime)`: an allow-listed picture or recording keeps its
    /// type, anything else is `application/octet-stream` — never a page of the console's origin.
    pub async fn blob_url(&self, path: &str, mime: &str) -> Result<String, ApiError> {
        let network = |e: String| ApiError {
            status: 0,
            message: format!("could not load the file: {e}"),
            field: None,
            changed_meanwhile: false,
            code: None,
        };
        let response = self
            .request(Request::get(&Self::url(path)))
            .send()
            .await
            .map_err(|e| network(e.to_string()))?;
        if !response.ok() {
            return Err(network(format!("HTTP {}", response.status())));
        }
        let bytes = response
            .binary()
            .await
            .map_err(|e| network(e.to_string()))?;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&blob_type(mime));
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| network("blob".to_owned()))?;
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| network("url".to_owned()))
    }

    /// The inbox's live socket URL, with a fresh ticket.
    pub async fn live_url(&self) -> Result<String, ApiError> {
        #[derive(serde::Deserialize)]
        struct Ticket {
            ticket: String,
            path: String,
        }
        let t: Ticket = self.post("/live", &serde_json::json!({})).await?;
        let location = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let base = location
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        Ok(format!(
            "{base}{}?ticket={}",
            t.path,
            String::from(js_sys::encode_uri_component(&t.ticket))
        ))
    }

    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(Request::delete(&Self::url(path)), None::<&()>)
            .await
    }

    /// A DELETE with a JSON body (which push subscription to forget).
    pub async fn delete_with<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::delete(&Self::url(path)), Some(body))
            .await
    }
}

/// Reads `/healthz` (no token; it answers 503 with the same body while not ready).
pub async fn health() -> Option<HealthReport> {
    let response = Request::get("/healthz").send().await.ok()?;
    response.json::<HealthReport>().await.ok()
}
