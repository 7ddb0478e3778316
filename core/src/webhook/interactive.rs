//! `interactive` replies: a reply button, a list row, a completed Flow (`nfm_reply`) or a call
//! permission answer.
//!
//! A Flow's answers come as a JSON text in `nfm_reply.response_json` whose shape is the Flow's
//! own (Meta, *Receiving Flow Response*, updated Oct 3, 2025). They are turned into readable
//! `key: value` pairs whatever that JSON holds: nested objects as `outer.inner`, arrays of plain
//! values joined, other arrays as `key[0].…`, and text that is not JSON kept as one `response`
//! field. `flow_token` (our own correlation token) is left out of the pairs, not out of
//! `response_json`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::MessageContent;
use super::fields::{nonempty, opt_bool, opt_integer};

/// Most answers kept as pairs (a Flow's screens hold a few dozen at most).
pub const MAX_FLOW_FIELDS: usize = 200;

/// One answer of a Flow, readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowField {
    pub key: String,
    pub value: String,
}

pub(super) fn parse_interactive(body: &Value) -> Result<MessageContent, String> {
    let kind = nonempty(body, "type").ok_or("interactive.type: missing")?;
    let reply = body
        .get(&kind)
        .filter(|r| r.is_object())
        .ok_or_else(|| format!("interactive.{kind}: missing or not an object"))?;
    let need = |key: &str| {
        nonempty(reply, key).ok_or_else(|| format!("interactive.{kind}.{key}: missing"))
    };
    Ok(match kind.as_str() {
        "button_reply" | "list_reply" => MessageContent::Interactive {
            reply_id: need("id")?,
            title: need("title")?,
            description: nonempty(reply, "description"),
            reply_kind: kind,
        },
        "nfm_reply" => {
            let response_json = need("response_json")?;
            MessageContent::FlowReply {
                name: nonempty(reply, "name"),
                body: nonempty(reply, "body"),
                fields: flow_fields(&response_json),
                response_json,
            }
        }
        "call_permission_reply" => MessageContent::CallPermissionReply {
            response: need("response")?,
            is_permanent: opt_bool(reply, "is_permanent"),
            expiration_timestamp: opt_integer(reply, "expiration_timestamp"),
            response_source: nonempty(reply, "response_source"),
        },
        other => return Err(format!("interactive.type: {other:?} is not one we know")),
    })
}

/// The answers in a Flow's `response_json`, as readable pairs, in the order Meta sent them.
pub fn flow_fields(response_json: &str) -> Vec<FlowField> {
    let mut fields = Vec::new();
    match serde_json::from_str::<Answer>(response_json) {
        Ok(Answer::Object(entries)) => {
            for (key, value) in &entries {
                if key != "flow_token" {
                    flatten(key, value, &mut fields);
                }
            }
        }
        Ok(other) => flatten("response", &other, &mut fields),
        Err(_) => push(&mut fields, "response", response_json.to_owned()),
    }
    fields
}

/// A JSON value whose objects keep their keys in the order sent (serde_json's own map sorts
/// them, and a Flow's answers read best in the order of its screens).
enum Answer {
    Plain(String),
    Array(Vec<Answer>),
    Object(Vec<(String, Answer)>),
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;
        impl<'de> serde::de::Visitor<'de> for AnswerVisitor {
            type Value = Answer;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Answer, E> {
                Ok(Answer::Plain(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Answer, E> {
                Ok(Answer::Plain(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Answer, E> {
                Ok(Answer::Plain(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Answer, E> {
                Ok(Answer::Plain(
                    serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string()),
                ))
            }
            fn visit_str<E>(self, v: &str) -> Result<Answer, E> {
                Ok(Answer::Plain(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Answer, E> {
                Ok(Answer::Plain(String::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Answer, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Answer::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Answer, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Answer>()? {
                    entries.push(entry);
                }
                Ok(Answer::Object(entries))
            }
        }
        deserializer.deserialize_any(AnswerVisitor)
    }
}

fn flatten(key: &str, value: &Answer, fields: &mut Vec<FlowField>) {
    match value {
        Answer::Object(entries) => {
            for (inner, value) in entries {
                flatten(&format!("{key}.{inner}"), value, fields);
            }
        }
        Answer::Array(items) if items.iter().all(|i| matches!(i, Answer::Plain(_))) => {
            let joined = items
                .iter()
                .filter_map(|i| match i {
                    Answer::Plain(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", ");
            push(fields, key, joined);
        }
        Answer::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{key}[{i}]"), item, fields);
            }
        }
        Answer::Plain(text) => push(fields, key, text.clone()),
    }
}

fn push(fields: &mut Vec<FlowField>, key: &str, value: String) {
    if fields.len() < MAX_FLOW_FIELDS {
        fields.push(FlowField {
            key: key.to_owned(),
            value,
        });
    }
}
