//! The edge's one error type, and the one place where it becomes an HTTP status
//! ([`EdgeError::status`]; `platform::http::error_response` writes the answer).

use switchboard_core::config_document::ConfigRefusal;
use switchboard_core::settings::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    InvalidField(#[from] FieldError),
    #[error("missing or wrong admin token (Authorization: Bearer <token>)")]
    Unauthorized,
    /// The webhook's `X-Hub-Signature-256` is missing or wrong.
    #[error("{0}")]
    BadSignature(String),
    /// The widget's visitor token is missing, forged or expired.
    #[error(
        "missing, invalid or expired visitor token; start a session (POST /api/widget/session)"
    )]
    BadVisitorToken,
    /// An Access token that does not verify (or none where one is needed): 401 with a short
    /// reason ("sign-in expired", "not for this application").
    #[error("{0}")]
    SignInRefused(&'static str),
    /// Someone signed in with Access who is not a member (403); `claimable` while the team
    /// has no owner yet.
    #[error("{}", if *.claimable { "this Switchboard has no owner yet: claim it with the admin token" } else { "you are signed in, but not a member of this team: ask an owner to add you" })]
    NotAMember { claimable: bool },
    /// A member whose role does not allow the route (403, naming the role it needs).
    #[error("this needs the {0} role; ask an owner")]
    RoleNeeded(&'static str),
    /// Access sign-in cannot be checked now (its keys unreachable past their grace, or its vars
    /// set wrongly): 503 saying why; the admin token still works.
    #[error("{0}")]
    SignInUnavailable(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The path exists, not for this method; `allow` lists the methods it takes.
    #[error("this route takes {allow}")]
    MethodNotAllowed { allow: &'static str },
    #[error("{0}")]
    Conflict(String),
    /// A whole-document write without `If-Match` (428): the version it would overwrite.
    #[error("this PUT replaces all the settings, so it must say which version it was made from, or it could undo a change made meanwhile: GET /api/admin/settings, change what you need, and PUT it back with the ETag as If-Match (the current version is {current_version}: If-Match: \"{current_version}\")")]
    PreconditionRequired { current_version: u64 },
    /// A `Range` beyond the file (416); the file's size.
    #[error("the requested range is outside the file's {0} bytes")]
    RangeNotSatisfiable(u64),
    /// A plain request to a WebSocket route.
    #[error("this route is a WebSocket: send Upgrade: websocket")]
    UpgradeRequired,
    /// A live-socket ticket that is missing, forged or expired.
    #[error("missing, invalid or expired live ticket; ask for one (POST /api/widget/live or /api/admin/live)")]
    BadLiveTicket,
    #[error("body is larger than {0} bytes")]
    TooLarge(usize),
    /// Over a rate limit: 429 with `Retry-After`.
    #[error("{message}")]
    TooManyRequests {
        retry_after: u32,
        message: &'static str,
    },
    /// A service we called refused or failed (the Graph API: 400 for a refusal of what the owner
    /// asked, 502 for a failure; the graph module maps its errors to this at its boundary).
    #[error("{message}")]
    Upstream { status: u16, message: String },
    /// The configuration writer refused a change.
    #[error("{0}")]
    Config(#[from] ConfigRefusal),
    /// A UNIQUE constraint refused a write: a concurrent writer got there first (callers that
    /// expect the race decide again; one that escapes is a 409).
    #[error("a concurrent change got there first: {0}")]
    ConcurrentWrite(String),
    /// The deployment lacks a secret or its database schema (503: Meta retries later; the
    /// message names what is missing, never a value).
    #[error("Switchboard is not set up yet: {0}. GET /healthz lists what is missing.")]
    NotSetUp(String),
    /// A service we depend on could not be asked (503: try again later).
    #[error("{0}")]
    Unavailable(String),
    /// A new visitor's Turnstile token did not pass (403, with `field: "turnstile_token"` so
    /// the Messenger can say so in the visitor's language).
    #[error("Please complete the quick check above before your first message.")]
    TurnstileRefused,
    /// Our own storage (KV or D1) failed: 5xx, so that Meta retries a delivery.
    #[error("storage failed: {0}")]
    Storage(String),
    #[error("{0}")]
    Internal(String),
}

impl EdgeError {
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) | Self::InvalidField(_) => 400,
            Self::Unauthorized
            | Self::BadSignature(_)
            | Self::BadVisitorToken
            | Self::BadLiveTicket
            | Self::SignInRefused(_) => 401,
            Self::Forbidden(_)
            | Self::TurnstileRefused
            | Self::NotAMember { .. }
            | Self::RoleNeeded(_) => 403,
            Self::NotFound(_) => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Conflict(_) | Self::ConcurrentWrite(_) => 409,
            Self::UpgradeRequired => 426,
            Self::PreconditionRequired { .. } => 428,
            Self::RangeNotSatisfiable(_) => 416,
            Self::TooLarge(_) => 413,
            Self::TooManyRequests { .. } => 429,
            Self::Upstream { status, .. } => *status,
            Self::Config(ConfigRefusal::UnknownNumber { .. }) => 404,
            Self::Config(_) => 409,
            Self::Storage(_) | Self::Internal(_) => 500,
            Self::Unavailable(_) | Self::NotSetUp(_) | Self::SignInUnavailable(_) => 503,
        }
    }
}

impl From<worker::Error> for EdgeError {
    /// The one place a platform error is classified: D1's "UNIQUE constraint failed" is a race
    /// with a concurrent writer; anything else from KV, D1 or a Durable Object is a storage failure.
    fn from(e: worker::Error) -> Self {
        let text = match &e {
            worker::Error::D1(d1) => d1.cause(),
            other => other.to_string(),
        };
        if text.contains("UNIQUE constraint failed") {
            Self::ConcurrentWrite(text)
        } else if text.contains("no such table") || text.contains("no such column") {
            worker::console_error!("D1 schema missing: {text}");
            Self::NotSetUp(
                "the D1 database is not migrated; run `wrangler d1 migrations apply DB --remote`"
                    .to_owned(),
            )
        } else {
            Self::Storage(e.to_string())
        }
    }
}

impl From<worker::kv::KvError> for EdgeError {
    fn from(e: worker::kv::KvError) -> Self {
        Self::Storage(e.to_string())
    }
}
