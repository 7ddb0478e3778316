//! The WhatsApp Cloud API (Meta's Graph API) client: its settings, errors and answers here;
//! the client's calls in `client` (numbers, profiles, sends, templates) and `media` (files).
//!
//! Base URL and version come from configuration: production uses
//! `https://graph.facebook.com`, tests a local stand-in that speaks the same
//! formats. Graph's error object (`error.message`, `type`, `code`, `fbtrace_id`)
//! is passed on to the caller in [`GraphError`]. Tokens never appear in errors.

use serde::{Deserialize, Serialize};

use crate::error::EdgeError;

mod client;
mod media;

pub use client::GraphClient;
pub use media::{DownloadError, DownloadedBody};

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

/// Where the Graph API is and how long to wait for it (read from the environment by `config`).
pub struct GraphApi {
    /// `GRAPH_API_BASE`, without a trailing `/`.
    pub base: String,
    /// `GRAPH_API_VERSION`.
    pub version: String,
    /// How long to wait for the Graph API (`GRAPH_TIMEOUT_MS`, default 15 s).
    pub timeout_ms: u64,
}
