//! The edge's one error type, and the one place where it becomes an HTTP status.

use switchboard_core::api::ErrorBody;
use switchboard_core::config_document::ConfigRefusal;
use switchboard_core::settings::FieldError;
use worker::Response;

use crate::graph::GraphError;

#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    InvalidField(#[from] FieldError),
    #[error("missing or wrong admin token (Authorization: Bearer <token>)")]
    Unauthorized,
    #[error("{0}")]
    BadSignature(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Graph(#[from] GraphError),
    /// The configuration writer refused a change.
    #[error("{0}")]
    Config(#[from] ConfigRefusal),
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
            Self::Unauthorized | Self::BadSignature(_) => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::TooLarge(_) => 413,
            Self::Graph(e) => e.our_status(),
            Self::Config(ConfigRefusal::UnknownNumber { .. }) => 404,
            Self::Config(_) => 409,
            Self::Storage(_) | Self::Internal(_) => 500,
        }
    }

    pub fn into_response(self) -> Response {
        let status = self.status();
        if status >= 500 {
            worker::console_error!("{status}: {self}");
        }
        let body = ErrorBody {
            field: match &self {
                Self::InvalidField(e) => Some(e.field.clone()),
                _ => None,
            },
            current_version: match &self {
                Self::Config(ConfigRefusal::StaleVersion { current, .. }) => Some(*current),
                _ => None,
            },
            error: match &self {
                Self::InvalidField(e) => e.reason.clone(),
                // Storage and internal details stay in the log.
                Self::Storage(_) => "storage failed; please retry".to_owned(),
                Self::Internal(_) => "internal error".to_owned(),
                other => other.to_string(),
            },
        };
        crate::http::json_response(&body, status)
    }
}

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> Self {
        Self::Storage(e.to_string())
    }
}

impl From<worker::kv::KvError> for EdgeError {
    fn from(e: worker::kv::KvError) -> Self {
        Self::Storage(e.to_string())
    }
}
