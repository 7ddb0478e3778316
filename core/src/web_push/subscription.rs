//! A browser's push subscription, as `PushSubscription.toJSON()` gives it, and its checks:
//! the endpoint is `https` (or `http` on this machine, for tests and `wrangler dev`), `p256dh`
//! is an uncompressed P-256 point (65 bytes), `auth` 16 bytes. A refusal names the field.

use serde::{Deserialize, Serialize};

use super::from_base64url;
use crate::settings::{field_error, FieldError};

/// The longest endpoint accepted (real ones are 150–500 characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// `GET /api/admin/push/key`: the deployment's VAPID public key (base64url of the 65-byte
/// point), the `applicationServerKey` the console subscribes with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKey {
    pub public_key: String,
}

/// `POST /api/admin/push/subscriptions`: the subscription, as the browser serialises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionBody {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

/// `DELETE /api/admin/push/subscriptions`: which subscription to forget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeBody {
    pub endpoint: String,
}

/// A subscription that passed [`SubscriptionBody::validate`]: the keys decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    /// The browser's ECDH public key: an uncompressed P-256 point (`0x04 ‖ x ‖ y`).
    pub p256dh: [u8; 65],
    /// The shared authentication secret.
    pub auth: [u8; 16],
}

impl SubscriptionBody {
    pub fn validate(&self) -> Result<Subscription, FieldError> {
        let endpoint = check_endpoint(&self.endpoint)?;
        let p256dh: [u8; 65] = from_base64url(&self.keys.p256dh)
            .and_then(|b| b.try_into().ok())
            .filter(|b: &[u8; 65]| b[0] == 0x04)
            .ok_or_else(|| {
                field_error(
                    "keys.p256dh",
                    "must be an uncompressed P-256 public key: 65 bytes in base64url, starting 0x04",
                )
            })?;
        #[cfg(feature = "web-push")]
        if p256::PublicKey::from_sec1_bytes(&p256dh).is_err() {
            return Err(field_error(
                "keys.p256dh",
                "is not a point on the P-256 curve",
            ));
        }
        let auth: [u8; 16] = from_base64url(&self.keys.auth)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| field_error("keys.auth", "must be 16 bytes in base64url"))?;
        Ok(Subscription {
            endpoint,
            p256dh,
            auth,
        })
    }
}

/// The endpoint, trimmed: an absolute `https` URL, or `http` to `localhost`/`127.0.0.1`.
pub fn check_endpoint(endpoint: &str) -> Result<String, FieldError> {
    let endpoint = endpoint.trim();
    if endpoint.is_empty() || endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(field_error(
            "endpoint",
            format!("must be a URL of 1–{MAX_ENDPOINT_LEN} characters"),
        ));
    }
    let url = url::Url::parse(endpoint)
        .map_err(|_| field_error("endpoint", "must be an absolute URL"))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    let allowed = match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => local,
        _ => false,
    };
    if !allowed || !url.username().is_empty() || url.password().is_some() {
        return Err(field_error(
            "endpoint",
            "must be an https URL of a push service (http only for localhost or 127.0.0.1)",
        ));
    }
    Ok(endpoint.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8291 Appendix A's user agent.
    const P256DH: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn body(endpoint: &str, p256dh: &str, auth: &str) -> SubscriptionBody {
        SubscriptionBody {
            endpoint: endpoint.into(),
            keys: SubscriptionKeys {
                p256dh: p256dh.into(),
                auth: auth.into(),
            },
        }
    }

    #[test]
    fn a_browsers_subscription_is_accepted_with_its_keys_decoded() {
        let s = body(
            " https://fcm.googleapis.com/fcm/send/abc:def ",
            P256DH,
            AUTH,
        )
        .validate()
        .unwrap();
        assert_eq!(s.endpoint, "https://fcm.googleapis.com/fcm/send/abc:def");
        assert_eq!(s.p256dh[0], 4);
        assert_eq!(super::super::base64url(&s.auth), AUTH);
        // Padded base64url, as some libraries write it, is read too.
        assert!(
            body("https://push.example/x", P256DH, "BTBZMqHH6r4Tts7J_aSIgg==")
                .validate()
                .is_ok()
        );
        assert!(body("http://127.0.0.1:8787/push/1", P256DH, AUTH)
            .validate()
            .is_ok());
        assert!(body("http://localhost/push/1", P256DH, AUTH)
            .validate()
            .is_ok());
    }

    #[test]
    fn endpoints_that_are_not_a_push_service_are_refused() {
        for bad in [
            "",
            "push.example/x",
            "http://push.example/x",
            "ftp://push.example/x",
            "javascript:alert(1)",
            "https://user:pw@push.example/x",
            &format!("https://push.example/{}", "a".repeat(MAX_ENDPOINT_LEN)),
        ] {
            let err = body(bad, P256DH, AUTH).validate().unwrap_err();
            assert_eq!(err.field, "endpoint", "{bad:?}");
        }
    }

    #[test]
    fn keys_of_the_wrong_size_or_shape_are_refused_by_name() {
        let compressed = super::super::base64url(&[2u8; 33]);
        for bad in ["", "!!!", &compressed, &P256DH[..40]] {
            let err = body("https://push.example/x", bad, AUTH)
                .validate()
                .unwrap_err();
            assert_eq!(err.field, "keys.p256dh", "{bad:?}");
        }
        for bad in ["", "BTBZMqHH6r4T", &super::super::base64url(&[1u8; 32])] {
            let err = body("https://push.example/x", P256DH, bad)
                .validate()
                .unwrap_err();
            assert_eq!(err.field, "keys.auth", "{bad:?}");
        }
    }

    #[cfg(feature = "web-push")]
    #[test]
    fn a_point_off_the_curve_is_refused() {
        let mut off = [7u8; 65];
        off[0] = 4;
        let err = body(
            "https://push.example/x",
            &super::super::base64url(&off),
            AUTH,
        )
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "keys.p256dh");
    }
}
