//! Calls to the edge's widget API (`/api/widget/*`), typed with the core's shared bodies.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use switchboard_core::api::{
    ErrorBody, HandoffOffer, HandoffRequest, RatingRequest, VisitorMessage, WidgetConversation,
    WidgetMessage, WidgetSession, WidgetSessionRequest,
};

use crate::http::{self, bearer};
use crate::state::Notice;

/// Where the edge is and who the visitor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub base: String,
    pub token: Option<String>,
    /// A passed Turnstile challenge's token, sent with a new visitor's first message.
    pub turnstile: Option<String>,
}

/// An answer on its way. Boxed, so that every call with the same answer type shares one
/// future (and one decoder) instead of each caller inlining its own copy.
pub type Answer<T> = Pin<Box<dyn Future<Output = Result<T, Notice>>>>;

impl Edge {
    fn url(&self, path: &str) -> String {
        format!("{}/api/widget/{path}", self.base)
    }

    /// A call with the visitor's token (when they have one); `body` is its JSON text.
    fn call<T: DeserializeOwned + 'static>(
        &self,
        method: &'static str,
        url: String,
        body: Option<Result<String, Notice>>,
    ) -> Answer<T> {
        request(method, url, self.token.clone(), body)
    }

    pub fn session(
        &self,
        number: Option<String>,
        lang: Option<String>,
        languages: Vec<String>,
    ) -> Answer<WidgetSession> {
        let body = WidgetSessionRequest {
            visitor_token: self.token.clone(),
            number,
            lang,
            languages,
        };
        request("POST", self.url("session"), None, Some(http::json(&body)))
    }

    pub fn conversation(&self) -> Answer<WidgetConversation> {
        self.call("GET", self.url("conversation"), None)
    }

    pub fn post_message(&self, text: String) -> Answer<WidgetMessage> {
        let body = VisitorMessage {
            text,
            turnstile_token: self.turnstile.clone(),
        };
        self.call("POST", self.url("messages"), Some(http::json(&body)))
    }

    /// Rates the resolved conversation's survey; the conversation as it is now.
    pub fn rate(&self, survey_id: String, score: u8) -> Answer<WidgetConversation> {
        let body = RatingRequest { survey_id, score };
        self.call("POST", self.url("rating"), Some(http::json(&body)))
    }

    /// The live socket's URL, with a fresh ticket for this visitor's room (the link only needs
    /// to know that there is none; it falls back to polling).
    pub async fn live_url(&self) -> Result<String, String> {
        let ticket: LiveTicketAnswer = self
            .call("POST", self.url("live"), Some(Ok(EMPTY_BODY.to_owned())))
            .await
            .map_err(|_| String::from("no ticket"))?;
        Ok(socket_url(&self.base, &ticket.path, &ticket.ticket))
    }

    /// The messages before `cursor`.
    pub fn earlier(&self, cursor: &str) -> Answer<WidgetConversation> {
        let url = format!(
            "{}?before={}",
            self.url("conversation"),
            percent_encode(cursor)
        );
        self.call("GET", url, None)
    }

    /// "Not me?": the conversation continued with a WhatsApp account that is not the visitor's.
    pub fn not_me(&self) -> Answer<WidgetConversation> {
        self.call("POST", self.url("not-me"), Some(Ok(EMPTY_BODY.to_owned())))
    }

    pub fn handoff(&self, number: Option<String>, prefill: String) -> Answer<HandoffOffer> {
        let body = HandoffRequest {
            number,
            prefill: Some(prefill),
            turnstile_token: self.turnstile.clone(),
        };
        self.call("POST", self.url("handoff"), Some(http::json(&body)))
    }
}

/// One request to the edge, typed by its answer.
fn request<T: DeserializeOwned + 'static>(
    method: &'static str,
    url: String,
    token: Option<String>,
    body: Option<Result<String, Notice>>,
) -> Answer<T> {
    Box::pin(async move {
        let body = body.transpose()?;
        http::send(method, &url, token.as_deref(), body).await
    })
}

impl Edge {
    /// Uploads a picture or PDF the visitor chose, reporting progress (0–100) as it goes.
    pub async fn upload_file(
        &self,
        file: web_sys::File,
        on_progress: impl Fn(u8) + 'static,
    ) -> Result<WidgetMessage, Notice> {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let failed = || Notice::FileSend;
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| failed())?;
        xhr.open("POST", &self.url("attachments"))
            .map_err(|_| failed())?;
        if let Some(token) = &self.token {
            xhr.set_request_header("authorization", &bearer(token))
                .map_err(|_| failed())?;
        }
        if let Some(t) = &self.turnstile {
            xhr.set_request_header("x-turnstile-token", t)
                .map_err(|_| failed())?;
        }
        xhr.set_request_header("content-type", &file.type_())
            .map_err(|_| failed())?;
        xhr.set_request_header(
            "x-filename",
            &String::from(js_sys::encode_uri_component(&file.name())),
        )
        .map_err(|_| failed())?;
        let progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    on_progress((e.loaded() * 100.0 / e.total()) as u8);
                }
            });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        let done = js_sys::Promise::new(&mut |resolve, _reject| {
            let resolve = resolve.clone();
            let end = Closure::<dyn FnMut()>::new(move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            });
            xhr.set_onloadend(Some(end.as_ref().unchecked_ref()));
            end.forget();
        });
        xhr.send_with_opt_blob(Some(&file)).map_err(|_| failed())?;
        wasm_bindgen_futures::JsFuture::from(done)
            .await
            .map_err(|_| failed())?;
        drop(progress);
        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            return http::parse(&text).ok_or_else(failed);
        }
        if status == 0 {
            return Err(failed());
        }
        let field = http::parse::<ErrorBody>(&text).and_then(|b| b.field);
        Err(Notice::refused(status, field.as_deref()))
    }

    /// A file of the visitor's conversation as a `blob:` URL (revoke it when done).
    pub async fn media_url(&self, message_id: &str, mime: &str) -> Result<String, Notice> {
        let response = http::fetch(
            "GET",
            &self.url(&format!("media/{message_id}")),
            self.token.as_deref(),
            None,
        )
        .await?;
        let unreadable = || Notice::FileLoad;
        if !response.ok() {
            return Err(unreadable());
        }
        let blob = wasm_bindgen_futures::JsFuture::from(response.blob().map_err(|_| unreadable())?)
            .await
            .map_err(|_| unreadable())?;
        // The same bytes, typed as the message says when that is a picture or recording; any other
        // file stays `application/octet-stream` — a `blob:` is a document of the host page's
        // origin, so it must never be a type a browser renders as a page.
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&switchboard_core::media::blob_type(mime));
        let typed =
            web_sys::Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(&blob), &options)
                .map_err(|_| unreadable())?;
        web_sys::Url::create_object_url_with_blob(&typed).map_err(|_| unreadable())
    }
}

/// A POST with nothing to say.
const EMPTY_BODY: &str = "{}";

#[derive(serde::Deserialize)]
struct LiveTicketAnswer {
    ticket: String,
    path: String,
}

/// `http(s)://edge` + path → `ws(s)://edge/path?ticket=…`.
fn socket_url(base: &str, path: &str, ticket: &str) -> String {
    let base = match (base.strip_prefix("https://"), base.strip_prefix("http://")) {
        (Some(host), _) => format!("wss://{host}"),
        (None, Some(host)) => format!("ws://{host}"),
        (None, None) => base.to_owned(),
    };
    format!(
        "{base}{path}?ticket={}",
        String::from(js_sys::encode_uri_component(ticket))
    )
}

/// A cursor is `<digits>.<digits>`; anything else is encoded byte by byte.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
