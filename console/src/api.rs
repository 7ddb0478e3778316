//! The admin API client: every call carries the admin token and turns the edge's
//! JSON errors into [`ApiError`]s the forms can show next to the right field.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::ErrorBody;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub field: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Admin {
    pub token: String,
}

impl Admin {
    fn request(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.header("authorization", &format!("Bearer {}", self.token))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: Option<&impl Serialize>,
    ) -> Result<T, ApiError> {
        let network = |e: gloo_net::Error| ApiError {
            status: 0,
            message: format!("network error: {e}"),
            field: None,
        };
        let builder = self.request(builder);
        let request = match body {
            Some(b) => builder.json(b).map_err(network)?,
            None => builder.build().map_err(network)?,
        };
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if response.ok() {
            return response.json().await.map_err(network);
        }
        Err(match response.json::<ErrorBody>().await {
            Ok(body) => ApiError {
                status,
                message: body.error,
                field: body.field,
            },
            Err(_) => ApiError {
                status,
                message: format!("HTTP {status}"),
                field: None,
            },
        })
    }

    fn url(path: &str) -> String {
        format!("/api/admin{path}")
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(Request::get(&Self::url(path)), None::<&()>).await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::post(&Self::url(path)), Some(body)).await
    }

    pub async fn put<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::put(&Self::url(path)), Some(body)).await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send(Request::patch(&Self::url(path)), Some(body))
            .await
    }

    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(Request::delete(&Self::url(path)), None::<&()>)
            .await
    }
}
