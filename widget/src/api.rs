//! Calls to the edge's widget API (`/api/widget/*`), typed with the core's shared bodies.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::{
    ErrorBody, HandoffOffer, HandoffRequest, RatingRequest, VisitorMessage, WidgetConversation,
    WidgetMessage, WidgetSession, WidgetSessionRequest,
};

/// Where the edge is and who the visitor is.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub base: String,
    pub token: Option<String>,
    /// A passed Turnstile challenge's token, sent with a new visitor's first message.
    pub turnstile: Option<String>,
}

async fn send<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: Option<&impl Serialize>,
) -> Result<T, String> {
    let request = match body {
        Some(b) => builder.json(b).map_err(|e| e.to_string())?,
        None => builder.build().map_err(|e| e.to_string())?,
    };
    let response = request
        .send()
        .await
        .map_err(|_| "Can't reach the chat right now. Check your connection.".to_owned())?;
    if response.ok() {
        return response.json().await.map_err(|e| e.to_string());
    }
    Err(match response.json::<ErrorBody>().await {
        Ok(body) => body.error,
        Err(_) => format!("The chat answered {}", response.status()),
    })
}

impl Edge {
    fn url(&self, path: &str) -> String {
        format!("{}/api/widget/{path}", self.base)
    }

    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(token) => builder.header("authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    pub async fn session(&self, number: Option<String>) -> Result<WidgetSession, String> {
        let body = WidgetSessionRequest {
            visitor_token: self.token.clone(),
            number,
        };
        send(Request::post(&self.url("session")), Some(&body)).await
    }

    pub async fn conversation(&self) -> Result<WidgetConversation, String> {
        send(
            self.authorized(Request::get(&self.url("conversation"))),
            None::<&()>,
        )
        .await
    }

    pub async fn post_message(&self, text: String) -> Result<WidgetMessage, String> {
        send(
            self.authorized(Request::post(&self.url("messages"))),
            Some(&VisitorMessage {
                text,
                turnstile_token: self.turnstile.clone(),
            }),
        )
        .await
    }

    /// Rates the resolved conversation's survey; the conversation as it is now.
    pub async fn rate(&self, survey_id: String, score: u8) -> Result<WidgetConversation, String> {
        send(
            self.authorized(Request::post(&self.url("rating"))),
            Some(&RatingRequest { survey_id, score }),
        )
        .await
    }

    /// The live socket's URL, with a fresh ticket for this visitor's room.
    pub async fn live_url(&self) -> Result<String, String> {
        let ticket: LiveTicketAnswer = send(
            self.authorized(Request::post(&self.url("live"))),
            Some(&EmptyBody {}),
        )
        .await?;
        Ok(socket_url(&self.base, &ticket.path, &ticket.ticket))
    }

    /// The messages before `cursor`.
    pub async fn earlier(&self, cursor: &str) -> Result<WidgetConversation, String> {
        let url = format!(
            "{}?before={}",
            self.url("conversation"),
            percent_encode(cursor)
        );
        send(self.authorized(Request::get(&url)), None::<&()>).await
    }

    /// "Not me?": the conversation continued with a WhatsApp account that is not the visitor's.
    pub async fn not_me(&self) -> Result<WidgetConversation, String> {
        send(
            self.authorized(Request::post(&self.url("not-me"))),
            Some(&EmptyBody {}),
        )
        .await
    }

    pub async fn handoff(&self, number: Option<String>) -> Result<HandoffOffer, String> {
        send(
            self.authorized(Request::post(&self.url("handoff"))),
            Some(&HandoffRequest {
                number,
                turnstile_token: self.turnstile.clone(),
            }),
        )
        .await
    }
}

/// `{}`: a POST with nothing to say (a struct, so no `serde_json::Value` and its number
/// formatting end up in the bundle).
#[derive(Serialize)]
struct EmptyBody {}

#[derive(serde::Deserialize)]
struct LiveTicketAnswer {
    ticket: String,
    path: String,
}

/// `http(s)://edge` + path → `ws(s)://edge/path?ticket=…`.
fn socket_url(base: &str, path: &str, ticket: &str) -> String {
    let base = base
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
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
