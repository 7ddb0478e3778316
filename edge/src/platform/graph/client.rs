//! The Graph API client: requests and their answers (errors passed on as [`GraphError`]),
//! a number's details and business profile, sending messages, and templates.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::api::TemplateChoice;
use switchboard_core::customer_identity::CustomerKey;
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use super::{BusinessProfile, ErrorEnvelope, GraphApi, GraphError, PhoneNumberInfo};

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

pub struct GraphClient<'a> {
    pub(super) api: &'a GraphApi,
    pub(super) access_token: String,
}

impl<'a> GraphClient<'a> {
    pub fn new(api: &'a GraphApi, access_token: String) -> Self {
        Self { api, access_token }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/{}/{}", self.api.base, self.api.version, path)
    }

    pub(super) async fn call<T: DeserializeOwned>(
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
    pub(super) async fn answer<T: DeserializeOwned>(
        &self,
        request: Fetch,
    ) -> Result<T, GraphError> {
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

    /// A read receipt or typing indicator (`core::whatsapp_outgoing`): Graph answers
    /// `{"success": true}`, not a message id.
    pub async fn send_receipt(
        &self,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<(), GraphError> {
        let _: Value = self
            .call(
                Method::Post,
                &format!("{phone_number_id}/messages"),
                Some(body),
            )
            .await?;
        Ok(())
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

    /// Every send goes through here: a customer filed by their business-scoped user ID (a
    /// username, no phone number known) is addressed with `recipient`, as Meta asks; a phone
    /// number stays `to`.
    pub(super) async fn send(
        &self,
        phone_number_id: &str,
        body: &Value,
    ) -> Result<String, GraphError> {
        let body = addressed(body);
        let result: SendResult = self
            .call(
                Method::Post,
                &format!("{phone_number_id}/messages"),
                Some(&body),
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

/// The body with its `to` moved to `recipient` when it holds a business-scoped user ID.
fn addressed(body: &Value) -> Value {
    let mut body = body.clone();
    let to = body.get("to").and_then(Value::as_str).map(str::to_owned);
    if let (Some(to), Some(fields)) = (to, body.as_object_mut()) {
        if let CustomerKey::Bsuid(id) = CustomerKey::from_stored(&to) {
            fields.remove("to");
            fields.insert("recipient".into(), Value::from(id));
        }
    }
    body
}
